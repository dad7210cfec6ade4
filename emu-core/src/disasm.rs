//! Disassembler for the decoded [`Insn`] form.
//!
//! Output follows `objdump -M no-aliases` closely: canonical (non-pseudo)
//! mnemonics, ABI register names, compressed instructions shown as their
//! 32-bit expansion. Branch and jump targets are printed as signed byte
//! offsets relative to the instruction (e.g. `beq a0, zero, 12`), CSRs by
//! name when known (else as hex), and FP rounding modes only when they are
//! not `dyn`.

use std::fmt;

use crate::insn::{Insn, Op};

/// ABI names of the integer registers.
const XREGS: [&str; 32] = [
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
];

/// ABI names of the FP registers.
const FREGS: [&str; 32] = [
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2",
    "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9",
    "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
];

/// ABI name of integer register `r` (only the low 5 bits are used).
pub fn reg_name(r: u8) -> &'static str {
    XREGS[(r & 31) as usize]
}

/// ABI name of FP register `r` (only the low 5 bits are used).
pub fn freg_name(r: u8) -> &'static str {
    FREGS[(r & 31) as usize]
}

const PMPCFG: [&str; 16] = [
    "pmpcfg0", "pmpcfg1", "pmpcfg2", "pmpcfg3", "pmpcfg4", "pmpcfg5", "pmpcfg6", "pmpcfg7",
    "pmpcfg8", "pmpcfg9", "pmpcfg10", "pmpcfg11", "pmpcfg12", "pmpcfg13", "pmpcfg14", "pmpcfg15",
];
const PMPADDR: [&str; 64] = [
    "pmpaddr0",
    "pmpaddr1",
    "pmpaddr2",
    "pmpaddr3",
    "pmpaddr4",
    "pmpaddr5",
    "pmpaddr6",
    "pmpaddr7",
    "pmpaddr8",
    "pmpaddr9",
    "pmpaddr10",
    "pmpaddr11",
    "pmpaddr12",
    "pmpaddr13",
    "pmpaddr14",
    "pmpaddr15",
    "pmpaddr16",
    "pmpaddr17",
    "pmpaddr18",
    "pmpaddr19",
    "pmpaddr20",
    "pmpaddr21",
    "pmpaddr22",
    "pmpaddr23",
    "pmpaddr24",
    "pmpaddr25",
    "pmpaddr26",
    "pmpaddr27",
    "pmpaddr28",
    "pmpaddr29",
    "pmpaddr30",
    "pmpaddr31",
    "pmpaddr32",
    "pmpaddr33",
    "pmpaddr34",
    "pmpaddr35",
    "pmpaddr36",
    "pmpaddr37",
    "pmpaddr38",
    "pmpaddr39",
    "pmpaddr40",
    "pmpaddr41",
    "pmpaddr42",
    "pmpaddr43",
    "pmpaddr44",
    "pmpaddr45",
    "pmpaddr46",
    "pmpaddr47",
    "pmpaddr48",
    "pmpaddr49",
    "pmpaddr50",
    "pmpaddr51",
    "pmpaddr52",
    "pmpaddr53",
    "pmpaddr54",
    "pmpaddr55",
    "pmpaddr56",
    "pmpaddr57",
    "pmpaddr58",
    "pmpaddr59",
    "pmpaddr60",
    "pmpaddr61",
    "pmpaddr62",
    "pmpaddr63",
];
const MHPMCOUNTER: [&str; 29] = [
    "mhpmcounter3",
    "mhpmcounter4",
    "mhpmcounter5",
    "mhpmcounter6",
    "mhpmcounter7",
    "mhpmcounter8",
    "mhpmcounter9",
    "mhpmcounter10",
    "mhpmcounter11",
    "mhpmcounter12",
    "mhpmcounter13",
    "mhpmcounter14",
    "mhpmcounter15",
    "mhpmcounter16",
    "mhpmcounter17",
    "mhpmcounter18",
    "mhpmcounter19",
    "mhpmcounter20",
    "mhpmcounter21",
    "mhpmcounter22",
    "mhpmcounter23",
    "mhpmcounter24",
    "mhpmcounter25",
    "mhpmcounter26",
    "mhpmcounter27",
    "mhpmcounter28",
    "mhpmcounter29",
    "mhpmcounter30",
    "mhpmcounter31",
];
const MHPMEVENT: [&str; 29] = [
    "mhpmevent3",
    "mhpmevent4",
    "mhpmevent5",
    "mhpmevent6",
    "mhpmevent7",
    "mhpmevent8",
    "mhpmevent9",
    "mhpmevent10",
    "mhpmevent11",
    "mhpmevent12",
    "mhpmevent13",
    "mhpmevent14",
    "mhpmevent15",
    "mhpmevent16",
    "mhpmevent17",
    "mhpmevent18",
    "mhpmevent19",
    "mhpmevent20",
    "mhpmevent21",
    "mhpmevent22",
    "mhpmevent23",
    "mhpmevent24",
    "mhpmevent25",
    "mhpmevent26",
    "mhpmevent27",
    "mhpmevent28",
    "mhpmevent29",
    "mhpmevent30",
    "mhpmevent31",
];
const HPMCOUNTER: [&str; 29] = [
    "hpmcounter3",
    "hpmcounter4",
    "hpmcounter5",
    "hpmcounter6",
    "hpmcounter7",
    "hpmcounter8",
    "hpmcounter9",
    "hpmcounter10",
    "hpmcounter11",
    "hpmcounter12",
    "hpmcounter13",
    "hpmcounter14",
    "hpmcounter15",
    "hpmcounter16",
    "hpmcounter17",
    "hpmcounter18",
    "hpmcounter19",
    "hpmcounter20",
    "hpmcounter21",
    "hpmcounter22",
    "hpmcounter23",
    "hpmcounter24",
    "hpmcounter25",
    "hpmcounter26",
    "hpmcounter27",
    "hpmcounter28",
    "hpmcounter29",
    "hpmcounter30",
    "hpmcounter31",
];

