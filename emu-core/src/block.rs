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
use std::rc::{Rc, Weak};

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

/// A decoded block: a header and its instructions inline after it (one
/// allocation, so that running a block touches few cache lines). The
/// fields are in the order they are read.
#[repr(C)]
pub struct BlockOf<T: ?Sized> {
    /// Guest physical address of the first instruction.
    pub pa: u64,
    /// For a compiling engine: a cached (engine epoch, code) of its
    /// translation, or a marker of the last failed look (code 0).
    pub jit_code: Cell<(u64, usize)>,
    /// For a compiling engine: executions counted so far.
    pub jit_count: Cell<u32>,
    /// For a compiling engine: the block was seen to be entered by a
    /// computed jump (a switch table's case).
    pub jump_target: Cell<bool>,
    /// The successor slot the next new successor replaces.
    succ_victim: Cell<u8>,
    /// Not (or no longer) in the block cache (its code was written, or
    /// it is not cacheable): links and jump-cache entries to it are dead.
    dead: Cell<bool>,
    /// For a block of one instruction that straddles two pages: the
    /// physical page of its second half ([`NO_PAGE`] otherwise). Such a
    /// block is valid only while the second page maps there too.
    pub pa_hi: u64,
    /// The blocks seen to follow this one (see [`Succ`]), so that the
    /// next block is usually found in the one just run rather than in the
    /// jump cache (whose entries are rarely still in the host's caches
    /// when the guest runs cold code).
    succ: [Succ; 2],
    /// The instructions, in order.
    pub insns: T,
}

/// A decoded block (see [`BlockOf`]).
pub type Block = BlockOf<[Insn]>;

/// [`BlockOf::pa_hi`] of a block within one page.
pub const NO_PAGE: u64 = u64::MAX;

/// A successor link: the virtual pc it was made for and the block,
/// weakly (blocks link each other in cycles).
#[derive(Default)]
#[repr(C)]
struct Succ {
    pc: Cell<u64>,
    block: Cell<Option<Weak<Block>>>,
}

impl Succ {
    /// The linked block if the link is for `pc` and the block is live.
    #[inline(always)]
    fn get(&self, pc: u64) -> Option<Rc<Block>> {
        if self.pc.get() != pc {
            return None;
        }
        let w = self.block.take();
        let b = w.as_ref().and_then(Weak::upgrade);
        self.block.set(w);
        b.filter(|b| !b.dead.get())
    }
}

fn make<const N: usize>(pa: u64, pa_hi: u64, insns: &[Insn]) -> Rc<Block> {
    let insns: [Insn; N] = insns.try_into().expect("length checked by the caller");
    Rc::new(BlockOf {
        pa,
        jit_code: Cell::new((u64::MAX, 0)),
        jit_count: Cell::new(0),
        jump_target: Cell::new(false),
        succ_victim: Cell::new(0),
        dead: Cell::new(false),
        pa_hi,
        succ: Default::default(),
        insns,
    })
}

/// `make::<N>` for every block length up to [`MAX_BLOCK_INSNS`].
macro_rules! make_by_len {
    ($n:expr, $pa:expr, $hi:expr, $insns:expr; $($k:literal)*) => {
        match $n {
            $($k => make::<$k>($pa, $hi, $insns),)*
            _ => panic!("blocks hold 1 to {MAX_BLOCK_INSNS} instructions, not {}", $n),
        }
    };
}

impl Block {
    /// A block of `insns` (1 to [`MAX_BLOCK_INSNS`]) at physical address
    /// `pa` (`pa_hi`: see [`BlockOf::pa_hi`]).
    pub fn new(pa: u64, pa_hi: u64, insns: &[Insn]) -> Rc<Block> {
        make_by_len!(insns.len(), pa, pa_hi, insns;
            1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32
            33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60
            61 62 63 64)
    }

