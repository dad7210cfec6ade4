/*
 * The FP context status mstatus.FS: with FS = Off every FP instruction and
 * fcsr access is illegal (mcause 2, mtval = the instruction's bits, 16-bit
 * ones too), from M- and S-mode; writing an FP register or fcsr makes FS
 * Dirty and sets SD; the sstatus view of FS/SD.
 */
#include "test.h"

/* a3 = mstatus & (FS | SD) */
.macro FS_SD csr=mstatus
    csrr a3, \csr
    li t0, MSTATUS_FS | MSTATUS_SD
    and a3, a3, t0
.endm

/* check that the last trap was illegal with tval = the instruction's bits
 * (16 or 32 of them) at label */
.macro CHECK_ILLEGAL n, label, csr_insn=0
    CHECK \n, t6, CAUSE_ILLEGAL
#ifdef QEMU_REFERENCE
    /* QEMU 7.2 leaves a stale mtval for an illegal CSR instruction */
.if \csr_insn
    .exitm
.endif
#endif
    la t0, \label
    lhu t1, 0(t0)
    andi t2, t1, 3
    li t3, 3
    bne t2, t3, .Lshort\@
    lwu t1, 0(t0)
.Lshort\@:
    CHECK_MEM_EQ \n + 100, trap_tval, t1
.endm

.macro SET_FS state
    li t0, MSTATUS_FS
    csrc mstatus, t0
    li t0, \state
    csrs mstatus, t0
.endm

    .text
    .globl main
main:
    TRAPS_OK
    la s0, scratch

    /* --- FS = Off: FP instructions trap --- */
    SET_FS MSTATUS_FS_OFF
    FS_SD
    CHECK 1, a3, 0
    li t6, -1
i_fadd:
    fadd.d fa0, fa1, fa2
    CHECK_ILLEGAL 2, i_fadd
    li t6, -1
i_flw:
    flw fa0, 0(s0)
    CHECK_ILLEGAL 3, i_flw
    li t6, -1
i_fsd:
    fsd fa0, 0(s0)
    CHECK_ILLEGAL 4, i_fsd
    li t6, -1
i_fmvxd:
    fmv.x.d a3, fa0
    CHECK_ILLEGAL 5, i_fmvxd
    li t6, -1
i_fcsr:
    csrr a3, fcsr
    CHECK_ILLEGAL 6, i_fcsr, 1
    li t6, -1
i_fflags:
    csrwi fflags, 1
    CHECK_ILLEGAL 7, i_fflags, 1
    li t6, -1
    mv a1, s0
i_cfld:
    c.fld fa0, 0(a1)                    /* 16-bit: mtval holds 16 bits */
    CHECK_ILLEGAL 8, i_cfld
    FS_SD
    CHECK 9, a3, 0                      /* still Off */

    /* --- from S-mode too (to M, as nothing is delegated) --- */
    li a0, MODE_S
    la a1, s_fp_op
    li a2, 0
    call run_in_mode
    CHECK 10, a0, CAUSE_ILLEGAL
    ld t0, trap_status
    CHECK_MASK 12, t0, MSTATUS_MPP, MODE_S << MSTATUS_MPP_SHIFT
    la t1, s_fp_insn
    CHECK_MEM_EQ 13, trap_epc, t1
    lwu t1, 0(t1)
    CHECK_MEM_EQ 11, trap_tval, t1

    /* --- Initial -> Dirty on an FP register write --- */
    SET_FS MSTATUS_FS_INITIAL
    FS_SD
    CHECK 14, a3, MSTATUS_FS_INITIAL
    fmv.d.x fa0, zero
    FS_SD
    CHECK 15, a3, MSTATUS_FS_DIRTY | MSTATUS_SD
    FS_SD sstatus                       /* the S view shows the same */
    CHECK 16, a3, MSTATUS_FS_DIRTY | MSTATUS_SD

    /* --- Clean -> Dirty on an fcsr write --- */
    SET_FS MSTATUS_FS_CLEAN
    FS_SD
    CHECK 17, a3, MSTATUS_FS_CLEAN      /* SD only with Dirty */
    csrwi fflags, 0
    FS_SD
    CHECK 18, a3, MSTATUS_FS_DIRTY | MSTATUS_SD

    /* --- Clean -> Dirty on an FP load --- */
    SET_FS MSTATUS_FS_CLEAN
    fld fa1, 0(s0)
    FS_SD
    CHECK 19, a3, MSTATUS_FS_DIRTY | MSTATUS_SD

    /* --- Clean -> Dirty on FP arithmetic --- */
    SET_FS MSTATUS_FS_CLEAN
    fadd.d fa2, fa1, fa1
    FS_SD
    CHECK 20, a3, MSTATUS_FS_DIRTY | MSTATUS_SD

    /* --- FS is writable through sstatus --- */
    li t0, MSTATUS_FS
    csrc sstatus, t0
    FS_SD
    CHECK 21, a3, 0
    li t6, -1
    fmv.d.x fa0, zero
    CHECK 22, t6, CAUSE_ILLEGAL
    li t0, MSTATUS_FS_INITIAL
    csrs sstatus, t0
    li t6, -1
    fmv.d.x fa0, zero
    CHECK 23, t6, -1
    FS_SD
    CHECK 24, a3, MSTATUS_FS_DIRTY | MSTATUS_SD

    CHECK_MEM 25, trap_count, 9
    j test_pass

/* runs in S-mode with FS = Off; returns the trap cause */
s_fp_op:
    li t6, -1
s_fp_insn:
    fadd.s fa0, fa0, fa0
    mv a0, t6
    ret

    .data
    .align 3
scratch:
    .dword 0
