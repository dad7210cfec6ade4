//! The run-time context of translated code and the `extern "C"` helpers it
//! calls for everything that is not translated inline.
//!
//! Helpers are ordinary safe Rust functions: they take `&mut Hart` and
//! `&mut JitCtx` (pointers at the machine level). The translated code
//! passes on the two pointers it was called with and never touches hart
//! memory while a helper runs (guest registers are written back before a
//! helper that reads them and reloaded after one that may write them), so
//! the references a helper sees are unique for the duration of the call.

use emu_core::bus::Bus;
use emu_core::hart::Hart;
use emu_core::insn::{Insn, Op};
use emu_core::mmu::tlb_fast_tag;
use emu_core::trap::Trap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Number of distinct [`Op`] values (for per-op counters).
pub const OP_COUNT: usize = 256;

/// Counters of helper calls made by translated code.
#[derive(Clone, Debug)]
pub struct HelperCounts {
    /// Calls of the load helper.
    pub loads: u64,
    /// Calls of the store helper.
    pub stores: u64,
    /// Calls of the FP arithmetic helper.
    pub fp: u64,
    /// Calls of the one-instruction interpreter helper, by [`Op`].
    pub exec_by_op: Box<[u64; OP_COUNT]>,
}

impl Default for HelperCounts {
    fn default() -> Self {
        HelperCounts {
            loads: 0,
            stores: 0,
            fp: 0,
            exec_by_op: Box::new([0; OP_COUNT]),
        }
    }
}

impl HelperCounts {
    /// Total calls of the interpreter helper.
    pub fn execs(&self) -> u64 {
        self.exec_by_op.iter().sum()
    }

    /// Add another set of counters to this one.
    pub fn merge(&mut self, o: &HelperCounts) {
        self.loads += o.loads;
        self.stores += o.stores;
        self.fp += o.fp;
        for (a, b) in self.exec_by_op.iter_mut().zip(o.exec_by_op.iter()) {
            *a += *b;
        }
    }
}

/// What translated code gets as its second argument.
///
/// The words first are read by translated code (offsets `CTX_*`).
#[repr(C)]
pub struct JitCtx<'a> {
    /// The value the load helper produced; the value translated code
    /// passes the store helper.
    pub val: u64,
    /// The virtual address translated code passes the load and store
    /// helpers. (Guest values go to helpers through the context, not in
    /// argument registers: a value pinned to an argument register at a
    /// call, even on a cold path, makes Cranelift's register allocator
    /// spill it across the whole translation.)
    pub va: u64,
    /// The access size (bytes) translated code passes the load and store
    /// helpers (in the context, like `va`: an argument register would
    /// be one more fixed register at every slow path).
    pub size: u64,
    /// [`emu_core::mmu::Tlb::entries_addr`] of the hart.
    pub tlb: u64,
    /// The page memos of the running translation: per memo the tag of
    /// the last page an access through its base register hit and that
    /// page's host addend. Only one translation runs at a time (they
    /// enter each other by tail calls), and each sets its memos at entry,
    /// so they share this space. In the context rather than the stack
    /// frame: an xor with a context word is one instruction, with a frame
    /// slot Cranelift makes it two.
    pub memos: [u64; 2 * MEMO_SLOTS],
    /// The translation tag loads and stores use (privilege and ASID,
    /// [`emu_core::hart::Hart::data_tag_prv`]), shifted into its place in
    /// [`emu_core::mmu::tlb_fast_tag`]; kept current by the helpers.
    pub data_tag: u64,
    /// The same for fetches ([`emu_core::hart::Hart::fetch_tag`]: the
    /// privilege and the ASID), which the chaining stubs compare with the
    /// fetch TLB.
    pub fetch_tag: u64,
    /// Non-zero while the hart holds an LR reservation (inline stores then
    /// take the helper, which breaks it), kept current by the helpers.
    pub reserved: u64,
    /// The machine's bus.
    pub bus: &'a mut Bus,
    /// A trap raised by a helper; the engine takes it after the
    /// translation returns (the hart's pc and instret then point at the
    /// faulting instruction).
    pub trap: Option<Trap>,
    /// Set by `fence.i`: every translation must be dropped.
    pub flush_all: bool,
    /// Helper-call counters.
    pub counts: &'a mut HelperCounts,
    /// Chain budget: instructions translated code may still retire before
    /// it must return to the engine. Every exit subtracts what its block
    /// retired; one that ends a slice (all but forward direct transfers,
    /// see `Insn::continues_slice`) jumps on to the next translation only
    /// while this is positive: the one word checked for interrupts,
    /// budget and code writes (helpers that make the engine's attention
    /// necessary push it below zero, see [`stop_chain`]).
    pub budget: i64,
    /// The engine's jump cache ([`JcEntry`] array of [`JC_SLOTS`]).
    pub jc: u64,
    /// [`jc_key`] of the running hart (entries for other harts or
    /// privileges do not match).
    pub jc_key: u64,
    /// What [`stop_chain`] took off `budget` (not retired instructions).
    pub bias: i64,
    /// A direct exit found its link slot empty and the target not in the
    /// jump cache: physical address of the exiting block (`u64::MAX` if
    /// none) and the slot's index, for the engine to fill the slot.
    pub link_src: u64,
    /// See [`JitCtx::link_src`].
    pub link_idx: u64,
    /// Non-zero when the code returned after a forward direct transfer
    /// (its target not found): no slice point, so the engine goes on
    /// without looking at interrupts, code writes or the budget.
    pub mid_slice: u64,
    /// RAM's code-write log position when the engine last synced.
    pub code_seq: u64,
    /// The status the last helper returned, stored by the helper thunks
    /// (see [`crate::worker::helper_thunks`]).
    pub status: u64,
    /// Exits that went through the lookup stub (indirect jumps, and
    /// exits without a link slot), counted by the stub.
    pub lookups: u64,
}

