//! The breakdowns' part of the summary: every segment, question, channel
//! and tier with its counts, rates and first-response percentiles, and every
//! agent group with what it took, its staffing and its response times.

use super::aggregate::Aggregate;
use super::breakdown::{GroupTally, Part};
use super::figures::{Percentiles, finite, percentiles};
use super::tally::{Counts, Tally, occupancy};
use crate::profile::Scenario;
use hdrhistogram::Histogram;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// One segment, question, channel or tier over the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartSummary {
    /// Counts.
    pub counts: Counts,
    /// Share of arrivals who left before any response.
    pub left_before_answer: Option<f64>,
    /// Share of arrivals who left unserved (the catalogue's `shoppers_lost`).
    pub shoppers_lost: Option<f64>,
    /// Mean wait to first response or abandonment.
    pub wait_mean_s: Option<f64>,
    /// Share of arrivals answered within each threshold.
    pub answered_within: IndexMap<String, Option<f64>>,
    /// Share of finished conversations the bot resolved alone.
    pub bot_containment: Option<f64>,
    /// Mean response over every message.
    pub message_mean_s: Option<f64>,
    /// First response times (2 significant digits).
    pub first_response_s: Percentiles,
    /// The raw counters.
    pub tally: Tally,
}

/// One agent group over the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    /// Conversations taken.
    pub taken: u64,
    /// Shoppers who gave up waiting for skills it owns.
    pub abandoned: u64,
    /// Time-average agents on shift.
    pub staffed: Option<f64>,
    /// Time-average agents with a chat.
    pub busy: Option<f64>,
    /// Busy over staffed: share of agent time with at least one chat.
    pub occupancy: Option<f64>,
    /// Chats over (staffed x concurrency): share of chat slots used.
    pub utilisation: Option<f64>,
    /// Wait from joining the human queue to its first human response.
    pub human_response_s: Percentiles,
    /// Agent time per conversation.
    pub handle_s: Percentiles,
    /// The raw counters.
    pub tally: GroupTally,
}

/// Every breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownSummary {
    /// By segment.
    pub segment: IndexMap<String, PartSummary>,
    /// By question.
    pub question: IndexMap<String, PartSummary>,
    /// By channel.
    pub channel: IndexMap<String, PartSummary>,
    /// By priority tier.
    pub tier: IndexMap<String, PartSummary>,
    /// By agent group.
    pub group: IndexMap<String, GroupSummary>,
}

fn part_summary<C: hdrhistogram::Counter>(
    tally: &Tally,
    first_response: &Histogram<C>,
    labels: &[String],
) -> PartSummary {
    let r = tally.rates();
    PartSummary {
        counts: tally.counts.clone(),
        left_before_answer: finite(r.left_before_answer),
        shoppers_lost: finite(r.shoppers_lost),
        wait_mean_s: finite(r.wait_mean_s),
        answered_within: labels
            .iter()
            .cloned()
            .zip(r.within.iter().map(|w| finite(*w)))
            .collect(),
        bot_containment: finite(r.bot_containment),
        message_mean_s: finite(r.message_mean_s),
        first_response_s: percentiles(first_response),
        tally: tally.clone(),
    }
}

pub(super) fn breakdowns(sc: &Scenario, agg: &Aggregate, labels: &[String]) -> BreakdownSummary {
    let b = &agg.breakdowns;
    // An untracked dimension has one key, whose figures are the run's.
    let named = |names: Vec<String>, parts: &[Part]| -> IndexMap<String, PartSummary> {
        if parts.is_empty() {
            let only = names.into_iter().next().unwrap_or_default();
            return [(
                only,
                part_summary(&agg.total, &agg.histograms.first_response, labels),
            )]
            .into_iter()
            .collect();
        }
        names
            .into_iter()
            .zip(parts)
            .map(|(n, p)| (n, part_summary(&p.tally, &p.first_response, labels)))
            .collect()
    };
    let tiers: Vec<String> = if b.tier.is_empty() {
        sc.tiers_in_use()
            .iter()
            .map(|t| t.name().to_string())
            .collect()
    } else {
        crate::profile::desk::Tier::ALL
            .iter()
            .map(|t| t.name().to_string())
            .collect()
    };
    let names = |it: &mut dyn Iterator<Item = &String>| it.cloned().collect::<Vec<_>>();
    BreakdownSummary {
        segment: named(names(&mut sc.segments.iter().map(|s| &s.name)), &b.segment),
        question: named(
            names(&mut sc.questions.iter().map(|q| &q.name)),
            &b.question,
        ),
        channel: named(names(&mut sc.channels.iter().map(|c| &c.name)), &b.channel),
        tier: named(tiers, &b.tier),
        group: sc
            .groups
            .iter()
            .zip(&b.group)
            .map(|(g, p)| {
                let t = &p.tally;
                let span = t.span_us as f64;
                let summary = GroupSummary {
                    taken: t.taken,
                    abandoned: t.abandoned,
                    staffed: finite(t.staffed_area as f64 / span),
                    busy: finite(t.busy_area as f64 / span),
                    occupancy: finite(occupancy(t.busy_area, t.staffed_area)),
                    utilisation: finite(
                        t.chats_area as f64 / (t.staffed_area as f64 * f64::from(g.concurrency)),
                    ),
                    human_response_s: percentiles(&p.human_response),
                    handle_s: percentiles(&p.handle),
                    tally: t.clone(),
                };
                (g.name.clone(), summary)
            })
            .collect(),
    }
}