/// Name of CSR number `n`, for the common unprivileged, supervisor, machine
/// and debug/trigger CSRs of an RV64 hart; `None` if unknown.
pub fn csr_name(n: u16) -> Option<&'static str> {
    Some(match n {
        // Unprivileged.
        0x001 => "fflags",
        0x002 => "frm",
        0x003 => "fcsr",
        0xc00 => "cycle",
        0xc01 => "time",
        0xc02 => "instret",
        0xc03..=0xc1f => HPMCOUNTER[(n - 0xc03) as usize],
        // Supervisor.
        0x100 => "sstatus",
        0x104 => "sie",
        0x105 => "stvec",
        0x106 => "scounteren",
        0x10a => "senvcfg",
        0x140 => "sscratch",
        0x141 => "sepc",
        0x142 => "scause",
        0x143 => "stval",
        0x144 => "sip",
        0x14d => "stimecmp",
        0x180 => "satp",
        0xda0 => "scountovf",
        // Machine.
        0xf11 => "mvendorid",
        0xf12 => "marchid",
        0xf13 => "mimpid",
        0xf14 => "mhartid",
        0xf15 => "mconfigptr",
        0x300 => "mstatus",
        0x301 => "misa",
        0x302 => "medeleg",
        0x303 => "mideleg",
        0x304 => "mie",
        0x305 => "mtvec",
        0x306 => "mcounteren",
        0x30a => "menvcfg",
        0x320 => "mcountinhibit",
        0x323..=0x33f => MHPMEVENT[(n - 0x323) as usize],
        0x340 => "mscratch",
        0x341 => "mepc",
        0x342 => "mcause",
        0x343 => "mtval",
        0x344 => "mip",
        0x34a => "mtinst",
        0x34b => "mtval2",
        0x3a0..=0x3af => PMPCFG[(n - 0x3a0) as usize],
        0x3b0..=0x3ef => PMPADDR[(n - 0x3b0) as usize],
        0x747 => "mseccfg",
        0xb00 => "mcycle",
        0xb02 => "minstret",
        0xb03..=0xb1f => MHPMCOUNTER[(n - 0xb03) as usize],
        // Debug / trigger.
        0x7a0 => "tselect",
        0x7a1 => "tdata1",
        0x7a2 => "tdata2",
        0x7a3 => "tdata3",
        0x7a4 => "tinfo",
        0x7b0 => "dcsr",
        0x7b1 => "dpc",
        0x7b2 => "dscratch0",
        0x7b3 => "dscratch1",
        _ => return None,
    })
}

