//! NS16550A UART, as on QEMU's `virt` board (`reg-shift` 0, `reg-io-width`
//! 1, 3.6864 MHz input clock, PLIC source 10).
//!
//! Register-exact to the TI/National PC16550D data sheet ("16550"), with
//! QEMU's `hw/char/serial.c` as the behavioural reference:
//!
//! - Output is infinitely fast: a THR write goes straight to the output
//!   sink (flushed per byte), so LSR.THRE/TEMT are set again at once and the
//!   THR-empty interrupt is re-armed immediately after every THR write.
//! - Input never overruns: bytes wait in the [`UartInput`] queue until the
//!   receiver has room (1 byte without FIFOs, 16 with), so nothing typed or
//!   pasted is lost. Only loopback mode can overrun (LSR.OE).
//! - The receive FIFO trigger level (FCR bits 7:6) and the character-timeout
//!   interrupt are modelled; the timeout is four character times at the
//!   programmed divisor and line format, measured in `mtime` ticks.
//! - Modem status lines are constant (DCD, DSR, CTS asserted) except in
//!   loopback, where they follow MCR; no delta bits are ever generated, so
//!   the modem-status interrupt never fires.
//!
//! Access sizes: the register is selected by `offset & 7` (QEMU aliases the
//! eight registers across the whole region the same way). Any access size
//! is accepted and acts on the low byte, like QEMU's `serial_mm` ops; a
//! wider read returns the register zero-extended. The guest cannot make any
//! access fail.

use crate::irq::IrqLine;
use emu_core::bus::MmioDevice;
use emu_core::ram::Ram;
use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Device-tree `compatible` strings, most specific first.
pub const COMPATIBLE: &[&str] = &["ns16550a"];
/// Size of the MMIO region (QEMU `virt`: 0x100).
pub const SIZE: u64 = 0x100;
/// Device-tree `clock-frequency` of the UART input clock (QEMU `virt`).
pub const CLOCK_FREQUENCY: u32 = 3_686_400;
/// Depth of the receive and transmit FIFOs (16550 data sheet: 16-byte FIFOs).
pub const FIFO_DEPTH: usize = 16;

// Register offsets (16550 data sheet, register summary table). DLAB = LCR bit 7.
/// Receiver Buffer Register (read, DLAB=0).
pub const RBR: u64 = 0;
/// Transmitter Holding Register (write, DLAB=0).
pub const THR: u64 = 0;
/// Divisor Latch LSB (DLAB=1).
pub const DLL: u64 = 0;
/// Interrupt Enable Register (DLAB=0).
pub const IER: u64 = 1;
/// Divisor Latch MSB (DLAB=1).
pub const DLM: u64 = 1;
/// Interrupt Identification Register (read).
pub const IIR: u64 = 2;
/// FIFO Control Register (write).
pub const FCR: u64 = 2;
/// Line Control Register.
pub const LCR: u64 = 3;
/// Modem Control Register.
pub const MCR: u64 = 4;
/// Line Status Register.
pub const LSR: u64 = 5;
/// Modem Status Register.
pub const MSR: u64 = 6;
/// Scratch Register.
pub const SCR: u64 = 7;

/// IER bits (16550 data sheet, "Interrupt Enable Register").
pub mod ier {
    /// Bit 0: enable Received Data Available (and character timeout) interrupt.
    pub const ERBFI: u8 = 1 << 0;
    /// Bit 1: enable Transmitter Holding Register Empty interrupt.
    pub const ETBEI: u8 = 1 << 1;
    /// Bit 2: enable Receiver Line Status interrupt.
    pub const ELSI: u8 = 1 << 2;
    /// Bit 3: enable Modem Status interrupt.
    pub const EDSSI: u8 = 1 << 3;
    /// Bits 7:4 are always 0.
    pub const MASK: u8 = 0x0f;
}

/// IIR values (16550 data sheet, "Interrupt Control Functions" table).
pub mod iir {
    /// Bit 0: 1 = no interrupt pending.
    pub const NO_INT: u8 = 0x01;
    /// ID 0b011: receiver line status (priority 1, highest).
    pub const RLS: u8 = 0x06;
    /// ID 0b010: received data available (priority 2).
    pub const RDA: u8 = 0x04;
    /// ID 0b110: character timeout indication (priority 2).
    pub const CTI: u8 = 0x0c;
    /// ID 0b001: transmitter holding register empty (priority 3).
    pub const THRE: u8 = 0x02;
    /// ID 0b000: modem status (priority 4, lowest).
    pub const MSI: u8 = 0x00;
    /// Bits 7:6: set when FCR bit 0 (FIFO enable) is set.
    pub const FIFO_ENABLED: u8 = 0xc0;
    /// Bits 3:0: the interrupt identification field.
    pub const ID_MASK: u8 = 0x0f;
}

