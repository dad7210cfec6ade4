//! The CSR file: storage, read/write masks, WARL legalization and access
//! checks (privilege, read-only, counter-enable, FS, TVM, Sstc).

use crate::hart::{Hart, Priv};
use crate::trap::Trap;

/// CSR numbers (privileged spec, CSR listing).
pub mod addr {
    #![allow(missing_docs)]
    pub const FFLAGS: u16 = 0x001;
    pub const FRM: u16 = 0x002;
    pub const FCSR: u16 = 0x003;
    pub const CYCLE: u16 = 0xc00;
    pub const TIME: u16 = 0xc01;
    pub const INSTRET: u16 = 0xc02;
    pub const HPMCOUNTER3: u16 = 0xc03;
    pub const HPMCOUNTER31: u16 = 0xc1f;
    pub const SSTATUS: u16 = 0x100;
    pub const SIE: u16 = 0x104;
    pub const STVEC: u16 = 0x105;
    pub const SCOUNTEREN: u16 = 0x106;
    pub const SENVCFG: u16 = 0x10a;
    pub const SSCRATCH: u16 = 0x140;
    pub const SEPC: u16 = 0x141;
    pub const SCAUSE: u16 = 0x142;
    pub const STVAL: u16 = 0x143;
    pub const SIP: u16 = 0x144;
    pub const STIMECMP: u16 = 0x14d;
    pub const SATP: u16 = 0x180;
    pub const MSTATUS: u16 = 0x300;
    pub const MISA: u16 = 0x301;
    pub const MEDELEG: u16 = 0x302;
    pub const MIDELEG: u16 = 0x303;
    pub const MIE: u16 = 0x304;
    pub const MTVEC: u16 = 0x305;
    pub const MCOUNTEREN: u16 = 0x306;
    pub const MENVCFG: u16 = 0x30a;
    pub const MCOUNTINHIBIT: u16 = 0x320;
    pub const MHPMEVENT3: u16 = 0x323;
    pub const MHPMEVENT31: u16 = 0x33f;
    pub const MSCRATCH: u16 = 0x340;
    pub const MEPC: u16 = 0x341;
    pub const MCAUSE: u16 = 0x342;
    pub const MTVAL: u16 = 0x343;
    pub const MIP: u16 = 0x344;
    pub const PMPCFG0: u16 = 0x3a0;
    pub const PMPCFG15: u16 = 0x3af;
    pub const PMPADDR0: u16 = 0x3b0;
    pub const PMPADDR63: u16 = 0x3ef;
    pub const MSECCFG: u16 = 0x747;
    pub const TSELECT: u16 = 0x7a0;
    pub const TDATA1: u16 = 0x7a1;
    pub const TDATA2: u16 = 0x7a2;
    pub const TDATA3: u16 = 0x7a3;
    pub const TINFO: u16 = 0x7a4;
    pub const MCYCLE: u16 = 0xb00;
    pub const MINSTRET: u16 = 0xb02;
    pub const MHPMCOUNTER3: u16 = 0xb03;
    pub const MHPMCOUNTER31: u16 = 0xb1f;
    pub const MVENDORID: u16 = 0xf11;
    pub const MARCHID: u16 = 0xf12;
    pub const MIMPID: u16 = 0xf13;
    pub const MHARTID: u16 = 0xf14;
    pub const MCONFIGPTR: u16 = 0xf15;
}

/// mstatus bits.
pub mod mstatus {
    #![allow(missing_docs)]
    pub const SIE: u64 = 1 << 1;
    pub const MIE: u64 = 1 << 3;
    pub const SPIE: u64 = 1 << 5;
    pub const MPIE: u64 = 1 << 7;
    pub const SPP: u64 = 1 << 8;
    pub const MPP_SHIFT: u32 = 11;
    pub const MPP: u64 = 3 << 11;
    pub const FS_SHIFT: u32 = 13;
    pub const FS: u64 = 3 << 13;
    pub const MPRV: u64 = 1 << 17;
    pub const SUM: u64 = 1 << 18;
    pub const MXR: u64 = 1 << 19;
    pub const TVM: u64 = 1 << 20;
    pub const TW: u64 = 1 << 21;
    pub const TSR: u64 = 1 << 22;
    pub const UXL: u64 = 3 << 32;
    pub const SXL: u64 = 3 << 34;
    pub const SD: u64 = 1 << 63;
    /// Bits M-mode may write.
    pub const M_WRITABLE: u64 =
        SIE | MIE | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;
    /// Bits visible through sstatus.
    pub const S_VISIBLE: u64 = SIE | SPIE | SPP | FS | SUM | MXR | UXL | SD;
    /// Bits S-mode may write through sstatus.
    pub const S_WRITABLE: u64 = SIE | SPIE | SPP | FS | SUM | MXR;
}

/// Interrupt bits of mip/mie.
pub mod irq {
    #![allow(missing_docs)]
    pub const SSI: u64 = 1 << 1;
    pub const MSI: u64 = 1 << 3;
    pub const STI: u64 = 1 << 5;
    pub const MTI: u64 = 1 << 7;
    pub const SEI: u64 = 1 << 9;
    pub const MEI: u64 = 1 << 11;
    pub const S_ALL: u64 = SSI | STI | SEI;
    pub const ALL: u64 = S_ALL | MSI | MTI | MEI;
}

/// menvcfg.STCE: enables Sstc's stimecmp.
pub const MENVCFG_STCE: u64 = 1 << 63;
/// xenvcfg.FIOM.
pub const ENVCFG_FIOM: u64 = 1;

/// Exceptions that may be delegated to S-mode (all but ecall-from-M and
/// reserved codes).
const MEDELEG_MASK: u64 = 0xb3ff;

/// Number of implemented PMP entries.
pub const PMP_ENTRIES: usize = 16;

/// The writable ASID bits of `satp` (7: ASIDLEN 7). The TLB tags its
/// entries with the ASID in the 9 bits of the page offset translated
/// code compares (see `mmu::tlb_fast_tag`), beside the privilege.
pub const ASID_MASK: u64 = 0x7f;

/// The `misa` value: RV64 IMAFDC + S + U.
pub const MISA_VALUE: u64 = (2 << 62)
    | (1 << (b'I' - b'A'))
    | (1 << (b'M' - b'A'))
    | 1 // 'A'
    | (1 << (b'F' - b'A'))
    | (1 << (b'D' - b'A'))
    | (1 << (b'C' - b'A'))
    | (1 << (b'S' - b'A'))
    | (1 << (b'U' - b'A'));

/// Stored CSR values. Derived views (sstatus, sie, sip, counters) are
/// computed on access.
#[derive(Clone, Debug, Default)]
#[repr(C)]
pub struct Csrs {
    pub mstatus: u64,
    pub medeleg: u64,
    pub mideleg: u64,
    pub mie: u64,
    /// Software-writable pending bits (SSIP, STIP without Sstc, SEIP's
    /// software part). Device lines are in [`Hart::irq_lines`].
    pub mip: u64,
    pub mtvec: u64,
    pub stvec: u64,
    pub mepc: u64,
    pub sepc: u64,
    pub mcause: u64,
    pub scause: u64,
    pub mtval: u64,
    pub stval: u64,
    pub mscratch: u64,
    pub sscratch: u64,
    pub satp: u64,
    pub menvcfg: u64,
    pub senvcfg: u64,
    pub mcounteren: u64,
    pub scounteren: u64,
    pub mcountinhibit: u64,
    pub fflags: u64,
    pub frm: u64,
    pub stimecmp: u64,
    /// `mcycle - instret`.
    pub cycle_offset: u64,
    pub pmpcfg: [u8; PMP_ENTRIES],
    pub pmpaddr: [u64; PMP_ENTRIES],
    pub tselect: u64,
}

/// Outcome of a CSR write that the engine must react to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsrEffect {
    /// Nothing beyond the register value changed.
    None,
    /// Translation-relevant state changed (satp, MPRV/MPP/SUM/MXR, PMP):
    /// TLBs were flushed.
    FlushedTlb,
}

impl Hart {
    /// The effective mip, including device lines and Sstc's STIP.
    #[inline]
    pub fn mip(&self) -> u64 {
        let mut v = self.csr.mip | self.irq_lines.load(std::sync::atomic::Ordering::Relaxed);
        if self.csr.menvcfg & MENVCFG_STCE != 0 {
            v &= !irq::STI;
            if self.time() >= self.csr.stimecmp {
                v |= irq::STI;
            }
        }
        v
    }

    /// Current `mstatus` with the SD summary bit and fixed XLEN fields.
    pub fn mstatus(&self) -> u64 {
        let mut v = self.csr.mstatus | (2 << 32) | (2 << 34);
        if v & mstatus::FS == mstatus::FS {
            v |= mstatus::SD;
        }
        v
    }

    fn counter_allowed(&self, idx: u16) -> bool {
        let bit = 1u64 << (idx & 31);
        match self.prv {
            Priv::M => true,
            Priv::S => self.csr.mcounteren & bit != 0,
            Priv::U => self.csr.mcounteren & bit != 0 && self.csr.scounteren & bit != 0,
        }
    }

    fn fs_off(&self) -> bool {
        self.csr.mstatus & mstatus::FS == 0
    }

    /// Check privilege for accessing `csr`; `write` if the instruction
    /// writes it. Returns an illegal-instruction trap on failure.
    fn csr_check(&self, csr: u16, write: bool, raw: u32) -> Result<(), Trap> {
        let min_priv = ((csr >> 8) & 3) as u8;
        if (self.prv as u8) < min_priv || (write && csr >> 10 == 3) {
            return Err(Trap::illegal(raw));
        }
        Ok(())
    }

    /// Read a CSR (the read half of a CSR instruction).
    pub fn csr_read(&self, csr: u16, write: bool, raw: u32) -> Result<u64, Trap> {
        use addr::*;
        self.csr_check(csr, write, raw)?;
        let ill = Err(Trap::illegal(raw));
        let c = &self.csr;
        Ok(match csr {
            FFLAGS | FRM | FCSR if self.fs_off() => return ill,
            FFLAGS => c.fflags,
            FRM => c.frm,
            FCSR => c.fflags | (c.frm << 5),
            CYCLE..=HPMCOUNTER31 => {
                let idx = csr - CYCLE;
                if !self.counter_allowed(idx) {
                    return ill;
                }
                match csr {
                    CYCLE => self.instret.wrapping_add(c.cycle_offset),
                    TIME => self.time(),
                    INSTRET => self.instret,
                    _ => 0,
                }
            }
            SSTATUS => self.mstatus() & mstatus::S_VISIBLE,
            SIE => c.mie & c.mideleg,
            STVEC => c.stvec,
            SCOUNTEREN => c.scounteren,
            SENVCFG => c.senvcfg,
            SSCRATCH => c.sscratch,
            SEPC => c.sepc,
            SCAUSE => c.scause,
            STVAL => c.stval,
            SIP => self.mip() & c.mideleg,
            STIMECMP => {
                if self.prv == Priv::S && (c.menvcfg & MENVCFG_STCE == 0 || c.mcounteren & 2 == 0) {
                    return ill;
                }
                c.stimecmp
            }
            SATP => {
                if self.prv == Priv::S && c.mstatus & mstatus::TVM != 0 {
                    return ill;
                }
                c.satp
            }
            MSTATUS => self.mstatus(),
            MISA => MISA_VALUE,
            MEDELEG => c.medeleg,
            MIDELEG => c.mideleg,
            MIE => c.mie,
            MTVEC => c.mtvec,
            MCOUNTEREN => c.mcounteren,
            MENVCFG => c.menvcfg,
            MCOUNTINHIBIT => c.mcountinhibit,
            MHPMEVENT3..=MHPMEVENT31 => 0,
            MSCRATCH => c.mscratch,
            MEPC => c.mepc,
            MCAUSE => c.mcause,
            MTVAL => c.mtval,
            MIP => self.mip(),
            PMPCFG0..=PMPCFG15 => {
                if csr & 1 != 0 {
                    return ill;
                }
                let first = ((csr - PMPCFG0) * 4) as usize;
                let mut v = 0u64;
                for i in 0..8 {
                    if let Some(b) = c.pmpcfg.get(first + i) {
                        v |= (*b as u64) << (8 * i);
                    }
                }
                v
            }
            PMPADDR0..=PMPADDR63 => c
                .pmpaddr
                .get((csr - PMPADDR0) as usize)
                .copied()
                .unwrap_or(0),
            MSECCFG => 0,
            TSELECT => c.tselect,
            TDATA1..=TDATA3 => 0,
            TINFO => 1,
            MCYCLE => self.instret.wrapping_add(c.cycle_offset),
            MINSTRET => self.instret,
            MHPMCOUNTER3..=MHPMCOUNTER31 => 0,
            MVENDORID | MARCHID | MIMPID | MCONFIGPTR => 0,
            MHARTID => self.hartid,
            _ => return ill,
        })
    }

    /// Write a CSR (the write half of a CSR instruction). The read half has
    /// already run `csr_read` with `write = true`, so access is checked.
    pub fn csr_write(&mut self, csr: u16, v: u64) -> CsrEffect {
        use addr::*;
        let mut effect = CsrEffect::None;
        let c = &mut self.csr;
        match csr {
            FFLAGS => {
                c.fflags = v & 0x1f;
                self.set_fs_dirty();
            }
            FRM => {
                c.frm = v & 7;
                self.set_fs_dirty();
            }
            FCSR => {
                c.fflags = v & 0x1f;
                c.frm = (v >> 5) & 7;
                self.set_fs_dirty();
            }
            SSTATUS => {
                let m = (c.mstatus & !mstatus::S_WRITABLE) | (v & mstatus::S_WRITABLE);
                effect = self.set_mstatus(m);
            }
            SIE => c.mie = (c.mie & !c.mideleg) | (v & c.mideleg & irq::ALL),
            STVEC => c.stvec = legal_tvec(c.stvec, v),
            SCOUNTEREN => c.scounteren = v & 0xffff_ffff,
            SENVCFG => c.senvcfg = v & ENVCFG_FIOM,
            SSCRATCH => c.sscratch = v,
            SEPC => c.sepc = v & !1,
            SCAUSE => c.scause = v,
            STVAL => c.stval = v,
            SIP => {
                let mask = irq::SSI & c.mideleg;
                c.mip = (c.mip & !mask) | (v & mask);
            }
            STIMECMP => c.stimecmp = v,
            SATP => {
                let mode = v >> 60;
                if matches!(mode, 0 | 8 | 9 | 10) {
                    // PPN 44 bits, ASID_MASK of the ASID's 16.
                    let old = c.satp;
                    c.satp = if mode == 0 {
                        0
                    } else {
                        v & (0xf000_0000_0000_0000 | ASID_MASK << 44 | ((1 << 44) - 1))
                    };
                    // TLB entries carry their ASID: a switch to another
                    // address space keeps them. Another mode, or other
                    // tables under the same ASID, start afresh.
                    let same_asid = ((old ^ c.satp) >> 44) & ASID_MASK == 0;
                    if (old ^ c.satp) >> 60 != 0 || (same_asid && old != c.satp) {
                        self.flush_tlb();
                        effect = CsrEffect::FlushedTlb;
                    }
                }
            }
            MSTATUS => effect = self.set_mstatus(v),
            MISA => {}
            MEDELEG => c.medeleg = v & MEDELEG_MASK,
            MIDELEG => c.mideleg = v & irq::S_ALL,
            MIE => c.mie = v & irq::ALL,
            MTVEC => c.mtvec = legal_tvec(c.mtvec, v),
            MCOUNTEREN => c.mcounteren = v & 0xffff_ffff,
            MENVCFG => c.menvcfg = v & (ENVCFG_FIOM | MENVCFG_STCE),
            MCOUNTINHIBIT => c.mcountinhibit = v & 0xffff_fffd,
            MSCRATCH => c.mscratch = v,
            MEPC => c.mepc = v & !1,
            MCAUSE => c.mcause = v,
            MTVAL => c.mtval = v,
            MIP => {
                let mut mask = irq::SSI | irq::SEI;
                if c.menvcfg & MENVCFG_STCE == 0 {
                    mask |= irq::STI;
                }
                c.mip = (c.mip & !mask) | (v & mask);
            }
            PMPCFG0..=PMPCFG15 => {
                let first = ((csr - PMPCFG0) * 4) as usize;
                for i in 0..8 {
                    let idx = first + i;
                    if idx >= PMP_ENTRIES || c.pmpcfg[idx] & crate::pmp::L != 0 {
                        continue;
                    }
                    let mut b = (v >> (8 * i)) as u8 & 0x9f;
                    // R=0, W=1 is reserved: drop W.
                    if b & crate::pmp::R == 0 {
                        b &= !crate::pmp::W;
                    }
                    c.pmpcfg[idx] = b;
                }
                self.flush_tlb();
                self.tlb.flush_pmp();
                effect = CsrEffect::FlushedTlb;
            }
            PMPADDR0..=PMPADDR63 => {
                let idx = (csr - PMPADDR0) as usize;
                if idx < PMP_ENTRIES && !crate::pmp::addr_locked(&c.pmpcfg, idx) {
                    c.pmpaddr[idx] = v & ((1 << 54) - 1);
                    self.flush_tlb();
                    self.tlb.flush_pmp();
                    effect = CsrEffect::FlushedTlb;
                }
            }
            TSELECT => c.tselect = 0,
            MCYCLE => c.cycle_offset = v.wrapping_sub(self.instret).wrapping_sub(1),
            // The instruction's own retirement is counted after this write,
            // so store one less: the next instruction reads `v`.
            MINSTRET => {
                let delta = v.wrapping_sub(self.instret).wrapping_sub(1);
                self.instret = v.wrapping_sub(1);
                c.cycle_offset = c.cycle_offset.wrapping_sub(delta);
            }
            _ => {}
        }
        effect
    }

