//! A replication copied mid-run carries on exactly as the original would:
//! what the staffing search's first pass relies on when it tries an
//! interval's headcounts from copies of the day so far. And replications
//! of scenarios that differ only in their desk, fed from one draw of their
//! shoppers, measure what each measures alone: what sweeps rely on.

use crate::common::shipped;
use peakdesk::demand::feed;
use peakdesk::engine::{FED_STEP, Replica, run_fed, run_watched};
use peakdesk::metrics::Replication;
use peakdesk::plan::staff::with_roster;
use peakdesk::profile::Scenario;
use peakdesk::time::SimTime;

const HALF_HOUR: SimTime = 30 * 60 * 1_000_000;

/// Everything the replication measured: counters, intervals, histograms
/// bucket by bucket, breakdowns and the events fired.
fn measured(rep: Replication) -> String {
    format!("{rep:?}")
}

/// Double 11's first six hours, both groups with a headcount per half hour
/// (`bump` more agents from half hour `from` on).
fn rostered(sc: &Scenario, from: usize, bump: u32) -> Scenario {
    let cells = |g: usize| {
        (0..48)
            .map(|c| 40 + 10 * g as u32 + if c >= from { bump } else { 0 })
            .collect()
    };
    with_roster(sc, HALF_HOUR, &[(0, cells(0)), (1, cells(1))])
}

#[test]
fn a_copy_taken_mid_run_finishes_as_the_original_would() {
    let sc = rostered(&shipped("profiles/double11.toml", &["horizon=6h"]), 0, 0);
    let straight = measured(Replica::new(&sc, 3).finish(&sc));
    let mut r = Replica::new(&sc, 3);
    r.run_until(&sc, 5 * HALF_HOUR + 12_345);
    let copy = r.clone();
    // The original going on does not touch the copy.
    r.run_until(&sc, 9 * HALF_HOUR);
    assert_eq!(measured(r.finish(&sc)), straight);
    assert_eq!(measured(copy.finish(&sc)), straight);
}

#[test]
fn a_copy_carries_on_under_another_roster_as_a_run_of_that_roster() {
    let base = shipped("profiles/double11.toml", &["horizon=6h"]);
    let (before, after) = (rostered(&base, 4, 0), rostered(&base, 4, 25));
    let straight = measured(Replica::new(&after, 1).finish(&after));
    let mut r = Replica::new(&before, 1);
    r.run_until(&before, 4 * HALF_HOUR);
    r.run_until(&after, 7 * HALF_HOUR);
    assert_eq!(measured(r.finish(&after)), straight);
    // And the rosters do differ in what they give.
    assert_ne!(measured(Replica::new(&before, 1).finish(&before)), straight);
}

/// Double 11's first six hours at staffing multiplier `m`, the desk
/// opening at `open` (a cold window before it).
fn staffed(m: &str, open: SimTime) -> Scenario {
    let set = format!("agents.staffing_multiplier={m}");
    let mut sc = shipped("profiles/double11.toml", &["horizon=6h", &set]);
    sc.start = open;
    sc
}

#[test]
fn replications_fed_from_one_draw_measure_what_each_measures_alone() {
    // Proactive invitations and arrivals both (Double 11 has both), from
    // the profile's start and from a desk that opens two hours in.
    for open in [0, 4 * HALF_HOUR] {
        let points: Vec<Scenario> = ["1.5", "0.7", "2.0"]
            .iter()
            .map(|m| staffed(m, open))
            .collect();
        let key = feed::key(&points[0]);
        assert!(points.iter().all(|sc| feed::key(sc) == key));
        let refs: Vec<&Scenario> = points.iter().collect();
        let alone: Vec<String> = points
            .iter()
            .map(|sc| measured(run_watched(sc, 4, &|_| {})))
            .collect();
        // Steps of one instant (ties and all), of a few hundred arrivals,
        // and of the engine's own size (the six hours in one step).
        for step in [1, 997, FED_STEP] {
            let fed: Vec<String> = run_fed(&refs, 4, step, &|_| {})
                .into_iter()
                .map(measured)
                .collect();
            // (Not assert_eq: each side is megabytes of histogram text.)
            for (k, (f, a)) in fed.iter().zip(&alone).enumerate() {
                assert!(f == a, "point {k}, steps of {step}: fed differs from alone");
            }
            assert_eq!(fed.len(), alone.len());
        }
        // The headcounts do change what the desk gives.
        assert!(alone[0] != alone[1], "staffing changed nothing");
    }
}

#[test]
fn only_scenarios_with_the_same_shoppers_share_a_demand_key() {
    let base = shipped("profiles/double11.toml", &[]);
    let key = |sets: &[&str]| feed::key(&shipped("profiles/double11.toml", sets));
    let same = [
        "agents.staffing_multiplier=2",
        "agents.groups[0].concurrency=1",
        "agents.overflow_after=5s",
    ];
    for set in same {
        assert_eq!(key(&[set]), feed::key(&base), "{set}");
    }
    let different = [
        "questions.order_status.bot=0.5",
        "questions.order_status.tier=urgent",
        "seed=12",
        "bot.handoff.ask_human=0.2",
    ];
    for set in different {
        assert_ne!(key(&[set]), feed::key(&base), "{set}");
    }
    // Without [questions] a group's handle time is its question's reply
    // time: part of what each shopper brings.
    let simple = |sets: &[&str]| feed::key(&shipped("profiles/reference/erlang-c.toml", sets));
    assert_ne!(
        simple(&["agents.groups[0].handle.exponential=5m"]),
        simple(&[])
    );
    assert_eq!(simple(&["agents.groups[0].staff=3"]), simple(&[]));
}