/// Name of FP rounding mode `rm` (`None` for `dyn`, which is not printed).
fn rm_name(rm: u8) -> Option<&'static str> {
    match rm {
        0 => Some("rne"),
        1 => Some("rtz"),
        2 => Some("rdn"),
        3 => Some("rup"),
        4 => Some("rmm"),
        5 => Some("rm5"),
        6 => Some("rm6"),
        _ => None,
    }
}

/// The canonical (non-alias) assembler mnemonic of `op`.
pub fn mnemonic(op: Op) -> &'static str {
    use Op::*;
    match op {
        Illegal => "illegal",
        Lui => "lui",
        Auipc => "auipc",
        Jal => "jal",
        Jalr => "jalr",
        Beq => "beq",
        Bne => "bne",
        Blt => "blt",
        Bge => "bge",
        Bltu => "bltu",
        Bgeu => "bgeu",
        Lb => "lb",
        Lh => "lh",
        Lw => "lw",
        Ld => "ld",
        Lbu => "lbu",
        Lhu => "lhu",
        Lwu => "lwu",
        Sb => "sb",
        Sh => "sh",
        Sw => "sw",
        Sd => "sd",
        Addi => "addi",
        Slti => "slti",
        Sltiu => "sltiu",
        Xori => "xori",
        Ori => "ori",
        Andi => "andi",
        Slli => "slli",
        Srli => "srli",
        Srai => "srai",
        Add => "add",
        Sub => "sub",
        Sll => "sll",
        Slt => "slt",
        Sltu => "sltu",
        Xor => "xor",
        Srl => "srl",
        Sra => "sra",
        Or => "or",
        And => "and",
        Addiw => "addiw",
        Slliw => "slliw",
        Srliw => "srliw",
        Sraiw => "sraiw",
        Addw => "addw",
        Subw => "subw",
        Sllw => "sllw",
        Srlw => "srlw",
        Sraw => "sraw",
        Fence => "fence",
        FenceI => "fence.i",
        Ecall => "ecall",
        Ebreak => "ebreak",
        Csrrw => "csrrw",
        Csrrs => "csrrs",
        Csrrc => "csrrc",
        Csrrwi => "csrrwi",
        Csrrsi => "csrrsi",
        Csrrci => "csrrci",
        Mret => "mret",
        Sret => "sret",
        Wfi => "wfi",
        SfenceVma => "sfence.vma",
        Mul => "mul",
        Mulh => "mulh",
        Mulhsu => "mulhsu",
        Mulhu => "mulhu",
        Div => "div",
        Divu => "divu",
        Rem => "rem",
        Remu => "remu",
        Mulw => "mulw",
        Divw => "divw",
        Divuw => "divuw",
        Remw => "remw",
        Remuw => "remuw",
        LrW => "lr.w",
        ScW => "sc.w",
        AmoswapW => "amoswap.w",
        AmoaddW => "amoadd.w",
        AmoxorW => "amoxor.w",
        AmoandW => "amoand.w",
        AmoorW => "amoor.w",
        AmominW => "amomin.w",
        AmomaxW => "amomax.w",
        AmominuW => "amominu.w",
        AmomaxuW => "amomaxu.w",
        LrD => "lr.d",
        ScD => "sc.d",
        AmoswapD => "amoswap.d",
        AmoaddD => "amoadd.d",
        AmoxorD => "amoxor.d",
        AmoandD => "amoand.d",
        AmoorD => "amoor.d",
        AmominD => "amomin.d",
        AmomaxD => "amomax.d",
        AmominuD => "amominu.d",
        AmomaxuD => "amomaxu.d",
        Flw => "flw",
        Fsw => "fsw",
        FmaddS => "fmadd.s",
        FmsubS => "fmsub.s",
        FnmsubS => "fnmsub.s",
        FnmaddS => "fnmadd.s",
        FaddS => "fadd.s",
        FsubS => "fsub.s",
        FmulS => "fmul.s",
        FdivS => "fdiv.s",
        FsqrtS => "fsqrt.s",
        FsgnjS => "fsgnj.s",
        FsgnjnS => "fsgnjn.s",
        FsgnjxS => "fsgnjx.s",
        FminS => "fmin.s",
        FmaxS => "fmax.s",
        FcvtWS => "fcvt.w.s",
        FcvtWuS => "fcvt.wu.s",
        FcvtLS => "fcvt.l.s",
        FcvtLuS => "fcvt.lu.s",
        FmvXW => "fmv.x.w",
        FeqS => "feq.s",
        FltS => "flt.s",
        FleS => "fle.s",
        FclassS => "fclass.s",
        FcvtSW => "fcvt.s.w",
        FcvtSWu => "fcvt.s.wu",
        FcvtSL => "fcvt.s.l",
        FcvtSLu => "fcvt.s.lu",
        FmvWX => "fmv.w.x",
        Fld => "fld",
        Fsd => "fsd",
        FmaddD => "fmadd.d",
        FmsubD => "fmsub.d",
        FnmsubD => "fnmsub.d",
        FnmaddD => "fnmadd.d",
        FaddD => "fadd.d",
        FsubD => "fsub.d",
        FmulD => "fmul.d",
        FdivD => "fdiv.d",
        FsqrtD => "fsqrt.d",
        FsgnjD => "fsgnj.d",
        FsgnjnD => "fsgnjn.d",
        FsgnjxD => "fsgnjx.d",
        FminD => "fmin.d",
        FmaxD => "fmax.d",
        FcvtSD => "fcvt.s.d",
        FcvtDS => "fcvt.d.s",
        FeqD => "feq.d",
        FltD => "flt.d",
        FleD => "fle.d",
        FclassD => "fclass.d",
        FcvtWD => "fcvt.w.d",
        FcvtWuD => "fcvt.wu.d",
        FcvtLD => "fcvt.l.d",
        FcvtLuD => "fcvt.lu.d",
        FmvXD => "fmv.x.d",
        FcvtDW => "fcvt.d.w",
        FcvtDWu => "fcvt.d.wu",
        FcvtDL => "fcvt.d.l",
        FcvtDLu => "fcvt.d.lu",
        FmvDX => "fmv.d.x",
        AddUw => "add.uw",
        Sh1add => "sh1add",
        Sh2add => "sh2add",
        Sh3add => "sh3add",
        Sh1addUw => "sh1add.uw",
        Sh2addUw => "sh2add.uw",
        Sh3addUw => "sh3add.uw",
        SlliUw => "slli.uw",
        Andn => "andn",
        Orn => "orn",
        Xnor => "xnor",
        Clz => "clz",
        Clzw => "clzw",
        Ctz => "ctz",
        Ctzw => "ctzw",
        Cpop => "cpop",
        Cpopw => "cpopw",
        Max => "max",
        Maxu => "maxu",
        Min => "min",
        Minu => "minu",
        SextB => "sext.b",
        SextH => "sext.h",
        ZextH => "zext.h",
        Rol => "rol",
        Rolw => "rolw",
        Ror => "ror",
        Rori => "rori",
        Roriw => "roriw",
        Rorw => "rorw",
        OrcB => "orc.b",
        Rev8 => "rev8",
        Bclr => "bclr",
        Bclri => "bclri",
        Bext => "bext",
        Bexti => "bexti",
        Binv => "binv",
        Binvi => "binvi",
        Bset => "bset",
        Bseti => "bseti",
        CzeroEqz => "czero.eqz",
        CzeroNez => "czero.nez",
    }
}

