//! Reports: text for people, JSON for scripts, CSV for spreadsheets, and a
//! self-contained HTML page with SVG charts.

use crate::analysis::{Analysis, Band, measure_name};
use crate::compare::Comparison;
use std::fmt::Write;

fn value_text(value: Option<f64>, unit: &str) -> String {
    match value {
        None => "—".into(),
        Some(v) if unit == "percent" => format!("{v:.1}%"),
        Some(v) if unit == "count" => format!("{v:.0}"),
        Some(v) => format!("{v:.2}"),
    }
}

/// Plain text.
// Long: the plain-text report, one section after another.
pub fn text(a: &Analysis) -> String {
    let mut s = String::new();
    let i = &a.instance;
    let _ = writeln!(s, "{}", a.file);
    let _ = writeln!(
        s,
        "  instance {} ({}), GitLab {} {} [{}], recorded {}",
        i.hostname,
        i.uuid,
        i.version,
        i.edition,
        i.plan,
        i.recorded_at
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "unknown".into())
    );
    if i.optional_data_missing {
        let _ = writeln!(
            s,
            "  ! optional data is off: most usage metrics are absent, not zero"
        );
    }
    let l = &a.license;
    let num = |v: Option<f64>| v.map(|x| format!("{x:.0}")).unwrap_or_else(|| "—".into());
    let _ = writeln!(
        s,
        "  license: {} seats, {} billable, {} active, {} unused; {} months since purchase; {} days to renewal",
        num(l.seats),
        num(l.billable_users),
        num(l.active_users),
        num(l.unused_seats),
        l.months_since_purchase
            .map(|m| format!("{m:.1}"))
            .unwrap_or_else(|| "—".into()),
        l.days_to_renewal
            .map(|d| d.to_string())
            .unwrap_or_else(|| "—".into())
    );
    if let Some(v) = &a.version_age {
        let _ = writeln!(
            s,
            "  version: {} (latest known {})",
            v.advice, v.latest_known
        );
    }
    let _ = writeln!(s, "  scorecard:");
    for sc in &a.scorecard {
        let _ = writeln!(
            s,
            "    {:<34} {:>10}  {:<6} {}",
            sc.measure_id,
            value_text(sc.value, sc.unit),
            sc.band.label(),
            sc.note
                .clone()
                .or_else(|| sc.source_key.clone())
                .unwrap_or_default()
        );
    }
    if let Some(n) = a.use_case_adoption_count {
        let _ = writeln!(s, "  use cases adopted (green): {n} of 4");
    }
    let _ = writeln!(
        s,
        "  keys: {} ({} without a definition), failed metrics: {}",
        a.keys,
        a.keys_without_definition,
        a.failed_metrics.len()
    );
    for f in a.failed_metrics.iter().take(20) {
        let _ = writeln!(s, "    failed {} ({})", f.key, f.meaning);
    }
    let _ = writeln!(s, "  stages (metrics in use / reported):");
    for st in a.stages.iter().take(12) {
        let _ = writeln!(
            s,
            "    {:<12} {:>4}/{:<4} {}",
            st.stage,
            st.non_zero,
            st.metrics,
            st.top
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    s
}

pub fn comparison_text(c: &Comparison) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} → {} ({} days)", c.from, c.to, c.days);
    for sc in &c.score_changes {
        if sc.before != sc.after {
            let _ = writeln!(
                s,
                "  {:<34} {} → {}{}",
                sc.measure_id,
                sc.before.label(),
                sc.after.label(),
                if sc.drop { "  DROP" } else { "" }
            );
        }
    }
    for sc in &c.two_ping_scores {
        let _ = writeln!(
            s,
            "  {:<34} {}  {} ({})",
            sc.measure_id,
            value_text(sc.value, sc.unit),
            sc.band.label(),
            sc.note.clone().unwrap_or_default()
        );
    }
    for a in &c.alerts {
        let _ = writeln!(s, "  ! {a}");
    }
    for ch in c.all_time_changes.iter().take(10) {
        let _ = writeln!(
            s,
            "  {:<60} {:>12} → {:<12} ({:+.1}/month)",
            ch.key,
            ch.before,
            ch.after,
            ch.per_month.unwrap_or(0.0)
        );
    }
    s
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per file and measure.
pub fn csv(analyses: &[Analysis]) -> String {
    let mut s =
        String::from("file,instance,version,plan,measure_id,value,unit,band,source_key,note\n");
    for a in analyses {
        for sc in &a.scorecard {
            let _ = writeln!(
                s,
                "{},{},{},{},{},{},{},{},{},{}",
                csv_cell(&a.file),
                csv_cell(&a.instance.uuid),
                csv_cell(&a.instance.version),
                csv_cell(&a.instance.plan),
                sc.measure_id,
                sc.value.map(|v| v.to_string()).unwrap_or_default(),
                sc.unit,
                sc.band.label(),
                csv_cell(sc.source_key.as_deref().unwrap_or("")),
                csv_cell(sc.note.as_deref().unwrap_or(""))
            );
        }
    }
    s
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn color(b: Band) -> &'static str {
    match b {
        Band::Red => "#c62828",
        Band::Yellow => "#f9a825",
        Band::Green => "#2e7d32",
        Band::NotApplicable => "#9e9e9e",
    }
}

