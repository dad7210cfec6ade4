//! Hart state, trap entry, and interrupt selection.

use crate::block::BlockCache;
use crate::csr::{irq, mstatus, Csrs};
use crate::mmu::Tlb;
use crate::trap::{cause, Trap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Privilege level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Priv {
    /// User.
    U = 0,
    /// Supervisor.
    S = 1,
    /// Machine.
    M = 3,
}

impl Priv {
    /// Decode a 2-bit privilege field (2 is reserved and maps to U).
    pub fn from_bits(b: u64) -> Priv {
        match b & 3 {
            3 => Priv::M,
            1 => Priv::S,
            _ => Priv::U,
        }
    }
}

/// Interrupt priority order (privileged spec 3.1.9).
const IRQ_PRIORITY: [u64; 6] = [
    cause::IRQ_MEI,
    cause::IRQ_MSI,
    cause::IRQ_MTI,
    cause::IRQ_SEI,
    cause::IRQ_SSI,
    cause::IRQ_STI,
];

/// One RV64GC hart.
#[repr(C)]
pub struct Hart {
    /// Integer registers; `x[0]` is always 0.
    pub x: [u64; 32],
    /// FP registers (raw bits, single precision NaN-boxed).
    pub f: [u64; 32],
    /// Program counter.
    pub pc: u64,
    /// Retired instruction count (`minstret`).
    pub instret: u64,
    /// Current privilege.
    pub prv: Priv,
    /// Waiting in WFI.
    pub wfi: bool,
    /// CSR storage.
    pub csr: Csrs,
    /// `mhartid`.
    pub hartid: u64,
    /// LR reservation: physical address of the reserved 8-byte granule.
    /// Any store, AMO or SC by this hart ends it, as does a trap: the
    /// spec lets an SC fail for such reasons, and a constrained LR/SC
    /// loop (the kind that must eventually succeed) holds no store.
    /// A reservation that a failed compare left behind thus ends at the
    /// next store, instead of sending every store of translated code
    /// to the slow path (which checks for it) until the next trap.
    pub reservation: Option<u64>,
    /// Interrupt lines driven by devices (MEIP, SEIP, MTIP, MSIP bits of
    /// mip), shared with the interrupt controllers.
    pub irq_lines: Arc<AtomicU64>,
    /// The machine's `mtime`, shared with the CLINT.
    pub mtime: Arc<AtomicU64>,
    /// Address-translation caches.
    pub tlb: Tlb,
    /// Decoded-block cache (tier 0).
    pub blocks: BlockCache,
    /// The last trap taken: (epc, trap).
    pub last_trap: Option<(u64, Trap)>,
    /// Traps taken in a row without an instruction retiring in between.
    pub trap_streak: u32,
    trap_instret: u64,
}

impl std::fmt::Debug for Hart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hart")
            .field("hartid", &self.hartid)
            .field("pc", &format_args!("{:#x}", self.pc))
            .field("prv", &self.prv)
            .field("instret", &self.instret)
            .finish()
    }
}

impl Hart {
    /// A hart in its reset state: M-mode at `pc`.
    pub fn new(hartid: u64, pc: u64) -> Self {
        Hart {
            x: [0; 32],
            f: [0; 32],
            pc,
            instret: 0,
            prv: Priv::M,
            wfi: false,
            csr: Csrs::default(),
            hartid,
            reservation: None,
            irq_lines: Arc::new(AtomicU64::new(0)),
            mtime: Arc::new(AtomicU64::new(0)),
            tlb: Tlb::new(),
            blocks: BlockCache::new(),
            last_trap: None,
            trap_streak: 0,
            trap_instret: u64::MAX,
        }
    }

    /// Current `time` (the machine's mtime).
    #[inline]
    pub fn time(&self) -> u64 {
        self.mtime.load(Ordering::Relaxed)
    }

    /// Privilege used for loads and stores (MPRV applies MPP in M-mode).
    #[inline]
    pub fn data_priv(&self) -> Priv {
        if self.prv == Priv::M && self.csr.mstatus & mstatus::MPRV != 0 {
            Priv::from_bits(self.csr.mstatus >> mstatus::MPP_SHIFT)
        } else {
            self.prv
        }
    }

    /// The translation tag of the TLB entries loads and stores use: the
    /// ASID (see [`Hart::fetch_tag`]) and the [`Hart::data_priv`], except
    /// that supervisor accesses with mstatus.SUM set are tagged 2 (no
    /// privilege's value). Toggling SUM, which Linux does around every
    /// access to user memory, then switches between two sets of entries
    /// instead of flushing the TLB.
    #[inline(always)]
    pub fn data_tag_prv(&self) -> u64 {
        self.data_tag_of(self.data_priv())
    }

