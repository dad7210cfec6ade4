//! `emu run`: boot a kernel on the `virt` board with the console on stdio.

use crate::console::{spawn_stdin_reader, RawGuard};
use crate::{parse_size, EngineKind};
use clap::Args;
use emu_core::machine::{stop, Clock, StopReason};
use emu_devices::board::{self, BiosChoice, BoardConfig, DriveConfig};
use emu_jit::{DivergenceSlot, JitConfig, JitEngine, JitStats};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Exit status when the guest asked for a reboot.
pub const EXIT_REBOOT: u8 = 10;
/// Exit status when the guest reported a failure through the test device.
pub const EXIT_GUEST_FAIL: u8 = 11;
/// Exit status when `--max-insns` ran out.
pub const EXIT_LIMIT: u8 = 12;
/// Exit status when the emulator stopped on SIGTERM/SIGINT/SIGHUP.
pub const EXIT_SIGNAL: u8 = 13;

/// Arguments of `emu run`.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Firmware (OpenSBI fw_dynamic, ELF or raw binary), or `none` to run
    /// the kernel directly in M-mode.
    #[arg(long)]
    pub bios: String,
    /// Kernel: a RISC-V Linux `Image` (loaded at RAM + 2 MiB) or an ELF.
    #[arg(long)]
    pub kernel: Option<PathBuf>,
    /// Initial ramdisk.
    #[arg(long)]
    pub initrd: Option<PathBuf>,
    /// Kernel command line.
    #[arg(long, default_value = "")]
    pub append: String,
    /// A raw disk image for virtio-blk: `FILE` or `FILE,readonly`. Repeat
    /// for more disks (the first is /dev/vda).
    #[arg(long = "drive")]
    pub drives: Vec<String>,
    /// Guest RAM size (K, M or G suffix).
    #[arg(long, default_value = "512M", value_parser = parse_size)]
    pub mem: u64,
    /// Number of harts.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=8))]
    pub smp: u16,
    /// Execution engine.
    #[arg(long, value_enum, default_value = "interp")]
    pub engine: EngineKind,
    /// Deterministic clock: mtime advances one tick per N retired
    /// instructions instead of following the host clock.
    #[arg(long, value_name = "N")]
    pub icount: Option<u64>,
    /// Write the generated device tree to FILE.
    #[arg(long, value_name = "FILE")]
    pub dump_dtb: Option<PathBuf>,
    /// Stop after this many instructions (exit status 12).
    #[arg(long)]
    pub max_insns: Option<u64>,
    /// Print instructions retired, wall time and speed on exit.
    #[arg(long)]
    pub stats: bool,
    /// JIT options.
    #[command(flatten)]
    pub jit: JitArgs,
}

/// Options of the JIT engine (`--engine jit`).
#[derive(Args, Debug, Clone)]
pub struct JitArgs {
    /// Run the interpreter side by side on a shadow hart and stop at the
    /// first divergence (needs --engine jit).
    #[arg(long)]
    pub lockstep: bool,
    /// Print JIT statistics on exit.
    #[arg(long)]
    pub jit_stats: bool,
    /// Block executions before a block is compiled (0: compile every block
    /// when first seen; with --jit-sync before it first runs).
    #[arg(long, value_name = "N", default_value_t = emu_jit::engine::DEFAULT_THRESHOLD)]
    pub jit_threshold: u32,
    /// Wait for every compile batch instead of running on in the
    /// interpreter (deterministic; for tests).
    #[arg(long)]
    pub jit_sync: bool,
    /// Cranelift optimization level of translations.
    #[arg(long, value_name = "LEVEL", default_value = "none", value_parser = ["none", "speed", "speed_and_size"])]
    pub jit_opt: String,
    /// Translate hot loops as one unit (a block with the blocks of its
    /// page that lead back to it, the back edges inside the code): "on"
    /// or "off" (one block per translation).
    #[arg(long, value_name = "on|off", default_value = "on", value_parser = ["on", "off"])]
    pub jit_regions: String,
    /// Write /tmp/perf-PID.map for `perf` (translations named by guest
    /// physical address).
    #[arg(long)]
    pub jit_perf_map: bool,
}

impl Default for JitArgs {
    fn default() -> Self {
        JitArgs {
            lockstep: false,
            jit_stats: false,
            jit_threshold: emu_jit::engine::DEFAULT_THRESHOLD,
            jit_sync: false,
            jit_opt: "none".into(),
            jit_regions: "on".into(),
            jit_perf_map: false,
        }
    }
}

impl JitArgs {
    /// Check the options against the engine choice.
    pub fn check(&self, engine: EngineKind) -> Result<(), String> {
        if engine != EngineKind::Jit && (self.lockstep || self.jit_stats || self.jit_sync) {
            return Err("--lockstep, --jit-stats and --jit-sync need --engine jit".into());
        }
        Ok(())
    }

    /// Build the JIT engine. `stop` is the machine's stop flag (a lockstep
    /// divergence stops the machine through it).
    pub fn engine(
        &self,
        stop: Arc<AtomicU64>,
        sink: Arc<Mutex<JitStats>>,
    ) -> Result<(JitEngine, Option<DivergenceSlot>), String> {
        let cfg = JitConfig {
            threshold: self.jit_threshold,
            sync: self.jit_sync,
            lockstep: self.lockstep,
            opt_level: self.jit_opt.clone(),
            regions: self.jit_regions == "on",
            perf_map: self.jit_perf_map,
            ..JitConfig::default()
        };
        let mut e = JitEngine::new(cfg)?;
        e.set_stop_flag(stop, stop::FAIL);
        e.set_stats_sink(sink);
        let slot = e.divergence_slot();
        Ok((e, slot))
    }
}

