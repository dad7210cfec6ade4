/*
 * The MMU test suite shared by mmu_sv39.c and mmu_sv48.c, which set
 * SV_LEVELS (3 or 4) and include this file.
 *
 * M-mode builds page tables, turns translation on and runs checks in S-mode
 * and U-mode:
 *  - 4 KiB pages, 2 MiB megapages, 1 GiB gigapages (and a 512 GiB page with
 *    Sv48), misaligned superpages faulting, non-canonical addresses faulting;
 *  - hardware A/D updates on load, store and fetch;
 *  - load/store/fetch page faults (causes 13/15/12) with mtval = the
 *    faulting virtual address; W-without-R and non-leaf-at-level-0 PTEs;
 *  - permissions: read-only, execute-only (+ MXR), no-execute, U pages from
 *    S-mode (+ SUM, which never allows execution), S pages from U-mode;
 *  - sfence.vma (global and by address) making a changed PTE visible;
 *  - code whose page is remapped, and one page of code reached at two
 *    addresses that call different code (see "code pages" below);
 *  - a hot loop calling into the next page while that page is remapped
 *    and while its code is rewritten;
 *  - page faults delegated to S-mode (scause/stval);
 *  - mstatus.MPRV translating M-mode loads and stores.
 *
 * Layout: PA 0x8000_0000 (this program) is mapped 1:1 by a gigapage for
 * S-mode and aliased at VA 0x4000_0000 by a user gigapage, where U-mode
 * code runs. Test pages sit at VA 0x1_0000_0000 and up.
 */
#include "test.h"

#if SV_LEVELS == 3
#define SATP_MODE SATP_MODE_SV39
#elif SV_LEVELS == 4
#define SATP_MODE SATP_MODE_SV48
#else
#error "SV_LEVELS must be 3 or 4"
#endif

#define CHECK(n, cond)                                                       \
    do {                                                                     \
        if (!(cond))                                                         \
            return n;                                                        \
    } while (0)

#define PAGE 0x1000UL
#define GIGA 0x40000000UL
#define RAM 0x80000000UL
#define ALIAS 0x40000000UL          /* user alias of RAM */
#define T 0x100000000UL             /* test region */
#define VA_A (T + 0x0000)           /* RW, A/D clear */
#define VA_RO (T + 0x1000)          /* R */
#define VA_INV (T + 0x2000)         /* invalid */
#define VA_X (T + 0x3000)           /* X only, A clear */
#define VA_NX (T + 0x4000)          /* RW, not X */
#define VA_U (T + 0x5000)           /* U, RW */
#define VA_UX (T + 0x6000)          /* U, RX */
#define VA_W (T + 0x7000)           /* W without R: reserved */
#define VA_REMAP (T + 0x8000)       /* remapped under sfence.vma */
#define VA_NONLEAF (T + 0x9000)     /* V only at level 0 */
#define VA_CALL2 (T + 0xa000)       /* cpages: caller, then callee_b */
#define VA_CALL (T + 0xc000)        /* cpages: caller, then callee_a */
#define VA_LOOP (T + 0x10000)       /* cpages: loop caller, then callee_c */
#define VA_MEGA (T + 0x200000)      /* 2 MiB page -> RAM */
#define VA_MEGA_BAD (T + 0x400000)  /* misaligned 2 MiB page */
#define VA_GIGA (5 * GIGA)          /* 1 GiB page -> RAM */
#define VA_GIGA_BAD (6 * GIGA)      /* misaligned 1 GiB page */
#define VA_TERA 0x8000000000UL      /* Sv48: 512 GiB page -> PA 0 */
#define VA_NONCANON48 0x0000800000000000UL

#define RWAD (PTE_R | PTE_W | PTE_A | PTE_D)

static uint64_t tables[16][512] __attribute__((aligned(4096)));
static unsigned ntables;
static uint64_t buf[2][512] __attribute__((aligned(4096)));
static uint64_t *root;
static volatile uint64_t *pte_a, *pte_x, *pte_remap, *pte_callee, *pte_loop_callee;
static volatile uint64_t marker = 0x6d61726b65720001UL;
extern char xpage[];                /* code: li t3, 0x5a; ret */
extern char u_code[];
extern char cpages[];               /* callee_b, caller, callee_a,
                                       loop caller, callee_c */

