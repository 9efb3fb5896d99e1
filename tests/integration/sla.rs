//! The SLA gate: exit codes, every platform preset passing and failing,
//! an inconclusive verdict that `auto` resolves, JUnit and Markdown output,
//! false alarms, and bad rules.

use crate::common::{peakdesk, root};
use peakdesk::metrics::summary;
use peakdesk::plan::replicate as check;
use peakdesk::profile;
use peakdesk::report::progress::Progress;
use peakdesk::sla::{Verdict, rules};
use predicates::prelude::*;
use std::fs;
use tempfile::TempDir;

const DESK: &str = "tests/integration/sla-desk.toml";

fn check_cmd(args: &[&str]) -> assert_cmd::assert::Assert {
    let mut cmd = peakdesk();
    cmd.args(["check", DESK, "-q"]).args(args);
    cmd.assert()
}

#[test]
fn each_exit_code_of_check() {
    check_cmd(&["--preset", "tmall"]).code(0);
    check_cmd(&["--preset", "tmall", "--set", "agents.groups[0].staff=10"]).code(1);
    // One replication gives no interval: inconclusive.
    check_cmd(&["--preset", "tmall", "--replications", "1"]).code(4);
    check_cmd(&["--preset", "tmall,nosuch"])
        .code(2)
        .stderr(predicate::str::contains("'nosuch' is not a preset"));
    // No rules at all is a usage error, not a pass.
    check_cmd(&[])
        .code(2)
        .stderr(predicate::str::contains("no SLA rules to check"));
}

#[test]
fn every_preset_passes_a_well_staffed_desk_and_fails_a_short_one() {
    for preset in rules::PRESETS {
        check_cmd(&["--preset", preset]).code(0);
        check_cmd(&["--preset", preset, "--set", "agents.groups[0].staff=10"]).code(1);
    }
}

#[test]
fn auto_replications_resolve_an_inconclusive_rule() {
    // Abandonment is about 2.4% with 13 agents; against a 2.7% line ten
    // replications cannot tell, forty can.
    let rule = "sla={ rules = [{ metric = \"shoppers_lost\", max = 0.027 }] }";
    check_cmd(&[
        "--set",
        "agents.groups[0].staff=13",
        "--set",
        rule,
        "--replications",
        "10",
    ])
    .code(4);
    check_cmd(&["--set", "agents.groups[0].staff=13", "--set", rule]).code(0);
}

#[test]
fn junit_and_markdown_name_value_interval_and_threshold() {
    let dir = TempDir::new().unwrap();
    let (junit, md) = (dir.path().join("sla.xml"), dir.path().join("sla.md"));
    check_cmd(&[
        "--preset",
        "tiers,tmall",
        "--set",
        "agents.groups[0].staff=11",
        "--junit",
        junit.to_str().unwrap(),
        "--markdown",
        md.to_str().unwrap(),
    ])
    .code(1);
    let xml = fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("<testsuites name=\"peakdesk\" tests=\"2\""),
        "{xml}"
    );
    assert!(
        xml.contains("<failure message=\"tiers: normal first response p90 within 30 s: "),
        "{xml}"
    );
    assert!(xml.contains("threshold &lt;= 30.00 s"), "{xml}");
    let md = fs::read_to_string(&md).unwrap();
    assert!(
        md.contains("| FAIL | error | tiers: normal first response p90 within 30 s |"),
        "{md}"
    );
}

/// A rule: first response p90 at most `limit` seconds.
fn p90_rule(sc: &peakdesk::profile::Scenario, limit: f64) -> rules::Rule {
    let raw = peakdesk::profile::raw::RawRule {
        name: None,
        metric: "first_response".into(),
        stat: Some("p90".into()),
        within: None,
        max: Some(peakdesk::profile::raw::RawThreshold(limit, true)),
        min: None,
        scope: None,
        every_interval: None,
        severity: None,
        abort: None,
        abort_after: None,
    };
    rules::rule(sc, "sla.rules[0]", "test", &raw).unwrap()
}