/// One entry of the engine's jump cache: guest pc and [`jc_key`] to the
/// translation's entry. Read by translated code at every chained exit.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct JcEntry {
    /// Virtual pc (`u64::MAX`, never a pc, when empty).
    pub pc: u64,
    /// [`jc_key`] the entry is valid for.
    pub key: u64,
    /// The translation.
    pub code: u64,
    /// The fetch TLB's host addend for the pc's page when the entry was
    /// made: the entry is used only while the fetch TLB still holds this
    /// translation (so `sfence.vma` of one page needs no flush here).
    pub addend: u64,
    /// Physical address of the translated block.
    pub pa: u64,
    /// Pads the entry to 64 bytes: translated code scales the index with
    /// a shift.
    _pad: [u64; 3],
}

impl JcEntry {
    /// An entry.
    pub fn new(pc: u64, key: u64, code: u64, addend: u64, pa: u64) -> Self {
        JcEntry {
            pc,
            key,
            code,
            addend,
            pa,
            _pad: [0; 3],
        }
    }

    /// The empty entry.
    pub const EMPTY: JcEntry = JcEntry {
        pc: u64::MAX,
        key: 0,
        code: 0,
        addend: 0,
        pa: u64::MAX,
        _pad: [0; 3],
    };
}

/// A direct exit's link to the translation of its target, or an exit's
/// cache of the translation it went to last.
///
/// - A link: the target is in the same guest page as the exiting block,
///   so its physical address is fixed, and once the translation at that
///   address is known the exit jumps straight to it.
/// - A cache: the exit is a direct jump to another page, so its target's
///   physical address depends on the mapping. The link stub of caches fills the
///   slot from the jump cache with the translation, its guest pc and the
///   fetch TLB's addend for that page; the exit uses it while its pc is
///   that pc and the fetch TLB still maps the page so.
///
/// Slots are owned by their block's translation; the engine clears every
/// slot whose target translation goes away.
#[derive(Debug)]
#[repr(C)]
pub struct LinkSlot {
    /// Entry of the target's translation, 0 while unknown.
    pub code: AtomicU64,
    /// Physical address of the target: set by the translator for a link,
    /// by the stub when it fills a cache (`u64::MAX` while empty).
    pub target_pa: AtomicU64,
    /// Physical address of the translation that owns the slot, and the
    /// slot's index there (set by the translator; the link stub hands
    /// them to the engine).
    pub src_pa: u64,
    /// See [`LinkSlot::src_pa`].
    pub idx: u64,
    /// 1 if the exit is a forward transfer (no slice point), else 0 (set
    /// by the translator; the link stub hands it to the engine in
    /// [`JitCtx::mid_slice`]).
    pub fwd: u64,
    /// A cache's guest pc (`u64::MAX`, never a pc, while empty or after
    /// the engine cleared it).
    pub pc: AtomicU64,
    /// A cache's fetch TLB host addend for the page of
    /// [`LinkSlot::pc`] when it was filled.
    pub addend: AtomicU64,
}

