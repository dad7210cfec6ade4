//! Wiring the `virt` board: RAM, devices, images, device tree and the reset
//! ROM, checked for fit and overlap with errors a user can act on.

use crate::clint::Clint;
use crate::fdt::{self, FdtConfig};
use crate::irq::{IrqLine, IrqSink};
use crate::layout::*;
use crate::plic::{Plic, PlicMmio};
use crate::rom::Rom;
use crate::rtc::GoldfishRtc;
use crate::syscon::Syscon;
use crate::uart::{Uart16550, UartInput};
use crate::virtio::blk::VirtioBlk;
use crate::virtio::mmio::VirtioMmio;
use emu_core::bus::{Bus, BusError};
use emu_core::elf::{load_elf_with_base, ElfError};
use emu_core::machine::{Clock, Machine};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which firmware runs first.
#[derive(Clone, Debug)]
pub enum BiosChoice {
    /// No firmware: the kernel runs from reset in M-mode.
    None,
    /// A firmware file (OpenSBI `fw_dynamic`), ELF or raw binary loaded
    /// at the start of RAM.
    File(PathBuf),
}

/// One virtio-blk disk.
#[derive(Clone, Debug)]
pub struct DriveConfig {
    /// Raw image file.
    pub path: PathBuf,
    /// Refuse guest writes.
    pub read_only: bool,
}

/// Everything needed to build a board.
pub struct BoardConfig {
    /// Number of harts.
    pub harts: usize,
    /// RAM size in bytes.
    pub ram_size: u64,
    /// Firmware.
    pub bios: BiosChoice,
    /// Kernel image.
    pub kernel: Option<PathBuf>,
    /// Initial ramdisk.
    pub initrd: Option<PathBuf>,
    /// Kernel command line.
    pub append: String,
    /// Disks, in order (/dev/vda first).
    pub drives: Vec<DriveConfig>,
    /// Clock mode.
    pub clock: Clock,
    /// Where the UART's output goes.
    pub console: Box<dyn Write + Send>,
}

/// Why a board could not be built. Each message names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// A file could not be read.
    #[error("cannot read {what} '{path}': {source}")]
    Read {
        /// which file
        what: &'static str,
        /// its path
        path: PathBuf,
        /// the I/O error
        source: std::io::Error,
    },
    /// An ELF image was rejected.
    #[error("{what} '{path}': {source}")]
    Elf {
        /// which file
        what: &'static str,
        /// its path
        path: PathBuf,
        /// why
        source: ElfError,
    },
    /// An image does not fit in RAM.
    #[error("{what} '{path}' ({size} bytes at {addr:#x}) does not fit in {ram} MiB of RAM; use a larger --mem")]
    TooBig {
        /// which file
        what: &'static str,
        /// its path
        path: PathBuf,
        /// its size
        size: u64,
        /// where it would go
        addr: u64,
        /// RAM size in MiB
        ram: u64,
    },
    /// Two images overlap.
    #[error("{a} ({a_start:#x}..{a_end:#x}) overlaps {b} ({b_start:#x}..{b_end:#x})")]
    Overlap {
        /// first image
        a: &'static str,
        /// its start
        a_start: u64,
        /// its end
        a_end: u64,
        /// second image
        b: &'static str,
        /// its start
        b_start: u64,
        /// its end
        b_end: u64,
    },
    /// RAM could not be mapped.
    #[error("{0}")]
    Ram(#[from] emu_core::ram::RamError),
    /// A disk could not be opened.
    #[error("{0}")]
    Disk(#[from] crate::virtio::blk::BlkError),
    /// Too many disks.
    #[error("{0} disks given, but the board has {VIRTIO_SLOTS} virtio slots")]
    TooManyDrives(usize),
    /// Internal: building the bus or the device tree failed.
    #[error("building the board failed: {0}")]
    Internal(String),
}

impl From<BusError> for BoardError {
    fn from(e: BusError) -> Self {
        BoardError::Internal(e.to_string())
    }
}

/// A built board, ready to run.
pub struct Board {
    /// The machine.
    pub machine: Machine,
    /// Feed console input here.
    pub uart_input: UartInput,
    /// The device tree blob placed in RAM.
    pub dtb: Vec<u8>,
    /// Where things were placed.
    pub placement: Placement,
}

/// Physical placement of the boot images.
#[derive(Clone, Debug, Default)]
pub struct Placement {
    /// Firmware range.
    pub firmware: Option<(u64, u64)>,
    /// Firmware entry.
    pub firmware_entry: u64,
    /// Kernel range.
    pub kernel: Option<(u64, u64)>,
    /// Kernel entry.
    pub kernel_entry: u64,
    /// Initrd range.
    pub initrd: Option<(u64, u64)>,
    /// Device tree address.
    pub fdt: u64,
}

fn read(what: &'static str, path: &Path) -> Result<Vec<u8>, BoardError> {
    std::fs::read(path).map_err(|source| BoardError::Read {
        what,
        path: path.to_path_buf(),
        source,
    })
}

fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
}

