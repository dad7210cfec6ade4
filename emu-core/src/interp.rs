//! Tier 0: the interpreter. Executes pre-decoded blocks from the block
//! cache; it is the reference the JIT is checked against.

use crate::bus::Bus;
use crate::csr::{mstatus, CsrEffect};
use crate::fpu;
use crate::hart::{Hart, Priv};
use crate::insn::{Insn, Op};
use crate::mmu::Access;
use crate::trap::{cause, Trap};

/// Traps in a row without a retired instruction after which `run` returns
/// so the machine can notice a hart that is stuck.
pub const TRAP_STREAK_YIELD: u32 = 1000;

/// Why [`Hart::run`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunExit {
    /// The instruction budget was used up.
    Budget,
    /// The hart is waiting in WFI with no interrupt pending.
    Wfi,
}

impl Hart {
    /// Run until about `budget` instructions have retired, or the hart
    /// waits in WFI. Returns the reason and the number of instructions
    /// retired. Code writes, interrupts, WFI and the budget are looked at
    /// only at slice points: block boundaries that a forward direct
    /// transfer did not lead to ([`Insn::continues_slice`]).
    pub fn run(&mut self, bus: &mut Bus, budget: u64) -> (RunExit, u64) {
        let mut executed = 0u64;
        let mut slice_point = true;
        loop {
            if slice_point {
                self.sync_code_writes(bus);
                if let Some(t) = self.pending_interrupt() {
                    self.take_trap(t);
                }
                if self.wfi {
                    if self.wake_pending() {
                        self.wfi = false;
                    } else {
                        return (RunExit::Wfi, executed);
                    }
                }
                if executed >= budget {
                    return (RunExit::Budget, executed);
                }
            }
            slice_point = true;
            let block = match self.fetch_block(bus) {
                Ok(b) => b,
                Err(t) => {
                    self.take_trap(t);
                    if self.trap_streak >= TRAP_STREAK_YIELD {
                        // Nothing retires: let the machine look at it.
                        return (RunExit::Budget, executed);
                    }
                    continue;
                }
            };
            // `instret` is brought up to date before the block's last
            // instruction (the only one that can read or write it: CSR
            // instructions end blocks) and before a trap is taken.
            let Some((last, body)) = block.insns.split_last() else {
                continue;
            };
            let mut done = 0u64;
            let mut trapped = None;
            for insn in body {
                if let Err(t) = self.exec(bus, insn) {
                    trapped = Some(t);
                    break;
                }
                done += 1;
            }
            self.instret = self.instret.wrapping_add(done);
            executed += done;
            let trapped = match trapped {
                Some(t) => Some(t),
                None => match (self.pc, self.exec(bus, last)) {
                    (pc, Ok(())) => {
                        self.instret = self.instret.wrapping_add(1);
                        executed += 1;
                        slice_point = !last.continues_slice(pc, self.pc);
                        None
                    }
                    (_, Err(t)) => Some(t),
                },
            };
            if let Some(t) = trapped {
                self.take_trap(t);
                if self.trap_streak >= TRAP_STREAK_YIELD {
                    return (RunExit::Budget, executed);
                }
            }
        }
    }

    /// Execute exactly one instruction at the current PC (no interrupt
    /// check). Used by lockstep comparison and single-stepping. Returns the
    /// trap taken, if any.
    pub fn step(&mut self, bus: &mut Bus) -> Option<Trap> {
        self.sync_code_writes(bus);
        let block = match self.fetch_block(bus) {
            Ok(b) => b,
            Err(t) => {
                self.take_trap(t);
                return Some(t);
            }
        };
        let insn = block.insns[0];
        match self.exec(bus, &insn) {
            Ok(()) => {
                self.instret = self.instret.wrapping_add(1);
                None
            }
            Err(t) => {
                self.take_trap(t);
                Some(t)
            }
        }
    }

    #[inline(always)]
    fn wx(&mut self, rd: u8, v: u64) {
        self.x[(rd & 31) as usize] = v;
        self.x[0] = 0;
    }

