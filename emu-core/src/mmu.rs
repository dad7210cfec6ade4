//! Address translation (Sv39/Sv48/Sv57 with superpages, A/D update by the
//! walker, SUM/MXR, PMP) and the per-hart TLBs, plus the load/store paths
//! of the hart.
//!
//! The TLB is direct-mapped, one array per access type. An entry is filled
//! only after the walk and the PMP check both passed for the whole page at
//! the privilege it was filled for (the privilege is part of the tag), so
//! a hit needs no further checks. Stores fill only from PTEs with D set.

use crate::bus::Bus;
use crate::csr::mstatus;
use crate::hart::{Hart, Priv};
use crate::pmp::{self, PmpResult};
use crate::trap::{cause, Trap};

/// Entries in each TLB array.
pub const TLB_SIZE: usize = 4096;
/// RAM offset marker for pages that are not RAM.
pub const NOT_RAM: u64 = u64::MAX;

/// Kind of memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Instruction fetch.
    Fetch = 0,
    /// Load (and LR).
    Load = 1,
    /// Store, SC and AMO.
    Store = 2,
}

impl Access {
    fn page_fault(self, va: u64) -> Trap {
        Trap::new(
            match self {
                Access::Fetch => cause::INSN_PAGE,
                Access::Load => cause::LOAD_PAGE,
                Access::Store => cause::STORE_PAGE,
            },
            va,
        )
    }

    /// The access-fault trap for this access at `va`.
    pub fn access_fault(self, va: u64) -> Trap {
        Trap::new(
            match self {
                Access::Fetch => cause::INSN_ACCESS,
                Access::Load => cause::LOAD_ACCESS,
                Access::Store => cause::STORE_ACCESS,
            },
            va,
        )
    }

    fn pmp_perm(self) -> u8 {
        match self {
            Access::Fetch => pmp::X,
            Access::Load => pmp::R,
            Access::Store => pmp::W,
        }
    }
}

/// One TLB entry. `#[repr(C)]`: translated code probes the TLB inline
/// (see [`Tlb::entries_addr`] and the `TLB_ENTRY_*` constants).
#[derive(Clone, Copy, Debug)]
#[repr(C)]
struct Entry {
    /// `(vpn << TAG_BITS) | tp` (see [`tlb_fast_tag`]), or `u64::MAX`
    /// when empty.
    tag: u64,
    /// Physical page address.
    ppage: u64,
    /// RAM offset of the page, or `NOT_RAM`.
    ram_off: u64,
    /// For translated code: [`tlb_fast_tag`] of the page if it is RAM,
    /// `u64::MAX` (never matched) otherwise.
    fast: u64,
    /// For translated code: host address of a byte of the page minus its
    /// virtual address.
    addend: u64,
    /// log2 of the size of the leaf mapping the entry came from (12 for a
    /// 4 KiB page, 21/30/... for superpages), for `sfence.vma` of one
    /// address.
    span: u32,
    /// Non-zero if the mapping is global (G set in its leaf PTE): valid
    /// in every address space, so a miss under another ASID takes it
    /// over instead of walking again (see [`Tlb::take_global`]).
    global: u32,
    /// For translated code's inline stores to a RAM page: host address of
    /// the code-bitmap word of the page and the page's bit in it (see
    /// [`crate::ram::Ram::code_bit`]); 0 otherwise. Also pads the entry to 64 bytes:
    /// translated code scales the index with a shift.
    code_word: u64,
    /// See [`Entry::code_word`].
    code_bit: u64,
}

impl Entry {
    /// Does this entry translate `va` (its page, or its superpage)?
    #[inline(always)]
    fn covers(&self, va: u64) -> bool {
        self.tag != u64::MAX && (self.vpage() ^ va) >> self.span == 0
    }

    /// The virtual page whose access filled this entry.
    #[inline(always)]
    fn vpage(&self) -> u64 {
        (self.tag >> TAG_BITS) << 12
    }

    /// Is this a global entry for tag `tag` under another ASID?
    #[inline(always)]
    fn global_for(&self, tag: u64) -> bool {
        self.global != 0 && self.tag != u64::MAX && (self.tag ^ tag) & !TAG_ASID == 0
    }

    /// Make this (global) entry the one for tag `tag`.
    fn retag(&mut self, tag: u64) {
        self.tag = tag;
        if self.fast != u64::MAX {
            self.fast = tlb_fast_tag(self.vpage(), 1, tag & ((1 << TAG_BITS) - 1));
        }
    }

    /// Where `va`, in this entry's page, is.
    #[inline(always)]
    fn phys(&self, va: u64) -> Phys {
        let off = va & 0xfff;
        Phys {
            pa: self.ppage | off,
            ram_off: if self.ram_off == NOT_RAM {
                NOT_RAM
            } else {
                self.ram_off + off
            },
        }
    }
}

