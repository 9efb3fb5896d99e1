//! Calibrations against a known truth: histories drawn by
//! [`super::synthetic`] with peakdesk's own distributions and streams.

use super::busyness::estimate;
use super::censored::{self, Obs, weibull_scale, weibull_shape};
use super::synthetic::{Conversation, Desk, conversations, daily_counts};
use crate::dist::{Checked, Dist};
use crate::profile::raw::DistSpec;
use crate::profile::units::Duration;
use rand::SeedableRng;
use rand::distr::Distribution;
use rand::rngs::Xoshiro256PlusPlus;

fn dist(spec: &DistSpec) -> Dist {
    match Checked::from_spec(spec).unwrap() {
        Checked::Sampled(d) => d,
        Checked::Never => unreachable!(),
    }
}

fn secs(s: f64) -> Duration {
    Duration(crate::time::from_secs_f64(s))
}

/// 14 agents, handle exponential 300 s, 180 arrivals an hour (offered
/// load 15 erlangs): about a third of shoppers wait, some minutes.
fn desk(patience: DistSpec) -> Desk {
    Desk {
        rate_per_s: 0.05,
        agents: 14,
        handle: dist(&DistSpec::Exponential(secs(300.0))),
        classes: vec![(1.0, Checked::from_spec(&patience).unwrap())],
    }
}

fn observed(history: &[Conversation]) -> Vec<Obs> {
    history
        .iter()
        .map(|c| Obs {
            t: c.wait_s,
            event: c.left,
        })
        .collect()
}

/// Today's durations fit: the waits of the shoppers who left, alone.
fn leavers(history: &[Conversation]) -> Vec<f64> {
    history
        .iter()
        .filter(|c| c.left)
        .map(|c| c.wait_s)
        .collect()
}

fn inside(ci: [f64; 2], x: f64) -> bool {
    ci[0] <= x && x <= ci[1]
}

#[test]
fn censored_exponential_recovers_patience_that_leavers_alone_understate() {
    let truth = 180.0;
    let h = conversations(&desk(DistSpec::Exponential(secs(truth))), 20_000, 16);
    let obs = observed(&h);
    let censored_rows = obs.iter().filter(|o| !o.event).count();
    assert!(
        censored_rows > 10_000 && censored_rows < 19_000,
        "{censored_rows}"
    );
    let fit = censored::exponential(&obs).unwrap();
    let ci = fit.ci95[0].1;
    assert!(inside(ci, truth), "{ci:?}");
    // The uncensored MLE of the exponential is the leavers' mean wait: the
    // leavers are the impatient ones, so it lands far below the interval.
    let w = leavers(&h);
    let naive = w.iter().sum::<f64>() / w.len() as f64;
    assert!(naive < ci[0], "leavers' mean {naive} vs {ci:?}");
}

#[test]
fn censored_weibull_recovers_shape_and_scale_that_leavers_alone_understate() {
    let (scale, shape) = (240.0, 0.8);
    let spec = DistSpec::Weibull {
        scale: secs(scale),
        shape,
    };
    let h = conversations(&desk(spec), 20_000, 17);
    let fit = censored::weibull(&observed(&h)).unwrap();
    let ci = |name: &str| fit.ci95.iter().find(|c| c.0 == name).unwrap().1;
    assert!(inside(ci("shape"), shape), "{:?}", ci("shape"));
    assert!(inside(ci("scale_s"), scale), "{:?}", ci("scale_s"));
    // Today's fit (a Weibull of the leavers' waits) by the same solver.
    let mut w = leavers(&h);
    w.sort_by(f64::total_cmp);
    let mean_log = w.iter().map(|x| x.ln()).sum::<f64>() / w.len() as f64;
    let k = weibull_shape(&w, mean_log);
    let naive_scale = weibull_scale(&w, k, w.len());
    assert!(
        naive_scale < ci("scale_s")[0],
        "leavers' scale {naive_scale} vs {:?}",
        ci("scale_s")
    );
}

/// Share of `runs` histories of `n` conversations whose intervals hold
/// the truth, for each parameter of `fit`.
fn coverage(spec: DistSpec, truth: &[f64], fit: fn(&[Obs]) -> Option<censored::Fit>) -> Vec<f64> {
    let (runs, n) = (200, 2_000);
    let d = desk(spec);
    let mut hits = vec![0usize; truth.len()];
    for seed in 0..runs {
        let f = fit(&observed(&conversations(&d, n, 1000 + seed))).unwrap();
        for (i, t) in truth.iter().enumerate() {
            hits[i] += usize::from(inside(f.ci95[i].1, *t));
        }
    }
    hits.iter().map(|h| *h as f64 / runs as f64).collect()
}

