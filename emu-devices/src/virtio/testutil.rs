//! A fake virtio driver for unit tests: lays out split queues in a [`Ram`]
//! and drives a [`VirtioMmio`] through its registers, as Linux does.

use super::mmio::*;
use super::queue::{Queue, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE};
use super::{
    VirtioDevice, VirtioMmio, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK,
    STATUS_FEATURES_OK, VIRTIO_RING_F_EVENT_IDX,
};
use crate::irq::{IrqLine, TestSink};
use emu_core::bus::MmioDevice;
use emu_core::ram::Ram;
use std::sync::{Arc, Mutex};

pub(crate) const RAM_BASE: u64 = 0x8000_0000;
pub(crate) const RAM_SIZE: u64 = 0x10_0000;
pub(crate) const IRQ: u32 = 3;

/// What a [`NullDevice`] saw.
#[derive(Debug, Default)]
pub(crate) struct NullState {
    pub acked: Option<u64>,
    pub resets: u32,
}

/// A device with one queue of 16 that returns every chain with its
/// writable length.
#[derive(Debug, Default)]
pub(crate) struct NullDevice {
    pub state: Arc<Mutex<NullState>>,
}

impl VirtioDevice for NullDevice {
    fn name(&self) -> &str {
        "null"
    }
    fn device_id(&self) -> u32 {
        0x7f
    }
    fn device_features(&self) -> u64 {
        0x5 | VIRTIO_RING_F_EVENT_IDX
    }
    fn ack_features(&mut self, features: u64) {
        self.state.lock().unwrap().acked = Some(features);
    }
    fn config_read(&self, offset: u64, data: &mut [u8]) {
        for (i, b) in data.iter_mut().enumerate() {
            let o = offset + i as u64;
            *b = if o < 0x10 { 0x10 + o as u8 } else { 0 };
        }
    }
    fn config_write(&mut self, _offset: u64, _data: &[u8]) {}
    fn num_queues(&self) -> usize {
        1
    }
    fn max_queue_size(&self, _index: usize) -> u16 {
        16
    }
    fn process_queue(&mut self, _index: usize, queue: &mut Queue, ram: &mut Ram) -> bool {
        let mut any = false;
        while let Ok(Some(c)) = queue.pop(ram) {
            let len = c.writable_len() as u32;
            if queue.add_used(ram, c.head(), len).is_err() {
                break;
            }
            any = true;
        }
        any
    }
    fn reset(&mut self) {
        self.state.lock().unwrap().resets += 1;
    }
}

/// The driver side: RAM, the transport and the interrupt sink.
pub(crate) struct FakeDriver {
    pub mmio: VirtioMmio,
    pub ram: Ram,
    pub sink: Arc<TestSink>,
    sizes: Vec<u16>,
    avail_idx: Vec<u16>,
}

/// Descriptor table of queue `q`.
pub(crate) fn desc_base(q: u32) -> u64 {
    RAM_BASE + 0x1000 + q as u64 * 0x4000
}
fn avail_base(q: u32) -> u64 {
    desc_base(q) + 0x1000
}
fn used_base(q: u32) -> u64 {
    desc_base(q) + 0x2000
}

impl FakeDriver {
    pub fn new(device: Box<dyn VirtioDevice>) -> Self {
        let ram = Ram::new(RAM_BASE, RAM_SIZE).unwrap();
        let sink = Arc::new(TestSink::default());
        let mmio = VirtioMmio::new(device, IrqLine::new(sink.clone(), IRQ));
        FakeDriver {
            mmio,
            ram,
            sink,
            sizes: vec![0; 4],
            avail_idx: vec![0; 4],
        }
    }

    pub fn r(&mut self, offset: u64) -> u32 {
        self.mmio.read(offset, 4).expect("register read") as u32
    }

    pub fn w(&mut self, offset: u64, value: u32) {
        assert!(self.mmio.write(offset, 4, value as u64, &mut self.ram));
    }

    pub fn irq_level(&self) -> bool {
        self.sink.level(IRQ)
    }