const EMPTY: Entry = Entry {
    tag: u64::MAX,
    ppage: 0,
    ram_off: NOT_RAM,
    fast: u64::MAX,
    addend: 0,
    span: 12,
    global: 0,
    code_word: 0,
    code_bit: 0,
};

/// Entries of each victim cache (see [`Tlb`]).
const VICTIMS: usize = 8;

/// Superpages the TLB keeps track of (see `Tlb::big_regions`).
const BIG_REGIONS: usize = 32;

/// Slots of the PMP result cache (32 KiB per hart). Every TLB refill
/// checks the PMP for the page-table entries it reads and for the page
/// itself; with 64 slots a kernel that switches address spaces (a pipe
/// between two processes) kept missing, and the PMP scan took a tenth of
/// its run. The cache is emptied only when PMP CSRs change.
const PMP_CACHE: usize = 4096;

/// The tag translated code compares with [`TLB_ENTRY_FAST`] for an access
/// at `va` of `size` bytes (a power of two up to 8) with translation tag
/// `tp` ([`Hart::fetch_tag`], [`Hart::data_tag_prv`]: privilege and
/// ASID): the page's virtual address, the access's misalignment bits (so
/// a misaligned access never matches and takes the slow path) and `tp`
/// in bits 3–11.
#[inline(always)]
pub fn tlb_fast_tag(va: u64, size: u64, tp: u64) -> u64 {
    (va & (!0xfff | (size - 1))) | (tp << 3)
}

/// Bits of an entry's tag below the virtual page number: the translation
/// tag (privilege in bits 0–1, ASID in bits 2–8).
const TAG_BITS: u32 = 9;
/// The translation-tag bits that hold the ASID.
const TAG_ASID: u64 = ((1 << TAG_BITS) - 1) & !3;

/// Offset of the code-bitmap word address for inline stores in an entry.
pub const TLB_ENTRY_CODE_WORD: usize = std::mem::offset_of!(Entry, code_word);
/// Offset of the page's bit in that word.
pub const TLB_ENTRY_CODE_BIT: usize = std::mem::offset_of!(Entry, code_bit);
/// Size of a TLB entry in bytes.
pub const TLB_ENTRY_BYTES: usize = std::mem::size_of::<Entry>();
const _: () = assert!(TLB_ENTRY_BYTES.is_power_of_two());
/// Offset of the tag (`(vpn << 2) | privilege`) in an entry.
pub const TLB_ENTRY_TAG: usize = std::mem::offset_of!(Entry, tag);
/// Offset of the fast tag ([`tlb_fast_tag`] of the page) in an entry.
pub const TLB_ENTRY_FAST: usize = std::mem::offset_of!(Entry, fast);
/// Offset of the host addend (host address = virtual address + addend) in
/// an entry.
pub const TLB_ENTRY_ADDEND: usize = std::mem::offset_of!(Entry, addend);

/// The slot of virtual page number `vpn` in each TLB array.
#[inline(always)]
fn slot_of(vpn: u64) -> usize {
    (vpn as usize) & (TLB_SIZE - 1)
}

/// Index in [`Tlb`]'s entries of slot `slot` of access type `a`.
#[inline(always)]
fn at(a: usize, slot: usize) -> usize {
    a * TLB_SIZE + slot
}

/// The per-hart translation caches.
pub struct Tlb {
    /// The entries, `TLB_SIZE` per access type (in [`Access`] order).
    e: Box<[Entry]>,
    /// Entries evicted from `e` by a conflicting page, per access type
    /// (a small fully associative victim cache: two hot pages that share
    /// a slot then cost a swap, not a page walk).
    victims: Box<[[Entry; VICTIMS]; 3]>,
    /// Where the next eviction goes in `victims`, per access type.
    victim_next: [usize; 3],
    /// Per access type, a bit per slot of `e` whose entry came from a
    /// superpage (`sfence.vma` of one address looks at those slots, the
    /// address's own slot and the victims, not at every entry).
    big: [[u64; TLB_SIZE / 64]; 3],
    /// Per access type, a bit per slot of `e` that may hold an entry:
    /// a full flush empties only those slots, so its cost follows the
    /// pages used since the last one, not the size of the TLB.
    filled: [[u64; TLB_SIZE / 64]; 3],
    /// The superpages (virtual base, span) that entries in `e` came from
    /// since the last full flush, up to [`BIG_REGIONS`] (`None` beyond):
    /// `sfence.vma` of an address outside all of them skips the marked
    /// slots.
    big_regions: Option<Vec<(u64, u32)>>,
    /// Pages whose PMP check gave `AllowPage`, as `page | perm << 2 |
    /// privilege` (`u64::MAX` when empty); emptied when PMP CSRs change.
    pmp: Box<[u64; PMP_CACHE]>,
}

impl Default for Tlb {
    fn default() -> Self {
        Self::new()
    }
}

