//! The drive's part of the HTML report: the target, intended against
//! achieved shoppers, the runner's lateness and the target's times, errors
//! by kind, and the charts over the window (intended against achieved rate,
//! failed requests over time) from the summary's `drive.timeline`.

use super::html::{interval_axis, table};
use super::svg::{Chart, Kind, Series, esc};
use crate::metrics::summary::{Percentiles, Summary};
use std::fmt::Write;

/// The drive's section: what ran, the runner's and the target's times, the
/// errors, and the charts over the window.
pub(super) fn section(s: &Summary, out: &mut String) {
    let Some(d) = &s.drive else { return };
    out.push_str("<h2>The drive</h2>");
    let _ = write!(
        out,
        "<p>Target <b>{}</b> ({} adapter). {} shoppers due, {} opened, {} failed to open, {} never opened. Intended {:.1}/s, achieved {:.1}/s. {} requests, {:.2}% failed. The runner {}.</p>",
        esc(&d.target),
        esc(&d.adapter),
        d.intended,
        d.opened,
        d.failed,
        d.unopened,
        d.intended_rate_per_s,
        d.achieved_rate_per_s,
        d.requests,
        d.error_rate * 100.0,
        if d.valid {
            "kept its schedule"
        } else {
            "fell behind: the run is invalid"
        }
    );
    let ms = |x: Option<f64>| x.map_or("-".into(), |v| format!("{:.1} ms", v * 1000.0));
    let row = |name: &str, p: &Percentiles| {
        vec![name.to_string(), ms(p.p50), ms(p.p90), ms(p.p99), ms(p.max)]
    };
    table(
        out,
        &["wall-clock time", "p50", "p90", "p99", "max"],
        [
            row("runner lateness", &d.lateness_s),
            row("open request", &d.open_latency_s),
            row("end to end first response", &d.end_to_end_s),
            row("server-side first response", &d.server_response_s),
            row("detection lag", &d.detection_lag_s),
            row("later message request", &d.messages_s.request),
            row("end to end later message", &d.messages_s.end_to_end),
            row("server-side later message", &d.messages_s.server_response),
        ]
        .into_iter()
        .filter(|r| d.messages > 0 || !r[0].contains("later message")),
    );
    table(
        out,
        &["errors", "count"],
        d.errors.iter().map(|(k, v)| vec![k.clone(), v.to_string()]),
    );
    drive_charts(s, d, out);
}

/// Intended against achieved rate, and failed requests, per interval of
/// the window.
fn drive_charts(s: &Summary, d: &crate::drive::report::DriveReport, out: &mut String) {
    let tl = &d.timeline;
    if tl.intended.is_empty() || tl.interval_s <= 0.0 {
        return;
    }
    // Only the intervals of the window.
    let slots: Vec<usize> = (0..tl.intended.len())
        .filter(|&i| {
            let start = i as f64 * tl.interval_s;
            start + tl.interval_s > d.from_s && start < d.to_s
        })
        .collect();
    let (_, all_ticks) = interval_axis(s);
    let (lo, hi) = (
        slots
            .first()
            .map_or(0.0, |&i| i as f64 * tl.interval_s / 3600.0),
        slots
            .last()
            .map_or(0.0, |&i| (i + 1) as f64 * tl.interval_s / 3600.0),
    );
    let ticks: Vec<(f64, String)> = all_ticks
        .into_iter()
        .filter(|(t, _)| *t >= lo && *t <= hi)
        .collect();
    let width = tl.interval_s / 3600.0;
    // Lines through the middle of each interval, bars across it.
    let x = |i: usize| i as f64 * width;
    let mid = |i: usize| x(i) + width / 2.0;
    let wall = tl.interval_s / d.speed.max(1e-9);
    let per_s = |v: &[u64]| -> Vec<(f64, f64)> {
        slots
            .iter()
            .map(|&i| (mid(i), v.get(i).copied().unwrap_or(0) as f64 / wall))
            .collect()
    };
    // Requests go on past the window while those in flight drain.
    let first = slots.first().copied().unwrap_or(0);
    let last = tl.requests.len().max(tl.errors.len()).max(first + 1);
    let count = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0) as f64;
    let base = |title: &str, y: &str| Chart {
        title: title.into(),
        x_label: "scenario time from the start of the profile".into(),
        y_label: y.into(),
        x_ticks: (ticks.len() >= 2).then(|| ticks.clone()),
        ..Chart::default()
    };
    let mut rate = base("Intended against achieved rate", "shoppers per wall second");
    rate.series = vec![
        Series {
            name: "due (intended)".into(),
            points: per_s(&tl.intended),
            kind: Kind::Line,
        },
        Series {
            name: "opened (achieved)".into(),
            points: per_s(&tl.opened),
            kind: Kind::Line,
        },
    ];
    let mut errors = base(
        "Failed requests over time (after the window: the drain)",
        "requests per interval",
    );
    errors.series = vec![
        Series {
            name: "failed requests".into(),
            points: (first..last)
                .map(|i| (x(i), count(&tl.errors, i)))
                .collect(),
            kind: Kind::Bars(width),
        },
        Series {
            name: "all requests".into(),
            points: (first..last)
                .map(|i| (mid(i), count(&tl.requests, i)))
                .collect(),
            kind: Kind::Line,
        },
    ];
    out.push_str(&rate.render());
    out.push_str(&errors.render());
}
