//! Summaries written by earlier versions still read (`compare` keeps a
//! baseline from months ago): counters the summary's `counts` gained later
//! are filled from the tallies beside them, exactly, and a tally itself
//! may not lack one.

use crate::common::peakdesk;
use peakdesk::metrics::summary;
use serde_json::Value;

/// The summary `simulate PROFILE` writes over a short horizon.
fn summary_of(profile: &str, replications: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.json");
    peakdesk()
        .args(["simulate", profile, "--quiet", "--json"])
        .arg(&out)
        .args(["--set", "horizon=1d", "--set", "warmup=1h"])
        .args(["--replications", replications])
        .assert()
        .success();
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

/// Removes `key` from every object named `name` in `v`.
fn strip(v: &mut Value, name: &str, key: &str) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(inner)) = m.get_mut(name) {
                inner.remove(key);
            }
            m.values_mut().for_each(|c| strip(c, name, key));
        }
        Value::Array(items) => items.iter_mut().for_each(|c| strip(c, name, key)),
        _ => {}
    }
}

#[test]
fn counts_missing_from_an_older_summary_are_the_tallies_sums() {
    // One profile answers shoppers at once, the other loses some
    // mid-conversation: both later counters are non-zero somewhere.
    for (profile, key) in [
        ("profiles/calibrated-store.toml", "immediate"),
        ("profiles/llm-bot-midnight.toml", "left_mid_conversation"),
    ] {
        let full = summary_of(profile, "2");
        assert!(
            full["counts"][key].as_u64().unwrap() > 0,
            "{profile}: {key}"
        );
        let mut older = full.clone();
        for later in ["immediate", "left_mid_conversation"] {
            strip(&mut older, "counts", later);
        }
        assert!(older["counts"].get(key).is_none());
        let read = summary::from_json(older).unwrap_or_else(|e| panic!("{profile}: {e}"));
        assert_eq!(serde_json::to_value(read).unwrap(), full, "{profile}");
    }
}

#[test]
fn a_tally_without_a_counter_is_refused_by_its_path() {
    let mut v = summary_of("profiles/calibrated-store.toml", "1");
    v["replication_tallies"][0]
        .as_object_mut()
        .unwrap()
        .remove("immediate");
    let e = summary::from_json(v).expect_err("refused");
    assert_eq!(e.path().to_string(), "replication_tallies[0]");
    assert!(
        e.inner().to_string().contains("missing field `immediate`"),
        "{e}"
    );
}

#[test]
fn the_shipped_results_still_read() {
    for entry in std::fs::read_dir(crate::common::root("results")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(tree) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        if tree["schema"] == summary::SCHEMA {
            summary::from_json(tree).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}