impl Tlb {
    /// Empty TLBs.
    pub fn new() -> Self {
        Tlb {
            e: vec![EMPTY; 3 * TLB_SIZE].into_boxed_slice(),
            victims: Box::new([[EMPTY; VICTIMS]; 3]),
            victim_next: [0; 3],
            big: [[0; TLB_SIZE / 64]; 3],
            filled: [[0; TLB_SIZE / 64]; 3],
            big_regions: Some(Vec::new()),
            pmp: Box::new([u64::MAX; PMP_CACHE]),
        }
    }

    /// Address of the entries, `TLB_SIZE` per access type in [`Access`]
    /// order, each indexed by `vpn % TLB_SIZE`, for translated code's inline
    /// TLB probe. The array never moves while the `Tlb` lives. A hit (tag
    /// equal, RAM offset not [`NOT_RAM`]) means the whole page is RAM at
    /// that offset and the access is permitted, exactly as for
    /// [`Hart::translate`].
    pub fn entries_addr(&self) -> usize {
        self.e.as_ptr() as usize
    }

    /// Call `f` on every entry that may be filled: those of the slots
    /// marked in `filled`, and the victims.
    fn each_filled(&mut self, mut f: impl FnMut(&mut Entry)) {
        for (set, filled) in self.e.chunks_mut(TLB_SIZE).zip(self.filled.iter()) {
            for (w, &word) in filled.iter().enumerate() {
                let mut bits = word;
                while bits != 0 {
                    f(&mut set[w * 64 + bits.trailing_zeros() as usize]);
                    bits &= bits - 1;
                }
            }
        }
        self.victims.iter_mut().flatten().for_each(f);
    }

    /// Drop every entry.
    pub fn flush(&mut self) {
        self.each_filled(|e| *e = EMPTY);
        self.filled = [[0; TLB_SIZE / 64]; 3];
        self.big = [[0; TLB_SIZE / 64]; 3];
        self.big_regions = Some(Vec::new());
    }

    /// Drop the entries of address space `asid` that are not global (the
    /// slots stay marked as filled, the superpage marks as they are: both
    /// only make later flushes look at more slots).
    pub fn flush_asid(&mut self, asid: u64) {
        self.each_filled(|e| {
            if e.tag != u64::MAX && e.global == 0 && (e.tag & TAG_ASID) >> 2 == asid {
                *e = EMPTY;
            }
        });
    }

    /// Record that slot `slot` of `acc`'s TLB was just filled: for the
    /// next full flush, and whether it now holds a superpage entry.
    fn note_fill(&mut self, a: usize, slot: usize) {
        let bit = 1u64 << (slot % 64);
        self.filled[a][slot / 64] |= bit;
        let e = &self.e[at(a, slot)];
        if e.span > 12 {
            let region = (e.vpage() & !((1u64 << e.span) - 1), e.span);
            if let Some(list) = &mut self.big_regions {
                if !list.contains(&region) {
                    if list.len() < BIG_REGIONS {
                        list.push(region);
                    } else {
                        self.big_regions = None;
                    }
                }
            }
            self.big[a][slot / 64] |= bit;
        } else {
            self.big[a][slot / 64] &= !bit;
        }
    }

    /// Drop the entries that translate virtual address `va`: those of its
    /// page and those that came from a superpage containing it.
    pub fn flush_va(&mut self, va: u64) {
        let own = slot_of(va >> 12);
        let in_big = self
            .big_regions
            .as_ref()
            .is_none_or(|l| l.iter().any(|&(base, span)| (va ^ base) >> span == 0));
        for a in 0..3 {
            for w in 0..TLB_SIZE / 64 {
                let mut bits = if in_big { self.big[a][w] } else { 0 };
                if w == own / 64 {
                    bits |= 1 << (own % 64);
                }
                while bits != 0 {
                    let slot = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    if self.e[at(a, slot)].covers(va) {
                        self.e[at(a, slot)] = EMPTY;
                        self.big[a][w] &= !(1 << (slot % 64));
                    }
                }
            }
            for e in self.victims[a].iter_mut() {
                if e.covers(va) {
                    *e = EMPTY;
                }
            }
        }
    }

    /// The physical page the fetch TLB maps `va` to for translation tag
    /// `tp` ([`Hart::fetch_tag`]), if it holds that translation.
    #[inline(always)]
    pub fn fetch_ppage(&self, va: u64, tp: u64) -> Option<u64> {
        self.lookup(Access::Fetch, va, tp).map(|e| e.ppage)
    }

    /// The host addend ([`TLB_ENTRY_ADDEND`]) of the fetch TLB entry for
    /// `va` and translation tag `tp`, if it holds that translation and
    /// the page is RAM.
    #[inline(always)]
    pub fn fetch_addend(&self, va: u64, tp: u64) -> Option<u64> {
        let e = &self.e[at(Access::Fetch as usize, slot_of(va >> 12))];
        (e.fast == tlb_fast_tag(va, 1, tp)).then_some(e.addend)
    }

    /// Forget cached PMP results (PMP CSRs changed).
    pub fn flush_pmp(&mut self) {
        self.pmp.fill(u64::MAX);
    }