/// FCR bits (16550 data sheet, "FIFO Control Register").
pub mod fcr {
    /// Bit 0: enable the transmit and receive FIFOs.
    pub const FIFO_ENABLE: u8 = 1 << 0;
    /// Bit 1: clear the receive FIFO (self-clearing).
    pub const RX_RESET: u8 = 1 << 1;
    /// Bit 2: clear the transmit FIFO (self-clearing).
    pub const TX_RESET: u8 = 1 << 2;
    /// Bit 3: DMA mode select (no effect here).
    pub const DMA_MODE: u8 = 1 << 3;
    /// Bits 7:6: receive FIFO trigger level (1, 4, 8, 14 bytes).
    pub const TRIGGER_MASK: u8 = 0xc0;
    /// The bits that are remembered (the reset bits self-clear).
    pub const STORED: u8 = FIFO_ENABLE | DMA_MODE | TRIGGER_MASK;
}

/// LCR bits (16550 data sheet, "Line Control Register").
pub mod lcr {
    /// Bits 1:0: word length select (5 + value bits).
    pub const WLS_MASK: u8 = 0x03;
    /// Bit 2: number of stop bits (0 = 1, 1 = 2 or 1.5).
    pub const STB: u8 = 1 << 2;
    /// Bit 3: parity enable.
    pub const PEN: u8 = 1 << 3;
    /// Bit 7: divisor latch access bit.
    pub const DLAB: u8 = 1 << 7;
}

/// MCR bits (16550 data sheet, "Modem Control Register").
pub mod mcr {
    /// Bit 0: data terminal ready.
    pub const DTR: u8 = 1 << 0;
    /// Bit 1: request to send.
    pub const RTS: u8 = 1 << 1;
    /// Bit 2: OUT1.
    pub const OUT1: u8 = 1 << 2;
    /// Bit 3: OUT2.
    pub const OUT2: u8 = 1 << 3;
    /// Bit 4: loopback mode.
    pub const LOOP: u8 = 1 << 4;
    /// Bits 7:5 are always 0.
    pub const MASK: u8 = 0x1f;
}

/// LSR bits (16550 data sheet, "Line Status Register").
pub mod lsr {
    /// Bit 0: data ready (a byte is in RBR or the receive FIFO).
    pub const DR: u8 = 1 << 0;
    /// Bit 1: overrun error.
    pub const OE: u8 = 1 << 1;
    /// Bit 2: parity error.
    pub const PE: u8 = 1 << 2;
    /// Bit 3: framing error.
    pub const FE: u8 = 1 << 3;
    /// Bit 4: break interrupt.
    pub const BI: u8 = 1 << 4;
    /// Bit 5: transmitter holding register (or transmit FIFO) empty.
    pub const THRE: u8 = 1 << 5;
    /// Bit 6: transmitter empty (THR and shift register both empty).
    pub const TEMT: u8 = 1 << 6;
    /// Bit 7: error in the receive FIFO.
    pub const FIFO_ERR: u8 = 1 << 7;
    /// Bits 4:1, the receiver line status conditions (cleared on read).
    pub const INT_ANY: u8 = OE | PE | FE | BI;
}

/// MSR bits (16550 data sheet, "Modem Status Register").
pub mod msr {
    /// Bit 0: delta clear to send.
    pub const DCTS: u8 = 1 << 0;
    /// Bit 1: delta data set ready.
    pub const DDSR: u8 = 1 << 1;
    /// Bit 2: trailing edge ring indicator.
    pub const TERI: u8 = 1 << 2;
    /// Bit 3: delta data carrier detect.
    pub const DDCD: u8 = 1 << 3;
    /// Bit 4: clear to send.
    pub const CTS: u8 = 1 << 4;
    /// Bit 5: data set ready.
    pub const DSR: u8 = 1 << 5;
    /// Bit 6: ring indicator.
    pub const RI: u8 = 1 << 6;
    /// Bit 7: data carrier detect.
    pub const DCD: u8 = 1 << 7;
    /// Bits 3:0, the delta bits.
    pub const ANY_DELTA: u8 = 0x0f;
}

/// `mtime` ticks per second, for the character timeout.
const TICKS_PER_SEC: u64 = emu_core::machine::TIMEBASE_HZ;

