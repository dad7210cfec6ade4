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

/// A mix of RV64GC (+ Zba/Zbb/Zbs) encodings as a compiler emits them:
/// integer ALU, multiply/divide, loads and stores, branches and jumps, FP
/// arithmetic and conversions, AMOs and LR/SC, CSR and system
/// instructions, and 16-bit compressed forms (in the low half-word). For
/// the decoder benchmark; assembled with binutils (`objdump -M no-aliases`
/// is in the comments).
pub const MIXED_ENCODINGS: [u32; 62] = [
    0x00150513, // addi a0,a0,1
    0x00d605b3, // add a1,a2,a3
    0x407302b3, // sub t0,t1,t2
    0x123457b7, // lui a5,0x12345
    0x00010e17, // auipc t3,0x10
    0x00371713, // slli a4,a4,0x3
    0x40785813, // srai a6,a6,0x7
    0xffb5851b, // addiw a0,a1,-5
    0x02e6863b, // mulw a2,a3,a4
    0x033904b3, // mul s1,s2,s3
    0x036ada33, // divu s4,s5,s6
    0x03ff6ebb, // remw t4,t5,t6
    0x01013503, // ld a0,16(sp)
    0x00113423, // sd ra,8(sp)
    0x00052583, // lw a1,0(a0)
    0x00c52223, // sw a2,4(a0)
    0x0015c683, // lbu a3,1(a1)
    0x00e59123, // sh a4,2(a1)
    0x04b50063, // beq a0,a1,88
    0xfe0290e3, // bne t0,zero,2c
    0x00d66863, // bltu a2,a3,60
    0x001000ef, // jal ra,854
    0x00008067, // jalr zero,0(ra)
    0x00853507, // fld fa0,8(a0)
    0x00b53827, // fsd fa1,16(a0)
    0x02e6f653, // fadd.d fa2,fa3,fa4
    0x131877d3, // fmul.d fa5,fa6,fa7
    0x1820f053, // fdiv.s ft0,ft1,ft2
    0x6ac5f543, // fmadd.d fa0,fa1,fa2,fa3
    0xd2257553, // fcvt.d.l fa0,a0
    0xc2051553, // fcvt.w.d a0,fa0,rtz
    0xa2b525d3, // feq.d a1,fa0,fa1
    0x5a05f553, // fsqrt.d fa0,fa1
    0x00b6252f, // amoadd.w a0,a1,(a2)
    0x0cb6352f, // amoswap.d.aq a0,a1,(a2)
    0x1005b52f, // lr.d a0,(a1)
    0x18d5b62f, // sc.d a2,a3,(a1)
    0x10059573, // csrrw a0,sstatus,a1
    0x3042a073, // csrrs zero,mie,t0
    0x00000073, // ecall
    0x0ff0000f, // fence iorw,iorw
    0x0000100f, // fence.i
    0x20c5a533, // sh1add a0,a1,a2
    0x40c5f533, // andn a0,a1,a2
    0x60059513, // clz a0,a1
    0x6b85d513, // rev8 a0,a1
    0x28559513, // bseti a0,a1,0x5
    0x0505,     // c.addi a0,1
    0x4595,     // c.li a1,5
    0x8636,     // c.mv a2,a3
    0x973e,     // c.add a4,a5
    0x60a2,     // c.ldsp ra,8(sp)
    0xe406,     // c.sdsp ra,8(sp)
    0x41c8,     // c.lw a0,4(a1)
    0xe690,     // c.sd a2,8(a3)
    0xc901,     // c.beqz a0,dc
    0xb7c1,     // c.j 8e
    0x8082,     // c.jr ra
    0x7139,     // c.addi16sp sp,-64
    0x050e,     // c.slli a0,0x3
    0x899d,     // c.andi a1,7
    0x2588,     // c.fld fa0,8(a1)
];

/// [`MIXED_ENCODINGS`] as a slice.
pub fn mixed_encodings() -> &'static [u32] {
    &MIXED_ENCODINGS
}

/// Virtual address of the 16 pages [`sv39_machine`] maps.
pub const SV39_VA: u64 = 0x1000_0000;

/// A one-hart machine (4 MiB of RAM) whose hart is in S-mode with Sv39
/// paging on: a three-level page table maps 16 pages at [`SV39_VA`] (read,
/// write, A and D set) to RAM + 1 MiB, and PMP entry 0 grants all memory.
pub fn sv39_machine() -> Machine {
    use emu_core::hart::Priv;
    use emu_core::pmp;
    let mut m = Machine::new(1, 4 << 20, Clock::Deterministic { insns_per_tick: 10 })
        .expect("4 MiB of RAM");
    const V: u64 = 1;
    const LEAF: u64 = V | 2 | 4 | 64 | 128; // V R W A D
    let root = RAM_BASE + 0x1000;
    let l1 = RAM_BASE + 0x2000;
    let l0 = RAM_BASE + 0x3000;
    let pte = |pa: u64, flags: u64| ((pa >> 12) << 10) | flags;
    let vpn = |level: u32| (SV39_VA >> (12 + 9 * level)) & 0x1ff;
    m.bus.write(root + 8 * vpn(2), 8, pte(l1, V));
    m.bus.write(l1 + 8 * vpn(1), 8, pte(l0, V));
    for i in 0..16 {
        let pa = RAM_BASE + 0x10_0000 + i * 0x1000;
        m.bus.write(l0 + 8 * (vpn(0) + i), 8, pte(pa, LEAF));
    }
    let h = &mut m.harts[0];
    h.csr.pmpaddr[0] = (1 << 54) - 1;
    h.csr.pmpcfg[0] = pmp::R | pmp::W | pmp::X | pmp::A; // NAPOT, all memory
    h.csr.satp = (8 << 60) | (root >> 12);
    h.prv = Priv::S;
    h.flush_tlb();
    m
}
