//! The wall-clock runner: an open model on tokio. One task walks the
//! schedule and starts each shopper when due (`sleep_until`, so drift never
//! adds up), whatever the target does; each shopper is a task of its own,
//! and every response time counts from the moment the shopper was due, not
//! from when a request went out (no coordinated omission). The runner
//! measures how late it started each shopper: past `--max-lateness` at p99
//! the run is invalid, since it measured the load generator.
//!
//! Observations go down a channel to one collector on the calling thread
//! (`collect`), which feeds the same `Recorder` the simulator uses.

use super::Options;
use super::adapter::Adapter;
use super::collect::Collector;
pub use super::collect::Status;
pub use super::counters::Counters;
use super::obs::Obs;
use super::plan::Schedule;
use super::report::{DriveTally, StopCause, Stopped};
use super::task::Task;
use crate::engine::clock::Timebase;
use crate::metrics::Replication;
use crate::profile::Scenario;
use crate::time::SimTime;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{self, error::TryRecvError};
use tokio::time::sleep_until;
use tokio_util::sync::CancellationToken;

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
    pub stopped: Option<Stopped>,
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
    stopped: Option<Stopped>,
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
    let worker = Worker {
        sc: sc.clone(),
        opts: opts.clone(),
        adapter,
        tx,
        counters: counters.clone(),
        stop: stop.clone(),
        hard: hard.clone(),
        clock,
    };
    let threads = worker.start(opts.threads);
    let watcher = watch(rt, &opts, clock.wall(sc.horizon), &stop, &hard, &interrupt);
    let mut c = Collector::new(&sc, opts.from, clock, &counters);
    let sla = SlaWatch::new(&sc, &opts);
    let lost = drain(&mut rx, (&mut c, clock), sla, &stop, on_progress);
    let mut sched = Scheduled {
        intended: 0,
        stopped: lost,
    };
    for t in threads {
        let part = t.join().expect("a worker does not panic");
        sched.intended += part.intended;
        sched.stopped = sched.stopped.or(part.stopped);
    }
    watcher.abort();
    c.count_requests(Instant::now());
    let wall_s = clock.start.elapsed().as_secs_f64();
    let (replication, mut t) = c.finish();
    t.intended = sched.intended;
    counters.fill(&mut t);
    Outcome {
        replication,
        tally: t,
        wall_s,
        interrupted: interrupt.is_cancelled(),
        stopped: sched.stopped,
    }
}

