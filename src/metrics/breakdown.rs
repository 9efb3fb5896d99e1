//! Breakdowns: the same counters and a first-response histogram for every
//! segment, question, channel and tier, and per agent group the
//! conversations taken, the wait for a human, handle times and the group's
//! time integrals (staffed, busy, chats, queue). All of it adds exactly.
//! While a replication runs, the histograms are [`Recording`]s (`H`).

use super::hist;
use super::recording::Recording;
use super::tally::Tally;
use crate::demand::Shopper;
use crate::desk::Levels;
use crate::profile::Scenario;
use crate::time::{DAY, SimTime};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;

/// A breakdown histogram: 2 significant digits, up to 30 days.
pub fn part_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 30 * DAY, 2).expect("static bounds are valid")
}

/// Counters and first responses of one segment, question, channel or tier.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(
    serialize = "H: Borrow<Histogram<u64>>",
    deserialize = "H: From<Histogram<u64>>"
))]
pub struct Part<H = Histogram<u64>> {
    /// Counters (post-warm-up shoppers).
    pub tally: Tally,
    /// First response times.
    #[serde(with = "hist::as_base64")]
    pub first_response: H,
}

impl<H> Part<H> {
    /// The same part with its histogram turned into a `G` by `f`.
    pub fn map<G>(&self, mut f: impl FnMut(&H) -> G) -> Part<G> {
        Part {
            tally: self.tally.clone(),
            first_response: f(&self.first_response),
        }
    }
}

impl Part {
    /// An empty part.
    pub fn new(thresholds: usize) -> Part {
        Part {
            tally: Tally::new(thresholds),
            first_response: part_histogram(),
        }
    }

    /// Adds another part of the same key.
    pub fn add(&mut self, o: &Part) {
        self.tally.add(&o.tally);
        self.first_response
            .add(&o.first_response)
            .expect("same bounds");
    }
}

/// A group's counts and time integrals over a span.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTally {
    /// Conversations its agents took.
    pub taken: u64,
    /// Shoppers who gave up waiting for a skill the group owns.
    pub abandoned: u64,
    /// Integral of agents on shift (agent-microseconds).
    pub staffed_area: u128,
    /// Integral of agents with at least one chat.
    pub busy_area: u128,
    /// Integral of conversations in progress.
    pub chats_area: u128,
    /// Integral of shoppers waiting for skills the group owns.
    pub queue_area: u128,
    /// Time covered, microseconds.
    pub span_us: u64,
    /// Of the conversations taken, those whose wait for a human was within
    /// each of the scenario's `answered_within` thresholds (kept per
    /// interval, where staffing is judged; empty in run totals).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub human_within: Vec<u64>,
}

impl GroupTally {
    /// An empty tally counting waits against `thresholds` limits.
    pub fn new(thresholds: usize) -> GroupTally {
        GroupTally {
            human_within: vec![0; thresholds],
            ..GroupTally::default()
        }
    }

    /// Adds another tally.
    pub fn add(&mut self, o: &GroupTally) {
        if self.human_within.len() < o.human_within.len() {
            self.human_within.resize(o.human_within.len(), 0);
        }
        for (a, b) in self.human_within.iter_mut().zip(&o.human_within) {
            *a += b;
        }
        self.taken += o.taken;
        self.abandoned += o.abandoned;
        self.add_time(o);
    }

    /// Adds another tally's time integrals and span (not its counts).
    #[inline]
    pub fn add_time(&mut self, o: &GroupTally) {
        self.staffed_area += o.staffed_area;
        self.busy_area += o.busy_area;
        self.chats_area += o.chats_area;
        self.queue_area += o.queue_area;
        self.span_us += o.span_us;
    }

    /// Integrates levels held for `dt`.
    #[inline]
    pub fn credit_time(&mut self, dt: SimTime, lv: Levels) {
        let d = u128::from(dt);
        self.span_us += dt;
        self.staffed_area += d * u128::from(lv.staffed);
        self.busy_area += d * u128::from(lv.busy);
        self.chats_area += d * u128::from(lv.chats);
        self.queue_area += d * u128::from(lv.queue);
    }
}

