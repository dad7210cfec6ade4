//! Running one measured process: wall time, peak RSS, exit status, a
//! timeout, and its console output kept in a log file. Also: finding and
//! (as root, through apt-get) installing the host tools the comparison needs.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How one measured process ended.
#[derive(Debug)]
pub struct Outcome {
    /// Wall time from spawn to exit.
    pub wall_s: f64,
    /// Peak resident set size in MiB, if it could be measured.
    pub peak_rss_mb: Option<f64>,
    /// Exit status (`None` if killed by a signal).
    pub exit: Option<i32>,
    /// Whether it was killed for running past the timeout.
    pub timed_out: bool,
    /// What it printed on stdout (lossy UTF-8, `\r` removed).
    pub stdout: String,
}

/// Runs processes with `/usr/bin/time` (exact peak RSS) when there is one,
/// otherwise polls `/proc/PID/status` for `VmHWM`.
#[derive(Debug)]
pub struct Runner {
    time_bin: Option<PathBuf>,
}

impl Runner {
    /// A runner using GNU time at `time_bin`, if given.
    pub fn new(time_bin: Option<PathBuf>) -> Self {
        Runner { time_bin }
    }

    /// Whether peak RSS comes from GNU time (exact) or from polling.
    pub fn rss_method(&self) -> &'static str {
        if self.time_bin.is_some() {
            "GNU time %M"
        } else {
            "VmHWM polled every 20 ms"
        }
    }

    /// Run `program args`, stdin from /dev/null, stdout into `log` and
    /// stderr into `log` with extension `.err`; kill it (its whole process
    /// group) after `timeout`.
    pub fn run(
        &self,
        program: &Path,
        args: &[OsString],
        log: &Path,
        timeout: Duration,
    ) -> io::Result<Outcome> {
        let rss_file = log.with_extension("rss");
        let _ = std::fs::remove_file(&rss_file);
        let mut cmd = match &self.time_bin {
            Some(t) => {
                let mut c = Command::new(t);
                c.args(["-f", "%M", "-o"]).arg(&rss_file).arg(program);
                c
            }
            None => Command::new(program),
        };
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(File::create(log)?)
            .stderr(File::create(log.with_extension("err"))?)
            .process_group(0);
        let start = Instant::now();
        let mut child = cmd.spawn().map_err(|e| {
            io::Error::new(e.kind(), format!("cannot start {}: {e}", program.display()))
        })?;
        let pid = child.id();
        let mut hwm_kb: Option<u64> = None;
        let mut timed_out = false;
        let status = loop {
            if let Some(st) = child.try_wait()? {
                break st;
            }
            if self.time_bin.is_none() {
                if let Some(kb) = vm_hwm_kb(pid) {
                    hwm_kb = Some(hwm_kb.map_or(kb, |h| h.max(kb)));
                }
            }
            if start.elapsed() > timeout {
                timed_out = true;
                kill_group(pid);
                break child.wait()?;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let wall_s = start.elapsed().as_secs_f64();
        let peak_kb = match &self.time_bin {
            Some(_) => read_time_rss(&rss_file),
            None => hwm_kb,
        };
        let stdout = String::from_utf8_lossy(&std::fs::read(log)?).replace('\r', "");
        Ok(Outcome {
            wall_s,
            peak_rss_mb: peak_kb.map(|kb| kb as f64 / 1024.0),
            exit: status.code(),
            timed_out,
            stdout,
        })
    }
}

/// `VmHWM` (peak RSS, KiB) of a live process.
fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The `%M` figure GNU time wrote (its last line; a line saying the
/// command exited non-zero may come first).
fn read_time_rss(path: &Path) -> Option<u64> {
    let s = std::fs::read_to_string(path).ok()?;
    s.lines().rev().find_map(|l| l.trim().parse().ok())
}

fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
}

/// `cmd` on `PATH` (or `cmd` itself when it contains a slash).
pub fn which(cmd: &str) -> Option<PathBuf> {
    if cmd.contains('/') {
        let p = PathBuf::from(cmd);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(cmd))
        .find(|p| p.is_file())
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// Make sure `cmd` exists, installing Debian package `package` with
/// apt-get (as root, or through sudo) when it does not. Returns its path.
pub fn ensure_tool(cmd: &str, package: &str) -> Result<PathBuf, String> {
    if let Some(p) = which(cmd) {
        return Ok(p);
    }
    let prefix: Vec<&str> = if is_root() {
        vec![]
    } else if which("sudo").is_some() {
        vec!["sudo"]
    } else {
        return Err(format!(
            "{cmd} not found; install the Debian package {package} (needs root)"
        ));
    };
    eprintln!("compare: {cmd} not found; installing the Debian package {package}");
    let apt = |args: &[&str]| -> bool {
        let mut c = Command::new(prefix.first().copied().unwrap_or("env"));
        if !prefix.is_empty() {
            c.arg("env");
        }
        c.arg("DEBIAN_FRONTEND=noninteractive")
            .arg("apt-get")
            .args(args)
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    if !apt(&["install", "-y", "-q", package]) {
        // The package lists may be missing or stale.
        let _ = apt(&["update", "-q"]);
        if !apt(&["install", "-y", "-q", package]) {
            return Err(format!("installing {package} with apt-get failed"));
        }
    }
    which(cmd).ok_or_else(|| format!("{package} is installed but {cmd} is still not found"))
}
