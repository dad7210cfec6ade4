/*
 * Start-up code and trap handlers shared by the bare-metal guest tests.
 *
 * _start (M-mode, 0x8000_0000): grants S/U-mode access to all memory with
 * PMP entry 0 (when PMP exists), installs trap_vector, sets up the stacks,
 * zeroes .bss, turns the FPU on (mstatus.FS = Initial), calls main and
 * reports its result through HTIF `tohost`: 1 for 0 (pass), else
 * (N << 1) | 1 for check N.
 *
 * Trap handlers. trap_vector (M-mode, mtvec direct) and strap_vector (S-mode,
 * for tests that delegate) keep every register and:
 *  - record the trap: *_trap_count, *_trap_cause, *_trap_epc, *_trap_tval,
 *    *_trap_status (mstatus/sstatus at the trap) and the first 16 causes and
 *    tvals in *_trap_log / *_trap_tval_log;
 *  - for an interrupt: clear its enable bit in mie/sie (so the next pending
 *    one, in priority order, is taken next) and return;
 *  - for an exception: fail the test (check UNEXPECTED_TRAP) unless
 *    `traps_ok` is set; else set t6 = cause and resume after the trapping
 *    instruction (its length read through the trapped mode's translation,
 *    mstatus.MPRV / sstatus.SUM with MXR), or at ra for a fetch fault;
 *  - an ecall with a7 = ECALL_BACK_TO_M returns to run_in_mode's caller in
 *    M-mode (the S handler forwards it to M-mode); it is not recorded.
 */
#include "test.h"

#define FRAME (32 * 8)
#define REG(n) ((n) * 8)

.macro SAVE_REGS
    sd x1, REG(1)(sp)
    sd x3, REG(3)(sp)
    sd x4, REG(4)(sp)
    sd x5, REG(5)(sp)
    sd x6, REG(6)(sp)
    sd x7, REG(7)(sp)
    sd x8, REG(8)(sp)
    sd x9, REG(9)(sp)
    sd x10, REG(10)(sp)
    sd x11, REG(11)(sp)
    sd x12, REG(12)(sp)
    sd x13, REG(13)(sp)
    sd x14, REG(14)(sp)
    sd x15, REG(15)(sp)
    sd x16, REG(16)(sp)
    sd x17, REG(17)(sp)
    sd x18, REG(18)(sp)
    sd x19, REG(19)(sp)
    sd x20, REG(20)(sp)
    sd x21, REG(21)(sp)
    sd x22, REG(22)(sp)
    sd x23, REG(23)(sp)
    sd x24, REG(24)(sp)
    sd x25, REG(25)(sp)
    sd x26, REG(26)(sp)
    sd x27, REG(27)(sp)
    sd x28, REG(28)(sp)
    sd x29, REG(29)(sp)
    sd x30, REG(30)(sp)
    sd x31, REG(31)(sp)
.endm

/* Restores all registers but sp (x2), which stays the frame pointer. */
.macro RESTORE_REGS
    ld x1, REG(1)(sp)
    ld x3, REG(3)(sp)
    ld x4, REG(4)(sp)
    ld x5, REG(5)(sp)
    ld x6, REG(6)(sp)
    ld x7, REG(7)(sp)
    ld x8, REG(8)(sp)
    ld x9, REG(9)(sp)
    ld x10, REG(10)(sp)
    ld x11, REG(11)(sp)
    ld x12, REG(12)(sp)
    ld x13, REG(13)(sp)
    ld x14, REG(14)(sp)
    ld x15, REG(15)(sp)
    ld x16, REG(16)(sp)
    ld x17, REG(17)(sp)
    ld x18, REG(18)(sp)
    ld x19, REG(19)(sp)
    ld x20, REG(20)(sp)
    ld x21, REG(21)(sp)
    ld x22, REG(22)(sp)
    ld x23, REG(23)(sp)
    ld x24, REG(24)(sp)
    ld x25, REG(25)(sp)
    ld x26, REG(26)(sp)
    ld x27, REG(27)(sp)
    ld x28, REG(28)(sp)
    ld x29, REG(29)(sp)
    ld x30, REG(30)(sp)
    ld x31, REG(31)(sp)
.endm

/* Record a trap: count in t1 afterwards. Uses t0, t2, t3. */
.macro RECORD prefix=
    la t0, \prefix\()trap_count
    ld t1, 0(t0)
    addi t1, t1, 1
    sd t1, 0(t0)
    sd s0, \prefix\()trap_cause, t0
    sd s1, \prefix\()trap_epc, t0
    sd s2, \prefix\()trap_tval, t0
    sd s3, \prefix\()trap_status, t0
    li t2, TRAP_LOG_LEN
    bgt t1, t2, .Lnolog\@
    slli t3, t1, 3
    la t2, \prefix\()trap_log - 8
    add t2, t2, t3
    sd s0, 0(t2)
    la t2, \prefix\()trap_tval_log - 8
    add t2, t2, t3
    sd s2, 0(t2)
