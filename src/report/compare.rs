//! Two summaries compared, metric by metric. A metric regresses when it
//! moves the wrong way (the catalogue's direction) by more than the
//! tolerance (relative to the baseline) AND the move is bigger than the
//! noise: the difference's 95% interval, from both summaries' intervals,
//! excludes zero. Metrics without an interval (percentiles) are shown but
//! cannot be called significant. SLA rules both summaries carry are
//! compared too, better in the direction of their bound.

use crate::metrics::Summary;
use crate::metrics::catalogue::{self, Better, Form};
use crate::metrics::summary::Estimate;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// The comparison of two summaries.
#[derive(Debug, Serialize)]
pub struct Comparison {
    /// Relative change tolerated.
    pub tolerance: f64,
    /// Metrics and rules that regressed.
    pub regressions: usize,
    /// Every metric and rule compared.
    pub metrics: Vec<Row>,
}

impl Comparison {
    /// Compares `baseline` with `candidate` (each typed and as JSON).
    pub fn of(
        (b, jb): (&Summary, &Value),
        (c, jc): (&Summary, &Value),
        tolerance: f64,
    ) -> Comparison {
        let mut rows = metric_rows(jb, jc, tolerance);
        for rb in &b.sla {
            if let Some(rc) = c.sla.iter().find(|r| r.rule.name == rb.rule.name) {
                let higher = matches!(rb.rule.bound, crate::sla::rules::Bound::Min(_));
                let e = |r: &crate::sla::RuleResult| Estimate {
                    value: r.value,
                    ci95: r.ci95,
                };
                let mut r = row(&rb.rule.name, higher, &e(rb), &e(rc), tolerance);
                r.kind = "rule";
                rows.push(r);
            }
        }
        Comparison {
            tolerance,
            regressions: rows.iter().filter(|r| r.regression).count(),
            metrics: rows,
        }
    }
}

/// One metric compared.
#[derive(Debug, Serialize)]
pub struct Row {
    /// `metric` (a catalogue name, with the threshold or statistic) or
    /// `rule` (an SLA rule's name).
    kind: &'static str,
    metric: String,
    higher_is_better: bool,
    baseline: Option<f64>,
    candidate: Option<f64>,
    change: Option<f64>,
    relative_change: Option<f64>,
    significant: Option<bool>,
    regression: bool,
}

/// An estimate, or a plain number as one without an interval.
fn estimate(v: Option<&Value>) -> Estimate {
    match v {
        Some(Value::Number(n)) => Estimate {
            value: n.as_f64(),
            ci95: None,
        },
        Some(v) => serde_json::from_value(v.clone()).unwrap_or(Estimate {
            value: None,
            ci95: None,
        }),
        None => Estimate {
            value: None,
            ci95: None,
        },
    }
}

/// Every catalogue metric with a better direction, in both summaries: the
/// estimates, each answered-within threshold, and p90 and p99 of the times.
fn metric_rows(b: &Value, c: &Value, tolerance: f64) -> Vec<Row> {
    let mut rows = Vec::new();
    for d in catalogue::ALL {
        let higher = match d.better {
            Better::Higher => true,
            Better::Lower => false,
            Better::Neither => continue,
        };
        let (vb, vc) = (b.pointer(d.path), c.pointer(d.path));
        if vb.is_none() && vc.is_none() && catalogue::needs_bot_capacity(d) {
            continue; // neither desk's bot has limits
        }
        match d.form {
            Form::Estimate | Form::Number => {
                rows.push(row(d.name, higher, &estimate(vb), &estimate(vc), tolerance))
            }
            Form::PerThreshold => {
                for (label, eb) in vb.and_then(Value::as_object).into_iter().flatten() {
                    let ec = vc.and_then(|v| v.get(label));
                    let name = format!("{} {label}", d.name);
                    let (eb, ec) = (estimate(Some(eb)), estimate(ec));
                    rows.push(row(&name, higher, &eb, &ec, tolerance));
                }
            }
            Form::Percentiles => {
                for stat in ["p90", "p99"] {
                    let at = |v: Option<&Value>| estimate(v.and_then(|v| v.get(stat)));
                    let name = format!("{} {stat}", d.name);
                    rows.push(row(&name, higher, &at(vb), &at(vc), tolerance));
                }
            }
        }
    }
    rows
}

