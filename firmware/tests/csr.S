/*
 * CSR access rules and WARL fields: S/U-mode access to higher-privilege
 * CSRs traps; writes to read-only CSRs trap while reads (csrrs/csrrc with
 * x0) do not; unknown CSRs trap; the csrrw/csrrs/csrrc(i) forms; counter
 * access from S/U controlled by mcounteren/scounteren; misa writes ignored
 * or legal; mtvec modes 2/3 never read back; mepc bit 0; satp writes with
 * an unsupported mode ignored; read-only mip bits; medeleg/mideleg
 * delegable bits; sstatus/sie as restricted views; mstatus UXL/SXL.
 */
#include "test.h"

.macro RUN mode, fn, arg=0
    li a0, \mode
    la a1, \fn
    li a2, \arg
    call run_in_mode
.endm

/* a function returning the cause of `csrr csr` (-1: no trap) */
.macro READ_PROBE name, csr
\name:
    li t6, -1
    csrr a0, \csr
    mv a0, t6
    ret
.endm

#define ISA_RV64GC_SU 0x14112d      /* A C D F I M S U */

    .text
    .globl main
main:
    TRAPS_OK

    /* --- S-mode cannot touch M CSRs; U-mode cannot touch S CSRs --- */
    RUN MODE_S, read_mstatus
    CHECK 1, a0, CAUSE_ILLEGAL
    RUN MODE_S, read_mscratch
    CHECK 2, a0, CAUSE_ILLEGAL
    RUN MODE_S, read_mhartid
    CHECK 3, a0, CAUSE_ILLEGAL
    RUN MODE_S, read_sstatus
    CHECK 4, a0, -1
    RUN MODE_U, read_sstatus
    CHECK 5, a0, CAUSE_ILLEGAL
    RUN MODE_U, read_satp
    CHECK 6, a0, CAUSE_ILLEGAL
    RUN MODE_S, read_satp
    CHECK 7, a0, -1

    /* --- read-only CSRs: reads fine, writes trap --- */
    li t6, -1
    csrr a3, mhartid
    csrrs a3, mvendorid, zero
    csrrc a3, marchid, zero
    csrrsi a3, mimpid, 0
    CHECK 8, t6, -1
    li t6, -1
1:  csrw mhartid, zero
    CHECK 9, t6, CAUSE_ILLEGAL
    la t0, 1b
    lwu t1, 0(t0)
#ifndef QEMU_REFERENCE   /* QEMU 7.2 leaves mtval stale for CSR instructions */
    CHECK_MEM_EQ 10, trap_tval, t1
#endif
    li t6, -1
    csrrw zero, mvendorid, zero         /* csrrw writes even with x0 */
    CHECK 11, t6, CAUSE_ILLEGAL
    li t6, -1
    li a1, 1
    csrrs a3, cycle, a1
    CHECK 12, t6, CAUSE_ILLEGAL
    li t6, -1
    csrrci a3, instret, 1
    CHECK 13, t6, CAUSE_ILLEGAL
    li t6, -1
    csrr a3, 0x3ff                      /* no such CSR */
    CHECK 14, t6, CAUSE_ILLEGAL

    /* --- the six CSR instruction forms (on sscratch) --- */
    li a1, 0xf0
    csrw sscratch, a1
    li a1, 0x0f
    csrrs a3, sscratch, a1
    CHECK 15, a3, 0xf0
    li a1, 0x81
    csrrc a3, sscratch, a1
    CHECK 16, a3, 0xff
    csrrwi a3, sscratch, 0x1f
    CHECK 17, a3, 0x7e
    csrrsi a3, sscratch, 0x20 >> 1      /* imm 16 */
    CHECK 18, a3, 0x1f
    csrrci a3, sscratch, 0x3
    CHECK 19, a3, 0x1f
    csrr a3, sscratch
    CHECK 20, a3, 0x1c
    la t0, s_trap_stack_top             /* restore crt.S's value */
    csrw sscratch, t0

    /* --- counters: M always; S needs mcounteren; U needs both --- */
    csrw mcounteren, zero
    csrw scounteren, zero
    li t6, -1
    csrr a3, cycle
    csrr a3, instret
    CHECK 21, t6, -1
    RUN MODE_S, read_cycle
    CHECK 22, a0, CAUSE_ILLEGAL
    RUN MODE_U, read_cycle
    CHECK 23, a0, CAUSE_ILLEGAL
    li t0, 0x5                          /* CY, IR */
    csrw mcounteren, t0
    RUN MODE_S, read_cycle
    CHECK 24, a0, -1
    RUN MODE_S, read_instret
    CHECK 25, a0, -1
    RUN MODE_U, read_cycle
    CHECK 26, a0, CAUSE_ILLEGAL
    li t0, 0x4                          /* IR only */
    csrw scounteren, t0
    RUN MODE_U, read_cycle
    CHECK 27, a0, CAUSE_ILLEGAL
    RUN MODE_U, read_instret
    CHECK 28, a0, -1
    li t0, 0x1
    csrw mcounteren, t0                 /* S lost IR: U loses it too */
    RUN MODE_U, read_instret
    CHECK 29, a0, CAUSE_ILLEGAL
    RUN MODE_S, read_instret
    CHECK 30, a0, CAUSE_ILLEGAL
