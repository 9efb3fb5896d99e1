//! The staffing search's first pass: the intervals of the first day in
//! order, each one's headcount searched on its own, from copies of every
//! replication as it stands when that interval starts.
//!
//! An interval's headcount changes nothing before it, so once the earlier
//! intervals are settled, a try of this one needs only this interval and
//! the next (where its last shoppers are answered, at the next interval's
//! starting guess), not the whole day again: a try costs two intervals'
//! simulation instead of a day's. The pass leaves every cell with the
//! count it found and its bracket; the whole-day rounds that follow
//! ([`super::staff::search`]) check the roster at once and correct the
//! cells the later intervals' final counts moved (and those of later days
//! when the horizon is longer than the roster's period).

use super::staff_cells::{Bracket, GroupRoster, Options, Seen, counts_only, with_roster};
use crate::engine::{self, EngineError, Replica};
use crate::metrics::breakdown::GroupTally;
use crate::profile::Scenario;
use crate::report::progress::Progress;
use crate::time::SimTime;
use rayon::prelude::*;

/// How long past its interval a try runs on before the interval's
/// counters are read: the shoppers still waiting at its end are mostly
/// answered, or gone, by then (those still waiting are left out of the
/// try's share, as at the horizon of a whole-day round).
const LOOK_PAST: SimTime = 5 * 60 * 1_000_000;

/// Searches each cell of the roster's first period in turn (at most `o.max_rounds`
/// tries a cell), leaving its count in `groups` and its bracket in
/// `brackets`. Returns the number of tries.
pub(super) fn run(
    sc: &Scenario,
    k: usize,
    o: &Options,
    groups: &mut [GroupRoster],
    brackets: &mut [Vec<Bracket>],
    progress: &Progress,
) -> Result<u32, EngineError> {
    let counts = counts_only(sc);
    engine::on_threads(o.threads, || {
        // Not yet staffed: the first cell's tries staff them.
        let mut replicas: Vec<Replica> = (0..o.replications)
            .into_par_iter()
            .map(|r| Replica::new(&counts, r))
            .collect();
        let cells = groups.first().map_or(0, |g| g.cells.len());
        let guesses = rosters(groups);
        let mut tries = 0;
        for c in 0..cells {
            if c > 0 {
                start_as_found(groups, &guesses, c);
            }
            let (at_end, n) = search_cell(sc, k, o, c, &replicas, groups, brackets);
            replicas = at_end;
            tries += n;
            progress.inc(1);
        }
        tries
    })
}

/// Starts cell `c` where its guess lands when corrected as the previous
/// cell's was: Erlang's guesses miss by much the same factor from one
/// interval to the next (bots, concurrency, overflow and patience change
/// slowly through a day), so most cells start a few agents from their
/// answer.
fn start_as_found(groups: &mut [GroupRoster], guesses: &[(usize, Vec<u32>)], c: usize) {
    for (gr, (_, guess)) in groups.iter_mut().zip(guesses) {
        let (before, found) = (guess[c - 1], gr.cells[c - 1].staff);
        if before > 0 && found > 0 {
            let corrected = f64::from(guess[c]) * f64::from(found) / f64::from(before);
            gr.cells[c].staff = (corrected.round() as u32).max(1);
        }
    }
}

/// Each group's headcount per cell, as `with_roster` takes them.
fn rosters(groups: &[GroupRoster]) -> Vec<(usize, Vec<u32>)> {
    groups
        .iter()
        .map(|g| (g.group, g.cells.iter().map(|c| c.staff).collect()))
        .collect()
}

/// Tries cell `c`'s counts until every group's bracket there is done.
/// Returns the replicas at the cell's end under the counts found, and
/// the number of tries.
fn search_cell<'a>(
    sc: &Scenario,
    k: usize,
    o: &Options,
    c: usize,
    from: &[Replica<'a>],
    groups: &mut [GroupRoster],
    brackets: &mut [Vec<Bracket>],
) -> (Vec<Replica<'a>>, u32) {
    let end = (c as SimTime + 1) * o.interval;
    let look = (end + LOOK_PAST.max(o.target.within)).min(sc.horizon);
    let end = end.min(sc.horizon);
    let mut tries = 0;
    loop {
        let roster = with_roster(sc, o.interval, &rosters(groups));
        let tried: Vec<(Replica, Vec<GroupTally>)> = from
            .par_iter()
            .map(|r| try_from(r, &roster, c, end, look))
            .collect();
        tries += 1;
        let mut done = true;
        let mut next = Vec::with_capacity(groups.len());
        for (gr, br) in groups.iter_mut().zip(brackets.iter_mut()) {
            let mut seen = Seen::default();
            for (_, t) in &tried {
                if let Some(t) = t.get(gr.group) {
                    seen.add(t, k);
                }
            }
            let meets = seen.meets(o.target, gr.max_occupancy);
            let cur = gr.cells[c].staff;
            br[c].first_step(cur, seen.answered(), o.target.share);
            next.push(br[c].next(cur, meets));
            gr.cells[c].reachable = !br[c].unreachable();
            done &= br[c].done(cur, next[next.len() - 1], meets);
        }
        // Out of tries, the counts tried stay (the replicas went on
        // under them); the whole-day rounds take the cell up again.
        if done || tries >= o.max_rounds {
            return (tried.into_iter().map(|(r, _)| r).collect(), tries);
        }
        for (gr, n) in groups.iter_mut().zip(next) {
            gr.cells[c].staff = n;
        }
    }
}

/// One replica's try of a roster: a copy run to the cell's end (kept, to
/// go on from should these counts be the ones found), then on to `look`,
/// where the cell's counters are read.
fn try_from<'a>(
    from: &Replica<'a>,
    roster: &Scenario,
    c: usize,
    end: SimTime,
    look: SimTime,
) -> (Replica<'a>, Vec<GroupTally>) {
    let mut r = from.clone();
    r.run_until(roster, end);
    let at_end = r.clone();
    r.run_until(roster, look);
    let seen = r.interval_groups(c).map(<[_]>::to_vec).unwrap_or_default();
    (at_end, seen)
}
