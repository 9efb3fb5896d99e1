//! The drive's collector: every shopper's task reports down one channel,
//! and the collector, on the calling thread, counts what the drive itself
//! measures (lateness, request times, the timeline) and hands what the
//! shoppers saw to the one `Recorder` the simulator uses.

use super::counters::Counters;
use super::obs::Obs;
use super::report::{DriveTally, Timeline};
use super::shopper::Told;
use crate::demand::Shopper;
use crate::desk::{Left, Levels};
use crate::engine::clock::Timebase;
use crate::metrics::{Recorder, Replication, hist};
use crate::profile::Scenario;
use crate::time::SimTime;
use std::time::Instant;

/// The live counts a status line shows.
#[derive(Debug, Default, Clone, Copy)]
pub struct Status {
    /// Conversations opened per wall second, lately.
    pub rate_per_s: f64,
    /// First response (end to end, wall seconds) p90 so far.
    pub p90_s: Option<f64>,
    /// Conversations opened.
    pub opened: u64,
    /// First replies noticed.
    pub answered: u64,
    /// Shoppers who gave up.
    pub abandoned: u64,
    /// Failed requests.
    pub errors: u64,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let waiting = self.opened.saturating_sub(self.answered + self.abandoned);
        let p90 = self
            .p90_s
            .map_or("-".into(), |p| format!("{:.0} ms", p * 1000.0));
        write!(
            f,
            "{:.1}/s · {waiting} in flight · p90 {p90} · {} opened · {} answered · {} gave up · {} errors",
            self.rate_per_s, self.opened, self.answered, self.abandoned, self.errors
        )
    }
}

/// Counts a due shopper in its interval (and as opened).
fn due(tl: &mut Timeline, at: SimTime, opened: bool) {
    let slot = tl.slot(crate::time::to_secs(at));
    Timeline::add(&mut tl.intended, slot, 1);
    if opened {
        Timeline::add(&mut tl.opened, slot, 1);
    }
}

/// What the collector holds while a drive runs.
pub struct Collector<'a> {
    rec: Recorder<'a>,
    t: DriveTally,
    cut: Vec<Shopper>,
    status: Status,
    clock: Timebase,
    counters: &'a Counters,
    /// Requests and errors counted into the timeline so far.
    seen: (u64, u64),
    /// Conversations opened at the last status, and when.
    opened_at_last: (u64, Instant),
}

impl<'a> Collector<'a> {
    /// A collector for a drive of `sc` from `from` on `clock`.
    pub fn new(
        sc: &'a Scenario,
        from: SimTime,
        clock: Timebase,
        counters: &'a Counters,
    ) -> Collector<'a> {
        use crate::time::to_secs;
        let t = DriveTally {
            timeline: Timeline::over(to_secs(from), to_secs(sc.horizon), to_secs(sc.interval)),
            ..DriveTally::default()
        };
        Collector {
            rec: Recorder::new(sc),
            t,
            cut: Vec::new(),
            status: Status::default(),
            clock,
            counters,
            seen: (0, 0),
            opened_at_last: (0, Instant::now()),
        }
    }

    fn advance(&mut self, at: SimTime) {
        let zero = Levels::default();
        self.rec.advance(at, |_| zero, 0);
    }

    /// What the shoppers saw so far: the run's counts and histograms.
    pub fn so_far(&self) -> (crate::metrics::Tally, crate::metrics::RunHistograms) {
        self.rec.so_far()
    }

    /// Counts one observation.
    pub fn take(&mut self, o: Obs) {
        if let Some(live) = self.counters.live() {
            live.observe(&o);
        }
        let t = &mut self.t;
        match o {
            Obs::Opened(s, first, latency, late) => {
                hist::record(&mut t.lateness, late);
                due(&mut t.timeline, s.arrival, true);
                hist::record(&mut t.open_latency, latency);
                t.opened += 1;
                self.status.opened += 1;
                self.advance(s.arrival);
                if first {
                    self.rec.arrived(&s);
                }
            }
            Obs::Unopened(s, late) | Obs::Failed(s, late) => {
                hist::record(&mut t.lateness, late);
                due(&mut t.timeline, s.arrival, false);
                t.failed += u64::from(matches!(o, Obs::Failed(..)));
            }
            Obs::Deflected(s, late) => {
                hist::record(&mut t.lateness, late);
                due(&mut t.timeline, s.arrival, false);
                t.deflected += 1;
                self.advance(s.arrival);
                self.rec.deflected(&s);
            }
            Obs::Told(told) => self.told(told),
            Obs::FirstReply {
                end_to_end,
                server,
                lag,
            } => {
                hist::record(&mut t.end_to_end, end_to_end);
                if let Some(x) = server {
                    hist::record(&mut t.server_response, x);
                }
                if let Some(x) = lag {
                    hist::record(&mut t.detection_lag, x);
                }
            }
            Obs::Sent(late, latency) => {
                hist::record(&mut t.lateness, late);
                hist::record(&mut t.message_latency, latency);
                t.messages += 1;
            }
            Obs::MessageReply { end_to_end, server } => {
                hist::record(&mut t.message_end_to_end, end_to_end);
                if let Some(x) = server {
                    hist::record(&mut t.message_server, x);
                }
            }
            Obs::Cut(s) => self.cut.push(s),
        }
    }

    fn told(&mut self, told: Told) {
        if let Some(at) = told.at() {
            self.advance(at);
        }
        match told {
            Told::FirstResponse(..) => self.status.answered += 1,
            Told::Abandoned(_, _, Left::BeforeAnswer) => self.status.abandoned += 1,
            _ => {}
        }
        told.apply(&mut self.rec);
    }

    /// Counts the requests and errors made since last time into the
    /// interval of `now`; the errors so far.
    pub fn count_requests(&mut self, now: Instant) -> u64 {
        let (r, e) = self.counters.totals();
        let tl = &mut self.t.timeline;
        let slot = tl.slot(crate::time::to_secs(self.clock.sim(now)));
        Timeline::add(&mut tl.requests, slot, r - self.seen.0);
        Timeline::add(&mut tl.errors, slot, e - self.seen.1);
        self.seen = (r, e);
        if let Some(live) = self.counters.live() {
            live.requests_to(r, &self.counters.errors_by_kind());
        }
        e
    }

    /// The live status at `now`.
    pub fn status(&mut self, now: Instant) -> Status {
        self.status.errors = self.count_requests(now);
        let (before, since) = self.opened_at_last;
        let s = &mut self.status;
        s.rate_per_s = (s.opened - before) as f64 / since.elapsed().as_secs_f64().max(1e-3);
        self.opened_at_last = (s.opened, now);
        let e2e = &self.t.end_to_end;
        s.p90_s = (!e2e.is_empty()).then(|| e2e.value_at_quantile(0.9) as f64 / 1e6);
        *s
    }

    /// What the shoppers saw, as one replication, and the drive's tally.
    pub fn finish(self) -> (Replication, DriveTally) {
        let zero = Levels::default();
        (self.rec.finish(|_| zero, 0, self.cut.iter(), 0), self.t)
    }
}
