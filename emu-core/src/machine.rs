//! The `Machine`: harts, the bus, the clock and (for bare-metal tests)
//! HTIF, run round-robin by an execution engine.

use crate::bus::Bus;
use crate::engine::{Engine, Interpreter};
use crate::hart::Hart;
use crate::htif::{Htif, HtifEvent};
use crate::interp::RunExit;
use crate::ram::{Ram, RamError};
use crate::trap::Trap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// RAM base of the `virt` board.
pub const RAM_BASE: u64 = 0x8000_0000;
/// `mtime` frequency in Hz.
pub const TIMEBASE_HZ: u64 = 10_000_000;
/// Instructions a hart runs before the machine looks at devices and time.
const SLICE: u64 = 10_000;
/// A hart that takes this many traps in a row without retiring an
/// instruction is stuck.
const TRAP_LOOP_LIMIT: u32 = crate::interp::TRAP_STREAK_YIELD;

/// Values a device stores in the machine's stop flag
/// ([`Machine::stop_flag`]).
pub mod stop {
    /// The guest asked to power off.
    pub const POWEROFF: u64 = 1;
    /// The guest asked to reboot.
    pub const REBOOT: u64 = 2;
    /// The guest reported a failure; the code is in bits 16 and up.
    pub const FAIL: u64 = 3;
    /// The user asked to quit (console escape, signal).
    pub const QUIT: u64 = 4;
}

/// Where `mtime` comes from.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    /// Time follows retired instructions: one tick per this many
    /// instructions (reproducible runs). WFI skips ahead to the next timer
    /// deadline.
    Deterministic {
        /// instructions per mtime tick
        insns_per_tick: u64,
    },
    /// The host's monotonic clock at 10 MHz.
    Host,
}

/// Why [`Machine::run`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The guest wrote an exit code through HTIF.
    HtifExit(u64),
    /// The instruction limit was reached.
    InsnLimit,
    /// A hart keeps trapping without retiring instructions (for example a
    /// trap vector that itself faults).
    TrapLoop {
        /// hart id
        hart: u64,
        /// pc of the faulting instruction
        epc: u64,
        /// the trap
        trap: Trap,
    },
    /// A device asked the machine to stop (poweroff, reset).
    Device(u64),
}

/// A whole machine.
pub struct Machine {
    /// The physical bus (RAM and devices).
    pub bus: Bus,
    /// The harts.
    pub harts: Vec<Hart>,
    /// HTIF, when running a bare-metal test.
    pub htif: Option<Htif>,
    /// The shared `mtime`.
    pub mtime: Arc<AtomicU64>,
    /// The clock mode.
    pub clock: Clock,
    /// Total instructions retired by all harts.
    pub total_insns: u64,
    /// Set by a device (through [`Machine::stop_flag`]) to stop the run.
    stop: Arc<AtomicU64>,
    engine: Box<dyn Engine>,
    start: Instant,
    tick_rem: u64,
    /// Host clock: ticks added to the host's elapsed time (changes when
    /// the guest writes mtime through the CLINT).
    host_offset: u64,
    /// Host clock: the value this loop last stored in `mtime`.
    last_mtime: u64,
}

impl std::fmt::Debug for Machine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Machine")
            .field("bus", &self.bus)
            .field("harts", &self.harts)
            .finish()
    }
}

impl Machine {
    /// A machine with `nharts` harts, `ram_size` bytes of RAM at
    /// [`RAM_BASE`], no devices, the interpreter, and the given clock.
    pub fn new(nharts: usize, ram_size: u64, clock: Clock) -> Result<Self, RamError> {
        let bus = Bus::new(Ram::new(RAM_BASE, ram_size)?);
        let mtime = Arc::new(AtomicU64::new(0));
        let harts = (0..nharts)
            .map(|i| {
                let mut h = Hart::new(i as u64, RAM_BASE);
                h.mtime = mtime.clone();
                h
            })
            .collect();
        Ok(Machine {
            bus,
            harts,
            htif: None,
            mtime,
            clock,
            total_insns: 0,
            stop: Arc::new(AtomicU64::new(0)),
            engine: Box::new(Interpreter),
            start: Instant::now(),
            tick_rem: 0,
            host_offset: 0,
            last_mtime: 0,
        })
    }

    /// Replace the execution engine.
    pub fn set_engine(&mut self, engine: Box<dyn Engine>) {
        self.engine = engine;
    }

