//! Before a run: how big it will be, and whether it fits this machine.
//! The engine's memory grows with the interval series (one row per
//! interval of the horizon, per replication in flight) and with the
//! shoppers in the system at once, never with the shoppers simulated; a
//! run whose estimate passes the memory at hand is refused before it
//! starts, with the estimate, instead of being killed by the kernel.

use crate::profile::Scenario;
use crate::time::to_secs;

/// Bytes of one interval row: its tally and histogram (about 2.3 KiB)
/// and each group's columns.
const ROW_BYTES: f64 = 2_400.0;
const GROUP_ROW_BYTES: f64 = 300.0;
/// Bytes of one shopper in the system: its slot, queue entry and timers.
const SHOPPER_BYTES: f64 = 200.0;
/// Waiting shoppers leave after their patience: more than this many mean
/// patiences in the system at once is not a steady state worth modelling.
const PATIENCES: f64 = 10.0;

/// What a run will hold at most.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    /// Shoppers per replication (mean rate times horizon).
    pub shoppers: f64,
    /// Interval rows per replication.
    pub rows: f64,
    /// Shoppers in the system at once, at most.
    pub in_system: f64,
    /// Bytes, with `parallel` replications in flight.
    pub bytes: f64,
}

/// The estimate for `sc` with `parallel` replications at once.
pub fn estimate(sc: &Scenario, parallel: usize) -> Size {
    let horizon = to_secs(sc.horizon);
    let peak_level = sc.arrivals.curve.iter().map(|p| p.1).fold(1.0, f64::max);
    let surge = sc
        .arrivals
        .surges
        .iter()
        .map(|s| s.multiplier)
        .fold(1.0, f64::max);
    let invited = sc
        .proactive
        .as_ref()
        .map_or(0.0, |p| p.rate_per_s * p.accept);
    let mean_rate = sc.arrivals.rate_per_s + invited;
    let peak_rate = sc.arrivals.rate_per_s * peak_level * surge + invited;
    let shoppers = mean_rate * horizon;
    // The longest a shopper stays: some multiple of the longest mean
    // patience, or the whole run when some shoppers never give up.
    let patience = sc
        .segments
        .iter()
        .map(|s| s.patience.as_ref().map(|d| d.mean_secs()))
        .chain(
            sc.channels
                .iter()
                .map(|c| c.patience.as_ref().map(|d| d.mean_secs())),
        )
        .try_fold(0.0_f64, |m, p| p.map(|p| m.max(p)));
    let stay = patience.map_or(horizon, |p| (p * PATIENCES).min(horizon));
    let in_system = (peak_rate * stay).min(shoppers);
    let rows = (horizon / to_secs(sc.interval)).ceil();
    let row = ROW_BYTES + GROUP_ROW_BYTES * sc.groups.len() as f64;
    Size {
        shoppers,
        rows,
        in_system,
        bytes: parallel.max(1) as f64 * (rows * row + in_system * SHOPPER_BYTES),
    }
}

/// The memory this machine has for a run: what the kernel reports as
/// available (8 GiB when it cannot be read).
pub fn available_bytes() -> f64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemAvailable:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(8.0 * GIB, |kib| kib * 1024.0)
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Refuses a run of `scenarios` (each with `parallel` replications at
/// once) whose estimate passes `limit` bytes; the message gives the
/// estimate and what drives it.
pub fn check(scenarios: &[Scenario], parallel: usize, limit: f64) -> Result<(), String> {
    let Some((sc, size)) = scenarios
        .iter()
        .map(|sc| (sc, estimate(sc, parallel)))
        .max_by(|a, b| a.1.bytes.total_cmp(&b.1.bytes))
    else {
        return Ok(());
    };
    if size.bytes <= limit {
        return Ok(());
    }
    Err(format!(
        "{}: this run would need about {:.1} GiB ({} interval rows and up to {} shoppers in the system at once, {} replication(s) in flight; {} shoppers per replication), more than the {:.1} GiB this machine has available: shorten the horizon, widen the interval, lower the rate or give patience, or pass --no-size-check",
        sc.source,
        size.bytes / GIB,
        count(size.rows),
        count(size.in_system),
        parallel.max(1),
        count(size.shoppers),
        limit / GIB
    ))
}

/// A large count, readably (`3.2e16` style past a trillion).
fn count(x: f64) -> String {
    if x < 1e12 {
        format!("{x:.0}")
    } else {
        format!("{x:.1e}")
    }
}
