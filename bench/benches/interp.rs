//! Interpreter throughput in guest instructions per second.

use bench::{machine_with, run_for, INT_LOOP, MEM_LOOP};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

const INSNS: u64 = 10_000_000;

fn interp(c: &mut Criterion) {
    let mut g = c.benchmark_group("interp");
    g.throughput(Throughput::Elements(INSNS));
    g.sample_size(20);
    g.bench_function("int_loop", |b| {
        let mut m = machine_with(&INT_LOOP);
        b.iter(|| black_box(run_for(&mut m, INSNS)))
    });
    g.bench_function("mem_loop", |b| {
        let mut m = machine_with(&MEM_LOOP);
        b.iter(|| black_box(run_for(&mut m, INSNS)))
    });
    g.finish();
}

criterion_group!(benches, interp);
criterion_main!(benches);
