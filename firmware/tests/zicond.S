/*
 * Zicond: czero.eqz (rd = rs2 == 0 ? 0 : rs1) and czero.nez
 * (rd = rs2 != 0 ? 0 : rs1), with rd aliasing a source, x0 operands, and
 * the branch-free select idiom built from the pair.
 */
#include "test.h"

    .text
    .globl main
main:
    li a1, 0x123456789abcdef0
    li a2, 0
    li a4, -1
    CZERO_EQZ a3, a1, a2
    CHECK 1, a3, 0
    CZERO_EQZ a3, a1, a4
    CHECK_EQ 2, a3, a1
    CZERO_NEZ a3, a1, a2
    CHECK_EQ 3, a3, a1
    CZERO_NEZ a3, a1, a4
    CHECK 4, a3, 0

    /* the condition is the whole register, not a low bit */
    li a4, 0x8000000000000000
    CZERO_EQZ a3, a1, a4
    CHECK_EQ 5, a3, a1
    li a4, 2
    CZERO_NEZ a3, a1, a4
    CHECK 6, a3, 0

    /* rd aliasing rs1 / rs2, and x0 */
    mv a3, a1
    CZERO_EQZ a3, a3, a2
    CHECK 7, a3, 0
    li a3, 5
    CZERO_NEZ a3, a1, a3
    CHECK 8, a3, 0
    li a3, 5
    CZERO_EQZ a3, a3, a3
    CHECK 9, a3, 5
    CZERO_NEZ a3, a1, zero
    CHECK_EQ 10, a3, a1
    CZERO_EQZ a3, a1, zero
    CHECK 11, a3, 0
    li a4, 1
    CZERO_EQZ a3, zero, a4
    CHECK 12, a3, 0

    /* select: a5 = cond ? x : y */
    li a6, 111                          /* x */
    li a7, 222                          /* y */
    li a2, 1                            /* cond true */
    CZERO_EQZ a3, a6, a2
    CZERO_NEZ a4, a7, a2
    or a5, a3, a4
    CHECK 13, a5, 111
    li a2, 0                            /* cond false */
    CZERO_EQZ a3, a6, a2
    CZERO_NEZ a4, a7, a2
    or a5, a3, a4
    CHECK 14, a5, 222

    j test_pass
