//! `simulate --from --to --duration [--cold]`: a window of a profile's
//! time with the same shoppers as the whole run, counted only in the
//! window, the desk warmed by the day before it or opened empty.

use crate::common::{peakdesk, stdout_json};
use serde_json::Value;

const PROFILE: &str = "profiles/marketplace-day.toml"; // no retrials: arrivals are the draws

fn simulate(window: &[&str]) -> Value {
    let mut args = vec!["simulate", PROFILE, "--quiet", "--json", "-"];
    args.extend_from_slice(window);
    stdout_json(&args)
}

/// The interval rows starting at `from` to `to` (HH:MM).
fn rows<'a>(s: &'a Value, from: &str, to: &str) -> Vec<&'a Value> {
    s["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            let start = r["start"].as_str().unwrap();
            start >= from && start < to
        })
        .collect()
}

fn arrived(rows: &[&Value]) -> Vec<u64> {
    rows.iter()
        .map(|r| r["arrived"].as_u64().unwrap())
        .collect()
}

#[test]
fn a_window_meets_the_shoppers_of_the_whole_day_and_counts_only_its_own() {
    let day = simulate(&[]);
    let in_window = arrived(&rows(&day, "19:00", "21:00"));
    let total: u64 = in_window.iter().sum();
    for cold in [false, true] {
        let mut flags = vec!["--from", "19:00", "--duration", "2h"];
        if cold {
            flags.push("--cold");
        }
        let w = simulate(&flags);
        assert_eq!(w["counts"]["arrived"].as_u64(), Some(total), "cold {cold}");
        assert_eq!(
            arrived(&rows(&w, "19:00", "21:00")),
            in_window,
            "cold {cold}"
        );
        assert_eq!(w["horizon_s"].as_f64(), Some(21.0 * 3600.0));
        assert_eq!(w["warmup_s"].as_f64(), Some(19.0 * 3600.0));
    }
}

#[test]
fn a_warm_window_is_the_day_itself_and_a_cold_one_opens_an_empty_desk() {
    let day = simulate(&[]);
    let warm = simulate(&["--from", "19:00", "--to", "21:00"]);
    let cold = simulate(&["--from", "19:00", "--to", "21:00", "--cold"]);
    // Before 21:00 the warm window's desk is the day's, event for event.
    let busy = |s: &Value, a, b| -> Vec<f64> {
        rows(s, a, b)
            .iter()
            .map(|r| r["busy"].as_f64().unwrap())
            .collect()
    };
    assert_eq!(busy(&warm, "00:00", "20:30"), busy(&day, "00:00", "20:30"));
    // The cold desk is closed before the window, and opens with nobody
    // waiting: fewer agents busy in its first half hour than the day's.
    assert!(busy(&cold, "00:00", "19:00").iter().all(|&b| b == 0.0));
    assert!(busy(&cold, "19:00", "19:30")[0] < busy(&day, "19:00", "19:30")[0]);
}

#[test]
fn bad_windows_are_usage_errors() {
    for (args, says) in [
        (vec!["--cold"], "--from"),
        (vec!["--from", "30h"], "the profile ends at"),
        (
            vec!["--from", "19:00", "--to", "18:00"],
            "the window is empty",
        ),
        (
            vec!["--from", "19:00", "--shard", "1/2", "--json", "x.json"],
            "--shard",
        ),
    ] {
        let mut cmd = peakdesk();
        cmd.args(["simulate", PROFILE, "--quiet"]).args(&args);
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
