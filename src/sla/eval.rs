//! Rule values and verdicts. Each replication gives each rule one value
//! (its pooled statistic, or its worst interval for `every_interval`); the
//! verdict compares the 95% interval of those values with the threshold:
//! pass when the whole interval is on the good side, fail when it is all on
//! the bad side, inconclusive otherwise (and with a single replication,
//! which gives no interval).

use super::bands::{BandOutcome, Bands};
use super::rules::{Bound, Metric, Rule, Scope, Severity, Stat};
pub use super::sequential::Verdict;
use crate::metrics::breakdown::Breakdowns;
use crate::metrics::tally::occupancy;
use crate::metrics::{IntervalRecord, Replication, Tally};
use crate::profile::Scenario;
use crate::stats::ci95;
use crate::time::{SECOND, to_secs};
use hdrhistogram::{Counter, Histogram};
use serde::{Deserialize, Serialize};

/// A rule with its value and verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleResult {
    /// The rule.
    #[serde(flatten)]
    pub rule: Rule,
    /// Mean over replications of each replication's value (seconds or share).
    pub value: Option<f64>,
    /// 95% interval over replications.
    pub ci95: Option<[f64; 2]>,
    /// The verdict.
    pub verdict: Verdict,
    /// Replications behind it.
    pub replications: usize,
    /// The confidence of the interval the verdict was read from: 0.95 for
    /// a fixed number of replications, 1 - 0.05/K for `--replications
    /// auto` with at most K looks, 1 for a measured (driven) value.
    #[serde(default = "one_look")]
    pub confidence: f64,
    /// That interval (`null` when there is none).
    #[serde(default)]
    pub decision_interval: Option<[f64; 2]>,
}

fn one_look() -> f64 {
    0.95
}

/// The band outcome of a population: everyone, or one segment.
pub fn band_outcome(
    sc: &Scenario,
    bands: &Bands,
    total: &Tally,
    by: &Breakdowns,
    first: &Histogram<u64>,
    conv: &Histogram<u64>,
    segment: Option<usize>,
) -> BandOutcome {
    let mut out = BandOutcome::default();
    for (i, seg) in sc.segments.iter().enumerate() {
        if segment.is_some_and(|s| s != i) {
            continue;
        }
        let (tally, hist) = match by.segment.get(i) {
            Some(p) => (&p.tally, &p.first_response),
            None => (total, first),
        };
        let hist = if bands.on == super::bands::BandsOn::MeanResponse {
            conv
        } else {
            hist
        };
        // Shoppers who got a reply and then left unserved buy nothing either.
        let c = &tally.counts;
        let kept = if c.answered > 0 {
            1.0 - (c.abandoned_after_response + c.left_mid_conversation) as f64 / c.answered as f64
        } else {
            0.0
        };
        out.add(&bands.outcome(
            c.arrived,
            hist,
            kept.max(0.0),
            seg.conversion,
            seg.order_value,
        ));
    }
    out
}

fn stat<C: Counter>(h: &Histogram<C>, s: Stat) -> f64 {
    if h.is_empty() {
        return f64::NAN;
    }
    match s {
        Stat::Mean => h.mean() / SECOND as f64,
        Stat::Quantile(q) => to_secs(h.value_at_quantile(q)),
        Stat::Share => f64::NAN,
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b > 0 { a as f64 / b as f64 } else { f64::NAN }
}

/// The tally and first-response histogram of a scope (an untracked
/// dimension's single key is the run's).
fn scoped<'r>(rep: &'r Replication, scope: Scope) -> (&'r Tally, &'r Histogram<u64>) {
    let b = &rep.breakdowns;
    let pick = |parts: &'r [crate::metrics::breakdown::Part], i: usize| match parts.get(i) {
        Some(p) => (&p.tally, &p.first_response),
        None => (&rep.total, &rep.histograms.first_response),
    };
    match scope {
        Scope::All | Scope::Group(_) => (&rep.total, &rep.histograms.first_response),
        Scope::Segment(i) => pick(&b.segment, i),
        Scope::Question(i) => pick(&b.question, i),
        Scope::Channel(i) => pick(&b.channel, i),
        Scope::Tier(i) => pick(&b.tier, i),
    }
}

fn within_share(sc: &Scenario, tally: &Tally, hist: &Histogram<u64>, within: u64) -> f64 {
    match sc.answered_within.iter().position(|t| *t == within) {
        Some(k) => ratio(tally.within[k], tally.counts.arrived - tally.undecided[k]),
        None => ratio(hist.count_between(0, within), tally.counts.arrived),
    }
}

fn interval_value(sc: &Scenario, rule: &Rule, row: &IntervalRecord) -> f64 {
    let t = &row.tally;
    match rule.metric {
        Metric::AnsweredWithin => {
            let k = sc
                .answered_within
                .iter()
                .position(|x| Some(*x) == rule.within)
                .unwrap_or(0);
            ratio(t.within[k], t.counts.arrived - t.undecided[k])
        }
        Metric::Occupancy => occupancy(t.busy_area, t.staffed_area),
        Metric::FirstResponse => {
            let i = match rule.stat {
                Stat::Quantile(0.5) => 0,
                Stat::Quantile(0.9) => 1,
                _ => 2,
            };
            row.quantiles_us.map_or(f64::NAN, |q| to_secs(q[i]))
        }
        m => m.share_of(t).unwrap_or(f64::NAN),
    }
}

