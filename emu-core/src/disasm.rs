//! Disassembler.
