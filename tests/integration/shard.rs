//! `--shard K/N` and `peakdesk merge`: a run split into shards and merged
//! is the run one machine makes, byte for byte (timing aside), and shards of
//! different runs, missing shards or impossible shard numbers are refused.

use crate::common::peakdesk;
use predicates::prelude::*;
use std::path::Path;

const DESK: &str = "tests/integration/sla-desk.toml";
const GRID: [&str; 6] = [
    "--vary",
    "agents.groups[0].staff=24,27,30",
    "--scale-staff",
    "0.9,1.1",
    "--replications",
    "4",
];

fn sweep_shards(dir: &Path, extra: &[&str]) -> Vec<String> {
    (1..=3)
        .map(|k| {
            let file = dir.join(format!("part-{k}.json")).display().to_string();
            peakdesk()
                .args([
                    "sweep",
                    DESK,
                    "-q",
                    "--shard",
                    &format!("{k}/3"),
                    "--json",
                    &file,
                ])
                .args(GRID)
                .args(extra)
                .assert()
                .success();
            file
        })
        .collect()
}

#[test]
fn a_sweep_split_in_three_and_merged_equals_the_unsplit_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.json");
    let (whole_csv, merged_csv) = (dir.path().join("whole.csv"), dir.path().join("merged.csv"));
    peakdesk()
        .args(["sweep", DESK, "-q", "--json"])
        .arg(&whole)
        .arg("--csv")
        .arg(&whole_csv)
        .args(GRID)
        .assert()
        .success();
    let mut parts = sweep_shards(dir.path(), &[]);
    parts.reverse(); // any order
    let merged = dir.path().join("merged.json");
    peakdesk()
        .arg("merge")
        .args(&parts)
        .arg("-o")
        .arg(&merged)
        .arg("--csv")
        .arg(&merged_csv)
        .arg("-q")
        .assert()
        .success();
    let (a, b) = (
        std::fs::read(&whole).unwrap(),
        std::fs::read(&merged).unwrap(),
    );
    assert!(a.len() > 1000);
    assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
    assert_eq!(
        std::fs::read_to_string(whole_csv).unwrap(),
        std::fs::read_to_string(merged_csv).unwrap()
    );
}

/// A summary without the fields that describe the machine.
fn without_timing(path: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let run = v["run"].as_object_mut().unwrap();
    for k in ["wall_s", "shoppers_per_s", "threads", "peak_rss_mib"] {
        assert!(run.remove(k).is_some(), "the summary has run.{k}");
    }
    v
}

#[test]
fn a_simulation_split_in_shards_merges_into_the_same_summary() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.json");
    peakdesk()
        .args(["simulate", DESK, "-q", "--replications", "5", "--json"])
        .arg(&whole)
        .assert()
        .success();
    let parts: Vec<String> = (1..=2)
        .map(|k| {
            let file = dir.path().join(format!("s{k}.json")).display().to_string();
            peakdesk()
                .args(["simulate", DESK, "-q", "--replications", "5"])
                .args(["--shard", &format!("{k}/2"), "--json", &file])
                .assert()
                .success();
            file
        })
        .collect();
    let merged = dir.path().join("merged.json");
    peakdesk()
        .arg("merge")
        .args(&parts)
        .arg("-o")
        .arg(&merged)
        .assert()
        .success()
        .stdout(predicate::str::contains("sla-desk"));
    let (a, b) = (without_timing(&whole), without_timing(&merged));
    assert_eq!(a["replications"], 5);
    assert_eq!(a, b);
}

#[test]
fn impossible_shards_and_mismatched_merges_exit_2() {
    peakdesk()
        .args(["sweep", DESK, "--shard", "3/2", "--json", "x.json"])
        .args(GRID)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'3/2' is not a shard"));
    let dir = tempfile::tempdir().unwrap();
    let parts = sweep_shards(dir.path(), &[]);
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let reseeded = sweep_shards(&other, &["--seed", "77"]);
    let out = dir.path().join("out.json");
    let merge = |files: &[&String]| {
        let mut cmd = peakdesk();
        cmd.arg("merge").args(files).arg("-o").arg(&out);
        cmd.assert().code(2)
    };
    merge(&[&parts[0], &reseeded[1], &parts[2]]).stderr(
        predicate::str::contains("a shard of a different run")
            .and(predicate::str::contains("seed 77")),
    );
    merge(&[&parts[0], &parts[2]]).stderr(predicate::str::contains("shards missing: 2/3"));
    merge(&[&parts[0], &parts[1], &parts[1], &parts[2]])
        .stderr(predicate::str::contains("shard 2/3 given twice"));
    assert!(!out.exists(), "no output on a refused merge");
    // A summary is not a shard file.
    let summary = dir.path().join("summary.json");
    peakdesk()
        .args(["simulate", DESK, "-q", "--json"])
        .arg(&summary)
        .assert()
        .success();
    let summary = summary.display().to_string();
    merge(&[&summary]).stderr(predicate::str::contains("is not a shard file"));
}

#[test]
fn a_profile_changed_after_the_shards_ran_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("desk.toml");
    let text = std::fs::read_to_string(crate::common::root(DESK)).unwrap();
    std::fs::write(&profile, &text).unwrap();
    let parts: Vec<String> = (1..=2)
        .map(|k| {
            let file = dir.path().join(format!("p{k}.json")).display().to_string();
            peakdesk()
                .arg("simulate")
                .arg(&profile)
                .args([
                    "-q",
                    "--replications",
                    "2",
                    "--shard",
                    &format!("{k}/2"),
                    "--json",
                    &file,
                ])
                .assert()
                .success();
            file
        })
        .collect();
    std::fs::write(&profile, text.replace("staff = 30", "staff = 31")).unwrap();
    peakdesk()
        .arg("merge")
        .args(&parts)
        .args(["-o", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("changed since the shards ran"));
}
