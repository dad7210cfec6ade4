//! The compact decoded instruction form shared by the interpreter and the JIT.
//!
//! One [`Insn`] is 16 bytes. Compressed instructions decode to the same
//! [`Op`] as their 32-bit expansion, with `len == 2`.
//!
//! Field conventions:
//! - `rd`, `rs1`, `rs2`, `rs3` are register numbers (integer or FP as the op
//!   implies); unused fields are 0.
//! - `imm` is the sign-extended immediate (I/S/B/U/J formats, shift amounts,
//!   compressed immediates). For CSR ops `imm` is the CSR number and, for the
//!   `*I` forms, `rs1` holds the 5-bit zero-extended immediate. For
//!   [`Op::Illegal`] `imm` holds the raw instruction bits (zero-extended from
//!   16 bits for a compressed encoding) to report in `xtval`. For `fence`
//!   `imm` holds bits 31:20 (fm, pred, succ) zero-extended.
//! - `rm` is the rounding-mode field of FP ops (7 = dynamic; 0 for the ops
//!   with a fixed funct3 such as fsgnj, fmin/fmax, compares, fclass, fmv),
//!   and the aq/rl bits for AMOs.
//!
//! `Display` for `Insn` lives in `disasm`.
//! - `len` is 2 or 4.

/// A decoded instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Insn {
    pub op: Op,
    pub rd: u8,
    pub rs1: u8,
    pub rs2: u8,
    pub rs3: u8,
    pub rm: u8,
    pub len: u8,
    pub imm: i32,
    /// The raw instruction bits (16-bit encodings zero-extended).
    pub raw: u32,
}

impl Insn {
    /// An illegal instruction with the given raw bits and length.
    pub const fn illegal(raw: u32, len: u8) -> Self {
        Insn {
            op: Op::Illegal,
            rd: 0,
            rs1: 0,
            rs2: 0,
            rs3: 0,
            rm: 0,
            len,
            imm: raw as i32,
            raw,
        }
    }

    /// Does this instruction end a basic block (control flow, traps, or
    /// anything that may change translation or privilege state)?
    pub fn ends_block(&self) -> bool {
        use Op::*;
        matches!(
            self.op,
            Jal | Jalr
                | Beq
                | Bne
                | Blt
                | Bge
                | Bltu
                | Bgeu
                | Ecall
                | Ebreak
                | Mret
                | Sret
                | Wfi
                | SfenceVma
                | FenceI
                | Csrrw
                | Csrrs
                | Csrrc
                | Csrrwi
                | Csrrsi
                | Csrrci
                | Illegal
        )
    }

    /// Does the slice go on after this instruction, the last of its block,
    /// moved the pc from `pc` to `next`? Only a forward direct transfer
    /// does: a branch either way or a `jal` whose target lies after it, or
    /// a block that simply ends (length or page limit). A slice ends, and
    /// interrupts, code writes and the budget are looked at, only after a
    /// backward or computed transfer, a trap, or an instruction that may
    /// change translation or privilege state (CSRs, `mret`, `fence.i`,
    /// ...). Every endless path goes through such a point, and a run of
    /// forward transfers is bounded by the code it passes over; both
    /// engines end slices by this rule, so they end at the same place.
    pub fn continues_slice(&self, pc: u64, next: u64) -> bool {
        use Op::*;
        let direct = matches!(self.op, Jal | Beq | Bne | Blt | Bge | Bltu | Bgeu);
        (direct || !self.ends_block()) && (next.wrapping_sub(pc) as i64) > 0
    }
}