    /// Reset, ACKNOWLEDGE, DRIVER, write `features`, FEATURES_OK; returns
    /// whether the device kept FEATURES_OK.
    pub fn negotiate(&mut self, features: u64) -> bool {
        self.w(REG_STATUS, 0);
        assert_eq!(self.r(REG_STATUS), 0);
        assert_eq!(self.r(REG_INTERRUPT_STATUS), 0);
        self.w(REG_STATUS, STATUS_ACKNOWLEDGE);
        self.w(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        self.w(REG_DEVICE_FEATURES_SEL, 1);
        let hi = self.r(REG_DEVICE_FEATURES) as u64;
        self.w(REG_DEVICE_FEATURES_SEL, 0);
        let lo = self.r(REG_DEVICE_FEATURES) as u64;
        let _offered = hi << 32 | lo;
        self.w(REG_DRIVER_FEATURES_SEL, 1);
        self.w(REG_DRIVER_FEATURES, (features >> 32) as u32);
        self.w(REG_DRIVER_FEATURES_SEL, 0);
        self.w(REG_DRIVER_FEATURES, features as u32);
        self.w(
            REG_STATUS,
            STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK,
        );
        self.sizes.iter_mut().for_each(|s| *s = 0);
        self.avail_idx.iter_mut().for_each(|s| *s = 0);
        self.r(REG_STATUS) & STATUS_FEATURES_OK != 0
    }

    /// Lay out queue `q` with `size` entries (clearing its rings) and make
    /// it ready.
    pub fn setup_queue(&mut self, q: u32, size: u16) {
        for base in [desc_base(q), avail_base(q), used_base(q)] {
            assert!(self.ram.write_bytes(base - RAM_BASE, &[0u8; 0x1000]));
        }
        self.w(REG_QUEUE_SEL, q);
        assert_eq!(self.r(REG_QUEUE_READY), 0);
        assert!(self.r(REG_QUEUE_NUM_MAX) >= size as u32);
        self.w(REG_QUEUE_NUM, size as u32);
        for (lo, addr) in [
            (REG_QUEUE_DESC_LOW, desc_base(q)),
            (REG_QUEUE_DRIVER_LOW, avail_base(q)),
            (REG_QUEUE_DEVICE_LOW, used_base(q)),
        ] {
            self.w(lo, addr as u32);
            self.w(lo + 4, (addr >> 32) as u32);
        }
        self.w(REG_QUEUE_READY, 1);
        assert_eq!(self.r(REG_QUEUE_READY), 1);
        self.sizes[q as usize] = size;
        self.avail_idx[q as usize] = 0;
    }

    pub fn driver_ok(&mut self) {
        let s = self.r(REG_STATUS);
        self.w(REG_STATUS, s | STATUS_DRIVER_OK);
    }

    pub fn put_desc(&mut self, q: u32, i: u16, addr: u64, len: u32, flags: u16, next: u16) {
        let off = desc_base(q) - RAM_BASE + 16 * i as u64;
        self.ram.write_sized(off, 8, addr);
        self.ram.write_sized(off + 8, 4, len as u64);
        self.ram.write_sized(off + 12, 2, flags as u64);
        self.ram.write_sized(off + 14, 2, next as u64);
    }

    /// Put `head` on the available ring (no notify).
    pub fn push_avail(&mut self, q: u32, head: u16) {
        let size = self.sizes[q as usize].max(1);
        let idx = self.avail_idx[q as usize];
        let off = avail_base(q) - RAM_BASE;
        self.ram
            .write_sized(off + 4 + 2 * (idx % size) as u64, 2, head as u64);
        let idx = idx.wrapping_add(1);
        self.ram.write_sized(off + 2, 2, idx as u64);
        self.avail_idx[q as usize] = idx;
    }

    pub fn set_avail_flags(&mut self, q: u32, flags: u16) {
        self.ram
            .write_sized(avail_base(q) - RAM_BASE, 2, flags as u64);
    }

    pub fn notify(&mut self, q: u32) {
        self.w(REG_QUEUE_NOTIFY, q);
    }

    /// Chain `bufs` (address, length, device-writable) in descriptors
    /// 0..n, make it available and notify. Returns the head (0).
    pub fn submit(&mut self, q: u32, bufs: &[(u64, u32, bool)]) -> u16 {
        for (i, &(addr, len, writable)) in bufs.iter().enumerate() {
            let last = i + 1 == bufs.len();
            let mut flags = if writable { VIRTQ_DESC_F_WRITE } else { 0 };
            if !last {
                flags |= VIRTQ_DESC_F_NEXT;
            }
            self.put_desc(q, i as u16, addr, len, flags, i as u16 + 1);
        }
        self.push_avail(q, 0);
        self.notify(q);
        0
    }

    pub fn used_idx(&self, q: u32) -> u16 {
        self.ram.read_sized(used_base(q) - RAM_BASE + 2, 2) as u16
    }

    /// Used element `i` (id, len).
    pub fn used_elem(&self, q: u32, i: u16) -> (u32, u32) {
        let size = self.sizes[q as usize].max(1);
        let off = used_base(q) - RAM_BASE + 4 + 8 * (i % size) as u64;
        (
            self.ram.read_sized(off, 4) as u32,
            self.ram.read_sized(off + 4, 4) as u32,
        )
    }

    pub fn write_mem(&mut self, addr: u64, data: &[u8]) {
        assert!(self.ram.write_bytes(addr - RAM_BASE, data));
    }

    pub fn read_mem(&self, addr: u64, len: usize) -> Vec<u8> {
        let mut v = vec![0; len];
        assert!(self.ram.read_bytes(addr - RAM_BASE, &mut v));
        v
    }
}
