//! A bot with limited capacity: with room to spare it is the unlimited bot
//! exactly; full, its requests queue (M/M/c: Erlang C), go to humans or
//! fail (M/M/c/c: Erlang B), and its rate limit caps its throughput.

use crate::common::{scenario_with, simulate};
use peakdesk::erlang::{Pool, erlang_b};
use peakdesk::metrics::Summary;
use peakdesk::metrics::tally::Tally;
use peakdesk::stats::mean_and_se;

/// A desk whose bot takes every question and resolves it in one turn:
/// the bot alone is a pool of `concurrency` servers with exponential
/// service; nobody gives up.
const POOL: &str = r#"
name = "bot-pool"
seed = 11
horizon = "4h"
warmup = "1h"
interval = "30m"

[arrivals]
rate = "2/s"

[segments]
normal = { share = 1.0, patience = "none" }

[questions]
ask = { share = 1.0, skill = "service", bot = 1.0, turns = 1, reply = { exponential = "60s" } }

[bot]
reply = { exponential = "2s" }
max_turns = 1
concurrency = 5

[[agents.groups]]
name = "service"
skills = ["service"]
staff = 200
"#;

/// A fuller desk: two questions, several turns, handoffs, patience and
/// retrials, so every path of a bot conversation is taken.
const DESK: &str = r#"
name = "bot-desk-turns"
seed = 7
horizon = "6h"
warmup = "1h"
interval = "30m"

[arrivals]
rate = "0.8/s"

[segments]
normal = { share = 1.0, patience = { exponential = "3m" } }

[questions]
routine = { share = 0.7, tier = "normal", skill = "service", bot = 0.6, turns = 3, reply = { exponential = "40s" }, think = { exponential = "15s" } }
urgent  = { share = 0.3, tier = "urgent", skill = "service", bot = 0.3, turns = 2, reply = { exponential = "40s" }, think = { exponential = "15s" } }

[bot]
reply = { lognormal = { mean = "1.5s", cv = 0.5 } }
max_turns = 2
handoff = { ask_human = 0.1 }

[retrials]
probability = 0.3
after = { exponential = "2m" }

[[agents.groups]]
name = "service"
skills = ["service"]
staff = 22
"#;

const BOT_KEYS: [&str; 9] = [
    "bot_requests",
    "bot_waited",
    "bot_wait_sum_us",
    "bot_service_sum_us",
    "bot_utilisation",
    "bot_wait_prob",
    "bot_wait_mean_s",
    "bot_fallback",
    "bot_failed",
];

/// The summary as JSON without its run facts, its overrides and the
/// limited bot's own counters and metrics.
fn without_bot_capacity(s: &Summary) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.retain(|k, _| !BOT_KEYS.contains(&k.as_str()));
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(s).unwrap();
    let top = v.as_object_mut().unwrap();
    top.remove("run");
    top.remove("overrides"); // the --set lines that made the bot limited
    strip(&mut v);
    v
}

fn run(toml: &str, sets: &[&str], replications: u32) -> Summary {
    simulate(&scenario_with(toml, sets), replications, 2)
}

/// Mean and standard error over replications of a ratio of each
/// replication's counters.
fn over_replications(s: &Summary, f: impl Fn(&Tally) -> f64) -> (f64, f64) {
    let xs: Vec<f64> = s.replication_tallies.iter().map(f).collect();
    mean_and_se(&xs).expect("several replications")
}

#[test]
fn a_bot_with_room_to_spare_is_the_unlimited_bot_exactly() {
    let unlimited = run(DESK, &[], 2);
    let roomy = run(
        DESK,
        &["bot.concurrency=1000000", "bot.when_full=\"queue\""],
        2,
    );
    assert!(unlimited.counts.handed_off > 100 && unlimited.counts.bot_resolved > 100);
    assert!(unlimited.counts.retrials > 0);
    let m = roomy.metrics.bot_wait_prob.as_ref().expect("a limited bot");
    assert_eq!(m.value, Some(0.0));
    assert!(
        roomy
            .metrics
            .bot_utilisation
            .as_ref()
            .unwrap()
            .value
            .unwrap()
            < 1e-3
    );
    assert!(unlimited.metrics.bot_wait_prob.is_none());
    assert_eq!(
        without_bot_capacity(&unlimited),
        without_bot_capacity(&roomy)
    );
}

