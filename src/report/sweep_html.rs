//! The HTML report of a sweep: heat maps of the grid (orders lost, first
//! response p90, abandonment, with each point's SLA mark), the cost/loss
//! frontier, and the table of points. Self-contained like the run report.

use super::heatmap::HeatMap;
use super::html::CSS;
use super::svg::{Chart, Kind, Series, esc};
use super::sweep_result::{Axis, Point, SweepResult};
use super::table;
use crate::sla::Verdict;
use std::fmt::Write;

/// The SLA mark of a point, in words and a symbol (readable without colour).
fn mark(p: &Point) -> &'static str {
    match p.sla {
        Some(Verdict::Pass) => "✓",
        Some(Verdict::Fail) => "✗",
        Some(Verdict::Inconclusive) => "?",
        None => "",
    }
}

/// One heat-map metric: its title, its legend, how a point gives its
/// value, and how the value is printed.
struct Metric {
    title: &'static str,
    legend: &'static str,
    value: fn(&Point) -> Option<f64>,
    text: fn(f64) -> String,
}

const METRICS: [Metric; 3] = [
    Metric {
        title: "Orders lost against an instant desk",
        legend: "orders lost, % of an instant desk's",
        value: |p| Some(p.orders_lost_share * 100.0),
        text: |v| format!("{v:.2}%"),
    },
    Metric {
        title: "First response, 90th percentile",
        legend: "first response p90, seconds",
        value: |p| p.first_response_p90_s,
        text: |v| format!("{v:.1} s"),
    },
    Metric {
        title: "Shoppers who gave up",
        legend: "abandonment, %",
        value: |p| p.shoppers_lost.map(|a| a * 100.0),
        text: |v| format!("{v:.2}%"),
    },
];

/// The grid's maps: rows the first axis, columns the second; with more
/// axes, one map per combination of the others.
fn heat_maps(r: &SweepResult, axes: &[Axis], out: &mut String) {
    let (rows, cols) = match axes {
        [] => return,
        [only] => (None, only),
        [first, second, ..] => (Some(first), second),
    };
    let nrows = rows.map_or(1, |a| a.values.len());
    let block = nrows * cols.values.len();
    if block == 0 || !r.points.len().is_multiple_of(block) {
        return;
    }
    for (k, chunk) in chunk_order(r, axes, block).into_iter().enumerate() {
        let rest: Vec<String> = chunk
            .first()
            .map(|p| p.set.iter().skip(axes.len().min(2)).cloned().collect())
            .unwrap_or_default();
        let suffix = if rest.is_empty() {
            String::new()
        } else {
            format!(" ({})", rest.join(", "))
        };
        if k > 0 || !rest.is_empty() {
            let _ = write!(out, "<h3>{}</h3>", esc(suffix.trim()));
        }
        for m in &METRICS {
            let range = r
                .points
                .iter()
                .filter_map(|p| (m.value)(p))
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(v), b.max(v))
                });
            let cells = (0..nrows)
                .map(|i| {
                    (0..cols.values.len())
                        .map(|j| {
                            let p = chunk[i * cols.values.len() + j];
                            let v = (m.value)(p);
                            let text = v.map_or("-".into(), m.text);
                            (v, format!("{text} {}", mark(p)).trim().to_string())
                        })
                        .collect()
                })
                .collect();
            let map = HeatMap {
                title: format!("{}{suffix}", m.title),
                x_label: cols.path.clone(),
                y_label: rows.map_or(String::new(), |a| a.path.clone()),
                cols: cols.values.clone(),
                rows: rows.map_or(vec![String::new()], |a| a.values.clone()),
                cells,
                legend: format!(
                    "{}; ✓ passes every SLA rule, ✗ fails one, ? inconclusive",
                    m.legend
                ),
                range: Some(range),
            };
            out.push_str(&map.render());
        }
    }
}

/// The points of each map: the grid has the first axis slowest, so the
/// points of one combination of the third and later axes are spread out.
fn chunk_order<'a>(r: &'a SweepResult, axes: &[Axis], block: usize) -> Vec<Vec<&'a Point>> {
    let inner: usize = axes.iter().skip(2).map(|a| a.values.len()).product();
    let inner = inner.max(1);
    (0..r.points.len() / block)
        .map(|k| (0..block).map(|b| &r.points[b * inner + k]).collect())
        .collect()
}

