//! The virtual-clock engine: pops events in (time, sequence) order, hands
//! them to the desk, streams outcomes to the recorder, and runs replications
//! in parallel with results that do not depend on the thread count.

pub mod calendar;
pub mod rng;

use crate::demand::{Arrival, Demand, Shopper};
use crate::desk::{Desk, Ending, Sink, Timer};
use crate::metrics::{Aggregate, Recorder, Replication};
use crate::profile::Scenario;
use crate::time::SimTime;
use calendar::Calendar;
use rayon::prelude::*;

/// What the calendar holds.
#[derive(Debug, Clone, Copy)]
enum Event {
    /// The next shopper arrives.
    Arrival,
    /// The next proactive invitation goes out.
    Invitation,
    /// A group's headcount changes.
    Staffing(u16),
    /// A desk timer.
    Desk(Timer),
}

/// The engine's side of the desk's [`Sink`]: timers go to the calendar,
/// outcomes to the recorder.
struct EngineSink<'c, 'r> {
    calendar: &'c mut Calendar<Event>,
    recorder: &'c mut Recorder<'r>,
}

impl Sink for EngineSink<'_, '_> {
    #[inline]
    fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.calendar.schedule(at, Event::Desk(timer));
    }
    #[inline]
    fn first_response(&mut self, s: &Shopper, now: SimTime, _by_bot: bool) {
        self.recorder.first_response(s, now);
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
    fn abandoned(&mut self, s: &Shopper, now: SimTime, had_response: bool) {
        self.recorder.abandoned(s, now, had_response);
    }
    #[inline]
    fn resolved(&mut self, s: &Shopper, now: SimTime, group: Option<usize>, ending: Ending) {
        self.recorder.resolved(s, now, group, ending);
    }
    fn retried(&mut self, s: &mut Shopper, now: SimTime) {
        self.recorder.stamp(s, now);
        self.recorder.arrived(s);
    }
}

/// Runs one replication of a scenario on the virtual clock.
pub fn run_replication(scenario: &Scenario, replication: u32) -> Replication {
    let sc = scenario;
    let mut calendar = Calendar::default();
    let mut recorder = Recorder::new(sc);
    let mut desk = Desk::new(sc);
    let mut demand = Demand::new(sc, replication);
    let start = sc.start;
    let (first_arrival, first_invitation) = if start > 0 {
        // A cold window: the desk is closed, and empty, until `start`.
        recorder.advance(start, desk.levels(), |g| desk.group_levels(g));
        demand.skip_to(start)
    } else {
        (demand.next(false), demand.next(true))
    };
    for (g, plan) in sc.groups.iter().enumerate() {
        let mut sink = EngineSink {
            calendar: &mut calendar,
            recorder: &mut recorder,
        };
        desk.set_staff(start, g, plan.staff_at(start), &mut sink);
        if let Some(t) = plan.next_change(start) {
            calendar.schedule(t, Event::Staffing(g as u16));
        }
    }
    if let Some(t) = first_arrival {
        calendar.schedule_side(t, Event::Arrival);
    }
    if let Some(t) = first_invitation {
        calendar.schedule(t, Event::Invitation);
    }

    while let Some((now, event)) = calendar.pop() {
        if now >= sc.horizon {
            break;
        }
        recorder.advance(now, desk.levels(), |g| desk.group_levels(g));
        let mut sink = EngineSink {
            calendar: &mut calendar,
            recorder: &mut recorder,
        };
        match event {
            Event::Arrival | Event::Invitation => {
                let invited = matches!(event, Event::Invitation);
                match demand.offer(now, invited) {
                    Some(Arrival::Desk(shopper)) => {
                        sink.recorder.arrived(&shopper);
                        desk.arrive(now, shopper, &mut sink);
                    }
                    Some(Arrival::Deflected(shopper)) => sink.recorder.deflected(&shopper),
                    None => {}
                }
                match demand.next(invited) {
                    Some(t) if invited => calendar.schedule(t, event),
                    Some(t) => calendar.schedule_side(t, event),
                    None => {}
                }
            }
            Event::Desk(timer) => desk.fire(now, timer, &mut sink),
            Event::Staffing(g) => {
                let plan = &sc.groups[g as usize];
                desk.set_staff(now, g as usize, plan.staff_at(now), &mut sink);
                if let Some(t) = plan.next_change(now) {
                    calendar.schedule(t, Event::Staffing(g));
                }
            }
        }
    }
    let events = calendar.popped();
    recorder.finish(
        desk.levels(),
        |g| desk.group_levels(g),
        desk.unanswered(),
        events,
    )
}

/// Runs replications `0..count` on up to `threads` threads (0: all cores)
/// and merges them; the result is identical for any thread count.
pub fn run(scenario: &Scenario, count: u32, threads: usize) -> Result<Aggregate, String> {
    run_range(scenario, 0..count, threads)
}

/// Runs the replications numbered `range` (each seeded by its number, so
/// any split of a run into ranges gives the same replications).
pub fn run_range(
    scenario: &Scenario,
    range: std::ops::Range<u32>,
    threads: usize,
) -> Result<Aggregate, String> {
    run_evaluated(scenario, range, threads, &|_| Vec::new())
}

/// Like [`run_range`], and `evaluate` turns each replication into values
/// (one per SLA rule) before it is merged away.
pub fn run_evaluated(
    scenario: &Scenario,
    range: std::ops::Range<u32>,
    threads: usize,
    evaluate: &(dyn Fn(&Replication) -> Vec<f64> + Sync),
) -> Result<Aggregate, String> {
    let one = |acc: Aggregate, r: u32| {
        let rep = run_replication(scenario, r);
        let values = evaluate(&rep);
        acc.absorb(r, rep, values)
    };
    // One thread: run here, without a pool (sweeps run many such calls in
    // parallel). All cores: the global pool. Otherwise a pool of that size.
    if threads == 1 {
        return Ok(range.fold(Aggregate::default(), one));
    }
    let work = || {
        range
            .clone()
            .into_par_iter()
            .fold(Aggregate::default, one)
            .reduce(Aggregate::default, Aggregate::merge)
    };
    if threads == 0 {
        return Ok(work());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    Ok(pool.install(work))
}
