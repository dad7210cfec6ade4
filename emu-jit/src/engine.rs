//! The tiered engine: the interpreter runs cold blocks and counts them; hot
//! blocks go to the compile worker; installed translations run natively.
//!
//! The run loop mirrors `Hart::run` block for block (code-write sync,
//! interrupts, WFI, budget at every slice point, the same decoded
//! blocks from `Hart::fetch_block`), so both engines retire the same
//! instructions between the same slice points; only how a block executes
//! differs.

use crate::helpers::{jc_index, jc_key, new_links, JcEntry, JitCtx, Links, JC_SLOTS};
use crate::lockstep::{Lockstep, Unit};
use crate::stats::JitStats;
use crate::translate::{
    computed_jump, cut_at_heads, direct_pas, internal_edge, is_ret, translatable, Trace,
};
use crate::worker::{self, Batch, Request};
use cranelift_jit::JITModule;
use crossbeam_channel::{Receiver, Sender};
use emu_core::block::Block;
use emu_core::bus::Bus;
use emu_core::engine::Engine;
use emu_core::hart::Hart;
use emu_core::insn::{Insn, Op};
use emu_core::interp::{RunExit, TRAP_STREAK_YIELD};
use emu_core::pamap::PaMap;
use emu_core::ram::CodeWrites;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// A block inside a queued or installed loop translation is translated
/// on its own only after this many times the threshold of interpreted
/// runs (it is entered from outside the loop that often); before, it
/// would mostly be a second copy of code the loop already holds.
const COVERED_THRESHOLD_FACTOR: u32 = 8;

/// Default [`JitConfig::threshold`]. Compiling costs the hart too (the
/// compile thread shares the host's cores), so only blocks that have
/// shown they are hot are compiled: on the Debian boot, 500 compiles
/// about 8 k blocks instead of 21 k at 50 and boots about 25 % faster.
pub const DEFAULT_THRESHOLD: u32 = 500;

/// While a block waits for its translation, every this many runs count
/// towards its priority (see `JitEngine::send_queue`).
const PENDING_STRIDE: u32 = 16;

/// Compile batches handed to the worker at a time (see
/// `JitEngine::send_queue`).
const IN_FLIGHT: usize = 2;

/// Most guest blocks in one translation (see [`JitConfig::regions`]).
pub const REGION_BLOCKS: usize = 8;
/// Most instructions in one translation.
pub const REGION_INSNS: usize = 128;
/// Most guest blocks in a region with a computed jump (the cases of a
/// switch).
pub const SWITCH_REGION_BLOCKS: usize = 40;
/// Most instructions in a region with a computed jump.
pub const SWITCH_REGION_INSNS: usize = 320;
/// Most guest blocks of a callee a region follows a call into (see
/// [`Trace`]).
pub const TRACE_BLOCKS: usize = 12;
/// Most guest instructions of such a callee.
pub const TRACE_INSNS: usize = 64;

/// Tuning of the JIT.
#[derive(Clone, Debug)]
pub struct JitConfig {
    /// Executions after which a block is compiled; 0 compiles a block
    /// when it is first seen (with `sync`: before it first runs).
    pub threshold: u32,
    /// Blocks per compile batch (one module and one finalize each).
    pub batch: usize,
    /// Wait for each batch to be compiled (deterministic tests and
    /// lockstep). Off by default: the hart never waits for Cranelift.
    pub sync: bool,
    /// Translations per generation.
    pub generation_size: usize,
    /// Generations kept; when a new one would exceed this, the oldest is
    /// dropped and its memory freed.
    pub generations: usize,
    /// Compare every block against the interpreter on a shadow hart.
    pub lockstep: bool,
    /// Drop every translation on `fence.i` (not needed for correctness:
    /// code-page writes invalidate precisely; for experiments).
    pub flush_on_fence_i: bool,
    /// Cranelift optimization level: "none", "speed" or "speed_and_size".
    /// Translations are straight-line code that the translator already
    /// emits in simple form; "none" compiles faster (see `bench/benches/jit.rs`).
    pub opt_level: String,
    /// Write `/tmp/perf-<pid>.map` so that `perf` names samples in
    /// translated code by guest address.
    pub perf_map: bool,
    /// Translate regions: a hot block together with the warm blocks its
    /// direct exits lead to in its page, with the edges between them
    /// (loops) inside one function. Off: one block per translation.
    pub regions: bool,
}

impl Default for JitConfig {
    fn default() -> Self {
        JitConfig {
            threshold: DEFAULT_THRESHOLD,
            batch: 8,
            sync: false,
            generation_size: 16384,
            generations: 3,
            lockstep: false,
            flush_on_fence_i: false,
            opt_level: "none".into(),
            regions: true,
            perf_map: false,
        }
    }
}

/// Where a lockstep divergence report is put (see
/// [`JitEngine::divergence_slot`]).
pub type DivergenceSlot = Arc<Mutex<Option<String>>>;

