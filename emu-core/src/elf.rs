//! ELF loading (program headers into RAM) with `goblin`.

use crate::bus::Bus;
use goblin::elf::{header, program_header, Elf};

/// Why an ELF file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ElfError {
    /// Not parseable as ELF.
    #[error("not an ELF file ({0})")]
    NotElf(String),
    /// Wrong class or machine.
    #[error("not a 64-bit RISC-V ELF (class {class}, machine {machine})")]
    NotRiscv64 {
        /// ELF class as a string
        class: &'static str,
        /// e_machine
        machine: u16,
    },
    /// A segment lies outside guest RAM.
    #[error("segment at {addr:#x} (size {size:#x}) does not fit in guest RAM {ram_base:#x}..{ram_end:#x}")]
    OutsideRam {
        /// segment physical address
        addr: u64,
        /// segment memory size
        size: u64,
        /// RAM base
        ram_base: u64,
        /// RAM end
        ram_end: u64,
    },
    /// A segment's file range is outside the file.
    #[error("segment file range {offset:#x}+{size:#x} lies outside the file")]
    Truncated {
        /// file offset
        offset: u64,
        /// file size of the segment
        size: u64,
    },
    /// No loadable segment.
    #[error("no loadable segments")]
    NoSegments,
}

/// What loading produced.
#[derive(Clone, Debug, Default)]
pub struct LoadedElf {
    /// Entry point.
    pub entry: u64,
    /// Address of the `tohost` symbol, if any.
    pub tohost: Option<u64>,
    /// Address of the `fromhost` symbol, if any.
    pub fromhost: Option<u64>,
    /// Lowest and highest physical address loaded.
    pub span: (u64, u64),
}

/// Load the `PT_LOAD` segments of `bytes` into RAM at their physical
/// addresses (zero-filling past the file size).
pub fn load_elf(bus: &mut Bus, bytes: &[u8]) -> Result<LoadedElf, ElfError> {
    load_elf_with_base(bus, bytes, None)
}

/// Like [`load_elf`], but a position-independent ELF (`ET_DYN`) whose
/// segments start below RAM is loaded with its addresses offset by
/// `dyn_base` (OpenSBI's `fw_dynamic.elf` is linked at 0 and relocates
/// itself).
pub fn load_elf_with_base(
    bus: &mut Bus,
    bytes: &[u8],
    dyn_base: Option<u64>,
) -> Result<LoadedElf, ElfError> {
    let elf = Elf::parse(bytes).map_err(|e| ElfError::NotElf(e.to_string()))?;
    if !elf.is_64 || elf.header.e_machine != header::EM_RISCV {
        return Err(ElfError::NotRiscv64 {
            class: if elf.is_64 { "64-bit" } else { "32-bit" },
            machine: elf.header.e_machine,
        });
    }
    let ram_base = bus.ram.base();
    let ram_end = ram_base + bus.ram.size();
    let lowest = elf
        .program_headers
        .iter()
        .filter(|p| p.p_type == program_header::PT_LOAD && p.p_memsz != 0)
        .map(|p| p.p_paddr)
        .min()
        .unwrap_or(0);
    let bias = match dyn_base {
        Some(base) if elf.header.e_type == header::ET_DYN && lowest < ram_base => base,
        _ => 0,
    };
    let mut span = (u64::MAX, 0u64);
    let mut any = false;
    for ph in elf
        .program_headers
        .iter()
        .filter(|p| p.p_type == program_header::PT_LOAD)
    {
        if ph.p_memsz == 0 {
            continue;
        }
        any = true;
        let paddr = ph.p_paddr.wrapping_add(bias);
        let outside = ElfError::OutsideRam {
            addr: paddr,
            size: ph.p_memsz,
            ram_base,
            ram_end,
        };
        let Some(off) = bus.ram.offset_of(paddr, ph.p_memsz) else {
            return Err(outside);
        };
        if ph.p_filesz > ph.p_memsz {
            return Err(outside);
        }
        let start = ph.p_offset as usize;
        let data = start
            .checked_add(ph.p_filesz as usize)
            .and_then(|end| bytes.get(start..end))
            .ok_or(ElfError::Truncated {
                offset: ph.p_offset,
                size: ph.p_filesz,
            })?;
        bus.ram.write_bytes(off, data);
        let zeros = vec![0u8; (ph.p_memsz - ph.p_filesz) as usize];
        bus.ram.write_bytes(off + ph.p_filesz, &zeros);
        span.0 = span.0.min(paddr);
        span.1 = span.1.max(paddr + ph.p_memsz);
    }
    if !any {
        return Err(ElfError::NoSegments);
    }
    let mut out = LoadedElf {
        entry: elf.entry.wrapping_add(bias),
        span,
        ..Default::default()
    };
    for sym in elf.syms.iter() {
        match elf.strtab.get_at(sym.st_name) {
            Some("tohost") => out.tohost = Some(sym.st_value.wrapping_add(bias)),
            Some("fromhost") => out.fromhost = Some(sym.st_value.wrapping_add(bias)),
            _ => {}
        }
    }
    Ok(out)
}
