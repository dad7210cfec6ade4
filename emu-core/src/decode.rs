//! Instruction decoder: raw RV64GC (+ Zba, Zbb, Zbs, Zicond, Zicsr,
//! Zifencei, privileged) encodings to the compact [`Insn`] form.
//!
//! 32-bit encodings are decoded by a plain match on opcode and function
//! fields. A 16-bit compressed encoding is first expanded to its 32-bit
//! equivalent ([`expand_compressed`]) and that is decoded, so a compressed
//! instruction yields exactly the same fields as its expansion (only `len`
//! and `raw` differ). Every reserved or unsupported encoding decodes to
//! [`Op::Illegal`] (see [`Insn::illegal`]).
//!
//! HINT encodings (e.g. `c.li x0, 5`, `c.slli x0, 3`, `c.mv x0, a1`) decode
//! to their ordinary base instruction with `rd = 0`, which is a no-op.

use crate::insn::{Insn, Op};

/// Is `raw` (its low 16 bits) a 16-bit compressed instruction?
#[inline]
pub const fn is_compressed(raw: u32) -> bool {
    raw & 3 != 3
}

/// Length in bytes (2 or 4) of the instruction whose first bits are `raw`.
#[inline]
pub const fn insn_len(raw: u32) -> u8 {
    if is_compressed(raw) {
        2
    } else {
        4
    }
}

/// Decodes one instruction.
///
/// If `raw & 3 != 3` the low 16 bits are a compressed instruction (the upper
/// bits are ignored and the result has `len == 2`, `raw == raw & 0xffff`);
/// otherwise `raw` is a 32-bit instruction (`len == 4`).
#[inline]
pub fn decode(raw: u32) -> Insn {
    if is_compressed(raw) {
        let half = raw & 0xffff;
        // Every expansion decodes to a legal op (checked exhaustively in
        // the tests), so only the length and raw bits need adjusting.
        match expand_compressed(half as u16) {
            Some(wide) => Insn {
                len: 2,
                raw: half,
                ..decode32(wide)
            },
            None => Insn::illegal(half, 2),
        }
    } else {
        decode32(raw)
    }
}

// ---------------------------------------------------------------------------
// Field extraction
// ---------------------------------------------------------------------------

#[inline(always)]
const fn rd(raw: u32) -> u8 {
    ((raw >> 7) & 0x1f) as u8
}
#[inline(always)]
const fn rs1(raw: u32) -> u8 {
    ((raw >> 15) & 0x1f) as u8
}
#[inline(always)]
const fn rs2(raw: u32) -> u8 {
    ((raw >> 20) & 0x1f) as u8
}
#[inline(always)]
const fn rs3(raw: u32) -> u8 {
    ((raw >> 27) & 0x1f) as u8
}
#[inline(always)]
const fn funct3(raw: u32) -> u32 {
    (raw >> 12) & 7
}
#[inline(always)]
const fn funct7(raw: u32) -> u32 {
    raw >> 25
}
#[inline(always)]
const fn imm_i(raw: u32) -> i32 {
    (raw as i32) >> 20
}
#[inline(always)]
const fn imm_s(raw: u32) -> i32 {
    (((raw & 0xfe00_0000) as i32) >> 20) | ((raw >> 7) & 0x1f) as i32
}
#[inline(always)]
const fn imm_b(raw: u32) -> i32 {
    (((raw & 0x8000_0000) as i32) >> 19)
        | ((raw & 0x80) << 4) as i32
        | ((raw >> 20) & 0x7e0) as i32
        | ((raw >> 7) & 0x1e) as i32
}
#[inline(always)]
const fn imm_u(raw: u32) -> i32 {
    (raw & 0xffff_f000) as i32
}
#[inline(always)]
const fn imm_j(raw: u32) -> i32 {
    (((raw & 0x8000_0000) as i32) >> 11)
        | (raw & 0xf_f000) as i32
        | ((raw >> 9) & 0x800) as i32
        | ((raw >> 20) & 0x7fe) as i32
}

/// Builds a 4-byte [`Insn`].
#[inline(always)]
const fn mk(op: Op, rd: u8, rs1: u8, rs2: u8, imm: i32, raw: u32) -> Insn {
    Insn {
        op,
        rd,
        rs1,
        rs2,
        rs3: 0,
        rm: 0,
        len: 4,
        imm,
        raw,
    }
}

/// R-type: rd, rs1, rs2.
#[inline(always)]
const fn r(op: Op, raw: u32) -> Insn {
    mk(op, rd(raw), rs1(raw), rs2(raw), 0, raw)
}

/// I-type: rd, rs1, imm.
#[inline(always)]
const fn i(op: Op, raw: u32) -> Insn {
    mk(op, rd(raw), rs1(raw), 0, imm_i(raw), raw)
}

/// Unary: rd, rs1.
#[inline(always)]
const fn un(op: Op, raw: u32) -> Insn {
    mk(op, rd(raw), rs1(raw), 0, 0, raw)
}

/// Shift by immediate: rd, rs1, imm = shamt (`mask` selects its width).
#[inline(always)]
const fn sh(op: Op, raw: u32, mask: u32) -> Insn {
    mk(op, rd(raw), rs1(raw), 0, ((raw >> 20) & mask) as i32, raw)
}

/// FP op with a rounding-mode field: rd, rs1, rs2, rm = funct3.
#[inline(always)]
const fn fr(op: Op, raw: u32) -> Insn {
    let mut insn = r(op, raw);
    insn.rm = funct3(raw) as u8;
    insn
}

/// FP op with rounding mode and one source: rd, rs1, rm = funct3.
#[inline(always)]
const fn fu(op: Op, raw: u32) -> Insn {
    let mut insn = un(op, raw);
    insn.rm = funct3(raw) as u8;
    insn
}

#[inline(always)]
const fn ill(raw: u32) -> Insn {
    Insn::illegal(raw, 4)
}

// ---------------------------------------------------------------------------
// 32-bit decoder
// ---------------------------------------------------------------------------

/// Decodes a 32-bit encoding (`raw & 3` must be 3; otherwise illegal).
pub fn decode32(raw: u32) -> Insn {
    use Op::*;
    let f3 = funct3(raw);
    match raw & 0x7f {
        0x37 => mk(Lui, rd(raw), 0, 0, imm_u(raw), raw),
        0x17 => mk(Auipc, rd(raw), 0, 0, imm_u(raw), raw),
        0x6f => mk(Jal, rd(raw), 0, 0, imm_j(raw), raw),
        0x67 => match f3 {
            0 => i(Jalr, raw),
            _ => ill(raw),
        },
        0x63 => {
            let op = match f3 {
                0 => Beq,
                1 => Bne,
                4 => Blt,
                5 => Bge,
                6 => Bltu,
                7 => Bgeu,
                _ => return ill(raw),
            };
            mk(op, 0, rs1(raw), rs2(raw), imm_b(raw), raw)
        }
        0x03 => {
            let op = match f3 {
                0 => Lb,
                1 => Lh,
                2 => Lw,
                3 => Ld,
                4 => Lbu,
                5 => Lhu,
                6 => Lwu,
                _ => return ill(raw),
            };
            i(op, raw)
        }
        0x23 => {
            let op = match f3 {
                0 => Sb,
                1 => Sh,
                2 => Sw,
                3 => Sd,
                _ => return ill(raw),
            };
            mk(op, 0, rs1(raw), rs2(raw), imm_s(raw), raw)
        }
        0x13 => decode_op_imm(raw),
        0x1b => decode_op_imm_32(raw),
        0x33 => decode_op(raw),
        0x3b => decode_op_32(raw),
        0x0f => match f3 {
            // fence / fence.tso / pause: fm, pred, succ in imm (zero-extended);
            // rd and rs1 are reserved and ignored.
            0 => mk(Fence, 0, 0, 0, (raw >> 20) as i32, raw),
            1 => mk(FenceI, 0, 0, 0, 0, raw),
            _ => ill(raw),
        },
        0x73 => decode_system(raw),
        0x2f => decode_amo(raw),
        0x07 => match f3 {
            2 => i(Flw, raw),
            3 => i(Fld, raw),
            _ => ill(raw),
        },
        0x27 => {
            let op = match f3 {
                2 => Fsw,
                3 => Fsd,
                _ => return ill(raw),
            };
            mk(op, 0, rs1(raw), rs2(raw), imm_s(raw), raw)
        }
        0x43 | 0x47 | 0x4b | 0x4f => {
            let double = match (raw >> 25) & 3 {
                0 => false,
                1 => true,
                _ => return ill(raw),
            };
            let op = match (raw >> 2) & 3 {
                0 => [FmaddS, FmaddD][double as usize],
                1 => [FmsubS, FmsubD][double as usize],
                2 => [FnmsubS, FnmsubD][double as usize],
                _ => [FnmaddS, FnmaddD][double as usize],
            };
            let mut insn = fr(op, raw);
            insn.rs3 = rs3(raw);
            insn
        }
        0x53 => decode_op_fp(raw),
        _ => ill(raw),
    }
}

fn decode_op_imm(raw: u32) -> Insn {
    use Op::*;
    match funct3(raw) {
        0 => i(Addi, raw),
        2 => i(Slti, raw),
        3 => i(Sltiu, raw),
        4 => i(Xori, raw),
        6 => i(Ori, raw),
        7 => i(Andi, raw),
        1 => match raw >> 26 {
            0b000000 => sh(Slli, raw, 0x3f),
            0b010010 => sh(Bclri, raw, 0x3f),
            0b011010 => sh(Binvi, raw, 0x3f),
            0b001010 => sh(Bseti, raw, 0x3f),
            _ => match raw >> 20 {
                0x600 => un(Clz, raw),
                0x601 => un(Ctz, raw),
                0x602 => un(Cpop, raw),
                0x604 => un(SextB, raw),
                0x605 => un(SextH, raw),
                _ => ill(raw),
            },
        },
        _ => match raw >> 26 {
            0b000000 => sh(Srli, raw, 0x3f),
            0b010000 => sh(Srai, raw, 0x3f),
            0b011000 => sh(Rori, raw, 0x3f),
            0b010010 => sh(Bexti, raw, 0x3f),
            _ => match raw >> 20 {
                0x287 => un(OrcB, raw),
                0x6b8 => un(Rev8, raw),
                _ => ill(raw),
            },
        },
    }
}

fn decode_op_imm_32(raw: u32) -> Insn {
    use Op::*;
    match funct3(raw) {
        0 => i(Addiw, raw),
        1 => match funct7(raw) {
            0b000_0000 => sh(Slliw, raw, 0x1f),
            0b000_0100 | 0b000_0101 => sh(SlliUw, raw, 0x3f),
            0b011_0000 => match rs2(raw) {
                0 => un(Clzw, raw),
                1 => un(Ctzw, raw),
                2 => un(Cpopw, raw),
                _ => ill(raw),
            },
            _ => ill(raw),
        },
        5 => match funct7(raw) {
            0b000_0000 => sh(Srliw, raw, 0x1f),
            0b010_0000 => sh(Sraiw, raw, 0x1f),
            0b011_0000 => sh(Roriw, raw, 0x1f),
            _ => ill(raw),
        },
        _ => ill(raw),
    }
}

fn decode_op(raw: u32) -> Insn {
    use Op::*;
    let op = match (funct7(raw), funct3(raw)) {
        (0b000_0000, 0) => Add,
        (0b000_0000, 1) => Sll,
        (0b000_0000, 2) => Slt,
        (0b000_0000, 3) => Sltu,
        (0b000_0000, 4) => Xor,
        (0b000_0000, 5) => Srl,
        (0b000_0000, 6) => Or,
        (0b000_0000, 7) => And,
        (0b010_0000, 0) => Sub,
        (0b010_0000, 5) => Sra,
        (0b010_0000, 4) => Xnor,
        (0b010_0000, 6) => Orn,
        (0b010_0000, 7) => Andn,
        (0b000_0001, 0) => Mul,
        (0b000_0001, 1) => Mulh,
        (0b000_0001, 2) => Mulhsu,
        (0b000_0001, 3) => Mulhu,
        (0b000_0001, 4) => Div,
        (0b000_0001, 5) => Divu,
        (0b000_0001, 6) => Rem,
        (0b000_0001, 7) => Remu,
        (0b001_0000, 2) => Sh1add,
        (0b001_0000, 4) => Sh2add,
        (0b001_0000, 6) => Sh3add,
        (0b000_0101, 4) => Min,
        (0b000_0101, 5) => Minu,
        (0b000_0101, 6) => Max,
        (0b000_0101, 7) => Maxu,
        (0b011_0000, 1) => Rol,
        (0b011_0000, 5) => Ror,
        (0b010_0100, 1) => Bclr,
        (0b010_0100, 5) => Bext,
        (0b011_0100, 1) => Binv,
        (0b001_0100, 1) => Bset,
        (0b000_0111, 5) => CzeroEqz,
        (0b000_0111, 7) => CzeroNez,
        _ => return ill(raw),
    };
    r(op, raw)
}