/// Signature of the entry trampoline ([`worker::trampoline`]).
type EnterFn = unsafe extern "C" fn(*mut Hart, *mut JitCtx<'_>, usize);

/// Run translated code starting at `code`; it may chain into further
/// translations while `cx.budget` allows (see [`JitCtx::budget`]).
#[allow(unsafe_code)]
pub(crate) fn call_translation(code: usize, hart: &mut Hart, cx: &mut JitCtx<'_>) {
    let Ok(enter) = worker::trampoline() else {
        unreachable!("JitEngine::new built the trampoline")
    };
    // SAFETY: `enter` is the trampoline finalized by `worker::trampoline`
    // with exactly the `EnterFn` signature, in a module that is never
    // freed. It calls `code`, the entry of a function finalized by the
    // compile worker from `translate::Translator` with the translation
    // signature, in a module of a live generation; that function may
    // tail-call only translations it finds in its link slots or (itself or
    // through the chaining stubs of `worker::chain_stubs`, in a module that
    // is never freed) in the engine's jump cache (`cx.jc`), which hold only
    // live translations (slots and cache are emptied of a translation
    // before it is dropped, and generations are freed only between calls
    // of this function). Translated code reads and writes
    // the hart only through the `Hart` field offsets it was compiled
    // with, and passes both pointers on to the helpers, which are safe
    // Rust taking `&mut Hart`/`&mut JitCtx`; translated code does not
    // touch the hart while a helper runs, so the references stay unique.
    // On x86-64 it calls them through the thunks of
    // `worker::helper_thunks`, which save every general-purpose register
    // the system ABI lets the helper clobber (translated code holds no
    // values in vector registers, which the thunks do not save).
    unsafe {
        let f: EnterFn = std::mem::transmute::<usize, EnterFn>(enter);
        f(hart, cx, code)
    }
}

/// Which of the blocks `cand` (each with the physical addresses its exits
/// lead to) lead to `goal` or to a block already marked in `keep`,
/// directly or through other such blocks (`keep` with those marked too).
fn leading_to(cand: &[(Rc<Block>, Vec<u64>)], mut keep: Vec<bool>, goal: u64) -> Vec<bool> {
    loop {
        let mut changed = false;
        for i in 0..cand.len() {
            if !keep[i]
                && cand[i]
                    .1
                    .iter()
                    .any(|&t| t == goal || cand.iter().zip(&keep).any(|(c, &k)| k && c.0.pa == t))
            {
                keep[i] = true;
                changed = true;
            }
        }
        if !changed {
            return keep;
        }
    }
}

/// A region to translate: the instructions of its blocks in order, each
/// block's (address, count), and the call it follows, if any (see
/// [`JitEngine::region`]).
type Region = (Box<[Insn]>, Vec<(u64, usize)>, Option<Trace>);

/// A callee a region follows a call into, and its blocks with their
/// region addresses (see [`JitEngine::callee`]).
type Callee = (Trace, Vec<(u64, Rc<Block>)>);

/// One translation.
struct Translation {
    code: usize,
    generation: u64,
    /// The instructions the code points into (exec helper arguments).
    _insns: Box<[Insn]>,
    /// The link slots the code jumps through.
    links: Option<Links>,
}

/// What the engine knows of a block that reached the threshold (blocks
/// count their executions themselves, in [`Block::jit_count`]).
enum Entry {
    /// Cannot be translated (crosses a page, not in RAM).
    Never,
    /// Queued or sent to the worker with this request id; executions
    /// since (the hottest queued blocks are sent first).
    Pending(u64, u32),
    /// Installed.
    Compiled(Translation),
}

/// Code of one generation: the modules of the batches installed in it.
struct Generation {
    id: u64,
    modules: Vec<JITModule>,
    translations: usize,
}

/// Free the code of a module.
#[allow(unsafe_code)]
pub(crate) fn free_module(m: JITModule) {
    // SAFETY: called only at a safe point of the run loop (no translated
    // code is executing) for a module none of whose functions is reachable
    // any more: its translations were removed from the entry map and the
    // fast lookup table before, or were never installed.
    unsafe { m.free_memory() }
}

#[derive(Clone, Copy)]
struct Slot {
    pa: u64,
    code: usize,
}

const FAST_SLOTS: usize = 4096;
const EMPTY_SLOT: Slot = Slot {
    pa: u64::MAX,
    code: 0,
};

/// The Cranelift JIT engine.
pub struct JitEngine {
    cfg: JitConfig,
    req_tx: Option<Sender<Vec<Request>>>,
    res_rx: Receiver<Batch>,
    worker: Option<JoinHandle<()>>,
    entries: PaMap<Entry>,
    by_page: PaMap<Vec<u64>>,
    /// Blocks inside a loop region queued for another head (block →
    /// head): such a block is translated (alone, not as one more copy of
    /// the same loop) only once it is still interpreted
    /// [`COVERED_THRESHOLD_FACTOR`] times the threshold.
    covered: PaMap<u64>,
    fast: Box<[Slot]>,
    /// Jump cache (pc, hart, privilege) → translation; read by
    /// translated code to chain (see [`JitCtx::jc`]).
    jc: Box<[JcEntry]>,
    gens: VecDeque<Generation>,
    next_gen: u64,
    queue: Vec<Request>,
    next_id: u64,
    in_flight: usize,
    stats: JitStats,
    sink: Option<Arc<Mutex<JitStats>>>,
    /// Position in RAM's code-write log up to which translations were
    /// dropped.
    code_seen: u64,
    lockstep: Option<Lockstep>,
    stop: Option<(Arc<AtomicU64>, u64)>,
    halted: bool,
    /// The open perf map (see [`JitConfig::perf_map`]).
    perf_map: Option<std::fs::File>,
    /// Bumped whenever translations are dropped: code cached in blocks
    /// ([`Block::jit_code`]) is valid only for the current value.
    epoch: u64,
    /// Batches installed so far: a block that found no translation
    /// records `MISS | installs` in [`Block::jit_code`] and looks again
    /// only after the next install.
    installs: u64,
}

/// [`Block::jit_code`]'s epoch field of a recorded miss (see
/// [`JitEngine::installs`]); epochs never reach this bit.
const MISS: u64 = 1 << 63;

impl std::fmt::Debug for JitEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitEngine")
            .field("cfg", &self.cfg)
            .field("translations", &self.stats.translations)
            .finish()
    }
}

