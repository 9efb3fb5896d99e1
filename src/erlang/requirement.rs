//! What a planner asks of the analytic answers, as Erlang calculators
//! (pyworkforce, CCmath-style tools) answer it: the fewest agents that meet
//! a service-level target, an abandonment bound and an occupancy cap; the
//! rostered FTE that shrinkage turns that requirement into; and the table
//! of headcounts around the answer, so the cost of one agent more or less
//! is in sight.
//!
//! Shrinkage has one meaning in peakdesk, the profile's
//! `agents.shrinkage`: the share of rostered time lost (breaks, training,
//! absence), so `R` rostered agents leave `R x (1 - shrinkage)` on shift and
//! `N` on shift need `ceil(N / (1 - shrinkage))` rostered.

use super::{ErlangError, Measures, Pool};

/// What the fewest agents must meet. Each part is optional; all given
/// must hold at once.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Goal {
    /// `(share, within_s)`: at least `share` of all arrivals answered
    /// within `within_s` seconds (those who give up count as missed).
    pub service: Option<(f64, f64)>,
    /// Largest share of arrivals who may give up.
    pub max_abandon: Option<f64>,
    /// Largest occupancy (busy agents over agents).
    pub max_occupancy: Option<f64>,
}

impl Goal {
    /// Whether a pool's measures meet every part of the goal.
    pub fn met_by(&self, m: &Measures) -> bool {
        self.service
            .is_none_or(|(share, within)| m.answered_within(within) >= share)
            && self.max_abandon.is_none_or(|x| m.abandon_prob <= x)
            && self.max_occupancy.is_none_or(|x| m.occupancy <= x)
    }
}

