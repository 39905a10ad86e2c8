//! Two cohorts side by side: did the new program version ramp faster than
//! the old one?

use super::{Cohort, MilestoneSpread, RampReport};
use crate::Error;
use serde::Serialize;
use utoipa::ToSchema;

/// One side of a comparison.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Side {
    pub cohort: String,
    pub onboardings: usize,
    /// Too few people the viewer may not all see: no figures.
    pub withheld: bool,
}

/// One milestone of both cohorts.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ComparedMilestone {
    pub key: String,
    pub name: String,
    pub a: Option<MilestoneSpread>,
    pub b: Option<MilestoneSpread>,
    /// The median business days of `b` less those of `a`: below zero, `b`
    /// got there faster.
    pub median_difference: Option<f64>,
}

impl ComparedMilestone {
    /// Both sides, `a` first.
    pub fn sides(&self) -> [Option<&MilestoneSpread>; 2] {
        [self.a.as_ref(), self.b.as_ref()]
    }
}

/// Two cohorts' time to each milestone, side by side.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Comparison {
    pub by: String,
    pub a: Side,
    pub b: Side,
    pub milestones: Vec<ComparedMilestone>,
}

fn find<'r>(report: &'r RampReport, field: &str, name: &str) -> Result<&'r Cohort, Error> {
    report
        .cohorts
        .iter()
        .find(|c| c.cohort == name.trim())
        .ok_or_else(|| {
            let known: Vec<&str> = report.cohorts.iter().map(|c| c.cohort.as_str()).collect();
            Error::bad(
                field,
                format!(
                    "there is no cohort `{name}` by {} (cohorts: {})",
                    report.by,
                    known.join(", ")
                ),
            )
        })
}

/// Cohorts `a` and `b` of a report side by side, milestone by milestone
/// (in the order they first appear in either).
pub fn compare(report: &RampReport, a: &str, b: &str) -> Result<Comparison, Error> {
    let (first, second) = (find(report, "a", a)?, find(report, "b", b)?);
    let mut keys: Vec<(String, String)> = Vec::new();
    for m in first.milestones.iter().chain(&second.milestones) {
        if !keys.iter().any(|(k, _)| k == &m.key) {
            keys.push((m.key.clone(), m.name.clone()));
        }
    }
    let spread = |c: &Cohort, key: &str| c.milestones.iter().find(|m| m.key == key).cloned();
    let milestones = keys
        .into_iter()
        .map(|(key, name)| {
            let (a, b) = (spread(first, &key), spread(second, &key));
            let median = |s: &Option<MilestoneSpread>| {
                s.as_ref()
                    .and_then(|s| s.business_days.as_ref())
                    .map(|d| d.median)
            };
            let median_difference = median(&a).zip(median(&b)).map(|(a, b)| b - a);
            ComparedMilestone {
                key,
                name,
                a,
                b,
                median_difference,
            }
        })
        .collect();
    let side = |c: &Cohort| Side {
        cohort: c.cohort.clone(),
        onboardings: c.onboardings,
        withheld: c.withheld,
    };
    Ok(Comparison {
        by: report.by.clone(),
        a: side(first),
        b: side(second),
        milestones,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use onramp_core::ramp::distribution;

    fn cohort(name: &str, first_led: &[i64], done: &[i64]) -> Cohort {
        let spread = |key: &str, days: &[i64]| MilestoneSpread {
            key: key.into(),
            name: key.into(),
            reached: days.len(),
            business_days: distribution(days),
        };
        Cohort {
            cohort: name.into(),
            onboardings: 4,
            milestones: vec![spread("first-led", first_led), spread("complete", done)],
            withheld: false,
        }
    }

    #[test]
    fn the_second_cohort_ramps_faster_by_the_difference_of_medians() {
        let report = RampReport {
            by: "program".into(),
            cohorts: vec![
                cohort("CSM v1", &[30, 34, 40], &[70, 80]),
                cohort("CSM v2", &[20, 25, 28], &[]),
            ],
            onboardings: Vec::new(),
        };
        let c = compare(&report, "CSM v1", "CSM v2").expect("both exist");
        assert_eq!(
            (c.a.cohort.as_str(), c.b.cohort.as_str()),
            ("CSM v1", "CSM v2")
        );
        assert_eq!(c.milestones[0].median_difference, Some(-9.0));
        // Nobody of v2 completed yet: no difference to give.
        assert_eq!(c.milestones[1].median_difference, None);
        let e = compare(&report, "CSM v1", "CSM v3").expect_err("no such cohort");
        assert!(
            matches!(&e, Error::Invalid { field, message } if field == "b" && message.contains("CSM v1, CSM v2")),
            "{e:?}"
        );
    }
}