/// An SVG scorecard: one bar per measure, coloured by band, its value and
/// health written beside it.
pub fn scorecard_svg(a: &Analysis) -> String {
    let row = 22;
    let h = a.scorecard.len() * row + 10;
    let mut s = format!(
        "<svg class=\"scorecard\" role=\"img\" viewBox=\"0 0 640 {h}\" width=\"640\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\"><title>Use-case scorecard: each measure's value and health (the table below says the same)</title>"
    );
    for (n, sc) in a.scorecard.iter().enumerate() {
        let y = n * row + 5;
        let width = match sc.band {
            Band::Red => 60,
            Band::Yellow => 130,
            Band::Green => 200,
            Band::NotApplicable => 20,
        };
        let name = escape(&measure_name(&sc.measure_id));
        let value = escape(&value_text(sc.value, sc.unit));
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{name}</text><rect x=\"230\" y=\"{y}\" width=\"{width}\" height=\"16\" fill=\"{}\"><title>{name}: {value}, {}</title></rect><text x=\"{}\" y=\"{}\" font-size=\"12\">{value} · {}</text>",
            y + 12,
            color(sc.band),
            sc.band.sentence(),
            230 + width + 6,
            y + 12,
            sc.band.sentence()
        );
    }
    s.push_str("</svg>");
    s
}

/// A stage's name as a heading word: `create` → `Create`.
fn stage_name(stage: &str) -> String {
    let mut chars = stage.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// An SVG of stage breadth: metrics in use per stage, the counts written
/// beside each bar.
pub fn stages_svg(a: &Analysis) -> String {
    let stages: Vec<_> = a.stages.iter().take(12).collect();
    let max = stages.iter().map(|s| s.metrics).max().unwrap_or(1).max(1) as f64;
    let h = stages.len() * 20 + 10;
    let mut s = format!(
        "<svg class=\"stages\" role=\"img\" viewBox=\"0 0 560 {h}\" width=\"560\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\"><title>Stage breadth: metrics in use of those reported, per stage (the table below says the same)</title>"
    );
    for (n, st) in stages.iter().enumerate() {
        let y = n * 20 + 5;
        let total = (st.metrics as f64 / max * 300.0).round();
        let used = (st.non_zero as f64 / max * 300.0).round();
        let name = escape(&stage_name(&st.stage));
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{name}</text><rect x=\"120\" y=\"{y}\" width=\"{total}\" height=\"14\" fill=\"#ddd\"/><rect x=\"120\" y=\"{y}\" width=\"{used}\" height=\"14\" fill=\"#2f6fab\"><title>{name}: {} of {} metrics in use</title></rect><text x=\"{}\" y=\"{}\" font-size=\"12\">{} of {}</text>",
            y + 11,
            st.non_zero,
            st.metrics,
            120.0 + total + 6.0,
            y + 11,
            st.non_zero,
            st.metrics
        );
    }
    s.push_str("</svg>");
    s
}

