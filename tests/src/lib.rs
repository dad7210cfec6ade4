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

/// The default Debian guest's files, built (on first use) by
/// `firmware/guest/build-guest.sh` into its cache.
#[derive(Debug, Clone)]
pub struct Guest {
    /// OpenSBI fw_dynamic.
    pub bios: PathBuf,
    /// Kernel Image.
    pub kernel: PathBuf,
    /// Initramfs.
    pub initrd: PathBuf,
    /// Pristine disk image (copy it before booting).
    pub disk: PathBuf,
}

impl Guest {
    /// `emu run` of this guest from `disk` with the test command line
    /// (`console=ttyS0 emu.test=1`) and 512 MiB; callers add the engine
    /// and other flags.
    pub fn run_command(&self, disk: &std::path::Path) -> std::process::Command {
        let mut c = std::process::Command::new(emu_binary());
        c.arg("run")
            .arg("--bios")
            .arg(&self.bios)
            .arg("--kernel")
            .arg(&self.kernel)
            .arg("--initrd")
            .arg(&self.initrd)
            .args(["--append", "console=ttyS0 emu.test=1"])
            .arg("--drive")
            .arg(disk)
            .args(["--mem", "512M"]);
        c
    }
}

/// Build (if needed) and locate the default guest.
pub fn guest() -> Guest {
    let out = Command::new("bash")
        .arg(repo_root().join("scripts/fetch-guest.sh"))
        .current_dir(repo_root())
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("run scripts/fetch-guest.sh");
    assert!(out.status.success(), "scripts/fetch-guest.sh failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |name: &str| -> PathBuf {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .map(PathBuf::from)
            .unwrap_or_else(|| panic!("fetch-guest.sh did not report {name}:\n{text}"))
    };
    Guest {
        bios: get("fw_dynamic.bin"),
        kernel: get("Image"),
        initrd: get("initramfs.cpio.gz"),
        disk: get("disk.ext4"),
    }
}

/// A fresh scratch directory for one test.
pub fn scratch_dir(name: &str) -> PathBuf {
    let d = target_dir()
        .join("test-scratch")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

/// Read a file out of an ext4 image with `debugfs` (no journal replay).
pub fn debugfs_cat(image: &Path, file: &str) -> String {
    let out = Command::new("debugfs")
        .arg("-R")
        .arg(format!("cat {file}"))
        .arg(image)
        .output()
        .expect("run debugfs (package e2fsprogs)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Run every built firmware test through `emu test` with `args` (engine
/// flags), assert that each one passes, and return `emu`'s stderr.
pub fn run_firmware_tests(args: &[&str]) -> String {
    let files = firmware_tests();
    assert!(
        files.len() >= 5,
        "expected the guest tests to be built, found {files:?}"
    );
    let out = Command::new(emu_binary())
        .arg("test")
        .args(args)
        .args(&files)
        .output()
        .expect("run emu test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        assert!(
            stdout.lines().any(|l| l == format!("PASS {name}")),
            "{name} did not pass with {args:?}:\n{stdout}\n{stderr}"
        );
    }
    assert!(
        stdout.contains(&format!("{} passed, 0 failed", files.len())),
        "{stdout}"
    );
    assert!(out.status.success());
    stderr
}
