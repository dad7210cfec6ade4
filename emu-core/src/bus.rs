//! The physical bus: guest RAM plus a sorted list of MMIO regions.
//!
//! The bus decodes addresses; a device sees only offsets within its region.
//! Accesses to nothing fail (the hart turns that into an access fault).

use crate::ram::Ram;
use std::fmt;

/// A memory-mapped device. It sees only offsets into its own region and
/// access sizes of 1, 2, 4 or 8 bytes. Returning `None` from `read` or
/// `false` from `write` signals an access the device rejects (the hart
/// raises an access fault).
///
/// Devices that do DMA (virtio) get guest RAM in `write` and `tick`; every
/// RAM access they make is range-checked by [`Ram`].
pub trait MmioDevice: Send {
    /// A short name for logs and errors.
    fn name(&self) -> &str;
    /// Read `size` bytes at `offset`; the value is zero-extended.
    fn read(&mut self, offset: u64, size: u8) -> Option<u64>;
    /// Write the low `size` bytes of `value` at `offset`.
    fn write(&mut self, offset: u64, size: u8, value: u64, ram: &mut Ram) -> bool;
    /// Called periodically by the machine loop with the current `mtime`
    /// so devices can update interrupt lines or finish work. Default:
    /// nothing.
    fn tick(&mut self, _mtime: u64, _ram: &mut Ram) {}
    /// Make everything the device has accepted durable (disk images are
    /// synced to the host disk). Called when the machine stops.
    fn flush(&mut self) {}
    /// The next `mtime` at which this device will raise an interrupt, if
    /// it knows one (lets an idle machine skip ahead). Default: none.
    fn next_deadline(&self) -> Option<u64> {
        None
    }
}

struct Region {
    base: u64,
    size: u64,
    dev: Box<dyn MmioDevice>,
}

/// Error building the bus.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// Two regions overlap.
    #[error("MMIO region {new} at {base:#x}+{size:#x} overlaps {old}")]
    Overlap {
        /// the region being added
        new: String,
        /// the region it collides with
        old: String,
        /// base of the new region
        base: u64,
        /// size of the new region
        size: u64,
    },
}

/// The physical address space of one machine.
pub struct Bus {
    /// Guest RAM.
    pub ram: Ram,
    regions: Vec<Region>,
}

impl fmt::Debug for Bus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Bus");
        d.field("ram_base", &self.ram.base());
        d.field("ram_size", &self.ram.size());
        for r in &self.regions {
            d.field(r.dev.name(), &format_args!("{:#x}+{:#x}", r.base, r.size));
        }
        d.finish()
    }
}

impl Bus {
    /// A bus with the given RAM and no devices.
    pub fn new(ram: Ram) -> Self {
        Bus {
            ram,
            regions: Vec::new(),
        }
    }

    /// Map a device at `base..base+size`. Overlaps with RAM or another
    /// region are rejected.
    pub fn add(&mut self, base: u64, size: u64, dev: Box<dyn MmioDevice>) -> Result<(), BusError> {
        let end = base.saturating_add(size);
        let overlaps = |b: u64, s: u64| base < b.saturating_add(s) && b < end;
        if overlaps(self.ram.base(), self.ram.size()) {
            return Err(BusError::Overlap {
                new: dev.name().to_string(),
                old: "RAM".into(),
                base,
                size,
            });
        }
        if let Some(r) = self.regions.iter().find(|r| overlaps(r.base, r.size)) {
            return Err(BusError::Overlap {
                new: dev.name().to_string(),
                old: r.dev.name().to_string(),
                base,
                size,
            });
        }
        let pos = self.regions.partition_point(|r| r.base < base);
        self.regions.insert(pos, Region { base, size, dev });
        Ok(())
    }

    fn find(&mut self, addr: u64, size: u8) -> Option<(&mut Region, u64)> {
        let idx = self.regions.partition_point(|r| r.base <= addr);
        if idx == 0 {
            return None;
        }
        let r = &mut self.regions[idx - 1];
        let off = addr - r.base;
        if off.checked_add(size as u64)? <= r.size {
            Some((r, off))
        } else {
            None
        }
    }

