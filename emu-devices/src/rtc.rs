//! Goldfish RTC (`google,goldfish-rtc`), the `virt` board's wall clock.
//!
//! Spec: Android emulator "goldfish" virtual hardware, GOLDFISH-VIRTUAL-
//! HARDWARE.TXT §"Goldfish real-time clock"; behavioural reference QEMU's
//! `hw/rtc/goldfish_rtc.c` (and Linux's `drivers/rtc/rtc-goldfish.c`).
//!
//! Time is nanoseconds since the Unix epoch from a clock source (the
//! host's wall clock by default) plus an offset that guest writes to
//! TIME_LOW/TIME_HIGH adjust. Reading TIME_LOW latches the high half for
//! the next TIME_HIGH read. Writing ALARM_LOW arms the alarm at
//! `ALARM_HIGH:ALARM_LOW` (an alarm in the past fires at once); the alarm
//! is checked against the clock on every [`MmioDevice::tick`] and, when it
//! fires, sets the interrupt condition, which drives the IRQ line while
//! IRQ_ENABLED is set, until CLEAR_INTERRUPT.
//!
//! The alarm is in wall-clock time, not `mtime`, so the RTC reports no
//! [`MmioDevice::next_deadline`]: idle skipping never waits on it, and it
//! fires at the first tick after its time. Only aligned 32-bit accesses are
//! accepted; unknown offsets read as zero and ignore writes.

use crate::irq::IrqLine;
use emu_core::bus::MmioDevice;
use emu_core::ram::Ram;
use std::time::{SystemTime, UNIX_EPOCH};

/// Device-tree `compatible` strings, most specific first.
pub const COMPATIBLE: &[&str] = &["google,goldfish-rtc"];
/// Size of the MMIO region.
pub const SIZE: u64 = 0x1000;

/// Read: low 32 bits of the time in ns; latches TIME_HIGH. Write: set
/// the low 32 bits of the time (goldfish RTC: TIME_LOW 0x00).
pub const TIME_LOW: u64 = 0x00;
/// Read: high 32 bits latched by the last TIME_LOW read. Write: set the
/// high 32 bits of the time (goldfish RTC: TIME_HIGH 0x04).
pub const TIME_HIGH: u64 = 0x04;
/// Low 32 bits of the alarm time; writing it arms the alarm (ALARM_LOW 0x08).
pub const ALARM_LOW: u64 = 0x08;
/// High 32 bits of the alarm time, write before ALARM_LOW (ALARM_HIGH 0x0c).
pub const ALARM_HIGH: u64 = 0x0c;
/// Bit 0: the interrupt is enabled (IRQ_ENABLED 0x10).
pub const IRQ_ENABLED: u64 = 0x10;
/// Write: disarm the alarm (CLEAR_ALARM 0x14).
pub const CLEAR_ALARM: u64 = 0x14;
/// Read: 1 while an alarm is armed and has not fired (ALARM_STATUS 0x18).
pub const ALARM_STATUS: u64 = 0x18;
/// Write: acknowledge the interrupt (CLEAR_INTERRUPT 0x1c).
pub const CLEAR_INTERRUPT: u64 = 0x1c;
/// IRQ_ENABLED bit 0: enable (the other bits read as zero).
pub const IRQ_ENABLED_BIT: u32 = 1 << 0;

/// A source of nanoseconds since the Unix epoch.
pub type RtcClock = Box<dyn FnMut() -> u64 + Send>;

/// The host's wall clock in ns since the Unix epoch (0 before the epoch,
/// saturating far in the future).
pub fn host_clock_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The goldfish RTC.
pub struct GoldfishRtc {
    clock: RtcClock,
    irq: IrqLine,
    /// Added (wrapping) to the clock; set by guest time writes.
    offset: u64,
    time_high: u32,
    alarm_next: u64,
    alarm_running: bool,
    irq_pending: bool,
    irq_enabled: bool,
    irq_level: bool,
    guest_errors: u64,
}

