//! Estimators for durations seen with right censoring: a shopper who was
//! answered after waiting 40 s had a patience of at least 40 s, not of
//! 40 s, and one who is left out altogether makes patience look shorter
//! than it is. These estimators use both kinds of row.
//!
//! - Kaplan-Meier (the empirical survival curve), with the tail beyond the
//!   largest observed wait completed by an exponential through the curve's
//!   last value (Brown, Hollander and Korwar 1974).
//! - Maximum likelihood for the exponential (events / total exposure) and
//!   the Weibull (the shape's profile equation solved by bisection), with
//!   95% intervals from the observed information on the log scale.
//! - The largest gap between the Kaplan-Meier curve and a fitted survival
//!   over the observed range, a Kolmogorov-Smirnov-type distance.
//!
//! With no censored row every estimator reduces to its textbook uncensored
//! form, so the uncensored Weibull fit of durations uses the same solver.

use crate::stats::{ln_gamma, normal_quantile};

/// One observed wait: `t` seconds, and whether the event (leaving) was seen
/// (`event = false`: censored, the shopper was answered first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Obs {
    /// The wait, seconds.
    pub t: f64,
    /// Whether the shopper left at `t` (otherwise patience is at least `t`).
    pub event: bool,
}

/// Points used to spread the tail beyond the largest observed wait.
const TAIL_POINTS: usize = 20;

/// The Kaplan-Meier survival curve.
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    /// Distinct event times, ascending, with the survival just after each.
    pub steps: Vec<(f64, f64)>,
    /// The largest observed wait (event or censored).
    pub last: f64,
}

impl KaplanMeier {
    /// The curve from observations in any order (at a tied time, the events
    /// come before the censorings, the usual convention).
    pub fn new(obs: &[Obs]) -> KaplanMeier {
        let mut sorted = obs.to_vec();
        sorted.sort_by(|a, b| a.t.total_cmp(&b.t).then(b.event.cmp(&a.event)));
        let mut at_risk = sorted.len() as f64;
        let mut s = 1.0;
        let mut steps = Vec::new();
        let mut i = 0;
        while i < sorted.len() {
            let t = sorted[i].t;
            let (mut died, mut gone) = (0.0, 0.0);
            while i < sorted.len() && sorted[i].t == t {
                died += f64::from(u8::from(sorted[i].event));
                gone += 1.0;
                i += 1;
            }
            if died > 0.0 {
                s *= 1.0 - died / at_risk;
                steps.push((t, s));
            }
            at_risk -= gone;
        }
        KaplanMeier {
            steps,
            last: sorted.last().map_or(0.0, |o| o.t),
        }
    }

    /// Survival beyond the largest observed wait (0 when the last one left).
    pub fn remaining(&self) -> f64 {
        self.steps.last().map_or(1.0, |s| s.1)
    }

    /// The distribution as `(seconds, probability)` points: the curve's
    /// drops, then the remaining mass spread over an exponential tail that
    /// starts at the largest observed wait and passes through the curve
    /// there (hazard `-ln S(last) / last`), at the midpoints of
    /// `TAIL_POINTS` equal-probability slices. `None` when nobody left.
    pub fn masses(&self) -> Option<Vec<(f64, f64)>> {
        if self.steps.is_empty() {
            return None;
        }
        let mut out = Vec::with_capacity(self.steps.len() + TAIL_POINTS);
        let mut prev = 1.0;
        for &(t, s) in &self.steps {
            out.push((t, prev - s));
            prev = s;
        }
        let rest = self.remaining();
        if rest > 0.0 {
            let hazard = -rest.ln() / self.last;
            for j in 0..TAIL_POINTS {
                let p = (j as f64 + 0.5) / TAIL_POINTS as f64;
                out.push((
                    self.last - (1.0 - p).ln() / hazard,
                    rest / TAIL_POINTS as f64,
                ));
            }
        }
        Some(out)
    }

    /// The largest gap between this curve and `survival` over the observed
    /// range: at each drop, against the curve just before and just after.
    pub fn distance(&self, survival: &dyn Fn(f64) -> f64) -> f64 {
        let mut prev = 1.0;
        let mut worst: f64 = 0.0;
        for &(t, s) in &self.steps {
            let f = survival(t);
            worst = worst.max((f - prev).abs()).max((f - s).abs());
            prev = s;
        }
        worst.max((survival(self.last) - prev).abs())
    }
}

