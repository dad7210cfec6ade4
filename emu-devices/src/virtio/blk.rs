//! virtio-blk over a raw image file (virtio 1.x section 5.2).
//!
//! Requests are served synchronously with positioned reads and writes on
//! the image, so a write the guest saw completed is in the host's page
//! cache (it survives the emulator being killed); FLUSH, [`SyncHandle`],
//! [`VirtioDevice::flush`] and `Drop` push it to the disk with
//! `File::sync_data`/`sync_all`. The image is locked (`flock`, shared when
//! read-only) so two emulators cannot write one image.

use super::queue::{DescChain, Queue};
use super::{VirtioDevice, VIRTIO_ID_BLOCK};
use emu_core::ram::Ram;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Feature: config `seg_max` is valid (5.2.3).
pub const VIRTIO_BLK_F_SEG_MAX: u64 = 1 << 2;
/// Feature: the device is read-only (5.2.3).
pub const VIRTIO_BLK_F_RO: u64 = 1 << 5;
/// Feature: config `blk_size` is valid (5.2.3).
pub const VIRTIO_BLK_F_BLK_SIZE: u64 = 1 << 6;
/// Feature: the FLUSH command is supported (5.2.3).
pub const VIRTIO_BLK_F_FLUSH: u64 = 1 << 9;

/// Request type: read (5.2.6).
pub const VIRTIO_BLK_T_IN: u32 = 0;
/// Request type: write (5.2.6).
pub const VIRTIO_BLK_T_OUT: u32 = 1;
/// Request type: flush (5.2.6).
pub const VIRTIO_BLK_T_FLUSH: u32 = 4;
/// Request type: device ID string (5.2.6).
pub const VIRTIO_BLK_T_GET_ID: u32 = 8;

/// Request status: success (5.2.6).
pub const VIRTIO_BLK_S_OK: u8 = 0;
/// Request status: I/O error (5.2.6).
pub const VIRTIO_BLK_S_IOERR: u8 = 1;
/// Request status: unsupported request (5.2.6).
pub const VIRTIO_BLK_S_UNSUPP: u8 = 2;

/// Sector size of the request protocol, independent of `blk_size` (5.2.6).
pub const SECTOR_SIZE: u64 = 512;
/// Length of the GET_ID string (5.2.6).
pub const ID_BYTES: usize = 20;
/// QueueNumMax of the request queue.
pub const QUEUE_SIZE: u16 = 256;
/// Data segments per request (header and status take two descriptors).
pub const SEG_MAX: u32 = QUEUE_SIZE as u32 - 2;

/// Request header size: type, reserved, sector (5.2.6).
const HEADER_LEN: u64 = 16;
/// Bytes of `struct virtio_blk_config` we expose (5.2.4); the rest reads 0.
const CONFIG_LEN: usize = 64;
/// Bounce buffer between guest RAM and the file.
const CHUNK: usize = 128 * 1024;

/// A disk image could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BlkError {
    /// Opening the image failed.
    #[error("cannot open disk image {} {}: {source}", .path.display(), if *.read_only { "read-only" } else { "for reading and writing" })]
    Open {
        /// the image
        path: PathBuf,
        /// how it was opened
        read_only: bool,
        /// the host error
        source: std::io::Error,
    },
    /// The path is a directory.
    #[error("disk image {} is a directory, not an image file", .path.display())]
    NotAFile {
        /// the path
        path: PathBuf,
    },
    /// The image has no sectors.
    #[error("disk image {} is empty; give it a size with `truncate -s 1G {}` and make a file system on it", .path.display(), shell_quote(.path))]
    Empty {
        /// the image
        path: PathBuf,
    },
    /// The image size is not a multiple of the sector size.
    #[error("disk image {} is {size} bytes, not a multiple of 512; resize it with `truncate -s {} {}`", .path.display(), .size.div_ceil(SECTOR_SIZE) * SECTOR_SIZE, shell_quote(.path))]
    Size {
        /// the image
        path: PathBuf,
        /// its size in bytes
        size: u64,
    },
    /// Another process holds the image lock.
    #[error("disk image {} is in use by another process (it is locked); stop that process first", .path.display())]
    Locked {
        /// the image
        path: PathBuf,
    },
    /// Reading the size or syncing failed.
    #[error("cannot {what} disk image {}: {source}", .path.display())]
    Io {
        /// what was being done
        what: &'static str,
        /// the image
        path: PathBuf,
        /// the host error
        source: std::io::Error,
    },
}