    /// Put `e` into its slot of the `acc` TLB; the entry it replaces, if
    /// any, goes to the victim cache.
    fn insert(&mut self, acc: Access, vpn: u64, e: Entry) {
        let a = acc as usize;
        let slot = slot_of(vpn);
        let old = std::mem::replace(&mut self.e[at(a, slot)], e);
        self.note_fill(a, slot);
        if old.tag != u64::MAX && old.tag != e.tag {
            let n = self.victim_next[a];
            self.victims[a][n] = old;
            self.victim_next[a] = (n + 1) % VICTIMS;
        }
    }

    /// Look `va` up in the victim cache of `acc`; on a hit swap the entry
    /// back into the main TLB (the one there becomes the victim).
    fn victim_lookup(&mut self, acc: Access, va: u64, tp: u64) -> Option<Entry> {
        let a = acc as usize;
        let vpn = va >> 12;
        let tag = (vpn << TAG_BITS) | tp;
        let k = self.victims[a].iter().position(|v| v.tag == tag)?;
        let slot = slot_of(vpn);
        std::mem::swap(&mut self.victims[a][k], &mut self.e[at(a, slot)]);
        self.note_fill(a, slot);
        Some(self.e[at(a, slot)])
    }

    /// A global entry for `va` made under another ASID (in its slot or
    /// the victim cache of `acc`), taken over for translation tag `tp`:
    /// a global mapping is the same in every address space, so the
    /// kernel's pages need no new walk after a switch of address space.
    fn take_global(&mut self, acc: Access, va: u64, tp: u64) -> Option<Entry> {
        let a = acc as usize;
        let vpn = va >> 12;
        let tag = (vpn << TAG_BITS) | tp;
        let slot = slot_of(vpn);
        if !self.e[at(a, slot)].global_for(tag) {
            let k = self.victims[a].iter().position(|v| v.global_for(tag))?;
            std::mem::swap(&mut self.victims[a][k], &mut self.e[at(a, slot)]);
        }
        self.e[at(a, slot)].retag(tag);
        self.note_fill(a, slot);
        Some(self.e[at(a, slot)])
    }

    /// The entry for `va` with privilege tag `tp` ([`Hart::data_tag_prv`]
    /// for loads and stores, the privilege for fetches).
    #[inline(always)]
    fn lookup(&self, acc: Access, va: u64, tp: u64) -> Option<&Entry> {
        let vpn = va >> 12;
        let e = &self.e[at(acc as usize, slot_of(vpn))];
        (e.tag == (vpn << TAG_BITS) | tp).then_some(e)
    }
}

/// Result of a translation: the physical address and whether it is RAM
/// (with the RAM offset).
#[derive(Clone, Copy, Debug)]
pub struct Phys {
    /// Physical address.
    pub pa: u64,
    /// Offset in RAM, or `u64::MAX` if not RAM.
    pub ram_off: u64,
}

impl Phys {
    /// Is this address in RAM?
    #[inline(always)]
    pub fn is_ram(&self) -> bool {
        self.ram_off != NOT_RAM
    }
}

const PTE_V: u64 = 1;
const PTE_R: u64 = 2;
const PTE_W: u64 = 4;
const PTE_X: u64 = 8;
const PTE_U: u64 = 16;
const PTE_G: u64 = 32;
const PTE_A: u64 = 64;
const PTE_D: u64 = 128;

impl Hart {
    /// Translate `va` for an access of `len` bytes (which must not cross a
    /// page). Fast path: one TLB probe.
    #[inline(always)]
    pub fn translate(
        &mut self,
        bus: &mut Bus,
        va: u64,
        len: u64,
        acc: Access,
    ) -> Result<Phys, Trap> {
        let (prv, tp) = if acc == Access::Fetch {
            (self.prv, self.fetch_tag())
        } else {
            let p = self.data_priv();
            (p, self.data_tag_of(p))
        };
        if let Some(e) = self.tlb.lookup(acc, va, tp) {
            return Ok(e.phys(va));
        }
        self.translate_slow(bus, va, len, acc, (prv, tp))
    }

