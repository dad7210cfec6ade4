/*
 * Interrupts raised through mip (SSIP, STIP, SEIP are writable by M-mode):
 * priority when several are pending (SEI > SSI > STI), mstatus.MIE gating
 * in M-mode, wfi returning when an interrupt is pending even with MIE = 0,
 * mideleg delegation (never taken in M-mode; in S-mode only with
 * sstatus.SIE; in U-mode always), a non-delegated interrupt taken in M from
 * S-mode with MIE = 0, M-destined interrupts before S-destined ones, and
 * S-mode raising its own software interrupt through sip.
 * (MSI/MTI through the CLINT are in clint.S; the Sstc timer in sstc.S.)
 */
#include "test.h"

.macro RUN mode, fn, arg=0
    li a0, \mode
    la a1, \fn
    li a2, \arg
    call run_in_mode
.endm

#define S_IRQS (MIP_SSIP | MIP_STIP | MIP_SEIP)

    .text
    .globl main
main:
    TRAPS_OK
    la t0, strap_vector
    csrw stvec, t0

    /* --- priority of simultaneous interrupts taken in M-mode --- */
    call clear_trap_records
    li t0, S_IRQS
    csrw mie, t0
    csrs mip, t0
    csrr a3, mip
    CHECK_MASK 1, a3, S_IRQS, S_IRQS
    nop
    nop
    CHECK_MEM 2, trap_count, 0          /* MIE = 0: nothing taken */
    csrsi mstatus, MSTATUS_MIE
