//! Patience from a conversation history with the answered shoppers
//! censored, and busyness from weeks of daily counts, through the shipped
//! example `profiles/censored-store.toml` (data drawn with a known truth
//! by `cargo run --release --example history`).

use crate::common::shipped;
use peakdesk::profile::calibrate::Calibration;

fn entry<'a>(cals: &'a [Calibration], key: &str) -> &'a Calibration {
    cals.iter()
        .find(|c| c.key == key)
        .unwrap_or_else(|| panic!("{key}"))
}

fn holds(c: &Calibration, name: &str, truth: f64) {
    let [lo, hi] = c.ci95[name];
    assert!(lo <= truth && truth <= hi, "{}: {name} {lo}..{hi}", c.key);
}

#[test]
fn shipped_history_gives_intervals_that_hold_the_truth() {
    let sc = shipped("profiles/censored-store.toml", &[]);
    let cals = &sc.calibration;
    let regular = entry(cals, "segments.regular.patience");
    assert_eq!((regular.rows, regular.censored), (2608, Some(2226)));
    assert_eq!(regular.filter["segment"], "regular");
    holds(regular, "shape", 0.75);
    holds(regular, "scale_s", 300.0);
    holds(entry(cals, "segments.vip.patience"), "mean_s", 120.0);
    holds(entry(cals, "arrivals.busyness"), "cv", 0.12);
    let phone = entry(cals, "channels.phone.patience");
    assert_eq!(phone.fit, "empirical");
    assert!(phone.ci95.is_empty() && phone.censored.unwrap() > 0);
    // The Kaplan-Meier mean with its exponential tail against the truth,
    // Weibull(200 s, 1.4): mean 182 s.
    let km = phone.sample_mean_s.unwrap();
    assert!((140.0..220.0).contains(&km), "{km}");
    assert!(sc.arrivals.busyness.is_some());
}

#[test]
fn leavers_alone_give_a_patience_far_below_the_censored_interval() {
    let today = r#"segments.regular.patience={ csv = { file = "data/conversations.csv", column = "wait_s", fit = "weibull", where = { segment = "regular", channel = "chat", outcome = "left" } } }"#;
    let sc = shipped("profiles/censored-store.toml", &[today]);
    let naive = entry(&sc.calibration, "segments.regular.patience");
    assert_eq!((naive.rows, naive.censored), (382, None));
    let sc = shipped("profiles/censored-store.toml", &[]);
    let censored = entry(&sc.calibration, "segments.regular.patience");
    assert!(naive.parameters["scale_s"] < censored.ci95["scale_s"][0]);
}

#[test]
fn bad_histories_are_named_with_their_line_and_key() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("conv.csv"),
        "wait_s,outcome,segment\n10,left,a\n20,answered,a\n30,hung up,a\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("days.csv"), "date,count\n2025-13-01,5\n").unwrap();
    let profile = dir.path().join("p.toml");
    let check = |patience: &str, busyness: &str, want: &str| {
        let text = format!(
            "horizon = \"1h\"\n[arrivals]\nrate = \"1/s\"\n{busyness}\n[shoppers]\npatience = {patience}\n[[agents.groups]]\nname = \"g\"\nstaff = 1\nhandle = {{ exponential = \"1m\" }}\n"
        );
        std::fs::write(&profile, text).unwrap();
        let e = peakdesk::profile::load(&profile, &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{e}");
    };
    let hist = |extra: &str| {
        format!("{{ csv = {{ file = \"conv.csv\", outcome = \"outcome\"{extra} }} }}")
    };
    check(
        &hist(""),
        "",
        "shoppers.patience.csv: 'TMP/conv.csv' line 4: outcome 'hung up' is neither left (left, abandoned, gave_up) nor answered (answered, served, handled)"
            .replace("TMP", &dir.path().display().to_string())
            .as_str(),
    );
    check(
        &hist(", where = { channel = \"phone\" }"),
        "",
        "shoppers.patience.csv.where: 'TMP/conv.csv' has no column 'channel'"
            .replace("TMP", &dir.path().display().to_string())
            .as_str(),
    );
    check(
        &hist(", fit = \"lognormal\""),
        "",
        "shoppers.patience.csv.fit: 'lognormal' is not a fit for censored waits",
    );
    check(
        "{ exponential = \"1m\" }",
        "busyness = { csv = { file = \"days.csv\" } }",
        "arrivals.busyness.csv: 'TMP/days.csv' line 2: date '2025-13-01' is not a date (expected YYYY-MM-DD)"
            .replace("TMP", &dir.path().display().to_string())
            .as_str(),
    );
}