impl JitEngine {
    /// An engine with its compile worker thread.
    pub fn new(cfg: JitConfig) -> Result<Self, String> {
        let isa = worker::host_isa(&cfg.opt_level)?;
        worker::trampoline()?;
        let (req_tx, req_rx) = crossbeam_channel::unbounded();
        let (res_tx, res_rx) = crossbeam_channel::unbounded();
        let w = std::thread::Builder::new()
            .name("emu-jit-compile".into())
            .spawn(move || worker::worker(isa, req_rx, res_tx))
            .map_err(|e| format!("cannot start the JIT compile thread: {e}"))?;
        let lockstep = cfg.lockstep.then(Lockstep::new);
        let perf_map = if cfg.perf_map {
            let path = format!("/tmp/perf-{}.map", std::process::id());
            Some(
                std::fs::File::create(&path)
                    .map_err(|e| format!("cannot create the perf map {path}: {e}"))?,
            )
        } else {
            None
        };
        Ok(JitEngine {
            cfg,
            req_tx: Some(req_tx),
            res_rx,
            worker: Some(w),
            entries: PaMap::default(),
            by_page: PaMap::default(),
            covered: PaMap::default(),
            installs: 0,
            fast: vec![EMPTY_SLOT; FAST_SLOTS].into_boxed_slice(),
            jc: vec![JcEntry::EMPTY; JC_SLOTS].into_boxed_slice(),
            gens: VecDeque::new(),
            next_gen: 0,
            queue: Vec::new(),
            next_id: 1,
            in_flight: 0,
            stats: JitStats::default(),
            sink: None,
            code_seen: 0,
            lockstep,
            stop: None,
            halted: false,
            perf_map,
            epoch: 0,
        })
    }

    /// Merge this engine's statistics into `sink` when it is dropped.
    pub fn set_stats_sink(&mut self, sink: Arc<Mutex<JitStats>>) {
        self.sink = Some(sink);
    }

    /// Where to report a lockstep divergence: the flag is set to `value`
    /// (the machine's stop flag stops the run).
    pub fn set_stop_flag(&mut self, flag: Arc<AtomicU64>, value: u64) {
        self.stop = Some((flag, value));
    }

    /// The lockstep divergence report, if a divergence was found.
    pub fn divergence(&self) -> Option<&str> {
        self.lockstep.as_ref().and_then(|l| l.report.as_deref())
    }

    /// A shared slot that receives the divergence report (for callers
    /// that hand the engine to a machine).
    pub fn divergence_slot(&self) -> Option<DivergenceSlot> {
        self.lockstep.as_ref().map(|l| l.report_slot.clone())
    }

    /// Statistics so far.
    pub fn stats(&self) -> &JitStats {
        &self.stats
    }

    #[inline(always)]
    fn slot(pa: u64) -> usize {
        ((pa >> 1) as usize) & (FAST_SLOTS - 1)
    }

    /// Translated code for the block at `pa`, if installed.
    #[inline(always)]
    fn lookup(&mut self, pa: u64) -> usize {
        let s = self.fast[Self::slot(pa)];
        if s.pa == pa {
            return s.code;
        }
        if let Some(Entry::Compiled(t)) = self.entries.get(&pa) {
            let code = t.code;
            self.fast[Self::slot(pa)] = Slot { pa, code };
            return code;
        }
        0
    }

