//! Occupancy caps and shrinkage in planning: `erlang --max-occupancy
//! --shrinkage` (the requirement, the rostered FTE, the table around the
//! answer, bad values), and `staff` raising a headcount until its group's
//! simulated occupancy is under the cap, from the flag or from the
//! profile's `occupancy` rule.

use crate::common::{peakdesk, root, stdout_json};
use predicates::prelude::*;

fn erlang(args: &[&str]) -> serde_json::Value {
    stdout_json(&[&["erlang"], args, &["--format", "json"]].concat())
}

#[test]
fn the_cap_binds_on_a_busy_pool_and_shrinkage_rosters_the_answer() {
    // Load 120 erlangs: 80/20s needs 126 agents (95.2% busy); at most 85%
    // busy needs ceil(120 / 0.85) = 142, rostered ceil(142 / 0.7) = 203.
    let base = ["--rate", "1/s", "--handle", "120s", "--target", "80/20s"];
    let v = erlang(
        &[
            &base[..],
            &["--max-occupancy", "0.85", "--shrinkage", "0.3"],
        ]
        .concat(),
    );
    assert_eq!(v["agents"], 142);
    assert_eq!(v["required_by"], "max_occupancy");
    assert_eq!(v["rostered_fte"], 203);
    assert!(v["occupancy"].as_f64().unwrap() <= 0.85);
    let rows = v["table"].as_array().unwrap();
    let agents: Vec<i64> = rows.iter().map(|r| r["agents"].as_i64().unwrap()).collect();
    assert_eq!(agents, (140..=145).collect::<Vec<_>>());
    for r in rows {
        let n = r["agents"].as_i64().unwrap();
        assert_eq!(r["chosen"], n == 142);
        assert_eq!(r["meets"], n >= 142, "{r}");
        assert_eq!(r["rostered_fte"].as_f64().unwrap(), (n as f64 / 0.7).ceil());
        // The catalogue's names, the target's time among the thresholds.
        assert!(r["answered_within"]["20s"].as_f64().unwrap() > 0.8);
        assert!(r["wait_mean_s"].as_f64().unwrap() > 0.0);
        assert_eq!(r["left_before_answer"], 0.0);
        let occ = r["occupancy"].as_f64().unwrap();
        assert!((occ - 120.0 / n as f64).abs() < 1e-9, "{occ} at {n}");
    }
    // A loose cap does not bind: the target's 126, as without it.
    let loose = erlang(&[&base[..], &["--max-occupancy", "0.97"]].concat());
    assert_eq!(
        (loose["agents"].as_i64(), loose["required_by"].as_str()),
        (Some(126), Some("target"))
    );
    assert_eq!(loose["rostered_fte"], 126);
}

