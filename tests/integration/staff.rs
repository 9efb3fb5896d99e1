//! `peakdesk staff`: the simulated roster agrees with Erlang A where Erlang
//! A holds, a roster it writes back passes the profile's rules with seeds
//! the search never saw, and bad requests exit 2.

use crate::common::{peakdesk, stdout_json};
use predicates::prelude::*;

fn json(args: &[&str]) -> serde_json::Value {
    stdout_json(&[&["staff"], args, &["--json", "-"]].concat())
}

#[test]
fn on_an_erlang_a_desk_staff_agrees_with_erlang_within_one_agent() {
    let erlang = stdout_json(&[
        "erlang",
        "--rate",
        "0.5/s",
        "--handle",
        "120s",
        "--patience",
        "5m",
        "--target",
        "80/20s",
        "--json",
        "-",
    ]);
    let want = erlang["agents"].as_i64().unwrap();
    assert_eq!(want, 62);
    let v = json(&[
        "tests/integration/staff-erlang-a.toml",
        "--target",
        "80/20s",
        "--replications",
        "20",
    ]);
    assert_eq!(v["converged"], true);
    let cells = v["groups"][0]["intervals"].as_array().unwrap();
    assert_eq!(cells.len(), 8, "4 hours of half hours");
    for c in cells {
        let got = c["staff"].as_i64().unwrap();
        assert!(
            (got - want).abs() <= 1,
            "{}: simulated {got} vs Erlang A {want}",
            c["from"]
        );
        assert!(c["service_level"].as_f64().unwrap() >= 0.8);
    }
    // Erlang C (nobody gives up) asks for more; the profile as written is short.
    let hours = &v["groups"][0]["agent_hours"];
    assert!(hours["erlang_c"].as_f64() > hours["erlang_a"].as_f64());
    assert_eq!(hours["profile"].as_f64(), Some(160.0));
}

#[test]
fn a_written_roster_passes_the_profiles_rules_with_fresh_seeds() {
    // A bot desk with concurrency: Erlang asks for more than it needs.
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("desk.toml");
    let text = std::fs::read_to_string(crate::common::root("tests/integration/bot-desk.toml"))
        .unwrap()
        .replace("staff = 22", "staff = 10\nconcurrency = 2")
        + "\n[sla]\nrules = [{ metric = \"human_response\", stat = \"p80\", max = \"30s\" }]\n";
    std::fs::write(&profile, text).unwrap();
    let written = dir.path().join("staffed.toml");
    let out = peakdesk()
        .arg("staff")
        .arg(&profile)
        .arg("--write-profile")
        .arg(&written)
        .args(["--replications", "4"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("80% of shoppers who need an agent answered by one within 30s"),
        "{out}"
    );
    assert!(out.contains("every interval meets the target"), "{out}");
    let staffed = std::fs::read_to_string(&written).unwrap();
    assert!(
        staffed.contains("staff = [") && staffed.contains("at = \"00:00\""),
        "{staffed}"
    );
    for seed in ["101", "202"] {
        peakdesk()
            .arg("check")
            .arg(&written)
            .args(["--seed", seed, "-q"])
            .assert()
            .code(0);
    }
}

#[test]
fn bad_staffing_requests_exit_2() {
    let desk = "tests/integration/staff-erlang-a.toml";
    peakdesk()
        .args(["staff", desk])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no staffing target"));
    peakdesk()
        .args(["staff", desk, "--target", "80/20s", "--interval", "7m"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("divides a day"));
    peakdesk()
        .args(["staff", desk, "--target", "80/20s", "--groups", "night"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("'night' is not a group")
                .and(predicate::str::contains("pool")),
        );
    peakdesk()
        .args(["staff", desk, "--target", "180/20s"])
        .assert()
        .code(2);
}

#[test]
fn a_target_shorter_than_the_reply_itself_is_reported_unreachable() {
    // The night shift's agents answer after their reply time (40-80 s on
    // average): 80% within a minute cannot be staffed for.
    peakdesk()
        .args(["staff", "profiles/night-shift.toml", "--target", "80/60s"])
        .args(["--replications", "2"])
        .assert()
        .code(4)
        .stdout(
            predicate::str::contains("unreachable")
                .and(predicate::str::contains("staffing cannot reach it")),
        );
}