fn decode_op_32(raw: u32) -> Insn {
    use Op::*;
    let op = match (funct7(raw), funct3(raw)) {
        (0b000_0000, 0) => Addw,
        (0b000_0000, 1) => Sllw,
        (0b000_0000, 5) => Srlw,
        (0b010_0000, 0) => Subw,
        (0b010_0000, 5) => Sraw,
        (0b000_0001, 0) => Mulw,
        (0b000_0001, 4) => Divw,
        (0b000_0001, 5) => Divuw,
        (0b000_0001, 6) => Remw,
        (0b000_0001, 7) => Remuw,
        (0b000_0100, 0) => AddUw,
        (0b000_0100, 4) if rs2(raw) == 0 => return un(ZextH, raw),
        (0b001_0000, 2) => Sh1addUw,
        (0b001_0000, 4) => Sh2addUw,
        (0b001_0000, 6) => Sh3addUw,
        (0b011_0000, 1) => Rolw,
        (0b011_0000, 5) => Rorw,
        _ => return ill(raw),
    };
    r(op, raw)
}

fn decode_system(raw: u32) -> Insn {
    use Op::*;
    let f3 = funct3(raw);
    let csr = (raw >> 20) as i32;
    match f3 {
        0 => match raw {
            0x0000_0073 => mk(Ecall, 0, 0, 0, 0, raw),
            0x0010_0073 => mk(Ebreak, 0, 0, 0, 0, raw),
            0x3020_0073 => mk(Mret, 0, 0, 0, 0, raw),
            0x1020_0073 => mk(Sret, 0, 0, 0, 0, raw),
            0x1050_0073 => mk(Wfi, 0, 0, 0, 0, raw),
            _ if funct7(raw) == 0b000_1001 && rd(raw) == 0 => {
                mk(SfenceVma, 0, rs1(raw), rs2(raw), 0, raw)
            }
            _ => ill(raw),
        },
        1 => mk(Csrrw, rd(raw), rs1(raw), 0, csr, raw),
        2 => mk(Csrrs, rd(raw), rs1(raw), 0, csr, raw),
        3 => mk(Csrrc, rd(raw), rs1(raw), 0, csr, raw),
        5 => mk(Csrrwi, rd(raw), rs1(raw), 0, csr, raw),
        6 => mk(Csrrsi, rd(raw), rs1(raw), 0, csr, raw),
        7 => mk(Csrrci, rd(raw), rs1(raw), 0, csr, raw),
        _ => ill(raw),
    }
}

fn decode_amo(raw: u32) -> Insn {
    use Op::*;
    let double = match funct3(raw) {
        2 => false,
        3 => true,
        _ => return ill(raw),
    };
    let (w, d) = match raw >> 27 {
        0b00010 => {
            if rs2(raw) != 0 {
                return ill(raw);
            }
            (LrW, LrD)
        }
        0b00011 => (ScW, ScD),
        0b00001 => (AmoswapW, AmoswapD),
        0b00000 => (AmoaddW, AmoaddD),
        0b00100 => (AmoxorW, AmoxorD),
        0b01100 => (AmoandW, AmoandD),
        0b01000 => (AmoorW, AmoorD),
        0b10000 => (AmominW, AmominD),
        0b10100 => (AmomaxW, AmomaxD),
        0b11000 => (AmominuW, AmominuD),
        0b11100 => (AmomaxuW, AmomaxuD),
        _ => return ill(raw),
    };
    let mut insn = r(if double { d } else { w }, raw);
    insn.rm = ((raw >> 25) & 3) as u8;
    insn
}

fn decode_op_fp(raw: u32) -> Insn {
    use Op::*;
    let double = match (raw >> 25) & 3 {
        0 => false,
        1 => true,
        _ => return ill(raw),
    };
    // Picks the S or D variant.
    let sd = |s: Op, d: Op| if double { d } else { s };
    let f3 = funct3(raw);
    let r2 = rs2(raw);
    match raw >> 27 {
        0b00000 => fr(sd(FaddS, FaddD), raw),
        0b00001 => fr(sd(FsubS, FsubD), raw),
        0b00010 => fr(sd(FmulS, FmulD), raw),
        0b00011 => fr(sd(FdivS, FdivD), raw),
        0b01011 if r2 == 0 => fu(sd(FsqrtS, FsqrtD), raw),
        0b00100 => match f3 {
            0 => r(sd(FsgnjS, FsgnjD), raw),
            1 => r(sd(FsgnjnS, FsgnjnD), raw),
            2 => r(sd(FsgnjxS, FsgnjxD), raw),
            _ => ill(raw),
        },
        0b00101 => match f3 {
            0 => r(sd(FminS, FminD), raw),
            1 => r(sd(FmaxS, FmaxD), raw),
            _ => ill(raw),
        },
        0b01000 => match (double, r2) {
            (false, 1) => fu(FcvtSD, raw),
            (true, 0) => fu(FcvtDS, raw),
            _ => ill(raw),
        },
        0b10100 => match f3 {
            0 => r(sd(FleS, FleD), raw),
            1 => r(sd(FltS, FltD), raw),
            2 => r(sd(FeqS, FeqD), raw),
            _ => ill(raw),
        },
        0b11000 => match r2 {
            0 => fu(sd(FcvtWS, FcvtWD), raw),
            1 => fu(sd(FcvtWuS, FcvtWuD), raw),
            2 => fu(sd(FcvtLS, FcvtLD), raw),
            3 => fu(sd(FcvtLuS, FcvtLuD), raw),
            _ => ill(raw),
        },
        0b11010 => match r2 {
            0 => fu(sd(FcvtSW, FcvtDW), raw),
            1 => fu(sd(FcvtSWu, FcvtDWu), raw),
            2 => fu(sd(FcvtSL, FcvtDL), raw),
            3 => fu(sd(FcvtSLu, FcvtDLu), raw),
            _ => ill(raw),
        },
        0b11100 if r2 == 0 => match f3 {
            0 => un(sd(FmvXW, FmvXD), raw),
            1 => un(sd(FclassS, FclassD), raw),
            _ => ill(raw),
        },
        0b11110 if r2 == 0 && f3 == 0 => un(sd(FmvWX, FmvDX), raw),
        _ => ill(raw),
    }
}

// ---------------------------------------------------------------------------
// Compressed expansion
// ---------------------------------------------------------------------------

const OP_LOAD: u32 = 0x03;
const OP_LOAD_FP: u32 = 0x07;
const OP_IMM: u32 = 0x13;
const OP_IMM_32: u32 = 0x1b;
const OP_STORE: u32 = 0x23;
const OP_STORE_FP: u32 = 0x27;
const OP_OP: u32 = 0x33;
const OP_LUI: u32 = 0x37;
const OP_OP_32: u32 = 0x3b;
const OP_BRANCH: u32 = 0x63;
const OP_JALR: u32 = 0x67;
const OP_JAL: u32 = 0x6f;

