//! The spread of a measure over a cohort: median and quartiles.

use serde::Serialize;

/// How a measure is spread over a cohort (business days, for milestones).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Distribution {
    /// How many values (onboardings that reached the milestone).
    pub n: usize,
    pub min: f64,
    /// The first quartile.
    pub q1: f64,
    pub median: f64,
    /// The third quartile.
    pub q3: f64,
    pub max: f64,
}

/// The quantile `p` (0–1) of sorted values, interpolated between the two
/// nearest ranks (the common "type 7" definition, as spreadsheets use).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let last = sorted.len() - 1;
    let rank = p * last as f64;
    let below = rank.floor() as usize;
    let above = rank.ceil() as usize;
    let weight = rank - below as f64;
    sorted[below] + (sorted[above.min(last)] - sorted[below]) * weight
}

/// The distribution of some values; `None` without any.
pub fn distribution(values: &[i64]) -> Option<Distribution> {
    if values.is_empty() {
        return None;
    }
    let mut sorted: Vec<f64> = values.iter().map(|v| *v as f64).collect();
    sorted.sort_by(f64::total_cmp);
    Some(Distribution {
        n: sorted.len(),
        min: sorted[0],
        q1: quantile(&sorted, 0.25),
        median: quantile(&sorted, 0.5),
        q3: quantile(&sorted, 0.75),
        max: sorted[sorted.len() - 1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quartiles_of_a_small_cohort() {
        let d = distribution(&[10, 30, 20, 40, 50]).expect("values");
        assert_eq!(
            (d.n, d.min, d.q1, d.median, d.q3, d.max),
            (5, 10.0, 20.0, 30.0, 40.0, 50.0)
        );
        let d = distribution(&[1, 2, 3, 4]).expect("values");
        assert_eq!((d.q1, d.median, d.q3), (1.75, 2.5, 3.25));
        let one = distribution(&[7]).expect("one");
        assert_eq!((one.q1, one.median, one.q3), (7.0, 7.0, 7.0));
        assert_eq!(distribution(&[]), None);
    }

    proptest! {
        #[test]
        fn the_median_lies_between_the_quartiles(values in prop::collection::vec(-400i64..400, 1..200)) {
            let d = distribution(&values).expect("values");
            prop_assert_eq!(d.n, values.len());
            prop_assert!(d.min <= d.q1 && d.q1 <= d.median && d.median <= d.q3 && d.q3 <= d.max);
            prop_assert_eq!(d.min, *values.iter().min().expect("min") as f64);
            prop_assert_eq!(d.max, *values.iter().max().expect("max") as f64);
            // Half the values are at or below the median, half at or above.
            let below = values.iter().filter(|v| (**v as f64) <= d.median).count();
            let above = values.iter().filter(|v| (**v as f64) >= d.median).count();
            prop_assert!(2 * below >= values.len() && 2 * above >= values.len());
        }
    }
}
