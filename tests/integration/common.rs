//! Helpers shared by the integration tests.

use assert_cmd::Command;
use peakdesk::metrics::summary::{self, Summary};
use peakdesk::profile::{self, Scenario};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command as Process, Stdio};

/// The `peakdesk` binary, run from the crate root.
pub fn peakdesk() -> Command {
    let mut cmd = Command::cargo_bin("peakdesk").expect("binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// A path under the crate root.
pub fn root(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A scenario from profile text.
pub fn scenario(toml: &str) -> Scenario {
    profile::parse("test.toml", toml, false, &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// A shipped profile, with overrides.
pub fn shipped(rel: &str, sets: &[&str]) -> Scenario {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    profile::load(&root(rel), &sets).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs and summarises.
pub fn simulate(s: &Scenario, replications: u32, threads: usize) -> Summary {
    let reps = peakdesk::engine::run(s, replications, threads).expect("runs");
    summary::build(s, &reps, 0.0, threads)
}

/// The summary as JSON without the fields that describe the machine
/// (wall time, throughput, threads): what must be identical across runs.
pub fn stable_json(s: &Summary) -> String {
    let mut v = serde_json::to_value(s).unwrap();
    v.as_object_mut().unwrap().remove("run");
    serde_json::to_string(&v).unwrap()
}

/// A single-pool profile with exponential handle times (and patience).
pub struct PoolProfile<'a> {
    pub name: &'a str,
    pub rate: &'a str,
    pub handle: &'a str,
    pub patience: Option<&'a str>,
    pub agents: u32,
    pub horizon: &'a str,
    pub warmup: &'a str,
    pub interval: &'a str,
}

impl PoolProfile<'_> {
    /// The profile text.
    pub fn toml(&self) -> String {
        let PoolProfile {
            name,
            rate,
            handle,
            patience,
            agents,
            horizon,
            warmup,
            interval,
        } = self;
        let patience = patience.map_or("\"none\"".to_string(), |p| {
            format!("{{ exponential = \"{p}\" }}")
        });
        format!(
            r#"
            name = "{name}"
            horizon = "{horizon}"
            warmup = "{warmup}"
            interval = "{interval}"
            [arrivals]
            rate = "{rate}"
            [shoppers]
            patience = {patience}
            [[agents.groups]]
            name = "pool"
            staff = {agents}
            handle = {{ exponential = "{handle}" }}
            "#
        )
    }
}

/// A scenario from profile text with `--set` overrides.
pub fn scenario_with(toml: &str, sets: &[&str]) -> Scenario {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    profile::parse("test.toml", toml, false, &sets).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `peakdesk ARGS...` (which must write its JSON to stdout with
/// `--json -`), expects success, and parses what it printed.
pub fn stdout_json(args: &[&str]) -> serde_json::Value {
    let out = peakdesk()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap_or_else(|e| panic!("peakdesk {args:?}: not JSON: {e}"))
}

/// A `peakdesk serve` child process, killed on drop.
pub struct Served {
    child: Child,
    /// Its address, `http://127.0.0.1:PORT` (`https://` over TLS).
    pub url: String,
}

impl Served {
    /// Serves `profile` on a free port at `speed`.
    pub fn start(profile: &str, speed: &str) -> Served {
        Served::start_with(profile, speed, &[])
    }

    /// Serves `profile` on a free port at `speed`, with more flags.
    pub fn start_with(profile: &str, speed: &str, extra: &[&str]) -> Served {
        let mut child = Process::new(env!("CARGO_BIN_EXE_peakdesk"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "serve",
                profile,
                "--listen",
                "127.0.0.1:0",
                "--speed",
                speed,
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Served { child, url }
    }

    /// Stops it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `METHOD path` with a JSON `body` (or none) over a plain HTTP/1.1
/// connection: the status and the answer's JSON body (`null` if none).
pub fn http_json(url: &str, method: &str, path: &str, body: &str) -> (u16, serde_json::Value) {
    use std::io::{Read, Write};
    let host = url.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(host).unwrap();
    write!(
        conn,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"));
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let json = if body.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
    };
    (status, json)
}
