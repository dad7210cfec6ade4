/*
 * Synchronous traps and privilege transitions: ecall from M/S/U (causes
 * 11/9/8, mepc, MPP/MPIE/MIE on entry), illegal instructions (mtval = the
 * 16- or 32-bit instruction), ebreak and c.ebreak, mret and sret effects on
 * MIE/MPIE/MPP and SIE/SPIE/SPP, medeleg delegation to S-mode (stvec,
 * scause, sepc, stval, SPP/SPIE; never from M-mode), mstatus.TSR/TW/TVM,
 * and vectored mtvec (interrupts at base + 4 * cause, exceptions at base).
 */
#include "test.h"

/* Enter mode `mode` at fn via run_in_mode (a0 = arg); result in a0. */
.macro RUN mode, fn, arg=0
    li a0, \mode
    la a1, \fn
    li a2, \arg
    call run_in_mode
.endm

/* check a field of the mstatus saved at the last M-mode trap */
.macro CHECK_STATUS n, mask, val
    ld t0, trap_status
    CHECK_MASK \n, t0, \mask, \val
.endm

    .text
    .globl main
main:
    TRAPS_OK

    /* --- ecall from M --- */
    li t6, -1
    li a7, 0
1:  ecall
    CHECK 1, t6, CAUSE_ECALL_M
    la t1, 1b
    CHECK_MEM_EQ 2, trap_epc, t1
    CHECK_STATUS 3, MSTATUS_MPP, MODE_M << MSTATUS_MPP_SHIFT

    /* --- ecall from S and U; MPIE takes MIE, MIE clears --- */
    li t0, MSTATUS_MPIE                 /* run_in_mode's mret: MIE = 1 */
    csrs mstatus, t0
    RUN MODE_S, do_ecall
    CHECK 4, a0, CAUSE_ECALL_S
    CHECK_STATUS 5, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, (MODE_S << MSTATUS_MPP_SHIFT) | MSTATUS_MPIE
    la t1, ecall_insn
    CHECK_MEM_EQ 6, trap_epc, t1
    li t0, MSTATUS_MPIE | MSTATUS_MIE
    csrc mstatus, t0                    /* run_in_mode's mret: MIE = 0 */
    RUN MODE_U, do_ecall
    CHECK 7, a0, CAUSE_ECALL_U
    CHECK_STATUS 8, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MODE_U << MSTATUS_MPP_SHIFT
    csrr a3, mstatus                    /* back in M-mode: MIE still 0 */
    CHECK_MASK 9, a3, MSTATUS_MIE, 0

    /* --- illegal instructions: mtval = the instruction --- */
    li t6, -1
2:  .insn r 0x0b, 0, 0, a1, a2, a3      /* custom-0: not implemented */
    CHECK 10, t6, CAUSE_ILLEGAL
    la t0, 2b
    lwu t1, 0(t0)
    CHECK_MEM_EQ 11, trap_tval, t1
    li t6, -1
    .half 0x6501                        /* c.lui a0, 0: reserved */
    CHECK 12, t6, CAUSE_ILLEGAL
    CHECK_MEM 13, trap_tval, 0x6501
    li t6, -1
    .half 0                             /* all-zero: defined illegal */
    CHECK 14, t6, CAUSE_ILLEGAL
    CHECK_MEM 15, trap_tval, 0
    RUN MODE_U, do_mret                 /* mret from U-mode */
    CHECK 16, a0, CAUSE_ILLEGAL
    CHECK_MEM 17, trap_tval, 0x30200073
    RUN MODE_S, do_mret                 /* mret from S-mode */
    CHECK 18, a0, CAUSE_ILLEGAL
    RUN MODE_U, do_sret                 /* sret from U-mode */
    CHECK 19, a0, CAUSE_ILLEGAL
    CHECK_MEM 20, trap_tval, 0x10200073

    /* --- breakpoints: mepc = the ebreak, mtval 0 or its address --- */
    li t6, -1
3:  ebreak
    CHECK 21, t6, CAUSE_BREAKPOINT
    la t1, 3b
    CHECK_MEM_EQ 22, trap_epc, t1
    ld t0, trap_tval
    beqz t0, 4f
    CHECK_EQ 23, t0, t1
4:  li t6, -1
5:  c.ebreak
    CHECK 24, t6, CAUSE_BREAKPOINT
    la t1, 5b
    CHECK_MEM_EQ 25, trap_epc, t1

    /* --- mret: MIE = MPIE, MPIE = 1, MPP = U --- */
    li t0, MSTATUS_MPP | MSTATUS_MIE
    csrs mstatus, t0                    /* MPP = M */
    li t0, MSTATUS_MPIE
    csrc mstatus, t0
    la t0, 6f
    csrw mepc, t0
    mret
    FAIL 26
