//! emu-jit
