//! The summary: the JSON contract every mode writes and every other command
//! (check, compare, merge, report) reads.
//!
//! Point estimates come from the merged counters of all replications.
//! Confidence intervals come from the spread between replications, or, with
//! one replication, from 20 batch means over the post-warm-up intervals.

use super::aggregate::Aggregate;
use super::breakdown_summary::breakdowns;
pub use super::breakdown_summary::{BreakdownSummary, GroupSummary, PartSummary};
use super::figures::finite;
pub use super::figures::{Percentiles, percentiles};
use super::hist;
use super::run_info::{RunInfo, run_info};
pub use super::tally::Counts;
use super::tally::{Rates, Tally};
use crate::profile::Scenario;
use crate::stats::ci95;
use crate::time::{SECOND, SimTime, to_secs};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// The schema tag of this format.
pub const SCHEMA: &str = "peakdesk.summary/1";

/// Number of batches for batch-means intervals with one replication.
pub const BATCHES: usize = 20;

/// A point estimate with its 95% confidence interval.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The estimate; null when undefined (no shopper to measure).
    pub value: Option<f64>,
    /// 95% interval; null when it cannot be estimated.
    pub ci95: Option<[f64; 2]>,
}

/// The headline metrics; each field is an entry of the catalogue
/// ([`super::catalogue`]), which defines it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Share of arrivals who left before any response (`abandon_rate` in
    /// summaries written before the catalogue).
    #[serde(alias = "abandon_rate")]
    pub left_before_answer: Estimate,
    /// Share of arrivals who gave up waiting for a human after a response.
    #[serde(default)]
    pub left_waiting_for_human: Estimate,
    /// Share of arrivals who left while a later reply was due.
    #[serde(default)]
    pub left_mid_conversation: Estimate,
    /// The three together.
    #[serde(default)]
    pub shoppers_lost: Estimate,
    /// Share of arrivals not answered at once.
    pub wait_prob: Estimate,
    /// Mean time from arrival to first response or abandonment.
    pub wait_mean_s: Estimate,
    /// Busy agent time over staffed agent time.
    pub occupancy: Estimate,
    /// Conversations with agents over chat slots on shift.
    #[serde(default)]
    pub chat_slot_use: Estimate,
    /// Time-average number of shoppers waiting.
    pub mean_queue: Estimate,
    /// Share of all arrivals answered within each threshold.
    pub answered_within: IndexMap<String, Estimate>,
    /// Share of finished conversations the bot resolved alone.
    pub bot_containment: Estimate,
    /// Mean response time over every message (bot and agents).
    pub message_mean_s: Estimate,
    /// Time to first response (bot or agent) of answered shoppers.
    pub first_response_s: Percentiles,
    /// From joining the human queue to the first human response.
    pub human_response_s: Percentiles,
    /// Every message's response time.
    pub message_response_s: Percentiles,
    /// Each finished conversation's mean response time (Douyin's metric).
    pub conversation_response_s: Percentiles,
    /// Arrival to last reply of finished conversations.
    pub resolution_s: Percentiles,
    /// Time to abandonment of shoppers who gave up before any response.
    pub abandon_time_s: Percentiles,
    /// Agent time per conversation.
    pub handle_s: Percentiles,
    /// Revenue lost against an instant-answer desk, per day.
    #[serde(default)]
    pub revenue_lost_per_day: Estimate,
    /// What the desk costs per day (`null` value without `[costs]`).
    #[serde(default)]
    pub cost_per_day: Estimate,
    /// A capacity-limited bot's slots in use (absent for an unlimited bot,
    /// or one with only a rate limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_utilisation: Option<Estimate>,
    /// Share of a capacity-limited bot's requests that waited for a slot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_wait_prob: Option<Estimate>,
    /// Mean wait for a slot of a capacity-limited bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_wait_mean_s: Option<Estimate>,
    /// Share of arrivals sent to a human because the bot was full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_fallback: Option<Estimate>,
    /// Share of arrivals failed because the bot was full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_failed: Option<Estimate>,
}

/// One row of the interval series (shoppers counted where they arrived).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntervalSummary {
    /// Start, seconds from the run's start.
    pub start_s: f64,
    /// Start as `HH:MM` (`dN HH:MM` after the first day).
    pub start: String,
    /// Shoppers who arrived in the interval.
    pub arrived: u64,
    /// Of those, answered.
    pub answered: u64,
    /// Of those, gave up.
    pub abandoned: u64,
    /// Share of the interval's arrivals answered within each threshold.
    pub answered_within: IndexMap<String, Option<f64>>,
    /// Time-average number waiting.
    pub mean_queue: Option<f64>,
    /// Time-average agents on shift.
    pub staffed: Option<f64>,
    /// Time-average agents busy.
    pub busy: Option<f64>,
    /// First response p50/p90/p99 of the interval's answered shoppers
    /// (mean over replications of each replication's value).
    pub first_response_s: IntervalQuantiles,
    /// Each group over the interval.
    pub groups: IndexMap<String, GroupInterval>,
    /// The raw counters, for exact merging.
    pub tally: Tally,
}

