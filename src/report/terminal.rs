//! The readable summary printed after a run: what was run, what happened to
//! the shoppers, and the headline metrics with their confidence intervals.

use crate::erlang::Measures;
use crate::metrics::catalogue::{self as cat, Def, Form, Unit};
use crate::metrics::summary::{Estimate, Percentiles, Summary};
use crate::profile::units::Duration;
use crate::time::from_secs_f64;
use std::fmt::Write;

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    cat::grouped(n as f64)
}

fn pct(x: Option<f64>) -> String {
    Unit::Share.show(x)
}

fn secs(x: Option<f64>) -> String {
    Unit::Seconds.show(x)
}

fn row(out: &mut String, name: &str, e: &Estimate, def: &Def) {
    let ci = e.ci95.map_or(String::new(), |[lo, hi]| {
        format!("{} .. {}", def.show(Some(lo)), def.show(Some(hi)))
    });
    let _ = writeln!(out, "  {name:<30} {:>10}   {ci}", def.show(e.value));
}

fn pct_line(out: &mut String, name: &str, p: &Percentiles) {
    let _ = writeln!(
        out,
        "  {name:<18} mean {}  p50 {}  p90 {}  p95 {}  p99 {}  max {}",
        secs(p.mean),
        secs(p.p50),
        secs(p.p90),
        secs(p.p95),
        secs(p.p99),
        secs(p.max)
    );
}

/// The catalogue's metrics of the summary, in its order: estimates with
/// their intervals, then the percentiles of each time. Money per day is on
/// the first screen.
fn metric_table(out: &mut String, s: &Summary) {
    let ci_note = if s.replications > 1 {
        "across replications"
    } else {
        "batch means"
    };
    let _ = writeln!(
        out,
        "\n  {:<30} {:>10}   95% interval ({ci_note})",
        "metric", "value"
    );
    let json = serde_json::to_value(&s.metrics).unwrap_or_default();
    let in_summary = |d: &&Def| d.path.starts_with("/metrics/") && d.unit != Unit::MoneyPerDay;
    let entry = |d: &Def| json.pointer(&d.path["/metrics".len()..]).cloned();
    for d in cat::ALL.iter().filter(in_summary) {
        match d.form {
            Form::Estimate => {
                if let Some(e) = entry(d).and_then(|v| serde_json::from_value(v).ok()) {
                    row(out, d.label, &e, d);
                }
            }
            Form::PerThreshold => {
                for (label, e) in &s.metrics.answered_within {
                    row(out, &format!("{} {label}", d.label), e, d);
                }
            }
            Form::Percentiles | Form::Number => {}
        }
    }
    let _ = writeln!(out);
    for d in cat::ALL.iter().filter(in_summary) {
        if d.form == Form::Percentiles
            && let Some(p) = entry(d).and_then(|v| serde_json::from_value::<Percentiles>(v).ok())
            && p.count > 0
        {
            pct_line(out, d.label, &p);
        }
    }
}

/// Renders a simulation summary.
pub fn summary(s: &Summary) -> String {
    let mut out = String::new();
    heading(&mut out, s);
    if let Some(mib) = s.run.peak_rss_mib {
        let _ = writeln!(out, "  peak memory {mib:.1} MiB");
    }
    for (path, value) in &s.overrides {
        let _ = writeln!(out, "  override: {path} = {value}");
    }
    out.push_str(&super::first_screen::render(
        s,
        super::verdicts::plain_output(),
    ));
    let c = &s.counts;
    let _ = writeln!(
        out,
        "\n  shoppers: {} arrived · {} answered · {} left before any answer · {} still waiting at the end",
        thousands(c.arrived),
        thousands(c.answered),
        thousands(c.abandoned),
        thousands(c.in_system_at_end)
    );
    metric_table(&mut out, s);
    if c.handed_off + c.bot_resolved + c.deflected + c.retrials + c.proactive > 0 {
        let _ = writeln!(
            out,
            "\n  bot: {} resolved · {} handed to a human · {} gave up waiting for a human | FAQ deflected {} · retrials {} · proactive {}",
            thousands(c.bot_resolved),
            thousands(c.handed_off),
            thousands(c.abandoned_after_response),
            thousands(c.deflected),
            thousands(c.retrials),
            thousands(c.proactive)
        );
    }
    breakdown_table(&mut out, s);
    if s.bands.instant_orders > 0.0 {
        let _ = writeln!(out, "\n  {}", super::verdicts::bands_line(s));
    }
    calibration_lines(&mut out, s);
    worst_interval(&mut out, s);
    out
}

