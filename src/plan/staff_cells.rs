//! What the staffing search is made of: its options and its result (a
//! headcount per interval and group), what one interval of one group
//! measured against the target, and the bracket its count is searched in.
//! The first pass ([`super::staff_pass`]) and the whole-day rounds
//! ([`super::staff::search`]) both work on these.

use crate::metrics::Aggregate;
use crate::metrics::breakdown::GroupTally;
use crate::profile::Scenario;
use crate::time::SimTime;

/// What every interval must meet, on the human side of the desk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Share of the shoppers who need an agent answered by one within `within`
    /// (those who gave up count as missed).
    pub share: f64,
    /// The time limit.
    pub within: SimTime,
    /// Largest share of them who may give up.
    pub max_abandon: Option<f64>,
    /// Largest occupancy of every group searched (agent time with a
    /// conversation over agent time on shift, the catalogue's `occupancy`).
    pub max_occupancy: Option<f64>,
}

/// How to search.
#[derive(Debug, Clone)]
pub struct Options {
    /// Length of a staffing interval (divides a day).
    pub interval: SimTime,
    /// The target.
    pub target: Target,
    /// Replications per roster tried (the same seeds every round).
    pub replications: u32,
    /// Worker threads (0: all cores).
    pub threads: usize,
    /// Groups whose headcount is searched (others keep the profile's).
    pub groups: Vec<usize>,
    /// Whole-day rounds before giving up (and tries of one interval in
    /// the first pass).
    pub max_rounds: u32,
    /// Occupancy caps of single groups `(group, cap)`, besides the target's.
    pub group_max_occupancy: Vec<(usize, f64)>,
}

impl Options {
    /// The occupancy cap of group `g`: the lower of its own and the target's.
    pub fn max_occupancy(&self, g: usize) -> Option<f64> {
        let own = self.group_max_occupancy.iter().find(|(i, _)| *i == g);
        match (own.map(|(_, x)| *x), self.target.max_occupancy) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// One interval of one group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    /// Conversations that needed the group's agents, per hour (measured on
    /// the profile as written).
    pub demand_per_h: f64,
    /// Agents on shift in the profile as written.
    pub profile: u32,
    /// Erlang C's answer for the demand (no abandonment, one chat at a time).
    pub erlang_c: Option<u32>,
    /// Erlang A's answer (the profile's patience).
    pub erlang_a: Option<u32>,
    /// The simulation's answer.
    pub staff: u32,
    /// Share answered by an agent within the target time, at `staff`.
    pub service_level: Option<f64>,
    /// Share who gave up waiting for an agent, at `staff`.
    pub abandonment: Option<f64>,
    /// The group's occupancy in the interval, at `staff`.
    pub occupancy: Option<f64>,
    /// False when even the search's cap missed the target.
    pub reachable: bool,
}

/// One group's roster.
#[derive(Debug, Clone)]
pub struct GroupRoster {
    /// Index into the scenario's groups.
    pub group: usize,
    /// Mean agent time per conversation, seconds (what Erlang is given).
    pub mean_handle_s: f64,
    /// The group's occupancy cap, if any.
    pub max_occupancy: Option<f64>,
    /// One cell per interval of the day that the horizon reaches.
    pub cells: Vec<Cell>,
}

/// The search's result.
#[derive(Debug, Clone)]
pub struct Staffing {
    /// Interval length.
    pub interval: SimTime,
    /// Every group searched.
    pub groups: Vec<GroupRoster>,
    /// Tries of single intervals in the first pass (each simulates the
    /// interval and the next, from copies of the replications).
    pub tries: u32,
    /// Whole-day simulation rounds run (the demand measurement included).
    pub rounds: u32,
    /// Whether every interval met the target with the final roster.
    pub converged: bool,
}

/// Measured per cell over every day of the horizon and every replication.
#[derive(Clone, Copy, Default)]
pub(super) struct Seen {
    pub(super) demand: u64,
    pub(super) within: u64,
    pub(super) abandoned: u64,
    pub(super) busy_area: u128,
    pub(super) staffed_area: u128,
}

impl Seen {
    /// The share answered by an agent within the target time (1 without
    /// demand).
    pub(super) fn answered(self) -> f64 {
        if self.demand == 0 {
            1.0
        } else {
            self.within as f64 / self.demand as f64
        }
    }

    /// Adds one interval's counters of the group (`k`: the target's threshold).
    pub(super) fn add(&mut self, t: &GroupTally, k: usize) {
        self.demand += t.taken + t.abandoned;
        self.within += t.human_within.get(k).copied().unwrap_or(0);
        self.abandoned += t.abandoned;
        self.busy_area += t.busy_area;
        self.staffed_area += t.staffed_area;
    }

    /// Whether the cell meets the target and the group's occupancy cap
    /// (agents busy with nobody on shift, finishing chats, pass no cap).
    pub(super) fn meets(self, t: Target, max_occupancy: Option<f64>) -> bool {
        self.demand == 0
            || (self.within as f64 >= t.share * self.demand as f64
                && t.max_abandon
                    .is_none_or(|m| self.abandoned as f64 <= m * self.demand as f64)
                && max_occupancy
                    .is_none_or(|x| self.busy_area as f64 <= x * self.staffed_area as f64))
    }
}

/// Sums the interval rows of `agg` into cells of the day for group `g`.
pub(super) fn seen(agg: &Aggregate, g: usize, cells: usize, k: usize) -> Vec<Seen> {
    let mut out = vec![Seen::default(); cells];
    for (i, row) in agg.intervals.iter().enumerate() {
        if let Some(t) = row.groups.get(g) {
            out[i % cells].add(t, k);
        }
    }
    out
}

/// A bracket: the largest count seen failing, the smallest seen meeting.
#[derive(Clone, Copy, Default)]
pub(super) struct Bracket {
    fail: Option<u32>,
    meet: Option<u32>,
    step: u32,
    cap: u32,
}

impl Bracket {
    /// An open bracket whose count may go up to `cap` agents.
    pub(super) fn up_to(cap: u32) -> Bracket {
        Bracket {
            cap,
            ..Bracket::default()
        }
    }

