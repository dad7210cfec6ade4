//! SiFive PLIC (platform-level interrupt controller) as on QEMU's `virt`
//! board: 96 sources (source 0 reserved), 7 priority levels, two contexts
//! per hart (context `2h` = hart `h` M-mode → MEIP, `2h + 1` = S-mode →
//! SEIP).
//!
//! Spec: RISC-V PLIC specification v1.0.0 ("PLIC spec"), cited by section
//! title; behavioural reference QEMU's `hw/intc/sifive_plic.c`.
//!
//! Level-triggered gateways, as Linux expects:
//! - a source is pending while its line is high and it is not claimed
//!   (lowering the line before the claim withdraws the request);
//! - a claim returns the highest-priority pending, enabled source whose
//!   priority exceeds the context's threshold (ties: lowest id; 0 if
//!   none), clears its pending bit and marks it claimed;
//! - a completion (writing the id) releases the claim; if the line is
//!   still high the source is pending again at once. As in QEMU, the
//!   completion is accepted whether or not the source is enabled for the
//!   completing context;
//! - a context's output (MEIP/SEIP) is high while some pending, enabled,
//!   unclaimed source has priority above its threshold.
//!
//! Devices drive lines through [`IrqSink`] on the shared [`Plic`]; the bus
//! maps a [`PlicMmio`] over the same state. Only aligned 32-bit accesses
//! are accepted (PLIC spec "Memory Map": 32-bit registers); anything else is an
//! access fault. Offsets that name nothing read as zero and ignore writes.

use crate::irq::IrqSink;
use emu_core::bus::MmioDevice;
use emu_core::csr::irq;
use emu_core::ram::Ram;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Device-tree `compatible` strings, most specific first (QEMU `virt`).
pub const COMPATIBLE: &[&str] = &["sifive,plic-1.0.0", "riscv,plic0"];
/// Size of the MMIO region (QEMU `virt`'s aperture).
pub const SIZE: u64 = 0x60_0000;
/// Interrupt sources, including the reserved source 0.
pub const NUM_SOURCES: usize = 96;
/// Device-tree `riscv,ndev`: the highest usable source id.
pub const RISCV_NDEV: u32 = NUM_SOURCES as u32 - 1;
/// Highest priority level (priorities 0..=7; 0 = never interrupts).
pub const MAX_PRIORITY: u32 = 7;
/// 32-bit words in a pending or enable bitmap.
const WORDS: usize = NUM_SOURCES.div_ceil(32);

/// Source priority registers, one word per source (PLIC spec "Memory Map", 0x000000).
pub const PRIORITY_BASE: u64 = 0x00_0000;
/// Pending bits, one bit per source (PLIC spec "Memory Map", 0x001000).
pub const PENDING_BASE: u64 = 0x00_1000;
/// Enable bits of context 0 (PLIC spec "Memory Map", 0x002000).
pub const ENABLE_BASE: u64 = 0x00_2000;
/// Distance between the enable bitmaps of two contexts.
pub const ENABLE_STRIDE: u64 = 0x80;
/// Priority threshold of context 0 (PLIC spec "Memory Map", 0x200000).
pub const CONTEXT_BASE: u64 = 0x20_0000;
/// Distance between two contexts' threshold/claim blocks.
pub const CONTEXT_STRIDE: u64 = 0x1000;
/// Offset of the threshold register in a context block.
pub const CONTEXT_THRESHOLD: u64 = 0x0;
/// Offset of the claim/complete register in a context block.
pub const CONTEXT_CLAIM: u64 = 0x4;
/// Most harts the region can serve (two contexts each).
pub const MAX_HARTS: usize = ((SIZE - CONTEXT_BASE) / CONTEXT_STRIDE / 2) as usize;

/// Priority register bits that are implemented (PLIC spec "Interrupt Priorities": WARL).
pub const PRIORITY_MASK: u32 = MAX_PRIORITY;

#[derive(Debug)]
struct State {
    priority: [u32; NUM_SOURCES],
    /// Line level of each source as last driven by its device.
    level: [u32; WORDS],
    pending: [u32; WORDS],
    claimed: [u32; WORDS],
    enable: Vec<[u32; WORDS]>,
    threshold: Vec<u32>,
    guest_errors: u64,
}