/// The run's first lines: what ran, with which seed, over what span.
fn heading(out: &mut String, s: &Summary) {
    let reps = if s.replications == 1 {
        "1 replication".to_string()
    } else {
        format!("{} replications", s.replications)
    };
    if s.drive.is_some() {
        let _ = writeln!(out, "peakdesk drive: {} ({})", s.profile, s.source);
        let _ = writeln!(
            out,
            "  seed {} · up to {} · counted from {} · {:.1} s of wall time",
            s.seed,
            Duration(from_secs_f64(s.horizon_s)),
            Duration(from_secs_f64(s.warmup_s)),
            s.run.wall_s,
        );
    } else {
        let _ = writeln!(out, "peakdesk simulate: {} ({})", s.profile, s.source);
        let _ = writeln!(
            out,
            "  seed {} · {reps} · horizon {} · warm-up {} · {} events in {:.2} s ({:.2} M shoppers/s on {} thread(s))",
            s.seed,
            Duration(from_secs_f64(s.horizon_s)),
            Duration(from_secs_f64(s.warmup_s)),
            thousands(s.run.events),
            s.run.wall_s,
            s.run.shoppers_per_s / 1e6,
            s.run.threads
        );
    }
}

/// The worst interval: the lowest share answered within the first
/// threshold (p90 alone hides a human queue behind fast bot answers).
fn worst_interval(out: &mut String, s: &Summary) {
    let share = |i: &crate::metrics::summary::IntervalSummary| {
        i.answered_within.values().next().copied().flatten()
    };
    if let Some(worst) = s
        .intervals
        .iter()
        .filter(|i| share(i).is_some())
        .min_by(|a, b| share(a).unwrap_or(1.0).total_cmp(&share(b).unwrap_or(1.0)))
    {
        let label = first_threshold(s);
        let _ = writeln!(
            out,
            "\n  worst interval: {} ({} answered within {label}, p90 first response {}, {} arrived, {} left before any answer)",
            worst.start,
            pct(share(worst)),
            secs(worst.first_response_s.p90),
            thousands(worst.arrived),
            thousands(worst.abandoned)
        );
    }
}

/// One line per calibration: the file, filter, rows, fit, parameters
/// with their intervals and the fit's distance.
fn calibration_lines(out: &mut String, s: &Summary) {
    for cal in &s.calibration {
        let params: Vec<String> = cal
            .parameters
            .iter()
            .map(|(k, v)| match cal.ci95.get(k) {
                Some([lo, hi]) => format!("{k} {v:.4} (95% {lo:.4} to {hi:.4})"),
                None => format!("{k} {v:.4}"),
            })
            .collect();
        let ks = cal
            .ks_distance
            .map_or(String::new(), |d| format!(", KS distance {d:.3}"));
        let censored = cal
            .censored
            .map_or(String::new(), |c| format!(", {c} answered (censored)"));
        let filter: Vec<String> = cal
            .filter
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        let filter = if filter.is_empty() {
            String::new()
        } else {
            format!(" where {}", filter.join(", "))
        };
        let _ = writeln!(
            out,
            "  calibrated {} from {}{filter} ({} rows{censored}): {} {}{ks}",
            cal.key,
            cal.file,
            cal.rows,
            cal.fit,
            params.join(", ")
        );
    }
}

/// The label of the first answered-within threshold (`"10s"`).
fn first_threshold(s: &Summary) -> String {
    s.metrics
        .answered_within
        .keys()
        .next()
        .cloned()
        .unwrap_or_default()
}

/// One line per segment, question, channel, tier and group, when the
/// profile has more than one of them.
fn breakdown_table(out: &mut String, s: &Summary) {
    let b = &s.breakdowns;
    let dims = [
        ("segment", &b.segment),
        ("question", &b.question),
        ("channel", &b.channel),
        ("tier", &b.tier),
    ];
    if dims.iter().all(|(_, d)| d.len() < 2) && b.group.len() < 2 {
        return;
    }
    let first_label = first_threshold(s);
    let _ = writeln!(
        out,
        "\n  {:<22} {:>9} {:>8} {:>10} {:>10} {:>9}",
        "breakdown",
        "arrived",
        "lost",
        "first p90",
        format!("in {first_label}"),
        "bot res."
    );
    for (dim, parts) in dims {
        if parts.len() < 2 {
            continue;
        }
        for (name, p) in parts {
            let first = p.answered_within.values().next().copied().flatten();
            let _ = writeln!(
                out,
                "  {:<22} {:>9} {:>8} {:>10} {:>10} {:>9}",
                format!("{dim} {name}"),
                thousands(p.counts.arrived),
                pct(p.shoppers_lost),
                secs(p.first_response_s.p90),
                pct(first),
                thousands(p.counts.bot_resolved)
            );
        }
    }
    for (name, g) in &b.group {
        let _ = writeln!(
            out,
            "  {:<22} took {} · staffed {:.1} · occupancy {} · chat slots used {} · human response p90 {}",
            format!("group {name}"),
            thousands(g.taken),
            g.staffed.unwrap_or(0.0),
            pct(g.occupancy),
            pct(g.utilisation),
            secs(g.human_response_s.p90)
        );
    }
}