.Lnolog\@:
.endm

/* Exception path: s0 = cause, s1 = epc, s3 = status; t1 = trap count.
 * Sets the resume pc in s1 and t6 = cause in the frame. */
.macro EXCEPTION status_csr, view_bits
    ld t0, traps_ok
    beqz t0, unexpected_trap
    li t0, 1000
    bgt t1, t0, unexpected_trap         /* a trap storm */
    li t0, CAUSE_FETCH_ACCESS
    beq s0, t0, .Lfetch\@
    li t0, CAUSE_FETCH_PAGE
    beq s0, t0, .Lfetch\@
    li t0, CAUSE_MISALIGNED_FETCH
    beq s0, t0, .Lfetch\@
    /* read the first halfword of the trapping instruction as the trapped
     * mode sees it, to skip 2 or 4 bytes */
    li t0, \view_bits
    csrs \status_csr, t0
    lhu t1, 0(s1)
    csrw \status_csr, s3
    andi t1, t1, 3
    li t0, 3
    addi s1, s1, 2
    bne t1, t0, .Ldone\@
    addi s1, s1, 2
    j .Ldone\@
.Lfetch\@:
    ld s1, REG(1)(sp)                   /* resume at ra */
.Ldone\@:
    sd s0, REG(31)(sp)                  /* t6 = cause */
.endm

/* ------------------------------------------------------------------ */

    .section .text.init, "ax", @progbits
    .globl _start
_start:
    csrr t0, mhartid
1:  bnez t0, 1b                         /* only hart 0 runs tests */

    /* PMP entry 0: NAPOT over all memory, RWX, for S/U-mode. Skipped
     * (through the temporary mtvec) when there is no PMP. */
    la t0, 2f
    csrw mtvec, t0
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    .align 2
2:
    la t0, trap_vector
    csrw mtvec, t0
    la sp, stack_top
    la t0, m_trap_stack_top
    csrw mscratch, t0
    la t0, s_trap_stack_top
    csrw sscratch, t0
    csrw medeleg, zero
    csrw mideleg, zero
    csrw mie, zero
    csrw mip, zero
    csrw satp, zero

    la t0, __bss_start
    la t1, __bss_end
3:  bgeu t0, t1, 4f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 3b
4:
    /* FPU on, fcsr = 0, FS = Initial */
    li t0, MSTATUS_FS
    csrs mstatus, t0
    csrw fcsr, zero
    csrc mstatus, t0
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0

    call main
    bnez a0, test_fail

    .globl test_pass
test_pass:
    li a0, 1
    j write_tohost

    /* a0 = number of the failing check */
    .globl test_fail
test_fail:
    slli a0, a0, 1
    ori a0, a0, 1
write_tohost:
    fence
    la t0, tohost
5:  sd a0, 0(t0)
    j 5b

/* ------------------------------------------------------------------ */

    .text
    .align 2
    .globl trap_vector
trap_vector:
    csrrw sp, mscratch, sp
    addi sp, sp, -FRAME
    SAVE_REGS
    csrr t0, mscratch
    sd t0, REG(2)(sp)
    addi t0, sp, FRAME
    csrw mscratch, t0

    csrr s0, mcause
    csrr s1, mepc
    csrr s2, mtval
    csrr s3, mstatus

    li t0, CAUSE_ECALL_U
    beq s0, t0, 1f
    li t0, CAUSE_ECALL_S
    beq s0, t0, 1f
    li t0, CAUSE_ECALL_M
    bne s0, t0, 2f
1:  ld t0, REG(17)(sp)
    li t1, ECALL_BACK_TO_M
    beq t0, t1, m_back_to_m
2:
    RECORD
    bltz s0, m_interrupt
    EXCEPTION mstatus, (MSTATUS_MPRV | MSTATUS_MXR)
    csrw mepc, s1
    j m_restore

m_interrupt:
    slli t0, s0, 1
    srli t0, t0, 1
    li t1, 1
    sll t1, t1, t0
    csrc mie, t1
    j m_restore

m_back_to_m:
    ld t0, m_resume_pc
    csrw mepc, t0
    li t0, MSTATUS_MPP
    csrs mstatus, t0
    li t0, MSTATUS_MPIE                 /* run_in_mode restores MIE */
    csrc mstatus, t0

m_restore:
    RESTORE_REGS
    ld sp, REG(2)(sp)
    mret

/* s0 = cause, s1 = epc, s2 = tval */
unexpected_trap:
    mv a0, s0
    mv a1, s1
    mv a2, s2
    call report_unexpected_trap
    li a0, UNEXPECTED_TRAP
    j test_fail

/* ------------------------------------------------------------------ */

    .align 2
    .globl strap_vector
