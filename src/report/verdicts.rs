//! Verdicts for people and CI systems: a terminal table, JUnit XML (one
//! test case per rule: GitLab, GitHub and Jenkins read it) and Markdown for
//! a CI step summary.

use crate::metrics::Summary;
use crate::sla::rules::{Bound, show};
use crate::sla::{RuleResult, Severity, Verdict};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::fmt::Write;

fn threshold(r: &RuleResult) -> String {
    match r.rule.bound {
        Bound::Max(x) => format!("<= {}", show(r.rule.metric, x)),
        Bound::Min(x) => format!(">= {}", show(r.rule.metric, x)),
    }
}

/// The interval a verdict was read from, and its confidence (`99.75%`).
fn decided(r: &RuleResult) -> (Option<[f64; 2]>, String) {
    let level = format!("{}%", (r.confidence * 10000.0).round() / 100.0);
    (r.decision_interval.or(r.ci95), level)
}

fn value(r: &RuleResult) -> String {
    let v = r.value.map_or("-".into(), |v| show(r.rule.metric, v));
    let (ci, level) = decided(r);
    let ci = ci.map_or(String::new(), |[lo, hi]| {
        format!(
            " [{} .. {}, {level}]",
            show(r.rule.metric, lo),
            show(r.rule.metric, hi)
        )
    });
    format!("{v}{ci}")
}

fn label(r: &RuleResult) -> &'static str {
    match (r.verdict, r.rule.severity) {
        (Verdict::Pass, _) => "PASS",
        (Verdict::Fail, Severity::Error) => "FAIL",
        (Verdict::Fail, Severity::Warning) => "WARN",
        (Verdict::Inconclusive, _) => "INCONCLUSIVE",
    }
}

/// One line: what was measured, against what, and why it is not a pass.
pub fn message(r: &RuleResult) -> String {
    let level = decided(r).1;
    let why = match r.verdict {
        Verdict::Pass => format!("the whole {level} interval is on the good side"),
        Verdict::Fail => format!("the whole {level} interval is on the bad side"),
        Verdict::Inconclusive if r.replications < 2 => {
            "one replication gives no interval: run more (--replications auto)".into()
        }
        Verdict::Inconclusive => {
            format!("the {level} interval straddles the threshold: run more replications")
        }
    };
    format!(
        "{}: {} (threshold {}, {} replications): {why}",
        r.rule.name,
        value(r),
        threshold(r),
        r.replications
    )
}

/// What the satisfaction bands make of the run, in one sentence.
pub fn bands_line(s: &Summary) -> String {
    let b = &s.bands;
    let n = crate::metrics::catalogue::grouped;
    let per_run = if s.replications > 1 {
        " per run of the horizon"
    } else {
        ""
    };
    format!(
        "predicted satisfaction {:.1}% · orders {} of {} an instant desk would get{per_run}: {} lost ({:.1}%), revenue lost {} · KPI scorecard {:.1}/100",
        b.satisfaction * 100.0,
        n(b.orders),
        n(b.instant_orders),
        n(b.orders_lost),
        b.loss_share * 100.0,
        n(b.revenue_lost),
        s.scorecard.score
    )
}

/// Whether the terminal gets plain text: `NO_COLOR` is set, or standard
/// output is not a terminal.
pub fn plain_output() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || !std::io::IsTerminal::is_terminal(&std::io::stdout())
}