impl std::fmt::Debug for GoldfishRtc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoldfishRtc")
            .field("irq", &self.irq)
            .field("offset", &self.offset)
            .field("alarm_next", &self.alarm_next)
            .field("alarm_running", &self.alarm_running)
            .field("irq_pending", &self.irq_pending)
            .field("irq_enabled", &self.irq_enabled)
            .finish_non_exhaustive()
    }
}

impl GoldfishRtc {
    /// An RTC following the host's wall clock, interrupting through `irq`.
    pub fn new(irq: IrqLine) -> Self {
        Self::with_clock(irq, Box::new(host_clock_ns))
    }

    /// An RTC following `clock` (ns since the Unix epoch), e.g. one derived
    /// from `mtime` for reproducible runs.
    pub fn with_clock(irq: IrqLine, clock: RtcClock) -> Self {
        GoldfishRtc {
            clock,
            irq,
            offset: 0,
            time_high: 0,
            alarm_next: 0,
            alarm_running: false,
            irq_pending: false,
            irq_enabled: false,
            irq_level: false,
            guest_errors: 0,
        }
    }

    /// Accesses the guest made that were rejected or named nothing.
    pub fn guest_errors(&self) -> u64 {
        self.guest_errors
    }

    /// The guest-visible time in ns since the Unix epoch.
    pub fn now_ns(&mut self) -> u64 {
        (self.clock)().wrapping_add(self.offset)
    }

    fn update_irq(&mut self) {
        let level = self.irq_pending && self.irq_enabled;
        if level != self.irq_level {
            self.irq_level = level;
            self.irq.set(level);
        }
    }

    /// Set the guest-visible time to `t`, keeping the clock running.
    fn set_time(&mut self, t: u64) {
        let host = (self.clock)();
        self.offset = t.wrapping_sub(host);
    }

    fn fire(&mut self) {
        self.alarm_running = false;
        self.irq_pending = true;
        self.update_irq();
    }

    fn check_alarm(&mut self) {
        if self.alarm_running && self.now_ns() >= self.alarm_next {
            self.fire();
        }
    }

    fn read_reg(&mut self, offset: u64) -> u32 {
        match offset {
            TIME_LOW => {
                let t = self.now_ns();
                self.time_high = (t >> 32) as u32;
                t as u32
            }
            TIME_HIGH => self.time_high,
            ALARM_LOW => self.alarm_next as u32,
            ALARM_HIGH => (self.alarm_next >> 32) as u32,
            IRQ_ENABLED => u32::from(self.irq_enabled),
            ALARM_STATUS => u32::from(self.alarm_running),
            _ => {
                self.guest_errors += 1;
                0
            }
        }
    }

    fn write_reg(&mut self, offset: u64, v: u32) {
        let v64 = u64::from(v);
        match offset {
            TIME_LOW => {
                let t = self.now_ns();
                self.set_time((t & !0xffff_ffff) | v64);
            }
            TIME_HIGH => {
                let t = self.now_ns();
                self.set_time((t & 0xffff_ffff) | (v64 << 32));
            }
            ALARM_LOW => {
                self.alarm_next = (self.alarm_next & !0xffff_ffff) | v64;
                if self.alarm_next <= self.now_ns() {
                    // Already due: fire at once, nothing stays armed.
                    self.fire();
                } else {
                    self.alarm_running = true;
                }
            }
            ALARM_HIGH => {
                self.alarm_next = (self.alarm_next & 0xffff_ffff) | (v64 << 32);
            }
            IRQ_ENABLED => {
                self.irq_enabled = v & IRQ_ENABLED_BIT != 0;
                self.update_irq();
            }
            CLEAR_ALARM => self.alarm_running = false,
            CLEAR_INTERRUPT => {
                self.irq_pending = false;
                self.update_irq();
            }
            _ => self.guest_errors += 1,
        }
    }
}

