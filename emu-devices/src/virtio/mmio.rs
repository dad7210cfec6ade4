//! The virtio-mmio transport, version 2 (virtio 1.x section 4.2).
//!
//! Registers are 32 bits wide and must be accessed as such; the device
//! configuration space at 0x100 may be accessed with any size. A
//! mis-sized register access is rejected (the hart takes an access fault),
//! as the spec forbids it.

use super::queue::Queue;
use super::{
    VirtioDevice, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER_OK, STATUS_FAILED, STATUS_FEATURES_OK,
    TRANSPORT_FEATURES, VIRTIO_F_VERSION_1,
};
use crate::irq::IrqLine;
use emu_core::bus::MmioDevice;
use emu_core::ram::Ram;

/// Size of one virtio-mmio region.
pub const MMIO_SIZE: u64 = 0x1000;

/// "virt" in little-endian ASCII (4.2.2).
pub const MAGIC: u32 = 0x7472_6976;
/// The modern transport (4.2.2).
pub const VERSION: u32 = 2;
/// Vendor ID: "QEMU", as QEMU's `virt` board reports.
pub const VENDOR_ID: u32 = 0x554d_4551;

/// R: magic value (4.2.2).
pub const REG_MAGIC_VALUE: u64 = 0x000;
/// R: device version number (4.2.2).
pub const REG_VERSION: u64 = 0x004;
/// R: virtio subsystem device ID (4.2.2).
pub const REG_DEVICE_ID: u64 = 0x008;
/// R: virtio subsystem vendor ID (4.2.2).
pub const REG_VENDOR_ID: u64 = 0x00c;
/// R: 32 device feature bits, selected by DeviceFeaturesSel (4.2.2).
pub const REG_DEVICE_FEATURES: u64 = 0x010;
/// W: which 32 device feature bits to show (4.2.2).
pub const REG_DEVICE_FEATURES_SEL: u64 = 0x014;
/// W: 32 driver feature bits, selected by DriverFeaturesSel (4.2.2).
pub const REG_DRIVER_FEATURES: u64 = 0x020;
/// W: which 32 driver feature bits are written (4.2.2).
pub const REG_DRIVER_FEATURES_SEL: u64 = 0x024;
/// W: the queue the queue registers refer to (4.2.2).
pub const REG_QUEUE_SEL: u64 = 0x030;
/// R: maximum queue size, 0 if the queue is not available (4.2.2).
pub const REG_QUEUE_NUM_MAX: u64 = 0x034;
/// W: queue size (4.2.2).
pub const REG_QUEUE_NUM: u64 = 0x038;
/// RW: queue ready bit (4.2.2).
pub const REG_QUEUE_READY: u64 = 0x044;
/// W: queue notifier, the value is the queue index (4.2.2).
pub const REG_QUEUE_NOTIFY: u64 = 0x050;
/// R: interrupt status (4.2.2).
pub const REG_INTERRUPT_STATUS: u64 = 0x060;
/// W: interrupt acknowledge (4.2.2).
pub const REG_INTERRUPT_ACK: u64 = 0x064;
/// RW: device status (4.2.2).
pub const REG_STATUS: u64 = 0x070;
/// W: descriptor table address, low 32 bits (4.2.2).
pub const REG_QUEUE_DESC_LOW: u64 = 0x080;
/// W: descriptor table address, high 32 bits (4.2.2).
pub const REG_QUEUE_DESC_HIGH: u64 = 0x084;
/// W: driver area (available ring) address, low 32 bits (4.2.2).
pub const REG_QUEUE_DRIVER_LOW: u64 = 0x090;
/// W: driver area address, high 32 bits (4.2.2).
pub const REG_QUEUE_DRIVER_HIGH: u64 = 0x094;
/// W: device area (used ring) address, low 32 bits (4.2.2).
pub const REG_QUEUE_DEVICE_LOW: u64 = 0x0a0;
/// W: device area address, high 32 bits (4.2.2).
pub const REG_QUEUE_DEVICE_HIGH: u64 = 0x0a4;
/// W: shared memory region selector (4.2.2).
pub const REG_SHM_SEL: u64 = 0x0ac;
/// R: shared memory region length, low 32 bits; all ones: no region (4.2.2).
pub const REG_SHM_LEN_LOW: u64 = 0x0b0;
/// R: shared memory region length, high 32 bits (4.2.2).
pub const REG_SHM_LEN_HIGH: u64 = 0x0b4;
/// R: shared memory region base, low 32 bits (4.2.2).
pub const REG_SHM_BASE_LOW: u64 = 0x0b8;
/// R: shared memory region base, high 32 bits (4.2.2).
pub const REG_SHM_BASE_HIGH: u64 = 0x0bc;
/// RW: queue reset (only with VIRTIO_F_RING_RESET, not offered) (4.2.2).
pub const REG_QUEUE_RESET: u64 = 0x0c0;
/// R: configuration atomicity value (4.2.2).
pub const REG_CONFIG_GENERATION: u64 = 0x0fc;
/// Start of the device configuration space (4.2.2).
pub const REG_CONFIG: u64 = 0x100;