/// Load an image: ELF by its program headers, anything else raw at `addr`.
/// Returns (start, end, entry).
fn load_image(
    bus: &mut Bus,
    what: &'static str,
    path: &Path,
    addr: u64,
) -> Result<(u64, u64, u64), BoardError> {
    let bytes = read(what, path)?;
    if is_elf(&bytes) {
        let elf =
            load_elf_with_base(bus, &bytes, Some(addr)).map_err(|source| BoardError::Elf {
                what,
                path: path.to_path_buf(),
                source,
            })?;
        return Ok((elf.span.0, elf.span.1, elf.entry));
    }
    place(bus, what, path, &bytes, addr)?;
    Ok((addr, addr + bytes.len() as u64, addr))
}

fn place(
    bus: &mut Bus,
    what: &'static str,
    path: &Path,
    bytes: &[u8],
    addr: u64,
) -> Result<(), BoardError> {
    let ram_mib = bus.ram.size() >> 20;
    let too_big = || BoardError::TooBig {
        what,
        path: path.to_path_buf(),
        size: bytes.len() as u64,
        addr,
        ram: ram_mib,
    };
    let off = bus
        .ram
        .offset_of(addr, bytes.len() as u64)
        .ok_or_else(too_big)?;
    if bus.ram.write_bytes(off, bytes) {
        Ok(())
    } else {
        Err(too_big())
    }
}