impl MmioDevice for GoldfishRtc {
    fn name(&self) -> &str {
        "goldfish-rtc"
    }

    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        if size != 4 || !offset.is_multiple_of(4) || offset >= SIZE {
            self.guest_errors += 1;
            return None;
        }
        Some(u64::from(self.read_reg(offset)))
    }

    fn write(&mut self, offset: u64, size: u8, value: u64, _ram: &mut Ram) -> bool {
        if size != 4 || !offset.is_multiple_of(4) || offset >= SIZE {
            self.guest_errors += 1;
            return false;
        }
        self.write_reg(offset, value as u32);
        true
    }

    fn tick(&mut self, _mtime: u64, _ram: &mut Ram) {
        self.check_alarm();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irq::TestSink;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    const SRC: u32 = 11;

    struct Rig {
        rtc: GoldfishRtc,
        host: Arc<AtomicU64>,
        sink: Arc<TestSink>,
        ram: Ram,
    }

    fn rig(start: u64) -> Rig {
        let host = Arc::new(AtomicU64::new(start));
        let h = host.clone();
        let sink = Arc::new(TestSink::default());
        Rig {
            rtc: GoldfishRtc::with_clock(
                IrqLine::new(sink.clone(), SRC),
                Box::new(move || h.load(Ordering::SeqCst)),
            ),
            host,
            sink,
            ram: Ram::new(0x8000_0000, 4096).unwrap(),
        }
    }

    impl Rig {
        fn r(&mut self, off: u64) -> u32 {
            self.rtc.read(off, 4).unwrap() as u32
        }
        fn w(&mut self, off: u64, v: u32) {
            assert!(self.rtc.write(off, 4, v.into(), &mut self.ram));
        }
        fn time(&mut self) -> u64 {
            let lo = u64::from(self.r(TIME_LOW));
            lo | (u64::from(self.r(TIME_HIGH)) << 32)
        }
        fn advance(&mut self, ns: u64) {
            self.host.fetch_add(ns, Ordering::SeqCst);
            self.rtc.tick(0, &mut self.ram);
        }
        fn irq(&self) -> bool {
            self.sink.level(SRC)
        }
    }

    #[test]
    fn layout_matches_board() {
        assert_eq!(SIZE, crate::layout::RTC_SIZE);
    }

    #[test]
    fn host_clock_is_plausible() {
        // After 2020-01-01 and monotone enough for two reads.
        let a = host_clock_ns();
        assert!(a > 1_577_836_800_000_000_000);
        let sink = Arc::new(TestSink::default());
        let mut rtc = GoldfishRtc::new(IrqLine::new(sink, SRC));
        let lo = rtc.read(TIME_LOW, 4).unwrap();
        let hi = rtc.read(TIME_HIGH, 4).unwrap();
        assert!(((hi << 32) | lo) >= a);
    }

    #[test]
    fn time_low_latches_high() {
        let mut r = rig(0x0000_0001_ffff_fff0);
        assert_eq!(r.r(TIME_LOW), 0xffff_fff0);
        // The clock crosses a 32-bit boundary between the two reads: the
        // latched high half still belongs to the low half.
        r.host.store(0x0000_0002_0000_0010, Ordering::SeqCst);
        assert_eq!(r.r(TIME_HIGH), 1);
        assert_eq!(r.time(), 0x0000_0002_0000_0010);
    }

    #[test]
    fn setting_time_keeps_running() {
        let mut r = rig(1_000);
        r.w(TIME_HIGH, 0x10);
        r.w(TIME_LOW, 0x20);
        assert_eq!(r.time(), 0x10_0000_0020);
        r.advance(500);
        assert_eq!(r.time(), 0x10_0000_0020 + 500);
        // Setting an earlier time works too (wrapping offset).
        r.w(TIME_HIGH, 0);
        r.w(TIME_LOW, 7);
        assert_eq!(r.time(), 7);
        r.advance(3);
        assert_eq!(r.time(), 10);
    }

    #[test]
    fn alarm_fires_in_tick() {
        let mut r = rig(1_000_000);
        r.w(IRQ_ENABLED, 1);
        assert_eq!(r.r(IRQ_ENABLED), 1);
        // Linux order: ALARM_HIGH, then ALARM_LOW (which arms).
        r.w(ALARM_HIGH, 0);
        r.w(ALARM_LOW, 1_000_500);
        assert_eq!(r.r(ALARM_STATUS), 1);
        assert_eq!(r.r(ALARM_LOW), 1_000_500);
        assert_eq!(r.r(ALARM_HIGH), 0);
        r.advance(499);
        assert!(!r.irq());
        r.advance(1);
        assert!(r.irq());
        assert_eq!(r.r(ALARM_STATUS), 0);
        // The condition stays until CLEAR_INTERRUPT.
        r.advance(10);
        assert!(r.irq());
        r.w(CLEAR_INTERRUPT, 0);
        assert!(!r.irq());
        r.advance(10);
        assert!(!r.irq(), "fires once");
        assert_eq!(r.rtc.next_deadline(), None);
    }

    #[test]
    fn alarm_in_the_past_fires_at_once() {
        let mut r = rig(5_000);
        r.w(IRQ_ENABLED, 1);
        r.w(ALARM_LOW, 4_000);
        assert!(r.irq());
        assert_eq!(r.r(ALARM_STATUS), 0);
    }

    #[test]
    fn enable_gates_the_line() {
        let mut r = rig(0);
        r.w(ALARM_LOW, 100);
        r.advance(100);
        assert!(!r.irq(), "disabled");
        r.w(IRQ_ENABLED, 0xffff_fffe);
        assert!(!r.irq(), "only bit 0 enables");
        assert_eq!(r.r(IRQ_ENABLED), 0);
        r.w(IRQ_ENABLED, 1);
        assert!(r.irq(), "pending condition shows once enabled");
        r.w(IRQ_ENABLED, 0);
        assert!(!r.irq());
        r.w(CLEAR_INTERRUPT, 1);
        r.w(IRQ_ENABLED, 1);
        assert!(!r.irq());
    }

    #[test]
    fn clear_alarm_disarms() {
        let mut r = rig(0);
        r.w(IRQ_ENABLED, 1);
        r.w(ALARM_HIGH, 1);
        r.w(ALARM_LOW, 0);
        assert_eq!(r.r(ALARM_STATUS), 1);
        r.w(CLEAR_ALARM, 0);
        assert_eq!(r.r(ALARM_STATUS), 0);
        r.advance(1 << 33);
        assert!(!r.irq());
    }

    #[test]
    fn sizes_and_unknown_offsets() {
        let mut r = rig(0);
        assert_eq!(r.rtc.read(TIME_LOW, 8), None);
        assert_eq!(r.rtc.read(TIME_LOW, 1), None);
        assert_eq!(r.rtc.read(2, 4), None);
        assert!(!r.rtc.write(ALARM_LOW, 8, 0, &mut r.ram));
        assert_eq!(r.r(0x20), 0);
        r.w(0x20, 5);
        r.w(ALARM_STATUS, 1);
        assert_eq!(r.r(ALARM_STATUS), 0, "read-only");
        assert!(r.rtc.guest_errors() >= 6);
    }

    #[test]
    fn hostile_accesses_never_panic() {
        let mut r = rig(u64::MAX - 10);
        for off in (0..SIZE + 16).chain([u64::MAX - 3]) {
            for size in [1u8, 2, 4, 8, 0, 3] {
                let _ = r.rtc.read(off, size);
                for v in [0, 1, u64::MAX, 0x8000_0000] {
                    let _ = r.rtc.write(off, size, v, &mut r.ram);
                }
            }
            r.advance((u64::MAX / 3).wrapping_add(off));
        }
        let _ = r.rtc.now_ns();
    }
}