/// Takes the workers' observations until they are all done, telling
/// `on_progress` how it goes and stopping the drive (`stop`) when the
/// rules say the SLA is lost; returns why it stopped, if it did.
fn drain(
    rx: &mut mpsc::UnboundedReceiver<Obs>,
    (c, clock): (&mut Collector, Timebase),
    mut sla: SlaWatch,
    stop: &CancellationToken,
    on_progress: &dyn Fn(SimTime, &Status),
) -> Option<Stopped> {
    let mut lost = None;
    let mut last_progress = Instant::now();
    // Drained in batches with short naps: a parked receiver would make
    // every send a wake-up (a futex call per observation).
    loop {
        match rx.try_recv() {
            Ok(o) => c.take(o),
            Err(TryRecvError::Empty) => {
                c.count_requests(Instant::now());
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(TryRecvError::Disconnected) => break,
        }
        if last_progress.elapsed() > Duration::from_millis(200) {
            last_progress = Instant::now();
            on_progress(clock.sim(last_progress), &c.status(last_progress));
            if lost.is_none()
                && let Some(why) = sla.look(clock.sim(last_progress), c)
            {
                // Drained as on Ctrl-C: arrivals stop, those in flight
                // get the grace time.
                lost = Some(Stopped {
                    by: StopCause::Sla,
                    why,
                });
                stop.cancel();
            }
        }
    }
    lost
}

/// The looks at the rules that may stop the drive: one per interval of
/// scenario time (`sla::abort`).
struct SlaWatch {
    rules: Vec<(crate::sla::Rule, crate::sla::abort::Abort)>,
    from: SimTime,
    every: SimTime,
    next: SimTime,
    looks: u32,
}

impl SlaWatch {
    fn new(sc: &Scenario, opts: &Options) -> SlaWatch {
        let every = sc.interval.max(1);
        SlaWatch {
            rules: sc
                .rules
                .iter()
                .filter_map(|r| r.abort.map(|a| (r.clone(), a)))
                .collect(),
            from: opts.from,
            every,
            next: opts.from + every,
            looks: (opts.to.saturating_sub(opts.from)).div_ceil(every).max(1) as u32,
        }
    }

    /// Why the drive must stop, at the first look past `now` at which a
    /// rule is lost.
    fn look(&mut self, now: SimTime, c: &Collector) -> Option<String> {
        if self.rules.is_empty() || now < self.next {
            return None;
        }
        while self.next <= now {
            self.next += self.every;
        }
        let (total, h) = c.so_far();
        self.rules.iter().find_map(|(rule, abort)| {
            crate::sla::abort::lost(rule, *abort, now - self.from, self.looks, &total, &h)
        })
    }
}

/// What every worker thread shares.
struct Worker<A> {
    sc: Arc<Scenario>,
    opts: Arc<Options>,
    adapter: Arc<A>,
    tx: mpsc::UnboundedSender<Obs>,
    counters: Arc<Counters>,
    stop: CancellationToken,
    hard: CancellationToken,
    clock: Timebase,
}

impl<A> Clone for Worker<A> {
    fn clone(&self) -> Self {
        Worker {
            sc: self.sc.clone(),
            opts: self.opts.clone(),
            adapter: self.adapter.clone(),
            tx: self.tx.clone(),
            counters: self.counters.clone(),
            stop: self.stop.clone(),
            hard: self.hard.clone(),
            clock: self.clock,
        }
    }
}

/// Ctrl-C: stop arrivals, give those in flight `grace`, then cut them.
/// The window's end (`end`, wall): give them `drain`.
fn watch(
    rt: &tokio::runtime::Runtime,
    opts: &Options,
    end: Instant,
    stop: &CancellationToken,
    hard: &CancellationToken,
    interrupt: &CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let (stop, hard, interrupt) = (stop.clone(), hard.clone(), interrupt.clone());
    let (grace, drain) = (opts.grace, opts.drain);
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
}

impl<A: Adapter> Worker<A> {
    /// Starts `threads` worker threads (0: one per core). Each runs its
    /// own share of the schedule on a runtime of its own: a shopper's
    /// requests, its connection and its timers stay on one thread (no
    /// wake-ups across threads), and a busy worker shows as lateness, not
    /// as a slow target.
    fn start(self, threads: usize) -> Vec<std::thread::JoinHandle<Scheduled>> {
        let workers = match threads {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        (0..workers)
            .map(|w| {
                let me = self.clone();
                std::thread::Builder::new()
                    .name(format!("drive-{w}"))
                    .spawn(move || {
                        let local = tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                            .expect("a runtime for a worker");
                        local.block_on(me.schedule(Part { w, workers }))
                    })
                    .expect("a worker thread")
            })
            .collect()
        // `self` (its sender) drops here: the channel closes with the
        // last worker.
    }

    /// Walks this worker's share of the schedule.
    async fn schedule(self, part: Part) -> Scheduled {
        let Worker {
            sc,
            opts,
            adapter,
            tx,
            counters,
            stop,
            hard,
            clock,
        } = self;
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
                    stopped = Some(Stopped {
                        by: StopCause::Errors,
                        why: format!(
                            "the error budget ran out: {errors} of {requests} requests failed ({:.1}%, --max-error-rate {:.1}%)",
                            100.0 * errors as f64 / requests as f64,
                            100.0 * max
                        ),
                    });
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
}