/// Fewest agents whose measures meet `goal` (an unstable Erlang C pool
/// meets nothing). Every part is monotone in the headcount (more agents
/// answer sooner, lose fewer and are each less busy), so the search goes
/// up by doubling, then bisects.
pub fn fewest_agents(base: Pool, goal: &Goal) -> Result<(u32, Measures), ErlangError> {
    let meets = |c: u32| -> Result<Option<Measures>, ErlangError> {
        match (Pool { agents: c, ..base }).solve() {
            Ok(m) => Ok(goal.met_by(&m).then_some(m)),
            Err(ErlangError::Unstable { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    };
    // A pool of none is never an answer: the arrival rate is positive.
    let mut lo = 0u32;
    let mut hi = 1u32;
    let mut found = loop {
        if let Some(m) = meets(hi)? {
            break m;
        }
        lo = hi;
        hi = hi
            .checked_mul(2)
            .ok_or(ErlangError::Parameter("the target (no headcount meets it)"))?;
    };
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match meets(mid)? {
            Some(m) => {
                hi = mid;
                found = m;
            }
            None => lo = mid,
        }
    }
    Ok((hi, found))
}

/// Rostered heads for `on_shift` agents when `available` of each rostered
/// head is on shift: `ceil(on_shift / available)`. A quotient within 1e-9
/// of a whole number is that number (21 / 0.7 is 30.000000000000004 in
/// floating point, and 30 rostered at 30% shrinkage leave exactly 21).
pub fn rostered(on_shift: u32, available: f64) -> u32 {
    (f64::from(on_shift) / available - 1e-9).ceil().max(0.0) as u32
}

/// Rostered FTE for a requirement of `agents` on shift at `shrinkage`:
/// `ceil(agents / (1 - shrinkage))`.
pub fn rostered_fte(agents: u32, shrinkage: f64) -> u32 {
    rostered(agents, 1.0 - shrinkage)
}

/// One headcount of the table around an answer.
#[derive(Debug, Clone)]
pub struct Row {
    /// The pool's measures at this headcount (`measures.pool().agents`).
    pub measures: Measures,
    /// Whether this headcount meets the goal.
    pub meets: bool,
}

/// The headcounts from `answer - 2` to `answer + 3`, clipped below at the
/// smallest pool with a steady state (Erlang C needs more agents than the
/// load) and at one agent.
pub fn table(base: Pool, answer: u32, goal: &Goal) -> Result<Vec<Row>, ErlangError> {
    let first = answer.saturating_sub(2).max(1);
    let mut rows = Vec::new();
    for c in first..=answer.saturating_add(3) {
        match (Pool { agents: c, ..base }).solve() {
            Ok(m) => rows.push(Row {
                meets: goal.met_by(&m),
                measures: m,
            }),
            Err(ErlangError::Unstable { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(lambda: f64, handle: f64, patience: Option<f64>) -> Pool {
        Pool {
            arrival_rate: lambda,
            mean_handle: handle,
            mean_patience: patience,
            agents: 0,
        }
    }

    fn at(p: Pool, c: u32) -> Measures {
        Pool { agents: c, ..p }.solve().unwrap()
    }

    #[test]
    fn fewest_agents_is_the_first_that_meets() {
        let p = base(1.0, 120.0, None);
        let goal = Goal {
            service: Some((0.8, 20.0)),
            ..Goal::default()
        };
        let (c, m) = fewest_agents(p, &goal).unwrap();
        assert!(m.answered_within(20.0) >= 0.8);
        assert!(at(p, c - 1).answered_within(20.0) < 0.8);
    }

    #[test]
    fn an_occupancy_cap_raises_the_answer_only_when_it_binds() {
        // Load 120 erlangs: 80/20s needs 126 agents at 95.2% occupancy; a
        // cap of 85% needs ceil(120 / 0.85) = 142.
        let p = base(1.0, 120.0, None);
        let service = Goal {
            service: Some((0.8, 20.0)),
            ..Goal::default()
        };
        assert_eq!(fewest_agents(p, &service).unwrap().0, 126);
        let capped = Goal {
            max_occupancy: Some(0.85),
            ..service
        };
        let (c, m) = fewest_agents(p, &capped).unwrap();
        assert_eq!(c, 142);
        assert!(m.occupancy <= 0.85 && at(p, 141).occupancy > 0.85);
        // A loose cap changes nothing.
        let loose = Goal {
            max_occupancy: Some(0.97),
            ..service
        };
        assert_eq!(fewest_agents(p, &loose).unwrap().0, 126);
    }

    #[test]
    fn the_search_agrees_with_a_scan_upward() {
        // Erlang A and C pools, with and without a cap: the bisection's
        // answer is the first headcount of a plain scan that meets.
        for patience in [None, Some(30.0), Some(300.0)] {
            for (lambda, handle) in [(0.05, 300.0), (0.5, 120.0), (3.0, 45.0)] {
                for cap in [None, Some(0.7), Some(0.9)] {
                    let p = base(lambda, handle, patience);
                    let goal = Goal {
                        service: Some((0.85, 15.0)),
                        max_abandon: patience.map(|_| 0.03),
                        max_occupancy: cap,
                    };
                    let scan = (1..)
                        .find(|&c| {
                            (Pool { agents: c, ..p })
                                .solve()
                                .is_ok_and(|m| goal.met_by(&m))
                        })
                        .unwrap();
                    let (c, _) = fewest_agents(p, &goal).unwrap();
                    assert_eq!(c, scan, "{lambda}/s x {handle} s, {patience:?}, {cap:?}");
                }
            }
        }
    }

    #[test]
    fn shrinkage_rosters_the_requirement_up() {
        // 21 / 0.7 is 30.000000000000004 in floating point: still 30.
        assert!(std::hint::black_box(21.0) / 0.7 > 30.0);
        assert_eq!(rostered_fte(21, 0.3), 30);
        assert_eq!(rostered_fte(8, 0.3), 12);
        assert_eq!(rostered_fte(126, 0.0), 126);
        assert_eq!(rostered_fte(0, 0.5), 0);
        // What the profile makes of them: round(R x (1 - s)) >= N.
        for n in 0..500u32 {
            for s in [0.1, 0.12, 0.3, 0.35] {
                let r = rostered_fte(n, s);
                assert!((f64::from(r) * (1.0 - s)).round() as u32 >= n, "{n} at {s}");
                assert!(r == 0 || f64::from(r - 1) * (1.0 - s) < f64::from(n) - 1e-9);
            }
        }
    }

    #[test]
    fn the_table_runs_from_two_below_to_three_above_clipped_at_stability() {
        let goal = Goal {
            service: Some((0.8, 20.0)),
            ..Goal::default()
        };
        let p = base(1.0, 120.0, None);
        let rows = table(p, 126, &goal).unwrap();
        let agents: Vec<u32> = rows.iter().map(|r| r.measures.pool().agents).collect();
        assert_eq!(agents, (124..=129).collect::<Vec<_>>());
        let meets: Vec<bool> = rows.iter().map(|r| r.meets).collect();
        assert_eq!(meets, [false, false, true, true, true, true]);
        // Load 9.5 erlangs: 8 and 9 agents have no steady state.
        let tight = base(9.5, 1.0, None);
        let rows = table(tight, 10, &Goal::default()).unwrap();
        assert_eq!(rows[0].measures.pool().agents, 10);
        assert_eq!(rows.len(), 4);
        // Erlang A has one for any headcount, but never a pool of none.
        let a = table(base(0.01, 60.0, Some(60.0)), 1, &Goal::default()).unwrap();
        assert_eq!(a[0].measures.pool().agents, 1);
    }
}
