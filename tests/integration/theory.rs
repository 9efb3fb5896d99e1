//! The simulator against queueing theory: Erlang C and Erlang A, on the two
//! reference profiles and on smaller and overloaded desks.
//!
//! Each comparison is a statistical test. Replications are added in blocks
//! (at least 128) until the standard error of every metric is small enough
//! that the absolute bound (0.01 for probabilities, 2% for the mean wait) is
//! at least `sigmas` standard errors wide; then each metric must be within
//! that many standard errors of the analytic value (3 sigma, Bonferroni-
//! corrected over the case's metrics) AND within the absolute bound. A
//! simulator with a bias larger than the bound fails however lucky the seed.

use crate::common::{PoolProfile, scenario, shipped};
use peakdesk::engine;
use peakdesk::erlang::{Measures, Pool};
use peakdesk::metrics::summary::{self, Estimate, Summary};
use peakdesk::profile::Scenario;
use peakdesk::stats::{normal_quantile, t975};

/// Most replications a case may use before the test gives up on precision.
const MAX_REPLICATIONS: u32 = 640;

/// Fewest replications: below this the spread between replications is too
/// rough an estimate of the standard error to test against.
const MIN_REPLICATIONS: u32 = 128;

/// A share whose expected count of rarer outcomes over the whole run is
/// below this is a rare event (e.g. waiting over 180 s at Erlang C's 92%
/// load: about 10 in 10^8 shoppers, arriving in clusters): the normal
/// approximation behind "3 standard errors" does not hold, so only the
/// absolute bound is checked.
const RARE_EVENTS: f64 = 30.0;

struct Check {
    name: String,
    sim: Estimate,
    theory: f64,
    bound: f64,
    share: bool,
}

/// The standard error behind an estimate's interval, floored at the
/// binomial error of a share estimated from `n` arrivals (replications that
/// all agree, e.g. all at 100% within 180 s, would otherwise claim no error).
fn se(c: &Check, reps: u32, n: u64) -> f64 {
    let from_ci = c.sim.ci95.map_or(f64::INFINITY, |[lo, hi]| {
        (hi - lo) / 2.0 / t975(reps as usize - 1)
    });
    let floor = if c.share {
        (c.theory * (1.0 - c.theory) / n as f64).sqrt()
    } else {
        0.0
    };
    from_ci.max(floor)
}

/// How many standard errors a metric may be from theory. One check at 3
/// sigma has a 0.27% false-alarm rate; a case makes `checks` of them, so
/// each gets the Bonferroni share of that 0.27% (3.5 to 3.7 sigma for 7 to
/// 10 checks), widened like Student's t for the replications' degrees of
/// freedom. A perfect simulator then fails a case in fewer than 3 seeds in
/// 1000; a bias beyond the absolute bound fails whatever the seed.
fn sigmas(checks: usize, reps: u32) -> f64 {
    let z = normal_quantile(1.0 - 0.0027 / 2.0 / checks as f64);
    z * t975(reps as usize - 1) / 1.959_964
}

fn checks(s: &Summary, m: &Measures, patience: bool) -> Vec<Check> {
    let check = |name: &str, sim: &Estimate, theory: f64, bound: f64, share: bool| Check {
        name: name.into(),
        sim: sim.clone(),
        theory,
        bound,
        share,
    };
    let mut out = vec![
        check("wait_prob", &s.metrics.wait_prob, m.wait_prob, 0.01, true),
        check(
            "wait_mean_s",
            &s.metrics.wait_mean_s,
            m.mean_wait,
            0.02 * m.mean_wait,
            false,
        ),
    ];
    if patience {
        out.push(check(
            "left_before_answer",
            &s.metrics.left_before_answer,
            m.abandon_prob,
            0.01,
            true,
        ));
    }
    for (label, est) in &s.metrics.answered_within {
        let t: f64 = label.trim_end_matches('s').parse().unwrap();
        out.push(check(
            &format!("answered_within {label}"),
            est,
            m.answered_within(t),
            0.01,
            true,
        ));
    }
    out
}