/// `path` as a shell word, for copy-and-paste hints.
fn shell_quote(path: &Path) -> String {
    let s = path.display().to_string();
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:=@%".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A handle that syncs the image to disk; it stays valid after the device
/// moved into the bus (keep one in the CLI and call [`SyncHandle::sync`]
/// before exiting). It keeps the image open and locked while it lives.
#[derive(Debug, Clone)]
pub struct SyncHandle {
    file: Arc<File>,
    path: PathBuf,
    read_only: bool,
}

impl SyncHandle {
    /// `File::sync_all` on the image (nothing for a read-only image).
    pub fn sync(&self) -> Result<(), BlkError> {
        sync_file(&self.file, &self.path, self.read_only)
    }
}

fn sync_file(file: &File, path: &Path, read_only: bool) -> Result<(), BlkError> {
    if read_only {
        return Ok(());
    }
    file.sync_all().map_err(|source| BlkError::Io {
        what: "sync",
        path: path.to_path_buf(),
        source,
    })
}

/// A virtio block device backed by a raw image file.
pub struct VirtioBlk {
    file: Arc<File>,
    path: PathBuf,
    read_only: bool,
    capacity: u64,
    serial: [u8; ID_BYTES],
    config: [u8; CONFIG_LEN],
    bounce: Vec<u8>,
}

impl std::fmt::Debug for VirtioBlk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtioBlk")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .field("sectors", &self.capacity)
            .finish()
    }
}

impl VirtioBlk {
    /// Open the raw image at `path` (read-only if `read_only`). Its size
    /// must be a non-zero multiple of 512 bytes; it is locked against
    /// other writers.
    pub fn open(path: impl AsRef<Path>, read_only: bool) -> Result<VirtioBlk, BlkError> {
        let path = path.as_ref().to_path_buf();
        let file = OpenOptions::new()
            .read(true)
            .write(!read_only)
            .open(&path)
            .map_err(|source| BlkError::Open {
                path: path.clone(),
                read_only,
                source,
            })?;
        let io_err = |what, source| BlkError::Io {
            what,
            path: path.clone(),
            source,
        };
        let meta = file.metadata().map_err(|e| io_err("inspect", e))?;
        if meta.is_dir() {
            return Err(BlkError::NotAFile { path });
        }
        let size = if meta.is_file() {
            meta.len()
        } else {
            // A block device: its size is where its end is.
            (&file)
                .seek(SeekFrom::End(0))
                .map_err(|e| io_err("find the size of", e))?
        };
        if size == 0 {
            return Err(BlkError::Empty { path });
        }
        if !size.is_multiple_of(SECTOR_SIZE) {
            return Err(BlkError::Size { path, size });
        }
        let locked = if read_only {
            file.try_lock_shared()
        } else {
            file.try_lock()
        };
        match locked {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(BlkError::Locked { path }),
            Err(TryLockError::Error(e)) => {
                tracing::warn!(
                    "cannot lock disk image {}: {e}; going on unlocked",
                    path.display()
                )
            }
        }
        let capacity = size / SECTOR_SIZE;
        let mut serial = [0u8; ID_BYTES];
        if let Some(name) = path.file_name() {
            let name = name.as_encoded_bytes();
            let n = name.len().min(ID_BYTES);
            serial[..n].copy_from_slice(&name[..n]);
        }
        // struct virtio_blk_config (5.2.4)
        let mut config = [0u8; CONFIG_LEN];
        config[0..8].copy_from_slice(&capacity.to_le_bytes());
        config[12..16].copy_from_slice(&SEG_MAX.to_le_bytes());
        config[20..24].copy_from_slice(&(SECTOR_SIZE as u32).to_le_bytes());
        config[34..36].copy_from_slice(&1u16.to_le_bytes());
        tracing::debug!(
            "virtio-blk: {} ({} sectors{})",
            path.display(),
            capacity,
            if read_only { ", read-only" } else { "" }
        );
        Ok(VirtioBlk {
            file: Arc::new(file),
            path,
            read_only,
            capacity,
            serial,
            config,
            bounce: vec![0; CHUNK],
        })
    }

    /// The image path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Capacity in 512-byte sectors.
    pub fn capacity_sectors(&self) -> u64 {
        self.capacity
    }

    /// Is the device read-only?
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// The GET_ID string (the file name, cut to 20 bytes, NUL padded).
    pub fn serial(&self) -> &[u8; ID_BYTES] {
        &self.serial
    }

    /// A handle to sync the image from outside the bus.
    pub fn sync_handle(&self) -> SyncHandle {
        SyncHandle {
            file: self.file.clone(),
            path: self.path.clone(),
            read_only: self.read_only,
        }
    }

    /// `File::sync_all` on the image (nothing for a read-only image).
    pub fn sync(&self) -> Result<(), BlkError> {
        sync_file(&self.file, &self.path, self.read_only)
    }