#ifndef QEMU_REFERENCE     /* QEMU's spike machine has no time CSR */
    csrw mcounteren, zero
    RUN MODE_S, read_time
    CHECK 31, a0, CAUSE_ILLEGAL
    li t0, 0x2                          /* TM */
    csrw mcounteren, t0
    csrw scounteren, t0
    RUN MODE_S, read_time
    CHECK 32, a0, -1
    RUN MODE_U, read_time
    CHECK 33, a0, -1
#endif
    csrw mcounteren, zero
    csrw scounteren, zero
    /* the counters count */
    csrr a1, minstret
    csrr a2, minstret
    bleu a2, a1, fail34
    csrr a1, mcycle
    nop
    csrr a2, mcycle
    bleu a2, a1, fail35
    li a1, 0x100000
    csrw minstret, a1                   /* writable, keeps counting */
    csrr a2, minstret
    bltu a2, a1, fail36
    sub a2, a2, a1
    li a1, 1000000
    bgeu a2, a1, fail36

    /* --- misa: writes ignored or legal --- */
    csrr s0, misa
    srli a3, s0, 62
    CHECK 37, a3, 2                     /* MXL = 64 */
    CHECK_MASK 38, s0, ISA_RV64GC_SU, ISA_RV64GC_SU
    li t0, BIT(16) | BIT(25)            /* Q, and a reserved letter */
    or a1, s0, t0
    csrw misa, a1
    csrr a3, misa
    CHECK_MASK 39, a3, BIT(16) | BIT(25), 0
    srli a4, a3, 62
    CHECK 40, a4, 2
    CHECK_MASK 41, a3, ISA_RV64GC_SU, ISA_RV64GC_SU
    csrw misa, s0

    /* --- mtvec: reserved modes 2/3 never read back --- */
    csrr s0, mtvec
    la a1, aligned_base
    ori a2, a1, 2
    csrw mtvec, a2
    csrr a3, mtvec
    andi a3, a3, 3
    li t0, 2
    bgeu a3, t0, fail42
    ori a2, a1, 3
    csrw mtvec, a2
    csrr a3, mtvec
    andi a3, a3, 3
    li t0, 2
    bgeu a3, t0, fail43
    csrw mtvec, a1                      /* direct mode, aligned base */
    csrr a3, mtvec
    CHECK_EQ 44, a3, a1
    csrw mtvec, s0
    csrr a3, mtvec
    CHECK_EQ 45, a3, s0

#ifndef QEMU_REFERENCE     /* QEMU 7.2 keeps bit 0 of mepc/sepc */
    /* --- mepc/sepc: bit 0 always zero (IALIGN 16) --- */
    li a1, 0x80001237
    csrw mepc, a1
    csrr a3, mepc
    CHECK 46, a3, 0x80001236
    csrw sepc, a1
    csrr a3, sepc
    CHECK 63, a3, 0x80001236
