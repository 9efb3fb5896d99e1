//! `--metrics-listen` end to end: a drive of the served desk, scraped once
//! after its summary is written (while it lingers), exposes every drive
//! family in the OpenMetrics text format, labelled by the profile's
//! segments, questions and channels, with the opened counter equal to the
//! summary's; the served desk exposes its families too. The shipped
//! Grafana dashboard names only metrics peakdesk exports.

use crate::common::{Served, root};
use peakdesk::metrics::live::{self, Side};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `GET /metrics` on `addr`: the content type and the body.
fn scrape(addr: &str) -> (String, String) {
    let start = Instant::now();
    let mut s = loop {
        match std::net::TcpStream::connect(addr) {
            Ok(s) => break s,
            Err(e) if start.elapsed() > Duration::from_secs(20) => panic!("{addr}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET /metrics HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(head.starts_with("HTTP/1.0 200"), "{head}");
    let ctype = head
        .lines()
        .find_map(|l| l.strip_prefix("content-type: "))
        .unwrap_or_default();
    (ctype.to_string(), body.to_string())
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// The label names of a sample line (`name{a="x",b="y"} 1`).
fn label_names(line: &str) -> Vec<&str> {
    let Some((_, rest)) = line.split_once('{') else {
        return Vec::new();
    };
    let labels = rest.split_once('}').unwrap().0;
    labels
        .split("\",")
        .map(|kv| kv.split_once('=').unwrap().0)
        .collect()
}

/// Checks that every family of `side` is declared with its type and that
/// its samples carry its labels (plus `le` for a histogram's buckets).
fn families_are_there(text: &str, side: Side) {
    assert!(text.ends_with("# EOF\n"), "OpenMetrics ends with # EOF");
    for d in live::LIVE.iter().filter(|d| d.side == side) {
        let kind = format!("{:?}", d.kind).to_lowercase();
        assert!(
            text.contains(&format!("# TYPE {} {kind}\n", d.name)),
            "{} {kind} is not declared",
            d.name
        );
        let sample = &d.samples()[0];
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{sample}{{")) || l.starts_with(&format!("{sample} ")))
            .unwrap_or_else(|| panic!("no sample of {sample}"));
        let mut names = label_names(line);
        names.retain(|n| *n != "le");
        assert_eq!(names, d.labels, "{line}");
    }
}

fn sum_of(text: &str, sample: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(&format!("{sample}{{")) || l.starts_with(&format!("{sample} ")))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum()
}

#[test]
fn a_drive_and_its_desk_expose_their_metrics() {
    let serve_port = free_port();
    let serve_at = format!("127.0.0.1:{serve_port}");
    let mut served = Served::start_with(
        "tests/integration/drive-desk.toml",
        "10",
        &["--metrics-listen", &serve_at],
    );
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("drive.json");
    let drive_at = format!("127.0.0.1:{}", free_port());
    let mut drive = Command::new(env!("CARGO_BIN_EXE_peakdesk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "drive",
            "tests/integration/drive-desk.toml",
            "--set",
            "warmup=0s",
        ])
        .args([
            "--target",
            "targets/serve.toml",
            "--target-url",
            &served.url,
        ])
        .args(["--speed", "10", "--duration", "30s", "--drain", "2s"])
        .args(["--metrics-listen", &drive_at, "--metrics-linger", "60s"])
        .arg("--quiet")
        .arg("--json")
        .arg(&json)
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let (ctype, text) = scrape(&drive_at);
    assert_eq!(
        ctype,
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    families_are_there(&text, Side::Drive);
    // The summary is written before the lingering starts.
    let start = Instant::now();
    while !summary_written(&json) {
        assert!(start.elapsed() < Duration::from_secs(60), "no summary");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (_, text) = scrape(&drive_at);
    let _ = drive.kill();
    let _ = drive.wait();
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let opened = s["drive"]["opened"].as_f64().unwrap();
    assert!(opened > 100.0);
    assert_eq!(
        sum_of(&text, "peakdesk_drive_shoppers_opened_total"),
        opened
    );
    assert_eq!(
        sum_of(&text, "peakdesk_drive_shoppers_due_total"),
        s["drive"]["intended"].as_f64().unwrap()
    );
    assert_eq!(sum_of(&text, "peakdesk_drive_finished"), 1.0);
    assert_eq!(sum_of(&text, "peakdesk_drive_conversations_in_flight"), 0.0);
    assert!(text.contains("segment=\"shopper\",question=\"pool\",channel=\"chat\""));
    assert!(
        !text.contains("pd-"),
        "never a conversation's id as a label"
    );
    let (_, desk) = scrape(&serve_at);
    families_are_there(&desk, Side::Serve);
    assert_eq!(
        sum_of(&desk, "peakdesk_serve_conversations_opened_total"),
        opened
    );
    served.kill();
}

fn summary_written(p: &Path) -> bool {
    std::fs::read_to_string(p)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some()
}

#[test]
fn a_taken_port_is_refused_in_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let at = taken.local_addr().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_peakdesk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["drive", "tests/integration/drive-desk.toml"])
        .args(["--target", "targets/serve.toml", "--target-url"])
        .arg("http://127.0.0.1:9")
        .args(["--metrics-listen", &at, "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("peakdesk: cannot listen for metrics on {at}: ")),
        "{err}"
    );
}

#[test]
fn the_dashboard_names_only_exported_metrics() {
    let text = std::fs::read_to_string(root("docs/grafana-dashboard.json")).unwrap();
    let d: serde_json::Value = serde_json::from_str(&text).expect("the dashboard is JSON");
    let names = live::sample_names();
    let mut exprs = Vec::new();
    for p in d["panels"].as_array().unwrap() {
        for t in p["targets"].as_array().into_iter().flatten() {
            exprs.push(t["expr"].as_str().unwrap().to_string());
        }
    }
    for v in d["templating"]["list"].as_array().unwrap() {
        if let Some(q) = v["definition"].as_str() {
            exprs.push(q.to_string());
        }
    }
    assert!(exprs.len() > 10);
    let mut seen = std::collections::BTreeSet::new();
    for e in &exprs {
        let mut found = false;
        for (i, _) in e.match_indices("peakdesk_") {
            let word: String = e[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            assert!(names.contains(&word), "{word} in {e:?} is not exported");
            seen.insert(word);
            found = true;
        }
        assert!(found, "{e:?} names no metric");
    }
    // Every family of the drive has a panel.
    for d in live::LIVE.iter().filter(|d| d.side == Side::Drive) {
        assert!(
            d.samples().iter().any(|s| seen.contains(s)),
            "no panel shows {}",
            d.name
        );
    }
}

#[test]
fn the_scrape_config_names_the_documented_ports() {
    let text = std::fs::read_to_string(root("docs/prometheus.yml")).unwrap();
    assert!(text.contains("127.0.0.1:9646") && text.contains("127.0.0.1:9647"));
    assert!(text.contains("scrape_configs:"));
}

#[test]
fn the_readme_lists_every_live_metric() {
    let readme = std::fs::read_to_string(root("README.md")).unwrap();
    for d in live::LIVE {
        let shown = d.samples()[0].trim_end_matches("_bucket").to_string();
        assert!(
            readme.contains(&format!("`{shown}`")),
            "README lacks {shown}"
        );
    }
}
