//! The e-commerce desk keeps its own rules: priorities, bot coverage,
//! concurrency, rosters, overflow, the bot's reach, retrials, and counts
//! that balance by question and channel.

use crate::common::{scenario_with, shipped, simulate};
use peakdesk::metrics::Summary;

/// A two-question desk with a bot and one group, loaded enough to queue.
const DESK: &str = r#"
name = "desk-rules"
seed = 5
horizon = "12h"
warmup = "1h"
interval = "30m"

[arrivals]
rate = "0.5/s"

[segments]
normal = { share = 1.0, patience = { exponential = "5m" } }

[questions]
routine = { share = 0.7, tier = "normal", skill = "service", bot = 0.6, turns = 2, reply = { exponential = "40s" }, think = { exponential = "15s" } }
urgent  = { share = 0.3, tier = "urgent", skill = "service", bot = 0.0, turns = 2, reply = { exponential = "40s" }, think = { exponential = "15s" } }

[bot]
reply = { deterministic = "1s" }
max_turns = 2

[agents]
concurrency_slowdown = 0.2

[[agents.groups]]
name = "service"
skills = ["service"]
concurrency = 1
staff = 30
"#;

fn run(sets: &[&str]) -> Summary {
    simulate(&scenario_with(DESK, sets), 1, 1)
}

fn human_queue_area(s: &Summary) -> u128 {
    s.intervals.iter().map(|i| i.tally.queue_area).sum()
}

#[test]
fn urgent_questions_are_answered_faster_than_normal_ones_under_load() {
    // No bot: both tiers compete for the same agents.
    let s = run(&["bot.enabled=false", "agents.groups[0].staff=28"]);
    let tier = &s.breakdowns.tier;
    let (urgent, normal) = (
        tier["urgent"].wait_mean_s.unwrap(),
        tier["normal"].wait_mean_s.unwrap(),
    );
    assert!(
        normal > 5.0,
        "the desk must be loaded (normal waits {normal} s)"
    );
    assert!(
        urgent < normal / 2.0,
        "urgent {urgent} s vs normal {normal} s"
    );
}

#[test]
fn more_bot_coverage_never_raises_the_human_queue() {
    // Same seed: the shoppers the bot resolves at 60% are a subset of those
    // it resolves at 80%, so humans see a subset of the same shoppers.
    let mut last = u128::MAX;
    for coverage in ["0.2", "0.4", "0.6", "0.8", "1.0"] {
        let s = run(&[
            &format!("questions.routine.bot={coverage}"),
            "shoppers.patience=\"none\"",
            "segments.normal.patience=\"none\"",
        ]);
        let area = human_queue_area(&s);
        assert!(
            area <= last,
            "coverage {coverage}: human queue {area} > {last}"
        );
        last = area;
    }
}

#[test]
fn concurrency_serves_more_shoppers_but_each_reply_is_slower() {
    let one = run(&["bot.enabled=false", "agents.groups[0].staff=12"]);
    let three = run(&[
        "bot.enabled=false",
        "agents.groups[0].staff=12",
        "agents.groups[0].concurrency=3",
    ]);
    assert!(
        three.counts.human_answered > one.counts.human_answered,
        "{} vs {}",
        three.counts.human_answered,
        one.counts.human_answered
    );
    assert!(three.counts.abandoned < one.counts.abandoned);
    let (h1, h3) = (
        one.metrics.handle_s.mean.unwrap(),
        three.metrics.handle_s.mean.unwrap(),
    );
    assert!(
        h3 > h1 * 1.1,
        "handle time per conversation {h3} s vs {h1} s"
    );
    let m = |s: &Summary| s.breakdowns.group["service"].utilisation.unwrap();
    assert!(m(&one) > 0.9, "the single-chat desk is saturated");
}

#[test]
fn a_roster_gap_shows_in_the_interval_series() {
    let s = run(&[
        "bot.enabled=false",
        r#"agents.groups[0].staff=[{ at = "00:00", agents = 60 }, { at = "06:00", agents = 0 }, { at = "08:00", agents = 60 }]"#,
    ]);
    for row in &s.intervals {
        let g = &row.groups["service"];
        let gap = (6.0 * 3600.0..8.0 * 3600.0).contains(&row.start_s);
        if gap {
            assert_eq!(g.staffed.unwrap(), 0.0, "{}", row.start);
        }
        // Agents leaving at 06:00 finish their conversations within minutes.
        if (6.5 * 3600.0..8.0 * 3600.0).contains(&row.start_s) {
            assert_eq!(g.busy.unwrap(), 0.0, "{}", row.start);
        }
    }
    let gap_abandoned: u64 = s
        .intervals
        .iter()
        .filter(|r| (21600.0..28800.0).contains(&r.start_s))
        .map(|r| r.abandoned)
        .sum();
    let before: u64 = s
        .intervals
        .iter()
        .filter(|r| (10800.0..18000.0).contains(&r.start_s))
        .map(|r| r.abandoned)
        .sum();
    assert!(
        gap_abandoned > 100 && gap_abandoned > 20 * before.max(1),
        "gap {gap_abandoned} vs before {before}"
    );
}

