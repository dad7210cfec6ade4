//! Tests for the FP unit: hand-derived vectors (including the rv64uf/rv64ud
//! riscv-tests cases), and property tests against the host FPU and against
//! SoftFloat's own comparison routines.

// Several vectors are transcribed verbatim from riscv-tests (e.g. 3.14159265
// as a single), so keep their spelling.
#![allow(clippy::approx_constant, clippy::excessive_precision)]

use super::*;
use proptest::prelude::*;

const RNE: u8 = 0;
const RTZ: u8 = 1;
const RDN: u8 = 2;
const RUP: u8 = 3;
const RMM: u8 = 4;

const QNAN_F: u32 = 0x7fc0_0000;
const SNAN_F: u32 = 0x7f80_0001;
const QNAN_D: u64 = 0x7ff8_0000_0000_0000;
const SNAN_D: u64 = 0x7ff0_0000_0000_0001;

/// A NaN-boxed single.
fn fs(x: f32) -> u64 {
    nan_box(x.to_bits())
}

/// A double's bits.
fn fd(x: f64) -> u64 {
    x.to_bits()
}

fn ex(op: Op, a: u64, b: u64, c: u64, rm: u8) -> (u64, u8) {
    execute(op, a, b, c, rm)
}

fn ex1(op: Op, a: u64, rm: u8) -> (u64, u8) {
    execute(op, a, 0, 0, rm)
}

fn ex2(op: Op, a: u64, b: u64) -> (u64, u8) {
    execute(op, a, b, 0, RNE)
}

const S_OPS: &[Op] = &[
    Op::FmaddS,
    Op::FmsubS,
    Op::FnmsubS,
    Op::FnmaddS,
    Op::FaddS,
    Op::FsubS,
    Op::FmulS,
    Op::FdivS,
    Op::FsqrtS,
    Op::FsgnjS,
    Op::FsgnjnS,
    Op::FsgnjxS,
    Op::FminS,
    Op::FmaxS,
    Op::FcvtWS,
    Op::FcvtWuS,
    Op::FcvtLS,
    Op::FcvtLuS,
    Op::FmvXW,
    Op::FeqS,
    Op::FltS,
    Op::FleS,
    Op::FclassS,
    Op::FcvtSW,
    Op::FcvtSWu,
    Op::FcvtSL,
    Op::FcvtSLu,
    Op::FmvWX,
];

const D_OPS: &[Op] = &[
    Op::FmaddD,
    Op::FmsubD,
    Op::FnmsubD,
    Op::FnmaddD,
    Op::FaddD,
    Op::FsubD,
    Op::FmulD,
    Op::FdivD,
    Op::FsqrtD,
    Op::FsgnjD,
    Op::FsgnjnD,
    Op::FsgnjxD,
    Op::FminD,
    Op::FmaxD,
    Op::FcvtSD,
    Op::FcvtDS,
    Op::FeqD,
    Op::FltD,
    Op::FleD,
    Op::FclassD,
    Op::FcvtWD,
    Op::FcvtWuD,
    Op::FcvtLD,
    Op::FcvtLuD,
    Op::FmvXD,
    Op::FcvtDW,
    Op::FcvtDWu,
    Op::FcvtDL,
    Op::FcvtDLu,
    Op::FmvDX,
];

/// Single-precision ops whose destination is an FP register.
fn s_dest_is_fp(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        FmaddS
            | FmsubS
            | FnmsubS
            | FnmaddS
            | FaddS
            | FsubS
            | FmulS
            | FdivS
            | FsqrtS
            | FsgnjS
            | FsgnjnS
            | FsgnjxS
            | FminS
            | FmaxS
            | FcvtSW
            | FcvtSWu
            | FcvtSL
            | FcvtSLu
            | FmvWX
            | FcvtSD
    )
}

/// Ops that read rs1 (and rs2, rs3 where present) as singles.
fn reads_single_sources(op: Op) -> bool {
    use Op::*;
    matches!(
        op,
        FmaddS
            | FmsubS
            | FnmsubS
            | FnmaddS
            | FaddS
            | FsubS
            | FmulS
            | FdivS
            | FsqrtS
            | FsgnjS
            | FsgnjnS
            | FsgnjxS
            | FminS
            | FmaxS
            | FcvtWS
            | FcvtWuS
            | FcvtLS
            | FcvtLuS
            | FeqS
            | FltS
            | FleS
            | FclassS
            | FcvtDS
    )
}

// ---------------------------------------------------------------------------
// Basics
// ---------------------------------------------------------------------------

#[test]
fn flag_bits_match_fflags() {
    assert!(ExceptionFlags::from_bits(NX).is_inexact());
    assert!(ExceptionFlags::from_bits(UF).is_underflow());
    assert!(ExceptionFlags::from_bits(OF).is_overflow());
    assert!(ExceptionFlags::from_bits(DZ).is_infinite());
    assert!(ExceptionFlags::from_bits(NV).is_invalid());
    // And each SoftFloat flag is exactly one fflags bit.
    for (bit, f) in [NX, UF, OF, DZ, NV].into_iter().enumerate() {
        let fl = ExceptionFlags::from_bits(f);
        let set = [
            fl.is_inexact(),
            fl.is_underflow(),
            fl.is_overflow(),
            fl.is_infinite(),
            fl.is_invalid(),
        ];
        for (i, s) in set.into_iter().enumerate() {
            assert_eq!(s, i == bit);
        }
    }
}

#[test]
fn nan_boxing_helpers() {
    assert_eq!(nan_box(0x3f80_0000), 0xffff_ffff_3f80_0000);
    assert_eq!(nan_box(0), 0xffff_ffff_0000_0000);
    assert_eq!(unbox_f32(0xffff_ffff_3f80_0000), 0x3f80_0000);
    assert_eq!(unbox_f32(0xffff_ffff_ffff_ffff), 0xffff_ffff);
    assert_eq!(unbox_f32(0x0000_0000_3f80_0000), CANONICAL_NAN_F32);
    assert_eq!(unbox_f32(0x7fff_ffff_3f80_0000), CANONICAL_NAN_F32);
    assert_eq!(unbox_f32(0xffff_fffe_3f80_0000), CANONICAL_NAN_F32);
    assert_eq!(CANONICAL_NAN_F32, f32::NAN.to_bits());
    assert_eq!(CANONICAL_NAN_F64, f64::NAN.to_bits());
}

#[test]
fn single_results_are_boxed() {
    assert_eq!(ex2(Op::FaddS, fs(1.0), fs(2.0)), (0xffff_ffff_4040_0000, 0));
    assert_eq!(ex1(Op::FcvtSW, 7, RNE), (fs(7.0), 0));
    assert_eq!(ex1(Op::FcvtSD, fd(-1.5), RNE), (fs(-1.5), 0));
    assert_eq!(ex2(Op::FminS, fs(1.0), fs(2.0)), (fs(1.0), 0));
    assert_eq!(ex2(Op::FsgnjnS, fs(1.0), fs(2.0)), (fs(-1.0), 0));
}

#[test]
fn improperly_boxed_inputs_read_as_canonical_nan() {
    // 1.0f32 with a zero upper half.
    let one_unboxed = 0x0000_0000_3f80_0000;
    // Arithmetic: canonical NaN in, canonical NaN out, no NV (it is quiet).
    assert_eq!(ex2(Op::FaddS, one_unboxed, fs(1.0)), (fs(f32::NAN), 0));
    assert_eq!(ex2(Op::FaddS, fs(1.0), one_unboxed), (fs(f32::NAN), 0));
    assert_eq!(ex1(Op::FsqrtS, one_unboxed, RNE), (fs(f32::NAN), 0));
    assert_eq!(
        ex(Op::FmaddS, fs(1.0), fs(1.0), one_unboxed, RNE),
        (fs(f32::NAN), 0)
    );
    // fclass reports a quiet NaN.
    assert_eq!(ex1(Op::FclassS, one_unboxed, RNE), (1 << 9, 0));
    // Quiet compare: 0, no flags; signaling compares: 0, NV.
    assert_eq!(ex2(Op::FeqS, one_unboxed, one_unboxed), (0, 0));
    assert_eq!(ex2(Op::FltS, one_unboxed, fs(1.0)), (0, NV));
    assert_eq!(ex2(Op::FleS, fs(1.0), one_unboxed), (0, NV));
    // min/max: the NaN loses.
    assert_eq!(ex2(Op::FminS, one_unboxed, fs(2.0)), (fs(2.0), 0));
    assert_eq!(ex2(Op::FmaxS, fs(-2.0), one_unboxed), (fs(-2.0), 0));
    // Conversions see a NaN.
    assert_eq!(ex1(Op::FcvtWS, one_unboxed, RTZ), (0x7fff_ffff, NV));
    assert_eq!(ex1(Op::FcvtDS, one_unboxed, RNE), (CANONICAL_NAN_F64, 0));
    // fmv.x.w copies the low 32 bits unchanged.
    assert_eq!(ex1(Op::FmvXW, one_unboxed, RNE), (0x3f80_0000, 0));
    assert_eq!(
        ex1(Op::FmvXW, 0x1234_5678_9abc_def0, RNE),
        (0xffff_ffff_9abc_def0, 0)
    );
}

#[test]
fn fmv_sign_extension() {
    assert_eq!(ex1(Op::FmvXW, fs(-0.0), RNE), (0xffff_ffff_8000_0000, 0));
    assert_eq!(ex1(Op::FmvXW, fs(f32::INFINITY), RNE), (0x7f80_0000, 0));
    assert_eq!(ex1(Op::FmvXW, fs(-1.0), RNE), (0xffff_ffff_bf80_0000, 0));
    assert_eq!(
        ex1(Op::FmvWX, 0x1234_5678_8000_0000, RNE),
        (0xffff_ffff_8000_0000, 0)
    );
    assert_eq!(ex1(Op::FmvWX, 0x3f80_0000, RNE), (fs(1.0), 0));
    assert_eq!(
        ex1(Op::FmvXD, 0x8123_4567_89ab_cdef, RNE),
        (0x8123_4567_89ab_cdef, 0)
    );
    assert_eq!(
        ex1(Op::FmvDX, 0x7ff0_0000_0000_0001, RNE),
        (0x7ff0_0000_0000_0001, 0)
    );
    // Moves never canonicalize NaNs.
    assert_eq!(ex1(Op::FmvWX, u64::from(SNAN_F), RNE), (nan_box(SNAN_F), 0));
}

// ---------------------------------------------------------------------------
// Canonical NaN and special-value arithmetic
// ---------------------------------------------------------------------------

#[test]
fn nan_results_are_canonical() {
    let payload_q_f = nan_box(0xffc1_2345); // negative quiet NaN with payload
    let payload_s_f = nan_box(0xff81_2345); // negative signaling NaN with payload
    assert_eq!(ex2(Op::FaddS, payload_q_f, fs(1.0)), (fs(f32::NAN), 0));
    assert_eq!(ex2(Op::FmulS, fs(1.0), payload_s_f), (fs(f32::NAN), NV));
    assert_eq!(ex2(Op::FdivS, fs(0.0), fs(0.0)), (fs(f32::NAN), NV));
    assert_eq!(ex2(Op::FdivD, fd(0.0), fd(-0.0)), (CANONICAL_NAN_F64, NV));
    assert_eq!(
        ex2(Op::FsubD, fd(f64::INFINITY), fd(f64::INFINITY)),
        (CANONICAL_NAN_F64, NV)
    );
    assert_eq!(
        ex2(Op::FmulD, fd(f64::INFINITY), fd(0.0)),
        (CANONICAL_NAN_F64, NV)
    );
    assert_eq!(ex1(Op::FsqrtD, fd(-1.0), RNE), (CANONICAL_NAN_F64, NV));
    assert_eq!(ex1(Op::FsqrtS, fs(-1.0), RNE), (fs(f32::NAN), NV));
    assert_eq!(
        ex2(Op::FaddD, 0xfff8_dead_beef_0001, fd(1.0)),
        (CANONICAL_NAN_F64, 0)
    );
    assert_eq!(
        ex2(Op::FaddD, 0xfff0_dead_beef_0001, fd(1.0)),
        (CANONICAL_NAN_F64, NV)
    );
    // Conversions between formats.
    assert_eq!(
        ex1(Op::FcvtSD, 0xfff8_0000_dead_beef, RNE),
        (fs(f32::NAN), 0)
    );
    assert_eq!(ex1(Op::FcvtSD, SNAN_D, RNE), (fs(f32::NAN), NV));
    assert_eq!(ex1(Op::FcvtDS, payload_q_f, RNE), (CANONICAL_NAN_F64, 0));
    assert_eq!(
        ex1(Op::FcvtDS, nan_box(SNAN_F), RNE),
        (CANONICAL_NAN_F64, NV)
    );
}

