/* C helpers shared by the bare-metal guest tests: HTIF console output and
 * trap-record reset. */
#include "test.h"

extern volatile uint64_t tohost, fromhost;

void putchar_htif(int c)
{
    tohost = (UL(1) << 56) | (UL(1) << 48) | (uint8_t)c;
    while (fromhost == 0)
        ;
    fromhost = 0;
}

void print(const char *s)
{
    while (*s)
        putchar_htif(*s++);
}

void print_hex(uint64_t v)
{
    print("0x");
    for (int i = 60; i >= 0; i -= 4)
        putchar_htif("0123456789abcdef"[(v >> i) & 15]);
}

void report_unexpected_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    print("unexpected trap: cause ");
    print_hex(cause);
    print(" epc ");
    print_hex(epc);
    print(" tval ");
    print_hex(tval);
    print("\n");
}

void clear_trap_records(void)
{
    trap_count = trap_cause = trap_epc = trap_tval = trap_status = 0;
    s_trap_count = s_trap_cause = s_trap_epc = s_trap_tval = s_trap_status = 0;
    for (int i = 0; i < TRAP_LOG_LEN; i++)
        trap_log[i] = trap_tval_log[i] = s_trap_log[i] = s_trap_tval_log[i] = 0;
}