#[test]
fn false_alarms_are_rare_both_ways() {
    // A desk whose true first-response p90 is known from 200 replications;
    // a line at twice it must pass, a line at half it must fail, in at
    // least 99 of 100 seeds each.
    let sc = profile::load(&root(DESK), &["agents.groups[0].staff=13".into()]).unwrap();
    let p90 = |limit: f64| p90_rule(&sc, limit);
    let probe = vec![p90(1.0)];
    let big = check::run(&sc, &probe, Some(200), 200, 0, &Progress::hidden()).unwrap();
    let truth = summary::build_with(&sc, &big, 0.0, 1, &probe, 0.95).sla[0]
        .value
        .unwrap();
    assert!(truth > 10.0, "the desk queues (p90 {truth} s)");
    for (limit, want) in [(2.0 * truth, Verdict::Pass), (0.5 * truth, Verdict::Fail)] {
        let rule = vec![p90(limit)];
        let mut right = 0;
        for seed in 1..=100 {
            let mut s = sc.clone();
            s.seed = 1000 + seed;
            let agg = check::run(&s, &rule, None, 200, 0, &Progress::hidden()).unwrap();
            let level = check::confidence(None, 200);
            let (results, _) = peakdesk::sla::report::sla(&rule, &agg, level);
            right += u32::from(results[0].verdict == want);
        }
        assert!(
            right >= 99,
            "limit {limit:.1} s (true p90 {truth:.1} s): {right}/100 {want:?}"
        );
    }
}

#[test]
fn near_the_line_auto_keeps_false_alarms_at_the_stated_level() {
    // A short, busy desk whose true first-response p90 comes from 2000
    // replications; the line sits 0.1 standard deviations of one
    // replication's value above it (3 standard errors of the truth are
    // 0.07), just on the passing side. Over 400 seeds, `auto` (rounds of
    // 10 up to 100, each look at 1 - 5%/10) may call it failing at most
    // 2.5% of the time, within binomial error.
    let sets = [
        "agents.groups[0].staff=13".into(),
        "horizon=1h".into(),
        "warmup=10m".into(),
    ];
    let sc = profile::load(&root(DESK), &sets).unwrap();
    let p90 = |limit: f64| p90_rule(&sc, limit);
    let probe = vec![p90(1.0)];
    let big = check::run(&sc, &probe, Some(2000), 2000, 0, &Progress::hidden()).unwrap();
    let xs: Vec<f64> = big.rule_values.iter().map(|(_, v)| v[0]).collect();
    let (truth, se) = peakdesk::stats::mean_and_se(&xs).unwrap();
    let sd = se * (xs.len() as f64).sqrt();
    assert!(
        truth > 5.0 && sd > 0.0,
        "the desk queues (p90 {truth} s, sd {sd})"
    );
    let rule = vec![p90(truth + 0.1 * sd)];
    let (seeds, cap) = (400u32, 100);
    let level = check::confidence(None, cap);
    let mut false_alarms = 0;
    for seed in 0..seeds {
        let mut s = sc.clone();
        s.seed = 50_000 + u64::from(seed);
        let agg = check::run(&s, &rule, None, cap, 0, &Progress::hidden()).unwrap();
        let (results, _) = peakdesk::sla::report::sla(&rule, &agg, level);
        false_alarms += u32::from(results[0].verdict == Verdict::Fail);
    }
    let stated = 0.025;
    let allowed = stated + 3.0 * (stated * (1.0 - stated) / f64::from(seeds)).sqrt();
    let rate = f64::from(false_alarms) / f64::from(seeds);
    eprintln!("near the line: {false_alarms} false alarms in {seeds} seeds (allowed {allowed:.3})");
    assert!(
        rate <= allowed,
        "{false_alarms} false alarms in {seeds} seeds ({rate:.3} > {allowed:.3})"
    );
}

