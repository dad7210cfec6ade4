//! The JIT: guest-loop throughput against the interpreter (same loops as
//! `interp`), and Cranelift compile time per translation.

use bench::{machine_with, run_for, INT_LOOP, MEM_LOOP};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use emu_core::decode::decode;
use emu_core::engine::Engine;
use emu_core::insn::Insn;
use emu_core::machine::Machine;
use emu_jit::translate::Translator;
use emu_jit::worker::{compile_and_discard, host_isa};
use emu_jit::{JitConfig, JitEngine};
use std::hint::black_box;

const INSNS: u64 = 10_000_000;

fn jit_engine() -> JitEngine {
    JitEngine::new(JitConfig {
        threshold: 1,
        sync: true,
        ..JitConfig::default()
    })
    .expect("JIT engine")
}

fn run_jit(e: &mut JitEngine, m: &mut Machine, insns: u64) -> u64 {
    let Machine { harts, bus, .. } = m;
    e.run(&mut harts[0], bus, insns).1
}

fn throughput(c: &mut Criterion) {
    let mut g = c.benchmark_group("jit_vs_interp");
    g.throughput(Throughput::Elements(INSNS));
    g.sample_size(20);
    for (name, prog) in [("int_loop", &INT_LOOP[..]), ("mem_loop", &MEM_LOOP[..])] {
        g.bench_function(format!("interp/{name}"), |b| {
            let mut m = machine_with(prog);
            b.iter(|| black_box(run_for(&mut m, INSNS)))
        });
        g.bench_function(format!("jit/{name}"), |b| {
            let mut m = machine_with(prog);
            let mut e = jit_engine();
            // Warm up: every block of the loop compiled.
            run_jit(&mut e, &mut m, 10_000);
            b.iter(|| black_box(run_jit(&mut e, &mut m, INSNS)))
        });
    }
    g.finish();
}

fn block(words: &[u32]) -> Vec<Insn> {
    words.iter().map(|w| decode(*w)).collect()
}

/// A 64-instruction block mixing ALU operations, loads and stores (the
/// kind of straight-line code a kernel spends its time in).
fn mixed_block() -> Vec<Insn> {
    let body: Vec<u32> = (0..64)
        .map(|i| match i % 8 {
            0 => INT_LOOP[0],
            1 => INT_LOOP[1],
            2 => MEM_LOOP[0],
            3 => INT_LOOP[2],
            4 => MEM_LOOP[2],
            5 => INT_LOOP[3],
            6 => MEM_LOOP[3],
            _ => INT_LOOP[4],
        })
        .collect();
    block(&body)
}

fn compile_time(c: &mut Criterion) {
    let mut g = c.benchmark_group("jit_compile");
    g.sample_size(30);
    let blocks = [
        ("int_loop_7", block(&INT_LOOP[..7])),
        ("mem_loop_6", block(&MEM_LOOP[..6])),
        ("mixed_64", mixed_block()),
    ];
    for opt in ["none", "speed"] {
        let isa = host_isa(opt).expect("host ISA");
        let mut tr = Translator::new();
        for (name, insns) in &blocks {
            g.bench_function(format!("{opt}/{name}"), |b| {
                b.iter(|| assert!(compile_and_discard(&isa, &mut tr, black_box(insns))))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, throughput, compile_time);
criterion_main!(benches);
