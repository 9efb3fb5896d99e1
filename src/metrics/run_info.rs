//! How a run went, beside what it measured: events, speed, threads, peak
//! memory and the versions that shape its numbers (the summary's `run`
//! section: what two runs of one seed need not share).

use super::Aggregate;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// How the run went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Events fired (stale desk timers included; the deadlines of waiting
    /// shoppers cancelled when they were taken never fire).
    pub events: u64,
    /// Wall-clock seconds.
    pub wall_s: f64,
    /// Shoppers simulated (warm-up included) per wall second.
    pub shoppers_per_s: f64,
    /// Worker threads.
    pub threads: usize,
    /// Peak resident memory of the process so far, MiB (Linux; null elsewhere).
    pub peak_rss_mib: Option<f64>,
    /// peakdesk's version.
    pub version: String,
    /// The random generator and seeding.
    pub rng: String,
    /// Versions of the crates that shape the numbers.
    pub crates: IndexMap<String, String>,
}

/// How the run went: events, speed, threads, memory, versions.
pub(super) fn run_info(agg: &Aggregate, wall_s: f64, threads: usize) -> RunInfo {
    let arrived_all: u64 = agg.intervals.iter().map(|i| i.tally.counts.arrived).sum();
    RunInfo {
        events: agg.events,
        wall_s,
        shoppers_per_s: if wall_s > 0.0 {
            arrived_all as f64 / wall_s
        } else {
            0.0
        },
        threads,
        peak_rss_mib: peak_rss_mib(),
        version: env!("CARGO_PKG_VERSION").into(),
        rng: crate::engine::rng::ALGORITHM.into(),
        crates: crate::CRATE_VERSIONS
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    }
}

/// The process's peak resident set (VmHWM), from /proc on Linux.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