impl Default for LinkSlot {
    fn default() -> Self {
        LinkSlot {
            code: AtomicU64::new(0),
            target_pa: AtomicU64::new(u64::MAX),
            src_pa: 0,
            idx: 0,
            fwd: 0,
            pc: AtomicU64::new(u64::MAX),
            addend: AtomicU64::new(0),
        }
    }
}

impl LinkSlot {
    /// Empty the slot (its target translation went away).
    pub fn clear(&self) {
        self.code.store(0, Ordering::Relaxed);
        self.pc.store(u64::MAX, Ordering::Relaxed);
    }
}

/// Link slots per guest block of a translation: `LINKS * k` for a taken
/// branch or `jal` of block `k`, `LINKS * k + 1` for its fall-through.
pub const LINKS: usize = 2;
/// Offset of [`LinkSlot::code`].
pub const LINK_CODE: usize = std::mem::offset_of!(LinkSlot, code);
/// Offset of [`LinkSlot::target_pa`].
pub const LINK_TARGET_PA: usize = std::mem::offset_of!(LinkSlot, target_pa);
/// Offset of [`LinkSlot::src_pa`].
pub const LINK_SRC_PA: usize = std::mem::offset_of!(LinkSlot, src_pa);
/// Offset of [`LinkSlot::idx`].
pub const LINK_IDX: usize = std::mem::offset_of!(LinkSlot, idx);
/// Offset of [`LinkSlot::fwd`].
pub const LINK_FWD: usize = std::mem::offset_of!(LinkSlot, fwd);
/// Offset of [`LinkSlot::pc`].
pub const LINK_PC: usize = std::mem::offset_of!(LinkSlot, pc);
/// Offset of [`LinkSlot::addend`].
pub const LINK_ADDEND: usize = std::mem::offset_of!(LinkSlot, addend);
/// Size of a [`LinkSlot`].
pub const LINK_BYTES: usize = std::mem::size_of::<LinkSlot>();

/// The link slots of one translation.
pub type Links = Box<[LinkSlot]>;

/// Fresh, unlinked slots for a translation of `blocks` guest blocks.
pub fn new_links(blocks: usize) -> Links {
    (0..LINKS * blocks).map(|_| LinkSlot::default()).collect()
}

/// Entries in the jump cache.
pub const JC_SLOTS: usize = 16384;
/// Size of a [`JcEntry`].
pub const JC_ENTRY_BYTES: usize = std::mem::size_of::<JcEntry>();
const _: () = assert!(JC_ENTRY_BYTES.is_power_of_two());
/// Offset of [`JcEntry::pc`].
pub const JC_ENTRY_PC: usize = std::mem::offset_of!(JcEntry, pc);
/// Offset of [`JcEntry::key`].
pub const JC_ENTRY_KEY: usize = std::mem::offset_of!(JcEntry, key);
/// Offset of [`JcEntry::code`].
pub const JC_ENTRY_CODE: usize = std::mem::offset_of!(JcEntry, code);
/// Offset of [`JcEntry::pa`].
pub const JC_ENTRY_PA: usize = std::mem::offset_of!(JcEntry, pa);
/// Offset of [`JcEntry::addend`].
pub const JC_ENTRY_ADDEND: usize = std::mem::offset_of!(JcEntry, addend);

/// How far [`jc_index`] shifts the pc a second time to fold its higher
/// bits in.
pub const JC_FOLD: u32 = 1 + JC_SLOTS.trailing_zeros();

/// Jump-cache slot of a pc (`emu_core::block::pc_slot`; translated code
/// computes the same with [`JC_FOLD`]).
#[inline(always)]
pub fn jc_index(pc: u64) -> usize {
    emu_core::block::pc_slot(pc, JC_SLOTS)
}

/// The jump-cache key of a hart now: hart id and privilege.
///
/// No epoch: an entry stays valid across TLB flushes and address-space
/// switches because every use checks it against the fetch TLB (same page,
/// same host addend, so the same physical code), and the engine empties
/// the cache whenever translations are dropped. Kernel code, mapped alike
/// in every address space, keeps its entries across context switches.
#[inline(always)]
pub fn jc_key(h: &Hart) -> u64 {
    ((h.hartid & 0xffff) << 8) | h.prv as u64
}

