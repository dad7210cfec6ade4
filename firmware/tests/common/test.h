/*
 * Shared definitions for the project's bare-metal guest tests.
 * Usable from assembly (.S) and C.
 *
 * Conventions (see firmware/tests/README.md):
 *  - code starts at 0x8000_0000 in M-mode (common/crt.S);
 *  - a test's `main` returns 0 on success or the number N (1..254) of the
 *    first failing check; crt.S then writes 1 or (N << 1) | 1 to `tohost`;
 *  - the common M-mode trap handler (crt.S) and S-mode trap handler
 *    (strap_vector) record every trap and, for an exception, resume after
 *    the trapping instruction with t6 = the cause. See crt.S for details.
 */
#ifndef FW_TEST_H
#define FW_TEST_H

/*
 * QEMU_REFERENCE is defined only by scripts/qemu-reference.sh, which runs the
 * tests on Debian's QEMU 7.2 (-machine spike) to validate them. The few
 * places where that QEMU differs from the specification are marked with it;
 * the normal build (firmware/build-tests.sh) never defines it.
 */

#ifdef __ASSEMBLER__
#define UL(x) (x)
#else
#define UL(x) (x##UL)
#endif
#define BIT(n) (UL(1) << (n))

/* privilege modes (mstatus.MPP encoding) */
#define MODE_U 0
#define MODE_S 1
#define MODE_M 3

/* mstatus / sstatus */
#define MSTATUS_SIE BIT(1)
#define MSTATUS_MIE BIT(3)
#define MSTATUS_SPIE BIT(5)
#define MSTATUS_MPIE BIT(7)
#define MSTATUS_SPP BIT(8)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP (UL(3) << 11)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS (UL(3) << 13)
#define MSTATUS_FS_OFF (UL(0) << 13)
#define MSTATUS_FS_INITIAL (UL(1) << 13)
#define MSTATUS_FS_CLEAN (UL(2) << 13)
#define MSTATUS_FS_DIRTY (UL(3) << 13)
#define MSTATUS_MPRV BIT(17)
#define MSTATUS_SUM BIT(18)
#define MSTATUS_MXR BIT(19)
#define MSTATUS_TVM BIT(20)
#define MSTATUS_TW BIT(21)
#define MSTATUS_TSR BIT(22)
#define MSTATUS_SD BIT(63)

/* exception causes */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_ECALL_U 8
#define CAUSE_ECALL_S 9
#define CAUSE_ECALL_M 11
#define CAUSE_FETCH_PAGE 12
#define CAUSE_LOAD_PAGE 13
#define CAUSE_STORE_PAGE 15

/* interrupt numbers (bit in mip/mie; mcause = BIT(63) | n) */
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define CAUSE_INTR BIT(63)
#define MIP_SSIP BIT(IRQ_SSI)
#define MIP_MSIP BIT(IRQ_MSI)
#define MIP_STIP BIT(IRQ_STI)
#define MIP_MTIP BIT(IRQ_MTI)
#define MIP_SEIP BIT(IRQ_SEI)
#define MIP_MEIP BIT(IRQ_MEI)

/* CSRs named by number (older assemblers may lack the names) */
#define CSR_MENVCFG 0x30a
#define CSR_STIMECMP 0x14d
#define MENVCFG_STCE BIT(63)

/* satp */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE 0
#define SATP_MODE_SV39 8
#define SATP_MODE_SV48 9

/* page-table entry bits */
#define PTE_V BIT(0)
#define PTE_R BIT(1)
#define PTE_W BIT(2)
#define PTE_X BIT(3)
#define PTE_U BIT(4)
#define PTE_G BIT(5)
#define PTE_A BIT(6)
#define PTE_D BIT(7)

/* a7 value of the `ecall` that returns from run_in_mode to M-mode */
#define ECALL_BACK_TO_M 0x7e57

/* length of the trap logs kept by the handlers in crt.S */
#define TRAP_LOG_LEN 16

/* test number reported when a trap nobody expected happens */
#define UNEXPECTED_TRAP 255

/* ACLINT/CLINT (QEMU virt and spike layout) */
#define CLINT_BASE 0x02000000
#define CLINT_MSIP (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME (CLINT_BASE + 0xbff8)

#ifdef __ASSEMBLER__

/* The CHECK macros use t4 and t5 as scratch registers: never check those.
 * t6 is the trap handlers' cause register (see crt.S). */

/* Fail with check number n unless register reg holds val. */
.macro CHECK n, reg, val
    li t5, \val
    beq \reg, t5, .Lok\@
    li a0, \n
    j test_fail
.Lok\@:
.endm

