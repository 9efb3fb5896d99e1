//! `serve` and `drive` agree on the time of day: the served desk shows its
//! clock and speed in `/health`, a drive reads them through the target
//! file and refuses a window or a speed the desk is not at; the target's
//! address comes from `--target-url` instead of an edited file.

use crate::common::{Served, http_json, peakdesk};

const DESK: &str = "tests/integration/drive-desk.toml";
/// The desk's profile stretched to a day, so that 19:00 is in it.
const A_DAY: [&str; 2] = ["--set", "horizon=1d"];

fn drive(url: &str, flags: &[&str]) -> std::process::Output {
    peakdesk()
        .args([
            "drive",
            DESK,
            "--target",
            "targets/serve.toml",
            "--target-url",
            url,
        ])
        .args(A_DAY)
        .args([
            "--duration",
            "20s",
            "--drain",
            "1s",
            "--max-lateness",
            "1s",
            "--quiet",
            "--json",
            "-",
        ])
        .args(flags)
        .output()
        .unwrap()
}

#[test]
fn a_drive_refuses_a_served_desk_at_another_time_of_day_or_speed() {
    let served = Served::start_with(DESK, "10", &["--from", "19:00", A_DAY[0], A_DAY[1]]);
    for (flags, says) in [
        (
            vec!["--speed", "10", "--from", "03:00"],
            "the desk's clock reads 19:00",
        ),
        (
            vec!["--speed", "20", "--from", "19:00"],
            "the desk runs at 10x",
        ),
    ] {
        let out = drive(&served.url, &flags);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(
            err.contains(says) && err.contains("nothing was sent"),
            "{flags:?}: {err}"
        );
    }
}

#[test]
fn a_drive_at_the_desks_time_runs_through_target_url() {
    let served = Served::start_with(DESK, "10", &["--from", "19:00", A_DAY[0], A_DAY[1]]);
    let out = drive(&served.url, &["--speed", "10", "--from", "19:00"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(s["counts"]["arrived"].as_u64().unwrap() > 0, "{s}");
    let (_, health) = http_json(&served.url, "GET", "/health", "");
    let clock = health["clock_s"].as_f64().unwrap();
    assert!((19.0 * 3600.0..20.0 * 3600.0).contains(&clock), "{health}");
    assert_eq!(health["speed"].as_f64(), Some(10.0));
}
