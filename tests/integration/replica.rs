//! A replication copied mid-run carries on exactly as the original would:
//! what the staffing search's first pass relies on when it tries an
//! interval's headcounts from copies of the day so far.

use crate::common::shipped;
use peakdesk::engine::Replica;
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