    #[inline(never)]
    fn translate_slow(
        &mut self,
        bus: &mut Bus,
        va: u64,
        len: u64,
        acc: Access,
        (prv, tp): (Priv, u64),
    ) -> Result<Phys, Trap> {
        if let Some(e) = self.tlb.victim_lookup(acc, va, tp) {
            return Ok(e.phys(va));
        }
        if let Some(e) = self.tlb.take_global(acc, va, tp) {
            return Ok(e.phys(va));
        }
        let mode = if prv == Priv::M {
            0
        } else {
            self.csr.satp >> 60
        };
        let (pa, span, global) = if mode == 0 {
            (va, 12, false)
        } else {
            self.walk(bus, va, acc, prv, mode)?
        };
        let pmp_res = self.pmp_check(prv, pa, len, acc.pmp_perm());
        if pmp_res == PmpResult::Deny {
            return Err(acc.access_fault(va));
        }
        let ppage = pa & !0xfff;
        let ram_page = bus.ram.offset_of(ppage, 4096).unwrap_or(NOT_RAM);
        if pmp_res == PmpResult::AllowPage {
            let vpn = va >> 12;
            let vpage = va & !0xfff;
            let (fast, addend, (code_word, code_bit)) = if ram_page == NOT_RAM {
                (u64::MAX, 0, (0, 0))
            } else {
                let host = bus.ram.host_addr() as u64;
                (
                    tlb_fast_tag(vpage, 1, tp),
                    host.wrapping_add(ram_page).wrapping_sub(vpage),
                    bus.ram.code_bit(ram_page).unwrap_or((0, 0)),
                )
            };
            self.tlb.insert(
                acc,
                vpn,
                Entry {
                    tag: (vpn << TAG_BITS) | tp,
                    ppage,
                    ram_off: ram_page,
                    fast,
                    addend,
                    span,
                    global: global as u32,
                    code_word: code_word as u64,
                    code_bit,
                },
            );
        }
        let ram_off = match bus.ram.offset_of(pa, len) {
            Some(o) => o,
            None => NOT_RAM,
        };
        Ok(Phys { pa, ram_off })
    }

    /// PMP check through the per-hart cache of pages found allowed.
    #[inline]
    fn pmp_check(&mut self, prv: Priv, pa: u64, len: u64, perm: u8) -> PmpResult {
        let key = (pa & !0xfff) | ((perm as u64) << 2) | prv as u64;
        let slot = (((pa >> 12) as usize) ^ perm as usize) & (PMP_CACHE - 1);
        if self.tlb.pmp[slot] == key && (pa & 0xfff) + len <= 0x1000 {
            return PmpResult::AllowPage;
        }
        let r = pmp::check(&self.csr.pmpcfg, &self.csr.pmpaddr, prv, pa, len, perm);
        if r == PmpResult::AllowPage {
            self.tlb.pmp[slot] = key;
        }
        r
    }

    /// Page-table walk. Returns the physical address, log2 of the size
    /// of the leaf mapping (12 for a 4 KiB page) and whether the mapping
    /// is global (G set in the leaf PTE).
    fn walk(
        &mut self,
        bus: &mut Bus,
        va: u64,
        acc: Access,
        prv: Priv,
        mode: u64,
    ) -> Result<(u64, u32, bool), Trap> {
        let levels: u32 = match mode {
            8 => 3,
            9 => 4,
            10 => 5,
            _ => return Err(acc.page_fault(va)),
        };
        let va_bits = 12 + 9 * levels;
        // The virtual address must be sign-extended from its top bit.
        let shift = 64 - va_bits;
        if ((va << shift) as i64 >> shift) as u64 != va {
            return Err(acc.page_fault(va));
        }
        let st = self.csr.mstatus;
        let mut a = (self.csr.satp & ((1 << 44) - 1)) << 12;
        for level in (0..levels).rev() {
            let vpn_i = (va >> (12 + 9 * level)) & 0x1ff;
            let pte_addr = a + vpn_i * 8;
            if self.pmp_check(Priv::S, pte_addr, 8, pmp::R) == PmpResult::Deny {
                return Err(acc.access_fault(va));
            }
            let Some(pte) = bus.read(pte_addr, 8) else {
                return Err(acc.access_fault(va));
            };
            if pte & PTE_V == 0 || (pte & PTE_R == 0 && pte & PTE_W != 0) {
                return Err(acc.page_fault(va));
            }
            // Reserved bits, PBMT and N (Svpbmt/Svnapot not implemented).
            if pte >> 54 != 0 {
                return Err(acc.page_fault(va));
            }
            let ppn = (pte >> 10) & ((1 << 44) - 1);
            if pte & (PTE_R | PTE_X) == 0 {
                // Pointer to the next level.
                if level == 0 || pte & (PTE_A | PTE_D | PTE_U) != 0 {
                    return Err(acc.page_fault(va));
                }
                a = ppn << 12;
                continue;
            }
            // Leaf: permission checks.
            let ok = match acc {
                Access::Fetch => pte & PTE_X != 0,
                Access::Load => pte & PTE_R != 0 || (st & mstatus::MXR != 0 && pte & PTE_X != 0),
                Access::Store => pte & PTE_W != 0,
            };
            if !ok {
                return Err(acc.page_fault(va));
            }
            if pte & PTE_U != 0 {
                if prv == Priv::S && (acc == Access::Fetch || st & mstatus::SUM == 0) {
                    return Err(acc.page_fault(va));
                }
            } else if prv == Priv::U {
                return Err(acc.page_fault(va));
            }
            // Misaligned superpage.
            let low_mask = (1u64 << (9 * level)) - 1;
            if ppn & low_mask != 0 {
                return Err(acc.page_fault(va));
            }
            // Hardware A/D update.
            let mut new = pte | PTE_A;
            if acc == Access::Store {
                new |= PTE_D;
            }
            if new != pte
                && (self.pmp_check(Priv::S, pte_addr, 8, pmp::W) == PmpResult::Deny
                    || !bus.write(pte_addr, 8, new))
            {
                return Err(acc.access_fault(va));
            }
            let page_mask = (1u64 << (12 + 9 * level)) - 1;
            let pa = ((ppn << 12) & !page_mask) | (va & page_mask);
            return Ok((pa, 12 + 9 * level, pte & PTE_G != 0));
        }
        Err(acc.page_fault(va))
    }

