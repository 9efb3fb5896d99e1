//! The staffing search behind `peakdesk staff`: for every interval of the
//! day and every group searched, the fewest agents on shift whose shoppers
//! are answered by an agent within the target time often enough (and give
//! up rarely enough).
//!
//! It starts where a planner with a spreadsheet would: the interval's human
//! demand, measured by simulating the profile as written, through Erlang C
//! and Erlang A. It then corrects by simulation, because concurrency, bots,
//! priorities, overflow and the queue a busy interval hands to the next all
//! change the answer. Every simulation uses the same seeds (common random
//! numbers), so the outcome of a roster is a fixed function of the roster;
//! each interval keeps a bracket (the largest count seen failing, the
//! smallest seen meeting) and the next guess doubles out or bisects inside
//! it, until every bracket is one agent wide. A first pass settles the
//! intervals in order, each tried on its own from copies of the day so far
//! ([`super::staff_pass`]); then whole-day rounds go on until the roster
//! of upper ends meets the target in every interval at once. An
//! occupancy cap is one more part of "meets": a cell whose group is busier
//! than the cap is raised like one that answers too slowly.

use crate::engine::{self, EngineError};
use crate::erlang::{self, Pool};
use crate::metrics::Aggregate;
use crate::metrics::breakdown::GroupTally;
use crate::metrics::tally::occupancy;
use crate::profile::Scenario;
use crate::report::progress::Progress;
use crate::time::{SimTime, to_secs};