/// One group over one interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupInterval {
    /// Time-average agents on shift.
    pub staffed: Option<f64>,
    /// Time-average agents with at least one chat.
    pub busy: Option<f64>,
    /// Busy over staffed.
    pub occupancy: Option<f64>,
    /// Time-average shoppers waiting for skills the group owns.
    pub queue: Option<f64>,
    /// Conversations its agents took.
    pub taken: u64,
    /// Shoppers who gave up waiting for skills it owns.
    pub abandoned: u64,
}

/// An interval's first-response percentiles, seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntervalQuantiles {
    /// Median.
    pub p50: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
    /// 99th percentile.
    pub p99: Option<f64>,
    /// Replications that had an answered shopper in the interval.
    pub replications: u32,
}

/// Whole-run histograms by name (`first_response`, `human_response`,
/// `message_response`, `conversation_response`, `resolution`,
/// `abandon_time`, `handle`), microseconds, HDR V2 base64.
pub type Histograms = IndexMap<String, String>;

/// The summary of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The profile's name.
    pub profile: String,
    /// The profile file.
    pub source: String,
    /// The seed.
    pub seed: u64,
    /// Replications run.
    pub replications: u32,
    /// Horizon, seconds.
    pub horizon_s: f64,
    /// Warm-up, seconds.
    pub warmup_s: f64,
    /// Interval width, seconds.
    pub interval_s: f64,
    /// `--set` overrides applied, by path.
    pub overrides: IndexMap<String, serde_json::Value>,
    /// Curves and distributions calibrated from CSV files, with their fits.
    pub calibration: Vec<crate::profile::calibrate::Calibration>,
    /// Shopper counts.
    pub counts: Counts,
    /// Headline metrics.
    pub metrics: Metrics,
    /// By segment, question, channel, tier and group.
    pub breakdowns: BreakdownSummary,
    /// Satisfaction bands, and the orders and revenue slow answers cost.
    pub bands: crate::sla::report::BandReport,
    /// The seeds' KPI scorecard.
    pub scorecard: crate::sla::report::Scorecard,
    /// What the run cost (`null` without `[costs]`).
    pub cost: Option<crate::plan::costs::CostReport>,
    /// Each SLA rule's value, interval and verdict (empty without rules).
    pub sla: Vec<crate::sla::RuleResult>,
    /// The overall verdict: fail if an error rule failed, inconclusive if
    /// one is inconclusive, else pass (`null` without rules).
    pub sla_outcome: Option<crate::sla::Verdict>,
    /// The interval series.
    pub intervals: Vec<IntervalSummary>,
    /// Whole-run histograms.
    pub histograms: Histograms,
    /// Each replication's post-warm-up counters.
    pub replication_tallies: Vec<Tally>,
    /// Run facts.
    pub run: RunInfo,
    /// What a drive against a real target measured besides the shoppers'
    /// view (absent for the model's runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drive: Option<crate::drive::report::DriveReport>,
}

/// Reads a summary from its JSON, older ones included; the error names the
/// key path. A summary written before its `counts` held every counter of
/// a tally gets the missing ones from the tallies beside them, which count
/// the same shoppers: a breakdown part's from its `tally`, the run's from
/// the sum of `replication_tallies`.
pub fn from_json(
    mut tree: serde_json::Value,
) -> Result<Summary, serde_path_to_error::Error<serde_json::Error>> {
    fill_older_counts(&mut tree);
    serde_path_to_error::deserialize(tree)
}

/// The counters `counts` gained after the first summaries were written.
const LATER_COUNTS: [&str; 2] = ["immediate", "left_mid_conversation"];

/// Fills every `counts` in `v` that lacks one of [`LATER_COUNTS`] from its
/// siblings' tallies (left missing when there are none to sum).
fn fill_older_counts(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            for key in LATER_COUNTS {
                let missing = m
                    .get("counts")
                    .is_some_and(|c| c.is_object() && c.get(key).is_none());
                let tallies = match (m.get("tally"), m.get("replication_tallies")) {
                    (Some(t), _) => std::slice::from_ref(t),
                    (None, Some(Value::Array(ts))) => ts.as_slice(),
                    _ => &[],
                };
                if missing && !tallies.is_empty() {
                    let sum: u64 = tallies.iter().filter_map(|t| t[key].as_u64()).sum();
                    m["counts"][key] = sum.into();
                }
            }
            m.values_mut().for_each(fill_older_counts);
        }
        Value::Array(items) => items.iter_mut().for_each(fill_older_counts),
        _ => {}
    }
}