    #[inline(always)]
    fn rx(&self, r: u8) -> u64 {
        self.x[(r & 31) as usize]
    }

    #[inline(always)]
    fn wf(&mut self, rd: u8, v: u64) {
        self.f[(rd & 31) as usize] = v;
        self.set_fs_dirty();
    }

    #[inline(always)]
    fn rf(&self, r: u8) -> u64 {
        self.f[(r & 31) as usize]
    }

    /// Execute one decoded instruction. On success the PC has moved on; on
    /// a trap nothing architectural has changed and the PC is unchanged.
    #[inline(always)]
    pub fn exec(&mut self, bus: &mut Bus, i: &Insn) -> Result<(), Trap> {
        use Op::*;
        let pc = self.pc;
        let next = pc.wrapping_add(i.len as u64);
        let imm = i.imm as i64 as u64;
        let a = self.rx(i.rs1);
        let b = self.rx(i.rs2);
        macro_rules! alu {
            ($v:expr) => {{
                let v = $v;
                self.wx(i.rd, v);
                self.pc = next;
                return Ok(());
            }};
        }
        macro_rules! branch {
            ($c:expr) => {{
                self.pc = if $c { pc.wrapping_add(imm) } else { next };
                return Ok(());
            }};
        }
        macro_rules! load {
            ($size:expr, $conv:expr) => {{
                let v = self.load(bus, a.wrapping_add(imm), $size)?;
                #[allow(clippy::redundant_closure_call)]
                let v = ($conv)(v);
                self.wx(i.rd, v);
                self.pc = next;
                return Ok(());
            }};
        }
        macro_rules! store {
            ($size:expr) => {{
                self.store(bus, a.wrapping_add(imm), $size, b)?;
                self.pc = next;
                return Ok(());
            }};
        }
        match i.op {
            Lui => alu!(imm),
            Auipc => alu!(pc.wrapping_add(imm)),
            Jal => {
                self.wx(i.rd, next);
                self.pc = pc.wrapping_add(imm);
                Ok(())
            }
            Jalr => {
                let t = a.wrapping_add(imm) & !1;
                self.wx(i.rd, next);
                self.pc = t;
                Ok(())
            }
            Beq => branch!(a == b),
            Bne => branch!(a != b),
            Blt => branch!((a as i64) < (b as i64)),
            Bge => branch!((a as i64) >= (b as i64)),
            Bltu => branch!(a < b),
            Bgeu => branch!(a >= b),
            Lb => load!(1, |v: u64| v as i8 as u64),
            Lh => load!(2, |v: u64| v as i16 as u64),
            Lw => load!(4, |v: u64| v as i32 as u64),
            Ld => load!(8, |v: u64| v),
            Lbu => load!(1, |v: u64| v),
            Lhu => load!(2, |v: u64| v),
            Lwu => load!(4, |v: u64| v),
            Sb => store!(1),
            Sh => store!(2),
            Sw => store!(4),
            Sd => store!(8),
            Addi => alu!(a.wrapping_add(imm)),
            Slti => alu!(((a as i64) < (imm as i64)) as u64),
            Sltiu => alu!((a < imm) as u64),
            Xori => alu!(a ^ imm),
            Ori => alu!(a | imm),
            Andi => alu!(a & imm),
            Slli => alu!(a << (imm & 63)),
            Srli => alu!(a >> (imm & 63)),
            Srai => alu!(((a as i64) >> (imm & 63)) as u64),
            Add => alu!(a.wrapping_add(b)),
            Sub => alu!(a.wrapping_sub(b)),
            Sll => alu!(a << (b & 63)),
            Slt => alu!(((a as i64) < (b as i64)) as u64),
            Sltu => alu!((a < b) as u64),
            Xor => alu!(a ^ b),
            Srl => alu!(a >> (b & 63)),
            Sra => alu!(((a as i64) >> (b & 63)) as u64),
            Or => alu!(a | b),
            And => alu!(a & b),
            Addiw => alu!(sext32(a.wrapping_add(imm))),
            Slliw => alu!(sext32((a as u32).wrapping_shl(imm as u32 & 31) as u64)),
            Srliw => alu!(sext32(((a as u32) >> (imm & 31)) as u64)),
            Sraiw => alu!(((a as i32) >> (imm & 31)) as i64 as u64),
            Addw => alu!(sext32(a.wrapping_add(b))),
            Subw => alu!(sext32(a.wrapping_sub(b))),
            Sllw => alu!(sext32(((a as u32) << (b & 31)) as u64)),
            Srlw => alu!(sext32(((a as u32) >> (b & 31)) as u64)),
            Sraw => alu!(((a as i32) >> (b & 31)) as i64 as u64),
            Fence => {
                self.pc = next;
                Ok(())
            }
            FenceI => {
                // Nothing to drop: every write to a page holding decoded
                // code (by any hart or device) drops that page's blocks
                // before the next block starts, which is already as
                // fresh as fence.i requires.
                self.pc = next;
                Ok(())
            }
            Ecall => Err(Trap::new(cause::ECALL_U + self.prv as u64, 0)),
            Ebreak => Err(Trap::new(cause::BREAKPOINT, pc)),
            Csrrw | Csrrs | Csrrc | Csrrwi | Csrrsi | Csrrci => self.exec_csr(i, a, next),
            Mret => {
                if !self.do_mret() {
                    return Err(Trap::illegal(i.raw));
                }
                Ok(())
            }
            Sret => {
                if !self.do_sret() {
                    return Err(Trap::illegal(i.raw));
                }
                Ok(())
            }
            Wfi => {
                if self.prv == Priv::U
                    || (self.prv == Priv::S && self.csr.mstatus & mstatus::TW != 0)
                {
                    return Err(Trap::illegal(i.raw));
                }
                if !self.wake_pending() {
                    self.wfi = true;
                }
                self.pc = next;
                Ok(())
            }
            SfenceVma => {
                if self.prv == Priv::U
                    || (self.prv == Priv::S && self.csr.mstatus & mstatus::TVM != 0)
                {
                    return Err(Trap::illegal(i.raw));
                }
                // With an address (rs1) the page's entries go in every
                // address space; without, those of the ASID in rs2 that
                // are not global, or all entries for x0.
                if i.rs1 == 0 {
                    if i.rs2 == 0 {
                        self.flush_tlb();
                    } else {
                        self.flush_tlb_asid(self.x[(i.rs2 & 31) as usize]);
                    }
                } else {
                    self.flush_tlb_va(self.x[(i.rs1 & 31) as usize]);
                }
                self.pc = next;
                Ok(())
            }

            Mul => alu!(a.wrapping_mul(b)),
            Mulh => alu!(((a as i64 as i128 * b as i64 as i128) >> 64) as u64),
            Mulhsu => alu!(((a as i64 as i128 * b as i128) >> 64) as u64),
            Mulhu => alu!(((a as u128 * b as u128) >> 64) as u64),
            Div => alu!(div(a as i64, b as i64) as u64),
            Divu => alu!(a.checked_div(b).unwrap_or(u64::MAX)),
            Rem => alu!(rem(a as i64, b as i64) as u64),
            Remu => alu!(if b == 0 { a } else { a % b }),
            Mulw => alu!(sext32((a as u32).wrapping_mul(b as u32) as u64)),
            Divw => alu!(div32(a as i32, b as i32) as i64 as u64),
            Divuw => alu!(sext32(match (a as u32).checked_div(b as u32) {
                Some(q) => q as u64,
                None => u64::MAX,
            })),
            Remw => alu!(rem32(a as i32, b as i32) as i64 as u64),
            Remuw => alu!(sext32(if b as u32 == 0 {
                a
            } else {
                ((a as u32) % (b as u32)) as u64
            })),

            LrW | LrD => {
                let size = if i.op == LrW { 4 } else { 8 };
                if a & (size as u64 - 1) != 0 {
                    return Err(Trap::new(cause::LOAD_MISALIGNED, a));
                }
                let p = self.translate(bus, a, size as u64, Access::Load)?;
                let v = bus
                    .read(p.pa, size)
                    .ok_or(Trap::new(cause::LOAD_ACCESS, a))?;
                self.reservation = Some(p.pa & !7);
                alu!(if size == 4 { sext32(v) } else { v })
            }
            ScW | ScD => {
                let size = if i.op == ScW { 4 } else { 8 };
                if a & (size as u64 - 1) != 0 {
                    return Err(Trap::new(cause::STORE_MISALIGNED, a));
                }
                let p = self.translate(bus, a, size as u64, Access::Store)?;
                let ok = self.reservation == Some(p.pa & !7);
                self.reservation = None;
                if ok {
                    if !bus.write(p.pa, size, b) {
                        return Err(Trap::new(cause::STORE_ACCESS, a));
                    }
                    alu!(0)
                } else {
                    alu!(1)
                }
            }
            AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW | AmominW | AmomaxW | AmominuW
            | AmomaxuW | AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD | AmominD | AmomaxD
            | AmominuD | AmomaxuD => self.exec_amo(bus, i, a, b, next),

            Flw | Fld | Fsw | Fsd => {
                if self.csr.mstatus & mstatus::FS == 0 {
                    return Err(Trap::illegal(i.raw));
                }
                let va = a.wrapping_add(imm);
                match i.op {
                    Flw => {
                        let v = self.load(bus, va, 4)?;
                        self.wf(i.rd, fpu::nan_box(v as u32));
                    }
                    Fld => {
                        let v = self.load(bus, va, 8)?;
                        self.wf(i.rd, v);
                    }
                    Fsw => self.store(bus, va, 4, self.rf(i.rs2))?,
                    _ => self.store(bus, va, 8, self.rf(i.rs2))?,
                }
                self.pc = next;
                Ok(())
            }
            FmaddS | FmsubS | FnmsubS | FnmaddS | FaddS | FsubS | FmulS | FdivS | FsqrtS
            | FsgnjS | FsgnjnS | FsgnjxS | FminS | FmaxS | FcvtWS | FcvtWuS | FcvtLS | FcvtLuS
            | FmvXW | FeqS | FltS | FleS | FclassS | FcvtSW | FcvtSWu | FcvtSL | FcvtSLu
            | FmvWX | FmaddD | FmsubD | FnmsubD | FnmaddD | FaddD | FsubD | FmulD | FdivD
            | FsqrtD | FsgnjD | FsgnjnD | FsgnjxD | FminD | FmaxD | FcvtSD | FcvtDS | FeqD
            | FltD | FleD | FclassD | FcvtWD | FcvtWuD | FcvtLD | FcvtLuD | FmvXD | FcvtDW
            | FcvtDWu | FcvtDL | FcvtDLu | FmvDX => self.exec_fp(i, next),

            // Zba
            AddUw => alu!(b.wrapping_add(a as u32 as u64)),
            Sh1add => alu!(b.wrapping_add(a << 1)),
            Sh2add => alu!(b.wrapping_add(a << 2)),
            Sh3add => alu!(b.wrapping_add(a << 3)),
            Sh1addUw => alu!(b.wrapping_add((a as u32 as u64) << 1)),
            Sh2addUw => alu!(b.wrapping_add((a as u32 as u64) << 2)),
            Sh3addUw => alu!(b.wrapping_add((a as u32 as u64) << 3)),
            SlliUw => alu!((a as u32 as u64) << (imm & 63)),
            // Zbb
            Andn => alu!(a & !b),
            Orn => alu!(a | !b),
            Xnor => alu!(!(a ^ b)),
            Clz => alu!(a.leading_zeros() as u64),
            Clzw => alu!((a as u32).leading_zeros() as u64),
            Ctz => alu!(a.trailing_zeros() as u64),
            Ctzw => alu!((a as u32).trailing_zeros() as u64),
            Cpop => alu!(a.count_ones() as u64),
            Cpopw => alu!((a as u32).count_ones() as u64),
            Max => alu!((a as i64).max(b as i64) as u64),
            Maxu => alu!(a.max(b)),
            Min => alu!((a as i64).min(b as i64) as u64),
            Minu => alu!(a.min(b)),
            SextB => alu!(a as i8 as u64),
            SextH => alu!(a as i16 as u64),
            ZextH => alu!(a as u16 as u64),
            Rol => alu!(a.rotate_left((b & 63) as u32)),
            Rolw => alu!(sext32((a as u32).rotate_left((b & 31) as u32) as u64)),
            Ror => alu!(a.rotate_right((b & 63) as u32)),
            Rori => alu!(a.rotate_right((imm & 63) as u32)),
            Roriw => alu!(sext32((a as u32).rotate_right((imm & 31) as u32) as u64)),
            Rorw => alu!(sext32((a as u32).rotate_right((b & 31) as u32) as u64)),
            OrcB => alu!(orc_b(a)),
            Rev8 => alu!(a.swap_bytes()),
            // Zbs
            Bclr => alu!(a & !(1 << (b & 63))),
            Bclri => alu!(a & !(1 << (imm & 63))),
            Bext => alu!((a >> (b & 63)) & 1),
            Bexti => alu!((a >> (imm & 63)) & 1),
            Binv => alu!(a ^ (1 << (b & 63))),
            Binvi => alu!(a ^ (1 << (imm & 63))),
            Bset => alu!(a | (1 << (b & 63))),
            Bseti => alu!(a | (1 << (imm & 63))),
            // Zicond
            CzeroEqz => alu!(if b == 0 { 0 } else { a }),
            CzeroNez => alu!(if b != 0 { 0 } else { a }),

            Illegal => Err(Trap::illegal(i.raw)),
        }
    }