    /// Load `size` bytes (1/2/4/8) from virtual `va`, zero-extended.
    #[inline(always)]
    pub fn load(&mut self, bus: &mut Bus, va: u64, size: u8) -> Result<u64, Trap> {
        if (va & 0xfff) + size as u64 <= 0x1000 {
            let p = self.translate(bus, va, size as u64, Access::Load)?;
            if p.is_ram() {
                return Ok(bus.ram.read_sized(p.ram_off, size));
            }
            return bus
                .read(p.pa, size)
                .ok_or(Trap::new(cause::LOAD_ACCESS, va));
        }
        self.load_split(bus, va, size)
    }

    #[inline(never)]
    fn load_split(&mut self, bus: &mut Bus, va: u64, size: u8) -> Result<u64, Trap> {
        // A misaligned access that crosses a page: translate both pages
        // first so a fault leaves nothing half-done.
        let mut v = 0u64;
        for i in 0..size as u64 {
            let a = va.wrapping_add(i);
            let p = self.translate(bus, a, 1, Access::Load)?;
            let b = bus.read(p.pa, 1).ok_or(Trap::new(cause::LOAD_ACCESS, a))?;
            v |= b << (8 * i);
        }
        Ok(v)
    }

    /// Store the low `size` bytes of `val` at virtual `va`.
    #[inline(always)]
    pub fn store(&mut self, bus: &mut Bus, va: u64, size: u8, val: u64) -> Result<(), Trap> {
        if (va & 0xfff) + size as u64 <= 0x1000 {
            let p = self.translate(bus, va, size as u64, Access::Store)?;
            self.reservation = None;
            if p.is_ram() {
                bus.ram.write_sized(p.ram_off, size, val);
                return Ok(());
            }
            return if bus.write(p.pa, size, val) {
                Ok(())
            } else {
                Err(Trap::new(cause::STORE_ACCESS, va))
            };
        }
        self.store_split(bus, va, size, val)
    }

    #[inline(never)]
    fn store_split(&mut self, bus: &mut Bus, va: u64, size: u8, val: u64) -> Result<(), Trap> {
        let mut pas = [0u64; 8];
        for (i, slot) in pas.iter_mut().enumerate().take(size as usize) {
            let a = va.wrapping_add(i as u64);
            *slot = self.translate(bus, a, 1, Access::Store)?.pa;
            if bus.ram.offset_of(*slot, 1).is_none() && !bus.is_mmio(*slot, 1) {
                return Err(Trap::new(cause::STORE_ACCESS, a));
            }
        }
        self.reservation = None;
        for (i, pa) in pas.iter().enumerate().take(size as usize) {
            bus.write(*pa, 1, val >> (8 * i));
        }
        Ok(())
    }
}

/// An Sv39 page table for tests: a root, one level-1 table and one
/// level-0 table covering the 2 MiB from virtual 0x4000_0000.
#[cfg(test)]
pub(crate) mod sv39_test {
    use crate::hart::Priv;
    use crate::machine::{Clock, Machine, RAM_BASE};

    pub const ROOT: u64 = RAM_BASE + 0x1_0000;
    pub const L1: u64 = ROOT + 0x1000;
    pub const L0: u64 = ROOT + 0x2000;
    /// The first virtual page the level-0 table maps.
    pub const VBASE: u64 = 0x4000_0000;

    /// A leaf PTE for `pa`: D A X W R V.
    pub fn leaf(pa: u64) -> u64 {
        ((pa >> 12) << 10) | 0xcf
    }

    /// A machine with 1 MiB of RAM, its hart in S-mode under Sv39 with
    /// the tables linked (the level-0 entries are the caller's).
    pub fn machine() -> Machine {
        let mut m = Machine::new(1, 1 << 20, Clock::Deterministic { insns_per_tick: 1 }).unwrap();
        m.bus.write(ROOT + 8, 8, ((L1 >> 12) << 10) | 1);
        m.bus.write(L1, 8, ((L0 >> 12) << 10) | 1);
        let h = &mut m.harts[0];
        h.prv = Priv::S;
        h.csr.satp = (8 << 60) | (ROOT >> 12);
        m
    }
}

#[cfg(test)]
mod tests {
    use super::sv39_test::{leaf, L0, L1, ROOT, VBASE};
    use super::PTE_U;
    use crate::csr::mstatus;
    use crate::machine::{Machine, RAM_BASE};

    /// Two virtual pages that share a TLB slot.
    const A: u64 = VBASE;
    const B: u64 = A + (super::TLB_SIZE as u64) * 4096;

