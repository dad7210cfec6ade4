//! The JIT engine on the project's own guest tests, through the `emu`
//! binary: as users run it, with every block compiled before it first runs,
//! and in lockstep with the interpreter.

use std::process::Command;
use tests::{emu_binary, firmware_tests, run_firmware_tests};

fn run_all(extra: &[&str]) {
    let mut args = vec!["--engine", "jit", "--jit-stats"];
    args.extend_from_slice(extra);
    let stderr = run_firmware_tests(&args);
    assert!(stderr.contains("jit: translations installed"), "{stderr}");
}

#[test]
fn firmware_tests_pass_under_the_jit() {
    run_all(&[]);
}

#[test]
fn firmware_tests_pass_with_every_block_translated() {
    run_all(&["--jit-threshold", "0", "--jit-sync"]);
}

#[test]
fn firmware_tests_pass_in_lockstep() {
    run_all(&["--jit-threshold", "1", "--jit-sync", "--lockstep"]);
}

#[test]
fn lockstep_needs_the_jit() {
    let files = firmware_tests();
    let out = Command::new(emu_binary())
        .args(["test", "--engine", "interp", "--lockstep"])
        .arg(&files[0])
        .output()
        .expect("run emu test");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("need --engine jit"));
}

/// Debian's kernel boots to its test script and powers off under the JIT.
#[test]
fn debian_kernel_boots_under_the_jit() {
    let g = tests::guest();
    let dir = tests::scratch_dir("boot-jit");
    let disk = dir.join("disk.ext4");
    std::fs::copy(&g.disk, &disk).unwrap();
    let out = g
        .run_command(&disk)
        .args([
            "--engine",
            "jit",
            "--jit-stats",
            "--max-insns",
            "20000000000",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run emu");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("EMU-TEST-DONE"), "{stdout}");
    assert!(stdout.contains("test.sh exit status 0"), "{stdout}");
    assert!(stdout.contains("reboot: Power down"), "{stdout}");
    assert!(stderr.contains("jit: translations installed"), "{stderr}");
    assert_eq!(
        tests::debugfs_cat(&disk, "/written-by-guest.txt").trim(),
        "EMU-GUEST-WROTE-THIS-LINE"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The first million instructions of the boot (OpenSBI) in lockstep with
/// the interpreter.
#[test]
fn boot_prefix_in_lockstep() {
    let g = tests::guest();
    let dir = tests::scratch_dir("boot-lockstep");
    let disk = dir.join("disk.ext4");
    std::fs::copy(&g.disk, &disk).unwrap();
    let out = g
        .run_command(&disk)
        .args(["--engine", "jit", "--lockstep", "--jit-stats"])
        .args(["--jit-threshold", "2", "--jit-sync", "--icount", "10"])
        .args(["--max-insns", "1000000"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run emu");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Exit status 12: the instruction limit, reached without divergence.
    assert_eq!(out.status.code(), Some(12), "{stderr}");
    assert!(!stderr.contains("divergence"), "{stderr}");
    assert!(stderr.contains("blocks compared"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}
