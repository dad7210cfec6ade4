//! Guest RAM: one anonymous `memmap2` mapping.
//!
//! Every access is bounds-checked against the mapping before the single
//! unsafe pointer operation, so no guest-controlled offset can reach host
//! memory outside it. RAM also tracks which physical pages hold decoded or
//! translated code: a write to such a page records the page as dirty so the
//! engines can drop their stale blocks.

use memmap2::MmapMut;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Error creating guest RAM.
#[derive(Debug, thiserror::Error)]
pub enum RamError {
    /// The host could not map that much memory.
    #[error("cannot map {size} bytes of guest RAM: {source} (try a smaller --mem)")]
    Map {
        /// requested size
        size: u64,
        /// the host error
        source: std::io::Error,
    },
    /// A zero size or one that is not a multiple of 4 KiB.
    #[error("guest RAM size {0} bytes is not a non-zero multiple of 4 KiB")]
    BadSize(u64),
    /// More than the emulator supports.
    #[error("guest RAM size {0} bytes is more than the 1 TiB the emulator supports; use a smaller --mem")]
    TooLarge(u64),
}

/// Guest RAM at a physical base address.
pub struct Ram {
    map: MmapMut,
    base: u64,
    size: u64,
    /// One bit per 4 KiB page: the page holds cached code.
    code_pages: Vec<AtomicU64>,
    /// Number of code-page writes logged so far (see [`Ram::code_seq`]).
    code_seq: AtomicU64,
    code_log: Mutex<CodeLog>,
}

/// The log of code pages written, which every consumer (each hart's block
/// cache, the JIT's translations) reads from its own position.
#[derive(Default)]
struct CodeLog {
    /// Sequence number of `pages[0]`.
    first: u64,
    pages: Vec<u64>,
}

/// Entries kept in the code-write log; a consumer that falls further
/// behind must drop all of its cached code.
const CODE_LOG_MAX: usize = 4096;

/// What a consumer of the code-write log must drop.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeWrites {
    /// The code of these physical pages.
    Pages(Vec<u64>),
    /// Everything (it fell behind the bounded log).
    All,
}

impl std::fmt::Debug for Ram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ram({:#x}+{:#x})", self.base, self.size)
    }
}

impl Ram {
    /// Map `size` bytes of zeroed RAM at physical address `base`.
    pub fn new(base: u64, size: u64) -> Result<Self, RamError> {
        if size > (1 << 40) {
            return Err(RamError::TooLarge(size));
        }
        if size == 0 || !size.is_multiple_of(4096) {
            return Err(RamError::BadSize(size));
        }
        let map =
            MmapMut::map_anon(size as usize).map_err(|source| RamError::Map { size, source })?;
        let pages = size / 4096;
        let words = pages.div_ceil(64) as usize;
        Ok(Ram {
            map,
            base,
            size,
            code_pages: (0..words).map(|_| AtomicU64::new(0)).collect(),
            code_seq: AtomicU64::new(0),
            code_log: Mutex::new(CodeLog::default()),
        })
    }

    /// Physical base address.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Offset of `addr..addr+len` in RAM, if the whole range is RAM.
    #[inline(always)]
    pub fn offset_of(&self, addr: u64, len: u64) -> Option<u64> {
        let off = addr.wrapping_sub(self.base);
        if off < self.size && len <= self.size - off {
            Some(off)
        } else {
            None
        }
    }

    /// The whole RAM as bytes (for loaders and device DMA reads).
    pub fn as_slice(&self) -> &[u8] {
        &self.map
    }

    /// Read `N` bytes at `off`. Panics only on an out-of-range offset, which
    /// callers rule out with [`Ram::offset_of`].
    #[inline(always)]
    fn read_n<const N: usize>(&self, off: u64) -> [u8; N] {
        let off = off as usize;
        assert!(off <= self.map.len() && N <= self.map.len() - off);
        let mut out = [0u8; N];
        // SAFETY: the range off..off+N was checked to lie inside the mapping
        // just above; the mapping lives as long as `self`; u8 has no
        // alignment requirement.
        unsafe {
            std::ptr::copy_nonoverlapping(self.map.as_ptr().add(off), out.as_mut_ptr(), N);
        }
        out
    }

