//! The benchmark comparison (`bench/compare`) in its reduced CI mode: one
//! workload at a tiny size, one repetition, the interpreter only, QEMU
//! only if it is installed. Checks that the report files are produced and
//! hold sane figures: a table row for the workload, positive times, a
//! verified checksum, and an SVG chart that is well-formed XML.

use std::path::PathBuf;
use std::process::Command;
use tests::{emu_binary, repo_root, scratch_dir, target_dir};

fn compare_binary() -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "-q",
            "-p",
            "bench",
            "--bin",
            "compare",
        ])
        .current_dir(repo_root())
        .status()
        .expect("run cargo build");
    assert!(status.success(), "building bench/compare failed");
    target_dir().join("release").join("compare")
}

/// Minimal XML well-formedness check: balanced, properly nested elements,
/// quoted attributes, escaped text, one root element. Returns the root's
/// name.
fn xml_root(doc: &str) -> Result<String, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut root: Option<String> = None;
    let mut rest = doc;
    loop {
        let Some(lt) = rest.find('<') else {
            check_text(rest)?;
            break;
        };
        check_text(&rest[..lt])?;
        if !rest[..lt].trim().is_empty() && stack.is_empty() {
            return Err("text outside the root element".into());
        }
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").ok_or("unterminated comment")?;
            rest = &r[end + 3..];
            continue;
        }
        if let Some(r) = rest.strip_prefix("<?") {
            let end = r.find("?>").ok_or("unterminated processing instruction")?;
            rest = &r[end + 2..];
            continue;
        }
        let gt = rest.find('>').ok_or("unterminated tag")?;
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or(format!("stray </{name}>"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}>"));
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name: String = body.chars().take_while(|c| !c.is_whitespace()).collect();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || "-_:.".contains(c))
        {
            return Err(format!("bad element name in <{tag}>"));
        }
        check_attributes(&body[name.len()..])?;
        if stack.is_empty() {
            if root.is_some() {
                return Err("more than one root element".into());
            }
            root = Some(name.clone());
        }
        if !self_closing {
            stack.push(name);
        }
    }
    if let Some(open) = stack.pop() {
        return Err(format!("<{open}> never closed"));
    }
    root.ok_or_else(|| "no root element".into())
}

fn check_text(t: &str) -> Result<(), String> {
    let mut rest = t;
    while let Some(amp) = rest.find('&') {
        let r = &rest[amp + 1..];
        let semi = r.find(';').ok_or("bare & in text")?;
        let ent = &r[..semi];
        let ok = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
            || (ent.starts_with('#') && ent.len() > 1);
        if !ok {
            return Err(format!("unknown entity &{ent};"));
        }
        rest = &r[semi + 1..];
    }
    Ok(())
}

fn check_attributes(mut s: &str) -> Result<(), String> {
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Ok(());
        }
        let eq = s.find('=').ok_or(format!("attribute without value: {s}"))?;
        let name = s[..eq].trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(format!("bad attribute name '{name}'"));
        }
        let v = s[eq + 1..].trim_start();
        let q = v.chars().next().ok_or("missing attribute value")?;
        if q != '"' && q != '\'' {
            return Err(format!("unquoted attribute {name}"));
        }
        let end = v[1..].find(q).ok_or("unterminated attribute value")?;
        let value = &v[1..1 + end];
        if value.contains('<') {
            return Err(format!("'<' in attribute {name}"));
        }
        check_text(value)?;
        s = &v[end + 2..];
    }
}

#[test]
fn xml_checker_catches_broken_documents() {
    assert_eq!(
        xml_root("<svg a=\"1\"><g><rect/></g></svg>\n"),
        Ok("svg".into())
    );
    assert!(xml_root("<svg><g></svg>").is_err());
    assert!(xml_root("<svg a=1></svg>").is_err());
    assert!(xml_root("<svg>a & b</svg>").is_err());
    assert!(xml_root("<svg></svg><svg></svg>").is_err());
}

#[test]
fn reduced_comparison_writes_a_sane_report() {
    let emu = emu_binary();
    let compare = compare_binary();
    let out = scratch_dir("bench-report");
    let result = Command::new(&compare)
        .arg("--reduced")
        .arg("--emu")
        .arg(&emu)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run bench/compare");
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        result.status.success(),
        "compare --reduced failed ({}):\n{stderr}",
        result.status
    );

    // Markdown: a row for the workload with a positive time for the
    // interpreter, and the checksum summary.
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(md.contains("Reduced mode"), "{md}");
    let row = md
        .lines()
        .find(|l| l.starts_with("| crc32 | integer |"))
        .unwrap_or_else(|| panic!("no crc32 row in report.md:\n{md}"));
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert!(
        cells
            .iter()
            .skip(3)
            .any(|c| c.parse::<f64>().is_ok_and(|v| v > 0.0)),
        "no positive time in {row}"
    );
    assert!(
        md.contains("| emu interp |") || md.contains(" emu interp |"),
        "{md}"
    );
    assert!(
        md.contains("0 did not") && !md.contains(" 0 workload results matched"),
        "checksums not verified:\n{md}"
    );
    assert!(md.contains("boot to poweroff"), "{md}");

    // CSV: the interpreter's boot time and workload time are positive and
    // the checksum is verified.
    let csv = std::fs::read_to_string(out.join("report.csv")).expect("report.csv");
    let header: Vec<&str> = csv.lines().next().unwrap_or("").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let find = |kind: &str, name: &str, target: &str| -> Vec<String> {
        csv.lines()
            .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
            .find(|f| {
                f[col("kind")] == kind && f[col("name")] == name && f[col("target")] == target
            })
            .unwrap_or_else(|| panic!("no {kind}/{name}/{target} row in report.csv:\n{csv}"))
    };
    for (kind, name) in [("boot", "boot_to_poweroff"), ("workload", "crc32")] {
        let r = find(kind, name, "emu-interp");
        let median: f64 = r[col("median")].parse().expect("a number");
        assert!(median > 0.0, "{r:?}");
        assert_eq!(r[col("runs")], "1", "{r:?}");
    }
    let r = find("workload", "crc32", "emu-interp");
    assert_eq!(r[col("status")], "checksum verified", "{r:?}");
    let r = find("workload", "crc32", "native");
    assert!(r[col("median")].parse::<f64>().expect("a number") > 0.0);

    // SVG: well-formed, root <svg>, with the workload's bars.
    let svg = std::fs::read_to_string(out.join("chart.svg")).expect("chart.svg");
    assert_eq!(xml_root(&svg), Ok("svg".to_string()), "{svg}");
    assert!(
        svg.contains(">crc32<") && svg.contains("emu interp"),
        "{svg}"
    );

    std::fs::remove_dir_all(&out).ok();
}