#[test]
fn overflow_groups_take_shoppers_only_after_the_delay() {
    let s = run(&[
        "bot.enabled=false",
        "agents.overflow_after=\"45s\"",
        "agents.groups[0].staff=15",
        r#"agents.groups=[{ name = "service", skills = ["service"], staff = 15 }, { name = "backup", skills = ["service"], role = "overflow", staff = 10 }]"#,
    ]);
    let backup = &s.breakdowns.group["backup"];
    assert!(
        backup.taken > 100,
        "the overflow group works ({} taken)",
        backup.taken
    );
    assert!(
        backup.human_response_s.min.unwrap() >= 45.0 * 0.99,
        "first overflow take after {:?} s",
        backup.human_response_s.min
    );
    assert!(s.breakdowns.group["service"].human_response_s.min.unwrap() < 1.0);
}

#[test]
fn shoppers_the_bot_resolves_never_reach_an_agent() {
    let s = run(&["questions.routine.bot=1.0", "questions.urgent.bot=1.0"]);
    assert!(s.counts.bot_resolved > 10_000);
    assert_eq!(s.counts.human_answered, 0);
    assert_eq!(s.counts.handed_off, 0);
    assert_eq!(s.breakdowns.group["service"].taken, 0);
    assert_eq!(
        s.counts.bot_resolved + s.counts.in_system_at_end,
        s.counts.resolved + s.counts.in_system_at_end
    );
    // A handoff keeps the conversation: with the bot failing on everything,
    // every bot conversation gets a human response measured as well.
    let f = run(&["questions.routine.bot=0.0", "bot.covers=[\"routine\"]"]);
    assert!(f.counts.handed_off > 5_000);
    assert_eq!(f.counts.bot_resolved, 0);
    assert!(f.metrics.human_response_s.count >= f.counts.handed_off * 9 / 10);
}

#[test]
fn retrials_come_back_as_later_arrivals() {
    // Shoppers arrive only in the first hour, nobody is on shift, and all
    // give up; every later arrival is a retrial.
    let s = run(&[
        "bot.enabled=false",
        "warmup=\"0s\"",
        r#"arrivals.curve=[["00:00", 1.0], ["00:59", 1.0], ["01:00", 0.0], ["23:59", 0.0]]"#,
        "segments.normal.patience={ exponential = \"2m\" }",
        "agents.groups[0].staff=[{ at = \"00:00\", agents = 0 }, { at = \"23:00\", agents = 1 }]",
        "retrials={ probability = 1.0, after = { exponential = \"1h\" }, max_attempts = 2 }",
    ]);
    assert!(s.counts.retrials > 1000, "{} retrials", s.counts.retrials);
    let later: Vec<_> = s
        .intervals
        .iter()
        .filter(|r| r.start_s >= 2.0 * 3600.0)
        .collect();
    let later_arrivals: u64 = later.iter().map(|r| r.arrived).sum();
    assert!(later_arrivals > 100);
    assert_eq!(
        later_arrivals,
        later.iter().map(|r| r.tally.counts.retrials).sum::<u64>()
    );
}

#[test]
fn a_cell_index_and_its_parts_are_inverses() {
    let sc = crate::common::shipped("profiles/double11.toml", &[]);
    assert!(sc.cells() > 1);
    for i in 0..sc.cells() {
        let (s, q, c) = sc.cell_parts(i);
        assert!(s < sc.segments.len() && q < sc.questions.len() && c < sc.channels.len());
        assert_eq!(sc.cell_of(s, q, c) as usize, i);
    }
}