#[test]
fn a_full_bot_queues_as_erlang_c_says() {
    // M/M/5 at 80% load: 2 requests/s, 2 s each.
    let s = run(POOL, &["bot.when_full=\"queue\""], 24);
    let theory = Pool {
        arrival_rate: 2.0,
        mean_handle: 2.0,
        mean_patience: None,
        agents: 5,
    }
    .solve()
    .unwrap();
    let (wait, wait_se) = over_replications(&s, |t| {
        t.bot_wait_sum_us as f64 / 1e6 / t.bot_requests as f64
    });
    let (prob, prob_se) = over_replications(&s, |t| t.bot_waited as f64 / t.bot_requests as f64);
    let (busy, busy_se) =
        over_replications(&s, |t| t.bot_service_sum_us as f64 / t.span_us as f64 / 5.0);
    // Three checks at 3.5 standard errors each (Bonferroni over three at
    // about 3 sigma), and each within a plain bound too.
    for (name, sim, se, th, bound) in [
        (
            "mean wait",
            wait,
            wait_se,
            theory.mean_wait,
            0.05 * theory.mean_wait,
        ),
        ("wait probability", prob, prob_se, theory.wait_prob, 0.02),
        ("utilisation", busy, busy_se, theory.occupancy, 0.02),
    ] {
        let err = (sim - th).abs();
        assert!(
            err <= 3.5 * se && err <= bound,
            "{name}: simulated {sim:.4} (se {se:.4}), Erlang C {th:.4}"
        );
    }
    // The summary's figures are these ratios over the merged replications.
    let m = &s.metrics;
    assert!(m.bot_wait_mean_s.as_ref().unwrap().value.unwrap() > 1.0);
    assert!(m.bot_wait_prob.as_ref().unwrap().value.unwrap() > 0.4);
    assert_eq!(m.bot_fallback.as_ref().unwrap().value, Some(0.0));
}

/// Fallback (or failure) share by arrival rate: the bot as a loss system,
/// M/M/5/5, whose blocking is Erlang B.
fn blocked(when_full: &str, rate: f64) -> (Summary, f64, f64, f64) {
    let s = run(
        POOL,
        &[
            &format!("bot.when_full=\"{when_full}\""),
            &format!("arrivals.rate=\"{rate}/s\""),
        ],
        12,
    );
    let (share, se) = over_replications(&s, |t| {
        (t.bot_fallbacks + t.bot_failed) as f64 / t.counts.arrived as f64
    });
    (s, share, se, erlang_b(5, rate * 2.0))
}

#[test]
fn fallbacks_to_humans_grow_with_load_as_erlang_b_says() {
    let mut last: Option<(f64, f64)> = None;
    for rate in [1.5, 2.5, 3.5] {
        let (s, share, se, theory) = blocked("human", rate);
        assert!(
            (share - theory).abs() <= 3.5 * se,
            "at {rate}/s: fallback share {share:.4} (se {se:.4}), Erlang B {theory:.4}"
        );
        // Every fallback reaches a human, and nobody is failed.
        assert_eq!(s.metrics.bot_failed.as_ref().unwrap().value, Some(0.0));
        assert!(
            s.counts.human_answered
                >= s.replication_tallies
                    .iter()
                    .map(|t| t.bot_fallbacks)
                    .sum::<u64>()
                    * 9
                    / 10
        );
        if let Some((prev, prev_se)) = last {
            let margin = 3.0 * (se * se + prev_se * prev_se).sqrt();
            assert!(
                share > prev + margin,
                "at {rate}/s the fallback share {share:.4} is not above {prev:.4} by {margin:.4}"
            );
        }
        last = Some((share, se));
    }
}

