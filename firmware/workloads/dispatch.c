/* Integer: a bytecode interpreter with a switch dispatch loop (the shape of
 * most language VMs), running a program that mixes arithmetic, memory and
 * branches. */
#include "common.h"

enum op {
    OP_PUSH,  /* push imm */
    OP_LOAD,  /* push reg[imm] */
    OP_STORE, /* reg[imm] = pop */
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_XOR,
    OP_SHR,   /* a >> (b & 63) */
    OP_AND,
    OP_DUP,
    OP_SWAP,
    OP_MLOAD,  /* push mem[pop & 1023] */
    OP_MSTORE, /* mem[pop & 1023] = pop (address on top) */
    OP_JNZ,    /* if pop != 0 goto imm */
    OP_DEC,    /* top -= 1 */
    OP_HALT,
};

struct insn {
    uint8_t op;
    int32_t imm;
};

static uint64_t run(const struct insn *code, uint64_t *reg, uint64_t *mem)
{
    uint64_t stack[64];
    int sp = 0;
    const struct insn *pc = code;
    for (;;) {
        const struct insn *i = pc++;
        switch (i->op) {
        case OP_PUSH: stack[sp++] = (uint64_t)(int64_t)i->imm; break;
        case OP_LOAD: stack[sp++] = reg[i->imm]; break;
        case OP_STORE: reg[i->imm] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] >>= (stack[sp] & 63); break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_SWAP: {
            uint64_t t = stack[sp - 1];
            stack[sp - 1] = stack[sp - 2];
            stack[sp - 2] = t;
            break;
        }
        case OP_MLOAD: stack[sp - 1] = mem[stack[sp - 1] & 1023]; break;
        case OP_MSTORE: sp -= 2; mem[stack[sp + 1] & 1023] = stack[sp]; break;
        case OP_JNZ:
            if (stack[--sp] != 0)
                pc = code + i->imm;
            break;
        case OP_DEC: stack[sp - 1] -= 1; break;
        case OP_HALT: return sp > 0 ? stack[sp - 1] : 0;
        default: fprintf(stderr, "dispatch: bad op %d\n", i->op); exit(1);
        }
    }
}

int main(int argc, char **argv)
{
    long scale = wl_scale(argc, argv);
    int64_t iters = (int64_t)wl_scaled(600000, scale, 10);
    /* r0 = counter, r1 = x, r2 = y, r3 = acc
     * loop: x = x * 6364136223846793005 + 1442695040888963407 (truncated imm)
     *       y ^= x >> 17; mem[x] += y; acc += mem[y] & 0xffff; counter-- */
    const struct insn code[] = {
        /* 0 */ {OP_LOAD, 1}, {OP_PUSH, 0x5851f42d}, {OP_MUL, 0}, {OP_PUSH, 0x14057b7e},
        /* 4 */ {OP_ADD, 0}, {OP_DUP, 0}, {OP_STORE, 1},
        /* 7 */ {OP_PUSH, 17}, {OP_SHR, 0}, {OP_LOAD, 2}, {OP_XOR, 0}, {OP_DUP, 0},
        /* 12 */ {OP_STORE, 2},
        /* 13: mem[x] += y */ {OP_LOAD, 1}, {OP_MLOAD, 0}, {OP_ADD, 0}, {OP_LOAD, 1},
        /* 17 */ {OP_MSTORE, 0},
        /* 18: acc += mem[y] & 0xffff */ {OP_LOAD, 2}, {OP_MLOAD, 0}, {OP_PUSH, 0xffff},
        /* 21 */ {OP_AND, 0}, {OP_LOAD, 3}, {OP_ADD, 0}, {OP_STORE, 3},
        /* 25: counter-- ; loop */ {OP_LOAD, 0}, {OP_DEC, 0}, {OP_DUP, 0}, {OP_STORE, 0},
        /* 29 */ {OP_JNZ, 0},
        /* 30 */ {OP_LOAD, 3}, {OP_LOAD, 2}, {OP_XOR, 0}, {OP_HALT, 0},
    };
    uint64_t reg[4] = {(uint64_t)iters, 12345, 678, 0};
    uint64_t *mem = wl_alloc(1024 * sizeof *mem);
    for (int i = 0; i < 1024; i++)
        mem[i] = (uint64_t)i * 2654435761u;

    uint64_t t0 = wl_now_ns();
    uint64_t r = run(code, reg, mem);
    uint64_t t1 = wl_now_ns();

    uint64_t h = wl_mix(0, r);
    for (int i = 0; i < 1024; i++)
        h = wl_mix(h, mem[i]);
    wl_report("dispatch", scale, h, t1 - t0);
    free(mem);
    return 0;
}
