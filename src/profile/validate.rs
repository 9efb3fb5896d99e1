//! From the profile as written to the scenario as run (`scenario`):
//! defaults filled in, cross-field rules checked, units converted to
//! microseconds. Each section has its own module (`validate_desk`,
//! `validate_agents`, `validate_bot`, `validate_arrivals`, `calendar`,
//! `day_rosters`); this one puts their parts together. Every error is
//! `(key path, message)`; the caller adds the file name.

use super::calibrate::Calibration;
use super::checks::{Invalid, invalid};
use super::overrides::Override;
use super::raw::{DistSpec, RawProfile};
use super::scenario::*;
use super::validate_desk::desk;
use crate::dist::Checked;
use crate::time::{MINUTE, SECOND, SimTime};

fn dist(key: &str, spec: &DistSpec) -> Result<Checked, Invalid> {
    Checked::from_spec(spec).map_err(|e| invalid(key, e.to_string()))
}

/// The horizon, warm-up and interval length.
fn clock(raw: &RawProfile) -> Result<(SimTime, SimTime, SimTime), Invalid> {
    let horizon = raw.horizon.0;
    if horizon == 0 {
        return Err(invalid(
            "horizon",
            "0s is too short (expected a duration longer than 0s)",
        ));
    }
    let warmup = raw.warmup.map_or(0, |d| d.0);
    if warmup >= horizon {
        return Err(invalid(
            "warmup",
            format!(
                "{} is not shorter than the horizon {}",
                raw.warmup.unwrap(),
                raw.horizon
            ),
        ));
    }
    let interval = raw.interval.map_or(15 * MINUTE, |d| d.0);
    if interval < SECOND {
        return Err(invalid("interval", "must be at least 1s"));
    }
    Ok((horizon, warmup, interval))
}

/// The `answered_within` thresholds, sorted, each once.
fn thresholds(raw: &RawProfile) -> Result<Vec<SimTime>, Invalid> {
    let Some(list) = &raw.answered_within else {
        return Ok(vec![10 * SECOND, 30 * SECOND, 60 * SECOND, 180 * SECOND]);
    };
    if list.is_empty() || list.len() > 8 {
        return Err(invalid(
            "answered_within",
            format!("has {} thresholds (expected 1 to 8)", list.len()),
        ));
    }
    let mut t: Vec<SimTime> = list.iter().map(|d| d.0).collect();
    t.sort_unstable();
    t.dedup();
    Ok(t)
}

/// The KPI weights, in the order of [`KPIS`]: the profile's (adding up
/// to 1), else the default.
fn kpi_weights(raw: &RawProfile) -> Result<[f64; 5], Invalid> {
    let Some(kpi) = &raw.kpi else {
        return Ok([0.30, 0.20, 0.20, 0.15, 0.15]);
    };
    let mut weights = [0.0; 5];
    for (name, w) in &kpi.weights {
        let key = format!("kpi.weights.{name}");
        let i = KPIS.iter().position(|k| k == name).ok_or_else(|| {
            invalid(
                &key,
                format!(
                    "'{name}' is not a KPI (expected one of: {})",
                    KPIS.join(", ")
                ),
            )
        })?;
        if !(w.is_finite() && *w >= 0.0) {
            return Err(invalid(key, format!("{w} is not a weight >= 0")));
        }
        weights[i] = *w;
    }
    let total: f64 = weights.iter().sum();
    if (total - 1.0).abs() > 1e-6 {
        return Err(invalid(
            "kpi.weights",
            format!("the weights add up to {total} (expected 1)"),
        ));
    }
    Ok(weights)
}

/// Validates a raw profile.
pub fn scenario(
    file: &str,
    raw: RawProfile,
    overrides: Vec<Override>,
    calibration: Vec<Calibration>,
) -> Result<Scenario, Invalid> {
    let (horizon, warmup, interval) = clock(&raw)?;
    let answered_within = thresholds(&raw)?;
    let patience = match raw.shoppers.as_ref().and_then(|s| s.patience.as_ref()) {
        None => None,
        Some(spec) => match dist("shoppers.patience", spec)? {
            Checked::Never => None,
            Checked::Sampled(d) => Some(d),
        },
    };
    let calendar = super::calendar::calendar(raw.start.as_deref(), raw.days.as_ref(), horizon)?;
    let mut d = desk(&raw, patience)?;
    if let (Some(cal), Some(days)) = (&calendar, &raw.days) {
        super::day_rosters::apply(&mut d.groups, &raw.agents, cal, days)?;
    }
    let costs = match &raw.costs {
        None => None,
        Some(c) => Some(costs(c, &d.groups)?),
    };
    let kpi_weights = kpi_weights(&raw)?;
    let bands = match &raw.bands {
        Some(b) => crate::sla::bands::validate(b)?,
        None => crate::sla::Bands::default(),
    };
    let name = raw.name.unwrap_or_else(|| {
        std::path::Path::new(file)
            .file_stem()
            .map_or("profile".into(), |s| s.to_string_lossy().into_owned())
    });
    Ok(Scenario {
        source: file.to_string(),
        name,
        description: raw.description.unwrap_or_default(),
        seed: raw.seed.unwrap_or(1),
        horizon,
        warmup,
        start: 0,
        interval,
        answered_within,
        arrivals: super::validate_arrivals::arrivals(
            &raw.arrivals,
            calendar.as_ref(),
            raw.days.as_ref(),
        )?,
        calendar,
        staffing_multiplier: super::validate_agents::on_shift_factor(&raw.agents)?.0,
        skills: d.skills,
        segments: d.segments,
        questions: d.questions,
        question_mix: d.question_mix,
        tier_targets: d.tier_targets,
        channels: d.channels,
        bot: d.bot,
        proactive: d.proactive,
        retrials: d.retrials,
        groups: d.groups,
        shrinkage: raw.agents.shrinkage.unwrap_or(0.0),
        first_response: d.first_response,
        routing: d.routing,
        overflow_after: d.overflow_after,
        concurrency_slowdown: d.concurrency_slowdown,
        overrides,
        calibration,
        bands,
        sla: raw.sla.clone(),
        rules: Vec::new(),
        kpi_weights,
        costs,
    })
}

fn costs(c: &super::raw::RawCosts, groups: &[GroupPlan]) -> Result<Costs, Invalid> {
    let money = |key: &str, v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            Err(invalid(key, format!("{v} is not an amount >= 0")))
        }
    };
    let agent_hour = match &c.agent_hour {
        None => vec![0.0; groups.len()],
        Some(super::raw::RawAgentHour::All(v)) => {
            vec![money("costs.agent_hour", *v)?; groups.len()]
        }
        Some(super::raw::RawAgentHour::ByGroup(map)) => {
            let mut out = vec![0.0; groups.len()];
            for (name, v) in map {
                let key = format!("costs.agent_hour.{name}");
                let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
                let g = names.iter().position(|n| n == name).ok_or_else(|| {
                    invalid(
                        &key,
                        format!(
                            "'{name}' is not a group (expected one of: {})",
                            names.join(", ")
                        ),
                    )
                })?;
                out[g] = money(&key, *v)?;
            }
            out
        }
    };
    let bot = c.bot.as_ref();
    Ok(Costs {
        currency: c.currency.clone().unwrap_or_else(|| "CNY".into()),
        agent_hour,
        bot_per_conversation: money(
            "costs.bot.per_conversation",
            bot.and_then(|b| b.per_conversation).unwrap_or(0.0),
        )?,
        bot_per_month: money(
            "costs.bot.per_month",
            bot.and_then(|b| b.per_month).unwrap_or(0.0),
        )?,
    })
}
