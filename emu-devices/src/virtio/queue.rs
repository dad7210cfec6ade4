//! Split virtqueues (virtio 1.x section 2.7), our own implementation.
//!
//! Everything the guest controls is validated before use: the ring
//! addresses and the queue size when the queue is made ready, the
//! available index, every descriptor index, the chain length (a loop is
//! caught), the direction order, the sum of the lengths and every buffer
//! address. A malformed chain is returned to the used ring with length 0,
//! logged and counted; a malformed ring (one the device cannot go on
//! using) marks the queue broken, and the transport then sets
//! `DEVICE_NEEDS_RESET`. Nothing here panics on guest input.
//!
//! The queue runs synchronously in the vCPU thread that wrote
//! `QueueNotify`, so plain accesses through [`Ram`] are enough for memory
//! ordering; the used element is still written before the used index.

use emu_core::ram::Ram;

/// This descriptor continues via `next` (2.7.5).
pub const VIRTQ_DESC_F_NEXT: u16 = 1;
/// The buffer is device-writable, otherwise device-readable (2.7.5).
pub const VIRTQ_DESC_F_WRITE: u16 = 2;
/// The buffer holds a table of indirect descriptors (2.7.5.3).
pub const VIRTQ_DESC_F_INDIRECT: u16 = 4;
/// The driver asks not to be interrupted (2.7.6, without EVENT_IDX).
pub const VIRTQ_AVAIL_F_NO_INTERRUPT: u16 = 1;

/// The largest queue size the split ring format allows (2.7).
pub const MAX_QUEUE_SIZE: u16 = 32768;

/// Size of one descriptor in the descriptor table.
const DESC_SIZE: u64 = 16;

/// The queue cannot be used any more (or not yet): the transport must set
/// `DEVICE_NEEDS_RESET`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    /// QueueNum is zero, above QueueNumMax or not a power of two.
    #[error("queue size {size} is not a power of two in 1..={max}")]
    BadSize {
        /// the size the driver wrote
        size: u16,
        /// QueueNumMax
        max: u16,
    },
    /// A ring does not lie inside guest RAM.
    #[error("{what} at {addr:#x}+{len:#x} is not in guest RAM")]
    RingOutsideRam {
        /// which ring
        what: &'static str,
        /// its guest physical address
        addr: u64,
        /// its length in bytes
        len: u64,
    },
    /// A ring is not aligned as 2.7 requires.
    #[error("{what} at {addr:#x} is not {align}-byte aligned")]
    Misaligned {
        /// which ring
        what: &'static str,
        /// its guest physical address
        addr: u64,
        /// the required alignment
        align: u64,
    },
    /// The available index ran more than a queue size ahead.
    #[error(
        "available index {avail_idx} is {pending} entries ahead of the device (queue size {size})"
    )]
    AvailIdxJump {
        /// the driver's available index
        avail_idx: u16,
        /// entries it claims are pending
        pending: u16,
        /// the queue size
        size: u16,
    },
    /// An available ring entry names a descriptor past the table.
    #[error("available ring names head descriptor {head}, but the queue size is {size}")]
    HeadOutOfRange {
        /// the head index
        head: u16,
        /// the queue size
        size: u16,
    },
}

/// One request's descriptor chain is malformed; the chain is returned to
/// the used ring with length 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// A `next` index is past the descriptor table.
    #[error("descriptor index {index} is out of range (queue size {size})")]
    IndexOutOfRange {
        /// the index
        index: u16,
        /// the queue size
        size: u16,
    },
    /// More descriptors than the queue size: a loop.
    #[error("descriptor chain is longer than the queue size {size} (a loop?)")]
    TooLong {
        /// the queue size
        size: u16,
    },
    /// An indirect descriptor, which we do not offer.
    #[error("descriptor {index} is indirect, but VIRTIO_RING_F_INDIRECT_DESC is not offered")]
    Indirect {
        /// the descriptor index
        index: u16,
    },
    /// A device-readable descriptor after a device-writable one (2.7.4.2).
    #[error("descriptor {index} is device-readable but follows a device-writable one")]
    ReadableAfterWritable {
        /// the descriptor index
        index: u16,
    },
    /// The lengths add up to more than 32 bits.
    #[error("descriptor lengths add up to more than 4 GiB")]
    LengthOverflow,
    /// A buffer lies (partly) outside guest RAM.
    #[error("descriptor {index} buffer {addr:#x}+{len:#x} is not in guest RAM")]
    BufferOutsideRam {
        /// the descriptor index
        index: u16,
        /// the buffer address
        addr: u64,
        /// the buffer length
        len: u32,
    },
}

