//! Property tests: integer instructions, encoded, decoded and executed by
//! the interpreter, against results derived independently here (wide
//! integer arithmetic).

use emu_core::machine::{Clock, Machine, RAM_BASE};
use proptest::prelude::*;

fn r_type(funct7: u32, funct3: u32, opcode: u32) -> u32 {
    // rd = a0 (10), rs1 = a1 (11), rs2 = a2 (12)
    (funct7 << 25) | (12 << 20) | (11 << 15) | (funct3 << 12) | (10 << 7) | opcode
}

fn i_type(imm: i32, funct3: u32, opcode: u32) -> u32 {
    (((imm as u32) & 0xfff) << 20) | (11 << 15) | (funct3 << 12) | (10 << 7) | opcode
}

/// Execute one instruction with a1 = `a`, a2 = `b`; return a0.
fn run1(insn: u32, a: u64, b: u64) -> u64 {
    let mut m = Machine::new(1, 1 << 16, Clock::Deterministic { insns_per_tick: 10 }).unwrap();
    m.bus.write(RAM_BASE, 4, insn as u64);
    let Machine { harts, bus, .. } = &mut m;
    let h = &mut harts[0];
    h.x[11] = a;
    h.x[12] = b;
    assert_eq!(h.step(bus), None, "instruction {insn:#010x} trapped");
    assert_eq!(h.pc, RAM_BASE + 4);
    assert_eq!(h.instret, 1);
    h.x[10]
}

fn sext32(v: u64) -> u64 {
    v as i32 as i64 as u64
}

