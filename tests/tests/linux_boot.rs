//! Whole-system tests: Debian's stock riscv64 kernel on Debian's OpenSBI,
//! with our initramfs and an ext4 disk on virtio-blk.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tests::{debugfs_cat, guest, scratch_dir, Guest};

const BOOT_TIMEOUT: Duration = Duration::from_secs(900);

fn emu_run(g: &Guest, disk: &Path, engine: &str, stdin: Stdio) -> Child {
    g.run_command(disk)
        .args(["--engine", engine])
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start emu run")
}

/// Collect a child's stdout lines on a channel.
fn lines_of(child: &mut Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().expect("piped stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Wait for a line containing `needle`; returns everything read so far.
fn wait_for(rx: &mpsc::Receiver<String>, needle: &str, log: &mut String) -> bool {
    let deadline = Instant::now() + BOOT_TIMEOUT;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                log.push_str(&line);
                log.push('\n');
                if line.contains(needle) {
                    return true;
                }
            }
            Err(_) => return false,
        }
    }
    false
}

fn wait_exit(child: &mut Child) -> Option<i32> {
    let deadline = Instant::now() + BOOT_TIMEOUT;
    loop {
        if let Some(st) = child.try_wait().expect("wait for emu") {
            return st.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn debian_kernel_boots_reads_and_writes_the_disk_interp() {
    let g = guest();
    let dir = scratch_dir("boot-interp");
    let disk = dir.join("disk.ext4");
    std::fs::copy(&g.disk, &disk).unwrap();
    let mut child = emu_run(&g, &disk, "interp", Stdio::null());
    let rx = lines_of(&mut child);
    let mut log = String::new();
    let done = wait_for(&rx, "EMU-TEST-DONE", &mut log);
    let code = wait_exit(&mut child);
    while let Ok(l) = rx.try_recv() {
        log.push_str(&l);
        log.push('\n');
    }
    assert!(done, "the guest never finished its test:\n{log}");
    assert_eq!(code, Some(0), "emu did not exit 0 on poweroff:\n{log}");
    assert!(log.contains("OpenSBI v"), "{log}");
    assert!(log.contains("Linux version"), "{log}");
    assert!(
        log.contains("Hello from the emulator's guest disk"),
        "{log}"
    );
    assert!(log.contains("test.sh exit status 0"), "{log}");
    assert!(log.contains("reboot: Power down"), "{log}");
    assert_eq!(
        debugfs_cat(&disk, "/written-by-guest.txt").trim(),
        "EMU-GUEST-WROTE-THIS-LINE"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A disk whose test script writes a file, syncs, says so, and then waits
/// forever, so the host can stop the emulator at that point.
fn holding_disk(dir: &Path) -> std::path::PathBuf {
    let content = dir.join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        content.join("test.sh"),
        "#!/bin/sh\necho flushed-line > /mnt/flushed.txt\nsync\necho EMU-READY-FOR-STOP\nwhile :; do sleep 1; done\n",
    )
    .unwrap();
    let disk = dir.join("disk.ext4");
    let st = Command::new("mke2fs")
        .args(["-q", "-F", "-t", "ext4", "-d"])
        .arg(&content)
        .arg(&disk)
        .arg("32M")
        .status()
        .expect("run mke2fs (package e2fsprogs)");
    assert!(st.success());
    disk
}

/// Replay the journal on a copy (as a mount would) and read the file.
fn flushed_file_after_recovery(disk: &Path) -> String {
    let copy = disk.with_extension("recovered");
    std::fs::copy(disk, &copy).unwrap();
    let st = Command::new("e2fsck")
        .args(["-f", "-y"])
        .arg(&copy)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run e2fsck");
    // 0: clean, 1: errors corrected (journal replayed); more is damage.
    assert!(matches!(st.code(), Some(0) | Some(1)), "e2fsck: {st:?}");
    debugfs_cat(&copy, "/flushed.txt")
}

fn stop_test(name: &str, stop: impl FnOnce(&mut Child), expect_code: i32) {
    let g = guest();
    let dir = scratch_dir(name);
    let disk = holding_disk(&dir);
    let mut child = emu_run(&g, &disk, "interp", Stdio::piped());
    let rx = lines_of(&mut child);
    let mut log = String::new();
    let ready = wait_for(&rx, "EMU-READY-FOR-STOP", &mut log);
    if !ready {
        let _ = child.kill();
    }
    assert!(ready, "the guest never got ready:\n{log}");
    stop(&mut child);
    let code = wait_exit(&mut child);
    assert_eq!(code, Some(expect_code), "{log}");
    assert_eq!(flushed_file_after_recovery(&disk).trim(), "flushed-line");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn ctrl_a_x_and_sigterm_keep_flushed_writes() {
    stop_test(
        "ctrl-a-x",
        |child| {
            let stdin = child.stdin.as_mut().expect("piped stdin");
            stdin.write_all(&[0x01, b'x']).unwrap();
            stdin.flush().unwrap();
        },
        0,
    );
    stop_test(
        "sigterm",
        |child| {
            let st = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .unwrap();
            assert!(st.success());
        },
        13,
    );
}