/// A threshold's label: `"10s"`, `"180s"`, `"0.5s"`.
pub fn within_label(t: SimTime) -> String {
    if t.is_multiple_of(SECOND) {
        format!("{}s", t / SECOND)
    } else {
        format!("{}s", to_secs(t))
    }
}

/// The spread samples: one tally per replication, or batch means.
fn samples(scenario: &Scenario, agg: &Aggregate) -> Vec<Tally> {
    if agg.replications >= 2 {
        return agg
            .replication_tallies
            .iter()
            .map(|(_, t)| t.clone())
            .collect();
    }
    let first = scenario.warmup.div_ceil(scenario.interval) as usize;
    let rows = &agg.intervals[first.min(agg.intervals.len())..];
    let b = BATCHES.min(rows.len());
    (0..b)
        .map(|i| {
            let mut t = Tally::new(scenario.answered_within.len());
            for row in &rows[i * rows.len() / b..(i + 1) * rows.len() / b] {
                t.add(&row.tally);
            }
            t
        })
        .collect()
}

fn estimate(total: &Rates, spread: &[Rates], f: impl Fn(&Rates) -> f64) -> Estimate {
    let value = finite(f(total));
    let xs: Vec<f64> = spread.iter().map(&f).collect();
    // Every metric is at least 0: an interval reaching below is clipped.
    Estimate {
        value,
        ci95: value.and_then(|v| ci95(v, &xs).map(|[lo, hi]| [lo.max(0.0), hi])),
    }
}

/// An estimate without an interval.
fn point(value: Option<f64>) -> Estimate {
    Estimate {
        value: value.and_then(finite),
        ci95: None,
    }
}

/// Days per run of measured time (after the warm-up).
fn per_day(sc: &Scenario) -> f64 {
    crate::time::DAY as f64 / (sc.horizon - sc.warmup).max(1) as f64
}

/// Conversations with agents over chat slots on shift, every group.
fn chat_slot_use(sc: &Scenario, agg: &Aggregate) -> Option<f64> {
    let (mut chats, mut slots) = (0.0, 0.0);
    for (g, p) in sc.groups.iter().zip(&agg.breakdowns.group) {
        chats += p.tally.chats_area as f64;
        slots += p.tally.staffed_area as f64 * f64::from(g.concurrency);
    }
    finite(chats / slots)
}

/// The capacity-limited bot's metrics, when the bot has limits.
fn bot_capacity_metrics(sc: &Scenario, m: Metrics, total: &Rates, spread: &[Rates]) -> Metrics {
    let Some(cap) = sc.bot.as_ref().and_then(|b| b.capacity.as_ref()) else {
        return m;
    };
    let slots = f64::from(cap.concurrency);
    Metrics {
        bot_utilisation: (cap.concurrency != u32::MAX)
            .then(|| estimate(total, spread, |r| r.bot_busy / slots)),
        bot_wait_prob: Some(estimate(total, spread, |r| r.bot_wait_prob)),
        bot_wait_mean_s: Some(estimate(total, spread, |r| r.bot_wait_mean_s)),
        bot_fallback: Some(estimate(total, spread, |r| r.bot_fallback)),
        bot_failed: Some(estimate(total, spread, |r| r.bot_failed)),
        ..m
    }
}

/// Builds the summary of merged replications, with the profile's rules.
pub fn build(scenario: &Scenario, agg: &Aggregate, wall_s: f64, threads: usize) -> Summary {
    build_with(scenario, agg, wall_s, threads, &scenario.rules, 0.95)
}

/// Builds the summary of merged replications whose rule values were
/// computed for `rules`, their verdicts read at `confidence`.
pub fn build_with(
    scenario: &Scenario,
    agg: &Aggregate,
    wall_s: f64,
    threads: usize,
    rules: &[crate::sla::Rule],
    confidence: f64,
) -> Summary {
    let bands = crate::sla::report::bands(scenario, agg);
    let cost = crate::plan::costs::report(scenario, agg);
    let scorecard = crate::sla::report::scorecard(scenario, agg, &bands);
    let (sla, outcome) = crate::sla::report::sla(rules, agg, confidence);
    let total = &agg.total;
    let rates = total.rates();
    let spread: Vec<Rates> = samples(scenario, agg).iter().map(Tally::rates).collect();
    let labels: Vec<String> = scenario
        .answered_within
        .iter()
        .map(|t| within_label(*t))
        .collect();
    let h = &agg.histograms;
    let metrics = metrics(
        scenario,
        agg,
        (&rates, &spread),
        &labels,
        &bands,
        cost.as_ref(),
    );
    Summary {
        schema: SCHEMA.into(),
        profile: scenario.name.clone(),
        source: scenario.source.clone(),
        seed: scenario.seed,
        replications: agg.replications,
        horizon_s: to_secs(scenario.horizon),
        warmup_s: to_secs(scenario.warmup),
        interval_s: to_secs(scenario.interval),
        overrides: scenario
            .overrides
            .iter()
            .map(|o| (o.path.clone(), o.value.clone()))
            .collect(),
        calibration: scenario.calibration.clone(),
        counts: total.counts.clone(),
        metrics,
        breakdowns: breakdowns(scenario, agg, &labels),
        bands,
        scorecard,
        cost,
        sla_outcome: (!sla.is_empty()).then_some(outcome),
        sla,
        intervals: intervals(scenario, agg, &labels),
        histograms: h
            .named()
            .iter()
            .map(|(n, h)| (format!("{n}_us"), hist::encode(h)))
            .collect(),
        replication_tallies: agg
            .replication_tallies
            .iter()
            .map(|(_, t)| t.clone())
            .collect(),
        run: run_info(agg, wall_s, threads),
        drive: None,
    }
}