    /// The region to translate for the hot block `first`: the loop
    /// through it, if it heads one. Candidates are, breadth first, the
    /// blocks its direct exits lead to within its page, as far as `hart`
    /// has decoded them and they ran at least an eighth as often as the
    /// threshold (or are hot themselves), up to [`REGION_BLOCKS`] blocks
    /// and [`REGION_INSNS`] instructions. A computed jump (`jr` through a
    /// register other than a link register: a switch table) leads to the
    /// blocks of the page that computed jumps were seen to enter while
    /// they were interpreted (`Block::jump_target`); once one is among
    /// the candidates, those are candidates too, and the limits grow to
    /// [`SWITCH_REGION_BLOCKS`] and [`SWITCH_REGION_INSNS`]. Of the
    /// candidates, the region keeps the ones from which `first` can be
    /// reached again. (Straight-line successors gain little from sharing a
    /// function and cost compile time.)
    ///
    /// A call (`jal ra`) from `first` or a candidate into another page is
    /// followed (see [`Trace`] and [`JitEngine::callee`]) when the region
    /// has no computed jump: the call's return point becomes a candidate
    /// and the call's successor for the loop test, and the callee's
    /// blocks join the region. `va` is `first`'s virtual address.
    ///
    /// Returns the instructions of all blocks in order, each block's
    /// (address, count) and the trace.
    fn region(&self, first: &Block, va: u64, hart: &Hart) -> Region {
        let single = || {
            (
                Box::from(&first.insns),
                vec![(first.pa, first.insns.len())],
                None,
            )
        };
        if !self.cfg.regions {
            return single();
        }
        let page = first.pa & !0xfff;
        // The page's blocks that computed jumps were seen to enter (looked
        // up once a computed jump is among the candidates).
        let page_blocks = std::cell::OnceCell::new();
        let jump_targets = || -> &Vec<u64> {
            page_blocks.get_or_init(|| {
                hart.blocks
                    .page_starts(page)
                    .iter()
                    .copied()
                    .filter(|&p| {
                        p & !0xfff == page
                            && p != first.pa
                            && hart.blocks.get(p).is_some_and(|b| b.jump_target.get())
                    })
                    .collect()
            })
        };
        let computed = |b: &Block| b.insns.last().is_some_and(computed_jump);
        let targets = |b: &Block| -> Vec<u64> {
            if computed(b) {
                let mut t = jump_targets().clone();
                if first.jump_target.get() {
                    t.push(first.pa);
                }
                return t;
            }
            direct_pas(b.pa, &b.insns)
        };
        let (mut max_blocks, mut max_insns) = (REGION_BLOCKS, REGION_INSNS);
        if computed(first) {
            (max_blocks, max_insns) = (SWITCH_REGION_BLOCKS, SWITCH_REGION_INSNS);
        }
        let mut cand: Vec<(Rc<Block>, Vec<u64>)> = Vec::new();
        let mut queue: VecDeque<u64> = targets(first).into();
        let mut n_insns = first.insns.len();
        while let Some(pa) = queue.pop_front() {
            if cand.len() + 1 >= max_blocks {
                break;
            }
            if pa & !0xfff != page || pa == first.pa || cand.iter().any(|b| b.0.pa == pa) {
                continue;
            }
            let Some(b) = hart.blocks.get(pa) else {
                continue;
            };
            if !self.warm(&b) {
                continue;
            }
            if computed(&b) {
                (max_blocks, max_insns) = (SWITCH_REGION_BLOCKS, SWITCH_REGION_INSNS);
            }
            if n_insns + b.insns.len() > max_insns {
                continue;
            }
            n_insns += b.insns.len();
            let t = targets(&b);
            queue.extend(t.iter().copied());
            cand.push((b, t));
        }
        // A call into another page.
        let mut trace = None;
        let mut first_targets = targets(first);
        let computed_any = computed(first) || cand.iter().any(|c| computed(&c.0));
        let calls = std::iter::once(first).chain(cand.iter().map(|c| &*c.0));
        if let Some((k, t, callee)) = (!computed_any)
            .then(|| {
                calls.enumerate().find_map(|(k, b)| {
                    let (t, callee) = self.callee(first, va, b, hart)?;
                    Some((k, t, callee))
                })
            })
            .flatten()
        {
            // The return point is a candidate (when it is not yet).
            let known = t.ret == first.pa || cand.iter().any(|c| c.0.pa == t.ret);
            let ret = (!known)
                .then(|| hart.blocks.get(t.ret))
                .flatten()
                .filter(|b| self.warm(b) && n_insns + b.insns.len() <= max_insns);
            if known || ret.is_some() {
                if let Some(b) = ret {
                    let tr = targets(&b);
                    cand.push((b, tr));
                }
                match k {
                    0 => first_targets.push(t.ret),
                    k => cand[k - 1].1.push(t.ret),
                }
                trace = Some((k, t, callee));
            }
        }
        // Keep the candidates that lead back to `first`.
        let back = leading_to(&cand, vec![false; cand.len()], first.pa);
        let self_loop = first_targets.contains(&first.pa);
        if !self_loop && !back.iter().any(|&k| k) {
            return single();
        }
        let mut insns: Vec<Insn> = first.insns.to_vec();
        let mut blocks = vec![(first.pa, first.insns.len())];
        for ((b, _), _) in cand.iter().zip(&back).filter(|(_, &k)| k) {
            insns.extend_from_slice(&b.insns);
            blocks.push((b.pa, b.insns.len()));
        }
        // The trace holds if the call and the return point stay.
        let kept = |pa: u64| pa == first.pa || blocks.iter().any(|b| b.0 == pa);
        let trace = trace
            .filter(|(k, t, _)| (*k == 0 || back[k - 1]) && kept(t.ret))
            .map(|(_, mut t, callee)| {
                t.start = blocks.len();
                for (key, b) in callee {
                    insns.extend_from_slice(&b.insns);
                    blocks.push((key, b.insns.len()));
                }
                t
            });
        let (insns, blocks) = cut_at_heads(&insns, &blocks);
        (insns.into_boxed_slice(), blocks, trace)
    }

    /// Has the block run often enough to join a region (an eighth of the
    /// threshold, or queued or translated itself), and can it be
    /// translated?
    fn warm(&self, b: &Block) -> bool {
        let warm = match self.entries.get(&b.pa) {
            Some(Entry::Pending(..) | Entry::Compiled(_)) => true,
            Some(Entry::Never) => false,
            None => b.jit_count.get().saturating_mul(8) >= self.cfg.threshold,
        };
        warm && translatable(b.pa, &b.insns)
    }

