//! The floating-point unit: exact RISC-V F and D arithmetic on raw register
//! bits.
//!
//! Arithmetic (add, sub, mul, div, sqrt, fused multiply-add, conversions) is
//! done by Berkeley SoftFloat built with its RISC-V specialization (through
//! `softfloat-wrapper`), which already produces the canonical NaN for every
//! NaN result and the RISC-V saturation values for float-to-integer
//! conversions. SoftFloat keeps its rounding mode and exception flags in
//! thread-local C globals: [`execute`] sets the mode, clears the flags, runs
//! the operation and reads the flags back, so harts on different host
//! threads never see each other's state.
//!
//! The operations that are pure bit manipulation (sign injection, moves,
//! classification, comparisons, min/max) are done here in integer
//! arithmetic, independent of the host FPU's state.
//!
//! Single-precision values live NaN-boxed in the 64-bit FP registers: every
//! single-precision source is unboxed with [`unbox_f32`] (an improperly boxed
//! value reads as the canonical NaN) and every single-precision result is
//! boxed with [`nan_box`].

use crate::insn::Op;
use softfloat_wrapper::{ExceptionFlags, Float, RoundingMode, F32, F64};

/// `fflags` bit: inexact.
pub const NX: u8 = 1;
/// `fflags` bit: underflow.
pub const UF: u8 = 2;
/// `fflags` bit: overflow.
pub const OF: u8 = 4;
/// `fflags` bit: divide by zero.
pub const DZ: u8 = 8;
/// `fflags` bit: invalid operation.
pub const NV: u8 = 16;

/// The canonical single-precision NaN (positive, quiet, zero payload).
pub const CANONICAL_NAN_F32: u32 = 0x7fc0_0000;
/// The canonical double-precision NaN (positive, quiet, zero payload).
pub const CANONICAL_NAN_F64: u64 = 0x7ff8_0000_0000_0000;

/// NaN-boxes a single-precision value for a 64-bit FP register (upper 32
/// bits all ones).
#[inline]
pub fn nan_box(x: u32) -> u64 {
    0xffff_ffff_0000_0000 | u64::from(x)
}

/// Reads a single-precision value out of a 64-bit FP register. A value that
/// is not properly NaN-boxed reads as [`CANONICAL_NAN_F32`].
#[inline]
pub fn unbox_f32(x: u64) -> u32 {
    if x >> 32 == 0xffff_ffff {
        x as u32
    } else {
        CANONICAL_NAN_F32
    }
}

/// Maps a resolved RISC-V rounding mode (0..=4) to SoftFloat's.
#[inline]
fn rounding(rm: u8) -> RoundingMode {
    match rm {
        0 => RoundingMode::TiesToEven,
        1 => RoundingMode::TowardZero,
        2 => RoundingMode::TowardNegative,
        3 => RoundingMode::TowardPositive,
        4 => RoundingMode::TiesToAway,
        _ => {
            debug_assert!(false, "fpu: unresolved rounding mode {rm}");
            RoundingMode::TiesToEven
        }
    }
}

/// Runs one SoftFloat operation with cleared exception flags and returns its
/// result with the flags it raised. SoftFloat's flag bits (inexact 1,
/// underflow 2, overflow 4, infinite 8, invalid 16) are exactly the `fflags`
/// bits; the `flag_bits_match_fflags` test checks this.
#[inline]
fn sf<T>(f: impl FnOnce() -> T) -> (T, u8) {
    ExceptionFlags::default().set();
    let r = f();
    let mut flags = ExceptionFlags::default();
    flags.get();
    (r, flags.to_bits() & 0x1f)
}

/// Single-precision source operand (unboxed).
#[inline]
fn s(x: u64) -> F32 {
    F32::from_bits(unbox_f32(x))
}

/// Negated single-precision source operand (unboxed first).
#[inline]
fn neg_s(x: u64) -> F32 {
    F32::from_bits(unbox_f32(x) ^ 0x8000_0000)
}