/* the PTE for va at `level` (0 = 4 KiB), creating tables on the way */
static volatile uint64_t *pte_slot(uint64_t va, int level)
{
    uint64_t *t = root;
    for (int l = SV_LEVELS - 1; l > level; l--) {
        uint64_t *e = &t[(va >> (12 + 9 * l)) & 511];
        if (!(*e & PTE_V))
            *e = ((uint64_t)tables[ntables++] >> 12 << 10) | PTE_V;
        t = (uint64_t *)((*e >> 10) << 12);
    }
    return &t[(va >> (12 + 9 * level)) & 511];
}

static volatile uint64_t *map(uint64_t va, uint64_t pa, int level, uint64_t flags)
{
    volatile uint64_t *e = pte_slot(va, level);
    *e = (pa >> 12 << 10) | flags | PTE_V;
    return e;
}

static void setup(void)
{
    root = tables[ntables++];
    map(RAM, RAM, 2, RWAD | PTE_X | PTE_G);
    map(ALIAS, RAM, 2, RWAD | PTE_X | PTE_U);
    pte_a = map(VA_A, (uint64_t)buf[0], 0, PTE_R | PTE_W);
    map(VA_RO, (uint64_t)buf[0], 0, PTE_R | PTE_A);
    *pte_slot(VA_INV, 0) = 0;
    pte_x = map(VA_X, (uint64_t)xpage, 0, PTE_X);
    map(VA_NX, (uint64_t)buf[0], 0, RWAD);
    map(VA_U, (uint64_t)buf[1], 0, RWAD | PTE_U);
    map(VA_UX, (uint64_t)xpage, 0, PTE_R | PTE_X | PTE_A | PTE_U);
    map(VA_W, (uint64_t)buf[0], 0, PTE_W | PTE_A | PTE_D);
    pte_remap = map(VA_REMAP, (uint64_t)buf[0], 0, RWAD);
    /* Both callers' next pages are 0x1000 further from their code in
     * the address space as in RAM: the fetch TLB's host addends of the
     * two callee pages are equal. */
    map(VA_CALL2, (uint64_t)cpages + PAGE, 0, PTE_R | PTE_X | PTE_A);
    map(VA_CALL2 + PAGE, (uint64_t)cpages, 0, PTE_R | PTE_X | PTE_A);
    map(VA_CALL, (uint64_t)cpages + PAGE, 0, PTE_R | PTE_X | PTE_A);
    pte_callee = map(VA_CALL + PAGE, (uint64_t)cpages + 2 * PAGE, 0, PTE_R | PTE_X | PTE_A);
    map(VA_LOOP, (uint64_t)cpages + 3 * PAGE, 0, PTE_R | PTE_X | PTE_A);
    pte_loop_callee =
        map(VA_LOOP + PAGE, (uint64_t)cpages + 4 * PAGE, 0, PTE_R | PTE_X | PTE_A);
    *pte_slot(VA_NONLEAF, 0) = ((uint64_t)buf[1] >> 12 << 10) | PTE_V;
    map(VA_MEGA, RAM, 1, RWAD);
    map(VA_MEGA_BAD, RAM + PAGE, 1, RWAD);
    map(VA_GIGA, RAM, 2, RWAD);
    map(VA_GIGA_BAD, RAM + 0x200000, 2, RWAD);
#if SV_LEVELS == 4
    map(VA_TERA, 0, 3, RWAD);
#endif
    buf[0][0] = 0x1111;
    buf[0][1] = 0x2222;
    buf[1][0] = 0x3333;
}

static inline void sfence_all(void)
{
    __asm__ volatile("sfence.vma" ::: "memory");
}