    /// The callee of block `b` of the region of `first` (at virtual
    /// address `va`), when `b` ends in a call (`jal ra`) to a small
    /// function in another page that returns: the callee's blocks that
    /// lead to a `ret`, found as region candidates are (warm, decoded,
    /// direct edges within its page) up to [`TRACE_BLOCKS`] blocks and
    /// [`TRACE_INSNS`] instructions, each with its region address (see
    /// [`Trace`]). The callee's page must be in the hart's fetch TLB (its
    /// host page is what the translation checks), and the return point
    /// in `first`'s page. The trace's `start` is set by the caller.
    fn callee(&self, first: &Block, va: u64, b: &Block, hart: &Hart) -> Option<Callee> {
        let last = b.insns.last().filter(|i| i.op == Op::Jal && i.rd == 1)?;
        let bytes: u64 = b.insns.iter().map(|i| i.len as u64).sum();
        let at = b.pa.wrapping_add(bytes - last.len as u64);
        let entry = at.wrapping_add(last.imm as u64);
        let ret = b.pa.wrapping_add(bytes);
        let callee_va = va.wrapping_add(entry.wrapping_sub(first.pa));
        if entry & !0xfff == first.pa & !0xfff || ret & !0xfff != first.pa & !0xfff {
            return None;
        }
        let tag = hart.fetch_tag();
        let addend = hart.tlb.fetch_addend(callee_va, tag)?;
        let pa_page = hart.tlb.fetch_ppage(callee_va, tag)?;
        let host_page = addend.wrapping_add(callee_va & !0xfff);
        let start_pa = pa_page | (callee_va & 0xfff);
        // Breadth first from the entry.
        let mut found: Vec<(Rc<Block>, Vec<u64>)> = Vec::new();
        let mut queue: VecDeque<u64> = VecDeque::from([start_pa]);
        let mut n = 0usize;
        while let Some(pa) = queue.pop_front() {
            if found.len() >= TRACE_BLOCKS
                || pa & !0xfff != pa_page
                || found.iter().any(|f| f.0.pa == pa)
            {
                continue;
            }
            let Some(c) = hart.blocks.get(pa) else {
                continue;
            };
            if !self.warm(&c) || n + c.insns.len() > TRACE_INSNS {
                continue;
            }
            n += c.insns.len();
            let t = direct_pas(pa, &c.insns);
            queue.extend(t.iter().copied());
            found.push((c, t));
        }
        // Keep the blocks that lead to a return.
        let rets = found
            .iter()
            .map(|f| f.0.insns.last().is_some_and(is_ret))
            .collect();
        let keep = leading_to(&found, rets, u64::MAX);
        if !keep.first().copied().unwrap_or(false) {
            return None;
        }
        let callee = found
            .into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|((c, _), _)| (entry.wrapping_add(c.pa.wrapping_sub(start_pa)), c))
            .collect();
        let t = Trace {
            start: 0,
            entry,
            ret,
            host_page,
            pa_page,
        };
        Some((t, callee))
    }

    /// The translation of `block` (0 if none): cached in the block while
    /// no translation was dropped since ([`JitEngine::epoch`]); looked up
    /// only once the block has run `threshold` times on this hart (it
    /// cannot have been queued before).
    #[inline(always)]
    fn block_code(&mut self, block: &Block) -> usize {
        let (ep, c) = block.jit_code.get();
        if c != 0 {
            if ep == self.epoch {
                return c;
            }
        } else if ep == MISS | self.installs {
            // Queued (or never translatable) and nothing installed since
            // the last look.
            return 0;
        }
        if block.jit_count.get() < self.cfg.threshold {
            return 0;
        }
        let c = self.lookup(block.pa);
        if c != 0 {
            block.jit_code.set((self.epoch, c));
        } else {
            block.jit_code.set((MISS | self.installs, 0));
        }
        c
    }

    /// Count one interpreted execution of `block`: in the block itself
    /// while it is cold; at the threshold it is queued, and while it
    /// waits every [`PENDING_STRIDE`]th run is added to its priority.
    #[inline(always)]
    fn count_run(&mut self, block: &Block, va: u64, hart: &Hart, bus: &Bus) {
        let n = block.jit_count.get().saturating_add(1);
        block.jit_count.set(n);
        let t = self.cfg.threshold;
        if n >= t && (n - t).is_multiple_of(PENDING_STRIDE) {
            self.count(block, va, hart, bus);
        }
    }

    /// A block (at virtual address `va`) reached the threshold (again):
    /// queue it, or count runs of a queued one.
    fn count(&mut self, block: &Block, va: u64, hart: &Hart, bus: &Bus) {
        match self.entries.get_mut(&block.pa) {
            Some(Entry::Pending(_, runs)) => {
                *runs = runs.saturating_add(PENDING_STRIDE);
                return;
            }
            Some(_) => return,
            None => {}
        }
        // A block inside a loop translation that is queued or installed
        // runs in it; it gets its own translation only if it is still
        // interpreted that often (entered from outside the loop).
        let in_loop = self.in_live_loop(block.pa);
        if in_loop
            && block.jit_count.get() < COVERED_THRESHOLD_FACTOR.saturating_mul(self.cfg.threshold)
        {
            return;
        }
        let page = block.pa & !0xfff;
        let bytes: u64 = block.insns.iter().map(|i| i.len as u64).sum();
        if !translatable(block.pa, &block.insns) || bus.ram.offset_of(block.pa, bytes).is_none() {
            self.entries.insert(block.pa, Entry::Never);
        } else {
            let id = self.next_id;
            self.next_id += 1;
            self.entries.insert(block.pa, Entry::Pending(id, 0));
            let (insns, blocks, trace) = if in_loop {
                (
                    Box::from(&block.insns),
                    vec![(block.pa, block.insns.len())],
                    None,
                )
            } else {
                self.region(block, va, hart)
            };
            let own = trace.map_or(blocks.len(), |t: Trace| t.start);
            if internal_edge(&insns, &blocks) {
                self.stats.loops += 1;
                self.stats.loop_blocks += blocks.len() as u64;
                for &(member, _) in &blocks[1..own] {
                    self.covered.insert(member, block.pa);
                }
            }
            if let Some(t) = trace {
                self.stats.traces += 1;
                self.register(t.pa_page, block.pa);
            }
            let links = Some(new_links(blocks.len()));
            self.queue.push(Request {
                id,
                pa: block.pa,
                insns,
                blocks,
                links,
                trace,
            });
        }
        self.register(page, block.pa);
        if self.queue.len() >= self.cfg.batch || self.cfg.sync {
            self.send_queue();
        }
    }

    /// Note that the translation at `pa` holds code of `page`: a write
    /// there drops it.
    fn register(&mut self, page: u64, pa: u64) {
        let list = self.by_page.entry(page).or_default();
        if !list.contains(&pa) {
            list.push(pa);
        }
    }

    /// Is the block at `pa` inside the loop translation of another head
    /// that is queued or installed?
    fn in_live_loop(&self, pa: u64) -> bool {
        self.covered.get(&pa).is_some_and(|h| {
            matches!(
                self.entries.get(h),
                Some(Entry::Pending(..) | Entry::Compiled(_))
            )
        })
    }

    /// Hand queued requests to the worker. At most [`IN_FLIGHT`] batches
    /// are with the worker at a time; the rest wait here, and the blocks
    /// that ran most while waiting go first (a loop that turns hot late
    /// is not stuck behind a backlog of lukewarm boot code). With `sync`
    /// everything is sent and waited for.
    fn send_queue(&mut self) {
        if self.queue.is_empty() || (!self.cfg.sync && self.in_flight >= IN_FLIGHT) {
            return;
        }
        let reqs = if self.cfg.sync || self.queue.len() <= self.cfg.batch {
            std::mem::take(&mut self.queue)
        } else {
            let runs = |e: Option<&Entry>| match e {
                Some(Entry::Pending(_, r)) => *r,
                _ => 0,
            };
            let entries = &self.entries;
            let k = self.cfg.batch;
            self.queue
                .select_nth_unstable_by_key(k, |r| std::cmp::Reverse(runs(entries.get(&r.pa))));
            let rest = self.queue.split_off(k);
            std::mem::replace(&mut self.queue, rest)
        };
        if let Some(tx) = &self.req_tx {
            if tx.send(reqs).is_ok() {
                self.in_flight += 1;
            }
        }
        if self.cfg.sync {
            while self.in_flight > 0 {
                match self.res_rx.recv() {
                    Ok(b) => self.install(b),
                    Err(_) => {
                        self.in_flight = 0;
                        break;
                    }
                }
            }
        }
    }

    /// Install finished batches (never blocks).
    fn poll(&mut self) {
        loop {
            match self.res_rx.try_recv() {
                Ok(b) => self.install(b),
                Err(crossbeam_channel::TryRecvError::Empty) => {
                    self.send_queue();
                    break;
                }
                Err(crossbeam_channel::TryRecvError::Disconnected) => {
                    // The compile thread died (a Cranelift panic): say so
                    // once and go on interpreting.
                    if self.req_tx.take().is_some() {
                        self.stats.errors += 1;
                        eprintln!(
                            "emu: jit: the compile thread stopped; running on in the interpreter"
                        );
                    }
                    break;
                }
            }
        }
    }

    fn current_gen(&mut self) -> &mut Generation {
        if self
            .gens
            .back()
            .is_none_or(|g| g.translations >= self.cfg.generation_size)
        {
            let id = self.next_gen;
            self.next_gen += 1;
            self.gens.push_back(Generation {
                id,
                modules: Vec::new(),
                translations: 0,
            });
        }
        self.gens.back_mut().expect("a generation was just ensured")
    }

    /// Install a compiled batch. Called only between blocks.
    fn install(&mut self, batch: Batch) {
        self.installs += 1;
        self.in_flight = self.in_flight.saturating_sub(1);
        self.stats.batches += 1;
        self.stats.errors += batch.errors.len() as u64;
        for e in &batch.errors {
            eprintln!("emu: jit: {e}");
        }
        self.stats.finalize_nanos += batch.finalize_nanos;
        let gen_id = self.current_gen().id;
        let mut installed = 0usize;
        for c in batch.items {
            self.stats.compiled += 1;
            self.stats.compile_nanos += c.nanos;
            self.stats.max_compile_nanos = self.stats.max_compile_nanos.max(c.nanos);
            let pa = c.req.pa;
            let Some(e) = self.entries.get_mut(&pa) else {
                continue;
            };
            match e {
                Entry::Pending(id, _) if *id == c.req.id => {
                    if c.code == 0 {
                        *e = Entry::Never;
                        continue;
                    }
                    *e = Entry::Compiled(Translation {
                        code: c.code,
                        generation: gen_id,
                        _insns: c.req.insns,
                        links: c.req.links,
                    });
                    self.fast[Self::slot(pa)] = Slot { pa, code: c.code };
                    installed += 1;
                    if let Some(f) = self.perf_map.as_mut() {
                        use std::io::Write;
                        let _ = writeln!(
                            f,
                            "{:x} {:x} guest_{pa:x}_{}blocks",
                            c.code,
                            c.size,
                            c.req.blocks.len()
                        );
                    }
                }
                _ => {}
            }
        }
        self.stats.translations += installed as u64;
        if installed == 0 {
            free_module(batch.module);
        } else {
            // The generation the translations were tagged with (nothing
            // was dropped since).
            match self.gens.iter_mut().find(|g| g.id == gen_id) {
                Some(g) => {
                    g.modules.push(batch.module);
                    g.translations += installed;
                }
                None => unreachable!("generation {gen_id} vanished while installing"),
            }
        }
        while self.gens.len() > self.cfg.generations.max(1) {
            self.drop_oldest_generation();
        }
    }

    /// Clear the link slots whose target is on one of `pages` (all of
    /// them with `None`).
    fn unlink(&mut self, pages: Option<&[u64]>) {
        for e in self.entries.values() {
            let Entry::Compiled(t) = e else { continue };
            let Some(links) = &t.links else { continue };
            for l in links.iter() {
                let target = l.target_pa.load(Ordering::Relaxed);
                if pages.is_none_or(|p| p.contains(&(target & !0xfff))) {
                    l.clear();
                }
            }
        }
    }

    /// Fill link slot `idx` of the translation at `src` with `code`, the
    /// translation at `pa`, if that is the slot's target.
    fn link(&mut self, src: u64, idx: usize, pa: u64, code: usize) {
        if let Some(Entry::Compiled(t)) = self.entries.get(&src) {
            if let Some(l) = t.links.as_ref().and_then(|l| l.get(idx)) {
                if l.target_pa.load(Ordering::Relaxed) == pa {
                    l.code.store(code as u64, Ordering::Relaxed);
                    self.stats.links += 1;
                }
            }
        }
    }

    fn drop_oldest_generation(&mut self) {
        let Some(g) = self.gens.pop_front() else {
            return;
        };
        self.entries
            .retain(|_, e| !matches!(e, Entry::Compiled(t) if t.generation == g.id));
        self.unlink(None);
        self.fast.fill(EMPTY_SLOT);
        self.jc.fill(JcEntry::EMPTY);
        self.epoch += 1;
        for m in g.modules {
            free_module(m);
        }
        self.stats.generation_drops += 1;
    }

    /// `fence.i`. Translations are keyed by physical address and every
    /// write to a page holding translated code (by any hart or device)
    /// drops that page's translations before the next block runs, so
    /// translated code is never staler than what `fence.i` requires. The
    /// interpreter's decoded blocks were already dropped by `Hart::exec`;
    /// with `flush_on_fence_i` the translations are dropped too.
    fn fence_i(&mut self) {
        self.stats.fence_i += 1;
        if self.cfg.flush_on_fence_i {
            self.flush_all();
        }
    }

    /// Drop every translation.
    fn flush_all(&mut self) {
        self.epoch += 1;
        self.entries.clear();
        self.by_page.clear();
        self.covered.clear();
        self.fast.fill(EMPTY_SLOT);
        self.jc.fill(JcEntry::EMPTY);
        self.queue.clear();
        for g in std::mem::take(&mut self.gens) {
            for m in g.modules {
                free_module(m);
            }
        }
        self.stats.flushes += 1;
    }

    /// Drop translations (and pending requests) of written code pages.
    fn invalidate_pages(&mut self, pages: &[u64]) {
        let mut any = false;
        // The pages of the translations dropped: one that followed a call
        // into a written page has its entry on another page.
        let mut heads: Vec<u64> = pages.to_vec();
        for page in pages {
            let Some(list) = self.by_page.remove(page) else {
                continue;
            };
            for pa in list {
                if let Some(e) = self.entries.remove(&pa) {
                    if matches!(e, Entry::Compiled(_)) {
                        self.stats.invalidations += 1;
                    }
                    any = true;
                    if !heads.contains(&(pa & !0xfff)) {
                        heads.push(pa & !0xfff);
                    }
                }
            }
        }
        if any {
            self.unlink(Some(&heads));
            self.queue.retain(|r| {
                !pages.contains(&(r.pa & !0xfff))
                    && r.trace.is_none_or(|t| !pages.contains(&t.pa_page))
            });
            self.epoch += 1;
            self.fast.fill(EMPTY_SLOT);
            self.jc.fill(JcEntry::EMPTY);
        }
    }

    /// Code pages written since the last check: drop this hart's decoded
    /// blocks of them (each hart's block cache follows the code-write log
    /// on its own) and their translations.
    #[inline(always)]
    fn sync_code_writes(&mut self, hart: &mut Hart, bus: &Bus) {
        hart.sync_code_writes(bus);
        if bus.ram.code_seq() != self.code_seen {
            let (w, seq) = bus.ram.code_writes_since(self.code_seen);
            match w {
                CodeWrites::Pages(pages) => self.invalidate_pages(&pages),
                CodeWrites::All => self.flush_all(),
            }
            self.code_seen = seq;
        }
    }

    fn halt(&mut self) {
        self.halted = true;
        if let Some((flag, v)) = &self.stop {
            flag.store(*v, Ordering::Relaxed);
        }
    }
}