fn bit(src: usize) -> (usize, u32) {
    (src / 32, 1 << (src % 32))
}

impl State {
    /// The source a claim by `ctx` would return (0 if none).
    fn best(&self, ctx: usize) -> usize {
        let (Some(en), Some(&thr)) = (self.enable.get(ctx), self.threshold.get(ctx)) else {
            return 0;
        };
        let mut best = 0;
        let mut best_prio = thr;
        for (w, &en_w) in en.iter().enumerate() {
            let mut bits = self.pending[w] & !self.claimed[w] & en_w;
            while bits != 0 {
                let src = w * 32 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if src < NUM_SOURCES && self.priority[src] > best_prio {
                    best = src;
                    best_prio = self.priority[src];
                }
            }
        }
        best
    }
}

/// The PLIC's state, shared between the devices' interrupt lines (as an
/// [`IrqSink`]) and the bus (through [`PlicMmio`]).
#[derive(Debug)]
pub struct Plic {
    state: Mutex<State>,
    harts: Vec<Arc<AtomicU64>>,
}

impl Plic {
    /// A PLIC in its reset state (all priorities, enables and thresholds
    /// zero) serving the harts whose interrupt lines are `harts_irq_lines`
    /// (index = hart id). Harts past [`MAX_HARTS`] are ignored.
    pub fn new(mut harts_irq_lines: Vec<Arc<AtomicU64>>) -> Arc<Plic> {
        harts_irq_lines.truncate(MAX_HARTS);
        for l in &harts_irq_lines {
            l.fetch_and(!(irq::MEI | irq::SEI), Ordering::AcqRel);
        }
        let contexts = 2 * harts_irq_lines.len();
        Arc::new(Plic {
            state: Mutex::new(State {
                priority: [0; NUM_SOURCES],
                level: [0; WORDS],
                pending: [0; WORDS],
                claimed: [0; WORDS],
                enable: vec![[0; WORDS]; contexts],
                threshold: vec![0; contexts],
                guest_errors: 0,
            }),
            harts: harts_irq_lines,
        })
    }

    /// The MMIO view of this PLIC, to map on the bus.
    pub fn mmio(self: &Arc<Self>) -> PlicMmio {
        PlicMmio(self.clone())
    }

    /// Number of contexts (two per hart).
    pub fn contexts(&self) -> usize {
        2 * self.harts.len()
    }

    /// Accesses the guest made that were rejected or named nothing.
    pub fn guest_errors(&self) -> u64 {
        self.lock().guest_errors
    }