    #[inline(never)]
    fn exec_csr(&mut self, i: &Insn, a: u64, next: u64) -> Result<(), Trap> {
        use Op::*;
        let csr = (i.imm as u32 & 0xfff) as u16;
        let src = match i.op {
            Csrrwi | Csrrsi | Csrrci => i.rs1 as u64,
            _ => a,
        };
        let writes = match i.op {
            Csrrw | Csrrwi => true,
            _ => i.rs1 != 0,
        };
        let old = self.csr_read(csr, writes, i.raw)?;
        if writes {
            let new = match i.op {
                Csrrw | Csrrwi => src,
                Csrrs | Csrrsi => old | src,
                _ => old & !src,
            };
            let _: CsrEffect = self.csr_write(csr, new);
        }
        self.wx(i.rd, old);
        self.pc = next;
        Ok(())
    }

    #[inline(never)]
    fn exec_amo(&mut self, bus: &mut Bus, i: &Insn, a: u64, b: u64, next: u64) -> Result<(), Trap> {
        use Op::*;
        let word = matches!(
            i.op,
            AmoswapW
                | AmoaddW
                | AmoxorW
                | AmoandW
                | AmoorW
                | AmominW
                | AmomaxW
                | AmominuW
                | AmomaxuW
        );
        let size: u8 = if word { 4 } else { 8 };
        if a & (size as u64 - 1) != 0 {
            return Err(Trap::new(cause::STORE_MISALIGNED, a));
        }
        let p = self.translate(bus, a, size as u64, Access::Store)?;
        let raw_old = bus
            .read(p.pa, size)
            .ok_or(Trap::new(cause::STORE_ACCESS, a))?;
        let (old, src) = if word {
            (sext32(raw_old), sext32(b))
        } else {
            (raw_old, b)
        };
        let new = match i.op {
            AmoswapW | AmoswapD => src,
            AmoaddW | AmoaddD => old.wrapping_add(src),
            AmoxorW | AmoxorD => old ^ src,
            AmoandW | AmoandD => old & src,
            AmoorW | AmoorD => old | src,
            AmominW | AmominD => (old as i64).min(src as i64) as u64,
            AmomaxW | AmomaxD => (old as i64).max(src as i64) as u64,
            AmominuW => (old as u32).min(src as u32) as u64,
            AmomaxuW => (old as u32).max(src as u32) as u64,
            AmominuD => old.min(src),
            _ => old.max(src),
        };
        self.reservation = None;
        if !bus.write(p.pa, size, new) {
            return Err(Trap::new(cause::STORE_ACCESS, a));
        }
        self.wx(i.rd, old);
        self.pc = next;
        Ok(())
    }

