//! The JIT against the interpreter: random instruction sequences give
//! identical architectural state; self-modifying code (with and without
//! `fence.i`, and written by a "device" into RAM) is seen by both.

use emu_core::csr::mstatus;
use emu_core::engine::Engine;
use emu_core::hart::Hart;
use emu_core::machine::{Clock, Machine, RAM_BASE};
use emu_jit::lockstep::compare;
use emu_jit::{JitConfig, JitEngine};
use proptest::prelude::*;

const BUF: u64 = RAM_BASE + 0x8000;
const TRAP_VEC: u64 = RAM_BASE + 0x4000;
/// `jal x0, 0`: spin.
const SPIN: u32 = 0x0000_006f;
const EBREAK: u32 = 0x0010_0073;

fn r_type(f7: u32, f3: u32, op: u32, rd: u32, rs1: u32, rs2: u32) -> u32 {
    (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
}

fn i_type(imm: i32, f3: u32, op: u32, rd: u32, rs1: u32) -> u32 {
    (((imm as u32) & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op
}

fn s_type(imm: i32, f3: u32, rs1: u32, rs2: u32) -> u32 {
    let imm = imm as u32 & 0xfff;
    ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | 0x23
}

fn b_type(imm: i32, f3: u32, rs1: u32, rs2: u32) -> u32 {
    let imm = imm as u32;
    (((imm >> 12) & 1) << 31)
        | (((imm >> 5) & 0x3f) << 25)
        | (rs2 << 20)
        | (rs1 << 15)
        | (f3 << 12)
        | (((imm >> 1) & 0xf) << 8)
        | (((imm >> 11) & 1) << 7)
        | 0x63
}

fn j_type(imm: i32, rd: u32) -> u32 {
    let imm = imm as u32;
    (((imm >> 20) & 1) << 31)
        | (((imm >> 1) & 0x3ff) << 21)
        | (((imm >> 11) & 1) << 20)
        | (((imm >> 12) & 0xff) << 12)
        | (rd << 7)
        | 0x6f
}

/// (funct7, funct3, opcode) of register-register ops: RV64I, M, Zba, Zbb,
/// Zbs, Zicond, and the W forms.
const RR: &[(u32, u32, u32)] = &[
    (0, 0, 0x33),
    (0x20, 0, 0x33),
    (0, 1, 0x33),
    (0, 2, 0x33),
    (0, 3, 0x33),
    (0, 4, 0x33),
    (0, 5, 0x33),
    (0x20, 5, 0x33),
    (0, 6, 0x33),
    (0, 7, 0x33),
    (1, 0, 0x33),
    (1, 1, 0x33),
    (1, 2, 0x33),
    (1, 3, 0x33),
    (1, 4, 0x33),
    (1, 5, 0x33),
    (1, 6, 0x33),
    (1, 7, 0x33),
    (0x10, 2, 0x33),
    (0x10, 4, 0x33),
    (0x10, 6, 0x33),
    (0x20, 7, 0x33),
    (0x20, 6, 0x33),
    (0x20, 4, 0x33),
    (0x05, 6, 0x33),
    (0x05, 7, 0x33),
    (0x05, 4, 0x33),
    (0x05, 5, 0x33),
    (0x30, 1, 0x33),
    (0x30, 5, 0x33),
    (0x24, 1, 0x33),
    (0x24, 5, 0x33),
    (0x34, 1, 0x33),
    (0x14, 1, 0x33),
    (0x07, 5, 0x33),
    (0x07, 7, 0x33),
    (0, 0, 0x3b),
    (0x20, 0, 0x3b),
    (0, 1, 0x3b),
    (0, 5, 0x3b),
    (0x20, 5, 0x3b),
    (1, 0, 0x3b),
    (1, 4, 0x3b),
    (1, 5, 0x3b),
    (1, 6, 0x3b),
    (1, 7, 0x3b),
    (0x04, 0, 0x3b),
    (0x10, 2, 0x3b),
    (0x10, 4, 0x3b),
    (0x10, 6, 0x3b),
    (0x30, 1, 0x3b),
    (0x30, 5, 0x3b),
];

/// Registers the generator may write (s0 = x8 stays the buffer pointer).
fn dst() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..8, 9u32..32]
}

fn src() -> impl Strategy<Value = u32> {
    0u32..32
}

/// One instruction (or a short forward branch skipping `skip` words).
fn insn() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => (0..RR.len(), dst(), src(), src()).prop_map(|(k, rd, a, b)| {
            let (f7, f3, op) = RR[k];
            r_type(f7, f3, op, rd, a, b)
        }),
        // addi slti sltiu xori ori andi, addiw
        4 => (prop::sample::select(vec![0u32, 2, 3, 4, 6, 7]), dst(), src(), -2048i32..2048)
            .prop_map(|(f3, rd, a, imm)| i_type(imm, f3, 0x13, rd, a)),
        1 => (dst(), src(), -2048i32..2048).prop_map(|(rd, a, imm)| i_type(imm, 0, 0x1b, rd, a)),
        // sext.w (addiw rd, rs, 0: a copy when rs is known sign-extended)
        2 => (dst(), src()).prop_map(|(rd, a)| i_type(0, 0, 0x1b, rd, a)),
        // slli srli srai rori bclri bseti binvi bexti slli.uw
        3 => (0u32..9, dst(), src(), 0u32..64).prop_map(|(k, rd, a, sh)| {
            let (f6, f3, op) = [
                (0u32, 1u32, 0x13u32),
                (0, 5, 0x13),
                (0x10, 5, 0x13),
                (0x18, 5, 0x13),
                (0x12, 1, 0x13),
                (0x0a, 1, 0x13),
                (0x1a, 1, 0x13),
                (0x12, 5, 0x13),
                (0x02, 1, 0x1b),
            ][k as usize];
            (f6 << 26) | (sh << 20) | (a << 15) | (f3 << 12) | (rd << 7) | op
        }),
        // slliw srliw sraiw roriw
        1 => (0u32..4, dst(), src(), 0u32..32).prop_map(|(k, rd, a, sh)| {
            let (f7, f3) = [(0u32, 1u32), (0, 5), (0x20, 5), (0x30, 5)][k as usize];
            r_type(f7, f3, 0x1b, rd, a, sh)
        }),
        // clz ctz cpop sext.b sext.h orc.b rev8, clzw ctzw cpopw, zext.h
        2 => (0u32..11, dst(), src()).prop_map(|(k, rd, a)| {
            let (f12, f3, op) = [
                (0x600u32, 1u32, 0x13u32),
                (0x601, 1, 0x13),
                (0x602, 1, 0x13),
                (0x604, 1, 0x13),
                (0x605, 1, 0x13),
                (0x287, 5, 0x13),
                (0x6b8, 5, 0x13),
                (0x600, 1, 0x1b),
                (0x601, 1, 0x1b),
                (0x602, 1, 0x1b),
                (0x080, 4, 0x3b),
            ][k as usize];
            (f12 << 20) | (a << 15) | (f3 << 12) | (rd << 7) | op
        }),
        // lui, auipc
        1 => (dst(), any::<u32>(), any::<bool>())
            .prop_map(|(rd, imm, auipc)| (imm & !0xfff) | (rd << 7) | if auipc { 0x17 } else { 0x37 }),
        // loads and stores around s0 (some misaligned)
        2 => (0u32..7, dst(), 0i32..64).prop_map(|(k, rd, off)| {
            let f3 = [0u32, 1, 2, 3, 4, 5, 6][k as usize];
            i_type(off, f3, 0x03, rd, 8)
        }),
        2 => (0u32..4, src(), 0i32..64).prop_map(|(f3, rs2, off)| s_type(off, f3, 8, rs2)),
        // helpers mid-block: fmv.d.x f1, rs; fmv.x.d rd, f1; an AMO
        // (amoswap, amoadd, ... amomaxu; .w or .d) rd, rs, (s0)
        1 => (dst(), src(), 0u32..3, 0usize..9, 2u32..4).prop_map(|(rd, a, k, amo, f3)| match k {
            0 => r_type(0x79, 0, 0x53, 1, a, 0),
            1 => r_type(0x71, 0, 0x53, rd, 1, 0),
            _ => {
                let f5 = [0x00, 0x01, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c][amo];
                r_type(f5 << 2, f3, 0x2f, rd, 8, a)
            }
        }),
        // csrrw rd, mscratch, rs (ends a block)
        1 => (dst(), src()).prop_map(|(rd, a)| i_type(0x340, 1, 0x73, rd, a)),
        // forward branches skipping 1..3 instructions
        2 => (prop::sample::select(vec![0u32, 1, 4, 5, 6, 7]), src(), src(), 1i32..4)
            .prop_map(|(f3, a, b, skip)| b_type(4 * (skip + 1), f3, a, b)),
    ]
}