/// Double-precision source operand.
#[inline]
fn d(x: u64) -> F64 {
    F64::from_bits(x)
}

/// Negated double-precision source operand.
#[inline]
fn neg_d(x: u64) -> F64 {
    F64::from_bits(x ^ (1 << 63))
}

/// A single-precision SoftFloat result, NaN-boxed for rd.
#[inline]
fn boxed((r, flags): (F32, u8)) -> (u64, u8) {
    (nan_box(r.to_bits()), flags)
}

/// A double-precision SoftFloat result for rd.
#[inline]
fn raw((r, flags): (F64, u8)) -> (u64, u8) {
    (r.to_bits(), flags)
}

/// Sign-extends a 32-bit integer result to 64 bits.
#[inline]
fn sext32(x: u32) -> u64 {
    x as i32 as i64 as u64
}

/// Bit layout of one IEEE binary format, held in the low bits of a `u64`.
#[derive(Clone, Copy)]
struct Fmt {
    sign: u64,
    exp: u64,
    frac: u64,
    quiet: u64,
    canonical_nan: u64,
}

const SINGLE: Fmt = Fmt {
    sign: 1 << 31,
    exp: 0x7f80_0000,
    frac: 0x007f_ffff,
    quiet: 1 << 22,
    canonical_nan: CANONICAL_NAN_F32 as u64,
};

const DOUBLE: Fmt = Fmt {
    sign: 1 << 63,
    exp: 0x7ff0_0000_0000_0000,
    frac: 0x000f_ffff_ffff_ffff,
    quiet: 1 << 51,
    canonical_nan: CANONICAL_NAN_F64,
};

/// Comparison performed by feq/flt/fle.
#[derive(Clone, Copy)]
enum Cmp {
    Eq,
    Lt,
    Le,
}

impl Fmt {
    #[inline]
    fn is_nan(self, x: u64) -> bool {
        x & self.exp == self.exp && x & self.frac != 0
    }

    #[inline]
    fn is_snan(self, x: u64) -> bool {
        self.is_nan(x) && x & self.quiet == 0
    }

    #[inline]
    fn is_zero(self, x: u64) -> bool {
        x & !self.sign == 0
    }

    /// Key whose unsigned order is the numeric order of non-NaN values,
    /// with -0 ordered just below +0.
    #[inline]
    fn key(self, x: u64) -> u64 {
        if x & self.sign != 0 {
            !x & (self.sign | (self.sign - 1))
        } else {
            x | self.sign
        }
    }

    /// fsgnj / fsgnjn / fsgnjx on already-unboxed operands.
    #[inline]
    fn sgnj(self, x: u64, y: u64, kind: u8) -> u64 {
        let sign = match kind {
            0 => y & self.sign,
            1 => !y & self.sign,
            _ => (x ^ y) & self.sign,
        };
        (x & !self.sign) | sign
    }

    /// fmin / fmax (IEEE 754-2019 minimumNumber / maximumNumber): -0 < +0,
    /// a single NaN operand yields the other operand, two NaNs yield the
    /// canonical NaN, and a signaling NaN operand raises NV.
    #[inline]
    fn min_max(self, x: u64, y: u64, max: bool) -> (u64, u8) {
        let flags = if self.is_snan(x) || self.is_snan(y) {
            NV
        } else {
            0
        };
        let r = match (self.is_nan(x), self.is_nan(y)) {
            (true, true) => self.canonical_nan,
            (true, false) => y,
            (false, true) => x,
            (false, false) => {
                if (self.key(x) < self.key(y)) != max {
                    x
                } else {
                    y
                }
            }
        };
        (r, flags)
    }

