//! Devices of the `virt` board (UART 16550A, ACLINT, PLIC, virtio-mmio,
//! syscon, RTC) and its device tree. They implement
//! `emu_core::bus::MmioDevice`.

#![forbid(unsafe_code)]
