//! Show the Cranelift IR and the host code of one translated block, or of
//! a region of several blocks.
//! `cargo run --release -p emu-jit --example dump_block -- 00064783 0084559b ...`
//! (instruction words in hex, 16-bit compressed ones as 4 hex digits).
//! A region: `@ADDR` (hex) starts a block at that guest address, e.g.
//! `@106e6 0785 00f50c63 @106ec ...`; all blocks must lie in one page,
//! and the first block's address is the entry.
//! `OPT=speed` compiles at Cranelift's `speed` level instead of `none`.
//! The translation gets link slots, as the engine's do (`LINKS=0`: none,
//! every exit through the jump cache).
//! `CODE=FILE` also writes the final machine code to FILE (for
//! `objdump -D -b binary -m i386:x86-64 FILE`: the listing above is
//! Cranelift's, before branches are resolved and empty blocks dropped).

use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::default_libcall_names;
use emu_core::decode::decode;
use emu_jit::translate::Translator;
use emu_jit::worker::host_isa;

fn fail(msg: String) -> ! {
    eprintln!("dump_block: {msg}");
    std::process::exit(2)
}

fn main() {
    let mut insns = Vec::new();
    let mut blocks: Vec<(u64, usize)> = Vec::new();
    for w in std::env::args().skip(1) {
        if let Some(a) = w.strip_prefix('@') {
            match u64::from_str_radix(a, 16) {
                Ok(pa) => blocks.push((pa, 0)),
                Err(e) => fail(format!("'{w}' is not a hex address: {e}")),
            }
            continue;
        }
        match u32::from_str_radix(&w, 16) {
            Ok(v) => insns.push(decode(v)),
            Err(e) => fail(format!("'{w}' is not a hex instruction word: {e}")),
        }
        match blocks.last_mut() {
            Some(b) => b.1 += 1,
            None => blocks.push((0x8000_0000, 1)),
        }
    }
    if insns.is_empty() {
        fail("give the block's instruction words in hex".into())
    }
    let isa = match host_isa(&std::env::var("OPT").unwrap_or("none".into())) {
        Ok(i) => i,
        Err(e) => fail(e),
    };
    let mut m = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
    let mut tr = Translator::new();
    tr.set_disasm(true);
    // Overlapping blocks are cut as the engine cuts them.
    let (insns, blocks) = emu_jit::translate::cut_at_heads(&insns, &blocks);
    let mut links = emu_jit::helpers::new_links(blocks.len());
    let links = (std::env::var("LINKS").as_deref() != Ok("0")).then_some(&mut links[..]);
    if let Err(e) = tr.translate(&mut m, &insns, &blocks, None, links) {
        fail(e)
    }
    println!("{}", tr.last_ir());
    println!("{}", tr.last_disasm().unwrap_or_default());
    if let Ok(path) = std::env::var("CODE") {
        if let Err(e) = std::fs::write(&path, tr.last_code()) {
            fail(format!("cannot write {path}: {e}"))
        }
    }
}
