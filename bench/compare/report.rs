//! The measured figures of one comparison run and how they are written:
//! a Markdown report, a CSV file and an SVG bar chart.

use crate::stats::{geomean, ratio, summarize, Summary};
use crate::svg::{self, Group, Series};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Everything measured for one target (an emulator engine, QEMU, or the
/// native host).
#[derive(Debug, Default)]
pub struct TargetResult {
    /// Stable identifier for the CSV: `emu-interp`, `emu-jit`, `qemu`,
    /// `native`.
    pub id: String,
    /// Name for people: `emu interp`, `QEMU`, `native`.
    pub label: String,
    /// `Some(reason)` when the target could not be measured ("n/a").
    pub unavailable: Option<String>,
    /// Boot-to-poweroff wall times of the trivial boot, seconds.
    pub boot_s: Vec<f64>,
    /// Peak RSS of the trivial boot, MiB.
    pub boot_rss_mb: Vec<f64>,
    /// Wall time of the boot that runs the workloads, seconds.
    pub suite_s: Vec<f64>,
    /// Peak RSS of the boot that runs the workloads, MiB.
    pub suite_rss_mb: Vec<f64>,
    /// Each workload's own elapsed times, seconds.
    pub workloads: BTreeMap<String, Vec<f64>>,
    /// Each workload's checksum verdicts: (matched, mismatched).
    pub checksums: BTreeMap<String, (u32, u32)>,
}

impl TargetResult {
    /// An empty result for a target.
    pub fn new(id: &str, label: &str) -> Self {
        TargetResult {
            id: id.into(),
            label: label.into(),
            ..Default::default()
        }
    }

    fn wl(&self, name: &str) -> Option<Summary> {
        self.workloads.get(name).and_then(|v| summarize(v))
    }
}

/// The whole comparison.
#[derive(Debug, Default)]
pub struct Results {
    /// Header lines (`key`, `value`): date, CPU, versions, settings.
    pub meta: Vec<(String, String)>,
    /// The reduced (CI smoke) mode.
    pub reduced: bool,
    /// Repetitions asked for.
    pub runs: usize,
    /// Workload scale (per mille of the full size).
    pub scale: u32,
    /// The selected workloads (name, class), in suite order.
    pub workloads: Vec<(String, String)>,
    /// The host's own build.
    pub native: TargetResult,
    /// QEMU, if it took part.
    pub qemu: Option<TargetResult>,
    /// The emulator, one entry per engine.
    pub emus: Vec<TargetResult>,
    /// What went wrong (a non-empty list fails the run).
    pub failures: Vec<String>,
}

/// `median (min–max)` with a unit-free number format.
fn fmt_summary(s: Option<Summary>) -> String {
    match s {
        None => "n/a".into(),
        Some(s) if s.n == 1 => num(s.median),
        Some(s) => format!("{} ({}–{})", num(s.median), num(s.min), num(s.max)),
    }
}

/// Three significant digits.
fn num(v: f64) -> String {
    svg::fmt_value(v, "").trim_end().to_string()
}

fn fmt_ratio(r: Option<f64>) -> String {
    match r {
        Some(r) => format!("{}×", num(r)),
        None => "n/a".into(),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt_num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.6}")).unwrap_or_default()
}

impl Results {
    fn guests(&self) -> Vec<&TargetResult> {
        self.qemu.iter().chain(self.emus.iter()).collect()
    }

    fn qemu_measured(&self) -> Option<&TargetResult> {
        self.qemu.as_ref().filter(|q| q.unavailable.is_none())
    }

    /// All workload checksum verdicts: (matched, mismatched).
    pub fn checksum_totals(&self) -> (u32, u32) {
        self.guests()
            .iter()
            .chain(std::iter::once(&&self.native))
            .flat_map(|t| t.checksums.values())
            .fold((0, 0), |(a, b), (ok, bad)| (a + ok, b + bad))
    }

    /// The Markdown report.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# Benchmark report: emu vs QEMU vs native\n");
        if self.reduced {
            let _ = writeln!(
                s,
                "**Reduced mode** (CI smoke run: tiny workload sizes, one repetition); the figures are not meaningful.\n"
            );
        }
        for (k, v) in &self.meta {
            let _ = writeln!(s, "- {k}: {v}");
        }
        let _ = writeln!(
            s,
            "\nEach figure is the median of {} run(s), with the spread (min–max) in parentheses. \
             Ratios divide medians: above 1× means slower (or more memory) than the reference.\n",
            self.runs
        );

        let guests = self.guests();
        let q = self.qemu_measured();
        let emus: Vec<&TargetResult> = self.emus.iter().collect();

        // Boot and memory.
        let _ = writeln!(s, "## Boot and memory\n");
        let mut head = String::from("| measure |");
        let mut rule = String::from("| --- |");
        for g in &guests {
            let _ = write!(head, " {} |", g.label);
            rule.push_str(" ---: |");
        }
        for e in &emus {
            let _ = write!(head, " {} / QEMU |", e.label);
            rule.push_str(" ---: |");
        }
        let _ = writeln!(s, "{head}\n{rule}");
        type Pick = fn(&TargetResult) -> &Vec<f64>;
        let rows: [(&str, Pick); 4] = [
            ("boot to poweroff, trivial test.sh (s)", |t| &t.boot_s),
            ("peak RSS of that boot (MiB)", |t| &t.boot_rss_mb),
            ("boot + whole workload suite (s)", |t| &t.suite_s),
            ("peak RSS of the workload boot (MiB)", |t| &t.suite_rss_mb),
        ];
        for (name, pick) in rows {
            let _ = write!(s, "| {name} |");
            for g in &guests {
                let _ = write!(s, " {} |", fmt_summary(summarize(pick(g))));
            }
            for e in &emus {
                let r = q.and_then(|q| ratio(summarize(pick(e)), summarize(pick(q))));
                let _ = write!(s, " {} |", fmt_ratio(r));
            }
            s.push('\n');
        }

        // Workloads.
        let _ = writeln!(
            s,
            "\n## Guest workloads\n\nSeconds of each workload's own measured part (its CLOCK_MONOTONIC inside the guest; on the host for native), scale {} ‰.\n",
            self.scale
        );
        let mut head = String::from("| workload | class | native |");
        let mut rule = String::from("| --- | --- | ---: |");
        for g in &guests {
            let _ = write!(head, " {} |", g.label);
            rule.push_str(" ---: |");
        }
        if q.is_some() {
            head.push_str(" QEMU / native |");
            rule.push_str(" ---: |");
        }
        for e in &emus {
            let _ = write!(head, " {} / QEMU | {} / native |", e.label, e.label);
            rule.push_str(" ---: | ---: |");
        }
        let _ = writeln!(s, "{head}\n{rule}");
        let mut q_nat = Vec::new();
        let mut e_q: Vec<Vec<f64>> = vec![Vec::new(); emus.len()];
        let mut e_nat: Vec<Vec<f64>> = vec![Vec::new(); emus.len()];
        for (w, class) in &self.workloads {
            let nat = self.native.wl(w);
            let _ = write!(s, "| {w} | {class} | {} |", fmt_summary(nat));
            for g in &guests {
                let _ = write!(s, " {} |", fmt_summary(g.wl(w)));
            }
            if let Some(q) = q {
                let r = ratio(q.wl(w), nat);
                q_nat.extend(r);
                let _ = write!(s, " {} |", fmt_ratio(r));
            }
            for (i, e) in emus.iter().enumerate() {
                let rq = q.and_then(|q| ratio(e.wl(w), q.wl(w)));
                let rn = ratio(e.wl(w), nat);
                e_q[i].extend(rq);
                e_nat[i].extend(rn);
                let _ = write!(s, " {} | {} |", fmt_ratio(rq), fmt_ratio(rn));
            }
            s.push('\n');
        }
        if self.workloads.len() > 1 {
            let _ = write!(s, "| **geometric mean** | | |");
            for _ in &guests {
                s.push_str(" |");
            }
            if q.is_some() {
                let _ = write!(s, " **{}** |", fmt_ratio(geomean(&q_nat)));
            }
            for i in 0..emus.len() {
                let _ = write!(
                    s,
                    " **{}** | **{}** |",
                    fmt_ratio(geomean(&e_q[i])),
                    fmt_ratio(geomean(&e_nat[i]))
                );
            }
            s.push('\n');
        }

        let (ok, bad) = self.checksum_totals();
        let _ = writeln!(
            s,
            "\nChecksums: {ok} workload results matched the native build's checksum, {bad} did not."
        );
        let na: Vec<&TargetResult> = guests
            .iter()
            .copied()
            .filter(|t| t.unavailable.is_some())
            .collect();
        if !na.is_empty() {
            let _ = writeln!(s, "\nNot measured:\n");
            for t in na {
                let _ = writeln!(
                    s,
                    "- {}: n/a — {}",
                    t.label,
                    t.unavailable.as_deref().unwrap_or("")
                );
            }
        }
        if !self.failures.is_empty() {
            let _ = writeln!(s, "\n## Failures\n");
            for f in &self.failures {
                let _ = writeln!(s, "- {f}");
            }
        }
        let _ = writeln!(s, "\n![bar chart of the medians](chart.svg)");
        s
    }

    /// The CSV file: one row per (measure, target).
    pub fn csv(&self) -> String {
        let mut s = String::from(
            "kind,name,class,target,unit,runs,median,min,max,vs_qemu,vs_native,status\n",
        );
        let q = self.qemu_measured();
        let mut row = |kind: &str,
                       name: &str,
                       class: &str,
                       t: &TargetResult,
                       unit: &str,
                       sum: Option<Summary>,
                       vs_q: Option<f64>,
                       vs_n: Option<f64>,
                       status: String| {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{},{},{}",
                kind,
                csv_field(name),
                csv_field(class),
                t.id,
                unit,
                sum.map_or(0, |x| x.n),
                opt_num(sum.map(|x| x.median)),
                opt_num(sum.map(|x| x.min)),
                opt_num(sum.map(|x| x.max)),
                opt_num(vs_q),
                opt_num(vs_n),
                csv_field(&status)
            );
        };
        let status_of = |t: &TargetResult| match &t.unavailable {
            Some(r) => format!("n/a: {r}"),
            None => "ok".into(),
        };
        type Pick = fn(&TargetResult) -> &Vec<f64>;
        let measures: [(&str, &str, &str, Pick); 4] = [
            ("boot", "boot_to_poweroff", "s", |t| &t.boot_s),
            ("rss", "boot_peak_rss", "MiB", |t| &t.boot_rss_mb),
            ("suite", "boot_plus_workloads", "s", |t| &t.suite_s),
            ("rss", "workload_boot_peak_rss", "MiB", |t| &t.suite_rss_mb),
        ];
        for t in self.guests() {
            for (kind, name, unit, pick) in measures {
                let sum = summarize(pick(t));
                let vs_q = match q {
                    Some(q) if q.id != t.id => ratio(sum, summarize(pick(q))),
                    _ => None,
                };
                row(kind, name, "", t, unit, sum, vs_q, None, status_of(t));
            }
        }
        for (w, class) in &self.workloads {
            let nat = self.native.wl(w);
            let all = std::iter::once(&self.native).chain(self.guests());
            for t in all {
                let sum = t.wl(w);
                let vs_q = match q {
                    Some(q) if q.id != t.id => ratio(sum, q.wl(w)),
                    _ => None,
                };
                let vs_n = if t.id == self.native.id {
                    None
                } else {
                    ratio(sum, nat)
                };
                let status = match (&t.unavailable, t.checksums.get(w)) {
                    (Some(r), _) => format!("n/a: {r}"),
                    (None, Some((_, bad))) if *bad > 0 => format!("checksum mismatch ({bad})"),
                    (None, Some((ok, _))) if *ok > 0 => "checksum verified".into(),
                    _ => "no result".into(),
                };
                row("workload", w, class, t, "s", sum, vs_q, vs_n, status);
            }
        }
        s
    }

    /// The bar chart (medians, seconds, log scale).
    pub fn chart(&self) -> String {
        const COLORS: [&str; 6] = [
            "#4c956c", "#2a6f97", "#d1495b", "#edae49", "#7b6d8d", "#8c564b",
        ];
        let mut targets: Vec<&TargetResult> = vec![&self.native];
        targets.extend(self.guests());
        let series: Vec<Series> = targets
            .iter()
            .enumerate()
            .map(|(i, t)| Series {
                label: t.label.clone(),
                color: COLORS[i % COLORS.len()].into(),
            })
            .collect();
        let mut groups = vec![Group {
            name: "boot".into(),
            values: targets
                .iter()
                .map(|t| summarize(&t.boot_s).map(|x| x.median))
                .collect(),
        }];
        for (w, _) in &self.workloads {
            groups.push(Group {
                name: w.clone(),
                values: targets.iter().map(|t| t.wl(w).map(|x| x.median)).collect(),
            });
        }
        let sub = format!(
            "median seconds, log scale, shorter is faster; {} run(s); workload scale {} ‰{}",
            self.runs,
            self.scale,
            if self.reduced { "; REDUCED MODE" } else { "" }
        );
        svg::bar_chart(
            "Boot to poweroff and guest workloads: emu, QEMU, native",
            &sub,
            "s",
            &series,
            &groups,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Results {
        let mut native = TargetResult::new("native", "native");
        native
            .workloads
            .insert("crc32".into(), vec![0.1, 0.12, 0.11]);
        native.checksums.insert("crc32".into(), (3, 0));
        let mut q = TargetResult::new("qemu", "QEMU");
        q.boot_s = vec![7.0, 7.2, 7.1];
        q.boot_rss_mb = vec![240.0];
        q.workloads.insert("crc32".into(), vec![1.0, 1.0, 1.0]);
        q.checksums.insert("crc32".into(), (3, 0));
        let mut e = TargetResult::new("emu-interp", "emu interp");
        e.boot_s = vec![38.0, 40.0, 39.0];
        e.workloads.insert("crc32".into(), vec![5.0, 5.5, 4.5]);
        e.checksums.insert("crc32".into(), (3, 0));
        let mut j = TargetResult::new("emu-jit", "emu jit");
        j.unavailable = Some("no JIT, exit 2".into());
        Results {
            meta: vec![("CPU".into(), "test".into())],
            reduced: false,
            runs: 3,
            scale: 1000,
            workloads: vec![("crc32".into(), "integer".into())],
            native,
            qemu: Some(q),
            emus: vec![e, j],
            failures: vec![],
        }
    }

    #[test]
    fn markdown_has_figures_and_ratios() {
        let md = sample().markdown();
        assert!(
            md.contains("| crc32 | integer | 0.110 (0.100–0.120) |"),
            "{md}"
        );
        assert!(md.contains("39.0 (38.0–40.0)"), "{md}");
        // emu/QEMU 5.0×, emu/native 45.5×, boot 39/7.1
        assert!(md.contains("5.00×"), "{md}");
        assert!(md.contains("45.5×"), "{md}");
        assert!(md.contains("5.49×"), "{md}");
        assert!(md.contains("emu jit: n/a — no JIT, exit 2"), "{md}");
        assert!(md.contains("Checksums: 9 workload results matched"), "{md}");
    }

    #[test]
    fn csv_rows() {
        let csv = sample().csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].starts_with("kind,name,class,target"));
        assert!(csv.contains("workload,crc32,integer,emu-interp,s,3,5.000000,4.500000,5.500000,5.000000,45.454545,checksum verified"), "{csv}");
        assert!(
            csv.contains("emu-jit,s,0,,,,,,\"n/a: no JIT, exit 2\""),
            "{csv}"
        );
        let cols = lines[0].split(',').count();
        for l in &lines {
            // quoted fields here contain exactly one comma
            let n = l.split(',').count() - l.matches("\"n/a").count();
            assert_eq!(n, cols, "{l}");
        }
    }

    #[test]
    fn chart_lists_targets() {
        let svg = sample().chart();
        assert!(svg.contains("emu interp") && svg.contains("QEMU") && svg.contains("native"));
        assert!(svg.contains("emu jit n/a"));
    }
}
