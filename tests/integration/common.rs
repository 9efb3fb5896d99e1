//! Helpers shared by the integration tests.

use assert_cmd::Command;
use peakdesk::metrics::summary::{self, Summary};
use peakdesk::profile::{self, Scenario};
use std::path::PathBuf;

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