#[test]
fn a_retrial_on_another_channel_counts_on_that_channel() {
    // Everyone starts on chat, gives up (nobody on shift until the last
    // hour) and comes back on phone: the phone's arrivals are exactly the
    // retrials, and chat has none.
    let s = run(&[
        "bot.enabled=false",
        "warmup=\"0s\"",
        "channels={ chat = { share = 1.0 }, phone = { share = 0.0, concurrent = false } }",
        "segments.normal.patience={ exponential = \"2m\" }",
        "agents.groups[0].staff=[{ at = \"00:00\", agents = 0 }, { at = \"23:00\", agents = 1 }]",
        "retrials={ probability = 1.0, after = { exponential = \"10m\" }, max_attempts = 2, switch_channel = { chat = { phone = 1.0 } } }",
    ]);
    let (chat, phone) = (
        &s.breakdowns.channel["chat"].counts,
        &s.breakdowns.channel["phone"].counts,
    );
    assert!(phone.arrived > 1000, "{} on phone", phone.arrived);
    assert_eq!(phone.arrived, phone.retrials);
    assert_eq!(phone.retrials, s.counts.retrials);
    assert_eq!(chat.retrials, 0);
}

#[test]
fn counts_balance_by_question_and_by_channel() {
    let s = run(&[
        "channels={ chat = { share = 0.8 }, phone = { share = 0.2, concurrent = false } }",
        "agents.groups[0].concurrency=2",
    ]);
    for dim in [&s.breakdowns.question, &s.breakdowns.channel] {
        let mut arrived = 0;
        for (name, p) in dim {
            let c = &p.counts;
            assert_eq!(
                c.arrived,
                c.answered + c.abandoned + c.in_system_at_end,
                "{name}"
            );
            arrived += c.arrived;
        }
        assert_eq!(arrived, s.counts.arrived);
    }
    let c = &s.counts;
    assert_eq!(c.arrived, c.answered + c.abandoned + c.in_system_at_end);
}

#[test]
fn faq_deflection_and_proactive_invitations() {
    let s = run(&[
        "self_service={ faq_deflection = { routine = 0.5 }, proactive = { rate = \"0.1/s\", accept = 0.5, question = \"urgent\" } }",
    ]);
    let routine = &s.breakdowns.question["routine"].counts;
    // Half the routine questions never reach the desk.
    let share =
        routine.deflected as f64 / (routine.deflected + routine.arrived - routine.retrials) as f64;
    assert!((share - 0.5).abs() < 0.02, "deflected share {share}");
    // 0.1/s for 11 counted hours, half accepted: about 1,980 invitations.
    assert!(
        (s.counts.proactive as f64 - 1980.0).abs() < 4.0 * 1980f64.sqrt(),
        "{}",
        s.counts.proactive
    );
}

#[test]
fn calibration_from_csv_fits_the_shipped_data() {
    let sc = crate::common::shipped("profiles/calibrated-store.toml", &[]);
    let cal = |key: &str| {
        sc.calibration
            .iter()
            .find(|c| c.key == key)
            .unwrap_or_else(|| panic!("{key}"))
    };
    // The data are lognormal(mean 95 s, cv 0.7) and Weibull(110 s, 0.85)
    // samples of 2,000 and 1,500: the fits land within a few standard errors.
    let handle = cal("agents.groups[0].handle");
    assert_eq!((handle.rows, handle.fit.as_str()), (2000, "lognormal"));
    assert!(
        (handle.parameters["cv"] - 0.7).abs() < 0.05,
        "{:?}",
        handle.parameters
    );
    assert!((handle.fitted_mean_s.unwrap() - 95.0).abs() < 5.0);
    assert!(handle.ks_distance.unwrap() < 0.03);
    let patience = cal("shoppers.patience");
    assert!(
        (patience.parameters["shape"] - 0.85).abs() < 0.05,
        "{:?}",
        patience.parameters
    );
    assert!((patience.parameters["scale_s"] - 110.0).abs() < 8.0);
    let curve = cal("arrivals.curve_csv");
    assert_eq!((curve.rows, curve.parameters["days"]), (192, 2.0));
    // The curve's rate is the mean day's total, and arrivals follow it: the
    // 20:00-22:00 peak holds about 2.1/0.2 times the 03:00 trough's rate.
    let per_day = curve.parameters["per_day"];
    assert!((sc.arrivals.rate_per_s * 86400.0 - per_day).abs() < 1e-6);
    let s = simulate(&sc, 4, 0);
    let by_hour = |h: f64| {
        s.intervals
            .iter()
            .filter(|r| (h * 3600.0..(h + 1.0) * 3600.0).contains(&r.start_s))
            .map(|r| r.arrived)
            .sum::<u64>() as f64
    };
    assert!(
        by_hour(20.0) > 6.0 * by_hour(3.0),
        "{} vs {}",
        by_hour(20.0),
        by_hour(3.0)
    );
    let total = s.counts.arrived as f64 / 4.0;
    assert!(
        (total / per_day - 1.0).abs() < 0.05,
        "{total} a day vs {per_day}"
    );
}

