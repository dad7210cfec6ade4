//! The JIT engine on the project's own guest tests, through the `emu`
//! binary: as users run it, with every block compiled before it first runs,
//! and in lockstep with the interpreter.

use std::process::Command;
use tests::{emu_binary, firmware_tests};

fn run_all(extra: &[&str]) {
    let files = firmware_tests();
    assert!(
        files.len() >= 5,
        "expected the guest tests to be built, found {files:?}"
    );
    let out = Command::new(emu_binary())
        .arg("test")
        .args(["--engine", "jit", "--jit-stats"])
        .args(extra)
        .args(&files)
        .output()
        .expect("run emu test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        assert!(
            stdout.lines().any(|l| l == format!("PASS {name}")),
            "{name} did not pass with {extra:?}:\n{stdout}\n{stderr}"
        );
    }
    assert!(
        stdout.contains(&format!("{} passed, 0 failed", files.len())),
        "{stdout}"
    );
    assert!(stderr.contains("jit: translations installed"), "{stderr}");
    assert!(out.status.success());
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
