/*
 * Zba, Zbb and Zbs: every instruction once or more, with the edge cases that
 * matter (zero-extension of the .uw forms, counts of 0 and all-ones, W forms
 * ignoring the upper half and sign-extending, shift/bit indexes mod 64).
 */
#include "test.h"

    .text
    .globl main
main:
    /* --- Zba --- */
    li a1, 0xffffffff80000000
    li a2, 1
    add.uw a3, a1, a2
    CHECK 1, a3, 0x80000001
    li a1, 3
    li a2, 100
    sh1add a3, a1, a2
    CHECK 2, a3, 106
    sh2add a3, a1, a2
    CHECK 3, a3, 112
    sh3add a3, a1, a2
    CHECK 4, a3, 124
    li a1, 0x0000000180000000
    sh1add.uw a3, a1, a2
    CHECK 5, a3, 0x100000064
    sh2add.uw a3, a1, a2
    CHECK 6, a3, 0x200000064
    sh3add.uw a3, a1, a2
    CHECK 7, a3, 0x400000064
    li a1, 0xabcdffffffff
    slli.uw a3, a1, 4
    CHECK 8, a3, 0xffffffff0

    /* --- Zbb: logic with negate --- */
    li a1, 0xff00ff00ff00ff00
    li a2, 0x0ff00ff00ff00ff0
    andn a3, a1, a2
    CHECK 9, a3, 0xf000f000f000f000
    orn a3, a1, a2
    CHECK 10, a3, 0xff0fff0fff0fff0f
    xnor a3, a1, a2
    CHECK 11, a3, 0x0f0f0f0f0f0f0f0f

    /* --- Zbb: counts --- */
    clz a3, zero
    CHECK 12, a3, 64
    li a1, 1
    clz a3, a1
    CHECK 13, a3, 63
    li a1, -1
    clz a3, a1
    CHECK 14, a3, 0
    clzw a3, zero
    CHECK 15, a3, 32
    li a1, 0xffff
    clzw a3, a1
    CHECK 16, a3, 16
    li a1, 0xffffffff00000001
    clzw a3, a1
    CHECK 17, a3, 31
    ctz a3, zero
    CHECK 18, a3, 64
    li a1, 0x8000000000000000
    ctz a3, a1
    CHECK 19, a3, 63
    ctzw a3, zero
    CHECK 20, a3, 32
    li a1, 0x100000000
    ctzw a3, a1
    CHECK 21, a3, 32
    li a1, 0x80
    ctzw a3, a1
    CHECK 22, a3, 7
    li a1, -1
    cpop a3, a1
    CHECK 23, a3, 64
    li a1, 0x0f0f
    cpop a3, a1
    CHECK 24, a3, 8
    li a1, 0xffffffff00000003
    cpopw a3, a1
    CHECK 25, a3, 2

    /* --- Zbb: min/max --- */
    li a1, -1
    li a2, 1
    max a3, a1, a2
    CHECK 26, a3, 1
    maxu a3, a1, a2
    CHECK 27, a3, -1
    min a3, a1, a2
    CHECK 28, a3, -1
    minu a3, a1, a2
    CHECK 29, a3, 1

    /* --- Zbb: extension --- */
    li a1, 0x80
    sext.b a3, a1
    CHECK 30, a3, -128
    li a1, 0x17f
    sext.b a3, a1
    CHECK 31, a3, 0x7f
    li a1, 0x12348000
    sext.h a3, a1
    CHECK 32, a3, 0xffffffffffff8000
    li a1, -1
    zext.h a3, a1
    CHECK 33, a3, 0xffff

    /* --- Zbb: rotates --- */
    li a1, 0x8000000000000001
    li a2, 1
    rol a3, a1, a2
    CHECK 34, a3, 3
    li a2, 65                           /* mod 64 */
    rol a3, a1, a2
    CHECK 35, a3, 3
    li a1, 1
    li a2, 1
    ror a3, a1, a2
    CHECK 36, a3, 0x8000000000000000
    li a1, 0x12
    rori a3, a1, 4
    CHECK 37, a3, 0x2000000000000001
    li a1, 0xffffffff80000001
    rolw a3, a1, a2
    CHECK 38, a3, 3
    li a1, 1
    rorw a3, a1, a2
    CHECK 39, a3, 0xffffffff80000000
    li a1, 0x1234567800000010
    roriw a3, a1, 4
    CHECK 40, a3, 1
    li a2, 33                           /* mod 32 */
    li a1, 2
    rorw a3, a1, a2
    CHECK 41, a3, 1

    /* --- Zbb: byte operations --- */
    li a1, 0x00010000800000ff
    orc.b a3, a1
    CHECK 42, a3, 0x00ff0000ff0000ff
    li a1, 0x0102030405060708
    rev8 a3, a1
    CHECK 43, a3, 0x0807060504030201

    /* --- Zbs --- */
    li a1, -1
    li a2, 65                           /* bit 65 mod 64 = 1 */
    bclr a3, a1, a2
    CHECK 44, a3, 0xfffffffffffffffd
    bclri a3, a1, 63
    CHECK 45, a3, 0x7fffffffffffffff
    li a1, 0x10
    li a2, 4
    bext a3, a1, a2
    CHECK 46, a3, 1
    bexti a3, a1, 3
    CHECK 47, a3, 0
    li a2, 63
    binv a3, zero, a2
    CHECK 48, a3, 0x8000000000000000
    li a1, 1
    binvi a3, a1, 0
    CHECK 49, a3, 0
    li a2, 69
    bset a3, zero, a2
    CHECK 50, a3, 0x20
    bseti a3, zero, 32
    CHECK 51, a3, 0x100000000
    li a1, 0x8000000000000000
    bexti a3, a1, 63
    CHECK 52, a3, 1

    j test_pass
