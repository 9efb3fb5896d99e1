//! Validation of the desk's parts: segments, questions, channels, the bot,
//! self-service and retrials (agent groups are in `validate_agents`). Names are resolved to indices
//! and every cross-reference (a question's skill, a bot covering a question)
//! is checked, with the key path of the bad value in the error.

use super::checks::{Invalid, dist, index_of, invalid, probability, some_dist};
use super::desk::*;
use super::raw::*;
use super::scenario::GroupPlan;
use super::validate_agents::{covered, groups, routing, skills};
use super::validate_bot::bot;
use crate::dist::Dist;
use crate::time::{DAY, SECOND, SimTime};
use indexmap::IndexMap;

/// Everything about the desk that `validate` puts into a `Scenario`.
pub struct DeskParts {
    pub skills: Vec<String>,
    pub segments: Vec<Segment>,
    pub questions: Vec<Question>,
    pub question_mix: Vec<MixWindow>,
    pub tier_targets: [SimTime; 3],
    pub channels: Vec<Channel>,
    pub bot: Option<Bot>,
    pub proactive: Option<Proactive>,
    pub retrials: Option<Retrials>,
    pub groups: Vec<GroupPlan>,
    pub first_response: FirstResponse,
    pub routing: Routing,
    pub overflow_after: SimTime,
    pub concurrency_slowdown: f64,
}

/// Checks that each share is in [0, 1] and that they add up to 1.
fn shares<'a>(key: &str, items: impl Iterator<Item = (&'a String, f64)>) -> Result<(), Invalid> {
    let mut total = 0.0;
    for (name, s) in items {
        probability(&format!("{key}.{name}.share"), s)?;
        total += s;
    }
    if (total - 1.0).abs() > 1e-6 {
        return Err(invalid(
            key,
            format!("the shares add up to {total} (expected 1)"),
        ));
    }
    Ok(())
}

fn tier(key: &str, name: &str) -> Result<Tier, Invalid> {
    Tier::parse(name).ok_or_else(|| {
        invalid(
            key,
            format!("'{name}' is not a tier (expected urgent, important or normal)"),
        )
    })
}

/// Validates the desk. `patience` is `shoppers.patience`, the default for
/// segments that do not set their own.
pub fn desk(raw: &RawProfile, patience: Option<Dist>) -> Result<DeskParts, Invalid> {
    let agents = &raw.agents;
    let simple = raw.questions.is_none();
    if agents.groups.is_empty() {
        return Err(invalid(
            "agents.groups",
            "the desk is empty (expected at least one [[agents.groups]])",
        ));
    }
    let skills = skills(raw, simple)?;
    let segments = segments(raw, patience)?;
    let segment_names: Vec<String> = segments.iter().map(|s| s.name.clone()).collect();
    let questions = match &raw.questions {
        Some(q) => questions(q, &skills)?,
        None => simple_questions(&agents.groups)?,
    };
    let names: Vec<String> = questions.iter().map(|q| q.name.clone()).collect();
    let mut questions = questions;
    deflection(raw, &mut questions, &names)?;
    let channels = channels(raw.channels.as_ref())?;
    let channel_names: Vec<String> = channels.iter().map(|c| c.name.clone()).collect();
    let question_mix = question_mix(raw.question_mix.as_deref().unwrap_or(&[]), &names)?;
    let tier_targets = tier_targets(raw.tiers.as_ref());
    let bot = match &raw.bot {
        Some(b) if b.enabled != Some(false) => {
            Some(bot(b, &questions, &segment_names, &channel_names)?)
        }
        _ => None,
    };
    let proactive = match raw.self_service.as_ref().and_then(|s| s.proactive.as_ref()) {
        None => None,
        Some(p) => Some(proactive(p, &names, &channel_names)?),
    };
    let retrials = match &raw.retrials {
        Some(r) => Some(retrials(r, &channel_names)?),
        None => None,
    };
    let first_response = first_response(agents.first_response.as_deref(), simple)?;
    let slowdown = agents.concurrency_slowdown.unwrap_or(0.0);
    if !(slowdown.is_finite() && slowdown >= 0.0) {
        return Err(invalid(
            "agents.concurrency_slowdown",
            format!("{slowdown} is not a factor >= 0"),
        ));
    }
    let groups = groups(agents, &skills, simple)?;
    every_skill_served(&questions, &groups, &skills)?;
    Ok(DeskParts {
        skills,
        segments,
        questions,
        question_mix,
        tier_targets,
        channels,
        bot,
        proactive,
        retrials,
        groups,
        first_response,
        routing: routing(raw.routing.as_ref())?,
        overflow_after: agents.overflow_after.map_or(20 * SECOND, |d| d.0),
        concurrency_slowdown: slowdown,
    })
}

