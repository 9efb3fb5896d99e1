//! `simulate`'s world around the desk: modelled shoppers (the demand
//! stream and `demand::conversation`, the shopper's half of each
//! conversation) on the virtual clock, outcomes streamed to the recorder.

use super::calendar::Calendar;
use super::clock::{NoInput, Virtual};
use super::event_loop::{self, Event, Turn, World};
use super::rng::StreamRng;
use crate::demand::feed::Step;
use crate::demand::{Arrival, Demand, Feeder, Shopper, Source, conversation};
use crate::desk::{Desk, Ending, Handle, Left, Outcomes, Sink, Timer};
use crate::metrics::breakdown::GroupTally;
use crate::metrics::{Recorder, Replication};
use crate::profile::Scenario;
use crate::time::SimTime;

/// Modelled shoppers and a recorder, around one replication's desk.
#[derive(Clone)]
struct Simulation<'a> {
    sc: &'a Scenario,
    calendar: Calendar<Event>,
    recorder: Recorder<'a>,
    demand: Source<'a>,
}

impl Outcomes for Simulation<'_> {
    #[inline]
    fn first_response(&mut self, s: &Shopper, now: SimTime, by_bot: bool) {
        self.recorder.first_response(s, now, by_bot);
    }
    #[inline]
    fn human_response(&mut self, s: &Shopper, group: usize, wait: SimTime) {
        self.recorder.human_response(s, group, wait);
    }
    #[inline]
    fn message(&mut self, s: &Shopper, response: SimTime) {
        self.recorder.message(s, response);
    }
    fn handed_off(&mut self, s: &Shopper) {
        self.recorder.handed_off(s);
    }
    #[inline]
    fn abandoned(&mut self, s: &Shopper, now: SimTime, left: Left) {
        self.recorder.abandoned(s, now, left);
    }
    #[inline]
    fn resolved(&mut self, s: &Shopper, now: SimTime, group: Option<usize>, ending: Ending) {
        self.recorder.resolved(s, now, group, ending);
    }
    fn retried(&mut self, s: &mut Shopper, now: SimTime) {
        self.recorder.retried(s, now);
    }
    fn bot_request(&mut self, s: &Shopper, wait: SimTime, service: SimTime) {
        self.recorder.bot_request(s, wait, service);
    }
    fn bot_full(&mut self, s: &Shopper, failed: bool) {
        self.recorder.bot_full(s, failed);
    }
}

/// The calendar's deadlines of a waiting shopper, which end when the
/// shopper is taken: its patience, and its move to the overflow groups.
/// Each has its own owner id in the calendar, two per slot.
fn patience_owner(slot: u32) -> u32 {
    2 * slot
}
fn overflow_owner(slot: u32) -> u32 {
    2 * slot + 1
}

impl Sink for Simulation<'_> {
    #[inline]
    fn schedule(&mut self, at: SimTime, timer: Timer) {
        match timer {
            Timer::Overflow(slot, _) => {
                let owner = overflow_owner(slot);
                self.calendar
                    .schedule_deadline(at, owner, Event::Desk(timer))
            }
            _ => self.calendar.schedule(at, Event::Desk(timer)),
        }
    }
    #[inline]
    fn waiting(&mut self, h: Handle, s: &Shopper, now: SimTime) {
        if let Some(at) = conversation::gives_up_at(s, now) {
            let event = Event::Shopper(Turn::GivesUp(h));
            self.calendar
                .schedule_deadline(at, patience_owner(h.slot), event);
        }
    }
    #[inline]
    fn stops_waiting(&mut self, h: Handle) {
        self.calendar.cancel_deadline(patience_owner(h.slot));
        self.calendar.cancel_deadline(overflow_owner(h.slot));
    }
    fn patience_ends(&mut self, s: &Shopper, now: SimTime) -> Option<SimTime> {
        conversation::gives_up_at(s, now)
    }
    #[inline]
    fn next_message(&mut self, s: &Shopper, at: SimTime, rng: &mut StreamRng) -> Option<SimTime> {
        Some(at + conversation::think(self.sc, s, rng))
    }
    #[inline]
    fn writes_again(&mut self, h: Handle, s: &Shopper, now: SimTime, rng: &mut StreamRng) {
        let at = now + conversation::think(self.sc, s, rng);
        self.calendar.schedule(at, Event::Shopper(Turn::Writes(h)));
    }
    fn comes_back(
        &mut self,
        h: Handle,
        s: &mut Shopper,
        now: SimTime,
        rng: &mut StreamRng,
    ) -> bool {
        let Some(back) = conversation::comes_back(self.sc, s, rng) else {
            return false;
        };
        back.apply(self.sc, s);
        let at = now + back.after;
        self.calendar
            .schedule(at, Event::Shopper(Turn::ComesBack(h)));
        true
    }
}