#[inline(always)]
const fn enc_r(opc: u32, rd: u32, f3: u32, rs1: u32, rs2: u32, f7: u32) -> u32 {
    (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc
}
#[inline(always)]
const fn enc_i(opc: u32, rd: u32, f3: u32, rs1: u32, imm: i32) -> u32 {
    ((imm as u32) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc
}
#[inline(always)]
const fn enc_s(opc: u32, f3: u32, rs1: u32, rs2: u32, imm: i32) -> u32 {
    let imm = imm as u32;
    ((imm >> 5 & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 0x1f) << 7) | opc
}
#[inline(always)]
const fn enc_b(f3: u32, rs1: u32, rs2: u32, imm: i32) -> u32 {
    let imm = imm as u32;
    ((imm >> 12 & 1) << 31)
        | ((imm >> 5 & 0x3f) << 25)
        | (rs2 << 20)
        | (rs1 << 15)
        | (f3 << 12)
        | ((imm >> 1 & 0xf) << 8)
        | ((imm >> 11 & 1) << 7)
        | OP_BRANCH
}
#[inline(always)]
const fn enc_j(rd: u32, imm: i32) -> u32 {
    let imm = imm as u32;
    ((imm >> 20 & 1) << 31)
        | ((imm >> 1 & 0x3ff) << 21)
        | ((imm >> 11 & 1) << 20)
        | (imm & 0xff000)
        | (rd << 7)
        | OP_JAL
}

/// Extracts bit `from` of `x` and places it at bit `to`.
#[inline(always)]
const fn bit(x: u32, from: u32, to: u32) -> u32 {
    ((x >> from) & 1) << to
}

/// Sign-extends the low `bits` bits of `x`.
#[inline(always)]
const fn sext(x: u32, bits: u32) -> i32 {
    ((x << (32 - bits)) as i32) >> (32 - bits)
}

/// Expands a 16-bit compressed instruction (RV64C, with the D extension's
/// `c.fld`/`c.fsd`/`c.fldsp`/`c.fsdsp`) to its 32-bit equivalent.
///
/// Returns `None` for reserved encodings (including all-zero), for the
/// unsupported quadrant-0 `funct3 = 100` space, and for `raw & 3 == 3`.
/// HINTs expand to their base instruction (with `rd = x0`).
pub fn expand_compressed(raw: u16) -> Option<u32> {
    let c = raw as u32;
    let f3 = (c >> 13) & 7;
    // Full register fields (bits 11:7 and 6:2).
    let rd_full = (c >> 7) & 0x1f;
    let rs2_full = (c >> 2) & 0x1f;
    // Compressed register fields rd'/rs1' (9:7) and rs2' (4:2), x8..x15.
    let rs1p = ((c >> 7) & 7) + 8;
    let rs2p = ((c >> 2) & 7) + 8;
    // CI-format 6-bit immediate: imm[5] = bit 12, imm[4:0] = bits 6:2.
    let ci6 = bit(c, 12, 5) | ((c >> 2) & 0x1f);

    Some(match c & 3 {
        0 => match f3 {
            0 => {
                // c.addi4spn rd', sp, nzuimm
                let imm =
                    bit(c, 5, 3) | bit(c, 6, 2) | (((c >> 11) & 3) << 4) | (((c >> 7) & 0xf) << 6);
                if imm == 0 {
                    return None;
                }
                enc_i(OP_IMM, rs2p, 0, 2, imm as i32)
            }
            1 | 3 => {
                // c.fld / c.ld: uimm[5:3] = 12:10, uimm[7:6] = 6:5
                let imm = (((c >> 10) & 7) << 3) | (((c >> 5) & 3) << 6);
                let opc = if f3 == 1 { OP_LOAD_FP } else { OP_LOAD };
                enc_i(opc, rs2p, 3, rs1p, imm as i32)
            }
            2 => {
                // c.lw: uimm[5:3] = 12:10, uimm[2] = 6, uimm[6] = 5
                let imm = (((c >> 10) & 7) << 3) | bit(c, 6, 2) | bit(c, 5, 6);
                enc_i(OP_LOAD, rs2p, 2, rs1p, imm as i32)
            }
            5 | 7 => {
                // c.fsd / c.sd
                let imm = (((c >> 10) & 7) << 3) | (((c >> 5) & 3) << 6);
                let opc = if f3 == 5 { OP_STORE_FP } else { OP_STORE };
                enc_s(opc, 3, rs1p, rs2p, imm as i32)
            }
            6 => {
                // c.sw
                let imm = (((c >> 10) & 7) << 3) | bit(c, 6, 2) | bit(c, 5, 6);
                enc_s(OP_STORE, 2, rs1p, rs2p, imm as i32)
            }
            // 4: reserved (Zcb) — unsupported.
            _ => return None,
        },
        1 => match f3 {
            // c.addi / c.nop (rd = 0 or imm = 0 are HINTs)
            0 => enc_i(OP_IMM, rd_full, 0, rd_full, sext(ci6, 6)),
            1 => {
                // c.addiw (RV64; rd = 0 reserved)
                if rd_full == 0 {
                    return None;
                }
                enc_i(OP_IMM_32, rd_full, 0, rd_full, sext(ci6, 6))
            }
            // c.li (rd = 0 is a HINT)
            2 => enc_i(OP_IMM, rd_full, 0, 0, sext(ci6, 6)),
            3 => {
                if rd_full == 2 {
                    // c.addi16sp: nzimm[9] = 12, [4] = 6, [6] = 5, [8:7] = 4:3, [5] = 2
                    let imm = bit(c, 12, 9)
                        | bit(c, 6, 4)
                        | bit(c, 5, 6)
                        | (((c >> 3) & 3) << 7)
                        | bit(c, 2, 5);
                    if imm == 0 {
                        return None;
                    }
                    enc_i(OP_IMM, 2, 0, 2, sext(imm, 10))
                } else {
                    // c.lui (rd = 0 is a HINT, nzimm = 0 reserved)
                    if ci6 == 0 {
                        return None;
                    }
                    let imm = sext(ci6, 6) << 12;
                    (imm as u32) | (rd_full << 7) | OP_LUI
                }
            }
            4 => match (c >> 10) & 3 {
                // c.srli / c.srai (shamt[5] = bit 12; shamt = 0 is a HINT)
                0 => enc_i(OP_IMM, rs1p, 5, rs1p, ci6 as i32),
                1 => enc_i(OP_IMM, rs1p, 5, rs1p, (ci6 | 0x400) as i32),
                // c.andi
                2 => enc_i(OP_IMM, rs1p, 7, rs1p, sext(ci6, 6)),
                _ => {
                    let (opc, f3, f7) = match (bit(c, 12, 2)) | ((c >> 5) & 3) {
                        0 => (OP_OP, 0, 0x20),    // c.sub
                        1 => (OP_OP, 4, 0),       // c.xor
                        2 => (OP_OP, 6, 0),       // c.or
                        3 => (OP_OP, 7, 0),       // c.and
                        4 => (OP_OP_32, 0, 0x20), // c.subw
                        5 => (OP_OP_32, 0, 0),    // c.addw
                        _ => return None,         // reserved
                    };
                    enc_r(opc, rs1p, f3, rs1p, rs2p, f7)
                }
            },
            5 => {
                // c.j: offset[11|4|9:8|10|6|7|3:1|5] = bits 12..2
                let imm = bit(c, 12, 11)
                    | bit(c, 11, 4)
                    | (((c >> 9) & 3) << 8)
                    | bit(c, 8, 10)
                    | bit(c, 7, 6)
                    | bit(c, 6, 7)
                    | (((c >> 3) & 7) << 1)
                    | bit(c, 2, 5);
                enc_j(0, sext(imm, 12))
            }
            _ => {
                // c.beqz / c.bnez: offset[8|4:3] = 12:10, [7:6|2:1|5] = 6:2
                let imm = bit(c, 12, 8)
                    | (((c >> 10) & 3) << 3)
                    | (((c >> 5) & 3) << 6)
                    | (((c >> 3) & 3) << 1)
                    | bit(c, 2, 5);
                enc_b(f3 - 6, rs1p, 0, sext(imm, 9))
            }
        },
        2 => match f3 {
            // c.slli (rd = 0 or shamt = 0 are HINTs)
            0 => enc_i(OP_IMM, rd_full, 1, rd_full, ci6 as i32),
            1 | 3 => {
                // c.fldsp / c.ldsp: uimm[5] = 12, [4:3] = 6:5, [8:6] = 4:2
                if f3 == 3 && rd_full == 0 {
                    return None;
                }
                let imm = bit(c, 12, 5) | (((c >> 5) & 3) << 3) | (((c >> 2) & 7) << 6);
                let opc = if f3 == 1 { OP_LOAD_FP } else { OP_LOAD };
                enc_i(opc, rd_full, 3, 2, imm as i32)
            }
            2 => {
                // c.lwsp: uimm[5] = 12, [4:2] = 6:4, [7:6] = 3:2
                if rd_full == 0 {
                    return None;
                }
                let imm = bit(c, 12, 5) | (((c >> 4) & 7) << 2) | (((c >> 2) & 3) << 6);
                enc_i(OP_LOAD, rd_full, 2, 2, imm as i32)
            }
            4 => {
                let bit12 = (c >> 12) & 1;
                match (bit12, rd_full, rs2_full) {
                    (0, 0, 0) => return None,                              // c.jr x0: reserved
                    (0, _, 0) => enc_i(OP_JALR, 0, 0, rd_full, 0),         // c.jr
                    (0, _, _) => enc_r(OP_OP, rd_full, 0, 0, rs2_full, 0), // c.mv
                    (_, 0, 0) => 0x0010_0073,                              // c.ebreak
                    (_, _, 0) => enc_i(OP_JALR, 1, 0, rd_full, 0),         // c.jalr
                    _ => enc_r(OP_OP, rd_full, 0, rd_full, rs2_full, 0),   // c.add
                }
            }
            5 | 7 => {
                // c.fsdsp / c.sdsp: uimm[5:3] = 12:10, [8:6] = 9:7
                let imm = (((c >> 10) & 7) << 3) | (((c >> 7) & 7) << 6);
                let opc = if f3 == 5 { OP_STORE_FP } else { OP_STORE };
                enc_s(opc, 3, 2, rs2_full, imm as i32)
            }
            _ => {
                // 6: c.swsp: uimm[5:2] = 12:9, [7:6] = 8:7
                let imm = (((c >> 9) & 0xf) << 2) | (((c >> 7) & 3) << 6);
                enc_s(OP_STORE, 2, 2, rs2_full, imm as i32)
            }
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disasm::disasm;
    use proptest::prelude::*;

    /// `(raw, op, rd, rs1, rs2, rs3, rm, imm)`.
    type Row = (u32, Op, u8, u8, u8, u8, u8, i32);

    /// Known encodings as [`Row`]s, assembled with
    /// `riscv64-unknown-elf-as -march=rv64gc_zba_zbb_zbs_zihintpause`
    /// (Zicond via `.insn r`); the expected fields come from the assembler
    /// source operands.
    #[rustfmt::skip]
    const KNOWN: &[Row] = {
        use Op::*;
        &[
        (0x011083b3, Add, 7, 1, 17, 0, 0, 0), // add t2,ra,a7
        (0x408707b3, Sub, 15, 14, 8, 0, 0, 0), // sub a5,a4,s0
        (0x01b29333, Sll, 6, 5, 27, 0, 0, 0), // sll t1,t0,s11
        (0x0050a133, Slt, 2, 1, 5, 0, 0, 0), // slt sp,ra,t0
        (0x001736b3, Sltu, 13, 14, 1, 0, 0, 0), // sltu a3,a4,ra
        (0x00ed4633, Xor, 12, 26, 14, 0, 0, 0), // xor a2,s10,a4
        (0x0008de33, Srl, 28, 17, 0, 0, 0, 0), // srl t3,a7,zero
        (0x415dd533, Sra, 10, 27, 21, 0, 0, 0), // sra a0,s11,s5
        (0x00d4e8b3, Or, 17, 9, 13, 0, 0, 0), // or a7,s1,a3
        (0x00537ab3, And, 21, 6, 5, 0, 0, 0), // and s5,t1,t0
        (0x01630c3b, Addw, 24, 6, 22, 0, 0, 0), // addw s8,t1,s6
        (0x40280b3b, Subw, 22, 16, 2, 0, 0, 0), // subw s6,a6,sp
        (0x01839ebb, Sllw, 29, 7, 24, 0, 0, 0), // sllw t4,t2,s8
        (0x017952bb, Srlw, 5, 18, 23, 0, 0, 0), // srlw t0,s2,s7
        (0x4022563b, Sraw, 12, 4, 2, 0, 0, 0), // sraw a2,tp,sp
        (0x02590733, Mul, 14, 18, 5, 0, 0, 0), // mul a4,s2,t0
        (0x03831733, Mulh, 14, 6, 24, 0, 0, 0), // mulh a4,t1,s8
        (0x037ea8b3, Mulhsu, 17, 29, 23, 0, 0, 0), // mulhsu a7,t4,s7
        (0x036bb533, Mulhu, 10, 23, 22, 0, 0, 0), // mulhu a0,s7,s6
        (0x0248c6b3, Div, 13, 17, 4, 0, 0, 0), // div a3,a7,tp
        (0x02a7d533, Divu, 10, 15, 10, 0, 0, 0), // divu a0,a5,a0
        (0x031c6eb3, Rem, 29, 24, 17, 0, 0, 0), // rem t4,s8,a7
        (0x023a7733, Remu, 14, 20, 3, 0, 0, 0), // remu a4,s4,gp
        (0x0341073b, Mulw, 14, 2, 20, 0, 0, 0), // mulw a4,sp,s4
        (0x0248ccbb, Divw, 25, 17, 4, 0, 0, 0), // divw s9,a7,tp
        (0x02da56bb, Divuw, 13, 20, 13, 0, 0, 0), // divuw a3,s4,a3
        (0x03dcefbb, Remw, 31, 25, 29, 0, 0, 0), // remw t6,s9,t4
        (0x028874bb, Remuw, 9, 16, 8, 0, 0, 0), // remuw s1,a6,s0
        (0x09b807bb, AddUw, 15, 16, 27, 0, 0, 0), // add.uw a5,a6,s11
        (0x20ebacb3, Sh1add, 25, 23, 14, 0, 0, 0), // sh1add s9,s7,a4
        (0x205fc433, Sh2add, 8, 31, 5, 0, 0, 0), // sh2add s0,t6,t0
        (0x2093e1b3, Sh3add, 3, 7, 9, 0, 0, 0), // sh3add gp,t2,s1
        (0x204da53b, Sh1addUw, 10, 27, 4, 0, 0, 0), // sh1add.uw a0,s11,tp
        (0x21dc4c3b, Sh2addUw, 24, 24, 29, 0, 0, 0), // sh2add.uw s8,s8,t4
        (0x2070683b, Sh3addUw, 16, 0, 7, 0, 0, 0), // sh3add.uw a6,zero,t2
        (0x407af8b3, Andn, 17, 21, 7, 0, 0, 0), // andn a7,s5,t2
        (0x40ade933, Orn, 18, 27, 10, 0, 0, 0), // orn s2,s11,a0
        (0x41004eb3, Xnor, 29, 0, 16, 0, 0, 0), // xnor t4,zero,a6
        (0x0b3365b3, Max, 11, 6, 19, 0, 0, 0), // max a1,t1,s3
        (0x0b74f633, Maxu, 12, 9, 23, 0, 0, 0), // maxu a2,s1,s7
        (0x0b404533, Min, 10, 0, 20, 0, 0, 0), // min a0,zero,s4
        (0x0a70dfb3, Minu, 31, 1, 7, 0, 0, 0), // minu t6,ra,t2
        (0x60f99bb3, Rol, 23, 19, 15, 0, 0, 0), // rol s7,s3,a5
        (0x605791bb, Rolw, 3, 15, 5, 0, 0, 0), // rolw gp,a5,t0
        (0x604fd2b3, Ror, 5, 31, 4, 0, 0, 0), // ror t0,t6,tp
        (0x61e4543b, Rorw, 8, 8, 30, 0, 0, 0), // rorw s0,s0,t5
        (0x49b81533, Bclr, 10, 16, 27, 0, 0, 0), // bclr a0,a6,s11
        (0x493656b3, Bext, 13, 12, 19, 0, 0, 0), // bext a3,a2,s3
        (0x69cb9cb3, Binv, 25, 23, 28, 0, 0, 0), // binv s9,s7,t3
        (0x28f39e33, Bset, 28, 7, 15, 0, 0, 0), // bset t3,t2,a5
        (0x0f525733, CzeroEqz, 14, 4, 21, 0, 0, 0), // .insn r 0x33,5,7,a4,tp,s5
        (0x0ee770b3, CzeroNez, 1, 14, 14, 0, 0, 0), // .insn r 0x33,7,7,ra,a4,a4
        (0x80018213, Addi, 4, 3, 0, 0, 0, -2048), // addi tp,gp,-2048
        (0x7ff20713, Addi, 14, 4, 0, 0, 0, 2047), // addi a4,tp,2047
        (0x83aa8113, Addi, 2, 21, 0, 0, 0, -1990), // addi sp,s5,-1990
        (0x8008a793, Slti, 15, 17, 0, 0, 0, -2048), // slti a5,a7,-2048
        (0x7ff6af93, Slti, 31, 13, 0, 0, 0, 2047), // slti t6,a3,2047
        (0xa44f2413, Slti, 8, 30, 0, 0, 0, -1468), // slti s0,t5,-1468
        (0x800d3f13, Sltiu, 30, 26, 0, 0, 0, -2048), // sltiu t5,s10,-2048
        (0x7ff33613, Sltiu, 12, 6, 0, 0, 0, 2047), // sltiu a2,t1,2047
        (0xfc6db313, Sltiu, 6, 27, 0, 0, 0, -58), // sltiu t1,s11,-58
        (0x800d4d93, Xori, 27, 26, 0, 0, 0, -2048), // xori s11,s10,-2048
        (0x7ff1ce93, Xori, 29, 3, 0, 0, 0, 2047), // xori t4,gp,2047
        (0x3561c313, Xori, 6, 3, 0, 0, 0, 854), // xori t1,gp,854
        (0x80036a93, Ori, 21, 6, 0, 0, 0, -2048), // ori s5,t1,-2048
        (0x7ff66793, Ori, 15, 12, 0, 0, 0, 2047), // ori a5,a2,2047
        (0x4e2e6613, Ori, 12, 28, 0, 0, 0, 1250), // ori a2,t3,1250
        (0x8005fd93, Andi, 27, 11, 0, 0, 0, -2048), // andi s11,a1,-2048
        (0x7ffef893, Andi, 17, 29, 0, 0, 0, 2047), // andi a7,t4,2047
        (0xc7c27793, Andi, 15, 4, 0, 0, 0, -900), // andi a5,tp,-900
        (0x8001831b, Addiw, 6, 3, 0, 0, 0, -2048), // addiw t1,gp,-2048
        (0x7ff2801b, Addiw, 0, 5, 0, 0, 0, 2047), // addiw zero,t0,2047
        (0x62e5079b, Addiw, 15, 10, 0, 0, 0, 1582), // addiw a5,a0,1582
        (0x000f1f93, Slli, 31, 30, 0, 0, 0, 0), // slli t6,t5,0
        (0x03fc9693, Slli, 13, 25, 0, 0, 0, 63), // slli a3,s9,63
        (0x01b51193, Slli, 3, 10, 0, 0, 0, 27), // slli gp,a0,27
        (0x000c5013, Srli, 0, 24, 0, 0, 0, 0), // srli zero,s8,0
        (0x03fed813, Srli, 16, 29, 0, 0, 0, 63), // srli a6,t4,63
        (0x019dd913, Srli, 18, 27, 0, 0, 0, 25), // srli s2,s11,25
        (0x4004df93, Srai, 31, 9, 0, 0, 0, 0), // srai t6,s1,0
        (0x43f95613, Srai, 12, 18, 0, 0, 0, 63), // srai a2,s2,63
        (0x42d1d693, Srai, 13, 3, 0, 0, 0, 45), // srai a3,gp,45
        (0x600a5193, Rori, 3, 20, 0, 0, 0, 0), // rori gp,s4,0
        (0x63f1d193, Rori, 3, 3, 0, 0, 0, 63), // rori gp,gp,63
        (0x62655f13, Rori, 30, 10, 0, 0, 0, 38), // rori t5,a0,38
        (0x48059293, Bclri, 5, 11, 0, 0, 0, 0), // bclri t0,a1,0
        (0x4bf21213, Bclri, 4, 4, 0, 0, 0, 63), // bclri tp,tp,63
        (0x484c9793, Bclri, 15, 25, 0, 0, 0, 4), // bclri a5,s9,4
        (0x48015793, Bexti, 15, 2, 0, 0, 0, 0), // bexti a5,sp,0
        (0x4bfd5293, Bexti, 5, 26, 0, 0, 0, 63), // bexti t0,s10,63
        (0x48885a13, Bexti, 20, 16, 0, 0, 0, 8), // bexti s4,a6,8
        (0x68079a13, Binvi, 20, 15, 0, 0, 0, 0), // binvi s4,a5,0
        (0x6bfc9813, Binvi, 16, 25, 0, 0, 0, 63), // binvi a6,s9,63
        (0x68e99413, Binvi, 8, 19, 0, 0, 0, 14), // binvi s0,s3,14
        (0x28021a13, Bseti, 20, 4, 0, 0, 0, 0), // bseti s4,tp,0
        (0x2bfe9013, Bseti, 0, 29, 0, 0, 0, 63), // bseti zero,t4,63
        (0x29e21313, Bseti, 6, 4, 0, 0, 0, 30), // bseti t1,tp,30
        (0x0808169b, SlliUw, 13, 16, 0, 0, 0, 0), // slli.uw a3,a6,0
        (0x0bfb141b, SlliUw, 8, 22, 0, 0, 0, 63), // slli.uw s0,s6,63
        (0x0a37921b, SlliUw, 4, 15, 0, 0, 0, 35), // slli.uw tp,a5,35
        (0x0005191b, Slliw, 18, 10, 0, 0, 0, 0), // slliw s2,a0,0
        (0x01f99e1b, Slliw, 28, 19, 0, 0, 0, 31), // slliw t3,s3,31
        (0x00c9901b, Slliw, 0, 19, 0, 0, 0, 12), // slliw zero,s3,12
        (0x0004531b, Srliw, 6, 8, 0, 0, 0, 0), // srliw t1,s0,0
        (0x01f3d81b, Srliw, 16, 7, 0, 0, 0, 31), // srliw a6,t2,31
        (0x01e4d31b, Srliw, 6, 9, 0, 0, 0, 30), // srliw t1,s1,30
        (0x4006d91b, Sraiw, 18, 13, 0, 0, 0, 0), // sraiw s2,a3,0
        (0x41f6da9b, Sraiw, 21, 13, 0, 0, 0, 31), // sraiw s5,a3,31
        (0x409fd81b, Sraiw, 16, 31, 0, 0, 0, 9), // sraiw a6,t6,9
        (0x6002d19b, Roriw, 3, 5, 0, 0, 0, 0), // roriw gp,t0,0
        (0x61f8dd9b, Roriw, 27, 17, 0, 0, 0, 31), // roriw s11,a7,31
        (0x6090511b, Roriw, 2, 0, 0, 0, 0, 9), // roriw sp,zero,9
        (0x60041a93, Clz, 21, 8, 0, 0, 0, 0), // clz s5,s0
        (0x6005181b, Clzw, 16, 10, 0, 0, 0, 0), // clzw a6,a0
        (0x601d9e13, Ctz, 28, 27, 0, 0, 0, 0), // ctz t3,s11
        (0x6013901b, Ctzw, 0, 7, 0, 0, 0, 0), // ctzw zero,t2
        (0x60249213, Cpop, 4, 9, 0, 0, 0, 0), // cpop tp,s1
        (0x602b911b, Cpopw, 2, 23, 0, 0, 0, 0), // cpopw sp,s7
        (0x604d9493, SextB, 9, 27, 0, 0, 0, 0), // sext.b s1,s11
        (0x60511413, SextH, 8, 2, 0, 0, 0, 0), // sext.h s0,sp
        (0x080bc9bb, ZextH, 19, 23, 0, 0, 0, 0), // zext.h s3,s7
        (0x287b5113, OrcB, 2, 22, 0, 0, 0, 0), // orc.b sp,s6
        (0x6b87d693, Rev8, 13, 15, 0, 0, 0, 0), // rev8 a3,a5
        (0x800d0b03, Lb, 22, 26, 0, 0, 0, -2048), // lb s6,-2048(s10)
        (0x7ff78483, Lb, 9, 15, 0, 0, 0, 2047), // lb s1,2047(a5)
        (0xb4a58503, Lb, 10, 11, 0, 0, 0, -1206), // lb a0,-1206(a1)
        (0x80059083, Lh, 1, 11, 0, 0, 0, -2048), // lh ra,-2048(a1)
        (0x7ffd1a83, Lh, 21, 26, 0, 0, 0, 2047), // lh s5,2047(s10)
        (0x53189783, Lh, 15, 17, 0, 0, 0, 1329), // lh a5,1329(a7)
        (0x800c2303, Lw, 6, 24, 0, 0, 0, -2048), // lw t1,-2048(s8)
        (0x7fff2103, Lw, 2, 30, 0, 0, 0, 2047), // lw sp,2047(t5)
        (0xd1862703, Lw, 14, 12, 0, 0, 0, -744), // lw a4,-744(a2)
        (0x8009bb03, Ld, 22, 19, 0, 0, 0, -2048), // ld s6,-2048(s3)
        (0x7ff73703, Ld, 14, 14, 0, 0, 0, 2047), // ld a4,2047(a4)
        (0x6ba63083, Ld, 1, 12, 0, 0, 0, 1722), // ld ra,1722(a2)
        (0x8008ca83, Lbu, 21, 17, 0, 0, 0, -2048), // lbu s5,-2048(a7)
        (0x7ff8c203, Lbu, 4, 17, 0, 0, 0, 2047), // lbu tp,2047(a7)
        (0x4c0ccb03, Lbu, 22, 25, 0, 0, 0, 1216), // lbu s6,1216(s9)
        (0x8003d083, Lhu, 1, 7, 0, 0, 0, -2048), // lhu ra,-2048(t2)
        (0x7ff5d803, Lhu, 16, 11, 0, 0, 0, 2047), // lhu a6,2047(a1)
        (0x29815803, Lhu, 16, 2, 0, 0, 0, 664), // lhu a6,664(sp)
        (0x800b6d83, Lwu, 27, 22, 0, 0, 0, -2048), // lwu s11,-2048(s6)
        (0x7ffdea03, Lwu, 20, 27, 0, 0, 0, 2047), // lwu s4,2047(s11)
        (0xb78c6383, Lwu, 7, 24, 0, 0, 0, -1160), // lwu t2,-1160(s8)
        (0x80010867, Jalr, 16, 2, 0, 0, 0, -2048), // jalr a6,-2048(sp)
        (0x7ff00de7, Jalr, 27, 0, 0, 0, 0, 2047), // jalr s11,2047(zero)
        (0xe15b8667, Jalr, 12, 23, 0, 0, 0, -491), // jalr a2,-491(s7)
        (0x804a8023, Sb, 0, 21, 4, 0, 0, -2048), // sb tp,-2048(s5)
        (0x7f438fa3, Sb, 0, 7, 20, 0, 0, 2047), // sb s4,2047(t2)
        (0x5d3986a3, Sb, 0, 19, 19, 0, 0, 1485), // sb s3,1485(s3)
        (0x814c9023, Sh, 0, 25, 20, 0, 0, -2048), // sh s4,-2048(s9)
        (0x7f241fa3, Sh, 0, 8, 18, 0, 0, 2047), // sh s2,2047(s0)
        (0x50cd18a3, Sh, 0, 26, 12, 0, 0, 1297), // sh a2,1297(s10)
        (0x80b9a023, Sw, 0, 19, 11, 0, 0, -2048), // sw a1,-2048(s3)
        (0x7f902fa3, Sw, 0, 0, 25, 0, 0, 2047), // sw s9,2047(zero)
        (0x433920a3, Sw, 0, 18, 19, 0, 0, 1057), // sw s3,1057(s2)
        (0x81ba3023, Sd, 0, 20, 27, 0, 0, -2048), // sd s11,-2048(s4)
        (0x7fde3fa3, Sd, 0, 28, 29, 0, 0, 2047), // sd t4,2047(t3)
        (0xebc6bca3, Sd, 0, 13, 28, 0, 0, -327), // sd t3,-327(a3)
        (0x00000537, Lui, 10, 0, 0, 0, 0, 0), // lui a0,0
        (0xfffff2b7, Lui, 5, 0, 0, 0, 0, -4096), // lui t0,1048575
        (0x80000937, Lui, 18, 0, 0, 0, 0, -2147483648), // lui s2,524288
        (0xf2457ab7, Lui, 21, 0, 0, 0, 0, -230330368), // lui s5,992343
        (0x00000797, Auipc, 15, 0, 0, 0, 0, 0), // auipc a5,0
        (0xfffff997, Auipc, 19, 0, 0, 0, 0, -4096), // auipc s3,1048575
        (0x80000717, Auipc, 14, 0, 0, 0, 0, -2147483648), // auipc a4,524288
        (0x2fd07617, Auipc, 12, 0, 0, 0, 0, 802189312), // auipc a2,195847
        (0x800000ef, Jal, 1, 0, 0, 0, 0, -1048576), // jal ra,.-1048576
        (0x7ffff16f, Jal, 2, 0, 0, 0, 0, 1048574), // jal sp,.+1048574
        (0x000007ef, Jal, 15, 0, 0, 0, 0, 0), // jal a5,.+0
        (0xe3f96f6f, Jal, 30, 0, 0, 0, 0, -430530), // jal t5,.-430530
        (0x81ae8063, Beq, 0, 29, 26, 0, 0, -4096), // beq t4,s10,.-4096
        (0x7f860fe3, Beq, 0, 12, 24, 0, 0, 4094), // beq a2,s8,.+4094
        (0xcb9f8463, Beq, 0, 31, 25, 0, 0, -2904), // beq t6,s9,.-2904
        (0x80049063, Bne, 0, 9, 0, 0, 0, -4096), // bne s1,zero,.-4096
        (0x7fb31fe3, Bne, 0, 6, 27, 0, 0, 4094), // bne t1,s11,.+4094
        (0xf8b71ee3, Bne, 0, 14, 11, 0, 0, -100), // bne a4,a1,.-100
        (0x80f1c063, Blt, 0, 3, 15, 0, 0, -4096), // blt gp,a5,.-4096
        (0x7fd3cfe3, Blt, 0, 7, 29, 0, 0, 4094), // blt t2,t4,.+4094
        (0x5bd44de3, Blt, 0, 8, 29, 0, 0, 3514), // blt s0,t4,.+3514
        (0x81be5063, Bge, 0, 28, 27, 0, 0, -4096), // bge t3,s11,.-4096
        (0x7eae5fe3, Bge, 0, 28, 10, 0, 0, 4094), // bge t3,a0,.+4094
        (0x45cf5763, Bge, 0, 30, 28, 0, 0, 1102), // bge t5,t3,.+1102
        (0x8117e063, Bltu, 0, 15, 17, 0, 0, -4096), // bltu a5,a7,.-4096
        (0x7effefe3, Bltu, 0, 31, 15, 0, 0, 4094), // bltu t6,a5,.+4094
        (0x09c8eb63, Bltu, 0, 17, 28, 0, 0, 150), // bltu a7,t3,.+150
        (0x80f97063, Bgeu, 0, 18, 15, 0, 0, -4096), // bgeu s2,a5,.-4096
        (0x7f58ffe3, Bgeu, 0, 17, 21, 0, 0, 4094), // bgeu a7,s5,.+4094
        (0xce5a7a63, Bgeu, 0, 20, 5, 0, 0, -2828), // bgeu s4,t0,.-2828
        (0x000714f3, Csrrw, 9, 14, 0, 0, 0, 0), // csrrw s1,0,a4
        (0xfff49c73, Csrrw, 24, 9, 0, 0, 0, 4095), // csrrw s8,4095,s1
        (0x300216f3, Csrrw, 13, 4, 0, 0, 0, 768), // csrrw a3,768,tp
        (0x46dd1d73, Csrrw, 26, 26, 0, 0, 0, 1133), // csrrw s10,1133,s10
        (0x000d2ef3, Csrrs, 29, 26, 0, 0, 0, 0), // csrrs t4,0,s10
        (0xfff6a1f3, Csrrs, 3, 13, 0, 0, 0, 4095), // csrrs gp,4095,a3
        (0x300c2d73, Csrrs, 26, 24, 0, 0, 0, 768), // csrrs s10,768,s8
        (0xa96c20f3, Csrrs, 1, 24, 0, 0, 0, 2710), // csrrs ra,2710,s8
        (0x000b3073, Csrrc, 0, 22, 0, 0, 0, 0), // csrrc zero,0,s6
        (0xfffc39f3, Csrrc, 19, 24, 0, 0, 0, 4095), // csrrc s3,4095,s8
        (0x30073d73, Csrrc, 26, 14, 0, 0, 0, 768), // csrrc s10,768,a4
        (0xf4373ff3, Csrrc, 31, 14, 0, 0, 0, 3907), // csrrc t6,3907,a4
        (0x000dd8f3, Csrrwi, 17, 27, 0, 0, 0, 0), // csrrwi a7,0,27
        (0xfff0dff3, Csrrwi, 31, 1, 0, 0, 0, 4095), // csrrwi t6,4095,1
        (0x7c0adc73, Csrrwi, 24, 21, 0, 0, 0, 1984), // csrrwi s8,1984,21
        (0x00056cf3, Csrrsi, 25, 10, 0, 0, 0, 0), // csrrsi s9,0,10
        (0xfff46ef3, Csrrsi, 29, 8, 0, 0, 0, 4095), // csrrsi t4,4095,8
        (0x7c0ce0f3, Csrrsi, 1, 25, 0, 0, 0, 1984), // csrrsi ra,1984,25
        (0x0002f0f3, Csrrci, 1, 5, 0, 0, 0, 0), // csrrci ra,0,5
        (0xfff47df3, Csrrci, 27, 8, 0, 0, 0, 4095), // csrrci s11,4095,8
        (0x7c05fef3, Csrrci, 29, 11, 0, 0, 0, 1984), // csrrci t4,1984,11
        (0x00000073, Ecall, 0, 0, 0, 0, 0, 0), // ecall
        (0x00100073, Ebreak, 0, 0, 0, 0, 0, 0), // ebreak
        (0x30200073, Mret, 0, 0, 0, 0, 0, 0), // mret
        (0x10200073, Sret, 0, 0, 0, 0, 0, 0), // sret
        (0x10500073, Wfi, 0, 0, 0, 0, 0, 0), // wfi
        (0x0000100f, FenceI, 0, 0, 0, 0, 0, 0), // fence.i
        (0x0ff0000f, Fence, 0, 0, 0, 0, 0, 255), // fence
        (0x0ff0000f, Fence, 0, 0, 0, 0, 0, 255), // fence iorw,iorw
        (0x0210000f, Fence, 0, 0, 0, 0, 0, 33), // fence r,w
        (0x8330000f, Fence, 0, 0, 0, 0, 0, 2099), // fence.tso
        (0x0100000f, Fence, 0, 0, 0, 0, 0, 16), // pause
        (0x0480000f, Fence, 0, 0, 0, 0, 0, 72), // fence o,i
        (0x13018073, SfenceVma, 0, 3, 16, 0, 0, 0), // sfence.vma gp,a6
        (0x134c0073, SfenceVma, 0, 24, 20, 0, 0, 0), // sfence.vma s8,s4
        (0x13d68073, SfenceVma, 0, 13, 29, 0, 0, 0), // sfence.vma a3,t4
        (0x100aaa2f, LrW, 20, 21, 0, 0, 0, 0), // lr.w s4,(s5)
        (0x19a8ac2f, ScW, 24, 17, 26, 0, 0, 0), // sc.w s8,s10,(a7)
        (0x09e2a82f, AmoswapW, 16, 5, 30, 0, 0, 0), // amoswap.w a6,t5,(t0)
        (0x0161a0af, AmoaddW, 1, 3, 22, 0, 0, 0), // amoadd.w ra,s6,(gp)
        (0x2022272f, AmoxorW, 14, 4, 2, 0, 0, 0), // amoxor.w a4,sp,(tp)
        (0x60c7a0af, AmoandW, 1, 15, 12, 0, 0, 0), // amoand.w ra,a2,(a5)
        (0x40f4a0af, AmoorW, 1, 9, 15, 0, 0, 0), // amoor.w ra,a5,(s1)
        (0x807f242f, AmominW, 8, 30, 7, 0, 0, 0), // amomin.w s0,t2,(t5)
        (0xa10ea6af, AmomaxW, 13, 29, 16, 0, 0, 0), // amomax.w a3,a6,(t4)
        (0xc0752baf, AmominuW, 23, 10, 7, 0, 0, 0), // amominu.w s7,t2,(a0)
        (0xe069a52f, AmomaxuW, 10, 19, 6, 0, 0, 0), // amomaxu.w a0,t1,(s3)
        (0x1409a0af, LrW, 1, 19, 0, 0, 2, 0), // lr.w.aq ra,(s3)
        (0x1cccac2f, ScW, 24, 25, 12, 0, 2, 0), // sc.w.aq s8,a2,(s9)
        (0x0c67a22f, AmoswapW, 4, 15, 6, 0, 2, 0), // amoswap.w.aq tp,t1,(a5)
        (0x0423a9af, AmoaddW, 19, 7, 2, 0, 2, 0), // amoadd.w.aq s3,sp,(t2)
        (0x257dab2f, AmoxorW, 22, 27, 23, 0, 2, 0), // amoxor.w.aq s6,s7,(s11)
        (0x640aa22f, AmoandW, 4, 21, 0, 0, 2, 0), // amoand.w.aq tp,zero,(s5)
        (0x446fad2f, AmoorW, 26, 31, 6, 0, 2, 0), // amoor.w.aq s10,t1,(t6)
        (0x85dbadaf, AmominW, 27, 23, 29, 0, 2, 0), // amomin.w.aq s11,t4,(s7)
        (0xa4bda4af, AmomaxW, 9, 27, 11, 0, 2, 0), // amomax.w.aq s1,a1,(s11)
        (0xc5df28af, AmominuW, 17, 30, 29, 0, 2, 0), // amominu.w.aq a7,t4,(t5)
        (0xe548adaf, AmomaxuW, 27, 17, 20, 0, 2, 0), // amomaxu.w.aq s11,s4,(a7)
        (0x1202a7af, LrW, 15, 5, 0, 0, 1, 0), // lr.w.rl a5,(t0)
        (0x1afe28af, ScW, 17, 28, 15, 0, 1, 0), // sc.w.rl a7,a5,(t3)
        (0x0b5c2eaf, AmoswapW, 29, 24, 21, 0, 1, 0), // amoswap.w.rl t4,s5,(s8)
        (0x034fa0af, AmoaddW, 1, 31, 20, 0, 1, 0), // amoadd.w.rl ra,s4,(t6)
        (0x22dfa5af, AmoxorW, 11, 31, 13, 0, 1, 0), // amoxor.w.rl a1,a3,(t6)
        (0x63582b2f, AmoandW, 22, 16, 21, 0, 1, 0), // amoand.w.rl s6,s5,(a6)
        (0x4208a8af, AmoorW, 17, 17, 0, 0, 1, 0), // amoor.w.rl a7,zero,(a7)
        (0x82f2a62f, AmominW, 12, 5, 15, 0, 1, 0), // amomin.w.rl a2,a5,(t0)
        (0xa2ffad2f, AmomaxW, 26, 31, 15, 0, 1, 0), // amomax.w.rl s10,a5,(t6)
        (0xc3cfaf2f, AmominuW, 30, 31, 28, 0, 1, 0), // amominu.w.rl t5,t3,(t6)
        (0xe322a0af, AmomaxuW, 1, 5, 18, 0, 1, 0), // amomaxu.w.rl ra,s2,(t0)
        (0x160ca72f, LrW, 14, 25, 0, 0, 3, 0), // lr.w.aqrl a4,(s9)
        (0x1f79a7af, ScW, 15, 19, 23, 0, 3, 0), // sc.w.aqrl a5,s7,(s3)
        (0x0fbb2f2f, AmoswapW, 30, 22, 27, 0, 3, 0), // amoswap.w.aqrl t5,s11,(s6)
        (0x07db2aaf, AmoaddW, 21, 22, 29, 0, 3, 0), // amoadd.w.aqrl s5,t4,(s6)
        (0x2709a8af, AmoxorW, 17, 19, 16, 0, 3, 0), // amoxor.w.aqrl a7,a6,(s3)
        (0x66c3a72f, AmoandW, 14, 7, 12, 0, 3, 0), // amoand.w.aqrl a4,a2,(t2)
        (0x46b3aa2f, AmoorW, 20, 7, 11, 0, 3, 0), // amoor.w.aqrl s4,a1,(t2)
        (0x87e6a62f, AmominW, 12, 13, 30, 0, 3, 0), // amomin.w.aqrl a2,t5,(a3)
        (0xa66928af, AmomaxW, 17, 18, 6, 0, 3, 0), // amomax.w.aqrl a7,t1,(s2)
        (0xc6e9262f, AmominuW, 12, 18, 14, 0, 3, 0), // amominu.w.aqrl a2,a4,(s2)
        (0xe735abaf, AmomaxuW, 23, 11, 19, 0, 3, 0), // amomaxu.w.aqrl s7,s3,(a1)
        (0x1004302f, LrD, 0, 8, 0, 0, 0, 0), // lr.d zero,(s0)
        (0x183138af, ScD, 17, 2, 3, 0, 0, 0), // sc.d a7,gp,(sp)
        (0x09f4392f, AmoswapD, 18, 8, 31, 0, 0, 0), // amoswap.d s2,t6,(s0)
        (0x0120332f, AmoaddD, 6, 0, 18, 0, 0, 0), // amoadd.d t1,s2,(zero)
        (0x21cf3f2f, AmoxorD, 30, 30, 28, 0, 0, 0), // amoxor.d t5,t3,(t5)
        (0x6035baaf, AmoandD, 21, 11, 3, 0, 0, 0), // amoand.d s5,gp,(a1)
        (0x407f382f, AmoorD, 16, 30, 7, 0, 0, 0), // amoor.d a6,t2,(t5)
        (0x81fcb22f, AmominD, 4, 25, 31, 0, 0, 0), // amomin.d tp,t6,(s9)
        (0xa091b22f, AmomaxD, 4, 3, 9, 0, 0, 0), // amomax.d tp,s1,(gp)
        (0xc059b4af, AmominuD, 9, 19, 5, 0, 0, 0), // amominu.d s1,t0,(s3)
        (0xe1a3b7af, AmomaxuD, 15, 7, 26, 0, 0, 0), // amomaxu.d a5,s10,(t2)
        (0x140c372f, LrD, 14, 24, 0, 0, 2, 0), // lr.d.aq a4,(s8)
        (0x1d3e3e2f, ScD, 28, 28, 19, 0, 2, 0), // sc.d.aq t3,s3,(t3)
        (0x0c39bdaf, AmoswapD, 27, 19, 3, 0, 2, 0), // amoswap.d.aq s11,gp,(s3)
        (0x04d6b32f, AmoaddD, 6, 13, 13, 0, 2, 0), // amoadd.d.aq t1,a3,(a3)
        (0x24a2b82f, AmoxorD, 16, 5, 10, 0, 2, 0), // amoxor.d.aq a6,a0,(t0)
        (0x6445b7af, AmoandD, 15, 11, 4, 0, 2, 0), // amoand.d.aq a5,tp,(a1)
        (0x45a0352f, AmoorD, 10, 0, 26, 0, 2, 0), // amoor.d.aq a0,s10,(zero)
        (0x852f3e2f, AmominD, 28, 30, 18, 0, 2, 0), // amomin.d.aq t3,s2,(t5)
        (0xa527312f, AmomaxD, 2, 14, 18, 0, 2, 0), // amomax.d.aq sp,s2,(a4)
        (0xc44eb92f, AmominuD, 18, 29, 4, 0, 2, 0), // amominu.d.aq s2,tp,(t4)
        (0xe4c8372f, AmomaxuD, 14, 16, 12, 0, 2, 0), // amomaxu.d.aq a4,a2,(a6)
        (0x1203bdaf, LrD, 27, 7, 0, 0, 1, 0), // lr.d.rl s11,(t2)
        (0x1b14b72f, ScD, 14, 9, 17, 0, 1, 0), // sc.d.rl a4,a7,(s1)
        (0x0a3234af, AmoswapD, 9, 4, 3, 0, 1, 0), // amoswap.d.rl s1,gp,(tp)
        (0x0329b52f, AmoaddD, 10, 19, 18, 0, 1, 0), // amoadd.d.rl a0,s2,(s3)
        (0x23d3be2f, AmoxorD, 28, 7, 29, 0, 1, 0), // amoxor.d.rl t3,t4,(t2)
        (0x631cb9af, AmoandD, 19, 25, 17, 0, 1, 0), // amoand.d.rl s3,a7,(s9)
        (0x425e3faf, AmoorD, 31, 28, 5, 0, 1, 0), // amoor.d.rl t6,t0,(t3)
        (0x834db12f, AmominD, 2, 27, 20, 0, 1, 0), // amomin.d.rl sp,s4,(s11)
        (0xa250b82f, AmomaxD, 16, 1, 5, 0, 1, 0), // amomax.d.rl a6,t0,(ra)
        (0xc310b72f, AmominuD, 14, 1, 17, 0, 1, 0), // amominu.d.rl a4,a7,(ra)
        (0xe3e5b12f, AmomaxuD, 2, 11, 30, 0, 1, 0), // amomaxu.d.rl sp,t5,(a1)
        (0x1608be2f, LrD, 28, 17, 0, 0, 3, 0), // lr.d.aqrl t3,(a7)
        (0x1ffdb5af, ScD, 11, 27, 31, 0, 3, 0), // sc.d.aqrl a1,t6,(s11)
        (0x0f6f32af, AmoswapD, 5, 30, 22, 0, 3, 0), // amoswap.d.aqrl t0,s6,(t5)
        (0x074abd2f, AmoaddD, 26, 21, 20, 0, 3, 0), // amoadd.d.aqrl s10,s4,(s5)
        (0x2755332f, AmoxorD, 6, 10, 21, 0, 3, 0), // amoxor.d.aqrl t1,s5,(a0)
        (0x672fbd2f, AmoandD, 26, 31, 18, 0, 3, 0), // amoand.d.aqrl s10,s2,(t6)
        (0x47d13caf, AmoorD, 25, 2, 29, 0, 3, 0), // amoor.d.aqrl s9,t4,(sp)
        (0x870a32af, AmominD, 5, 20, 16, 0, 3, 0), // amomin.d.aqrl t0,a6,(s4)
        (0xa793ba2f, AmomaxD, 20, 7, 25, 0, 3, 0), // amomax.d.aqrl s4,s9,(t2)
        (0xc7aeb02f, AmominuD, 0, 29, 26, 0, 3, 0), // amominu.d.aqrl zero,s10,(t4)
        (0xe77631af, AmomaxuD, 3, 12, 23, 0, 3, 0), // amomaxu.d.aqrl gp,s7,(a2)
        (0x800e2f87, Flw, 31, 28, 0, 0, 0, -2048), // flw ft11,-2048(t3)
        (0x8036a027, Fsw, 0, 13, 3, 0, 0, -2048), // fsw ft3,-2048(a3)
        (0x7ff42887, Flw, 17, 8, 0, 0, 0, 2047), // flw fa7,2047(s0)
        (0x7f2e2fa7, Fsw, 0, 28, 18, 0, 0, 2047), // fsw fs2,2047(t3)
        (0x78138fc3, FmaddS, 31, 7, 1, 15, 0, 0), // fmadd.s ft11,ft7,ft1,fa5,rne
        (0xd009f543, FmaddS, 10, 19, 0, 26, 7, 0), // fmadd.s fa0,fs3,ft0,fs10,dyn
        (0xe87742c3, FmaddS, 5, 14, 7, 29, 4, 0), // fmadd.s ft5,fa4,ft7,ft9,rmm
        (0x91f483c7, FmsubS, 7, 9, 31, 18, 0, 0), // fmsub.s ft7,fs1,ft11,fs2,rne
        (0xf1ed78c7, FmsubS, 17, 26, 30, 30, 7, 0), // fmsub.s fa7,fs10,ft10,ft10,dyn
        (0xc09ec7c7, FmsubS, 15, 29, 9, 24, 4, 0), // fmsub.s fa5,ft9,fs1,fs8,rmm
        (0x8844064b, FnmsubS, 12, 8, 4, 17, 0, 0), // fnmsub.s fa2,fs0,ft4,fa7,rne
        (0x011afd4b, FnmsubS, 26, 21, 17, 0, 7, 0), // fnmsub.s fs10,fs5,fa7,ft0,dyn
        (0x49f9c94b, FnmsubS, 18, 19, 31, 9, 4, 0), // fnmsub.s fs2,fs3,ft11,fs1,rmm
        (0xa96f0e4f, FnmaddS, 28, 30, 22, 21, 0, 0), // fnmadd.s ft8,ft10,fs6,fs5,rne
        (0x614efc4f, FnmaddS, 24, 29, 20, 12, 7, 0), // fnmadd.s fs8,ft9,fs4,fa2,dyn
        (0xd0ec47cf, FnmaddS, 15, 24, 14, 26, 4, 0), // fnmadd.s fa5,fs8,fa4,fs10,rmm
        (0x01ea1153, FaddS, 2, 20, 30, 0, 1, 0), // fadd.s ft2,fs4,ft10,rtz
        (0x009c7c53, FaddS, 24, 24, 9, 0, 7, 0), // fadd.s fs8,fs8,fs1,dyn
        (0x08811fd3, FsubS, 31, 2, 8, 0, 1, 0), // fsub.s ft11,ft2,fs0,rtz
        (0x09c37ad3, FsubS, 21, 6, 28, 0, 7, 0), // fsub.s fs5,ft6,ft8,dyn
        (0x100e9353, FmulS, 6, 29, 0, 0, 1, 0), // fmul.s ft6,ft9,ft0,rtz
        (0x109d74d3, FmulS, 9, 26, 9, 0, 7, 0), // fmul.s fs1,fs10,fs1,dyn
        (0x190f1253, FdivS, 4, 30, 16, 0, 1, 0), // fdiv.s ft4,ft10,fa6,rtz
        (0x185cfad3, FdivS, 21, 25, 5, 0, 7, 0), // fdiv.s fs5,fs9,ft5,dyn
        (0x580c3ad3, FsqrtS, 21, 24, 0, 0, 3, 0), // fsqrt.s fs5,fs8,rup
        (0x202f8a53, FsgnjS, 20, 31, 2, 0, 0, 0), // fsgnj.s fs4,ft11,ft2
        (0x21279253, FsgnjnS, 4, 15, 18, 0, 0, 0), // fsgnjn.s ft4,fa5,fs2
        (0x21b2a753, FsgnjxS, 14, 5, 27, 0, 0, 0), // fsgnjx.s fa4,ft5,fs11
        (0x29c30353, FminS, 6, 6, 28, 0, 0, 0), // fmin.s ft6,ft6,ft8
        (0x28199553, FmaxS, 10, 19, 1, 0, 0, 0), // fmax.s fa0,fs3,ft1
        (0xa03a2153, FeqS, 2, 20, 3, 0, 0, 0), // feq.s sp,fs4,ft3
        (0xa17b1953, FltS, 18, 22, 23, 0, 0, 0), // flt.s s2,fs6,fs7
        (0xa0f48dd3, FleS, 27, 9, 15, 0, 0, 0), // fle.s s11,fs1,fa5
        (0xe0059d53, FclassS, 26, 11, 0, 0, 0, 0), // fclass.s s10,fa1
        (0xc005a553, FcvtWS, 10, 11, 0, 0, 2, 0), // fcvt.w.s a0,fa1,rdn
        (0xd00c72d3, FcvtSW, 5, 24, 0, 0, 7, 0), // fcvt.s.w ft5,s8,dyn
        (0xc01fa7d3, FcvtWuS, 15, 31, 0, 0, 2, 0), // fcvt.wu.s a5,ft11,rdn
        (0xd01774d3, FcvtSWu, 9, 14, 0, 0, 7, 0), // fcvt.s.wu fs1,a4,dyn
        (0xc0282ed3, FcvtLS, 29, 16, 0, 0, 2, 0), // fcvt.l.s t4,fa6,rdn
        (0xd0287ed3, FcvtSL, 29, 16, 0, 0, 7, 0), // fcvt.s.l ft9,a6,dyn
        (0xc03ea053, FcvtLuS, 0, 29, 0, 0, 2, 0), // fcvt.lu.s zero,ft9,rdn
        (0xd0357953, FcvtSLu, 18, 10, 0, 0, 7, 0), // fcvt.s.lu fs2,a0,dyn
        (0x800e3207, Fld, 4, 28, 0, 0, 0, -2048), // fld ft4,-2048(t3)
        (0x8169b027, Fsd, 0, 19, 22, 0, 0, -2048), // fsd fs6,-2048(s3)
        (0x7ff83d87, Fld, 27, 16, 0, 0, 0, 2047), // fld fs11,2047(a6)
        (0x7fd9bfa7, Fsd, 0, 19, 29, 0, 0, 2047), // fsd ft9,2047(s3)
        (0x33ec0643, FmaddD, 12, 24, 30, 6, 0, 0), // fmadd.d fa2,fs8,ft10,ft6,rne
        (0x936c77c3, FmaddD, 15, 24, 22, 18, 7, 0), // fmadd.d fa5,fs8,fs6,fs2,dyn
        (0x8b90c943, FmaddD, 18, 1, 25, 17, 4, 0), // fmadd.d fs2,ft1,fs9,fa7,rmm
        (0x93f18047, FmsubD, 0, 3, 31, 18, 0, 0), // fmsub.d ft0,ft3,ft11,fs2,rne
        (0x62eb7747, FmsubD, 14, 22, 14, 12, 7, 0), // fmsub.d fa4,fs6,fa4,fa2,dyn
        (0x12644847, FmsubD, 16, 8, 6, 2, 4, 0), // fmsub.d fa6,fs0,ft6,ft2,rmm
        (0xba2e09cb, FnmsubD, 19, 28, 2, 23, 0, 0), // fnmsub.d fs3,ft8,ft2,fs7,rne
        (0xa322f44b, FnmsubD, 8, 5, 18, 20, 7, 0), // fnmsub.d fs0,ft5,fs2,fs4,dyn
        (0x42c5cd4b, FnmsubD, 26, 11, 12, 8, 4, 0), // fnmsub.d fs10,fa1,fa2,fs0,rmm
        (0x82a88bcf, FnmaddD, 23, 17, 10, 16, 0, 0), // fnmadd.d fs7,fa7,fa0,fa6,rne
        (0x3b597f4f, FnmaddD, 30, 18, 21, 7, 7, 0), // fnmadd.d ft10,fs2,fs5,ft7,dyn
        (0x72924ecf, FnmaddD, 29, 4, 9, 14, 4, 0), // fnmadd.d ft9,ft4,fs1,fa4,rmm
        (0x025b9cd3, FaddD, 25, 23, 5, 0, 1, 0), // fadd.d fs9,fs7,ft5,rtz
        (0x03007cd3, FaddD, 25, 0, 16, 0, 7, 0), // fadd.d fs9,ft0,fa6,dyn
        (0x0b7e93d3, FsubD, 7, 29, 23, 0, 1, 0), // fsub.d ft7,ft9,fs7,rtz
        (0x0b7c7853, FsubD, 16, 24, 23, 0, 7, 0), // fsub.d fa6,fs8,fs7,dyn
        (0x13e71353, FmulD, 6, 14, 30, 0, 1, 0), // fmul.d ft6,fa4,ft10,rtz
        (0x12ea70d3, FmulD, 1, 20, 14, 0, 7, 0), // fmul.d ft1,fs4,fa4,dyn
        (0x1b3e9253, FdivD, 4, 29, 19, 0, 1, 0), // fdiv.d ft4,ft9,fs3,rtz
        (0x1a83fd53, FdivD, 26, 7, 8, 0, 7, 0), // fdiv.d fs10,ft7,fs0,dyn
        (0x5a013153, FsqrtD, 2, 2, 0, 0, 3, 0), // fsqrt.d ft2,ft2,rup
        (0x227f89d3, FsgnjD, 19, 31, 7, 0, 0, 0), // fsgnj.d fs3,ft11,ft7
        (0x22879353, FsgnjnD, 6, 15, 8, 0, 0, 0), // fsgnjn.d ft6,fa5,fs0
        (0x237eac53, FsgnjxD, 24, 29, 23, 0, 0, 0), // fsgnjx.d fs8,ft9,fs7
        (0x2ba48d53, FminD, 26, 9, 26, 0, 0, 0), // fmin.d fs10,fs1,fs10
        (0x2baf9353, FmaxD, 6, 31, 26, 0, 0, 0), // fmax.d ft6,ft11,fs10
        (0xa37128d3, FeqD, 17, 2, 23, 0, 0, 0), // feq.d a7,ft2,fs7
        (0xa3ce16d3, FltD, 13, 28, 28, 0, 0, 0), // flt.d a3,ft8,ft8
        (0xa26b87d3, FleD, 15, 23, 6, 0, 0, 0), // fle.d a5,fs7,ft6
        (0xe20b1bd3, FclassD, 23, 22, 0, 0, 0, 0), // fclass.d s7,fs6
        (0xc20ca1d3, FcvtWD, 3, 25, 0, 0, 2, 0), // fcvt.w.d gp,fs9,rdn
        (0xd20608d3, FcvtDW, 17, 12, 0, 0, 0, 0), // fcvt.d.w fa7,a2
        (0xc21ea3d3, FcvtWuD, 7, 29, 0, 0, 2, 0), // fcvt.wu.d t2,ft9,rdn
        (0xd21682d3, FcvtDWu, 5, 13, 0, 0, 0, 0), // fcvt.d.wu ft5,a3
        (0xc221a0d3, FcvtLD, 1, 3, 0, 0, 2, 0), // fcvt.l.d ra,ft3,rdn
        (0xd227fad3, FcvtDL, 21, 15, 0, 0, 7, 0), // fcvt.d.l fs5,a5,dyn
        (0xc236a453, FcvtLuD, 8, 13, 0, 0, 2, 0), // fcvt.lu.d s0,fa3,rdn
        (0xd236f253, FcvtDLu, 4, 13, 0, 0, 7, 0), // fcvt.d.lu ft4,a3,dyn
        (0x401746d3, FcvtSD, 13, 14, 0, 0, 4, 0), // fcvt.s.d fa3,fa4,rmm
        (0x42048ad3, FcvtDS, 21, 9, 0, 0, 0, 0), // fcvt.d.s fs5,fs1
        (0xe0088053, FmvXW, 0, 17, 0, 0, 0, 0), // fmv.x.w zero,fa7
        (0xf00404d3, FmvWX, 9, 8, 0, 0, 0, 0), // fmv.w.x fs1,s0
        (0xe2058853, FmvXD, 16, 11, 0, 0, 0, 0), // fmv.x.d a6,fa1
        (0xf20083d3, FmvDX, 7, 1, 0, 0, 0, 0), // fmv.d.x ft7,ra
        ]
    };

    /// `(compressed, 32-bit expansion)`: compressed encodings disassembled by
    /// objdump and the expansion assembled from the equivalent 32-bit text.
    #[rustfmt::skip]
    const CPAIRS: &[(u16, u32)] = &[
        (0x9006, 0x00100033), // c.add zero,ra
        (0x9ffe, 0x01ff8fb3), // c.add t6,t6
        (0x93ee, 0x01b383b3), // c.add t2,s11
        (0x99ca, 0x012989b3), // c.add s3,s2
        (0x98fe, 0x01f888b3), // c.add a7,t6
        (0x922a, 0x00a20233), // c.add tp,a0
        (0x0001, 0x00000013), // c.addi zero,0
        (0x1ffd, 0xffff8f93), // c.addi t6,-1
        (0x17ad, 0xfeb78793), // c.addi a5,-21
        (0x1e55, 0xff5e0e13), // c.addi t3,-11
        (0x0431, 0x00c40413), // c.addi s0,12
        (0x00d5, 0x01508093), // c.addi ra,21
        (0x717d, 0xff010113), // c.addi16sp sp,-16
        (0x7171, 0xf5010113), // c.addi16sp sp,-176
        (0x7105, 0xe2010113), // c.addi16sp sp,-480
        (0x6175, 0x17010113), // c.addi16sp sp,368
        (0x6161, 0x05010113), // c.addi16sp sp,80
        (0x0020, 0x00810413), // c.addi4spn s0,sp,8
        (0x1ffc, 0x3fc10793), // c.addi4spn a5,sp,1020
        (0x1710, 0x3a010613), // c.addi4spn a2,sp,928
        (0x0f2c, 0x39810593), // c.addi4spn a1,sp,920
        (0x116c, 0x0ac10593), // c.addi4spn a1,sp,172
        (0x2081, 0x0000809b), // c.addiw ra,0
        (0x3ffd, 0xffff8f9b), // c.addiw t6,-1
        (0x3bc5, 0xff1b8b9b), // c.addiw s7,-15
        (0x3295, 0xfe52829b), // c.addiw t0,-27
        (0x2fbd, 0x00ff8f9b), // c.addiw t6,15
        (0x2d35, 0x00dd0d1b), // c.addiw s10,13
        (0x9c21, 0x0084043b), // c.addw s0,s0
        (0x9fbd, 0x00f787bb), // c.addw a5,a5
        (0x9d2d, 0x00b5053b), // c.addw a0,a1
        (0x9db5, 0x00d585bb), // c.addw a1,a3
        (0x9f25, 0x0097073b), // c.addw a4,s1
        (0x9c25, 0x0094043b), // c.addw s0,s1
        (0x8c61, 0x00847433), // c.and s0,s0
        (0x8ffd, 0x00f7f7b3), // c.and a5,a5
        (0x8ce1, 0x0084f4b3), // c.and s1,s0
        (0x8d71, 0x00c57533), // c.and a0,a2
        (0x8c75, 0x00d47433), // c.and s0,a3
        (0x8e79, 0x00e67633), // c.and a2,a4
        (0x8801, 0x00047413), // c.andi s0,0
        (0x9bfd, 0xfff7f793), // c.andi a5,-1
        (0x887d, 0x01f47413), // c.andi s0,31
        (0x984d, 0xff347413), // c.andi s0,-13
        (0x9b91, 0xfe47f793), // c.andi a5,-28
        (0x9a31, 0xfec67613), // c.andi a2,-20
        (0xc001, 0x00040063), // c.beqz s0,0x12002
        (0xdffd, 0xfe078fe3), // c.beqz a5,0x14ffa
        (0xdb51, 0xf8070ae3), // c.beqz a4,0x1488e
        (0xd945, 0xfa0508e3), // c.beqz a0,0x14598
        (0xdc75, 0xfe040ee3), // c.beqz s0,0x14aac
        (0xc895, 0x02048a63), // c.beqz s1,0x12d14
        (0xe001, 0x00041063), // c.bnez s0,0x15002
        (0xfffd, 0xfe079fe3), // c.bnez a5,0x17ffa
        (0xf765, 0xfe0714e3), // c.bnez a4,0x17300
        (0xe63d, 0x06061763), // c.bnez a2,0x159ca
        (0xe249, 0x08061163), // c.bnez a2,0x153f0
        (0xe8b1, 0x04049a63), // c.bnez s1,0x15d5e
        (0x9002, 0x00100073), // c.ebreak 
        (0x2000, 0x00043407), // c.fld fs0,0(s0)
        (0x3ffc, 0x0f87b787), // c.fld fa5,248(a5)
        (0x2de0, 0x0d85b407), // c.fld fs0,216(a1)
        (0x3080, 0x0204b407), // c.fld fs0,32(s1)
        (0x3be8, 0x0f07b507), // c.fld fa0,240(a5)
        (0x3344, 0x0a073487), // c.fld fs1,160(a4)
        (0x2002, 0x00013007), // c.fldsp ft0,0(sp)
        (0x3ffe, 0x1f813f87), // c.fldsp ft11,504(sp)
        (0x3af6, 0x17813a87), // c.fldsp fs5,376(sp)
        (0x38b2, 0x12813887), // c.fldsp fa7,296(sp)
        (0x3676, 0x17813607), // c.fldsp fa2,376(sp)
        (0x3a16, 0x16013a07), // c.fldsp fs4,352(sp)
        (0xa000, 0x00843027), // c.fsd fs0,0(s0)
        (0xbffc, 0x0ef7bc27), // c.fsd fa5,248(a5)
        (0xaedc, 0x08f6bc27), // c.fsd fa5,152(a3)
        (0xb58c, 0x02b5b427), // c.fsd fa1,40(a1)
        (0xa1d4, 0x08d5b027), // c.fsd fa3,128(a1)
        (0xb1e4, 0x0e95b027), // c.fsd fs1,224(a1)
        (0xa002, 0x00013027), // c.fsdsp ft0,0(sp)
        (0xbffe, 0x1ff13c27), // c.fsdsp ft11,504(sp)
        (0xaa72, 0x11c13827), // c.fsdsp ft8,272(sp)
        (0xb4e2, 0x07813427), // c.fsdsp fs8,104(sp)
        (0xa6aa, 0x14a13427), // c.fsdsp fa0,328(sp)
        (0xad82, 0x0c013c27), // c.fsdsp ft0,216(sp)
        (0xa001, 0x0000006f), // c.j 0xf002
        (0xbffd, 0xfffff06f), // c.j 0x11ffa
        (0xb115, 0xc25ff06f), // c.j 0x105c4
        (0xb23d, 0x92fff06f), // c.j 0x1048a
        (0xa7f5, 0x7ec0006f), // c.j 0x103dc
        (0xa40d, 0x2220006f), // c.j 0xf836
        (0x9082, 0x000080e7), // c.jalr ra
        (0x9f82, 0x000f80e7), // c.jalr t6
        (0x9802, 0x000800e7), // c.jalr a6
        (0x9e02, 0x000e00e7), // c.jalr t3
        (0x9a82, 0x000a80e7), // c.jalr s5
        (0x9182, 0x000180e7), // c.jalr gp
        (0x8082, 0x00008067), // c.jr ra
        (0x8f82, 0x000f8067), // c.jr t6
        (0x8602, 0x00060067), // c.jr a2
        (0x8d02, 0x000d0067), // c.jr s10
        (0x8182, 0x00018067), // c.jr gp
        (0x8702, 0x00070067), // c.jr a4
        (0x6000, 0x00043403), // c.ld s0,0(s0)
        (0x7ffc, 0x0f87b783), // c.ld a5,248(a5)
        (0x69a4, 0x0505b483), // c.ld s1,80(a1)
        (0x6148, 0x08053503), // c.ld a0,128(a0)
        (0x72cc, 0x0a06b583), // c.ld a1,160(a3)
        (0x7b54, 0x0b073683), // c.ld a3,176(a4)
        (0x6082, 0x00013083), // c.ldsp ra,0(sp)
        (0x7ffe, 0x1f813f83), // c.ldsp t6,504(sp)
        (0x799a, 0x1a013983), // c.ldsp s3,416(sp)
        (0x6dca, 0x09013d83), // c.ldsp s11,144(sp)
        (0x7cee, 0x0f813c83), // c.ldsp s9,248(sp)
        (0x644e, 0x0d013403), // c.ldsp s0,208(sp)
        (0x4001, 0x00000013), // c.li zero,0
        (0x5ffd, 0xfff00f93), // c.li t6,-1
        (0x42d5, 0x01500293), // c.li t0,21
        (0x42e1, 0x01800293), // c.li t0,24
        (0x582d, 0xfeb00813), // c.li a6,-21
        (0x552d, 0xfeb00513), // c.li a0,-21
        (0x6005, 0x00001037), // c.lui zero,0x1
        (0x7ffd, 0xffffffb7), // c.lui t6,0xfffff
        (0x731d, 0xfffe7337), // c.lui t1,0xfffe7
        (0x7dad, 0xfffebdb7), // c.lui s11,0xfffeb
        (0x7efd, 0xfffffeb7), // c.lui t4,0xfffff
        (0x69b9, 0x0000e9b7), // c.lui s3,0xe
        (0x4000, 0x00042403), // c.lw s0,0(s0)
        (0x5ffc, 0x07c7a783), // c.lw a5,124(a5)
        (0x4f18, 0x01872703), // c.lw a4,24(a4)
        (0x424c, 0x00462583), // c.lw a1,4(a2)
        (0x53d0, 0x0247a603), // c.lw a2,36(a5)
        (0x4074, 0x04442683), // c.lw a3,68(s0)
        (0x4082, 0x00012083), // c.lwsp ra,0(sp)
        (0x5ffe, 0x0fc12f83), // c.lwsp t6,252(sp)
        (0x42f6, 0x05c12283), // c.lwsp t0,92(sp)
        (0x43f6, 0x05c12383), // c.lwsp t2,92(sp)
        (0x5432, 0x02c12403), // c.lwsp s0,44(sp)
        (0x5222, 0x02812203), // c.lwsp tp,40(sp)
        (0x8006, 0x00100033), // c.mv zero,ra
        (0x8ffe, 0x01f00fb3), // c.mv t6,t6
        (0x808a, 0x002000b3), // c.mv ra,sp
        (0x8fae, 0x00b00fb3), // c.mv t6,a1
        (0x8346, 0x01100333), // c.mv t1,a7
        (0x86be, 0x00f006b3), // c.mv a3,a5
        (0x8c41, 0x00846433), // c.or s0,s0
        (0x8fdd, 0x00f7e7b3), // c.or a5,a5
        (0x8e55, 0x00d66633), // c.or a2,a3
        (0x8e45, 0x00966633), // c.or a2,s1
        (0x8d4d, 0x00b56533), // c.or a0,a1
        (0x8c55, 0x00d46433), // c.or s0,a3
        (0xe000, 0x00843023), // c.sd s0,0(s0)
        (0xfffc, 0x0ef7bc23), // c.sd a5,248(a5)
        (0xf5bc, 0x06f5b423), // c.sd a5,104(a1)
        (0xf414, 0x02d43423), // c.sd a3,40(s0)
        (0xf70c, 0x02b73423), // c.sd a1,40(a4)
        (0xe8d8, 0x08e4b823), // c.sd a4,144(s1)
        (0xe002, 0x00013023), // c.sdsp zero,0(sp)
        (0xfffe, 0x1ff13c23), // c.sdsp t6,504(sp)
        (0xf82e, 0x02b13823), // c.sdsp a1,48(sp)
        (0xf81e, 0x02713823), // c.sdsp t2,48(sp)
        (0xfd76, 0x0bd13c23), // c.sdsp t4,184(sp)
        (0xf8b6, 0x06d13823), // c.sdsp a3,112(sp)
        (0x0006, 0x00101013), // c.slli zero,0x1
        (0x1ffe, 0x03ff9f93), // c.slli t6,0x3f
        (0x151a, 0x02651513), // c.slli a0,0x26
        (0x1c3e, 0x02fc1c13), // c.slli s8,0x2f
        (0x138e, 0x02339393), // c.slli t2,0x23
        (0x164a, 0x03261613), // c.slli a2,0x32
        (0x0002, 0x00001013), // c.slli64 zero
        (0x0f82, 0x000f9f93), // c.slli64 t6
        (0x0302, 0x00031313), // c.slli64 t1
        (0x0882, 0x00089893), // c.slli64 a7
        (0x0d82, 0x000d9d93), // c.slli64 s11
        (0x0782, 0x00079793), // c.slli64 a5
        (0x8405, 0x40145413), // c.srai s0,0x1
        (0x97fd, 0x43f7d793), // c.srai a5,0x3f
        (0x979d, 0x4277d793), // c.srai a5,0x27
        (0x867d, 0x41f65613), // c.srai a2,0x1f
        (0x879d, 0x4077d793), // c.srai a5,0x7
        (0x97f1, 0x43c7d793), // c.srai a5,0x3c
        (0x8401, 0x40045413), // c.srai64 s0
        (0x8781, 0x4007d793), // c.srai64 a5
        (0x8601, 0x40065613), // c.srai64 a2
        (0x8501, 0x40055513), // c.srai64 a0
        (0x8701, 0x40075713), // c.srai64 a4
        (0x8005, 0x00145413), // c.srli s0,0x1
        (0x93fd, 0x03f7d793), // c.srli a5,0x3f
        (0x82cd, 0x0136d693), // c.srli a3,0x13
        (0x8019, 0x00645413), // c.srli s0,0x6
        (0x926d, 0x03b65613), // c.srli a2,0x3b
        (0x836d, 0x01b75713), // c.srli a4,0x1b
        (0x8001, 0x00045413), // c.srli64 s0
        (0x8381, 0x0007d793), // c.srli64 a5
        (0x8281, 0x0006d693), // c.srli64 a3
        (0x8181, 0x0005d593), // c.srli64 a1
        (0x8201, 0x00065613), // c.srli64 a2
        (0x8c01, 0x40840433), // c.sub s0,s0
        (0x8f9d, 0x40f787b3), // c.sub a5,a5
        (0x8d05, 0x40950533), // c.sub a0,s1
        (0x8c1d, 0x40f40433), // c.sub s0,a5
        (0x8e89, 0x40a686b3), // c.sub a3,a0
        (0x8f8d, 0x40b787b3), // c.sub a5,a1
        (0x9c01, 0x4084043b), // c.subw s0,s0
        (0x9f9d, 0x40f787bb), // c.subw a5,a5
        (0x9e95, 0x40d686bb), // c.subw a3,a3
        (0x9e0d, 0x40b6063b), // c.subw a2,a1
        (0x9f99, 0x40e787bb), // c.subw a5,a4
        (0x9c09, 0x40a4043b), // c.subw s0,a0
        (0xc000, 0x00842023), // c.sw s0,0(s0)
        (0xdffc, 0x06f7ae23), // c.sw a5,124(a5)
        (0xc3e0, 0x0487a223), // c.sw s0,68(a5)
        (0xc15c, 0x00f52223), // c.sw a5,4(a0)
        (0xd7a0, 0x0687a423), // c.sw s0,104(a5)
        (0xd010, 0x02c42023), // c.sw a2,32(s0)
        (0xc002, 0x00012023), // c.swsp zero,0(sp)
        (0xdffe, 0x0ff12e23), // c.swsp t6,252(sp)
        (0xdd36, 0x0ad12c23), // c.swsp a3,184(sp)
        (0xd31e, 0x0a712223), // c.swsp t2,164(sp)
        (0xd47a, 0x03e12423), // c.swsp t5,40(sp)
        (0xcb5a, 0x09612a23), // c.swsp s6,148(sp)
        (0x8c21, 0x00844433), // c.xor s0,s0
        (0x8fbd, 0x00f7c7b3), // c.xor a5,a5
        (0x8eb9, 0x00e6c6b3), // c.xor a3,a4
        (0x8d3d, 0x00f54533), // c.xor a0,a5
        (0x8ea1, 0x0086c6b3), // c.xor a3,s0
        (0x8ebd, 0x00f6c6b3), // c.xor a3,a5
    ];

    /// Reserved or unsupported 32-bit encodings.
    #[rustfmt::skip]
    const ILLEGAL32: &[u32] = &[
        0x0215151b, // slliw with funct7=0000001 (shamt[5])
        0x0215551b, // srliw with shamt[5]
        0x4215551b, // sraiw with shamt[5]
        0x6215551b, // roriw with shamt[5]
        0x0055251b, // OP-IMM-32 funct3=2
        0x08151513, // slli funct6=000001
        0x44155513, // srai funct6=010001
        0x04c58533, // add funct7=0000010
        0x40c59533, // sub funct3=1
        0x08c5c533, // pack (Zbkb) funct7=0000100
        0x0ec5e533, // czero funct3=6
        0x40c5953b, // subw funct3=1
        0x02c5953b, // mulw funct3=1
        0x08c5c53b, // packw (zext.h rs2!=0)
        0x60359513, // clz rs2=3
        0x6035951b, // clzw rs2=3
        0x6985d513, // rev8 RV32 encoding
        0x2885d513, // orc.b with funct12=0x288
        0x000510e7, // jalr funct3=1
        0x00b52063, // branch funct3=2
        0x00b53063, // branch funct3=3
        0x0005f503, // load funct3=7
        0x00b54023, // store funct3=4
        0x00059507, // flh (LOAD-FP funct3=1)
        0x00b54027, // fsq (STORE-FP funct3=4)
        0x04c5f553, // fadd.h (fmt=10)
        0x06c5f553, // fadd.q (fmt=11)
        0x6cc5f543, // fmadd.h (fmt=10)
        0x20c5b553, // fsgnj.s funct3=3
        0x28c5a553, // fmin.s funct3=2 (Zfa fminm)
        0xa0c5b553, // feq.s funct3=3
        0xe005a553, // fmv.x.w funct3=2
        0xe0158553, // fmv.x.w rs2=1
        0xf0059553, // fmv.w.x funct3=1
        0xf0100553, // fli.s (Zfa, fmv.w.x rs2=1)
        0x5815f553, // fsqrt.s rs2=1
        0x4005f553, // fcvt.s.s (rs2=0, fmt S)
        0x4225f553, // fcvt.d.h (rs2=2)
        0x4245f553, // fround.d (Zfa, rs2=4)
        0xc045f553, // fcvt.w.s rs2=4
        0xd055f553, // fcvt.s.w rs2=5
        0xc2859553, // fcvtmod.w.d (Zfa, rs2=8)
        0x30c58553, // OP-FP funct5=00110
        0x00c5852f, // AMO funct3=0
        0x00c5c52f, // AMO funct3=4
        0x28c5a52f, // AMO funct5=00101
        0x28c5a52f, // AMO funct5=00110 (amocas, Zacas)
        0x1015a52f, // lr.w rs2=1
        0x11f5b52f, // lr.d rs2=31
        0x000000f3, // ecall rd=1
        0x00008073, // ecall rs1=1
        0x001000f3, // ebreak rd=1
        0x00200073, // uret
        0x30208073, // mret rs1=1
        0x102000f3, // sret rd=1
        0x10508073, // wfi rs1=1
        0x7b200073, // dret
        0x10400073, // sfence.vm (old)
        0x120000f3, // sfence.vma rd=1
        0x16000073, // sinval.vma (Svinval)
        0x22000073, // hfence.vvma
        0x60004073, // SYSTEM funct3=4 (hlv)
        0x0015200f, // MISC-MEM funct3=2 (cbo.clean)
        0x0000001f, // 48-bit prefix
        0x0000000b, // custom-0
        0x00000057, // OP-V
        0xffffffff, // all ones
    ];

    /// Reserved or unsupported 16-bit encodings.
    #[rustfmt::skip]
    const ILLEGAL16: &[u16] = &[
        0x0000, // all-zero (c.unimp)
        0x0004, // c.addi4spn nzuimm=0, rd'=s1
        0x0010, // c.addi4spn nzuimm=0, rd'=a2
        0x6101, // c.addi16sp nzimm=0
        0x6081, // c.lui ra, 0 (nzimm=0)
        0x8002, // c.jr x0
        0x4002, // c.lwsp x0
        0x6002, // c.ldsp x0
        0x2001, // c.addiw x0
        0x9c41, // reserved CA (bit12=1, funct2=10)
        0x9c61, // reserved CA (bit12=1, funct2=11)
        0x8000, // quadrant 0 funct3=100 (Zcb, unsupported)
        0x9c00, // quadrant 0 funct3=100 (Zcb c.sb)
    ];

    #[test]
    fn known_32bit_encodings() {
        for &(raw, op, rd, rs1, rs2, rs3, rm, imm) in KNOWN {
            let want = Insn {
                op,
                rd,
                rs1,
                rs2,
                rs3,
                rm,
                len: 4,
                imm,
                raw,
            };
            assert_eq!(decode(raw), want, "raw {raw:#010x}");
            assert!(!is_compressed(raw));
            assert_eq!(insn_len(raw), 4);
        }
    }

    #[test]
    fn known_compressed_expansions() {
        for &(c, wide) in CPAIRS {
            assert_eq!(expand_compressed(c), Some(wide), "c {c:#06x}");
            let mut want = decode(wide);
            assert_ne!(want.op, Op::Illegal, "c {c:#06x}");
            want.len = 2;
            want.raw = c as u32;
            assert_eq!(decode(c as u32), want, "c {c:#06x}");
            assert!(is_compressed(c as u32));
            assert_eq!(insn_len(c as u32), 2);
        }
    }

    #[test]
    fn compressed_fields() {
        // c.addi16sp sp, -512
        let i = decode(0x7101);
        assert_eq!((i.op, i.rd, i.rs1, i.imm, i.len), (Op::Addi, 2, 2, -512, 2));
        // c.lui a0, 0xfffe0 -> lui a0, -0x20000 << 0
        let i = decode(0x7501);
        assert_eq!((i.op, i.rd, i.imm), (Op::Lui, 10, -0x20000));
        // c.j -2048
        let i = decode(0xb001);
        assert_eq!((i.op, i.rd, i.imm), (Op::Jal, 0, -2048));
        // c.beqz s0, -256
        let i = decode(0xd001);
        assert_eq!((i.op, i.rs1, i.rs2, i.imm), (Op::Beq, 8, 0, -256));
        // c.jr ra, c.jalr a0, c.mv a0, a1, c.ebreak, c.nop
        let i = decode(0x8082);
        assert_eq!((i.op, i.rd, i.rs1, i.imm), (Op::Jalr, 0, 1, 0));
        let i = decode(0x9502);
        assert_eq!((i.op, i.rd, i.rs1, i.imm), (Op::Jalr, 1, 10, 0));
        let i = decode(0x852e);
        assert_eq!((i.op, i.rd, i.rs1, i.rs2), (Op::Add, 10, 0, 11));
        assert_eq!(decode(0x9002).op, Op::Ebreak);
        let i = decode(0x0001);
        assert_eq!((i.op, i.rd, i.rs1, i.imm), (Op::Addi, 0, 0, 0));
        // c.srai a0, 63 (shamt[5] on RV64)
        let i = decode(0x957d);
        assert_eq!((i.op, i.rd, i.rs1, i.imm), (Op::Srai, 10, 10, 63));
        // Upper 16 bits are ignored for a compressed instruction.
        assert_eq!(decode(0xdead_8082), decode(0x8082));
        assert_eq!(decode(0xdead_8082).raw, 0x8082);
    }

    #[test]
    fn illegal_encodings() {
        for &raw in ILLEGAL32 {
            assert_eq!(decode(raw), Insn::illegal(raw, 4), "raw {raw:#010x}");
        }
        for &c in ILLEGAL16 {
            assert_eq!(expand_compressed(c), None, "c {c:#06x}");
            assert_eq!(decode(c as u32), Insn::illegal(c as u32, 2), "c {c:#06x}");
            assert_eq!(decode(0xffff_0000 | c as u32), Insn::illegal(c as u32, 2));
        }
    }

    #[test]
    fn fp_reserved_rounding_modes_still_decode() {
        // fadd.s fa0, fa1, fa2 with rm = 5, 6, 7.
        for rm in [5u32, 6, 7] {
            let i = decode(0x00c5_8553 | (rm << 12));
            assert_eq!((i.op, i.rm), (Op::FaddS, rm as u8));
        }
        // fmadd.d with rm = 6: rs3 = bits 31:27.
        let i = decode(0x6ac5_e543);
        assert_eq!(
            (i.op, i.rd, i.rs1, i.rs2, i.rs3, i.rm),
            (Op::FmaddD, 10, 11, 12, 13, 6)
        );
    }

    /// Every 16-bit encoding either is illegal or decodes exactly like its
    /// (legal) 32-bit expansion, apart from `len` and `raw`.
    #[test]
    fn every_compressed_encoding() {
        let mut illegal = 0;
        for c in 0..=u16::MAX {
            if c & 3 == 3 {
                assert_eq!(expand_compressed(c), None);
                continue;
            }
            let got = decode(c as u32);
            assert_eq!((got.len, got.raw), (2, c as u32), "c {c:#06x}");
            match expand_compressed(c) {
                Some(wide) => {
                    assert_eq!(wide & 3, 3);
                    let mut want = decode(wide);
                    assert_ne!(want.op, Op::Illegal, "c {c:#06x} -> {wide:#010x}");
                    want.len = 2;
                    want.raw = c as u32;
                    assert_eq!(got, want, "c {c:#06x}");
                }
                None => {
                    assert_eq!(got, Insn::illegal(c as u32, 2), "c {c:#06x}");
                    illegal += 1;
                }
            }
        }
        // objdump (binutils 2.40) rejects 2408 of the 49152 16-bit
        // encodings; it accepts the reserved `c.addi16sp sp, 0`.
        assert_eq!(illegal, 2409);
    }

    proptest! {
        #[test]
        fn decode_total(raw in any::<u32>()) {
            let i = decode(raw);
            let len = if raw & 3 == 3 { 4 } else { 2 };
            prop_assert_eq!(i.len, len);
            prop_assert_eq!(insn_len(raw), len);
            let shown = if len == 2 { raw & 0xffff } else { raw };
            prop_assert_eq!(i.raw, shown);
            if i.op == Op::Illegal {
                prop_assert_eq!(i, Insn::illegal(shown, len));
            }
            prop_assert!(i.rd < 32 && i.rs1 < 32 && i.rs2 < 32 && i.rs3 < 32 && i.rm < 8);
            prop_assert!(!disasm(&i).is_empty());
        }
    }
}
