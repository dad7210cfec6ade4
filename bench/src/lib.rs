//! Guest programs and helpers shared by the criterion benchmarks.
//!
//! The programs are tiny hand-assembled RV64 loops (their assembly is in
//! the comments), so the benchmarks need no cross compiler.

#![forbid(unsafe_code)]

use emu_core::machine::{Clock, Machine, RAM_BASE};

/// An integer ALU loop that never ends: 7 instructions per iteration,
/// 2 more every 1000 iterations.
pub const INT_LOOP: [u32; 9] = [
    0x0055_0533, // loop: add  a0, a0, t0
    0x00a5_c5b3, //       xor  a1, a1, a0
    0x0035_9613, //       slli a2, a1, 3
    0x40a6_06b3, //       sub  a3, a2, a0
    0x0ff6_f713, //       andi a4, a3, 255
    0xfff2_8293, //       addi t0, t0, -1
    0xfe02_94e3, //       bnez t0, loop
    0x3e80_0293, //       li   t0, 1000
    0xfe1f_f06f, //       j    loop
];

/// A load/store loop over a small buffer addressed by `s0`.
pub const MEM_LOOP: [u32; 8] = [
    0x0004_3583, // loop: ld   a1, 0(s0)
    0x0055_85b3, //       add  a1, a1, t0
    0x00b4_3423, //       sd   a1, 8(s0)
    0x00c4_2603, //       lw   a2, 12(s0)
    0xfff2_8293, //       addi t0, t0, -1
    0xfe02_96e3, //       bnez t0, loop
    0x3e80_0293, //       li   t0, 1000
    0xfe5f_f06f, //       j    loop
];

/// A one-hart machine with `program` at the start of RAM and `s0`
/// pointing at a scratch buffer 64 KiB in.
pub fn machine_with(program: &[u32]) -> Machine {
    let mut m = Machine::new(1, 1 << 20, Clock::Deterministic { insns_per_tick: 10 })
        .expect("1 MiB of RAM");
    for (i, w) in program.iter().enumerate() {
        m.bus.write(RAM_BASE + 4 * i as u64, 4, *w as u64);
    }
    let h = &mut m.harts[0];
    h.pc = RAM_BASE;
    h.x[5] = 1000;
    h.x[8] = RAM_BASE + 0x10000;
    m
}

/// Run `m`'s hart for at least `insns` instructions; returns how many ran.
pub fn run_for(m: &mut Machine, insns: u64) -> u64 {
    let Machine { harts, bus, .. } = m;
    let (_, n) = harts[0].run(bus, insns);
    n
}
