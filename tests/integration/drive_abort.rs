//! A rule with `abort = true` stops a drive of an overloaded desk at the
//! first look (each interval of scenario time) at which it is lost beyond
//! doubt: arrivals stop, those in flight drain, the partial summary says
//! `stopped: sla`, the JUnit file says so too, and the exit code is 1.

use crate::common::{Served, root};
use serde_json::Value;
use std::process::Command;

const PROFILE: &str = "tests/integration/drive-abort.toml";

/// Drives `profile` against `serve` of it at 20x and checks that the
/// left_before_answer rule stopped it at its first look; returns the
/// summary and the JUnit file.
fn drive_stopped_at_first_look(profile: &str) -> (Value, String) {
    let served = Served::start(profile, "20");
    let dir = tempfile::tempdir().unwrap();
    let (json, junit) = (dir.path().join("d.json"), dir.path().join("d.xml"));
    let out = Command::new(env!("CARGO_BIN_EXE_peakdesk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["drive", profile, "--target"])
        .arg(root("targets/serve.toml"))
        .args(["--target-url", &served.url, "--speed", "20", "--quiet"])
        .arg("--json")
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let stopped = &d["drive"]["stopped"];
    assert_eq!(stopped["by"], "sla", "{stopped}");
    assert!(
        stopped["why"]
            .as_str()
            .unwrap()
            .contains("left_before_answer"),
        "{stopped}"
    );
    // Lost at the first look (1 minute in, 120 shoppers due): the drive
    // stops there, so at most one more interval of shoppers came (2/s),
    // not the window's 2,400.
    let intended = d["drive"]["intended"].as_u64().unwrap();
    assert!((100..=240).contains(&intended), "{intended} shoppers due");
    (d, std::fs::read_to_string(&junit).unwrap())
}

#[test]
fn a_lost_sla_stops_the_drive_within_one_interval() {
    let (d, xml) = drive_stopped_at_first_look(PROFILE);
    let verdicts: Vec<&str> = d["sla"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts[0], "fail", "{}", d["sla"]);
    assert!(
        xml.contains(r#"<property name="stopped" value="sla"/>"#),
        "{xml}"
    );
}

#[test]
fn a_lost_sla_stops_the_drive_when_shoppers_are_broken_down_too() {
    // Two segments: the recorder keeps the shoppers' counters per
    // (segment, question, channel) cell and adds them into the run's at
    // the end; a look mid-drive must add them too, or it sees nobody.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("segments.toml");
    let text = std::fs::read_to_string(root(PROFILE)).unwrap().replace(
        "[shoppers]\npatience = { exponential = \"30s\" }",
        "[segments]\nnew = { share = 0.5, patience = { exponential = \"30s\" } }\n\
         returning = { share = 0.5, patience = { exponential = \"30s\" } }",
    );
    assert!(text.contains("[segments]"), "the profile changed: {text}");
    std::fs::write(&p, text).unwrap();
    drive_stopped_at_first_look(p.to_str().unwrap());
}

#[test]
fn abort_is_refused_where_it_cannot_be_decided() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.toml");
    let text = std::fs::read_to_string(root(PROFILE)).unwrap()
        + "\n[[sla.rules]]\nmetric = \"occupancy\"\nmax = 0.9\nabort = true\n";
    std::fs::write(&p, text).unwrap();
    let out = crate::common::peakdesk()
        .args(["simulate"])
        .arg(&p)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("sla.rules[2].abort") && err.contains("can stop a drive"),
        "{err}"
    );
}