    /// Byte offset of `len` bytes at `sector`, if inside the disk.
    fn range(&self, sector: u64, len: u64) -> Option<u64> {
        let off = sector.checked_mul(SECTOR_SIZE)?;
        let end = off.checked_add(len)?;
        (end <= self.capacity * SECTOR_SIZE).then_some(off)
    }

    /// Serve one request; returns the used length.
    fn handle(&mut self, chain: &DescChain, ram: &mut Ram, queue: &mut Queue) -> u32 {
        let wlen = chain.writable_len();
        if wlen == 0 {
            tracing::warn!(
                "virtio-blk: request at head {} has no device-writable status byte",
                chain.head()
            );
            queue.note_malformed();
            return 0;
        }
        // The status is the last writable byte; data before it.
        let status_pos = wlen - 1;
        let (status, written) = self.execute(chain, ram, queue, status_pos);
        chain.write_at(ram, status_pos, &[status]);
        // written <= status_pos < 2^32, as the queue checked the sum.
        u32::try_from(written + 1).unwrap_or(u32::MAX)
    }

    /// Returns (status, bytes written before the status byte).
    fn execute(
        &mut self,
        chain: &DescChain,
        ram: &mut Ram,
        queue: &mut Queue,
        data_w: u64,
    ) -> (u8, u64) {
        let mut hdr = [0u8; HEADER_LEN as usize];
        if chain.read_at(ram, 0, &mut hdr) != hdr.len() {
            tracing::warn!(
                "virtio-blk: request at head {} has a {}-byte header, not 16",
                chain.head(),
                chain.readable_len()
            );
            queue.note_malformed();
            return (VIRTIO_BLK_S_IOERR, 0);
        }
        let ty = u32::from_le_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]);
        let sector = u64::from_le_bytes([
            hdr[8], hdr[9], hdr[10], hdr[11], hdr[12], hdr[13], hdr[14], hdr[15],
        ]);
        let data_r = chain.readable_len() - HEADER_LEN;
        match ty {
            VIRTIO_BLK_T_IN => self.read(chain, ram, queue, sector, data_w),
            VIRTIO_BLK_T_OUT => self.write(chain, ram, queue, sector, data_r),
            VIRTIO_BLK_T_FLUSH => {
                if self.read_only {
                    return (VIRTIO_BLK_S_OK, 0);
                }
                match self.file.sync_data() {
                    Ok(()) => (VIRTIO_BLK_S_OK, 0),
                    Err(e) => {
                        tracing::error!("virtio-blk: flushing {}: {e}", self.path.display());
                        (VIRTIO_BLK_S_IOERR, 0)
                    }
                }
            }
            VIRTIO_BLK_T_GET_ID => {
                let n = (data_w as usize).min(ID_BYTES);
                let done = chain.write_at(ram, 0, &self.serial[..n]);
                (VIRTIO_BLK_S_OK, done as u64)
            }
            _ => {
                tracing::debug!("virtio-blk: unsupported request type {ty}");
                (VIRTIO_BLK_S_UNSUPP, 0)
            }
        }
    }

    fn bad_request(&self, queue: &mut Queue, what: &str, sector: u64, len: u64) -> (u8, u64) {
        tracing::warn!(
            "virtio-blk: {what} of {len} bytes at sector {sector} rejected (disk has {} sectors)",
            self.capacity
        );
        queue.note_malformed();
        (VIRTIO_BLK_S_IOERR, 0)
    }

    fn read(
        &mut self,
        chain: &DescChain,
        ram: &mut Ram,
        queue: &mut Queue,
        sector: u64,
        len: u64,
    ) -> (u8, u64) {
        if !len.is_multiple_of(SECTOR_SIZE) {
            return self.bad_request(queue, "read not a multiple of 512", sector, len);
        }
        let Some(off) = self.range(sector, len) else {
            return self.bad_request(queue, "read past the end", sector, len);
        };
        let mut done = 0u64;
        while done < len {
            let n = (len - done).min(CHUNK as u64) as usize;
            let buf = &mut self.bounce[..n];
            if let Err(e) = self.file.read_exact_at(buf, off + done) {
                tracing::error!(
                    "virtio-blk: reading {} at byte {}: {e}",
                    self.path.display(),
                    off + done
                );
                return (VIRTIO_BLK_S_IOERR, done);
            }
            chain.write_at(ram, done, buf);
            done += n as u64;
        }
        (VIRTIO_BLK_S_OK, len)
    }

    fn write(
        &mut self,
        chain: &DescChain,
        ram: &mut Ram,
        queue: &mut Queue,
        sector: u64,
        len: u64,
    ) -> (u8, u64) {
        if self.read_only {
            tracing::warn!(
                "virtio-blk: write to read-only disk {} rejected",
                self.path.display()
            );
            return (VIRTIO_BLK_S_IOERR, 0);
        }
        if !len.is_multiple_of(SECTOR_SIZE) {
            return self.bad_request(queue, "write not a multiple of 512", sector, len);
        }
        let Some(off) = self.range(sector, len) else {
            return self.bad_request(queue, "write past the end", sector, len);
        };
        let mut done = 0u64;
        while done < len {
            let n = (len - done).min(CHUNK as u64) as usize;
            let buf = &mut self.bounce[..n];
            if chain.read_at(ram, HEADER_LEN + done, buf) != n {
                return (VIRTIO_BLK_S_IOERR, 0);
            }
            if let Err(e) = self.file.write_all_at(buf, off + done) {
                tracing::error!(
                    "virtio-blk: writing {} at byte {}: {e}",
                    self.path.display(),
                    off + done
                );
                return (VIRTIO_BLK_S_IOERR, 0);
            }
            done += n as u64;
        }
        (VIRTIO_BLK_S_OK, 0)
    }
}