    /// Whether `source` is pending (for tests and debugging).
    pub fn is_pending(&self, source: u32) -> bool {
        let s = self.lock();
        let src = source as usize;
        src < NUM_SOURCES && {
            let (w, b) = bit(src);
            s.pending[w] & b != 0
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere cannot leave `State` inconsistent in a way that
        // matters more than stopping the machine would; keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Recompute every context's output line (under the lock, so outputs
    /// are never stored out of order).
    fn update(&self, s: &State) {
        for (h, lines) in self.harts.iter().enumerate() {
            for (ctx, mip_bit) in [(2 * h, irq::MEI), (2 * h + 1, irq::SEI)] {
                let on = s.best(ctx) != 0;
                let cur = lines.load(Ordering::Acquire);
                if (cur & mip_bit != 0) != on {
                    if on {
                        lines.fetch_or(mip_bit, Ordering::AcqRel);
                    } else {
                        lines.fetch_and(!mip_bit, Ordering::AcqRel);
                    }
                }
            }
        }
    }

    fn read_reg(&self, offset: u64) -> u32 {
        let mut s = self.lock();
        let s = &mut *s;
        let contexts = s.threshold.len();
        if offset < PENDING_BASE {
            let src = ((offset - PRIORITY_BASE) / 4) as usize;
            if let Some(&p) = s.priority.get(src) {
                return p;
            }
        } else if offset < ENABLE_BASE {
            let w = ((offset - PENDING_BASE) / 4) as usize;
            if let Some(&p) = s.pending.get(w) {
                return p;
            }
        } else if offset < CONTEXT_BASE {
            let ctx = ((offset - ENABLE_BASE) / ENABLE_STRIDE) as usize;
            let w = ((offset - ENABLE_BASE) % ENABLE_STRIDE / 4) as usize;
            if let Some(&e) = s.enable.get(ctx).and_then(|e| e.get(w)) {
                return e;
            }
        } else {
            let ctx = ((offset - CONTEXT_BASE) / CONTEXT_STRIDE) as usize;
            let reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
            if ctx < contexts {
                match reg {
                    CONTEXT_THRESHOLD => return s.threshold[ctx],
                    CONTEXT_CLAIM => {
                        // PLIC spec "Interrupt Claim Process".
                        let src = s.best(ctx);
                        if src != 0 {
                            let (w, b) = bit(src);
                            s.pending[w] &= !b;
                            s.claimed[w] |= b;
                            self.update(s);
                        }
                        return src as u32;
                    }
                    _ => {}
                }
            }
        }
        s.guest_errors += 1;
        0
    }

    fn write_reg(&self, offset: u64, value: u32) {
        let mut s = self.lock();
        let s = &mut *s;
        let contexts = s.threshold.len();
        if offset < PENDING_BASE {
            let src = ((offset - PRIORITY_BASE) / 4) as usize;
            // Source 0 does not exist (PLIC spec "Interrupt Priorities"); priority 0.
            if src != 0 && src < NUM_SOURCES {
                s.priority[src] = value & PRIORITY_MASK;
                self.update(s);
                return;
            }
        } else if offset < ENABLE_BASE {
            // Pending bits are read-only here (PLIC spec "Interrupt Pending Bits").
        } else if offset < CONTEXT_BASE {
            let ctx = ((offset - ENABLE_BASE) / ENABLE_STRIDE) as usize;
            let w = ((offset - ENABLE_BASE) % ENABLE_STRIDE / 4) as usize;
            if ctx < contexts && w < WORDS {
                // Bit 0 of word 0 (source 0) is hardwired to zero (PLIC spec "Interrupt Enables").
                let mask = if w == 0 { !1 } else { !0 };
                s.enable[ctx][w] = value & mask;
                self.update(s);
                return;
            }
        } else {
            let ctx = ((offset - CONTEXT_BASE) / CONTEXT_STRIDE) as usize;
            let reg = (offset - CONTEXT_BASE) % CONTEXT_STRIDE;
            if ctx < contexts {
                match reg {
                    CONTEXT_THRESHOLD => {
                        // As QEMU: values above the top priority are ignored.
                        if value <= MAX_PRIORITY {
                            s.threshold[ctx] = value;
                            self.update(s);
                        }
                        return;
                    }
                    CONTEXT_CLAIM => {
                        // PLIC spec "Interrupt Completion".
                        let src = value as usize;
                        if src != 0 && src < NUM_SOURCES {
                            let (w, b) = bit(src);
                            if s.claimed[w] & b != 0 {
                                s.claimed[w] &= !b;
                                if s.level[w] & b != 0 {
                                    s.pending[w] |= b;
                                }
                                self.update(s);
                            }
                        }
                        return;
                    }
                    _ => {}
                }
            }
        }
        s.guest_errors += 1;
    }
}

impl IrqSink for Plic {
    fn set_level(&self, source: u32, level: bool) {
        let src = source as usize;
        if src == 0 || src >= NUM_SOURCES {
            return;
        }
        let (w, b) = bit(src);
        let mut s = self.lock();
        let was = s.level[w] & b != 0;
        if was == level {
            return;
        }
        if level {
            s.level[w] |= b;
            if s.claimed[w] & b == 0 {
                s.pending[w] |= b;
            }
        } else {
            s.level[w] &= !b;
            s.pending[w] &= !b;
        }
        self.update(&s);
    }
}

/// The PLIC's registers on the bus.
#[derive(Debug, Clone)]
pub struct PlicMmio(pub Arc<Plic>);

impl MmioDevice for PlicMmio {
    fn name(&self) -> &str {
        "plic"
    }

    fn read(&mut self, offset: u64, size: u8) -> Option<u64> {
        if size != 4 || !offset.is_multiple_of(4) || offset >= SIZE {
            self.0.lock().guest_errors += 1;
            return None;
        }
        Some(u64::from(self.0.read_reg(offset)))
    }

    fn write(&mut self, offset: u64, size: u8, value: u64, _ram: &mut Ram) -> bool {
        if size != 4 || !offset.is_multiple_of(4) || offset >= SIZE {
            self.0.lock().guest_errors += 1;
            return false;
        }
        self.0.write_reg(offset, value as u32);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::irq::IrqLine;

    struct Rig {
        plic: Arc<Plic>,
        mmio: PlicMmio,
        lines: Vec<Arc<AtomicU64>>,
        ram: Ram,
    }

    fn rig(n: usize) -> Rig {
        let lines: Vec<_> = (0..n).map(|_| Arc::new(AtomicU64::new(0))).collect();
        let plic = Plic::new(lines.clone());
        Rig {
            mmio: plic.mmio(),
            plic,
            lines,
            ram: Ram::new(0x8000_0000, 4096).unwrap(),
        }
    }

    fn prio(src: u32) -> u64 {
        PRIORITY_BASE + 4 * u64::from(src)
    }
    fn enable(ctx: usize) -> u64 {
        ENABLE_BASE + ENABLE_STRIDE * ctx as u64
    }
    fn threshold(ctx: usize) -> u64 {
        CONTEXT_BASE + CONTEXT_STRIDE * ctx as u64 + CONTEXT_THRESHOLD
    }
    fn claim(ctx: usize) -> u64 {
        CONTEXT_BASE + CONTEXT_STRIDE * ctx as u64 + CONTEXT_CLAIM
    }

    impl Rig {
        fn w(&mut self, off: u64, v: u32) {
            assert!(self.mmio.write(off, 4, v.into(), &mut self.ram));
        }
        fn r(&mut self, off: u64) -> u32 {
            self.mmio.read(off, 4).unwrap() as u32
        }
        fn line(&self, h: usize) -> u64 {
            self.lines[h].load(Ordering::SeqCst)
        }
        fn set(&self, src: u32, level: bool) {
            self.plic.set_level(src, level);
        }
    }

    #[test]
    fn layout_matches_board() {
        assert_eq!(SIZE, crate::layout::PLIC_SIZE);
        assert_eq!(NUM_SOURCES as u32, crate::layout::PLIC_SOURCES);
        assert_eq!(RISCV_NDEV, 95);
        assert_eq!(MAX_HARTS, 512);
    }

    #[test]
    fn priority_register() {
        let mut r = rig(1);
        r.w(prio(10), 0xffff_ffff);
        assert_eq!(r.r(prio(10)), 7, "priorities are 3 bits");
        r.w(prio(0), 5);
        assert_eq!(r.r(prio(0)), 0, "source 0 is reserved");
        r.w(prio(95), 3);
        assert_eq!(r.r(prio(95)), 3);
        r.w(prio(96), 3);
        assert_eq!(r.r(prio(96)), 0, "past the last source");
    }

    #[test]
    fn pending_is_level_and_read_only() {
        let mut r = rig(1);
        r.set(10, true);
        r.set(40, true);
        assert_eq!(r.r(PENDING_BASE), 1 << 10);
        assert_eq!(r.r(PENDING_BASE + 4), 1 << 8);
        r.w(PENDING_BASE, 0);
        assert_eq!(r.r(PENDING_BASE), 1 << 10, "writes ignored");
        r.set(10, false);
        assert_eq!(r.r(PENDING_BASE), 0, "a lowered line withdraws the request");
        // Out-of-range sources are ignored.
        r.set(0, true);
        r.set(96, true);
        r.set(u32::MAX, true);
        assert_eq!(r.r(PENDING_BASE), 0);
        assert_eq!(r.r(PENDING_BASE + 8), 0);
    }

    #[test]
    fn claim_complete_cycle_m_and_s() {
        let mut r = rig(1);
        r.w(prio(10), 1);
        r.w(enable(1), 1 << 10); // hart 0 S-mode
        r.set(10, true);
        assert_eq!(r.line(0), irq::SEI);
        assert_eq!(r.r(claim(1)), 10);
        assert_eq!(r.line(0), 0, "claimed: no longer asserting");
        assert!(!r.plic.is_pending(10));
        assert_eq!(r.r(claim(1)), 0, "nothing else pending");
        // Line still high at completion: pending again.
        r.w(claim(1), 10);
        assert_eq!(r.line(0), irq::SEI);
        assert_eq!(r.r(claim(1)), 10);
        // Device drops the line while claimed, then completion: quiet.
        r.set(10, false);
        r.w(claim(1), 10);
        assert_eq!(r.line(0), 0);
        assert_eq!(r.r(claim(1)), 0);
        // The M context drives MEIP.
        r.w(enable(0), 1 << 10);
        r.set(10, true);
        assert_eq!(r.line(0), irq::SEI | irq::MEI);
        assert_eq!(r.r(claim(0)), 10);
        assert_eq!(r.line(0), 0, "claimed for all contexts");
        r.w(claim(0), 10);
        assert_eq!(r.line(0), irq::SEI | irq::MEI);
    }

    #[test]
    fn pulse_while_claimed_is_remembered_by_level_only() {
        let mut r = rig(1);
        r.w(prio(3), 1);
        r.w(enable(1), 1 << 3);
        r.set(3, true);
        assert_eq!(r.r(claim(1)), 3);
        r.set(3, false);
        r.set(3, true);
        assert!(
            !r.plic.is_pending(3),
            "claimed sources do not become pending"
        );
        assert_eq!(r.line(0), 0);
        r.w(claim(1), 3);
        assert!(r.plic.is_pending(3));
        assert_eq!(r.line(0), irq::SEI);
    }

    #[test]
    fn priority_order_and_ties() {
        let mut r = rig(1);
        for (src, p) in [(1, 2), (2, 5), (3, 5), (4, 1)] {
            r.w(prio(src), p);
            r.set(src, true);
        }
        r.w(enable(1), 0b11110);
        assert_eq!(r.r(claim(1)), 2, "highest priority, lowest id on ties");
        assert_eq!(r.r(claim(1)), 3);
        assert_eq!(r.r(claim(1)), 1);
        assert_eq!(r.r(claim(1)), 4);
        assert_eq!(r.r(claim(1)), 0);
        assert_eq!(r.line(0), 0);
        for src in 1..=4 {
            r.w(claim(1), src);
        }
        assert_eq!(r.line(0), irq::SEI);
    }

    #[test]
    fn threshold_and_zero_priority() {
        let mut r = rig(1);
        r.w(enable(1), 1 << 5 | 1 << 6);
        r.set(5, true);
        assert_eq!(r.line(0), 0, "priority 0 never interrupts");
        assert_eq!(r.r(claim(1)), 0);
        r.w(prio(5), 3);
        assert_eq!(r.line(0), irq::SEI);
        r.w(threshold(1), 3);
        assert_eq!(r.r(threshold(1)), 3);
        assert_eq!(r.line(0), 0, "priority must exceed the threshold");
        assert_eq!(r.r(claim(1)), 0);
        r.w(threshold(1), 8);
        assert_eq!(r.r(threshold(1)), 3, "out-of-range threshold ignored");
        r.w(threshold(1), 2);
        assert_eq!(r.line(0), irq::SEI);
        // Disabling the source drops the output too.
        r.w(enable(1), 0);
        assert_eq!(r.line(0), 0);
        assert_eq!(r.r(enable(1)), 0);
        // Source 0's enable bit is hardwired to zero.
        r.w(enable(1), 0xffff_ffff);
        assert_eq!(r.r(enable(1)), 0xffff_fffe);
        assert_eq!(r.line(0), irq::SEI);
    }

    #[test]
    fn contexts_per_hart() {
        let mut r = rig(2);
        r.w(prio(7), 1);
        r.w(enable(3), 1 << 7); // hart 1 S-mode
        r.set(7, true);
        assert_eq!(r.line(0), 0);
        assert_eq!(r.line(1), irq::SEI);
        r.w(enable(2), 1 << 7); // hart 1 M-mode
        assert_eq!(r.line(1), irq::SEI | irq::MEI);
        r.w(enable(0), 1 << 7);
        assert_eq!(r.line(0), irq::MEI);
        // Hart 0 claims; the other contexts see it claimed.
        assert_eq!(r.r(claim(0)), 7);
        assert_eq!(r.line(0), 0);
        assert_eq!(r.line(1), 0);
        assert_eq!(r.r(claim(3)), 0);
        // Non-existent contexts read zero and ignore writes.
        r.w(enable(4), 0xffff_ffff);
        assert_eq!(r.r(enable(4)), 0);
        assert_eq!(r.r(claim(4)), 0);
        r.w(threshold(4), 1);
        assert_eq!(r.r(threshold(4)), 0);
        // Completion releases it from any context.
        r.w(claim(3), 7);
        assert_eq!(r.line(0), irq::MEI);
        assert_eq!(r.line(1), irq::SEI | irq::MEI);
        assert_eq!(r.plic.contexts(), 4);
    }

    #[test]
    fn completion_of_unclaimed_or_bogus_ids_is_ignored() {
        let mut r = rig(1);
        r.w(prio(9), 1);
        r.w(enable(1), 1 << 9);
        r.w(claim(1), 9);
        r.w(claim(1), 0);
        r.w(claim(1), 96);
        r.w(claim(1), u32::MAX);
        r.set(9, true);
        assert_eq!(r.r(claim(1)), 9);
        r.w(claim(1), 9);
        r.w(claim(1), 9);
        assert_eq!(r.r(claim(1)), 9);
    }

    #[test]
    fn irq_line_from_a_device() {
        let r = rig(1);
        let line = IrqLine::new(r.plic.clone(), 10);
        let mut r = r;
        r.w(prio(10), 1);
        r.w(enable(1), 1 << 10);
        line.set(true);
        assert_eq!(r.line(0), irq::SEI);
        line.set(false);
        assert_eq!(r.line(0), 0);
    }

    #[test]
    fn other_hart_bits_untouched() {
        let mut r = rig(1);
        r.lines[0].store(irq::MTI | irq::MSI, Ordering::SeqCst);
        r.w(prio(1), 1);
        r.w(enable(0), 2);
        r.set(1, true);
        assert_eq!(r.line(0), irq::MTI | irq::MSI | irq::MEI);
        r.set(1, false);
        assert_eq!(r.line(0), irq::MTI | irq::MSI);
    }

    #[test]
    fn sizes_and_alignment() {
        let mut r = rig(1);
        assert_eq!(r.mmio.read(prio(1), 8), None);
        assert_eq!(r.mmio.read(prio(1), 1), None);
        assert_eq!(r.mmio.read(prio(1) + 2, 4), None);
        assert!(!r.mmio.write(prio(1), 2, 1, &mut r.ram));
        assert!(!r.mmio.write(SIZE, 4, 1, &mut r.ram));
        assert_eq!(r.r(prio(1)), 0);
        assert!(r.plic.guest_errors() >= 5);
    }

    #[test]
    fn hostile_accesses_never_panic() {
        let mut r = rig(2);
        for src in 1..NUM_SOURCES as u32 {
            r.set(src, src % 3 != 0);
        }
        // Every offset of the region (and a little past it), every size.
        let offs = (0..SIZE + 16).chain([u64::MAX - 3, u64::MAX]);
        for off in offs {
            let v = off
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(off as u32 % 64);
            for size in [1u8, 2, 4, 8] {
                let _ = r.mmio.read(off, size);
                let _ = r.mmio.write(off, size, v, &mut r.ram);
            }
        }
        for off in [0, 4, 0x1000, 0x2000, CONTEXT_BASE, CONTEXT_BASE + 4] {
            for size in [0u8, 3, 16, 255] {
                let _ = r.mmio.read(off, size);
                for v in [0, 1, 7, 95, 96, u64::MAX] {
                    let _ = r.mmio.write(off, size, v, &mut r.ram);
                }
            }
        }
        // Drain everything through claim/complete: it must terminate.
        for ctx in 0..4 {
            for _ in 0..200 {
                let id = r.r(claim(ctx));
                if id == 0 {
                    break;
                }
                assert!((1..96).contains(&id));
            }
        }
        let _ = Plic::new(Vec::new()).mmio().read(claim(0), 4);
    }
}
