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

use super::staff_cells::{Bracket, Seen, counts_only, seen};
pub use super::staff_cells::{Cell, GroupRoster, Options, Staffing, Target, misses, with_roster};
use crate::engine::{self, EngineError};
use crate::erlang::{self, Pool};
use crate::metrics::Aggregate;
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
    let cells = (sc.roster_period() / interval) as usize;
    // Round 0: the demand, on the profile as written.
    let base = run(sc, o)?;
    progress.inc(1);
    let mut groups: Vec<GroupRoster> = o
        .groups
        .iter()
        .map(|&g| first_guess(sc, k, o, &base, g))
        .collect();
    let mut brackets: Vec<Vec<Bracket>> = groups
        .iter()
        .map(|gr| {
            gr.cells
                .iter()
                .map(|c| {
                    Bracket::up_to(
                        (c.erlang_c.unwrap_or(0).max(c.staff) * CAP_FACTOR).max(FEWEST_CAP),
                    )
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
        let (mut all_meet, mut all_settled) = (true, true);
        for (gr, br) in groups.iter_mut().zip(&mut brackets) {
            let measured = seen(&agg, gr.group, cells, k);
            let (meet, settled) = next_round(gr, br, &measured, o.target);
            all_meet &= meet;
            all_settled &= settled;
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

/// Group `g`'s first guess, from the profile's run `base`: each reached
/// cell's demand, the Erlang C and A answers for it, and the headcount to
/// start from (Erlang A's, else C's, in agents of the group's concurrency).
fn first_guess(sc: &Scenario, k: usize, o: &Options, base: &Aggregate, g: usize) -> GroupRoster {
    let (interval, period) = (o.interval, sc.roster_period());
    let days_covered = |c: usize| {
        // How many times cell `c` occurs within the horizon.
        let start = c as u64 * interval;
        (sc.horizon.saturating_sub(start)).div_ceil(period).max(1) as f64
    };
    let patience = mean_patience(sc);
    let hours = to_secs(interval) / 3600.0;
    let handle = base.breakdowns.group[g].handle.mean() / 1e6;
    let handle = if handle > 0.0 { handle } else { 1.0 };
    let concurrency = sc.groups[g].concurrency.max(1);
    let measured = seen(base, g, (period / interval) as usize, k);
    let cap = o.max_occupancy(g);
    let cells = (0..reached_cells(sc, interval))
        .map(|c| {
            let demand = measured[c].demand as f64 / f64::from(o.replications) / days_covered(c);
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
    GroupRoster {
        group: g,
        mean_handle_s: handle,
        max_occupancy: cap,
        cells,
    }
}

/// One whole-day round's verdict on a group's cells: what each measured,
/// and its next headcount. Whether every cell meets the target (or cannot),
/// and whether every bracket has settled.
fn next_round(
    gr: &mut GroupRoster,
    br: &mut [Bracket],
    measured: &[Seen],
    target: Target,
) -> (bool, bool) {
    let (mut all_meet, mut all_settled) = (true, true);
    for (c, cell) in gr.cells.iter_mut().enumerate() {
        let m = measured[c];
        let meets = m.meets(target, gr.max_occupancy);
        cell.service_level = (m.demand > 0).then(|| m.within as f64 / m.demand as f64);
        cell.abandonment = (m.demand > 0).then(|| m.abandoned as f64 / m.demand as f64);
        cell.occupancy = (m.staffed_area > 0).then(|| occupancy(m.busy_area, m.staffed_area));
        let cur = cell.staff;
        let next = br[c].next(cur, meets);
        cell.reachable = !br[c].unreachable();
        all_meet &= meets || !cell.reachable;
        all_settled &= br[c].done(cur, next, meets);
        cell.staff = next;
    }
    (all_meet, all_settled)
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
