//! `emu boot`: build (on first use) and boot the default Debian guest.

use crate::run_cmd::{self, RunArgs};
use crate::EngineKind;
use clap::Args;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

/// Arguments of `emu boot`.
#[derive(Args, Debug)]
pub struct BootArgs {
    /// Where the guest's packages and images are kept.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Execution engine.
    #[arg(long, value_enum, default_value = "interp")]
    engine: EngineKind,
    /// Guest RAM size.
    #[arg(long, default_value = "512M")]
    mem: String,
    /// Number of harts.
    #[arg(long, default_value_t = 1)]
    smp: u16,
    /// Extra kernel command-line arguments.
    #[arg(long, default_value = "")]
    append: String,
}

/// The repository's guest build script (the binary runs from a checkout).
fn build_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../firmware/guest/build-guest.sh")
}

/// Default cache directory, as the build script computes it.
pub fn default_cache() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(x).join("emu-guest");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/tmp".into());
    PathBuf::from(home).join(".cache/emu-guest")
}

/// Run `emu boot`.
pub fn run(args: BootArgs) -> Result<ExitCode, String> {
    let cache = args.cache.clone().unwrap_or_else(default_cache);
    let script = build_script();
    if !script.exists() {
        return Err(format!(
            "the guest build script {} is missing; run emu from a checkout of the project",
            script.display()
        ));
    }
    let status = Command::new("bash")
        .arg(&script)
        .arg(&cache)
        .stdout(std::process::Stdio::from(std::io::stderr()))
        .status()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !status.success() {
        return Err(format!(
            "building the default guest failed ({}); see the messages above",
            script.display()
        ));
    }
    let mem = crate::parse_size(&args.mem)?;
    let mut append = "console=ttyS0".to_string();
    if !args.append.is_empty() {
        append.push(' ');
        append.push_str(&args.append);
    }
    run_cmd::run(RunArgs {
        bios: cache.join("fw_dynamic.bin").display().to_string(),
        kernel: Some(cache.join("Image")),
        initrd: Some(cache.join("initramfs.cpio.gz")),
        append,
        drives: vec![cache.join("disk.ext4").display().to_string()],
        mem,
        smp: args.smp,
        engine: args.engine,
        jit: Default::default(),
        icount: None,
        dump_dtb: None,
        max_insns: None,
        stats: false,
    })
}
