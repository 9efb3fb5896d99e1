//! Invariants that hold for every scenario: shoppers are conserved, more
//! agents never make the wait worse under common random numbers, and a seed
//! fixes every number whatever the thread count.

use crate::common::{scenario, simulate, stable_json};
use proptest::prelude::*;

/// A small random desk: one or two groups, a curve, a surge, maybe patience.
fn small_profile(
    rate: f64,
    handle: u32,
    patience: Option<u32>,
    staff: (u32, u32),
    two_groups: bool,
    seed: u64,
) -> String {
    let patience = patience.map_or("\"none\"".into(), |p| {
        format!("{{ exponential = \"{p}s\" }}")
    });
    let group = |name: &str, share: f64, staff: u32| {
        format!(
            "[[agents.groups]]\nname = \"{name}\"\nshare = {share}\nhandle = {{ lognormal = {{ mean = \"{handle}s\", cv = 0.8 }} }}\nstaff = [{{ at = \"00:00\", agents = {staff} }}, {{ at = \"03:00\", agents = {} }}]\n",
            staff + 1
        )
    };
    let groups = if two_groups {
        group("a", 0.6, staff.0) + &group("b", 0.4, staff.1)
    } else {
        group("a", 1.0, staff.0)
    };
    format!(
        r#"
        seed = {seed}
        horizon = "6h"
        warmup = "10m"
        interval = "30m"
        [arrivals]
        rate = "{rate}/s"
        curve = [["00:00", 1.0], ["02:00", 2.0], ["04:00", 0.5]]
        surges = [{{ at = "01:00", for = "20m", multiplier = 2.0 }}]
        [shoppers]
        patience = {patience}
        {groups}
        "#
    )
}

fn params() -> impl Strategy<Value = (f64, u32, Option<u32>, (u32, u32), bool, u64)> {
    (
        0.01f64..0.3,
        20u32..200,
        proptest::option::of(10u32..300),
        (0u32..8, 0u32..8),
        any::<bool>(),
        0u64..1000,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn shoppers_are_conserved((rate, handle, patience, staff, two, seed) in params()) {
        let sc = scenario(&small_profile(rate, handle, patience, staff, two, seed));
        let s = simulate(&sc, 1, 1);
        let c = &s.counts;
        prop_assert_eq!(c.arrived, c.answered + c.abandoned + c.in_system_at_end);
        // Per interval too: every arrival is answered, gave up or still waits,
        // and the rows add up to the whole run.
        let rows_arrived: u64 = s.intervals.iter().map(|i| i.arrived).sum();
        let rows_resolved: u64 = s.intervals.iter().map(|i| i.answered + i.abandoned).sum();
        prop_assert!(rows_arrived >= c.arrived);
        prop_assert!(rows_resolved <= rows_arrived);
        if patience.is_none() {
            prop_assert_eq!(c.abandoned, 0);
        }
    }

    #[test]
    fn more_agents_never_worsen_the_mean_wait((rate, handle, patience, staff, two, seed) in params(), extra in 1u32..4) {
        // Same seed: the same shoppers with the same handle times and
        // patience meet a bigger desk.
        let small = scenario(&small_profile(rate, handle, patience, staff, two, seed));
        let big = scenario(&small_profile(rate, handle, patience, (staff.0 + extra, staff.1 + extra), two, seed));
        let (s, b) = (simulate(&small, 1, 1), simulate(&big, 1, 1));
        prop_assert_eq!(s.counts.arrived, b.counts.arrived);
        // The total time shoppers spent waiting, up to the horizon (those
        // still waiting at the end included): the integral of the queue.
        let wait = |x: &peakdesk::metrics::Summary| x.intervals.iter().map(|i| i.tally.queue_area).sum::<u128>();
        // First-come-first-served with more agents delays nobody (the
        // Kiefer-Wolfowitz workload vector is monotone), so the total cannot grow.
        prop_assert!(wait(&b) <= wait(&s), "{} > {}", wait(&b), wait(&s));
    }
}

#[test]
fn the_same_seed_gives_the_same_json() {
    let sc = scenario(&small_profile(0.2, 90, Some(60), (5, 3), true, 42));
    let a = simulate(&sc, 3, 0);
    let b = simulate(&sc, 3, 0);
    assert_eq!(stable_json(&a), stable_json(&b));
    let mut other = sc.clone();
    other.seed = 43;
    assert_ne!(stable_json(&a), stable_json(&simulate(&other, 3, 0)));
}

#[test]
fn replications_give_the_same_json_on_one_or_two_threads() {
    let sc = scenario(&small_profile(0.25, 120, Some(90), (6, 4), true, 7));
    let one = simulate(&sc, 6, 1);
    let two = simulate(&sc, 6, 2);
    assert_eq!(stable_json(&one), stable_json(&two));
}