    /// The live successor linked for `pc`, if any.
    #[inline(always)]
    fn successor(&self, pc: u64) -> Option<Rc<Block>> {
        self.succ[0].get(pc).or_else(|| self.succ[1].get(pc))
    }

    /// Link `b` as this block's successor at `pc` (replacing the older
    /// of the two links).
    fn link(&self, pc: u64, b: &Rc<Block>) {
        let v = self.succ_victim.get() as usize & 1;
        self.succ_victim.set(v as u8 ^ 1);
        let s = &self.succ[v];
        s.pc.set(pc);
        s.block.set(Some(Rc::downgrade(b)));
    }
}

impl std::fmt::Debug for Block {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Block")
            .field("pa", &self.pa)
            .field("pa_hi", &self.pa_hi)
            .field("insns", &&self.insns)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
struct JumpEntry {
    pc: u64,
    prv: Priv,
    /// The block (used only while it is not dead).
    block: Option<Rc<Block>>,
}

/// Cache of decoded blocks.
pub struct BlockCache {
    map: PaMap<Rc<Block>>,
    by_page: PaMap<Vec<u64>>,
    jump: Box<[JumpEntry]>,
    /// Blocks decoded so far (statistics).
    pub decoded: u64,
    /// Position in RAM's code-write log up to which blocks were dropped.
    code_seen: u64,
    /// The block fetched last: the next fetch looks among its successors
    /// first, and links what it finds there.
    last: Option<Rc<Block>>,
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
                    block: None
                };
                JUMP_CACHE
            ]
            .into_boxed_slice(),
            decoded: 0,
            code_seen: 0,
            last: None,
        }
    }

    /// Drop every block.
    pub fn flush_all(&mut self) {
        for b in self.map.values() {
            b.dead.set(true);
        }
        self.map.clear();
        self.by_page.clear();
    }

    /// Drop the blocks that overlap the given physical pages.
    pub fn invalidate_pages(&mut self, pages: &[u64]) {
        for page in pages {
            if let Some(list) = self.by_page.remove(page) {
                for pa in list {
                    if let Some(b) = self.map.remove(&pa) {
                        b.dead.set(true);
                    }
                }
            }
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
        if e.pc == pc && e.prv == prv {
            e.block.as_ref().filter(|b| !b.dead.get())
        } else {
            None
        }
    }

    /// `b` is the block at `pc` that runs next: link it as a successor
    /// of the last one, and make it the last.
    #[inline(always)]
    fn set_last(&mut self, pc: u64, b: &Rc<Block>) {
        if let Some(l) = &self.last {
            l.link(pc, b);
        }
        self.last = Some(b.clone());
    }

    fn jump_insert(&mut self, pc: u64, prv: Priv, b: &Rc<Block>) {
        self.jump[jump_slot(pc)] = JumpEntry {
            pc,
            prv,
            block: Some(b.clone()),
        };
    }
}

impl Hart {
    /// The block at the current PC: a successor of the block fetched last,
    /// from the jump cache, the block cache, or freshly decoded. A fetch
    /// fault on the first instruction is returned as a trap.
    ///
    /// A linked or jump-cache block is used only while the fetch TLB still
    /// maps the pc's page to the block's physical page, so `sfence.vma` of
    /// one address needs to drop only TLB entries.
    #[inline(always)]
    pub fn fetch_block(&mut self, bus: &mut Bus) -> Result<Rc<Block>, Trap> {
        let pc = self.pc;
        if let Some(b) = self.blocks.last.as_ref().and_then(|l| l.successor(pc)) {
            if self.block_mapped(&b, pc) {
                self.blocks.last = Some(b.clone());
                return Ok(b);
            }
        }
        if let Some(b) = self.blocks.jump_lookup(pc, self.prv) {
            if self.block_mapped(b, pc) {
                let b = b.clone();
                self.blocks.set_last(pc, &b);
                return Ok(b);
            }
        }
        let b = self.fetch_block_slow(bus)?;
        self.blocks.set_last(pc, &b);
        Ok(b)
    }