/// Operand layout of an op, for printing.
enum Form {
    /// No operands.
    None,
    /// `rd, imm>>12` in hex.
    U,
    /// `rd, offset`.
    J,
    /// `rs1, rs2, offset`.
    B,
    /// `rd, imm(rs1)` (integer rd).
    Load,
    /// `frd, imm(rs1)`.
    FLoad,
    /// `rs2, imm(rs1)`.
    Store,
    /// `frs2, imm(rs1)`.
    FStore,
    /// `rd, rs1, imm` (decimal).
    I,
    /// `rd, rs1, shamt` (hex, as objdump prints it).
    Shift,
    /// `rd, rs1, rs2`.
    R,
    /// `rd, rs1`.
    Unary,
    /// `fence pred, succ` (or `fence.tso` / `pause`).
    Fence,
    /// `rs1, rs2`.
    SfenceVma,
    /// `rd, csr, rs1`.
    Csr,
    /// `rd, csr, uimm`.
    CsrI,
    /// `rd, (rs1)` with aq/rl suffix.
    Lr,
    /// `rd, rs2, (rs1)` with aq/rl suffix.
    Amo,
    /// `frd, frs1, frs2[, rm]`.
    FR3Rm,
    /// `frd, frs1, frs2`.
    FR3,
    /// `rd, frs1, frs2` (compare).
    FCmp,
    /// `frd, frs1, frs2, frs3[, rm]`.
    FR4,
    /// `frd, frs1[, rm]`.
    FR2Rm,
    /// `rd, frs1[, rm]`.
    FToX,
    /// `frd, rs1[, rm]`.
    XToF,
    /// `rd, frs1`.
    FToXNoRm,
    /// `frd, rs1`.
    XToFNoRm,
}