/// A parametric fit with its uncertainty.
pub struct Fit {
    /// The profile's distribution parameters: `(name, value)`.
    pub parameters: Vec<(&'static str, f64)>,
    /// 95% intervals of the same parameters.
    pub ci95: Vec<(&'static str, [f64; 2])>,
    /// The fitted mean, seconds.
    pub mean: f64,
    /// The fitted survival function.
    pub survival: Box<dyn Fn(f64) -> f64>,
}

/// The interval `estimate x exp(+-z se)` for a log-scale standard error.
fn log_interval(estimate: f64, se_log: f64) -> [f64; 2] {
    let z = normal_quantile(0.975);
    [
        estimate * (-z * se_log).exp(),
        estimate * (z * se_log).exp(),
    ]
}

/// Events seen.
fn events(obs: &[Obs]) -> usize {
    obs.iter().filter(|o| o.event).count()
}

/// The exponential's maximum-likelihood mean, total exposure / events,
/// with the interval from the observed information (var of ln mean = 1/d).
/// `None` without an event.
pub fn exponential(obs: &[Obs]) -> Option<Fit> {
    let d = events(obs);
    if d == 0 {
        return None;
    }
    let mean = obs.iter().map(|o| o.t).sum::<f64>() / d as f64;
    Some(Fit {
        parameters: vec![("mean_s", mean)],
        ci95: vec![("mean_s", log_interval(mean, 1.0 / (d as f64).sqrt()))],
        mean,
        survival: Box::new(move |t| (-t / mean).exp()),
    })
}

/// The Weibull's maximum-likelihood shape and scale under right censoring,
/// with 95% intervals from the inverse observed information in
/// (ln shape, ln scale). `None` with fewer than two events, or an event at 0.
pub fn weibull(obs: &[Obs]) -> Option<Fit> {
    let d = events(obs);
    if d < 2 || obs.iter().any(|o| o.event && o.t <= 0.0) {
        return None;
    }
    let ts: Vec<f64> = obs.iter().map(|o| o.t).collect();
    let mean_log = obs
        .iter()
        .filter(|o| o.event)
        .map(|o| o.t.ln())
        .sum::<f64>()
        / d as f64;
    let k = weibull_shape(&ts, mean_log);
    let scale = weibull_scale(&ts, k, d);
    // Observed information in (a, b) = (ln k, ln scale) at the maximum,
    // with u = t / scale: I_aa = d + k^2 S2, I_bb = k^2 d, I_ab = -k^2 S1,
    // S1 = sum u^k ln u, S2 = sum u^k (ln u)^2.
    let (mut s1, mut s2) = (0.0, 0.0);
    for t in ts.iter().filter(|t| **t > 0.0) {
        let lu = (t / scale).ln();
        let p = (k * lu).exp();
        s1 += p * lu;
        s2 += p * lu * lu;
    }
    let d = d as f64;
    let (iaa, ibb, iab) = (d + k * k * s2, k * k * d, -k * k * s1);
    let det = iaa * ibb - iab * iab;
    let (se_a, se_b) = ((ibb / det).sqrt(), (iaa / det).sqrt());
    Some(Fit {
        parameters: vec![("shape", k), ("scale_s", scale)],
        ci95: vec![
            ("shape", log_interval(k, se_a)),
            ("scale_s", log_interval(scale, se_b)),
        ],
        mean: scale * ln_gamma(1.0 + 1.0 / k).exp(),
        survival: Box::new(move |t| (-(t / scale).powf(k)).exp()),
    })
}

/// The Weibull scale for shape `k`: (sum t^k / events)^(1/k).
pub fn weibull_scale(ts: &[f64], k: f64, events: usize) -> f64 {
    (ts.iter().map(|x| x.powf(k)).sum::<f64>() / events as f64).powf(1.0 / k)
}

/// The maximum-likelihood Weibull shape: the root of
/// sum(t^k ln t) / sum(t^k) - 1/k - `mean_log_events` over every wait `ts`
/// (censored ones included; waits of 0 add nothing), found by bisection.
/// The left side increases with k, so the root is unique.
pub fn weibull_shape(ts: &[f64], mean_log_events: f64) -> f64 {
    let g = |k: f64| {
        let (mut a, mut b) = (0.0, 0.0);
        for x in ts.iter().filter(|x| **x > 0.0) {
            let p = x.powf(k);
            a += p * x.ln();
            b += p;
        }
        a / b - 1.0 / k - mean_log_events
    };
    let (mut lo, mut hi): (f64, f64) = (0.02, 50.0);
    for _ in 0..100 {
        let mid = (lo * hi).sqrt();
        if g(mid) > 0.0 { hi = mid } else { lo = mid }
    }
    (lo * hi).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(list: &[(f64, bool)]) -> Vec<Obs> {
        list.iter().map(|&(t, event)| Obs { t, event }).collect()
    }

    #[test]
    fn kaplan_meier_matches_the_hand_computed_curve() {
        // At risk 5: 1 leaves at 10 (S = 4/5); 20 answered; at risk 3: 1
        // leaves at 30 (S = 4/5 x 2/3); 40 answered, 50 answered.
        let km = KaplanMeier::new(&obs(&[
            (30.0, true),
            (10.0, true),
            (20.0, false),
            (50.0, false),
            (40.0, false),
        ]));
        assert_eq!(km.steps.len(), 2);
        assert!((km.steps[0].1 - 0.8).abs() < 1e-12);
        assert!((km.steps[1].1 - 0.8 * 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(km.last, 50.0);
        let m = km.masses().unwrap();
        assert_eq!(m.len(), 2 + TAIL_POINTS);
        assert!((m.iter().map(|p| p.1).sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(m[2..].iter().all(|p| p.0 > 50.0));
        // Without censoring it is the empirical distribution, with no tail.
        let km = KaplanMeier::new(&obs(&[(1.0, true), (2.0, true), (2.0, true)]));
        assert_eq!(km.masses().unwrap().len(), 2);
        assert!((km.masses().unwrap()[1].1 - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn exponential_is_exposure_over_events() {
        let f = exponential(&obs(&[(10.0, true), (30.0, false), (20.0, true)])).unwrap();
        assert_eq!(f.mean, 30.0);
        let [lo, hi] = f.ci95[0].1;
        assert!(lo < 30.0 && hi > 30.0 && (lo * hi - 900.0).abs() < 1e-9);
        assert!(exponential(&obs(&[(10.0, false)])).is_none());
    }
}