const OP: u32 = 0x33;
const OP32: u32 = 0x3b;
const OPIMM: u32 = 0x13;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn rv64i_register_ops(a: u64, b: u64) {
        let sh = (b & 63) as u32;
        prop_assert_eq!(run1(r_type(0, 0, OP), a, b), a.wrapping_add(b));
        prop_assert_eq!(run1(r_type(0x20, 0, OP), a, b), a.wrapping_sub(b));
        prop_assert_eq!(run1(r_type(0, 1, OP), a, b), a << sh);
        prop_assert_eq!(run1(r_type(0, 2, OP), a, b), ((a as i64) < (b as i64)) as u64);
        prop_assert_eq!(run1(r_type(0, 3, OP), a, b), (a < b) as u64);
        prop_assert_eq!(run1(r_type(0, 4, OP), a, b), a ^ b);
        prop_assert_eq!(run1(r_type(0, 5, OP), a, b), a >> sh);
        prop_assert_eq!(run1(r_type(0x20, 5, OP), a, b), ((a as i64) >> sh) as u64);
        prop_assert_eq!(run1(r_type(0, 6, OP), a, b), a | b);
        prop_assert_eq!(run1(r_type(0, 7, OP), a, b), a & b);
        let sh5 = (b & 31) as u32;
        prop_assert_eq!(run1(r_type(0, 0, OP32), a, b), sext32(a.wrapping_add(b)));
        prop_assert_eq!(run1(r_type(0x20, 0, OP32), a, b), sext32(a.wrapping_sub(b)));
        prop_assert_eq!(run1(r_type(0, 1, OP32), a, b), sext32(((a as u32) << sh5) as u64));
        prop_assert_eq!(run1(r_type(0, 5, OP32), a, b), sext32(((a as u32) >> sh5) as u64));
        prop_assert_eq!(run1(r_type(0x20, 5, OP32), a, b), ((a as i32) >> sh5) as i64 as u64);
    }

    #[test]
    fn rv64i_immediate_ops(a: u64, imm in -2048i32..2048) {
        let i = imm as i64 as u64;
        prop_assert_eq!(run1(i_type(imm, 0, OPIMM), a, 0), a.wrapping_add(i));
        prop_assert_eq!(run1(i_type(imm, 2, OPIMM), a, 0), ((a as i64) < imm as i64) as u64);
        prop_assert_eq!(run1(i_type(imm, 3, OPIMM), a, 0), (a < i) as u64);
        prop_assert_eq!(run1(i_type(imm, 4, OPIMM), a, 0), a ^ i);
        prop_assert_eq!(run1(i_type(imm, 6, OPIMM), a, 0), a | i);
        prop_assert_eq!(run1(i_type(imm, 7, OPIMM), a, 0), a & i);
        prop_assert_eq!(run1(i_type(imm, 0, 0x1b), a, 0), sext32(a.wrapping_add(i)));
        let sh = (imm & 63) as u32;
        prop_assert_eq!(run1(i_type(sh as i32, 1, OPIMM), a, 0), a << sh);
        prop_assert_eq!(run1(i_type(sh as i32, 5, OPIMM), a, 0), a >> sh);
        prop_assert_eq!(run1(i_type(sh as i32 | 0x400, 5, OPIMM), a, 0), ((a as i64) >> sh) as u64);
    }

    #[test]
    fn m_extension(a: u64, b: u64) {
        let (sa, sb) = (a as i64 as i128, b as i64 as i128);
        let (ua, ub) = (a as u128, b as u128);
        prop_assert_eq!(run1(r_type(1, 0, OP), a, b), a.wrapping_mul(b));
        prop_assert_eq!(run1(r_type(1, 1, OP), a, b), ((sa * sb) >> 64) as u64);
        prop_assert_eq!(run1(r_type(1, 2, OP), a, b), ((sa * ub as i128) >> 64) as u64);
        prop_assert_eq!(run1(r_type(1, 3, OP), a, b), ((ua * ub) >> 64) as u64);
        let div = if b == 0 { u64::MAX } else if sa == i64::MIN as i128 && sb == -1 { a } else { (sa / sb) as u64 };
        let rem = if b == 0 { a } else if sa == i64::MIN as i128 && sb == -1 { 0 } else { (sa % sb) as u64 };
        prop_assert_eq!(run1(r_type(1, 4, OP), a, b), div);
        prop_assert_eq!(run1(r_type(1, 5, OP), a, b), a.checked_div(b).unwrap_or(u64::MAX));
        prop_assert_eq!(run1(r_type(1, 6, OP), a, b), rem);
        prop_assert_eq!(run1(r_type(1, 7, OP), a, b), if b == 0 { a } else { a % b });
        let (wa, wb) = (a as i32 as i64, b as i32 as i64);
        prop_assert_eq!(run1(r_type(1, 0, OP32), a, b), sext32((wa * wb) as u64));
        let divw = if wb == 0 { -1 } else if wa == i32::MIN as i64 && wb == -1 { wa } else { wa / wb };
        prop_assert_eq!(run1(r_type(1, 4, OP32), a, b), sext32(divw as u64));
        let remw = if wb == 0 { wa } else if wa == i32::MIN as i64 && wb == -1 { 0 } else { wa % wb };
        prop_assert_eq!(run1(r_type(1, 6, OP32), a, b), sext32(remw as u64));
    }

    #[test]
    fn bitmanip(a: u64, b: u64) {
        let sh = (b & 63) as u32;
        // Zba
        prop_assert_eq!(run1(r_type(0x10, 2, OP), a, b), b.wrapping_add(a << 1));
        prop_assert_eq!(run1(r_type(0x10, 4, OP), a, b), b.wrapping_add(a << 2));
        prop_assert_eq!(run1(r_type(0x10, 6, OP), a, b), b.wrapping_add(a << 3));
        prop_assert_eq!(run1(r_type(0x04, 0, OP32), a, b), b.wrapping_add(a & 0xffff_ffff));
        // Zbb
        prop_assert_eq!(run1(r_type(0x20, 7, OP), a, b), a & !b);
        prop_assert_eq!(run1(r_type(0x20, 6, OP), a, b), a | !b);
        prop_assert_eq!(run1(r_type(0x20, 4, OP), a, b), !(a ^ b));
        prop_assert_eq!(run1(r_type(0x05, 6, OP), a, b), (a as i64).max(b as i64) as u64);
        prop_assert_eq!(run1(r_type(0x05, 7, OP), a, b), a.max(b));
        prop_assert_eq!(run1(r_type(0x05, 4, OP), a, b), (a as i64).min(b as i64) as u64);
        prop_assert_eq!(run1(r_type(0x05, 5, OP), a, b), a.min(b));
        prop_assert_eq!(run1(r_type(0x30, 1, OP), a, b), a.rotate_left(sh));
        prop_assert_eq!(run1(r_type(0x30, 5, OP), a, b), a.rotate_right(sh));
        // clz / ctz / cpop (rs2 field selects the op)
        let unary = |sel: u32| (0x30 << 25) | (sel << 20) | (11 << 15) | (1 << 12) | (10 << 7) | OPIMM;
        prop_assert_eq!(run1(unary(0), a, 0), a.leading_zeros() as u64);
        prop_assert_eq!(run1(unary(1), a, 0), a.trailing_zeros() as u64);
        prop_assert_eq!(run1(unary(2), a, 0), a.count_ones() as u64);
        prop_assert_eq!(run1(unary(4), a, 0), a as i8 as i64 as u64);
        prop_assert_eq!(run1(unary(5), a, 0), a as i16 as i64 as u64);
        // Zbs
        prop_assert_eq!(run1(r_type(0x24, 1, OP), a, b), a & !(1u64 << sh));
        prop_assert_eq!(run1(r_type(0x24, 5, OP), a, b), (a >> sh) & 1);
        prop_assert_eq!(run1(r_type(0x34, 1, OP), a, b), a ^ (1u64 << sh));
        prop_assert_eq!(run1(r_type(0x14, 1, OP), a, b), a | (1u64 << sh));
        // Zicond
        prop_assert_eq!(run1(r_type(0x07, 5, OP), a, b), if b == 0 { 0 } else { a });
        prop_assert_eq!(run1(r_type(0x07, 7, OP), a, b), if b != 0 { 0 } else { a });
    }
}
