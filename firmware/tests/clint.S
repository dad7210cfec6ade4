/*
 * Machine-level interrupts through the ACLINT/CLINT at 0x0200_0000: mtime
 * advances; msip drives mip.MSIP and mtimecmp drives mip.MTIP; with MSI,
 * MTI, SEI, SSI and STI all pending they are taken in the specified order
 * MSI > MTI > SEI > SSI > STI (MEI needs an interrupt controller and is not
 * covered); wfi wakes up on a timer deadline.
 * Needs a machine with a CLINT (QEMU spike/virt; `emu` with its board).
 */
#include "test.h"

    .text
    .globl main
main:
    TRAPS_OK
    li s0, CLINT_MTIME
    li s1, CLINT_MTIMECMP
    li s2, CLINT_MSIP

    /* --- mtime is there and advances --- */
    li t6, -1
    ld a1, 0(s0)
    li t0, -1
    beq t6, t0, 0f
    la a0, msg_no_clint
    call print
    FAIL 1
0:
    li a3, 100000
1:  addi a3, a3, -1
    ld a2, 0(s0)
    bne a2, a1, 2f
    bnez a3, 1b
    FAIL 2
2:

    /* --- msip and mtimecmp drive mip --- */
    li a1, -1
    sd a1, 0(s1)                        /* mtimecmp far away */
    sw zero, 0(s2)
    csrr a3, mip
    CHECK_MASK 3, a3, MIP_MSIP | MIP_MTIP, 0
    li a1, 1
    sw a1, 0(s2)
    csrr a3, mip
    CHECK_MASK 4, a3, MIP_MSIP | MIP_MTIP, MIP_MSIP
    sw zero, 0(s2)
    sd zero, 0(s1)                      /* mtimecmp in the past */
    csrr a3, mip
    CHECK_MASK 5, a3, MIP_MSIP | MIP_MTIP, MIP_MTIP
    li a1, -1
    sd a1, 0(s1)
    csrr a3, mip
    CHECK_MASK 6, a3, MIP_MSIP | MIP_MTIP, 0

    /* --- five pending at once: taken in priority order --- */
    call clear_trap_records
    li a1, 1
    sw a1, 0(s2)                        /* MSI */
    sd zero, 0(s1)                      /* MTI */
    li t0, MIP_SEIP | MIP_SSIP | MIP_STIP
    csrs mip, t0
    li t0, MIP_MSIP | MIP_MTIP | MIP_SEIP | MIP_SSIP | MIP_STIP
    csrw mie, t0
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    CHECK_MEM 7, trap_count, 5
    CHECK_MEM 8, trap_log, CAUSE_INTR | IRQ_MSI
    CHECK_MEM 9, trap_log + 8, CAUSE_INTR | IRQ_MTI
    CHECK_MEM 10, trap_log + 16, CAUSE_INTR | IRQ_SEI
    CHECK_MEM 11, trap_log + 24, CAUSE_INTR | IRQ_SSI
    CHECK_MEM 12, trap_log + 32, CAUSE_INTR | IRQ_STI
    sw zero, 0(s2)
    li a1, -1
    sd a1, 0(s1)
    csrw mip, zero

    /* --- wfi wakes up at the timer deadline (MIE = 0) --- */
    call clear_trap_records
    li t0, MIP_MTIP
    csrw mie, t0
    ld a1, 0(s0)
    addi a1, a1, 1000
    sd a1, 0(s1)
    li a3, 1000                         /* bounded: wfi may return early */
3:  addi a3, a3, -1
    beqz a3, 4f
    wfi
    csrr a2, mip
    andi a2, a2, MIP_MTIP
    beqz a2, 3b
4:  ld a2, 0(s0)
    bltu a2, a1, fail13
    CHECK_MEM 14, trap_count, 0
    li a1, -1
    sd a1, 0(s1)
    csrw mie, zero

    j test_pass

fail13:
    FAIL 13

    .section .rodata
msg_no_clint:
    .string "clint: no CLINT at 0x2000000 (mtime access faults)\n"