strap_vector:
    csrrw sp, sscratch, sp
    addi sp, sp, -FRAME
    SAVE_REGS
    csrr t0, sscratch
    sd t0, REG(2)(sp)
    addi t0, sp, FRAME
    csrw sscratch, t0

    csrr s0, scause
    csrr s1, sepc
    csrr s2, stval
    csrr s3, sstatus

    li t0, CAUSE_ECALL_U
    bne s0, t0, 1f
    ld t0, REG(17)(sp)
    li t1, ECALL_BACK_TO_M
    bne t0, t1, 1f
    /* forward the return-to-M ecall with the caller's registers */
    RESTORE_REGS
    ld sp, REG(2)(sp)
    ecall
1:
    RECORD s_
    bltz s0, s_interrupt
    EXCEPTION sstatus, (MSTATUS_SUM | MSTATUS_MXR)
    csrw sepc, s1
    j s_restore

s_interrupt:
    slli t0, s0, 1
    srli t0, t0, 1
    li t1, 1
    sll t1, t1, t0
    csrc sie, t1

s_restore:
    RESTORE_REGS
    ld sp, REG(2)(sp)
    sret

/* ------------------------------------------------------------------ */

/* long run_in_mode(long mode, long (*fn)(long), long arg)
 * Enters fn through mret (so the mode runs with MIE = MPIE, and MPIE = 1
 * afterwards); returns to the caller with its own mstatus.MIE. */
    .globl run_in_mode
run_in_mode:
    addi sp, sp, -112
    sd ra, 0(sp)
    sd s0, 8(sp)
    sd s1, 16(sp)
    sd s2, 24(sp)
    sd s3, 32(sp)
    sd s4, 40(sp)
    sd s5, 48(sp)
    sd s6, 56(sp)
    sd s7, 64(sp)
    sd s8, 72(sp)
    sd s9, 80(sp)
    sd s10, 88(sp)
    sd s11, 96(sp)
    csrr t0, mstatus
    andi t0, t0, MSTATUS_MIE
    sd t0, 104(sp)
    sd sp, m_resume_sp, t0
    la t0, 1f
    sd t0, m_resume_pc, t1
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    slli t0, a0, MSTATUS_MPP_SHIFT
    csrs mstatus, t0
    csrw mepc, a1
    mv a0, a2
    la ra, return_to_m
    mret
1:  ld sp, m_resume_sp
    ld t0, 104(sp)                      /* the caller's mstatus.MIE */
    csrs mstatus, t0
    ld ra, 0(sp)
    ld s0, 8(sp)
    ld s1, 16(sp)
    ld s2, 24(sp)
    ld s3, 32(sp)
    ld s4, 40(sp)
    ld s5, 48(sp)
    ld s6, 56(sp)
    ld s7, 64(sp)
    ld s8, 72(sp)
    ld s9, 80(sp)
    ld s10, 88(sp)
    ld s11, 96(sp)
    addi sp, sp, 112
    ret

    .globl return_to_m
return_to_m:
    BACK_TO_M
1:  j 1b

/* struct probe probe_ld(addr) etc.: a1 = cause or -1 */
    .globl probe_ld
probe_ld:
    li t6, -1
    ld a0, 0(a0)
    mv a1, t6
    ret

    .globl probe_lw
probe_lw:
    li t6, -1
    lw a0, 0(a0)
    mv a1, t6
    ret

    .globl probe_sd
probe_sd:
    li t6, -1
    sd a1, 0(a0)
    mv a1, t6
    li a0, 0
    ret

/* the code at a0 must keep t4 */
    .globl probe_jump
probe_jump:
    mv t4, ra
    li t6, -1
    jalr a0
    mv a1, t6
    li a0, 0
    jr t4

/* ------------------------------------------------------------------ */

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost, fromhost
    .type tohost, @object
    .type fromhost, @object
    .size tohost, 8
    .size fromhost, 8
tohost: .dword 0
fromhost: .dword 0

    .bss
    .align 4
    .globl traps_ok, trap_count, trap_cause, trap_epc, trap_tval, trap_status
    .globl trap_log, trap_tval_log
    .globl s_trap_count, s_trap_cause, s_trap_epc, s_trap_tval, s_trap_status
    .globl s_trap_log, s_trap_tval_log
traps_ok: .dword 0
trap_count: .dword 0
trap_cause: .dword 0
trap_epc: .dword 0
trap_tval: .dword 0
trap_status: .dword 0
trap_log: .space 8 * TRAP_LOG_LEN
trap_tval_log: .space 8 * TRAP_LOG_LEN
s_trap_count: .dword 0
s_trap_cause: .dword 0
s_trap_epc: .dword 0
s_trap_tval: .dword 0
s_trap_status: .dword 0
s_trap_log: .space 8 * TRAP_LOG_LEN
s_trap_tval_log: .space 8 * TRAP_LOG_LEN
m_resume_pc: .dword 0
m_resume_sp: .dword 0

    .align 4
    .globl stack_top, m_trap_stack_top, s_trap_stack_top
    .space 16384
stack_top:
    .space 4096
m_trap_stack_top:
    .space 4096
s_trap_stack_top:
