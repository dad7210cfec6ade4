//! SiFive CLINT (core-local interruptor) in the layout of QEMU's `virt`
//! board: an ACLINT MSWI device at offset 0 followed by an ACLINT MTIMER
//! at offset 0x4000, described to software as one `sifive,clint0`.
//!
//! Spec: SiFive FU540-C000 manual, chapter "Core Local Interruptor (CLINT)", RISC-V
//! ACLINT spec (MSWI §3, MTIMER §2); behavioural reference QEMU's
//! `hw/intc/riscv_aclint.c`.
//!
//! - `msip[h]` (32-bit, bit 0 writable) drives MSIP (mip bit 3) of hart
//!   `h`; its value lives in the hart's `irq_lines` atomic.
//! - `mtimecmp[h]` (64-bit, or two 32-bit halves) and the shared `mtime`
//!   drive MTIP (mip bit 7): MTIP = `mtime >= mtimecmp`, re-evaluated on
//!   every `mtimecmp`/`mtime` write and in [`MmioDevice::tick`].
//! - `mtime` reads the machine's shared `mtime` atomic; writes store it.
//!
//! Access sizes, as QEMU's `valid` ops: the MSWI part takes only aligned
//! 32-bit accesses, the MTIMER part aligned 32- or 64-bit accesses; other
//! sizes and misaligned accesses are rejected (access fault). Unused
//! offsets and harts that do not exist read as zero and ignore writes.

use emu_core::bus::MmioDevice;
use emu_core::csr::irq;
use emu_core::ram::Ram;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Device-tree `compatible` strings, most specific first (QEMU `virt`).
pub const COMPATIBLE: &[&str] = &["sifive,clint0", "riscv,clint0"];
/// Size of the MMIO region.
pub const SIZE: u64 = 0x1_0000;

/// `msip` registers, one 32-bit word per hart (ACLINT MSWI §3.1).
pub const MSIP_BASE: u64 = 0x0;
/// Distance between `msip` registers.
pub const MSIP_STRIDE: u64 = 4;
/// `msip` bit 0: the hart's machine software interrupt pending bit
/// (ACLINT MSWI §3.1; bits 31:1 are hardwired to zero).
pub const MSIP_BIT: u32 = 1 << 0;
/// End of the MSWI part; the MTIMER part starts here (QEMU `virt`).
pub const MTIMER_BASE: u64 = 0x4000;
/// `mtimecmp` registers, one 64-bit register per hart (ACLINT MTIMER §2.1).
pub const MTIMECMP_BASE: u64 = 0x4000;
/// Distance between `mtimecmp` registers.
pub const MTIMECMP_STRIDE: u64 = 8;
/// The `mtime` register (ACLINT MTIMER §2.1, SiFive CLINT offset 0xbff8).
pub const MTIME: u64 = 0xbff8;
/// Most harts the layout can address (`mtimecmp` ends below `mtime`).
pub const MAX_HARTS: usize = ((MTIME - MTIMECMP_BASE) / MTIMECMP_STRIDE) as usize;
/// Reset value of `mtimecmp`: never fires.
pub const MTIMECMP_RESET: u64 = u64::MAX;

/// The CLINT of one machine.
#[derive(Debug)]
pub struct Clint {
    harts: Vec<Arc<AtomicU64>>,
    mtimecmp: Vec<u64>,
    mtime: Arc<AtomicU64>,
    /// Accesses rejected or ignored (wrong size, alignment, reserved).
    guest_errors: u64,
}

/// Set or clear `bit` in a hart's interrupt lines, touching the atomic only
/// on a change.
fn drive(lines: &AtomicU64, bit: u64, on: bool) {
    let cur = lines.load(Ordering::Acquire);
    if (cur & bit != 0) != on {
        if on {
            lines.fetch_or(bit, Ordering::AcqRel);
        } else {
            lines.fetch_and(!bit, Ordering::AcqRel);
        }
    }
}

/// Replace the 32-bit half of `old` selected by `high` with `v`.
fn deposit32(old: u64, high: bool, v: u64) -> u64 {
    let v = v & 0xffff_ffff;
    if high {
        (old & 0xffff_ffff) | (v << 32)
    } else {
        (old & !0xffff_ffff) | v
    }
}