    /// feq (quiet: NV only for a signaling NaN) and flt/fle (signaling: NV
    /// for any NaN). Any NaN operand gives 0.
    #[inline]
    fn compare(self, x: u64, y: u64, cmp: Cmp) -> (u64, u8) {
        if self.is_nan(x) || self.is_nan(y) {
            let nv = match cmp {
                Cmp::Eq => self.is_snan(x) || self.is_snan(y),
                Cmp::Lt | Cmp::Le => true,
            };
            return (0, if nv { NV } else { 0 });
        }
        let eq = x == y || (self.is_zero(x) && self.is_zero(y));
        let r = match cmp {
            Cmp::Eq => eq,
            Cmp::Lt => !eq && self.key(x) < self.key(y),
            Cmp::Le => eq || self.key(x) < self.key(y),
        };
        (u64::from(r), 0)
    }

    /// fclass: the 10-bit class mask.
    #[inline]
    fn class(self, x: u64) -> u64 {
        let neg = x & self.sign != 0;
        let exp = x & self.exp;
        let frac = x & self.frac;
        let bit = if exp == self.exp {
            if frac == 0 {
                if neg {
                    0
                } else {
                    7
                }
            } else if x & self.quiet != 0 {
                9
            } else {
                8
            }
        } else if exp == 0 {
            match (frac == 0, neg) {
                (true, true) => 3,
                (true, false) => 4,
                (false, true) => 2,
                (false, false) => 5,
            }
        } else if neg {
            1
        } else {
            6
        };
        1 << bit
    }
}

/// Executes one FP compute instruction.
///
/// `a`, `b`, `c` are the values of rs1, rs2, rs3: raw 64-bit FP register
/// contents for FP sources, integer register values for integer sources
/// (`fcvt.{s,d}.{w,wu,l,lu}`, `fmv.w.x`, `fmv.d.x`). `rm` is the resolved
/// rounding mode 0..=4 (RNE, RTZ, RDN, RUP, RMM); the caller has already
/// replaced the dynamic mode by `frm` and trapped invalid modes.
///
/// Returns `(result, fflags raised)`. The result is what gets written to rd:
/// NaN-boxed for a single-precision FP destination; for an integer
/// destination the final 64-bit value, with 32-bit results (including
/// `fcvt.wu.*` and `fmv.x.w`) sign-extended.
///
/// Loads, stores and non-FP operations are not handled here; they return
/// `(0, 0)` (and trip a debug assertion).
pub fn execute(op: Op, a: u64, b: u64, c: u64, rm: u8) -> (u64, u8) {
    if rm == 0 {
        if let Some(r) = host_fast(op, a, b) {
            return r;
        }
    }
    execute_soft(op, a, b, c, rm)
}