/// Self-service deflection shares, per question.
fn deflection(
    raw: &RawProfile,
    questions: &mut [Question],
    names: &[String],
) -> Result<(), Invalid> {
    let Some(ss) = &raw.self_service else {
        return Ok(());
    };
    for (name, p) in ss.faq_deflection.iter().flatten() {
        let key = format!("self_service.faq_deflection.{name}");
        let i = index_of(names, name, &key, "question")?;
        questions[i].deflect = probability(&key, *p)?;
    }
    Ok(())
}

/// Each tier's first-response target: the profile's, else 5, 15 and 30 s.
fn tier_targets(t: Option<&RawTiers>) -> [SimTime; 3] {
    let target = |d: Option<Option<super::units::Duration>>, default: SimTime| {
        d.flatten().map_or(default, |d| d.0)
    };
    [
        target(t.map(|t| t.urgent), 5 * SECOND),
        target(t.map(|t| t.important), 15 * SECOND),
        target(t.map(|t| t.normal), 30 * SECOND),
    ]
}

/// Proactive invitations (`self_service.proactive`).
fn proactive(
    p: &RawProactive,
    names: &[String],
    channel_names: &[String],
) -> Result<Proactive, Invalid> {
    let key = |k: &str| format!("self_service.proactive.{k}");
    if p.rate.0 <= 0.0 {
        return Err(invalid(
            key("rate"),
            format!("{}/s is not a positive rate", p.rate.0),
        ));
    }
    let channel = match &p.channel {
        Some(c) => index_of(channel_names, c, &key("channel"), "channel")?,
        None => 0,
    };
    Ok(Proactive {
        rate_per_s: p.rate.0,
        accept: probability(&key("accept"), p.accept)?,
        question: index_of(names, &p.question, &key("question"), "question")?,
        conversion: probability(&key("conversion"), p.conversion.unwrap_or(0.0))?,
        channel,
    })
}

/// When an agent's first response counts (`agents.first_response`): on
/// take by default for a profile without questions, else on reply.
fn first_response(rule: Option<&str>, simple: bool) -> Result<FirstResponse, Invalid> {
    match rule {
        None if simple => Ok(FirstResponse::OnTake),
        None | Some("on_reply") => Ok(FirstResponse::OnReply),
        Some("on_take") => Ok(FirstResponse::OnTake),
        Some(other) => Err(invalid(
            "agents.first_response",
            format!("'{other}' is not a first-response rule (expected on_take or on_reply)"),
        )),
    }
}

/// Checks that some group, home or overflow, has each question's skill.
fn every_skill_served(
    questions: &[Question],
    groups: &[GroupPlan],
    skills: &[String],
) -> Result<(), Invalid> {
    for q in questions {
        if !groups
            .iter()
            .any(|g| g.skills.contains(&q.skill) || g.overflow_skills.contains(&q.skill))
        {
            return Err(invalid(
                format!("questions.{}.skill", q.name),
                format!(
                    "'{}' is a skill no group has (groups cover: {})",
                    skills[q.skill],
                    covered(groups, skills)
                ),
            ));
        }
    }
    Ok(())
}