    /// The level-0 table that maps B (B is `TLB_SIZE` pages above A, past
    /// the 512 pages of `L0` when the TLB is larger than that).
    const L0_B: u64 = L0 + 0x1000;

    /// Where B's level-0 PTE is.
    const PTE_B: u64 = L0_B + 8 * (super::TLB_SIZE as u64 % 512);

    /// An Sv39 machine in S-mode with A and B mapped to the given pages.
    fn machine(pa_a: u64, pa_b: u64) -> Machine {
        let mut m = super::sv39_test::machine();
        let l1_b = L1 + 8 * (super::TLB_SIZE as u64 / 512);
        m.bus.write(l1_b, 8, ((L0_B >> 12) << 10) | 1);
        m.bus.write(L0, 8, leaf(pa_a));
        m.bus.write(PTE_B, 8, leaf(pa_b));
        for (k, pa) in [
            RAM_BASE + 0x2_0000,
            RAM_BASE + 0x2_1000,
            RAM_BASE + 0x2_2000,
        ]
        .iter()
        .enumerate()
        {
            m.bus.write(*pa, 8, 0x11 * (k as u64 + 1));
        }
        m
    }

    /// Pages that conflict in the TLB alternate through the victim cache,
    /// and `sfence.vma` of one address (or a whole flush) drops a victim
    /// entry as well as a main one.
    #[test]
    fn victim_entries_follow_flushes() {
        let (p1, p2, p3) = (
            RAM_BASE + 0x2_0000,
            RAM_BASE + 0x2_1000,
            RAM_BASE + 0x2_2000,
        );
        let mut m = machine(p1, p2);
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        assert_eq!(h.load(bus, A, 8), Ok(0x11));
        assert_eq!(h.load(bus, B, 8), Ok(0x22));
        assert_eq!(h.load(bus, A, 8), Ok(0x11));
        // B is now the victim; remap it.
        bus.write(PTE_B, 8, leaf(p3));
        h.flush_tlb_va(B);
        assert_eq!(h.load(bus, B, 8), Ok(0x33));
        // A went to the victim cache; remap it and flush everything.
        bus.write(L0, 8, leaf(p2));
        h.flush_tlb();
        assert_eq!(h.load(bus, A, 8), Ok(0x22));
        assert_eq!(h.load(bus, B, 8), Ok(0x33));
    }

    /// A machine for the ASID tests: A (at 0x11) is private to each
    /// address space, B (at 0x22, in its own table) global.
    fn spaces() -> Machine {
        let mut m = machine(RAM_BASE + 0x2_0000, RAM_BASE + 0x2_1000);
        m.bus
            .write(PTE_B, 8, leaf(RAM_BASE + 0x2_1000) | super::PTE_G);
        m
    }

    /// Map A and B (still global) to the page holding 0x33, without a
    /// fence.
    fn remap(bus: &mut crate::bus::Bus) {
        bus.write(L0, 8, leaf(RAM_BASE + 0x2_2000));
        bus.write(PTE_B, 8, leaf(RAM_BASE + 0x2_2000) | super::PTE_G);
    }

    /// `satp` for the test tables under ASID `a`.
    fn asid(a: u64) -> u64 {
        (8 << 60) | (a << 44) | (ROOT >> 12)
    }

    /// Entries carry the ASID of `satp`: a switch to another ASID keeps
    /// them (a later switch back finds them, stale or not, as a TLB that
    /// tags entries may), entries of other ASIDs do not match, global
    /// ones are taken over without a walk, and new tables under the same
    /// ASID start afresh.
    #[test]
    fn entries_belong_to_their_address_space() {
        use crate::csr::addr::SATP;
        let mut m = spaces();
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        h.csr_write(SATP, asid(1));
        assert_eq!(h.load(bus, A, 8), Ok(0x11));
        assert_eq!(h.load(bus, B, 8), Ok(0x22));
        // Remapped without a fence: ASID 2 walks for A and sees the new
        // mapping; B stays the global entry.
        remap(bus);
        h.csr_write(SATP, asid(2));
        assert_eq!(h.load(bus, A, 8), Ok(0x33));
        assert_eq!(h.load(bus, B, 8), Ok(0x22));
        // Back in ASID 1, its own entry for A is still there.
        h.csr_write(SATP, asid(1));
        assert_eq!(h.load(bus, A, 8), Ok(0x11));
        // Writing the same satp again keeps them.
        h.csr_write(SATP, asid(1));
        assert_eq!(h.load(bus, A, 8), Ok(0x11));
        // Other tables under ASID 1: everything is walked again.
        let link = bus.read(ROOT + 8, 8).unwrap_or(0);
        bus.write(ROOT_2 + 8, 8, link);
        h.csr_write(SATP, (8 << 60) | (1 << 44) | (ROOT_2 >> 12));
        assert_eq!(h.load(bus, A, 8), Ok(0x33));
        assert_eq!(h.load(bus, B, 8), Ok(0x33));
        // Only 7 ASID bits are kept.
        h.csr_write(SATP, asid(0xffff));
        assert_eq!((h.csr.satp >> 44) & 0xffff, crate::csr::ASID_MASK);
    }

