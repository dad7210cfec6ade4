//! Tier 1: Cranelift translation of hot guest blocks.
//!
//! [`JitEngine`] implements `emu_core::engine::Engine`. The interpreter
//! runs cold blocks and counts their executions by physical address; a
//! block that crosses [`JitConfig::threshold`] is queued to the compile
//! worker (its own thread, crossbeam channels), which compiles batches of
//! blocks into one Cranelift `JITModule` each. Finished batches are
//! installed between blocks; the hart never waits for Cranelift (unless
//! [`JitConfig::sync`] asks it to, for deterministic tests).
//!
//! Translations chain into each other with tail calls (link slots for
//! direct exits within a page, the engine's jump cache for the others)
//! while the slice's instruction budget lasts; the budget word, checked at
//! every exit that ends a slice (backward and computed transfers, see
//! `Insn::continues_slice`), is the one check that brings control back to
//! the engine for interrupts and code writes.
//!
//! Translations are kept in generations (a bounded number of translations
//! each); when too many generations exist the oldest is dropped at a safe
//! point and its code memory freed. Writes to code pages drop the
//! translations of those pages (RAM's code-write log).
//!
//! `unsafe` is confined to two functions in `engine`: calling translated
//! code and freeing a module's code memory.

#![deny(unsafe_code)]

pub mod engine;
pub mod helpers;
pub mod lockstep;
pub mod stats;
pub mod translate;
pub mod worker;

pub use engine::{DivergenceSlot, JitConfig, JitEngine};
pub use stats::JitStats;