    /// Install a new mstatus value (legalizing WARL fields).
    pub fn set_mstatus(&mut self, v: u64) -> CsrEffect {
        let old = self.csr.mstatus;
        let mut new = (old & !mstatus::M_WRITABLE) | (v & mstatus::M_WRITABLE);
        // MPP = 2 is reserved: keep the old value.
        if (new & mstatus::MPP) >> mstatus::MPP_SHIFT == 2 {
            new = (new & !mstatus::MPP) | (old & mstatus::MPP);
        }
        self.csr.mstatus = new;
        // SUM is part of the data TLB entries' tag (`Hart::data_tag_prv`).
        let tlb_bits = mstatus::MPRV | mstatus::MPP | mstatus::MXR;
        if (old ^ new) & tlb_bits != 0 {
            self.flush_tlb();
            CsrEffect::FlushedTlb
        } else {
            CsrEffect::None
        }
    }

    /// Mark the FP state dirty (mstatus.FS = 3).
    #[inline]
    pub fn set_fs_dirty(&mut self) {
        self.csr.mstatus |= mstatus::FS;
    }
}

/// Legalize an xtvec write: modes 0 and 1 are supported; a write with a
/// reserved mode is ignored.
fn legal_tvec(old: u64, v: u64) -> u64 {
    match v & 3 {
        0 | 1 => v,
        _ => old,
    }
}
