//! One demand stream drawn once and fed to several replications side by
//! side. Scenarios that differ only in their desk (headcounts, routing,
//! concurrency) bring the same shoppers for the same seed (common random
//! numbers), so a sweep over them need not draw those shoppers again for
//! every point: a [`Feeder`] draws them, in the calendar's order, a step
//! at a time, and each replication takes them from its own [`Feed`].
//! What the demand reads of a scenario is named once, in [`key`].

use super::source::Due;
use super::{Arrival, Demand};
use crate::profile::Scenario;
use crate::time::SimTime;
use std::collections::VecDeque;

/// Where a replication's shoppers come from: its own demand stream, or a
/// feed of one drawn for several replications.
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
            Source::Fed(f) => f
                .offers
                .pop_front()
                .expect("the feeder feeds every arrival before it is due"),
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

    /// Takes a step of a feeder's stream (nothing for an own stream).
    pub fn take(&mut self, step: &Step) {
        if let Source::Fed(f) = self {
            f.arrivals.extend(&step.arrivals);
            f.invitations.extend(&step.invitations);
            f.offers.extend(&step.offers);
        }
    }
}

/// What a replication has been fed and not yet taken.
#[derive(Clone, Default)]
pub struct Feed {
    arrivals: VecDeque<Option<SimTime>>,
    invitations: VecDeque<Option<SimTime>>,
    offers: VecDeque<Option<Arrival>>,
}

impl Feed {
    #[inline]
    fn next(&mut self, invited: bool) -> Option<SimTime> {
        let times = if invited {
            &mut self.invitations
        } else {
            &mut self.arrivals
        };
        times
            .pop_front()
            .expect("the feeder feeds the next due time with the arrival before it")
    }
}

/// A step of a demand stream: the times each kind falls due next, and
/// what each brings, in the calendar's order.
#[derive(Default)]
pub struct Step {
    arrivals: Vec<Option<SimTime>>,
    invitations: Vec<Option<SimTime>>,
    offers: Vec<Option<Arrival>>,
}

/// Draws a replication's demand stream once, for every replication of
/// scenarios with the same [`key`].
pub struct Feeder<'a> {
    demand: Demand<'a>,
    /// The first arrival and invitation due at or after the start.
    first: (Option<SimTime>, Option<SimTime>),
    due: Due,
    step: Step,
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
            step: Step::default(),
        }
    }

    /// A feed of this stream, holding the first arrival and invitation.
    pub fn feed(&self) -> Source<'static> {
        Source::Fed(Feed {
            arrivals: VecDeque::from([self.first.0]),
            invitations: VecDeque::from([self.first.1]),
            offers: VecDeque::new(),
        })
    }

    /// Draws everything due before `until` since the last step: the step
    /// for each replication to take before it runs to `until`.
    pub fn draw(&mut self, until: SimTime) -> &Step {
        let s = &mut self.step;
        s.arrivals.clear();
        s.invitations.clear();
        s.offers.clear();
        while let Some((t, invited)) = self.due.earliest()
            && t < until
        {
            let (offer, next) = self.due.fire(&mut self.demand, t, invited);
            s.offers.push(offer);
            if invited {
                s.invitations.push(next);
            } else {
                s.arrivals.push(next);
            }
        }
        &self.step
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
    // reads back as the same number: equal texts, equal values.
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
