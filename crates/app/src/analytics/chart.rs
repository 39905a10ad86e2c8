//! Ramp reports as pictures and files: a box plot per cohort drawn as SVG
//! on the server (its values written on it; the page shows a table beside
//! it), and CSV.

use super::{Cohort, RampReport};

/// Escapes text for SVG and HTML.
fn escape(text: &str) -> String {
    ammonia::clean_text(text)
}

fn number(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_default()
}

/// One row per cohort and milestone, with the spread in business days.
pub fn csv(report: &RampReport) -> String {
    let cell = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
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