fn half(e: &Estimate) -> Option<f64> {
    e.ci95.map(|[lo, hi]| (hi - lo) / 2.0)
}

fn row(name: &str, higher_is_better: bool, b: &Estimate, c: &Estimate, tolerance: f64) -> Row {
    let change = b.value.zip(c.value).map(|(b, c)| c - b);
    let relative = change
        .zip(b.value)
        .and_then(|(d, b)| (b.abs() > 1e-12).then(|| d / b.abs()));
    // The difference of independent estimates: half-widths add in quadrature.
    let significant = change
        .zip(half(b).zip(half(c)))
        .map(|(d, (hb, hc))| d.abs() > (hb * hb + hc * hc).sqrt());
    let worse = change.is_some_and(|d| if higher_is_better { d < 0.0 } else { d > 0.0 });
    let beyond = relative.map_or(change.is_some_and(|d| d != 0.0), |r| r.abs() > tolerance);
    Row {
        kind: "metric",
        metric: name.into(),
        higher_is_better,
        baseline: b.value,
        candidate: c.value,
        change,
        relative_change: relative,
        significant,
        regression: worse && beyond && significant == Some(true),
    }
}

/// The comparison as a Markdown table, for a pull request or a CI step
/// summary.
pub fn markdown(cmp: &Comparison) -> String {
    let (rows, tolerance) = (&cmp.metrics, cmp.tolerance);
    let mut t = String::from(
        "| metric | baseline | candidate | change | regression |\n|---|---|---|---|---|\n",
    );
    let num = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.4}"));
    for r in rows {
        let rel = r
            .relative_change
            .map_or("-".into(), |x| format!("{:+.1}%", x * 100.0));
        let _ = writeln!(
            t,
            "| {} | {} | {} | {rel} | {} |",
            super::md_cell(&r.metric),
            num(r.baseline),
            num(r.candidate),
            if r.regression { "**yes**" } else { "" }
        );
    }
    let _ = writeln!(t, "\nTolerance {:.1}%.", tolerance * 100.0);
    t
}

/// The terminal's table of a comparison of `from` (profile, file) with `to`.
pub fn text(cmp: &Comparison, from: (&String, &Path), to: (&String, &Path)) -> String {
    let mut t = format!(
        "peakdesk compare: {} ({}) -> {} ({}), tolerance {:.1}%\n\n  {:<44} {:>12} {:>12} {:>9}  {}\n",
        from.0,
        from.1.display(),
        to.0,
        to.1.display(),
        cmp.tolerance * 100.0,
        "metric",
        "baseline",
        "candidate",
        "change",
        "beyond noise?"
    );
    let num = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.4}"));
    for r in &cmp.metrics {
        let rel = r
            .relative_change
            .map_or("-".into(), |x| format!("{:+.1}%", x * 100.0));
        let sig = match (r.significant, r.regression) {
            (_, true) => "yes: REGRESSION",
            (Some(true), false) => "yes",
            (Some(false), _) => "no",
            (None, _) => "no interval",
        };
        let _ = writeln!(
            t,
            "  {:<44} {:>12} {:>12} {:>9}  {sig}",
            if r.kind == "rule" {
                format!("rule: {}", r.metric)
            } else {
                r.metric.clone()
            },
            num(r.baseline),
            num(r.candidate),
            rel
        );
    }
    let _ = writeln!(
        t,
        "\n  {} significant regression(s) beyond {:.1}%",
        cmp.regressions,
        cmp.tolerance * 100.0
    );
    t
}