/// InterruptStatus: a used buffer was added (4.2.2).
pub const INT_USED_BUFFER: u32 = 1;
/// InterruptStatus: the configuration changed (4.2.2).
pub const INT_CONFIG_CHANGE: u32 = 2;

/// A virtio-mmio transport around one [`VirtioDevice`].
pub struct VirtioMmio {
    name: String,
    device: Box<dyn VirtioDevice>,
    irq: IrqLine,
    irq_level: bool,
    queues: Vec<Queue>,
    status: u32,
    device_features_sel: u32,
    driver_features_sel: u32,
    driver_features: u64,
    /// The driver wrote non-zero feature bits at a selector >= 2.
    driver_features_unknown: bool,
    queue_sel: u32,
    shm_sel: u32,
    interrupt_status: u32,
    config_generation: u32,
    malformed: u64,
}

impl std::fmt::Debug for VirtioMmio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtioMmio")
            .field("device", &self.device.name())
            .field("status", &format_args!("{:#x}", self.status))
            .field("interrupt_status", &self.interrupt_status)
            .finish()
    }
}

impl VirtioMmio {
    /// A transport for `device` interrupting on `irq`. The line starts low.
    pub fn new(device: Box<dyn VirtioDevice>, irq: IrqLine) -> Self {
        let queues = (0..device.num_queues())
            .map(|i| Queue::new(device.max_queue_size(i)))
            .collect();
        irq.set(false);
        VirtioMmio {
            name: format!("virtio-mmio({})", device.name()),
            device,
            irq,
            irq_level: false,
            queues,
            status: 0,
            device_features_sel: 0,
            driver_features_sel: 0,
            driver_features: 0,
            driver_features_unknown: false,
            queue_sel: 0,
            shm_sel: 0,
            interrupt_status: 0,
            config_generation: 0,
            malformed: 0,
        }
    }

    /// The device behind the transport.
    pub fn device(&self) -> &dyn VirtioDevice {
        self.device.as_ref()
    }

    /// The device behind the transport, mutably.
    pub fn device_mut(&mut self) -> &mut dyn VirtioDevice {
        self.device.as_mut()
    }

    /// The device status register.
    pub fn status(&self) -> u32 {
        self.status
    }

    /// The interrupt status register.
    pub fn interrupt_status(&self) -> u32 {
        self.interrupt_status
    }

    /// Malformed requests, rings and queue set-ups seen since creation
    /// (a misbehaving guest; each was also logged).
    pub fn malformed_count(&self) -> u64 {
        self.malformed + self.queues.iter().map(Queue::malformed_count).sum::<u64>()
    }