    /// The engine's name.
    pub fn engine_name(&self) -> &'static str {
        self.engine.name()
    }

    /// A flag devices can set (non-zero) to stop the machine; the value is
    /// reported as [`StopReason::Device`].
    pub fn stop_flag(&self) -> Arc<AtomicU64> {
        self.stop.clone()
    }

    fn advance_clock(&mut self, insns: u64) {
        match self.clock {
            Clock::Deterministic { insns_per_tick } => {
                let per = insns_per_tick.max(1);
                let total = self.tick_rem + insns;
                self.mtime.fetch_add(total / per, Ordering::Relaxed);
                self.tick_rem = total % per;
            }
            Clock::Host => {
                let host = self.start.elapsed().as_nanos() as u64 / (1_000_000_000 / TIMEBASE_HZ);
                let seen = self.mtime.load(Ordering::Relaxed);
                if seen != self.last_mtime {
                    // The guest wrote mtime: keep counting from its value.
                    self.host_offset = seen.wrapping_sub(host);
                }
                let now = host.wrapping_add(self.host_offset);
                self.mtime.store(now, Ordering::Relaxed);
                self.last_mtime = now;
            }
        }
    }

    /// Make device state durable (disk writes synced to the host).
    pub fn flush_devices(&mut self) {
        self.bus.flush();
    }

    /// The earliest future timer deadline any hart or device knows of.
    fn next_deadline(&self) -> Option<u64> {
        let now = self.mtime.load(Ordering::Relaxed);
        let harts = self.harts.iter().filter_map(|h| {
            (h.csr.menvcfg & crate::csr::MENVCFG_STCE != 0).then_some(h.csr.stimecmp)
        });
        harts
            .chain(self.bus.next_deadline())
            .filter(|&d| d > now)
            .min()
    }

    /// Run until HTIF exit, a device stop, a trap loop, or `max_insns`
    /// retired instructions (idle time in WFI counts as instructions too, so
    /// a guest waiting forever still ends).
    pub fn run(&mut self, max_insns: u64) -> StopReason {
        let mut budget_used = 0u64;
        loop {
            let mut all_wfi = true;
            let mut retired = 0;
            for h in self.harts.iter_mut() {
                let (exit, n) = self.engine.run(h, &mut self.bus, SLICE);
                retired += n;
                all_wfi &= exit == RunExit::Wfi;
                if h.trap_streak >= TRAP_LOOP_LIMIT {
                    if let Some((epc, trap)) = h.last_trap {
                        return StopReason::TrapLoop {
                            hart: h.hartid,
                            epc,
                            trap,
                        };
                    }
                }
            }
            self.total_insns += retired;
            budget_used += retired;
            self.advance_clock(retired);
            if let Some(htif) = self.htif.as_mut() {
                if let Some(HtifEvent::Exit(code)) = htif.poll(&mut self.bus) {
                    return StopReason::HtifExit(code);
                }
            }
            let now = self.mtime.load(Ordering::Relaxed);
            self.bus.tick(now);
            let s = self.stop.load(Ordering::Relaxed);
            if s != 0 {
                return StopReason::Device(s);
            }
            if all_wfi {
                budget_used += SLICE;
                match self.clock {
                    Clock::Deterministic { .. } => {
                        let next = self.next_deadline().unwrap_or(now + SLICE);
                        self.mtime.store(next, Ordering::Relaxed);
                        self.bus.tick(next);
                    }
                    Clock::Host => {
                        let wait = self
                            .next_deadline()
                            .map(|d| (d - now) * (1_000_000_000 / TIMEBASE_HZ))
                            .unwrap_or(1_000_000)
                            .min(1_000_000);
                        std::thread::sleep(Duration::from_nanos(wait));
                        self.advance_clock(0);
                    }
                }
            }
            if budget_used >= max_insns {
                return StopReason::InsnLimit;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_clock_keeps_guest_writes() {
        let mut m = Machine::new(1, 1 << 16, Clock::Host).unwrap();
        m.advance_clock(0);
        m.mtime.store(1 << 40, Ordering::Relaxed);
        m.advance_clock(0);
        let t = m.mtime.load(Ordering::Relaxed);
        assert!((1 << 40..(1 << 40) + TIMEBASE_HZ).contains(&t), "{t}");
    }

    #[test]
    fn deterministic_clock_follows_instructions() {
        let mut m = Machine::new(1, 1 << 16, Clock::Deterministic { insns_per_tick: 10 }).unwrap();
        m.advance_clock(25);
        assert_eq!(m.mtime.load(Ordering::Relaxed), 2);
        m.advance_clock(5);
        assert_eq!(m.mtime.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn faulting_trap_vector_is_reported_as_a_trap_loop() {
        // mtvec = 0 (nothing there): every fetch faults at the vector.
        let mut m = Machine::new(1, 1 << 16, Clock::Deterministic { insns_per_tick: 10 }).unwrap();
        m.harts[0].pc = 0x1000;
        match m.run(1_000_000) {
            StopReason::TrapLoop { epc, trap, .. } => {
                assert_eq!(epc, 0);
                assert_eq!(trap.cause, crate::trap::cause::INSN_ACCESS);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wfi_with_nothing_pending_ends_at_the_limit() {
        let mut m = Machine::new(1, 1 << 16, Clock::Deterministic { insns_per_tick: 10 }).unwrap();
        // wfi; j .-4
        m.bus.write(RAM_BASE, 4, 0x1050_0073);
        m.bus.write(RAM_BASE + 4, 4, 0xffdf_f06f);
        assert_eq!(m.run(100_000), StopReason::InsnLimit);
        assert!(m.harts[0].wfi);
    }
}
