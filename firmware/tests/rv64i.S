/*
 * RV64I basics and a sample of RVC: arithmetic and logic, 32-bit (W)
 * operations and their sign extension, shifts (amounts taken mod 64/32),
 * compares, lui/auipc, branches, jal/jalr (link values, jalr clearing
 * bit 0), loads/stores with sign/zero extension, x0, and compressed
 * instructions including the pc+2 link of c.jalr.
 */
#include "test.h"

    .text
    .globl main
main:
    /* --- add/sub and overflow wrap --- */
    li a1, 0x7fffffffffffffff
    addi a2, a1, 1
    CHECK 1, a2, 0x8000000000000000
    li a1, -5
    li a2, 3
    add a3, a1, a2
    CHECK 2, a3, -2
    sub a3, a1, a2
    CHECK 3, a3, -8

    /* --- W operations sign-extend bit 31 --- */
    li a1, 0x7fffffff
    addiw a3, a1, 1
    CHECK 4, a3, 0xffffffff80000000
    li a1, 0x123456789
    addw a3, a1, zero
    CHECK 5, a3, 0x23456789
    li a1, 0
    li a2, 1
    subw a3, a1, a2
    CHECK 6, a3, -1
    li a1, 0xffffffff00000005
    addiw a3, a1, 0                     /* sext.w */
    CHECK 7, a3, 5

    /* --- logic --- */
    li a1, 0xff00ff00ff00ff00
    li a2, 0x0ff00ff00ff00ff0
    and a3, a1, a2
    CHECK 8, a3, 0x0f000f000f000f00
    or a3, a1, a2
    CHECK 9, a3, 0xfff0fff0fff0fff0
    xor a3, a1, a2
    CHECK 10, a3, 0xf0f0f0f0f0f0f0f0
    andi a3, a1, 0x7f0
    CHECK 11, a3, 0x700
    xori a3, a1, -1
    CHECK 12, a3, 0x00ff00ff00ff00ff
    ori a3, zero, -2048
    CHECK 13, a3, 0xfffffffffffff800

    /* --- compares --- */
    li a1, -1
    li a2, 1
    slt a3, a1, a2
    CHECK 14, a3, 1
    sltu a3, a1, a2
    CHECK 15, a3, 0
    slti a3, a2, -1
    CHECK 16, a3, 0
    sltiu a3, a2, -1                    /* 1 <u 0xffff_ffff_ffff_ffff */
    CHECK 17, a3, 1
    sltiu a3, zero, 1                   /* seqz */
    CHECK 18, a3, 1
    sltu a3, zero, a1                   /* snez */
    CHECK 19, a3, 1

    /* --- shifts --- */
    li a1, 0x8000000000000001
    slli a3, a1, 1
    CHECK 20, a3, 2
    srli a3, a1, 63
    CHECK 21, a3, 1
    srai a3, a1, 63
    CHECK 22, a3, -1
    li a2, 65                           /* only the low 6 bits count */
    sll a3, a1, a2
    CHECK 23, a3, 2
    srl a3, a1, a2
    CHECK 24, a3, 0x4000000000000000
    sra a3, a1, a2
    CHECK 25, a3, 0xc000000000000000
    li a1, 0x40000000
    slliw a3, a1, 1
    CHECK 26, a3, 0xffffffff80000000
    li a1, 0xffffffff80000000
    srliw a3, a1, 31
    CHECK 27, a3, 1
    srliw a3, a1, 0
    CHECK 28, a3, 0xffffffff80000000
    li a1, 0x80000000
    sraiw a3, a1, 4
    CHECK 29, a3, 0xfffffffff8000000
    li a1, 1
    li a2, 33                           /* only the low 5 bits count */
    sllw a3, a1, a2
    CHECK 30, a3, 2
    li a1, 0x80000000
    srlw a3, a1, a2
    CHECK 31, a3, 0x40000000
    sraw a3, a1, a2
    CHECK 32, a3, 0xffffffffc0000000

    /* --- lui / auipc --- */
    lui a3, 0x80000
    CHECK 33, a3, 0xffffffff80000000
    lui a3, 0x7ffff
    CHECK 34, a3, 0x7ffff000
1:  auipc a3, 0
    la a4, 1b
    CHECK_EQ 35, a3, a4
2:  auipc a3, 0xfffff                   /* pc - 4096 */
    la a4, 2b
    li a5, 4096
    sub a4, a4, a5
    CHECK_EQ 36, a3, a4

    /* --- branches: taken and not taken, signed vs unsigned --- */
    li a1, -1
    li a2, 1
    beq a1, a1, 3f
    FAIL 37
3:  beq a1, a2, 90f
    bne a1, a2, 3f
    FAIL 38
3:  bne a1, a1, 90f
    blt a1, a2, 3f
    FAIL 39
3:  blt a2, a1, 90f
    bge a2, a1, 3f
    FAIL 40
3:  bge a1, a2, 90f
    bge a1, a1, 3f
    FAIL 41
3:  bltu a2, a1, 3f
    FAIL 42
3:  bltu a1, a2, 90f
    bgeu a1, a2, 3f
    FAIL 43
