//! The wall-clock runner: an open model on tokio. One task walks the
//! schedule and starts each shopper when due (`sleep_until`, so drift never
//! adds up), whatever the target does; each shopper is a task of its own,
//! and every response time counts from the moment the shopper was due, not
//! from when a request went out (no coordinated omission). The runner
//! measures how late it started each shopper: past `--max-lateness` at p99
//! the run is invalid, since it measured the load generator.
//!
//! Observations go down a channel to one collector on the calling thread,
//! which feeds the same `Recorder` the simulator uses.

use super::Options;
use super::adapter::{Adapter, Failure, Tally};
use super::plan::Schedule;
use super::report::{DriveTally, Timeline};
use super::shopper::Told;
use super::task::{Obs, Task};
use crate::desk::Levels;
use crate::engine::clock::Timebase;
use crate::metrics::{Recorder, Replication, hist};
use crate::profile::Scenario;
use crate::time::SimTime;
use indexmap::IndexMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{self, error::TryRecvError};
use tokio::time::sleep_until;
use tokio_util::sync::CancellationToken;

/// Request counters shared by every task.
#[derive(Default)]
pub struct Counters {
    requests: AtomicU64,
    errors: [AtomicU64; 5],
    first: Mutex<IndexMap<super::adapter::ErrorKind, String>>,
}

impl Counters {
    fn totals(&self) -> (u64, u64) {
        let e = self.errors.iter().map(|a| a.load(Ordering::Relaxed)).sum();
        (self.requests.load(Ordering::Relaxed), e)
    }
}

impl Tally for Counters {
    fn ok(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
    fn failed(&self, f: &Failure) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.unreadable(f);
    }
    fn unreadable(&self, f: &Failure) {
        let i = super::adapter::ErrorKind::ALL
            .iter()
            .position(|k| *k == f.kind)
            .expect("every kind is listed");
        self.errors[i].fetch_add(1, Ordering::Relaxed);
        let mut first = self.first.lock().expect("not poisoned");
        first.entry(f.kind).or_insert_with(|| f.detail.clone());
    }
}

/// A finished drive, before summarising.
pub struct Outcome {
    /// What the shoppers saw, as one replication.
    pub replication: Replication,
    /// Lateness, errors, server-side times.
    pub tally: DriveTally,
    /// Wall seconds from the first shopper's due time to the end.
    pub wall_s: f64,
    /// A signal stopped it.
    pub interrupted: bool,
    /// Why it stopped early.
    pub stopped: Option<String>,
}

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

/// A worker's share of the schedule.
#[derive(Debug, Clone, Copy)]
struct Part {
    w: usize,
    workers: usize,
}

/// How a worker's schedule ended.
struct Scheduled {
    intended: u64,
    stopped: Option<String>,
}

