//! The decoded-block cache of tier 0.
//!
//! A block is a run of decoded instructions starting at a guest physical
//! address and ending at a control-flow or system instruction, a page
//! boundary, or a length cap. Blocks in RAM are cached by physical address
//! so hot code is never decoded twice; the RAM pages they come from are
//! marked so that a write (by a hart or a device) invalidates them. A small
//! direct-mapped jump cache maps (virtual PC, privilege) to a block so the
//! common case needs no translation and no hash lookup.

use crate::bus::Bus;
use crate::decode::decode;
use crate::hart::{Hart, Priv};
use crate::insn::Insn;
use crate::mmu::Access;
use crate::pamap::PaMap;
use crate::ram::CodeWrites;
use crate::trap::Trap;
use std::cell::Cell;
use std::rc::Rc;

/// Longest block, in instructions.
pub const MAX_BLOCK_INSNS: usize = 64;
/// Cached blocks beyond which the whole cache is dropped.
const MAX_BLOCKS: usize = 1 << 16;
/// Slots of the per-hart jump cache (pc to block).
const JUMP_CACHE: usize = 16384;

/// Slot of `pc` in a direct-mapped pc cache of `slots` entries (a power
/// of two): its halfword index with the bits above the table's reach
/// folded in, so that code a table's span apart (kernel functions, a
/// program and its libraries) does not land in the same slots. The
/// hart's jump cache and the JIT's use it.
#[inline(always)]
pub fn pc_slot(pc: u64, slots: usize) -> usize {
    (((pc >> 1) ^ (pc >> (1 + slots.trailing_zeros()))) as usize) & (slots - 1)
}

#[inline(always)]
fn jump_slot(pc: u64) -> usize {
    pc_slot(pc, JUMP_CACHE)
}

/// A decoded block.
#[derive(Debug)]
pub struct Block {
    /// Guest physical address of the first instruction.
    pub pa: u64,
    /// The instructions, in order.
    pub insns: Box<[Insn]>,
    /// For a compiling engine: executions counted so far.
    pub jit_count: Cell<u32>,
    /// For a compiling engine: a cached (engine epoch, code) of its
    /// translation, or a marker of the last failed look (code 0).
    pub jit_code: Cell<(u64, usize)>,
    /// For a compiling engine: the block was seen to be entered by a
    /// computed jump (a switch table's case).
    pub jump_target: Cell<bool>,
}

impl Block {
    /// A block of `insns` at physical address `pa`.
    pub fn new(pa: u64, insns: Box<[Insn]>) -> Self {
        Block {
            pa,
            insns,
            jit_count: Cell::new(0),
            jit_code: Cell::new((u64::MAX, 0)),
            jump_target: Cell::new(false),
        }
    }
}

#[derive(Clone)]
struct JumpEntry {
    pc: u64,
    prv: Priv,
    /// The cache's epoch when the entry was made (older entries are dead).
    epoch: u64,
    block: Option<Rc<Block>>,
}

/// Cache of decoded blocks.
pub struct BlockCache {
    map: PaMap<Rc<Block>>,
    by_page: PaMap<Vec<u64>>,
    jump: Box<[JumpEntry]>,
    /// Blocks decoded so far (statistics).
    pub decoded: u64,
    /// Bumped whenever the jump cache is flushed (see [`BlockCache::epoch`]).
    epoch: u64,
    /// Position in RAM's code-write log up to which blocks were dropped.
    code_seen: u64,
}

impl Default for BlockCache {
    fn default() -> Self {
        Self::new()
    }
}

impl BlockCache {
    /// An empty cache.
    pub fn new() -> Self {
        BlockCache {
            map: PaMap::default(),
            by_page: PaMap::default(),
            jump: vec![
                JumpEntry {
                    pc: u64::MAX,
                    prv: Priv::M,
                    epoch: 0,
                    block: None
                };
                JUMP_CACHE
            ]
            .into_boxed_slice(),
            decoded: 0,
            epoch: 0,
            code_seen: 0,
        }
    }

    /// Forget virtual-to-block mappings (after a translation change): a
    /// new epoch, in which the entries made before are dead.
    pub fn flush_jump_cache(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
    }

    /// Changes whenever the jump cache was flushed (code-page
    /// invalidation, a full flush of the blocks).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Drop every block.
    pub fn flush_all(&mut self) {
        self.map.clear();
        self.by_page.clear();
        self.flush_jump_cache();
    }

    /// Drop the blocks that overlap the given physical pages.
    pub fn invalidate_pages(&mut self, pages: &[u64]) {
        let mut any = false;
        for page in pages {
            if let Some(list) = self.by_page.remove(page) {
                for pa in list {
                    any |= self.map.remove(&pa).is_some();
                }
            }
        }
        if any {
            self.flush_jump_cache();
        }
    }

    /// The cached block at physical address `pa`, if any (current with
    /// respect to code writes up to the last sync).
    pub fn get(&self, pa: u64) -> Option<Rc<Block>> {
        self.map.get(&pa).cloned()
    }

    /// Physical addresses of the cached blocks that start in the page at
    /// `page` (page-aligned), in the order they were decoded.
    pub fn page_starts(&self, page: u64) -> &[u64] {
        self.by_page.get(&page).map_or(&[], |v| v.as_slice())
    }

