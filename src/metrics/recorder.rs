//! The recorder: what happened to every shopper, streamed into counters and
//! histograms as it happens, so memory follows the shoppers in the system
//! and the number of intervals, never the number of shoppers simulated.
//!
//! Shoppers count in the interval they arrived in (the "offered" convention
//! of contact-centre reports), so an interval's answered-within share is over
//! the shoppers who asked in it. An interval's histogram stays live while
//! any of its shoppers awaits a first response; then its percentiles are
//! taken and the histogram is dropped, so a long horizon costs a few hundred
//! bytes per interval.

use super::breakdown::{Breakdowns, Cells, GroupTally, Part};
use super::hist::interval_histogram;
use super::recording::Recording;
pub use super::run_histograms::RunHistograms;
use super::run_histograms::complete;
use super::tally::Tally;
use crate::demand::Shopper;
use crate::desk::{Ending, Left, Levels, Outcomes};
use crate::profile::Scenario;
use crate::time::SimTime;

/// The quantiles kept per interval: p50, p90, p99.
pub const INTERVAL_QUANTILES: [f64; 3] = [0.50, 0.90, 0.99];

#[derive(Clone)]
struct Row {
    tally: Tally,
    groups: Vec<GroupTally>,
    hist: Option<Box<Recording<u32>>>,
    quantiles: Option<[u64; 3]>,
    pending: u32,
}

impl Row {
    /// Takes the percentiles and drops the histogram.
    fn close(&mut self) {
        if let Some(h) = self.hist.take().map(|r| r.to_histogram()) {
            self.quantiles =
                (!h.is_empty()).then(|| INTERVAL_QUANTILES.map(|q| h.value_at_quantile(q)));
        }
    }
}

/// One interval of a finished replication.
#[derive(Debug, Clone)]
pub struct IntervalRecord {
    /// The interval's counters (all shoppers who arrived in it).
    pub tally: Tally,
    /// Each group's counters and time integrals over the interval.
    pub groups: Vec<GroupTally>,
    /// First response p50, p90, p99 of its answered shoppers, microseconds
    /// (2 significant digits); `None` when nobody was answered.
    pub quantiles_us: Option<[u64; 3]>,
}

/// Everything one replication measured.
#[derive(Debug, Clone)]
pub struct Replication {
    /// Counters over shoppers arriving after the warm-up, and time after it.
    pub total: Tally,
    /// Post-warm-up shoppers still waiting for a first response at the horizon.
    pub in_system_at_end: u64,
    /// The interval series.
    pub intervals: Vec<IntervalRecord>,
    /// The histograms.
    pub histograms: RunHistograms,
    /// By segment, question, channel, tier and group.
    pub breakdowns: Breakdowns,
    /// Events processed.
    pub events: u64,
}

/// Streams one replication's outcomes into counters and histograms.
#[derive(Clone)]
pub struct Recorder<'a> {
    sc: &'a Scenario,
    last: SimTime,
    total: Tally,
    hists: RunHistograms<Recording<u64>>,
    by: Breakdowns<Recording<u64>>,
    cells: Option<Cells>,
    /// Whether the shopper's parts are tracked (in cells, or directly).
    parts: bool,
    rows: Vec<Row>,
    first_open: usize,
    owner: Vec<usize>,
    /// One group and one-message conversations answered on take, no bot:
    /// every message, human and conversation response equals the first
    /// response, and the group's histograms equal the run's, so only those
    /// are recorded (see `Scenario::one_message_desk`).
    lean: bool,
    /// Each group's levels, and since when they held (integrated up to
    /// there).
    held: Vec<Held>,
    /// Whether the current interval starts before the warm-up ends.
    in_warmup: bool,
}

/// A group's levels and the moment since which they held.
#[derive(Clone, Copy, Default)]
struct Held {
    since: SimTime,
    levels: Levels,
}

