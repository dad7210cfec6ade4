//! The reset ROM: a few instructions that pass the hart id, the DTB address
//! and a `fw_dynamic_info` block to the firmware and jump to it (the same
//! layout as QEMU's `virt` reset vector).

use emu_core::bus::MmioDevice;
use emu_core::ram::Ram;

/// `fw_dynamic_info.magic` ("OSBI").
pub const FW_DYNAMIC_MAGIC: u64 = 0x4942_534f;
/// `fw_dynamic_info.version`.
pub const FW_DYNAMIC_VERSION: u64 = 2;
/// `fw_dynamic_info.next_mode` for S-mode.
pub const NEXT_MODE_S: u64 = 1;

/// A read-only memory region.
#[derive(Debug)]
pub struct Rom {
    data: Vec<u8>,
}

impl Rom {
    /// The reset vector: jump to `start` with a0 = mhartid, a1 = `fdt`,
    /// a2 = address of a `fw_dynamic_info` telling the firmware to enter
    /// `next` in S-mode.
    pub fn reset_vector(start: u64, fdt: u64, next: u64) -> Self {
        let code: [u32; 6] = [
            0x0000_0297, // auipc t0, 0
            0x0282_8613, // addi  a2, t0, 40   (fw_dynamic_info)
            0xf140_2573, // csrr  a0, mhartid
            0x0202_b583, // ld    a1, 32(t0)   (fdt)
            0x0182_b283, // ld    t0, 24(t0)   (start)
            0x0002_8067, // jr    t0
        ];
        let mut data = Vec::new();
        for w in code {
            data.extend_from_slice(&w.to_le_bytes());
        }
        // 24: start, 32: fdt, 40: fw_dynamic_info
        for v in [
            start,
            fdt,
            FW_DYNAMIC_MAGIC,
            FW_DYNAMIC_VERSION,
            next,
            NEXT_MODE_S,
            0,        // options
            u64::MAX, // boot_hart: any (lottery)
        ] {
            data.extend_from_slice(&v.to_le_bytes());
        }
        Rom { data }
    }

    /// The ROM bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.data
    }
}

impl MmioDevice for Rom {
    fn name(&self) -> &str {
        "rom"
    }

    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        let mut v = 0u64;
        for i in 0..size as u64 {
            let b = offset
                .checked_add(i)
                .and_then(|o| self.data.get(o as usize))
                .copied()
                .unwrap_or(0);
            v |= (b as u64) << (8 * i);
        }
        Some(v)
    }

    fn write(&mut self, _offset: u64, _size: u8, _value: u64, _ram: &mut Ram) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let mut r = Rom::reset_vector(0x8000_0000, 0x8fe0_0000, 0x8020_0000);
        assert_eq!(r.read(0, 4), Some(0x297));
        assert_eq!(r.read(24, 8), Some(0x8000_0000));
        assert_eq!(r.read(32, 8), Some(0x8fe0_0000));
        assert_eq!(r.read(40, 8), Some(FW_DYNAMIC_MAGIC));
        assert_eq!(r.read(56, 8), Some(0x8020_0000));
        assert_eq!(r.read(0xffc, 8), Some(0));
        let mut ram = Ram::new(0x8000_0000, 4096).unwrap();
        assert!(!r.write(0, 4, 0, &mut ram));
    }
}