    /// Number of cached blocks.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Is the cache empty?
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    #[inline(always)]
    fn jump_lookup(&self, pc: u64, prv: Priv) -> Option<&Rc<Block>> {
        let e = &self.jump[jump_slot(pc)];
        if e.pc == pc && e.prv == prv && e.epoch == self.epoch {
            e.block.as_ref()
        } else {
            None
        }
    }

    fn jump_insert(&mut self, pc: u64, prv: Priv, b: &Rc<Block>) {
        self.jump[jump_slot(pc)] = JumpEntry {
            pc,
            prv,
            epoch: self.epoch,
            block: Some(b.clone()),
        };
    }
}

impl Hart {
    /// The block at the current PC: from the jump cache, the block cache,
    /// or freshly decoded. A fetch fault on the first instruction is
    /// returned as a trap.
    ///
    /// A jump-cache entry is used only while the fetch TLB still maps the
    /// pc's page to the block's physical page, so `sfence.vma` of one
    /// address needs to drop only TLB entries.
    #[inline(always)]
    pub fn fetch_block(&mut self, bus: &mut Bus) -> Result<Rc<Block>, Trap> {
        if let Some(b) = self.blocks.jump_lookup(self.pc, self.prv) {
            if self.tlb.fetch_ppage(self.pc, self.prv) == Some(b.pa & !0xfff) {
                return Ok(b.clone());
            }
        }
        self.fetch_block_slow(bus)
    }

    #[inline(never)]
    fn fetch_block_slow(&mut self, bus: &mut Bus) -> Result<Rc<Block>, Trap> {
        let pc = self.pc;
        let p = self.translate(bus, pc, 2, Access::Fetch)?;
        if p.is_ram() {
            if let Some(b) = self.blocks.map.get(&p.pa).cloned() {
                self.blocks.jump_insert(pc, self.prv, &b);
                return Ok(b);
            }
        }
        let mut insns = Vec::with_capacity(16);
        let mut pages = vec![p.pa & !0xfff];
        let mut va = pc;
        let mut pa = p.pa;
        let mut cacheable = p.is_ram();
        loop {
            let Some(lo) = read_parcel(bus, pa) else {
                if insns.is_empty() {
                    return Err(Access::Fetch.access_fault(va));
                }
                break;
            };
            let raw = if lo & 3 == 3 {
                let hi_va = va.wrapping_add(2);
                let hi_pa = if hi_va & 0xfff == 0 {
                    // An instruction that straddles two pages is a block
                    // of its own, decoded afresh each time (its meaning
                    // depends on two mappings; a cached block is found
                    // by the physical address of its first page only).
                    if !insns.is_empty() {
                        break;
                    }
                    cacheable = false;
                    match self.translate(bus, hi_va, 2, Access::Fetch) {
                        Ok(p2) => {
                            pages.push(p2.pa & !0xfff);
                            p2.pa
                        }
                        Err(t) => {
                            if insns.is_empty() {
                                return Err(t);
                            }
                            break;
                        }
                    }
                } else {
                    pa + 2
                };
                let Some(hi) = read_parcel(bus, hi_pa) else {
                    if insns.is_empty() {
                        return Err(Access::Fetch.access_fault(hi_va));
                    }
                    break;
                };
                lo as u32 | (hi as u32) << 16
            } else {
                lo as u32
            };
            let insn = decode(raw);
            insns.push(insn);
            va = va.wrapping_add(insn.len as u64);
            pa = pa.wrapping_add(insn.len as u64);
            if insn.ends_block()
                || insns.len() >= MAX_BLOCK_INSNS
                || va & 0xfff == 0
                || pages.len() > 1
            {
                break;
            }
        }
        self.blocks.decoded += 1;
        let block = Rc::new(Block::new(p.pa, insns.into_boxed_slice()));
        if cacheable {
            if self.blocks.map.len() >= MAX_BLOCKS {
                self.blocks.flush_all();
            }
            for page in &pages {
                if let Some(off) = bus.ram.offset_of(*page, 1) {
                    bus.ram.mark_code(off);
                }
                self.blocks.by_page.entry(*page).or_default().push(p.pa);
            }
            self.blocks.map.insert(p.pa, block.clone());
            self.blocks.jump_insert(pc, self.prv, &block);
        }
        Ok(block)
    }

    /// Drop this hart's blocks whose RAM was written (by any hart or
    /// device) since the last check.
    #[inline(always)]
    pub fn sync_code_writes(&mut self, bus: &Bus) {
        if bus.ram.code_seq() != self.blocks.code_seen {
            let (w, seq) = bus.ram.code_writes_since(self.blocks.code_seen);
            match w {
                CodeWrites::Pages(pages) => self.blocks.invalidate_pages(&pages),
                CodeWrites::All => self.blocks.flush_all(),
            }
            self.blocks.code_seen = seq;
        }
    }
}

fn read_parcel(bus: &mut Bus, pa: u64) -> Option<u16> {
    match bus.ram.offset_of(pa, 2) {
        Some(off) => Some(bus.ram.read_u16(off)),
        None => bus.read(pa, 2).map(|v| v as u16),
    }
}
