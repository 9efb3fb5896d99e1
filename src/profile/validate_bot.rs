//! Validation of `[bot]`: which questions, channels and hours it takes,
//! its handoffs, and its limits as a service (concurrency, rate limit,
//! latency under load, what a request does when the bot is full). Kept
//! apart from the rest of the desk's validation, which it only borrows
//! helpers from.

use super::checks::{Invalid, index_of, invalid, probability, some_dist};
use super::desk::{Bot, BotCapacity, MixWindow, Question, RateLimit, WhenFull};
use super::raw::{DistSpec, RawBot, RawHours};
use crate::time::{DAY, SECOND};

pub(super) fn bot(
    b: &RawBot,
    questions: &[Question],
    segments: &[String],
    channels: &[String],
) -> Result<Bot, Invalid> {
    let names: Vec<String> = questions.iter().map(|q| q.name.clone()).collect();
    let covers = match &b.covers {
        None => questions.iter().map(|q| q.bot > 0.0).collect(),
        Some(list) => marked(list, &names, "bot.covers", "question")?,
    };
    let on_channels = match &b.channels {
        None => vec![true; channels.len()],
        Some(list) => marked(list, channels, "bot.channels", "channel")?,
    };
    let handoff = b.handoff.as_ref();
    let (hq, hs) = handoffs(handoff.and_then(|h| h.on.as_deref()), &names, segments)?;
    let hours = hours(b.hours.as_ref())?;
    let max_turns = b.max_turns.unwrap_or(3);
    if max_turns == 0 {
        return Err(invalid("bot.max_turns", "0 turns (expected at least 1)"));
    }
    let default_reply = DistSpec::Lognormal {
        mean: super::units::Duration(1_200_000),
        cv: 0.4,
    };
    Ok(Bot {
        hours,
        reply: some_dist(
            "bot.reply",
            b.reply.as_ref().unwrap_or(&default_reply),
            "a reply time",
        )?,
        max_turns,
        covers,
        channels: on_channels,
        handoff_questions: hq,
        handoff_segments: hs,
        ask_human: probability(
            "bot.handoff.ask_human",
            handoff.and_then(|h| h.ask_human).unwrap_or(0.0),
        )?,
        capacity: capacity(b)?,
    })
}

/// Which of `names` the list at `key` names (each a `what`).
fn marked(list: &[String], names: &[String], key: &str, what: &str) -> Result<Vec<bool>, Invalid> {
    let mut marks = vec![false; names.len()];
    for (i, name) in list.iter().enumerate() {
        marks[index_of(names, name, &format!("{key}[{i}]"), what)?] = true;
    }
    Ok(marks)
}

/// The questions and the segments the bot hands to a human at once
/// (`bot.handoff.on` names either).
fn handoffs(
    on: Option<&[String]>,
    questions: &[String],
    segments: &[String],
) -> Result<(Vec<bool>, Vec<bool>), Invalid> {
    let (mut hq, mut hs) = (vec![false; questions.len()], vec![false; segments.len()]);
    for (i, name) in on.into_iter().flatten().enumerate() {
        if let Some(q) = questions.iter().position(|n| n == name) {
            hq[q] = true;
        } else if let Some(s) = segments.iter().position(|n| n == name) {
            hs[s] = true;
        } else {
            return Err(invalid(
                format!("bot.handoff.on[{i}]"),
                format!(
                    "'{name}' is neither a question nor a segment (questions: {}; segments: {})",
                    questions.join(", "),
                    segments.join(", ")
                ),
            ));
        }
    }
    Ok((hq, hs))
}

/// The bot's hours of the day (empty: all day).
fn hours(hours: Option<&RawHours>) -> Result<Vec<MixWindow>, Invalid> {
    let Some(RawHours::Windows(ws)) = hours else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        if w.from == w.to {
            return Err(invalid(
                format!("bot.hours[{i}].to"),
                "equals `from` (expected a window of some length)",
            ));
        }
        out.push(MixWindow {
            from: w.from.0 % DAY,
            to: w.to.0 % DAY,
            shares: Vec::new(),
        });
    }
    Ok(out)
}

/// The bot's limits, `None` when the profile sets none of the capacity
/// keys (the unlimited bot: every reply at once).
fn capacity(b: &RawBot) -> Result<Option<BotCapacity>, Invalid> {
    if b.concurrency.is_none()
        && b.rate_limit.is_none()
        && b.burst.is_none()
        && b.load_latency.is_none()
        && b.when_full.is_none()
    {
        return Ok(None);
    }
    let concurrency = match b.concurrency {
        Some(0) => {
            return Err(invalid(
                "bot.concurrency",
                "0 requests at once (expected at least 1)",
            ));
        }
        Some(c) => c,
        None => u32::MAX,
    };
    let rate = rate_limit(b)?;
    let load_latency = load_latency(b)?;
    let when_full = match b.when_full.as_deref() {
        None | Some("queue") => WhenFull::Queue,
        Some("human") => WhenFull::Human,
        Some("fail") => WhenFull::Fail,
        Some(other) => {
            return Err(invalid(
                "bot.when_full",
                format!("'{other}' is not a choice (expected queue, human or fail)"),
            ));
        }
    };
    Ok(Some(BotCapacity {
        concurrency,
        rate,
        load_latency,
        when_full,
    }))
}

/// `rate_limit` and `burst` as a token bucket.
fn rate_limit(b: &RawBot) -> Result<Option<RateLimit>, Invalid> {
    let rate = match b.rate_limit {
        None => None,
        Some(r) => {
            let spacing = (SECOND as f64 / r.0).round();
            if !(r.0 > 0.0 && spacing >= 1.0) {
                return Err(invalid(
                    "bot.rate_limit",
                    format!(
                        "{}/s is not a usable rate limit (expected more than 0 and at most 1000000/s)",
                        r.0
                    ),
                ));
            }
            let burst = b.burst.unwrap_or(1);
            if burst == 0 {
                return Err(invalid("bot.burst", "0 requests (expected at least 1)"));
            }
            Some(RateLimit {
                spacing: spacing as u64,
                burst,
            })
        }
    };
    if b.burst.is_some() && rate.is_none() {
        return Err(invalid(
            "bot.burst",
            "a burst without bot.rate_limit (expected a rate_limit too)",
        ));
    }
    Ok(rate)
}

/// `load_latency`: utilisations from 0 to 1 in increasing order, factors
/// above 0, and a concurrency to take utilisation from.
fn load_latency(b: &RawBot) -> Result<Vec<(f64, f64)>, Invalid> {
    let load_latency = b.load_latency.clone().unwrap_or_default();
    if !load_latency.is_empty() && b.concurrency.is_none() {
        return Err(invalid(
            "bot.load_latency",
            "a curve of utilisation without bot.concurrency (expected a concurrency: utilisation is busy slots over it)",
        ));
    }
    for (i, &(u, f)) in load_latency.iter().enumerate() {
        if !(0.0..=1.0).contains(&u) {
            return Err(invalid(
                format!("bot.load_latency[{i}][0]"),
                format!("{u} is not a utilisation (expected 0 to 1)"),
            ));
        }
        if f <= 0.0 {
            return Err(invalid(
                format!("bot.load_latency[{i}][1]"),
                format!("{f} is not a latency factor (expected more than 0)"),
            ));
        }
        if i > 0 && u <= load_latency[i - 1].0 {
            return Err(invalid(
                format!("bot.load_latency[{i}][0]"),
                format!(
                    "{u} does not follow {} (expected utilisations in increasing order)",
                    load_latency[i - 1].0
                ),
            ));
        }
    }
    Ok(load_latency)
}