#[test]
fn censored_intervals_cover_the_truth_95_percent_of_the_time() {
    // 200 histories: coverage 0.95 has a binomial standard error of
    // sqrt(0.95 x 0.05 / 200) = 0.015; allow three of them either way.
    let ok = |c: f64| (0.95 - 3.0 * 0.0154..=0.95 + 3.0 * 0.0154).contains(&c);
    let exp = coverage(
        DistSpec::Exponential(secs(180.0)),
        &[180.0],
        censored::exponential,
    );
    assert!(ok(exp[0]), "{exp:?}");
    let wei = coverage(
        DistSpec::Weibull {
            scale: secs(240.0),
            shape: 0.8,
        },
        &[0.8, 240.0],
        censored::weibull,
    );
    assert!(wei.iter().all(|c| ok(*c)), "{wei:?}");
}

#[test]
fn weibull_fit_of_uncensored_durations_recovers_its_parameters() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let w = rand_distr::Weibull::new(90.0, 0.8).unwrap();
    let xs: Vec<f64> = (0..20_000).map(|_| w.sample(&mut rng)).collect();
    let mean_log = xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64;
    let k = weibull_shape(&xs, mean_log);
    // The MLE's standard error for k at n = 20,000 is 0.8 x
    // sqrt(0.608 / 20,000) = 0.0044; allow about five.
    assert!((k - 0.8).abs() < 0.022, "{k}");
}

const WEEK: [f64; 7] = [1.0, 0.96, 0.94, 0.97, 1.05, 1.18, 1.12];

fn by_weekday(days: &[u64]) -> Vec<Vec<f64>> {
    let mut g = vec![Vec::new(); 7];
    for (d, n) in days.iter().enumerate() {
        g[d % 7].push(*n as f64);
    }
    g
}

#[test]
fn busyness_cv_is_recovered_within_its_standard_error() {
    // 400 histories of eight weeks, cv 0.15 around weekday means.
    let (cv, runs) = (0.15, 400);
    let histories: Vec<Vec<u64>> = (0..runs)
        .map(|s| daily_counts(4_000.0, &WEEK, cv, 56, s))
        .collect();
    let ests: Vec<_> = histories
        .iter()
        .map(|d| estimate(&by_weekday(d)).unwrap())
        .collect();
    let cv2: Vec<f64> = ests.iter().map(|e| e.cv2).collect();
    let (mean, se_of_mean) = crate::stats::mean_and_se(&cv2).unwrap();
    // Unbiased for cv^2 (the bias of 1/mean^2 is about 3 cv^2 / 8 of a
    // percent), within three Monte Carlo standard errors.
    assert!(
        (mean - cv * cv).abs() < 3.0 * se_of_mean,
        "{mean} ± {se_of_mean}"
    );
    // The reported standard error matches the spread across histories: the
    // spread's own relative error is 1 / sqrt(2 x 399) = 3.5%; allow three.
    let spread = se_of_mean * (runs as f64).sqrt();
    let reported = ests.iter().map(|e| e.se_cv2).sum::<f64>() / runs as f64;
    assert!(
        (reported / spread - 1.0).abs() < 0.106,
        "{reported} vs {spread}"
    );
    let covered = ests.iter().filter(|e| inside(e.ci95, cv)).count() as f64 / runs as f64;
    assert!(
        (covered - 0.95).abs() < 3.0 * (0.95f64 * 0.05 / 400.0).sqrt(),
        "{covered}"
    );
    // Ignoring the weekly pattern takes it for busyness: biased upwards.
    let all: Vec<f64> = histories
        .iter()
        .map(|d| {
            estimate(&[d.iter().map(|n| *n as f64).collect()])
                .unwrap()
                .cv2
        })
        .collect();
    let (all_mean, all_se) = crate::stats::mean_and_se(&all).unwrap();
    assert!(all_mean - cv * cv > 3.0 * all_se, "{all_mean} ± {all_se}");
}

#[test]
fn busyness_needs_enough_days_and_volume() {
    assert!(estimate(&[vec![10.0, 12.0]]).is_none());
    assert!(estimate(&[vec![0.0, 0.0, 0.0, 0.0]]).is_none());
    // Days that vary less than Poisson noise give cv 0, not a failure.
    let e = estimate(&[vec![100.0, 100.0, 101.0, 99.0]]).unwrap();
    assert!(e.cv2 < 0.0 && e.cv == 0.0 && e.ci95[0] == 0.0);
}
