//! `drive` and `serve` end to end, over real HTTP on 127.0.0.1: the built-in
//! desk served and driven must agree with `simulate` within the spread of
//! one replication; faults (target down, killed, failing, hanging,
//! interrupted) give their exit codes, counted errors and a valid partial
//! summary; bad target files are refused; tokens never reach the output.

use crate::common::{Served, peakdesk, root, shipped, simulate};
use peakdesk::metrics::Tally;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A copy of a shipped target file pointed at `url`, with `edit` applied.
fn target_for(
    dir: &Path,
    shipped_file: &str,
    url: &str,
    edit: &dyn Fn(String) -> String,
) -> PathBuf {
    let text = std::fs::read_to_string(root(shipped_file)).unwrap();
    let text = text.replace("http://127.0.0.1:8080", url);
    let path = dir.join("target.toml");
    std::fs::write(&path, edit(text)).unwrap();
    path
}

const DRIVE_DESK: &str = "tests/integration/drive-desk.toml";

/// `peakdesk drive` of the drive-desk profile at 10x against `target`,
/// writing its summary to `json`, with more flags.
fn drive_served(target: &Path, json: &Path, extra: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_peakdesk"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["drive", DRIVE_DESK, "--target"])
        .arg(target)
        .args(["--speed", "10"])
        .args(extra)
        .arg("--json")
        .arg(json);
    c
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Mean and standard deviation across replications of `f(rates)`.
fn spread(tallies: &[Tally], f: impl Fn(&peakdesk::metrics::tally::Rates) -> f64) -> (f64, f64) {
    let xs: Vec<f64> = tallies.iter().map(|t| f(&t.rates())).collect();
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

#[test]
fn driving_the_served_desk_agrees_with_simulate() {
    // One drive is one replication of the window: it must fall within 4
    // standard deviations of the model's replications (a false alarm about
    // once in 16,000 runs per metric), plus the target's latency counted
    // at --speed 10 (a few ms of wall time: tens of ms of scenario time).
    let profile = DRIVE_DESK;
    let sc = shipped(profile, &[]);
    let model = simulate(&sc, 40, 0);
    let mut served = Served::start(profile, "10");
    let dir = tempfile::tempdir().unwrap();
    let target = target_for(dir.path(), "targets/serve.toml", &served.url, &|t| t);
    let json = dir.path().join("drive.json");
    let out = drive_served(&target, &json, &["--drain", "5s"])
        .output()
        .unwrap();
    served.kill();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = read_json(&json);
    let m = &d["metrics"];
    let latency = 0.05;
    let checks: [(&str, f64, (f64, f64), f64); 3] = [
        (
            "abandon rate",
            m["left_before_answer"]["value"].as_f64().unwrap(),
            spread(&model.replication_tallies, |r| r.left_before_answer),
            0.0,
        ),
        (
            "mean wait",
            m["wait_mean_s"]["value"].as_f64().unwrap(),
            spread(&model.replication_tallies, |r| r.wait_mean_s),
            latency,
        ),
        (
            "answered within 5s",
            m["answered_within"]["5s"]["value"].as_f64().unwrap(),
            spread(&model.replication_tallies, |r| r.within[1]),
            0.0,
        ),
    ];
    for (name, got, (mean, sd), bias) in checks {
        assert!(
            (got - mean).abs() <= 4.0 * sd + bias,
            "{name}: drive {got:.4}, simulate {mean:.4} ± {sd:.4} (sd of one replication)"
        );
    }
    let dr = &d["drive"];
    assert_eq!(dr["valid"], true);
    assert_eq!(dr["failed"], 0);
    assert!(dr["opened"].as_u64().unwrap() > 10_000, "{dr}");
    // The server's own first response and the shopper's agree within the
    // time the driver takes: per shopper, end to end is the server's
    // response plus how late the shopper was sent, the open request's way
    // to the server (within its round trip) and the reply's detection lag.
    // The means compared come from histograms of 3 significant digits,
    // each within 1/2048 of its value (half a sub-bucket), which at about
    // a second is as much as the driver's own sub-millisecond times.
    let (e2e, server) = (
        dr["end_to_end_s"]["mean"].as_f64().unwrap(),
        dr["server_response_s"]["mean"].as_f64().unwrap(),
    );
    let p99 = |k: &str| dr[k]["p99"].as_f64().unwrap();
    let lat = p99("lateness_s") + p99("open_latency_s") + p99("detection_lag_s");
    let precision = (e2e + server) / 2048.0;
    assert!(
        e2e + precision >= server && e2e - server <= lat + precision,
        "end to end {e2e}, server {server}, latency {lat}, histogram precision {precision}"
    );
}

#[test]
fn polling_notices_replies_too() {
    let profile = DRIVE_DESK;
    let mut served = Served::start(profile, "10");
    let dir = tempfile::tempdir().unwrap();
    let target = target_for(dir.path(), "targets/serve-poll.toml", &served.url, &|t| t);
    let json = dir.path().join("drive.json");
    let status = drive_served(&target, &json, &["--from", "60s", "--duration", "60s"])
        .args(["--drain", "3s", "--quiet"])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    served.kill();
    let d = read_json(&json);
    let answered = d["counts"]["answered"].as_u64().unwrap();
    assert!(answered > 800, "{}", d["counts"]);
    // Polling every 100 ms: the lag after the server's reply is under an
    // interval plus a request, and never negative.
    let lag = &d["drive"]["detection_lag_s"];
    assert!(lag["p99"].as_f64().unwrap() < 0.15, "{lag}");
    assert!(
        d["drive"]["requests"].as_u64().unwrap() > answered,
        "polls are counted"
    );
}

/// A mock helpdesk on 127.0.0.1 in this process: `answer(n)` for the n-th
/// open request (from 0) decides the status and whether to hang.
struct Mock {
    url: String,
    seen_auth: Arc<std::sync::Mutex<Vec<String>>>,
    _rt: tokio::runtime::Runtime,
}

#[derive(Clone, Copy)]
enum Answer {
    Ok,
    Status(u16),
    Hang,
}

fn mock(answer: fn(u64, Duration) -> Answer) -> Mock {
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let count = Arc::new(AtomicU64::new(0));
    let seen_auth = Arc::new(std::sync::Mutex::new(Vec::new()));
    let started = Instant::now();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (c, seen) = (count.clone(), seen_auth.clone());
    let app = axum::Router::new().route(
        "/conversations",
        axum::routing::post(move |headers: HeaderMap| {
            let (c, seen) = (c.clone(), seen.clone());
            async move {
                if let Some(a) = headers.get("authorization") {
                    let mut s = seen.lock().unwrap();
                    if s.len() < 5 {
                        s.push(a.to_str().unwrap_or_default().to_string());
                    }
                }
                let n = c.fetch_add(1, Ordering::Relaxed);
                match answer(n, started.elapsed()) {
                    Answer::Ok => axum::Json(
                        serde_json::json!({"id": n.to_string(), "reply": {"text": "hi"}}),
                    )
                    .into_response(),
                    Answer::Status(s) => StatusCode::from_u16(s).unwrap().into_response(),
                    Answer::Hang => {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        StatusCode::OK.into_response()
                    }
                }
            }
        }),
    );
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
    Mock {
        url,
        seen_auth,
        _rt: rt,
    }
}

const SYNC_TARGET: &str = r#"
name = "mock"
adapter = "http"
base_url = "URL"
timeout = "300ms"
[auth]
token_env = "PEAKDESK_TEST_TOKEN"
[open]
path = "/conversations"
headers = { Authorization = "Bearer {token}" }
body = { text = "{text}" }
id = "/id"
[reply]
mode = "sync"
messages = "/reply"
text = "/text"
"#;

/// Drives the erlang-c reference profile at 20 shoppers per second of wall
/// time against `url` with `extra` flags; (exit code, stdout+stderr, summary).
fn drive_mock(url: &str, extra: &[&str]) -> (Option<i32>, String, Option<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("t.toml");
    std::fs::write(&target, SYNC_TARGET.replace("URL", url)).unwrap();
    let json = dir.path().join("s.json");
    let out = peakdesk()
        .env("PEAKDESK_TEST_TOKEN", "s3cret-t0ken")
        .args(["drive", "profiles/reference/erlang-c.toml", "--target"])
        .arg(&target)
        .args([
            "--speed",
            "20",
            "--set",
            "warmup=0s",
            "--drain",
            "1s",
            "--json",
        ])
        .arg(&json)
        .args(extra)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = json.exists().then(|| read_json(&json));
    (out.status.code(), text, summary)
}

/// `peakdesk drive` of the erlang-c reference profile (no warm-up, 20x)
/// against `target`, as a child process, with more flags to add.
fn drive_child(target: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_peakdesk"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PEAKDESK_TEST_TOKEN", "x")
        .args(["drive", "profiles/reference/erlang-c.toml", "--target"])
        .arg(target)
        .args(["--speed", "20", "--set", "warmup=0s", "--quiet"]);
    c
}

#[test]
fn a_target_that_is_down_gets_exit_3_before_any_load() {
    // A port nobody listens on: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, text, summary) =
        drive_mock(&format!("http://127.0.0.1:{port}"), &["--duration", "10s"]);
    assert_eq!(code, Some(3), "{text}");
    assert!(
        text.contains("not answering") && text.contains("nothing was sent"),
        "{text}"
    );
    assert!(summary.is_none(), "no summary for a run that never started");
}

#[test]
fn a_target_answering_500_for_a_while_is_counted_and_the_run_goes_on() {
    let m = mock(|_, t| {
        if t < Duration::from_secs(2) {
            Answer::Status(500)
        } else {
            Answer::Ok
        }
    });
    let (code, text, s) = drive_mock(&m.url, &["--duration", "100s", "--set", "interval=10s"]);
    assert_eq!(code, Some(0), "{text}");
    let s = s.unwrap();
    let d = &s["drive"];
    let e5 = d["errors"]["5xx"].as_u64().unwrap();
    // Over time: the 2 wall seconds of 500s are the first 40 s of scenario
    // time at 20x, so the errors sit in the first intervals (the window's
    // own: 5 s over 100 s, as the profile's 10 s give fewer than 20).
    let tl = &d["timeline"];
    let counts = |k: &str| -> Vec<u64> {
        tl[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect()
    };
    let (errors, intended) = (counts("errors"), counts("intended"));
    assert_eq!(errors.iter().sum::<u64>(), e5, "{tl}");
    assert_eq!(
        intended.iter().sum::<u64>(),
        d["intended"].as_u64().unwrap()
    );
    assert_eq!(tl["interval_s"], 5.0, "{tl}");
    assert!(
        errors[0] > 0 && errors[12..].iter().all(|&e| e == 0),
        "{tl}"
    );
    assert!(e5 > 10, "{d}");
    assert_eq!(
        d["failed"].as_u64().unwrap(),
        e5,
        "each failed open is one 5xx"
    );
    assert!(d["opened"].as_u64().unwrap() > 20, "{d}");
    assert!(text.contains("5xx"), "{text}");
    // Tokens go to the target and nowhere else.
    assert_eq!(m.seen_auth.lock().unwrap()[0], "Bearer s3cret-t0ken");
    assert!(!text.contains("s3cret") && !s.to_string().contains("s3cret"));
}

#[test]
fn a_hanging_target_times_out_and_the_error_budget_ends_the_run() {
    let m = mock(|_, _| Answer::Hang);
    let started = Instant::now();
    let (code, text, s) = drive_mock(&m.url, &["--duration", "600s", "--max-error-rate", "10%"]);
    assert_eq!(code, Some(3), "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "ended early, not after the 30 s window"
    );
    let s = s.expect("a partial summary");
    let d = &s["drive"];
    assert!(d["errors"]["timeout"].as_u64().unwrap() >= 20, "{d}");
    assert_eq!(d["stopped"]["by"], "errors", "{d}");
    assert!(
        d["stopped"]["why"]
            .as_str()
            .unwrap()
            .contains("error budget"),
        "{d}"
    );
    assert!(text.contains("STOPPED EARLY"), "{text}");
}

#[test]
fn a_target_killed_mid_run_counts_connect_errors() {
    let profile = DRIVE_DESK;
    let mut served = Served::start(profile, "10");
    let dir = tempfile::tempdir().unwrap();
    let target = target_for(dir.path(), "targets/serve.toml", &served.url, &|t| t);
    let json = dir.path().join("drive.json");
    let child = drive_served(&target, &json, &["--from", "60s", "--duration", "100s"])
        .args(["--drain", "1s", "--max-error-rate", "20%", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(4));
    served.kill();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = read_json(&json);
    assert!(
        d["drive"]["errors"]["connect"].as_u64().unwrap() > 0,
        "{}",
        d["drive"]
    );
    assert!(
        d["counts"]["arrived"].as_u64().unwrap() > 100,
        "the part before the kill is kept"
    );
}

#[test]
fn ctrl_c_keeps_a_partial_summary_marked_interrupted() {
    let m = mock(|_, _| Answer::Ok);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("t.toml");
    std::fs::write(&target, SYNC_TARGET.replace("URL", &m.url)).unwrap();
    let json = dir.path().join("s.json");
    let child = drive_child(&target)
        .args(["--grace", "1s", "--json"])
        .arg(&json)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = read_json(&json);
    assert_eq!(d["drive"]["interrupted"], true);
    assert!(d["counts"]["arrived"].as_u64().unwrap() > 20);
}

#[test]
fn a_runner_that_falls_behind_its_bound_is_invalid() {
    let m = mock(|_, _| Answer::Ok);
    let (code, text, s) = drive_mock(&m.url, &["--duration", "60s", "--max-lateness", "0s"]);
    assert_eq!(code, Some(3), "{text}");
    assert_eq!(s.unwrap()["drive"]["valid"], false);
    assert!(text.contains("INVALID"), "{text}");
}

#[test]
fn bad_target_files_are_refused_with_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            SYNC_TARGET.replace("{text}", "{txt}"),
            "open.body.text",
            "unknown placeholder {txt}",
        ),
        (
            SYNC_TARGET.replace("text = \"/text\"", "text = \"text\""),
            "reply.text",
            "not a JSON pointer",
        ),
        (
            SYNC_TARGET.replace("mode = \"sync\"", "mode = \"push\""),
            "reply.mode",
            "\"push\"",
        ),
        (
            SYNC_TARGET.replace("timeout", "time_out"),
            "time_out",
            "unknown field",
        ),
        (SYNC_TARGET.replace("URL", "ftp://x"), "base_url", "http://"),
    ];
    for (text, key, what) in cases {
        let t = dir.path().join("bad.toml");
        std::fs::write(&t, text.replace("URL", "http://127.0.0.1:1")).unwrap();
        let out = peakdesk()
            .env("PEAKDESK_TEST_TOKEN", "x")
            .args(["drive", "profiles/reference/erlang-c.toml", "--target"])
            .arg(&t)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("bad.toml") && err.contains(key) && err.contains(what),
            "{key}: {err}"
        );
    }
    // A token variable that is not set.
    let t = dir.path().join("bad.toml");
    std::fs::write(&t, SYNC_TARGET.replace("URL", "http://127.0.0.1:1")).unwrap();
    let out = peakdesk()
        .env_remove("PEAKDESK_TEST_TOKEN")
        .args(["drive", "profiles/reference/erlang-c.toml", "--target"])
        .arg(&t)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PEAKDESK_TEST_TOKEN is not set"));
}