/// One replication's value of a rule.
pub fn value(sc: &Scenario, bands: &Bands, rule: &Rule, rep: &Replication) -> f64 {
    if rule.every_interval {
        let first = sc.warmup.div_ceil(sc.interval) as usize;
        let values = rep
            .intervals
            .iter()
            .skip(first)
            .map(|r| interval_value(sc, rule, r))
            .filter(|v| v.is_finite());
        return match rule.bound {
            Bound::Max(_) => values.fold(f64::NAN, f64::max),
            Bound::Min(_) => values.fold(f64::NAN, f64::min),
        };
    }
    let (tally, first) = scoped(rep, rule.scope);
    let h = &rep.histograms;
    match rule.metric {
        Metric::FirstResponse => stat(first, rule.stat),
        Metric::HumanResponse => match rule.scope {
            Scope::Group(g) => stat(&rep.breakdowns.group[g].human_response, rule.stat),
            _ => stat(&h.human_response, rule.stat),
        },
        Metric::MessageResponse => stat(&h.message_response, rule.stat),
        Metric::ConversationResponse => stat(&h.conversation_response, rule.stat),
        Metric::AnsweredWithin => within_share(sc, tally, first, rule.within.unwrap_or(0)),
        Metric::LeftBeforeAnswer
        | Metric::LeftWaitingForHuman
        | Metric::LeftMidConversation
        | Metric::ShoppersLost => rule.metric.share_of(tally).unwrap_or(f64::NAN),
        Metric::BotContainment => ratio(tally.counts.bot_resolved, tally.counts.resolved),
        Metric::Occupancy => {
            let (busy, staffed) = match rule.scope {
                Scope::Group(g) => (
                    rep.breakdowns.group[g].tally.busy_area,
                    rep.breakdowns.group[g].tally.staffed_area,
                ),
                _ => (rep.total.busy_area, rep.total.staffed_area),
            };
            occupancy(busy, staffed)
        }
        Metric::Satisfaction | Metric::ConversionLoss => {
            let segment = match rule.scope {
                Scope::Segment(s) => Some(s),
                _ => None,
            };
            let o = band_outcome(
                sc,
                bands,
                &rep.total,
                &rep.breakdowns,
                &h.first_response,
                &h.conversation_response,
                segment,
            );
            if rule.metric == Metric::Satisfaction {
                o.satisfaction
            } else {
                o.loss_share()
            }
        }
    }
}

/// The verdicts of every rule from each replication's values, each read
/// from an interval at `confidence` (see [`super::sequential`]).
pub fn verdicts(rules: &[Rule], values: &[Vec<f64>], confidence: f64) -> Vec<RuleResult> {
    rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let xs: Vec<f64> = values
                .iter()
                .map(|v| v[i])
                .filter(|x| x.is_finite())
                .collect();
            let value = (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64);
            let ci = value.and_then(|v| ci95(v, &xs));
            let (verdict, decided) = super::sequential::decide(&xs, rule.bound, confidence);
            RuleResult {
                rule: rule.clone(),
                value,
                ci95: ci,
                verdict,
                replications: xs.len(),
                confidence,
                decision_interval: decided,
            }
        })
        .collect()
}

/// Verdicts on values measured once, on a real system (`drive`): a fact,
/// not an estimate, so the value itself is held against the bound; a
/// value the run could not measure is inconclusive.
pub fn measured_verdicts(rules: &[Rule], values: &[f64]) -> Vec<RuleResult> {
    rules
        .iter()
        .zip(values)
        .map(|(rule, &v)| {
            let verdict = match (v.is_finite(), rule.bound) {
                (false, _) => Verdict::Inconclusive,
                (true, Bound::Max(m)) if v <= m => Verdict::Pass,
                (true, Bound::Min(m)) if v >= m => Verdict::Pass,
                _ => Verdict::Fail,
            };
            RuleResult {
                rule: rule.clone(),
                value: v.is_finite().then_some(v),
                ci95: None,
                verdict,
                replications: 1,
                confidence: 1.0,
                decision_interval: None,
            }
        })
        .collect()
}

/// The exit outcome of a set of verdicts: a failed error rule fails; an
/// inconclusive error rule without a failure is inconclusive.
pub fn outcome(results: &[RuleResult]) -> Verdict {
    let errors = results
        .iter()
        .filter(|r| r.rule.severity == Severity::Error);
    let mut out = Verdict::Pass;
    for r in errors {
        match r.verdict {
            Verdict::Fail => return Verdict::Fail,
            Verdict::Inconclusive => out = Verdict::Inconclusive,
            Verdict::Pass => {}
        }
    }
    out
}