    /// [`Hart::data_tag_prv`] for data privilege `p`.
    #[inline(always)]
    pub fn data_tag_of(&self, p: Priv) -> u64 {
        let prv = if p == Priv::S && self.csr.mstatus & mstatus::SUM != 0 {
            2
        } else {
            p as u64
        };
        prv | self.asid_tag()
    }

    /// The translation tag of the TLB entries fetches use: the
    /// privilege and the ASID.
    #[inline(always)]
    pub fn fetch_tag(&self) -> u64 {
        self.prv as u64 | self.asid_tag()
    }

    /// The ASID of `satp` in its place in the translation tags (bits
    /// 2–8): entries of other address spaces do not match, so a switch
    /// of address space needs no TLB flush.
    #[inline(always)]
    fn asid_tag(&self) -> u64 {
        ((self.csr.satp >> 44) & crate::csr::ASID_MASK) << 2
    }

    /// Any interrupt pending and enabled in `mie`, regardless of the global
    /// enables (this is what wakes WFI).
    #[inline]
    pub fn wake_pending(&self) -> bool {
        self.mip() & self.csr.mie & irq::ALL != 0
    }

    /// The highest-priority interrupt that should be taken now, if any.
    #[inline]
    pub fn pending_interrupt(&self) -> Option<Trap> {
        let pend = self.mip() & self.csr.mie;
        if pend == 0 {
            return None;
        }
        let st = self.csr.mstatus;
        let m_pend = pend & !self.csr.mideleg;
        let m_enabled = self.prv != Priv::M || st & mstatus::MIE != 0;
        let s_pend = pend & self.csr.mideleg;
        let s_enabled = self.prv == Priv::U || (self.prv == Priv::S && st & mstatus::SIE != 0);
        let take = if m_enabled && m_pend != 0 {
            m_pend
        } else if s_enabled && s_pend != 0 {
            s_pend
        } else {
            return None;
        };
        IRQ_PRIORITY
            .iter()
            .find(|&&c| take & (1 << c) != 0)
            .map(|&c| Trap::new(cause::INTERRUPT | c, 0))
    }

    /// Enter the trap handler for `t`, taken at the current `pc`.
    pub fn take_trap(&mut self, t: Trap) {
        let is_irq = t.is_interrupt();
        let code = t.cause & !cause::INTERRUPT;
        let deleg = if is_irq {
            self.csr.mideleg
        } else {
            self.csr.medeleg
        };
        self.reservation = None;
        self.wfi = false;
        if self.instret == self.trap_instret {
            self.trap_streak = self.trap_streak.saturating_add(1);
        } else {
            self.trap_streak = 0;
            self.trap_instret = self.instret;
        }
        self.last_trap = Some((self.pc, t));
        let st = self.csr.mstatus;
        if self.prv != Priv::M && code < 64 && (deleg >> code) & 1 != 0 {
            self.csr.sepc = self.pc;
            self.csr.scause = t.cause;
            self.csr.stval = t.tval;
            let mut s = st & !(mstatus::SPIE | mstatus::SIE | mstatus::SPP);
            if st & mstatus::SIE != 0 {
                s |= mstatus::SPIE;
            }
            if self.prv == Priv::S {
                s |= mstatus::SPP;
            }
            self.csr.mstatus = s;
            self.prv = Priv::S;
            self.pc = vector(self.csr.stvec, is_irq, code);
        } else {
            self.csr.mepc = self.pc;
            self.csr.mcause = t.cause;
            self.csr.mtval = t.tval;
            let mut s = st & !(mstatus::MPIE | mstatus::MIE | mstatus::MPP);
            if st & mstatus::MIE != 0 {
                s |= mstatus::MPIE;
            }
            s |= (self.prv as u64) << mstatus::MPP_SHIFT;
            self.csr.mstatus = s;
            self.prv = Priv::M;
            self.pc = vector(self.csr.mtvec, is_irq, code);
        }
    }

    /// Execute `mret`: returns false if not permitted (illegal).
    pub fn do_mret(&mut self) -> bool {
        if self.prv != Priv::M {
            return false;
        }
        let st = self.csr.mstatus;
        let mpp = Priv::from_bits(st >> mstatus::MPP_SHIFT);
        let mut s = st & !(mstatus::MIE | mstatus::MPP);
        if st & mstatus::MPIE != 0 {
            s |= mstatus::MIE;
        }
        s |= mstatus::MPIE;
        if mpp != Priv::M {
            s &= !mstatus::MPRV;
        }
        self.csr.mstatus = s;
        self.prv = mpp;
        self.pc = self.csr.mepc;
        if st & mstatus::MPRV != 0 {
            self.flush_tlb();
        }
        true
    }