/// One validated buffer of a chain: inside guest RAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buffer {
    /// Guest physical address.
    pub addr: u64,
    /// Length in bytes.
    pub len: u32,
    /// Device-writable (otherwise device-readable).
    pub writable: bool,
}

/// A validated descriptor chain: its head index and its buffers, the
/// device-readable ones first. Its readable part and its writable part
/// can each be accessed as one byte stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescChain {
    head: u16,
    buffers: Vec<Buffer>,
}

impl DescChain {
    /// The head descriptor index (the id for the used ring).
    pub fn head(&self) -> u16 {
        self.head
    }

    /// The buffers in chain order.
    pub fn buffers(&self) -> &[Buffer] {
        &self.buffers
    }

    /// Total length of the device-readable buffers.
    pub fn readable_len(&self) -> u64 {
        self.buffers
            .iter()
            .filter(|b| !b.writable)
            .map(|b| b.len as u64)
            .sum()
    }

    /// Total length of the device-writable buffers.
    pub fn writable_len(&self) -> u64 {
        self.buffers
            .iter()
            .filter(|b| b.writable)
            .map(|b| b.len as u64)
            .sum()
    }

    /// The pieces of the `writable` (or readable) stream covering
    /// `pos..pos+len`, as (guest address, length, offset into the range).
    fn pieces(
        &self,
        writable: bool,
        pos: u64,
        len: u64,
    ) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        let end = pos.saturating_add(len);
        let mut start = 0u64;
        self.buffers
            .iter()
            .filter(move |b| b.writable == writable)
            .filter_map(move |b| {
                let b_start = start;
                let b_end = start + b.len as u64;
                start = b_end;
                let lo = b_start.max(pos);
                let hi = b_end.min(end);
                (lo < hi).then(|| (b.addr + (lo - b_start), hi - lo, lo - pos))
            })
    }

    /// Copy from the readable stream at byte `pos` into `out`. Returns the
    /// number of bytes copied (short at the end of the stream).
    pub fn read_at(&self, ram: &Ram, pos: u64, out: &mut [u8]) -> usize {
        let mut done = 0;
        for (addr, len, at) in self.pieces(false, pos, out.len() as u64) {
            let dst = &mut out[at as usize..(at + len) as usize];
            match ram.offset_of(addr, len) {
                Some(off) if ram.read_bytes(off, dst) => done += len as usize,
                _ => break,
            }
        }
        done
    }

    /// Copy `data` into the writable stream at byte `pos`. Returns the
    /// number of bytes copied (short at the end of the stream).
    pub fn write_at(&self, ram: &mut Ram, pos: u64, data: &[u8]) -> usize {
        let mut done = 0;
        let pieces: Vec<_> = self.pieces(true, pos, data.len() as u64).collect();
        for (addr, len, at) in pieces {
            let src = &data[at as usize..(at + len) as usize];
            match ram.offset_of(addr, len) {
                Some(off) if ram.write_bytes(off, src) => done += len as usize,
                _ => break,
            }
        }
        done
    }
}

/// One split virtqueue: the registers the driver programs through the
/// transport and the device's position in the rings.
#[derive(Debug, Clone)]
pub struct Queue {
    max_size: u16,
    size: u16,
    ready: bool,
    broken: bool,
    desc_addr: u64,
    avail_addr: u64,
    used_addr: u64,
    next_avail: u16,
    next_used: u16,
    used_added: bool,
    malformed: u64,
}