/// The most agents tried for one group in one interval, as a multiple of
/// Erlang C's answer (and at least [`FEWEST_CAP`]): a target still missed
/// there is out of reach by staffing (the reply itself takes longer than
/// the target, say), and the interval is reported as such.
const CAP_FACTOR: u32 = 4;
const FEWEST_CAP: u32 = 16;

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
    demand: u64,
    within: u64,
    abandoned: u64,
    busy_area: u128,
    staffed_area: u128,
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
fn seen(agg: &Aggregate, g: usize, cells: usize, k: usize) -> Vec<Seen> {
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

fn run(sc: &Scenario, o: &Options) -> Result<Aggregate, EngineError> {
    engine::run_range(sc, 0..o.replications, o.threads)
}

/// The agents Erlang asks for: C without patience, A with it.
fn erlang_answer(
    rate: f64,
    handle: f64,
    patience: Option<f64>,
    t: Target,
    max_occupancy: Option<f64>,
) -> Option<u32> {
    if rate <= 0.0 {
        return Some(0);
    }
    let pool = Pool {
        arrival_rate: rate,
        mean_handle: handle,
        mean_patience: patience,
        agents: 1,
    };
    let goal = erlang::Goal {
        service: Some((t.share, to_secs(t.within))),
        max_abandon: patience.and(t.max_abandon),
        max_occupancy,
    };
    erlang::fewest_agents(pool, &goal).ok().map(|(c, _)| c)
}

/// The profile's mean patience: segments weighted by share, those who never
/// give up left out (`None` when nobody gives up: Erlang A is Erlang C).
fn mean_patience(sc: &Scenario) -> Option<f64> {
    let (sum, weight) = sc
        .segments
        .iter()
        .filter_map(|s| s.patience.as_ref().map(|p| (s.share, p.mean_secs())))
        .fold((0.0, 0.0), |(a, w), (share, m)| (a + share * m, w + share));
    (weight > 0.0).then(|| sum / weight)
}

/// The cells of the roster's period that the horizon reaches.
fn reached_cells(sc: &Scenario, interval: SimTime) -> usize {
    let cells = sc.roster_period() / interval;
    sc.horizon.div_ceil(interval).min(cells) as usize
}

/// The most steps a search takes (for progress): one per cell of the
/// first pass, then at most `o.max_rounds` whole-day rounds.
pub fn steps_at_most(sc: &Scenario, o: &Options) -> u64 {
    reached_cells(sc, o.interval) as u64 + u64::from(o.max_rounds)
}

/// Searches the roster. `sc` must count waits against the target time
/// (see [`prepare`]); `k` is that threshold's index.
pub fn search(
    sc: &Scenario,
    k: usize,
    o: &Options,
    progress: &Progress,
) -> Result<Staffing, EngineError> {
    let interval = o.interval;
    let period = sc.roster_period();
    let cells = (period / interval) as usize;
    let reached = reached_cells(sc, interval);
    let days_covered = |c: usize| {
        // How many times cell `c` occurs within the horizon.
        let start = c as u64 * interval;
        (sc.horizon.saturating_sub(start)).div_ceil(period).max(1) as f64
    };
    // Round 0: the demand, on the profile as written.
    let base = run(sc, o)?;
    progress.inc(1);
    let patience = mean_patience(sc);
    let hours = to_secs(interval) / 3600.0;
    let mut groups: Vec<GroupRoster> = Vec::new();
    for &g in &o.groups {
        let handle = base.breakdowns.group[g].handle.mean() / 1e6;
        let handle = if handle > 0.0 { handle } else { 1.0 };
        let concurrency = sc.groups[g].concurrency.max(1);
        let measured = seen(&base, g, cells, k);
        let cap = o.max_occupancy(g);
        let cells_out = (0..reached)
            .map(|c| {
                let demand =
                    measured[c].demand as f64 / f64::from(o.replications) / days_covered(c);
                let rate = demand / to_secs(interval);
                let erlang_c = erlang_answer(rate, handle, None, o.target, cap);
                let erlang_a = erlang_answer(rate, handle, patience, o.target, cap);
                let start = erlang_a.or(erlang_c).map_or(1, |a| a.div_ceil(concurrency));
                Cell {
                    demand_per_h: demand / hours,
                    profile: sc.groups[g].staff_at(c as u64 * interval),
                    erlang_c,
                    erlang_a,
                    staff: start,
                    reachable: true,
                    ..Cell::default()
                }
            })
            .collect();
        groups.push(GroupRoster {
            group: g,
            mean_handle_s: handle,
            max_occupancy: cap,
            cells: cells_out,
        });
    }
    let mut brackets: Vec<Vec<Bracket>> = groups
        .iter()
        .map(|gr| {
            gr.cells
                .iter()
                .map(|c| Bracket {
                    cap: (c.erlang_c.unwrap_or(0).max(c.staff) * CAP_FACTOR).max(FEWEST_CAP),
                    ..Bracket::default()
                })
                .collect()
        })
        .collect();
    let tries = super::staff_pass::run(sc, k, o, &mut groups, &mut brackets, progress)?;
    let mut rounds = 1;
    let mut converged = false;
    while rounds < o.max_rounds {
        let rosters: Vec<(usize, Vec<u32>)> = groups
            .iter()
            .map(|gr| (gr.group, gr.cells.iter().map(|c| c.staff).collect()))
            .collect();
        let agg = run(&counts_only(&with_roster(sc, interval, &rosters)), o)?;
        rounds += 1;
        progress.inc(1);
        let mut all_meet = true;
        let mut all_settled = true;
        for (gr, br) in groups.iter_mut().zip(&mut brackets) {
            let measured = seen(&agg, gr.group, cells, k);
            for (c, cell) in gr.cells.iter_mut().enumerate() {
                let m = measured[c];
                let meets = m.meets(o.target, gr.max_occupancy);
                cell.service_level = (m.demand > 0).then(|| m.within as f64 / m.demand as f64);
                cell.abandonment = (m.demand > 0).then(|| m.abandoned as f64 / m.demand as f64);
                cell.occupancy =
                    (m.staffed_area > 0).then(|| occupancy(m.busy_area, m.staffed_area));
                let cur = cell.staff;
                let next = br[c].next(cur, meets);
                cell.reachable = !br[c].unreachable();
                all_meet &= meets || !cell.reachable;
                all_settled &= br[c].done(cur, next, meets);
                cell.staff = next;
            }
        }
        if all_meet && all_settled {
            converged = groups.iter().all(|g| g.cells.iter().all(|c| c.reachable));
            break;
        }
    }
    Ok(Staffing {
        interval,
        groups,
        tries,
        rounds,
        converged,
    })
}

/// The scenario the search runs: intervals of the staffing length, and the
/// target time among the thresholds counted. Returns the threshold's index.
pub fn prepare(sc: &Scenario, interval: SimTime, within: SimTime) -> (Scenario, usize) {
    let mut sc = sc.clone();
    sc.interval = interval;
    let k = match sc.answered_within.iter().position(|&t| t == within) {
        Some(k) => k,
        None => {
            sc.answered_within.push(within);
            sc.answered_within.len() - 1
        }
    };
    (sc, k)
}

/// The scenario with the roster found (for a check of it).
pub fn apply(sc: &Scenario, s: &Staffing) -> Scenario {
    let rosters: Vec<(usize, Vec<u32>)> = s
        .groups
        .iter()
        .map(|g| (g.group, g.cells.iter().map(|c| c.staff).collect()))
        .collect();
    with_roster(sc, s.interval, &rosters)
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