fn credit_answer(t: &mut Tally, wait: SimTime, thresholds: &[SimTime]) {
    t.counts.answered += 1;
    t.counts.immediate += u64::from(wait == 0);
    t.wait_sum_us += u128::from(wait);
    for (count, limit) in t.within.iter_mut().zip(thresholds) {
        *count += u64::from(wait <= *limit);
    }
}

/// The desk's level integrals: the sums of its groups' (each level of the
/// desk is the sum of its groups', and integer integrals add exactly), so
/// only the groups' are integrated as time moves.
fn sum_areas(t: &mut Tally, groups: &[GroupTally]) {
    t.queue_area = groups.iter().map(|g| g.queue_area).sum();
    t.busy_area = groups.iter().map(|g| g.busy_area).sum();
    t.staffed_area = groups.iter().map(|g| g.staffed_area).sum();
}

impl<'a> Recorder<'a> {
    /// A recorder for one replication of `sc`.
    pub fn new(sc: &'a Scenario) -> Recorder<'a> {
        let k = sc.answered_within.len();
        let by = Breakdowns::new(sc).map(Recording::like);
        let cells = Cells::new(sc, &by);
        let parts = by.tracks_shoppers();
        let mut r = Recorder {
            sc,
            last: 0,
            total: Tally::new(k),
            hists: RunHistograms::recording(),
            by,
            cells,
            parts,
            rows: Vec::new(),
            first_open: 0,
            owner: sc
                .questions
                .iter()
                .map(|q| sc.skill_owner(q.skill))
                .collect(),
            lean: sc.one_message_desk(),
            held: vec![Held::default(); sc.groups.len()],
            in_warmup: false,
        };
        r.open_row();
        r
    }

    fn open_row(&mut self) {
        self.in_warmup = self.rows.len() as u64 * self.sc.interval < self.sc.warmup;
        self.rows.push(Row {
            tally: Tally::new(self.sc.answered_within.len()),
            groups: vec![GroupTally::new(self.sc.answered_within.len()); self.sc.groups.len()],
            hist: Some(Box::new(Recording::like(&interval_histogram()))),
            quantiles: None,
            pending: 0,
        });
    }

    /// Moves time to `now`. `changed` names the groups whose levels
    /// changed at the last instant (as [`crate::desk::Desk::take_changed`]
    /// gives them): each such group's levels are integrated over the time
    /// it held them, up to that instant, and held from there; the other
    /// groups' are integrated only when an interval ends (and by
    /// [`Self::settle`]): the integrals of a level held over a span split
    /// anywhere add to the same integers. The desk's are their sums, taken
    /// at the end. An interval wholly after the warm-up adds its groups'
    /// integrals into the run's when it ends, and only the one the warm-up
    /// ends in credits the run's part directly.
    #[inline]
    pub fn advance(&mut self, now: SimTime, group: impl Fn(usize) -> Levels, changed: u64) {
        let sc = self.sc;
        let now = now.min(sc.horizon);
        #[cfg(any(test, debug_assertions))]
        self.check_held(changed, &group);
        if changed != 0 {
            self.hold_changed(changed, group);
        }
        while self.last < now {
            let current = self.rows.len() - 1;
            let row_start = current as u64 * sc.interval;
            let row_end = (row_start + sc.interval).min(sc.horizon);
            let upto = now.min(row_end);
            let dt = upto - self.last;
            self.rows[current].tally.span_us += dt;
            let post = upto.saturating_sub(self.last.max(sc.warmup));
            self.total.span_us += post;
            self.last = upto;
            if upto == row_end {
                self.settle();
                if row_start >= sc.warmup {
                    let row = &self.rows[current];
                    for (run, row) in self.by.group.iter_mut().zip(&row.groups) {
                        run.tally.add_time(row);
                    }
                }
                if upto < sc.horizon {
                    self.open_row();
                    self.close_finished();
                }
            }
        }
    }

    /// The groups named in `changed` (all of them past 64 groups) close
    /// the span they held their levels for at `self.last`, and hold their
    /// current ones from there.
    #[inline]
    fn hold_changed(&mut self, changed: u64, group: impl Fn(usize) -> Levels) {
        let n = self.held.len();
        if n > 64 {
            for g in 0..n {
                self.close_span(g, self.last);
                self.held[g].levels = group(g);
            }
            return;
        }
        let mut bits = changed;
        while bits != 0 {
            let g = bits.trailing_zeros() as usize;
            self.close_span(g, self.last);
            self.held[g].levels = group(g);
            bits &= bits - 1;
        }
    }

    /// Every group the desk did not name as changed still has the levels
    /// it held (in tests and debug builds: a change the desk did not note
    /// would go unintegrated).
    #[cfg(any(test, debug_assertions))]
    fn check_held(&self, changed: u64, group: &impl Fn(usize) -> Levels) {
        for (g, held) in self.held.iter().enumerate() {
            let named = changed & 1 << (g & 63) != 0;
            assert!(
                named || held.levels == group(g),
                "group {g}'s levels changed without the desk noting it"
            );
        }
    }

    /// Integrates every group's levels up to the present (before a read
    /// of the interval's group counters, and where an interval ends).
    pub fn settle(&mut self) {
        for g in 0..self.held.len() {
            self.close_span(g, self.last);
        }
    }

    /// Integrates group `g`'s held levels from `since[g]` to `t`, within
    /// the current interval, and into the run's directly in the interval
    /// the warm-up ends in.
    #[inline(always)]
    fn close_span(&mut self, g: usize, t: SimTime) {
        let held = &mut self.held[g];
        let (since, lv) = (held.since, held.levels);
        if t <= since {
            return;
        }
        held.since = t;
        if let Some(row) = self.rows.last_mut() {
            row.groups[g].credit_time(t - since, lv);
        }
        if self.in_warmup {
            let post = t.saturating_sub(since.max(self.sc.warmup));
            if post > 0 {
                self.by.group[g].tally.credit_time(post, lv);
            }
        }
    }

    /// Closes every past interval whose shoppers all have a response or left.
    fn close_finished(&mut self) {
        let current = self.rows.len() - 1;
        for row in &mut self.rows[self.first_open..current] {
            if row.pending == 0 {
                row.close();
            }
        }
        while self.first_open < current && self.rows[self.first_open].hist.is_none() {
            self.first_open += 1;
        }
    }

    /// One of a row's shoppers got a response or left.
    fn resolve(&mut self, row: usize) {
        let past = row + 1 < self.rows.len();
        let r = &mut self.rows[row];
        r.pending -= 1;
        if r.pending == 0 && past {
            r.close();
        }
    }

    /// Applies `f` to what the shopper's segment, question, channel and tier
    /// parts will hold: its cell, or the parts themselves.
    #[inline]
    fn each_part(&mut self, s: &Shopper, mut f: impl FnMut(&mut Part<Recording<u64>>)) {
        if let Some(cells) = &mut self.cells {
            f(cells.get(s));
        } else if self.parts {
            self.by.parts_mut(s).for_each(f);
        }
    }

    /// Applies `f` to the run total's shopper counters and to the shopper's
    /// parts. With cells, only the cell: the total's counters are then the
    /// sum of the cells, added at the end (its time integrals are credited
    /// directly).
    #[inline]
    fn counted(&mut self, s: &Shopper, f: impl Fn(&mut Tally)) {
        if self.cells.is_none() {
            f(&mut self.total);
        }
        self.each_part(s, |p| f(&mut p.tally));
    }

    /// Applies `f` to the shopper's interval, and when counted to the run
    /// total and the shopper's segment, question, channel and tier.
    #[inline]
    fn credit(&mut self, s: &Shopper, f: impl Fn(&mut Tally)) {
        f(&mut self.rows[s.row as usize].tally);
        if s.counted {
            self.counted(s, f);
        }
    }

    /// Each group's counters for interval `row` so far (`None` before it;
    /// after [`Self::settle`], up to the present).
    pub fn interval_groups(&self, row: usize) -> Option<&[GroupTally]> {
        self.rows.get(row).map(|r| r.groups.as_slice())
    }

    /// The run's counts and histograms so far (a drive's live look): a
    /// copy, with the counters kept per cell and the histograms kept per
    /// group added in as at the end.
    pub fn so_far(&self) -> (Tally, RunHistograms) {
        let (mut total, mut by, mut hists) = (
            self.total.clone(),
            self.by.histograms(),
            self.hists.histograms(),
        );
        if let Some(cells) = self.cells.clone() {
            cells.fold_into(&mut total, &mut by, self.sc);
        }
        complete(&mut hists, &mut by.group, self.lean);
        (total, hists)
    }

    /// A conversation reached the desk.
    #[inline]
    pub fn arrived(&mut self, s: &Shopper) {
        let (retry, proactive) = (u64::from(s.attempt > 1), u64::from(s.proactive));
        self.credit(s, |t| {
            t.counts.arrived += 1;
            t.counts.retrials += retry;
            t.counts.proactive += proactive;
        });
        self.rows[s.row as usize].pending += 1;
    }

    /// FAQ self-service answered a question.
    pub fn deflected(&mut self, s: &Shopper) {
        self.credit(s, |t| t.counts.deflected += 1);
    }

    /// Stamps a retrial with its interval and whether it counts.
    pub fn stamp(&self, s: &mut Shopper, now: SimTime) {
        stamp(self.sc, s, now);
    }

    /// Closes the books at the horizon.
    pub fn finish<'s>(
        mut self,
        group: impl Fn(usize) -> Levels,
        changed: u64,
        unanswered: impl Iterator<Item = &'s Shopper>,
        events: u64,
    ) -> Replication {
        let horizon = self.sc.horizon;
        self.advance(horizon, group, changed);
        let groups: Vec<GroupTally> = self.by.group.iter().map(|g| g.tally.clone()).collect();
        sum_areas(&mut self.total, &groups);
        let mut in_system_at_end = 0;
        for s in unanswered {
            let waited = horizon - s.arrival;
            self.rows[s.row as usize].tally.counts.in_system_at_end += 1;
            if s.counted {
                self.counted(s, |t| t.counts.in_system_at_end += 1);
            }
            for (k, limit) in self.sc.answered_within.iter().enumerate() {
                let undecided = u64::from(waited <= *limit);
                self.rows[s.row as usize].tally.undecided[k] += undecided;
                if s.counted {
                    self.counted(s, |t| t.undecided[k] += undecided);
                }
            }
            in_system_at_end += u64::from(s.counted);
        }
        let mut by = self.by.histograms();
        if let Some(cells) = self.cells.take() {
            cells.fold_into(&mut self.total, &mut by, self.sc);
        }
        let mut histograms = self.hists.histograms();
        complete(&mut histograms, &mut by.group, self.lean);
        let intervals = self
            .rows
            .into_iter()
            .map(|mut row| {
                row.close();
                sum_areas(&mut row.tally, &row.groups);
                IntervalRecord {
                    tally: row.tally,
                    groups: row.groups,
                    quantiles_us: row.quantiles,
                }
            })
            .collect();
        Replication {
            total: self.total,
            in_system_at_end,
            intervals,
            histograms,
            breakdowns: by,
            events,
        }
    }
}

