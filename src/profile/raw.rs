//! The scenario language as written: serde types that mirror a profile file
//! key for key, reject unknown keys, and carry no meaning yet. `validate`
//! turns them into a `Scenario`.
//!
//! Field docs would repeat the key names; the README's profile reference is
//! where each key's meaning, default and unit are documented.
#![allow(missing_docs)]

use super::units::{Duration, Rate, TimeOfDay};
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A whole profile file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    /// The scenario's name, for output.
    pub name: Option<String>,
    /// What it models, in words.
    pub description: Option<String>,
    /// Seed of every random draw (same seed, same numbers).
    pub seed: Option<u64>,
    /// How much scenario time to run (e.g. "24h", "3d").
    pub horizon: Duration,
    /// The first day's date (YYYY-MM-DD), for weekdays and `[days]`.
    pub start: Option<String>,
    /// Days that differ: by weekday (`sat`) or date (`"2026-11-11"`).
    pub days: Option<IndexMap<String, RawDay>>,
    /// Scenario time discarded before measuring (default 0).
    pub warmup: Option<Duration>,
    /// Width of the interval series (default 15m, at least 1 s).
    pub interval: Option<Duration>,
    /// Thresholds for "answered within" (default 10s, 30s, 60s, 180s).
    pub answered_within: Option<Vec<Duration>>,
    /// How many conversations are offered, and when.
    pub arrivals: RawArrivals,
    /// Defaults for every shopper (patience).
    pub shoppers: Option<RawShoppers>,
    /// Kinds of shopper: share, patience, conversion, order value, lane, tier.
    pub segments: Option<IndexMap<String, RawSegment>>,
    /// What shoppers ask: share, bot resolution, handle time, skill.
    pub questions: Option<IndexMap<String, RawQuestion>>,
    /// The question mix by time of day.
    pub question_mix: Option<Vec<RawMixWindow>>,
    /// Membership tiers and their priority.
    pub tiers: Option<RawTiers>,
    /// Channels (chat, social, phone...): share and agent concurrency.
    pub channels: Option<IndexMap<String, RawChannel>>,
    /// FAQ self-service before the desk, and proactive invitations.
    pub self_service: Option<RawSelfService>,
    /// The chatbot tier: hours, reply time, coverage, handoff.
    pub bot: Option<RawBot>,
    /// Shoppers who gave up and come back.
    pub retrials: Option<RawRetrials>,
    /// The human tier: groups, staffing, shifts, handle times.
    pub agents: RawAgents,
    /// Which group and which agent take a waiting shopper.
    pub routing: Option<RawRouting>,
    /// Satisfaction bands on the response time and their effect on conversion.
    pub bands: Option<RawBands>,
    /// The KPI scorecard's weights.
    pub kpi: Option<RawKpi>,
    /// SLA rules and platform presets.
    pub sla: Option<RawSla>,
    /// What the desk costs to run.
    pub costs: Option<RawCosts>,
}

/// `[costs]`: what the desk costs to run.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCosts {
    pub currency: Option<String>,
    pub agent_hour: Option<RawAgentHour>,
    pub bot: Option<RawBotCost>,
}

/// Agent cost per hour: one number, or one per group name.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawAgentHour {
    All(f64),
    ByGroup(IndexMap<String, f64>),
}

/// The bot's cost.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBotCost {
    pub per_conversation: Option<f64>,
    pub per_month: Option<f64>,
}

/// `[bands]`: satisfaction bands on the response time.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBands {
    pub on: Option<String>,
    pub levels: Vec<RawBand>,
    pub satisfied: Option<Vec<String>>,
}

/// One band: up to a response time (the last has none), a name, a factor
/// on the segment's conversion.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    pub upto: Option<Duration>,
    pub name: String,
    pub conversion: f64,
}

/// `[kpi]`: the scorecard's weights.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKpi {
    pub weights: IndexMap<String, f64>,
}

/// `[sla]`: rules and presets (also the whole of an `--sla` file).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSla {
    pub presets: Option<Vec<String>>,
    pub pinduoduo_reply_rate: Option<f64>,
    pub rules: Option<Vec<RawRule>>,
}

/// A rule's metric in the schema: the catalogue's rule metrics.
fn rule_metric_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = crate::metrics::catalogue::ALL
        .iter()
        .filter(|d| d.is_rule_metric())
        .map(|d| d.name)
        .collect();
    schemars::json_schema!({ "type": "string", "enum": names })
}

/// One SLA rule.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub name: Option<String>,
    #[schemars(schema_with = "rule_metric_schema")]
    pub metric: String,
    #[schemars(description = "mean, share, or a percentile such as p90 or p99.9")]
    pub stat: Option<String>,
    pub within: Option<Duration>,
    pub max: Option<RawThreshold>,
    pub min: Option<RawThreshold>,
    pub scope: Option<IndexMap<String, String>>,
    pub every_interval: Option<bool>,
    #[schemars(extend("enum" = ["error", "warning"]))]
    pub severity: Option<String>,
    /// `drive` stops once this rule is lost beyond doubt.
    pub abort: Option<bool>,
    /// Observations (a number) or scenario time (`"10m"`) before `abort`
    /// may fire.
    pub abort_after: Option<RawThreshold>,
}