/// Cost per day against revenue lost, the frontier joined up.
fn frontier_chart(r: &SweepResult, out: &mut String) {
    let costed: Vec<(usize, &Point)> = r
        .points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.cost_per_day.is_some())
        .collect();
    if costed.is_empty() {
        out.push_str(
            "<p>The profile has no <code>[costs]</code>, so there is no cost/loss frontier.</p>",
        );
        return;
    }
    let currency = r.currency.clone().unwrap_or_default();
    let xy = |p: &Point| {
        (
            p.cost_per_day.unwrap_or(0.0),
            p.revenue_lost_per_day.unwrap_or(0.0),
        )
    };
    let of = |want: Option<Verdict>| -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = costed
            .iter()
            .filter(|(_, p)| match want {
                Some(Verdict::Pass) => p.sla == Some(Verdict::Pass),
                _ => p.sla != Some(Verdict::Pass),
            })
            .map(|(_, p)| xy(p))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    };
    let mut front: Vec<(f64, f64)> = r.frontier.iter().map(|&i| xy(&r.points[i])).collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0));
    let chart = Chart {
        title: "Cost against revenue lost (the frontier: nothing cheaper loses less)".into(),
        x_label: format!("cost per day, {currency}")
            .trim_end_matches([',', ' '])
            .into(),
        y_label: format!("revenue lost per run, {currency}")
            .trim_end_matches([',', ' '])
            .into(),
        series: vec![
            Series {
                name: "frontier".into(),
                points: front,
                kind: Kind::Line,
            },
            Series {
                name: "passes every SLA rule".into(),
                points: of(Some(Verdict::Pass)),
                kind: Kind::Points,
            },
            Series {
                name: "does not pass (fails, inconclusive or no rules)".into(),
                points: of(None),
                kind: Kind::Points,
            },
        ],
        ..Chart::default()
    };
    out.push_str(&chart.render());
}

/// The report of a sweep, as one HTML document.
pub fn page(r: &SweepResult) -> String {
    let axes = r.grid_axes();
    let mut o = String::with_capacity(32 * 1024);
    let _ = write!(
        o,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>peakdesk sweep: {name}</title><style>{CSS}</style></head><body>\
         <h1>peakdesk sweep: {name}</h1><p class=\"meta\">{src} · seed {seed} · {n} points × {reps} replication(s), the same seeds at every point · varied: {varied}</p>",
        name = esc(&r.profile),
        src = esc(&r.source),
        seed = r.seed,
        n = r.points.len(),
        reps = r.replications,
        varied = esc(&axes
            .iter()
            .map(|a| a.path.as_str())
            .collect::<Vec<_>>()
            .join(", ")),
    );
    let cheapest = match r.cheapest_passing {
        Some(i) => format!(
            "Cheapest point that passes every rule: <b>{}</b> ({} a day).",
            esc(&r.points[i].set.join(" ")),
            super::terminal::thousands(r.points[i].cost_per_day.unwrap_or(0.0).round() as u64)
        ),
        None if r.points.iter().all(|p| p.cost_per_day.is_none()) => {
            "The profile has no <code>[costs]</code>, so no point is the cheapest.".into()
        }
        None => "No point with costs passes every rule.".into(),
    };
    let _ = write!(o, "<p>{cheapest}</p><h2>The grid</h2>");
    heat_maps(r, &axes, &mut o);
    o.push_str("<h2>Cost and loss</h2>");
    frontier_chart(r, &mut o);
    o.push_str("<h2>Every point</h2>");
    let pct = |v: Option<f64>| v.map_or("-".into(), |x| format!("{:.2}%", x * 100.0));
    let secs = |v: Option<f64>| v.map_or("-".into(), |x| format!("{x:.1} s"));
    table(
        &mut o,
        &[
            "point",
            "gave up",
            "first p90",
            "orders lost",
            "revenue lost",
            "cost/day",
            "frontier",
            "SLA",
        ],
        r.points.iter().map(|p| {
            let sla = match p.sla {
                None => "-".to_string(),
                Some(Verdict::Pass) => "\u{1}pass".into(),
                Some(Verdict::Fail) => format!("\u{1}fail: {}", p.failed_rules.join("; ")),
                Some(Verdict::Inconclusive) => "\u{1}inconclusive".into(),
            };
            vec![
                p.set.join(" "),
                pct(p.shoppers_lost),
                secs(p.first_response_p90_s),
                pct(Some(p.orders_lost_share)),
                crate::metrics::catalogue::REVENUE_LOST_PER_DAY.show(p.revenue_lost_per_day),
                p.cost_per_day.map_or("-".into(), |c| format!("{c:.0}")),
                if p.on_frontier { "yes" } else { "" }.into(),
                sla,
            ]
        }),
    );
    o.push_str("</body></html>\n");
    o
}