    /// Takes in one round's outcome at `cur` and says what to try next.
    pub(super) fn next(&mut self, cur: u32, meets: bool) -> u32 {
        if meets {
            self.meet = Some(self.meet.map_or(cur, |m| m.min(cur)));
            if self.fail.is_some_and(|f| f >= cur) {
                // Another interval moved and the old failure is stale.
                (self.fail, self.step) = (None, 1);
            }
        } else {
            self.fail = Some(self.fail.map_or(cur, |f| f.max(cur)));
            if self.meet.is_some_and(|m| m <= cur) {
                (self.meet, self.step) = (None, 1);
            }
        }
        self.step = self.step.max(1);
        match (self.fail, self.meet) {
            (Some(f), Some(m)) if m > f + 1 => f + (m - f) / 2,
            (Some(_), Some(m)) | (None, Some(m @ 0)) => m,
            (None, Some(m)) => {
                let s = self.step;
                self.step = s.saturating_mul(2);
                m.saturating_sub(s)
            }
            (Some(f), None) => {
                let s = self.step;
                self.step = s.saturating_mul(2);
                f.saturating_add(s).min(self.cap)
            }
            (None, None) => cur,
        }
    }

    /// Sets the first step out of a new bracket: as many agents as the share
    /// answered in time (`answered`, measured at `cur`) misses the target
    /// by, or exceeds it by, in shares of `cur` (at least one). A cell far
    /// from its target then reaches it in a few doublings, not many.
    pub(super) fn first_step(&mut self, cur: u32, answered: f64, share: f64) {
        if self.fail.is_none() && self.meet.is_none() {
            let gap = (share - answered).abs() * f64::from(cur);
            self.step = (gap.round() as u32).max(1);
        }
    }

    /// Whether the cell's search is over: `cur` the count just tried (which
    /// met the target, or could not), `next` the count asked for next.
    pub(super) fn done(&self, cur: u32, next: u32, meets: bool) -> bool {
        self.settled() && next == cur && (meets || self.unreachable())
    }

    /// Missed the target at the cap.
    pub(super) fn unreachable(&self) -> bool {
        self.meet.is_none() && self.fail.is_some_and(|f| f >= self.cap)
    }

    pub(super) fn settled(&self) -> bool {
        if self.unreachable() {
            return true;
        }
        match (self.fail, self.meet) {
            (_, Some(0)) => true,
            (Some(f), Some(m)) => m == f + 1,
            _ => false,
        }
    }
}

/// Which cells of group `g` miss the target in a run (cells wrap over the
/// roster's period).
pub fn misses(agg: &Aggregate, g: usize, cells: usize, k: usize, t: Target) -> Vec<bool> {
    seen(agg, g, cells, k)
        .into_iter()
        .map(|s| !s.meets(t, t.max_occupancy))
        .collect()
}

/// The scenario with a group's headcount replaced by one value per cell.
pub fn with_roster(sc: &Scenario, interval: SimTime, rosters: &[(usize, Vec<u32>)]) -> Scenario {
    let mut sc = sc.clone();
    for (g, cells) in rosters {
        let plan = &mut sc.groups[*g];
        let period_cells = (plan.period / interval) as usize;
        plan.staff = (0..period_cells)
            .map(|c| {
                let at = c as SimTime * interval;
                (
                    at,
                    cells.get(c).copied().unwrap_or_else(|| plan.staff_at(at)),
                )
            })
            .collect();
    }
    sc
}

/// The scenario for runs whose intervals' counters are all that is read:
/// with the warm-up over the whole horizon no shopper counts in the run's
/// totals, breakdowns or histograms (the same shoppers, the same desk,
/// less recording; the intervals count every shopper either way).
pub(super) fn counts_only(sc: &Scenario) -> Scenario {
    Scenario {
        warmup: sc.horizon,
        ..sc.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bracket_closes_on_the_smallest_meeting_count() {
        // Whatever the start, the bracket ends one apart around the answer.
        for start in [1u32, 7, 12, 13, 40, 200] {
            let answer = 13;
            let mut b = Bracket {
                cap: 1000,
                ..Bracket::default()
            };
            let mut cur = start;
            for _ in 0..40 {
                let next = b.next(cur, cur >= answer);
                if b.settled() && next == cur && cur >= answer {
                    break;
                }
                cur = next;
            }
            assert_eq!(cur, answer, "from {start}");
            assert!(b.settled());
        }
    }

    #[test]
    fn a_target_missed_at_the_cap_is_unreachable() {
        let mut b = Bracket {
            cap: 16,
            ..Bracket::default()
        };
        let mut cur = 2;
        for _ in 0..10 {
            cur = b.next(cur, false);
        }
        assert_eq!(cur, 16);
        assert!(b.unreachable() && b.settled());
    }
}
