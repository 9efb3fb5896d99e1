//! The simulator against queueing theory: Erlang C and Erlang A, on the two
//! reference profiles and on smaller and overloaded desks.
//!
//! Each comparison is a statistical test. Replications are added in blocks
//! until the standard error of every metric is small enough that the
//! absolute bound (0.01 for probabilities, 2% for the mean wait) is at least
//! three standard errors wide; then each metric must be within three
//! standard errors of the analytic value AND within the absolute bound. A
//! simulator with a bias larger than the bound fails however lucky the seed.

use crate::common::{PoolProfile, scenario, shipped};
use peakdesk::engine;
use peakdesk::erlang::{Measures, Pool};
use peakdesk::metrics::summary::{self, Estimate, Summary};
use peakdesk::profile::Scenario;
use peakdesk::stats::t975;

/// Most replications a case may use before the test gives up on precision.
const MAX_REPLICATIONS: u32 = 640;

struct Check {
    name: String,
    sim: Estimate,
    theory: f64,
    bound: f64,
}

fn se(e: &Estimate, reps: u32) -> f64 {
    e.ci95.map_or(f64::INFINITY, |[lo, hi]| {
        (hi - lo) / 2.0 / t975(reps as usize - 1)
    })
}

fn checks(s: &Summary, m: &Measures, patience: bool) -> Vec<Check> {
    let mut out = vec![
        Check {
            name: "wait_prob".into(),
            sim: s.metrics.wait_prob.clone(),
            theory: m.wait_prob,
            bound: 0.01,
        },
        Check {
            name: "wait_mean_s".into(),
            sim: s.metrics.wait_mean_s.clone(),
            theory: m.mean_wait,
            bound: 0.02 * m.mean_wait,
        },
    ];
    if patience {
        out.push(Check {
            name: "abandon_rate".into(),
            sim: s.metrics.abandon_rate.clone(),
            theory: m.abandon_prob,
            bound: 0.01,
        });
    }
    for (label, est) in &s.metrics.answered_within {
        let t: f64 = label.trim_end_matches('s').parse().unwrap();
        out.push(Check {
            name: format!("answered_within {label}"),
            sim: est.clone(),
            theory: m.answered_within(t),
            bound: 0.01,
        });
    }
    out
}

/// Runs `sc` until precise enough, then compares with the pool's theory.
fn agree(sc: &Scenario, pool: Pool, block: u32) {
    let m = pool.solve().expect("a steady state exists");
    let patience = pool.mean_patience.is_some();
    let mut agg = peakdesk::metrics::Aggregate::default();
    let mut n = 0;
    loop {
        agg = agg.merge(engine::run_range(sc, n..n + block, 0).unwrap());
        n += block;
        let s = summary::build(sc, &agg, 0.0, 1);
        let cs = checks(&s, &m, patience);
        let precise = cs.iter().all(|c| 3.0 * se(&c.sim, n) <= c.bound);
        if !precise && n < MAX_REPLICATIONS {
            continue;
        }
        let mut report = format!("{} with {n} replications:\n", sc.name);
        let mut ok = precise;
        for c in &cs {
            let v = c.sim.value.expect("defined");
            let err = (v - c.theory).abs();
            let se = se(&c.sim, n);
            let pass = err <= 3.0 * se && err <= c.bound;
            ok &= pass;
            report += &format!(
                "  {:<22} sim {v:.5} theory {:.5} |diff| {err:.5} se {se:.5} bound {:.5} {}\n",
                c.name,
                c.theory,
                c.bound,
                if pass { "ok" } else { "FAIL" }
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