/// The stage chart's numbers as a table.
fn stages_table(a: &Analysis) -> String {
    let mut s = String::from(
        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Stages as a table\"><table class=\"stages\"><thead><tr><th scope=\"col\">Stage</th><th scope=\"col\">Metrics in use</th><th scope=\"col\">Metrics reported</th></tr></thead><tbody>",
    );
    for st in a.stages.iter().take(12) {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&stage_name(&st.stage)),
            st.non_zero,
            st.metrics
        );
    }
    s.push_str("</tbody></table></div>");
    s
}

/// A self-contained HTML report (everything escaped; no scripts).
pub fn html(analyses: &[Analysis], comparisons: &[Comparison]) -> String {
    let mut s = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Service Ping report</title><style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}td,th{padding:.2rem .5rem;text-align:left}.red{color:#c62828}.yellow{color:#a67c00}.green{color:#2e7d32}</style></head><body><h1>Service Ping report</h1>",
    );
    for a in analyses {
        s.push_str(&fragment(a));
    }
    for c in comparisons {
        let _ = write!(
            s,
            "<h2>{} → {} ({} days)</h2><ul>",
            escape(&c.from),
            escape(&c.to),
            c.days
        );
        for sc in c.score_changes.iter().filter(|x| x.before != x.after) {
            let _ = write!(
                s,
                "<li>{}: {} → {}{}</li>",
                escape(&measure_name(&sc.measure_id)),
                sc.before.sentence(),
                sc.after.sentence(),
                if sc.drop {
                    " <strong>(a drop)</strong>"
                } else {
                    ""
                }
            );
        }
        for al in &c.alerts {
            let _ = write!(s, "<li><strong>{}</strong></li>", escape(al));
        }
        s.push_str("</ul>");
    }
    s.push_str("</body></html>");
    s
}

/// The report of one payload, for embedding in a page.
pub fn fragment(a: &Analysis) -> String {
    let mut s = String::new();
    let i = &a.instance;
    let _ = write!(
        s,
        "<section><h2>{}</h2><p>GitLab {} {} ({}) · instance {} · recorded {}</p>",
        escape(&a.file),
        escape(&i.version),
        escape(&i.edition),
        escape(&i.plan),
        escape(&i.uuid),
        i.recorded_at
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    );
    if let Some(v) = &a.version_age {
        let _ = write!(s, "<p>Version: {}</p>", escape(&v.advice));
    }
    s.push_str(&scorecard_svg(a));
    s.push_str("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Scorecard as a table\"><table><thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">Value</th><th scope=\"col\">Health</th><th scope=\"col\">Source or note</th></tr></thead><tbody>");
    for sc in &a.scorecard {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>",
            escape(&measure_name(&sc.measure_id)),
            escape(&value_text(sc.value, sc.unit)),
            sc.band.label().replace('/', ""),
            sc.band.sentence(),
            escape(
                sc.note
                    .as_deref()
                    .or(sc.source_key.as_deref())
                    .unwrap_or("")
            )
        );
    }
    s.push_str("</tbody></table></div><h3>Stages</h3>");
    s.push_str(&stages_svg(a));
    s.push_str(&stages_table(a));
    let _ = write!(
        s,
        "<p>{} keys, {} without a definition, {} failed to compute.</p>",
        a.keys,
        a.keys_without_definition,
        a.failed_metrics.len()
    );
    if !a.failed_metrics.is_empty() {
        s.push_str("<ul>");
        for f in a.failed_metrics.iter().take(50) {
            let _ = write!(
                s,
                "<li><code>{}</code> {}</li>",
                escape(&f.key),
                escape(&f.meaning)
            );
        }
        s.push_str("</ul>");
    }
    s.push_str("</section>");
    s
}
