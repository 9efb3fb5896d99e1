//! The first screen of a run, before any detail: does the desk hold (the SLA
//! verdicts, or each rule's point value against its line when one
//! replication gives no confidence), what it costs and loses per day in the
//! profile's currency, the human response beside the bot-inclusive one,
//! and where it breaks: the segments, questions, channels, tiers and groups
//! much worse than the desk as a whole, worst first.

use crate::metrics::Summary;
use crate::metrics::catalogue::{self as cat, Def};
use crate::metrics::summary::Estimate;
use crate::sla::rules::Bound;
use crate::sla::{RuleResult, Severity};
use serde::Serialize;
use std::fmt::Write;

/// A part of the desk much worse than the whole.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Break {
    /// `channel phone`, `question complaint`, `group after_sale`.
    pub what: String,
    /// Shoppers it lost (the catalogue's `shoppers_lost`), if that is what
    /// is much worse.
    pub shoppers_lost: Option<f64>,
    /// Its first response p90 (`human_response` p90 for a group), seconds,
    /// if that is what is much worse.
    pub response_p90_s: Option<f64>,
    /// How many times worse than the desk, by the worse of the two.
    pub times_worse: f64,
}

/// Parts with fewer arrivals than this are too noisy to call out.
const MIN_ARRIVED: u64 = 30;

/// Much worse: at least this many times the desk's figure, and beyond a
/// margin (2 points of shoppers lost, 10 s of first response, 30 s of
/// human response) so that tiny figures do not qualify.
const LOST_TIMES: f64 = 2.0;
const RESPONSE_TIMES: f64 = 3.0;
const HUMAN_TIMES: f64 = 1.5;

fn worse(x: Option<f64>, desk: Option<f64>, times: f64, margin: f64) -> Option<f64> {
    let (x, d) = (x?, desk?);
    (x >= d * times && x >= d + margin).then(|| if d > 0.0 { x / d } else { f64::INFINITY })
}

/// Every part much worse than the desk as a whole, worst first.
pub fn where_it_breaks(s: &Summary) -> Vec<Break> {
    let m = &s.metrics;
    let (lost, first, human) = (
        m.shoppers_lost.value,
        m.first_response_s.p90,
        m.human_response_s.p90,
    );
    let b = &s.breakdowns;
    let mut out = Vec::new();
    for (dim, parts) in [
        ("segment", &b.segment),
        ("question", &b.question),
        ("channel", &b.channel),
        ("tier", &b.tier),
    ] {
        if parts.len() < 2 {
            continue;
        }
        for (name, p) in parts {
            if p.counts.arrived < MIN_ARRIVED {
                continue;
            }
            let l = worse(p.shoppers_lost, lost, LOST_TIMES, 0.02);
            let r = worse(p.first_response_s.p90, first, RESPONSE_TIMES, 10.0);
            if l.is_some() || r.is_some() {
                out.push(Break {
                    what: format!("{dim} {name}"),
                    shoppers_lost: l.and(p.shoppers_lost),
                    response_p90_s: r.and(p.first_response_s.p90),
                    times_worse: l.unwrap_or(0.0).max(r.unwrap_or(0.0)),
                });
            }
        }
    }
    if b.group.len() > 1 {
        for (name, g) in &b.group {
            if let Some(r) = worse(g.human_response_s.p90, human, HUMAN_TIMES, 30.0) {
                out.push(Break {
                    what: format!("group {name}"),
                    shoppers_lost: None,
                    response_p90_s: g.human_response_s.p90,
                    times_worse: r,
                });
            }
        }
    }
    out.sort_by(|a, b| b.times_worse.total_cmp(&a.times_worse));
    out
}

/// Money per day with its currency: `CNY 3,374,601`.
pub fn money(s: &Summary, e: &Estimate) -> String {
    let v = cat::COST_PER_DAY.show(e.value);
    match (&s.cost, e.value) {
        (_, None) => v,
        (Some(c), _) => format!("{} {v}", c.currency),
        (None, _) => format!("{v} (order-value units; [costs] names the currency)"),
    }
}

fn line(out: &mut String, def: &Def, value: String, note: String) {
    let _ = writeln!(out, "  {:<28} {value}{note}", def.label);
}