fn segments(raw: &RawProfile, patience: Option<Dist>) -> Result<Vec<Segment>, Invalid> {
    let Some(map) = &raw.segments else {
        return Ok(vec![Segment {
            name: "shopper".into(),
            share: 1.0,
            patience,
            conversion: 0.0,
            order_value: 0.0,
            lane: Lane::Normal,
            tier: None,
        }]);
    };
    if map.is_empty() {
        return Err(invalid(
            "segments",
            "is empty (expected at least one segment, or no [segments] at all)",
        ));
    }
    shares("segments", map.iter().map(|(n, s)| (n, s.share)))?;
    map.iter()
        .map(|(name, s)| {
            let key = |k: &str| format!("segments.{name}.{k}");
            let own = match &s.patience {
                Some(spec) => dist(&key("patience"), spec)?,
                None => patience.clone(),
            };
            let lane = match s.lane.as_deref() {
                None | Some("normal") => Lane::Normal,
                Some("vip") => Lane::Vip,
                Some(other) => {
                    return Err(invalid(
                        key("lane"),
                        format!("'{other}' is not a lane (expected normal or vip)"),
                    ));
                }
            };
            let value = s.order_value.unwrap_or(0.0);
            if !(value.is_finite() && value >= 0.0) {
                return Err(invalid(
                    key("order_value"),
                    format!("{value} is not an order value >= 0"),
                ));
            }
            Ok(Segment {
                name: name.clone(),
                share: s.share,
                patience: own,
                conversion: probability(&key("conversion"), s.conversion.unwrap_or(0.0))?,
                order_value: value,
                lane,
                tier: s
                    .tier
                    .as_deref()
                    .map(|t| tier(&key("tier"), t))
                    .transpose()?,
            })
        })
        .collect()
}

fn questions(
    map: &IndexMap<String, RawQuestion>,
    skills: &[String],
) -> Result<Vec<Question>, Invalid> {
    if map.is_empty() {
        return Err(invalid(
            "questions",
            "is empty (expected at least one question)",
        ));
    }
    shares("questions", map.iter().map(|(n, q)| (n, q.share)))?;
    let default_think = DistSpec::Exponential(super::units::Duration(20 * SECOND));
    map.iter()
        .map(|(name, q)| {
            let key = |k: &str| format!("questions.{name}.{k}");
            let skill = skills.iter().position(|s| *s == q.skill).ok_or_else(|| {
                invalid(
                    key("skill"),
                    format!(
                        "'{}' is a skill no group has (groups cover: {})",
                        q.skill,
                        skills.join(", ")
                    ),
                )
            })?;
            let turns = q.turns.unwrap_or(1);
            if !(1..=64).contains(&turns) {
                return Err(invalid(
                    key("turns"),
                    format!("{turns} is not a number of messages (expected 1 to 64)"),
                ));
            }
            Ok(Question {
                name: name.clone(),
                share: q.share,
                tier: q
                    .tier
                    .as_deref()
                    .map_or(Ok(Tier::Normal), |t| tier(&key("tier"), t))?,
                skill,
                bot: probability(&key("bot"), q.bot.unwrap_or(0.0))?,
                turns,
                reply: some_dist(&key("reply"), &q.reply, "a reply time")?,
                think: some_dist(
                    &key("think"),
                    q.think.as_ref().unwrap_or(&default_think),
                    "a think time",
                )?,
                deflect: 0.0,
            })
        })
        .collect()
}

/// Without `[questions]`: one question per group, taking the group's share
/// of arrivals and its handle time, answered in one turn.
fn simple_questions(groups: &[RawGroup]) -> Result<Vec<Question>, Invalid> {
    let mut out = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        let key = |k: &str| format!("agents.groups[{i}].{k}");
        let handle = g.handle.as_ref().ok_or_else(|| {
            invalid(
                key("handle"),
                "is missing (without [questions] every group needs a handle time)",
            )
        })?;
        let share = match (g.share, groups.len()) {
            (Some(s), _) => probability(&key("share"), s)
                .map_err(|(k, _)| invalid(k, format!("{s} is not a share between 0 and 1")))?,
            (None, 1) => 1.0,
            (None, _) => {
                return Err(invalid(
                    key("share"),
                    "is missing (with several groups each needs the share of arrivals it takes)",
                ));
            }
        };
        out.push(Question {
            name: g.name.clone(),
            share,
            tier: Tier::Normal,
            skill: i,
            bot: 0.0,
            turns: 1,
            reply: some_dist(&key("handle"), handle, "a handle time")?,
            think: Dist::constant(0),
            deflect: 0.0,
        });
    }
    let total: f64 = out.iter().map(|q| q.share).sum();
    if (total - 1.0).abs() > 1e-6 {
        return Err(invalid(
            "agents.groups",
            format!("the shares add up to {total} (expected 1)"),
        ));
    }
    Ok(out)
}