static inline void sfence_va(uint64_t va)
{
    __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

/* Code pages: a caller that calls the start of its next page, and two
 * callees returning different values; a loop that calls the start of
 * its next page a0 times and returns the sum of the results, and its
 * callee. */
__asm__("   .section .text.cpages, \"ax\"\n"
        "   .balign 4096\n"
        "   .globl cpages\n"
        "cpages:\n"
        "   li a0, 0xb2\n"
        "   ret\n"
        "   .balign 4096\n"
        "   addi sp, sp, -16\n"
        "   sd ra, 8(sp)\n"
        "   jal ra, 1f\n"
        "   ld ra, 8(sp)\n"
        "   addi sp, sp, 16\n"
        "   ret\n"
        "   .balign 4096\n"
        "1: li a0, 0xa1\n"
        "   ret\n"
        "   .balign 4096\n"
        "   addi sp, sp, -16\n"
        "   sd ra, 8(sp)\n"
        "   sd s0, 0(sp)\n"
        "   mv s0, a0\n"
        "   li t4, 0\n"
        "2: jal ra, 3f\n"
        "   add t4, t4, a0\n"
        "   addi s0, s0, -1\n"
        "   bnez s0, 2b\n"
        "   mv a0, t4\n"
        "   ld ra, 8(sp)\n"
        "   ld s0, 0(sp)\n"
        "   addi sp, sp, 16\n"
        "   ret\n"
        "   .balign 4096\n"
        "3: li a0, 0xc3\n"
        "   ret\n"
        "   .balign 4096\n");

/* the loop caller at `va`, `n` times */
static long loop_calls(uint64_t va, long n)
{
    return ((long (*)(long))va)(n);
}

/* `n` calls of the caller at `va`: how many returned `want` */
static long calls(uint64_t va, long want, long n)
{
    long (*f)(void) = (long (*)(void))va;
    long ok = 0;
    for (long i = 0; i < n; i++)
        ok += f() == want;
    return ok;
}

/* a load that must fault with cause 13 at va */
#define LOAD_FAULTS(n, va)                                                   \
    do {                                                                     \
        struct probe p_ = probe_ld(va);                                      \
        CHECK(n, p_.cause == CAUSE_LOAD_PAGE && trap_tval == (va));          \
    } while (0)

/* ---- S-mode ---- */

static long s_tests(long arg)
{
    struct probe p;
    (void)arg;

    CHECK(1, marker == 0x6d61726b65720001UL); /* running translated */

    /* hardware A/D on a 4 KiB page */
    CHECK(2, (*pte_a & (PTE_A | PTE_D)) == 0);
    p = probe_ld(VA_A);
    CHECK(3, p.cause == -1 && p.val == 0x1111);
    CHECK(4, (*pte_a & (PTE_A | PTE_D)) == PTE_A);
    p = probe_sd(VA_A + 8, 0x4444);
    CHECK(5, p.cause == -1 && buf[0][1] == 0x4444);
    CHECK(6, (*pte_a & (PTE_A | PTE_D)) == (PTE_A | PTE_D));

    /* read-only page */
    p = probe_ld(VA_RO + 8);
    CHECK(7, p.cause == -1 && p.val == 0x4444);
    p = probe_sd(VA_RO + 16, 1);
    CHECK(8, p.cause == CAUSE_STORE_PAGE && trap_tval == VA_RO + 16);

    /* invalid page: load, store, fetch */
    LOAD_FAULTS(9, VA_INV + 24);
    p = probe_sd(VA_INV, 1);
    CHECK(10, p.cause == CAUSE_STORE_PAGE && trap_tval == VA_INV);
    p = probe_jump(VA_INV + 4);
    CHECK(11, p.cause == CAUSE_FETCH_PAGE && trap_tval == VA_INV + 4);

    /* execute-only page: fetch sets A; loads need MXR */
    CHECK(12, (*pte_x & PTE_A) == 0);
    p = probe_jump(VA_X);
    CHECK(13, p.cause == -1);
    CHECK(14, (*pte_x & (PTE_A | PTE_D)) == PTE_A);
    LOAD_FAULTS(15, VA_X);
    csr_set(sstatus, MSTATUS_MXR);
    p = probe_lw(VA_X);
    csr_clear(sstatus, MSTATUS_MXR);
    CHECK(16, p.cause == -1 && p.val == (uint64_t)(int64_t)*(volatile int32_t *)xpage);

    /* no-execute page */
    p = probe_jump(VA_NX);
    CHECK(17, p.cause == CAUSE_FETCH_PAGE && trap_tval == VA_NX);

    /* user pages from S-mode: SUM for data, never for execution */
    LOAD_FAULTS(18, VA_U);
    p = probe_sd(VA_U, 1);
    CHECK(19, p.cause == CAUSE_STORE_PAGE);
    csr_set(sstatus, MSTATUS_SUM);
    p = probe_ld(VA_U);
    CHECK(20, p.cause == -1 && p.val == 0x3333);
    p = probe_jump(VA_UX);
    CHECK(21, p.cause == CAUSE_FETCH_PAGE && trap_tval == VA_UX);
    csr_clear(sstatus, MSTATUS_SUM);

    /* reserved W-without-R and a non-leaf PTE at level 0 */
    LOAD_FAULTS(22, VA_W);
    p = probe_sd(VA_W, 1);
    CHECK(23, p.cause == CAUSE_STORE_PAGE);
    LOAD_FAULTS(24, VA_NONLEAF);

    /* sfence.vma makes a changed PTE visible */
    p = probe_ld(VA_REMAP);
    CHECK(25, p.cause == -1 && p.val == 0x1111);
    *pte_remap = ((uint64_t)buf[1] >> 12 << 10) | RWAD | PTE_V;
    sfence_all();
    p = probe_ld(VA_REMAP);
    CHECK(26, p.cause == -1 && p.val == 0x3333);
    *pte_remap = ((uint64_t)buf[0] >> 12 << 10) | RWAD | PTE_V;
    sfence_va(VA_REMAP);
    p = probe_ld(VA_REMAP);
    CHECK(27, p.cause == -1 && p.val == 0x1111);
    *pte_remap = 0;
    sfence_va(VA_REMAP);
    LOAD_FAULTS(28, VA_REMAP);

    /* superpages */
    p = probe_ld(VA_MEGA + ((uint64_t)&marker - RAM));
    CHECK(29, p.cause == -1 && p.val == marker);
    LOAD_FAULTS(30, VA_MEGA_BAD + 8);
    p = probe_ld(VA_GIGA + ((uint64_t)&marker - RAM));
    CHECK(31, p.cause == -1 && p.val == marker);
    LOAD_FAULTS(32, VA_GIGA_BAD + 16);

    /* beyond the address space */
#if SV_LEVELS == 3
    LOAD_FAULTS(33, VA_TERA + (uint64_t)&marker); /* bit 39 set */
#else
    p = probe_ld(VA_TERA + (uint64_t)&marker);
    CHECK(33, p.cause == -1 && p.val == marker);
#endif
    LOAD_FAULTS(34, VA_NONCANON48);

    /* code pages: hot calls across pages, the same caller at two
     * addresses, the callee's page remapped */
    CHECK(35, calls(VA_CALL, 0xa1, 1000) == 1000);
    for (int i = 0; i < 600; i++)
        CHECK(36, calls(VA_CALL2, 0xb2, 1) == 1 && calls(VA_CALL, 0xa1, 1) == 1);
    *pte_callee = ((uint64_t)cpages >> 12 << 10) | PTE_R | PTE_X | PTE_A | PTE_V;
    sfence_va(VA_CALL + PAGE);
    CHECK(37, calls(VA_CALL, 0xb2, 1000) == 1000);
    *pte_callee = (((uint64_t)cpages + 2 * PAGE) >> 12 << 10) | PTE_R | PTE_X | PTE_A | PTE_V;
    sfence_all();
    CHECK(38, calls(VA_CALL, 0xa1, 1000) == 1000);

    /* a hot loop calling into its next page: remapped, then rewritten */
    CHECK(39, loop_calls(VA_LOOP, 1000) == 1000 * 0xc3);
    *pte_loop_callee = ((uint64_t)cpages >> 12 << 10) | PTE_R | PTE_X | PTE_A | PTE_V;
    sfence_va(VA_LOOP + PAGE);
    CHECK(40, loop_calls(VA_LOOP, 1000) == 1000 * 0xb2);
    *pte_loop_callee = (((uint64_t)cpages + 4 * PAGE) >> 12 << 10) | PTE_R | PTE_X | PTE_A | PTE_V;
    sfence_va(VA_LOOP + PAGE);
    CHECK(41, loop_calls(VA_LOOP, 1000) == 1000 * 0xc3);
    {
        volatile uint32_t *li = (volatile uint32_t *)(cpages + 4 * PAGE);
        uint32_t was = *li;
        *li = (was & 0xfffff) | (0x5cu << 20); /* li a0, 0x5c */
        __asm__ volatile("fence.i" ::: "memory");
        CHECK(42, loop_calls(VA_LOOP, 1000) == 1000 * 0x5c);
        *li = was;
        __asm__ volatile("fence.i" ::: "memory");
    }
    CHECK(43, loop_calls(VA_LOOP, 1000) == 1000 * 0xc3);
    return 0;
}

/* S-mode, with page faults delegated: returns the load's cause */
static long s_delegated(long arg)
{
    (void)arg;
    return probe_ld(VA_INV).cause;
}

/* ---- U-mode (asm below, runs at the user alias) ---- */

struct u_block {
    uint64_t va[5];
    int64_t cause[5];
    uint64_t val[5];
};
static struct u_block ublk;

__asm__(
    "   .text\n"
    "   .globl u_code\n"
    /* a0 = struct u_block * as U-mode sees it */
    "u_code:\n"
    "   mv s0, a0\n"
    "   ld a0, 0(s0)\n"
    "   call probe_ld\n"
    "   sd a0, 80(s0)\n"
    "   sd a1, 40(s0)\n"
    "   ld a0, 8(s0)\n"
    "   call probe_ld\n"
    "   sd a0, 88(s0)\n"
    "   sd a1, 48(s0)\n"
    "   ld a0, 16(s0)\n"
    "   call probe_jump\n"
    "   sd a1, 56(s0)\n"
    "   ld a0, 24(s0)\n"
    "   call probe_jump\n"
    "   sd a1, 64(s0)\n"
    "   ld a0, 32(s0)\n"
    "   li a1, 0x55\n"
    "   call probe_sd\n"
    "   sd a1, 72(s0)\n"
    "   li a7, " XSTR(ECALL_BACK_TO_M) "\n"
    "   ecall\n"
    /* a page of code reached through VA_X and VA_UX */
    "   .section .text.xpage, \"ax\"\n"
    "   .balign 4096\n"
    "   .globl xpage\n"
    "xpage:\n"
    "   li t3, 0x5a\n"
    "   ret\n"
    "   .balign 4096\n");

static long u_tests(void)
{
    ublk.va[0] = VA_U;              /* user page: fine */
    ublk.va[1] = (uint64_t)&marker; /* supervisor page: fault */
    ublk.va[2] = (uint64_t)xpage;   /* supervisor code: fault */
    ublk.va[3] = VA_UX;             /* user code: fine */
    ublk.va[4] = VA_U + 8;          /* user store: fine */
    run_in_mode(MODE_U, (long (*)(long))((uint64_t)u_code - RAM + ALIAS),
                (long)((uint64_t)&ublk - RAM + ALIAS));
    CHECK(40, ublk.cause[0] == -1 && ublk.val[0] == 0x3333);
    CHECK(41, ublk.cause[1] == CAUSE_LOAD_PAGE);
    CHECK(42, ublk.cause[2] == CAUSE_FETCH_PAGE);
    CHECK(43, ublk.cause[3] == -1);
    CHECK(44, ublk.cause[4] == -1 && buf[1][1] == 0x55);
    return 0;
}

int main(void)
{
    long r;

    setup();
    traps_ok = 1;
    csr_write(satp, ((uint64_t)SATP_MODE << SATP_MODE_SHIFT) | ((uint64_t)root >> 12));
    sfence_all();
    CHECK(50, csr_read(satp) >> SATP_MODE_SHIFT == SATP_MODE);

    r = run_in_mode(MODE_S, s_tests, 0);
    if (r)
        return r;

    r = u_tests();
    if (r)
        return r;

    /* page faults delegated to S-mode */
    clear_trap_records();
    csr_write(stvec, (uint64_t)strap_vector);
    csr_write(medeleg, BIT(CAUSE_FETCH_PAGE) | BIT(CAUSE_LOAD_PAGE) | BIT(CAUSE_STORE_PAGE));
    r = run_in_mode(MODE_S, s_delegated, 0);
    csr_write(medeleg, 0);
    CHECK(51, r == CAUSE_LOAD_PAGE);
    CHECK(52, s_trap_count == 1 && s_trap_cause == CAUSE_LOAD_PAGE && s_trap_tval == VA_INV);
    CHECK(53, trap_count == 0);

    /* MPRV: M-mode loads and stores translated as S-mode's */
    {
        uint64_t v;
        csr_clear(mstatus, MSTATUS_MPP);
        csr_set(mstatus, (uint64_t)MODE_S << MSTATUS_MPP_SHIFT);
        __asm__ volatile("csrs mstatus, %1\n"
                         "ld %0, 0(%2)\n"
                         "sd %3, 0(%4)\n"
                         "csrc mstatus, %1\n"
                         : "=&r"(v)
                         : "r"(MSTATUS_MPRV), "r"(VA_A), "r"(0x7777UL),
                           "r"(VA_NX + 16)
                         : "memory");
        CHECK(54, v == 0x1111 && buf[0][2] == 0x7777);
    }

    csr_write(satp, 0);
    sfence_all();
    return 0;
}
