//! SLA rules: a metric, a statistic, a threshold, a scope and a severity,
//! from the profile's `[sla]`, an `--sla` file, or a platform preset.
//!
//! Presets (DOMAIN.md, seeds 000 and 002), each an assumption spelled out:
//! - `jd`: mean first response at most 30 s, and predicted satisfaction at
//!   least 80% (JD measures satisfaction by survey; peakdesk predicts it from
//!   the satisfaction bands).
//! - `tmall`: at least 90% of conversations answered within 3 minutes.
//! - `douyin`: mean response time at most 30 s, taken per conversation (the
//!   mean of each conversation's message responses, averaged).
//! - `pinduoduo`: 5-minute reply rate; the platform publishes no fixed line,
//!   so the default is 90% (`sla.pinduoduo_reply_rate` changes it).
//! - `independent-site`: live chat answered within 5 minutes for at least 90%
//!   of chats (scope: the `chat` channel when the profile has one).
//! - `tiers`: each tier's first response p90 within its target (`[tiers]`,
//!   default urgent 5 s, important 15 s, normal 30 s).

use crate::profile::checks::{Invalid, invalid};
use crate::profile::desk::Tier;
use crate::profile::raw::{RawRule, RawSla, RawThreshold};
use crate::profile::scenario::Scenario;
use crate::time::{SECOND, SimTime};

pub use super::metric::Metric;
pub use super::rule::{Bound, Rule, Scope, Severity, Stat};

fn names<T>(items: &[T], name: impl Fn(&T) -> &str) -> Vec<String> {
    items.iter().map(|i| name(i).to_string()).collect()
}

fn scope(
    sc: &Scenario,
    key: &str,
    raw: Option<&indexmap::IndexMap<String, String>>,
) -> Result<Scope, Invalid> {
    let Some(map) = raw else {
        return Ok(Scope::All);
    };
    let mut it = map.iter();
    let (Some((kind, value)), None) = (it.next(), it.next()) else {
        return Err(invalid(
            key,
            "expected one of { segment | question | channel | tier | group = NAME }",
        ));
    };
    let find = |list: Vec<String>, what: &str| {
        list.iter().position(|n| n == value).ok_or_else(|| {
            invalid(
                format!("{key}.{kind}"),
                format!(
                    "'{value}' is not a {what} of this profile (expected one of: {})",
                    list.join(", ")
                ),
            )
        })
    };
    Ok(match kind.as_str() {
        "segment" => Scope::Segment(find(names(&sc.segments, |s| &s.name), "segment")?),
        "question" => Scope::Question(find(names(&sc.questions, |q| &q.name), "question")?),
        "channel" => Scope::Channel(find(names(&sc.channels, |c| &c.name), "channel")?),
        "group" => Scope::Group(find(names(&sc.groups, |g| &g.name), "group")?),
        "tier" => Scope::Tier(Tier::parse(value).ok_or_else(|| {
            invalid(
                format!("{key}.tier"),
                format!("'{value}' is not a tier (expected urgent, important or normal)"),
            )
        })? as usize),
        other => {
            return Err(invalid(
                key,
                format!(
                    "unknown scope `{other}` (expected segment, question, channel, tier or group)"
                ),
            ));
        }
    })
}

fn threshold(key: &str, t: RawThreshold, metric: Metric) -> Result<f64, Invalid> {
    let RawThreshold(v, is_duration) = t;
    if metric.is_time() != is_duration {
        let want = if metric.is_time() {
            "a duration such as \"30s\""
        } else {
            "a share between 0 and 1"
        };
        return Err(invalid(
            key,
            format!("{v} does not fit this metric (expected {want})"),
        ));
    }
    if !metric.is_time() && !(0.0..=1.0).contains(&v) {
        return Err(invalid(key, format!("{v} is not a share between 0 and 1")));
    }
    Ok(v)
}

/// Validates one rule written at `key`.
pub fn rule(sc: &Scenario, key: &str, source: &str, r: &RawRule) -> Result<Rule, Invalid> {
    let k = |f: &str| format!("{key}.{f}");
    let metric = metric_of(&k("metric"), &r.metric)?;
    let stat = stat_of(&k("stat"), metric, r)?;
    let within = match (metric, r.within) {
        (Metric::AnsweredWithin, Some(w)) => Some(w.0),
        (Metric::AnsweredWithin, None) => {
            return Err(invalid(
                k("within"),
                "is missing (answered_within needs a time limit)",
            ));
        }
        (_, Some(_)) => return Err(invalid(k("within"), "only applies to answered_within")),
        _ => None,
    };
    let bound = match (r.max, r.min) {
        (Some(m), None) => Bound::Max(threshold(&k("max"), m, metric)?),
        (None, Some(m)) => Bound::Min(threshold(&k("min"), m, metric)?),
        _ => return Err(invalid(key, "needs exactly one of `max` or `min`")),
    };
    let scope = scope(sc, &k("scope"), r.scope.as_ref())?;
    let every_interval = r.every_interval.unwrap_or(false);
    fits(sc, key, r, (metric, stat, within, scope, every_interval))?;
    let severity = match r.severity.as_deref() {
        None | Some("error") => Severity::Error,
        Some("warning") => Severity::Warning,
        Some(s) => {
            return Err(invalid(
                k("severity"),
                format!("'{s}' is not a severity (expected error or warning)"),
            ));
        }
    };
    let name = r.name.clone().unwrap_or_else(|| {
        describe(metric, &r.metric, stat, within, bound, every_interval)
            + &r.scope
                .iter()
                .flatten()
                .map(|(k, v)| format!(" ({k} {v})"))
                .collect::<String>()
    });
    let abort = super::abort::read(key, r, (metric, stat, scope, bound))?;
    Ok(Rule {
        name,
        source: source.into(),
        metric,
        stat,
        within,
        bound,
        scope,
        every_interval,
        severity,
        abort,
    })
}

