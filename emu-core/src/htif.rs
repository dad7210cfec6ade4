//! HTIF, the host-target interface of bare-metal test programs: the guest
//! writes a command to the `tohost` word, the host answers in `fromhost`.
//!
//! Supported: exit (`device 0`, payload bit 0 set: code = payload >> 1),
//! the syscall proxy for `write` and `exit` (`device 0`, payload = pointer
//! to a `magic_mem` block), and console output (`device 1`, command 1).

use crate::bus::Bus;

/// Outcome of polling HTIF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HtifEvent {
    /// The guest asked to exit with this code (0 = pass).
    Exit(u64),
}

/// HTIF state of one machine.
#[derive(Debug)]
pub struct Htif {
    tohost: u64,
    fromhost: Option<u64>,
    /// Console bytes written by the guest.
    pub output: Vec<u8>,
    /// Echo console bytes to the host's stdout as they arrive.
    pub echo: bool,
}

const SYS_WRITE: u64 = 64;
const SYS_EXIT: u64 = 93;

impl Htif {
    /// HTIF at the given `tohost`/`fromhost` addresses.
    pub fn new(tohost: u64, fromhost: Option<u64>) -> Self {
        Htif {
            tohost,
            fromhost,
            output: Vec::new(),
            echo: false,
        }
    }

    fn put(&mut self, bytes: &[u8]) {
        self.output.extend_from_slice(bytes);
        if self.echo {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(bytes);
            let _ = out.flush();
        }
    }

    /// Look at `tohost` and carry out a pending command.
    pub fn poll(&mut self, bus: &mut Bus) -> Option<HtifEvent> {
        let cmd = bus.read(self.tohost, 8)?;
        if cmd == 0 {
            return None;
        }
        let device = cmd >> 56;
        let command = (cmd >> 48) & 0xff;
        let payload = cmd & ((1 << 48) - 1);
        bus.write(self.tohost, 8, 0);
        match (device, command) {
            (0, 0) if payload & 1 != 0 => return Some(HtifEvent::Exit(payload >> 1)),
            (0, 0) => {
                // Syscall proxy: magic_mem[0] = number, [1..] = arguments.
                let mut arg = |i: u64| bus.read(payload + 8 * i, 8).unwrap_or(0);
                let (num, a0, a1, a2) = (arg(0), arg(1), arg(2), arg(3));
                let ret = match num {
                    SYS_EXIT => return Some(HtifEvent::Exit(a0)),
                    SYS_WRITE if a0 == 1 || a0 == 2 => {
                        let len = a2.min(1 << 20);
                        let mut buf = vec![0u8; len as usize];
                        match bus.ram.offset_of(a1, len) {
                            Some(off) if bus.ram.read_bytes(off, &mut buf) => {
                                self.put(&buf);
                                len
                            }
                            _ => (-14i64) as u64,
                        }
                    }
                    _ => (-38i64) as u64,
                };
                bus.write(payload, 8, ret);
                self.respond(bus, 1);
            }
            (1, 1) => {
                self.put(&[payload as u8]);
                self.respond(bus, (1 << 56) | (1 << 48) | 0x100 | (payload & 0xff));
            }
            _ => {}
        }
        None
    }

    fn respond(&mut self, bus: &mut Bus, v: u64) {
        if let Some(f) = self.fromhost {
            bus.write(f, 8, v);
        }
    }
}
