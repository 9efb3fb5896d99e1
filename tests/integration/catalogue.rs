//! One catalogue of metrics: the summary, the terminal and `compare` carry
//! no metric it lacks, and on double11 the first screen, the JSON, the HTML
//! report and a sweep give the same numbers.

use crate::common::{peakdesk, stdout_json};
use peakdesk::metrics::catalogue::{self, Form};
use std::collections::HashSet;

const DOUBLE11: &str = "profiles/double11.toml";

#[test]
fn the_summary_and_peakdesk_metrics_name_the_same_metrics() {
    let s = stdout_json(&["simulate", DOUBLE11, "--json", "-"]);
    let keys: Vec<&String> = s["metrics"].as_object().unwrap().keys().collect();
    for key in &keys {
        assert!(
            catalogue::by_summary_key(key).is_some(),
            "the summary's metrics.{key} is not in the catalogue"
        );
    }
    for d in catalogue::ALL {
        if catalogue::needs_bot_capacity(d) {
            continue; // double11's bot has no limits (tests/integration/bot_capacity.rs)
        }
        assert!(
            s.pointer(d.path).is_some_and(|v| !v.is_null()),
            "{} ({}) is not in double11's summary",
            d.name,
            d.path
        );
    }
    let listed = stdout_json(&["--format", "json", "metrics"]);
    let names: HashSet<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    for key in keys {
        let d = catalogue::by_summary_key(key).unwrap();
        assert!(names.contains(d.name), "peakdesk metrics lacks {}", d.name);
    }
    for r in s["sla"].as_array().unwrap() {
        let metric = r["metric"].as_str().unwrap();
        assert!(catalogue::get(metric).is_some(), "rule metric {metric}");
    }
}

#[test]
fn the_terminal_and_compare_show_only_catalogue_metrics() {
    let out = peakdesk().args(["simulate", DOUBLE11]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let labels: Vec<&str> = catalogue::ALL.iter().map(|d| d.label).collect();
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("metric "))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(table.len() >= 10, "{text}");
    for line in table {
        let label = line.trim_start();
        assert!(
            labels.iter().any(|l| label.starts_with(l)),
            "terminal row '{line}' has no catalogue label"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    peakdesk()
        .args(["simulate", DOUBLE11, "--quiet", "--json"])
        .arg(&a)
        .assert()
        .success();
    let a = a.to_str().unwrap();
    let cmp = stdout_json(&["--format", "json", "compare", a, a]);
    let rows = cmp["metrics"].as_array().unwrap();
    assert!(rows.len() > 10);
    for r in rows.iter().filter(|r| r["kind"] == "metric") {
        let name = r["metric"].as_str().unwrap();
        let base = name.split(' ').next().unwrap();
        let d = catalogue::get(base).unwrap_or_else(|| panic!("compare row {name}"));
        let higher = d.better == catalogue::Better::Higher;
        assert_eq!(r["higher_is_better"], higher, "{name}");
    }
    // Bot containment rising is not a regression: the catalogue says so.
    assert!(
        rows.iter()
            .any(|r| r["metric"] == "bot_containment" && r["higher_is_better"] == true)
    );
    let percentile_rows = catalogue::ALL
        .iter()
        .filter(|d| d.form == Form::Percentiles && d.better != catalogue::Better::Neither)
        .count();
    assert!(
        rows.iter()
            .filter(|r| r["metric"].as_str().unwrap().ends_with(" p90"))
            .count()
            >= percentile_rows
    );
}

#[test]
fn double11s_first_screen_json_html_and_sweep_agree() {
    let dir = tempfile::tempdir().unwrap();
    let (json, html) = (dir.path().join("s.json"), dir.path().join("s.html"));
    let out = peakdesk()
        .args(["simulate", DOUBLE11, "--json"])
        .arg(&json)
        .arg("--html")
        .arg(&html)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let page = std::fs::read_to_string(&html).unwrap();
    let m = &s["metrics"];
    let value = |k: &str| m[k]["value"].as_f64().unwrap();
    let cost = value("cost_per_day");
    let lost_revenue = value("revenue_lost_per_day");
    let human = m["human_response_s"]["p90"].as_f64().unwrap();
    let lost = value("shoppers_lost");
    // The first lines: SLA, then cost, revenue lost and human response.
    let head: Vec<&str> = text.lines().take(20).collect();
    let head = head.join("\n");
    let shown = [
        format!("CNY {}", catalogue::grouped(cost)),
        format!("CNY {}", catalogue::grouped(lost_revenue)),
        catalogue::HUMAN_RESPONSE.show(Some(human)),
        catalogue::SHOPPERS_LOST.show(Some(lost)),
    ];
    for x in &shown {
        assert!(head.contains(x.as_str()), "first screen lacks {x}:\n{head}");
        assert!(page.contains(x.as_str()), "HTML report lacks {x}");
    }
    assert!(head.contains("SLA at the point values"), "{head}");
    assert!(head.contains("cost per day") && head.contains("revenue lost per day"));
    let breaks: String = text
        .lines()
        .skip_while(|l| !l.contains("where it breaks"))
        .take(10)
        .collect::<Vec<_>>()
        .join("\n");
    for part in ["channel phone", "question complaint"] {
        assert!(
            breaks.contains(part),
            "where it breaks lacks {part}:\n{breaks}"
        );
        assert!(page.contains(part), "the HTML report lacks {part}");
    }
    let sweep = stdout_json(&[
        "sweep",
        DOUBLE11,
        "--vary",
        "agents.staffing_multiplier=1.5",
        "--replications",
        "1",
        "--json",
        "-",
    ]);
    let p = &sweep["points"][0];
    assert_eq!(p["cost_per_day"].as_f64(), Some(cost));
    assert_eq!(p["revenue_lost_per_day"].as_f64(), Some(lost_revenue));
    assert_eq!(p["human_response_p90_s"].as_f64(), Some(human));
    assert_eq!(p["shoppers_lost"].as_f64(), Some(lost));
}