3:  bgeu a2, a1, 90f
    j 4f
90: FAIL 44                             /* a branch that must not be taken was */
4:

    /* --- jal / jalr --- */
    jal a3, 5f
6:  FAIL 45
5:  la a4, 6b
    CHECK_EQ 46, a3, a4
    la a1, 7f + 1                       /* jalr clears bit 0 of the target */
    jalr a3, 0(a1)
8:  FAIL 47
7:  la a4, 8b
    CHECK_EQ 48, a3, a4
    la a1, 9f - 8
    jalr a1, 8(a1)                      /* rd == rs1: target uses old rs1 */
10: FAIL 49
9:  la a4, 10b
    CHECK_EQ 50, a1, a4

    /* --- loads / stores --- */
    la s0, data
    li a1, 0x8081828384858687
    sd a1, 0(s0)
    lb a3, 0(s0)
    CHECK 51, a3, 0xffffffffffffff87
    lbu a3, 0(s0)
    CHECK 52, a3, 0x87
    lh a3, 2(s0)
    CHECK 53, a3, 0xffffffffffff8485
    lhu a3, 2(s0)
    CHECK 54, a3, 0x8485
    lw a3, 4(s0)
    CHECK 55, a3, 0xffffffff80818283
    lwu a3, 4(s0)
    CHECK 56, a3, 0x80818283
    ld a3, 0(s0)
    CHECK_EQ 57, a3, a1
    li a2, 0x11
    sb a2, 7(s0)
    li a2, 0x2233
    sh a2, 4(s0)
    li a2, 0x44556677
    sw a2, 8(s0)
    ld a3, 0(s0)
    CHECK 58, a3, 0x1181223384858687
    lwu a3, 8(s0)
    CHECK 59, a3, 0x44556677
    ld a3, -8(s0)                       /* negative offset */
    CHECK 60, a3, 0x0123456789abcdef

    /* --- x0 stays zero --- */
    addi x0, x0, 5
    lui x0, 1
    mv a3, x0
    CHECK 61, a3, 0

    /* --- compressed instructions --- */
    c.li a3, -5
    CHECK 62, a3, -5
    c.addi a3, 7
    CHECK 63, a3, 2
    c.lui a4, 0x1f
    CHECK 64, a4, 0x1f000
    c.lui a4, 0xfffff
    CHECK 65, a4, 0xfffffffffffff000
    c.mv a5, a3
    c.add a5, a4
    CHECK 66, a5, 0xfffffffffffff002
    c.sub a5, a3
    CHECK 67, a5, 0xfffffffffffff000
    c.li a3, 1
    c.slli a3, 63
    CHECK 68, a3, 0x8000000000000000
    c.mv a4, a3
    c.srai a4, 3
    CHECK 69, a4, 0xf000000000000000
    c.srli a3, 3
    CHECK 70, a3, 0x1000000000000000
    c.andi a4, -16
    CHECK 71, a4, 0xf000000000000000
    c.xor a4, a3
    CHECK 72, a4, 0xe000000000000000
    c.or a4, a3
    CHECK 73, a4, 0xf000000000000000
    c.and a4, a3
    CHECK 74, a4, 0x1000000000000000
    li a3, 0x7fffffff
    c.addiw a3, 1
    CHECK 75, a3, 0xffffffff80000000
    li a3, 0x100000000
    li a4, 5
    c.addw a3, a4
    CHECK 76, a3, 5
    c.subw a3, a4
    CHECK 77, a3, 0
    c.beqz a3, 11f
    FAIL 78
11: c.bnez a3, 91f
    c.j 12f
91: FAIL 79
12: la a1, 13f
    c.jalr a1                           /* link = pc + 2 */
14: FAIL 80
13: la a4, 14b
    CHECK_EQ 81, ra, a4
    la a1, 15f
    c.jr a1
    FAIL 82
15: c.nop
    /* compressed loads and stores */
    la a1, data
    li a2, 0xfedcba9876543210
    c.sd a2, 16(a1)
    c.ld a3, 16(a1)
    CHECK_EQ 83, a3, a2
    c.lw a3, 20(a1)
    CHECK 84, a3, 0xfffffffffedcba98
    c.sw a2, 24(a1)
    c.lw a3, 24(a1)
    CHECK 85, a3, 0x76543210
    /* sp-relative forms */
    mv s1, sp
    la sp, data + 64
    li a2, 0x55aa55aa55aa55aa
    c.sdsp a2, 8(sp)
    c.ldsp a3, 8(sp)
    CHECK_EQ 86, a3, a2
    c.lwsp a3, 12(sp)
    CHECK 87, a3, 0x55aa55aa
    c.swsp a4, 16(sp)
    c.addi16sp sp, -32
    c.addi4spn a3, sp, 16
    mv s2, sp
    mv sp, s1
    la a4, data + 32
    CHECK_EQ 88, s2, a4
    la a4, data + 48
    CHECK_EQ 89, a3, a4

    j test_pass

    .data
    .align 4
    .dword 0x0123456789abcdef
data:
    .space 128