fn machine(program: &[u32], regs: &[u64; 32]) -> Machine {
    let mut m = Machine::new(1, 1 << 20, Clock::Deterministic { insns_per_tick: 10 }).unwrap();
    let mut words = program.to_vec();
    // Trailing padding so forward branches land on the final ebreak.
    words.extend_from_slice(&[0x13, 0x13, 0x13, EBREAK]);
    for (i, w) in words.iter().enumerate() {
        m.bus.write(RAM_BASE + 4 * i as u64, 4, *w as u64);
    }
    m.bus.write(TRAP_VEC, 4, SPIN as u64);
    for i in 0..64 {
        m.bus.write(
            BUF + 8 * i,
            8,
            0x0123_4567_89ab_cdefu64.rotate_left(i as u32 * 7),
        );
    }
    let h = &mut m.harts[0];
    h.pc = RAM_BASE;
    h.x = *regs;
    h.x[0] = 0;
    h.x[8] = BUF;
    h.csr.mtvec = TRAP_VEC;
    h.csr.mstatus |= mstatus::FS;
    m
}

fn jit(threshold: u32) -> JitEngine {
    JitEngine::new(JitConfig {
        threshold,
        sync: true,
        ..JitConfig::default()
    })
    .unwrap()
}

fn run_interp(m: &mut Machine, budget: u64) -> u64 {
    let Machine { harts, bus, .. } = m;
    harts[0].run(bus, budget).1
}

fn run_engine(e: &mut JitEngine, m: &mut Machine, budget: u64) -> u64 {
    let Machine { harts, bus, .. } = m;
    e.run(&mut harts[0], bus, budget).1
}