1:  nop
    csrci mstatus, MSTATUS_MIE
    CHECK_MEM 3, trap_count, 3
    CHECK_MEM 4, trap_log, CAUSE_INTR | IRQ_SEI
    CHECK_MEM 5, trap_log + 8, CAUSE_INTR | IRQ_SSI
    CHECK_MEM 6, trap_log + 16, CAUSE_INTR | IRQ_STI
    la t1, 1b
    CHECK_MEM_EQ 7, trap_epc, t1
    csrr a3, mip                        /* still pending: only disabled */
    CHECK_MASK 8, a3, S_IRQS, S_IRQS
    csrw mip, zero
    csrr a3, mip
    CHECK_MASK 9, a3, S_IRQS, 0

    /* --- wfi returns when an enabled interrupt is pending, MIE or not --- */
    call clear_trap_records
    li t0, MIP_SSIP
    csrw mie, t0
    csrs mip, t0
    wfi
    CHECK_MEM 10, trap_count, 0
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    CHECK_MEM 11, trap_count, 1
    csrw mip, zero

    /* --- delegated: not in M, in S only with SIE --- */
    call clear_trap_records
    li t0, S_IRQS
    csrw mideleg, t0
    csrw mie, t0
    csrs mip, t0
    csrsi mstatus, MSTATUS_MIE
    nop
    nop
    csrci mstatus, MSTATUS_MIE
    CHECK_MEM 12, trap_count, 0
    CHECK_MEM 13, s_trap_count, 0
    li t0, MSTATUS_SIE | MSTATUS_MPIE
    csrc mstatus, t0
    RUN MODE_S, s_enable_sie
    CHECK 14, a0, 0                     /* none taken before SIE = 1 */
    CHECK_MEM 15, s_trap_count, 3
    CHECK_MEM 16, s_trap_log, CAUSE_INTR | IRQ_SEI
    CHECK_MEM 17, s_trap_log + 8, CAUSE_INTR | IRQ_SSI
    CHECK_MEM 18, s_trap_log + 16, CAUSE_INTR | IRQ_STI
    la t1, s_enabled
    CHECK_MEM_EQ 19, s_trap_epc, t1
    ld t0, s_trap_status
    CHECK_MASK 20, t0, MSTATUS_SPP | MSTATUS_SPIE, MSTATUS_SPP | MSTATUS_SPIE
    CHECK_MEM 21, trap_count, 0
    csrr a3, scause
    CHECK 22, a3, CAUSE_INTR | IRQ_STI

    /* --- delegated, from U-mode: taken even with SIE = 0 --- */
    call clear_trap_records
    li t0, S_IRQS
    csrw mie, t0                        /* mip bits are still set */
    li t0, MSTATUS_SIE
    csrc mstatus, t0
    RUN MODE_U, just_return
    CHECK_MEM 23, s_trap_count, 3
    CHECK_MEM 24, s_trap_log, CAUSE_INTR | IRQ_SEI
    ld t0, s_trap_status
    CHECK_MASK 25, t0, MSTATUS_SPP | MSTATUS_SPIE, 0
    la t1, just_return
    CHECK_MEM_EQ 26, s_trap_epc, t1
    CHECK_MEM 27, trap_count, 0
    csrw mip, zero

    /* --- not delegated: taken in M from S-mode although MIE = 0 --- */
    call clear_trap_records
    csrw mideleg, zero
    li t0, MIP_SSIP
    csrw mie, t0
    csrs mip, t0
    li t0, MSTATUS_MPIE | MSTATUS_MIE
    csrc mstatus, t0
    RUN MODE_S, just_return
    CHECK_MEM 28, trap_count, 1
    CHECK_MEM 29, trap_cause, CAUSE_INTR | IRQ_SSI
    ld t0, trap_status
    CHECK_MASK 30, t0, MSTATUS_MPP, MODE_S << MSTATUS_MPP_SHIFT
    CHECK_MEM 31, s_trap_count, 0
    csrw mip, zero

    /* --- M-destined (SSI) before S-destined (STI, delegated) --- */
    call clear_trap_records
    li t0, MIP_STIP
    csrw mideleg, t0
    li t0, MIP_SSIP | MIP_STIP
    csrw mie, t0
    csrs mip, t0
    li t0, MSTATUS_SIE
    csrs mstatus, t0
    RUN MODE_S, just_return
    CHECK_MEM 32, trap_count, 1
    CHECK_MEM 33, trap_cause, CAUSE_INTR | IRQ_SSI
    la t1, just_return                  /* taken first: at S entry, not */
    CHECK_MEM_EQ 34, trap_epc, t1       /* inside the S handler */
    CHECK_MEM 35, s_trap_count, 1
    CHECK_MEM 36, s_trap_cause, CAUSE_INTR | IRQ_STI
    CHECK_MEM_EQ 37, s_trap_epc, t1
    csrw mip, zero

    /* --- S-mode raises its own software interrupt through sip --- */
    call clear_trap_records
    li t0, MIP_SSIP
    csrw mideleg, t0
    csrw mie, t0
    li t0, MSTATUS_SIE
    csrs mstatus, t0
    RUN MODE_S, s_raise_ssi
    CHECK 38, a0, 0                     /* sip.SSIP read back before */
    CHECK_MEM 39, s_trap_count, 1
    CHECK_MEM 40, s_trap_cause, CAUSE_INTR | IRQ_SSI
    la t1, s_raised
    CHECK_MEM_EQ 41, s_trap_epc, t1
    csrr a3, mip
    CHECK_MASK 42, a3, MIP_SSIP, MIP_SSIP /* sip.SSIP is mip.SSIP */
    csrw mip, zero
    csrw mie, zero
    csrw mideleg, zero
    li t0, MSTATUS_SIE
    csrc mstatus, t0

    j test_pass

/* ---- S/U-mode code ---- */

just_return:
    ret

/* returns s_trap_count seen before setting SIE */
s_enable_sie:
    nop
    nop
    ld a0, s_trap_count
    csrsi sstatus, MSTATUS_SIE
s_enabled:
    nop
    csrci sstatus, MSTATUS_SIE
    ret

/* with sie.SSIE = 0, sets sip.SSIP, reads it, then enables it */
s_raise_ssi:
    li t0, MIP_SSIP
    csrc sie, t0
    csrs sip, t0
    csrr a0, sip
    xori a0, a0, MIP_SSIP               /* 0 when pending */
    csrs sie, t0
s_raised:
    nop
    ret
