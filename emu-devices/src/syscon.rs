//! SiFive test finisher (`sifive,test0`), the `virt` board's syscon for
//! poweroff and reboot (Linux's `syscon-poweroff`/`syscon-reboot` and
//! OpenSBI's `fdt_reset_sifive_test` write it).
//!
//! Behavioural reference QEMU's `hw/misc/sifive_test.c`: a write to offset
//! 0 is decoded as a 16-bit status in bits 15:0 and a 16-bit code in bits
//! 31:16. PASS (0x5555) powers off, RESET (0x7777) reboots, FAIL (0x3333)
//! stops with the code; other values are ignored. The machine sees the
//! request in its stop flag as `emu_core::machine::stop::{POWEROFF,
//! REBOOT, FAIL | code << 16}`.
//!
//! Access sizes: as QEMU, 16- and 32-bit accesses are accepted (aligned);
//! 8- and 64-bit accesses are rejected. Reads return 0.

use emu_core::bus::MmioDevice;
use emu_core::machine::stop;
use emu_core::ram::Ram;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Device-tree `compatible` strings, most specific first (QEMU `virt`).
pub const COMPATIBLE: &[&str] = &["sifive,test1", "sifive,test0", "syscon"];
/// Size of the MMIO region.
pub const SIZE: u64 = 0x1000;
/// The finisher register (sifive_test.c: offset 0).
pub const FINISHER: u64 = 0x0;
/// Bits 15:0 of a finisher write: the status.
pub const STATUS_MASK: u32 = 0xffff;
/// Bits 31:16 of a finisher write: the exit code for FAIL.
pub const CODE_SHIFT: u32 = 16;
/// Status FINISHER_FAIL: stop with the code in bits 31:16.
pub const FINISHER_FAIL: u32 = 0x3333;
/// Status FINISHER_PASS: power off.
pub const FINISHER_PASS: u32 = 0x5555;
/// Status FINISHER_RESET: reboot.
pub const FINISHER_RESET: u32 = 0x7777;
/// Device-tree value of the `syscon-poweroff` node.
pub const POWEROFF_VALUE: u32 = FINISHER_PASS;
/// Device-tree value of the `syscon-reboot` node.
pub const REBOOT_VALUE: u32 = FINISHER_RESET;

/// The test finisher.
#[derive(Debug)]
pub struct Syscon {
    stop: Arc<AtomicU64>,
    guest_errors: u64,
}

impl Syscon {
    /// A finisher that reports through the machine's stop flag.
    pub fn new(stop: Arc<AtomicU64>) -> Self {
        Syscon {
            stop,
            guest_errors: 0,
        }
    }

    /// Writes that did nothing (other offsets or unknown status values).
    pub fn guest_errors(&self) -> u64 {
        self.guest_errors
    }

    fn valid(offset: u64, size: u8) -> bool {
        matches!(size, 2 | 4) && offset.is_multiple_of(u64::from(size)) && offset < SIZE
    }
}

impl MmioDevice for Syscon {
    fn name(&self) -> &str {
        "syscon"
    }

    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        Self::valid(offset, size).then_some(0)
    }

    fn write(&mut self, offset: u64, size: u8, value: u64, _ram: &mut Ram) -> bool {
        if !Self::valid(offset, size) {
            return false;
        }
        let v = if size == 2 {
            value as u32 & 0xffff
        } else {
            value as u32
        };
        let request = if offset == FINISHER {
            let code = u64::from(v >> CODE_SHIFT);
            match v & STATUS_MASK {
                FINISHER_PASS => Some(stop::POWEROFF),
                FINISHER_RESET => Some(stop::REBOOT),
                FINISHER_FAIL => Some(stop::FAIL | (code << 16)),
                _ => None,
            }
        } else {
            None
        };
        match request {
            Some(r) => self.stop.store(r, Ordering::Release),
            None => self.guest_errors += 1,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rig() -> (Syscon, Arc<AtomicU64>, Ram) {
        let flag = Arc::new(AtomicU64::new(0));
        (
            Syscon::new(flag.clone()),
            flag,
            Ram::new(0x8000_0000, 4096).unwrap(),
        )
    }

    #[test]
    fn layout_matches_board() {
        assert_eq!(SIZE, crate::layout::SYSCON_SIZE);
    }

    #[test]
    fn codes() {
        let (mut s, flag, mut ram) = rig();
        assert!(s.write(FINISHER, 4, 0x5555, &mut ram));
        assert_eq!(flag.swap(0, Ordering::SeqCst), stop::POWEROFF);
        assert!(s.write(FINISHER, 4, 0x7777, &mut ram));
        assert_eq!(flag.swap(0, Ordering::SeqCst), stop::REBOOT);
        assert!(s.write(FINISHER, 4, 0x3333 | (42 << 16), &mut ram));
        assert_eq!(flag.swap(0, Ordering::SeqCst), stop::FAIL | (42 << 16));
        assert!(s.write(FINISHER, 4, 0xffff_3333, &mut ram));
        assert_eq!(flag.swap(0, Ordering::SeqCst), stop::FAIL | (0xffff << 16));
        // The status is the low 16 bits only; the code rides along.
        assert!(s.write(FINISHER, 4, 0x0001_5555, &mut ram));
        assert_eq!(flag.swap(0, Ordering::SeqCst), stop::POWEROFF);
        // A 16-bit write works too (as QEMU).
        assert!(s.write(FINISHER, 2, 0x7777, &mut ram));
        assert_eq!(flag.swap(0, Ordering::SeqCst), stop::REBOOT);
        // Bits above 31 are not part of a 32-bit write.
        assert!(s.write(FINISHER, 4, 0x1_0000_0000, &mut ram));
        assert_eq!(flag.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn other_values_and_offsets_ignored() {
        let (mut s, flag, mut ram) = rig();
        for v in [0, 1, 0x5554, 0x4444, 0x3334, 0x7777_0000] {
            assert!(s.write(FINISHER, 4, v, &mut ram));
        }
        assert!(s.write(4, 4, 0x5555, &mut ram));
        assert!(s.write(0xffc, 4, 0x5555, &mut ram));
        assert_eq!(flag.load(Ordering::SeqCst), 0);
        assert_eq!(s.guest_errors(), 8);
        assert_eq!(s.read(FINISHER, 4), Some(0));
        assert_eq!(s.read(2, 2), Some(0));
        // 8- and 64-bit accesses, misaligned ones: rejected.
        assert_eq!(s.read(FINISHER, 8), None);
        assert_eq!(s.read(FINISHER, 1), None);
        assert!(!s.write(FINISHER, 8, 0x5555, &mut ram));
        assert!(!s.write(FINISHER, 1, 0x55, &mut ram));
        assert!(!s.write(2, 4, 0x5555, &mut ram));
        assert_eq!(flag.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn hostile_accesses_never_panic() {
        let (mut s, flag, mut ram) = rig();
        for off in (0..SIZE + 16).chain([u64::MAX - 3, u64::MAX]) {
            for size in [1u8, 2, 4, 8, 0, 3] {
                let _ = s.read(off, size);
                for v in [0, 0x3333, 0x5555, 0x7777, u64::MAX] {
                    let _ = s.write(off, size, v, &mut ram);
                    flag.store(0, Ordering::SeqCst);
                }
            }
        }
        s.tick(u64::MAX, &mut ram);
        assert_eq!(s.next_deadline(), None);
    }
}
