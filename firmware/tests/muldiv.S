/*
 * M extension: multiplication (low and high halves, signed/unsigned
 * mixes, W forms), division and remainder including the defined results
 * of division by zero (quotient all ones, remainder = dividend) and of
 * signed overflow (MIN / -1 = MIN, remainder 0), for 64- and 32-bit forms.
 */
#include "test.h"

#define MIN64 0x8000000000000000
#define MIN32 0xffffffff80000000

    .text
    .globl main
main:
    /* --- multiply --- */
    li a1, 0x0000000100000003
    li a2, 0x0000000200000005
    mul a3, a1, a2
    CHECK 1, a3, 0x0000000b0000000f
    mulhu a3, a1, a2
    CHECK 2, a3, 2
    li a1, -1
    li a2, -1
    mulh a3, a1, a2                     /* (-1) * (-1) = 1: high 0 */
    CHECK 3, a3, 0
    mulhu a3, a1, a2                    /* (2^64-1)^2: high 2^64-2 */
    CHECK 4, a3, 0xfffffffffffffffe
    li a2, 2
    mulhsu a3, a1, a2                   /* -1 * 2 = -2: high -1 */
    CHECK 5, a3, -1
    mulhsu a3, a2, a1                   /* 2 * (2^64-1): high 1 */
    CHECK 6, a3, 1
    li a1, MIN64
    li a2, MIN64
    mulh a3, a1, a2                     /* 2^126: high 2^62 */
    CHECK 7, a3, 0x4000000000000000
    mul a3, a1, a2
    CHECK 8, a3, 0
    li a1, 0x7fffffff
    li a2, 2
    mulw a3, a1, a2                     /* 0xfffffffe sign-extended */
    CHECK 9, a3, -2
    li a1, 0x1234567800000003
    li a2, 0x9abcdef000000005
    mulw a3, a1, a2                     /* upper bits ignored */
    CHECK 10, a3, 15

    /* --- division by zero --- */
    li a1, 1234
    div a3, a1, zero
    CHECK 11, a3, -1
    divu a3, a1, zero
    CHECK 12, a3, -1
    rem a3, a1, zero
    CHECK 13, a3, 1234
    remu a3, a1, zero
    CHECK 14, a3, 1234
    li a1, 0x1234567880000000
    divw a3, a1, zero
    CHECK 15, a3, -1
    divuw a3, a1, zero
    CHECK 16, a3, -1
    remw a3, a1, zero                   /* dividend's low word, sign-extended */
    CHECK 17, a3, MIN32
    remuw a3, a1, zero
    CHECK 18, a3, MIN32

    /* --- signed overflow --- */
    li a1, MIN64
    li a2, -1
    div a3, a1, a2
    CHECK 19, a3, MIN64
    rem a3, a1, a2
    CHECK 20, a3, 0
    li a1, 0x80000000
    divw a3, a1, a2
    CHECK 21, a3, MIN32
    remw a3, a1, a2
    CHECK 22, a3, 0

    /* --- ordinary division: truncation towards zero --- */
    li a1, -7
    li a2, 2
    div a3, a1, a2
    CHECK 23, a3, -3
    rem a3, a1, a2
    CHECK 24, a3, -1
    li a2, -2
    li a1, 7
    div a3, a1, a2
    CHECK 25, a3, -3
    rem a3, a1, a2
    CHECK 26, a3, 1
    li a1, -7
    li a2, 2
    divu a3, a1, a2
    CHECK 27, a3, 0x7ffffffffffffffc
    remu a3, a1, a2
    CHECK 28, a3, 1
    li a1, 0xfffffff9                   /* 32-bit -7 */
    divw a3, a1, a2
    CHECK 29, a3, -3
    remw a3, a1, a2
    CHECK 30, a3, -1
    divuw a3, a1, a2                    /* 0xfffffff9 / 2 = 0x7ffffffc */
    CHECK 31, a3, 0x7ffffffc
    remuw a3, a1, a2
    CHECK 32, a3, 1
    li a1, 0xffffffff
    li a2, 1
    divuw a3, a1, a2                    /* the 32-bit result is sign-extended */
    CHECK 33, a3, -1

    j test_pass