/// What it costs, what it loses and how long a human takes.
fn answer(s: &Summary) -> String {
    let m = &s.metrics;
    let mut out = String::new();
    if let Some(c) = &s.cost {
        let note = format!(
            "  (agents {} · bot {} per run of the horizon)",
            cat::grouped(c.agents),
            cat::grouped(c.bot)
        );
        line(
            &mut out,
            &cat::COST_PER_DAY,
            money(s, &m.cost_per_day),
            note,
        );
    }
    if s.bands.instant_orders > 0.0 {
        let note = format!(
            "  ({} of the orders an instant desk would get)",
            cat::CONVERSION_LOSS.show(Some(s.bands.loss_share))
        );
        let revenue = money(s, &m.revenue_lost_per_day);
        line(&mut out, &cat::REVENUE_LOST_PER_DAY, revenue, note);
    }
    let p90 = |d: &Def, v: Option<f64>| format!("{} p90 {}", d.label, d.show(v));
    if m.human_response_s.count > 0 {
        let _ = writeln!(
            out,
            "  {:<28} {}  ({} with the bot's answers)",
            format!("{} p90", cat::HUMAN_RESPONSE.label),
            cat::HUMAN_RESPONSE.show(m.human_response_s.p90),
            p90(&cat::FIRST_RESPONSE, m.first_response_s.p90)
        );
    } else {
        let _ = writeln!(
            out,
            "  {:<28} {}",
            format!("{} p90", cat::FIRST_RESPONSE.label),
            cat::FIRST_RESPONSE.show(m.first_response_s.p90)
        );
    }
    let parts = [
        (&cat::LEFT_BEFORE_ANSWER, &m.left_before_answer),
        (&cat::LEFT_WAITING_FOR_HUMAN, &m.left_waiting_for_human),
        (&cat::LEFT_MID_CONVERSATION, &m.left_mid_conversation),
    ]
    .map(|(d, e)| format!("{} {}", d.label, d.show(e.value)));
    line(
        &mut out,
        &cat::SHOPPERS_LOST,
        cat::SHOPPERS_LOST.show(m.shoppers_lost.value),
        format!("  ({})", parts.join(" · ")),
    );
    out
}

/// Each rule's point value against its line, for a run of one replication.
fn point_values(s: &Summary) -> String {
    let mut out = String::new();
    let sets: String = s
        .overrides
        .iter()
        .map(|(k, v)| format!(" --set '{k}={v}'"))
        .collect();
    let _ = writeln!(
        out,
        "\n  SLA at the point values (1 replication gives no confidence; verdicts: peakdesk check {}{sets})",
        s.source
    );
    for r in &s.sla {
        let _ = writeln!(
            out,
            "  {:<13} {:<8} {}: {}",
            point_word(r),
            r.rule.severity.name(),
            r.rule.name,
            r.value
                .map_or("-".into(), |v| crate::sla::rules::show(r.rule.metric, v))
        );
    }
    out
}

fn point_word(r: &RuleResult) -> &'static str {
    let holds = r.value.map(|v| match r.rule.bound {
        Bound::Max(m) => v <= m,
        Bound::Min(m) => v >= m,
    });
    match (holds, r.rule.severity) {
        (None, _) => "not measured",
        (Some(true), _) => "holds",
        (Some(false), Severity::Error) => "BREAKS",
        (Some(false), Severity::Warning) => "warns",
    }
}

/// The first screen: the SLA, the answer, where it breaks.
pub fn render(s: &Summary, plain: bool) -> String {
    let mut out = String::new();
    if !s.sla.is_empty() {
        // A drive's verdicts are on measured values; a simulation's need two
        // replications or more for an interval.
        out.push_str(&if s.replications < 2 && s.drive.is_none() {
            point_values(s)
        } else {
            super::verdicts::table(s, plain)
        });
    }
    out.push('\n');
    out.push_str(&answer(s));
    let breaks = where_it_breaks(s);
    if !breaks.is_empty() {
        let _ = writeln!(
            out,
            "\n  where it breaks (much worse than the desk as a whole, worst first)"
        );
    }
    for b in breaks.iter().take(8) {
        let mut why = Vec::new();
        if let Some(l) = b.shoppers_lost {
            why.push(format!(
                "{} {} (desk {})",
                cat::SHOPPERS_LOST.name,
                cat::SHOPPERS_LOST.show(Some(l)),
                cat::SHOPPERS_LOST.show(s.metrics.shoppers_lost.value)
            ));
        }
        if let Some(r) = b.response_p90_s {
            let (d, desk) = if b.what.starts_with("group ") {
                (&cat::HUMAN_RESPONSE, s.metrics.human_response_s.p90)
            } else {
                (&cat::FIRST_RESPONSE, s.metrics.first_response_s.p90)
            };
            why.push(format!(
                "{} p90 {} (desk {})",
                d.name,
                d.show(Some(r)),
                d.show(desk)
            ));
        }
        let _ = writeln!(out, "    {:<24} {}", b.what, why.join(" · "));
    }
    out
}