6:  csrr a3, mstatus
    CHECK_MASK 27, a3, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPIE
    li t0, MSTATUS_MPP                  /* MPP = M, MPIE = 1 */
    csrs mstatus, t0
    la t0, 7f
    csrw mepc, t0
    mret
    FAIL 28
7:  csrr a3, mstatus
    CHECK_MASK 29, a3, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE, MSTATUS_MPIE | MSTATUS_MIE
    li t0, MSTATUS_MIE
    csrc mstatus, t0

    /* --- mret really changes privilege --- */
    RUN MODE_S, probe_privilege
    CHECK 30, a0, MODE_S
    RUN MODE_U, probe_privilege
    CHECK 31, a0, MODE_U
    RUN MODE_M, probe_privilege
    CHECK 32, a0, MODE_M

    /* --- sret: SIE = SPIE, SPIE = 1, SPP = U; S -> U --- */
    li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
    csrc mstatus, t0
    RUN MODE_S, sret_to_u
    CHECK 33, a0, MODE_U                /* the code after sret ran in U */
    csrr a3, mstatus
    CHECK_MASK 34, a3, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SIE | MSTATUS_SPIE
    li t0, MSTATUS_SIE
    csrc mstatus, t0
    /* sret from M-mode to S-mode: SIE = SPIE = 0 */
    RUN MODE_M, sret_to_s
    CHECK 35, a0, MODE_S
    csrr a3, mstatus
    CHECK_MASK 36, a3, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SPIE

    /* --- delegation with medeleg --- */
    la t0, strap_vector
    csrw stvec, t0
    li t0, BIT(CAUSE_ECALL_U) | BIT(CAUSE_ILLEGAL) | BIT(CAUSE_BREAKPOINT)
    csrw medeleg, t0
    csrr a3, medeleg
    CHECK_MASK 37, a3, BIT(CAUSE_ECALL_U) | BIT(CAUSE_ILLEGAL) | BIT(CAUSE_BREAKPOINT), BIT(CAUSE_ECALL_U) | BIT(CAUSE_ILLEGAL) | BIT(CAUSE_BREAKPOINT)
    CHECK_MASK 38, a3, BIT(CAUSE_ECALL_M), 0 /* ecall from M is never delegated */
    ld s2, trap_count
    li t0, MSTATUS_SPIE
    csrc mstatus, t0
    li t0, MSTATUS_SIE
    csrs mstatus, t0
    RUN MODE_U, do_ecall                /* -> S handler */
    CHECK 39, a0, CAUSE_ECALL_U
    CHECK_MEM 40, s_trap_cause, CAUSE_ECALL_U
    la t1, ecall_insn
    CHECK_MEM_EQ 41, s_trap_epc, t1
    CHECK_MEM 42, s_trap_tval, 0
    ld t0, s_trap_status                /* SPP = U, SPIE = old SIE, SIE = 0 */
    CHECK_MASK 43, t0, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPIE
    csrr a3, scause
    CHECK 44, a3, CAUSE_ECALL_U
    RUN MODE_U, do_illegal              /* illegal from U -> S, stval = bits */
    CHECK 45, a0, CAUSE_ILLEGAL
    CHECK_MEM 46, s_trap_cause, CAUSE_ILLEGAL
    la t0, illegal_insn
    lwu t1, 0(t0)
    CHECK_MEM_EQ 47, s_trap_tval, t1
    RUN MODE_S, do_illegal              /* illegal from S -> S, SPP = S */
    CHECK 48, a0, CAUSE_ILLEGAL
    ld t0, s_trap_status
    CHECK_MASK 49, t0, MSTATUS_SPP, MSTATUS_SPP
    RUN MODE_S, do_ebreak               /* breakpoint from S -> S */
    CHECK 50, a0, CAUSE_BREAKPOINT
    CHECK_MEM 51, s_trap_count, 4
    RUN MODE_S, do_ecall                /* ecall from S: not delegated */
    CHECK 52, a0, CAUSE_ECALL_S
    CHECK_MEM 53, s_trap_count, 4
    ld t0, trap_count
    sub t0, t0, s2
    CHECK 54, t0, 1
    li t6, -1                           /* M-mode traps are never delegated */
    .insn r 0x0b, 0, 0, a1, a2, a3
    CHECK 55, t6, CAUSE_ILLEGAL
    CHECK_MEM 56, s_trap_count, 4
    ld t0, trap_count
    sub t0, t0, s2
    CHECK 57, t0, 2
    csrw medeleg, zero

    /* --- TSR, TW, TVM --- */
    li t0, MSTATUS_TSR
    csrs mstatus, t0
    RUN MODE_S, do_sret
    CHECK 58, a0, CAUSE_ILLEGAL
    li t0, MSTATUS_TSR
    csrc mstatus, t0
    li t0, MSTATUS_TW
    csrs mstatus, t0
    RUN MODE_S, do_wfi
    CHECK 59, a0, CAUSE_ILLEGAL
