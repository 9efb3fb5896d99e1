//! Stopping a drive the moment an SLA is lost (`abort = true` on a rule).
//!
//! A drive's final verdict holds the measured value against the line. To
//! stop early, the drive asks at every look (each interval of scenario
//! time) whether the rule has failed beyond doubt on what was measured so
//! far. Each abortable rule is a share of shoppers on the wrong side of a
//! line: the `left_*` shares and `shoppers_lost` count shoppers who left;
//! a response-time percentile `pNN <= B` fails exactly when more than
//! 1 - NN% of the responses took longer than `B`. So each look reads a
//! one-sided Wilson score bound on that share, at the error the
//! sequential procedure spends (2.5% one way, split over the looks the
//! drive may take, `super::sequential`), and the rule is lost when even
//! the bound is past the line. The bound treats shoppers as independent;
//! a queue's waits are positively correlated, which makes it tighter than
//! it should be, so `abort_after` (observations and scenario time) keeps
//! an early, small sample from deciding.

use super::metric::Metric;
use super::rule::{Bound, Rule, Scope, Stat};
use crate::metrics::{RunHistograms, Tally};
use crate::profile::checks::{Invalid, invalid};
use crate::profile::raw::{RawRule, RawThreshold};
use crate::time::SimTime;
use statrs::distribution::{ContinuousCDF, Normal};

pub use super::rule::Abort;

/// The least `abort_after` observations.
pub const DEFAULT_OBSERVATIONS: u64 = 50;

/// Why a rule cannot stop a drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotAbortable {
    /// It is scoped.
    #[error("only a rule over all shoppers (no scope) can stop a drive")]
    Scoped,
    /// Its metric, statistic or bound cannot be decided live.
    #[error(
        "only a `max` on a left_* share, shoppers_lost or a response-time percentile can stop a drive"
    )]
    Metric,
}

/// Whether `metric` and `stat` (scope all) can stop a drive: `Err` says
/// what can.
pub fn abortable(
    metric: Metric,
    stat: Stat,
    scope: Scope,
    bound: Bound,
) -> Result<(), NotAbortable> {
    let share_max = matches!(
        metric,
        Metric::LeftBeforeAnswer
            | Metric::LeftWaitingForHuman
            | Metric::LeftMidConversation
            | Metric::ShoppersLost
    ) && matches!(bound, Bound::Max(_));
    let time_max = matches!(
        metric,
        Metric::FirstResponse
            | Metric::HumanResponse
            | Metric::MessageResponse
            | Metric::ConversationResponse
    ) && matches!(stat, Stat::Quantile(_))
        && matches!(bound, Bound::Max(_));
    if scope != Scope::All {
        return Err(NotAbortable::Scoped);
    }
    if share_max || time_max {
        Ok(())
    } else {
        Err(NotAbortable::Metric)
    }
}

/// Reads a rule's `abort` and `abort_after` (at `key`).
pub fn read(
    key: &str,
    r: &RawRule,
    rule: (Metric, Stat, Scope, Bound),
) -> Result<Option<Abort>, Invalid> {
    let k = |f: &str| format!("{key}.{f}");
    if r.abort != Some(true) {
        return match r.abort_after {
            Some(_) => Err(invalid(k("abort_after"), "applies only with abort = true")),
            None => Ok(None),
        };
    }
    let (metric, stat, scope, bound) = rule;
    abortable(metric, stat, scope, bound).map_err(|why| invalid(k("abort"), why.to_string()))?;
    Ok(Some(match r.abort_after {
        None => Abort {
            after_observations: DEFAULT_OBSERVATIONS,
            after: 0,
        },
        Some(RawThreshold(s, true)) => Abort {
            after_observations: DEFAULT_OBSERVATIONS,
            after: crate::time::from_secs_f64(s),
        },
        Some(RawThreshold(n, false)) if n >= 1.0 && n.fract() == 0.0 => Abort {
            after_observations: n as u64,
            after: 0,
        },
        Some(RawThreshold(n, false)) => {
            return Err(invalid(
                k("abort_after"),
                format!(
                    "{n}: expected a number of observations (a whole number >= 1) or a scenario time such as \"10m\""
                ),
            ));
        }
    }))
}

