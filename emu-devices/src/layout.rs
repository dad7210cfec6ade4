//! The `virt` board's physical memory map and interrupt numbers (the same
//! as QEMU's `virt` machine).

pub use emu_core::machine::{RAM_BASE, TIMEBASE_HZ};

/// Reset ROM.
pub const ROM_BASE: u64 = 0x1000;
/// Reset ROM size.
pub const ROM_SIZE: u64 = 0x1000;
/// sifive,test (poweroff/reboot).
pub const SYSCON_BASE: u64 = 0x10_0000;
/// syscon size.
pub const SYSCON_SIZE: u64 = 0x1000;
/// goldfish RTC.
pub const RTC_BASE: u64 = 0x10_1000;
/// RTC size.
pub const RTC_SIZE: u64 = 0x1000;
/// RTC interrupt (PLIC source).
pub const RTC_IRQ: u32 = 11;
/// CLINT.
pub const CLINT_BASE: u64 = 0x200_0000;
/// CLINT size.
pub const CLINT_SIZE: u64 = 0x1_0000;
/// PLIC.
pub const PLIC_BASE: u64 = 0xc00_0000;
/// PLIC size (covers 2 contexts for up to 8 harts and more).
pub const PLIC_SIZE: u64 = 0x60_0000;
/// PLIC sources, including the reserved source 0.
pub const PLIC_SOURCES: u32 = 96;
/// UART 16550A.
pub const UART_BASE: u64 = 0x1000_0000;
/// UART size.
pub const UART_SIZE: u64 = 0x100;
/// UART interrupt (PLIC source).
pub const UART_IRQ: u32 = 10;
/// First virtio-mmio slot.
pub const VIRTIO_BASE: u64 = 0x1000_1000;
/// Distance between virtio-mmio slots.
pub const VIRTIO_STRIDE: u64 = 0x1000;
/// Number of virtio-mmio slots.
pub const VIRTIO_SLOTS: usize = 8;
/// Interrupt of virtio slot 0 (slot n uses n + 1).
pub const VIRTIO_IRQ_BASE: u32 = 1;
/// Where the kernel image goes, relative to RAM.
pub const KERNEL_OFFSET: u64 = 0x20_0000;
