//! `peakdesk sweep`: points in grid order with the same seeds, monotone
//! where they must be, identical on any thread count, and clear errors.

use crate::common::{peakdesk, stdout_json};
use predicates::prelude::*;

const DESK: &str = "tests/integration/sla-desk.toml";

fn sweep_json(args: &[&str]) -> serde_json::Value {
    stdout_json(&[&["sweep", DESK, "--json", "-"], args].concat())
}

#[test]
fn more_agents_never_worsen_the_mean_wait_across_a_sweep() {
    // Nobody gives up, one queue, the same shoppers at every point:
    // first-come-first-served with more agents delays nobody.
    let v = sweep_json(&[
        "--set",
        "shoppers.patience=\"none\"",
        "--vary",
        "agents.groups[0].staff=12:16:1",
        "--replications",
        "3",
    ]);
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 5);
    assert_eq!(points[0]["set"][0], "agents.groups[0].staff=12");
    let waits: Vec<f64> = points
        .iter()
        .map(|p| p["wait_mean_s"].as_f64().unwrap())
        .collect();
    assert!(waits.windows(2).all(|w| w[1] <= w[0]), "{waits:?}");
    assert!(
        waits[0] > 2.0 * waits[4],
        "the sweep spans a real change: {waits:?}"
    );
}

#[test]
fn a_grid_runs_in_order_and_the_same_on_one_or_two_threads() {
    let args = [
        "--vary",
        "agents.groups[0].staff=12,14",
        "--scale-staff",
        "0.9:1.1:0.1",
        "--replications",
        "2",
    ];
    let one = sweep_json(&[&args[..], &["--threads", "1"]].concat());
    let two = sweep_json(&[&args[..], &["--threads", "2"]].concat());
    assert_eq!(one, two);
    let sets: Vec<String> = one["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["set"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        sets[0],
        "agents.groups[0].staff=12 agents.staffing_multiplier=0.9"
    );
    assert_eq!(
        sets[5],
        "agents.groups[0].staff=14 agents.staffing_multiplier=1.1"
    );
    assert_eq!(sets.len(), 6);
}

