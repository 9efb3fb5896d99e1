//! The drive's part of the HTML report: the target, intended against
//! achieved shoppers, the runner's lateness and the target's times, errors
//! by kind, and the charts over the window (intended against achieved rate,
//! failed requests over time) from the summary's `drive.timeline`.

use super::svg::{Chart, Kind, Series, esc};
use super::table;
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
    if let Some(st) = &d.stopped {
        let by = serde_json::to_value(st.by).unwrap_or_default();
        let _ = write!(
            out,
            "<p class=\"stopped\"><b>Stopped early ({}):</b> {}</p>",
            esc(by.as_str().unwrap_or("")),
            esc(&st.why)
        );
    }
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
    drive_charts(d, out);
}

/// Ticks over the window `from_s` to `to_s` (scenario seconds), at round
/// clock times: `(hours, label)`, labelled HH:MM (HH:MM:SS under a minute
/// apart; with the day past the first).
fn window_ticks(from_s: f64, to_s: f64) -> Vec<(f64, String)> {
    const STEPS: [f64; 15] = [
        5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 10800.0,
        21600.0, 43200.0,
    ];
    let step = STEPS
        .into_iter()
        .find(|s| (to_s - from_s) / s <= 8.0)
        .unwrap_or(86400.0);
    let mut t = (from_s / step).ceil() * step;
    let mut ticks = Vec::new();
    while t <= to_s + 1e-9 {
        let at = crate::time::from_secs_f64(t);
        let mut label = crate::time::clock_label(at);
        if step < 60.0 {
            label.push_str(&format!(":{:02}", (t as u64) % 60));
        }
        ticks.push((t / 3600.0, label));
        t += step;
    }
    ticks
}

/// Intended against achieved rate, and failed requests, per interval of
/// the window.
fn drive_charts(d: &crate::drive::report::DriveReport, out: &mut String) {
    let tl = &d.timeline;
    if tl.intended.is_empty() || tl.interval_s <= 0.0 {
        return;
    }
    // The timeline's intervals are the window's (hours on the x axis).
    let slots: Vec<usize> = (0..tl.intended.len()).collect();
    let ticks = window_ticks(d.from_s, d.to_s);
    let width = tl.interval_s / 3600.0;
    // Lines through the middle of each interval, bars across it.
    let x = |i: usize| tl.start_s / 3600.0 + i as f64 * width;
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
        x_label: "scenario time (the drive's window)".into(),
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