/// Every operation the hart implements. Compressed encodings map onto these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Op {
    /// Illegal or reserved encoding (raises illegal-instruction).
    Illegal,

    // ---- RV64I ----
    Lui,
    Auipc,
    Jal,
    Jalr,
    Beq,
    Bne,
    Blt,
    Bge,
    Bltu,
    Bgeu,
    Lb,
    Lh,
    Lw,
    Ld,
    Lbu,
    Lhu,
    Lwu,
    Sb,
    Sh,
    Sw,
    Sd,
    Addi,
    Slti,
    Sltiu,
    Xori,
    Ori,
    Andi,
    Slli,
    Srli,
    Srai,
    Add,
    Sub,
    Sll,
    Slt,
    Sltu,
    Xor,
    Srl,
    Sra,
    Or,
    And,
    Addiw,
    Slliw,
    Srliw,
    Sraiw,
    Addw,
    Subw,
    Sllw,
    Srlw,
    Sraw,
    /// `fence` (pred/succ in `imm`); also `fence.tso` and `pause`.
    Fence,
    FenceI,
    Ecall,
    Ebreak,

    // ---- Zicsr ----
    Csrrw,
    Csrrs,
    Csrrc,
    Csrrwi,
    Csrrsi,
    Csrrci,

    // ---- privileged ----
    Mret,
    Sret,
    Wfi,
    SfenceVma,

    // ---- M ----
    Mul,
    Mulh,
    Mulhsu,
    Mulhu,
    Div,
    Divu,
    Rem,
    Remu,
    Mulw,
    Divw,
    Divuw,
    Remw,
    Remuw,

    // ---- A ----
    LrW,
    ScW,
    AmoswapW,
    AmoaddW,
    AmoxorW,
    AmoandW,
    AmoorW,
    AmominW,
    AmomaxW,
    AmominuW,
    AmomaxuW,
    LrD,
    ScD,
    AmoswapD,
    AmoaddD,
    AmoxorD,
    AmoandD,
    AmoorD,
    AmominD,
    AmomaxD,
    AmominuD,
    AmomaxuD,

    // ---- F ----
    Flw,
    Fsw,
    FmaddS,
    FmsubS,
    FnmsubS,
    FnmaddS,
    FaddS,
    FsubS,
    FmulS,
    FdivS,
    FsqrtS,
    FsgnjS,
    FsgnjnS,
    FsgnjxS,
    FminS,
    FmaxS,
    FcvtWS,
    FcvtWuS,
    FcvtLS,
    FcvtLuS,
    FmvXW,
    FeqS,
    FltS,
    FleS,
    FclassS,
    FcvtSW,
    FcvtSWu,
    FcvtSL,
    FcvtSLu,
    FmvWX,

    // ---- D ----
    Fld,
    Fsd,
    FmaddD,
    FmsubD,
    FnmsubD,
    FnmaddD,
    FaddD,
    FsubD,
    FmulD,
    FdivD,
    FsqrtD,
    FsgnjD,
    FsgnjnD,
    FsgnjxD,
    FminD,
    FmaxD,
    FcvtSD,
    FcvtDS,
    FeqD,
    FltD,
    FleD,
    FclassD,
    FcvtWD,
    FcvtWuD,
    FcvtLD,
    FcvtLuD,
    FmvXD,
    FcvtDW,
    FcvtDWu,
    FcvtDL,
    FcvtDLu,
    FmvDX,

    // ---- Zba ----
    AddUw,
    Sh1add,
    Sh2add,
    Sh3add,
    Sh1addUw,
    Sh2addUw,
    Sh3addUw,
    SlliUw,

    // ---- Zbb ----
    Andn,
    Orn,
    Xnor,
    Clz,
    Clzw,
    Ctz,
    Ctzw,
    Cpop,
    Cpopw,
    Max,
    Maxu,
    Min,
    Minu,
    SextB,
    SextH,
    ZextH,
    Rol,
    Rolw,
    Ror,
    Rori,
    Roriw,
    Rorw,
    OrcB,
    Rev8,

    // ---- Zbs ----
    Bclr,
    Bclri,
    Bext,
    Bexti,
    Binv,
    Binvi,
    Bset,
    Bseti,

    // ---- Zicond ----
    CzeroEqz,
    CzeroNez,
}