fn form(op: Op) -> Form {
    use Op::*;
    match op {
        Illegal | FenceI | Ecall | Ebreak | Mret | Sret | Wfi => Form::None,
        Lui | Auipc => Form::U,
        Jal => Form::J,
        Beq | Bne | Blt | Bge | Bltu | Bgeu => Form::B,
        Jalr | Lb | Lh | Lw | Ld | Lbu | Lhu | Lwu => Form::Load,
        Flw | Fld => Form::FLoad,
        Sb | Sh | Sw | Sd => Form::Store,
        Fsw | Fsd => Form::FStore,
        Addi | Slti | Sltiu | Xori | Ori | Andi | Addiw => Form::I,
        Slli | Srli | Srai | Slliw | Srliw | Sraiw | SlliUw | Rori | Roriw | Bclri | Bexti
        | Binvi | Bseti => Form::Shift,
        Clz | Clzw | Ctz | Ctzw | Cpop | Cpopw | SextB | SextH | ZextH | OrcB | Rev8 => Form::Unary,
        Fence => Form::Fence,
        SfenceVma => Form::SfenceVma,
        Csrrw | Csrrs | Csrrc => Form::Csr,
        Csrrwi | Csrrsi | Csrrci => Form::CsrI,
        LrW | LrD => Form::Lr,
        ScW | ScD | AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW | AmominW | AmomaxW
        | AmominuW | AmomaxuW | AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD | AmominD
        | AmomaxD | AmominuD | AmomaxuD => Form::Amo,
        FaddS | FsubS | FmulS | FdivS | FaddD | FsubD | FmulD | FdivD => Form::FR3Rm,
        FsgnjS | FsgnjnS | FsgnjxS | FminS | FmaxS | FsgnjD | FsgnjnD | FsgnjxD | FminD | FmaxD => {
            Form::FR3
        }
        FeqS | FltS | FleS | FeqD | FltD | FleD => Form::FCmp,
        FmaddS | FmsubS | FnmsubS | FnmaddS | FmaddD | FmsubD | FnmsubD | FnmaddD => Form::FR4,
        FsqrtS | FsqrtD | FcvtSD | FcvtDS => Form::FR2Rm,
        FcvtWS | FcvtWuS | FcvtLS | FcvtLuS | FcvtWD | FcvtWuD | FcvtLD | FcvtLuD => Form::FToX,
        FcvtSW | FcvtSWu | FcvtSL | FcvtSLu | FcvtDW | FcvtDWu | FcvtDL | FcvtDLu => Form::XToF,
        FmvXW | FmvXD | FclassS | FclassD => Form::FToXNoRm,
        FmvWX | FmvDX => Form::XToFNoRm,
        _ => Form::R,
    }
}