/// The shoppers on the wrong side of the rule's line so far, of how many,
/// and the largest share of them the rule allows.
fn wrong_side(rule: &Rule, total: &Tally, h: &RunHistograms) -> Option<(u64, u64, f64)> {
    let Bound::Max(line) = rule.bound else {
        return None;
    };
    let hist = match rule.metric {
        Metric::FirstResponse => &h.first_response,
        Metric::HumanResponse => &h.human_response,
        Metric::MessageResponse => &h.message_response,
        Metric::ConversationResponse => &h.conversation_response,
        m => {
            let share = m.share_of(total)?;
            let n = total.counts.arrived;
            return Some(((share * n as f64).round() as u64, n, line));
        }
    };
    let Stat::Quantile(q) = rule.stat else {
        return None;
    };
    let n = hist.len();
    let limit = crate::time::from_secs_f64(line);
    let over = n - hist.count_between(0, limit).min(n);
    Some((over, n, 1.0 - q))
}

/// The one-sided lower Wilson score bound of `k` of `n` at error `alpha`.
pub fn wilson_lower(k: u64, n: u64, alpha: f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let z = Normal::new(0.0, 1.0)
        .expect("the standard normal")
        .inverse_cdf(1.0 - alpha);
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let centre = p + z * z / (2.0 * n);
    let spread = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((centre - spread) / (1.0 + z * z / n)).max(0.0)
}

/// Why `rule` is lost beyond doubt at scenario time `elapsed` into the
/// drive, with `looks` looks in all; `None` while it is not.
pub fn lost(
    rule: &Rule,
    abort: Abort,
    elapsed: SimTime,
    looks: u32,
    total: &Tally,
    h: &RunHistograms,
) -> Option<String> {
    if elapsed < abort.after {
        return None;
    }
    let (k, n, allowed) = wrong_side(rule, total, h)?;
    if n < abort.after_observations.max(1) {
        return None;
    }
    let alpha = super::sequential::ALPHA / 2.0 / f64::from(looks.max(1));
    let low = wilson_lower(k, n, alpha);
    (low > allowed).then(|| {
        format!(
            "the SLA is lost: {} — {k} of {n} on the wrong side of the line, at least {:.1}% at {:.2}% confidence, over the {:.1}% the rule allows",
            rule.name,
            100.0 * low,
            100.0 * (1.0 - alpha),
            100.0 * allowed
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_bound_matches_a_known_value() {
        // 30 of 100 at one-sided 97.5% (z = 1.96): 0.2189 (Wilson 1927).
        let low = wilson_lower(30, 100, 0.025);
        assert!((low - 0.2189).abs() < 5e-4, "{low}");
        assert_eq!(wilson_lower(0, 0, 0.025), 0.0);
        assert!(wilson_lower(0, 50, 0.025) == 0.0);
    }

    #[test]
    fn only_maxima_over_everyone_can_stop_a_drive() {
        let q = Stat::Quantile(0.9);
        assert!(abortable(Metric::FirstResponse, q, Scope::All, Bound::Max(30.0)).is_ok());
        assert!(
            abortable(
                Metric::ShoppersLost,
                Stat::Share,
                Scope::All,
                Bound::Max(0.1)
            )
            .is_ok()
        );
        assert!(
            abortable(
                Metric::FirstResponse,
                Stat::Mean,
                Scope::All,
                Bound::Max(3.0)
            )
            .is_err()
        );
        assert!(abortable(Metric::Occupancy, Stat::Share, Scope::All, Bound::Max(0.9)).is_err());
        assert!(
            abortable(
                Metric::ShoppersLost,
                Stat::Share,
                Scope::Segment(0),
                Bound::Max(0.1)
            )
            .is_err()
        );
    }
}
