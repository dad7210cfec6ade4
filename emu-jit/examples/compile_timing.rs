//! Where compile time goes: module creation, translation, finalize, free.
//! `cargo run --release -p emu-jit --example compile_timing`
//! (`PASSES=1`: Cranelift's time per pass; `SHOW_IR=1`: the IR).

use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::default_libcall_names;
use emu_core::decode::decode;
use emu_jit::translate::Translator;
use emu_jit::worker::{compile_and_discard, host_isa_with};
use std::time::Instant;

fn main() {
    let int_loop: Vec<_> = [
        0x0055_0533u32,
        0x00a5_c5b3,
        0x0035_9613,
        0x40a6_06b3,
        0x0ff6_f713,
        0xfff2_8293,
        0xfe02_94e3,
    ]
    .iter()
    .map(|w| decode(*w))
    .collect();
    let mem: Vec<_> = [
        0x0004_3583u32,
        0x0055_85b3,
        0x00b4_3423,
        0x0004_3583,
        0x00b4_3423,
        0x0004_3583,
        0x00b4_3423,
        0x00c4_2603,
        0xfff2_8293,
        0xfe02_96e3,
    ]
    .iter()
    .map(|w| decode(*w))
    .collect();
    for (opt, ra) in [
        ("none", "backtracking"),
        ("none", "single_pass"),
        ("speed", "backtracking"),
        ("speed", "single_pass"),
    ] {
        let isa = host_isa_with(opt, ra).unwrap();
        let opt = format!("{opt}/{ra}");
        let mut tr = Translator::new();
        // A small block that leaves both ways (add, xor, bne forward).
        let small: Vec<_> = [0x0055_0533u32, 0x00a5_c5b3, 0x0005_1863]
            .iter()
            .map(|w| decode(*w))
            .collect();
        for (name, b) in [("small3", &small), ("int7", &int_loop), ("mem10", &mem)] {
            let n = 300;
            let t = Instant::now();
            for _ in 0..n {
                compile_and_discard(&isa, &mut tr, b);
            }
            let whole = t.elapsed().as_secs_f64() * 1e6 / n as f64;
            // Translation only, many functions in one module.
            let mut m = JITModule::new(JITBuilder::with_isa(isa.clone(), default_libcall_names()));
            let t = Instant::now();
            for _ in 0..n {
                tr.translate_block(&mut m, b, 0x8000_0000, None).unwrap();
            }
            let tr_only = t.elapsed().as_secs_f64() * 1e6 / n as f64;
            if std::env::var_os("PASSES").is_some() {
                println!(
                    "{opt} {name}:\n{}",
                    cranelift_codegen::timing::take_current()
                );
            }
            if std::env::var_os("SHOW_IR").is_some() {
                println!("{}", tr.last_ir());
            }
            let t = Instant::now();
            m.finalize_definitions().unwrap();
            let fin = t.elapsed().as_secs_f64() * 1e6;
            println!(
                "{opt:18} {name:6} whole batch of 1: {whole:7.1} us   translate+codegen: {tr_only:7.1} us   finalize {n}: {fin:7.1} us"
            );
        }
    }
}