    /// Push the device's buffered writes to stable storage.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.device.flush()
    }

    /// Features offered to the driver.
    pub fn offered_features(&self) -> u64 {
        (self.device.device_features() & !TRANSPORT_FEATURES) | VIRTIO_F_VERSION_1
    }

    fn update_irq(&mut self) {
        let level = self.interrupt_status != 0;
        if level != self.irq_level {
            self.irq_level = level;
            self.irq.set(level);
        }
    }

    fn reset(&mut self) {
        self.device.reset();
        for q in &mut self.queues {
            q.reset();
        }
        self.status = 0;
        self.device_features_sel = 0;
        self.driver_features_sel = 0;
        self.driver_features = 0;
        self.driver_features_unknown = false;
        self.queue_sel = 0;
        self.shm_sel = 0;
        self.interrupt_status = 0;
        self.update_irq();
    }

    /// A fatal error: DEVICE_NEEDS_RESET and a configuration change
    /// notification (2.1.2).
    fn needs_reset(&mut self) {
        if self.status & STATUS_DEVICE_NEEDS_RESET == 0 {
            tracing::warn!("{}: device needs reset", self.name);
            self.status |= STATUS_DEVICE_NEEDS_RESET;
            self.config_generation = self.config_generation.wrapping_add(1);
            self.interrupt_status |= INT_CONFIG_CHANGE;
            self.update_irq();
        }
    }

    /// May the device consume buffers now?
    fn live(&self) -> bool {
        self.status & (STATUS_DRIVER_OK | STATUS_FEATURES_OK)
            == (STATUS_DRIVER_OK | STATUS_FEATURES_OK)
            && self.status & (STATUS_DEVICE_NEEDS_RESET | STATUS_FAILED) == 0
    }

    fn process(&mut self, index: usize, ram: &mut Ram) {
        if !self.live() {
            return;
        }
        let Some(q) = self.queues.get_mut(index) else {
            return;
        };
        if !q.ready() || q.broken() {
            return;
        }
        let said = self.device.process_queue(index, q, ram);
        let added = q.take_used_added();
        let broken = q.broken();
        if (said || added) && q.wants_interrupt(ram) {
            self.interrupt_status |= INT_USED_BUFFER;
            self.update_irq();
        }
        if broken {
            self.needs_reset();
        }
    }

    fn write_status(&mut self, value: u32, ram: &mut Ram) {
        if value == 0 {
            self.reset();
            return;
        }
        let old = self.status;
        let mut new = (value & !STATUS_DEVICE_NEEDS_RESET) | (old & STATUS_DEVICE_NEEDS_RESET);
        if new & STATUS_FEATURES_OK != 0 && old & STATUS_FEATURES_OK == 0 {
            let offered = self.offered_features();
            let extra = self.driver_features & !offered;
            if extra != 0 || self.driver_features_unknown {
                tracing::warn!(
                    "{}: driver features {:#x} include unoffered bits {extra:#x}; FEATURES_OK refused",
                    self.name,
                    self.driver_features
                );
                new &= !STATUS_FEATURES_OK;
            } else if self.driver_features & VIRTIO_F_VERSION_1 == 0 {
                tracing::warn!(
                    "{}: driver did not accept VIRTIO_F_VERSION_1 (a legacy driver?); FEATURES_OK refused",
                    self.name
                );
                new &= !STATUS_FEATURES_OK;
            } else {
                self.device.ack_features(self.driver_features);
            }
        }
        self.status = new;
        if new & STATUS_DRIVER_OK != 0 && old & STATUS_DRIVER_OK == 0 {
            // Catch up on notifications sent before DRIVER_OK.
            for i in 0..self.queues.len() {
                self.process(i, ram);
            }
        }
    }

    fn read_reg(&mut self, offset: u64) -> u32 {
        let q = self.queues.get(self.queue_sel as usize);
        match offset {
            REG_MAGIC_VALUE => MAGIC,
            REG_VERSION => VERSION,
            REG_DEVICE_ID => self.device.device_id(),
            REG_VENDOR_ID => VENDOR_ID,
            REG_DEVICE_FEATURES => match self.device_features_sel {
                0 => self.offered_features() as u32,
                1 => (self.offered_features() >> 32) as u32,
                _ => 0,
            },
            REG_QUEUE_NUM_MAX => q.map_or(0, |q| q.max_size() as u32),
            REG_QUEUE_READY => q.map_or(0, |q| q.ready() as u32),
            REG_INTERRUPT_STATUS => self.interrupt_status,
            REG_STATUS => self.status,
            REG_SHM_LEN_LOW | REG_SHM_LEN_HIGH | REG_SHM_BASE_LOW | REG_SHM_BASE_HIGH => u32::MAX,
            REG_CONFIG_GENERATION => self.config_generation,
            // Write-only and reserved registers read as 0.
            _ => 0,
        }
    }

    fn write_reg(&mut self, offset: u64, value: u32, ram: &mut Ram) {
        match offset {
            REG_DEVICE_FEATURES_SEL => self.device_features_sel = value,
            REG_DRIVER_FEATURES_SEL => self.driver_features_sel = value,
            REG_DRIVER_FEATURES => {
                if self.status & STATUS_FEATURES_OK != 0 {
                    tracing::warn!(
                        "{}: DriverFeatures written after FEATURES_OK, ignored",
                        self.name
                    );
                    return;
                }
                match self.driver_features_sel {
                    0 => {
                        self.driver_features = (self.driver_features & !0xffff_ffff) | value as u64
                    }
                    1 => {
                        self.driver_features =
                            (self.driver_features & 0xffff_ffff) | ((value as u64) << 32)
                    }
                    _ => self.driver_features_unknown |= value != 0,
                }
            }
            REG_QUEUE_SEL => self.queue_sel = value,
            REG_QUEUE_NUM
            | REG_QUEUE_DESC_LOW
            | REG_QUEUE_DESC_HIGH
            | REG_QUEUE_DRIVER_LOW
            | REG_QUEUE_DRIVER_HIGH
            | REG_QUEUE_DEVICE_LOW
            | REG_QUEUE_DEVICE_HIGH => self.write_queue_reg(offset, value),
            REG_QUEUE_READY => {
                let sel = self.queue_sel;
                let Some(q) = self.queues.get_mut(sel as usize) else {
                    tracing::warn!("{}: QueueReady for missing queue {sel}", self.name);
                    return;
                };
                if value & 1 == 0 {
                    q.deactivate();
                } else if !q.ready() {
                    if let Err(e) = q.activate(ram) {
                        tracing::warn!("{}: queue {sel} not made ready: {e}", self.name);
                        self.needs_reset();
                    }
                }
            }
            REG_QUEUE_NOTIFY => {
                let index = (value & 0xffff) as usize;
                if index >= self.queues.len() {
                    tracing::warn!("{}: notify for missing queue {index}", self.name);
                    self.malformed += 1;
                    return;
                }
                self.process(index, ram);
            }
            REG_INTERRUPT_ACK => {
                self.interrupt_status &= !value;
                self.update_irq();
            }
            REG_STATUS => self.write_status(value, ram),
            REG_SHM_SEL => self.shm_sel = value,
            REG_QUEUE_RESET => {}
            _ => tracing::debug!(
                "{}: write {value:#x} to read-only or reserved register {offset:#x} ignored",
                self.name
            ),
        }
    }

    fn write_queue_reg(&mut self, offset: u64, value: u32) {
        let sel = self.queue_sel;
        let Some(q) = self.queues.get_mut(sel as usize) else {
            tracing::warn!(
                "{}: register {offset:#x} written for missing queue {sel}",
                self.name
            );
            return;
        };
        if q.ready() {
            tracing::warn!(
                "{}: register {offset:#x} written while queue {sel} is ready, ignored",
                self.name
            );
            return;
        }
        let lo = |old: u64| (old & !0xffff_ffff) | value as u64;
        let hi = |old: u64| (old & 0xffff_ffff) | ((value as u64) << 32);
        match offset {
            REG_QUEUE_NUM => q.set_size(value.min(u16::MAX as u32) as u16),
            REG_QUEUE_DESC_LOW => q.set_desc_addr(lo(q.desc_addr())),
            REG_QUEUE_DESC_HIGH => q.set_desc_addr(hi(q.desc_addr())),
            REG_QUEUE_DRIVER_LOW => q.set_avail_addr(lo(q.avail_addr())),
            REG_QUEUE_DRIVER_HIGH => q.set_avail_addr(hi(q.avail_addr())),
            REG_QUEUE_DEVICE_LOW => q.set_used_addr(lo(q.used_addr())),
            REG_QUEUE_DEVICE_HIGH => q.set_used_addr(hi(q.used_addr())),
            _ => {}
        }
    }
}

