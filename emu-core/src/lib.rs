//! The core of the emulator: an RV64GC hart (decoder, interpreter, CSRs,
//! traps, MMU), the physical bus with guest RAM, ELF loading and HTIF.
//!
//! The core knows no concrete device and no JIT: devices plug into the bus
//! through [`bus::MmioDevice`], execution engines through [`engine::Engine`].

pub mod block;
pub mod bus;
pub mod csr;
pub mod decode;
pub mod disasm;
pub mod elf;
pub mod engine;
pub mod fpu;
pub mod hart;
pub mod htif;
pub mod insn;
pub mod interp;
pub mod machine;
pub mod mmu;
pub mod pamap;
pub mod pmp;
pub mod ram;
pub mod trap;