/// Runs the drive of `sc` (its horizon the window's end) against `adapter`.
/// `interrupt` is cancelled by the caller's signal handler.
pub fn run<A: Adapter>(
    rt: &tokio::runtime::Runtime,
    sc: Arc<Scenario>,
    opts: Arc<Options>,
    adapter: Arc<A>,
    counters: Arc<Counters>,
    interrupt: CancellationToken,
    on_progress: &dyn Fn(SimTime, &Status),
) -> Outcome {
    let (tx, mut rx) = mpsc::unbounded_channel::<Obs>();
    let stop = CancellationToken::new();
    let hard = CancellationToken::new();
    let clock = Timebase {
        start: Instant::now() + Duration::from_millis(50),
        from: opts.from,
        speed: opts.speed,
    };
    // Each worker thread runs its own share of the schedule on a runtime
    // of its own: a shopper's request, its connection and its timers stay
    // on one thread (no wake-ups across threads), and a busy worker shows
    // as lateness (taken when a shopper's task first runs), not as a slow
    // target.
    let workers = match opts.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let threads: Vec<_> = (0..workers)
        .map(|w| {
            let (sc, opts, adapter, tx, counters, stop, hard) = (
                sc.clone(),
                opts.clone(),
                adapter.clone(),
                tx.clone(),
                counters.clone(),
                stop.clone(),
                hard.clone(),
            );
            std::thread::Builder::new()
                .name(format!("drive-{w}"))
                .spawn(move || {
                    let local = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("a runtime for a worker");
                    let part = Part { w, workers };
                    local.block_on(schedule(
                        sc, opts, adapter, tx, counters, stop, hard, clock, part,
                    ))
                })
                .expect("a worker thread")
        })
        .collect();
    drop(tx);
    // Ctrl-C: stop arrivals, give those in flight `grace`, then cut them.
    // The window's end: give them `drain`.
    let watcher = {
        let (stop, hard, interrupt) = (stop.clone(), hard.clone(), interrupt.clone());
        let (grace, drain, end) = (opts.grace, opts.drain, clock.wall(sc.horizon));
        rt.spawn(async move {
            tokio::select! {
                _ = interrupt.cancelled() => {
                    stop.cancel();
                    tokio::time::sleep(grace).await;
                }
                _ = stop.cancelled() => tokio::time::sleep(grace).await,
                _ = sleep_until((end + drain).into()) => {}
            }
            hard.cancel();
        })
    };

    let zero = Levels::default();
    let mut rec = Recorder::new(&sc);
    let mut t = DriveTally::default();
    let mut cut = Vec::new();
    let mut last_progress = Instant::now();
    let mut status = Status::default();
    t.timeline = Timeline::new(
        crate::time::to_secs(sc.interval),
        sc.horizon.div_ceil(sc.interval.max(1)) as usize,
    );
    let mut seen = (0, 0);
    // Requests and errors go to the interval they were counted in.
    let mut count_requests = |tl: &mut Timeline, now: Instant| {
        let (r, e) = counters.totals();
        let slot = tl.slot(crate::time::to_secs(clock.sim(now)));
        Timeline::add(&mut tl.requests, slot, r - seen.0);
        Timeline::add(&mut tl.errors, slot, e - seen.1);
        seen = (r, e);
        e
    };
    let mut opened_at_last = (0u64, Instant::now());
    // Drained in batches with short naps: a parked receiver would make
    // every send a wake-up (a futex call per observation).
    loop {
        let o = match rx.try_recv() {
            Ok(o) => o,
            Err(TryRecvError::Empty) => {
                count_requests(&mut t.timeline, Instant::now());
                std::thread::sleep(Duration::from_millis(1));
                continue;
            }
            Err(TryRecvError::Disconnected) => break,
        };
        match o {
            Obs::Opened(s, first, latency, late) => {
                hist::record(&mut t.lateness, late);
                due(&mut t.timeline, s.arrival, true);
                rec.advance(s.arrival, zero, |_| zero);
                if first {
                    rec.arrived(&s);
                }
                t.opened += 1;
                status.opened += 1;
                hist::record(&mut t.open_latency, latency);
            }
            Obs::Unopened(at, late) => {
                hist::record(&mut t.lateness, late);
                due(&mut t.timeline, at, false);
            }
            Obs::Failed(at, late) => {
                hist::record(&mut t.lateness, late);
                due(&mut t.timeline, at, false);
                t.failed += 1;
            }
            Obs::Deflected(s, late) => {
                hist::record(&mut t.lateness, late);
                due(&mut t.timeline, s.arrival, false);
                rec.advance(s.arrival, zero, |_| zero);
                rec.deflected(&s);
                t.deflected += 1;
            }
            Obs::Told(told) => {
                if let Some(at) = told.at() {
                    rec.advance(at, zero, |_| zero);
                }
                match told {
                    Told::FirstResponse(..) => status.answered += 1,
                    Told::Abandoned(_, _, false) => status.abandoned += 1,
                    _ => {}
                }
                told.apply(&mut rec);
            }
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
                t.messages += 1;
                hist::record(&mut t.message_latency, latency);
            }
            Obs::MessageReply { end_to_end, server } => {
                hist::record(&mut t.message_end_to_end, end_to_end);
                if let Some(x) = server {
                    hist::record(&mut t.message_server, x);
                }
            }
            Obs::Cut(s) => cut.push(s),
        }
        if last_progress.elapsed() > Duration::from_millis(200) {
            last_progress = Instant::now();
            status.errors = count_requests(&mut t.timeline, last_progress);
            let (before, since) = opened_at_last;
            status.rate_per_s =
                (status.opened - before) as f64 / since.elapsed().as_secs_f64().max(1e-3);
            opened_at_last = (status.opened, last_progress);
            status.p90_s = (!t.end_to_end.is_empty())
                .then(|| t.end_to_end.value_at_quantile(0.9) as f64 / 1e6);
            on_progress(clock.sim(last_progress), &status);
        }
    }
    let mut sched = Scheduled {
        intended: 0,
        stopped: None,
    };
    for t in threads {
        let part = t.join().expect("a worker does not panic");
        sched.intended += part.intended;
        sched.stopped = sched.stopped.or(part.stopped);
    }
    watcher.abort();
    count_requests(&mut t.timeline, Instant::now());
    let wall_s = clock.start.elapsed().as_secs_f64();
    t.intended = sched.intended;
    let (requests, _) = counters.totals();
    t.requests = requests;
    for (i, k) in super::adapter::ErrorKind::ALL.iter().enumerate() {
        t.errors
            .insert(*k, counters.errors[i].load(Ordering::Relaxed));
    }
    t.first_errors = counters.first.lock().expect("not poisoned").clone();
    let replication = rec.finish(zero, |_| zero, cut.iter(), 0);
    Outcome {
        replication,
        tally: t,
        wall_s,
        interrupted: interrupt.is_cancelled(),
        stopped: sched.stopped,
    }
}

