//! A horizontal grouped bar chart on a logarithmic axis, written as SVG.

use std::fmt::Write as _;

/// One bar colour and its legend entry.
#[derive(Clone, Debug)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Fill colour (`#rrggbb`).
    pub color: String,
}

/// One group of bars (a row label and one value per series).
#[derive(Clone, Debug)]
pub struct Group {
    /// Row label.
    pub name: String,
    /// One value per series; `None` is drawn as "n/a".
    pub values: Vec<Option<f64>>,
}

const WIDTH: f64 = 900.0;
const LEFT: f64 = 120.0;
const RIGHT: f64 = 90.0;
const BAR: f64 = 12.0;
const BAR_GAP: f64 = 2.0;
const GROUP_GAP: f64 = 14.0;

/// Escape text for XML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A value with three significant digits and `unit`.
pub fn fmt_value(v: f64, unit: &str) -> String {
    let decimals = if v > 0.0 && v.is_finite() {
        (2 - v.log10().floor() as i32).clamp(0, 9) as usize
    } else {
        0
    };
    format!("{v:.decimals$} {unit}")
}

fn decade_label(d: i32, unit: &str) -> String {
    let v = 10f64.powi(d);
    let s = if d >= 0 {
        format!("{v:.0}")
    } else {
        format!("{:.*}", (-d) as usize, v)
    };
    format!("{s} {unit}")
}

/// Draw `groups` of bars, one bar per series, on a log axis in `unit`.
pub fn bar_chart(
    title: &str,
    subtitle: &str,
    unit: &str,
    series: &[Series],
    groups: &[Group],
) -> String {
    let vals: Vec<f64> = groups
        .iter()
        .flat_map(|g| g.values.iter().flatten().copied())
        .filter(|v| *v > 0.0 && v.is_finite())
        .collect();
    let lo_v = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let hi_v = vals.iter().copied().fold(0.0, f64::max);
    let (lo, hi) = if vals.is_empty() {
        (0, 1)
    } else {
        let lo = lo_v.log10().floor() as i32;
        let hi = (hi_v.log10().ceil() as i32).max(lo + 1);
        (lo, hi)
    };
    let plot_w = WIDTH - LEFT - RIGHT;
    let x_of = |v: f64| LEFT + (v.log10() - lo as f64) / (hi - lo) as f64 * plot_w;

    let top = 78.0;
    let group_h = series.len() as f64 * (BAR + BAR_GAP) - BAR_GAP;
    let plot_h = groups.len() as f64 * (group_h + GROUP_GAP);
    let height = top + plot_h + 40.0;

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(
        s,
        r#"<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="white"/>"#
    );
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="20" font-size="15" font-weight="bold">{}</text>"#,
        esc(title)
    );
    let _ = writeln!(
        s,
        r##"<text x="{LEFT}" y="38" fill="#555">{}</text>"##,
        esc(subtitle)
    );
    // Legend.
    let mut lx = LEFT;
    for se in series {
        let _ = writeln!(
            s,
            r#"<rect x="{lx}" y="50" width="12" height="12" fill="{}"/><text x="{}" y="60">{}</text>"#,
            esc(&se.color),
            lx + 16.0,
            esc(&se.label)
        );
        lx += 28.0 + 7.0 * se.label.len() as f64;
    }
    // Decade grid lines and axis labels.
    for d in lo..=hi {
        let x = x_of(10f64.powi(d));
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{:.1}" stroke="#ccc"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#555">{}</text>"##,
            top + plot_h,
            top + plot_h + 16.0,
            esc(&decade_label(d, unit))
        );
    }
    // Bars.
    for (gi, g) in groups.iter().enumerate() {
        let gy = top + gi as f64 * (group_h + GROUP_GAP) + GROUP_GAP / 2.0;
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" font-weight="bold">{}</text>"#,
            LEFT - 8.0,
            gy + group_h / 2.0 + 4.0,
            esc(&g.name)
        );
        for (si, se) in series.iter().enumerate() {
            let y = gy + si as f64 * (BAR + BAR_GAP);
            match g.values.get(si).copied().flatten() {
                Some(v) if v > 0.0 && v.is_finite() => {
                    let x1 = x_of(v).max(LEFT + 1.0);
                    let _ = writeln!(
                        s,
                        r#"<rect x="{LEFT}" y="{y:.1}" width="{:.1}" height="{BAR}" fill="{}"><title>{}: {}</title></rect><text x="{:.1}" y="{:.1}">{}</text>"#,
                        x1 - LEFT,
                        esc(&se.color),
                        esc(&se.label),
                        esc(&fmt_value(v, unit)),
                        x1 + 4.0,
                        y + BAR - 2.0,
                        esc(&fmt_value(v, unit))
                    );
                }
                _ => {
                    let _ = writeln!(
                        s,
                        r##"<text x="{:.1}" y="{:.1}" fill="#999">{} n/a</text>"##,
                        LEFT + 4.0,
                        y + BAR - 2.0,
                        esc(&se.label)
                    );
                }
            }
        }
    }
    let _ = writeln!(
        s,
        r##"<line x1="{LEFT}" y1="{top}" x2="{LEFT}" y2="{:.1}" stroke="#333"/>"##,
        top + plot_h
    );
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_has_bars_and_escapes() {
        let series = vec![
            Series {
                label: "a<b".into(),
                color: "#000000".into(),
            },
            Series {
                label: "c".into(),
                color: "#ffffff".into(),
            },
        ];
        let groups = vec![Group {
            name: "g&h".into(),
            values: vec![Some(0.5), None],
        }];
        let svg = bar_chart("t", "sub", "s", &series, &groups);
        assert!(svg.starts_with("<svg "));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("a&lt;b"));
        assert!(svg.contains("g&amp;h"));
        assert!(svg.contains("0.500 s"));
        assert!(svg.contains("c n/a"));
        assert!(svg.contains("0.1 s") && svg.contains("1 s"));
    }

    #[test]
    fn value_format() {
        assert_eq!(fmt_value(123.4, "s"), "123 s");
        assert_eq!(fmt_value(12.34, "s"), "12.3 s");
        assert_eq!(fmt_value(1.234, "s"), "1.23 s");
        assert_eq!(fmt_value(0.01234, "s"), "0.0123 s");
        assert_eq!(decade_label(-2, "s"), "0.01 s");
        assert_eq!(decade_label(2, "s"), "100 s");
    }
}