/// Writes a fence predecessor/successor set as `iorw` letters (`0` if empty).
fn fence_set(f: &mut fmt::Formatter<'_>, bits: u32) -> fmt::Result {
    if bits & 0xf == 0 {
        return f.write_str("0");
    }
    for (mask, ch) in [(8, "i"), (4, "o"), (2, "r"), (1, "w")] {
        if bits & mask != 0 {
            f.write_str(ch)?;
        }
    }
    Ok(())
}

/// A CSR operand: its name if known, else its number in hex.
struct Csr(i32);

impl fmt::Display for Csr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = (self.0 & 0xfff) as u16;
        match csr_name(n) {
            Some(name) => f.write_str(name),
            None => write!(f, "{n:#x}"),
        }
    }
}

/// Objdump-like text of the instruction; see [`disasm`].
impl fmt::Display for Insn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = reg_name;
        let fr = freg_name;
        let (rd, rs1, rs2, rs3, imm) = (self.rd, self.rs1, self.rs2, self.rs3, self.imm);
        let form = form(self.op);
        if self.op == Op::Fence && imm & 0xfff == 0x010 {
            // pred = w, succ = 0, fm = 0: the Zihintpause hint.
            return f.write_str("pause");
        }
        f.write_str(mnemonic(self.op))?;
        match form {
            Form::None if self.op == Op::Illegal => {
                if self.len == 2 {
                    write!(f, " {:#06x}", self.raw)
                } else {
                    write!(f, " {:#010x}", self.raw)
                }
            }
            Form::None => Ok(()),
            Form::U => write!(f, " {}, {:#x}", x(rd), (imm as u32) >> 12),
            Form::J => write!(f, " {}, {}", x(rd), imm),
            Form::B => write!(f, " {}, {}, {}", x(rs1), x(rs2), imm),
            Form::Load => write!(f, " {}, {}({})", x(rd), imm, x(rs1)),
            Form::FLoad => write!(f, " {}, {}({})", fr(rd), imm, x(rs1)),
            Form::Store => write!(f, " {}, {}({})", x(rs2), imm, x(rs1)),
            Form::FStore => write!(f, " {}, {}({})", fr(rs2), imm, x(rs1)),
            Form::I => write!(f, " {}, {}, {}", x(rd), x(rs1), imm),
            Form::Shift => write!(f, " {}, {}, {:#x}", x(rd), x(rs1), imm),
            Form::R => write!(f, " {}, {}, {}", x(rd), x(rs1), x(rs2)),
            Form::Unary => write!(f, " {}, {}", x(rd), x(rs1)),
            Form::Fence => {
                let bits = imm as u32 & 0xfff;
                if bits == 0x833 {
                    // fm = TSO, pred = succ = rw
                    f.write_str(".tso")
                } else {
                    f.write_str(" ")?;
                    fence_set(f, bits >> 4)?;
                    f.write_str(", ")?;
                    fence_set(f, bits)
                }
            }
            Form::SfenceVma => write!(f, " {}, {}", x(rs1), x(rs2)),
            Form::Csr => write!(f, " {}, {}, {}", x(rd), Csr(imm), x(rs1)),
            Form::CsrI => write!(f, " {}, {}, {}", x(rd), Csr(imm), rs1),
            Form::Lr | Form::Amo => {
                f.write_str(match self.rm & 3 {
                    1 => ".rl",
                    2 => ".aq",
                    3 => ".aqrl",
                    _ => "",
                })?;
                if matches!(form, Form::Lr) {
                    write!(f, " {}, ({})", x(rd), x(rs1))
                } else {
                    write!(f, " {}, {}, ({})", x(rd), x(rs2), x(rs1))
                }
            }
            Form::FR3Rm | Form::FR3 => write!(f, " {}, {}, {}", fr(rd), fr(rs1), fr(rs2)),
            Form::FCmp => write!(f, " {}, {}, {}", x(rd), fr(rs1), fr(rs2)),
            Form::FR4 => write!(f, " {}, {}, {}, {}", fr(rd), fr(rs1), fr(rs2), fr(rs3)),
            Form::FR2Rm => write!(f, " {}, {}", fr(rd), fr(rs1)),
            Form::FToX | Form::FToXNoRm => write!(f, " {}, {}", x(rd), fr(rs1)),
            Form::XToF | Form::XToFNoRm => write!(f, " {}, {}", fr(rd), x(rs1)),
        }?;
        let has_rm = matches!(
            form,
            Form::FR3Rm | Form::FR4 | Form::FR2Rm | Form::FToX | Form::XToF
        );
        match rm_name(self.rm) {
            Some(rm) if has_rm => write!(f, ", {rm}"),
            _ => Ok(()),
        }
    }
}

