//! `--jit-stats`: what the JIT did.

use crate::helpers::HelperCounts;
use emu_core::disasm::mnemonic;
use emu_core::insn::Op;
use std::fmt;

/// Counters of one engine (or several, merged).
#[derive(Clone, Debug, Default)]
pub struct JitStats {
    /// Blocks translated and installed.
    pub translations: u64,
    /// Blocks compiled (installed or not: a block invalidated while it was
    /// being compiled is discarded).
    pub compiled: u64,
    /// Batches (one module, one finalize each).
    pub batches: u64,
    /// Translation errors (blocks left to the interpreter).
    pub errors: u64,
    /// Time translating and compiling blocks, summed.
    pub compile_nanos: u64,
    /// The slowest block.
    pub max_compile_nanos: u64,
    /// Time finalizing batches, summed.
    pub finalize_nanos: u64,
    /// Whole-cache flushes.
    pub flushes: u64,
    /// `fence.i` instructions executed.
    pub fence_i: u64,
    /// Generations dropped because the cache was full.
    pub generation_drops: u64,
    /// Translations dropped because their code page was written.
    pub invalidations: u64,
    /// Calls of translated code (entries from the engine; translations
    /// then chain into each other).
    pub jit_calls: u64,
    /// Link slots filled by the engine (translated code fills more itself
    /// from the jump cache).
    pub links: u64,
    /// Exits through the lookup stub (see [`crate::helpers::JitCtx::lookups`]).
    pub lookups: u64,
    /// Guest instructions retired in translated code.
    pub jit_insns: u64,
    /// Guest instructions retired by the interpreter.
    pub interp_insns: u64,
    /// Translations queued that hold a loop (an edge inside the
    /// translation), and the guest blocks in them.
    pub loops: u64,
    /// See [`JitStats::loops`].
    pub loop_blocks: u64,
    /// Translations queued that follow a call into another page (see
    /// [`crate::translate::Trace`]).
    pub traces: u64,
    /// Helper calls made by translated code.
    pub helpers: HelperCounts,
    /// Lockstep: blocks compared.
    pub lockstep_units: u64,
    /// Lockstep: resynchronisations after MMIO accesses (or code outside
    /// RAM) the shadow cannot replay.
    pub lockstep_resyncs: u64,
}

impl JitStats {
    /// Add another engine's counters.
    pub fn merge(&mut self, o: &JitStats) {
        self.translations += o.translations;
        self.compiled += o.compiled;
        self.batches += o.batches;
        self.errors += o.errors;
        self.compile_nanos += o.compile_nanos;
        self.max_compile_nanos = self.max_compile_nanos.max(o.max_compile_nanos);
        self.finalize_nanos += o.finalize_nanos;
        self.flushes += o.flushes;
        self.fence_i += o.fence_i;
        self.generation_drops += o.generation_drops;
        self.invalidations += o.invalidations;
        self.jit_calls += o.jit_calls;
        self.links += o.links;
        self.lookups += o.lookups;
        self.jit_insns += o.jit_insns;
        self.interp_insns += o.interp_insns;
        self.loops += o.loops;
        self.traces += o.traces;
        self.loop_blocks += o.loop_blocks;
        self.helpers.merge(&o.helpers);
        self.lockstep_units += o.lockstep_units;
        self.lockstep_resyncs += o.lockstep_resyncs;
    }
}

fn ms(nanos: u64) -> f64 {
    nanos as f64 / 1e6
}