impl Drop for JitEngine {
    fn drop(&mut self) {
        self.req_tx = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
        // Nothing runs any more: free every generation and any batch that
        // arrived after the last poll.
        while let Ok(b) = self.res_rx.try_recv() {
            free_module(b.module);
        }
        self.entries.clear();
        for g in std::mem::take(&mut self.gens) {
            for m in g.modules {
                free_module(m);
            }
        }
        if let Some(sink) = &self.sink {
            if let Ok(mut s) = sink.lock() {
                s.merge(&self.stats);
            }
        }
    }
}

impl Engine for JitEngine {
    fn name(&self) -> &'static str {
        "jit"
    }

    fn run(&mut self, hart: &mut Hart, bus: &mut Bus, budget: u64) -> (RunExit, u64) {
        if self.halted {
            return (RunExit::Budget, 0);
        }
        self.poll();
        if let Some(ls) = self.lockstep.as_mut() {
            ls.slice_start(hart, bus);
        }
        let mut executed = 0u64;
        // A direct exit that asked for its link slot to be filled with the
        // next block's translation: (block pa, slot).
        let mut pending_link: Option<(u64, usize)> = None;
        // The last interpreted block ended in a computed jump: the next
        // one is marked as its target (see `JitEngine::region`).
        let mut after_computed = false;
        // Code writes, interrupts, WFI and the budget are looked at only
        // at slice points, as in `Hart::run` (see
        // `Insn::continues_slice`); translated code tells with
        // `JitCtx::mid_slice` whether it returned at one.
        let mut slice_point = true;
        let exit = loop {
            if slice_point {
                self.sync_code_writes(hart, bus);
                if let Some(t) = hart.pending_interrupt() {
                    hart.take_trap(t);
                    // The handler is not the jump's target.
                    after_computed = false;
                }
                if let Some(ls) = self.lockstep.as_mut() {
                    ls.boundary(hart.hartid);
                }
                if hart.wfi {
                    if hart.wake_pending() {
                        hart.wfi = false;
                    } else {
                        break RunExit::Wfi;
                    }
                }
                if executed >= budget {
                    break RunExit::Budget;
                }
            }
            slice_point = true;
            // The block (the hart's jump cache, checked against the fetch
            // TLB) and its translation, cached in the block. The engine's
            // jump cache, which translated code consults, gets the entry.
            let key = jc_key(hart);
            let (block, code, pa) = {
                let block = match hart.fetch_block(bus) {
                    Ok(b) => b,
                    Err(t) => {
                        hart.take_trap(t);
                        after_computed = false;
                        let stuck = hart.trap_streak >= TRAP_STREAK_YIELD;
                        if let Some(ls) = self.lockstep.as_mut() {
                            let unit = Unit {
                                block: None,
                                jit: false,
                                pre: None,
                                retired: 0,
                                trapped: true,
                            };
                            if !ls.check_unit(hart, unit, &mut self.stats) {
                                self.halt();
                                break RunExit::Budget;
                            }
                        }
                        if stuck {
                            // Nothing retires: let the machine look at it.
                            break RunExit::Budget;
                        }
                        continue;
                    }
                };
                if after_computed {
                    block.jump_target.set(true);
                    after_computed = false;
                }
                let mut code = self.block_code(&block);
                if code == 0 && self.cfg.threshold == 0 {
                    // Compile on first sight (with `sync`, before running it).
                    self.count(&block, hart.pc, hart, bus);
                    code = self.block_code(&block);
                }
                if code != 0 && self.lockstep.is_none() {
                    if let Some(addend) = hart.tlb.fetch_addend(hart.pc, hart.fetch_tag()) {
                        self.jc[jc_index(hart.pc)] =
                            JcEntry::new(hart.pc, key, code as u64, addend, block.pa);
                    }
                }
                let pa = block.pa;
                (block, code, pa)
            };
            if let Some((src, idx)) = pending_link.take() {
                if code != 0 {
                    self.link(src, idx, pa, code);
                }
            }
            let pre = self.lockstep.as_mut().map(|ls| ls.snapshot(hart));
            let (retired, trapped) = if code != 0 {
                let mut cx = JitCtx::new(hart, bus, &mut self.stats.helpers);
                // Chain through translations up to the budget (in
                // lockstep, which compares every call, up to the first
                // slice point). Past a slice point's check the budget may
                // be used up already: the code then stops at its first
                // slice point too.
                let allowance = if self.lockstep.is_some() {
                    1
                } else {
                    budget as i64 - executed as i64
                };
                cx.budget = allowance;
                cx.jc = self.jc.as_ptr() as u64;
                cx.jc_key = key;
                call_translation(code, hart, &mut cx);
                let n = cx.retired_since(allowance);
                if cx.link_src != u64::MAX {
                    pending_link = Some((cx.link_src, cx.link_idx as usize));
                }
                let trap = cx.trap.take();
                slice_point = trap.is_some() || cx.mid_slice == 0;
                let flush = cx.flush_all;
                self.stats.jit_calls += 1;
                self.stats.lookups += cx.lookups;
                self.stats.jit_insns += n;
                executed += n;
                if let Some(t) = trap {
                    hart.take_trap(t);
                }
                if flush {
                    self.fence_i();
                }
                (n, trap.is_some())
            } else {
                let mut n = 0u64;
                let mut trapped = false;
                let mut fence_i = false;
                // The pc of the last instruction run (for the slice rule).
                let mut last_pc = hart.pc;
                let block_va = hart.pc;
                for insn in block.insns.iter() {
                    last_pc = hart.pc;
                    match hart.exec(bus, insn) {
                        Ok(()) => {
                            hart.instret = hart.instret.wrapping_add(1);
                            n += 1;
                            fence_i |= insn.op == Op::FenceI;
                        }
                        Err(t) => {
                            hart.take_trap(t);
                            trapped = true;
                            break;
                        }
                    }
                }
                slice_point = trapped
                    || !block
                        .insns
                        .last()
                        .is_some_and(|i| i.continues_slice(last_pc, hart.pc));
                executed += n;
                self.stats.interp_insns += n;
                if fence_i {
                    self.fence_i();
                }
                self.count_run(&block, block_va, hart, bus);
                after_computed = !trapped && block.insns.last().is_some_and(computed_jump);
                (n, trapped)
            };
            if let Some(ls) = self.lockstep.as_mut() {
                let unit = Unit {
                    block: Some(&block),
                    jit: code != 0,
                    pre,
                    retired,
                    trapped,
                };
                if !ls.check_unit(hart, unit, &mut self.stats) {
                    self.halt();
                    break RunExit::Budget;
                }
            }
            if trapped && hart.trap_streak >= TRAP_STREAK_YIELD {
                break RunExit::Budget;
            }
        };
        self.send_queue();
        (exit, executed)
    }
}
