//! `--format json` on every command: standard output holds one JSON value
//! (the command's result) and nothing else, standard error stays empty, and
//! a failure is one JSON object on standard error with the exit code.

use crate::common::peakdesk;
use serde_json::Value;

/// Runs `args --format json`; returns the exit code, the stdout JSON and stderr.
fn run(args: &[&str]) -> (i32, Option<Value>, String) {
    let out = peakdesk()
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let json = (!stdout.trim().is_empty()).then(|| {
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{args:?}: stdout is not one JSON value ({e}): {stdout}"))
    });
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn every_command_prints_its_result_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let summary = file("s.json");
    // A word in capitals stands for a file in `dir` (paths may hold spaces).
    let files = [
        ("SUMMARY", summary.clone()),
        ("HTML", file("r.html")),
        ("SHARD", file("shard.json")),
        ("MERGED", file("m.json")),
    ];
    // Each command line, its exit code, and a key its JSON must have ("":
    // it prints nothing).
    let cases = [
        ("simulate profiles/dtc-site.toml --json SUMMARY", 0, ""),
        ("simulate profiles/dtc-site.toml", 0, "schema"),
        ("validate profiles/dtc-site.toml", 0, "valid"),
        (
            "erlang --rate 2/s --handle 60s --agents 150",
            0,
            "wait_prob",
        ),
        (
            "check tests/integration/sla-desk.toml --preset tmall --replications 3",
            0,
            "sla",
        ),
        (
            "sweep profiles/dtc-site.toml --vary questions.order_status.bot=0.6,0.8 --replications 1",
            0,
            "points",
        ),
        (
            "staff tests/integration/staff-erlang-a.toml --target 80/20s --replications 1",
            0,
            "target",
        ),
        ("compare SUMMARY SUMMARY", 0, "regressions"),
        ("report SUMMARY -o HTML", 0, "report"),
        ("schema profile", 0, "$schema"),
        (
            "simulate profiles/dtc-site.toml --replications 2 --shard 1/1 --json SHARD",
            0,
            "",
        ),
        ("merge SHARD -o MERGED", 0, "merged"),
    ];
    for (line, code, key) in cases {
        let args: Vec<&str> = line
            .split(' ')
            .map(|w| files.iter().find(|(k, _)| *k == w).map_or(w, |(_, f)| f))
            .collect();
        let (got, json, stderr) = run(&args);
        assert_eq!(got, code, "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}: nothing on stderr");
        match json {
            Some(v) => assert!(v.get(key).is_some(), "{args:?}: no '{key}' in {v}"),
            None => assert_eq!(key, "", "{args:?}: printed nothing"),
        }
    }
    // With --json FILE the result goes to the file, and stdout stays empty.
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(written["schema"], "peakdesk.summary/1");
}

#[test]
fn errors_are_one_json_object_on_stderr() {
    for (args, code) in [
        (vec!["simulate", "no-such-profile.toml"], 2),
        (
            vec!["simulate", "profiles/dtc-site.toml", "--set", "horizon=xx"],
            2,
        ),
        (
            vec!["erlang", "--rate", "x", "--handle", "1s", "--agents", "1"],
            2,
        ),
        (vec!["merge"], 2),
    ] {
        let (got, json, stderr) = run(&args);
        assert_eq!(got, code, "{args:?}");
        assert!(json.is_none(), "{args:?}: nothing on stdout");
        let e: Value = serde_json::from_str(stderr.trim())
            .unwrap_or_else(|e| panic!("{args:?}: stderr is not JSON ({e}): {stderr}"));
        assert_eq!(e["error"]["exit_code"], code);
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
    }
}
