//! The HTML report: one self-contained file (inline CSS and SVG, no
//! scripts, fonts or anything from the network) that opens anywhere and
//! can be attached to a CI run or forwarded. It is built from a summary
//! (`simulate`, `check` and `drive` write the same format): the interval
//! charts (arrivals and capacity, agents, queue, abandonment, first-response
//! percentiles with the SLA line), the first-response distribution across
//! the satisfaction bands, the verdicts, lost orders and revenue, the
//! breakdowns, and for a drive the runner's own figures.

use super::svg::{Chart, Kind, Series, esc};
use super::table;
use crate::metrics::catalogue::{self as cat, Unit};
use crate::metrics::hist;
use crate::metrics::summary::{IntervalQuantiles, IntervalSummary, Summary};
use crate::sla::Verdict;
use crate::sla::rules::{Bound, Metric, Stat};
use std::fmt::Write;

pub(super) const CSS: &str = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;max-width:760px;color:#111}\
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccc}\
.meta{color:#555}.cards{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}\
.card{border:1px solid #ccc;border-radius:4px;padding:6px 10px;min-width:130px}.card b{display:block;font-size:18px}\
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}\
th:first-child,td:first-child{text-align:left}.pass{background:#d9f0e3}.fail{background:#f6d5cf;font-weight:bold}\
.inconclusive{background:#fbefc9}svg .cell{font-size:11px}svg.chart{display:block;margin:8px 0 16px;max-width:100%;height:auto}\
svg .title{font-size:14px;font-weight:bold}svg .tick,svg .band,svg .legend,svg .rule{font-size:11px}svg .axis{font-size:12px}";

fn pct(x: Option<f64>) -> String {
    Unit::Share.show(x)
}

fn secs(x: Option<f64>) -> String {
    Unit::Seconds.show(x)
}

fn money(x: f64) -> String {
    super::terminal::thousands(x.max(0.0).round() as u64)
}

/// Interval start times in hours, and tick labels at round hours.
pub(super) fn interval_axis(s: &Summary) -> (Vec<f64>, Vec<(f64, String)>) {
    let xs: Vec<f64> = s.intervals.iter().map(|i| i.start_s / 3600.0).collect();
    let hours = s.horizon_s / 3600.0;
    let step = [1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0]
        .into_iter()
        .find(|st| hours / st <= 12.0)
        .unwrap_or(168.0);
    let mut ticks = Vec::new();
    let mut t = 0.0;
    while t <= hours + 1e-9 {
        let (d, h) = ((t / 24.0).floor(), t % 24.0);
        let label = if hours > 24.0 {
            format!("d{} {:02}:00", d as u64 + 1, h as u64)
        } else {
            format!("{:02}:{:02}", h as u64, ((h.fract()) * 60.0).round() as u64)
        };
        ticks.push((t, label));
        t += step;
    }
    if hours * 60.0 < 3.0 {
        ticks = super::svg::ticks(0.0, hours * 3600.0)
            .into_iter()
            .map(|s| (s / 3600.0, format!("{}s", super::svg::num(s))))
            .collect();
    } else if hours < 1.0 {
        ticks = super::svg::ticks(0.0, hours * 60.0)
            .into_iter()
            .map(|m| (m / 60.0, format!("{}m", super::svg::num(m))))
            .collect();
    }
    (xs, ticks)
}

fn line(name: &str, xs: &[f64], ys: impl Iterator<Item = Option<f64>>) -> Series {
    Series {
        name: name.into(),
        points: xs
            .iter()
            .zip(ys)
            .map(|(x, y)| (*x, y.unwrap_or(f64::NAN)))
            .collect(),
        kind: Kind::Line,
    }
}

/// The interval charts: load (arrivals against capacity, agents, queue),
/// then outcomes (shoppers lost, first response).
fn interval_charts(s: &Summary, out: &mut String) {
    if s.intervals.is_empty() {
        return;
    }
    let (xs, ticks) = interval_axis(s);
    let chart = |title: &str, y: &str| Chart {
        title: title.into(),
        x_label: "time from the start of the profile".into(),
        y_label: y.into(),
        x_ticks: Some(ticks.clone()),
        ..Chart::default()
    };
    let mut arrivals = chart("Arrivals against staffed capacity", "shoppers per hour");
    arrivals.series = arrival_lines(s, &xs);
    out.push_str(&arrivals.render());
    if s.intervals
        .iter()
        .any(|i| i.staffed.is_some_and(|a| a > 0.0))
    {
        let mut agents = chart(
            "Agents on shift and busy",
            "agents (mean over the interval)",
        );
        agents.series = vec![
            line("on shift", &xs, s.intervals.iter().map(|i| i.staffed)),
            line("busy", &xs, s.intervals.iter().map(|i| i.busy)),
        ];
        out.push_str(&agents.render());
    }
    let mut queue = chart(
        "Where the queue builds",
        "shoppers waiting (mean over the interval)",
    );
    queue.series.push(line(
        "mean queue",
        &xs,
        s.intervals.iter().map(|i| i.mean_queue),
    ));
    out.push_str(&queue.render());
    let mut abandon = chart("Shoppers lost per interval", "% of the interval's arrivals");
    abandon.series = [Metric::LeftBeforeAnswer, Metric::ShoppersLost]
        .into_iter()
        .map(|m| {
            let share = |i: &IntervalSummary| m.share_of(&i.tally).filter(|v| v.is_finite());
            line(
                m.def().label,
                &xs,
                s.intervals.iter().map(|i| share(i).map(|v| 100.0 * v)),
            )
        })
        .collect();
    abandon.rules = [
        Metric::LeftBeforeAnswer,
        Metric::LeftWaitingForHuman,
        Metric::LeftMidConversation,
        Metric::ShoppersLost,
    ]
    .into_iter()
    .flat_map(|m| rule_lines(s, m, 100.0))
    .collect();
    out.push_str(&abandon.render());
    let mut fr = chart("First response per interval", "seconds");
    let quantile = |name: &str, f: fn(&IntervalQuantiles) -> Option<f64>| {
        line(
            name,
            &xs,
            s.intervals.iter().map(|i| f(&i.first_response_s)),
        )
    };
    fr.series = vec![
        quantile("p50", |q| q.p50),
        quantile("p90", |q| q.p90),
        quantile("p99", |q| q.p99),
    ];
    fr.rules = rule_lines(s, Metric::FirstResponse, 1.0);
    out.push_str(&fr.render());
}

/// Arrivals, shoppers needing an agent and (with a handle time) the
/// agents' capacity, per hour.
fn arrival_lines(s: &Summary, xs: &[f64]) -> Vec<Series> {
    let width_h = s.interval_s / 3600.0;
    let per_hour = |n: u64| Some(n as f64 / s.replications.max(1) as f64 / width_h);
    let mut lines = vec![
        line(
            "arrivals",
            xs,
            s.intervals.iter().map(|i| per_hour(i.arrived)),
        ),
        line(
            "needing an agent (taken, or gave up waiting)",
            xs,
            s.intervals
                .iter()
                .map(|i| per_hour(i.groups.values().map(|g| g.taken).sum::<u64>() + i.abandoned)),
        ),
    ];
    if let Some(handle) = s.metrics.handle_s.mean.filter(|h| *h > 0.0) {
        lines.push(line(
            &format!("capacity: on shift x 3600 s / {handle:.0} s handle (one chat each)"),
            xs,
            s.intervals
                .iter()
                .map(|i| i.staffed.map(|a| a * 3600.0 / handle)),
        ));
    }
    lines
}

/// The SLA bounds on `metric` as reference lines (`scale`: to the chart's unit).
fn rule_lines(s: &Summary, metric: Metric, scale: f64) -> Vec<(f64, String)> {
    s.sla
        .iter()
        .filter(|r| r.rule.metric == metric)
        .map(|r| {
            let (v, word) = match r.rule.bound {
                Bound::Max(v) => (v, "at most"),
                Bound::Min(v) => (v, "at least"),
            };
            let stat = match r.rule.stat {
                Stat::Quantile(q) => format!("p{} ", super::svg::num(q * 100.0)),
                Stat::Mean => "mean ".into(),
                Stat::Share => String::new(),
            };
            (
                v * scale,
                format!(
                    "SLA {}: {stat}{word} {}",
                    r.rule.name,
                    super::svg::num(v * scale)
                ),
            )
        })
        .collect()
}

/// The satisfaction bands as shaded x ranges, in seconds; the last one
/// (open-ended) ends at `top`.
fn band_ranges(s: &Summary, top: f64) -> Vec<(f64, f64, String)> {
    let mut from = 0.0;
    s.bands
        .bands
        .iter()
        .map(|b| {
            let to = b.upto_s.unwrap_or(top);
            let band = (
                from,
                to,
                format!("{} ({:.0}% buy)", b.name, b.conversion * 100.0),
            );
            from = to;
            band
        })
        .collect()
}

/// The first-response histogram and CDF with the satisfaction bands.
fn distribution_charts(s: &Summary, out: &mut String) {
    let Some(h) = s
        .histograms
        .get("first_response_us")
        .and_then(|t| hist::decode(t).ok())
        .filter(|h| !h.is_empty())
    else {
        return;
    };
    let last_band = s
        .bands
        .bands
        .iter()
        .filter_map(|b| b.upto_s)
        .fold(0.0, f64::max);
    // The bands' region, and the bulk of the answers beyond it.
    let p95 = h.value_at_quantile(0.95) as f64 / 1e6;
    let top = (p95.max(last_band * 1.25)).max(1.0);
    let bins = 40;
    let w = top / bins as f64;
    let total = h.len() as f64;
    let mut bars = Vec::with_capacity(bins);
    let mut cdf = vec![(0.0, 100.0 * h.count_between(0, 0) as f64 / total)];
    for k in 0..bins {
        let (lo, hi) = (k as f64 * w, (k + 1) as f64 * w);
        let n = h.count_between((lo * 1e6) as u64 + u64::from(k > 0), (hi * 1e6) as u64);
        bars.push((lo, 100.0 * n as f64 / total));
        cdf.push((
            hi,
            100.0 * h.count_between(0, (hi * 1e6) as u64) as f64 / total,
        ));
    }
    let bands = band_ranges(s, top);
    let chart = |title: &str, y: &str, series: Series| Chart {
        title: title.into(),
        x_label: "first response, seconds (bands shaded)".into(),
        y_label: y.into(),
        series: vec![series],
        bands: bands.clone(),
        ..Chart::default()
    };
    out.push_str(
        &chart(
            "First-response distribution",
            "% of answered shoppers",
            Series {
                name: format!("share per {w:.1} s bin"),
                points: bars,
                kind: Kind::Bars(w),
            },
        )
        .render(),
    );
    out.push_str(
        &chart(
            "Answered within a time (cumulative)",
            "% answered within",
            Series {
                name: "answered within x".into(),
                points: cdf,
                kind: Kind::Line,
            },
        )
        .render(),
    );
}

fn verdicts(s: &Summary, out: &mut String) {
    if s.sla.is_empty() {
        return;
    }
    out.push_str("<h2>SLA verdicts</h2>");
    table(
        out,
        &["rule", "severity", "value", "95% interval", "verdict"],
        s.sla.iter().map(|r| {
            let word = match r.verdict {
                Verdict::Pass => "pass",
                Verdict::Fail => "fail",
                Verdict::Inconclusive => "inconclusive",
            };
            vec![
                r.rule.name.clone(),
                format!("{:?}", r.rule.severity).to_lowercase(),
                r.value.map_or("-".into(), |v| format!("{v:.4}")),
                r.ci95
                    .map_or("-".into(), |[a, b]| format!("{a:.4} .. {b:.4}")),
                format!("\u{1}{word}"),
            ]
        }),
    );
}

fn bands_table(s: &Summary, out: &mut String) {
    let b = &s.bands;
    out.push_str("<h2>Satisfaction bands, lost orders and revenue</h2>");
    let _ = write!(
        out,
        "<p>Measured on {}: {} orders against {} with instant answers, <b>{} orders lost</b> ({:.1}%), revenue lost <b>{}</b> of {}. Predicted satisfaction {:.1}%.</p>",
        esc(&b.on),
        money(b.orders),
        money(b.instant_orders),
        money(b.orders_lost),
        b.loss_share * 100.0,
        money(b.revenue_lost),
        money(b.revenue),
        b.satisfaction * 100.0
    );
    table(
        out,
        &["band", "up to", "conversion", "share of shoppers"],
        b.bands.iter().map(|x| {
            vec![
                x.name.clone(),
                x.upto_s.map_or("and beyond".into(), |u| format!("{u} s")),
                format!("{:.0}%", x.conversion * 100.0),
                format!("{:.2}%", x.share * 100.0),
            ]
        }),
    );
}

fn breakdowns(s: &Summary, out: &mut String) {
    out.push_str("<h2>Breakdowns</h2>");
    let by = &s.breakdowns;
    for (title, parts) in [
        ("segment", &by.segment),
        ("question", &by.question),
        ("channel", &by.channel),
        ("tier", &by.tier),
    ] {
        if parts.is_empty() {
            continue;
        }
        table(
            out,
            &[
                title,
                "arrived",
                cat::SHOPPERS_LOST.label,
                "mean wait",
                "first response p90",
                "bot containment",
            ],
            parts.iter().map(|(name, p)| {
                vec![
                    name.clone(),
                    super::terminal::thousands(p.counts.arrived),
                    pct(p.shoppers_lost),
                    secs(p.wait_mean_s),
                    secs(p.first_response_s.p90),
                    pct(p.bot_containment),
                ]
            }),
        );
    }
    table(
        out,
        &["group", "taken", "abandoned", "agents on shift", "busy"],
        by.group.iter().map(|(name, g)| {
            vec![
                name.clone(),
                super::terminal::thousands(g.taken),
                super::terminal::thousands(g.abandoned),
                g.staffed.map_or("-".into(), |v| format!("{v:.1}")),
                g.busy.map_or("-".into(), |v| format!("{v:.1}")),
            ]
        }),
    );
}

/// The parts of the desk much worse than the whole, as on the terminal.
fn where_it_breaks(s: &Summary, out: &mut String) {
    let breaks = super::first_screen::where_it_breaks(s);
    if breaks.is_empty() {
        return;
    }
    out.push_str("<h2>Where it breaks</h2>");
    table(
        out,
        &[
            "part",
            cat::SHOPPERS_LOST.label,
            "response p90",
            "times the desk",
        ],
        breaks.iter().map(|b| {
            vec![
                b.what.clone(),
                pct(b.shoppers_lost),
                secs(b.response_p90_s),
                format!("{:.1}", b.times_worse),
            ]
        }),
    );
}

/// The report of a summary, as one HTML document.
pub fn page(s: &Summary) -> String {
    let mode = if s.drive.is_some() {
        "drive"
    } else {
        "simulation"
    };
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>peakdesk: {name}</title><style>{CSS}</style></head><body>\
         <h1>peakdesk {mode}: {name}</h1><p class=\"meta\">{src} · seed {seed} · {reps} replication(s) · horizon {h} · counted from {w} · peakdesk {v}</p>",
        name = esc(&s.profile),
        src = esc(&s.source),
        seed = s.seed,
        reps = s.replications,
        h = crate::profile::units::Duration(crate::time::from_secs_f64(s.horizon_s)),
        w = crate::profile::units::Duration(crate::time::from_secs_f64(s.warmup_s)),
        v = esc(&s.run.version),
    );
    let m = &s.metrics;
    let first_within = m.answered_within.iter().next();
    o.push_str("<div class=\"cards\">");
    let mut card = |label: &str, value: String| {
        let _ = write!(
            o,
            "<div class=\"card\">{}<b>{}</b></div>",
            esc(label),
            esc(&value)
        );
    };
    let arrived = if s.replications > 1 {
        format!("arrived (all {} replications)", s.replications)
    } else {
        "arrived".into()
    };
    if let Some(v) = s.sla_outcome {
        card("SLA", format!("{v:?}").to_lowercase());
    }
    use super::first_screen::money as per_day;
    if s.cost.is_some() {
        card(cat::COST_PER_DAY.label, per_day(s, &m.cost_per_day));
    }
    if s.bands.instant_orders > 0.0 {
        let revenue = per_day(s, &m.revenue_lost_per_day);
        card(cat::REVENUE_LOST_PER_DAY.label, revenue);
    }
    if m.human_response_s.count > 0 {
        card("human response p90", secs(m.human_response_s.p90));
    }
    card("first response p90", secs(m.first_response_s.p90));
    card(cat::SHOPPERS_LOST.label, pct(m.shoppers_lost.value));
    if let Some((k, e)) = first_within {
        card(&format!("answered within {k}"), pct(e.value));
    }
    card(&arrived, super::terminal::thousands(s.counts.arrived));
    o.push_str("</div>");
    where_it_breaks(s, &mut o);
    o.push_str("<h2>Across the day</h2>");
    interval_charts(s, &mut o);
    o.push_str("<h2>First response and the satisfaction bands</h2>");
    distribution_charts(s, &mut o);
    verdicts(s, &mut o);
    bands_table(s, &mut o);
    super::html_drive::section(s, &mut o);
    breakdowns(s, &mut o);
    o.push_str("</body></html>\n");
    o
}
