//! Lockstep: everything the engine runs is replayed by the interpreter
//! (`Hart::step`, one instruction at a time) on a shadow hart with its own
//! copy of RAM, and the architectural states are compared after each unit:
//! an interpreted block, or translated code entered with a budget of one
//! instruction, which runs up to its first slice point (it goes on through
//! forward transfers, see `Insn::continues_slice`).
//!
//! The shadow has RAM but no devices. At each slice start the shadow's RAM
//! is brought up to date with the machine's (devices and HTIF write RAM
//! between slices). An MMIO access inside a block cannot be replayed: when
//! the shadow takes an access fault that the real hart did not, the shadow
//! is resynchronised from the real hart and the resync is counted.
//!
//! On a divergence the unit is narrowed to the first instruction whose
//! one-instruction translation differs from the interpreter, and a report
//! (pc, disassembly, differing registers and CSRs) is produced.

use crate::helpers::{HelperCounts, JitCtx};
use crate::stats::JitStats;
use crate::translate::Translator;
use crate::worker::{compile_batch, host_isa, Request};
use emu_core::block::Block;
use emu_core::bus::Bus;
use emu_core::csr::Csrs;
use emu_core::disasm::{disasm, freg_name, reg_name};
use emu_core::hart::{Hart, Priv};
use emu_core::ram::Ram;
use emu_core::trap::{cause, Trap};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};

/// The architectural state of a hart.
#[derive(Clone)]
pub struct Snapshot {
    x: [u64; 32],
    f: [u64; 32],
    pc: u64,
    instret: u64,
    prv: Priv,
    wfi: bool,
    csr: Csrs,
    reservation: Option<u64>,
}

impl Snapshot {
    /// Capture `h`.
    pub fn of(h: &Hart) -> Self {
        Snapshot {
            x: h.x,
            f: h.f,
            pc: h.pc,
            instret: h.instret,
            prv: h.prv,
            wfi: h.wfi,
            csr: h.csr.clone(),
            reservation: h.reservation,
        }
    }

    /// Put this state into `h` (its TLBs and jump cache are flushed).
    pub fn restore(&self, h: &mut Hart) {
        h.x = self.x;
        h.f = self.f;
        h.pc = self.pc;
        h.instret = self.instret;
        h.prv = self.prv;
        h.wfi = self.wfi;
        h.csr = self.csr.clone();
        h.reservation = self.reservation;
        h.flush_tlb();
    }
}

/// A shadow hart sharing `real`'s interrupt lines and clock.
fn shadow_of(real: &Hart) -> Hart {
    let mut h = Hart::new(real.hartid, real.pc);
    h.irq_lines = real.irq_lines.clone();
    h.mtime = real.mtime.clone();
    Snapshot::of(real).restore(&mut h);
    h
}

/// What the engine did in one unit of work (an interpreted block, a call
/// of translated code, or a fetch fault).
pub struct Unit<'a> {
    /// The (first) block, if one was fetched.
    pub block: Option<&'a Block>,
    /// It ran as translated code.
    pub jit: bool,
    /// The state before the unit.
    pub pre: Option<Snapshot>,
    /// Instructions retired.
    pub retired: u64,
    /// A trap was taken after them.
    pub trapped: bool,
}

/// Lockstep state of one engine.
pub struct Lockstep {
    bus: Option<Bus>,
    harts: HashMap<u64, Hart>,
    /// The first divergence found.
    pub report: Option<String>,
    /// The same report, shared with whoever wants it after the engine is
    /// gone.
    pub report_slot: Arc<Mutex<Option<String>>>,
}

impl Default for Lockstep {
    fn default() -> Self {
        Self::new()
    }
}

impl Lockstep {
    /// No shadow yet (it is made at the first slice).
    pub fn new() -> Self {
        Lockstep {
            bus: None,
            harts: HashMap::new(),
            report: None,
            report_slot: Arc::new(Mutex::new(None)),
        }
    }

    /// Take a snapshot of `h` (before a block).
    pub fn snapshot(&self, h: &Hart) -> Snapshot {
        Snapshot::of(h)
    }