/// [`execute`] without the host fast path: SoftFloat for every operation.
pub fn execute_soft(op: Op, a: u64, b: u64, c: u64, rm: u8) -> (u64, u8) {
    use Op::*;
    match op {
        // ---- single-precision arithmetic ----
        FaddS => boxed(sf(|| s(a).add(s(b), rounding(rm)))),
        FsubS => boxed(sf(|| s(a).sub(s(b), rounding(rm)))),
        FmulS => boxed(sf(|| s(a).mul(s(b), rounding(rm)))),
        FdivS => boxed(sf(|| s(a).div(s(b), rounding(rm)))),
        FsqrtS => boxed(sf(|| s(a).sqrt(rounding(rm)))),
        FmaddS => boxed(sf(|| s(a).fused_mul_add(s(b), s(c), rounding(rm)))),
        FmsubS => boxed(sf(|| s(a).fused_mul_add(s(b), neg_s(c), rounding(rm)))),
        FnmsubS => boxed(sf(|| neg_s(a).fused_mul_add(s(b), s(c), rounding(rm)))),
        FnmaddS => boxed(sf(|| neg_s(a).fused_mul_add(s(b), neg_s(c), rounding(rm)))),

        // ---- single-precision bit operations ----
        FsgnjS | FsgnjnS | FsgnjxS => {
            let kind = match op {
                FsgnjS => 0,
                FsgnjnS => 1,
                _ => 2,
            };
            let r = SINGLE.sgnj(u64::from(unbox_f32(a)), u64::from(unbox_f32(b)), kind);
            (nan_box(r as u32), 0)
        }
        FminS | FmaxS => {
            let (r, flags) = SINGLE.min_max(
                u64::from(unbox_f32(a)),
                u64::from(unbox_f32(b)),
                op == FmaxS,
            );
            (nan_box(r as u32), flags)
        }
        FeqS | FltS | FleS => {
            let cmp = match op {
                FeqS => Cmp::Eq,
                FltS => Cmp::Lt,
                _ => Cmp::Le,
            };
            SINGLE.compare(u64::from(unbox_f32(a)), u64::from(unbox_f32(b)), cmp)
        }
        FclassS => (SINGLE.class(u64::from(unbox_f32(a))), 0),
        FmvXW => (sext32(a as u32), 0),
        FmvWX => (nan_box(a as u32), 0),

        // ---- single-precision conversions ----
        FcvtWS => {
            let (r, flags) = sf(|| s(a).to_i32(rounding(rm), true));
            (r as i64 as u64, flags)
        }
        FcvtWuS => {
            let (r, flags) = sf(|| s(a).to_u32(rounding(rm), true));
            (sext32(r), flags)
        }
        FcvtLS => {
            let (r, flags) = sf(|| s(a).to_i64(rounding(rm), true));
            (r as u64, flags)
        }
        FcvtLuS => sf(|| s(a).to_u64(rounding(rm), true)),
        FcvtSW => boxed(sf(|| F32::from_i32(a as i32, rounding(rm)))),
        FcvtSWu => boxed(sf(|| F32::from_u32(a as u32, rounding(rm)))),
        FcvtSL => boxed(sf(|| F32::from_i64(a as i64, rounding(rm)))),
        FcvtSLu => boxed(sf(|| F32::from_u64(a, rounding(rm)))),

        // ---- double-precision arithmetic ----
        FaddD => raw(sf(|| d(a).add(d(b), rounding(rm)))),
        FsubD => raw(sf(|| d(a).sub(d(b), rounding(rm)))),
        FmulD => raw(sf(|| d(a).mul(d(b), rounding(rm)))),
        FdivD => raw(sf(|| d(a).div(d(b), rounding(rm)))),
        FsqrtD => raw(sf(|| d(a).sqrt(rounding(rm)))),
        FmaddD => raw(sf(|| d(a).fused_mul_add(d(b), d(c), rounding(rm)))),
        FmsubD => raw(sf(|| d(a).fused_mul_add(d(b), neg_d(c), rounding(rm)))),
        FnmsubD => raw(sf(|| neg_d(a).fused_mul_add(d(b), d(c), rounding(rm)))),
        FnmaddD => raw(sf(|| neg_d(a).fused_mul_add(d(b), neg_d(c), rounding(rm)))),

        // ---- double-precision bit operations ----
        FsgnjD | FsgnjnD | FsgnjxD => {
            let kind = match op {
                FsgnjD => 0,
                FsgnjnD => 1,
                _ => 2,
            };
            (DOUBLE.sgnj(a, b, kind), 0)
        }
        FminD | FmaxD => DOUBLE.min_max(a, b, op == FmaxD),
        FeqD | FltD | FleD => {
            let cmp = match op {
                FeqD => Cmp::Eq,
                FltD => Cmp::Lt,
                _ => Cmp::Le,
            };
            DOUBLE.compare(a, b, cmp)
        }
        FclassD => (DOUBLE.class(a), 0),
        FmvXD | FmvDX => (a, 0),

        // ---- double-precision conversions ----
        FcvtSD => boxed(sf(|| d(a).to_f32(rounding(rm)))),
        FcvtDS => raw(sf(|| s(a).to_f64(rounding(rm)))),
        FcvtWD => {
            let (r, flags) = sf(|| d(a).to_i32(rounding(rm), true));
            (r as i64 as u64, flags)
        }
        FcvtWuD => {
            let (r, flags) = sf(|| d(a).to_u32(rounding(rm), true));
            (sext32(r), flags)
        }
        FcvtLD => {
            let (r, flags) = sf(|| d(a).to_i64(rounding(rm), true));
            (r as u64, flags)
        }
        FcvtLuD => sf(|| d(a).to_u64(rounding(rm), true)),
        FcvtDW => raw(sf(|| F64::from_i32(a as i32, rounding(rm)))),
        FcvtDWu => raw(sf(|| F64::from_u32(a as u32, rounding(rm)))),
        FcvtDL => raw(sf(|| F64::from_i64(a as i64, rounding(rm)))),
        FcvtDLu => raw(sf(|| F64::from_u64(a, rounding(rm)))),

        _ => {
            debug_assert!(false, "fpu::execute called with non-FP op {op:?}");
            (0, 0)
        }
    }
}