fn config_size_ok(size: u8) -> bool {
    matches!(size, 1 | 2 | 4 | 8)
}

impl MmioDevice for VirtioMmio {
    fn name(&self) -> &str {
        &self.name
    }

    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        if offset >= REG_CONFIG {
            if !config_size_ok(size) {
                return None;
            }
            let mut buf = [0u8; 8];
            self.device
                .config_read(offset - REG_CONFIG, &mut buf[..size as usize]);
            return Some(u64::from_le_bytes(buf));
        }
        if size != 4 || !offset.is_multiple_of(4) {
            tracing::warn!(
                "{}: {size}-byte read of register {offset:#x} rejected",
                self.name
            );
            return None;
        }
        Some(self.read_reg(offset) as u64)
    }

    fn write(&mut self, offset: u64, size: u8, value: u64, ram: &mut Ram) -> bool {
        if offset >= REG_CONFIG {
            if !config_size_ok(size) {
                return false;
            }
            let bytes = value.to_le_bytes();
            self.device
                .config_write(offset - REG_CONFIG, &bytes[..size as usize]);
            return true;
        }
        if size != 4 || !offset.is_multiple_of(4) {
            tracing::warn!(
                "{}: {size}-byte write of register {offset:#x} rejected",
                self.name
            );
            return false;
        }
        self.write_reg(offset, value as u32, ram);
        true
    }

    fn flush(&mut self) {
        if let Err(e) = VirtioMmio::flush(self) {
            tracing::error!("{}: flushing to the host disk failed: {e}", self.name);
        }
    }
}