fn channels(map: Option<&IndexMap<String, RawChannel>>) -> Result<Vec<Channel>, Invalid> {
    let Some(map) = map else {
        return Ok(vec![Channel {
            name: "chat".into(),
            share: 1.0,
            concurrent: true,
            patience: None,
            patience_scale: 1.0,
        }]);
    };
    if map.is_empty() {
        return Err(invalid(
            "channels",
            "is empty (expected at least one channel, or no [channels] at all)",
        ));
    }
    shares("channels", map.iter().map(|(n, c)| (n, c.share)))?;
    map.iter()
        .map(|(name, c)| {
            let key = |k: &str| format!("channels.{name}.{k}");
            let scale = c.patience_scale.unwrap_or(1.0);
            if !(scale.is_finite() && scale > 0.0) {
                return Err(invalid(
                    key("patience_scale"),
                    format!("{scale} is not a factor > 0"),
                ));
            }
            let patience = match &c.patience {
                Some(spec) => Some(some_dist(&key("patience"), spec, "a channel patience")?),
                None => None,
            };
            Ok(Channel {
                name: name.clone(),
                share: c.share,
                concurrent: c.concurrent.unwrap_or(true),
                patience,
                patience_scale: scale,
            })
        })
        .collect()
}

fn question_mix(windows: &[RawMixWindow], names: &[String]) -> Result<Vec<MixWindow>, Invalid> {
    windows
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let key = format!("question_mix[{i}]");
            if w.from == w.to {
                return Err(invalid(
                    format!("{key}.to"),
                    "equals `from` (expected a window of some length)",
                ));
            }
            let mut shares = vec![0.0; names.len()];
            let mut total = 0.0;
            for (name, s) in &w.shares {
                let k = format!("{key}.shares.{name}");
                let q = index_of(names, name, &k, "question")?;
                shares[q] = probability(&k, *s)?;
                total += s;
            }
            if (total - 1.0).abs() > 1e-6 {
                return Err(invalid(
                    format!("{key}.shares"),
                    format!("the shares add up to {total} (expected 1)"),
                ));
            }
            Ok(MixWindow {
                from: w.from.0 % DAY,
                to: w.to.0 % DAY,
                shares,
            })
        })
        .collect()
}

fn retrials(r: &RawRetrials, channels: &[String]) -> Result<Retrials, Invalid> {
    let max_attempts = r.max_attempts.unwrap_or(3);
    if max_attempts < 2 {
        return Err(invalid(
            "retrials.max_attempts",
            format!("{max_attempts} allows no retrial (expected at least 2)"),
        ));
    }
    let mut switch = vec![Vec::new(); channels.len()];
    for (from, targets) in r.switch_channel.iter().flatten() {
        let key = format!("retrials.switch_channel.{from}");
        let f = index_of(channels, from, &key, "channel")?;
        let mut acc = 0.0;
        for (to, p) in targets {
            let k = format!("{key}.{to}");
            let t = index_of(channels, to, &k, "channel")?;
            acc += probability(&k, *p)?;
            switch[f].push((t, acc));
        }
        if acc > 1.0 + 1e-9 {
            return Err(invalid(
                key,
                format!("the switch probabilities add up to {acc} (expected at most 1)"),
            ));
        }
    }
    Ok(Retrials {
        probability: probability("retrials.probability", r.probability)?,
        after: some_dist("retrials.after", &r.after, "a retrial delay")?,
        max_attempts,
        switch,
    })
}