fn read_u16(ram: &Ram, addr: u64) -> Option<u16> {
    ram.offset_of(addr, 2)
        .map(|off| ram.read_sized(off, 2) as u16)
}

impl Queue {
    /// A queue of at most `max_size` entries (clamped to a power of two
    /// no larger than [`MAX_QUEUE_SIZE`]), not ready.
    pub fn new(max_size: u16) -> Self {
        let max_size = match max_size.min(MAX_QUEUE_SIZE) {
            0 => 1,
            m if m.is_power_of_two() => m,
            m => 1 << (15 - m.leading_zeros()),
        };
        Queue {
            max_size,
            size: max_size,
            ready: false,
            broken: false,
            desc_addr: 0,
            avail_addr: 0,
            used_addr: 0,
            next_avail: 0,
            next_used: 0,
            used_added: false,
            malformed: 0,
        }
    }

    /// Back to the state after device reset (the malformed counter stays).
    pub fn reset(&mut self) {
        let malformed = self.malformed;
        *self = Queue::new(self.max_size);
        self.malformed = malformed;
    }

    /// QueueNumMax.
    pub fn max_size(&self) -> u16 {
        self.max_size
    }

    /// QueueNum.
    pub fn size(&self) -> u16 {
        self.size
    }

    /// QueueReady.
    pub fn ready(&self) -> bool {
        self.ready
    }

    /// Has a malformed ring made the queue unusable until reset?
    pub fn broken(&self) -> bool {
        self.broken
    }

    /// Malformed chains and rings seen on this queue since creation.
    pub fn malformed_count(&self) -> u64 {
        self.malformed
    }

    /// Count a malformed request (devices call this for requests that are
    /// well-formed chains but bad requests).
    pub fn note_malformed(&mut self) {
        self.malformed += 1;
    }

    /// Set QueueNum. Ignored while the queue is ready (4.2.2); checked
    /// by [`Queue::activate`].
    pub fn set_size(&mut self, size: u16) {
        if !self.ready {
            self.size = size;
        }
    }

    /// The descriptor table address (QueueDesc).
    pub fn desc_addr(&self) -> u64 {
        self.desc_addr
    }

    /// The driver area address (QueueDriver).
    pub fn avail_addr(&self) -> u64 {
        self.avail_addr
    }

    /// The device area address (QueueDevice).
    pub fn used_addr(&self) -> u64 {
        self.used_addr
    }

    /// Set the descriptor table address (ignored while ready).
    pub fn set_desc_addr(&mut self, addr: u64) {
        if !self.ready {
            self.desc_addr = addr;
        }
    }

    /// Set the driver area (available ring) address (ignored while ready).
    pub fn set_avail_addr(&mut self, addr: u64) {
        if !self.ready {
            self.avail_addr = addr;
        }
    }

    /// Set the device area (used ring) address (ignored while ready).
    pub fn set_used_addr(&mut self, addr: u64) {
        if !self.ready {
            self.used_addr = addr;
        }
    }

    /// QueueReady = 1: validate the size and the ring addresses against
    /// RAM and start at index 0. On error the queue stays not ready.
    pub fn activate(&mut self, ram: &Ram) -> Result<(), QueueError> {
        if let Err(e) = self.validate(ram) {
            self.malformed += 1;
            return Err(e);
        }
        self.ready = true;
        self.broken = false;
        self.next_avail = 0;
        self.next_used = 0;
        self.used_added = false;
        Ok(())
    }

    /// QueueReady = 0: stop using the queue.
    pub fn deactivate(&mut self) {
        self.ready = false;
        self.next_avail = 0;
        self.next_used = 0;
    }