/// One group over the run.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(
    serialize = "H: Borrow<Histogram<u64>>",
    deserialize = "H: From<Histogram<u64>>"
))]
pub struct GroupPart<H = Histogram<u64>> {
    /// Counts and integrals after the warm-up.
    pub tally: GroupTally,
    /// Wait from joining the human queue to the first human response.
    #[serde(with = "hist::as_base64")]
    pub human_response: H,
    /// Agent time per conversation.
    #[serde(with = "hist::as_base64")]
    pub handle: H,
}

impl<H> GroupPart<H> {
    /// The same group part with its histograms turned into `G`s by `f`.
    pub fn map<G>(&self, mut f: impl FnMut(&H) -> G) -> GroupPart<G> {
        GroupPart {
            tally: self.tally.clone(),
            human_response: f(&self.human_response),
            handle: f(&self.handle),
        }
    }
}

impl GroupPart {
    /// An empty group part.
    pub fn new() -> GroupPart {
        GroupPart {
            tally: GroupTally::default(),
            human_response: part_histogram(),
            handle: part_histogram(),
        }
    }

    /// Adds another part of the same group.
    pub fn add(&mut self, o: &GroupPart) {
        self.tally.add(&o.tally);
        self.human_response
            .add(&o.human_response)
            .expect("same bounds");
        self.handle.add(&o.handle).expect("same bounds");
    }
}

impl Default for GroupPart {
    fn default() -> Self {
        GroupPart::new()
    }
}

/// Every breakdown of one run.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(
    serialize = "H: Borrow<Histogram<u64>>",
    deserialize = "H: From<Histogram<u64>>"
))]
pub struct Breakdowns<H = Histogram<u64>> {
    /// By segment.
    pub segment: Vec<Part<H>>,
    /// By question.
    pub question: Vec<Part<H>>,
    /// By channel.
    pub channel: Vec<Part<H>>,
    /// By tier: urgent, important, normal.
    pub tier: Vec<Part<H>>,
    /// By agent group.
    pub group: Vec<GroupPart<H>>,
}

impl<H> Default for Breakdowns<H> {
    fn default() -> Self {
        Breakdowns {
            segment: Vec::new(),
            question: Vec::new(),
            channel: Vec::new(),
            tier: Vec::new(),
            group: Vec::new(),
        }
    }
}

impl<H> Breakdowns<H> {
    /// The same breakdowns with every histogram turned into a `G` by `f`.
    pub fn map<G>(&self, mut f: impl FnMut(&H) -> G) -> Breakdowns<G> {
        let mut parts = |v: &[Part<H>]| v.iter().map(|p| p.map(&mut f)).collect::<Vec<_>>();
        let (segment, question, channel, tier) = (
            parts(&self.segment),
            parts(&self.question),
            parts(&self.channel),
            parts(&self.tier),
        );
        Breakdowns {
            segment,
            question,
            channel,
            tier,
            group: self.group.iter().map(|g| g.map(&mut f)).collect(),
        }
    }

    /// Whether any of the shopper's dimensions (segment, question, channel,
    /// tier) is tracked.
    pub fn tracks_shoppers(&self) -> bool {
        [&self.segment, &self.question, &self.channel, &self.tier]
            .iter()
            .any(|p| !p.is_empty())
    }

    /// The tracked parts a shopper belongs to.
    #[inline]
    pub fn parts_mut(&mut self, s: &Shopper) -> impl Iterator<Item = &mut Part<H>> {
        let keys = [
            s.segment as usize,
            s.question as usize,
            s.channel as usize,
            s.tier as usize,
        ];
        [
            &mut self.segment,
            &mut self.question,
            &mut self.channel,
            &mut self.tier,
        ]
        .into_iter()
        .zip(keys)
        .filter_map(|(parts, key)| parts.get_mut(key))
    }
}