    #[inline(never)]
    fn exec_fp(&mut self, i: &Insn, next: u64) -> Result<(), Trap> {
        self.fp_op(i)?;
        self.pc = next;
        Ok(())
    }

    /// An F/D instruction other than a load or store, as [`Hart::exec`]
    /// runs it but without moving the pc: FP registers, `fflags`,
    /// mstatus.FS and (for conversions, moves and compares to an integer
    /// register) `rd` are updated. On a trap (FP off, reserved rounding
    /// mode) nothing changes.
    pub fn fp_op(&mut self, i: &Insn) -> Result<(), Trap> {
        use Op::*;
        if self.csr.mstatus & mstatus::FS == 0 {
            return Err(Trap::illegal(i.raw));
        }
        let rm = if i.rm == 7 { self.csr.frm as u8 } else { i.rm };
        // Only ops that round consult rm, but the spec makes a reserved rm
        // field illegal for every op that has one; ops with a fixed funct3
        // were already checked by the decoder.
        let uses_rm = !matches!(
            i.op,
            FsgnjS
                | FsgnjnS
                | FsgnjxS
                | FminS
                | FmaxS
                | FmvXW
                | FeqS
                | FltS
                | FleS
                | FclassS
                | FmvWX
                | FsgnjD
                | FsgnjnD
                | FsgnjxD
                | FminD
                | FmaxD
                | FeqD
                | FltD
                | FleD
                | FclassD
                | FmvXD
                | FmvDX
        );
        if uses_rm && rm > 4 {
            return Err(Trap::illegal(i.raw));
        }
        let int_src = matches!(
            i.op,
            FcvtSW
                | FcvtSWu
                | FcvtSL
                | FcvtSLu
                | FmvWX
                | FcvtDW
                | FcvtDWu
                | FcvtDL
                | FcvtDLu
                | FmvDX
        );
        let int_dst = matches!(
            i.op,
            FcvtWS
                | FcvtWuS
                | FcvtLS
                | FcvtLuS
                | FmvXW
                | FeqS
                | FltS
                | FleS
                | FclassS
                | FcvtWD
                | FcvtWuD
                | FcvtLD
                | FcvtLuD
                | FmvXD
                | FeqD
                | FltD
                | FleD
                | FclassD
        );
        let a = if int_src {
            self.rx(i.rs1)
        } else {
            self.rf(i.rs1)
        };
        let (v, flags) = fpu::execute(i.op, a, self.rf(i.rs2), self.rf(i.rs3), rm & 7);
        if flags != 0 {
            self.csr.fflags |= flags as u64;
            self.set_fs_dirty();
        }
        if int_dst {
            self.wx(i.rd, v);
        } else {
            self.wf(i.rd, v);
        }
        Ok(())
    }
}