/// The headline metrics: the run's rates with their spread over
/// replications, and the histograms' percentiles.
fn metrics(
    scenario: &Scenario,
    agg: &Aggregate,
    (rates, spread): (&Rates, &[Rates]),
    labels: &[String],
    bands: &crate::sla::report::BandReport,
    cost: Option<&crate::plan::costs::CostReport>,
) -> Metrics {
    let h = &agg.histograms;
    let metrics = Metrics {
        left_before_answer: estimate(rates, spread, |r| r.left_before_answer),
        left_waiting_for_human: estimate(rates, spread, |r| r.left_waiting_for_human),
        left_mid_conversation: estimate(rates, spread, |r| r.left_mid_conversation),
        shoppers_lost: estimate(rates, spread, |r| r.shoppers_lost),
        wait_prob: estimate(rates, spread, |r| r.wait_prob),
        wait_mean_s: estimate(rates, spread, |r| r.wait_mean_s),
        occupancy: estimate(rates, spread, |r| r.occupancy),
        chat_slot_use: point(chat_slot_use(scenario, agg)),
        mean_queue: estimate(rates, spread, |r| r.mean_queue),
        answered_within: labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), estimate(rates, spread, |r| r.within[i])))
            .collect(),
        bot_containment: estimate(rates, spread, |r| r.bot_containment),
        message_mean_s: estimate(rates, spread, |r| r.message_mean_s),
        first_response_s: percentiles(&h.first_response),
        human_response_s: percentiles(&h.human_response),
        message_response_s: percentiles(&h.message_response),
        conversation_response_s: percentiles(&h.conversation_response),
        resolution_s: percentiles(&h.resolution),
        abandon_time_s: percentiles(&h.abandon_time),
        handle_s: percentiles(&h.handle),
        revenue_lost_per_day: point(Some(bands.revenue_lost * per_day(scenario))),
        cost_per_day: point(cost.map(|c| c.per_day)),
        bot_utilisation: None,
        bot_wait_prob: None,
        bot_wait_mean_s: None,
        bot_fallback: None,
        bot_failed: None,
    };
    bot_capacity_metrics(scenario, metrics, rates, spread)
}

fn intervals(scenario: &Scenario, agg: &Aggregate, labels: &[String]) -> Vec<IntervalSummary> {
    agg.intervals
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let rates = row.tally.rates();
            let start = i as u64 * scenario.interval;
            let q = row.quantiles_s();
            IntervalSummary {
                start_s: to_secs(start),
                start: scenario.time_label(start),
                arrived: row.tally.counts.arrived,
                answered: row.tally.counts.answered,
                abandoned: row.tally.counts.abandoned,
                answered_within: labels
                    .iter()
                    .cloned()
                    .zip(rates.within.iter().map(|w| finite(*w)))
                    .collect(),
                mean_queue: finite(rates.mean_queue),
                staffed: finite(rates.mean_staffed),
                busy: finite(rates.mean_busy),
                first_response_s: IntervalQuantiles {
                    p50: q.map(|q| q[0]),
                    p90: q.map(|q| q[1]),
                    p99: q.map(|q| q[2]),
                    replications: row.quantile_count,
                },
                groups: scenario
                    .groups
                    .iter()
                    .zip(&row.groups)
                    .map(|(g, t)| {
                        let span = t.span_us as f64;
                        let interval = GroupInterval {
                            staffed: finite(t.staffed_area as f64 / span),
                            busy: finite(t.busy_area as f64 / span),
                            occupancy: finite(super::tally::occupancy(t.busy_area, t.staffed_area)),
                            queue: finite(t.queue_area as f64 / span),
                            taken: t.taken,
                            abandoned: t.abandoned,
                        };
                        (g.name.clone(), interval)
                    })
                    .collect(),
                tally: row.tally.clone(),
            }
        })
        .collect()
}
