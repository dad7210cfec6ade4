/*
 * Misaligned loads and stores (integer and FP, every size, some crossing a
 * page boundary): each must either be performed with the right value and
 * byte placement, or trap with cause 4 (load) / 6 (store) and the address in
 * mtval, leaving memory untouched. (This emulator and QEMU perform them.)
 * A summary line reports how many were performed and how many trapped.
 */
#include "test.h"

#define PATTERN0 0x8786858483828180
#define PATTERN1 0x8f8e8d8c8b8a8988
#define PATTERN2 0x9796959493929190

/* integer load of buf + off: performed (check value) or trapped */
.macro TRY_LOAD n, insn, off, expected
    addi s1, s0, \off
    li a3, 0
    li t6, -1
    \insn a3, 0(s1)
    call outcome
    bnez a0, .Ltrap\@
    CHECK \n, a3, \expected
    j .Lend\@
.Ltrap\@:
    CHECK \n, t6, CAUSE_MISALIGNED_LOAD
    CHECK_MEM_EQ \n, trap_tval, s1
.Lend\@:
.endm

/* FP load: the raw register contents are checked */
.macro TRY_FLOAD n, insn, off, expected
    addi s1, s0, \off
    fmv.d.x fa3, zero
    li t6, -1
    \insn fa3, 0(s1)
    call outcome
    bnez a0, .Ltrap\@
    fmv.x.d a3, fa3
    CHECK \n, a3, \expected
    j .Lend\@
.Ltrap\@:
    CHECK \n, t6, CAUSE_MISALIGNED_LOAD
    CHECK_MEM_EQ \n, trap_tval, s1
.Lend\@:
.endm

/* store of value at buf + off; exp0..2 = the three dwords of buf after */
.macro TRY_STORE n, insn, off, value, exp0, exp1, exp2
    call reset_buf
    addi s1, s0, \off
    li a2, \value
    fmv.d.x fa2, a2
    li t6, -1
.ifc \insn, fsw
    fsw fa2, 0(s1)
.else
.ifc \insn, fsd
    fsd fa2, 0(s1)
.else
    \insn a2, 0(s1)
.endif
.endif
    call outcome
    bnez a0, .Ltrap\@
    ld a3, 0(s0)
    CHECK \n, a3, \exp0
    ld a3, 8(s0)
    CHECK \n, a3, \exp1
    ld a3, 16(s0)
    CHECK \n, a3, \exp2
    j .Lend\@
.Ltrap\@:
    CHECK \n, t6, CAUSE_MISALIGNED_STORE
    CHECK_MEM_EQ \n, trap_tval, s1
    ld a3, 0(s0)
    CHECK \n, a3, PATTERN0
    ld a3, 8(s0)
    CHECK \n, a3, PATTERN1
    ld a3, 16(s0)
    CHECK \n, a3, PATTERN2
.Lend\@:
.endm

    .text
    .globl main
main:
    TRAPS_OK
    la s0, buf
    li s2, 0                            /* performed */
    li s3, 0                            /* trapped */
    call reset_buf

    /* --- loads (the last ones cross a page boundary) --- */
    TRY_LOAD 1, lh, 1, 0xffffffffffff8281
    TRY_LOAD 2, lhu, 3, 0x8483
    TRY_LOAD 3, lw, 1, 0xffffffff84838281
    TRY_LOAD 4, lwu, 5, 0x88878685
    TRY_LOAD 5, ld, 3, 0x8a89888786858483
    TRY_LOAD 6, ld, 7, 0x8e8d8c8b8a898887
    TRY_LOAD 7, lh, 15, 0xffffffffffff908f
    TRY_LOAD 8, lw, 13, 0xffffffff908f8e8d
    TRY_LOAD 9, lwu, 15, 0x9291908f
    TRY_LOAD 10, ld, 13, 0x94939291908f8e8d
    /* --- FP loads --- */
    TRY_FLOAD 11, flw, 1, 0xffffffff84838281
    TRY_FLOAD 12, fld, 3, 0x8a89888786858483
    TRY_FLOAD 13, fld, 13, 0x94939291908f8e8d
    /* --- stores (the sh/sw/sd at 15/13/11 cross a page boundary) --- */
    TRY_STORE 14, sh, 1, 0x1234, 0x8786858483123480, 0x8f8e8d8c8b8a8988, 0x9796959493929190
    TRY_STORE 15, sw, 3, 0x12345678, 0x8712345678828180, 0x8f8e8d8c8b8a8988, 0x9796959493929190
    TRY_STORE 16, sd, 5, 0x1122334455667788, 0x6677888483828180, 0x8f8e8d1122334455, 0x9796959493929190
    TRY_STORE 17, sh, 15, 0xa1b2, 0x8786858483828180, 0xb28e8d8c8b8a8988, 0x97969594939291a1
    TRY_STORE 18, sw, 13, 0xc1d2e3f4, 0x8786858483828180, 0xd2e3f48c8b8a8988, 0x97969594939291c1
    TRY_STORE 19, sd, 11, 0x102030405060708, 0x8786858483828180, 0x4050607088a8988, 0x9796959493010203
    TRY_STORE 20, fsw, 7, 0x55667788, 0x8886858483828180, 0x8f8e8d8c8b556677, 0x9796959493929190
    TRY_STORE 21, fsd, 9, 0x99aabbccddeeff00, 0x8786858483828180, 0xaabbccddeeff0088, 0x9796959493929199

    la a0, msg_performed
    call print
    mv a0, s2
    call print_hex
    la a0, msg_trapped
    call print
    mv a0, s3
    call print_hex
    li a0, '\n'
    call putchar_htif
    j test_pass

/* a0 = 0 if the access was performed (t6 == -1), else 1; counts both */
outcome:
    li t0, -1
    bne t6, t0, 1f
    addi s2, s2, 1
    li a0, 0
    ret
1:  addi s3, s3, 1
    li a0, 1
    ret

/* buf[i] = 0x80 + i for i in 0..31 */
reset_buf:
    li t0, 0
    li t1, 0x80
1:  add t2, s0, t0
    sb t1, 0(t2)
    addi t0, t0, 1
    addi t1, t1, 1
    li t2, 32
    blt t0, t2, 1b
    ret

    .section .rodata
msg_performed:
    .string "misaligned: performed "
msg_trapped:
    .string ", trapped "

    .data
    .align 12
    .space 4096 - 16
buf:                                    /* buf + 16 starts a page */
    .space 32