#ifndef QEMU_REFERENCE
    la t1, wfi_insn
    CHECK_MEM_EQ 71, trap_epc, t1
#endif
    li t0, MSTATUS_TW
    csrc mstatus, t0
    li t0, MSTATUS_TVM
    csrs mstatus, t0
    RUN MODE_S, do_satp
    CHECK 60, a0, CAUSE_ILLEGAL
    RUN MODE_S, do_sfence
    CHECK 61, a0, CAUSE_ILLEGAL
    li t0, MSTATUS_TVM
    csrc mstatus, t0
    RUN MODE_S, do_satp
    CHECK 62, a0, -1
    RUN MODE_S, do_sfence
    CHECK 63, a0, -1

    /* --- vectored mtvec --- */
    la t0, vector_table + 1
    csrw mtvec, t0
    csrr a3, mtvec
    CHECK_EQ 64, a3, t0
    li tp, 0x77
    li t6, -1
    li a7, 0
    ecall                               /* exceptions use the base */
    CHECK 65, t6, CAUSE_ECALL_M
    CHECK 66, tp, 0x77
    li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrs mie, t0
    li t0, MIP_SEIP
    csrs mip, t0
    csrsi mstatus, MSTATUS_MIE          /* taken here: entry 9 */
    CHECK 67, tp, IRQ_SEI
    CHECK_MEM 68, trap_cause, CAUSE_INTR | IRQ_SEI
    li t0, MIP_SSIP
    csrs mip, t0                        /* entry 1 */
    CHECK 69, tp, IRQ_SSI
    li t0, MIP_STIP
    csrs mip, t0                        /* entry 5 */
    CHECK 70, tp, IRQ_STI
    csrci mstatus, MSTATUS_MIE
    csrw mip, zero
    csrw mie, zero
    la t0, trap_vector
    csrw mtvec, t0

    j test_pass

/* ---- code run in S/U-mode by run_in_mode; each returns in a0 ---- */

do_ecall:
    li t6, -1
    li a7, 0
ecall_insn:
    ecall
    mv a0, t6
    ret

do_mret:
    li t6, -1
    mret
    mv a0, t6
    ret

do_sret:
    li t6, -1
    sret
    mv a0, t6
    ret

do_wfi:
    li t6, -1
wfi_insn:
    wfi
    .option push
    .option norvc
    nop             /* (resume point of QEMU 7.2, which reports mepc + 4) */
    .option pop
    mv a0, t6
    ret

do_satp:
    li t6, -1
    csrr a0, satp
    mv a0, t6
    ret

do_sfence:
    li t6, -1
    sfence.vma
    mv a0, t6
    ret

do_illegal:
    li t6, -1
illegal_insn:
    .insn r 0x0b, 0, 0, a1, a2, a3
    mv a0, t6
    ret

do_ebreak:
    li t6, -1
    ebreak
    mv a0, t6
    ret

/* the current privilege, found by which status CSR is readable */
probe_privilege:
    li t6, -1
    csrr a0, mstatus
    li a0, MODE_M
    li t0, -1
    beq t6, t0, 1f
    li t6, -1
    csrr a0, sstatus
    li a0, MODE_S
    li t0, -1
    beq t6, t0, 1f
    li a0, MODE_U
1:  ret

/* S-mode: sret into U-mode code that reports its privilege */
sret_to_u:
    li t0, MSTATUS_SPP
    csrc sstatus, t0
    li t0, MSTATUS_SPIE
    csrs sstatus, t0
    la t0, 1f
    csrw sepc, t0
    sret
1:  call probe_privilege
    BACK_TO_M

/* M-mode: sret to S-mode code that reports its privilege */
sret_to_s:
    li t0, MSTATUS_SPP | MSTATUS_SIE
    csrs mstatus, t0
    li t0, MSTATUS_SPIE
    csrc mstatus, t0
    la t0, 1f
    csrw sepc, t0
    sret
1:  call probe_privilege
    BACK_TO_M

    .align 8
vector_table:
    .option push
    .option norvc                       /* 4-byte entries */
    j trap_vector                       /* exceptions */
    .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j vec_stub\n
    .endr
    .option pop

    .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
vec_stub\n:
    li tp, \n
    j trap_vector
    .endr