impl VirtioDevice for VirtioBlk {
    fn name(&self) -> &str {
        "virtio-blk"
    }

    fn device_id(&self) -> u32 {
        VIRTIO_ID_BLOCK
    }

    fn device_features(&self) -> u64 {
        let ro = if self.read_only { VIRTIO_BLK_F_RO } else { 0 };
        VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH | ro
    }

    fn config_read(&self, offset: u64, data: &mut [u8]) {
        for (i, b) in data.iter_mut().enumerate() {
            let o = offset.saturating_add(i as u64);
            *b = usize::try_from(o)
                .ok()
                .and_then(|o| self.config.get(o))
                .copied()
                .unwrap_or(0);
        }
    }

    fn config_write(&mut self, offset: u64, data: &[u8]) {
        // Only `writeback` is writable, and only with CONFIG_WCE (not offered).
        tracing::debug!(
            "virtio-blk: {}-byte config write at {offset:#x} ignored",
            data.len()
        );
    }

    fn num_queues(&self) -> usize {
        1
    }

    fn max_queue_size(&self, _index: usize) -> u16 {
        QUEUE_SIZE
    }

    fn process_queue(&mut self, _index: usize, queue: &mut Queue, ram: &mut Ram) -> bool {
        let mut any = false;
        // pop() stops after at most one queue's worth of entries (it checks
        // the available index against the size).
        while let Ok(Some(chain)) = queue.pop(ram) {
            let len = self.handle(&chain, ram, queue);
            if queue.add_used(ram, chain.head(), len).is_err() {
                break;
            }
            any = true;
        }
        any
    }

    fn reset(&mut self) {}

    fn flush(&mut self) -> std::io::Result<()> {
        if self.read_only {
            return Ok(());
        }
        self.file.sync_all()
    }
}

