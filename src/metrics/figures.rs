//! The plain figures the summary's parts share, kept below them: shopper
//! counts, and a histogram's order statistics in seconds.

use super::tally::Tally;
use crate::time::{SECOND, to_secs};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Order statistics of a histogram, in seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    /// Values recorded.
    pub count: u64,
    /// Smallest value (to the histogram's precision).
    pub min: Option<f64>,
    /// Mean.
    pub mean: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// Largest value (to the histogram's precision).
    pub max: Option<f64>,
}

/// Shopper counts after the warm-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// Conversations that reached the desk.
    pub arrived: u64,
    /// Got a first response (bot or agent).
    pub answered: u64,
    /// Gave up before any response.
    pub abandoned: u64,
    /// Still waiting for a first response at the horizon.
    pub in_system_at_end: u64,
    /// Answered by FAQ self-service, never reaching the desk.
    pub deflected: u64,
    /// Arrivals that were retrials.
    pub retrials: u64,
    /// Arrivals from accepted proactive invitations.
    pub proactive: u64,
    /// Handed from the bot to a human.
    pub handed_off: u64,
    /// Got a human response.
    pub human_answered: u64,
    /// Gave up waiting for a human after a bot response.
    pub abandoned_after_response: u64,
    /// Conversations finished.
    pub resolved: u64,
    /// Of those, by the bot alone.
    pub bot_resolved: u64,
}

impl Counts {
    /// Counts from a tally.
    pub fn from_tally(t: &Tally) -> Counts {
        Counts {
            arrived: t.arrived,
            answered: t.answered,
            abandoned: t.abandoned,
            in_system_at_end: t.in_system_at_end,
            deflected: t.deflected,
            retrials: t.retrials,
            proactive: t.proactive,
            handed_off: t.handed_off,
            human_answered: t.human_answered,
            abandoned_after_response: t.abandoned_after_response,
            resolved: t.resolved,
            bot_resolved: t.bot_resolved,
        }
    }
}

/// `x`, when it is a number (not NaN or infinite).
pub(super) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Order statistics of a histogram of microseconds, in seconds.
pub fn percentiles<T: hdrhistogram::Counter>(h: &Histogram<T>) -> Percentiles {
    let q = |p: f64| (!h.is_empty()).then(|| to_secs(h.value_at_quantile(p)));
    Percentiles {
        count: h.len(),
        min: (!h.is_empty()).then(|| to_secs(h.min())),
        mean: (!h.is_empty()).then(|| h.mean() / SECOND as f64),
        p50: q(0.50),
        p90: q(0.90),
        p95: q(0.95),
        p99: q(0.99),
        max: (!h.is_empty()).then(|| to_secs(h.max())),
    }
}
