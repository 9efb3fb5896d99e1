//! Before a run: how big it will be, and whether it fits this machine.
//! The engine's memory grows with the interval series (one row per
//! interval of the horizon, per replication in flight) and with the
//! shoppers in the system at once, never with the shoppers simulated; a
//! run whose estimate passes the memory at hand is refused before it
//! starts, with the estimate, instead of being killed by the kernel.

use crate::profile::Scenario;
use crate::profile::desk::{Channel, Segment};
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
    // Invitations follow the arrivals' curve and surges.
    let invited = sc
        .proactive
        .as_ref()
        .map_or(0.0, |p| p.rate_per_s * p.accept);
    let mean_rate = sc.arrivals.rate_per_s + invited;
    let peak_rate = mean_rate * peak_level * surge;
    let shoppers = mean_rate * horizon;
    // The longest a shopper stays: some multiple of the longest mean
    // patience of a segment on a channel (the channel's own, else the
    // segment's scaled), or the whole run when some never give up.
    let on = |s: &Segment, c: &Channel| match (&c.patience, &s.patience) {
        (Some(d), _) => Some(d.mean_secs()),
        (None, Some(d)) => Some(d.mean_secs() * c.patience_scale),
        (None, None) => None,
    };
    let patience = sc
        .segments
        .iter()
        .flat_map(|s| sc.channels.iter().map(move |c| on(s, c)))
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

/// The most a run may use by default: 2 GiB, or less when the machine has
/// less available. The engine streams, so real runs need far less; a run
/// estimated past this is a mistake in its size more often than a need.
pub fn budget_bytes() -> f64 {
    available_bytes().min(2.0 * GIB)
}

/// A run estimated to need more memory than the machine has.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{source_file}: this run would need about {:.1} GiB ({} interval rows and up to {} shoppers in the system at once, {parallel} replication(s) in flight; {} shoppers per replication), more than the {:.1} GiB budget (2 GiB, or what this machine has available if less): shorten the horizon, widen the interval, lower the rate or give patience, or pass --no-size-check",
    size.bytes / GIB, count(size.rows), count(size.in_system), count(size.shoppers), limit / GIB
)]
pub struct TooLarge {
    /// The profile whose run is largest.
    pub source_file: String,
    /// Its estimate.
    pub size: Size,
    /// Replications in flight.
    pub parallel: usize,
    /// The memory available, bytes.
    pub limit: f64,
}

/// Refuses a run of `scenarios` with `parallel` replications at once
/// whose estimate passes `limit` bytes. With several scenarios (a sweep)
/// each one's merged interval series is kept to the end as well.
pub fn check(scenarios: &[Scenario], parallel: usize, limit: f64) -> Result<(), TooLarge> {
    let Some((sc, mut size)) = scenarios
        .iter()
        .map(|sc| (sc, estimate(sc, parallel)))
        .max_by(|a, b| a.1.bytes.total_cmp(&b.1.bytes))
    else {
        return Ok(());
    };
    if scenarios.len() > 1 {
        let row = ROW_BYTES + GROUP_ROW_BYTES * sc.groups.len() as f64;
        size.bytes += scenarios
            .iter()
            .map(|s| estimate(s, 1).rows * row)
            .sum::<f64>();
    }
    if size.bytes <= limit {
        return Ok(());
    }
    Err(TooLarge {
        source_file: sc.source.clone(),
        size,
        parallel: parallel.max(1),
        limit,
    })
}

/// A large count, readably (`3.2e16` style past a trillion).
fn count(x: f64) -> String {
    if x < 1e12 {
        crate::metrics::catalogue::grouped(x)
    } else {
        format!("{x:.1e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(extra: &str) -> Scenario {
        let toml = format!(
            "horizon = \"30d\"\n[arrivals]\nrate = \"1/s\"\n{extra}\n[[agents.groups]]\nname = \"a\"\nstaff = 3\nhandle = {{ exponential = \"60s\" }}\n"
        );
        crate::profile::parse("size.toml", &toml, false, &[]).unwrap()
    }

    #[test]
    fn shoppers_stay_ten_patiences_at_most_or_the_whole_run_without_patience() {
        // A segment's patience holds on channels without their own.
        let patient = estimate(
            &scenario(
                "[shoppers]\npatience = { exponential = \"60s\" }\n[channels]\nchat = { share = 1.0, patience_scale = 2.0 }",
            ),
            1,
        );
        assert!((patient.in_system - 1200.0).abs() < 1e-6, "{patient:?}");
        let never = estimate(&scenario(""), 2);
        assert_eq!(never.in_system, never.shoppers);
        assert!((never.shoppers - 30.0 * 86400.0).abs() < 1e-6);
        assert_eq!(never.rows, 30.0 * 96.0);
        let one = estimate(&scenario(""), 1);
        assert!(
            (never.bytes - 2.0 * one.bytes).abs() < 1e-3,
            "two replications in flight"
        );
    }
}