/// The input side of the UART: a console thread pushes bytes here; the
/// UART moves them into its receiver as it has room (in `tick` and after
/// each RBR read). Cloneable; all clones share one queue.
#[derive(Clone, Debug, Default)]
pub struct UartInput {
    queue: Arc<Mutex<VecDeque<u8>>>,
}

impl UartInput {
    /// An empty input queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queue `bytes` for the guest, in order.
    pub fn push(&self, bytes: &[u8]) {
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.extend(bytes.iter().copied());
    }

    /// Queue one byte for the guest.
    pub fn push_byte(&self, b: u8) {
        self.push(&[b]);
    }

    /// Bytes queued and not yet taken by the UART.
    pub fn len(&self) -> usize {
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no bytes are queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Move up to `max` bytes into `dst`.
    fn drain_into(&self, dst: &mut VecDeque<u8>, max: usize) -> usize {
        if max == 0 {
            return 0;
        }
        let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let n = max.min(q.len());
        dst.extend(q.drain(..n));
        n
    }
}

/// An NS16550A UART. See the module documentation for the model.
pub struct Uart16550 {
    out: Box<dyn Write + Send>,
    irq: IrqLine,
    input: UartInput,
    /// Receive FIFO; without FIFOs it holds at most one byte (the RBR).
    rx: VecDeque<u8>,
    ier: u8,
    fcr: u8,
    lcr: u8,
    mcr: u8,
    lsr: u8,
    msr: u8,
    scr: u8,
    divisor: u16,
    /// The THRE interrupt condition (16550 data sheet: set when THR empties,
    /// reset by reading IIR when it is the source, or by writing THR).
    thr_ipending: bool,
    /// The character-timeout interrupt condition.
    timeout_ipending: bool,
    /// `mtime` at which the character timeout fires.
    timeout_at: u64,
    /// `mtime` as of the last `tick`.
    now: u64,
    /// Level last driven on the interrupt line.
    irq_level: bool,
    /// Output bytes the sink failed to take.
    tx_errors: u64,
}

impl std::fmt::Debug for Uart16550 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Uart16550")
            .field("irq", &self.irq)
            .field("rx", &self.rx.len())
            .field("ier", &self.ier)
            .field("lcr", &self.lcr)
            .field("lsr", &self.lsr)
            .finish_non_exhaustive()
    }
}

impl Uart16550 {
    /// A UART in its reset state writing to `out` and interrupting through
    /// `irq`; returns the handle for feeding it input.
    pub fn new(out: Box<dyn Write + Send>, irq: IrqLine) -> (Self, UartInput) {
        let input = UartInput::new();
        let uart = Self::with_input(out, irq, input.clone());
        (uart, input)
    }

    /// Like [`Uart16550::new`] with an existing input handle (e.g. to keep
    /// the console's queue across a guest reboot).
    pub fn with_input(out: Box<dyn Write + Send>, irq: IrqLine, input: UartInput) -> Self {
        Uart16550 {
            out,
            irq,
            input,
            rx: VecDeque::with_capacity(FIFO_DEPTH),
            ier: 0,
            fcr: 0,
            lcr: 0,
            // QEMU resets MCR to OUT2 and the divisor to 12.
            mcr: mcr::OUT2,
            lsr: lsr::THRE | lsr::TEMT,
            msr: msr::DCD | msr::DSR | msr::CTS,
            scr: 0,
            divisor: 12,
            thr_ipending: false,
            timeout_ipending: false,
            timeout_at: u64::MAX,
            now: 0,
            irq_level: false,
            tx_errors: 0,
        }
    }

    /// The input handle of this UART.
    pub fn input(&self) -> UartInput {
        self.input.clone()
    }

    /// Output bytes that the sink failed to accept.
    pub fn tx_errors(&self) -> u64 {
        self.tx_errors
    }

    fn fifo_enabled(&self) -> bool {
        self.fcr & fcr::FIFO_ENABLE != 0
    }

    fn loopback(&self) -> bool {
        self.mcr & mcr::LOOP != 0
    }

    /// Receiver capacity: the FIFO depth, or the single RBR.
    fn rx_capacity(&self) -> usize {
        if self.fifo_enabled() {
            FIFO_DEPTH
        } else {
            1
        }
    }

    /// Receive FIFO trigger level in bytes (16550 data sheet, FCR bits 7:6).
    fn trigger_level(&self) -> usize {
        match self.fcr >> 6 {
            0 => 1,
            1 => 4,
            2 => 8,
            _ => 14,
        }
    }