    fn validate(&self, ram: &Ram) -> Result<(), QueueError> {
        let size = self.size;
        if size == 0 || size > self.max_size || !size.is_power_of_two() {
            return Err(QueueError::BadSize {
                size,
                max: self.max_size,
            });
        }
        let n = size as u64;
        // 2.7: alignment and size of the three parts.
        let parts = [
            ("descriptor table", self.desc_addr, 16, DESC_SIZE * n),
            ("available ring", self.avail_addr, 2, 6 + 2 * n),
            ("used ring", self.used_addr, 4, 6 + 8 * n),
        ];
        for (what, addr, align, len) in parts {
            if !addr.is_multiple_of(align) {
                return Err(QueueError::Misaligned { what, addr, align });
            }
            if ram.offset_of(addr, len).is_none() {
                return Err(QueueError::RingOutsideRam { what, addr, len });
            }
        }
        Ok(())
    }

    fn fail(&mut self, e: QueueError) -> QueueError {
        tracing::warn!("virtqueue: {e}; the device needs a reset");
        self.malformed += 1;
        self.broken = true;
        e
    }

    /// The next valid request on the available ring, or `None` when the
    /// ring is empty (or the queue is not ready or broken). Malformed
    /// chains are returned to the used ring with length 0, logged and
    /// counted, and skipped. An error means the ring itself is malformed:
    /// the queue is now broken.
    pub fn pop(&mut self, ram: &mut Ram) -> Result<Option<DescChain>, QueueError> {
        loop {
            if !self.ready || self.broken {
                return Ok(None);
            }
            let size = self.size;
            let Some(avail_idx) = read_u16(ram, self.avail_addr + 2) else {
                return Err(self.fail(QueueError::RingOutsideRam {
                    what: "available ring",
                    addr: self.avail_addr,
                    len: 4,
                }));
            };
            let pending = avail_idx.wrapping_sub(self.next_avail);
            if pending == 0 {
                return Ok(None);
            }
            if pending > size {
                return Err(self.fail(QueueError::AvailIdxJump {
                    avail_idx,
                    pending,
                    size,
                }));
            }
            let slot = (self.next_avail % size) as u64;
            let entry = self.avail_addr + 4 + 2 * slot;
            let Some(head) = read_u16(ram, entry) else {
                return Err(self.fail(QueueError::RingOutsideRam {
                    what: "available ring",
                    addr: entry,
                    len: 2,
                }));
            };
            self.next_avail = self.next_avail.wrapping_add(1);
            if head >= size {
                return Err(self.fail(QueueError::HeadOutOfRange { head, size }));
            }
            match self.walk(ram, head) {
                Ok(buffers) => return Ok(Some(DescChain { head, buffers })),
                Err(e) => {
                    tracing::warn!("virtqueue: malformed request at head {head}: {e}");
                    self.malformed += 1;
                    self.add_used(ram, head, 0)?;
                }
            }
        }
    }

