//! What an SLA rule is, once validated: a metric, a statistic, a
//! threshold, a scope, a severity and when it may stop a drive. Kept apart
//! from the validation (`rules`), which reads the scenario, so that the
//! scenario can hold its rules.

pub use super::metric::Metric;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// The statistic of a time metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stat {
    /// The mean.
    Mean,
    /// A quantile, 0 to 1.
    Quantile(f64),
    /// The metric is a share already.
    Share,
}

/// Who the rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every shopper.
    All,
    /// One segment (index).
    Segment(usize),
    /// One question (index).
    Question(usize),
    /// One channel (index).
    Channel(usize),
    /// One tier.
    Tier(usize),
    /// One agent group (index).
    Group(usize),
}

/// The threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The value must be at most this.
    Max(f64),
    /// The value must be at least this.
    Min(f64),
}

impl Bound {
    /// The threshold.
    pub fn limit(self) -> f64 {
        match self {
            Bound::Max(x) | Bound::Min(x) => x,
        }
    }
}

/// Red line or yellow line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A failure fails the run (exit 1).
    Error,
    /// A failure is reported only.
    Warning,
}

impl Severity {
    /// The severity's name in profiles and reports.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A validated rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Name shown in reports.
    pub name: String,
    /// Where it came from: a preset, the profile, or an `--sla` file.
    pub source: String,
    /// What it measures.
    pub metric: Metric,
    /// The statistic.
    pub stat: Stat,
    /// For `answered_within`: the time limit.
    pub within: Option<SimTime>,
    /// The threshold (seconds for times, a share otherwise).
    pub bound: Bound,
    /// Who it is about.
    pub scope: Scope,
    /// Checked on the worst interval of the day rather than the whole run.
    pub every_interval: bool,
    /// Red or yellow line.
    pub severity: Severity,
    /// Whether, and after what, it stops a drive once lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort: Option<Abort>,
}

/// When a rule may stop a drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Abort {
    /// Observations (shoppers, or responses for a percentile) before the
    /// rule may fire.
    pub after_observations: u64,
    /// Scenario time from the drive's start before the rule may fire.
    pub after: SimTime,
}