#[test]
fn drive_shards_split_the_shoppers_and_merge_back() {
    let m = mock(|_, _| Answer::Ok);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("t.toml");
    std::fs::write(&target, SYNC_TARGET.replace("URL", &m.url)).unwrap();
    let run = |k: u32| {
        let out = dir.path().join(format!("shard{k}.json"));
        drive_child(&target)
            .args(["--duration", "100s", "--drain", "1s"])
            .args(["--shard", &format!("{k}/2"), "--json"])
            .arg(&out)
            .spawn()
            .unwrap()
    };
    let (a, b) = (run(1), run(2));
    for mut c in [a, b] {
        assert_eq!(c.wait().unwrap().code(), Some(0));
    }
    let merged = dir.path().join("merged.json");
    peakdesk()
        .arg("merge")
        .arg(dir.path().join("shard2.json"))
        .arg(dir.path().join("shard1.json"))
        .arg("-o")
        .arg(&merged)
        .arg("--quiet")
        .assert()
        .code(0);
    let s = read_json(&merged);
    // Every shopper of the window went to exactly one shard.
    let sc = shipped(
        "profiles/reference/erlang-c.toml",
        &["warmup=0s", "horizon=100s"],
    );
    let opts = peakdesk::drive::Options {
        speed: 20.0,
        from: 0,
        to: sc.horizon,
        max_rate: None,
        max_lateness: 0,
        max_error_rate: None,
        drain: Duration::ZERO,
        grace: Duration::ZERO,
        shard: None,
        threads: 1,
    };
    let all = peakdesk::drive::plan::Schedule::new(&sc, &opts).count() as u64;
    let parts: Vec<u64> = (1..=2)
        .map(|k| {
            read_json(&dir.path().join(format!("shard{k}.json")))["drive"]["intended"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(parts[0] > 0 && parts[1] > 0);
    assert_eq!(parts[0] + parts[1], all);
    assert_eq!(s["drive"]["intended"].as_u64().unwrap(), all);
    assert_eq!(
        s["counts"]["arrived"].as_u64().unwrap(),
        all,
        "every shopper opened and counted once"
    );
    assert_eq!(s["replications"], 1);
    assert!(s["drive"]["shard"].is_null());
}