/// An unpopulated virtio-mmio slot: it answers the probe with device ID 0
/// (the driver then leaves it alone) and ignores everything else, so the
/// device tree can list every slot as QEMU's does.
#[derive(Debug, Default, Clone, Copy)]
pub struct EmptySlot;

impl MmioDevice for EmptySlot {
    fn name(&self) -> &str {
        "virtio-mmio(empty)"
    }

    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        if offset >= REG_CONFIG {
            return config_size_ok(size).then_some(0);
        }
        if size != 4 || !offset.is_multiple_of(4) {
            return None;
        }
        Some(match offset {
            REG_MAGIC_VALUE => MAGIC,
            REG_VERSION => VERSION,
            REG_VENDOR_ID => VENDOR_ID,
            _ => 0,
        } as u64)
    }

    fn write(&mut self, offset: u64, size: u8, _value: u64, _ram: &mut Ram) -> bool {
        if offset >= REG_CONFIG {
            return config_size_ok(size);
        }
        size == 4 && offset.is_multiple_of(4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irq::TestSink;
    use crate::virtio::testutil::{FakeDriver, NullDevice, NullState, RAM_BASE};
    use crate::virtio::{
        STATUS_ACKNOWLEDGE, STATUS_DRIVER, VIRTIO_ID_BLOCK, VIRTIO_RING_F_EVENT_IDX,
    };
    use std::sync::{Arc, Mutex};

    fn null_driver() -> FakeDriver {
        null_driver_with_state().0
    }

    fn null_driver_with_state() -> (FakeDriver, Arc<Mutex<NullState>>) {
        let dev = NullDevice::default();
        let state = dev.state.clone();
        (FakeDriver::new(Box::new(dev)), state)
    }

    #[test]
    fn identity_registers() {
        let mut d = null_driver();
        assert_eq!(d.r(REG_MAGIC_VALUE), MAGIC);
        assert_eq!(d.r(REG_VERSION), 2);
        assert_eq!(d.r(REG_DEVICE_ID), 0x7f);
        assert_eq!(d.r(REG_VENDOR_ID), VENDOR_ID);
        d.w(REG_DEVICE_FEATURES_SEL, 1);
        assert_eq!(d.r(REG_DEVICE_FEATURES), 1); // VERSION_1
        d.w(REG_DEVICE_FEATURES_SEL, 0);
        // transport bits offered by the device are masked off
        assert_eq!(d.r(REG_DEVICE_FEATURES), 0x5);
        d.w(REG_DEVICE_FEATURES_SEL, 2);
        assert_eq!(d.r(REG_DEVICE_FEATURES), 0);
        d.w(REG_QUEUE_SEL, 0);
        assert_eq!(d.r(REG_QUEUE_NUM_MAX), 16);
        d.w(REG_QUEUE_SEL, 1);
        assert_eq!(d.r(REG_QUEUE_NUM_MAX), 0);
        assert_eq!(d.r(REG_SHM_LEN_LOW), u32::MAX);
        assert_eq!(d.r(REG_SHM_LEN_HIGH), u32::MAX);
        // config space, any size
        assert_eq!(d.mmio.read(REG_CONFIG, 1), Some(0x10));
        assert_eq!(d.mmio.read(REG_CONFIG + 1, 2), Some(0x1211));
        assert_eq!(d.mmio.read(REG_CONFIG, 8), Some(0x1716_1514_1312_1110));
        assert_eq!(d.mmio.read(REG_CONFIG + 0xe00, 4), Some(0));
        // mis-sized registers are rejected
        assert_eq!(d.mmio.read(REG_MAGIC_VALUE, 2), None);
        assert_eq!(d.mmio.read(REG_MAGIC_VALUE, 8), None);
        assert_eq!(d.mmio.read(REG_MAGIC_VALUE + 2, 4), None);
    }

    #[test]
    fn feature_negotiation() {
        let (mut d, state) = null_driver_with_state();
        // a driver without VERSION_1 is refused
        assert!(!d.negotiate(0x1));
        assert_eq!(d.r(REG_STATUS) & STATUS_FEATURES_OK, 0);
        // unoffered bits are refused
        assert!(!d.negotiate(VIRTIO_F_VERSION_1 | 0x2));
        assert!(!d.negotiate(VIRTIO_F_VERSION_1 | VIRTIO_RING_F_EVENT_IDX));
        // features at selector 2 are refused
        d.w(REG_STATUS, 0);
        d.w(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        d.w(REG_DRIVER_FEATURES_SEL, 1);
        d.w(REG_DRIVER_FEATURES, 1);
        d.w(REG_DRIVER_FEATURES_SEL, 2);
        d.w(REG_DRIVER_FEATURES, 1);
        d.w(
            REG_STATUS,
            STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK,
        );
        assert_eq!(d.r(REG_STATUS) & STATUS_FEATURES_OK, 0);
        // a subset including VERSION_1 is accepted and handed to the device
        assert!(d.negotiate(VIRTIO_F_VERSION_1 | 0x4));
        assert_eq!(state.lock().unwrap().acked, Some(VIRTIO_F_VERSION_1 | 0x4));
        // DriverFeatures after FEATURES_OK is ignored
        d.w(REG_DRIVER_FEATURES_SEL, 0);
        d.w(REG_DRIVER_FEATURES, 0xffff_ffff);
        assert!(d.r(REG_STATUS) & STATUS_FEATURES_OK != 0);
        // reset clears everything
        d.w(REG_STATUS, 0);
        assert_eq!(d.r(REG_STATUS), 0);
        assert_eq!(state.lock().unwrap().resets, 6);
    }

    #[test]
    fn used_buffer_interrupt_and_ack() {
        let mut d = null_driver();
        assert!(d.negotiate(VIRTIO_F_VERSION_1));
        d.setup_queue(0, 8);
        d.driver_ok();
        let buf = RAM_BASE + 0x8000;
        d.submit(0, &[(buf, 4, true)]);
        assert_eq!(d.used_idx(0), 1);
        assert_eq!(d.used_elem(0, 0), (0, 4));
        assert_eq!(d.r(REG_INTERRUPT_STATUS), INT_USED_BUFFER);
        assert!(d.irq_level());
        d.w(REG_INTERRUPT_ACK, INT_USED_BUFFER);
        assert_eq!(d.r(REG_INTERRUPT_STATUS), 0);
        assert!(!d.irq_level());
        // suppressed by VIRTQ_AVAIL_F_NO_INTERRUPT
        d.set_avail_flags(0, 1);
        d.submit(0, &[(buf, 4, true)]);
        assert_eq!(d.used_idx(0), 2);
        assert_eq!(d.r(REG_INTERRUPT_STATUS), 0);
        assert!(!d.irq_level());
    }

    #[test]
    fn notify_before_driver_ok_is_processed_at_driver_ok() {
        let mut d = null_driver();
        assert!(d.negotiate(VIRTIO_F_VERSION_1));
        d.setup_queue(0, 8);
        d.submit(0, &[(RAM_BASE + 0x8000, 4, true)]);
        assert_eq!(d.used_idx(0), 0);
        d.driver_ok();
        assert_eq!(d.used_idx(0), 1);
        assert!(d.irq_level());
    }

    #[test]
    fn queue_setup_errors_need_reset() {
        let mut d = null_driver();
        // QueueNum not a power of two
        assert!(d.negotiate(VIRTIO_F_VERSION_1));
        d.w(REG_QUEUE_SEL, 0);
        d.w(REG_QUEUE_NUM, 3);
        d.w(REG_QUEUE_READY, 1);
        assert_eq!(d.r(REG_QUEUE_READY), 0);
        assert!(d.r(REG_STATUS) & STATUS_DEVICE_NEEDS_RESET != 0);
        assert_eq!(d.r(REG_INTERRUPT_STATUS), INT_CONFIG_CHANGE);
        assert!(d.irq_level());
        assert_eq!(d.mmio.malformed_count(), 1);
        // a status write keeps NEEDS_RESET
        let s = d.r(REG_STATUS);
        d.w(REG_STATUS, s | STATUS_DRIVER_OK);
        assert!(d.r(REG_STATUS) & STATUS_DEVICE_NEEDS_RESET != 0);
        // reset and a valid set-up works
        assert!(d.negotiate(VIRTIO_F_VERSION_1));
        assert!(!d.irq_level());
        d.setup_queue(0, 8);
        d.driver_ok();
        d.submit(0, &[(RAM_BASE + 0x8000, 4, true)]);
        assert_eq!(d.used_idx(0), 1);

        // rings outside RAM
        assert!(d.negotiate(VIRTIO_F_VERSION_1));
        d.w(REG_QUEUE_SEL, 0);
        d.w(REG_QUEUE_NUM, 8);
        d.w(REG_QUEUE_DESC_LOW, 0x1000);
        d.w(REG_QUEUE_DESC_HIGH, 0);
        d.w(REG_QUEUE_DRIVER_LOW, 0x2000);
        d.w(REG_QUEUE_DEVICE_LOW, 0x3000);
        d.w(REG_QUEUE_READY, 1);
        assert_eq!(d.r(REG_QUEUE_READY), 0);
        assert!(d.r(REG_STATUS) & STATUS_DEVICE_NEEDS_RESET != 0);
        // notify on a not-ready queue does nothing
        d.w(REG_QUEUE_NOTIFY, 0);
        // high halves put it past RAM too
        assert!(d.negotiate(VIRTIO_F_VERSION_1));
        d.setup_queue(0, 8);
        d.w(REG_QUEUE_READY, 0);
        d.w(REG_QUEUE_DEVICE_HIGH, 1);
        d.w(REG_QUEUE_READY, 1);
        assert_eq!(d.r(REG_QUEUE_READY), 0);
        assert!(d.r(REG_STATUS) & STATUS_DEVICE_NEEDS_RESET != 0);
        assert_eq!(d.mmio.malformed_count(), 3);
        // and recovery
        assert!(d.negotiate(VIRTIO_F_VERSION_1));
        d.setup_queue(0, 8);
        d.driver_ok();
        d.submit(0, &[(RAM_BASE + 0x8000, 4, true)]);
        assert_eq!(d.used_idx(0), 1);
    }

    #[test]
    fn broken_ring_needs_reset() {
        let mut d = null_driver();
        assert!(d.negotiate(VIRTIO_F_VERSION_1));
        d.setup_queue(0, 8);
        d.driver_ok();
        d.push_avail(0, 9); // head out of range
        d.w(REG_QUEUE_NOTIFY, 0);
        assert!(d.r(REG_STATUS) & STATUS_DEVICE_NEEDS_RESET != 0);
        assert!(d.r(REG_INTERRUPT_STATUS) & INT_CONFIG_CHANGE != 0);
        // a valid request is not processed until reset
        d.submit(0, &[(RAM_BASE + 0x8000, 4, true)]);
        assert_eq!(d.used_idx(0), 0);
        assert!(d.negotiate(VIRTIO_F_VERSION_1));
        d.setup_queue(0, 8);
        d.driver_ok();
        d.submit(0, &[(RAM_BASE + 0x8000, 4, true)]);
        assert_eq!(d.used_idx(0), 1);
    }

    #[test]
    fn queue_registers_locked_while_ready() {
        let mut d = null_driver();
        assert!(d.negotiate(VIRTIO_F_VERSION_1));
        d.setup_queue(0, 8);
        d.w(REG_QUEUE_NUM, 4);
        d.w(REG_QUEUE_DESC_LOW, 0);
        d.driver_ok();
        d.submit(0, &[(RAM_BASE + 0x8000, 4, true)]);
        assert_eq!(d.used_idx(0), 1);
        // notify for a missing queue
        d.w(REG_QUEUE_NOTIFY, 5);
        assert_eq!(d.mmio.malformed_count(), 1);
    }

    #[test]
    fn every_register_and_size_is_safe() {
        for ready in [false, true] {
            let mut d = null_driver();
            if ready {
                assert!(d.negotiate(VIRTIO_F_VERSION_1));
                d.setup_queue(0, 8);
                d.driver_ok();
            }
            for offset in 0..MMIO_SIZE {
                for size in [1u8, 2, 4, 8] {
                    if offset + size as u64 > MMIO_SIZE {
                        continue;
                    }
                    let _ = d.mmio.read(offset, size);
                    for value in [0, 1, 0xffff_ffff, u64::MAX, 0x8000_0000] {
                        let _ = d.mmio.write(offset, size, value, &mut d.ram);
                        let _ = d.mmio.read(offset, size);
                    }
                }
            }
            let mut e = EmptySlot;
            for offset in 0..MMIO_SIZE {
                for size in [1u8, 2, 4, 8] {
                    let _ = e.read(offset, size);
                    let _ = e.write(offset, size, u64::MAX, &mut d.ram);
                }
            }
        }
    }

    #[test]
    fn empty_slot_probe() {
        let mut e = EmptySlot;
        assert_eq!(e.read(REG_MAGIC_VALUE, 4), Some(MAGIC as u64));
        assert_eq!(e.read(REG_VERSION, 4), Some(2));
        assert_eq!(e.read(REG_DEVICE_ID, 4), Some(0));
        assert_eq!(e.read(REG_MAGIC_VALUE, 1), None);
    }

    #[test]
    fn irq_line_number() {
        let sink = Arc::new(TestSink::default());
        let mmio = VirtioMmio::new(
            Box::new(NullDevice::default()),
            IrqLine::new(sink.clone(), 7),
        );
        assert_eq!(mmio.name(), "virtio-mmio(null)");
        assert!(!sink.level(7));
        assert_ne!(mmio.device().device_id(), VIRTIO_ID_BLOCK);
    }
}