    /// Four character times at the current divisor and line format, in
    /// `mtime` ticks (16550 data sheet, "FIFO Interrupt Mode Operation":
    /// character timeout indication).
    fn char_timeout_ticks(&self) -> u64 {
        let divisor = u64::from(self.divisor.max(1));
        let data = 5 + u64::from(self.lcr & lcr::WLS_MASK);
        let parity = u64::from(self.lcr & lcr::PEN != 0);
        let stop = if self.lcr & lcr::STB != 0 { 2 } else { 1 };
        let bits = 1 + data + parity + stop;
        // bit time = 16 * divisor / clock; 4 characters.
        let ticks = 4 * bits * 16 * divisor * TICKS_PER_SEC / u64::from(CLOCK_FREQUENCY);
        ticks.max(1)
    }

    fn arm_timeout(&mut self) {
        self.timeout_at = if self.fifo_enabled() && !self.rx.is_empty() {
            self.now.saturating_add(self.char_timeout_ticks())
        } else {
            u64::MAX
        };
    }

    /// Move queued host input into the receiver, as room allows. Nothing
    /// comes in from outside in loopback mode.
    fn pull_input(&mut self) {
        if self.loopback() {
            return;
        }
        let room = self.rx_capacity().saturating_sub(self.rx.len());
        if self.input.drain_into(&mut self.rx, room) > 0 {
            self.lsr |= lsr::DR;
            self.arm_timeout();
        }
    }

    /// A byte arriving at the receiver (loopback path).
    fn receive(&mut self, b: u8) {
        if self.rx.len() >= self.rx_capacity() {
            // 16550 LSR.OE: overrun; the FIFO keeps its contents, the
            // character in the shift register is lost.
            self.lsr |= lsr::OE;
            if !self.fifo_enabled() {
                // Without FIFOs the new byte overwrites RBR.
                self.rx.clear();
                self.rx.push_back(b);
            }
        } else {
            self.rx.push_back(b);
        }
        self.lsr |= lsr::DR;
        self.arm_timeout();
    }

    /// The current interrupt identification, in the data sheet's priority order.
    fn interrupt_id(&self) -> u8 {
        if self.ier & ier::ELSI != 0 && self.lsr & lsr::INT_ANY != 0 {
            iir::RLS
        } else if self.ier & ier::ERBFI != 0 && self.timeout_ipending {
            iir::CTI
        } else if self.ier & ier::ERBFI != 0
            && self.lsr & lsr::DR != 0
            && (!self.fifo_enabled() || self.rx.len() >= self.trigger_level())
        {
            iir::RDA
        } else if self.ier & ier::ETBEI != 0 && self.thr_ipending {
            iir::THRE
        } else if self.ier & ier::EDSSI != 0 && self.msr & msr::ANY_DELTA != 0 {
            iir::MSI
        } else {
            iir::NO_INT
        }
    }

    fn iir_value(&self) -> u8 {
        let fifo = if self.fifo_enabled() {
            iir::FIFO_ENABLED
        } else {
            0
        };
        self.interrupt_id() | fifo
    }

    fn update_irq(&mut self) {
        let level = self.interrupt_id() != iir::NO_INT;
        if level != self.irq_level {
            self.irq_level = level;
            self.irq.set(level);
        }
    }

    fn transmit(&mut self, b: u8) {
        if self.loopback() {
            self.receive(b);
        } else {
            let ok = self.out.write_all(&[b]).and_then(|()| self.out.flush());
            if ok.is_err() {
                self.tx_errors += 1;
            }
        }
        // The byte left at once: THR and the shift register are empty.
        self.lsr |= lsr::THRE | lsr::TEMT;
        self.thr_ipending = true;
    }

    fn read_reg(&mut self, reg: u64) -> u8 {
        match reg {
            RBR if self.lcr & lcr::DLAB != 0 => self.divisor as u8,
            RBR => {
                let b = self.rx.pop_front().unwrap_or(0);
                self.timeout_ipending = false;
                if self.rx.is_empty() {
                    self.lsr &= !(lsr::DR | lsr::BI);
                }
                self.pull_input();
                self.arm_timeout();
                self.update_irq();
                b
            }
            IER if self.lcr & lcr::DLAB != 0 => (self.divisor >> 8) as u8,
            IER => self.ier,
            IIR => {
                let v = self.iir_value();
                if v & iir::ID_MASK == iir::THRE {
                    // Reading IIR when THRE is the source clears it.
                    self.thr_ipending = false;
                    self.update_irq();
                }
                v
            }
            LCR => self.lcr,
            MCR => self.mcr,
            LSR => {
                let v = self.lsr;
                if v & lsr::INT_ANY != 0 {
                    self.lsr &= !lsr::INT_ANY;
                    self.update_irq();
                }
                v
            }
            MSR => {
                if self.loopback() {
                    // 16550 MCR bit 4: in loopback the modem outputs drive the
                    // inputs: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
                    let m = self.mcr;
                    let mut v = 0;
                    if m & mcr::RTS != 0 {
                        v |= msr::CTS;
                    }
                    if m & mcr::DTR != 0 {
                        v |= msr::DSR;
                    }
                    if m & mcr::OUT1 != 0 {
                        v |= msr::RI;
                    }
                    if m & mcr::OUT2 != 0 {
                        v |= msr::DCD;
                    }
                    v
                } else {
                    let v = self.msr;
                    if v & msr::ANY_DELTA != 0 {
                        self.msr &= !msr::ANY_DELTA;
                        self.update_irq();
                    }
                    v
                }
            }
            _ => self.scr,
        }
    }

