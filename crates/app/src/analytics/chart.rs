//! Ramp reports as pictures and files: a box plot per cohort drawn as SVG
//! on the server (its values written on it; the page shows a table beside
//! it), and CSV.

use super::{Cohort, RampReport};

/// Escapes text for SVG and HTML.
fn escape(text: &str) -> String {
    ammonia::clean_text(text)
}

/// A quoted CSV cell; text a spreadsheet would run as a formula starts
/// with an apostrophe.
fn cell(text: &str) -> String {
    let guard = if text.starts_with(['=', '+', '-', '@']) {
        "'"
    } else {
        ""
    };
    format!("\"{guard}{}\"", text.replace('"', "\"\""))
}

fn number(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_default()
}

/// One row per cohort and milestone, with the spread in business days.
pub fn csv(report: &RampReport) -> String {
    let mut out = String::from("cohort,onboardings,milestone,reached,min,q1,median,q3,max\n");
    for c in &report.cohorts {
        for m in &c.milestones {
            let d = m.business_days.as_ref();
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{}\n",
                cell(&c.cohort),
                c.onboardings,
                cell(&m.key),
                m.reached,
                number(d.map(|d| d.min)),
                number(d.map(|d| d.q1)),
                number(d.map(|d| d.median)),
                number(d.map(|d| d.q3)),
                number(d.map(|d| d.max)),
            ));
        }
    }
    out
}

fn rate(v: f64) -> String {
    format!("{v:.3}")
}

/// One row per task of a program version, in the report's order.
pub fn tasks_csv(report: &super::ProgramReport) -> String {
    let mut out = String::from(
        "task,title,phase,onboardings,not_yet_due,done_rate,skipped_rate,late_rate,median_days_late,reopen_rate,median_days_to_done,comments\n",
    );
    for t in &report.tasks {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            cell(&t.key),
            cell(&t.title),
            cell(&t.phase),
            t.onboardings,
            t.not_yet_due,
            rate(t.done_rate),
            rate(t.skipped_rate),
            t.late_rate.map(rate).unwrap_or_default(),
            number(t.median_days_late),
            rate(t.reopen_rate),
            number(t.median_days_to_done),
            t.comments,
        ));
    }
    out
}

/// A bar per label (questions per week), its value written above it.
pub fn bars_svg(title: &str, bars: &[(String, usize)]) -> String {
    let highest = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let (step, top, tall) = (46.0, 20.0, 120.0);
    let width = bars.len() as f64 * step + 10.0;
    let mut s = format!(
        "<svg class=\"bars\" role=\"img\" viewBox=\"0 0 {width} {h}\" width=\"{width}\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{} (the table beside says the same)</title>",
        escape(title),
        h = top + tall + 36.0
    );
    for (n, (label, value)) in bars.iter().enumerate() {
        let x = n as f64 * step + 10.0;
        let h = *value as f64 / highest * tall;
        let y = top + tall - h;
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"30\" height=\"{h:.1}\" fill=\"#2f6fab\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{value}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            x + 15.0,
            y - 4.0,
            x + 15.0,
            top + tall + 16.0,
            escape(label)
        ));
    }
    s.push_str("</svg>");
    s
}

/// Two cohorts side by side: per milestone, a bar per cohort as long as its
/// median business days, the median written at its end.
pub fn paired_bars_svg(c: &super::Comparison) -> String {
    let median = |s: &Option<super::MilestoneSpread>| {
        s.as_ref()
            .and_then(|s| s.business_days.as_ref())
            .map(|d| d.median)
    };
    let highest = c
        .milestones
        .iter()
        .flat_map(|m| [median(&m.a), median(&m.b)])
        .flatten()
        .fold(1.0, f64::max);
    let (left, width, row) = (190.0, 300.0, 40.0);
    let height = c.milestones.len() as f64 * row + 30.0;
    let mut s = format!(
        "<svg class=\"compare\" role=\"img\" viewBox=\"0 0 600 {height}\" width=\"600\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\"><title>Median business days to each milestone: {} (light) and {} (dark); the table beside says the same</title>",
        escape(&c.a.cohort),
        escape(&c.b.cohort)
    );
    for (n, m) in c.milestones.iter().enumerate() {
        let y = n as f64 * row + 6.0;
        s.push_str(&format!(
            "<text x=\"0\" y=\"{:.0}\" font-size=\"11\">{}</text>",
            y + 16.0,
            escape(&m.name)
        ));
        for (k, (value, fill)) in [(median(&m.a), "#9cc3e6"), (median(&m.b), "#1b3d66")]
            .into_iter()
            .enumerate()
        {
            let top = y + k as f64 * 15.0;
            let Some(v) = value else {
                s.push_str(&format!(
                    "<text x=\"{left}\" y=\"{:.0}\" font-size=\"10\">not reached</text>",
                    top + 11.0
                ));
                continue;
            };
            let w = v / highest * width;
            s.push_str(&format!(
                "<rect x=\"{left}\" y=\"{top:.1}\" width=\"{w:.1}\" height=\"13\" fill=\"{fill}\"/><text x=\"{:.1}\" y=\"{:.0}\" font-size=\"10\">{v:.1}</text>",
                left + w + 4.0,
                top + 11.0
            ));
        }
    }
    s.push_str("</svg>");
    s
}

