//! Verdicts whose error rate holds however many times `check
//! --replications auto` looks at the data.
//!
//! Looking at a 95% interval after every round of replications and stopping
//! at the first conclusive one raises the chance of a wrong verdict with
//! every look (near the line, 20 looks at 95% call a passing desk failing
//! far more often than 2.5% of the time). The procedure here is alpha
//! spending with a Bonferroni split: a check that may look K times (the cap
//! over the round size) reads, at every look, a two-sided Student-t interval
//! at confidence 1 - 5%/K. By the union bound the chance that any of the K
//! intervals misses the truth is at most 5%, so a verdict is wrong with
//! probability at most 2.5% each way, the same guarantee as one 95%
//! interval read once, whenever the procedure stops. A fixed number of
//! replications is one look at 95%. The guarantee rests on the replications'
//! values being close to normal (each is an average over a whole
//! replication), as every Student-t interval does.

use super::rule::Bound;
use crate::stats::mean_and_se;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A rule's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The whole interval is on the good side.
    Pass,
    /// The whole interval is on the bad side.
    Fail,
    /// The interval straddles the threshold, or there is none.
    Inconclusive,
}

/// The error spent over all looks: two-sided, so 2.5% each way.
pub const ALPHA: f64 = 0.05;

/// The confidence of each look when a check may look `looks` times.
pub fn confidence(looks: u32) -> f64 {
    1.0 - ALPHA / f64::from(looks.max(1))
}

/// The two-sided Student-t interval of the mean of `xs` at `confidence`;
/// `None` with fewer than two values.
pub fn interval(xs: &[f64], confidence: f64) -> Option<[f64; 2]> {
    let (mean, se) = mean_and_se(xs)?;
    let t = StudentsT::new(0.0, 1.0, (xs.len() - 1) as f64)
        .ok()?
        .inverse_cdf(1.0 - (1.0 - confidence) / 2.0);
    Some([mean - t * se, mean + t * se])
}

/// The verdict of replication values `xs` against `bound` at `confidence`,
/// with the interval it was read from: pass when the whole interval is on
/// the good side, fail when it is all on the bad side.
pub fn decide(xs: &[f64], bound: Bound, confidence: f64) -> (Verdict, Option<[f64; 2]>) {
    let ci = interval(xs, confidence);
    let verdict = match (ci, bound) {
        (Some([_, hi]), Bound::Max(m)) if hi <= m => Verdict::Pass,
        (Some([lo, _]), Bound::Max(m)) if lo > m => Verdict::Fail,
        (Some([lo, _]), Bound::Min(m)) if lo >= m => Verdict::Pass,
        (Some([_, hi]), Bound::Min(m)) if hi < m => Verdict::Fail,
        _ => Verdict::Inconclusive,
    };
    (verdict, ci)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};

    /// Runs the auto procedure on normal values with mean `mu` against a
    /// `max = 0` line: rounds of 10 up to 200, each look at `conf`.
    fn auto(seed: u64, mu: f64, conf: f64) -> Verdict {
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed);
        let normal = Normal::new(mu, 1.0).unwrap();
        let mut xs = Vec::new();
        while xs.len() < 200 {
            xs.extend((0..10).map(|_| normal.sample(&mut rng)));
            let (v, _) = decide(&xs, Bound::Max(0.0), conf);
            if v != Verdict::Inconclusive {
                return v;
            }
        }
        Verdict::Inconclusive
    }

    /// Binomial upper limit: `p` plus three standard errors over `n` trials.
    fn upper(p: f64, n: u32) -> f64 {
        p + 3.0 * (p * (1.0 - p) / f64::from(n)).sqrt()
    }

    #[test]
    fn near_the_line_false_alarms_stay_at_the_stated_level() {
        // The truth is just on the passing side: 0.05 standard deviations
        // of one replication, well inside what 200 replications resolve.
        let seeds = 2000;
        let count = |conf: f64| {
            (0..seeds)
                .filter(|s| auto(*s, -0.05, conf) == Verdict::Fail)
                .count() as f64
                / f64::from(seeds as u32)
        };
        let spent = count(confidence(20));
        assert!(
            spent <= upper(ALPHA / 2.0, seeds as u32),
            "false alarms {spent}"
        );
        // Looking 20 times at 95% breaks the same guarantee: the test can fail.
        let naive = count(0.95);
        eprintln!("false alarms: spent {spent:.4}, naive 95% at every look {naive:.4}");
        assert!(naive > upper(ALPHA / 2.0, seeds as u32), "naive {naive}");
    }

    #[test]
    fn far_from_the_line_verdicts_are_near_certain() {
        let conf = confidence(20);
        let seeds = 400;
        let pass = (0..seeds)
            .filter(|s| auto(*s, -1.5, conf) == Verdict::Pass)
            .count();
        let fail = (0..seeds)
            .filter(|s| auto(*s, 1.5, conf) == Verdict::Fail)
            .count();
        assert!(
            pass >= 396 && fail >= 396,
            "pass {pass}, fail {fail} of {seeds}"
        );
    }

    #[test]
    fn one_look_is_the_student_t_95_interval() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        let [lo, hi] = interval(&xs, 0.95).unwrap();
        let half = crate::stats::t975(4) * mean_and_se(&xs).unwrap().1;
        assert!((hi - 3.0 - half).abs() < 1e-3 && (3.0 - lo - half).abs() < 1e-3);
    }
}