/// Renders analytic Erlang measures.
pub fn erlang(m: &Measures, within: &[f64], model: &str) -> String {
    let p = m.pool();
    let mut out = String::new();
    let load = p.arrival_rate * p.mean_handle;
    let _ = writeln!(
        out,
        "peakdesk erlang: {model} · {} agents · {:.4}/s arrivals · handle {} · load {load:.2} erlangs",
        p.agents,
        p.arrival_rate,
        secs(Some(p.mean_handle))
    );
    if let Some(pat) = p.mean_patience {
        let _ = writeln!(out, "  mean patience {}", secs(Some(pat)));
    }
    let _ = writeln!(out, "  {:<28} {:>10}", "P(wait)", pct(Some(m.wait_prob)));
    let _ = writeln!(
        out,
        "  {:<28} {:>10}",
        "P(abandon)",
        pct(Some(m.abandon_prob))
    );
    let _ = writeln!(
        out,
        "  {:<28} {:>10}",
        "mean wait (all arrivals)",
        secs(Some(m.mean_wait))
    );
    let _ = writeln!(out, "  {:<28} {:>10.3}", "mean queue", m.mean_queue);
    let _ = writeln!(out, "  {:<28} {:>10}", "occupancy", pct(Some(m.occupancy)));
    for t in within {
        let _ = writeln!(
            out,
            "  {:<28} {:>10}   ({} of those answered)",
            format!("answered within {t}s"),
            pct(Some(m.answered_within(*t))),
            pct(Some(m.answered_share_within(*t)))
        );
    }
    out
}

fn ms(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.1} ms", v * 1000.0))
}

fn ms_line(out: &mut String, name: &str, p: &Percentiles) {
    let _ = writeln!(
        out,
        "  {name:<18} p50 {}  p90 {}  p99 {}  max {}  ({} measured)",
        ms(p.p50),
        ms(p.p90),
        ms(p.p99),
        ms(p.max),
        thousands(p.count)
    );
}

/// Renders the `drive` section: the runner's lateness, rates, errors and
/// the target's own times (wall clock).
pub fn drive(d: &crate::drive::report::DriveReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\nDrive: {} ({} adapter)", d.target, d.adapter);
    let _ = writeln!(
        out,
        "  shoppers           {} due, {} opened, {} failed to open, {} never opened (run ended first), {} deflected (FAQ)",
        thousands(d.intended),
        thousands(d.opened),
        thousands(d.failed),
        thousands(d.unopened),
        thousands(d.deflected)
    );
    let _ = writeln!(
        out,
        "  rate               intended {:.1}/s, achieved {:.1}/s over {:.1} s of wall time",
        d.intended_rate_per_s, d.achieved_rate_per_s, d.wall_s
    );
    let errors: Vec<String> = d
        .errors
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{k} {}", thousands(*n)))
        .collect();
    let _ = writeln!(
        out,
        "  requests           {} made, {:.2}% failed{}",
        thousands(d.requests),
        d.error_rate * 100.0,
        if errors.is_empty() {
            String::new()
        } else {
            format!(": {}", errors.join(", "))
        }
    );
    for e in &d.first_errors {
        let _ = writeln!(out, "    first: {e}");
    }
    ms_line(&mut out, "lateness", &d.lateness_s);
    ms_line(&mut out, "open request", &d.open_latency_s);
    ms_line(&mut out, "end to end", &d.end_to_end_s);
    ms_line(&mut out, "server side", &d.server_response_s);
    ms_line(&mut out, "detection lag", &d.detection_lag_s);
    if d.messages > 0 {
        let m = &d.messages_s;
        ms_line(&mut out, "message request", &m.request);
        ms_line(&mut out, "message e2e", &m.end_to_end);
        ms_line(&mut out, "message server", &m.server_response);
    }
    if let Some(note) = &d.speed_note {
        let _ = writeln!(out, "  note: {note}");
    }
    if !d.valid {
        let _ = writeln!(
            out,
            "  INVALID: the runner's p99 lateness {} is over --max-lateness {}: these numbers describe the load generator, not the target",
            ms(d.lateness_s.p99),
            ms(Some(d.max_lateness_s))
        );
    }
    if let Some(s) = &d.stopped {
        let _ = writeln!(out, "  STOPPED EARLY: {}", s.why);
    }
    if d.interrupted {
        let _ = writeln!(out, "  INTERRUPTED: a partial run");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(1234567), "1,234,567");
        assert_eq!(super::thousands(100), "100");
    }
}