#[test]
fn bad_sweeps_exit_2_with_the_reason() {
    peakdesk()
        .args(["sweep", DESK, "--vary", "agents.grups[0].staff=1,2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "'agents' has no list 'grups' to index",
        ));
    peakdesk()
        .args(["sweep", DESK, "--vary", "agents.staffing_multiplyer=1,2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "did you mean `staffing_multiplier`?",
        ));
    peakdesk()
        .args(["sweep", DESK, "--vary", "agents.groups[0].staff=5:1:1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is an empty range"));
    peakdesk()
        .args(["sweep", DESK, "--vary", "agents.groups[0].staff"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected PATH=VALUES"));
    peakdesk()
        .args(["sweep", DESK])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to sweep"));
}

#[test]
fn costs_give_the_cheapest_passing_point_and_the_frontier() {
    let costs = "costs={ agent_hour = 40, currency = \"CNY\" }";
    let buyers = "segments={ all = { share = 1.0, patience = { exponential = \"10m\" }, conversion = 0.1, order_value = 100 } }";
    let v = sweep_json(&[
        "--set",
        costs,
        "--set",
        buyers,
        "--set",
        "sla={ presets = [\"tmall\"] }",
        "--vary",
        "agents.groups[0].staff=10,12,14,16,18",
        "--replications",
        "4",
    ]);
    let points = v["points"].as_array().unwrap();
    let cost: Vec<f64> = points
        .iter()
        .map(|p| p["cost_per_day"].as_f64().unwrap())
        .collect();
    // 10 agents for 3.5 counted hours of a 4-hour day at 40 an hour, per day.
    assert!((cost[0] - 10.0 * 40.0 * 24.0).abs() < 1e-6, "{cost:?}");
    assert!(cost.windows(2).all(|w| w[1] > w[0]));
    let passing: Vec<usize> = (0..points.len())
        .filter(|&i| points[i]["sla"] == "pass")
        .collect();
    assert!(
        !passing.is_empty() && passing[0] > 0,
        "the short desk fails: {passing:?}"
    );
    assert_eq!(v["cheapest_passing"], passing[0]);
    // More agents cost more and lose less here: every point is on the frontier.
    assert_eq!(v["frontier"].as_array().unwrap().len(), points.len());
}

#[test]
fn more_bot_coverage_never_worsens_the_mean_wait_across_a_sweep() {
    // The same shoppers at every point: those the bot resolves at a lower
    // rate it also resolves at a higher one, so humans see a subset.
    let v = stdout_json(&[
        "sweep",
        "tests/integration/bot-desk.toml",
        "--json",
        "-",
        "--vary",
        "questions.routine.bot=0.2:1.0:0.2",
        "--replications",
        "2",
    ]);
    let waits: Vec<f64> = v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["wait_mean_s"].as_f64().unwrap())
        .collect();
    assert_eq!(waits.len(), 5);
    assert!(
        waits[0] > 2.0 * waits[4],
        "the desk must queue at low coverage: {waits:?}"
    );
    assert!(waits.windows(2).all(|w| w[1] <= w[0]), "{waits:?}");
}

/// Runs `peakdesk ARGS` on a terminal (util-linux `script`), expects
/// success, and returns what the terminal showed.
fn on_a_terminal(args: &str) -> String {
    let bin = assert_cmd::cargo::cargo_bin("peakdesk");
    let line = format!("{} {args}", bin.display());
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("util-linux `script` runs (it gives the command a terminal)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    text
}

#[test]
fn progress_shows_on_a_terminal_and_nowhere_else() {
    let args = [
        "sweep",
        "profiles/double11.toml",
        "--scale-staff",
        "1.0,1.2",
        "--replications",
        "3",
        "--json",
        "/dev/null",
    ];
    // Not a terminal (a pipe): nothing on stderr.
    peakdesk()
        .args(args)
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    // A terminal, through util-linux `script`: the bar with its ETA.
    let text = on_a_terminal(&args.join(" "));
    assert!(
        text.contains("% of 6 replication(s)") && text.contains("ETA"),
        "{text}"
    );
}

#[test]
fn progress_moves_inside_one_long_replication() {
    // One replication of fifteen days (3 s on a fast core, 8 s on a slow
    // one; five days took 1.0 s on the fast one, too close to the bar's
    // first second): the bar shows after a second with a share of the
    // scenario's time strictly between 0 and 100%, so an hour-long run
    // shows its ETA early.
    let text = on_a_terminal("simulate profiles/double11.toml --set horizon=15d --json /dev/null");
    let partial = (1..100).any(|p| text.contains(&format!(" {p}% of 1 replication(s)")));
    assert!(partial && text.contains("ETA"), "{text}");
}

#[test]
fn a_list_of_times_of_day_is_a_list_not_a_range() {
    // `20:00,21:00` has colons but a comma: two values (and `20:00` is
    // text, not TOML's local time).
    let out = peakdesk()
        .args([
            "sweep",
            "profiles/double11.toml",
            "--set",
            "horizon=1h",
            "--replications",
            "1",
        ])
        .args([
            "--vary",
            "agents.groups[2].roster[1].from=20:00,21:00",
            "--quiet",
            "--markdown",
            "-",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for v in ["from=20:00 |", "from=21:00 |"] {
        assert!(text.contains(v), "{v} in {text}");
    }
}

#[test]
fn markdown_cells_escape_the_pipe() {
    let out = peakdesk()
        .args([
            "sweep",
            DESK,
            "--vary",
            "description=a|b,c",
            "--replications",
            "1",
        ])
        .args(["--quiet", "--markdown", "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text.lines().find(|l| l.contains("description=a")).unwrap();
    assert!(row.contains("description=a\\|b |"), "{row}");
    assert_eq!(
        row.matches(" | ").count(),
        text.lines().next().unwrap().matches(" | ").count()
    );
}

#[test]
fn the_size_check_counts_the_points_fed_side_by_side() {
    // Ten points that differ only in their desk: each thread holds up to
    // five of them at once (one draw of shoppers feeds them), so the
    // estimate counts five replications in flight per thread; ten seeds
    // are ten draws, one point at a time.
    let staff = ["--scale-staff", "1:1.9:0.1"];
    let seeds = ["--vary", "seed=1:10:1"];
    for (vary, threads, in_flight) in [(staff, "1", "5"), (staff, "2", "10"), (seeds, "2", "2")] {
        peakdesk()
            .args(["sweep", "profiles/reference/erlang-c.toml"])
            .args(["--set", "horizon=400d", "--replications", "1"])
            .args(vary)
            .args(["--threads", threads, "--quiet", "--json", "/dev/null"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "{in_flight} replication(s) in flight"
            )));
    }
}