/// The disassembly of `program`, one instruction a line (for failures).
fn listing(program: &[u32]) -> String {
    program
        .iter()
        .map(|w| emu_core::disasm::disasm(&emu_core::decode::decode(*w)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn same(a: &Hart, b: &Hart) -> Result<(), String> {
    let d = compare(a, b);
    if d.is_empty() {
        Ok(())
    } else {
        Err(d.join("\n"))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_match_the_interpreter(
        program in prop::collection::vec(insn(), 1..40),
        regs in prop::array::uniform32(prop_oneof![
            any::<u64>(),
            Just(0u64),
            Just(u64::MAX),
            Just(i64::MIN as u64),
            Just(0x8000_0000u64),
            (0u64..64),
        ]),
    ) {
        let mut a = machine(&program, &regs);
        let mut b = machine(&program, &regs);
        let na = run_interp(&mut a, 500);
        let mut e = jit(0);
        let nb = run_engine(&mut e, &mut b, 500);
        prop_assert_eq!(na, nb);
        prop_assert!(e.stats().jit_insns > 0);
        if let Err(d) = same(&b.harts[0], &a.harts[0]) {
            prop_assert!(false, "{}\nprogram:\n{}", d, listing(&program));
        }
        for i in 0..64 {
            prop_assert_eq!(a.bus.read(BUF + 8 * i, 8), b.bus.read(BUF + 8 * i, 8));
        }
    }
}

/// A loop whose first instruction is patched after 100 iterations.
///
/// ```text
///  0: addi t0, x0, 100
///  4: addi a0, x0, 1        <- patched to addi a0, x0, 2
///  8: add  a1, a1, a0
/// 12: addi t0, t0, -1
/// 16: bne  t0, x0, 4
/// 20: bne  t2, x0, done
/// 24: addi t2, x0, 1
/// 28: sw   t1, 4(s1)
/// 32: fence.i | nop
/// 36: jal  x0, 0
/// 40: ebreak
/// ```
fn smc_program(fence_i: bool) -> Vec<u32> {
    vec![
        i_type(100, 0, 0x13, 5, 0),
        i_type(1, 0, 0x13, 10, 0),
        r_type(0, 0, 0x33, 11, 11, 10),
        i_type(-1, 0, 0x13, 5, 5),
        b_type(-12, 1, 5, 0),
        b_type(20, 1, 7, 0),
        i_type(1, 0, 0x13, 7, 0),
        s_type(4, 2, 9, 6),
        if fence_i { 0x0000_100f } else { 0x13 },
        j_type(-36, 0),
        EBREAK,
    ]
}

fn smc_machine(fence_i: bool) -> Machine {
    let mut regs = [0u64; 32];
    regs[9] = RAM_BASE;
    regs[6] = i_type(2, 0, 0x13, 10, 0) as u64;
    machine(&smc_program(fence_i), &regs)
}

#[test]
fn self_modifying_code_with_fence_i() {
    let mut a = smc_machine(true);
    let mut b = smc_machine(true);
    run_interp(&mut a, 5000);
    let mut e = jit(2);
    run_engine(&mut e, &mut b, 5000);
    assert_eq!(a.harts[0].x[11], 300);
    same(&b.harts[0], &a.harts[0]).unwrap();
    assert_eq!(b.harts[0].pc, TRAP_VEC);
    assert!(e.stats().fence_i >= 1);
    assert!(e.stats().invalidations >= 1, "{}", e.stats());
    assert!(e.stats().jit_insns > 300, "{}", e.stats());
}

#[test]
fn self_modifying_code_without_fence_i_is_seen_through_page_tracking() {
    let mut a = smc_machine(false);
    let mut b = smc_machine(false);
    run_interp(&mut a, 5000);
    let mut e = jit(2);
    run_engine(&mut e, &mut b, 5000);
    assert_eq!(a.harts[0].x[11], 300);
    same(&b.harts[0], &a.harts[0]).unwrap();
    assert!(e.stats().invalidations >= 1, "{}", e.stats());
    assert!(e.stats().jit_insns > 300, "{}", e.stats());
}

/// A device (here: a direct RAM write, as virtio DMA does) overwrites code
/// that has been translated; the next run sees the new code.
#[test]
fn device_write_into_translated_code_invalidates_it() {
    // 0: addi a1, a1, 1; 4: jal x0, 0 (loop forever)
    let program = [i_type(1, 0, 0x13, 11, 11), j_type(-4, 0)];
    let mut m = machine(&program, &[0; 32]);
    let mut e = jit(2);
    run_engine(&mut e, &mut m, 1000);
    assert!(e.stats().translations >= 1);
    let before = m.harts[0].x[11];
    assert!(before >= 400, "{before}");
    // DMA: the increment becomes `addi a1, a1, 3`.
    let patched = i_type(3, 0, 0x13, 11, 11).to_le_bytes();
    assert!(m.bus.ram.write_bytes(0, &patched));
    let n = run_engine(&mut e, &mut m, 1000);
    let after = m.harts[0].x[11];
    // Every iteration from now on adds 3 (the pc may be anywhere in the
    // loop when the first run stopped).
    let iters = n / 2;
    assert!(
        after - before >= 3 * (iters - 1),
        "{before} -> {after} in {n}"
    );
    assert!(e.stats().invalidations >= 1, "{}", e.stats());
}

/// A trap inside a translation leaves the interpreter's state: a load
/// fault in the middle of a block.
#[test]
fn fault_in_the_middle_of_a_block() {
    // addi a0, a0, 5; ld a1, 0(a2) (a2 = unmapped); addi a0, a0, 7; ebreak
    let program = [
        i_type(5, 0, 0x13, 10, 10),
        i_type(0, 3, 0x03, 11, 12),
        i_type(7, 0, 0x13, 10, 10),
        EBREAK,
    ];
    let mut regs = [0u64; 32];
    regs[12] = 0x4000_0000;
    let mut a = machine(&program, &regs);
    let mut b = machine(&program, &regs);
    run_interp(&mut a, 100);
    let mut e = jit(0);
    run_engine(&mut e, &mut b, 100);
    assert_eq!(b.harts[0].csr.mepc, RAM_BASE + 4);
    assert_eq!(b.harts[0].csr.mcause, 5);
    assert_eq!(b.harts[0].x[10], 5);
    same(&b.harts[0], &a.harts[0]).unwrap();
    assert!(e.stats().jit_calls >= 1);
}

/// `sext.w` (`addiw rd, rs, 0`) is a copy only of values known to be
/// sign-extended from 32 bits: after `ld`, `lwu` and an `xor` with one
/// of them it must still extend; after `lw`, `lbu`, `srliw`, `lui` and
/// an `xor` of two such values it changes nothing.
#[test]
fn sext_w_of_known_and_unknown_values() {
    let sext_w = |rd, rs| i_type(0, 0, 0x1b, rd, rs);
    let program = [
        i_type(0, 3, 0x03, 10, 8),      // ld a0, 0(s0)
        sext_w(11, 10),                 // sext.w a1, a0
        i_type(8, 6, 0x03, 12, 8),      // lwu a2, 8(s0)
        sext_w(13, 12),                 // sext.w a3, a2
        i_type(16, 2, 0x03, 14, 8),     // lw a4, 16(s0)
        r_type(0, 4, 0x33, 15, 14, 12), // xor a5, a4, a2
        sext_w(15, 15),                 // sext.w a5, a5
        r_type(0, 5, 0x1b, 16, 14, 3),  // srliw a6, a4, 3
        r_type(0, 4, 0x33, 17, 14, 16), // xor a7, a4, a6
        sext_w(17, 17),                 // sext.w a7, a7
        i_type(8, 4, 0x03, 5, 8),       // lbu t0, 8(s0)
        sext_w(6, 5),                   // sext.w t1, t0
        0x8000_03b7,                    // lui t2, 0x80000
        sext_w(28, 7),                  // sext.w t3, t2
        EBREAK,
    ];
    let regs = [0u64; 32];
    let mut a = machine(&program, &regs);
    let mut b = machine(&program, &regs);
    for m in [&mut a, &mut b] {
        m.bus.write(BUF, 8, 0x1234_5678_9abc_def0);
        m.bus.write(BUF + 8, 8, 0x0000_0000_8765_4321);
        m.bus.write(BUF + 16, 8, 0x5555_5555_f000_000f);
    }
    run_interp(&mut a, 100);
    let mut e = jit(0);
    run_engine(&mut e, &mut b, 100);
    let x = &b.harts[0].x;
    assert_eq!(x[11], 0xffff_ffff_9abc_def0);
    assert_eq!(x[13], 0xffff_ffff_8765_4321);
    assert_eq!(x[15], 0x0000_0000_7765_432e);
    assert_eq!(x[17], 0xffff_ffff_ee00_000e);
    assert_eq!(x[6], 0x21);
    assert_eq!(x[28], 0xffff_ffff_8000_0000);
    same(&b.harts[0], &a.harts[0]).unwrap();
    assert!(e.stats().jit_insns > 0);
}

/// A tiny cache: every installed batch starts a new generation and the
/// previous one is dropped and freed; results stay exact.
#[test]
fn generations_are_dropped_and_freed() {
    let mut a = smc_machine(true);
    let mut b = smc_machine(true);
    run_interp(&mut a, 5000);
    let mut e = JitEngine::new(JitConfig {
        threshold: 1,
        sync: true,
        generation_size: 1,
        generations: 1,
        ..JitConfig::default()
    })
    .unwrap();
    run_engine(&mut e, &mut b, 5000);
    same(&b.harts[0], &a.harts[0]).unwrap();
    assert!(e.stats().generation_drops >= 2, "{}", e.stats());
    assert!(e.stats().jit_insns > 0, "{}", e.stats());
}

/// Registers a loop body may write (t0 = x5 counts the iterations, s0 =
/// x8 stays the buffer pointer).
fn loop_dst() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..5, 6u32..8, 9u32..32]
}

/// One instruction of a loop body: the random instructions with their
/// destination moved off the loop counter.
fn loop_insn() -> impl Strategy<Value = u32> {
    (insn(), loop_dst()).prop_map(|(w, rd)| {
        let op = w & 0x7f;
        // Stores and branches have no rd field.
        if op == 0x23 || op == 0x63 || (w >> 7) & 31 != 5 {
            w
        } else {
            (w & !(31 << 7)) | (rd << 7)
        }
    })
}

/// A counted loop around a random body (with forward branches inside it,
/// so the loop has several blocks): `t0 = count; loop: body; t0 -= 1;
/// bne t0, x0, loop; ebreak`.
fn loop_program(body: &[u32], count: i32) -> Vec<u32> {
    let mut p = vec![i_type(count, 0, 0x13, 5, 0)];
    p.extend_from_slice(body);
    p.push(i_type(-1, 0, 0x13, 5, 5));
    p.push(b_type(-4 * (body.len() as i32 + 1), 1, 5, 0));
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Loops become one translation with the back edge inside it (the
    /// blocks are compiled on their second run, when the whole body has
    /// been seen); the state after any budget, which may end inside the
    /// loop, equals the interpreter's.
    #[test]
    fn random_loops_match_the_interpreter(
        body in prop::collection::vec(loop_insn(), 1..24),
        count in 2i32..40,
        budget in 20u64..3000,
        regs in prop::array::uniform32(prop_oneof![any::<u64>(), Just(0u64), (0u64..64)]),
    ) {
        let program = loop_program(&body, count);
        loop_matches(&program, &regs, budget, |_| {}, BUF..BUF + 512)?;
    }
}

/// Run `program` from `regs` (with `setup` applied to both machines) for
/// `budget` instructions in the interpreter and under the JIT at
/// threshold 2: the same count, hart state and memory in `mem`.
fn loop_matches(
    program: &[u32],
    regs: &[u64; 32],
    budget: u64,
    setup: impl Fn(&mut Machine),
    mem: std::ops::Range<u64>,
) -> Result<(), TestCaseError> {
    let mut a = machine(program, regs);
    let mut b = machine(program, regs);
    setup(&mut a);
    setup(&mut b);
    let na = run_interp(&mut a, budget);
    let mut e = jit(2);
    let nb = run_engine(&mut e, &mut b, budget);
    prop_assert_eq!(na, nb);
    if let Err(d) = same(&b.harts[0], &a.harts[0]) {
        prop_assert!(
            false,
            "{}\n{}\nprogram:\n{}",
            d,
            e.stats(),
            listing(program)
        );
    }
    for at in mem.step_by(8) {
        prop_assert_eq!(a.bus.read(at, 8), b.bus.read(at, 8), "memory at {:#x}", at);
    }
    Ok(())
}

/// A loop translated as one unit: a load faults in a later iteration and
/// the trap leaves the interpreter's state (pc, registers, `instret`).
///
/// ```text
///  0: addi t0, x0, 50
///  4: ld   a1, 0(a2)        faults once a2 leaves RAM
///  8: add  a0, a0, a1
/// 12: add  a2, a2, a3       a3 = 64 KiB
/// 16: beq  a0, x0, 24       a branch inside the loop: two blocks
/// 20: addi a4, a4, 1
/// 24: addi t0, t0, -1
/// 28: bne  t0, x0, 4
/// 32: ebreak
/// ```
#[test]
fn fault_inside_a_translated_loop() {
    let program = [
        i_type(50, 0, 0x13, 5, 0),
        i_type(0, 3, 0x03, 11, 12),
        r_type(0, 0, 0x33, 10, 10, 11),
        r_type(0, 0, 0x33, 12, 12, 13),
        b_type(8, 0, 10, 0),
        i_type(1, 0, 0x13, 14, 14),
        i_type(-1, 0, 0x13, 5, 5),
        b_type(-24, 1, 5, 0),
    ];
    let mut regs = [0u64; 32];
    regs[12] = RAM_BASE + 0x8_0000;
    regs[13] = 0x1_0000;
    let e = faults_at_end_of_ram(&program, &regs, RAM_BASE + 4);
    assert!(e.stats().loops >= 1, "{}", e.stats());
    assert!(e.stats().jit_insns > 100, "{}", e.stats());
}

/// Run `program` from `regs` in the interpreter and in the JIT
/// (threshold 2): both must stop at the same load fault, at `mepc`, on the
/// first address past the machine's 1 MiB of RAM, with the same state.
/// Returns the JIT engine (for its statistics).
fn faults_at_end_of_ram(program: &[u32], regs: &[u64; 32], mepc: u64) -> JitEngine {
    let mut a = machine(program, regs);
    let mut b = machine(program, regs);
    let na = run_interp(&mut a, 5000);
    let mut e = jit(2);
    let nb = run_engine(&mut e, &mut b, 5000);
    assert_eq!(na, nb);
    assert_eq!(b.harts[0].csr.mcause, 5);
    assert_eq!(b.harts[0].csr.mepc, mepc);
    assert_eq!(b.harts[0].csr.mtval, RAM_BASE + 0x10_0000);
    same(&b.harts[0], &a.harts[0]).unwrap();
    e
}

/// Slices end only at slice points, in both engines: after a backward
/// or computed transfer (or a trap), not after a forward branch or `jal`.
///
/// ```text
///  0: addi t0, x0, 20
///  4: beq  x0, x0, 12       forward, taken
///  8: addi a0, a0, 100      (skipped)
/// 12: addi a1, a1, 1
/// 16: jal  x0, 24           forward
/// 20: addi a0, a0, 100      (skipped)
/// 24: addi t0, t0, -1
/// 28: bne  t0, x0, 4        backward: the slice point
/// 32: ebreak
/// ```
#[test]
fn slices_end_at_backward_transfers_only() {
    let program = [
        i_type(20, 0, 0x13, 5, 0),
        b_type(8, 0, 0, 0),
        i_type(100, 0, 0x13, 10, 10),
        i_type(1, 0, 0x13, 11, 11),
        j_type(8, 0),
        i_type(100, 0, 0x13, 10, 10),
        i_type(-1, 0, 0x13, 5, 5),
        b_type(-24, 1, 5, 0),
    ];
    // A budget of one instruction runs up to the first backward branch.
    let mut a = machine(&program, &[0; 32]);
    assert_eq!(run_interp(&mut a, 1), 6);
    assert_eq!(a.harts[0].pc, RAM_BASE + 4);
    // Then each slice is one iteration of the loop (5 instructions).
    assert_eq!(run_interp(&mut a, 1), 5);
    // The JIT ends its slices at the same places, compiled on first sight
    // (blocks alone) or once hot (one region with the loop inside).
    for threshold in [0, 2] {
        let mut a = machine(&program, &[0; 32]);
        let mut b = machine(&program, &[0; 32]);
        let mut e = jit(threshold);
        for budget in 1..40 {
            let na = run_interp(&mut a, budget);
            let nb = run_engine(&mut e, &mut b, budget);
            assert_eq!(na, nb, "threshold {threshold}, budget {budget}");
            same(&b.harts[0], &a.harts[0]).unwrap();
        }
        assert_eq!(b.harts[0].x[11], 20);
        assert_eq!(b.harts[0].x[10], 0);
        assert!(e.stats().jit_insns > 50, "{}", e.stats());
    }
}

/// A nested loop whose outer block, decoded from the outer loop's head,
/// holds the inner loop's body too: the region cuts it where the inner
/// head starts (`cut_at_heads`), and the result is the interpreter's.
///
/// ```text
///  0: addi t1, t1, 1        outer head: block 0..12 overlaps the inner one
///  4: addi a1, a1, 3        inner head: block 4..12
///  8: addi t0, t0, -1
/// 12: bne  t0, x0, 4
/// 16: addi t0, x0, 5
/// 20: bne  t1, t2, 0        outer back edge (t2 = 40)
/// 24: ebreak
/// ```
#[test]
fn overlapping_blocks_of_a_nested_loop() {
    let program = [
        i_type(1, 0, 0x13, 6, 6),
        i_type(3, 0, 0x13, 11, 11),
        i_type(-1, 0, 0x13, 5, 5),
        b_type(-8, 1, 5, 0),
        i_type(5, 0, 0x13, 5, 0),
        b_type(-20, 1, 6, 7),
    ];
    let mut regs = [0u64; 32];
    regs[5] = 5;
    regs[7] = 40;
    for budget in [7, 100, 1000, 5000] {
        let mut a = machine(&program, &regs);
        let mut b = machine(&program, &regs);
        let na = run_interp(&mut a, budget);
        let mut e = jit(2);
        let nb = run_engine(&mut e, &mut b, budget);
        assert_eq!(na, nb, "budget {budget}");
        same(&b.harts[0], &a.harts[0]).unwrap();
        if budget == 5000 {
            assert_eq!(b.harts[0].x[11], 3 * 5 * 40);
            assert_eq!(b.harts[0].pc, TRAP_VEC);
            assert!(e.stats().loops >= 1, "{}", e.stats());
            assert!(e.stats().jit_insns > 500, "{}", e.stats());
        }
    }
}

/// Run `program` from `regs`, after `setup` of the hart, on the
/// interpreter and on a JIT that compiles every block at once, for
/// `budget` instructions: the instructions each retired, and how the
/// JIT's hart differs from the interpreter's.
fn interp_and_jit0(
    program: &[u32],
    regs: &[u64; 32],
    budget: u64,
    setup: impl Fn(&mut Hart),
) -> ((u64, u64), Result<(), String>) {
    let mut a = machine(program, regs);
    let mut b = machine(program, regs);
    setup(&mut a.harts[0]);
    setup(&mut b.harts[0]);
    let na = run_interp(&mut a, budget);
    let mut e = jit(0);
    let nb = run_engine(&mut e, &mut b, budget);
    ((na, nb), same(&b.harts[0], &a.harts[0]))
}

/// Inline FP arithmetic checks only its result's range: operands that
/// are subnormal, infinite or NaN give the interpreter's results and
/// flags, whether the result is in range (x / inf, 0 * subnormal, a
/// subnormal plus a normal, the square root of a subnormal) or not.
#[test]
fn fp_operands_outside_the_normal_range() {
    let tiny = 5e-324f64;
    let values = [
        tiny,
        -tiny,
        f64::MIN_POSITIVE * 0.75,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0001),
        0.0,
        -0.0,
        1.5,
        -3.0e300,
        f64::MIN_POSITIVE,
    ];
    // fadd fsub fmul fdiv .d f2, f0, f1 (RNE); fsqrt.d f3, f0
    let program: Vec<u32> = (0..4)
        .map(|k| r_type((k << 2) | 1, 0, 0x53, 2, 0, 1))
        .chain([r_type(0x2d, 0, 0x53, 3, 0, 0)])
        .collect();
    for &x in &values {
        for &y in &values {
            for fflags in [0u64, 1] {
                let ((na, nb), diff) = interp_and_jit0(&program, &[0; 32], 100, |h| {
                    h.f[0] = x.to_bits();
                    h.f[1] = y.to_bits();
                    h.csr.mstatus |= mstatus::FS;
                    h.csr.fflags = fflags;
                });
                assert_eq!(na, nb);
                if let Err(d) = diff {
                    panic!("{x:e} and {y:e}, fflags {fflags}: {d}");
                }
            }
        }
    }
}

/// FP register values that exercise every exit of the inline FP paths:
/// zeros, normals, values near the ends of the normal range, subnormals,
/// infinities, quiet and signalling NaNs, NaN-boxed singles and
/// improperly boxed ones.
fn fp_value() -> impl Strategy<Value = u64> {
    let boxed = |x: f32| 0xffff_ffff_0000_0000 | x.to_bits() as u64;
    prop_oneof![
        4 => (-1e6f64..1e6).prop_map(f64::to_bits),
        4 => (-1e6f32..1e6).prop_map(boxed),
        1 => Just(0u64),
        1 => Just((-0.0f64).to_bits()),
        1 => Just(f64::MIN_POSITIVE.to_bits()),
        1 => Just((f64::MIN_POSITIVE * 1.5).to_bits()),
        1 => Just(1u64),
        1 => Just(f64::MAX.to_bits()),
        1 => Just(f64::INFINITY.to_bits()),
        1 => Just(0x7ff8_0000_0000_0000u64),
        1 => Just(0x7ff0_0000_0000_0001u64),
        1 => Just(boxed(f32::MIN_POSITIVE)),
        1 => Just(boxed(f32::MAX)),
        1 => Just(boxed(0.0)),
        1 => Just(0xffff_ffff_7f80_0001u64),
        1 => Just(0x0000_0000_3f80_0000u64),
        1 => any::<u64>(),
    ]
}

/// One F/D instruction of the kinds translated inline (with static,
/// dynamic and reserved rounding modes), or a write of `frm`/`fflags`.
fn fp_insn() -> impl Strategy<Value = u32> {
    let f = 0u32..8;
    prop_oneof![
        // fadd fsub fmul fdiv (.s/.d) with rm RNE, RTZ or dynamic
        6 => (0u32..4, any::<bool>(), prop::sample::select(vec![0u32, 1, 7]), f.clone(), f.clone(), f.clone())
            .prop_map(|(k, d, rm, rd, a, b)| r_type((k << 2) | d as u32, rm, 0x53, rd, a, b)),
        // fsqrt.s/.d
        1 => (any::<bool>(), prop::sample::select(vec![0u32, 7]), f.clone(), f.clone())
            .prop_map(|(d, rm, rd, a)| r_type(0x2c | d as u32, rm, 0x53, rd, a, 0)),
        // fsgnj fsgnjn fsgnjx .d
        2 => (0u32..3, f.clone(), f.clone(), f.clone()).prop_map(|(k, rd, a, b)| r_type(0x11, k, 0x53, rd, a, b)),
        // feq flt fle .d into x10..x17
        2 => (0u32..3, 10u32..18, f.clone(), f.clone()).prop_map(|(k, rd, a, b)| r_type(0x51, [2, 1, 0][k as usize], 0x53, rd, a, b)),
        // fmv.x.d x10..x17, fmv.d.x from x10..x17
        1 => (10u32..18, f.clone()).prop_map(|(rd, a)| r_type(0x71, 0, 0x53, rd, a, 0)),
        1 => (f.clone(), 10u32..18).prop_map(|(rd, a)| r_type(0x79, 0, 0x53, rd, a, 0)),
        // fcvt.d.{w,wu,l,lu} from x10..x17, rm RNE, RTZ, dynamic or reserved
        2 => (0u32..4, prop::sample::select(vec![0u32, 1, 5, 7]), f.clone(), 10u32..18)
            .prop_map(|(k, rm, rd, a)| r_type(0x69, rm, 0x53, rd, a, k)),
        // fcvt.{w,l}.d into x10..x17, rm RTZ or RNE
        2 => (prop::sample::select(vec![0u32, 2]), prop::sample::select(vec![1u32, 0]), 10u32..18, f.clone())
            .prop_map(|(k, rm, rd, a)| r_type(0x61, rm, 0x53, rd, a, k)),
        // csrwi frm, 0|1 ; csrwi fflags, 0|1 (NX)
        1 => (any::<bool>(), 0u32..2).prop_map(|(frm, v)| i_type(if frm { 2 } else { 1 }, 5, 0x73, 0, v)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// The inline FP paths and their fallbacks give the interpreter's
    /// registers, `fflags` and mstatus.FS, whatever the FP state (off,
    /// clean or dirty), rounding mode and accrued flags.
    #[test]
    fn fp_sequences_match_the_interpreter(
        program in prop::collection::vec(fp_insn(), 1..32),
        fregs in prop::array::uniform8(fp_value()),
        xregs in prop::array::uniform8(prop_oneof![
            any::<u64>(),
            (-100i64..100).prop_map(|v| v as u64),
            Just(1u64 << 53),
            Just((1u64 << 53) + 1),
            Just((-(1i64 << 53)) as u64),
            Just(u64::MAX),
        ]),
        fs in 0u64..4,
        fflags in prop_oneof![Just(0u64), Just(1u64), 0u64..32],
        frm in prop_oneof![3 => Just(0u64), 1 => 0u64..5],
    ) {
        let mut regs = [0u64; 32];
        regs[10..18].copy_from_slice(&xregs);
        let ((na, nb), diff) = interp_and_jit0(&program, &regs, 500, |h| {
            h.f[..8].copy_from_slice(&fregs);
            h.csr.mstatus = (h.csr.mstatus & !mstatus::FS) | (fs << 13);
            h.csr.fflags = fflags;
            h.csr.frm = frm;
        });
        prop_assert_eq!(na, nb);
        if let Err(d) = diff {
            prop_assert!(false, "{}\nprogram:\n{}", d, listing(&program));
        }
    }
}

/// Pointer registers of the pointer loops: a0..a3.
const PTRS: [u32; 4] = [10, 11, 12, 13];

/// One instruction of a pointer loop: loads and stores through a0..a3
/// (some misaligned, some past the ends of pages), pointer steps (small,
/// a page, half a page), the random instructions with their destination
/// kept off the loop counter, s0 and the pointers, and helpers that end
/// what translated code may assume about a page: `lr.d`/`sc.d` (the
/// reservation) and a CSR write.
fn ptr_insn() -> impl Strategy<Value = u32> {
    let ptr = || prop::sample::select(PTRS.to_vec());
    prop_oneof![
        4 => (0u32..7, loop_dst(), ptr(), -64i32..64).prop_map(|(f3, rd, p, off)| {
            let rd = if PTRS.contains(&rd) { 6 } else { rd };
            i_type(off, f3, 0x03, rd, p)
        }),
        4 => (0u32..4, ptr(), src(), -64i32..64).prop_map(|(f3, p, rs2, off)| s_type(off, f3, p, rs2)),
        // fld / fsd through a pointer
        1 => (ptr(), -64i32..64, any::<bool>()).prop_map(|(p, off, st)| if st {
            s_type(off, 3, p, 1) | 0x04
        } else {
            i_type(off, 3, 0x07, 1, p)
        }),
        3 => (ptr(), prop::sample::select(vec![1i32, 4, 8, -8, 24, -24, 2048, -2048, 2047]))
            .prop_map(|(p, step)| i_type(step, 0, 0x13, p, p)),
        3 => loop_insn().prop_map(|w| rd_off(w, &[PTRS[0], PTRS[1], PTRS[2], PTRS[3], 8])),
        // lr.d a5, (p); sc.d a6, a5, (p); csrrw x0, mscratch, a5;
        // csrrw x0, satp, x0 (paging off: the window is no longer mapped)
        2 => (0u32..7, ptr()).prop_map(|(k, p)| match k {
            0 | 1 => r_type(0x08, 3, 0x2f, 15, p, 0),
            2 | 3 => r_type(0x0c, 3, 0x2f, 16, p, 15),
            4 | 5 => i_type(0x340, 1, 0x73, 0, 15),
            _ => i_type(0x180, 1, 0x73, 0, 0),
        }),
    ]
}

/// Instruction `w` with a destination in `kept` moved to t2 (x7; stores
/// and branches have no destination).
fn rd_off(w: u32, kept: &[u32]) -> u32 {
    let op = w & 0x7f;
    let rd = (w >> 7) & 31;
    if op != 0x23 && op != 0x63 && kept.contains(&rd) {
        (w & !(31 << 7)) | (7 << 7)
    } else {
        w
    }
}

/// Pointer starts: around page boundaries, misaligned, at the end of RAM
/// (1 MiB; steps walk off it and fault), in the data buffer, in the
/// paged window (see `paged`).
fn ptr_start() -> impl Strategy<Value = u64> {
    prop_oneof![
        (1u64..200, -40i64..40)
            .prop_map(|(p, d)| (RAM_BASE + 0x1_0000 + p * 0x1000).wrapping_add_signed(d)),
        (-200i64..40).prop_map(|d| (RAM_BASE + 0x10_0000).wrapping_add_signed(d)),
        (0u64..64).prop_map(|d| BUF + d),
        (0u64..WINDOW_PAGES, -40i64..40)
            .prop_map(|(p, d)| (WINDOW + p * 0x1000).wrapping_add_signed(d)),
    ]
}

/// The paged window: virtual pages mapped to scattered RAM pages (some
/// read-only, some unmapped) under Sv39.
const WINDOW: u64 = 0x4000_0000;
const WINDOW_PAGES: u64 = 64;
/// Where the window's pages are in RAM.
const WINDOW_RAM: u64 = RAM_BASE + 0x4_0000;

/// Data accesses of `m` translated (mstatus.MPRV with MPP = S) through an
/// Sv39 table: the window at [`WINDOW`] maps page `i` to RAM page
/// `37 i mod 64` (every 7th read-only, every 11th unmapped), and the
/// gigapage of RAM is identity-mapped (the buffer at s0 stays where it
/// is). Fetches stay in M-mode, untranslated.
fn paged(m: &mut Machine) {
    const V: u64 = 1;
    const R: u64 = 2;
    const W: u64 = 4;
    const A: u64 = 0x40;
    const D: u64 = 0x80;
    let (root, l1, l0) = (
        RAM_BASE + 0x2_0000,
        RAM_BASE + 0x2_1000,
        RAM_BASE + 0x2_2000,
    );
    let pte = |pa: u64, bits: u64| (pa >> 12) << 10 | bits;
    m.bus.write(root + 8 * (WINDOW >> 30), 8, pte(l1, V));
    m.bus.write(
        root + 8 * (RAM_BASE >> 30),
        8,
        pte(RAM_BASE & !0x3fff_ffff, V | R | W | A | D),
    );
    m.bus.write(l1, 8, pte(l0, V));
    for i in 0..WINDOW_PAGES {
        let pa = WINDOW_RAM + (i * 37 % WINDOW_PAGES) * 0x1000;
        let bits = match i {
            _ if i % 11 == 5 => 0,
            _ if i % 7 == 3 => V | R | A,
            _ => V | R | W | A | D,
        };
        m.bus.write(l0 + 8 * i, 8, pte(pa, bits));
    }
    let h = &mut m.harts[0];
    h.csr.satp = 8 << 60 | root >> 12;
    h.csr.mstatus = (h.csr.mstatus & !mstatus::MPP) | 1 << mstatus::MPP_SHIFT | mstatus::MPRV;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Loops whose loads and stores walk pointers across pages (the page
    /// memos of translated loops), into faults, with reservations and
    /// CSR writes between them, leave the interpreter's state and memory.
    #[test]
    fn random_pointer_loops_match_the_interpreter(
        body in prop::collection::vec(ptr_insn(), 1..24),
        count in 2i32..60,
        budget in 50u64..4000,
        regs in prop::array::uniform32(prop_oneof![any::<u64>(), Just(0u64), (0u64..64)]),
        ptrs in prop::array::uniform4(ptr_start()),
        paging in any::<bool>(),
    ) {
        let program = loop_program(&body, count);
        let mut regs = regs;
        for (r, p) in PTRS.iter().zip(ptrs) {
            regs[*r as usize] = p;
        }
        let setup = |m: &mut Machine| if paging { paged(m) };
        loop_matches(&program, &regs, budget, setup, RAM_BASE + 0x8000..RAM_BASE + 0x10_0000)?;
    }
}

/// A store between `lr.d` and `sc.d` in a translated loop breaks the
/// reservation although an earlier store of the iteration left the page
/// in the loop's page memo: every `sc.d` fails, as in the interpreter.
///
/// ```text
///  0: addi t0, x0, 20
///  4: sd   a1, 0(a0)
///  8: lr.d a5, (a0)
/// 12: sd   a1, 0(a0)
/// 16: sc.d a6, a1, (a0)
/// 20: add  a7, a7, a6
/// 24: addi t0, t0, -1
/// 28: bne  t0, x0, 4
/// 32: ebreak
/// ```
#[test]
fn store_after_lr_breaks_the_reservation_in_a_translated_loop() {
    let program = [
        i_type(20, 0, 0x13, 5, 0),
        s_type(0, 3, 10, 11),
        r_type(0x08, 3, 0x2f, 15, 10, 0),
        s_type(0, 3, 10, 11),
        r_type(0x0c, 3, 0x2f, 16, 10, 11),
        r_type(0, 0, 0x33, 17, 17, 16),
        i_type(-1, 0, 0x13, 5, 5),
        b_type(-24, 1, 5, 0),
    ];
    let mut regs = [0u64; 32];
    regs[10] = BUF + 64;
    regs[11] = 7;
    let mut a = machine(&program, &regs);
    let mut b = machine(&program, &regs);
    let na = run_interp(&mut a, 1000);
    let mut e = jit(2);
    let nb = run_engine(&mut e, &mut b, 1000);
    assert_eq!(na, nb);
    assert_eq!(a.harts[0].x[17], 20, "every sc.d fails in the interpreter");
    same(&b.harts[0], &a.harts[0]).unwrap();
    assert!(e.stats().loops >= 1, "{}", e.stats());
    assert!(e.stats().jit_insns > 100, "{}", e.stats());
}

/// Registers the bytecode loop of [`switch_program`] keeps: the counter
/// t0, s0 (the buffer), s1 (the bytecode pointer), s2 (the jump table)
/// and s3 (the code base).
const SWITCH_KEPT: [u32; 5] = [5, 8, 9, 18, 19];
/// Bytecode and jump table of [`switch_program`].
const BYTECODE: u64 = RAM_BASE + 0x1_0000;
const JUMP_TABLE: u64 = RAM_BASE + 0x1_1000;

/// A loop body instruction of a switch case: the random instructions with
/// their destination kept off the registers the dispatch uses.
fn case_insn() -> impl Strategy<Value = u32> {
    loop_insn().prop_map(|w| rd_off(w, &SWITCH_KEPT))
}

/// A bytecode interpreter: each iteration reads a byte, jumps through a
/// table of code offsets (`jr`: a computed jump) to a case, which ends
/// with `j tail`; `tail` counts t0 down. Returns the program and the
/// table's entries (byte offsets into the program): one per case, then
/// one into the middle of case 0 (not a block head), one to the loop
/// head and one to the final `ebreak` padding (see `machine`).
///
/// ```text
///  0: addi t0, x0, count
///  4: lbu  t1, 0(s1)          head
///  8: addi s1, s1, 1
/// 12: slli t1, t1, 2
/// 16: add  t1, t1, s2
/// 20: lwu  t1, 0(t1)
/// 24: add  t1, t1, s3
/// 28: jr   t1
/// 32: case 0 ... j tail, case 1 ... j tail, ...
/// tail: addi t0, t0, -1; bne t0, x0, head
/// ```
fn switch_program(cases: &[Vec<u32>], count: i32) -> (Vec<u32>, Vec<u32>) {
    let mut p = vec![
        i_type(count, 0, 0x13, 5, 0),
        i_type(0, 4, 0x03, 6, 9),
        i_type(1, 0, 0x13, 9, 9),
        i_type(2, 1, 0x13, 6, 6),
        r_type(0, 0, 0x33, 6, 6, 18),
        i_type(0, 6, 0x03, 6, 6),
        r_type(0, 0, 0x33, 6, 6, 19),
        i_type(0, 0, 0x67, 0, 6),
    ];
    let mut table = Vec::new();
    let mut jumps = Vec::new();
    for body in cases {
        table.push(4 * p.len() as u32);
        p.extend_from_slice(body);
        jumps.push(p.len());
        p.push(0);
    }
    let tail = p.len();
    for &j in &jumps {
        p[j] = j_type(4 * (tail as i32 - j as i32), 0);
    }
    p.push(i_type(-1, 0, 0x13, 5, 5));
    p.push(b_type(4 * (1 - p.len() as i32), 1, 5, 0));
    table.push(table[0] + 4 * (cases[0].len() as u32 / 2));
    table.push(4);
    table.push(4 * p.len() as u32 + 12);
    (p, table)
}

/// Write the bytecode and jump table of a [`switch_program`].
fn switch_setup(m: &mut Machine, bytecode: &[u8], table: &[u32]) {
    for (i, b) in bytecode.iter().enumerate() {
        m.bus.write(BYTECODE + i as u64, 1, *b as u64);
    }
    for (i, t) in table.iter().enumerate() {
        m.bus.write(JUMP_TABLE + 4 * i as u64, 4, *t as u64);
    }
}

fn switch_regs(regs: [u64; 32]) -> [u64; 32] {
    let mut regs = regs;
    regs[9] = BYTECODE;
    regs[18] = JUMP_TABLE;
    regs[19] = RAM_BASE;
    regs
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Switch loops (a region whose blocks a computed jump enters through
    /// a jump table) with random case bodies and random bytecode, some of
    /// it leading to targets that are not block heads, leave the
    /// interpreter's state and memory after any budget.
    #[test]
    fn random_switch_loops_match_the_interpreter(
        cases in prop::collection::vec(prop::collection::vec(case_insn(), 1..8), 1..10),
        bytecode in prop::collection::vec(prop_oneof![8 => 0u8..10, 1 => 10u8..13], 1..300),
        budget in 20u64..4000,
        regs in prop::array::uniform32(prop_oneof![any::<u64>(), Just(0u64), (0u64..64)]),
    ) {
        let n = cases.len() as u8;
        // Case numbers beyond the cases are the table's extra entries.
        let bytecode: Vec<u8> = bytecode
            .iter()
            .map(|&b| if b < 10 { b % n } else { n + b - 10 })
            .collect();
        let (program, table) = switch_program(&cases, bytecode.len() as i32);
        let setup = |m: &mut Machine| switch_setup(m, &bytecode, &table);
        loop_matches(&program, &switch_regs(regs), budget, setup, BUF..BUF + 512)?;
    }
}

/// The cases of a hot switch loop become blocks of the loop's region, and
/// the run matches the interpreter's.
#[test]
fn switch_cases_join_the_loop_region() {
    let cases: Vec<Vec<u32>> = (0..6)
        .map(|k| vec![i_type(k + 1, 0, 0x13, 10 + k as u32, 10 + k as u32); 2])
        .collect();
    let bytecode: Vec<u8> = (0..240).map(|i| (i * 7 % 6) as u8).collect();
    let (program, table) = switch_program(&cases, bytecode.len() as i32);
    let regs = switch_regs([0; 32]);
    let mut a = machine(&program, &regs);
    let mut b = machine(&program, &regs);
    switch_setup(&mut a, &bytecode, &table);
    switch_setup(&mut b, &bytecode, &table);
    let na = run_interp(&mut a, 100_000);
    let mut e = jit(20);
    let nb = run_engine(&mut e, &mut b, 100_000);
    assert_eq!(na, nb);
    same(&b.harts[0], &a.harts[0]).unwrap();
    // Head, dispatch, six cases and the tail in one translation, whose
    // computed jumps stay inside it (a few leave when the chain budget
    // runs out, and before the cases were all translated).
    assert!(e.stats().loop_blocks >= 9, "{}", e.stats());
    assert!(e.stats().jit_insns > 2000, "{}", e.stats());
    assert!(e.stats().lookups < 20, "{}", e.stats());
    assert_eq!(b.harts[0].x[10], 2 * 40);
}

/// A block that turns hot inside a loop translation already queued gets
/// no translation of its own while nothing enters it from outside the
/// loop; one that is entered from outside that often does.
#[test]
fn loop_members_are_translated_alone_only_when_entered_from_outside() {
    // 0: addi a0, a0, 1; 4: blt a0, a1, +8 (to 12); 8: ebreak
    // 12: addi a3, a3, 2; 16: jal x0, -16 (to 0)
    let program = [
        i_type(1, 0, 0x13, 10, 10),
        b_type(8, 4, 10, 11),
        EBREAK,
        i_type(2, 0, 0x13, 13, 13),
        j_type(-16, 0),
    ];
    // The loop does not end within the budget.
    let mut regs = [0u64; 32];
    regs[11] = 1 << 40;
    let mut a = machine(&program, &regs);
    let mut b = machine(&program, &regs);
    let na = run_interp(&mut a, 10_000);
    let mut e = jit(20);
    let nb = run_engine(&mut e, &mut b, 10_000);
    assert_eq!(na, nb);
    same(&b.harts[0], &a.harts[0]).unwrap();
    assert!(b.harts[0].x[13] > 4000);
    // The loop (both blocks) is the only translation.
    assert_eq!(e.stats().translations, 1, "{}", e.stats());
    assert_eq!(e.stats().loop_blocks, 2, "{}", e.stats());

    // Now the second block is entered from outside the loop over and over
    // (each run starts at it): it is translated alone after all.
    for _ in 0..400 {
        b.harts[0].pc = RAM_BASE + 12;
        run_engine(&mut e, &mut b, 3);
    }
    assert_eq!(e.stats().translations, 2, "{}", e.stats());
}

/// A loop that calls a function in the next page: the loop's translation
/// follows the call (a trace), and a load fault inside the callee leaves
/// the interpreter's state.
///
/// ```text
///      0: addi t0, x0, 200
///      4: jal  ra, 0x1000        the call, into the next page
///      8: add  a0, a0, a1
///     12: addi t0, t0, -1
///     16: bne  t0, x0, 4
///     20: ebreak
/// 0x1000: ld   a1, 0(a2)          faults once a2 passes the end of RAM
/// 0x1004: addi a2, a2, 8
/// 0x1008: jalr x0, 0(ra)
/// ```
#[test]
fn loop_calling_into_the_next_page() {
    let mut program = vec![
        i_type(200, 0, 0x13, 5, 0),
        j_type(0x1000 - 4, 1),
        r_type(0, 0, 0x33, 10, 10, 11),
        i_type(-1, 0, 0x13, 5, 5),
        b_type(-12, 1, 5, 0),
        EBREAK,
    ];
    program.resize(0x1000 / 4, 0x13);
    program.extend_from_slice(&[
        i_type(0, 3, 0x03, 11, 12),
        i_type(8, 0, 0x13, 12, 12),
        i_type(0, 0, 0x67, 0, 1),
    ]);
    let mut regs = [0u64; 32];
    // 150 loads fit before the end of the 1 MiB of RAM.
    regs[12] = RAM_BASE + 0x10_0000 - 150 * 8;
    let e = faults_at_end_of_ram(&program, &regs, RAM_BASE + 0x1000);
    assert!(e.stats().traces >= 1, "{}", e.stats());
    assert!(e.stats().jit_insns > 500, "{}", e.stats());
}