/// A threshold: a duration (`"30s"`) or a number (a share, a count).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawThreshold(pub f64, pub bool);

impl<'de> Deserialize<'de> for RawThreshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawThreshold;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number (a share such as 0.9) or a duration such as \"30s\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawThreshold, E> {
                Ok(RawThreshold(v, false))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawThreshold, E> {
                Ok(RawThreshold(v as f64, false))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawThreshold, E> {
                Ok(RawThreshold(v as f64, false))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawThreshold, E> {
                Duration::parse(v)
                    .map(|d| RawThreshold(d.secs(), true))
                    .map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// `[segments.NAME]`: a kind of shopper.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSegment {
    pub share: f64,
    pub patience: Option<DistSpec>,
    pub conversion: Option<f64>,
    pub order_value: Option<f64>,
    pub lane: Option<String>,
    pub tier: Option<String>,
}

/// `[questions.NAME]`: what shoppers ask.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub share: f64,
    pub tier: Option<String>,
    pub skill: String,
    pub bot: Option<f64>,
    pub turns: Option<u32>,
    pub reply: DistSpec,
    pub think: Option<DistSpec>,
}

/// One `[[question_mix]]` window: other shares at some hours.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMixWindow {
    pub from: TimeOfDay,
    pub to: TimeOfDay,
    pub shares: IndexMap<String, f64>,
}

/// `[tiers]`: first-response targets by priority tier.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTiers {
    pub urgent: Option<Duration>,
    pub important: Option<Duration>,
    pub normal: Option<Duration>,
}

/// `[channels.NAME]`: how shoppers reach the desk.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    pub share: f64,
    pub concurrent: Option<bool>,
    pub patience: Option<DistSpec>,
    pub patience_scale: Option<f64>,
}

/// `[self_service]`: questions answered before reaching the desk, and
/// conversations the shop starts itself.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSelfService {
    pub faq_deflection: Option<IndexMap<String, f64>>,
    pub proactive: Option<RawProactive>,
}

/// Proactive chat invitations.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProactive {
    pub rate: Rate,
    pub accept: f64,
    pub question: String,
    pub conversion: Option<f64>,
    pub channel: Option<String>,
}

/// `[bot]`: the first tier.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBot {
    pub enabled: Option<bool>,
    pub hours: Option<RawHours>,
    pub reply: Option<DistSpec>,
    pub max_turns: Option<u32>,
    pub covers: Option<Vec<String>>,
    pub channels: Option<Vec<String>>,
    pub handoff: Option<RawHandoff>,
    /// Reply requests in service at once (no key: unlimited).
    pub concurrency: Option<u32>,
    /// Reply requests started per unit of time (no key: unlimited).
    pub rate_limit: Option<Rate>,
    /// Requests the rate limit lets start back to back (token bucket size).
    pub burst: Option<u32>,
    /// `[[utilisation, factor], ...]`: the reply latency's factor by load.
    pub load_latency: Option<Vec<(f64, f64)>>,
    /// `"queue"`, `"human"` or `"fail"`: a request that finds the bot full.
    pub when_full: Option<String>,
}

/// When the bot answers: `"24h"`, or windows of the day.
#[derive(Debug)]
pub enum RawHours {
    AllDay,
    Windows(Vec<RawWindow>),
}

/// A window of the day, possibly across midnight.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    pub from: TimeOfDay,
    pub to: TimeOfDay,
}

impl<'de> Deserialize<'de> for RawHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawHours;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"24h\" or a list of { from = \"HH:MM\", to = \"HH:MM\" }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawHours, E> {
                match v {
                    "24h" | "always" => Ok(RawHours::AllDay),
                    _ => Err(E::custom(format!(
                        "'{v}' is not bot hours (expected \"24h\" or a list of {{ from, to }})"
                    ))),
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawHours, A::Error> {
                let mut out = Vec::new();
                while let Some(w) = seq.next_element()? {
                    out.push(w);
                }
                Ok(RawHours::Windows(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// When the bot hands a conversation to a human.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHandoff {
    pub on: Option<Vec<String>>,
    pub ask_human: Option<f64>,
}

/// `[retrials]`: shoppers who gave up and come back.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRetrials {
    pub probability: f64,
    pub after: DistSpec,
    pub max_attempts: Option<u32>,
    pub switch_channel: Option<IndexMap<String, IndexMap<String, f64>>>,
}

/// `[arrivals]`: how many conversations are offered, and when.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    pub rate: Rate,
    pub curve: Option<Vec<(TimeOfDay, f64)>>,
    pub surges: Option<Vec<RawSurge>>,
    pub busyness: Option<RawBusyness>,
}

/// One surge: a multiplier on the rate for a while.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSurge {
    pub at: SurgeStart,
    #[serde(rename = "for")]
    pub length: Duration,
    pub multiplier: f64,
    pub daily: Option<bool>,
}

/// When a surge starts: a time of day (on the first day) or an offset.
#[derive(Debug, Clone, Copy)]
pub struct SurgeStart(pub u64);