#[test]
fn sqrt_of_negative_zero_and_division_by_zero() {
    assert_eq!(ex1(Op::FsqrtD, fd(-0.0), RNE), (fd(-0.0), 0));
    assert_eq!(ex1(Op::FsqrtS, fs(-0.0), RNE), (fs(-0.0), 0));
    assert_eq!(ex2(Op::FdivD, fd(1.0), fd(0.0)), (fd(f64::INFINITY), DZ));
    assert_eq!(
        ex2(Op::FdivS, fs(-1.0), fs(0.0)),
        (fs(f32::NEG_INFINITY), DZ)
    );
    assert_eq!(
        ex2(Op::FdivD, fd(f64::INFINITY), fd(0.0)),
        (fd(f64::INFINITY), 0)
    );
}

#[test]
fn overflow_and_underflow() {
    // Overflow: RNE goes to infinity, RTZ to the largest finite value.
    assert_eq!(
        ex(Op::FmulS, fs(f32::MAX), fs(2.0), 0, RNE),
        (fs(f32::INFINITY), OF | NX)
    );
    assert_eq!(
        ex(Op::FmulS, fs(f32::MAX), fs(2.0), 0, RTZ),
        (fs(f32::MAX), OF | NX)
    );
    assert_eq!(
        ex(Op::FmulD, fd(-f64::MAX), fd(2.0), 0, RUP),
        (fd(-f64::MAX), OF | NX)
    );
    assert_eq!(
        ex(Op::FmulD, fd(-f64::MAX), fd(2.0), 0, RDN),
        (fd(f64::NEG_INFINITY), OF | NX)
    );
    // Underflow to zero: half the smallest subnormal ties to even (zero).
    let tiny_d = f64::from_bits(1);
    assert_eq!(ex2(Op::FmulD, fd(tiny_d), fd(0.5)), (fd(0.0), UF | NX));
    assert_eq!(
        ex(Op::FmulD, fd(tiny_d), fd(0.5), 0, RUP),
        (fd(tiny_d), UF | NX)
    );
    // An exact subnormal result is not an underflow.
    assert_eq!(ex2(Op::FmulD, fd(tiny_d), fd(2.0)), (2, 0));
    let tiny_f = f32::from_bits(1);
    assert_eq!(ex2(Op::FmulS, fs(tiny_f), fs(0.5)), (fs(0.0), UF | NX));
    // Tininess is detected after rounding (RISC-V): 2^-1022 - 2^-1076 rounds
    // to 2^-1022 even with an unbounded exponent, so it is inexact but not
    // tiny: NX only.
    let p = 2f64.powi(-538);
    assert_eq!(
        ex(Op::FmaddD, fd(p), fd(-p), fd(f64::MIN_POSITIVE), RNE),
        (fd(f64::MIN_POSITIVE), NX)
    );
    // Same value rounded toward zero lands below 2^-1022: tiny and inexact.
    assert_eq!(
        ex(Op::FmaddD, fd(p), fd(-p), fd(f64::MIN_POSITIVE), RTZ),
        (0x000f_ffff_ffff_ffff, UF | NX)
    );
}

// ---------------------------------------------------------------------------
// Rounding modes
// ---------------------------------------------------------------------------

#[test]
fn rounding_modes_on_one_third() {
    // 1/3 in single: the bits after the 23rd are 1010..., above half.
    let third_s = [
        (RNE, 0x3eaa_aaab),
        (RTZ, 0x3eaa_aaaa),
        (RDN, 0x3eaa_aaaa),
        (RUP, 0x3eaa_aaab),
        (RMM, 0x3eaa_aaab),
    ];
    for (rm, bits) in third_s {
        assert_eq!(
            ex(Op::FdivS, fs(1.0), fs(3.0), 0, rm),
            (nan_box(bits), NX),
            "rm {rm}"
        );
        assert_eq!(
            ex(Op::FdivS, fs(-1.0), fs(3.0), 0, rm),
            (
                nan_box(
                    0x8000_0000
                        | match rm {
                            RDN => 0x3eaa_aaab,
                            RUP => 0x3eaa_aaaa,
                            _ => bits,
                        }
                ),
                NX
            ),
            "rm {rm}"
        );
    }
    // 1/3 in double: the bits after the 52nd are 0101..., below half.
    let third_d = [
        (RNE, 0x3fd5_5555_5555_5555),
        (RTZ, 0x3fd5_5555_5555_5555),
        (RDN, 0x3fd5_5555_5555_5555),
        (RUP, 0x3fd5_5555_5555_5556),
        (RMM, 0x3fd5_5555_5555_5555),
    ];
    for (rm, bits) in third_d {
        assert_eq!(
            ex(Op::FdivD, fd(1.0), fd(3.0), 0, rm),
            (bits, NX),
            "rm {rm}"
        );
    }
}

#[test]
fn rounding_modes_to_integer() {
    // (value, [RNE, RTZ, RDN, RUP, RMM])
    let cases: &[(f64, [i64; 5])] = &[
        (2.5, [2, 2, 2, 3, 3]),
        (-2.5, [-2, -2, -3, -2, -3]),
        (1.5, [2, 1, 1, 2, 2]),
        (-1.5, [-2, -1, -2, -1, -2]),
        (0.4, [0, 0, 0, 1, 0]),
        (-0.4, [0, 0, -1, 0, 0]),
        (3.7, [4, 3, 3, 4, 4]),
        (-3.7, [-4, -3, -4, -3, -4]),
    ];
    for &(x, expect) in cases {
        for rm in 0..5u8 {
            let e = expect[rm as usize];
            for (op, arg) in [
                (Op::FcvtWD, fd(x)),
                (Op::FcvtLD, fd(x)),
                (Op::FcvtWS, fs(x as f32)),
                (Op::FcvtLS, fs(x as f32)),
            ] {
                assert_eq!(ex1(op, arg, rm), (e as u64, NX), "{op:?} {x} rm {rm}");
            }
        }
    }
    // Exact values raise nothing in any mode.
    for rm in 0..5u8 {
        assert_eq!(ex1(Op::FcvtWD, fd(-7.0), rm), (-7i64 as u64, 0));
        assert_eq!(ex1(Op::FcvtLuS, fs(7.0), rm), (7, 0));
    }
}

#[test]
fn rounding_modes_int_to_float() {
    // 2^24 + 1 is not representable in single: halfway between 2^24 and
    // 2^24 + 2.
    let x = (1u64 << 24) + 1;
    let lo = nan_box(16_777_216f32.to_bits());
    let hi = nan_box(16_777_218f32.to_bits());
    let expect = [(RNE, lo), (RTZ, lo), (RDN, lo), (RUP, hi), (RMM, hi)];
    for (rm, r) in expect {
        assert_eq!(ex1(Op::FcvtSW, x, rm), (r, NX), "rm {rm}");
        assert_eq!(ex1(Op::FcvtSL, x, rm), (r, NX), "rm {rm}");
        assert_eq!(ex1(Op::FcvtSWu, x, rm), (r, NX), "rm {rm}");
        assert_eq!(ex1(Op::FcvtSLu, x, rm), (r, NX), "rm {rm}");
    }
    // Only the low 32 bits are read by the .w/.wu forms.
    assert_eq!(ex1(Op::FcvtSW, 0xffff_ffff_ffff_ffff, RNE), (fs(-1.0), 0));
    assert_eq!(ex1(Op::FcvtSW, 0x0000_0001_0000_0000, RNE), (fs(0.0), 0));
    assert_eq!(
        ex1(Op::FcvtDW, 0x1234_5678_8000_0000, RNE),
        (fd(-2_147_483_648.0), 0)
    );
    assert_eq!(
        ex1(Op::FcvtDWu, 0x1234_5678_8000_0000, RNE),
        (fd(2_147_483_648.0), 0)
    );
    assert_eq!(
        ex1(Op::FcvtSWu, 0xffff_ffff, RNE),
        (fs(4_294_967_296.0), NX)
    );
    assert_eq!(
        ex1(Op::FcvtSWu, 0xffff_ffff, RTZ),
        (fs(4_294_967_040.0), NX)
    );
    assert_eq!(
        ex1(Op::FcvtDL, i64::MAX as u64, RNE),
        (fd(9_223_372_036_854_775_808.0), NX)
    );
    assert_eq!(
        ex1(Op::FcvtDLu, u64::MAX, RNE),
        (fd(18_446_744_073_709_551_616.0), NX)
    );
    assert_eq!(
        ex1(Op::FcvtDL, i64::MIN as u64, RNE),
        (fd(-(2f64.powi(63))), 0)
    );
    // Zero is +0 in every mode.
    assert_eq!(ex1(Op::FcvtSL, 0, RDN), (fs(0.0), 0));
}

// ---------------------------------------------------------------------------
// Fused multiply-add
// ---------------------------------------------------------------------------

#[test]
fn fma_rounds_once() {
    // (1 + 2^-52)(1 - 2^-52) = 1 - 2^-104. A separate multiply rounds that
    // to 1.0, so mul-then-add of -1 gives 0; the fused form gives -2^-104.
    let a = 1.0 + f64::EPSILON;
    let b = 1.0 - f64::EPSILON;
    let e = 2f64.powi(-104);
    assert_eq!(ex2(Op::FmulD, fd(a), fd(b)), (fd(1.0), NX));
    assert_eq!(ex(Op::FmaddD, fd(a), fd(b), fd(-1.0), RNE), (fd(-e), 0));
    assert_eq!(ex(Op::FmsubD, fd(a), fd(b), fd(1.0), RNE), (fd(-e), 0));
    assert_eq!(ex(Op::FnmsubD, fd(a), fd(b), fd(1.0), RNE), (fd(e), 0));
    assert_eq!(ex(Op::FnmaddD, fd(a), fd(b), fd(-1.0), RNE), (fd(e), 0));

    let a = 1.0 + f32::EPSILON;
    let b = 1.0 - f32::EPSILON;
    let e = 2f32.powi(-46);
    assert_eq!(ex2(Op::FmulS, fs(a), fs(b)), (fs(1.0), NX));
    assert_eq!(ex(Op::FmaddS, fs(a), fs(b), fs(-1.0), RNE), (fs(-e), 0));
    assert_eq!(ex(Op::FmsubS, fs(a), fs(b), fs(1.0), RNE), (fs(-e), 0));
    assert_eq!(ex(Op::FnmsubS, fs(a), fs(b), fs(1.0), RNE), (fs(e), 0));
    assert_eq!(ex(Op::FnmaddS, fs(a), fs(b), fs(-1.0), RNE), (fs(e), 0));
}

#[test]
fn fma_signs_of_zero() {
    // fmadd: (+0 * 1) + (-0) = +0 in RNE, -0 in RDN.
    assert_eq!(
        ex(Op::FmaddD, fd(0.0), fd(1.0), fd(-0.0), RNE),
        (fd(0.0), 0)
    );
    assert_eq!(
        ex(Op::FmaddD, fd(0.0), fd(1.0), fd(-0.0), RDN),
        (fd(-0.0), 0)
    );
    // fnmadd: -(+0 * 1) - (+0) = -0 - +0 = -0.
    assert_eq!(
        ex(Op::FnmaddD, fd(0.0), fd(1.0), fd(0.0), RNE),
        (fd(-0.0), 0)
    );
    // fnmsub: -(+0 * 1) + (+0) = +0 (RNE).
    assert_eq!(
        ex(Op::FnmsubS, fs(0.0), fs(1.0), fs(0.0), RNE),
        (fs(0.0), 0)
    );
    // fmsub: (+0 * 1) - (+0) = +0 (RNE), -0 (RDN).
    assert_eq!(ex(Op::FmsubS, fs(0.0), fs(1.0), fs(0.0), RNE), (fs(0.0), 0));
    assert_eq!(
        ex(Op::FmsubS, fs(0.0), fs(1.0), fs(0.0), RDN),
        (fs(-0.0), 0)
    );
}