/// The host FPU's answer for a round-to-nearest-even add, subtract,
/// multiply, divide or square root, when it provably equals SoftFloat's:
/// the operands are finite and normal (or zero, where that cannot
/// underflow) and the result is zero only exactly and otherwise normal and
/// finite. Then the only flag the operation can raise is inexact, which
/// the exact error term decides: two-sum for add/subtract, a fused
/// multiply-add residual for the others (exactly representable while the
/// magnitudes stay well inside the exponent range, which is required
/// here). Everything else returns `None` and goes to SoftFloat.
#[inline]
fn host_fast(op: Op, a: u64, b: u64) -> Option<(u64, u8)> {
    use Op::*;
    macro_rules! fast {
        ($t:ty, $x:expr, $y:expr, $bits:expr, $lo:expr, $hi:expr) => {{
            let x: $t = $x;
            let y: $t = $y;
            // Zero, or a normal number far from underflow and overflow.
            let mid = |v: $t| v == 0.0 || (v.abs() >= $lo && v.abs() <= $hi);
            let ok = |v: $t| v == 0.0 || v.is_normal();
            let (r, exact) = match op {
                FaddS | FaddD | FsubS | FsubD => {
                    let y = if matches!(op, FsubS | FsubD) { -y } else { y };
                    if !ok(x) || !ok(y) {
                        return None;
                    }
                    let r = x + y;
                    if !(r == 0.0 || r.is_normal()) {
                        return None;
                    }
                    let yy = r - x;
                    let err = (x - (r - yy)) + (y - yy);
                    (r, err == 0.0)
                }
                FmulS | FmulD => {
                    let r = x * y;
                    if !mid(x) || !mid(y) || !mid(r) || (r == 0.0 && x != 0.0 && y != 0.0) {
                        return None;
                    }
                    (r, x.mul_add(y, -r) == 0.0)
                }
                FdivS | FdivD => {
                    if y == 0.0 {
                        return None;
                    }
                    let r = x / y;
                    if !mid(x) || !mid(y) || !mid(r) || (r == 0.0 && x != 0.0) {
                        return None;
                    }
                    (r, r.mul_add(y, -x) == 0.0)
                }
                FsqrtS | FsqrtD => {
                    if !mid(x) || x < 0.0 {
                        return None;
                    }
                    let r = x.sqrt();
                    (r, r.mul_add(r, -x) == 0.0)
                }
                _ => return None,
            };
            Some(($bits(r), if exact { 0 } else { NX }))
        }};
    }
    match op {
        FaddD | FsubD | FmulD | FdivD | FsqrtD => fast!(
            f64,
            f64::from_bits(a),
            f64::from_bits(b),
            |r: f64| r.to_bits(),
            f64::from_bits(0x1ff0_0000_0000_0000), // 2^-512
            f64::from_bits(0x5ff0_0000_0000_0000)  // 2^512
        ),
        FaddS | FsubS | FmulS | FdivS | FsqrtS => {
            if a >> 32 != 0xffff_ffff || (b >> 32 != 0xffff_ffff && op != FsqrtS) {
                return None;
            }
            fast!(
                f32,
                f32::from_bits(a as u32),
                f32::from_bits(b as u32),
                |r: f32| nan_box(r.to_bits()),
                f32::from_bits(0x1f80_0000), // 2^-64
                f32::from_bits(0x5f80_0000)  // 2^64
            )
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
