//! Core paths of the emulator: decoder throughput, the TLB hit (and miss)
//! path of `Hart::load`, and MMIO round trips through the bus. The
//! interpreter's instructions/s are in `benches/interp.rs`.

use bench::{mixed_encodings, sv39_machine, SV39_VA};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use emu_core::bus::{Bus, MmioDevice};
use emu_core::decode::decode;
use emu_core::machine::{Clock, Machine, RAM_BASE};
use emu_core::ram::Ram;
use emu_devices::irq::{IrqLine, TestSink};
use emu_devices::uart::{self, Uart16550};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

fn quick<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    g
}

fn decoder(c: &mut Criterion) {
    // 4096 instructions: the mixed set repeated.
    let words = mixed_encodings();
    let buf: Vec<u32> = words.iter().copied().cycle().take(4096).collect();
    let mut g = quick(c, "decode");
    g.throughput(Throughput::Elements(buf.len() as u64));
    g.bench_function("mixed_rv64gc", |b| {
        b.iter(|| {
            let mut acc = 0u32;
            for &w in &buf {
                let i = decode(black_box(w));
                acc = acc.wrapping_add(i.raw ^ i.len as u32);
            }
            acc
        })
    });
    g.finish();
}

const LOADS: u64 = 1024;

fn tlb(c: &mut Criterion) {
    let mut g = quick(c, "tlb");
    g.throughput(Throughput::Elements(LOADS));
    // Hits: 1024 loads spread over 16 pages of an Sv39 mapping (S-mode),
    // all resident in the 256-entry load TLB after the first pass.
    g.bench_function("load_hit_sv39", |b| {
        let mut m = sv39_machine();
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        for i in 0..LOADS {
            h.load(bus, SV39_VA + ((i * 72) & 0xfff8), 8)
                .expect("mapped page");
        }
        b.iter(|| {
            let mut acc = 0u64;
            for i in 0..LOADS {
                let va = SV39_VA + ((i * 72) & 0xfff8);
                acc = acc.wrapping_add(h.load(bus, black_box(va), 8).unwrap_or(0));
            }
            acc
        })
    });
    // Stores on the same pages (store TLB; D already set by the first
    // pass).
    g.bench_function("store_hit_sv39", |b| {
        let mut m = sv39_machine();
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        for i in 0..LOADS {
            h.store(bus, SV39_VA + ((i * 72) & 0xfff8), 8, i)
                .expect("mapped page");
        }
        b.iter(|| {
            for i in 0..LOADS {
                let va = SV39_VA + ((i * 72) & 0xfff8);
                let _ = h.store(bus, black_box(va), 8, i);
            }
        })
    });
    g.finish();

    // Misses: the TLB is flushed before every load, so each one walks the
    // three-level Sv39 table.
    let mut g = quick(c, "tlb");
    g.throughput(Throughput::Elements(1));
    g.bench_function("load_miss_walk_sv39", |b| {
        let mut m = sv39_machine();
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        b.iter(|| {
            h.tlb.flush();
            h.load(bus, black_box(SV39_VA + 0x40), 8).unwrap_or(0)
        })
    });
    g.finish();
}

/// Eight 64-bit registers; the smallest possible device.
struct Scratch([u64; 8]);

impl MmioDevice for Scratch {
    fn name(&self) -> &str {
        "scratch"
    }
    fn read(&mut self, offset: u64, _size: u8) -> Option<u64> {
        self.0.get((offset / 8) as usize).copied()
    }
    fn write(&mut self, offset: u64, _size: u8, value: u64, _ram: &mut Ram) -> bool {
        match self.0.get_mut((offset / 8) as usize) {
            Some(r) => {
                *r = value;
                true
            }
            None => false,
        }
    }
}

const SCRATCH_BASE: u64 = 0x0300_0000;
const UART_BASE: u64 = 0x1000_0000;

/// A bus laid out like the `virt` board: a UART, a scratch device and
/// filler regions where the CLINT, PLIC and virtio slots would be.
fn board_bus() -> Bus {
    let mut bus = Bus::new(Ram::new(RAM_BASE, 1 << 20).expect("1 MiB of RAM"));
    let sink = Arc::new(TestSink::default());
    let (uart, _input) = Uart16550::new(Box::new(std::io::sink()), IrqLine::new(sink, 10));
    bus.add(UART_BASE, uart::SIZE, Box::new(uart))
        .expect("uart");
    bus.add(SCRATCH_BASE, 0x40, Box::new(Scratch([0; 8])))
        .expect("scratch");
    for (base, size) in [
        (0x0010_0000u64, 0x1000u64),
        (0x0200_0000, 0x1_0000),
        (0x0c00_0000, 0x60_0000),
    ] {
        bus.add(base, size, Box::new(Scratch([0; 8])))
            .expect("filler");
    }
    for n in 0..8u64 {
        bus.add(0x1000_1000 + n * 0x1000, 0x1000, Box::new(Scratch([0; 8])))
            .expect("virtio slot");
    }
    bus
}

fn mmio(c: &mut Criterion) {
    let mut g = quick(c, "mmio");
    g.throughput(Throughput::Elements(LOADS));
    // A write and a read back of a plain register, through the bus.
    g.bench_function("bus_scratch_write_read", |b| {
        let mut bus = board_bus();
        b.iter(|| {
            let mut acc = 0u64;
            for i in 0..LOADS {
                bus.write(SCRATCH_BASE + 8, 8, i);
                acc = acc.wrapping_add(bus.read(black_box(SCRATCH_BASE + 8), 8).unwrap_or(0));
            }
            acc
        })
    });
    // The same round trip into the UART's scratch register (a real
    // device model).
    g.bench_function("bus_uart_scr_write_read", |b| {
        let mut bus = board_bus();
        b.iter(|| {
            let mut acc = 0u64;
            for i in 0..LOADS {
                bus.write(UART_BASE + uart::SCR, 1, i & 0xff);
                acc = acc.wrapping_add(bus.read(black_box(UART_BASE + uart::SCR), 1).unwrap_or(0));
            }
            acc
        })
    });
    // What a guest driver polling the UART does: a hart load of LSR in
    // M-mode (TLB, then the bus, then the device).
    g.bench_function("hart_load_uart_lsr", |b| {
        let mut m =
            Machine::new(1, 1 << 20, Clock::Deterministic { insns_per_tick: 10 }).expect("machine");
        m.bus = board_bus();
        let Machine { harts, bus, .. } = &mut m;
        let h = &mut harts[0];
        b.iter(|| {
            let mut acc = 0u64;
            for _ in 0..LOADS {
                acc = acc.wrapping_add(
                    h.load(bus, black_box(UART_BASE + uart::LSR), 1)
                        .unwrap_or(0),
                );
            }
            acc
        })
    });
    g.finish();
}

criterion_group!(benches, decoder, tlb, mmio);
criterion_main!(benches);
