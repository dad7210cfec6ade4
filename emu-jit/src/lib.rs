//! Tier 1: Cranelift translation of hot guest blocks. The engine arrives
//! with its own issue; the execution-engine trait it will implement is
//! `emu_core::engine::Engine`.

#![forbid(unsafe_code)]