    /// `sfence.vma x0, asid` drops that address space's entries and
    /// keeps global ones and those of other address spaces.
    #[test]
    fn an_asid_fence_keeps_other_spaces_and_global_pages() {
        use crate::csr::addr::SATP;
        let mut m = spaces();
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        for a in [1, 2] {
            h.csr_write(SATP, asid(a));
            assert_eq!(h.load(bus, A, 8), Ok(0x11));
            assert_eq!(h.load(bus, B, 8), Ok(0x22));
        }
        remap(bus);
        // ASID 1's entry for A goes; B is global; ASID 2 keeps A.
        h.flush_tlb_asid(1);
        assert_eq!(h.load(bus, A, 8), Ok(0x11), "ASID 2 is current");
        h.csr_write(SATP, asid(1));
        assert_eq!(h.load(bus, A, 8), Ok(0x33));
        assert_eq!(h.load(bus, B, 8), Ok(0x22));
    }

    /// A second root table (a copy of the first's links).
    const ROOT_2: u64 = RAM_BASE + 0x3_0000;

    /// A full flush empties every slot that was filled, for loads and
    /// stores, in the main TLB and in the victim cache.
    #[test]
    fn a_full_flush_empties_every_filled_slot() {
        let (p1, p2) = (RAM_BASE + 0x2_0000, RAM_BASE + 0x2_1000);
        let mut m = machine(p1, p1);
        let pages = 70u64;
        for k in 0..pages {
            m.bus.write(L0 + 8 * k, 8, leaf(p1));
        }
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        for k in 0..pages {
            assert_eq!(h.load(bus, A + 4096 * k, 8), Ok(0x11));
            assert_eq!(h.store(bus, A + 4096 * k + 8, 8, k), Ok(()));
        }
        // B shares A's slot: A goes to the victim cache.
        assert_eq!(h.load(bus, B, 8), Ok(0x11));
        for k in 0..pages {
            bus.write(L0 + 8 * k, 8, leaf(p2));
        }
        h.flush_tlb();
        for k in 0..pages {
            assert_eq!(h.load(bus, A + 4096 * k, 8), Ok(0x22));
            assert_eq!(h.store(bus, A + 4096 * k + 8, 8, k), Ok(()));
        }
        assert_eq!(bus.read(p2 + 8, 8), Some(pages - 1));
    }

    /// Supervisor loads of a user page follow mstatus.SUM as it toggles
    /// (entries filled with SUM set are not used with it clear), with no
    /// TLB flush between.
    #[test]
    fn sum_toggles_without_a_flush() {
        let p1 = RAM_BASE + 0x2_0000;
        let mut m = machine(p1, p1);
        m.bus.write(L0, 8, leaf(p1) | PTE_U);
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        let st = h.csr.mstatus;
        assert!(h.load(bus, A, 8).is_err());
        h.set_mstatus(st | mstatus::SUM);
        assert_eq!(h.load(bus, A, 8), Ok(0x11));
        h.set_mstatus(st);
        assert!(h.load(bus, A, 8).is_err());
        assert!(h.store(bus, A, 8, 5).is_err());
        h.set_mstatus(st | mstatus::SUM);
        assert_eq!(h.store(bus, A, 8, 5), Ok(()));
        assert_eq!(h.load(bus, A, 8), Ok(5));
        h.set_mstatus(st);
        assert!(h.store(bus, A, 8, 6).is_err());
        assert!(h.load(bus, A, 8).is_err());
    }

    /// `sfence.vma` of one address inside a megapage drops the megapage's
    /// entry, whichever TLB slot the access that filled it used, and keeps
    /// the 4 KiB entries of other pages.
    #[test]
    fn flushing_an_address_drops_its_superpage() {
        let p1 = RAM_BASE + 0x2_0000;
        let mut m = machine(p1, p1);
        // L1 entry 1: a 2 MiB megapage at 0x4020_0000 onto RAM.
        let mega = A + 0x20_0000;
        m.bus.write(L1 + 8, 8, leaf(RAM_BASE));
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        assert_eq!(h.load(bus, mega + 0x2_0000, 8), Ok(0x11));
        assert_eq!(h.load(bus, A, 8), Ok(0x11));
        // Unmap both; flush an address in the megapage whose 4 KiB slot
        // differs from the one the entry was filled at.
        bus.write(L1 + 8, 8, 0);
        bus.write(L0, 8, 0);
        h.flush_tlb_va(mega + 0x5_3000);
        assert!(h.load(bus, mega + 0x2_0000, 8).is_err());
        assert_eq!(h.load(bus, A, 8), Ok(0x11));
        h.flush_tlb_va(A);
        assert!(h.load(bus, A, 8).is_err());
    }
}
