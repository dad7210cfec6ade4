/*
 * The time CSR and Sstc: time advances; with menvcfg.STCE set, stimecmp
 * drives mip.STIP (a past value makes it pending, a future one clears it)
 * and STIP is no longer software-writable; S-mode access to stimecmp needs
 * STCE and mcounteren.TM; a delegated supervisor timer interrupt is taken
 * in S-mode and cleared by S-mode writing stimecmp; a non-delegated one is
 * taken in M-mode; wfi wakes up at the stimecmp deadline.
 * qemu-reference: virt (QEMU's spike machine has no time CSR)
 */
#include "test.h"

.macro RUN mode, fn, arg=0
    li a0, \mode
    la a1, \fn
    li a2, \arg
    call run_in_mode
.endm

    .text
    .globl main
main:
    TRAPS_OK
    la t0, strap_vector
    csrw stvec, t0

    /* --- time advances --- */
    li t6, -1
    csrr a1, time
    CHECK 1, t6, -1
    li a3, 100000
1:  addi a3, a3, -1
    csrr a2, time
    bne a2, a1, 2f
    bnez a3, 1b
    FAIL 2
2:

    /* --- STCE: stimecmp drives STIP --- */
    li t0, MENVCFG_STCE
    csrs CSR_MENVCFG, t0
    csrr a3, CSR_MENVCFG
    CHECK_MASK 3, a3, MENVCFG_STCE, MENVCFG_STCE
    li a1, -1
    csrw CSR_STIMECMP, a1
    csrr a3, CSR_STIMECMP
    CHECK 4, a3, -1
    csrr a3, mip
    CHECK_MASK 5, a3, MIP_STIP, 0
    csrw CSR_STIMECMP, zero             /* in the past */
    csrr a3, mip
    CHECK_MASK 6, a3, MIP_STIP, MIP_STIP
    li t0, MIP_STIP
    csrc mip, t0                        /* not writable with STCE */
    csrr a3, mip
    CHECK_MASK 7, a3, MIP_STIP, MIP_STIP
    csrr a1, time
    li t0, 1000000                      /* 100 ms ahead at 10 MHz */
    add a1, a1, t0
    csrw CSR_STIMECMP, a1
    csrr a3, mip
    CHECK_MASK 8, a3, MIP_STIP, 0

    /* --- S-mode access needs mcounteren.TM (and STCE) --- */
    csrw mcounteren, zero
    RUN MODE_S, s_read_stimecmp
    CHECK 9, a0, CAUSE_ILLEGAL
    li t0, 2                            /* TM */
    csrw mcounteren, t0
    RUN MODE_S, s_read_stimecmp
    CHECK 10, a0, -1
    li t0, MENVCFG_STCE
    csrc CSR_MENVCFG, t0
    RUN MODE_S, s_read_stimecmp
    CHECK 11, a0, CAUSE_ILLEGAL
    li t0, MENVCFG_STCE
    csrs CSR_MENVCFG, t0

    /* --- delegated timer interrupt in S-mode --- */
    call clear_trap_records
    li t0, MIP_STIP
    csrw mideleg, t0
    csrw mie, t0
    li t0, MSTATUS_SIE
    csrs mstatus, t0
    RUN MODE_S, s_timer
    CHECK 12, a0, 0                     /* STIP clear after the S write */
    CHECK_MEM 13, s_trap_count, 1
    CHECK_MEM 14, s_trap_cause, CAUSE_INTR | IRQ_STI
    la t1, s_timer_armed
    CHECK_MEM_EQ 15, s_trap_epc, t1
    CHECK_MEM 16, trap_count, 0
    li t0, MSTATUS_SIE
    csrc mstatus, t0
    csrw mideleg, zero

    /* --- not delegated: taken in M-mode --- */
    call clear_trap_records
    li t0, MIP_STIP
    csrw mie, t0
    csrw CSR_STIMECMP, zero
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    CHECK_MEM 17, trap_count, 1
    CHECK_MEM 18, trap_cause, CAUSE_INTR | IRQ_STI

    /* --- wfi wakes up at the deadline (MIE = 0) --- */
    call clear_trap_records
    li t0, MIP_STIP
    csrw mie, t0
    csrr a1, time
    addi a1, a1, 1000
    csrw CSR_STIMECMP, a1
    li a3, 1000                         /* bounded: wfi may return early */
3:  addi a3, a3, -1
    beqz a3, 4f
    wfi
    csrr a2, mip
    andi a2, a2, MIP_STIP
    beqz a2, 3b
4:  csrr a2, time
    bltu a2, a1, fail19
    CHECK_MEM 20, trap_count, 0
    li a1, -1
    csrw CSR_STIMECMP, a1
    csrw mie, zero
    csrw mcounteren, zero

    j test_pass

fail19:
    FAIL 19

/* S-mode: cause of reading stimecmp, or -1 */
s_read_stimecmp:
    li t6, -1
    csrr a0, CSR_STIMECMP
    mv a0, t6
    ret

/* S-mode: arm the timer in the past (interrupt taken at once), then
 * clear it with a future deadline; returns mip.STIP as seen in sip */
s_timer:
    li t0, MIP_STIP
    csrs sie, t0
    csrw CSR_STIMECMP, zero
s_timer_armed:
    nop
    li a1, -1
    csrw CSR_STIMECMP, a1
    csrr a0, sip
    andi a0, a0, MIP_STIP
    ret