impl Drop for VirtioBlk {
    fn drop(&mut self) {
        if let Err(e) = self.sync() {
            tracing::error!("{e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::virtio::mmio::{
        INT_USED_BUFFER, REG_CONFIG, REG_DEVICE_FEATURES, REG_DEVICE_FEATURES_SEL,
        REG_INTERRUPT_ACK, REG_INTERRUPT_STATUS, REG_STATUS,
    };
    use crate::virtio::queue::{VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE};
    use crate::virtio::testutil::{desc_base, FakeDriver, RAM_BASE, RAM_SIZE};
    use crate::virtio::{STATUS_DEVICE_NEEDS_RESET, VIRTIO_F_VERSION_1};
    use emu_core::bus::MmioDevice;
    use std::sync::atomic::{AtomicU32, Ordering};

    const HDR: u64 = RAM_BASE + 0x10000;
    const STATUS: u64 = RAM_BASE + 0x10100;
    const DATA: u64 = RAM_BASE + 0x20000;
    const IMAGE_SECTORS: u64 = 2048;
    const FEATURES: u64 =
        VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE;

    /// A temporary image file, removed on drop.
    struct TempImage(PathBuf);

    impl TempImage {
        fn new(tag: &str, contents: &[u8]) -> Self {
            static N: AtomicU32 = AtomicU32::new(0);
            let n = N.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!(
                "emu-virtio-blk-{}-{n}-{tag}.img",
                std::process::id()
            ));
            std::fs::write(&path, contents).unwrap();
            TempImage(path)
        }

        /// An image whose every byte encodes its sector and offset.
        fn patterned(tag: &str) -> Self {
            TempImage::new(tag, &pattern(0, IMAGE_SECTORS * 512))
        }
    }

    impl Drop for TempImage {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn pattern(start: u64, len: u64) -> Vec<u8> {
        (start..start + len)
            .map(|i| ((i / 512) as u8).wrapping_mul(7) ^ (i as u8))
            .collect()
    }

    fn header(ty: u32, sector: u64) -> [u8; 16] {
        let mut h = [0u8; 16];
        h[..4].copy_from_slice(&ty.to_le_bytes());
        h[8..].copy_from_slice(&sector.to_le_bytes());
        h
    }

    fn driver(img: &TempImage, read_only: bool) -> FakeDriver {
        let blk = VirtioBlk::open(&img.0, read_only).unwrap();
        let mut d = FakeDriver::new(Box::new(blk));
        let features = if read_only {
            FEATURES | VIRTIO_BLK_F_RO
        } else {
            FEATURES
        };
        assert!(d.negotiate(features));
        d.setup_queue(0, 64);
        d.driver_ok();
        d
    }

    /// Submit a request with `ty` at `sector`; `data` is (address, len)
    /// segments, device-writable for reads. Returns (status byte, used len).
    fn request(
        d: &mut FakeDriver,
        ty: u32,
        sector: u64,
        data: &[(u64, u32)],
        writable: bool,
    ) -> (u8, u32) {
        d.write_mem(HDR, &header(ty, sector));
        d.write_mem(STATUS, &[0xff]);
        let mut bufs = vec![(HDR, 16, false)];
        bufs.extend(data.iter().map(|&(a, l)| (a, l, writable)));
        bufs.push((STATUS, 1, true));
        let before = d.used_idx(0);
        d.submit(0, &bufs);
        assert_eq!(
            d.used_idx(0),
            before.wrapping_add(1),
            "request not completed"
        );
        let (id, len) = d.used_elem(0, before);
        assert_eq!(id, 0);
        (d.read_mem(STATUS, 1)[0], len)
    }

    #[test]
    fn read_write_flush_get_id() {
        let img = TempImage::patterned("rw");
        let mut d = driver(&img, false);
        // features offered
        d.w(REG_DEVICE_FEATURES_SEL, 0);
        let lo = d.r(REG_DEVICE_FEATURES) as u64;
        assert_eq!(lo, FEATURES & 0xffff_ffff);
        // config: capacity, seg_max, blk_size
        assert_eq!(d.mmio.read(REG_CONFIG, 8), Some(IMAGE_SECTORS));
        assert_eq!(d.mmio.read(REG_CONFIG, 4), Some(IMAGE_SECTORS));
        assert_eq!(d.mmio.read(REG_CONFIG + 4, 4), Some(0));
        assert_eq!(d.mmio.read(REG_CONFIG + 12, 4), Some(SEG_MAX as u64));
        assert_eq!(d.mmio.read(REG_CONFIG + 20, 4), Some(512));
        assert_eq!(d.mmio.read(REG_CONFIG + 0x800, 4), Some(0));
        assert!(d.mmio.write(REG_CONFIG + 32, 1, 1, &mut d.ram));
        assert_eq!(d.mmio.read(REG_CONFIG + 32, 1), Some(0));

        // read two sectors
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_IN, 5, &[(DATA, 1024)], true),
            (VIRTIO_BLK_S_OK, 1025)
        );
        assert_eq!(d.read_mem(DATA, 1024), pattern(5 * 512, 1024));
        assert_eq!(d.r(REG_INTERRUPT_STATUS), INT_USED_BUFFER);
        assert!(d.irq_level());
        d.w(REG_INTERRUPT_ACK, INT_USED_BUFFER);
        assert_eq!(d.r(REG_INTERRUPT_STATUS), 0);
        assert!(!d.irq_level());

        // a large read in odd segments crossing the bounce-buffer size
        let segs = [
            (DATA, 100 * 1024),
            (DATA + 0x20000, 150 * 1024),
            (DATA + 0x60000, 50 * 1024),
        ];
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_IN, 100, &segs, true),
            (VIRTIO_BLK_S_OK, 300 * 1024 + 1)
        );
        let mut got = Vec::new();
        for (a, l) in segs {
            got.extend(d.read_mem(a, l as usize));
        }
        assert_eq!(got, pattern(100 * 512, 300 * 1024));

        // write three sectors from two segments, then read them back
        let new: Vec<u8> = (0..1536u32).map(|i| (i * 13 + 1) as u8).collect();
        d.write_mem(DATA, &new[..1000]);
        d.write_mem(DATA + 0x4000, &new[1000..]);
        assert_eq!(
            request(
                &mut d,
                VIRTIO_BLK_T_OUT,
                9,
                &[(DATA, 1000), (DATA + 0x4000, 536)],
                false
            ),
            (VIRTIO_BLK_S_OK, 1)
        );
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_FLUSH, 0, &[], false),
            (VIRTIO_BLK_S_OK, 1)
        );
        let on_disk = std::fs::read(&img.0).unwrap();
        assert_eq!(&on_disk[9 * 512..12 * 512], &new[..]);
        assert_eq!(&on_disk[12 * 512..13 * 512], &pattern(12 * 512, 512)[..]);
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_IN, 9, &[(DATA + 0x8000, 1536)], true),
            (VIRTIO_BLK_S_OK, 1537)
        );
        assert_eq!(d.read_mem(DATA + 0x8000, 1536), new);

        // the last sector is reachable
        assert_eq!(
            request(
                &mut d,
                VIRTIO_BLK_T_IN,
                IMAGE_SECTORS - 1,
                &[(DATA, 512)],
                true
            )
            .0,
            VIRTIO_BLK_S_OK
        );

        // GET_ID: the file name, cut to 20 bytes
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_GET_ID, 0, &[(DATA, 20)], true),
            (VIRTIO_BLK_S_OK, 21)
        );
        let name = img.0.file_name().unwrap().as_encoded_bytes();
        assert_eq!(d.read_mem(DATA, 20), &name[..20]);

        // unsupported types
        for ty in [2, 11, 13, 0xdead] {
            assert_eq!(
                request(&mut d, ty, 0, &[(DATA, 512)], false),
                (VIRTIO_BLK_S_UNSUPP, 1)
            );
        }
        assert_eq!(d.mmio.malformed_count(), 0);

        // sync paths
        d.mmio.flush().unwrap();
    }

    #[test]
    fn out_of_range_and_misaligned_requests_fail() {
        let img = TempImage::patterned("range");
        let mut d = driver(&img, false);
        let cases: [(u32, u64, u32); 6] = [
            (VIRTIO_BLK_T_IN, IMAGE_SECTORS, 512),
            (VIRTIO_BLK_T_IN, IMAGE_SECTORS - 1, 1024),
            (VIRTIO_BLK_T_IN, u64::MAX, 512),
            (VIRTIO_BLK_T_IN, u64::MAX / 512, 1024),
            (VIRTIO_BLK_T_IN, 0, 100),
            (VIRTIO_BLK_T_OUT, IMAGE_SECTORS, 512),
        ];
        for (i, (ty, sector, len)) in cases.into_iter().enumerate() {
            let writable = ty == VIRTIO_BLK_T_IN;
            assert_eq!(
                request(&mut d, ty, sector, &[(DATA, len)], writable).0,
                VIRTIO_BLK_S_IOERR,
                "case {i}"
            );
            assert_eq!(d.mmio.malformed_count(), i as u64 + 1);
        }
        // a write whose length is not a multiple of 512
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_OUT, 0, &[(DATA, 513)], false).0,
            VIRTIO_BLK_S_IOERR
        );
        // nothing was written
        assert_eq!(
            std::fs::read(&img.0).unwrap(),
            pattern(0, IMAGE_SECTORS * 512)
        );
        // a valid request still works
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_IN, 0, &[(DATA, 512)], true).0,
            VIRTIO_BLK_S_OK
        );
        assert_eq!(d.r(REG_STATUS) & STATUS_DEVICE_NEEDS_RESET, 0);
    }

    /// (index, address, length, flags, next)
    type RawDesc = (u16, u64, u32, u16, u16);

    /// Submit a hand-made chain at head 0 and return the used (id, len).
    fn raw_request(d: &mut FakeDriver, descs: &[RawDesc]) -> (u32, u32) {
        for &(i, addr, len, flags, next) in descs {
            d.put_desc(0, i, addr, len, flags, next);
        }
        let before = d.used_idx(0);
        d.push_avail(0, 0);
        d.notify(0);
        assert_eq!(d.used_idx(0), before.wrapping_add(1));
        d.used_elem(0, before)
    }

    #[test]
    fn malformed_chains_fail_gracefully() {
        let img = TempImage::patterned("malformed");
        let mut d = driver(&img, false);
        d.write_mem(HDR, &header(VIRTIO_BLK_T_IN, 0));
        const N: u16 = VIRTQ_DESC_F_NEXT;
        const W: u16 = VIRTQ_DESC_F_WRITE;
        let cases: Vec<Vec<RawDesc>> = vec![
            // data descriptor outside RAM
            vec![
                (0, HDR, 16, N, 1),
                (1, 0x1000, 512, W | N, 2),
                (2, STATUS, 1, W, 0),
            ],
            // data descriptor straddling the end of RAM
            vec![
                (0, HDR, 16, N, 1),
                (1, RAM_BASE + 0xfff00, 512, W | N, 2),
                (2, STATUS, 1, W, 0),
            ],
            // a loop
            vec![
                (0, HDR, 16, N, 1),
                (1, DATA, 512, W | N, 2),
                (2, STATUS, 1, W | N, 1),
            ],
            // next index >= size
            vec![(0, HDR, 16, N, 64), (64, DATA, 512, W, 0)],
            // lengths overflow
            vec![
                (0, HDR, 16, N, 1),
                (1, DATA, 0xffff_fff8, W | N, 2),
                (2, STATUS, 1, W, 0),
            ],
            // read-only status after writable data
            vec![
                (0, HDR, 16, N, 1),
                (1, DATA, 512, W | N, 2),
                (2, STATUS, 1, 0, 0),
            ],
        ];
        for (i, descs) in cases.iter().enumerate() {
            d.write_mem(STATUS, &[0xff]);
            assert_eq!(raw_request(&mut d, descs), (0, 0), "case {i}");
            assert_eq!(d.read_mem(STATUS, 1)[0], 0xff, "case {i}");
            assert_eq!(d.mmio.malformed_count(), i as u64 + 1);
        }
        let mut count = cases.len() as u64;
        // missing status descriptor: header and read-only "status"
        let (_, len) = raw_request(&mut d, &[(0, HDR, 16, N, 1), (1, STATUS, 1, 0, 0)]);
        assert_eq!(len, 0);
        count += 1;
        assert_eq!(d.mmio.malformed_count(), count);
        // header only
        assert_eq!(raw_request(&mut d, &[(0, HDR, 16, 0, 0)]), (0, 0));
        count += 1;
        // header too short: IOERR written to the status byte
        d.write_mem(STATUS, &[0xff]);
        assert_eq!(
            raw_request(&mut d, &[(0, HDR, 8, N, 1), (1, STATUS, 1, W, 0)]),
            (0, 1)
        );
        assert_eq!(d.read_mem(STATUS, 1)[0], VIRTIO_BLK_S_IOERR);
        count += 1;
        assert_eq!(d.mmio.malformed_count(), count);
        // still healthy: interrupts were raised and a valid read works
        assert_eq!(d.r(REG_STATUS) & STATUS_DEVICE_NEEDS_RESET, 0);
        assert!(d.irq_level());
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_IN, 3, &[(DATA, 512)], true),
            (VIRTIO_BLK_S_OK, 513)
        );
        assert_eq!(d.read_mem(DATA, 512), pattern(3 * 512, 512));
    }

    #[test]
    fn read_only_device() {
        let img = TempImage::patterned("ro");
        let mut d = driver(&img, true);
        d.w(REG_DEVICE_FEATURES_SEL, 0);
        assert!(d.r(REG_DEVICE_FEATURES) as u64 & VIRTIO_BLK_F_RO != 0);
        d.write_mem(DATA, &[0xaa; 512]);
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_OUT, 0, &[(DATA, 512)], false),
            (VIRTIO_BLK_S_IOERR, 1)
        );
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_FLUSH, 0, &[], false),
            (VIRTIO_BLK_S_OK, 1)
        );
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_IN, 1, &[(DATA, 512)], true),
            (VIRTIO_BLK_S_OK, 513)
        );
        assert_eq!(d.read_mem(DATA, 512), pattern(512, 512));
        drop(d);
        assert_eq!(
            std::fs::read(&img.0).unwrap(),
            pattern(0, IMAGE_SECTORS * 512)
        );
        // a driver that does not accept RO is still fine (RO is advisory)
        let blk = VirtioBlk::open(&img.0, true).unwrap();
        assert!(blk.read_only());
        assert_eq!(blk.capacity_sectors(), IMAGE_SECTORS);
    }

    #[test]
    fn data_survives_drop_and_sync_handle() {
        let img = TempImage::patterned("sync");
        let mut d = driver(&img, false);
        d.write_mem(DATA, &[0x5a; 512]);
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_OUT, 7, &[(DATA, 512)], false).0,
            VIRTIO_BLK_S_OK
        );
        drop(d);
        assert_eq!(
            &std::fs::read(&img.0).unwrap()[7 * 512..8 * 512],
            &[0x5a; 512]
        );

        let blk = VirtioBlk::open(&img.0, false).unwrap();
        let handle = blk.sync_handle();
        drop(blk);
        handle.sync().unwrap();
        // the handle keeps the lock
        assert!(matches!(
            VirtioBlk::open(&img.0, false),
            Err(BlkError::Locked { .. })
        ));
        drop(handle);
        VirtioBlk::open(&img.0, false).unwrap().sync().unwrap();
    }

    #[test]
    fn open_errors_are_actionable() {
        let img = TempImage::new("odd size", &[0u8; 1000]);
        let e = VirtioBlk::open(&img.0, false).unwrap_err().to_string();
        let p = img.0.display().to_string();
        assert!(
            e.contains(&format!(
                "disk image {p} is 1000 bytes, not a multiple of 512"
            )),
            "{e}"
        );
        assert!(e.contains(&format!("truncate -s 1024 '{p}'")), "{e}");

        let img = TempImage::new("empty", &[]);
        let e = VirtioBlk::open(&img.0, true).unwrap_err().to_string();
        assert!(
            e.contains("is empty") && e.contains(&img.0.display().to_string()),
            "{e}"
        );

        let missing = std::env::temp_dir().join("emu-virtio-blk-does-not-exist.img");
        let e = VirtioBlk::open(&missing, false).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("cannot open disk image {}", missing.display())),
            "{e}"
        );

        let e = VirtioBlk::open(std::env::temp_dir(), true).unwrap_err();
        assert!(matches!(e, BlkError::NotAFile { .. }), "{e}");

        let img = TempImage::new("locked", &[0u8; 512]);
        let a = VirtioBlk::open(&img.0, false).unwrap();
        let e = VirtioBlk::open(&img.0, true).unwrap_err();
        assert!(e.to_string().contains("in use by another process"), "{e}");
        drop(a);
        let r1 = VirtioBlk::open(&img.0, true).unwrap();
        let r2 = VirtioBlk::open(&img.0, true).unwrap();
        assert!(VirtioBlk::open(&img.0, false).is_err());
        drop((r1, r2));
    }

    /// Random rings and descriptors never panic the host, and the device
    /// recovers after a reset.
    #[test]
    fn random_rings_never_panic() {
        let img = TempImage::new("fuzz", &[0u8; 64 * 1024]);
        let mut d = driver(&img, false);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        const N: u16 = VIRTQ_DESC_F_NEXT;
        const W: u16 = VIRTQ_DESC_F_WRITE;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let size = 64u16;
        for round in 0..3000 {
            // up to 4 well-formed requests in descriptors 4k..4k+2 ...
            let n = rnd() % 5;
            for k in 0..n {
                let ty = [0u32, 1, 4, 8, 11][(rnd() % 5) as usize];
                let hdr_addr = RAM_BASE + 0x10000 + k * 0x100;
                d.write_mem(hdr_addr, &header(ty, rnd() % 140));
                let data = RAM_BASE + 0x20000 + k * 0x10000 + (rnd() % 0x100);
                let len = 512 * (1 + rnd() % 8) as u32;
                let dflag = if ty == VIRTIO_BLK_T_OUT { 0 } else { W };
                let i = 4 * k as u16;
                d.put_desc(0, i, hdr_addr, 16, N, i + 1);
                d.put_desc(0, i + 1, data, len, dflag | N, i + 2);
                d.put_desc(0, i + 2, hdr_addr + 0x80, 1, W, 0);
                d.push_avail(0, i);
            }
            // ... then some damage: a random field of a random descriptor,
            // or a random available entry
            for _ in 0..(rnd() % 3) {
                let i = (rnd() % size as u64) as u16;
                let off = desc_base(0) - RAM_BASE + 16 * i as u64;
                let (field, width) = [(0, 8), (8, 4), (12, 2), (14, 2)][(rnd() % 4) as usize];
                let v = match rnd() % 3 {
                    0 => rnd(),
                    1 => rnd() % (size as u64 + 2),
                    _ => RAM_BASE + rnd() % RAM_SIZE,
                };
                d.ram.write_sized(off + field, width, v);
            }
            if rnd() % 8 == 0 {
                d.push_avail(0, (rnd() % (size as u64 + 2)) as u16);
            }
            d.notify(0);
            d.w(REG_INTERRUPT_ACK, 3);
            if d.r(REG_STATUS) & STATUS_DEVICE_NEEDS_RESET != 0 || round % 500 == 499 {
                assert!(d.negotiate(FEATURES));
                d.setup_queue(0, size);
                d.driver_ok();
            }
        }
        assert!(d.mmio.malformed_count() > 0);
        // (the deterministic seed gives both valid writes and malformed requests)
        assert!(std::fs::read(&img.0).unwrap().iter().any(|&b| b != 0));
        // still works afterwards
        assert!(d.negotiate(FEATURES));
        d.setup_queue(0, size);
        d.driver_ok();
        d.write_mem(DATA, &[0x77; 512]);
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_OUT, 1, &[(DATA, 512)], false).0,
            VIRTIO_BLK_S_OK
        );
        assert_eq!(
            request(&mut d, VIRTIO_BLK_T_IN, 1, &[(DATA + 0x1000, 512)], true).0,
            VIRTIO_BLK_S_OK
        );
        assert_eq!(d.read_mem(DATA + 0x1000, 512), vec![0x77; 512]);
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote(Path::new("/tmp/a.img")), "/tmp/a.img");
        assert_eq!(shell_quote(Path::new("a b")), "'a b'");
        assert_eq!(shell_quote(Path::new("it's")), r"'it'\''s'");
    }
}