#[allow(clippy::too_many_arguments)]
async fn schedule<A: Adapter>(
    sc: Arc<Scenario>,
    opts: Arc<Options>,
    adapter: Arc<A>,
    tx: mpsc::UnboundedSender<Obs>,
    counters: Arc<Counters>,
    stop: CancellationToken,
    hard: CancellationToken,
    clock: Timebase,
    part: Part,
) -> Scheduled {
    let mut intended = 0;
    let mut stopped = None;
    let tracker = tokio_util::task::TaskTracker::new();
    for p in Schedule::for_worker(&sc, &opts, part.w, part.workers) {
        let due = clock.wall(p.shopper.arrival);
        if stop.is_cancelled() {
            break;
        }
        if due > Instant::now() {
            tokio::select! {
                _ = sleep_until(due.into()) => {}
                _ = stop.cancelled() => break,
            }
        }
        intended += 1;
        if p.deflected {
            let late = Instant::now().saturating_duration_since(due);
            let _ = tx.send(Obs::Deflected(p.shopper, late.as_micros() as u64));
            continue;
        }
        if let Some(max) = opts.max_error_rate {
            let (requests, errors) = counters.totals();
            if requests >= 20 && errors as f64 > max * requests as f64 {
                stopped = Some(format!(
                    "the error budget ran out: {errors} of {requests} requests failed ({:.1}%, --max-error-rate {:.1}%)",
                    100.0 * errors as f64 / requests as f64,
                    100.0 * max
                ));
                stop.cancel();
                break;
            }
        }
        let task = Task {
            sc: sc.clone(),
            adapter: adapter.clone(),
            tx: tx.clone(),
            counters: counters.clone(),
            hard: hard.clone(),
            clock,
        };
        tracker.spawn(task.converse(format!("pd-{}-{}", sc.seed, p.number), p.shopper));
    }
    // The runtime runs only while this thread waits on it: wait for the
    // shoppers in flight (the watcher cuts them at the deadline).
    tracker.close();
    tracker.wait().await;
    Scheduled { intended, stopped }
}
