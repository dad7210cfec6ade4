//! Show the Cranelift IR and the host code of one translated block.
//! `cargo run --release -p emu-jit --example dump_block -- 00064783 0084559b ...`
//! (instruction words in hex, 16-bit compressed ones as 4 hex digits;
//! `OPT=speed` compiles at Cranelift's `speed` level instead of `none`).

use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::default_libcall_names;
use emu_core::decode::decode;
use emu_jit::translate::Translator;
use emu_jit::worker::host_isa;

fn main() {
    let insns: Vec<_> = std::env::args()
        .skip(1)
        .map(|w| match u32::from_str_radix(&w, 16) {
            Ok(v) => decode(v),
            Err(e) => {
                eprintln!("dump_block: '{w}' is not a hex instruction word: {e}");
                std::process::exit(2)
            }
        })
        .collect();
    if insns.is_empty() {
        eprintln!("dump_block: give the block's instruction words in hex");
        std::process::exit(2)
    }
    let isa = match host_isa(&std::env::var("OPT").unwrap_or("none".into())) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("dump_block: {e}");
            std::process::exit(1)
        }
    };
    let mut m = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let mut tr = Translator::new();
    tr.set_disasm(true);
    if let Err(e) = tr.translate_block(&mut m, &insns, 0x8000_0000, None) {
        eprintln!("dump_block: {e}");
        std::process::exit(1)
    }
    println!("{}", tr.last_ir());
    println!("{}", tr.last_disasm().unwrap_or_default());
}