/// What [`stop_chain`] subtracts from the budget.
const STOP: i64 = 1 << 40;

/// Make translated code return to the engine at its next slice point: an
/// interrupt became pending, code was written, or the like.
#[inline]
pub fn stop_chain(cx: &mut JitCtx<'_>) {
    cx.budget -= STOP;
    cx.bias += STOP;
}

/// After a helper changed machine state: stop chaining if the engine has
/// work to do at the next slice point (an interrupt to take, written
/// code pages to drop).
#[inline]
fn check_attention(h: &Hart, cx: &mut JitCtx<'_>) {
    if cx.bus.ram.code_seq() != cx.code_seq || h.pending_interrupt().is_some() {
        stop_chain(cx);
    }
}

impl<'a> JitCtx<'a> {
    /// A context for one call of translated code on `hart`.
    pub fn new(hart: &Hart, bus: &'a mut Bus, counts: &'a mut HelperCounts) -> Self {
        let code_seq = bus.ram.code_seq();
        JitCtx {
            val: 0,
            va: 0,
            size: 0,
            memos: [0; 2 * MEMO_SLOTS],
            tlb: hart.tlb.entries_addr() as u64,
            data_tag: data_tag(hart),
            fetch_tag: fetch_tag(hart),
            reserved: hart.reservation.is_some() as u64,
            bus,
            trap: None,
            flush_all: false,
            counts,
            budget: 1,
            jc: 0,
            jc_key: 0,
            bias: 0,
            link_src: u64::MAX,
            link_idx: 0,
            mid_slice: 0,
            code_seq,
            status: 0,
            lookups: 0,
        }
    }

    /// Instructions retired by translated code since `budget` was set to
    /// `start`.
    pub fn retired_since(&self, start: i64) -> u64 {
        (start - self.budget - self.bias) as u64
    }
}