impl<'de> Deserialize<'de> for SurgeStart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d).map_err(|_| {
            de::Error::custom("expected a time of day \"HH:MM\" or an offset such as \"1d2h\"")
        })?;
        TimeOfDay::parse(&text)
            .map(|t| SurgeStart(t.0))
            .or_else(|_| Duration::parse(&text).map(|d| SurgeStart(d.0)))
            .map_err(|_| {
                de::Error::custom(format!(
                    "'{text}' is neither a time of day (HH:MM) nor an offset such as \"1d2h\""
                ))
            })
    }
}

/// The day-to-day "busyness" factor: gamma with mean 1.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBusyness {
    pub cv: f64,
    pub per: Option<Duration>,
}

/// `[shoppers]`: who asks.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShoppers {
    pub patience: Option<DistSpec>,
}

/// `[agents]`: the desk's human tier.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAgents {
    pub first_response: Option<String>,
    pub shrinkage: Option<f64>,
    pub staffing_multiplier: Option<f64>,
    pub overflow_after: Option<Duration>,
    pub handover_overlap: Option<Duration>,
    pub concurrency_slowdown: Option<f64>,
    pub groups: Vec<RawGroup>,
}

/// `[routing]`: which group, and which of its agents, take a shopper.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRouting {
    #[schemars(extend("enum" = ["least_occupied", "emptiest_agent", "profile_order"]))]
    pub group_pick: Option<String>,
    #[schemars(extend("enum" = ["longest_idle", "last_freed"]))]
    pub agent_pick: Option<String>,
}

/// One `[[agents.groups]]` entry.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    pub name: String,
    pub staff: Option<RawStaff>,
    pub roster: Option<Vec<RawShift>>,
    pub handle: Option<DistSpec>,
    pub share: Option<f64>,
    pub skills: Option<Vec<String>>,
    pub overflow_skills: Option<Vec<String>>,
    pub role: Option<String>,
    pub concurrency: Option<u32>,
    pub standby: Option<RawStandby>,
}

/// One shift of a roster.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    pub from: TimeOfDay,
    pub to: TimeOfDay,
    pub agents: u32,
}

/// Standby agents called in when the queue grows.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStandby {
    pub agents: u32,
    pub when_queue_over: u32,
    pub login: Option<Duration>,
    pub stay: Option<Duration>,
}

/// A headcount: a constant, or steps `[{ at = "HH:MM", agents = N }, ...]`.
#[derive(Debug)]
pub enum RawStaff {
    Fixed(u32),
    Steps(Vec<RawStep>),
}

/// One step of a staffing schedule.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub at: TimeOfDay,
    pub agents: u32,
}

impl<'de> Deserialize<'de> for RawStaff {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawStaff;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a headcount (whole number >= 0) or a list of { at = \"HH:MM\", agents = N }",
                )
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawStaff, E> {
                u32::try_from(v)
                    .map(RawStaff::Fixed)
                    .map_err(|_| E::custom(format!("{v} agents is more than this tool can seat")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawStaff, E> {
                match u64::try_from(v) {
                    Ok(u) => self.visit_u64(u),
                    Err(_) => Err(E::custom(format!(
                        "{v} is not a headcount (expected a whole number >= 0)"
                    ))),
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawStaff, A::Error> {
                let mut steps = Vec::new();
                while let Some(step) = seq.next_element()? {
                    steps.push(step);
                }
                Ok(RawStaff::Steps(steps))
            }
        }
        d.deserialize_any(V)
    }
}

/// A probability distribution of a duration, as written in a profile.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DistSpec {
    /// Never happens (patience only: the shopper never gives up).
    None,
    /// Exponential with the given mean.
    Exponential(Duration),
    /// Lognormal by mean and coefficient of variation.
    Lognormal { mean: Duration, cv: f64 },
    /// Gamma by mean and cv, or by shape and scale.
    Gamma {
        mean: Option<Duration>,
        cv: Option<f64>,
        shape: Option<f64>,
        scale: Option<Duration>,
    },
    /// Weibull by scale and shape.
    Weibull { scale: Duration, shape: f64 },
    /// Always the same value.
    Deterministic(Duration),
    /// A table of `[value, weight]` pairs.
    Empirical(Vec<(Duration, f64)>),
}

/// One `[days.KEY]` entry: a day that differs from the rest (by weekday,
/// `sat`, or date, `"2026-11-11"`); `calendar` gives it meaning.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDay {
    /// The day's traffic as a multiple of `arrivals.rate`.
    pub factor: Option<f64>,
    /// The day's traffic, instead of a factor.
    pub rate: Option<Rate>,
    /// The day's own curve (otherwise `arrivals.curve`).
    pub curve: Option<Vec<(TimeOfDay, f64)>>,
    /// Surges on this day only, at times of the day.
    pub surges: Option<Vec<RawSurge>>,
    /// The day's own busyness (a gamma factor per day).
    pub busyness: Option<RawBusyness>,
    /// Rosters of shifts by group name, for this day.
    pub roster: Option<IndexMap<String, Vec<RawShift>>>,
    /// Headcount steps by group name, for this day.
    pub staff: Option<IndexMap<String, RawStaff>>,
}