/// One row per milestone of a comparison.
pub fn compare_csv(c: &super::Comparison) -> String {
    let mut out = String::from(
        "milestone,cohort_a,reached_a,median_a,q1_a,q3_a,cohort_b,reached_b,median_b,q1_b,q3_b,median_difference\n",
    );
    for m in &c.milestones {
        let side = |s: &Option<super::MilestoneSpread>| {
            let d = s.as_ref().and_then(|s| s.business_days.as_ref());
            format!(
                "{},{},{},{}",
                s.as_ref().map_or(0, |s| s.reached),
                number(d.map(|d| d.median)),
                number(d.map(|d| d.q1)),
                number(d.map(|d| d.q3))
            )
        };
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            cell(&m.key),
            cell(&c.a.cohort),
            side(&m.a),
            cell(&c.b.cohort),
            side(&m.b),
            number(m.median_difference)
        ));
    }
    out
}

/// Business days to `milestone` per cohort as horizontal box plots: the
/// whiskers from the fastest to the slowest, the box the middle half, a
/// bar at the median, whose value is written beside it. Empty when no
/// cohort reached the milestone.
pub fn box_plot_svg(cohorts: &[Cohort], milestone: &str) -> String {
    let rows: Vec<(&Cohort, &onramp_core::ramp::Distribution)> = cohorts
        .iter()
        .filter_map(|c| {
            let m = c.milestones.iter().find(|m| m.key == milestone)?;
            Some((c, m.business_days.as_ref()?))
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let lowest = rows.iter().map(|(_, d)| d.min).fold(0.0, f64::min);
    let highest = rows.iter().map(|(_, d)| d.max).fold(1.0, f64::max);
    let (left, width, row) = (110.0, 300.0, 28.0);
    let x = |v: f64| left + (v - lowest) / (highest - lowest).max(1.0) * width;
    let height = rows.len() as f64 * row + 30.0;
    let mut s = format!(
        "<svg class=\"ramp\" role=\"img\" viewBox=\"0 0 600 {height}\" width=\"600\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\"><title>Business days to the milestone per cohort: range, middle half and median (the table beside says the same)</title>"
    );
    for (n, (c, d)) in rows.iter().enumerate() {
        let y = n as f64 * row + 10.0;
        let mid = y + 8.0;
        s.push_str(&format!(
            "<text x=\"0\" y=\"{:.0}\" font-size=\"12\">{}</text>\
             <line x1=\"{:.1}\" y1=\"{mid:.1}\" x2=\"{:.1}\" y2=\"{mid:.1}\" stroke=\"#555\"/>\
             <rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"16\" fill=\"#cfe0f3\" stroke=\"#2f6fab\"/>\
             <line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#1b3d66\" stroke-width=\"3\"/>\
             <text x=\"{:.1}\" y=\"{:.0}\" font-size=\"12\">median {:.1} ({} reached)</text>",
            mid + 4.0,
            escape(&c.cohort),
            x(d.min),
            x(d.max),
            x(d.q1),
            (x(d.q3) - x(d.q1)).max(1.0),
            x(d.median),
            x(d.median),
            y + 16.0,
            left + width + 12.0,
            mid + 4.0,
            d.median,
            d.n
        ));
    }
    let axis = rows.len() as f64 * row + 24.0;
    s.push_str(&format!(
        "<text x=\"{left}\" y=\"{axis:.0}\" font-size=\"11\">{lowest:.0}</text><text x=\"{:.0}\" y=\"{axis:.0}\" font-size=\"11\" text-anchor=\"end\">{highest:.0} business days</text></svg>",
        left + width
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::super::{Cohort, MilestoneSpread, RampReport};
    use super::*;

    fn cohort(name: &str, days: &[i64]) -> Cohort {
        Cohort {
            cohort: name.into(),
            onboardings: days.len(),
            milestones: vec![MilestoneSpread {
                key: "first-led".into(),
                name: "First customer meeting led".into(),
                reached: days.len(),
                business_days: onramp_core::ramp::distribution(days),
            }],
            withheld: false,
        }
    }

    #[test]
    fn bars_write_their_values() {
        let svg = bars_svg(
            "Questions <per> week",
            &[("12 Oct".into(), 3), ("19 Oct".into(), 0)],
        );
        assert!(
            svg.contains(">3</text>") && svg.contains(">0</text>"),
            "{svg}"
        );
        assert!(
            svg.contains("12&#32;Oct") && svg.contains("&lt;per&gt;"),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 2);
    }

    #[test]
    fn the_box_plot_writes_each_median_and_escapes_names() {
        let cohorts = vec![
            cohort("2026-Q1", &[10, 20, 30]),
            cohort("<b>Q2</b>", &[5, 15]),
        ];
        let svg = box_plot_svg(&cohorts, "first-led");
        assert!(svg.contains("median 20.0 (3 reached)"), "{svg}");
        assert!(svg.contains("median 10.0 (2 reached)"), "{svg}");
        assert!(!svg.contains("<b>") && svg.contains("&lt;b&gt;Q2"), "{svg}");
        assert_eq!(box_plot_svg(&cohorts, "pathway-complete"), "");
        let report = RampReport {
            by: "quarter".into(),
            cohorts,
            onboardings: Vec::new(),
        };
        let text = csv(&report);
        assert!(text.starts_with("cohort,onboardings,milestone,reached,min,q1,median,q3,max\n"));
        assert!(
            text.contains("\"2026-Q1\",3,\"first-led\",3,10.0,15.0,20.0,25.0,30.0\n"),
            "{text}"
        );
    }
}