    /// At the start of a slice: make the shadow (first time) and bring its
    /// RAM up to date with the machine's.
    pub fn slice_start(&mut self, real: &Hart, bus: &Bus) {
        let real_ram = bus.ram.as_slice();
        match self.bus.as_mut() {
            None => {
                let Ok(mut ram) = Ram::new(bus.ram.base(), bus.ram.size()) else {
                    return;
                };
                ram.write_bytes(0, real_ram);
                self.bus = Some(Bus::new(ram));
            }
            Some(sb) => {
                const CHUNK: usize = 4096;
                let mut off = 0usize;
                while off < real_ram.len() {
                    let end = (off + CHUNK).min(real_ram.len());
                    if sb.ram.as_slice()[off..end] != real_ram[off..end] {
                        sb.ram.write_bytes(off as u64, &real_ram[off..end]);
                    }
                    off = end;
                }
            }
        }
        self.harts
            .entry(real.hartid)
            .or_insert_with(|| shadow_of(real));
    }

    /// At a slice point: the shadow takes the interrupt the real hart
    /// took (same CSRs, same lines) and wakes from WFI the same way.
    pub fn boundary(&mut self, hartid: u64) {
        if let Some(h) = self.harts.get_mut(&hartid) {
            if let Some(t) = h.pending_interrupt() {
                h.take_trap(t);
            }
            if h.wfi && h.wake_pending() {
                h.wfi = false;
            }
        }
    }

    /// Replay a unit on the shadow and compare. Returns false on a
    /// divergence (the report is then in `self.report`).
    pub fn check_unit(&mut self, real: &Hart, unit: Unit<'_>, stats: &mut JitStats) -> bool {
        let (Some(sbus), Some(sh)) = (self.bus.as_mut(), self.harts.get_mut(&real.hartid)) else {
            return true;
        };
        stats.lockstep_units += 1;
        // Code outside RAM (the reset ROM) is not in the shadow: follow.
        if unit
            .block
            .is_some_and(|b| sbus.ram.offset_of(b.pa, 2).is_none())
        {
            Snapshot::of(real).restore(sh);
            stats.lockstep_resyncs += 1;
            return true;
        }
        let mut shadow_trap: Option<Trap> = None;
        let mut early = false;
        for _ in 0..unit.retired {
            if let Some(t) = sh.step(sbus) {
                shadow_trap = Some(t);
                early = true;
                break;
            }
        }
        if unit.trapped && !early {
            shadow_trap = sh.step(sbus);
        }
        let diffs = compare(real, sh);
        let trap_mismatch = early || (unit.trapped != shadow_trap.is_some());
        if diffs.is_empty() && !trap_mismatch {
            return true;
        }
        // An MMIO access the shadow (which has no devices) cannot do.
        if let Some(t) = shadow_trap {
            let real_same = real.last_trap.is_some_and(|(_, rt)| rt == t);
            if matches!(t.cause, cause::LOAD_ACCESS | cause::STORE_ACCESS) && !real_same {
                Snapshot::of(real).restore(sh);
                stats.lockstep_resyncs += 1;
                return true;
            }
        }
        let mut r = String::new();
        let _ = writeln!(
            r,
            "lockstep: divergence on hart {} after the code entered at pc {:#x} ({}, {} retired{})",
            real.hartid,
            unit.pre.as_ref().map(|p| p.pc).unwrap_or(real.pc),
            if unit.jit {
                "translated, up to its first slice point"
            } else {
                "one interpreted block"
            },
            unit.retired,
            if unit.trapped { ", then a trap" } else { "" }
        );
        if early {
            let _ = writeln!(
                r,
                "  the interpreter trapped early: {}",
                shadow_trap.map(|t| t.to_string()).unwrap_or_default()
            );
        }
        if let (Some(pre), true) = (unit.pre.as_ref(), unit.jit) {
            narrow(&mut r, pre, unit.retired + unit.trapped as u64, real, sbus);
        }
        let _ = writeln!(r, "  state after the block (jit vs interpreter):");
        for d in &diffs {
            let _ = writeln!(r, "    {d}");
        }
        eprint!("{r}");
        if let Ok(mut slot) = self.report_slot.lock() {
            *slot = Some(r.clone());
        }
        self.report = Some(r);
        false
    }
}

