#![forbid(unsafe_code)]
//! Devices of the `virt` board (UART 16550A, ACLINT/CLINT, PLIC,
//! virtio-mmio with virtio-blk, syscon, goldfish RTC), its device tree and
//! its layout. Every device implements `emu_core::bus::MmioDevice` and is
//! a plain state machine, unit-tested without a CPU. Devices raise
//! interrupts only through an [`irq::IrqLine`] into the PLIC; the PLIC and
//! the CLINT drive the harts' interrupt lines.

pub mod board;
pub mod clint;
pub mod fdt;
pub mod irq;
pub mod layout;
pub mod plic;
pub mod rom;
pub mod rtc;
pub mod syscon;
pub mod uart;
pub mod virtio;