    /// Read and check the chain starting at `head` (< size).
    fn walk(&self, ram: &Ram, head: u16) -> Result<Vec<Buffer>, ChainError> {
        let size = self.size;
        let mut raw: Vec<(u16, Buffer)> = Vec::new();
        let mut index = head;
        let mut total: u32 = 0;
        let mut seen_writable = false;
        loop {
            if index >= size {
                return Err(ChainError::IndexOutOfRange { index, size });
            }
            if raw.len() >= size as usize {
                return Err(ChainError::TooLong { size });
            }
            let mut d = [0u8; DESC_SIZE as usize];
            let addr = self.desc_addr + DESC_SIZE * index as u64;
            match ram.offset_of(addr, DESC_SIZE) {
                Some(off) if ram.read_bytes(off, &mut d) => {}
                _ => return Err(ChainError::IndexOutOfRange { index, size }),
            }
            let buf_addr = u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]);
            let len = u32::from_le_bytes([d[8], d[9], d[10], d[11]]);
            let flags = u16::from_le_bytes([d[12], d[13]]);
            let next = u16::from_le_bytes([d[14], d[15]]);
            if flags & VIRTQ_DESC_F_INDIRECT != 0 {
                return Err(ChainError::Indirect { index });
            }
            let writable = flags & VIRTQ_DESC_F_WRITE != 0;
            if !writable && seen_writable {
                return Err(ChainError::ReadableAfterWritable { index });
            }
            seen_writable |= writable;
            total = total.checked_add(len).ok_or(ChainError::LengthOverflow)?;
            raw.push((
                index,
                Buffer {
                    addr: buf_addr,
                    len,
                    writable,
                },
            ));
            if flags & VIRTQ_DESC_F_NEXT == 0 {
                break;
            }
            index = next;
        }
        // Buffers are checked after the structure, so a chain that is both
        // too long and out of RAM reports the structural fault.
        for (index, b) in &raw {
            if b.len != 0 && ram.offset_of(b.addr, b.len as u64).is_none() {
                return Err(ChainError::BufferOutsideRam {
                    index: *index,
                    addr: b.addr,
                    len: b.len,
                });
            }
        }
        Ok(raw.into_iter().map(|(_, b)| b).collect())
    }

    /// Return chain `head` to the driver with `len` bytes written: the used
    /// element first, then the used index.
    pub fn add_used(&mut self, ram: &mut Ram, head: u16, len: u32) -> Result<(), QueueError> {
        if !self.ready || self.broken {
            return Ok(());
        }
        let slot = (self.next_used % self.size) as u64;
        let elem_addr = self.used_addr + 4 + 8 * slot;
        let mut elem = [0u8; 8];
        elem[..4].copy_from_slice(&(head as u32).to_le_bytes());
        elem[4..].copy_from_slice(&len.to_le_bytes());
        let idx_addr = self.used_addr + 2;
        let (Some(elem_off), Some(idx_off)) =
            (ram.offset_of(elem_addr, 8), ram.offset_of(idx_addr, 2))
        else {
            return Err(self.fail(QueueError::RingOutsideRam {
                what: "used ring",
                addr: self.used_addr,
                len: 6 + 8 * self.size as u64,
            }));
        };
        ram.write_bytes(elem_off, &elem);
        self.next_used = self.next_used.wrapping_add(1);
        ram.write_sized(idx_off, 2, self.next_used as u64);
        self.used_added = true;
        Ok(())
    }

    /// Were used elements added since the last call? (Clears the flag.)
    pub fn take_used_added(&mut self) -> bool {
        std::mem::take(&mut self.used_added)
    }

    /// Does the driver want an interrupt for new used buffers? (Honours
    /// `VIRTQ_AVAIL_F_NO_INTERRUPT`; EVENT_IDX is not offered.)
    pub fn wants_interrupt(&self, ram: &Ram) -> bool {
        match read_u16(ram, self.avail_addr) {
            Some(flags) => flags & VIRTQ_AVAIL_F_NO_INTERRUPT == 0,
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: u64 = 0x8000_0000;
    const DESC: u64 = BASE + 0x1000;
    const AVAIL: u64 = BASE + 0x2000;
    const USED: u64 = BASE + 0x3000;
    const DATA: u64 = BASE + 0x8000;

    fn setup(size: u16) -> (Ram, Queue) {
        let ram = Ram::new(BASE, 0x10000).unwrap();
        let mut q = Queue::new(256);
        q.set_size(size);
        q.set_desc_addr(DESC);
        q.set_avail_addr(AVAIL);
        q.set_used_addr(USED);
        q.activate(&ram).unwrap();
        (ram, q)
    }

    fn put_desc(ram: &mut Ram, i: u16, addr: u64, len: u32, flags: u16, next: u16) {
        let off = DESC - BASE + 16 * i as u64;
        ram.write_sized(off, 8, addr);
        ram.write_sized(off + 8, 4, len as u64);
        ram.write_sized(off + 12, 2, flags as u64);
        ram.write_sized(off + 14, 2, next as u64);
    }

    fn push(ram: &mut Ram, head: u16) {
        let idx = ram.read_sized(AVAIL - BASE + 2, 2) as u16;
        let size = 8; // tests below use size 8 when pushing
        ram.write_sized(AVAIL - BASE + 4 + 2 * (idx % size) as u64, 2, head as u64);
        ram.write_sized(AVAIL - BASE + 2, 2, idx.wrapping_add(1) as u64);
    }

    fn used(ram: &Ram, i: u16) -> (u32, u32) {
        let off = USED - BASE + 4 + 8 * i as u64;
        (
            ram.read_sized(off, 4) as u32,
            ram.read_sized(off + 4, 4) as u32,
        )
    }

    #[test]
    fn clamp_max_size() {
        assert_eq!(Queue::new(0).max_size(), 1);
        assert_eq!(Queue::new(100).max_size(), 64);
        assert_eq!(Queue::new(u16::MAX).max_size(), MAX_QUEUE_SIZE);
    }

    #[test]
    fn valid_chain_and_streams() {
        let (mut ram, mut q) = setup(8);
        put_desc(&mut ram, 0, DATA, 3, VIRTQ_DESC_F_NEXT, 5);
        put_desc(&mut ram, 5, DATA + 0x100, 2, VIRTQ_DESC_F_NEXT, 2);
        put_desc(
            &mut ram,
            2,
            DATA + 0x200,
            4,
            VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
            7,
        );
        put_desc(&mut ram, 7, DATA + 0x300, 4, VIRTQ_DESC_F_WRITE, 0);
        ram.write_bytes(DATA - BASE, &[1, 2, 3]);
        ram.write_bytes(DATA - BASE + 0x100, &[4, 5]);
        push(&mut ram, 0);
        let c = q.pop(&mut ram).unwrap().unwrap();
        assert_eq!(c.head(), 0);
        assert_eq!(c.readable_len(), 5);
        assert_eq!(c.writable_len(), 8);
        let mut out = [0u8; 6];
        assert_eq!(c.read_at(&ram, 1, &mut out), 4);
        assert_eq!(&out[..4], &[2, 3, 4, 5]);
        assert_eq!(c.write_at(&mut ram, 2, &[9, 9, 9, 9, 9, 9, 9]), 6);
        let mut w = [0u8; 4];
        ram.read_bytes(DATA - BASE + 0x200, &mut w);
        assert_eq!(w, [0, 0, 9, 9]);
        ram.read_bytes(DATA - BASE + 0x300, &mut w);
        assert_eq!(w, [9, 9, 9, 9]);
        q.add_used(&mut ram, c.head(), 8).unwrap();
        assert_eq!(used(&ram, 0), (0, 8));
        assert_eq!(ram.read_sized(USED - BASE + 2, 2), 1);
        assert!(q.take_used_added());
        assert!(!q.take_used_added());
        assert!(q.pop(&mut ram).unwrap().is_none());
    }

    fn expect_malformed(ram: &mut Ram, q: &mut Queue) {
        let before = q.malformed_count();
        let used_before = ram.read_sized(USED - BASE + 2, 2) as u16;
        assert!(q.pop(ram).unwrap().is_none());
        assert_eq!(q.malformed_count(), before + 1);
        assert_eq!(ram.read_sized(USED - BASE + 2, 2) as u16, used_before + 1);
        let (id, len) = used(ram, used_before % 8);
        assert_eq!(len, 0);
        assert!(id < 8);
        assert!(!q.broken());
    }

    #[test]
    fn malformed_chains_are_returned_with_len_zero() {
        let (mut ram, mut q) = setup(8);
        // loop
        put_desc(&mut ram, 0, DATA, 4, VIRTQ_DESC_F_NEXT, 1);
        put_desc(&mut ram, 1, DATA, 4, VIRTQ_DESC_F_NEXT, 0);
        push(&mut ram, 0);
        assert_eq!(q.walk(&ram, 0), Err(ChainError::TooLong { size: 8 }));
        expect_malformed(&mut ram, &mut q);
        // next index out of range
        put_desc(&mut ram, 0, DATA, 4, VIRTQ_DESC_F_NEXT, 8);
        push(&mut ram, 0);
        assert_eq!(
            q.walk(&ram, 0),
            Err(ChainError::IndexOutOfRange { index: 8, size: 8 })
        );
        expect_malformed(&mut ram, &mut q);
        // buffer outside RAM
        put_desc(&mut ram, 0, 0x1000, 4, 0, 0);
        push(&mut ram, 0);
        assert!(matches!(
            q.walk(&ram, 0),
            Err(ChainError::BufferOutsideRam { .. })
        ));
        expect_malformed(&mut ram, &mut q);
        // buffer straddling the end of RAM
        put_desc(&mut ram, 0, BASE + 0xfffe, 4, 0, 0);
        push(&mut ram, 0);
        expect_malformed(&mut ram, &mut q);
        // length overflow
        put_desc(&mut ram, 0, DATA, 0x8000_0000, VIRTQ_DESC_F_NEXT, 1);
        put_desc(&mut ram, 1, DATA, 0x8000_0000, 0, 0);
        push(&mut ram, 0);
        assert_eq!(q.walk(&ram, 0), Err(ChainError::LengthOverflow));
        expect_malformed(&mut ram, &mut q);
        // readable after writable
        put_desc(
            &mut ram,
            0,
            DATA,
            4,
            VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
            1,
        );
        put_desc(&mut ram, 1, DATA, 4, 0, 0);
        push(&mut ram, 0);
        assert_eq!(
            q.walk(&ram, 0),
            Err(ChainError::ReadableAfterWritable { index: 1 })
        );
        expect_malformed(&mut ram, &mut q);
        // indirect
        put_desc(&mut ram, 0, DATA, 16, VIRTQ_DESC_F_INDIRECT, 0);
        push(&mut ram, 0);
        expect_malformed(&mut ram, &mut q);
        // and a valid one still works
        put_desc(&mut ram, 3, DATA, 4, VIRTQ_DESC_F_WRITE, 0);
        push(&mut ram, 3);
        let c = q.pop(&mut ram).unwrap().unwrap();
        assert_eq!(c.head(), 3);
    }

    #[test]
    fn malformed_rings_break_the_queue() {
        let (mut ram, mut q) = setup(8);
        // head out of range
        push(&mut ram, 8);
        assert_eq!(
            q.pop(&mut ram),
            Err(QueueError::HeadOutOfRange { head: 8, size: 8 })
        );
        assert!(q.broken());
        assert!(q.pop(&mut ram).unwrap().is_none());
        // reset and an index jump
        q.reset();
        q.set_size(8);
        q.set_desc_addr(DESC);
        q.set_avail_addr(AVAIL);
        q.set_used_addr(USED);
        q.activate(&ram).unwrap();
        ram.write_sized(AVAIL - BASE + 2, 2, 100);
        assert!(matches!(
            q.pop(&mut ram),
            Err(QueueError::AvailIdxJump { .. })
        ));
        assert!(q.broken());
        assert_eq!(q.malformed_count(), 2);
    }

    #[test]
    fn activation_checks() {
        let ram = Ram::new(BASE, 0x10000).unwrap();
        let mut q = Queue::new(256);
        q.set_desc_addr(DESC);
        q.set_avail_addr(AVAIL);
        q.set_used_addr(USED);
        for bad in [0, 3, 512, 100] {
            q.set_size(bad);
            assert!(matches!(q.activate(&ram), Err(QueueError::BadSize { .. })));
            assert!(!q.ready());
        }
        q.set_size(256);
        q.set_used_addr(BASE + 0x10000 - 8);
        assert!(matches!(
            q.activate(&ram),
            Err(QueueError::RingOutsideRam { .. })
        ));
        q.set_used_addr(USED + 2);
        assert!(matches!(
            q.activate(&ram),
            Err(QueueError::Misaligned { .. })
        ));
        q.set_used_addr(USED);
        q.set_desc_addr(u64::MAX - 15);
        assert!(q.activate(&ram).is_err());
        q.set_desc_addr(DESC);
        q.activate(&ram).unwrap();
        assert!(q.ready());
    }
}
