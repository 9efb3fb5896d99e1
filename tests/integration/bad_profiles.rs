//! Bad profiles: each kind of mistake gets one message that names the
//! file, the key path, the value and what was expected, exit 2, no panic
//! and no output file.

use crate::cli::{GOOD, write};
use crate::common::peakdesk;
use predicates::prelude::*;
use tempfile::TempDir;

/// What each case is, the line of [`GOOD`] it replaces, the replacement,
/// and the message expected after `peakdesk: FILE: `.
const BAD: &[(&str, &str, &str, &str)] = &[
    (
        "unknown key",
        "staff = [",
        "stuff = [",
        "agents.groups[0].stuff: unknown field `stuff`, expected one of `name`, `staff`, `roster`",
    ),
    (
        "wrong type",
        "horizon = \"2h\"",
        "horizon = true",
        "horizon: invalid type: boolean `true`, expected a duration such as",
    ),
    (
        "zero rate",
        "rate = \"0.2/s\"",
        "rate = \"0/s\"",
        "arrivals.rate: 0/s is not a positive rate",
    ),
    (
        "negative rate",
        "rate = \"0.2/s\"",
        "rate = \"-2/s\"",
        "arrivals.rate: '-2/s' is not a rate",
    ),
    (
        "schedule out of order",
        "at = \"01:00\"",
        "at = \"00:00\"",
        "agents.groups[0].staff[1].at: '00:00' does not come after the previous step's '00:00'",
    ),
    (
        "bad time of day",
        "at = \"01:00\"",
        "at = \"25:00\"",
        "agents.groups[0].staff[1].at: '25:00' is not a time of day (expected HH:MM",
    ),
    (
        "impossible distribution",
        "exponential = \"90s\"",
        "exponential = \"0s\"",
        "agents.groups[0].handle: the exponential mean must be longer than 0s",
    ),
    (
        "bad lognormal",
        "handle = { exponential = \"90s\" }",
        "handle = { lognormal = { mean = \"90s\", cv = -1 } }",
        "agents.groups[0].handle: the lognormal cv must be a positive number, got -1",
    ),
    (
        "empty desk",
        "[[agents.groups]]\nname = \"pool\"\nstaff = [{ at = \"00:00\", agents = 20 }, { at = \"01:00\", agents = 15 }]\nhandle = { exponential = \"90s\" }",
        "[agents]\ngroups = []",
        "agents.groups: the desk is empty",
    ),
    (
        "warm-up too long",
        "warmup = \"10m\"",
        "warmup = \"3h\"",
        "warmup: 3h is not shorter than the horizon 2h",
    ),
];

/// Each bad profile: the message it must give (file, key path, value,
/// expectation), exit 2, no panic, no output file.
#[test]
fn bad_profiles_get_one_clear_message_and_exit_2() {
    for (what, from, to, expected) in BAD {
        assert!(
            GOOD.contains(from),
            "{what}: fixture does not contain {from}"
        );
        let dir = TempDir::new().unwrap();
        let profile = write(&dir, "bad.toml", &GOOD.replacen(from, to, 1));
        let out = dir.path().join("out.json");
        let assert = peakdesk()
            .args(["simulate", &profile, "--json", out.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "peakdesk: {profile}: {expected}"
            )))
            .stderr(predicate::str::contains("panicked").not());
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert_eq!(
            stderr.lines().count(),
            1,
            "{what}: one message, got {stderr}"
        );
        assert!(!out.exists(), "{what}: no output file");
    }
}