#[test]
fn a_full_bot_that_fails_loses_its_shoppers() {
    let (s, share, se, theory) = blocked("fail", 3.5);
    assert!(
        (share - theory).abs() <= 3.5 * se,
        "failed share {share:.4} (se {se:.4}), Erlang B {theory:.4}"
    );
    let m = &s.metrics;
    let failed = m.bot_failed.as_ref().unwrap().value.unwrap();
    assert!(failed > 0.3, "{failed}");
    // Failed before any answer: they are lost shoppers, and nobody else is.
    let lost = m.shoppers_lost.value.unwrap();
    assert!(
        (lost - failed).abs() < 1e-12,
        "lost {lost} vs failed {failed}"
    );
    assert_eq!(m.bot_fallback.as_ref().unwrap().value, Some(0.0));
    assert_eq!(s.counts.human_answered, 0);
}

#[test]
fn the_rate_limit_caps_the_bots_throughput() {
    // 3 requests/s offered to a bot limited to 2/s (bursts of 5), with
    // slots to spare: the line grows until shoppers give up.
    let s = run(
        POOL,
        &[
            "arrivals.rate=\"3/s\"",
            "bot.concurrency=1000",
            "bot.rate_limit=\"2/s\"",
            "bot.burst=5",
            "segments.normal.patience={ exponential = \"60s\" }",
        ],
        4,
    );
    for t in &s.replication_tallies {
        let secs = t.span_us as f64 / 1e6;
        let achieved = t.bot_requests as f64 / secs;
        // A token bucket starts at most `burst` requests plus one per
        // spacing in any span: the bound is exact, not statistical.
        assert!(
            t.bot_requests as f64 <= 2.0 * secs + 5.0,
            "{achieved}/s over the 2/s limit"
        );
        // Saturated, it runs close to its limit (the line is rarely empty).
        assert!(achieved > 1.9, "{achieved}/s");
    }
    let m = &s.metrics;
    assert!(m.bot_wait_prob.as_ref().unwrap().value.unwrap() > 0.5);
    assert!(m.left_before_answer.value.unwrap() > 0.2);
    assert!(m.bot_utilisation.as_ref().unwrap().value.unwrap() < 0.01);
}

#[test]
fn latency_grows_with_load_along_the_curve() {
    // The same shoppers with a flat and a rising curve: a reply takes
    // 1 + u times as long at utilisation u (about 1.5 at the balance
    // 4 (1 + u) = 12 u), so the bot is slower and busier.
    let flat = run(POOL, &["bot.concurrency=12"], 2);
    let steep = run(
        POOL,
        &[
            "bot.concurrency=12",
            "bot.load_latency=[[0.0, 1.0], [1.0, 2.0]]",
        ],
        2,
    );
    let mean = |s: &Summary| s.metrics.message_mean_s.value.unwrap();
    let util = |s: &Summary| s.metrics.bot_utilisation.as_ref().unwrap().value.unwrap();
    assert!(
        mean(&steep) > 1.3 * mean(&flat),
        "{} vs {}",
        mean(&steep),
        mean(&flat)
    );
    assert!(util(&steep) > util(&flat) + 0.1);
}

#[test]
fn bad_capacity_keys_are_named() {
    for (set, key) in [
        ("bot.when_full=\"drop\"", "bot.when_full"),
        ("bot.concurrency=0", "bot.concurrency"),
        (
            "bot.load_latency=[[0.5, 1.0], [0.2, 2.0]]",
            "bot.load_latency[1][0]",
        ),
        ("bot.burst=3", "bot.burst"),
    ] {
        let sets = vec![set.to_string()];
        let err = peakdesk::profile::parse("t.toml", POOL, false, &sets)
            .err()
            .unwrap_or_else(|| panic!("{set} was accepted"));
        let text = err.to_string();
        assert!(text.contains(key), "{set}: {text}");
    }
}