    #[inline(always)]
    fn write_n<const N: usize>(&mut self, off: u64, bytes: [u8; N]) {
        let o = off as usize;
        assert!(o <= self.map.len() && N <= self.map.len() - o);
        // SAFETY: the range o..o+N was checked to lie inside the mapping just
        // above; we hold `&mut self`, so no other reference aliases it.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.map.as_mut_ptr().add(o), N);
        }
        self.note_write(off, N as u64);
    }

    /// Read a little-endian value of `size` (1, 2, 4, 8) bytes at `off`.
    #[inline(always)]
    pub fn read_sized(&self, off: u64, size: u8) -> u64 {
        match size {
            1 => self.read_n::<1>(off)[0] as u64,
            2 => u16::from_le_bytes(self.read_n(off)) as u64,
            4 => u32::from_le_bytes(self.read_n(off)) as u64,
            _ => u64::from_le_bytes(self.read_n(off)),
        }
    }

    /// Write the low `size` bytes of `value` at `off`, little-endian.
    #[inline(always)]
    pub fn write_sized(&mut self, off: u64, size: u8, value: u64) {
        match size {
            1 => self.write_n(off, [value as u8]),
            2 => self.write_n(off, (value as u16).to_le_bytes()),
            4 => self.write_n(off, (value as u32).to_le_bytes()),
            _ => self.write_n(off, value.to_le_bytes()),
        }
    }

    /// Read a 16-bit instruction parcel.
    #[inline(always)]
    pub fn read_u16(&self, off: u64) -> u16 {
        u16::from_le_bytes(self.read_n(off))
    }

    /// Copy bytes into RAM at `off` (loaders, DMA). Range-checked.
    pub fn write_bytes(&mut self, off: u64, data: &[u8]) -> bool {
        let o = off as usize;
        if o > self.map.len() || data.len() > self.map.len() - o {
            return false;
        }
        self.map[o..o + data.len()].copy_from_slice(data);
        self.note_write(off, data.len() as u64);
        true
    }

    /// Copy bytes out of RAM at `off`. Range-checked.
    pub fn read_bytes(&self, off: u64, out: &mut [u8]) -> bool {
        let o = off as usize;
        if o > self.map.len() || out.len() > self.map.len() - o {
            return false;
        }
        out.copy_from_slice(&self.map[o..o + out.len()]);
        true
    }

    /// Host address of RAM offset 0, for translated code's inline loads
    /// and stores. Translated code uses it only with page offsets from TLB
    /// entries (filled from [`Ram::offset_of`]-checked whole pages) plus an
    /// in-page offset, and stores inline only to pages whose code bit is
    /// clear (see [`Ram::code_bit`]).
    pub fn host_addr(&mut self) -> usize {
        self.map.as_mut_ptr() as usize
    }

    /// Host address of the code-bitmap word of the page holding RAM offset
    /// `off`, and the page's bit in it. The bitmap has one `u64` word per
    /// 64 pages; a page's bit is set while it holds cached code (a store to
    /// it must go through [`Ram::write_sized`] so the code is invalidated),
    /// so TLB entries carry both for translated code's inline stores.
    pub fn code_bit(&self, off: u64) -> Option<(usize, u64)> {
        let page = off / 4096;
        let w = self.code_pages.get((page / 64) as usize)?;
        Some((w.as_ptr() as usize, 1 << (page % 64)))
    }

    /// Mark the page holding RAM offset `off` as containing cached code.
    pub fn mark_code(&self, off: u64) {
        let page = off / 4096;
        if let Some(w) = self.code_pages.get((page / 64) as usize) {
            w.fetch_or(1 << (page % 64), Ordering::Relaxed);
        }
    }

    #[inline(always)]
    fn note_write(&self, off: u64, len: u64) {
        let first = off / 4096;
        let last = (off + len.max(1) - 1) / 4096;
        for page in first..=last {
            let Some(w) = self.code_pages.get((page / 64) as usize) else {
                continue;
            };
            let bit = 1u64 << (page % 64);
            if w.load(Ordering::Relaxed) & bit != 0 {
                w.fetch_and(!bit, Ordering::Relaxed);
                if let Ok(mut log) = self.code_log.lock() {
                    if log.pages.len() >= CODE_LOG_MAX {
                        let half = CODE_LOG_MAX / 2;
                        log.pages.drain(..half);
                        log.first += half as u64;
                    }
                    log.pages.push(self.base + page * 4096);
                    let seq = log.first + log.pages.len() as u64;
                    self.code_seq.store(seq, Ordering::Release);
                }
            }
        }
    }

    /// Position at the end of the code-write log: it changes whenever a
    /// page holding cached code is written (by any hart or device). A
    /// consumer whose last seen position differs calls
    /// [`Ram::code_writes_since`].
    #[inline(always)]
    pub fn code_seq(&self) -> u64 {
        self.code_seq.load(Ordering::Acquire)
    }

    /// The code pages written after log position `seen`, and the new
    /// position.
    pub fn code_writes_since(&self, seen: u64) -> (CodeWrites, u64) {
        match self.code_log.lock() {
            Ok(log) => {
                let end = log.first + log.pages.len() as u64;
                if seen < log.first || seen > end {
                    (CodeWrites::All, end)
                } else {
                    let from = (seen - log.first) as usize;
                    (CodeWrites::Pages(log.pages[from..].to_vec()), end)
                }
            }
            Err(_) => (CodeWrites::All, self.code_seq()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_write_and_bounds() {
        let mut ram = Ram::new(0x8000_0000, 8192).unwrap();
        ram.write_sized(8, 8, 0x1122_3344_5566_7788);
        assert_eq!(ram.read_sized(8, 8), 0x1122_3344_5566_7788);
        assert_eq!(ram.read_sized(9, 2), 0x6677);
        assert_eq!(ram.offset_of(0x8000_0000 + 8190, 2), Some(8190));
        assert_eq!(ram.offset_of(0x8000_0000 + 8190, 4), None);
        assert_eq!(ram.offset_of(0x7fff_ffff, 1), None);
        assert!(!ram.write_bytes(8190, &[1, 2, 3]));
        assert!(Ram::new(0, 100).is_err());
    }

    #[test]
    fn code_page_writes_are_reported() {
        let mut ram = Ram::new(0x8000_0000, 3 * 4096).unwrap();
        ram.mark_code(4096 + 12);
        ram.write_sized(0, 4, 1);
        assert_eq!(ram.code_seq(), 0);
        ram.write_sized(4096 + 100, 4, 1);
        assert_eq!(ram.code_seq(), 1);
        // Every consumer reads the log from its own position.
        let (w, seq) = ram.code_writes_since(0);
        assert_eq!(w, CodeWrites::Pages(vec![0x8000_1000]));
        assert_eq!(seq, 1);
        assert_eq!(ram.code_writes_since(1), (CodeWrites::Pages(vec![]), 1));
        // the mark is consumed by the first write
        ram.write_sized(4096 + 100, 4, 1);
        assert_eq!(ram.code_seq(), 1);
    }

    #[test]
    fn code_log_is_bounded() {
        let mut ram = Ram::new(0x8000_0000, 4096).unwrap();
        for _ in 0..CODE_LOG_MAX + 10 {
            ram.mark_code(0);
            ram.write_sized(0, 1, 1);
        }
        let end = ram.code_seq();
        assert_eq!(end, (CODE_LOG_MAX + 10) as u64);
        // A consumer that fell behind the log drops everything.
        assert_eq!(ram.code_writes_since(0), (CodeWrites::All, end));
        let (w, _) = ram.code_writes_since(end - 2);
        assert_eq!(w, CodeWrites::Pages(vec![0x8000_0000; 2]));
    }
}