#endif

    /* --- satp: unsupported modes leave it unchanged --- */
    csrw satp, zero
    li a1, (1 << SATP_MODE_SHIFT) | 0x1234      /* mode 1: reserved */
    csrw satp, a1
    csrr a3, satp
    CHECK 47, a3, 0
    li s1, (SATP_MODE_SV39 << SATP_MODE_SHIFT) | 0x80123
    csrw satp, s1
    csrr a3, satp
    CHECK_EQ 48, a3, s1
    li a1, (11 << SATP_MODE_SHIFT) | 0x80456    /* Sv64: not supported */
    csrw satp, a1
    csrr a3, satp
    CHECK_EQ 49, a3, s1
    li a1, (15 << SATP_MODE_SHIFT) | 0x80456    /* reserved */
    csrw satp, a1
    csrr a3, satp
    CHECK_EQ 50, a3, s1
    csrw satp, zero

    /* --- mip: MSIP/MTIP/MEIP are not software-writable --- */
    csrr s0, mip
    li t0, MIP_MSIP | MIP_MEIP
    csrs mip, t0
    csrr a3, mip
    CHECK_MASK 51, a3, MIP_MSIP | MIP_MEIP, 0
    csrr a3, mip                        /* MTIP unaffected by a write */
    li t0, MIP_MTIP
    csrc mip, t0
    csrr a4, mip
    xor a4, a4, a3
    CHECK_MASK 52, a4, MIP_MTIP, 0

    /* --- medeleg/mideleg: what can be delegated --- */
    li t0, -1
    csrw medeleg, t0
    csrr a3, medeleg
#ifndef QEMU_REFERENCE     /* QEMU 7.2 lets medeleg[11] be written */
    CHECK_MASK 53, a3, BIT(CAUSE_ECALL_M), 0
#endif
    CHECK_MASK 54, a3, BIT(CAUSE_ECALL_U) | BIT(CAUSE_LOAD_PAGE), BIT(CAUSE_ECALL_U) | BIT(CAUSE_LOAD_PAGE)
    csrw medeleg, zero
    li t0, -1
    csrw mideleg, t0
    csrr a3, mideleg
    CHECK_MASK 55, a3, MIP_MSIP | MIP_MTIP | MIP_MEIP, 0
    CHECK_MASK 56, a3, MIP_SSIP | MIP_STIP | MIP_SEIP, MIP_SSIP | MIP_STIP | MIP_SEIP
    /* sie shows only delegated interrupts */
    li t0, MIP_SSIP
    csrw mideleg, t0
    li t0, MIP_SSIP | MIP_STIP
    csrw mie, t0
    csrr a3, sie
    CHECK 57, a3, MIP_SSIP
    csrw mie, zero
    csrw mideleg, zero

    /* --- sstatus is a view: M-only fields are invisible to it --- */
    csrr s0, mstatus
    li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_MPRV
    csrs sstatus, t0
    csrr a3, mstatus
    CHECK_EQ 58, a3, s0
    csrr a3, sstatus
    CHECK_MASK 59, a3, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_MPRV, 0
    li t0, MSTATUS_SUM
    csrs sstatus, t0
    csrr a3, mstatus
    CHECK_MASK 60, a3, MSTATUS_SUM, MSTATUS_SUM
    csrc mstatus, t0
    /* UXL and SXL read 2 (64-bit) */
    csrr a3, mstatus
    srli a3, a3, 32
    CHECK_MASK 61, a3, 0xf, 0xa
#ifndef QEMU_REFERENCE     /* QEMU 7.2 stores the reserved MPP value 2 */
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, 2 << MSTATUS_MPP_SHIFT
    csrs mstatus, t0
    csrr a3, mstatus
    srli a3, a3, MSTATUS_MPP_SHIFT
    andi a3, a3, 3
    li t0, 2
    beq a3, t0, fail62
#endif

    j test_pass

fail34: FAIL 34
fail35: FAIL 35
fail36: FAIL 36
fail42: FAIL 42
fail43: FAIL 43
fail62: FAIL 62

READ_PROBE read_mstatus, mstatus
READ_PROBE read_mscratch, mscratch
READ_PROBE read_mhartid, mhartid
READ_PROBE read_sstatus, sstatus
READ_PROBE read_satp, satp
READ_PROBE read_cycle, cycle
READ_PROBE read_instret, instret
READ_PROBE read_time, time

    .align 8
aligned_base:
    j trap_vector