    fn write_reg(&mut self, reg: u64, v: u8) {
        match reg {
            THR if self.lcr & lcr::DLAB != 0 => {
                self.divisor = (self.divisor & 0xff00) | u16::from(v);
            }
            THR => {
                self.thr_ipending = false;
                self.lsr &= !(lsr::THRE | lsr::TEMT);
                self.transmit(v);
                self.update_irq();
            }
            IER if self.lcr & lcr::DLAB != 0 => {
                self.divisor = (self.divisor & 0x00ff) | (u16::from(v) << 8);
            }
            IER => {
                let new = v & ier::MASK;
                let changed = self.ier ^ new;
                self.ier = new;
                // Enabling ETBEI while THR is empty raises THRE at once
                // (16550 behaviour that Linux and Windows rely on).
                if changed & ier::ETBEI != 0 {
                    self.thr_ipending = new & ier::ETBEI != 0 && self.lsr & lsr::THRE != 0;
                }
                self.update_irq();
            }
            FCR => {
                let mut v = v;
                // Changing the FIFO enable bit resets both FIFOs.
                if (v ^ self.fcr) & fcr::FIFO_ENABLE != 0 {
                    v |= fcr::RX_RESET | fcr::TX_RESET;
                }
                if v & fcr::RX_RESET != 0 {
                    self.rx.clear();
                    self.lsr &= !(lsr::DR | lsr::BI);
                    self.timeout_ipending = false;
                }
                if v & fcr::TX_RESET != 0 {
                    self.lsr |= lsr::THRE | lsr::TEMT;
                    self.thr_ipending = true;
                }
                self.fcr = v & fcr::STORED;
                self.arm_timeout();
                self.update_irq();
            }
            LCR => self.lcr = v,
            MCR => {
                let was_loop = self.loopback();
                self.mcr = v & mcr::MASK;
                if was_loop && !self.loopback() {
                    self.pull_input();
                    self.update_irq();
                }
            }
            // LSR and MSR are read-only (factory test registers).
            LSR | MSR => {}
            _ => self.scr = v,
        }
    }
}

impl MmioDevice for Uart16550 {
    fn name(&self) -> &str {
        "uart16550"
    }

    fn read(&mut self, offset: u64, _size: u8) -> Option<u64> {
        Some(u64::from(self.read_reg(offset & 7)))
    }

    fn write(&mut self, offset: u64, _size: u8, value: u64, _ram: &mut Ram) -> bool {
        self.write_reg(offset & 7, value as u8);
        true
    }

    fn tick(&mut self, mtime: u64, _ram: &mut Ram) {
        self.now = mtime;
        self.pull_input();
        if !self.timeout_ipending
            && self.fifo_enabled()
            && !self.rx.is_empty()
            && mtime >= self.timeout_at
        {
            self.timeout_ipending = true;
        }
        self.update_irq();
    }