#[test]
fn bad_rules_get_one_clear_message_and_exit_2() {
    let cases = [
        (
            "sla={ rules = [{ metric = \"speed\", max = 1 }] }",
            "sla.rules[0].metric: 'speed' is not a metric",
        ),
        (
            "sla={ rules = [{ metric = \"first_response\", stat = \"p150\", max = \"30s\" }] }",
            "sla.rules[0].stat: 'p150' is not a statistic",
        ),
        (
            "sla={ rules = [{ metric = \"shoppers_lost\", max = 0.1, scope = { segment = \"vip\" } }] }",
            "sla.rules[0].scope.segment: 'vip' is not a segment of this profile",
        ),
        (
            "sla={ presets = [\"amazon\"] }",
            "sla.presets[0]: 'amazon' is not a preset",
        ),
        (
            "sla={ rules = [{ metric = \"answered_within\", within = \"45s\", min = 0.8, every_interval = true }] }",
            "sla.rules[0].within: per interval, answered_within is counted at the profile's `answered_within` thresholds",
        ),
        (
            "sla={ rules = [{ metric = \"first_response\", stat = \"p90\", max = \"5s\", scope = { tier = \"urgent\" } }] }",
            "sla.rules[0].scope.tier: no shopper of this profile has that tier",
        ),
        (
            "sla={ rules = [{ metric = \"shoppers_lost\", max = \"30s\" }] }",
            "does not fit this metric (expected a share between 0 and 1)",
        ),
        (
            "bands={ levels = [{ upto = \"30s\", name = \"a\", conversion = 1 }, { upto = \"10s\", name = \"b\", conversion = 1 }, { name = \"c\", conversion = 0 }] }",
            "bands.levels[1].upto: 10s overlaps the band before it",
        ),
        (
            "bands={ levels = [{ upto = \"30s\", name = \"a\", conversion = 1 }, { name = \"b\", conversion = 1 }, { name = \"c\", conversion = 0 }] }",
            "bands.levels[1].upto: is missing",
        ),
    ];
    for (set, want) in cases {
        peakdesk()
            .args(["validate", DESK, "--set", set])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(want))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn compare_flags_a_significant_regression_only() {
    let dir = TempDir::new().unwrap();
    let (a, b, c) = (
        dir.path().join("a.json"),
        dir.path().join("b.json"),
        dir.path().join("c.json"),
    );
    check_cmd(&[
        "--preset",
        "tmall",
        "--replications",
        "20",
        "--json",
        a.to_str().unwrap(),
    ])
    .code(0);
    check_cmd(&[
        "--preset",
        "tmall",
        "--replications",
        "20",
        "--seed",
        "77",
        "--json",
        b.to_str().unwrap(),
    ])
    .code(0);
    // Its own verdict does not matter here, only its summary.
    let _ = peakdesk()
        .args([
            "check",
            DESK,
            "-q",
            "--preset",
            "tmall",
            "--replications",
            "20",
            "--set",
            "agents.groups[0].staff=12",
            "--json",
            c.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    // Same desk, other seed: noise, not a regression.
    peakdesk()
        .args(["compare", a.to_str().unwrap(), b.to_str().unwrap()])
        .assert()
        .code(0);
    // Fewer agents: abandonment and waits rise well beyond 5% and the noise.
    peakdesk()
        .args([
            "compare",
            a.to_str().unwrap(),
            c.to_str().unwrap(),
            "--tolerance",
            "5%",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("left_before_answer"))
        .stdout(predicate::str::contains("REGRESSION"));
    peakdesk()
        .args(["compare", a.to_str().unwrap(), DESK])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a peakdesk summary"));
}

#[test]
fn every_interval_catches_the_worst_half_hour_and_sla_files_add_rules() {
    // Two agents fewer from 02:00 to 02:30: the day's share answered within
    // 60 s stays high, the worst interval's does not.
    let gap = r#"agents.groups[0].staff=[{ at = "00:00", agents = 30 }, { at = "02:00", agents = 9 }, { at = "02:30", agents = 30 }]"#;
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("rules.toml");
    fs::write(
        &file,
        "[[rules]]\nmetric = \"answered_within\"\nwithin = \"60s\"\nmin = 0.8\n",
    )
    .unwrap();
    check_cmd(&["--set", gap, "--sla", file.to_str().unwrap()]).code(0);
    fs::write(&file, "[[rules]]\nmetric = \"answered_within\"\nwithin = \"60s\"\nmin = 0.8\nevery_interval = true\n").unwrap();
    check_cmd(&["--set", gap, "--sla", file.to_str().unwrap()]).code(1);
    fs::write(
        &file,
        "[[rules]]\nmetric = \"answered_within\"\nwithin = \"60s\"\nminimum = 0.8\n",
    )
    .unwrap();
    check_cmd(&["--sla", file.to_str().unwrap()])
        .code(2)
        .stderr(predicate::str::contains(
            "rules[0].minimum: unknown field `minimum`",
        ))
        .stderr(predicate::str::contains("did you mean `min`?"));
}