/// The terminal table, with colour unless `plain`.
pub fn table(s: &Summary, plain: bool) -> String {
    let mut out = String::new();
    let paint = |text: &str, code: &str| {
        if plain {
            text.to_string()
        } else {
            format!("\x1b[{code}m{text}\x1b[0m")
        }
    };
    let _ = writeln!(
        out,
        "\n  {:<13} {:<8} rule: value [interval the verdict reads, its confidence] (threshold)",
        "verdict", "severity"
    );
    for r in &s.sla {
        let l = label(r);
        let code = match l {
            "PASS" => "32",
            "FAIL" => "31",
            "WARN" => "33",
            _ => "35",
        };
        let sev = r.rule.severity.name();
        let _ = writeln!(
            out,
            "  {} {:<8} {}: {} ({})",
            paint(&format!("{l:<13}"), code),
            sev,
            r.rule.name,
            value(r),
            threshold(r)
        );
    }
    let _ = writeln!(out, "\n  {}", bands_line(s));
    if let Some(o) = s.sla_outcome {
        let text = match o {
            Verdict::Pass => paint("all SLA rules pass", "32"),
            Verdict::Fail => paint("an SLA rule fails", "31"),
            Verdict::Inconclusive => paint("inconclusive: the data cannot support a verdict", "35"),
        };
        let _ = writeln!(out, "  {text} ({} replications)", s.replications);
    }
    out
}

/// JUnit XML: a test suite per profile, a test case per rule. A failed
/// error rule is a failure; an inconclusive one is skipped with the reason;
/// a failed warning passes with the warning in its output.
pub fn junit(s: &Summary) -> Result<String, quick_junit::SerializeError> {
    let mut suite = TestSuite::new(format!("peakdesk sla: {}", s.profile));
    if let Some(st) = s.drive.as_ref().and_then(|d| d.stopped.as_ref()) {
        // A partial run: say so where a CI reader looks.
        let by = serde_json::to_value(st.by).unwrap_or_default();
        suite.add_property(("stopped", by.as_str().unwrap_or("")));
        suite.set_system_out(format!("STOPPED EARLY: {}", st.why));
    }
    for r in &s.sla {
        let mut status = match (r.verdict, r.rule.severity) {
            (Verdict::Fail, Severity::Error) => {
                TestCaseStatus::non_success(NonSuccessKind::Failure)
            }
            (Verdict::Inconclusive, _) => TestCaseStatus::skipped(),
            _ => TestCaseStatus::success(),
        };
        if !matches!(status, TestCaseStatus::Success { .. }) {
            status.set_message(message(r));
            status.set_type(if r.verdict == Verdict::Fail {
                "sla-failure"
            } else {
                "sla-inconclusive"
            });
        }
        let mut case = TestCase::new(r.rule.name.clone(), status);
        case.set_classname(format!("peakdesk.{}", s.profile));
        let warned = r.verdict == Verdict::Fail && r.rule.severity == Severity::Warning;
        case.set_system_out(if warned {
            format!("WARNING: {}", message(r))
        } else {
            message(r)
        });
        suite.add_test_case(case);
    }
    let mut report = Report::new("peakdesk");
    report.add_test_suite(suite);
    report.to_string()
}

/// Markdown for a CI step summary.
pub fn markdown(s: &Summary) -> String {
    let mut out = String::new();
    let verdict = match s.sla_outcome {
        Some(Verdict::Pass) => "pass",
        Some(Verdict::Fail) => "**fail**",
        Some(Verdict::Inconclusive) => "inconclusive",
        None => "no rules",
    };
    let _ = writeln!(
        out,
        "## peakdesk check: {} ({verdict})\n",
        s.profile.replace('\n', " ")
    );
    let _ = writeln!(
        out,
        "Seed {}, {} replications, {} arrivals.\n",
        s.seed,
        s.replications,
        crate::metrics::catalogue::grouped(s.counts.arrived as f64)
    );
    let _ = writeln!(
        out,
        "| verdict | severity | rule | value | interval (confidence) | threshold |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for r in &s.sla {
        let v = r.value.map_or("-".into(), |v| show(r.rule.metric, v));
        let (ci, level) = decided(r);
        let ci = ci.map_or("-".into(), |[lo, hi]| {
            format!(
                "{} .. {} ({level})",
                show(r.rule.metric, lo),
                show(r.rule.metric, hi)
            )
        });
        let sev = r.rule.severity.name();
        let _ = writeln!(
            out,
            "| {} | {sev} | {} | {v} | {ci} | {} |",
            label(r),
            super::md_cell(&r.rule.name),
            super::md_cell(&threshold(r))
        );
    }
    let _ = writeln!(out, "\n{}.", bands_line(s));
    out
}