    /// Is `addr..addr+size` backed by an MMIO device?
    pub fn is_mmio(&mut self, addr: u64, size: u8) -> bool {
        self.find(addr, size).is_some()
    }

    /// Physical read of 1, 2, 4 or 8 bytes (zero-extended). `None` if
    /// nothing is there.
    pub fn read(&mut self, addr: u64, size: u8) -> Option<u64> {
        if let Some(off) = self.ram.offset_of(addr, size as u64) {
            return Some(self.ram.read_sized(off, size));
        }
        let (r, off) = self.find(addr, size)?;
        r.dev.read(off, size)
    }

    /// Physical write of 1, 2, 4 or 8 bytes. `false` if nothing is there.
    pub fn write(&mut self, addr: u64, size: u8, value: u64) -> bool {
        if let Some(off) = self.ram.offset_of(addr, size as u64) {
            self.ram.write_sized(off, size, value);
            return true;
        }
        let idx = self.regions.partition_point(|r| r.base <= addr);
        if idx == 0 {
            return false;
        }
        let r = &mut self.regions[idx - 1];
        let off = addr - r.base;
        match off.checked_add(size as u64) {
            Some(end) if end <= r.size => r.dev.write(off, size, value, &mut self.ram),
            _ => false,
        }
    }

    /// The earliest deadline any device reports.
    pub fn next_deadline(&self) -> Option<u64> {
        self.regions
            .iter()
            .filter_map(|r| r.dev.next_deadline())
            .min()
    }

    /// Flush every device (see [`MmioDevice::flush`]).
    pub fn flush(&mut self) {
        for r in &mut self.regions {
            r.dev.flush();
        }
    }

    /// Let every device observe the current time.
    pub fn tick(&mut self, mtime: u64) {
        for r in &mut self.regions {
            r.dev.tick(mtime, &mut self.ram);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Scratch {
        regs: [u64; 4],
    }
    impl MmioDevice for Scratch {
        fn name(&self) -> &str {
            "scratch"
        }
        fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
            (size == 8).then(|| self.regs[(offset / 8) as usize])
        }
        fn write(&mut self, offset: u64, size: u8, value: u64, _ram: &mut Ram) -> bool {
            if size != 8 {
                return false;
            }
            self.regs[(offset / 8) as usize] = value;
            true
        }
    }

    #[test]
    fn ram_and_mmio_dispatch() {
        let mut bus = Bus::new(Ram::new(0x8000_0000, 1 << 20).unwrap());
        bus.add(0x1000_0000, 32, Box::new(Scratch { regs: [0; 4] }))
            .unwrap();
        assert!(bus.write(0x8000_0010, 4, 0xdead_beef));
        assert_eq!(bus.read(0x8000_0010, 4), Some(0xdead_beef));
        assert_eq!(bus.read(0x8000_0010, 2), Some(0xbeef));
        assert!(bus.write(0x1000_0008, 8, 42));
        assert_eq!(bus.read(0x1000_0008, 8), Some(42));
        // wrong size rejected by the device, past the end rejected by the bus
        assert_eq!(bus.read(0x1000_0008, 4), None);
        assert_eq!(bus.read(0x1000_001c, 8), None);
        assert_eq!(bus.read(0x2000_0000, 4), None);
        assert!(!bus.write(0x7fff_fffc, 8, 0));
        assert_eq!(bus.read(0x8000_0000 + (1 << 20) - 4, 8), None);
    }

    #[test]
    fn overlap_rejected() {
        let mut bus = Bus::new(Ram::new(0x8000_0000, 1 << 20).unwrap());
        bus.add(0x1000, 0x1000, Box::new(Scratch { regs: [0; 4] }))
            .unwrap();
        assert!(bus
            .add(0x1800, 0x1000, Box::new(Scratch { regs: [0; 4] }))
            .is_err());
        assert!(bus
            .add(0x8000_0000, 0x10, Box::new(Scratch { regs: [0; 4] }))
            .is_err());
    }
}
