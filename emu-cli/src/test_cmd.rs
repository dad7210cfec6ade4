//! `emu test`: run bare-metal test ELFs through HTIF.

use crate::run_cmd::JitArgs;
use crate::{parse_size, EngineKind};
use clap::Args;
use emu_core::elf::load_elf;
use emu_core::htif::Htif;
use emu_core::machine::{Clock, Machine, StopReason};
use emu_devices::clint::Clint;
use emu_devices::layout::{CLINT_BASE, CLINT_SIZE};
use emu_jit::JitStats;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

/// Arguments of `emu test`.
#[derive(Args, Debug)]
pub struct TestArgs {
    /// ELF files to run; each gets a fresh machine.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Execution engine.
    #[arg(long, value_enum, default_value = "interp")]
    engine: EngineKind,
    /// Stop a test after this many instructions.
    #[arg(long, default_value_t = 100_000_000)]
    max_insns: u64,
    /// Guest RAM size (K, M or G suffix).
    #[arg(long, default_value = "64M", value_parser = parse_size)]
    mem: u64,
    /// Echo the tests' HTIF console output.
    #[arg(long)]
    console: bool,
    /// JIT options.
    #[command(flatten)]
    jit: JitArgs,
}

enum Outcome {
    Pass,
    Fail(String),
}

pub fn run(args: TestArgs) -> Result<ExitCode, String> {
    args.jit.check(args.engine)?;
    let jit_stats = Arc::new(Mutex::new(JitStats::default()));
    let (mut passed, mut failed) = (0u32, 0u32);
    for path in &args.files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        match run_one(path, &args, &jit_stats) {
            Ok(Outcome::Pass) => {
                passed += 1;
                println!("PASS {name}");
            }
            Ok(Outcome::Fail(why)) => {
                failed += 1;
                println!("FAIL {name}: {why}");
            }
            Err(e) => {
                failed += 1;
                println!("FAIL {name}: {e}");
                eprintln!("emu: error: {}: {e}", path.display());
            }
        }
    }
    if args.jit.jit_stats {
        if let Ok(s) = jit_stats.lock() {
            eprint!("{s}");
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_one(
    path: &Path,
    args: &TestArgs,
    jit_stats: &Arc<Mutex<JitStats>>,
) -> Result<Outcome, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read file: {e}"))?;
    let mut m = Machine::new(1, args.mem, Clock::Deterministic { insns_per_tick: 10 })
        .map_err(|e| e.to_string())?;
    let elf = load_elf(&mut m.bus, &bytes).map_err(|e| e.to_string())?;
    let tohost = elf
        .tohost
        .ok_or("the ELF has no 'tohost' symbol, so it cannot report a result")?;
    let mut htif = Htif::new(tohost, elf.fromhost);
    htif.echo = args.console;
    m.htif = Some(htif);
    m.harts[0].pc = elf.entry;
    // A CLINT, as on the spike and virt boards, for timer and software
    // interrupt tests.
    let lines = m.harts.iter().map(|h| h.irq_lines.clone()).collect();
    let clint = Clint::new(lines, m.mtime.clone());
    m.bus
        .add(CLINT_BASE, CLINT_SIZE, Box::new(clint))
        .map_err(|e| e.to_string())?;
    let mut divergence = None;
    if args.engine == EngineKind::Jit {
        let (e, slot) = args.jit.engine(m.stop_flag(), jit_stats.clone())?;
        m.set_engine(Box::new(e));
        divergence = slot;
    }
    let reason = m.run(args.max_insns);
    // Dropping the engine stops its compile thread and merges its counters.
    m.set_engine(Box::new(emu_core::engine::Interpreter));
    if let Some(report) = divergence.as_ref().and_then(|d| d.lock().ok()?.clone()) {
        let first = report.lines().nth(1).unwrap_or("").trim().to_string();
        return Ok(Outcome::Fail(format!("lockstep divergence: {first}")));
    }
    Ok(match reason {
        StopReason::HtifExit(0) => Outcome::Pass,
        StopReason::HtifExit(n) => Outcome::Fail(format!("test {n} failed")),
        StopReason::InsnLimit => Outcome::Fail(format!(
            "timeout after {} instructions (pc {:#x})",
            args.max_insns, m.harts[0].pc
        )),
        StopReason::TrapLoop { epc, trap, .. } => {
            Outcome::Fail(format!("stuck trapping: {trap} at pc {epc:#x}"))
        }
        StopReason::Device(code) => Outcome::Fail(format!("stopped by a device (code {code})")),
    })
}