impl Clint {
    /// A CLINT for the harts whose interrupt lines are `harts_irq_lines`
    /// (index = hart id), sharing the machine's `mtime`. Harts past
    /// [`MAX_HARTS`] cannot be addressed and are ignored.
    pub fn new(mut harts_irq_lines: Vec<Arc<AtomicU64>>, mtime: Arc<AtomicU64>) -> Self {
        harts_irq_lines.truncate(MAX_HARTS);
        for l in &harts_irq_lines {
            l.fetch_and(!(irq::MSI | irq::MTI), Ordering::AcqRel);
        }
        let n = harts_irq_lines.len();
        Clint {
            harts: harts_irq_lines,
            mtimecmp: vec![MTIMECMP_RESET; n],
            mtime,
            guest_errors: 0,
        }
    }

    /// Number of harts.
    pub fn harts(&self) -> usize {
        self.harts.len()
    }

    /// `mtimecmp` of `hart`, if it exists.
    pub fn mtimecmp(&self, hart: usize) -> Option<u64> {
        self.mtimecmp.get(hart).copied()
    }

    /// Accesses the guest made that were rejected or hit nothing.
    pub fn guest_errors(&self) -> u64 {
        self.guest_errors
    }

    fn update_timer(&self, hart: usize, now: u64) {
        if let (Some(lines), Some(&cmp)) = (self.harts.get(hart), self.mtimecmp.get(hart)) {
            drive(lines, irq::MTI, now >= cmp);
        }
    }

    fn update_all_timers(&self, now: u64) {
        for h in 0..self.harts.len() {
            self.update_timer(h, now);
        }
    }

    /// Whether an access of `size` at `offset` is valid (see module docs).
    fn valid(offset: u64, size: u8) -> bool {
        if offset < MTIMER_BASE {
            size == 4 && offset.is_multiple_of(4)
        } else {
            offset < SIZE && matches!(size, 4 | 8) && offset.is_multiple_of(u64::from(size))
        }
    }

    fn read_reg(&mut self, offset: u64, size: u8) -> u64 {
        let wide = size == 8;
        let high = offset % 8 == 4;
        if offset < MTIMER_BASE {
            let hart = ((offset - MSIP_BASE) / MSIP_STRIDE) as usize;
            return match self.harts.get(hart) {
                Some(l) => u64::from(l.load(Ordering::Acquire) & irq::MSI != 0),
                None => {
                    self.guest_errors += 1;
                    0
                }
            };
        }
        let value = if offset >= MTIME + 8 {
            self.guest_errors += 1;
            return 0;
        } else if offset >= MTIME {
            self.mtime.load(Ordering::Acquire)
        } else {
            let hart = ((offset - MTIMECMP_BASE) / MTIMECMP_STRIDE) as usize;
            match self.mtimecmp.get(hart) {
                Some(&v) => v,
                None => {
                    self.guest_errors += 1;
                    return 0;
                }
            }
        };
        if wide {
            value
        } else if high {
            value >> 32
        } else {
            value & 0xffff_ffff
        }
    }

    fn write_reg(&mut self, offset: u64, size: u8, value: u64) {
        let wide = size == 8;
        let high = offset % 8 == 4;
        if offset < MTIMER_BASE {
            let hart = ((offset - MSIP_BASE) / MSIP_STRIDE) as usize;
            match self.harts.get(hart) {
                Some(l) => drive(l, irq::MSI, value as u32 & MSIP_BIT != 0),
                None => self.guest_errors += 1,
            }
            return;
        }
        if offset >= MTIME + 8 {
            self.guest_errors += 1;
            return;
        }
        if offset >= MTIME {
            let now = if wide {
                value
            } else {
                deposit32(self.mtime.load(Ordering::Acquire), high, value)
            };
            self.mtime.store(now, Ordering::Release);
            self.update_all_timers(now);
            return;
        }
        let hart = ((offset - MTIMECMP_BASE) / MTIMECMP_STRIDE) as usize;
        let Some(cmp) = self.mtimecmp.get_mut(hart) else {
            self.guest_errors += 1;
            return;
        };
        *cmp = if wide {
            value
        } else {
            deposit32(*cmp, high, value)
        };
        let now = self.mtime.load(Ordering::Acquire);
        self.update_timer(hart, now);
    }
}