impl Breakdowns<Recording<u64>> {
    /// The breakdowns recorded so far, as histograms.
    pub fn histograms(&self) -> Breakdowns {
        self.map(Recording::to_histogram)
    }
}

impl Breakdowns {
    /// Empty breakdowns for a scenario. A dimension with a single possible
    /// key (one segment, say) is not tracked: its one entry equals the
    /// run's totals, and the summary takes it from there.
    pub fn new(sc: &Scenario) -> Breakdowns {
        let k = sc.answered_within.len();
        let parts = |n: usize| {
            if n > 1 {
                (0..n).map(|_| Part::new(k)).collect()
            } else {
                Vec::new()
            }
        };
        Breakdowns {
            segment: parts(sc.segments.len()),
            question: parts(sc.questions.len()),
            channel: parts(sc.channels.len()),
            tier: parts(if sc.tiers_in_use().len() > 1 { 3 } else { 1 }),
            group: (0..sc.groups.len()).map(|_| GroupPart::new()).collect(),
        }
    }

    /// Adds another run's breakdowns.
    pub fn add(&mut self, o: &Breakdowns) {
        if self.group.is_empty() {
            *self = o.clone();
            return;
        }
        for (mine, theirs) in [
            (&mut self.segment, &o.segment),
            (&mut self.question, &o.question),
            (&mut self.channel, &o.channel),
            (&mut self.tier, &o.tier),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                a.add(b);
            }
        }
        for (a, b) in self.group.iter_mut().zip(&o.group) {
            a.add(b);
        }
    }
}

/// The most (segment, question, channel) combinations kept as cells; a
/// profile with more credits the parts directly.
const MOST_CELLS: usize = 4096;

/// A replication's per-shopper breakdown figures, one cell per (segment,
/// question, channel) combination met: an event credits one cell instead of
/// four parts, and the cells are added into the segment, question, channel
/// and tier parts when the replication ends. The tier is a function of
/// segment and question, so a cell has one. The sums are the same integers.
#[derive(Clone)]
pub struct Cells {
    cells: Vec<Option<Box<Part<Recording<u64>>>>>,
    thresholds: usize,
}

/// A cell met for the first time (kept out of [`Cells::get`]'s inlined path).
#[cold]
#[inline(never)]
fn empty_cell(thresholds: usize) -> Box<Part<Recording<u64>>> {
    Box::new(Part::new(thresholds).map(Recording::like))
}

impl Cells {
    /// Cells for a scenario whose breakdowns track at least one dimension
    /// (`None` otherwise, or past [`MOST_CELLS`]).
    pub fn new<H>(sc: &Scenario, by: &Breakdowns<H>) -> Option<Cells> {
        let n = sc.cells();
        (by.tracks_shoppers() && n <= MOST_CELLS).then(|| Cells {
            cells: (0..n).map(|_| None).collect(),
            thresholds: sc.answered_within.len(),
        })
    }

    /// The shopper's cell.
    #[inline]
    pub fn get(&mut self, s: &Shopper) -> &mut Part<Recording<u64>> {
        let k = self.thresholds;
        self.cells[s.cell as usize].get_or_insert_with(|| empty_cell(k))
    }

    /// Adds every cell into the run total's shopper counters and into the
    /// parts it belongs to.
    pub fn fold_into(self, total: &mut Tally, by: &mut Breakdowns, sc: &Scenario) {
        for (i, cell) in self.cells.into_iter().enumerate() {
            let Some(cell) = cell else { continue };
            let cell = cell.map(Recording::to_histogram);
            total.add(&cell.tally);
            let (segment, question, channel) = sc.cell_parts(i);
            let tier = sc.segments[segment]
                .tier
                .unwrap_or(sc.questions[question].tier) as usize;
            for (parts, key) in [
                (&mut by.segment, segment),
                (&mut by.question, question),
                (&mut by.channel, channel),
                (&mut by.tier, tier),
            ] {
                if let Some(p) = parts.get_mut(key) {
                    p.add(&cell);
                }
            }
        }
    }
}