#[test]
fn fma_invalid_with_quiet_nan_addend() {
    // 0 * inf + qNaN must raise NV (RISC-V deviates from IEEE's "may").
    for op in [Op::FmaddD, Op::FmsubD, Op::FnmsubD, Op::FnmaddD] {
        assert_eq!(
            ex(op, fd(0.0), fd(f64::INFINITY), QNAN_D, RNE),
            (CANONICAL_NAN_F64, NV),
            "{op:?}"
        );
        assert_eq!(
            ex(op, fd(f64::NEG_INFINITY), fd(-0.0), QNAN_D, RNE),
            (CANONICAL_NAN_F64, NV),
            "{op:?}"
        );
        assert_eq!(
            ex(op, fd(1.0), fd(1.0), QNAN_D, RNE),
            (CANONICAL_NAN_F64, 0),
            "{op:?}"
        );
        assert_eq!(
            ex(op, fd(1.0), fd(1.0), SNAN_D, RNE),
            (CANONICAL_NAN_F64, NV),
            "{op:?}"
        );
        // inf * 1 + -inf (or the sign-flipped forms): invalid.
        let (r, f) = ex(op, fd(f64::INFINITY), fd(1.0), fd(f64::INFINITY), RNE);
        let invalid = matches!(op, Op::FmsubD | Op::FnmsubD);
        if invalid {
            assert_eq!((r, f), (CANONICAL_NAN_F64, NV), "{op:?}");
        } else {
            assert_eq!(f, 0, "{op:?}");
            assert!(f64::from_bits(r).is_infinite(), "{op:?}");
        }
    }
    for op in [Op::FmaddS, Op::FmsubS, Op::FnmsubS, Op::FnmaddS] {
        assert_eq!(
            ex(op, fs(f32::INFINITY), fs(0.0), nan_box(QNAN_F), RNE),
            (fs(f32::NAN), NV),
            "{op:?}"
        );
        assert_eq!(
            ex(op, fs(2.0), fs(3.0), nan_box(QNAN_F), RNE),
            (fs(f32::NAN), 0),
            "{op:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// min / max
// ---------------------------------------------------------------------------

#[test]
fn min_max_rules() {
    // Signed zeros: -0 < +0.
    assert_eq!(ex2(Op::FminD, fd(0.0), fd(-0.0)), (fd(-0.0), 0));
    assert_eq!(ex2(Op::FminD, fd(-0.0), fd(0.0)), (fd(-0.0), 0));
    assert_eq!(ex2(Op::FmaxD, fd(-0.0), fd(0.0)), (fd(0.0), 0));
    assert_eq!(ex2(Op::FmaxD, fd(0.0), fd(-0.0)), (fd(0.0), 0));
    assert_eq!(ex2(Op::FminS, fs(0.0), fs(-0.0)), (fs(-0.0), 0));
    assert_eq!(ex2(Op::FmaxS, fs(-0.0), fs(0.0)), (fs(0.0), 0));
    // One NaN: the other operand, NV only for a signaling NaN.
    assert_eq!(ex2(Op::FminD, QNAN_D, fd(-3.0)), (fd(-3.0), 0));
    assert_eq!(ex2(Op::FmaxD, fd(-3.0), QNAN_D), (fd(-3.0), 0));
    assert_eq!(ex2(Op::FminD, SNAN_D, fd(-3.0)), (fd(-3.0), NV));
    assert_eq!(ex2(Op::FmaxS, fs(5.0), nan_box(SNAN_F)), (fs(5.0), NV));
    assert_eq!(ex2(Op::FminS, nan_box(QNAN_F), fs(5.0)), (fs(5.0), 0));
    // Both NaN: canonical NaN, whatever the payloads.
    assert_eq!(
        ex2(Op::FminD, 0xfff8_0000_0000_1234, 0x7ff8_0000_0000_5678),
        (CANONICAL_NAN_F64, 0)
    );
    assert_eq!(ex2(Op::FmaxD, SNAN_D, QNAN_D), (CANONICAL_NAN_F64, NV));
    assert_eq!(
        ex2(Op::FmaxS, nan_box(0xffc0_0001), nan_box(SNAN_F)),
        (fs(f32::NAN), NV)
    );
    // Infinities and ordinary values.
    assert_eq!(
        ex2(Op::FminD, fd(f64::NEG_INFINITY), fd(-f64::MAX)),
        (fd(f64::NEG_INFINITY), 0)
    );
    assert_eq!(
        ex2(Op::FmaxS, fs(f32::INFINITY), fs(f32::MAX)),
        (fs(f32::INFINITY), 0)
    );
    assert_eq!(ex2(Op::FminS, fs(-1.0), fs(-2.0)), (fs(-2.0), 0));
    assert_eq!(ex2(Op::FmaxS, fs(-1.0), fs(-2.0)), (fs(-1.0), 0));
    let sub = f64::from_bits(1);
    assert_eq!(ex2(Op::FminD, fd(sub), fd(0.0)), (fd(0.0), 0));
    assert_eq!(ex2(Op::FmaxD, fd(-sub), fd(-0.0)), (fd(-0.0), 0));
}

// ---------------------------------------------------------------------------
// Comparisons
// ---------------------------------------------------------------------------

#[test]
fn compare_rules() {
    for (eq, lt, le) in [
        (Op::FeqD, Op::FltD, Op::FleD),
        (Op::FeqS, Op::FltS, Op::FleS),
    ] {
        let single = eq == Op::FeqS;
        let v = |x: f64| if single { fs(x as f32) } else { fd(x) };
        let (qnan, snan) = if single {
            (nan_box(QNAN_F), nan_box(SNAN_F))
        } else {
            (QNAN_D, SNAN_D)
        };
        assert_eq!(ex2(eq, v(0.0), v(-0.0)), (1, 0));
        assert_eq!(ex2(lt, v(-0.0), v(0.0)), (0, 0));
        assert_eq!(ex2(le, v(0.0), v(-0.0)), (1, 0));
        assert_eq!(ex2(lt, v(-1.0), v(1.0)), (1, 0));
        assert_eq!(ex2(lt, v(1.0), v(-1.0)), (0, 0));
        assert_eq!(ex2(le, v(-2.0), v(-1.0)), (1, 0));
        assert_eq!(ex2(le, v(-1.0), v(-2.0)), (0, 0));
        assert_eq!(ex2(eq, v(f64::INFINITY), v(f64::INFINITY)), (1, 0));
        assert_eq!(ex2(lt, v(f64::NEG_INFINITY), v(-1e30)), (1, 0));
        // feq is quiet: NV only for sNaN.
        assert_eq!(ex2(eq, qnan, v(0.0)), (0, 0));
        assert_eq!(ex2(eq, qnan, qnan), (0, 0));
        assert_eq!(ex2(eq, v(0.0), snan), (0, NV));
        // flt/fle are signaling: NV for any NaN.
        assert_eq!(ex2(lt, qnan, v(0.0)), (0, NV));
        assert_eq!(ex2(le, v(0.0), qnan), (0, NV));
        assert_eq!(ex2(lt, snan, snan), (0, NV));
        assert_eq!(ex2(le, snan, v(1.0)), (0, NV));
    }
}

// ---------------------------------------------------------------------------
// fclass
// ---------------------------------------------------------------------------

#[test]
fn fclass_all_classes() {
    let s_cases: [(u32, u64); 12] = [
        (0xff80_0000, 1 << 0), // -inf
        (0xbf80_0000, 1 << 1), // -1.0
        (0x807f_ffff, 1 << 2), // negative subnormal
        (0x8000_0001, 1 << 2),
        (0x8000_0000, 1 << 3), // -0
        (0x0000_0000, 1 << 4), // +0
        (0x007f_ffff, 1 << 5), // positive subnormal
        (0x3f80_0000, 1 << 6), // +1.0
        (0x7f80_0000, 1 << 7), // +inf
        (0x7f80_0001, 1 << 8), // sNaN
        (0x7fc0_0000, 1 << 9), // qNaN
        (0xffff_ffff, 1 << 9), // negative qNaN
    ];
    for (x, class) in s_cases {
        assert_eq!(ex1(Op::FclassS, nan_box(x), RNE), (class, 0), "{x:#x}");
    }
    assert_eq!(ex1(Op::FclassS, nan_box(0xffbf_ffff), RNE), (1 << 8, 0));
    let d_cases: [(u64, u64); 11] = [
        (0xfff0_0000_0000_0000, 1 << 0),
        (0xbff0_0000_0000_0000, 1 << 1),
        (0x800f_ffff_ffff_ffff, 1 << 2),
        (0x8000_0000_0000_0000, 1 << 3),
        (0x0000_0000_0000_0000, 1 << 4),
        (0x000f_ffff_ffff_ffff, 1 << 5),
        (0x3ff0_0000_0000_0000, 1 << 6),
        (0x7ff0_0000_0000_0000, 1 << 7),
        (0x7ff0_0000_0000_0001, 1 << 8),
        (0x7ff8_0000_0000_0000, 1 << 9),
        (0xfff7_ffff_ffff_ffff, 1 << 8),
    ];
    for (x, class) in d_cases {
        assert_eq!(ex1(Op::FclassD, x, RNE), (class, 0), "{x:#x}");
    }
    // A NaN-boxed single seen by fclass.d is a negative qNaN.
    assert_eq!(ex1(Op::FclassD, fs(1.0), RNE), (1 << 9, 0));
}

// ---------------------------------------------------------------------------
// Sign injection
// ---------------------------------------------------------------------------

#[test]
fn sign_injection() {
    let x = fd(1.5);
    let nx = fd(-1.5);
    for (op, a, b, r) in [
        (Op::FsgnjD, x, fd(-0.0), nx),
        (Op::FsgnjD, nx, fd(2.0), x),
        (Op::FsgnjnD, x, fd(2.0), nx),
        (Op::FsgnjnD, x, fd(-2.0), x),
        (Op::FsgnjxD, nx, fd(-2.0), x),
        (Op::FsgnjxD, nx, fd(2.0), nx),
        (Op::FsgnjxD, x, fd(-2.0), nx),
        // NaNs pass through unchanged apart from the sign (no canonicalization,
        // no flags, even for sNaN).
        (Op::FsgnjD, SNAN_D, fd(-1.0), SNAN_D | 1 << 63),
        (
            Op::FsgnjnD,
            0xfff8_0000_0000_0042,
            fd(-1.0),
            0x7ff8_0000_0000_0042,
        ),
    ] {
        assert_eq!(ex2(op, a, b), (r, 0), "{op:?}");
    }
    let (y, ny) = (fs(1.5), fs(-1.5));
    for (op, a, b, r) in [
        (Op::FsgnjS, y, fs(-0.0), ny),
        (Op::FsgnjS, ny, fs(2.0), y),
        (Op::FsgnjnS, y, fs(2.0), ny),
        (Op::FsgnjnS, y, fs(-2.0), y),
        (Op::FsgnjxS, ny, fs(-2.0), y),
        (Op::FsgnjxS, ny, fs(2.0), ny),
        (
            Op::FsgnjS,
            nan_box(SNAN_F),
            fs(-1.0),
            nan_box(SNAN_F | 1 << 31),
        ),
        // fneg/fabs idioms.
        (Op::FsgnjnS, y, y, ny),
        (Op::FsgnjxS, ny, ny, y),
    ] {
        assert_eq!(ex2(op, a, b), (r, 0), "{op:?}");
    }
}

/// rv64ud/move.S: fsgnj.s on improperly boxed operands, and fsgnj.d on
/// NaN-boxed operands.
#[test]
fn riscv_tests_move_boxing() {
    // (result single bits, rs1 raw, rs2 raw)
    let cases: [(u32, u64, u64); 12] = [
        (QNAN_F, 0x7fff_fffe_1234_5678, 0),
        (QNAN_F, 0xffff_fffe_1234_5678, 0),
        (QNAN_F, 0x7fff_ffff_1234_5678, 0),
        (0x1234_5678, 0xffff_ffff_1234_5678, 0),
        (QNAN_F, 0x7fff_fffe_1234_5678, 0x8000_0000),
        (QNAN_F, 0xffff_fffe_1234_5678, 0x8000_0000),
        (QNAN_F, 0x7fff_ffff_1234_5678, 0x8000_0000),
        (0x1234_5678, 0xffff_ffff_1234_5678, 0x8000_0000),
        (0xffc0_0000, 0x7fff_fffe_1234_5678, 0xffff_ffff_8000_0000),
        (0xffc0_0000, 0xffff_fffe_1234_5678, 0xffff_ffff_8000_0000),
        (0x9234_5678, 0xffff_ffff_1234_5678, 0xffff_ffff_8000_0000),
        (0x1234_5678, 0xffff_ffff_1234_5678, 0x7fff_ffff_8000_0000),
    ];
    for (r, a, b) in cases {
        let (v, f) = ex2(Op::FsgnjS, a, b);
        assert_eq!((v, f), (nan_box(r), 0), "{a:#x} {b:#x}");
        assert_eq!(ex1(Op::FmvXW, v, RNE), (sext32(r), 0));
    }
    // fsgnj.d treats a boxed single as an ordinary double.
    let d_cases: [(u64, u64, u64); 8] = [
        (
            0xffff_ffff_1111_1111,
            0xffff_ffff_1111_1111,
            0xffff_ffff_1111_1111,
        ),
        (
            0x7fff_ffff_1111_1111,
            0xffff_ffff_1111_1111,
            0x7fff_ffff_1111_1111,
        ),
        (
            0xffff_ffff_1111_1111,
            0xffff_ffff_1111_1111,
            0xffff_ffff_9111_1111,
        ),
        (
            0xffff_ffff_1111_1111,
            0xffff_ffff_1111_1111,
            0x8000_0000_0000_0000,
        ),
        (
            0xffff_ffff_1111_1111,
            0x7fff_ffff_1111_1111,
            0xffff_ffff_1111_1111,
        ),
        (
            0x7fff_ffff_1111_1111,
            0x7fff_ffff_1111_1111,
            0x7fff_ffff_1111_1111,
        ),
        (
            0xffff_ffff_1111_1111,
            0x7fff_ffff_1111_1111,
            0xffff_ffff_9111_1111,
        ),
        (
            0xffff_ffff_1111_1111,
            0x7fff_ffff_1111_1111,
            0x8000_0000_0000_0000,
        ),
    ];
    for (r, a, b) in d_cases {
        assert_eq!(ex2(Op::FsgnjD, a, b), (r, 0), "{a:#x} {b:#x}");
    }
    // rv64uf/move.S: fsgnj{,n,x}.s on boxed values.
    for (op, new_sign, s1, s2) in [
        (Op::FsgnjS, 0u32, 0u32, 0u32),
        (Op::FsgnjS, 1, 0, 1),
        (Op::FsgnjS, 0, 1, 0),
        (Op::FsgnjS, 1, 1, 1),
        (Op::FsgnjnS, 1, 0, 0),
        (Op::FsgnjnS, 0, 0, 1),
        (Op::FsgnjnS, 1, 1, 0),
        (Op::FsgnjnS, 0, 1, 1),
        (Op::FsgnjxS, 0, 0, 0),
        (Op::FsgnjxS, 1, 0, 1),
        (Op::FsgnjxS, 1, 1, 0),
        (Op::FsgnjxS, 0, 1, 1),
    ] {
        let a = nan_box(0x1234_5678 | (s1 << 31));
        let b = nan_box(s2.wrapping_neg()); // li a2, -(rs2_sign); fmv.s.x
        let (v, _) = ex2(op, a, b);
        assert_eq!(
            ex1(Op::FmvXW, v, RNE).0,
            sext32(0x1234_5678 | (new_sign << 31)),
            "{op:?} {s1} {s2}"
        );
    }
}

// ---------------------------------------------------------------------------
// Float -> integer conversion: saturation table
// ---------------------------------------------------------------------------

const W_MAX: u64 = 0x7fff_ffff;
const W_MIN: u64 = 0xffff_ffff_8000_0000;
const WU_MAX: u64 = u64::MAX; // 0xffff_ffff sign-extended
const L_MAX: u64 = i64::MAX as u64;
const L_MIN: u64 = i64::MIN as u64;
const LU_MAX: u64 = u64::MAX;

#[test]
fn fcvt_saturation_table() {
    // (input as f64, [W, WU, L, LU] results and flags), RTZ.
    let nan_row = [(W_MAX, NV), (WU_MAX, NV), (L_MAX, NV), (LU_MAX, NV)];
    let rows: &[(f64, [(u64, u8); 4])] = &[
        (
            f64::INFINITY,
            [(W_MAX, NV), (WU_MAX, NV), (L_MAX, NV), (LU_MAX, NV)],
        ),
        (
            f64::NEG_INFINITY,
            [(W_MIN, NV), (0, NV), (L_MIN, NV), (0, NV)],
        ),
        (1e30, [(W_MAX, NV), (WU_MAX, NV), (L_MAX, NV), (LU_MAX, NV)]),
        (-1e30, [(W_MIN, NV), (0, NV), (L_MIN, NV), (0, NV)]),
        (-1.0, [(u64::MAX, 0), (0, NV), (u64::MAX, 0), (0, NV)]),
        (-0.5, [(0, NX), (0, NX), (0, NX), (0, NX)]),
        (-0.0, [(0, 0), (0, 0), (0, 0), (0, 0)]),
        (0.5, [(0, NX), (0, NX), (0, NX), (0, NX)]),
        (
            2147483648.0, // 2^31
            [
                (W_MAX, NV),
                (0xffff_ffff_8000_0000, 0),
                (1 << 31, 0),
                (1 << 31, 0),
            ],
        ),
        (
            -2147483648.0, // -2^31
            [(W_MIN, 0), (0, NV), (W_MIN, 0), (0, NV)],
        ),
        (
            4294967296.0, // 2^32
            [(W_MAX, NV), (WU_MAX, NV), (1 << 32, 0), (1 << 32, 0)],
        ),
        (
            9223372036854775808.0, // 2^63
            [(W_MAX, NV), (WU_MAX, NV), (L_MAX, NV), (1 << 63, 0)],
        ),
        (
            -9223372036854775808.0, // -2^63
            [(W_MIN, NV), (0, NV), (L_MIN, 0), (0, NV)],
        ),
        (
            18446744073709551616.0, // 2^64
            [(W_MAX, NV), (WU_MAX, NV), (L_MAX, NV), (LU_MAX, NV)],
        ),
    ];
    let ops_d = [Op::FcvtWD, Op::FcvtWuD, Op::FcvtLD, Op::FcvtLuD];
    let ops_s = [Op::FcvtWS, Op::FcvtWuS, Op::FcvtLS, Op::FcvtLuS];
    for &(x, expect) in rows {
        for i in 0..4 {
            assert_eq!(ex1(ops_d[i], fd(x), RTZ), expect[i], "{:?} {x}", ops_d[i]);
            // All these inputs are exact singles too.
            assert_eq!(
                ex1(ops_s[i], fs(x as f32), RTZ),
                expect[i],
                "{:?} {x}",
                ops_s[i]
            );
        }
    }
    for nan_d in [QNAN_D, SNAN_D, 0xffff_ffff_ffff_ffff, 0xfff8_0000_0000_0000] {
        for i in 0..4 {
            assert_eq!(
                ex1(ops_d[i], nan_d, RTZ),
                nan_row[i],
                "{:?} {nan_d:#x}",
                ops_d[i]
            );
        }
    }
    for nan_s in [QNAN_F, SNAN_F, 0xffff_ffff, 0xffc0_0000] {
        for i in 0..4 {
            assert_eq!(
                ex1(ops_s[i], nan_box(nan_s), RTZ),
                nan_row[i],
                "{:?} {nan_s:#x}",
                ops_s[i]
            );
        }
    }
}

#[test]
fn fcvt_unsigned_small_negative() {
    // -0.5 and -0.4 round to 0 (NX) in RTZ/RNE/RUP/RMM(-0.4); to -1 (NV) in RDN.
    for op in [Op::FcvtWuD, Op::FcvtLuD] {
        assert_eq!(ex1(op, fd(-0.5), RTZ), (0, NX));
        assert_eq!(ex1(op, fd(-0.5), RNE), (0, NX)); // ties to even: 0
        assert_eq!(ex1(op, fd(-0.5), RUP), (0, NX));
        assert_eq!(ex1(op, fd(-0.5), RMM), (0, NV)); // ties away: -1
        assert_eq!(ex1(op, fd(-0.5), RDN), (0, NV));
        assert_eq!(ex1(op, fd(-0.4), RMM), (0, NX));
        assert_eq!(ex1(op, fd(-0.6), RNE), (0, NV));
        assert_eq!(ex1(op, fd(-0.0), RDN), (0, 0));
    }
    for op in [Op::FcvtWuS, Op::FcvtLuS] {
        assert_eq!(ex1(op, fs(-0.5), RTZ), (0, NX));
        assert_eq!(ex1(op, fs(-0.5), RNE), (0, NX));
        assert_eq!(ex1(op, fs(-0.5), RDN), (0, NV));
        assert_eq!(ex1(op, fs(-0.9), RTZ), (0, NX));
    }
}

#[test]
fn fcvt_boundaries_2_31() {
    // Just below 2^31: RTZ truncates into range, RNE rounds out of range.
    let x = 2147483647.5;
    assert_eq!(ex1(Op::FcvtWD, fd(x), RTZ), (W_MAX, NX));
    assert_eq!(ex1(Op::FcvtWD, fd(x), RNE), (W_MAX, NV));
    assert_eq!(ex1(Op::FcvtWD, fd(x), RDN), (W_MAX, NX));
    assert_eq!(ex1(Op::FcvtWD, fd(x), RUP), (W_MAX, NV));
    assert_eq!(ex1(Op::FcvtWD, fd(2147483647.0), RNE), (W_MAX, 0));
    // Just below -2^31.
    let y = -2147483648.5;
    assert_eq!(ex1(Op::FcvtWD, fd(y), RTZ), (W_MIN, NX));
    assert_eq!(ex1(Op::FcvtWD, fd(y), RNE), (W_MIN, NX)); // tie to even -2^31
    assert_eq!(ex1(Op::FcvtWD, fd(y), RMM), (W_MIN, NV));
    assert_eq!(ex1(Op::FcvtWD, fd(y), RDN), (W_MIN, NV));
    assert_eq!(ex1(Op::FcvtWD, fd(-2147483649.0), RTZ), (W_MIN, NV));
    // Unsigned 32-bit: results are sign-extended.
    assert_eq!(ex1(Op::FcvtWuD, fd(4294967295.0), RTZ), (u64::MAX, 0));
    assert_eq!(ex1(Op::FcvtWuD, fd(4294967295.5), RTZ), (u64::MAX, NX));
    assert_eq!(ex1(Op::FcvtWuD, fd(4294967295.5), RUP), (u64::MAX, NV));
    assert_eq!(ex1(Op::FcvtWuD, fd(3e9), RTZ), (0xffff_ffff_b2d0_5e00, 0));
    assert_eq!(ex1(Op::FcvtWuD, fd(2147483647.0), RTZ), (W_MAX, 0));
    // Largest single below 2^31 and 2^31 itself.
    let below = f32::from_bits(0x4eff_ffff); // 2^31 - 128
    assert_eq!(ex1(Op::FcvtWS, fs(below), RTZ), (0x7fff_ff80, 0));
    assert_eq!(ex1(Op::FcvtWS, fs(2147483648.0), RNE), (W_MAX, NV));
    assert_eq!(ex1(Op::FcvtWS, fs(-2147483648.0), RNE), (W_MIN, 0));
}

// ---------------------------------------------------------------------------
// riscv-tests rv64uf / rv64ud vectors
// ---------------------------------------------------------------------------

#[test]
fn riscv_tests_arith_single() {
    use Op::*;
    // (op, flags, result, a, b)
    let cases: &[(Op, u8, f32, f32, f32)] = &[
        (FaddS, 0, 3.5, 2.5, 1.0),
        (FaddS, 1, -1234.0, -1235.1, 1.1),
        (FaddS, 1, 3.14159265, 3.14159265, 0.00000001),
        (FsubS, 0, 1.5, 2.5, 1.0),
        (FsubS, 1, -1234.0, -1235.1, -1.1),
        (FsubS, 1, 3.14159265, 3.14159265, 0.00000001),
        (FmulS, 0, 2.5, 2.5, 1.0),
        (FmulS, 1, 1358.61, -1235.1, -1.1),
        (FmulS, 1, 3.14159265e-8, 3.14159265, 0.00000001),
        (FdivS, 1, 1.1557273520668288, 3.14159265, 2.71828182),
        (FdivS, 1, -0.9991093838555584, -1234.0, 1235.1),
        (FdivS, 0, 3.14159265, 3.14159265, 1.0),
        (FminS, 0, 1.0, 2.5, 1.0),
        (FminS, 0, -1235.1, -1235.1, 1.1),
        (FminS, 0, -1235.1, 1.1, -1235.1),
        (FminS, 0, -1235.1, f32::NAN, -1235.1),
        (FminS, 0, 0.00000001, 3.14159265, 0.00000001),
        (FminS, 0, -2.0, -1.0, -2.0),
        (FmaxS, 0, 2.5, 2.5, 1.0),
        (FmaxS, 0, 1.1, -1235.1, 1.1),
        (FmaxS, 0, 1.1, 1.1, -1235.1),
        (FmaxS, 0, -1235.1, f32::NAN, -1235.1),
        (FmaxS, 0, 3.14159265, 3.14159265, 0.00000001),
        (FmaxS, 0, -1.0, -1.0, -2.0),
        (FminS, 0, -0.0, -0.0, 0.0),
        (FminS, 0, -0.0, 0.0, -0.0),
        (FmaxS, 0, 0.0, -0.0, 0.0),
        (FmaxS, 0, 0.0, 0.0, -0.0),
    ];
    for &(op, flags, r, a, b) in cases {
        assert_eq!(ex2(op, fs(a), fs(b)), (fs(r), flags), "{op:?} {a} {b}");
    }
    assert_eq!(
        ex2(FsubS, fs(f32::INFINITY), fs(f32::INFINITY)),
        (nan_box(QNAN_F), NV)
    );
    assert_eq!(ex2(FmaxS, nan_box(SNAN_F), fs(1.0)), (fs(1.0), NV));
    assert_eq!(
        ex2(FmaxS, nan_box(0x7fff_ffff), nan_box(0x7fff_ffff)),
        (nan_box(QNAN_F), 0)
    );
    for &(flags, r, a) in &[
        (1u8, 1.7724538498928541f32, 3.14159265f32),
        (0, 100.0, 10000.0),
        (1, 13.076696, 171.0),
    ] {
        assert_eq!(ex1(FsqrtS, fs(a), RNE), (fs(r), flags), "sqrt {a}");
    }
    assert_eq!(ex1(FsqrtS, fs(-1.0), RNE), (nan_box(0x7fc0_0000), NV));
    // fmadd family: (op, flags, result, a, b, c)
    let fma: &[(Op, u8, f32, f32, f32, f32)] = &[
        (FmaddS, 0, 3.5, 1.0, 2.5, 1.0),
        (FmaddS, 1, 1236.2, -1.0, -1235.1, 1.1),
        (FmaddS, 0, -12.0, 2.0, -5.0, -2.0),
        (FnmaddS, 0, -3.5, 1.0, 2.5, 1.0),
        (FnmaddS, 1, -1236.2, -1.0, -1235.1, 1.1),
        (FnmaddS, 0, 12.0, 2.0, -5.0, -2.0),
        (FmsubS, 0, 1.5, 1.0, 2.5, 1.0),
        (FmsubS, 1, 1234.0, -1.0, -1235.1, 1.1),
        (FmsubS, 0, -8.0, 2.0, -5.0, -2.0),
        (FnmsubS, 0, -1.5, 1.0, 2.5, 1.0),
        (FnmsubS, 1, -1234.0, -1.0, -1235.1, 1.1),
        (FnmsubS, 0, 8.0, 2.0, -5.0, -2.0),
    ];
    for &(op, flags, r, a, b, c) in fma {
        assert_eq!(
            ex(op, fs(a), fs(b), fs(c), RNE),
            (fs(r), flags),
            "{op:?} {a} {b} {c}"
        );
    }
}

#[test]
fn riscv_tests_arith_double() {
    use Op::*;
    let cases: &[(Op, u8, f64, f64, f64)] = &[
        (FaddD, 0, 3.5, 2.5, 1.0),
        (FaddD, 1, -1234.0, -1235.1, 1.1),
        (FaddD, 1, 3.14159266, 3.14159265, 0.00000001),
        (FsubD, 0, 1.5, 2.5, 1.0),
        (FsubD, 1, -1234.0, -1235.1, -1.1),
        (FsubD, 1, 3.1415926400000001, 3.14159265, 0.00000001),
        (FmulD, 0, 2.5, 2.5, 1.0),
        (FmulD, 1, 1358.61, -1235.1, -1.1),
        (FmulD, 1, 3.14159265e-8, 3.14159265, 0.00000001),
        (FdivD, 1, 1.1557273520668288, 3.14159265, 2.71828182),
        (FdivD, 1, -0.9991093838555584, -1234.0, 1235.1),
        (FdivD, 0, 3.14159265, 3.14159265, 1.0),
        (FminD, 0, 1.0, 2.5, 1.0),
        (FminD, 0, -1235.1, -1235.1, 1.1),
        (FminD, 0, -1235.1, 1.1, -1235.1),
        (FminD, 0, -1235.1, f64::NAN, -1235.1),
        (FminD, 0, 0.00000001, 3.14159265, 0.00000001),
        (FminD, 0, -2.0, -1.0, -2.0),
        (FmaxD, 0, 2.5, 2.5, 1.0),
        (FmaxD, 0, 1.1, -1235.1, 1.1),
        (FmaxD, 0, 1.1, 1.1, -1235.1),
        (FmaxD, 0, -1235.1, f64::NAN, -1235.1),
        (FmaxD, 0, 3.14159265, 3.14159265, 0.00000001),
        (FmaxD, 0, -1.0, -1.0, -2.0),
        (FminD, 0, -0.0, -0.0, 0.0),
        (FminD, 0, -0.0, 0.0, -0.0),
        (FmaxD, 0, 0.0, -0.0, 0.0),
        (FmaxD, 0, 0.0, 0.0, -0.0),
    ];
    for &(op, flags, r, a, b) in cases {
        assert_eq!(ex2(op, fd(a), fd(b)), (fd(r), flags), "{op:?} {a} {b}");
    }
    assert_eq!(
        ex2(FsubD, fd(f64::INFINITY), fd(f64::INFINITY)),
        (QNAN_D, NV)
    );
    assert_eq!(ex2(FmaxD, SNAN_D, fd(1.0)), (fd(1.0), NV));
    assert_eq!(
        ex2(FmaxD, 0x7fff_ffff_ffff_ffff, 0x7fff_ffff_ffff_ffff),
        (QNAN_D, 0)
    );
    for &(flags, r, a) in &[
        (1u8, 1.7724538498928541f64, 3.14159265f64),
        (0, 100.0, 10000.0),
        (1, 13.076696830622021, 171.0),
        (1, 0.00040099251863345283320230749702, 1.60795e-7),
    ] {
        assert_eq!(ex1(FsqrtD, fd(a), RNE), (fd(r), flags), "sqrt {a}");
    }
    assert_eq!(ex1(FsqrtD, fd(-1.0), RNE), (0x7ff8_0000_0000_0000, NV));
    let fma: &[(Op, u8, f64, f64, f64, f64)] = &[
        (FmaddD, 0, 3.5, 1.0, 2.5, 1.0),
        (FmaddD, 1, 1236.1999999999999, -1.0, -1235.1, 1.1),
        (FmaddD, 0, -12.0, 2.0, -5.0, -2.0),
        (FnmaddD, 0, -3.5, 1.0, 2.5, 1.0),
        (FnmaddD, 1, -1236.1999999999999, -1.0, -1235.1, 1.1),
        (FnmaddD, 0, 12.0, 2.0, -5.0, -2.0),
        (FmsubD, 0, 1.5, 1.0, 2.5, 1.0),
        (FmsubD, 1, 1234.0, -1.0, -1235.1, 1.1),
        (FmsubD, 0, -8.0, 2.0, -5.0, -2.0),
        (FnmsubD, 0, -1.5, 1.0, 2.5, 1.0),
        (FnmsubD, 1, -1234.0, -1.0, -1235.1, 1.1),
        (FnmsubD, 0, 8.0, 2.0, -5.0, -2.0),
    ];
    for &(op, flags, r, a, b, c) in fma {
        assert_eq!(
            ex(op, fd(a), fd(b), fd(c), RNE),
            (fd(r), flags),
            "{op:?} {a} {b} {c}"
        );
    }
}

#[test]
fn riscv_tests_compare() {
    use Op::*;
    for (eq, lt, le) in [(FeqS, FltS, FleS), (FeqD, FltD, FleD)] {
        let single = eq == FeqS;
        let v = |x: f64| if single { fs(x as f32) } else { fd(x) };
        let snan = if single { nan_box(SNAN_F) } else { SNAN_D };
        let nan = v(f64::NAN);
        let cases = [
            (eq, 0, 1, v(-1.36), v(-1.36)),
            (le, 0, 1, v(-1.36), v(-1.36)),
            (lt, 0, 0, v(-1.36), v(-1.36)),
            (eq, 0, 0, v(-1.37), v(-1.36)),
            (le, 0, 1, v(-1.37), v(-1.36)),
            (lt, 0, 1, v(-1.37), v(-1.36)),
            (eq, 0, 0, nan, v(0.0)),
            (eq, 0, 0, nan, nan),
            (eq, NV, 0, snan, v(0.0)),
            (lt, NV, 0, nan, v(0.0)),
            (lt, NV, 0, nan, nan),
            (lt, NV, 0, snan, v(0.0)),
            (le, NV, 0, nan, v(0.0)),
            (le, NV, 0, nan, nan),
            (le, NV, 0, snan, v(0.0)),
        ];
        for (op, flags, r, a, b) in cases {
            assert_eq!(ex2(op, a, b), (r, flags), "{op:?} {a:#x} {b:#x}");
        }
    }
}

#[test]
fn riscv_tests_fcvt() {
    use Op::*;
    assert_eq!(ex1(FcvtSW, 2, RNE), (fs(2.0), 0));
    assert_eq!(ex1(FcvtSW, -2i64 as u64, RNE), (fs(-2.0), 0));
    assert_eq!(ex1(FcvtSWu, 2, RNE), (fs(2.0), 0));
    assert_eq!(ex1(FcvtSWu, -2i64 as u64, RNE), (fs(4.2949673e9), NX));
    assert_eq!(ex1(FcvtSL, 2, RNE), (fs(2.0), 0));
    assert_eq!(ex1(FcvtSL, -2i64 as u64, RNE), (fs(-2.0), 0));
    assert_eq!(ex1(FcvtSLu, 2, RNE), (fs(2.0), 0));
    assert_eq!(ex1(FcvtSLu, -2i64 as u64, RNE), (fs(1.8446744e19), NX));
    assert_eq!(ex1(FcvtDW, 2, RNE), (fd(2.0), 0));
    assert_eq!(ex1(FcvtDW, -2i64 as u64, RNE), (fd(-2.0), 0));
    assert_eq!(ex1(FcvtDWu, 2, RNE), (fd(2.0), 0));
    assert_eq!(ex1(FcvtDWu, -2i64 as u64, RNE), (fd(4294967294.0), 0));
    assert_eq!(ex1(FcvtDL, 2, RNE), (fd(2.0), 0));
    assert_eq!(ex1(FcvtDL, -2i64 as u64, RNE), (fd(-2.0), 0));
    assert_eq!(ex1(FcvtDLu, 2, RNE), (fd(2.0), 0));
    assert_eq!(
        ex1(FcvtDLu, -2i64 as u64, RNE),
        (fd(1.8446744073709552e19), NX)
    );
    assert_eq!(ex1(FcvtSD, fd(-1.5), RNE), (fs(-1.5), 0));
    assert_eq!(ex1(FcvtDS, fs(-1.5), RNE), (fd(-1.5), 0));
    // test 12: a NaN through fcvt.s.d then fcvt.d.s comes out canonical.
    let (s, _) = ex1(FcvtSD, 0x7ff8_0000_1234_5678, RNE);
    assert_eq!(ex1(FcvtDS, s, RNE).0, QNAN_D);
}

#[test]
fn riscv_tests_fcvt_w() {
    use Op::*;
    // (op, flags, result, value) with RTZ, for both S and D sources.
    let cases: &[(Op, Op, u8, i64, f64)] = &[
        (FcvtWS, FcvtWD, 0x01, -1, -1.1),
        (FcvtWS, FcvtWD, 0x00, -1, -1.0),
        (FcvtWS, FcvtWD, 0x01, 0, -0.9),
        (FcvtWS, FcvtWD, 0x01, 0, 0.9),
        (FcvtWS, FcvtWD, 0x00, 1, 1.0),
        (FcvtWS, FcvtWD, 0x01, 1, 1.1),
        (FcvtWS, FcvtWD, 0x10, -1 << 31, -3e9),
        (FcvtWS, FcvtWD, 0x10, (1 << 31) - 1, 3e9),
        (FcvtWuS, FcvtWuD, 0x10, 0, -3.0),
        (FcvtWuS, FcvtWuD, 0x10, 0, -1.0),
        (FcvtWuS, FcvtWuD, 0x01, 0, -0.9),
        (FcvtWuS, FcvtWuD, 0x01, 0, 0.9),
        (FcvtWuS, FcvtWuD, 0x00, 1, 1.0),
        (FcvtWuS, FcvtWuD, 0x01, 1, 1.1),
        (FcvtWuS, FcvtWuD, 0x10, 0, -3e9),
        (FcvtWuS, FcvtWuD, 0x00, 0xffff_ffff_b2d0_5e00u64 as i64, 3e9),
        (FcvtLS, FcvtLD, 0x01, -1, -1.1),
        (FcvtLS, FcvtLD, 0x00, -1, -1.0),
        (FcvtLS, FcvtLD, 0x01, 0, -0.9),
        (FcvtLS, FcvtLD, 0x01, 0, 0.9),
        (FcvtLS, FcvtLD, 0x00, 1, 1.0),
        (FcvtLS, FcvtLD, 0x01, 1, 1.1),
        (FcvtLS, FcvtLD, 0x00, -3_000_000_000, -3e9),
        (FcvtLS, FcvtLD, 0x00, 3_000_000_000, 3e9),
        (FcvtLS, FcvtLD, 0x10, i64::MIN, -3e19),
        (FcvtLS, FcvtLD, 0x10, i64::MAX, 3e19),
        (FcvtLuS, FcvtLuD, 0x10, 0, -3.0),
        (FcvtLuS, FcvtLuD, 0x10, 0, -1.0),
        (FcvtLuS, FcvtLuD, 0x01, 0, -0.9),
        (FcvtLuS, FcvtLuD, 0x01, 0, 0.9),
        (FcvtLuS, FcvtLuD, 0x00, 1, 1.0),
        (FcvtLuS, FcvtLuD, 0x01, 1, 1.1),
        (FcvtLuS, FcvtLuD, 0x10, 0, -3e9),
        (FcvtLuS, FcvtLuD, 0x00, 3_000_000_000, 3e9),
    ];
    for &(op_s, op_d, flags, r, x) in cases {
        assert_eq!(ex1(op_d, fd(x), RTZ), (r as u64, flags), "{op_d:?} {x}");
        assert_eq!(
            ex1(op_s, fs(x as f32), RTZ),
            (r as u64, flags),
            "{op_s:?} {x}"
        );
    }
    // -NaN, NaN, -inf, +inf
    let tdat_s = [0xffff_ffffu32, 0x7fff_ffff, 0xff80_0000, 0x7f80_0000];
    let tdat_d = [
        0xffff_ffff_ffff_ffffu64,
        0x7fff_ffff_ffff_ffff,
        0xfff0_0000_0000_0000,
        0x7ff0_0000_0000_0000,
    ];
    let expect_w = [W_MAX, W_MAX, W_MIN, W_MAX];
    let expect_l = [L_MAX, L_MAX, L_MIN, L_MAX];
    let expect_wu = [u64::MAX, u64::MAX, 0, u64::MAX];
    let expect_lu = [u64::MAX, u64::MAX, 0, u64::MAX];
    for i in 0..4 {
        let (s, d) = (nan_box(tdat_s[i]), tdat_d[i]);
        assert_eq!(ex1(FcvtWS, s, RNE).0, expect_w[i]);
        assert_eq!(ex1(FcvtWD, d, RNE).0, expect_w[i]);
        assert_eq!(ex1(FcvtLS, s, RNE).0, expect_l[i]);
        assert_eq!(ex1(FcvtLD, d, RNE).0, expect_l[i]);
        assert_eq!(ex1(FcvtWuS, s, RNE).0, expect_wu[i]);
        assert_eq!(ex1(FcvtWuD, d, RNE).0, expect_wu[i]);
        assert_eq!(ex1(FcvtLuS, s, RNE).0, expect_lu[i]);
        assert_eq!(ex1(FcvtLuD, d, RNE).0, expect_lu[i]);
    }
}

#[test]
fn riscv_tests_recoding() {
    use Op::*;
    // Infinities made by multiplication compare equal.
    let (minf3, _) = ex2(FmulD, fd(3.0), fd(f64::NEG_INFINITY));
    let minf = fd(f64::NEG_INFINITY);
    assert_eq!(ex2(FeqD, minf, minf3), (1, 0));
    assert_eq!(ex2(FleD, minf, minf3), (1, 0));
    assert_eq!(ex2(FltD, minf, minf3), (0, 0));
    let (minf3s, _) = ex2(FmulS, fs(3.0), fs(f32::NEG_INFINITY));
    assert_eq!(ex2(FeqS, fs(f32::NEG_INFINITY), minf3s), (1, 0));
    // Zeros likewise.
    let (z0, _) = ex1(FcvtDW, 0, RNE);
    let (one, _) = ex1(FcvtDW, 1, RNE);
    let (z1, _) = ex2(FmulD, one, z0);
    assert_eq!(ex2(FeqD, z0, z1), (1, 0));
    assert_eq!(ex2(FleD, z0, z1), (1, 0));
    assert_eq!(ex2(FltD, z0, z1), (0, 0));
    // Small double to single subnormal discards the extra precision.
    let (tiny, _) = ex1(FcvtSD, fd(2.3860049081905093e-40), RNE);
    let (r, _) = ex2(FmulS, fs(1221.0), tiny);
    assert_eq!(r, fs(2.9133121e-37));
}

#[test]
fn non_fp_ops_return_zero_in_release() {
    // The debug assertion fires in debug builds; in release builds the
    // result is (0, 0). Only check the release behaviour when it applies.
    if !cfg!(debug_assertions) {
        assert_eq!(execute(Op::Add, 1, 2, 3, 0), (0, 0));
        assert_eq!(execute(Op::Flw, 1, 2, 3, 0), (0, 0));
    }
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "non-FP op")]
fn non_fp_ops_debug_assert() {
    let _ = execute(Op::Add, 1, 2, 3, 0);
}

#[test]
fn flags_do_not_leak_between_operations() {
    // An invalid operation followed by an exact one reports nothing for the
    // second, even though SoftFloat's flags are sticky globals.
    assert_eq!(ex1(Op::FsqrtD, fd(-1.0), RNE).1, NV);
    assert_eq!(ex2(Op::FaddD, fd(1.0), fd(1.0)), (fd(2.0), 0));
    assert_eq!(ex2(Op::FdivS, fs(1.0), fs(3.0)).1, NX);
    assert_eq!(ex1(Op::FcvtWD, fd(3.0), RNE), (3, 0));
    // And the rounding mode of one op does not affect the next.
    assert_eq!(
        ex(Op::FdivD, fd(1.0), fd(3.0), 0, RUP).0,
        0x3fd5_5555_5555_5556
    );
    assert_eq!(
        ex(Op::FdivD, fd(1.0), fd(3.0), 0, RNE).0,
        0x3fd5_5555_5555_5555
    );
}

#[test]
fn flags_are_per_thread() {
    let handles: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..2000u64 {
                    let rm = ((i + t) % 5) as u8;
                    if (i + t) % 2 == 0 {
                        let (_, f) = ex(Op::FdivD, fd(1.0), fd(3.0), 0, rm);
                        assert_eq!(f, NX);
                    } else {
                        let (r, f) = ex(Op::FaddD, fd(1.0), fd(2.0), 0, rm);
                        assert_eq!((r, f), (fd(3.0), 0));
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

/// Interesting double bit patterns.
const SPECIAL_D: &[u64] = &[
    0,
    1 << 63,
    0x3ff0_0000_0000_0000,
    0xbff0_0000_0000_0000,
    0x7ff0_0000_0000_0000,
    0xfff0_0000_0000_0000,
    QNAN_D,
    SNAN_D,
    0xfff8_0000_0000_0001,
    0x7ff7_ffff_ffff_ffff,
    0x0000_0000_0000_0001,
    0x000f_ffff_ffff_ffff,
    0x0010_0000_0000_0000,
    0x7fef_ffff_ffff_ffff,
    0x8000_0000_0000_0001,
    0x41e0_0000_0000_0000, // 2^31
    0xc1e0_0000_0000_0000, // -2^31
    0x41f0_0000_0000_0000, // 2^32
    0x43e0_0000_0000_0000, // 2^63
    0xc3e0_0000_0000_0000, // -2^63
    0x43f0_0000_0000_0000, // 2^64
    0x3fe0_0000_0000_0000, // 0.5
    0xbfe0_0000_0000_0000, // -0.5
];

/// Interesting single bit patterns.
const SPECIAL_S: &[u32] = &[
    0,
    0x8000_0000,
    0x3f80_0000,
    0xbf80_0000,
    0x7f80_0000,
    0xff80_0000,
    QNAN_F,
    SNAN_F,
    0xffc0_0001,
    0x7fbf_ffff,
    0x0000_0001,
    0x007f_ffff,
    0x0080_0000,
    0x7f7f_ffff,
    0x8000_0001,
    0x4f00_0000, // 2^31
    0xcf00_0000, // -2^31
    0x4f80_0000, // 2^32
    0x5f00_0000, // 2^63
    0xdf00_0000, // -2^63
    0x5f80_0000, // 2^64
    0x3f00_0000, // 0.5
    0xbf00_0000, // -0.5
];

/// Any double bit pattern, weighted towards special values and values of
/// similar magnitude (where additions are not trivially dominated).
fn any_d() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => any::<u64>(),
        2 => proptest::sample::select(SPECIAL_D),
        3 => (-1e6f64..1e6f64).prop_map(f64::to_bits),
        1 => (-4.0f64..4.0f64).prop_map(|x| (x * 2f64.powi(-1020)).to_bits()),
        2 => (-1e19f64..1e19f64).prop_map(f64::to_bits),
    ]
}

/// Any single bit pattern (unboxed), weighted like [`any_d`].
fn any_s() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => any::<u32>(),
        2 => proptest::sample::select(SPECIAL_S),
        3 => (-1e6f32..1e6f32).prop_map(f32::to_bits),
        1 => (-4.0f32..4.0f32).prop_map(|x| (x * 2f32.powi(-125)).to_bits()),
        2 => (-1e19f32..1e19f32).prop_map(f32::to_bits),
    ]
}

fn non_nan_d() -> impl Strategy<Value = f64> {
    any_d()
        .prop_map(f64::from_bits)
        .prop_filter("not NaN", |x| !x.is_nan())
}

fn non_nan_s() -> impl Strategy<Value = f32> {
    any_s()
        .prop_map(f32::from_bits)
        .prop_filter("not NaN", |x| !x.is_nan())
}

/// Round `x` to an integer the way rounding mode `rm` does.
fn round_host(x: f64, rm: u8) -> f64 {
    match rm {
        RNE => x.round_ties_even(),
        RTZ => x.trunc(),
        RDN => x.floor(),
        RUP => x.ceil(),
        _ => x.round(),
    }
}

/// Expected (result, flags) of fcvt.{w,wu,l,lu} of non-NaN `x` (exactly
/// representable as f64) under `rm`.
fn expected_cvt(x: f64, rm: u8, kind: usize) -> (u64, u8) {
    let r = round_host(x, rm);
    let (lo, hi) = match kind {
        0 => (-(2f64.powi(31)), 2f64.powi(31) - 1.0),
        1 => (0.0, 2f64.powi(32) - 1.0),
        2 => (-(2f64.powi(63)), 2f64.powi(63)), // hi is exclusive below
        _ => (0.0, 2f64.powi(64)),
    };
    let in_range = match kind {
        0 | 1 => r >= lo && r <= hi,
        _ => r >= lo && r < hi,
    };
    // Saturated value for out-of-range, from the sign of the input.
    let value = |v: f64| -> u64 {
        match kind {
            0 => (v as i32) as i64 as u64,
            1 => (v as u32) as i32 as i64 as u64,
            2 => (v as i64) as u64,
            _ => v as u64,
        }
    };
    if in_range {
        (value(r), if r != x { NX } else { 0 })
    } else {
        (value(x), NV)
    }
}

/// Exact error of a + b (two-sum), valid when a + b does not overflow.
fn two_sum_err(a: f64, b: f64, s: f64) -> f64 {
    let bb = s - a;
    (a - (s - bb)) + (b - bb)
}

/// Exact error of a + b in single precision (two-sum).
fn two_sum_err_f32(a: f32, b: f32, s: f32) -> f32 {
    let bb = s - a;
    (a - (s - bb)) + (b - bb)
}

/// Reference fmin/fmax after Spike, built on SoftFloat's comparisons.
fn ref_min_max_d(a: u64, b: u64, max: bool) -> (u64, u8) {
    let (x, y) = (F64::from_bits(a), F64::from_bits(b));
    let (r, flags) = sf(|| {
        let less = if max {
            y.lt_quiet(x) || (Float::eq(&y, x) && (b >> 63) != 0)
        } else {
            x.lt_quiet(y) || (Float::eq(&x, y) && (a >> 63) != 0)
        };
        if x.is_nan() && y.is_nan() {
            CANONICAL_NAN_F64
        } else if less || y.is_nan() {
            a
        } else {
            b
        }
    });
    (r, flags)
}

fn ref_min_max_s(a: u32, b: u32, max: bool) -> (u32, u8) {
    let (x, y) = (F32::from_bits(a), F32::from_bits(b));
    sf(|| {
        let less = if max {
            y.lt_quiet(x) || (Float::eq(&y, x) && (b >> 31) != 0)
        } else {
            x.lt_quiet(y) || (Float::eq(&x, y) && (a >> 31) != 0)
        };
        if x.is_nan() && y.is_nan() {
            CANONICAL_NAN_F32
        } else if less || y.is_nan() {
            a
        } else {
            b
        }
    })
}

fn ref_class<T: Float>(x: T) -> u64 {
    let bits = [
        x.is_negative_infinity(),
        x.is_negative_normal(),
        x.is_negative_subnormal(),
        x.is_negative_zero(),
        x.is_positive_zero(),
        x.is_positive_subnormal(),
        x.is_positive_normal(),
        x.is_positive_infinity(),
        x.is_nan() && x.is_signaling_nan(),
        x.is_nan() && !x.is_signaling_nan(),
    ];
    bits.iter()
        .enumerate()
        .fold(0, |m, (i, &b)| m | (u64::from(b) << i))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn prop_fadd_d_matches_host(a in non_nan_d(), b in non_nan_d()) {
        let (r, f) = ex2(Op::FaddD, fd(a), fd(b));
        let h = a + b;
        if h.is_nan() {
            prop_assert_eq!((r, f), (CANONICAL_NAN_F64, NV));
        } else {
            prop_assert_eq!(r, h.to_bits());
            let expect = if a.is_infinite() || b.is_infinite() {
                0
            } else if h.is_infinite() {
                OF | NX
            } else if two_sum_err(a, b, h) != 0.0 {
                NX
            } else {
                0
            };
            prop_assert_eq!(f, expect);
        }
    }

    #[test]
    fn prop_fsub_s_matches_host(a in non_nan_s(), b in non_nan_s()) {
        let (r, f) = ex2(Op::FsubS, fs(a), fs(b));
        let h = a - b;
        if h.is_nan() {
            prop_assert_eq!((r, f), (fs(f32::NAN), NV));
        } else {
            prop_assert_eq!(r, fs(h));
            let expect = if a.is_infinite() || b.is_infinite() {
                0
            } else if h.is_infinite() {
                OF | NX
            } else if two_sum_err_f32(a, -b, h) != 0.0 {
                NX
            } else {
                0
            };
            prop_assert_eq!(f, expect);
        }
    }

    #[test]
    fn prop_fmul_d_matches_host(a in non_nan_d(), b in non_nan_d()) {
        let (r, f) = ex2(Op::FmulD, fd(a), fd(b));
        let h = a * b;
        if h.is_nan() {
            prop_assert_eq!((r, f), (CANONICAL_NAN_F64, NV));
        } else {
            prop_assert_eq!(r, h.to_bits());
            if a.is_finite() && b.is_finite() {
                if h.is_infinite() {
                    prop_assert_eq!(f, OF | NX);
                } else if h.abs() >= 2f64.powi(-900) {
                    let exact = a.mul_add(b, -h) == 0.0;
                    prop_assert_eq!(f, if exact { 0 } else { NX });
                } else if h == 0.0 && a != 0.0 && b != 0.0 {
                    prop_assert_eq!(f, UF | NX);
                }
            } else {
                prop_assert_eq!(f, 0);
            }
        }
    }

    #[test]
    fn prop_fmul_s_matches_host(a in non_nan_s(), b in non_nan_s()) {
        let (r, f) = ex2(Op::FmulS, fs(a), fs(b));
        let h = a * b;
        if h.is_nan() {
            prop_assert_eq!((r, f), (fs(f32::NAN), NV));
        } else {
            prop_assert_eq!(r, fs(h));
            // The exact product fits in an f64.
            let exact = f64::from(a) * f64::from(b);
            if a.is_finite() && b.is_finite() && h.is_finite() {
                prop_assert_eq!(f & NX != 0, f64::from(h) != exact);
            }
        }
    }

    #[test]
    fn prop_fdiv_d_matches_host(a in non_nan_d(), b in non_nan_d()) {
        let (r, f) = ex2(Op::FdivD, fd(a), fd(b));
        let h = a / b;
        if h.is_nan() {
            prop_assert_eq!((r, f), (CANONICAL_NAN_F64, NV));
        } else {
            prop_assert_eq!(r, h.to_bits());
            if b == 0.0 && a.is_finite() {
                prop_assert_eq!(f, DZ);
            }
        }
    }

    #[test]
    fn prop_fdiv_s_matches_host(a in non_nan_s(), b in non_nan_s()) {
        let (r, _) = ex2(Op::FdivS, fs(a), fs(b));
        let h = a / b;
        if h.is_nan() {
            prop_assert_eq!(r, fs(f32::NAN));
        } else {
            prop_assert_eq!(r, fs(h));
        }
    }

    #[test]
    fn prop_fsqrt_d_matches_host(a in non_nan_d()) {
        let (r, f) = ex1(Op::FsqrtD, fd(a), RNE);
        let h = a.sqrt();
        if h.is_nan() {
            prop_assert_eq!((r, f), (CANONICAL_NAN_F64, NV));
        } else {
            prop_assert_eq!(r, h.to_bits());
            if a.is_finite() && a >= 2f64.powi(-900) {
                let exact = h.mul_add(h, -a) == 0.0;
                prop_assert_eq!(f, if exact { 0 } else { NX });
            }
        }
    }

    #[test]
    fn prop_fsqrt_s_matches_host(a in non_nan_s()) {
        let (r, f) = ex1(Op::FsqrtS, fs(a), RNE);
        let h = a.sqrt();
        if h.is_nan() {
            prop_assert_eq!((r, f), (fs(f32::NAN), NV));
        } else {
            prop_assert_eq!(r, fs(h));
            let exact = f64::from(h) * f64::from(h) == f64::from(a);
            prop_assert_eq!(f, if exact { 0 } else { NX });
        }
    }

    #[test]
    fn prop_fmadd_matches_host(a in non_nan_d(), b in non_nan_d(), c in non_nan_d()) {
        let h = a.mul_add(b, c);
        let (r, _) = ex(Op::FmaddD, fd(a), fd(b), fd(c), RNE);
        if h.is_nan() {
            prop_assert_eq!(r, CANONICAL_NAN_F64);
        } else {
            prop_assert_eq!(r, h.to_bits());
        }
        let h = (-a).mul_add(b, -c);
        let (r, _) = ex(Op::FnmaddD, fd(a), fd(b), fd(c), RNE);
        if !h.is_nan() {
            prop_assert_eq!(r, h.to_bits());
        }
        let h = a.mul_add(b, -c);
        let (r, _) = ex(Op::FmsubD, fd(a), fd(b), fd(c), RNE);
        if !h.is_nan() {
            prop_assert_eq!(r, h.to_bits());
        }
        let h = (-a).mul_add(b, c);
        let (r, _) = ex(Op::FnmsubD, fd(a), fd(b), fd(c), RNE);
        if !h.is_nan() {
            prop_assert_eq!(r, h.to_bits());
        }
    }

    #[test]
    fn prop_fmadd_s_matches_host(a in non_nan_s(), b in non_nan_s(), c in non_nan_s()) {
        let h = a.mul_add(b, c);
        let (r, _) = ex(Op::FmaddS, fs(a), fs(b), fs(c), RNE);
        if h.is_nan() {
            prop_assert_eq!(r, fs(f32::NAN));
        } else {
            prop_assert_eq!(r, fs(h));
        }
    }

    #[test]
    fn prop_fcvt_d_s_matches_host(a in any_s()) {
        let x = f32::from_bits(a);
        let (r, f) = ex1(Op::FcvtDS, nan_box(a), RNE);
        if x.is_nan() {
            let snan = a & 0x0040_0000 == 0;
            prop_assert_eq!((r, f), (CANONICAL_NAN_F64, if snan { NV } else { 0 }));
        } else {
            prop_assert_eq!((r, f), (f64::from(x).to_bits(), 0));
        }
    }

    #[test]
    fn prop_fcvt_s_d_matches_host(a in any_d()) {
        let x = f64::from_bits(a);
        let (r, f) = ex1(Op::FcvtSD, a, RNE);
        if x.is_nan() {
            let snan = a & (1 << 51) == 0;
            prop_assert_eq!((r, f), (fs(f32::NAN), if snan { NV } else { 0 }));
        } else {
            let h = x as f32;
            prop_assert_eq!(r, fs(h));
            prop_assert_eq!(f & NX != 0, f64::from(h) != x);
        }
    }

    #[test]
    fn prop_fcvt_to_int_d(a in any_d(), rm in 0u8..5) {
        let x = f64::from_bits(a);
        let ops = [Op::FcvtWD, Op::FcvtWuD, Op::FcvtLD, Op::FcvtLuD];
        for (kind, op) in ops.into_iter().enumerate() {
            let got = ex1(op, a, rm);
            if x.is_nan() {
                let max = [W_MAX, WU_MAX, L_MAX, LU_MAX][kind];
                prop_assert_eq!(got, (max, NV), "{:?}", op);
            } else {
                prop_assert_eq!(got, expected_cvt(x, rm, kind), "{:?} {} rm {}", op, x, rm);
            }
        }
        // RTZ agrees with Rust's saturating `as` for every non-NaN input.
        if !x.is_nan() {
            prop_assert_eq!(ex1(Op::FcvtWD, a, RTZ).0, x as i32 as i64 as u64);
            prop_assert_eq!(ex1(Op::FcvtWuD, a, RTZ).0, x as u32 as i32 as i64 as u64);
            prop_assert_eq!(ex1(Op::FcvtLD, a, RTZ).0, x as i64 as u64);
            prop_assert_eq!(ex1(Op::FcvtLuD, a, RTZ).0, x as u64);
        }
    }

    #[test]
    fn prop_fcvt_to_int_s(a in any_s(), rm in 0u8..5) {
        let x = f32::from_bits(a);
        let ops = [Op::FcvtWS, Op::FcvtWuS, Op::FcvtLS, Op::FcvtLuS];
        for (kind, op) in ops.into_iter().enumerate() {
            let got = ex1(op, nan_box(a), rm);
            if x.is_nan() {
                let max = [W_MAX, WU_MAX, L_MAX, LU_MAX][kind];
                prop_assert_eq!(got, (max, NV), "{:?}", op);
            } else {
                prop_assert_eq!(got, expected_cvt(f64::from(x), rm, kind), "{:?} {} rm {}", op, x, rm);
            }
        }
    }

    #[test]
    fn prop_fcvt_from_int(x in any::<u64>(), small in any::<i32>()) {
        // Rust's int -> float `as` rounds to nearest, ties to even.
        for v in [x, small as i64 as u64] {
            let (r, f) = ex1(Op::FcvtDL, v, RNE);
            let h = v as i64 as f64;
            prop_assert_eq!(r, h.to_bits());
            prop_assert_eq!(f, if h as i128 != i128::from(v as i64) { NX } else { 0 });
            let (r, f) = ex1(Op::FcvtDLu, v, RNE);
            let h = v as f64;
            prop_assert_eq!(r, h.to_bits());
            prop_assert_eq!(f, if h as u128 != u128::from(v) { NX } else { 0 });
            let (r, f) = ex1(Op::FcvtSL, v, RNE);
            let h = v as i64 as f32;
            prop_assert_eq!(r, fs(h));
            prop_assert_eq!(f, if h as i128 != i128::from(v as i64) { NX } else { 0 });
            let (r, f) = ex1(Op::FcvtSLu, v, RNE);
            let h = v as f32;
            prop_assert_eq!(r, fs(h));
            prop_assert_eq!(f, if h as u128 != u128::from(v) { NX } else { 0 });
            prop_assert_eq!(ex1(Op::FcvtDW, v, RNE), (f64::from(v as i32).to_bits(), 0));
            prop_assert_eq!(ex1(Op::FcvtDWu, v, RNE), (f64::from(v as u32).to_bits(), 0));
            let h = v as i32 as f32;
            prop_assert_eq!(ex1(Op::FcvtSW, v, RNE).0, fs(h));
            let h = v as u32 as f32;
            prop_assert_eq!(ex1(Op::FcvtSWu, v, RNE).0, fs(h));
        }
    }

    #[test]
    fn prop_min_max_match_host(a in non_nan_d(), b in non_nan_d()) {
        prop_assume!(!(a == 0.0 && b == 0.0));
        prop_assert_eq!(ex2(Op::FminD, fd(a), fd(b)), (a.min(b).to_bits(), 0));
        prop_assert_eq!(ex2(Op::FmaxD, fd(a), fd(b)), (a.max(b).to_bits(), 0));
        let (x, y) = (a as f32, b as f32);
        if !(x == 0.0 && y == 0.0) {
            prop_assert_eq!(ex2(Op::FminS, fs(x), fs(y)), (fs(x.min(y)), 0));
            prop_assert_eq!(ex2(Op::FmaxS, fs(x), fs(y)), (fs(x.max(y)), 0));
        }
    }

    #[test]
    fn prop_min_max_match_softfloat_reference(a in any_d(), b in any_d(), sa in any_s(), sb in any_s()) {
        prop_assert_eq!(ex2(Op::FminD, a, b), ref_min_max_d(a, b, false));
        prop_assert_eq!(ex2(Op::FmaxD, a, b), ref_min_max_d(a, b, true));
        let (r, f) = ref_min_max_s(sa, sb, false);
        prop_assert_eq!(ex2(Op::FminS, nan_box(sa), nan_box(sb)), (nan_box(r), f));
        let (r, f) = ref_min_max_s(sa, sb, true);
        prop_assert_eq!(ex2(Op::FmaxS, nan_box(sa), nan_box(sb)), (nan_box(r), f));
    }

    #[test]
    fn prop_compare_matches_softfloat(a in any_d(), b in any_d(), sa in any_s(), sb in any_s()) {
        let (x, y) = (F64::from_bits(a), F64::from_bits(b));
        let r = sf(|| u64::from(Float::eq(&x, y)));
        prop_assert_eq!(ex2(Op::FeqD, a, b), r);
        let r = sf(|| u64::from(x.lt(y)));
        prop_assert_eq!(ex2(Op::FltD, a, b), r);
        let r = sf(|| u64::from(x.le(y)));
        prop_assert_eq!(ex2(Op::FleD, a, b), r);
        let (x, y) = (F32::from_bits(sa), F32::from_bits(sb));
        let r = sf(|| u64::from(Float::eq(&x, y)));
        prop_assert_eq!(ex2(Op::FeqS, nan_box(sa), nan_box(sb)), r);
        let r = sf(|| u64::from(x.lt(y)));
        prop_assert_eq!(ex2(Op::FltS, nan_box(sa), nan_box(sb)), r);
        let r = sf(|| u64::from(x.le(y)));
        prop_assert_eq!(ex2(Op::FleS, nan_box(sa), nan_box(sb)), r);
        // And with the host for non-NaN values.
        let (hx, hy) = (f64::from_bits(a), f64::from_bits(b));
        if !hx.is_nan() && !hy.is_nan() {
            prop_assert_eq!(ex2(Op::FeqD, a, b).0, u64::from(hx == hy));
            prop_assert_eq!(ex2(Op::FltD, a, b).0, u64::from(hx < hy));
            prop_assert_eq!(ex2(Op::FleD, a, b).0, u64::from(hx <= hy));
        }
    }

    #[test]
    fn prop_fclass_matches_reference(a in any_d(), sa in any_s()) {
        prop_assert_eq!(ex1(Op::FclassD, a, RNE), (ref_class(F64::from_bits(a)), 0));
        prop_assert_eq!(ex1(Op::FclassS, nan_box(sa), RNE), (ref_class(F32::from_bits(sa)), 0));
    }

    #[test]
    fn prop_sgnj_d(a in any_d(), b in any_d()) {
        let sign = 1u64 << 63;
        prop_assert_eq!(ex2(Op::FsgnjD, a, b), ((a & !sign) | (b & sign), 0));
        prop_assert_eq!(ex2(Op::FsgnjnD, a, b), ((a & !sign) | (!b & sign), 0));
        prop_assert_eq!(ex2(Op::FsgnjxD, a, b), (a ^ (b & sign), 0));
    }

    /// Every single-precision source that is not properly boxed behaves
    /// exactly like the canonical NaN; every FP result of a single op is
    /// boxed; every op is total (no panic) for every rounding mode.
    #[test]
    fn prop_unboxing_and_boxing(
        a in any::<u64>(),
        b in any::<u64>(),
        c in any::<u64>(),
        sa in any_s(),
        rm in 0u8..5,
    ) {
        let canon = nan_box(CANONICAL_NAN_F32);
        let unbox = |x: u64| if x >> 32 == 0xffff_ffff { x } else { canon };
        for &op in S_OPS.iter().chain(D_OPS) {
            let got = ex(op, a, b, c, rm);
            if reads_single_sources(op) {
                prop_assert_eq!(got, ex(op, unbox(a), unbox(b), unbox(c), rm), "{:?}", op);
            }
            if s_dest_is_fp(op) {
                prop_assert_eq!(got.0 >> 32, 0xffff_ffff, "{:?}", op);
            }
            // Same again with a properly boxed interesting value.
            let got = ex(op, nan_box(sa), nan_box(sa), nan_box(sa), rm);
            if s_dest_is_fp(op) {
                prop_assert_eq!(got.0 >> 32, 0xffff_ffff, "{:?}", op);
            }
            prop_assert_eq!(got.1 & !0x1f, 0);
        }
    }

    /// NaN results of arithmetic are always the canonical NaN.
    #[test]
    fn prop_arith_nan_is_canonical(a in any_d(), b in any_d(), c in any_d(), rm in 0u8..5) {
        use Op::*;
        for op in [FaddD, FsubD, FmulD, FdivD, FsqrtD, FmaddD, FmsubD, FnmsubD, FnmaddD, FcvtDS] {
            let (r, _) = ex(op, a, b, c, rm);
            if f64::from_bits(r).is_nan() {
                prop_assert_eq!(r, CANONICAL_NAN_F64, "{:?}", op);
            }
        }
        let (sa, sb, sc) = (nan_box(a as u32), nan_box(b as u32), nan_box(c as u32));
        for op in [FaddS, FsubS, FmulS, FdivS, FsqrtS, FmaddS, FmsubS, FnmsubS, FnmaddS] {
            let (r, _) = ex(op, sa, sb, sc, rm);
            if f32::from_bits(r as u32).is_nan() {
                prop_assert_eq!(r, nan_box(CANONICAL_NAN_F32), "{:?}", op);
            }
        }
        let (r, _) = ex1(FcvtSD, a, rm);
        if f32::from_bits(r as u32).is_nan() {
            prop_assert_eq!(r, nan_box(CANONICAL_NAN_F32));
        }
    }
}

/// Values that exercise the host fast path and its edges: normal numbers
/// of all magnitudes, zeros, subnormals, infinities, NaNs, the extremes.
fn interesting_f64() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        (-1e6f64..1e6).prop_map(f64::to_bits),
        (1u64..64).prop_map(|n| (n as f64).to_bits()),
        (-40i32..40).prop_map(|e| 2f64.powi(e).to_bits()),
        Just(0u64),
        Just(0x8000_0000_0000_0000),
        Just(f64::MIN_POSITIVE.to_bits()),
        Just(f64::MAX.to_bits()),
        Just(1),
        Just(f64::INFINITY.to_bits()),
        Just(CANONICAL_NAN_F64),
        (1e300f64..1e308).prop_map(f64::to_bits),
        (1e-308f64..1e-300).prop_map(f64::to_bits),
    ]
}

