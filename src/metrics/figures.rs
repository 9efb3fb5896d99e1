//! The plain figures the summary's parts share, kept below them: a
//! histogram's order statistics in seconds.

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