#[inline(always)]
fn sext32(v: u64) -> u64 {
    v as i32 as i64 as u64
}

fn div(a: i64, b: i64) -> i64 {
    if b == 0 {
        -1
    } else {
        a.wrapping_div(b)
    }
}

fn rem(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        a.wrapping_rem(b)
    }
}

fn div32(a: i32, b: i32) -> i32 {
    if b == 0 {
        -1
    } else {
        a.wrapping_div(b)
    }
}

fn rem32(a: i32, b: i32) -> i32 {
    if b == 0 {
        a
    } else {
        a.wrapping_rem(b)
    }
}

fn orc_b(a: u64) -> u64 {
    let mut r = 0u64;
    for byte in 0..8 {
        if (a >> (8 * byte)) & 0xff != 0 {
            r |= 0xff << (8 * byte);
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn division_edge_cases() {
        assert_eq!(div(i64::MIN, -1), i64::MIN);
        assert_eq!(rem(i64::MIN, -1), 0);
        assert_eq!(div(7, 0), -1);
        assert_eq!(rem(7, 0), 7);
        assert_eq!(div32(i32::MIN, -1), i32::MIN);
        assert_eq!(rem32(-7, 0), -7);
        assert_eq!(orc_b(0x0100_0000_0000_8000), 0xff00_0000_0000_ff00);
    }

    /// Any store or AMO by the hart ends its LR reservation, wherever it
    /// writes; an SC right after the LR succeeds.
    #[test]
    fn stores_end_the_reservation() {
        use crate::bus::Bus;
        use crate::ram::Ram;
        const BASE: u64 = 0x8000_0000;
        let mut bus = Bus::new(Ram::new(BASE, 0x10000).unwrap());
        let code = [
            0x100535af, // lr.d a1, (a0)
            0x00c53423, // sd a2, 8(a0)
            0x18c536af, // sc.d a3, a2, (a0): fails
            0x100535af, // lr.d a1, (a0)
            0x18c5372f, // sc.d a4, a2, (a0): succeeds
            0x100535af, // lr.d a1, (a0)
            0x00c8302f, // amoadd.d zero, a2, (a6)
            0x18c537af, // sc.d a5, a2, (a0): fails
            0x0000006f, // j .
        ];
        for (k, w) in code.iter().enumerate() {
            bus.ram.write_sized(4 * k as u64, 4, *w);
        }
        let mut h = Hart::new(0, BASE);
        h.x[10] = BASE + 0x1000;
        h.x[16] = BASE + 0x2000;
        h.x[12] = 7;
        h.run(&mut bus, code.len() as u64);
        assert_eq!(h.pc, BASE + 4 * (code.len() as u64 - 1));
        assert_eq!((h.x[13], h.x[14], h.x[15]), (1, 0, 1));
        assert_eq!(bus.ram.read_sized(0x1000, 8), 7);
        assert_eq!(bus.ram.read_sized(0x2000, 8), 7);
        assert_eq!(h.reservation, None);
    }

    /// A code write by one hart reaches every hart's decoded blocks (each
    /// follows RAM's code-write log), without `fence.i`.
    #[test]
    fn code_writes_reach_every_hart() {
        use crate::bus::Bus;
        use crate::ram::Ram;
        const BASE: u64 = 0x8000_0000;
        let mut bus = Bus::new(Ram::new(BASE, 0x10000).unwrap());
        // li a0, 1; j .
        bus.ram.write_sized(0, 4, 0x0010_0513);
        bus.ram.write_sized(4, 4, 0x0000_006f);
        let mut harts = [Hart::new(0, BASE), Hart::new(1, BASE)];
        for h in harts.iter_mut() {
            h.run(&mut bus, 2);
            assert_eq!(h.x[10], 1);
        }
        // Hart 0 patches the first instruction to li a0, 2.
        harts[0].store(&mut bus, BASE, 4, 0x0020_0513).unwrap();
        for h in harts.iter_mut() {
            h.pc = BASE;
            h.run(&mut bus, 2);
            assert_eq!(h.x[10], 2, "hart {} ran a stale block", h.hartid);
        }
    }

    proptest! {
        #[test]
        fn div_rem_identity(a: i64, b: i64) {
            prop_assume!(b != 0);
            prop_assert_eq!(div(a, b).wrapping_mul(b).wrapping_add(rem(a, b)), a);
        }

        #[test]
        fn div32_matches_widened(a: i32, b: i32) {
            prop_assume!(b != 0 && !(a == i32::MIN && b == -1));
            prop_assert_eq!(div32(a, b) as i64, a as i64 / b as i64);
            prop_assert_eq!(rem32(a, b) as i64, a as i64 % b as i64);
        }

        #[test]
        fn orc_b_bytes(a: u64) {
            let r = orc_b(a);
            for i in 0..8 {
                let byte = (a >> (8 * i)) & 0xff;
                let rb = (r >> (8 * i)) & 0xff;
                prop_assert_eq!(rb, if byte != 0 { 0xff } else { 0 });
            }
        }
    }
}
