//! One demand stream drawn once and fed to several replications side by
//! side. Scenarios that differ only in their desk (headcounts, routing,
//! concurrency) bring the same shoppers for the same seed (common random
//! numbers), so a sweep over them need not draw those shoppers again for
//! every point: a [`Feeder`] draws them, in the calendar's order, some
//! thousands at a time, and lends each such step to every replication in
//! turn (one copy, whatever the number of replications).
//! What the demand reads of a scenario is named once, in [`key`].

use super::source::Due;
use super::{Arrival, Demand};
use crate::profile::Scenario;
use crate::time::SimTime;

/// Where a replication's shoppers come from: its own demand stream, or a
/// feeder's steps.
// One per replication, never moved while it runs: boxing the own stream
// would only add a pointer to follow on every arrival.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub enum Source<'a> {
    /// Drawn as the replication goes.
    Own(Demand<'a>),
    /// Drawn by a [`Feeder`].
    Fed(Feed),
}

impl<'a> Source<'a> {
    /// When the next arrival (or, `invited`, invitation) falls due.
    #[inline]
    pub fn next(&mut self, invited: bool) -> Option<SimTime> {
        match self {
            Source::Own(d) => d.next(invited),
            Source::Fed(f) => f.next(invited),
        }
    }

    /// What the arrival (or invitation) due `now` brings.
    #[inline]
    pub fn offer(&mut self, now: SimTime, invited: bool) -> Option<Arrival> {
        match self {
            Source::Own(d) => d.offer(now, invited),
            Source::Fed(f) => {
                let offer = f.step.offers[f.taken[2]];
                f.taken[2] += 1;
                offer
            }
        }
    }

    /// The first arrival and invitation due at or after `start` (those
    /// before it drawn and dropped).
    pub fn first(&mut self, start: SimTime) -> (Option<SimTime>, Option<SimTime>) {
        match self {
            Source::Own(d) => d.skip_to(start),
            Source::Fed(f) => (f.next(false), f.next(true)),
        }
    }

    /// Swaps `step` with the step this feed holds (whose every item has
    /// been taken): a feeder's step goes in before a run and comes back
    /// out after it, one step lent to every replication in turn.
    pub fn swap(&mut self, step: &mut Step) {
        if let Source::Fed(f) = self {
            debug_assert!(f.step.taken_by(f.taken), "a step is taken whole");
            std::mem::swap(&mut f.step, step);
            f.taken = [0; 3];
        }
    }
}

/// The step a replication is taking, and how much of each list it took.
#[derive(Clone, Default)]
pub struct Feed {
    step: Step,
    taken: [usize; 3],
}

impl Feed {
    #[inline]
    fn next(&mut self, invited: bool) -> Option<SimTime> {
        let (times, taken) = if invited {
            (&self.step.invitations, &mut self.taken[1])
        } else {
            (&self.step.arrivals, &mut self.taken[0])
        };
        *taken += 1;
        times[*taken - 1]
    }
}

/// A step of a demand stream: the times each kind falls due next, and
/// what each brings, in the calendar's order.
#[derive(Clone, Default)]
pub struct Step {
    arrivals: Vec<Option<SimTime>>,
    invitations: Vec<Option<SimTime>>,
    offers: Vec<Option<Arrival>>,
}

impl Step {
    /// Whether `taken` counts every item.
    fn taken_by(&self, taken: [usize; 3]) -> bool {
        taken
            == [
                self.arrivals.len(),
                self.invitations.len(),
                self.offers.len(),
            ]
    }
}

/// Draws a replication's demand stream once, for every replication of
/// scenarios with the same [`key`].
pub struct Feeder<'a> {
    demand: Demand<'a>,
    /// The first arrival and invitation due at or after the start.
    first: (Option<SimTime>, Option<SimTime>),
    due: Due,
    horizon: SimTime,
}

impl<'a> Feeder<'a> {
    /// The stream of replication `replication` of `sc`, from its start.
    pub fn new(sc: &'a Scenario, replication: u32) -> Feeder<'a> {
        let mut demand = Demand::new(sc, replication);
        let first = demand.skip_to(sc.start);
        // A replication schedules the first arrival before the first
        // invitation, whatever came before the start.
        let due = Due::at(first.0, first.1);
        Feeder {
            demand,
            first,
            due,
            horizon: sc.horizon,
        }
    }

    /// A feed of this stream, holding the first arrival and invitation.
    pub fn feed(&self) -> Source<'static> {
        Source::Fed(Feed {
            step: Step {
                arrivals: vec![self.first.0],
                invitations: vec![self.first.1],
                offers: Vec::new(),
            },
            taken: [0; 3],
        })
    }

    /// Draws the next `most` arrivals and invitations into `step` (more
    /// when the last is tied with the next, so that a step ends between
    /// two instants): the instant each replication runs to with it, before
    /// which it takes every item (the horizon once the stream ends).
    pub fn draw(&mut self, step: &mut Step, most: usize) -> SimTime {
        step.arrivals.clear();
        step.invitations.clear();
        step.offers.clear();
        let mut last = None;
        while let Some((t, invited)) = self.due.earliest()
            && t < self.horizon
        {
            if step.offers.len() >= most && last != Some(t) {
                return t;
            }
            let (offer, next) = self.due.fire(&mut self.demand, t, invited);
            step.offers.push(offer);
            if invited {
                step.invitations.push(next);
            } else {
                step.arrivals.push(next);
            }
            last = Some(t);
        }
        self.horizon
    }
}

/// What the demand stream of a scenario depends on, as text: scenarios
/// with the same key bring the same shoppers for the same seed, so they
/// may share a [`Feeder`]. Every field of a scenario is named here, so a
/// new one must be placed on one side or the other; on the demand side
/// whole sub-structures are compared, parts that only the desk reads
/// included (they make keys differ more often than needed, never less).
pub fn key(sc: &Scenario) -> String {
    let Scenario {
        // What the demand draws from.
        seed,
        horizon,
        warmup,
        start,
        interval,
        arrivals,
        calendar,
        segments,
        questions,
        question_mix,
        channels,
        bot,
        proactive,
        // The desk, the reports and the rules: never read by the demand.
        source: _,
        name: _,
        description: _,
        answered_within: _,
        staffing_multiplier: _,
        skills: _,
        tier_targets: _,
        retrials: _,
        groups: _,
        shrinkage: _,
        first_response: _,
        routing: _,
        overflow_after: _,
        concurrency_slowdown: _,
        overrides: _,
        calibration: _,
        bands: _,
        sla: _,
        rules: _,
        kpi_weights: _,
        costs: _,
    } = sc;
    // Debug prints every field, and each float as the shortest text that
    // reads back as the same number: equal texts, equal values. (The
    // compiler keeps this list and the one above in step: a name bound
    // above and not used here is an unused variable, and the reverse does
    // not compile.)
    let parts: [&dyn std::fmt::Debug; 13] = [
        seed,
        horizon,
        warmup,
        start,
        interval,
        arrivals,
        calendar,
        segments,
        questions,
        question_mix,
        channels,
        bot,
        proactive,
    ];
    format!("{parts:?}")
}
