//! Helpers for the whole-program integration tests: where the repository,
//! the built `emu` binary and the built guest programs are.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The `target` directory in use.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Path of the `emu` binary, building it (release) if needed.
pub fn emu_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("EMU_BIN") {
        return PathBuf::from(p);
    }
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "-q", "-p", "emu-cli"])
        .current_dir(repo_root())
        .status()
        .expect("run cargo build");
    assert!(status.success(), "building the emu binary failed");
    target_dir().join("release").join("emu")
}

/// Build the project's own bare-metal guest tests (idempotent) and list
/// the resulting ELF files.
pub fn firmware_tests() -> Vec<PathBuf> {
    let out = target_dir().join("firmware").join("tests");
    let status = Command::new("bash")
        .arg(repo_root().join("firmware/build-tests.sh"))
        .arg(&out)
        .current_dir(repo_root())
        .status()
        .expect("run firmware/build-tests.sh");
    assert!(
        status.success(),
        "firmware/build-tests.sh failed (is gcc-riscv64-unknown-elf installed? scripts/setup-toolchain.sh installs it)"
    );
    let mut v: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("firmware test output directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "elf"))
        .collect();
    v.sort();
    v
}
