//! The virtual-clock engine: pops events in (time, sequence) order, hands
//! them to the desk, streams outcomes to the recorder, and runs replications
//! in parallel with results that do not depend on the thread count.

pub mod calendar;
pub mod rng;

use crate::demand::{ArrivalGen, Shopper, ShopperSampler};
use crate::desk::{Desk, Sink, Timer};
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
    fn answered(&mut self, shopper: &Shopper, now: SimTime) {
        self.recorder.answered(shopper, now);
    }
    #[inline]
    fn abandoned(&mut self, shopper: &Shopper, now: SimTime) {
        self.recorder.abandoned(shopper, now);
    }
}

/// Runs one replication of a scenario on the virtual clock.
pub fn run_replication(scenario: &Scenario, replication: u32) -> Replication {
    let mut calendar = Calendar::default();
    let mut recorder = Recorder::new(scenario);
    let mut desk = Desk::new(scenario.groups.len());
    let mut arrivals = ArrivalGen::new(
        &scenario.arrivals,
        scenario.horizon,
        scenario.seed,
        replication,
    );
    let mut shoppers = ShopperSampler::new(scenario, replication);

    for (g, plan) in scenario.groups.iter().enumerate() {
        let mut sink = EngineSink {
            calendar: &mut calendar,
            recorder: &mut recorder,
        };
        desk.set_staff(0, g, plan.staff_at(0), &mut sink);
        if let Some(t) = plan.next_change(0) {
            calendar.schedule(t, Event::Staffing(g as u16));
        }
    }
    if let Some(t) = arrivals.next_arrival() {
        calendar.schedule(t, Event::Arrival);
    }

    while let Some((now, event)) = calendar.pop() {
        if now >= scenario.horizon {
            break;
        }
        recorder.advance(now, desk.levels());
        let mut sink = EngineSink {
            calendar: &mut calendar,
            recorder: &mut recorder,
        };
        match event {
            Event::Arrival => {
                let shopper = shoppers.next(now);
                sink.recorder.arrived(&shopper);
                desk.arrive(now, shopper, &mut sink);
                if let Some(t) = arrivals.next_arrival() {
                    calendar.schedule(t, Event::Arrival);
                }
            }
            Event::Desk(timer) => desk.fire(now, timer, &mut sink),
            Event::Staffing(g) => {
                let plan = &scenario.groups[g as usize];
                desk.set_staff(now, g as usize, plan.staff_at(now), &mut sink);
                if let Some(t) = plan.next_change(now) {
                    calendar.schedule(t, Event::Staffing(g));
                }
            }
        }
    }
    let events = calendar.popped();
    recorder.finish(desk.levels(), desk.waiting(), events)
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    Ok(pool.install(|| {
        range
            .into_par_iter()
            .fold(Aggregate::default, |acc, r| {
                acc.absorb(r, run_replication(scenario, r))
            })
            .reduce(Aggregate::default, Aggregate::merge)
    }))
}