impl World for Simulation<'_> {
    type Input = NoInput;
    #[inline(always)]
    fn calendar(&mut self) -> &mut Calendar<Event> {
        &mut self.calendar
    }
    #[inline(always)]
    fn advance(&mut self, now: SimTime, desk: &mut Desk) {
        let changed = desk.take_changed();
        self.recorder
            .advance(now, |g| desk.group_levels(g), changed);
    }
    #[inline(always)]
    fn arrival(&mut self, now: SimTime, invited: bool, desk: &mut Desk) {
        match self.demand.offer(now, invited) {
            Some(Arrival::Desk(shopper)) => {
                self.recorder.arrived(&shopper);
                desk.arrive(now, shopper, self);
            }
            Some(Arrival::Deflected(shopper)) => self.recorder.deflected(&shopper),
            None => {}
        }
        let event = if invited {
            Event::Invitation
        } else {
            Event::Arrival
        };
        match self.demand.next(invited) {
            Some(t) if invited => self.calendar.schedule(t, event),
            Some(t) => self.calendar.schedule_side(t, event),
            None => {}
        }
    }
}

/// Runs one replication of a scenario on the virtual clock.
pub fn run_replication(sc: &Scenario, replication: u32) -> Replication {
    run_watched(sc, replication, &|_| {})
}

/// One replication in flight: it runs to any instant, a copy of it taken
/// there carries on independently, and it may carry on under other
/// headcounts (the staffing search tries an interval's headcounts from
/// copies of the day so far, rather than simulating the day again).
#[derive(Clone)]
pub struct Replica<'a> {
    desk: Desk<'a>,
    sim: Simulation<'a>,
    /// The first arrival and invitation, until the first run staffs the
    /// desk and puts them on the calendar.
    first: Option<(Option<SimTime>, Option<SimTime>)>,
}

impl<'a> Replica<'a> {
    /// Replication `replication` of `sc` at its start, not yet staffed
    /// (the first run staffs it as its roster says).
    pub fn new(sc: &'a Scenario, replication: u32) -> Replica<'a> {
        Replica::with(sc, Source::Own(Demand::new(sc, replication)))
    }

    /// `sc` at its start with its shoppers from `demand`, not yet staffed.
    pub fn with(sc: &'a Scenario, demand: Source<'a>) -> Replica<'a> {
        let desk = Desk::new(sc);
        let mut sim = Simulation {
            sc,
            calendar: Calendar::default(),
            recorder: Recorder::new(sc),
            demand,
        };
        let start = sc.start;
        if start > 0 {
            // A cold window: the desk is closed, and empty, until `start`.
            // Nobody is on shift yet: no group's levels changed.
            sim.recorder.advance(start, |g| desk.group_levels(g), 0);
        }
        let first = sim.demand.first(start);
        Replica {
            desk,
            sim,
            first: Some(first),
        }
    }

    /// Runs the events before `until`, the groups' headcounts changing as
    /// `roster` plans them: the replica's own scenario, or one that
    /// differs from it only in the groups' headcount plans, with a change
    /// at every point where either plans one.
    pub fn run_until(&mut self, roster: &Scenario, until: SimTime) {
        if let Some((arrival, invitation)) = self.first.take() {
            let sim = &mut self.sim;
            event_loop::staff(roster, sim.sc.start, &mut self.desk, sim);
            if let Some(t) = arrival {
                sim.calendar.schedule_side(t, Event::Arrival);
            }
            if let Some(t) = invitation {
                sim.calendar.schedule(t, Event::Invitation);
            }
        }
        event_loop::run(roster, until, &mut self.desk, &mut self.sim, &mut Virtual);
    }

    /// Runs the events before `until` (as [`Replica::run_until`]) on a
    /// feeder's `step`, which it takes whole and gives back.
    pub fn run_fed(&mut self, roster: &Scenario, until: SimTime, step: &mut Step) {
        self.sim.demand.swap(step);
        self.run_until(roster, until);
        self.sim.demand.swap(step);
    }

