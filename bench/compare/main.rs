//! `compare`: the side-by-side benchmark of this emulator against QEMU and
//! the host itself, in one run on one machine.
//!
//! ```text
//! cargo run --release -p bench --bin compare -- [--runs N] [--engines interp,jit]
//!     [--workloads a,b] [--scale PERMILLE] [--out DIR] [--reduced] [--no-qemu]
//! ```
//!
//! It builds the workload suite (`firmware/workloads`, static riscv64 and
//! native), makes two ext4 disks (one whose `test.sh` only echoes, one
//! whose `test.sh` runs the suite), boots the default Debian guest
//! (`scripts/fetch-guest.sh`) from each on `emu run --engine E` for every
//! engine and on `qemu-system-riscv64`, runs the native build on the host,
//! verifies every checksum against the native one, repeats all of it
//! `--runs` times, and writes `report.md`, `report.csv` and `chart.svg`
//! into `--out` (default `target/bench-report`). See `bench/README.md`.
//!
//! Exit status: 0 when everything that was measured is correct, 1 on a
//! wrong checksum, a failed or timed-out boot (other than an optional
//! target's first boot, which only makes it "n/a"), 2 on a setup error.

#![forbid(unsafe_code)]

mod measure;
mod report;
mod stats;
mod svg;

use clap::Parser;
use measure::{ensure_tool, which, Outcome, Runner};
use report::{Results, TargetResult};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

/// The workload suite: name (= source file and binary) and class, in the
/// order the guest runs them.
const WORKLOADS: &[(&str, &str)] = &[
    ("sort", "integer"),
    ("crc32", "integer"),
    ("strsearch", "integer"),
    ("dispatch", "integer"),
    ("ptrchase", "memory"),
    ("memcpy", "memory"),
    ("nbody", "floating point"),
    ("matmul", "floating point"),
    ("spectral", "floating point"),
    ("forkexec", "OS"),
    ("pipe", "OS"),
    ("mmap", "OS"),
    ("files", "OS"),
];

/// The workload of the reduced mode.
const REDUCED_WORKLOAD: &str = "crc32";
/// Scale of the reduced mode, per mille.
const REDUCED_SCALE: u32 = 10;
const QEMU: &str = "qemu-system-riscv64";
const APPEND: &str = "console=ttyS0 emu.test=1";
const MEM: &str = "512M";

/// Compare this emulator with QEMU and the host on boot time, peak RSS and
/// a guest workload suite; write target/bench-report/{report.md,report.csv,chart.svg}.
#[derive(Parser, Debug)]
#[command(name = "compare")]
struct Args {
    /// CI smoke mode: one workload, one repetition, the interpreter only,
    /// QEMU only if installed, tiny sizes (explicit options still apply).
    #[arg(long)]
    reduced: bool,
    /// Repetitions of every measurement (default 3; 1 when reduced).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100))]
    runs: Option<u32>,
    /// Emulator engines to measure (an engine that fails its first boot is
    /// reported as n/a). Default interp,jit; interp when reduced.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    engines: Option<Vec<String>>,
    /// Workloads to run (default: all; crc32 when reduced).
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    workloads: Option<Vec<String>>,
    /// Workload size in per mille of the full size (default 1000; 10 when
    /// reduced).
    #[arg(long, value_name = "PERMILLE", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    scale: Option<u32>,
    /// Output directory (default target/bench-report).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The emulator binary (default: build target/release/emu with cargo).
    #[arg(long, value_name = "PATH")]
    emu: Option<PathBuf>,
    /// Leave QEMU out.
    #[arg(long)]
    no_qemu: bool,
    /// Give up on one boot after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    timeout: u64,
}

/// A setup error: reported, exit status 2.
struct SetupError(String);