/// The recorder counts what the desk (or a driven shopper) reports.
impl Outcomes for Recorder<'_> {
    /// The shopper's first response, from the bot or an agent.
    #[inline]
    fn first_response(&mut self, s: &Shopper, now: SimTime, _by_bot: bool) {
        let wait = now - s.arrival;
        let thresholds = self.sc.answered_within.as_slice();
        let row = &mut self.rows[s.row as usize];
        credit_answer(&mut row.tally, wait, thresholds);
        if let Some(h) = &mut row.hist {
            h.record(wait);
        }
        if s.counted {
            self.hists.first_response.record(wait);
            if self.cells.is_none() {
                credit_answer(&mut self.total, wait, thresholds);
            }
            self.each_part(s, |p| {
                credit_answer(&mut p.tally, wait, thresholds);
                p.first_response.record(wait);
            });
        }
        self.resolve(s.row as usize);
    }

    /// An agent of `group` gave the first human response after `wait`.
    #[inline]
    fn human_response(&mut self, s: &Shopper, group: usize, wait: SimTime) {
        self.credit(s, |t| t.counts.human_answered += 1);
        let row = &mut self.rows[s.row as usize].groups[group];
        row.taken += 1;
        for (count, limit) in row.human_within.iter_mut().zip(&self.sc.answered_within) {
            *count += u64::from(wait <= *limit);
        }
        if s.counted {
            let g = &mut self.by.group[group];
            g.tally.taken += 1;
            if !self.lean {
                g.human_response.record(wait);
            }
        }
    }

    /// One message answered.
    #[inline]
    fn message(&mut self, s: &Shopper, response: SimTime) {
        self.credit(s, |t| {
            t.messages += 1;
            t.message_response_sum_us += u128::from(response);
        });
        if s.counted && !self.lean {
            self.hists.message_response.record(response);
        }
    }

    /// The bot handed the shopper over.
    fn handed_off(&mut self, s: &Shopper) {
        self.credit(s, |t| t.counts.handed_off += 1);
    }

    /// The shopper gave up waiting for a human.
    #[inline]
    fn abandoned(&mut self, s: &Shopper, now: SimTime, left: Left) {
        let owner = self.owner[s.question as usize];
        self.rows[s.row as usize].groups[owner].abandoned += 1;
        if s.counted {
            self.by.group[owner].tally.abandoned += 1;
        }
        match left {
            Left::BeforeAnswer => {}
            Left::WaitingForHuman => {
                return self.credit(s, |t| t.counts.abandoned_after_response += 1);
            }
            Left::MidConversation => {
                return self.credit(s, |t| t.counts.left_mid_conversation += 1);
            }
        }
        let wait = now - s.arrival;
        self.credit(s, |t| {
            t.counts.abandoned += 1;
            t.wait_sum_us += u128::from(wait);
        });
        if s.counted {
            self.hists.abandon_time.record(wait);
        }
        self.resolve(s.row as usize);
    }

    /// A conversation ended.
    #[inline]
    fn resolved(&mut self, s: &Shopper, now: SimTime, group: Option<usize>, e: Ending) {
        let by_bot = u64::from(e.by_bot);
        self.credit(s, |t| {
            t.counts.resolved += 1;
            t.counts.bot_resolved += by_bot;
        });
        if s.counted {
            self.hists.resolution.record(now - s.arrival);
            if let (Some(g), false) = (group, e.by_bot) {
                match self.lean {
                    true => self.hists.handle.record(e.handle),
                    false => self.by.group[g].handle.record(e.handle),
                }
            }
            if !self.lean {
                self.hists.conversation_response.record(e.mean_response);
            }
        }
    }

    /// The capacity-limited bot starts on one of the shopper's requests.
    fn bot_request(&mut self, s: &Shopper, wait: SimTime, service: SimTime) {
        self.credit(s, |t| {
            t.bot_requests += 1;
            t.bot_waited += u64::from(wait > 0);
            t.bot_wait_sum_us += u128::from(wait);
            t.bot_service_sum_us += u128::from(service);
        });
    }

    /// A request found the capacity-limited bot full.
    fn bot_full(&mut self, s: &Shopper, failed: bool) {
        let (failed, fallback) = (u64::from(failed), u64::from(!failed));
        self.credit(s, |t| {
            t.bot_failed += failed;
            t.bot_fallbacks += fallback;
        });
    }

    /// A shopper who gave up tries again: a new attempt, stamped and
    /// counted as an arrival.
    fn retried(&mut self, s: &mut Shopper, now: SimTime) {
        self.stamp(s, now);
        self.arrived(s);
    }
}

/// Stamps a shopper arriving at `now` with its interval and whether it
/// counts (after the warm-up).
pub fn stamp(sc: &Scenario, s: &mut Shopper, now: SimTime) {
    s.row = (now / sc.interval) as u32;
    s.counted = now >= sc.warmup;
}