/// Find the first of the `n` instructions run from `pre` (across blocks:
/// translated code goes on through forward transfers) whose
/// one-instruction translation differs from the interpreter.
fn narrow(r: &mut String, pre: &Snapshot, n: u64, real: &Hart, bus: &mut Bus) {
    /// Instructions listed when none differs alone.
    const LISTED: usize = 64;
    let isa = match host_isa("speed") {
        Ok(i) => i,
        Err(_) => return,
    };
    let mut tr = Translator::new();
    let mut interp = shadow_of(real);
    pre.restore(&mut interp);
    let mut jit = shadow_of(real);
    let mut seen = Vec::new();
    for k in 0..n {
        let at = Snapshot::of(&interp);
        at.restore(&mut jit);
        let Some((pa, insn)) = interp
            .fetch_block(bus)
            .ok()
            .and_then(|b| b.insns.first().map(|i| (b.pa, *i)))
        else {
            break;
        };
        if seen.len() < LISTED {
            seen.push((at.pc, insn));
        }
        let batch = compile_batch(
            &isa,
            &mut tr,
            vec![Request::block(0, pa, vec![insn].into_boxed_slice(), false)],
        );
        let code = batch.items.first().map(|c| c.code).unwrap_or(0);
        if code == 0 {
            crate::engine::free_module(batch.module);
            return;
        }
        let mut counts = HelperCounts::default();
        let mut cx = JitCtx::new(&jit, bus, &mut counts);
        crate::engine::call_translation(code, &mut jit, &mut cx);
        if let Some(t) = cx.trap.take() {
            jit.take_trap(t);
        }
        drop(batch.items);
        crate::engine::free_module(batch.module);
        let t = interp.step(bus);
        let d = compare(&jit, &interp);
        if !d.is_empty() {
            let _ = writeln!(
                r,
                "  first differing instruction: pc {:#x} (instruction {} of the unit): {}",
                at.pc,
                k,
                disasm(&insn)
            );
            let _ = writeln!(r, "  state after it (jit vs interpreter):");
            for x in &d {
                let _ = writeln!(r, "    {x}");
            }
            return;
        }
        if t.is_some() {
            break;
        }
    }
    let _ = writeln!(
        r,
        "  no single instruction differs when translated alone; the instructions:"
    );
    for (pc, insn) in &seen {
        let _ = writeln!(r, "    {pc:#x}: {}", disasm(insn));
    }
}

/// Differences between two harts' architectural states, one per line.
pub fn compare(a: &Hart, b: &Hart) -> Vec<String> {
    let mut d = Vec::new();
    let mut cmp = |name: &str, x: u64, y: u64| {
        if x != y {
            d.push(format!("{name}: {x:#x} vs {y:#x}"));
        }
    };
    cmp("pc", a.pc, b.pc);
    cmp("instret", a.instret, b.instret);
    cmp("prv", a.prv as u64, b.prv as u64);
    cmp("wfi", a.wfi as u64, b.wfi as u64);
    for i in 1..32 {
        cmp(reg_name(i as u8), a.x[i], b.x[i]);
    }
    for i in 0..32 {
        cmp(freg_name(i as u8), a.f[i], b.f[i]);
    }
    cmp(
        "reservation",
        a.reservation.unwrap_or(u64::MAX),
        b.reservation.unwrap_or(u64::MAX),
    );
    let (c, e) = (&a.csr, &b.csr);
    let pairs: [(&str, u64, u64); 25] = [
        ("mstatus", c.mstatus, e.mstatus),
        ("medeleg", c.medeleg, e.medeleg),
        ("mideleg", c.mideleg, e.mideleg),
        ("mie", c.mie, e.mie),
        ("mip", c.mip, e.mip),
        ("mtvec", c.mtvec, e.mtvec),
        ("stvec", c.stvec, e.stvec),
        ("mepc", c.mepc, e.mepc),
        ("sepc", c.sepc, e.sepc),
        ("mcause", c.mcause, e.mcause),
        ("scause", c.scause, e.scause),
        ("mtval", c.mtval, e.mtval),
        ("stval", c.stval, e.stval),
        ("mscratch", c.mscratch, e.mscratch),
        ("sscratch", c.sscratch, e.sscratch),
        ("satp", c.satp, e.satp),
        ("menvcfg", c.menvcfg, e.menvcfg),
        ("senvcfg", c.senvcfg, e.senvcfg),
        ("mcounteren", c.mcounteren, e.mcounteren),
        ("scounteren", c.scounteren, e.scounteren),
        ("mcountinhibit", c.mcountinhibit, e.mcountinhibit),
        ("fflags", c.fflags, e.fflags),
        ("frm", c.frm, e.frm),
        ("stimecmp", c.stimecmp, e.stimecmp),
        ("cycle_offset", c.cycle_offset, e.cycle_offset),
    ];
    for (n, x, y) in pairs {
        cmp(n, x, y);
    }
    for i in 0..c.pmpaddr.len() {
        cmp("pmpaddr", c.pmpaddr[i], e.pmpaddr[i]);
        cmp("pmpcfg", c.pmpcfg[i] as u64, e.pmpcfg[i] as u64);
    }
    d
}
