//! emu-devices