    fn next_deadline(&self) -> Option<u64> {
        (!self.timeout_ipending && self.timeout_at != u64::MAX).then_some(self.timeout_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irq::TestSink;

    /// An output sink tests can inspect.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    struct Rig {
        uart: Uart16550,
        input: UartInput,
        out: Sink,
        sink: Arc<TestSink>,
        ram: Ram,
    }

    const SRC: u32 = 10;

    fn rig() -> Rig {
        let sink = Arc::new(TestSink::default());
        let out = Sink::default();
        let (uart, input) = Uart16550::new(Box::new(out.clone()), IrqLine::new(sink.clone(), SRC));
        Rig {
            uart,
            input,
            out,
            sink,
            ram: Ram::new(0x8000_0000, 4096).unwrap(),
        }
    }

    impl Rig {
        fn r(&mut self, reg: u64) -> u8 {
            self.uart.read(reg, 1).unwrap() as u8
        }
        fn w(&mut self, reg: u64, v: u8) {
            assert!(self.uart.write(reg, 1, u64::from(v), &mut self.ram));
        }
        fn tick(&mut self, t: u64) {
            self.uart.tick(t, &mut self.ram);
        }
        fn irq(&self) -> bool {
            self.sink.level(SRC)
        }
        fn output(&self) -> Vec<u8> {
            self.out.0.lock().unwrap().clone()
        }
    }

    #[test]
    fn reset_state() {
        let mut r = rig();
        assert_eq!(r.r(IER), 0);
        assert_eq!(r.r(IIR), iir::NO_INT);
        assert_eq!(r.r(LCR), 0);
        assert_eq!(r.r(MCR), mcr::OUT2);
        assert_eq!(r.r(LSR), lsr::THRE | lsr::TEMT);
        assert_eq!(r.r(MSR), msr::DCD | msr::DSR | msr::CTS);
        assert_eq!(r.r(SCR), 0);
        assert!(!r.irq());
        assert_eq!(COMPATIBLE, &["ns16550a"]);
        assert_eq!(SIZE, crate::layout::UART_SIZE);
    }

    #[test]
    fn transmit_in_order() {
        let mut r = rig();
        for &b in b"hello\nworld" {
            r.w(THR, b);
            assert_eq!(r.r(LSR) & (lsr::THRE | lsr::TEMT), lsr::THRE | lsr::TEMT);
        }
        assert_eq!(r.output(), b"hello\nworld");
        // Wider accesses act on the low byte, registers alias every 8 bytes.
        assert!(r.uart.write(8, 4, 0xdead_be21, &mut r.ram));
        assert_eq!(r.output().last(), Some(&0x21));
        assert_eq!(r.uart.read(0x10 + LSR, 8), Some(0x60));
    }

    #[test]
    fn scratch_and_dlab() {
        let mut r = rig();
        r.w(SCR, 0x5a);
        assert_eq!(r.r(SCR), 0x5a);
        r.w(IER, 0x0f);
        r.w(LCR, lcr::DLAB | 0x03);
        r.w(DLL, 0x34);
        r.w(DLM, 0x12);
        assert_eq!(r.r(DLL), 0x34);
        assert_eq!(r.r(DLM), 0x12);
        assert_eq!(r.uart.divisor, 0x1234);
        // Nothing was transmitted and IER is untouched.
        assert!(r.output().is_empty());
        r.w(LCR, 0x03);
        assert_eq!(r.r(IER), 0x0f);
        assert_eq!(r.r(LCR), 0x03);
        // IER's high bits read as zero.
        r.w(IER, 0xf0);
        assert_eq!(r.r(IER), 0);
    }

    #[test]
    fn receive_without_fifo() {
        let mut r = rig();
        r.input.push(b"ab");
        r.tick(1);
        assert_eq!(r.r(LSR) & lsr::DR, lsr::DR);
        assert_eq!(r.uart.rx.len(), 1, "without FIFOs only RBR holds data");
        assert!(!r.irq(), "ERBFI disabled");
        r.w(IER, ier::ERBFI);
        assert!(r.irq());
        assert_eq!(r.r(IIR), iir::RDA);
        assert_eq!(r.r(RBR), b'a');
        // The next byte is pulled right after the read.
        assert!(r.irq());
        assert_eq!(r.r(RBR), b'b');
        assert_eq!(r.r(LSR) & lsr::DR, 0);
        assert!(!r.irq());
        assert_eq!(r.r(IIR), iir::NO_INT);
        assert_eq!(r.r(RBR), 0, "empty receiver reads 0");
        assert!(r.input.is_empty());
    }

    #[test]
    fn fifo_trigger_and_timeout() {
        let mut r = rig();
        // FIFO on, trigger 8 bytes, as Linux programs a 16550A.
        r.w(FCR, fcr::FIFO_ENABLE | fcr::RX_RESET | fcr::TX_RESET | 0x80);
        assert_eq!(r.r(IIR) & iir::FIFO_ENABLED, iir::FIFO_ENABLED);
        r.w(IER, ier::ERBFI);
        r.input.push(b"0123456789abcdefXYZ");
        r.tick(100);
        assert_eq!(r.uart.rx.len(), FIFO_DEPTH, "FIFO holds 16");
        assert_eq!(r.input.len(), 3, "the rest waits, nothing is lost");
        assert!(r.irq());
        assert_eq!(r.r(IIR), iir::RDA | iir::FIFO_ENABLED);
        let mut got = Vec::new();
        while r.r(LSR) & lsr::DR != 0 {
            got.push(r.r(RBR));
        }
        assert_eq!(got, b"0123456789abcdefXYZ");
        assert!(!r.irq());

        // Three bytes: below the trigger level, so only the timeout fires.
        r.input.push(b"abc");
        r.tick(200);
        assert!(!r.irq());
        let deadline = r.uart.next_deadline().expect("timeout armed");
        assert!(deadline > 200);
        r.tick(deadline - 1);
        assert!(!r.irq());
        r.tick(deadline);
        assert!(r.irq());
        assert_eq!(r.r(IIR), iir::CTI | iir::FIFO_ENABLED);
        assert_eq!(r.uart.next_deadline(), None);
        // Reading RBR clears the timeout condition.
        assert_eq!(r.r(RBR), b'a');
        assert!(!r.irq());
        assert_eq!(r.r(RBR), b'b');
        assert_eq!(r.r(RBR), b'c');
        assert_eq!(r.uart.next_deadline(), None);
    }

    #[test]
    fn char_timeout_follows_divisor() {
        let mut r = rig();
        // Reset divisor 12 at 3.6864 MHz = 19200 baud; 8N1: 4 characters
        // of 10 bits ≈ 2.08 ms.
        r.w(LCR, 0x03);
        assert_eq!(r.uart.char_timeout_ticks(), 20_833);
        r.w(LCR, lcr::DLAB | 0x03);
        r.w(DLL, 2);
        r.w(DLM, 0);
        r.w(LCR, 0x03);
        // 115200 baud, what Linux programs for this clock.
        assert_eq!(r.uart.char_timeout_ticks(), 3_472);
        r.w(LCR, lcr::DLAB);
        r.w(DLL, 0);
        assert!(
            r.uart.char_timeout_ticks() >= 1,
            "divisor 0 does not divide by zero"
        );
    }

    #[test]
    fn fcr_resets() {
        let mut r = rig();
        r.w(FCR, fcr::FIFO_ENABLE);
        r.input.push(b"xyz");
        r.tick(1);
        assert_eq!(r.r(LSR) & lsr::DR, lsr::DR);
        r.w(FCR, fcr::FIFO_ENABLE | fcr::RX_RESET);
        assert_eq!(r.r(LSR) & lsr::DR, 0);
        assert!(r.uart.rx.is_empty());
        r.input.push(b"q");
        r.tick(2);
        // Turning the FIFOs off clears them too.
        r.w(FCR, 0);
        assert_eq!(r.r(LSR) & lsr::DR, 0);
        assert_eq!(r.r(IIR) & iir::FIFO_ENABLED, 0);
    }

    #[test]
    fn thre_interrupt_semantics() {
        let mut r = rig();
        // Enabling ETBEI with THR empty raises THRE at once.
        r.w(IER, ier::ETBEI);
        assert!(r.irq());
        assert_eq!(r.r(IIR), iir::THRE);
        // Reading IIR with THRE as the source cleared it.
        assert!(!r.irq());
        assert_eq!(r.r(IIR), iir::NO_INT);
        // A THR write re-arms it once the byte has left (at once here).
        r.w(THR, b'x');
        assert!(r.irq());
        // Toggling IER resamples it.
        r.w(IER, 0);
        assert!(!r.irq());
        r.w(IER, ier::ETBEI);
        assert!(r.irq());
        // Re-writing IER without changing ETBEI keeps the state.
        assert_eq!(r.r(IIR), iir::THRE);
        r.w(IER, ier::ETBEI);
        assert!(!r.irq());
    }

    #[test]
    fn linux_thre_reassert_test_passes() {
        // serial8250_do_startup: a real 16550 re-asserts THRE when IER.THRI
        // is toggled; otherwise Linux marks the port UART_BUG_THRE.
        let mut r = rig();
        r.w(IER, ier::ETBEI);
        let iir1 = r.r(IIR);
        r.w(IER, 0);
        r.w(IER, ier::ETBEI);
        let iir2 = r.r(IIR);
        r.w(IER, 0);
        assert_eq!(iir1 & iir::NO_INT, 0);
        assert_eq!(iir2 & iir::NO_INT, 0);
        assert!(!r.irq());
    }

    #[test]
    fn iir_priorities() {
        let mut r = rig();
        r.w(MCR, mcr::LOOP);
        r.w(IER, ier::ERBFI | ier::ETBEI | ier::ELSI | ier::EDSSI);
        // Loopback a byte: RDA outranks THRE.
        r.w(THR, b'1');
        assert_eq!(r.r(IIR), iir::RDA);
        // Overrun (no FIFO, RBR full): RLS outranks RDA.
        r.w(THR, b'2');
        assert!(r.irq());
        assert_eq!(r.r(IIR), iir::RLS);
        let l = r.r(LSR);
        assert_eq!(l & (lsr::OE | lsr::DR), lsr::OE | lsr::DR);
        // Reading LSR cleared OE: RDA is next.
        assert_eq!(r.r(LSR) & lsr::OE, 0);
        assert_eq!(r.r(IIR), iir::RDA);
        assert_eq!(r.r(RBR), b'2', "without FIFOs the new byte overwrites RBR");
        // Only THRE remains (never cleared by IIR read because RDA was shown).
        assert_eq!(r.r(IIR), iir::THRE);
        assert_eq!(r.r(IIR), iir::NO_INT);
        assert!(!r.irq());
        // Modem status delta bits never appear: MSI never fires.
        r.w(MCR, 0);
        assert_eq!(r.r(MSR) & msr::ANY_DELTA, 0);
        assert_eq!(r.r(IIR), iir::NO_INT);
    }

    #[test]
    fn loopback() {
        let mut r = rig();
        r.w(FCR, fcr::FIFO_ENABLE);
        r.w(MCR, mcr::LOOP | mcr::RTS | mcr::OUT2);
        assert_eq!(r.r(MSR), msr::CTS | msr::DCD);
        r.w(MCR, mcr::LOOP | mcr::DTR | mcr::OUT1);
        assert_eq!(r.r(MSR), msr::DSR | msr::RI);
        // Linux's autoconfig loopback test: MCR = LOOP|OUT2|RTS -> 0x90.
        r.w(MCR, mcr::LOOP | 0x0a);
        assert_eq!(r.r(MSR) & 0xf0, 0x90);
        // External input waits while in loopback.
        r.input.push(b"ext");
        r.tick(1);
        assert_eq!(r.r(LSR) & lsr::DR, 0);
        for &b in b"loop" {
            r.w(THR, b);
        }
        assert!(r.output().is_empty(), "loopback output goes nowhere else");
        let mut got = Vec::new();
        while r.r(LSR) & lsr::DR != 0 {
            got.push(r.r(RBR));
        }
        assert_eq!(got, b"loop");
        // Leaving loopback lets the external input in.
        r.w(MCR, mcr::OUT2);
        assert_eq!(r.r(LSR) & lsr::DR, lsr::DR);
        assert_eq!(r.r(RBR), b'e');
        assert_eq!(r.r(MSR), msr::DCD | msr::DSR | msr::CTS);
    }

    #[test]
    fn fifo_overrun_in_loopback_keeps_fifo() {
        let mut r = rig();
        r.w(FCR, fcr::FIFO_ENABLE);
        r.w(MCR, mcr::LOOP);
        for b in 0..20u8 {
            r.w(THR, b);
        }
        assert_eq!(r.uart.rx.len(), FIFO_DEPTH);
        assert_eq!(r.r(LSR) & lsr::OE, lsr::OE);
        assert_eq!(r.r(RBR), 0);
        assert_eq!(r.uart.rx.back(), Some(&15));
    }

    #[test]
    fn failing_output_is_counted() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("gone"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let sink = Arc::new(TestSink::default());
        let (mut u, _) = Uart16550::new(Box::new(Broken), IrqLine::new(sink, SRC));
        let mut ram = Ram::new(0x8000_0000, 4096).unwrap();
        assert!(u.write(THR, 1, b'x'.into(), &mut ram));
        assert_eq!(u.tx_errors(), 1);
        assert_eq!(u.read(LSR, 1), Some(0x60));
    }

    #[test]
    fn hostile_accesses_never_panic() {
        let mut r = rig();
        r.input.push(&[0xaa; 64]);
        for pass in 0..2u64 {
            for off in 0..SIZE + 16 {
                for size in [1u8, 2, 4, 8, 3, 0] {
                    let _ = r.uart.read(off, size);
                    let v = 0x0123_4567_89ab_cdefu64.rotate_left((off + pass) as u32);
                    let _ = r.uart.write(off, size, v, &mut r.ram);
                    let _ = r.uart.write(off, size, u64::MAX, &mut r.ram);
                    let _ = r.uart.write(off, size, 0, &mut r.ram);
                }
                r.uart.tick(off * 1000 + pass, &mut r.ram);
            }
            let _ = r.uart.read(u64::MAX, 8);
            let _ = r.uart.write(u64::MAX - 3, 8, u64::MAX, &mut r.ram);
            let _ = r.uart.next_deadline();
            r.uart.tick(u64::MAX, &mut r.ram);
        }
    }
}