#[test]
fn bad_calibration_files_are_named_with_their_line() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(
        dir.path().join("counts.csv"),
        "start,count\n00:00,10\n00:15,x\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("durations.csv"), "minutes\n3\n").unwrap();
    let profile = dir.path().join("p.toml");
    let text = |curve: &str, handle: &str| {
        format!(
            "horizon = \"1h\"\n[arrivals]\ncurve_csv = \"{curve}\"\n[[agents.groups]]\nname = \"g\"\nstaff = 1\nhandle = {handle}\n"
        )
    };
    let check = |t: String, want: &str| {
        std::fs::write(&profile, t).unwrap();
        let e = peakdesk::profile::load(&profile, &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains(want), "{e}");
    };
    check(
        text("counts.csv", "{ exponential = \"1m\" }"),
        "arrivals.curve_csv: 'TMP/counts.csv' line 3: count 'x' is not a number >= 0"
            .replace("TMP", &dir.path().display().to_string())
            .as_str(),
    );
    check(
        text("missing.csv", "{ exponential = \"1m\" }"),
        "arrivals.curve_csv: cannot read",
    );
    std::fs::write(
        dir.path().join("counts.csv"),
        "start,count\n00:00,10\n00:15,12\n",
    )
    .unwrap();
    check(
        text("counts.csv", "{ csv = { file = \"durations.csv\" } }"),
        "agents.groups[0].handle.csv: ",
    );
    check(
        text("counts.csv", "{ csv = { file = \"durations.csv\" } }"),
        "has no column 'seconds' (columns: minutes)",
    );
    check(
        text(
            "counts.csv",
            "{ csv = { file = \"durations.csv\", column = \"minutes\", fit = \"gauss\" } }",
        ),
        "has 1 duration(s)",
    );
}

#[test]
fn standby_agents_log_in_when_the_queue_passes_its_threshold() {
    let s = run(&[
        "bot.enabled=false",
        "agents.groups[0].staff=20",
        "agents.groups[0].standby={ agents = 15, when_queue_over = 30, login = \"10m\", stay = \"1h\" }",
    ]);
    let staffed: Vec<f64> = s
        .intervals
        .iter()
        .map(|r| r.groups["service"].staffed.unwrap())
        .collect();
    // The queue passes 30 within minutes; the standby agents arrive 10
    // minutes after the call, so the first half hour averages at most
    // 20 + 15 x 20/30 = 30 agents.
    assert!(
        staffed[0] > 20.0 && staffed[0] <= 30.0 + 1e-9,
        "{:?}",
        &staffed[..2]
    );
    assert!(staffed.iter().all(|x| *x <= 35.0 + 1e-9), "{staffed:?}");
    assert!(
        staffed.iter().any(|x| (*x - 35.0).abs() < 1e-9),
        "a full interval with all 35: {staffed:?}"
    );
    let without = run(&["bot.enabled=false", "agents.groups[0].staff=20"]);
    // 35 agents part of the time instead of 20 all the time: fewer give up.
    assert!(
        s.counts.abandoned * 10 < without.counts.abandoned * 8,
        "{} vs {}",
        s.counts.abandoned,
        without.counts.abandoned
    );
}

/// Mean message response from the tally (exact sums) and from the
/// histogram (3 significant digits: each value within 1/1024 of itself).
fn message_means(s: &Summary) -> (f64, f64) {
    let m = &s.metrics;
    (
        m.message_mean_s.value.unwrap(),
        m.message_response_s.mean.unwrap(),
    )
}

#[test]
fn one_message_per_answered_shopper_on_the_erlang_c_reference() {
    let s = simulate(
        &shipped("profiles/reference/erlang-c.toml", &["horizon=1d"]),
        1,
        1,
    );
    let messages: u64 = s
        .breakdowns
        .segment
        .values()
        .map(|p| p.tally.messages)
        .sum();
    assert_eq!(messages, s.counts.answered, "a first message counted twice");
    let (tally, hist) = message_means(&s);
    assert!(
        (tally - hist).abs() <= hist / 1024.0,
        "tally {tally} s, histogram {hist} s"
    );
}

#[test]
fn the_tally_and_the_histogram_agree_on_mean_message_response() {
    for rule in ["on_take", "on_reply"] {
        let s = run(&[&format!("agents.first_response=\"{rule}\"")]);
        let (tally, hist) = message_means(&s);
        assert!(
            (tally - hist).abs() <= hist / 1024.0,
            "{rule}: tally {tally} s, histogram {hist} s"
        );
    }
}