    /// Each group's counters for interval `row` so far (`None` before it).
    pub fn interval_groups(&mut self, row: usize) -> Option<&[GroupTally]> {
        self.sim.recorder.settle();
        self.sim.recorder.interval_groups(row)
    }

    /// Runs to the horizon (headcounts as `roster` plans them, as in
    /// [`Replica::run_until`]) and closes the books.
    pub fn finish(mut self, roster: &Scenario) -> Replication {
        self.run_until(roster, self.sim.sc.horizon);
        let events = self.sim.calendar.popped();
        let changed = self.desk.take_changed();
        let desk = &self.desk;
        self.sim
            .recorder
            .finish(|g| desk.group_levels(g), changed, desk.unanswered(), events)
    }
}

/// Steps a replication runs in, each telling the caller its scenario time.
const STEPS: u64 = 1000;

/// Arrivals and invitations in a step of [`run_fed`] (8 MiB of shoppers).
/// Each step a replication takes its turn with finds its desk's state gone
/// from the caches: on Double 11 at ten staffing levels in one group, one
/// thread, steps of 8,192 arrivals took 2.6 s of CPU (one point at a time:
/// 2.6 s), of 32,768 2.3 s, of 131,072 2.2 s.
pub const FED_STEP: usize = 1 << 17;

/// The end of each step from `sc`'s start to its horizon, and its length
/// (the lengths add up to the horizon less the start).
fn steps(sc: &Scenario, n: u64) -> impl Iterator<Item = (SimTime, SimTime)> {
    let (start, span) = (sc.start, sc.horizon - sc.start);
    (1..=n).map(move |k| {
        let until = start + span * k / n;
        (until, until - (start + span * (k - 1) / n))
    })
}

/// Runs one replication, telling `tick` the scenario time (microseconds)
/// each thousandth of it took, as it goes (progress inside a long
/// replication); the ticks add up to the horizon less the start.
pub fn run_watched(sc: &Scenario, replication: u32, tick: &dyn Fn(SimTime)) -> Replication {
    let mut replica = Replica::new(sc, replication);
    for (until, dt) in steps(sc, STEPS) {
        replica.run_until(sc, until);
        tick(dt);
    }
    replica.finish(sc)
}

/// Runs replication `replication` of each of `scenarios`, which bring the
/// same shoppers (the same [`crate::demand::feed::key`]), side by side:
/// the shoppers drawn once, `step` arrivals and invitations at a time
/// (more when the last is tied with the next), and lent to each in turn.
/// Each result is the one [`run_watched`] gives; `tick` hears every
/// replication's steps.
pub fn run_fed(
    scenarios: &[&Scenario],
    replication: u32,
    step: usize,
    tick: &dyn Fn(SimTime),
) -> Vec<Replication> {
    let first = match scenarios {
        [] => return Vec::new(),
        [one] => return vec![run_watched(one, replication, tick)],
        [first, ..] => first,
    };
    let mut feeder = Feeder::new(first, replication);
    let mut replicas: Vec<Replica> = scenarios
        .iter()
        .map(|sc| Replica::with(sc, feeder.feed()))
        .collect();
    let (most, mut step, mut done) = (step, Step::default(), first.start);
    while done < first.horizon {
        let until = feeder.draw(&mut step, most);
        for (replica, sc) in replicas.iter_mut().zip(scenarios) {
            replica.run_fed(sc, until, &mut step);
            tick(until - done);
        }
        done = until;
    }
    replicas
        .into_iter()
        .zip(scenarios)
        .map(|(replica, sc)| replica.finish(sc))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn every_change_of_a_groups_levels_is_noted() {
        // The recorder integrates a group's levels only where the desk
        // notes a change; in tests it checks on every event that the other
        // groups' levels did not move. Every shipped profile (overflow,
        // standby, phones, shifts, a limited bot, retrials), a few hours.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
        let mut ran = 0;
        for entry in std::fs::read_dir(dir).expect("profiles") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let sets = ["horizon=4h".to_string(), "warmup=0s".to_string()];
            let Ok(sc) = crate::profile::load(&path, &sets) else {
                continue;
            };
            run_replication(&sc, 0);
            ran += 1;
        }
        assert!(ran >= 5, "only {ran} profiles ran");
    }
}