fn parse_drive(s: &str) -> Result<DriveConfig, String> {
    let mut parts = s.split(',');
    let path = parts
        .next()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| format!("--drive '{s}': expected FILE or FILE,readonly"))?;
    let mut read_only = false;
    for opt in parts {
        match opt {
            "readonly" | "readonly=on" | "ro" => read_only = true,
            "readonly=off" | "rw" => read_only = false,
            other => {
                return Err(format!(
                    "--drive '{s}': unknown option '{other}' (only 'readonly' is supported)"
                ))
            }
        }
    }
    Ok(DriveConfig {
        path: PathBuf::from(path),
        read_only,
    })
}

/// Run `emu run`.
pub fn run(args: RunArgs) -> Result<ExitCode, String> {
    args.jit.check(args.engine)?;
    let bios = match args.bios.as_str() {
        "none" => BiosChoice::None,
        path => BiosChoice::File(PathBuf::from(path)),
    };
    if matches!(bios, BiosChoice::None) && args.kernel.is_none() {
        return Err("--bios none needs a --kernel to run".into());
    }
    let drives = args
        .drives
        .iter()
        .map(|d| parse_drive(d))
        .collect::<Result<Vec<_>, _>>()?;
    let cfg = BoardConfig {
        harts: args.smp as usize,
        ram_size: args.mem,
        bios,
        kernel: args.kernel.clone(),
        initrd: args.initrd.clone(),
        append: args.append.clone(),
        drives,
        clock: match args.icount {
            Some(n) => Clock::Deterministic {
                insns_per_tick: n.max(1),
            },
            None => Clock::Host,
        },
        console: Box::new(std::io::stdout()),
    };
    let mut b = board::build(cfg).map_err(|e| e.to_string())?;
    let jit_stats = Arc::new(Mutex::new(JitStats::default()));
    let mut divergence = None;
    if args.engine == EngineKind::Jit {
        let (e, slot) = args.jit.engine(b.machine.stop_flag(), jit_stats.clone())?;
        b.machine.set_engine(Box::new(e));
        divergence = slot;
    }
    if let Some(path) = &args.dump_dtb {
        std::fs::write(path, &b.dtb)
            .map_err(|e| format!("cannot write the device tree to {}: {e}", path.display()))?;
    }

    // Signals stop the machine cleanly (disks flushed, terminal restored).
    let signalled = Arc::new(AtomicUsize::new(0));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register_usize(sig, signalled.clone(), sig as usize)
            .map_err(|e| format!("cannot install a signal handler: {e}"))?;
    }

    let _raw = RawGuard::new();
    let input = b.uart_input.clone();
    spawn_stdin_reader(
        move |bytes| input.push(bytes),
        b.machine.stop_flag(),
        stop::QUIT,
    );

    let started = std::time::Instant::now();
    const CHUNK: u64 = 50_000_000;
    let mut left = args.max_insns.unwrap_or(u64::MAX);
    let reason = loop {
        let r = b.machine.run(CHUNK.min(left));
        if signalled.load(Ordering::Relaxed) != 0 {
            break None;
        }
        match r {
            StopReason::InsnLimit => {
                left = left.saturating_sub(CHUNK);
                if left == 0 {
                    break Some(r);
                }
            }
            other => break Some(other),
        }
    };
    b.machine.flush_devices();
    drop(_raw);
    // Dropping the engine stops its compile thread and merges its counters.
    b.machine
        .set_engine(Box::new(emu_core::engine::Interpreter));
    if args.jit.jit_stats {
        if let Ok(s) = jit_stats.lock() {
            eprint!("{s}");
        }
    }
    if let Some(report) = divergence.as_ref().and_then(|d| d.lock().ok()?.clone()) {
        eprintln!("emu: lockstep found a divergence (reported above)");
        let _ = report;
        return Ok(ExitCode::from(EXIT_GUEST_FAIL));
    }
    if args.stats {
        let secs = started.elapsed().as_secs_f64();
        let n = b.machine.total_insns;
        let decoded: u64 = b.machine.harts.iter().map(|h| h.blocks.decoded).sum();
        eprintln!(
            "emu: {n} instructions in {secs:.2} s ({:.1} M/s), {decoded} blocks decoded",
            n as f64 / secs / 1e6
        );
    }
    Ok(match reason {
        None => {
            eprintln!("\r\nemu: stopped by signal");
            ExitCode::from(EXIT_SIGNAL)
        }
        Some(StopReason::Device(code)) => match code & 0xffff {
            stop::POWEROFF | stop::QUIT => ExitCode::SUCCESS,
            stop::REBOOT => ExitCode::from(EXIT_REBOOT),
            _ => {
                eprintln!("emu: the guest reported failure code {}", code >> 16);
                ExitCode::from(EXIT_GUEST_FAIL)
            }
        },
        Some(StopReason::InsnLimit) => {
            eprintln!("\r\nemu: instruction limit reached");
            ExitCode::from(EXIT_LIMIT)
        }
        Some(StopReason::HtifExit(code)) => ExitCode::from(code.min(255) as u8),
        Some(StopReason::TrapLoop { hart, epc, trap }) => {
            eprintln!("\r\nemu: hart {hart} is stuck trapping: {trap} at pc {epc:#x}");
            ExitCode::from(EXIT_GUEST_FAIL)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drive_syntax() {
        let d = parse_drive("disk.img").unwrap();
        assert!(!d.read_only);
        let d = parse_drive("disk.img,readonly").unwrap();
        assert!(d.read_only);
        assert!(parse_drive("disk.img,cache=none").is_err());
        assert!(parse_drive("").is_err());
    }
}