#[test]
fn the_text_marks_the_chosen_row_of_the_table() {
    let out = peakdesk()
        .args([
            "erlang",
            "--rate",
            "1/s",
            "--handle",
            "120s",
            "--patience",
            "3m",
        ])
        .args([
            "--target",
            "80/20s",
            "--max-occupancy",
            "85%",
            "--shrinkage",
            "30%",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("Erlang A"), "{out}");
    assert!(out.contains("(the occupancy cap binds)"), "{out}");
    assert!(out.contains("rostered FTE at 30% shrinkage"), "{out}");
    assert!(
        out.contains("answered within 20s") && out.contains("left before any answer"),
        "{out}"
    );
    let chosen: Vec<&str> = out.lines().filter(|l| l.starts_with("  > ")).collect();
    assert_eq!(chosen.len(), 1, "{out}");
    assert!(chosen[0].trim_end().ends_with("yes"), "{out}");
    // The cap alone, on Erlang C: the fewest agents with occupancy <= 50%.
    let v = erlang(&[
        "--rate",
        "0.1/s",
        "--handle",
        "100s",
        "--max-occupancy",
        "0.5",
    ]);
    assert_eq!(
        (v["agents"].as_i64(), v["required_by"].as_str()),
        (Some(20), Some("max_occupancy"))
    );
}

#[test]
fn bad_caps_and_shrinkage_are_usage_errors() {
    let base = [
        "erlang", "--rate", "1/s", "--handle", "120s", "--target", "80/20s",
    ];
    for (flag, value, expected) in [
        ("--max-occupancy", "0", "above 0 and at most 1"),
        ("--max-occupancy", "1.2", "above 0 and at most 1"),
        ("--max-occupancy", "85", "above 0 and at most 1"),
        ("--shrinkage", "1", "from 0 to below 1"),
        ("--shrinkage", "-0.2", "from 0 to below 1"),
    ] {
        peakdesk()
            .args(base)
            .args([&format!("{flag}={value}")])
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(flag)
                    .and(predicate::str::contains(format!("'{value}'")))
                    .and(predicate::str::contains(expected)),
            );
    }
    // A cap is a search: it cannot go with a given headcount.
    peakdesk()
        .args([
            "erlang", "--rate", "1/s", "--handle", "120s", "--agents", "130",
        ])
        .args(["--max-occupancy", "0.85"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--max-occupancy"));
}

/// `staff` on the Erlang A desk (0.5/s x 120 s, patience 5 min: 60
/// erlangs) with an 85% cap from the profile's rule, and 30% shrinkage.
#[test]
fn staff_raises_each_interval_until_the_group_is_under_the_cap() {
    let want = erlang(&[
        "--rate",
        "0.5/s",
        "--handle",
        "120s",
        "--patience",
        "5m",
        "--target",
        "80/20s",
        "--max-occupancy",
        "0.85",
    ]);
    let want = want["agents"].as_f64().unwrap();
    assert_eq!(want, 71.0, "the cap binds: 62 agents without it");
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("desk.toml");
    let text = std::fs::read_to_string(root("tests/integration/staff-erlang-a.toml"))
        .unwrap()
        .replacen(
            "[[agents.groups]]",
            "[agents]\nshrinkage = 0.3\n\n[[agents.groups]]",
            1,
        )
        + "\n[sla]\nrules = [\n  { metric = \"human_response\", stat = \"p80\", max = \"20s\" },\n"
        + "  { metric = \"occupancy\", max = 0.85 },\n]\n";
    std::fs::write(&profile, text).unwrap();
    let v = stdout_json(&[
        "staff",
        profile.to_str().unwrap(),
        "--replications",
        "20",
        "--json",
        "-",
    ]);
    assert_eq!(v["converged"], true);
    assert_eq!(
        v["target"]["max_occupancy"], 0.85,
        "from the profile's rule"
    );
    assert_eq!(v["shrinkage"], 0.3);
    let cells = v["groups"][0]["intervals"].as_array().unwrap();
    for c in cells {
        let (staff, occ) = (
            c["staff"].as_f64().unwrap(),
            c["occupancy"].as_f64().unwrap(),
        );
        assert!(occ <= 0.85, "{}: occupancy {occ}", c["from"]);
        assert_eq!(
            c["rostered_fte"].as_f64().unwrap(),
            (staff / 0.7).ceil(),
            "{c}"
        );
    }
    // Past the first half hour (an empty desk at the start), the simulated
    // answer is Erlang A's with the cap. Each cell's occupancy, over 20
    // replications of 30 minutes with ~60 agents busy and 120 s handling,
    // has a standard error near 0.6 agents (sqrt(60 x 2 x 120 s / 1800 s)
    // / sqrt(20)), about 0.75 agents of headcount at the cap; the mean of
    // seven cells, 0.3: within one agent is over three standard errors.
    let later: Vec<f64> = cells[1..]
        .iter()
        .map(|c| c["staff"].as_f64().unwrap())
        .collect();
    let mean = later.iter().sum::<f64>() / later.len() as f64;
    assert!(
        (mean - want).abs() <= 1.0,
        "simulated {later:?} vs Erlang A {want}"
    );
    let hours = &v["groups"][0]["agent_hours"];
    assert!(hours["rostered"].as_f64() > hours["simulated"].as_f64());
}