impl MmioDevice for Clint {
    fn name(&self) -> &str {
        "clint"
    }

    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        if !Self::valid(offset, size) {
            self.guest_errors += 1;
            return None;
        }
        Some(self.read_reg(offset, size))
    }

    fn write(&mut self, offset: u64, size: u8, value: u64, _ram: &mut Ram) -> bool {
        if !Self::valid(offset, size) {
            self.guest_errors += 1;
            return false;
        }
        self.write_reg(offset, size, value);
        true
    }

    fn tick(&mut self, mtime: u64, _ram: &mut Ram) {
        self.update_all_timers(mtime);
    }

    /// The earliest `mtimecmp` still in the future. [`MTIMECMP_RESET`]
    /// (`u64::MAX`, "timer off" for OpenSBI) is never a deadline.
    fn next_deadline(&self) -> Option<u64> {
        let now = self.mtime.load(Ordering::Acquire);
        self.mtimecmp
            .iter()
            .copied()
            .filter(|&c| c > now && c != u64::MAX)
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rig {
        clint: Clint,
        lines: Vec<Arc<AtomicU64>>,
        mtime: Arc<AtomicU64>,
        ram: Ram,
    }

    fn rig(n: usize) -> Rig {
        let lines: Vec<_> = (0..n).map(|_| Arc::new(AtomicU64::new(0))).collect();
        let mtime = Arc::new(AtomicU64::new(0));
        Rig {
            clint: Clint::new(lines.clone(), mtime.clone()),
            lines,
            mtime,
            ram: Ram::new(0x8000_0000, 4096).unwrap(),
        }
    }

    impl Rig {
        fn line(&self, h: usize) -> u64 {
            self.lines[h].load(Ordering::SeqCst)
        }
        fn w(&mut self, off: u64, size: u8, v: u64) {
            assert!(self.clint.write(off, size, v, &mut self.ram));
        }
        fn r(&mut self, off: u64, size: u8) -> u64 {
            self.clint.read(off, size).unwrap()
        }
        fn tick(&mut self, t: u64) {
            self.mtime.store(t, Ordering::SeqCst);
            self.clint.tick(t, &mut self.ram);
        }
    }

    #[test]
    fn layout_matches_board() {
        assert_eq!(SIZE, crate::layout::CLINT_SIZE);
        assert_eq!(MAX_HARTS, 4095);
        assert_eq!(COMPATIBLE[0], "sifive,clint0");
    }

    #[test]
    fn msip_drives_bit3_per_hart() {
        let mut r = rig(2);
        r.lines[1].store(irq::SEI, Ordering::SeqCst);
        r.w(MSIP_BASE + 4, 4, 1);
        assert_eq!(r.line(1), irq::MSI | irq::SEI, "other bits untouched");
        assert_eq!(r.line(0), 0);
        assert_eq!(r.r(MSIP_BASE + 4, 4), 1);
        assert_eq!(r.r(MSIP_BASE, 4), 0);
        // Only bit 0 is writable.
        r.w(MSIP_BASE, 4, 0xffff_fffe);
        assert_eq!(r.line(0), 0);
        r.w(MSIP_BASE + 4, 4, 0);
        assert_eq!(r.line(1), irq::SEI);
        // Non-existent hart: reads zero, writes ignored.
        r.w(MSIP_BASE + 8, 4, 1);
        assert_eq!(r.r(MSIP_BASE + 8, 4), 0);
        // Wrong sizes are rejected in the MSWI part.
        assert_eq!(r.clint.read(MSIP_BASE, 8), None);
        assert_eq!(r.clint.read(MSIP_BASE, 1), None);
        assert!(!r.clint.write(MSIP_BASE, 2, 1, &mut r.ram));
        assert!(!r.clint.write(MSIP_BASE + 2, 4, 1, &mut r.ram));
    }

    #[test]
    fn mtimecmp_reset_never_fires() {
        let mut r = rig(1);
        assert_eq!(r.r(MTIMECMP_BASE, 8), u64::MAX);
        r.tick(u64::MAX - 1);
        assert_eq!(r.line(0), 0);
        assert_eq!(r.clint.next_deadline(), None);
    }

    #[test]
    fn mtip_follows_mtimecmp_and_mtime() {
        let mut r = rig(2);
        r.tick(1000);
        r.w(MTIMECMP_BASE + 8, 8, 1500);
        assert_eq!(r.line(1), 0);
        assert_eq!(r.clint.next_deadline(), Some(1500));
        r.tick(1499);
        assert_eq!(r.line(1), 0);
        r.tick(1500);
        assert_eq!(r.line(1), irq::MTI);
        assert_eq!(r.line(0), 0);
        assert_eq!(r.clint.next_deadline(), None, "1500 is no longer future");
        // Moving mtimecmp forward clears MTIP at once.
        r.w(MTIMECMP_BASE + 8, 8, 2000);
        assert_eq!(r.line(1), 0);
        // Moving it into the past sets it at once.
        r.w(MTIMECMP_BASE + 8, 8, 10);
        assert_eq!(r.line(1), irq::MTI);
        // A write to mtime re-evaluates all harts.
        r.w(MTIMECMP_BASE, 8, 5000);
        r.w(MTIME, 8, 5);
        assert_eq!(r.mtime.load(Ordering::SeqCst), 5);
        assert_eq!(r.line(1), 0);
        r.w(MTIME, 8, 6000);
        assert_eq!(r.line(0), irq::MTI);
        assert_eq!(r.line(1), irq::MTI);
        assert_eq!(r.r(MTIME, 8), 6000);
    }

    #[test]
    fn halves() {
        let mut r = rig(1);
        r.tick(0x1_0000_0000);
        // RV32-style update: high first to avoid a spurious interrupt.
        r.w(MTIMECMP_BASE + 4, 4, 0xffff_ffff);
        r.w(MTIMECMP_BASE, 4, 0x10);
        assert_eq!(r.r(MTIMECMP_BASE, 8), 0xffff_ffff_0000_0010);
        assert_eq!(r.line(0), 0);
        r.w(MTIMECMP_BASE + 4, 4, 0x1);
        assert_eq!(r.clint.mtimecmp(0), Some(0x1_0000_0010));
        assert_eq!(r.line(0), 0, "0x1_0000_0010 is still ahead of mtime");
        assert_eq!(r.r(MTIMECMP_BASE, 4), 0x10);
        assert_eq!(r.r(MTIMECMP_BASE + 4, 4), 1);
        r.w(MTIMECMP_BASE, 4, 0);
        assert_eq!(r.line(0), irq::MTI, "mtimecmp == mtime fires");
        // mtime halves
        r.w(MTIME, 4, 0xdead_beef);
        r.w(MTIME + 4, 4, 0x1234);
        assert_eq!(r.mtime.load(Ordering::SeqCst), 0x1234_dead_beef);
        assert_eq!(r.r(MTIME, 4), 0xdead_beef);
        assert_eq!(r.r(MTIME + 4, 4), 0x1234);
        // Misaligned 64-bit and narrow accesses are rejected.
        assert_eq!(r.clint.read(MTIMECMP_BASE + 4, 8), None);
        assert_eq!(r.clint.read(MTIME, 2), None);
        assert!(!r.clint.write(MTIME + 1, 1, 0, &mut r.ram));
        // Reserved MTIMER offsets (a non-existent hart's mtimecmp).
        r.w(MTIMECMP_BASE + 0x100, 8, 7);
        assert_eq!(r.r(MTIMECMP_BASE + 0x100, 8), 0);
        // Past mtime, up to the end of the region: reserved, not aliases.
        r.w(MTIME + 8, 8, 7);
        r.w(SIZE - 4, 4, 7);
        assert_eq!(r.r(MTIME + 8, 8), 0);
        assert_eq!(r.r(SIZE - 8, 8), 0);
        assert_eq!(r.mtime.load(Ordering::SeqCst), 0x1234_dead_beef);
    }

    #[test]
    fn deadline_is_smallest_future() {
        let mut r = rig(3);
        r.tick(100);
        r.w(MTIMECMP_BASE, 8, 900);
        r.w(MTIMECMP_BASE + 8, 8, 300);
        r.w(MTIMECMP_BASE + 16, 8, 50);
        assert_eq!(r.clint.next_deadline(), Some(300));
        r.tick(300);
        assert_eq!(r.clint.next_deadline(), Some(900));
        assert_eq!(r.line(0), 0);
        assert_eq!(r.line(1), irq::MTI);
        assert_eq!(r.line(2), irq::MTI);
    }

    #[test]
    fn hostile_accesses_never_panic() {
        let mut r = rig(2);
        for off in (0..SIZE + 16).chain([u64::MAX - 7, u64::MAX]) {
            for size in [1u8, 2, 4, 8, 0, 3] {
                let _ = r.clint.read(off, size);
                for v in [0, 1, u64::MAX, 0x8000_0000_0000_0001] {
                    let _ = r.clint.write(off, size, v, &mut r.ram);
                }
            }
        }
        r.clint.tick(u64::MAX, &mut r.ram);
        let _ = r.clint.next_deadline();
        let empty = Clint::new(Vec::new(), Arc::new(AtomicU64::new(0)));
        assert_eq!(empty.next_deadline(), None);
    }
}
