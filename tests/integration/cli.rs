//! The command line as a user types it: outputs, the JSON contract, exit
//! codes, and one clear message for each kind of bad input.

use crate::common::{peakdesk, root};
use predicates::prelude::*;
use std::fs;
use tempfile::TempDir;

/// A small valid profile that other tests break one key at a time.
pub(crate) const GOOD: &str = r#"
name = "tiny"
horizon = "2h"
warmup = "10m"
[arrivals]
rate = "0.2/s"
[shoppers]
patience = { exponential = "60s" }
[[agents.groups]]
name = "pool"
staff = [{ at = "00:00", agents = 20 }, { at = "01:00", agents = 15 }]
handle = { exponential = "90s" }
"#;

/// Writes `text` to `name` in `dir`; its path.
pub(crate) fn write(dir: &TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn simulate_prints_a_summary_and_writes_the_json_contract() {
    let dir = TempDir::new().unwrap();
    let profile = write(&dir, "tiny.toml", GOOD);
    let out = dir.path().join("out.json");
    peakdesk()
        .args([
            "simulate",
            &profile,
            "--json",
            out.to_str().unwrap(),
            "--set",
            "agents.groups[0].staff[1].agents=16",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("peakdesk simulate: tiny"))
        .stdout(predicate::str::contains("answered within 30s"))
        .stdout(predicate::str::contains(
            "override: agents.groups[0].staff[1].agents = 16",
        ));
    let v: serde_json::Value = serde_json::from_slice(&fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["schema"], "peakdesk.summary/1");
    assert_eq!(v["overrides"]["agents.groups[0].staff[1].agents"], 16);
    for key in [
        "left_before_answer",
        "wait_prob",
        "wait_mean_s",
        "occupancy",
    ] {
        assert!(v["metrics"][key]["value"].is_f64(), "{key}");
        assert!(v["metrics"][key]["ci95"].is_array(), "{key}");
    }
    for t in ["10s", "30s", "60s", "180s"] {
        assert!(v["metrics"]["answered_within"][t]["value"].is_f64(), "{t}");
    }
    for p in ["mean", "p50", "p90", "p95", "p99", "max"] {
        assert!(v["metrics"]["first_response_s"][p].is_f64(), "{p}");
    }
    let c = &v["counts"];
    let sum = c["answered"].as_u64().unwrap()
        + c["abandoned"].as_u64().unwrap()
        + c["in_system_at_end"].as_u64().unwrap();
    assert_eq!(c["arrived"].as_u64().unwrap(), sum);
    let intervals = v["intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), 8, "2h in 15-minute intervals");
    assert_eq!(intervals[4]["start"], "01:00");
    assert!((intervals[5]["staffed"].as_f64().unwrap() - 16.0).abs() < 1e-9);
    for key in [
        "events",
        "wall_s",
        "shoppers_per_s",
        "threads",
        "version",
        "rng",
    ] {
        assert!(!v["run"][key].is_null(), "{key}");
    }
}

#[test]
fn json_to_stdout_is_only_json() {
    let out = peakdesk()
        .args([
            "simulate",
            "profiles/reference/erlang-a-bigsale.toml",
            "--set",
            "horizon=2h",
            "--json",
            "-",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["profile"], "erlang-a-bigsale");
    assert_eq!(v["horizon_s"], 7200.0);
}

#[test]
fn validate_checks_without_running() {
    peakdesk()
        .args(["validate", "profiles/reference/erlang-c.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("valid"));
}

#[test]
fn help_documents_the_exit_codes() {
    peakdesk()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("4    inconclusive"))
        .stdout(predicate::str::contains(
            "1    the run completed but an SLA check failed",
        ));
}

#[test]
fn erlang_answers_and_finds_the_fewest_agents() {
    peakdesk()
        .args([
            "erlang", "--rate", "1/s", "--handle", "120s", "--agents", "130",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Erlang C"))
        .stdout(predicate::str::contains("27.27%"));
    peakdesk()
        .args([
            "erlang", "--rate", "1/s", "--handle", "120s", "--target", "80/20s",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "fewest agents for 80% within 20s: 126",
        ));
    peakdesk()
        .args([
            "erlang", "--rate", "2/s", "--handle", "120s", "--agents", "200",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs more than 200 agents"));
}

#[test]
fn bad_overrides_and_arguments_exit_2() {
    let p = "profiles/reference/erlang-c.toml";
    peakdesk()
        .args(["simulate", p, "--set", "agents.groups[4].staff=3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--set agents.groups[4].staff=3: index 4 is out of range: 'agents.groups' has 1 item(s)"));
    peakdesk()
        .args(["validate", p, "--set", "arrivals.rte=2/s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "arrivals.rte: unknown field `rte`",
        ))
        .stderr(predicate::str::contains("did you mean `rate`?"))
        .stderr(predicate::str::contains(
            "(set by --set arrivals.rte=\"2/s\")",
        ));
    peakdesk()
        .args(["simulate", p, "--json", "/no/such/folder/out.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "folder '/no/such/folder' does not exist",
        ));
    peakdesk()
        .args(["simulate", "no-such-profile.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no-such-profile.toml: cannot read the profile",
        ));
    peakdesk().args(["simulate"]).assert().code(2);
    peakdesk()
        .args(["simulate", p, "--replications", "0"])
        .assert()
        .code(2);
}

#[test]
fn shipped_profiles_validate() {
    for entry in walk(&root("profiles")) {
        let shifts = entry.to_string_lossy().ends_with("-shifts.toml");
        if entry.extension().is_some_and(|e| e == "toml") && !shifts {
            peakdesk().arg("validate").arg(&entry).assert().success();
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

#[test]
fn json_to_a_device_writes_in_place() {
    // Regression: the atomic rename once replaced /dev/null with a file.
    use std::os::unix::fs::FileTypeExt;
    peakdesk()
        .args([
            "simulate",
            "profiles/reference/erlang-c.toml",
            "--set",
            "horizon=2h",
            "-q",
            "--json",
            "/dev/null",
        ])
        .assert()
        .success();
    let kind = fs::metadata("/dev/null").unwrap().file_type();
    assert!(kind.is_char_device(), "/dev/null must stay a device");
}

const DESK: &str = r#"
horizon = "1h"
[arrivals]
rate = "0.2/s"
[questions]
routine = { share = 0.7, skill = "service", bot = 0.6, reply = { exponential = "40s" } }
urgent  = { share = 0.3, tier = "urgent", skill = "service", reply = { exponential = "40s" } }
[bot]
covers = ["routine"]
[[agents.groups]]
name = "service"
skills = ["service"]
concurrency = 3
roster = [{ from = "00:00", to = "08:00", agents = 5 }]
"#;

#[test]
fn bad_desks_get_one_clear_message_and_exit_2() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "shares",
            "share = 0.3, tier",
            "share = 0.4, tier",
            "questions: the shares add up to 1.1 (expected 1)",
        ),
        (
            "unknown skill",
            "skill = \"service\", bot",
            "skill = \"billing\", bot",
            "questions.routine.skill: 'billing' is a skill no group has (groups cover: service)",
        ),
        (
            "shift ends before it starts",
            "from = \"00:00\", to = \"08:00\"",
            "from = \"16:00\", to = \"08:00\"",
            "agents.groups[0].roster[0].to: '08:00' ends before the shift starts at '16:00'",
        ),
        (
            "concurrency 0",
            "concurrency = 3",
            "concurrency = 0",
            "agents.groups[0].concurrency: 0 is not a number of chats at once (expected 1 to 64)",
        ),
        (
            "bot covers an unknown question",
            "covers = [\"routine\"]",
            "covers = [\"refunds\"]",
            "bot.covers[0]: 'refunds' is not a question of this profile (expected one of: routine, urgent)",
        ),
        (
            "bad tier",
            "tier = \"urgent\"",
            "tier = \"asap\"",
            "questions.urgent.tier: 'asap' is not a tier (expected urgent, important or normal)",
        ),
    ];
    for (what, from, to, expected) in cases {
        assert!(
            DESK.contains(from),
            "{what}: fixture does not contain {from}"
        );
        let dir = TempDir::new().unwrap();
        let profile = write(&dir, "desk.toml", &DESK.replacen(from, to, 1));
        peakdesk()
            .args(["validate", &profile])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "peakdesk: {profile}: {expected}"
            )))
            .stderr(predicate::str::contains("panicked").not());
    }
    let dir = TempDir::new().unwrap();
    let profile = write(&dir, "desk.toml", DESK);
    peakdesk().args(["validate", &profile]).assert().success();
}

#[test]
fn bash_completion_completes_commands_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("peakdesk.bash");
    let out = peakdesk()
        .args(["completions", "bash"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    std::fs::write(&script, out).unwrap();
    let complete = |words: &str, cword: usize| {
        let line = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD={cword}; _peakdesk peakdesk \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; echo \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let o = std::process::Command::new("bash")
            .args(["-c", &line])
            .output()
            .unwrap();
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    };
    assert_eq!(complete("peakdesk sw", 1), "sweep");
    assert_eq!(complete("peakdesk staff --int", 2), "--interval");
    peakdesk().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn nan_and_infinities_are_bad_input_with_their_key_path() {
    // TOML has nan and inf; JSON does not, so on the way to the profile's
    // types they used to become "not given" and run as the default.
    let dir = TempDir::new().unwrap();
    for v in ["nan", "inf", "-inf", "+inf"] {
        let profile = write(
            &dir,
            "x.toml",
            &GOOD.replace(
                "[[agents.groups]]",
                &format!("[agents]\nshrinkage = {v}\n[[agents.groups]]"),
            ),
        );
        peakdesk()
            .args(["validate", &profile])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "agents.shrinkage: {} is not a number",
                v.trim_start_matches('+')
            )));
    }
    for (set, key) in [
        (
            "agents.staffing_multiplier=inf",
            "agents.staffing_multiplier: inf",
        ),
        ("warmup=inf", "warmup: inf"),
        (
            "agents.groups[0].staff=[{ at = \"00:00\", agents = nan }]",
            "agents.groups[0].staff[0].agents: nan",
        ),
    ] {
        peakdesk()
            .args([
                "simulate",
                "profiles/reference/erlang-c.toml",
                "--quiet",
                "--set",
                set,
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(key));
    }
}

#[test]
fn a_tolerance_is_a_percentage_or_a_fraction_never_a_bare_number_above_one() {
    let base = "results/erlang-c.json";
    for (t, code) in [("5%", 0), ("0.05", 0), ("5", 2), ("1.5", 2), ("-1%", 2)] {
        let out = peakdesk()
            .args(["compare", base, base, "--tolerance", t])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "--tolerance {t}: {err}");
        if t == "5" {
            assert!(err.contains("500%") && err.contains("5%"), "{err}");
        }
    }
}

#[test]
fn a_rate_without_its_unit_is_refused_with_the_forms_to_write() {
    let dir = TempDir::new().unwrap();
    let profile = write(
        &dir,
        "x.toml",
        &GOOD.replace("rate = \"0.2/s\"", "rate = 600"),
    );
    peakdesk()
        .args(["validate", &profile])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "arrivals.rate: 600 has no unit (give one: \"600/s\", \"600/h\", \"600/day\")",
        ));
}

#[test]
fn runs_that_cannot_fit_are_refused_before_they_start_with_the_estimate() {
    let c = "profiles/reference/erlang-c.toml";
    for (sets, says) in [
        (
            vec!["agents.groups[0].staff=1000000000"],
            "is more than a group can have",
        ),
        (
            vec!["arrivals.rate=1000000000/s", "horizon=365d"],
            "shoppers in the system at once",
        ),
        (vec!["horizon=365000d"], "35,040,000 interval rows"),
    ] {
        let mut cmd = peakdesk();
        cmd.args(["simulate", c, "--quiet", "--json", "/dev/null"]);
        for s in &sets {
            cmd.args(["--set", s]);
        }
        cmd.assert().code(2).stderr(predicate::str::contains(says));
    }
    // The override lets a run the estimate doubts go ahead.
    peakdesk()
        .args([
            "simulate",
            c,
            "--quiet",
            "--json",
            "/dev/null",
            "--no-size-check",
        ])
        .args(["--set", "horizon=2h"])
        .assert()
        .success();
}

#[test]
fn usage_and_toml_syntax_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "name = \"x\"\nhorizon = \n").unwrap();
    let toml = peakdesk().arg("validate").arg(&bad).assert().code(2);
    let toml = String::from_utf8_lossy(&toml.get_output().stderr).to_string();
    assert_eq!(toml.lines().count(), 1, "{toml}");
    assert!(
        toml.contains("not valid TOML: line 2, column 11: "),
        "{toml}"
    );
    let flag = peakdesk().args(["simulate", "--bogus"]).assert().code(2);
    let flag = String::from_utf8_lossy(&flag.get_output().stderr).to_string();
    assert_eq!(flag.lines().count(), 1, "{flag}");
    assert!(
        flag.starts_with("peakdesk: unexpected argument '--bogus'"),
        "{flag}"
    );
}

#[test]
fn every_command_takes_the_same_output_flags_and_refuses_what_it_cannot_write() {
    let desk = "profiles/reference/erlang-c.toml";
    let e = peakdesk()
        .args(["simulate", desk, "--csv", "x.csv"])
        .assert()
        .code(2);
    let e = String::from_utf8_lossy(&e.get_output().stderr).to_string();
    assert!(e.contains("simulate cannot write --csv"), "{e}");
    let e = peakdesk()
        .args(["simulate", desk, "--json", "-", "--markdown", "-"])
        .assert()
        .code(2);
    let e = String::from_utf8_lossy(&e.get_output().stderr).to_string();
    assert!(e.contains("both write to standard output"), "{e}");
    // `-o` is --json on every command; Markdown verdicts from simulate.
    let dir = tempfile::tempdir().unwrap();
    let (json, md) = (dir.path().join("s.json"), dir.path().join("s.md"));
    peakdesk()
        .args(["simulate", "profiles/double11.toml", "--quiet", "-o"])
        .arg(&json)
        .arg("--markdown")
        .arg(&md)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .contains("| verdict |")
    );
    let j = json.to_str().unwrap();
    let cmp = peakdesk()
        .args(["compare", j, j, "--markdown", "-"])
        .assert()
        .success();
    let cmp = String::from_utf8_lossy(&cmp.get_output().stdout).to_string();
    assert!(cmp.starts_with("| metric | baseline |"), "{cmp}");
}
