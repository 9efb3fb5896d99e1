//! The engine: the event loop and its clocks, `simulate`'s world of
//! modelled shoppers, and replications run in parallel with results that
//! do not depend on the thread count.

pub mod calendar;
pub mod clock;
mod deadlines;
pub mod event_loop;
pub mod rng;
mod simulation;

use crate::metrics::{Aggregate, Replication};
use crate::profile::Scenario;
use rayon::prelude::*;
pub use simulation::{FED_STEP, Replica, run_fed, run_replication, run_watched};

/// What can stop the engine: the machine, never the model.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The worker threads could not start.
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
}

/// Runs replications `0..count` on up to `threads` threads (0: all cores)
/// and merges them; the result is identical for any thread count.
pub fn run(scenario: &Scenario, count: u32, threads: usize) -> Result<Aggregate, EngineError> {
    run_range(scenario, 0..count, threads)
}

/// Runs the replications numbered `range` (each seeded by its number, so
/// any split of a run into ranges gives the same replications).
pub fn run_range(
    scenario: &Scenario,
    range: std::ops::Range<u32>,
    threads: usize,
) -> Result<Aggregate, EngineError> {
    run_evaluated(scenario, range, threads, &|_| Vec::new(), &|_| {})
}

/// Like [`run_range`], and `evaluate` turns each replication into values
/// (one per SLA rule) before it is merged away; `tick` hears the scenario
/// time each replication has run, as it goes (for progress).
pub fn run_evaluated(
    scenario: &Scenario,
    range: std::ops::Range<u32>,
    threads: usize,
    evaluate: &(dyn Fn(&Replication) -> Vec<f64> + Sync),
    tick: &(dyn Fn(crate::time::SimTime) + Sync),
) -> Result<Aggregate, EngineError> {
    let one = |acc: Aggregate, r: u32| {
        let rep = run_watched(scenario, r, tick);
        let values = evaluate(&rep);
        acc.absorb(r, rep, values)
    };
    // One thread: run here, without a pool (sweeps run many such calls in
    // parallel). All cores: the global pool. Otherwise a pool of that size.
    if threads == 1 {
        return Ok(range.fold(Aggregate::default(), one));
    }
    on_threads(threads, || {
        range
            .clone()
            .into_par_iter()
            .fold(Aggregate::default, one)
            .reduce(Aggregate::default, Aggregate::merge)
    })
}

/// Runs `work` with its parallel iterators on `threads` threads: the
/// global pool for 0 (one per core), a pool of that size otherwise.
pub fn on_threads<R: Send>(
    threads: usize,
    work: impl FnOnce() -> R + Send,
) -> Result<R, EngineError> {
    if threads == 0 {
        return Ok(work());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    Ok(pool.install(work))
}