/// The metric named `name` (written at `key`).
fn metric_of(key: &str, name: &str) -> Result<Metric, Invalid> {
    match Metric::named(name) {
        Some(m) => Ok(m),
        None if name == "abandonment" => Err(invalid(
            key,
            "'abandonment' is ambiguous: name the one you mean (left_before_answer, left_waiting_for_human, left_mid_conversation, or shoppers_lost for all three; `peakdesk metrics` defines each)",
        )),
        None => {
            let known: Vec<&str> = Metric::ALL.iter().map(|m| m.def().name).collect();
            Err(invalid(
                key,
                format!(
                    "'{name}' is not a metric (expected one of: {})",
                    known.join(", ")
                ),
            ))
        }
    }
}

/// The rule's statistic (written at `key`): a share's is the share, a
/// time's the mean or a percentile.
fn stat_of(key: &str, metric: Metric, r: &RawRule) -> Result<Stat, Invalid> {
    match (metric.is_time(), r.stat.as_deref()) {
        (false, None | Some("share")) => Ok(Stat::Share),
        (false, Some(s)) => Err(invalid(
            key,
            format!("'{s}' does not apply to {} (a share)", r.metric),
        )),
        (true, None | Some("mean")) => Ok(Stat::Mean),
        (true, Some(s)) => match s.strip_prefix('p').and_then(|p| p.parse::<f64>().ok()) {
            Some(p) if p > 0.0 && p < 100.0 => Ok(Stat::Quantile(p / 100.0)),
            _ => Err(invalid(
                key,
                format!(
                    "'{s}' is not a statistic (expected mean or a percentile p0 < pNN < p100, such as p90 or p99.9)"
                ),
            )),
        },
    }
}

/// Whether the rule's parts fit together: the metric has this scope, the
/// scope's tier is in use, and per interval the metric (and its threshold
/// or percentile) is counted per interval.
fn fits(
    sc: &Scenario,
    key: &str,
    r: &RawRule,
    (metric, stat, within, scope, every_interval): (Metric, Stat, Option<SimTime>, Scope, bool),
) -> Result<(), Invalid> {
    let k = |f: &str| format!("{key}.{f}");
    if !metric.fits(scope) {
        return Err(invalid(
            k("scope"),
            format!(
                "{} cannot be scoped this way (see the README's rule table)",
                r.metric
            ),
        ));
    }
    if every_interval
        && metric == Metric::AnsweredWithin
        && !within.is_some_and(|w| sc.answered_within.contains(&w))
    {
        return Err(invalid(
            k("within"),
            "per interval, answered_within is counted at the profile's `answered_within` thresholds (add this one there)",
        ));
    }
    if let Scope::Tier(t) = scope
        && !sc.tiers_in_use().iter().any(|u| *u as usize == t)
    {
        return Err(invalid(
            k("scope.tier"),
            "no shopper of this profile has that tier (check the questions' and segments' tiers)",
        ));
    }
    if every_interval && !metric.per_interval() {
        return Err(invalid(
            k("every_interval"),
            format!(
                "is not available for {} (only answered_within, the left_* shares, shoppers_lost, first_response p50/p90/p99 and occupancy)",
                r.metric
            ),
        ));
    }
    if every_interval
        && metric == Metric::FirstResponse
        && !matches!(stat, Stat::Quantile(q) if [0.5, 0.9, 0.99].contains(&q))
    {
        return Err(invalid(
            k("stat"),
            "per interval, first_response has p50, p90 and p99",
        ));
    }
    Ok(())
}

fn describe(
    m: Metric,
    metric: &str,
    stat: Stat,
    within: Option<SimTime>,
    bound: Bound,
    every: bool,
) -> String {
    let stat = match stat {
        Stat::Mean => "mean ".to_string(),
        Stat::Quantile(q) => format!("p{} ", q * 100.0),
        Stat::Share => String::new(),
    };
    let within = within.map_or(String::new(), |w| {
        format!(" {}", crate::profile::units::Duration(w))
    });
    let bound = match bound {
        Bound::Max(x) => format!("<= {}", show(m, x)),
        Bound::Min(x) => format!(">= {}", show(m, x)),
    };
    let every = if every { " in every interval" } else { "" };
    format!("{stat}{metric}{within} {bound}{every}")
}