fn check_overlap(
    a: (&'static str, Option<(u64, u64)>),
    b: (&'static str, Option<(u64, u64)>),
) -> Result<(), BoardError> {
    if let (Some((a0, a1)), Some((b0, b1))) = (a.1, b.1) {
        if a0 < b1 && b0 < a1 {
            return Err(BoardError::Overlap {
                a: a.0,
                a_start: a0,
                a_end: a1,
                b: b.0,
                b_start: b0,
                b_end: b1,
            });
        }
    }
    Ok(())
}

/// Build the board: map RAM, load the images, place the DTB and initrd,
/// write the reset ROM, and attach the devices.
pub fn build(cfg: BoardConfig) -> Result<Board, BoardError> {
    if cfg.drives.len() > VIRTIO_SLOTS {
        return Err(BoardError::TooManyDrives(cfg.drives.len()));
    }
    let mut machine = Machine::new(cfg.harts, cfg.ram_size, cfg.clock)?;
    let ram_end = RAM_BASE + cfg.ram_size;
    let mut p = Placement::default();

    // Firmware and kernel.
    match &cfg.bios {
        BiosChoice::File(path) => {
            let (s, e, entry) = load_image(&mut machine.bus, "firmware", path, RAM_BASE)?;
            p.firmware = Some((s, e));
            p.firmware_entry = entry;
            if let Some(k) = &cfg.kernel {
                let (s, e, entry) =
                    load_image(&mut machine.bus, "kernel", k, RAM_BASE + KERNEL_OFFSET)?;
                p.kernel = Some((s, e));
                p.kernel_entry = entry;
            } else {
                p.kernel_entry = RAM_BASE + KERNEL_OFFSET;
            }
        }
        BiosChoice::None => {
            let k = cfg
                .kernel
                .as_ref()
                .ok_or_else(|| BoardError::Internal("--bios none needs a kernel".into()))?;
            let (s, e, entry) = load_image(&mut machine.bus, "kernel", k, RAM_BASE)?;
            p.kernel = Some((s, e));
            p.kernel_entry = entry;
            p.firmware_entry = entry;
        }
    }
    check_overlap(("firmware", p.firmware), ("kernel", p.kernel))?;

    // Device tree at the top of RAM (2 MiB aligned, like QEMU), initrd
    // right below it.
    let fdt_cfg = |initrd| FdtConfig {
        harts: cfg.harts,
        ram_size: cfg.ram_size,
        bootargs: cfg.append.clone(),
        initrd,
        virtio_slots: cfg.drives.len(),
    };
    let probe =
        fdt::build(&fdt_cfg(Some((0, 0)))).map_err(|e| BoardError::Internal(e.to_string()))?;
    let fdt_size = probe.len() as u64;
    let fdt_addr = (ram_end.saturating_sub(fdt_size)) & !((2 << 20) - 1);
    let images_end = [p.firmware, p.kernel]
        .iter()
        .flatten()
        .map(|r| r.1)
        .max()
        .unwrap_or(RAM_BASE);
    if fdt_addr < images_end || fdt_addr < RAM_BASE {
        return Err(BoardError::TooBig {
            what: "device tree",
            path: PathBuf::from("(generated)"),
            size: fdt_size,
            addr: fdt_addr,
            ram: cfg.ram_size >> 20,
        });
    }
    if let Some(path) = &cfg.initrd {
        let bytes = read("initrd", path)?;
        let size = bytes.len() as u64;
        let start = fdt_addr.saturating_sub(size) & !0xfff;
        if start < images_end || size > fdt_addr - RAM_BASE {
            return Err(BoardError::TooBig {
                what: "initrd",
                path: path.clone(),
                size,
                addr: start,
                ram: cfg.ram_size >> 20,
            });
        }
        place(&mut machine.bus, "initrd", path, &bytes, start)?;
        p.initrd = Some((start, start + size));
    }
    let dtb = fdt::build(&fdt_cfg(p.initrd)).map_err(|e| BoardError::Internal(e.to_string()))?;
    place(
        &mut machine.bus,
        "device tree",
        Path::new("(generated)"),
        &dtb,
        fdt_addr,
    )?;
    p.fdt = fdt_addr;

    // Reset ROM.
    let rom = Rom::reset_vector(p.firmware_entry, fdt_addr, p.kernel_entry);
    machine.bus.add(ROM_BASE, ROM_SIZE, Box::new(rom))?;
    for h in machine.harts.iter_mut() {
        h.pc = ROM_BASE;
    }

    // Interrupt controllers.
    let lines: Vec<_> = machine.harts.iter().map(|h| h.irq_lines.clone()).collect();
    let plic = Plic::new(lines.clone());
    let sink: Arc<dyn IrqSink> = plic.clone();
    machine
        .bus
        .add(PLIC_BASE, PLIC_SIZE, Box::new(PlicMmio(plic)))?;
    machine.bus.add(
        CLINT_BASE,
        CLINT_SIZE,
        Box::new(Clint::new(lines, machine.mtime.clone())),
    )?;

    // Devices.
    let stop = machine.stop_flag();
    machine
        .bus
        .add(SYSCON_BASE, SYSCON_SIZE, Box::new(Syscon::new(stop)))?;
    machine.bus.add(
        RTC_BASE,
        RTC_SIZE,
        Box::new(GoldfishRtc::new(IrqLine::new(sink.clone(), RTC_IRQ))),
    )?;
    let (uart, uart_input) = Uart16550::new(cfg.console, IrqLine::new(sink.clone(), UART_IRQ));
    machine.bus.add(UART_BASE, UART_SIZE, Box::new(uart))?;
    for (slot, d) in cfg.drives.iter().enumerate() {
        let blk = VirtioBlk::open(&d.path, d.read_only)?;
        let irq = IrqLine::new(sink.clone(), VIRTIO_IRQ_BASE + slot as u32);
        machine.bus.add(
            VIRTIO_BASE + slot as u64 * VIRTIO_STRIDE,
            VIRTIO_STRIDE,
            Box::new(VirtioMmio::new(Box::new(blk), irq)),
        )?;
    }

    Ok(Board {
        machine,
        uart_input,
        dtb,
        placement: p,
    })
}