impl fmt::Display for JitStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.jit_insns + self.interp_insns;
        let frac = if total == 0 {
            0.0
        } else {
            100.0 * self.jit_insns as f64 / total as f64
        };
        let per = if self.compiled == 0 {
            0.0
        } else {
            self.compile_nanos as f64 / self.compiled as f64 / 1e3
        };
        writeln!(f, "jit: translations installed  {}", self.translations)?;
        writeln!(
            f,
            "jit: blocks compiled         {} in {} batches ({} errors)",
            self.compiled, self.batches, self.errors
        )?;
        writeln!(
            f,
            "jit: compile time            {:.1} ms total, {per:.1} us per block (max {:.1} us), finalize {:.1} ms",
            ms(self.compile_nanos),
            self.max_compile_nanos as f64 / 1e3,
            ms(self.finalize_nanos)
        )?;
        writeln!(
            f,
            "jit: cache                   {} flushes, {} fence.i, {} generations dropped, {} translations invalidated by code writes",
            self.flushes, self.fence_i, self.generation_drops, self.invalidations
        )?;
        writeln!(
            f,
            "jit: instructions            {} in JIT code ({frac:.1}%), {} interpreted, {} entries into translated code, {} links made, {} jump-cache lookups",
            self.jit_insns, self.interp_insns, self.jit_calls, self.links, self.lookups
        )?;
        writeln!(
            f,
            "jit: loops                   {} translations hold a loop ({} guest blocks), {} follow a call into another page",
            self.loops, self.loop_blocks, self.traces
        )?;
        let h = &self.helpers;
        write!(
            f,
            "jit: helper calls            {} loads, {} stores, {} FP, {} interpreter",
            h.loads,
            h.stores,
            h.fp,
            h.execs()
        )?;
        let mut by_op: Vec<(usize, u64)> = h
            .exec_by_op
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(i, &n)| (i, n))
            .collect();
        by_op.sort_by_key(|e| std::cmp::Reverse(e.1));
        if !by_op.is_empty() {
            write!(f, " (")?;
            for (k, (op, n)) in by_op.iter().take(8).enumerate() {
                if k > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{} {n}", op_name(*op))?;
            }
            write!(f, ")")?;
        }
        writeln!(f)?;
        if self.lockstep_units > 0 {
            writeln!(
                f,
                "jit: lockstep                {} blocks compared, {} resyncs after MMIO",
                self.lockstep_units, self.lockstep_resyncs
            )?;
        }
        Ok(())
    }
}

/// The mnemonic of an op by its number.
fn op_name(n: usize) -> &'static str {
    ALL_OPS
        .iter()
        .find(|o| **o as u8 as usize == n)
        .map(|o| mnemonic(*o))
        .unwrap_or("?")
}

/// Ops that go through the interpreter helper (for naming counters).
const ALL_OPS: &[Op] = {
    use Op::*;
    &[
        Illegal, Fence, FenceI, Ecall, Ebreak, Csrrw, Csrrs, Csrrc, Csrrwi, Csrrsi, Csrrci, Mret,
        Sret, Wfi, SfenceVma, LrW, ScW, AmoswapW, AmoaddW, AmoxorW, AmoandW, AmoorW, AmominW,
        AmomaxW, AmominuW, AmomaxuW, LrD, ScD, AmoswapD, AmoaddD, AmoxorD, AmoandD, AmoorD,
        AmominD, AmomaxD, AmominuD, AmomaxuD, Flw, Fsw, FmaddS, FmsubS, FnmsubS, FnmaddS, FaddS,
        FsubS, FmulS, FdivS, FsqrtS, FsgnjS, FsgnjnS, FsgnjxS, FminS, FmaxS, FcvtWS, FcvtWuS,
        FcvtLS, FcvtLuS, FmvXW, FeqS, FltS, FleS, FclassS, FcvtSW, FcvtSWu, FcvtSL, FcvtSLu, FmvWX,
        Fld, Fsd, FmaddD, FmsubD, FnmsubD, FnmaddD, FaddD, FsubD, FmulD, FdivD, FsqrtD, FsgnjD,
        FsgnjnD, FsgnjxD, FminD, FmaxD, FcvtSD, FcvtDS, FeqD, FltD, FleD, FclassD, FcvtWD, FcvtWuD,
        FcvtLD, FcvtLuD, FmvXD, FcvtDW, FcvtDWu, FcvtDL, FcvtDLu, FmvDX,
    ]
};
