//! Virtio 1.x devices over the virtio-mmio transport (version 2, modern
//! only), as on QEMU's `virt` board.
//!
//! - [`mmio::VirtioMmio`]: the transport, an `MmioDevice` generic over a
//!   [`VirtioDevice`]; [`mmio::EmptySlot`] answers for an unpopulated slot.
//! - [`queue::Queue`]: split virtqueues with every guest value validated.
//! - [`blk::VirtioBlk`]: virtio-blk over a raw image file.
//!
//! We implement the split ring ourselves instead of using the
//! `virtio-queue` crate: that crate reads guest memory through a
//! `vm-memory` `GuestMemory`, which over our [`Ram`] would need a second
//! owner of the mapping built from raw pointers (unsafe), and its writes
//! would bypass `Ram`'s code-page tracking, so DMA into a page holding
//! translated code would not invalidate it.

pub mod blk;
pub mod mmio;
pub mod queue;

#[cfg(test)]
mod testutil;

pub use blk::{BlkError, SyncHandle, VirtioBlk};
pub use mmio::{EmptySlot, VirtioMmio};
pub use queue::{ChainError, DescChain, Queue, QueueError};

use emu_core::ram::Ram;

/// Device ID of a network card (5, "Device Types").
pub const VIRTIO_ID_NET: u32 = 1;
/// Device ID of a block device (5, "Device Types").
pub const VIRTIO_ID_BLOCK: u32 = 2;
/// Device ID of a console (5, "Device Types").
pub const VIRTIO_ID_CONSOLE: u32 = 3;
/// Device ID of an entropy source (5, "Device Types").
pub const VIRTIO_ID_RNG: u32 = 4;

/// Device status: the guest noticed the device (2.1).
pub const STATUS_ACKNOWLEDGE: u32 = 1;
/// Device status: the guest has a driver for it (2.1).
pub const STATUS_DRIVER: u32 = 2;
/// Device status: the driver is ready to drive it (2.1).
pub const STATUS_DRIVER_OK: u32 = 4;
/// Device status: feature negotiation is complete (2.1).
pub const STATUS_FEATURES_OK: u32 = 8;
/// Device status: the device hit an error it cannot recover from (2.1).
pub const STATUS_DEVICE_NEEDS_RESET: u32 = 0x40;
/// Device status: the driver gave up on the device (2.1).
pub const STATUS_FAILED: u32 = 0x80;

/// Feature: descriptors may be indirect tables (6).
pub const VIRTIO_RING_F_INDIRECT_DESC: u64 = 1 << 28;
/// Feature: used_event / avail_event interrupt suppression (6).
pub const VIRTIO_RING_F_EVENT_IDX: u64 = 1 << 29;
/// Feature: virtio 1.x compliance, required by modern drivers (6).
pub const VIRTIO_F_VERSION_1: u64 = 1 << 32;
/// Feature bits 24..=40 belong to the transport and ring (6); devices
/// must not offer them, the transport decides.
pub const TRANSPORT_FEATURES: u64 = ((1 << 41) - 1) & !((1 << 24) - 1);

/// A virtio device behind a transport: what it offers and how it handles
/// its queues. All methods run in the vCPU thread that accessed the
/// transport.
pub trait VirtioDevice: Send {
    /// A short name for logs ("virtio-blk").
    fn name(&self) -> &str;
    /// The device ID (5, e.g. [`VIRTIO_ID_BLOCK`]).
    fn device_id(&self) -> u32;
    /// Device-specific feature bits offered. Bits 24..=40 are ignored: the
    /// transport adds `VIRTIO_F_VERSION_1` itself.
    fn device_features(&self) -> u64;
    /// The driver accepted these features (called at FEATURES_OK).
    fn ack_features(&mut self, _features: u64) {}
    /// Read device configuration space at `offset` (any size; bytes past
    /// the end read 0).
    fn config_read(&self, offset: u64, data: &mut [u8]);
    /// Write device configuration space at `offset` (any size).
    fn config_write(&mut self, offset: u64, data: &[u8]);
    /// How many virtqueues.
    fn num_queues(&self) -> usize;
    /// QueueNumMax of queue `index` (a power of two).
    fn max_queue_size(&self, index: usize) -> u16;
    /// The driver notified queue `index`: consume what is available.
    /// Returns true if used buffers were added (an interrupt is needed).
    fn process_queue(&mut self, index: usize, queue: &mut Queue, ram: &mut Ram) -> bool;
    /// Device reset (status written 0).
    fn reset(&mut self);
    /// Push everything the device buffers to stable storage (called on
    /// emulator exit). Default: nothing.
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