fn interesting_f32() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u32>().prop_map(nan_box),
        (-1e4f32..1e4).prop_map(|x| nan_box(x.to_bits())),
        (1u32..64).prop_map(|n| nan_box((n as f32).to_bits())),
        Just(nan_box(0)),
        Just(nan_box(0x8000_0000)),
        Just(nan_box(f32::MIN_POSITIVE.to_bits())),
        Just(nan_box(f32::MAX.to_bits())),
        Just(nan_box(1)),
        (1e36f32..3e38).prop_map(|x| nan_box(x.to_bits())),
        (1e-38f32..1e-36).prop_map(|x| nan_box(x.to_bits())),
        any::<u64>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20000))]

    /// The host fast path gives exactly SoftFloat's result and flags.
    #[test]
    fn host_fast_path_matches_softfloat_f64(a in interesting_f64(), b in interesting_f64()) {
        for op in [Op::FaddD, Op::FsubD, Op::FmulD, Op::FdivD, Op::FsqrtD] {
            prop_assert_eq!(execute(op, a, b, 0, 0), execute_soft(op, a, b, 0, 0), "{:?} {:#x} {:#x}", op, a, b);
        }
    }

    #[test]
    fn host_fast_path_matches_softfloat_f32(a in interesting_f32(), b in interesting_f32()) {
        for op in [Op::FaddS, Op::FsubS, Op::FmulS, Op::FdivS, Op::FsqrtS] {
            prop_assert_eq!(execute(op, a, b, 0, 0), execute_soft(op, a, b, 0, 0), "{:?} {:#x} {:#x}", op, a, b);
        }
    }
}

#[test]
fn host_fast_path_is_taken_for_ordinary_operands() {
    assert_eq!(host_fast(Op::FaddD, fd(1.5), fd(2.25)), Some((fd(3.75), 0)));
    assert_eq!(
        host_fast(Op::FdivD, fd(1.0), fd(3.0)),
        Some((fd(1.0 / 3.0), NX))
    );
    assert_eq!(
        host_fast(Op::FsqrtD, fd(2.0), 0),
        Some((fd(2f64.sqrt()), NX))
    );
    assert_eq!(host_fast(Op::FmulS, fs(3.0), fs(0.5)), Some((fs(1.5), 0)));
    // Left to SoftFloat: subnormals, infinities, NaNs, division by zero.
    assert_eq!(host_fast(Op::FaddD, 1, fd(1.0)), None);
    assert_eq!(host_fast(Op::FmulD, fd(f64::INFINITY), fd(1.0)), None);
    assert_eq!(host_fast(Op::FdivD, fd(1.0), fd(0.0)), None);
    assert_eq!(host_fast(Op::FaddD, CANONICAL_NAN_F64, fd(1.0)), None);
}