/// Disassembles one decoded instruction into objdump-like text, e.g.
/// `addi a0, sp, 16`, `ld ra, 8(sp)`, `beq a0, zero, 12` (offset relative
/// to the instruction), `csrrw zero, mstatus, a0`, `fadd.d fa0, fa1, fa2, rne`.
///
/// Illegal instructions print as `illegal 0x…` with the raw bits. Same as
/// the [`fmt::Display`] impl of [`Insn`].
pub fn disasm(insn: &Insn) -> String {
    insn.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;

    fn d(raw: u32) -> String {
        disasm(&decode(raw))
    }

    #[test]
    fn names() {
        assert_eq!(reg_name(0), "zero");
        assert_eq!(reg_name(2), "sp");
        assert_eq!(reg_name(8), "s0");
        assert_eq!(reg_name(31), "t6");
        assert_eq!(freg_name(10), "fa0");
        assert_eq!(csr_name(0x300), Some("mstatus"));
        assert_eq!(csr_name(0x3a0), Some("pmpcfg0"));
        assert_eq!(csr_name(0x3af), Some("pmpcfg15"));
        assert_eq!(csr_name(0x3b0), Some("pmpaddr0"));
        assert_eq!(csr_name(0x3ef), Some("pmpaddr63"));
        assert_eq!(csr_name(0xb03), Some("mhpmcounter3"));
        assert_eq!(csr_name(0xb1f), Some("mhpmcounter31"));
        assert_eq!(csr_name(0x323), Some("mhpmevent3"));
        assert_eq!(csr_name(0x33f), Some("mhpmevent31"));
        assert_eq!(csr_name(0xc03), Some("hpmcounter3"));
        assert_eq!(csr_name(0xc1f), Some("hpmcounter31"));
        assert_eq!(csr_name(0x7a3), Some("tdata3"));
        assert_eq!(csr_name(0x747), Some("mseccfg"));
        assert_eq!(csr_name(0x14d), Some("stimecmp"));
        assert_eq!(csr_name(0x7ff), None);
    }

    #[test]
    fn text() {
        assert_eq!(d(0x01010513), "addi a0, sp, 16");
        assert_eq!(d(0x00813083), "ld ra, 8(sp)");
        assert_eq!(d(0x00050663), "beq a0, zero, 12");
        assert_eq!(d(0x30051073), "csrrw zero, mstatus, a0");
        assert_eq!(d(0x7ff2d073), "csrrwi zero, 0x7ff, 5");
        assert_eq!(d(0x02c58553), "fadd.d fa0, fa1, fa2, rne");
        assert_eq!(d(0x02c5f553), "fadd.d fa0, fa1, fa2");
        assert_eq!(d(0x0ff0000f), "fence iorw, iorw");
        assert_eq!(d(0x8330000f), "fence.tso");
        assert_eq!(d(0x0100000f), "pause");
        assert_eq!(d(0x12345537), "lui a0, 0x12345");
        assert_eq!(d(0x0605b52f), "amoadd.d.aqrl a0, zero, (a1)");
        assert_eq!(d(0x1405a52f), "lr.w.aq a0, (a1)");
        assert_eq!(d(0xc2251553), "fcvt.l.d a0, fa0, rtz");
        assert_eq!(d(0x0000), "illegal 0x0000");
        assert_eq!(d(0xffff_ffff), "illegal 0xffffffff");
        // c.jr ra
        assert_eq!(d(0x8082), "jalr zero, 0(ra)");
    }
}
