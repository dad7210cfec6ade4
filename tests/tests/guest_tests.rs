//! The project's own self-checking guest tests, run through `emu test`.

use std::process::Command;
use tests::{emu_binary, run_firmware_tests};

#[test]
fn firmware_tests_pass_under_the_interpreter() {
    run_firmware_tests(&["--engine", "interp"]);
}

#[test]
fn bad_inputs_get_one_line_errors() {
    let dir = std::env::temp_dir().join(format!("emu-badinputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let not_elf = dir.join("not-elf");
    std::fs::write(&not_elf, b"hello, this is text").unwrap();
    let missing = dir.join("missing.elf");
    let out = Command::new(emu_binary())
        .arg("test")
        .arg(&not_elf)
        .arg(&missing)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("FAIL not-elf: not an ELF file"), "{stdout}");
    assert!(
        stdout.contains("FAIL missing.elf: cannot read file"),
        "{stdout}"
    );
    assert!(stdout.contains("0 passed, 2 failed"), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    // A RISC-V ELF without tohost: use the host's own binary? It is not
    // RISC-V, which must be reported as such.
    let host = emu_binary();
    let out = Command::new(emu_binary())
        .arg("test")
        .arg(&host)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("not a 64-bit RISC-V ELF"), "{stdout}");
    // Unknown engine: a usage error, not a panic.
    let out = Command::new(emu_binary())
        .args(["test", "--engine", "fast"])
        .arg(&not_elf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    std::fs::remove_dir_all(&dir).ok();
}