impl<E: std::fmt::Display> From<E> for SetupError {
    fn from(e: E) -> Self {
        SetupError(e.to_string())
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ has a parent")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Run a setup command; its stdout is returned, its stderr passed through.
fn run_setup(cmd: &mut Command, what: &str) -> Result<String, SetupError> {
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| SetupError(format!("{what}: {e}")))?;
    if !out.status.success() {
        return Err(SetupError(format!("{what} failed ({})", out.status)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The guest's files, from `scripts/fetch-guest.sh`.
struct Guest {
    bios: PathBuf,
    kernel: PathBuf,
    initrd: PathBuf,
}

fn fetch_guest(root: &Path) -> Result<Guest, SetupError> {
    let text = run_setup(
        Command::new("bash").arg(root.join("scripts/fetch-guest.sh")),
        "scripts/fetch-guest.sh",
    )?;
    let get = |name: &str| -> Result<PathBuf, SetupError> {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .map(PathBuf::from)
            .ok_or_else(|| SetupError(format!("fetch-guest.sh did not report {name}")))
    };
    Ok(Guest {
        bios: get("fw_dynamic.bin")?,
        kernel: get("Image")?,
        initrd: get("initramfs.cpio.gz")?,
    })
}

/// An ext4 image of `dir` (64 MiB, no root needed).
fn make_disk(dir: &Path, image: &Path) -> Result<(), SetupError> {
    run_setup(
        Command::new("mke2fs")
            .args(["-q", "-F", "-t", "ext4", "-d"])
            .arg(dir)
            .arg(image)
            .arg("64M")
            .stdout(Stdio::null()),
        "mke2fs",
    )?;
    Ok(())
}

fn write_executable(path: &Path, text: &str) -> Result<(), SetupError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

/// The guest script that runs the suite.
fn suite_script(workloads: &[(String, String)], scale: u32) -> String {
    let names: Vec<&str> = workloads.iter().map(|(n, _)| n.as_str()).collect();
    format!(
        "#!/bin/sh\n\
         # Generated by bench/compare: run the workload suite, one line each.\n\
         mkdir -p /mnt/wl-tmp\n\
         echo EMU-BENCH-BEGIN\n\
         for w in {}; do\n\
         \x20   /mnt/bin/$w {scale} /mnt/wl-tmp || echo \"WORKLOAD-FAILED name=$w status=$?\"\n\
         done\n\
         sync\n\
         echo EMU-BENCH-END\n",
        names.join(" ")
    )
}

const TRIVIAL_SCRIPT: &str =
    "#!/bin/sh\n# Generated by bench/compare: boot-to-poweroff timing.\necho EMU-BENCH-TRIVIAL\n";

/// One `WORKLOAD name=... checksum=... ns=...` line.
#[derive(Debug, Clone, PartialEq)]
struct WlLine {
    name: String,
    checksum: String,
    ns: u64,
}

fn parse_workload_lines(text: &str) -> Vec<WlLine> {
    text.lines()
        .filter_map(|l| {
            let rest = &l[l.find("WORKLOAD name=")?..];
            let mut name = None;
            let mut checksum = None;
            let mut ns = None;
            for kv in rest.split_whitespace().skip(1) {
                match kv.split_once('=') {
                    Some(("name", v)) => name = Some(v.to_string()),
                    Some(("checksum", v)) => checksum = Some(v.to_string()),
                    Some(("ns", v)) => ns = v.parse().ok(),
                    _ => {}
                }
            }
            Some(WlLine {
                name: name?,
                checksum: checksum?,
                ns: ns?,
            })
        })
        .collect()
}

/// Why a boot did not finish as it should, if it did not.
fn boot_problem(o: &Outcome, marker: &str, log: &Path, timeout: u64) -> Option<String> {
    let tail = || {
        let lines: Vec<&str> = o.stdout.lines().rev().take(3).collect();
        let t: Vec<&str> = lines.into_iter().rev().collect();
        t.join(" / ")
    };
    if o.timed_out {
        return Some(format!(
            "timed out after {timeout} s (log {})",
            log.display()
        ));
    }
    if o.exit != Some(0) {
        let err = std::fs::read_to_string(log.with_extension("err")).unwrap_or_default();
        let err = err
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with("Command exited"))
            .unwrap_or("");
        return Some(format!(
            "exit status {} {}(log {}; last output: {})",
            o.exit.map_or("none (signal)".into(), |c| c.to_string()),
            if err.is_empty() {
                String::new()
            } else {
                format!("'{err}' ")
            },
            log.display(),
            tail()
        ));
    }
    if !o.stdout.contains(marker) || !o.stdout.contains("test.sh exit status 0") {
        return Some(format!(
            "the guest did not finish its test.sh (log {}; last output: {})",
            log.display(),
            tail()
        ));
    }
    None
}

/// A guest target: an emulator engine or QEMU.
struct GuestTarget {
    result: TargetResult,
    /// Only "n/a" (not a failure) when its first boot fails.
    optional: bool,
    /// The program to run (the emulator or QEMU).
    program: PathBuf,
    /// QEMU's command line rather than `emu run`'s.
    is_qemu: bool,
    engine: String,
}

impl GuestTarget {
    fn args(&self, g: &Guest, disk: &Path) -> Vec<OsString> {
        let mut a: Vec<OsString> = Vec::new();
        let mut push = |s: &str| a.push(s.into());
        if self.is_qemu {
            for s in ["-machine", "virt", "-m", MEM, "-nographic", "-bios"] {
                push(s);
            }
            a.push(g.bios.clone().into());
            a.push("-kernel".into());
            a.push(g.kernel.clone().into());
            a.push("-initrd".into());
            a.push(g.initrd.clone().into());
            a.push("-append".into());
            a.push(APPEND.into());
            a.push("-drive".into());
            let mut d = OsString::from("file=");
            d.push(disk);
            d.push(",format=raw,if=none,id=d0");
            a.push(d);
            a.push("-device".into());
            a.push("virtio-blk-device,drive=d0".into());
        } else {
            for s in ["run", "--engine", &self.engine, "--bios"] {
                push(s);
            }
            a.push(g.bios.clone().into());
            a.push("--kernel".into());
            a.push(g.kernel.clone().into());
            a.push("--initrd".into());
            a.push(g.initrd.clone().into());
            a.push("--append".into());
            a.push(APPEND.into());
            a.push("--drive".into());
            a.push(disk.into());
            a.push("--mem".into());
            a.push(MEM.into());
        }
        a
    }
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Howard Hinnant's days-to-civil.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn first_line_of(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(|l| l.trim().to_string())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(SetupError(msg)) => {
            eprintln!("compare: error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Progress to stderr.
macro_rules! say {
    ($($t:tt)*) => { eprintln!("compare: {}", format_args!($($t)*)) };
}

fn run(args: Args) -> Result<bool, SetupError> {
    let root = repo_root();
    let reduced = args.reduced;
    let runs = args.runs.unwrap_or(if reduced { 1 } else { 3 }) as usize;
    let scale = args
        .scale
        .unwrap_or(if reduced { REDUCED_SCALE } else { 1000 });
    let engines = args.engines.clone().unwrap_or_else(|| {
        if reduced {
            vec!["interp".into()]
        } else {
            vec!["interp".into(), "jit".into()]
        }
    });
    let selected: Vec<String> = match &args.workloads {
        Some(w) => w.clone(),
        None if reduced => vec![REDUCED_WORKLOAD.into()],
        None => WORKLOADS.iter().map(|(n, _)| n.to_string()).collect(),
    };
    let mut workloads = Vec::new();
    for w in &selected {
        match WORKLOADS.iter().find(|(n, _)| n == w) {
            Some((n, c)) => workloads.push((n.to_string(), c.to_string())),
            None => {
                let all: Vec<&str> = WORKLOADS.iter().map(|(n, _)| *n).collect();
                return Err(SetupError(format!(
                    "unknown workload '{w}' (known: {})",
                    all.join(", ")
                )));
            }
        }
    }
    if engines.is_empty() || workloads.is_empty() {
        return Err(SetupError("no engines or no workloads selected".into()));
    }
    let timeout = Duration::from_secs(args.timeout);

    let out = args
        .out
        .clone()
        .unwrap_or_else(|| target_dir().join("bench-report"));
    let work = out.join("work");
    let logs = out.join("logs");
    for d in [&work, &logs] {
        let _ = std::fs::remove_dir_all(d);
        std::fs::create_dir_all(d)?;
    }
    for f in ["report.md", "report.csv", "chart.svg"] {
        let _ = std::fs::remove_file(out.join(f));
    }

    // Host tools.
    ensure_tool("mke2fs", "e2fsprogs").map_err(SetupError)?;
    ensure_tool("riscv64-linux-gnu-gcc", "gcc-riscv64-linux-gnu").map_err(SetupError)?;
    ensure_tool("gcc", "gcc").map_err(SetupError)?;
    let time_bin = match ensure_tool("/usr/bin/time", "time") {
        Ok(p) => Some(p),
        Err(e) => {
            say!("{e}; peak RSS is polled from /proc instead");
            None
        }
    };
    let runner = Runner::new(time_bin);
    let qemu_bin = if args.no_qemu {
        None
    } else if reduced {
        which(QEMU)
    } else {
        Some(ensure_tool(QEMU, "qemu-system-misc").map_err(SetupError)?)
    };

    // The emulator.
    let emu = match &args.emu {
        Some(p) => p.clone(),
        None => {
            say!("building the emulator (cargo build --release -p emu-cli)");
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            run_setup(
                Command::new(cargo)
                    .args(["build", "--release", "-q", "-p", "emu-cli"])
                    .current_dir(&root),
                "cargo build --release -p emu-cli",
            )?;
            target_dir().join("release").join("emu")
        }
    };
    if !emu.is_file() {
        return Err(SetupError(format!(
            "no emulator binary at {}",
            emu.display()
        )));
    }

    // Workloads, guest, disks.
    let wl_dir = target_dir().join("workloads");
    say!("building the workloads into {}", wl_dir.display());
    run_setup(
        Command::new("bash")
            .arg(root.join("firmware/workloads/build.sh"))
            .arg(&wl_dir),
        "firmware/workloads/build.sh",
    )?;
    say!("locating the guest (scripts/fetch-guest.sh)");
    let guest = fetch_guest(&root)?;

    let trivial_dir = work.join("trivial");
    std::fs::create_dir_all(&trivial_dir)?;
    write_executable(&trivial_dir.join("test.sh"), TRIVIAL_SCRIPT)?;
    let trivial_img = work.join("trivial.ext4");
    make_disk(&trivial_dir, &trivial_img)?;
    let suite_dir = work.join("suite");
    std::fs::create_dir_all(suite_dir.join("bin"))?;
    write_executable(&suite_dir.join("test.sh"), &suite_script(&workloads, scale))?;
    for (w, _) in &workloads {
        let src = wl_dir.join("riscv64").join(w);
        std::fs::copy(&src, suite_dir.join("bin").join(w))
            .map_err(|e| SetupError(format!("{}: {e}", src.display())))?;
    }
    let suite_img = work.join("suite.ext4");
    make_disk(&suite_dir, &suite_img)?;

    let mut results = Results {
        reduced,
        runs,
        scale,
        workloads: workloads.clone(),
        native: TargetResult::new("native", "native"),
        ..Default::default()
    };

    // Native: the reference checksums.
    let native_tmp = work.join("native-tmp");
    std::fs::create_dir_all(&native_tmp)?;
    let mut reference: BTreeMap<String, String> = BTreeMap::new();
    for r in 0..runs {
        for (w, _) in &workloads {
            let bin = wl_dir.join("native").join(w);
            let out = Command::new(&bin)
                .arg(scale.to_string())
                .arg(&native_tmp)
                .stderr(Stdio::inherit())
                .output()
                .map_err(|e| SetupError(format!("{}: {e}", bin.display())))?;
            let text = String::from_utf8_lossy(&out.stdout);
            let line = parse_workload_lines(&text)
                .into_iter()
                .find(|l| &l.name == w);
            match (out.status.success(), line) {
                (true, Some(l)) => {
                    let secs = l.ns as f64 / 1e9;
                    say!("[run {}/{runs}] native {w}: {secs:.3} s", r + 1);
                    results
                        .native
                        .workloads
                        .entry(w.clone())
                        .or_default()
                        .push(secs);
                    let ck = results.native.checksums.entry(w.clone()).or_default();
                    match reference.get(w) {
                        None => {
                            reference.insert(w.clone(), l.checksum.clone());
                            ck.0 += 1;
                        }
                        Some(c) if *c == l.checksum => ck.0 += 1,
                        Some(c) => {
                            ck.1 += 1;
                            results.failures.push(format!(
                                "native {w}: checksum {} differs from its first run's {c}",
                                l.checksum
                            ));
                        }
                    }
                }
                _ => results.failures.push(format!(
                    "native {w}: failed ({}): {}",
                    out.status,
                    text.trim()
                )),
            }
        }
    }

    // Guest targets.
    let mut targets: Vec<GuestTarget> = Vec::new();
    if let Some(q) = &qemu_bin {
        targets.push(GuestTarget {
            result: TargetResult::new("qemu", "QEMU"),
            optional: reduced,
            program: q.clone(),
            is_qemu: true,
            engine: String::new(),
        });
    } else if !args.no_qemu {
        let mut t = TargetResult::new("qemu", "QEMU");
        t.unavailable = Some(format!(
            "{QEMU} is not installed (optional in reduced mode)"
        ));
        results.qemu = Some(t);
    }
    for e in &engines {
        targets.push(GuestTarget {
            result: TargetResult::new(&format!("emu-{e}"), &format!("emu {e}")),
            optional: e != "interp",
            program: emu.clone(),
            is_qemu: false,
            engine: e.clone(),
        });
    }

    let disk = work.join("disk.ext4");
    for r in 0..runs {
        for (kind, image, marker) in [
            ("boot", &trivial_img, "EMU-BENCH-TRIVIAL"),
            ("suite", &suite_img, "EMU-BENCH-END"),
        ] {
            for t in targets.iter_mut() {
                if t.result.unavailable.is_some() {
                    continue;
                }
                std::fs::copy(image, &disk)?;
                let log = logs.join(format!("{}-{kind}-{}.log", t.result.id, r + 1));
                say!("[run {}/{runs}] {} {kind} ...", r + 1, t.result.label);
                let args = t.args(&guest, &disk);
                let o = runner.run(&t.program, &args, &log, timeout)?;
                if let Some(problem) = boot_problem(&o, marker, &log, timeout.as_secs()) {
                    if r == 0 && kind == "boot" && t.optional {
                        say!("{} is n/a: {problem}", t.result.label);
                        t.result.unavailable = Some(problem);
                    } else {
                        say!("{} {kind} FAILED: {problem}", t.result.label);
                        results.failures.push(format!(
                            "{} {kind} run {}: {problem}",
                            t.result.label,
                            r + 1
                        ));
                        if r == 0 && kind == "boot" {
                            t.result.unavailable = Some(problem);
                        }
                    }
                    continue;
                }
                let rss = o
                    .peak_rss_mb
                    .map_or("n/a".into(), |m| format!("{m:.0} MiB"));
                say!(
                    "[run {}/{runs}] {} {kind}: {:.2} s, peak RSS {rss}",
                    r + 1,
                    t.result.label,
                    o.wall_s
                );
                if kind == "boot" {
                    t.result.boot_s.push(o.wall_s);
                    t.result.boot_rss_mb.extend(o.peak_rss_mb);
                    if results.meta.is_empty() {
                        if let Some(v) = o
                            .stdout
                            .lines()
                            .find_map(|l| l.find("Linux version ").map(|i| l[i + 14..].to_string()))
                        {
                            let v = v.split(" (").next().unwrap_or(&v).to_string();
                            results.meta.push(("guest kernel".into(), v));
                        }
                    }
                    continue;
                }
                t.result.suite_s.push(o.wall_s);
                t.result.suite_rss_mb.extend(o.peak_rss_mb);
                let lines = parse_workload_lines(&o.stdout);
                for l in o.stdout.lines().filter(|l| l.contains("WORKLOAD-FAILED")) {
                    results.failures.push(format!(
                        "{} run {}: {}",
                        t.result.label,
                        r + 1,
                        l.trim()
                    ));
                }
                for (w, _) in &workloads {
                    let Some(l) = lines.iter().find(|l| &l.name == w) else {
                        results.failures.push(format!(
                            "{} run {}: no result from {w} (log {})",
                            t.result.label,
                            r + 1,
                            log.display()
                        ));
                        continue;
                    };
                    let ck = t.result.checksums.entry(w.clone()).or_default();
                    match reference.get(w) {
                        Some(c) if *c == l.checksum => ck.0 += 1,
                        other => {
                            ck.1 += 1;
                            results.failures.push(format!(
                                "{} run {}: {w} checksum {} but native says {}",
                                t.result.label,
                                r + 1,
                                l.checksum,
                                other.map_or("nothing", |s| s.as_str())
                            ));
                        }
                    }
                    let secs = l.ns as f64 / 1e9;
                    say!("    {w}: {secs:.3} s");
                    t.result.workloads.entry(w.clone()).or_default().push(secs);
                }
            }
        }
    }
    let _ = std::fs::remove_file(&disk);

    // Assemble.
    for t in targets {
        if t.is_qemu {
            results.qemu = Some(t.result);
        } else {
            results.emus.push(t.result);
        }
    }
    if results.emus.iter().all(|e| e.unavailable.is_some()) {
        results
            .failures
            .push("no emulator engine could be measured".into());
    }
    let mut meta = vec![
        ("date".to_string(), today()),
        (
            "host CPU".into(),
            format!(
                "{} ({} logical CPUs)",
                cpu_model(),
                std::thread::available_parallelism().map_or(0, |n| n.get())
            ),
        ),
        (
            "emu".into(),
            format!(
                "{} (`{}`), git {}",
                first_line_of(Command::new(&emu).arg("--version")).unwrap_or_default(),
                emu.display(),
                first_line_of(
                    Command::new("git")
                        .args(["describe", "--always", "--dirty"])
                        .current_dir(&root)
                )
                .unwrap_or_else(|| "unknown".into())
            ),
        ),
    ];
    if let Some(q) = &qemu_bin {
        meta.push((
            "QEMU".into(),
            first_line_of(Command::new(q).arg("--version")).unwrap_or_default(),
        ));
    }
    meta.push((
        "guest".into(),
        format!(
            "OpenSBI `{}`, kernel `{}`, initramfs `{}`; {MEM} RAM, 1 hart; `{APPEND}`",
            guest.bios.display(),
            guest.kernel.display(),
            guest.initrd.display()
        ),
    ));
    meta.append(&mut results.meta);
    meta.push((
        "workloads".into(),
        format!(
            "firmware/workloads, scale {scale} ‰; riscv64: `riscv64-linux-gnu-gcc -O2 -static`{}; native: `gcc -O2`{}",
            first_line_of(Command::new("riscv64-linux-gnu-gcc").arg("--version"))
                .map(|v| format!(" ({v})"))
                .unwrap_or_default(),
            first_line_of(Command::new("gcc").arg("--version"))
                .map(|v| format!(" ({v})"))
                .unwrap_or_default()
        ),
    ));
    meta.push(("peak RSS".into(), runner.rss_method().into()));
    results.meta = meta;

    let md = results.markdown();
    std::fs::write(out.join("report.md"), &md)?;
    std::fs::write(out.join("report.csv"), results.csv())?;
    std::fs::write(out.join("chart.svg"), results.chart())?;
    println!("{md}");
    say!(
        "wrote {}/report.md, report.csv, chart.svg (logs in {})",
        out.display(),
        logs.display()
    );
    let _ = std::fs::remove_dir_all(&work);
    if results.failures.is_empty() {
        Ok(true)
    } else {
        for f in &results.failures {
            say!("FAILED: {f}");
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_workload_lines_amid_console_noise() {
        let text = "[  1.0] random kernel line\n\
                    WORKLOAD name=crc32 scale=10 checksum=0x00000000deadbeef ns=12345\n\
                    junk WORKLOAD name=sort scale=10 checksum=0x1 ns=7\n\
                    WORKLOAD name=broken scale=10\n";
        let v = parse_workload_lines(text);
        assert_eq!(v.len(), 2);
        assert_eq!(
            v[0],
            WlLine {
                name: "crc32".into(),
                checksum: "0x00000000deadbeef".into(),
                ns: 12345
            }
        );
        assert_eq!(v[1].name, "sort");
    }

    #[test]
    fn suite_script_runs_each_workload() {
        let s = suite_script(
            &[
                ("crc32".into(), "integer".into()),
                ("files".into(), "OS".into()),
            ],
            10,
        );
        assert!(s.starts_with("#!/bin/sh\n"));
        assert!(s.contains("for w in crc32 files; do"));
        assert!(s.contains("/mnt/bin/$w 10 /mnt/wl-tmp"));
        assert!(s.contains("echo EMU-BENCH-END"));
    }

    #[test]
    fn date_format() {
        let d = today();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"));
    }

    #[test]
    fn every_workload_has_a_source() {
        for (w, _) in WORKLOADS {
            let p = repo_root()
                .join("firmware/workloads")
                .join(format!("{w}.c"));
            assert!(p.is_file(), "{}", p.display());
        }
    }
}
