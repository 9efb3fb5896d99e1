//! A sweep's points as tables: CSV (every figure, for a spreadsheet),
//! Markdown (the figures that decide, for a pull request or a step
//! summary) and the terminal's text around the Markdown table.

use super::sweep_result::{Point, SweepResult};
use crate::metrics::catalogue::{self as cat, Unit};
use crate::sla::Verdict;
use std::fmt::Write as _;

fn cell(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| format!("{x:.6}"))
}

/// A point's CSV columns, header and value together (one list, so the two
/// cannot drift apart).
fn fields(r: &Point) -> Vec<(String, String)> {
    // Metric columns are named by the catalogue: NAME, NAME_s for a mean
    // time, NAME_pNN_s for a percentile.
    let (first, human) = (cat::FIRST_RESPONSE.name, cat::HUMAN_RESPONSE.name);
    let wait = cat::get("wait_mean").map_or("wait_mean", |d| d.name);
    let mut f = vec![
        ("point".to_string(), r.set.join(" ")),
        ("arrived".into(), r.arrived.to_string()),
        (cat::SHOPPERS_LOST.name.into(), cell(r.shoppers_lost)),
        (format!("{wait}_s"), cell(r.wait_mean_s)),
        (format!("{first}_p50_s"), cell(r.first_response_p50_s)),
        (format!("{first}_p90_s"), cell(r.first_response_p90_s)),
        (format!("{first}_p99_s"), cell(r.first_response_p99_s)),
        (format!("{human}_p90_s"), cell(r.human_response_p90_s)),
    ];
    let within = cat::ANSWERED_WITHIN.name;
    f.extend(
        r.answered_within
            .iter()
            .map(|(k, v)| (format!("{within}_{k}"), cell(*v))),
    );
    f.extend([
        (
            "orders_lost_share".into(),
            format!("{:.6}", r.orders_lost_share),
        ),
        (
            cat::REVENUE_LOST_PER_DAY.name.into(),
            cell(r.revenue_lost_per_day),
        ),
        (cat::COST_PER_DAY.name.into(), cell(r.cost_per_day)),
        (
            "cost_per_conversation".into(),
            cell(r.cost_per_conversation),
        ),
        ("on_frontier".into(), r.on_frontier.to_string()),
        (
            "sla".into(),
            r.sla
                .map_or(String::new(), |v| format!("{v:?}").to_lowercase()),
        ),
        ("failed_rules".into(), r.failed_rules.join("; ")),
    ]);
    f
}

/// Writes the points as CSV, every figure a column.
pub fn write_csv(rows: &[Point], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    if let Some(first) = rows.first() {
        let header: Vec<String> = fields(first).into_iter().map(|(k, _)| k).collect();
        w.write_record(&header)?;
    }
    for r in rows {
        let values: Vec<String> = fields(r).into_iter().map(|(_, v)| v).collect();
        w.write_record(&values)?;
    }
    w.flush()
}

/// The points as a Markdown table of the figures that decide.
pub fn markdown(rows: &[Point]) -> String {
    let mut out = String::from(
        "| point | shoppers lost | human p90 | first p90 | orders lost | revenue lost/day | cost/day | frontier | SLA |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    let pct = |v: Option<f64>| Unit::Share.show(v);
    let secs = |v: Option<f64>| Unit::Seconds.show(v);
    let money = |v: Option<f64>| Unit::MoneyPerDay.show(v);
    for r in rows {
        let sla = match r.sla {
            None => "-".to_string(),
            Some(Verdict::Pass) => "pass".into(),
            Some(Verdict::Fail) => format!("fail: {}", super::md_cell(&r.failed_rules.join("; "))),
            Some(Verdict::Inconclusive) => "inconclusive".into(),
        };
        let cost = money(r.cost_per_day);
        let front = if r.on_frontier { "*" } else { "" };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {cost} | {front} | {sla} |",
            super::md_cell(&r.set.join(" ")),
            pct(r.shoppers_lost),
            secs(r.human_response_p90_s),
            secs(r.first_response_p90_s),
            pct(Some(r.orders_lost_share)),
            money(r.revenue_lost_per_day)
        );
    }
    out
}

/// The terminal's text: what ran, the table, and the cheapest passing point.
pub fn text(result: &SweepResult, table: &str) -> String {
    let rows = &result.points;
    let money = |v: Option<f64>| Unit::MoneyPerDay.show(v);
    let currency = result.currency.as_deref().unwrap_or("");
    let cheapest = match result.cheapest_passing {
        Some(i) => format!(
            "cheapest point that passes every rule: {} ({currency} {} a day)",
            rows[i].set.join(" "),
            money(rows[i].cost_per_day)
        ),
        None if rows.iter().all(|r| r.cost_per_day.is_none()) => {
            "no [costs] in the profile, so no cheapest point".into()
        }
        None => "no point passes every rule".into(),
    };
    format!(
        "peakdesk sweep: {} points x {} replications, the same seeds at every point\n\n{table}\n{cheapest}\n",
        rows.len(),
        result.replications
    )
}