    /// Does the fetch TLB map `pc` (and for a page-straddling block the
    /// page after it) to `b`'s pages?
    #[inline(always)]
    fn block_mapped(&self, b: &Block, pc: u64) -> bool {
        self.tlb.fetch_ppage(pc, self.fetch_tag()) == Some(b.pa & !0xfff)
            && (b.pa_hi == NO_PAGE
                || self.tlb.fetch_ppage(pc.wrapping_add(2), self.fetch_tag()) == Some(b.pa_hi))
    }

    #[inline(never)]
    fn fetch_block_slow(&mut self, bus: &mut Bus) -> Result<Rc<Block>, Trap> {
        let pc = self.pc;
        let p = self.translate(bus, pc, 2, Access::Fetch)?;
        if p.is_ram() {
            if let Some(b) = self.blocks.map.get(&p.pa).cloned() {
                // A straddling instruction's block holds while the second
                // page maps where it did (else it is decoded afresh).
                let hi_ok = b.pa_hi == NO_PAGE
                    || self
                        .translate(bus, pc.wrapping_add(2), 2, Access::Fetch)
                        .is_ok_and(|p2| p2.pa & !0xfff == b.pa_hi);
                if hi_ok {
                    self.blocks.jump_insert(pc, self.prv, &b);
                    return Ok(b);
                }
            }
        }
        let mut insns = Vec::with_capacity(16);
        let mut pages = vec![p.pa & !0xfff];
        let mut va = pc;
        let mut pa = p.pa;
        let mut cacheable = p.is_ram();
        let mut pa_hi = NO_PAGE;
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
                    // of its own: its meaning depends on two mappings, so
                    // the block records the second page too.
                    if !insns.is_empty() {
                        break;
                    }
                    match self.translate(bus, hi_va, 2, Access::Fetch) {
                        Ok(p2) => {
                            cacheable &= p2.is_ram();
                            pa_hi = p2.pa & !0xfff;
                            pages.push(pa_hi);
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
        let block = Block::new(p.pa, pa_hi, &insns);
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
            if let Some(old) = self.blocks.map.insert(p.pa, block.clone()) {
                // A straddling block whose second page maps elsewhere now.
                old.dead.set(true);
            }
            self.blocks.jump_insert(pc, self.prv, &block);
        } else {
            // Decoded afresh at every run: never found through a link.
            block.dead.set(true);
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

#[cfg(test)]
mod tests {
    use crate::machine::{Machine, RAM_BASE};
    use crate::mmu::sv39_test::{leaf, L0, VBASE};

    /// Two consecutive virtual pages.
    const V0: u64 = VBASE;
    const V1: u64 = V0 + 0x1000;
    /// Physical pages: the first half of the straddling instruction, and
    /// two candidates for its second half.
    const P0: u64 = RAM_BASE + 0x2_0000;
    const P1: u64 = RAM_BASE + 0x2_1000;
    const P2: u64 = RAM_BASE + 0x2_2000;

    /// An Sv39 machine in S-mode with V0 and V1 mapped to P0 and P1, and a
    /// loop `addi a0, a0, K; j -4` whose addi straddles the two pages (K
    /// is 1 in P1's half of it and 2 in P2's).
    fn machine() -> Machine {
        let mut m = crate::mmu::sv39_test::machine();
        m.bus.write(L0, 8, leaf(P0));
        m.bus.write(L0 + 8, 8, leaf(P1));
        // addi a0, a0, 1 = 0x00150513; addi a0, a0, 2 = 0x00250513
        m.bus.write(P0 + 0xffe, 2, 0x0513);
        for (p, hi) in [(P1, 0x0015), (P2, 0x0025)] {
            m.bus.write(p, 2, hi);
            m.bus.write(p + 2, 4, 0xffdf_f06f); // j -4
        }
        m.harts[0].pc = V0 + 0xffe;
        m
    }

    /// A block whose one instruction straddles two pages is decoded once
    /// and reused, and is decoded afresh when the second page maps
    /// elsewhere or its half is written.
    #[test]
    fn straddling_block_is_cached_while_both_pages_hold() {
        let mut m = machine();
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        h.run(bus, 2000);
        let a0 = h.x[10];
        assert!(a0 >= 900, "the loop ran {a0} times");
        assert!(h.blocks.decoded <= 3, "decoded {} blocks", h.blocks.decoded);

        // Map V1 to P2: the addi now adds 2.
        bus.write(L0 + 8, 8, leaf(P2));
        h.flush_tlb_va(V1);
        h.pc = V0 + 0xffe;
        h.x[10] = 0;
        h.run(bus, 200);
        let a0 = h.x[10];
        assert!(a0 >= 180 && a0 % 2 == 0, "a0 = {a0} after the remap");
        let decoded = h.blocks.decoded;

        // Patch the second half in P2 (through V1): addi a0, a0, 3.
        h.store(bus, V1, 2, 0x0035).unwrap();
        h.pc = V0 + 0xffe;
        h.x[10] = 0;
        h.run(bus, 200);
        let a0 = h.x[10];
        assert!(a0 >= 270 && a0 % 3 == 0, "a0 = {a0} after the patch");
        assert!(h.blocks.decoded <= decoded + 2);
    }

    /// Code outside RAM (no code-write tracking) is decoded afresh at
    /// every run, never reused through a successor link or the jump
    /// cache: a change to it shows at once.
    #[test]
    fn code_outside_ram_is_never_reused() {
        use crate::bus::MmioDevice;
        use crate::ram::Ram;
        struct Rom([u8; 8]);
        impl MmioDevice for Rom {
            fn name(&self) -> &str {
                "rom"
            }
            fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
                let bytes = self
                    .0
                    .get(offset as usize..(offset + size as u64) as usize)?;
                Some(bytes.iter().rev().fold(0, |v, &b| v << 8 | b as u64))
            }
            fn write(&mut self, offset: u64, size: u8, value: u64, _ram: &mut Ram) -> bool {
                for k in 0..size as u64 {
                    if let Some(b) = self.0.get_mut((offset + k) as usize) {
                        *b = (value >> (8 * k)) as u8;
                    }
                }
                true
            }
        }
        const ROM: u64 = 0x1000_0000;
        // Under Sv39 (whose TLB holds device pages too): V0 maps the
        // loop in RAM, V1 the ROM.
        let mut m = crate::mmu::sv39_test::machine();
        m.bus.write(L0, 8, leaf(P0));
        m.bus.write(L0 + 8, 8, leaf(ROM));
        // The ROM: addi a0, a0, 1; ret
        let mut rom = Rom([0; 8]);
        rom.0[..4].copy_from_slice(&0x0015_0513u32.to_le_bytes());
        rom.0[4..].copy_from_slice(&0x0000_8067u32.to_le_bytes());
        m.bus.add(ROM, 8, Box::new(rom)).unwrap();
        // V0: lui t0, 0x40001 (V1); loop: jalr ra, 0(t0); j loop
        for (k, w) in [0x4000_12b7u32, 0x0002_80e7, 0xffdf_f06f]
            .iter()
            .enumerate()
        {
            m.bus.write(P0 + 4 * k as u64, 4, *w as u64);
        }
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        h.pc = V0;
        h.run(bus, 400);
        assert!(h.x[10] >= 90, "a0 = {}", h.x[10]);
        // addi a0, a0, 2
        bus.write(ROM, 4, 0x0025_0513);
        h.x[10] = 0;
        h.pc = V0 + 4;
        h.run(bus, 400);
        let a0 = h.x[10];
        assert!(a0 >= 180 && a0 % 2 == 0, "a0 = {a0} after the ROM changed");
    }
}