/* Fail with check number n unless registers r1 and r2 are equal. */
.macro CHECK_EQ n, r1, r2
    beq \r1, \r2, .Lok\@
    li a0, \n
    j test_fail
.Lok\@:
.endm

/* Fail with check number n unless (reg & mask) == val. */
.macro CHECK_MASK n, reg, mask, val
    li t5, \mask
    and t4, \reg, t5
    li t5, \val
    beq t4, t5, .Lok\@
    li a0, \n
    j test_fail
.Lok\@:
.endm

/* Fail with check number n unless the 64-bit word at symbol sym is val. */
.macro CHECK_MEM n, sym, val
    ld t4, \sym
    CHECK \n, t4, \val
.endm

/* Fail with check number n unless the 64-bit word at symbol sym equals
 * register reg. */
.macro CHECK_MEM_EQ n, sym, reg
    ld t4, \sym
    CHECK_EQ \n, t4, \reg
.endm

/* Unconditional failure of check n. */
.macro FAIL n
    li a0, \n
    j test_fail
.endm

/* Return from code entered with run_in_mode to M-mode; a0 is passed back. */
.macro BACK_TO_M
    li a7, ECALL_BACK_TO_M
    ecall
.endm

/* Allow exceptions from here on: they are recorded and skipped. */
.macro TRAPS_OK
    li t5, 1
    sd t5, traps_ok, t4
.endm

/* Zicond, encoded by hand for assemblers that predate it (binutils 2.40).
 * QEMU 7.2 lacks Zicond; for the reference run the same semantics come from
 * XVentanaCondOps (vt.maskc = czero.eqz, vt.maskcn = czero.nez). */
#ifndef QEMU_REFERENCE
.macro CZERO_EQZ rd, rs1, rs2
    .insn r 0x33, 5, 7, \rd, \rs1, \rs2
.endm
.macro CZERO_NEZ rd, rs1, rs2
    .insn r 0x33, 7, 7, \rd, \rs1, \rs2
.endm
#else
.macro CZERO_EQZ rd, rs1, rs2
    .insn r 0x7b, 6, 0, \rd, \rs1, \rs2
.endm
.macro CZERO_NEZ rd, rs1, rs2
    .insn r 0x7b, 7, 0, \rd, \rs1, \rs2
.endm
#endif

#else /* C */

#include <stdint.h>

#define STR(x) #x
#define XSTR(x) STR(x)

/* the trap handlers of crt.S, for mtvec/stvec */
extern char trap_vector[], strap_vector[];

#define csr_read(csr)                                                        \
    ({                                                                     \
        unsigned long __v;                                                 \
        __asm__ volatile("csrr %0, " #csr : "=r"(__v)::"memory");          \
        __v;                                                               \
    })
#define csr_write(csr, val)                                                  \
    __asm__ volatile("csrw " #csr ", %0" ::"rK"((unsigned long)(val)) : "memory")
#define csr_set(csr, val)                                                    \
    __asm__ volatile("csrs " #csr ", %0" ::"rK"((unsigned long)(val)) : "memory")
#define csr_clear(csr, val)                                                  \
    __asm__ volatile("csrc " #csr ", %0" ::"rK"((unsigned long)(val)) : "memory")

/* Trap records kept by the handlers in crt.S. */
extern volatile uint64_t traps_ok;
extern volatile uint64_t trap_count, trap_cause, trap_epc, trap_tval, trap_status;
extern volatile uint64_t trap_log[TRAP_LOG_LEN], trap_tval_log[TRAP_LOG_LEN];
extern volatile uint64_t s_trap_count, s_trap_cause, s_trap_epc, s_trap_tval, s_trap_status;
extern volatile uint64_t s_trap_log[TRAP_LOG_LEN], s_trap_tval_log[TRAP_LOG_LEN];

/* Run fn(arg) in privilege mode `mode` (MODE_U/MODE_S/MODE_M) via mret; fn
 * returns normally (to return_to_m, which does the BACK_TO_M ecall). Returns
 * fn's result. Not reentrant. */
long run_in_mode(long mode, long (*fn)(long), long arg);

/* Probes usable in any mode (they touch no memory but the probed address):
 * the access's result and the exception cause it raised, or -1 for none.
 * A faulting fetch in probe_jump resumes at the return address. */
struct probe {
    uint64_t val;
    long cause;
};
struct probe probe_ld(uintptr_t addr);
struct probe probe_lw(uintptr_t addr);
struct probe probe_sd(uintptr_t addr, uint64_t val);
struct probe probe_jump(uintptr_t addr);

void clear_trap_records(void);

/* HTIF console. */
void putchar_htif(int c);
void print(const char *s);
void print_hex(uint64_t v);

#endif /* __ASSEMBLER__ */

#endif /* FW_TEST_H */