/// Runs `sc` until precise enough, then compares with the pool's theory.
fn agree(sc: &Scenario, pool: Pool, block: u32) {
    let m = pool.solve().expect("a steady state exists");
    let patience = pool.mean_patience.is_some();
    let mut agg = peakdesk::metrics::Aggregate::default();
    let mut reps = 0;
    loop {
        agg = agg.merge(engine::run_range(sc, reps..reps + block, 0).unwrap());
        reps += block;
        let s = summary::build(sc, &agg, 0.0, 1);
        let n = s.counts.arrived;
        let cs = checks(&s, &m, patience);
        let precise = cs
            .iter()
            .all(|c| sigmas(cs.len(), reps) * se(c, reps, n) <= c.bound);
        if (!precise || reps < MIN_REPLICATIONS) && reps < MAX_REPLICATIONS {
            continue;
        }
        let mut report = format!("{} with {reps} replications:\n", sc.name);
        let mut ok = precise;
        for c in &cs {
            let v = c.sim.value.expect("defined");
            let err = (v - c.theory).abs();
            let se = se(c, reps, n);
            let rare = c.share && c.theory.min(1.0 - c.theory) * (n as f64) < RARE_EVENTS;
            let pass = (rare || err <= sigmas(cs.len(), reps) * se) && err <= c.bound;
            ok &= pass;
            report += &format!(
                "  {:<22} sim {v:.6} theory {:.6} |diff| {err:.6} se {se:.6} bound {:.5} {}{}\n",
                c.name,
                c.theory,
                c.bound,
                if pass { "ok" } else { "FAIL" },
                if rare {
                    " (rare event: bound only)"
                } else {
                    ""
                }
            );
        }
        eprintln!("{report}");
        assert!(ok, "{report}");
        return;
    }
}

fn pool(rate: f64, handle: f64, patience: Option<f64>, agents: u32) -> Pool {
    Pool {
        arrival_rate: rate,
        mean_handle: handle,
        mean_patience: patience,
        agents,
    }
}

#[test]
fn reference_erlang_c() {
    let sc = shipped("profiles/reference/erlang-c.toml", &[]);
    agree(&sc, pool(1.0, 120.0, None, 130), 32);
}

#[test]
fn reference_erlang_a_bigsale() {
    let sc = shipped("profiles/reference/erlang-a-bigsale.toml", &[]);
    agree(&sc, pool(2.0, 120.0, Some(60.0), 235), 8);
}

#[test]
fn single_agent_erlang_c() {
    // M/M/1 at 80% load: long correlations, hence the long horizon.
    let sc = scenario(
        &PoolProfile {
            name: "mm1-rho0.8",
            rate: "0.0066667/s",
            handle: "120s",
            patience: None,
            agents: 1,
            horizon: "200d",
            warmup: "1d",
            interval: "6h",
        }
        .toml(),
    );
    agree(&sc, pool(0.0066667, 120.0, None, 1), 8);
}

#[test]
fn small_erlang_c() {
    let sc = scenario(
        &PoolProfile {
            name: "mm10-rho0.84",
            rate: "0.07/s",
            handle: "120s",
            patience: None,
            agents: 10,
            horizon: "60d",
            warmup: "1d",
            interval: "1h",
        }
        .toml(),
    );
    agree(&sc, pool(0.07, 120.0, None, 10), 8);
}

#[test]
fn two_agents_erlang_a_at_full_load() {
    // Load 2 erlangs on 2 agents: only abandonment keeps the queue finite.
    let sc = scenario(
        &PoolProfile {
            name: "mm2m-full-load",
            rate: "0.016667/s",
            handle: "120s",
            patience: Some("90s"),
            agents: 2,
            horizon: "100d",
            warmup: "1d",
            interval: "6h",
        }
        .toml(),
    );
    agree(&sc, pool(0.016667, 120.0, Some(90.0), 2), 8);
}

#[test]
fn overloaded_erlang_a() {
    // 30 erlangs offered to 20 agents: a third of the shoppers give up.
    let sc = scenario(
        &PoolProfile {
            name: "mm20m-overloaded",
            rate: "0.25/s",
            handle: "120s",
            patience: Some("180s"),
            agents: 20,
            horizon: "10d",
            warmup: "2h",
            interval: "1h",
        }
        .toml(),
    );
    agree(&sc, pool(0.25, 120.0, Some(180.0), 20), 8);
}