/// Byte offset of [`JitCtx::val`].
pub const CTX_VAL_OFFSET: i32 = std::mem::offset_of!(JitCtx<'static>, val) as i32;
/// Byte offset of [`JitCtx::va`].
pub const CTX_VA: i32 = std::mem::offset_of!(JitCtx<'static>, va) as i32;
/// Byte offset of [`JitCtx::size`].
pub const CTX_SIZE: i32 = std::mem::offset_of!(JitCtx<'static>, size) as i32;
/// Page memos in [`JitCtx::memos`]: a translation with more candidates
/// (base registers and access kinds) keeps memos for the most used. Few
/// translations need more; the context is built (and zeroed) at every
/// entry from the engine, so it stays small.
pub const MEMO_SLOTS: usize = 16;
/// Byte offset of [`JitCtx::memos`].
pub const CTX_MEMOS: i32 = std::mem::offset_of!(JitCtx<'static>, memos) as i32;
/// Byte offset of [`JitCtx::tlb`].
pub const CTX_TLB: i32 = std::mem::offset_of!(JitCtx<'static>, tlb) as i32;
/// Byte offset of [`JitCtx::data_tag`].
pub const CTX_DATA_TAG: i32 = std::mem::offset_of!(JitCtx<'static>, data_tag) as i32;
/// Byte offset of [`JitCtx::fetch_tag`].
pub const CTX_FETCH_TAG: i32 = std::mem::offset_of!(JitCtx<'static>, fetch_tag) as i32;

/// The translation-tag bits (privilege and ASID) of
/// [`emu_core::mmu::tlb_fast_tag`] for the hart's loads and stores.
fn data_tag(h: &Hart) -> u64 {
    tlb_fast_tag(0, 1, h.data_tag_prv())
}

/// The same for the hart's fetches.
fn fetch_tag(h: &Hart) -> u64 {
    tlb_fast_tag(0, 1, h.fetch_tag())
}
/// Byte offset of [`JitCtx::reserved`].
pub const CTX_RESERVED: i32 = std::mem::offset_of!(JitCtx<'static>, reserved) as i32;
/// Byte offset of [`JitCtx::budget`].
pub const CTX_BUDGET: i32 = std::mem::offset_of!(JitCtx<'static>, budget) as i32;
/// Byte offset of [`JitCtx::jc`].
pub const CTX_JC: i32 = std::mem::offset_of!(JitCtx<'static>, jc) as i32;
/// Byte offset of [`JitCtx::link_src`].
pub const CTX_LINK_SRC: i32 = std::mem::offset_of!(JitCtx<'static>, link_src) as i32;
/// Byte offset of [`JitCtx::link_idx`].
pub const CTX_LINK_IDX: i32 = std::mem::offset_of!(JitCtx<'static>, link_idx) as i32;
/// Byte offset of [`JitCtx::mid_slice`].
pub const CTX_MID_SLICE: i32 = std::mem::offset_of!(JitCtx<'static>, mid_slice) as i32;
/// Byte offset of [`JitCtx::status`].
pub const CTX_STATUS: i32 = std::mem::offset_of!(JitCtx<'static>, status) as i32;
/// Byte offset of [`JitCtx::lookups`].
pub const CTX_LOOKUPS: i32 = std::mem::offset_of!(JitCtx<'static>, lookups) as i32;
/// Byte offset of [`JitCtx::jc_key`].
pub const CTX_JC_KEY: i32 = std::mem::offset_of!(JitCtx<'static>, jc_key) as i32;

/// Load `cx.size` bytes at virtual `cx.va` (zero-extended) into
/// `cx.val`. Returns 0, or 1 with the trap stored in `cx.trap`.
pub extern "C" fn load(h: &mut Hart, cx: &mut JitCtx<'_>) -> u32 {
    cx.counts.loads += 1;
    match h.load(cx.bus, cx.va, access_size(cx)) {
        Ok(v) => {
            cx.val = v;
            // A device read may raise an interrupt.
            if h.pending_interrupt().is_some() {
                stop_chain(cx);
            }
            0
        }
        Err(t) => {
            cx.trap = Some(t);
            1
        }
    }
}

/// The access size translated code stored in `cx.size` (1, 2, 4 or 8).
fn access_size(cx: &JitCtx<'_>) -> u8 {
    match cx.size {
        1 | 2 | 4 => cx.size as u8,
        _ => 8,
    }
}

/// Store the low `cx.size` bytes of `cx.val` at virtual `cx.va`.
/// Returns 0, or 1 with the trap stored in `cx.trap`.
pub extern "C" fn store(h: &mut Hart, cx: &mut JitCtx<'_>) -> u32 {
    cx.counts.stores += 1;
    let r = h.store(cx.bus, cx.va, access_size(cx), cx.val);
    cx.reserved = h.reservation.is_some() as u64;
    match r {
        Ok(()) => {
            check_attention(h, cx);
            0
        }
        Err(t) => {
            cx.trap = Some(t);
            1
        }
    }
}

/// An F/D instruction other than a load or store ([`Hart::fp_op`]): FP
/// registers, `fflags` and mstatus.FS updated, an integer result in the
/// hart's register file. The caller has written back the integer source
/// register it reads; pc and `instret` are the caller's business (the
/// instruction cannot trap once it runs). On a trap (FP off, reserved
/// rounding mode) nothing changed and the trap is stored in `cx.trap`.
pub extern "C" fn fp(h: &mut Hart, cx: &mut JitCtx<'_>, insn: &Insn) -> u32 {
    cx.counts.fp += 1;
    match h.fp_op(insn) {
        Ok(()) => 0,
        Err(t) => {
            cx.trap = Some(t);
            1
        }
    }
}

/// Execute one instruction with the interpreter, exactly as `Hart::run`
/// does: on success the pc has moved on and `instret` counts it; on a trap
/// nothing changed and the trap is stored in `cx.trap`. The caller has
/// written back the guest registers and stored the instruction's pc and
/// the instret of the instructions before it.
pub extern "C" fn exec(h: &mut Hart, cx: &mut JitCtx<'_>, insn: &Insn) -> u32 {
    cx.counts.exec_by_op[insn.op as u8 as usize] += 1;
    let r = h.exec(cx.bus, insn);
    cx.reserved = h.reservation.is_some() as u64;
    cx.data_tag = data_tag(h);
    cx.fetch_tag = fetch_tag(h);
    match r {
        Ok(()) => {
            h.instret = h.instret.wrapping_add(1);
            if insn.op == Op::FenceI {
                cx.flush_all = true;
            }
            if insn.ends_block() {
                // Translated code chains on from here through the jump
                // cache: with the privilege this instruction left, and not
                // past anything the engine has to handle first.
                cx.jc_key = jc_key(h);
                if h.wfi || cx.flush_all {
                    stop_chain(cx);
                }
            }
            check_attention(h, cx);
            0
        }
        Err(t) => {
            cx.trap = Some(t);
            1
        }
    }
}