fn preset_rules(sc: &Scenario, name: &str, pdd_rate: f64) -> Option<Vec<RawRule>> {
    let rule = |metric: &str, label: &str| RawRule {
        name: Some(format!("{name}: {label}")),
        metric: metric.into(),
        ..RawRule::default()
    };
    // A time statistic at most `secs`; a share at least `min`, of
    // shoppers answered within `within` seconds when given.
    let time = |metric: &str, stat: &str, secs: f64, label: &str| RawRule {
        stat: Some(stat.into()),
        max: Some(RawThreshold(secs, true)),
        ..rule(metric, label)
    };
    let share = |metric: &str, within: Option<u64>, min: f64, label: &str| RawRule {
        within: within.map(|s| crate::profile::units::Duration(s * SECOND)),
        min: Some(RawThreshold(min, false)),
        ..rule(metric, label)
    };
    let scoped = |r: RawRule, key: &str, value: &str| RawRule {
        scope: Some([(key.to_string(), value.to_string())].into_iter().collect()),
        ..r
    };
    Some(match name {
        "jd" => vec![
            time(
                "first_response",
                "mean",
                30.0,
                "first response at most 30 s",
            ),
            share("satisfaction", None, 0.8, "satisfaction at least 80%"),
        ],
        "tmall" => vec![share(
            "answered_within",
            Some(180),
            0.9,
            "90% answered within 3 minutes",
        )],
        "douyin" => vec![time(
            "conversation_response",
            "mean",
            30.0,
            "mean response time at most 30 s",
        )],
        "pinduoduo" => vec![share(
            "answered_within",
            Some(300),
            pdd_rate,
            &format!("{:.0}% answered within 5 minutes", pdd_rate * 100.0),
        )],
        "independent-site" => {
            let r = share(
                "answered_within",
                Some(300),
                0.9,
                "90% of live chats answered within 5 minutes",
            );
            match sc.channels.iter().any(|c| c.name == "chat") {
                true => vec![scoped(r, "channel", "chat")],
                false => vec![r],
            }
        }
        "tiers" => sc
            .tiers_in_use()
            .into_iter()
            .map(|t| {
                let target = crate::time::to_secs(sc.tier_targets[t as usize]);
                let label = format!("{} first response p90 within {target} s", t.name());
                scoped(
                    time("first_response", "p90", target, &label),
                    "tier",
                    t.name(),
                )
            })
            .collect(),
        _ => return None,
    })
}

/// The preset names.
pub const PRESETS: [&str; 6] = [
    "jd",
    "tmall",
    "douyin",
    "pinduoduo",
    "independent-site",
    "tiers",
];

/// All rules of a scenario: presets (the profile's and `extra_presets`),
/// then the profile's rules, then an `--sla` file's.
pub fn rules(
    sc: &Scenario,
    profile: Option<&RawSla>,
    file: Option<(&str, &RawSla)>,
    extra_presets: &[String],
) -> Result<Vec<Rule>, Invalid> {
    let mut out = Vec::new();
    let sources = [
        ("sla", "profile", profile),
        ("sla", "--sla file", file.map(|f| f.1)),
    ];
    let pdd = profile
        .and_then(|s| s.pinduoduo_reply_rate)
        .or(file.and_then(|f| f.1.pinduoduo_reply_rate))
        .unwrap_or(0.9);
    if !(0.0..=1.0).contains(&pdd) {
        return Err(invalid(
            "sla.pinduoduo_reply_rate",
            format!("{pdd} is not a share between 0 and 1"),
        ));
    }
    let mut presets: Vec<(String, String)> = Vec::new();
    for (_, source, sla) in sources {
        for (i, p) in sla
            .and_then(|s| s.presets.as_ref())
            .into_iter()
            .flatten()
            .enumerate()
        {
            presets.push((format!("sla.presets[{i}]"), format!("{source}: {p}")));
        }
    }
    for p in extra_presets {
        presets.push(("--preset".into(), format!("--preset: {p}")));
    }
    for (key, label) in &presets {
        let name = label.rsplit(": ").next().unwrap_or_default();
        let raws = preset_rules(sc, name, pdd).ok_or_else(|| {
            invalid(
                key.as_str(),
                format!(
                    "'{name}' is not a preset (expected one of: {})",
                    PRESETS.join(", ")
                ),
            )
        })?;
        for (j, r) in raws.iter().enumerate() {
            out.push(rule(
                sc,
                &format!("{key}[{j}]"),
                &format!("preset {name}"),
                r,
            )?);
        }
    }
    for (prefix, source, sla) in sources {
        for (i, r) in sla
            .and_then(|s| s.rules.as_ref())
            .into_iter()
            .flatten()
            .enumerate()
        {
            out.push(rule(sc, &format!("{prefix}.rules[{i}]"), source, r)?);
        }
    }
    Ok(out)
}

/// A threshold in the metric's unit, for messages.
pub fn show(metric: Metric, v: f64) -> String {
    if metric.is_time() {
        format!("{v:.2} s")
    } else {
        metric.def().show(Some(v))
    }
}
