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
    let summary = dir.path().join("s.json");
    let summary = summary.to_str().unwrap();
    let (html, shard, merged) = (
        dir.path().join("r.html"),
        dir.path().join("shard.json"),
        dir.path().join("m.json"),
    );
    let (html, shard, merged) = (html.display(), shard.display(), merged.display());
    // Each command line (words split at spaces), its exit code, and a key
    // its JSON must have ("": it prints nothing).
    let cases = [
        (format!("simulate profiles/dtc-site.toml --json {summary}"), 0, ""),
        ("simulate profiles/dtc-site.toml".into(), 0, "schema"),
        ("validate profiles/dtc-site.toml".into(), 0, "valid"),
        ("erlang --rate 2/s --handle 60s --agents 150".into(), 0, "wait_prob"),
        ("check tests/integration/sla-desk.toml --preset tmall --replications 3".into(), 0, "sla"),
        ("sweep profiles/dtc-site.toml --vary questions.order_status.bot=0.6,0.8 --replications 1".into(), 0, "points"),
        ("staff tests/integration/staff-erlang-a.toml --target 80/20s --replications 1".into(), 0, "target"),
        (format!("compare {summary} {summary}"), 0, "regressions"),
        (format!("report {summary} -o {html}"), 0, "report"),
        ("schema profile".into(), 0, "$schema"),
        (format!("simulate profiles/dtc-site.toml --replications 2 --shard 1/1 --json {shard}"), 0, ""),
        (format!("merge {shard} -o {merged}"), 0, "merged"),
    ];
    for (line, code, key) in cases {
        let args: Vec<&str> = line.split(' ').collect();
        let (got, json, stderr) = run(&args);
        assert_eq!(got, code, "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}: nothing on stderr");
        match json {
            Some(v) => assert!(v.get(key).is_some(), "{args:?}: no '{key}' in {v}"),
            None => assert_eq!(key, "", "{args:?}: printed nothing"),
        }
    }
    // With --json FILE the result goes to the file, and stdout stays empty.
    let written: Value = serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap();
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