    /// Execute `sret`: returns false if not permitted (illegal).
    pub fn do_sret(&mut self) -> bool {
        let st = self.csr.mstatus;
        if self.prv == Priv::U || (self.prv == Priv::S && st & mstatus::TSR != 0) {
            return false;
        }
        let spp = if st & mstatus::SPP != 0 {
            Priv::S
        } else {
            Priv::U
        };
        let mut s = st & !(mstatus::SIE | mstatus::SPP | mstatus::MPRV);
        if st & mstatus::SPIE != 0 {
            s |= mstatus::SIE;
        }
        s |= mstatus::SPIE;
        self.csr.mstatus = s;
        self.prv = spp;
        self.pc = self.csr.sepc;
        if st & mstatus::MPRV != 0 {
            self.flush_tlb();
        }
        true
    }

    /// Flush the address-translation caches. The jump caches stay: their
    /// entries are used only while the fetch TLB maps the pc's page to the
    /// block's physical page again, so after a flush one refill of the
    /// fetch TLB per page revives them (kernel code, mapped alike in every
    /// address space, keeps its entries across context switches).
    pub fn flush_tlb(&mut self) {
        self.tlb.flush();
    }

    /// `sfence.vma` of one virtual address: drop its translations. The
    /// jump caches stay: their entries are checked against the fetch TLB.
    pub fn flush_tlb_va(&mut self, va: u64) {
        self.tlb.flush_va(va);
    }

    /// `sfence.vma x0, rs2`: drop the translations of address space
    /// `asid` (its low ASID bits) that are not global.
    pub fn flush_tlb_asid(&mut self, asid: u64) {
        self.tlb.flush_asid(asid & crate::csr::ASID_MASK);
    }
}

fn vector(tvec: u64, is_irq: bool, code: u64) -> u64 {
    let base = tvec & !3;
    if is_irq && tvec & 3 == 1 {
        base.wrapping_add(4 * code)
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interrupt_priority_and_delegation() {
        let mut h = Hart::new(0, 0);
        h.csr.mie = irq::ALL;
        h.csr.mip = irq::SSI | irq::STI | irq::SEI;
        h.irq_lines.store(irq::MTI | irq::MSI, Ordering::Relaxed);
        // M-mode with MIE=0: nothing taken
        assert_eq!(h.pending_interrupt(), None);
        h.csr.mstatus |= mstatus::MIE;
        assert_eq!(h.pending_interrupt().unwrap().cause, cause::INTERRUPT | 3);
        h.irq_lines.store(0, Ordering::Relaxed);
        assert_eq!(h.pending_interrupt().unwrap().cause, cause::INTERRUPT | 9);
        // delegated S interrupts are not taken in M-mode
        h.csr.mideleg = irq::S_ALL;
        assert_eq!(h.pending_interrupt(), None);
        h.prv = Priv::S;
        assert_eq!(h.pending_interrupt(), None);
        h.csr.mstatus |= mstatus::SIE;
        assert_eq!(h.pending_interrupt().unwrap().cause, cause::INTERRUPT | 9);
        h.csr.mip = irq::STI | irq::SSI;
        assert_eq!(h.pending_interrupt().unwrap().cause, cause::INTERRUPT | 1);
        // U-mode takes S interrupts regardless of SIE
        h.csr.mstatus &= !mstatus::SIE;
        h.prv = Priv::U;
        assert_eq!(h.pending_interrupt().unwrap().cause, cause::INTERRUPT | 1);
    }

    #[test]
    fn trap_entry_and_return() {
        let mut h = Hart::new(0, 0x100);
        h.csr.mtvec = 0x1001;
        h.csr.stvec = 0x2000;
        h.csr.medeleg = 1 << cause::ECALL_U;
        h.prv = Priv::U;
        h.take_trap(Trap::new(cause::ECALL_U, 0));
        assert_eq!((h.prv, h.pc, h.csr.sepc), (Priv::S, 0x2000, 0x100));
        h.take_trap(Trap::new(cause::ILLEGAL, 7));
        assert_eq!((h.prv, h.pc, h.csr.mtval), (Priv::M, 0x1000, 7));
        assert_eq!((h.csr.mstatus & mstatus::MPP) >> 11, 1);
        h.take_trap(Trap::new(cause::INTERRUPT | cause::IRQ_MTI, 0));
        assert_eq!(h.pc, 0x1000 + 4 * 7);
        assert!(h.do_mret());
        assert_eq!((h.prv, h.pc), (Priv::M, 0x1000));
        // mret leaves MPP = U
        assert!(h.do_mret());
        assert_eq!(h.prv, Priv::U);
        assert!(!h.do_mret());
        assert!(!h.do_sret());
    }
}
