//! Validation of the agent groups: skills, rosters turned into headcount
//! steps (with the handover overlap, staffing multiplier and shrinkage),
//! roles, concurrency and standby agents.

use super::checks::{Invalid, index_of, invalid, show_tod};
use super::desk::{AgentPick, GroupPick, Routing, Standby};
use super::raw::{RawAgents, RawGroup, RawProfile, RawRouting, RawShift, RawStaff, RawStandby};
use super::scenario::GroupPlan;
use crate::time::{DAY, HOUR, MINUTE, SimTime};

/// Most agents one group may have at once: far above any real desk (the
/// largest run thousands), far below what would exhaust memory.
pub const MAX_AGENTS: u32 = 100_000;

pub(super) fn covered(groups: &[GroupPlan], skills: &[String]) -> String {
    let mut names: Vec<&str> = groups
        .iter()
        .flat_map(|g| g.skills.iter().chain(&g.overflow_skills))
        .map(|s| skills[*s].as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    names.join(", ")
}

/// The skill names: every group's skills, or the group names without questions.
pub(super) fn skills(raw: &RawProfile, simple: bool) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::new();
    for (i, g) in raw.agents.groups.iter().enumerate() {
        let key = |k: &str| format!("agents.groups[{i}].{k}");
        if simple {
            for (k, v) in [
                ("skills", g.skills.is_some()),
                ("overflow_skills", g.overflow_skills.is_some()),
            ] {
                if v {
                    return Err(invalid(
                        key(k),
                        "routes questions by skill, so it needs [questions] (without them each group takes its `share` of arrivals)",
                    ));
                }
            }
            out.push(g.name.clone());
            continue;
        }
        let own = g.skills.as_ref().ok_or_else(|| {
            invalid(
                key("skills"),
                "is missing (with [questions] every group needs the skills it serves)",
            )
        })?;
        for s in own.iter().chain(g.overflow_skills.iter().flatten()) {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
    }
    Ok(out)
}

fn show(t: SimTime) -> String {
    format!("'{:02}:{:02}'", t / HOUR, (t % HOUR) / MINUTE)
}

/// Turns a roster of shifts into headcount steps over the day.
fn roster_steps(
    key: &str,
    shifts: &[RawShift],
    overlap: SimTime,
) -> Result<Vec<(SimTime, u32)>, Invalid> {
    if shifts.is_empty() {
        return Err(invalid(
            key,
            "is an empty roster (expected at least one { from, to, agents })",
        ));
    }
    let mut spans = Vec::new();
    for (j, s) in shifts.iter().enumerate() {
        if s.to <= s.from {
            return Err(invalid(
                format!("{key}[{j}].to"),
                format!(
                    "{} ends before the shift starts at {} (split a shift across midnight into two)",
                    show(s.to.0),
                    show(s.from.0)
                ),
            ));
        }
        // The handover overlap keeps each shift on a little longer.
        let end = (s.to.0 + overlap).min(s.from.0 + DAY);
        spans.push((s.from.0, end, s.agents));
    }
    let mut points: Vec<SimTime> = spans
        .iter()
        .flat_map(|(a, b, _)| [*a % DAY, *b % DAY])
        .collect();
    points.push(0);
    points.sort_unstable();
    points.dedup();
    let on = |t: SimTime| -> u32 {
        spans
            .iter()
            .filter(|(a, b, _)| (*a..*b).contains(&t) || (*a..*b).contains(&(t + DAY)))
            .map(|(_, _, n)| n)
            .sum()
    };
    Ok(points.into_iter().map(|t| (t, on(t))).collect())
}

/// How rostered heads become agents on shift: the staffing multiplier
/// and what shrinkage leaves.
pub(super) fn on_shift_factor(agents: &RawAgents) -> Result<(f64, f64), Invalid> {
    let multiplier = agents.staffing_multiplier.unwrap_or(1.0);
    if !(multiplier.is_finite() && multiplier > 0.0) {
        return Err(invalid(
            "agents.staffing_multiplier",
            format!("{multiplier} is not a factor > 0"),
        ));
    }
    let shrinkage = agents.shrinkage.unwrap_or(0.0);
    if !(shrinkage.is_finite() && (0.0..1.0).contains(&shrinkage)) {
        return Err(invalid(
            "agents.shrinkage",
            format!("{shrinkage} is not a share of time lost (expected 0 to below 1)"),
        ));
    }
    Ok((multiplier, shrinkage))
}

/// Rostered headcount steps as agents on shift, checked against the
/// largest group; `key` names the roster or staff the steps came from.
pub(super) fn on_shift(
    key: &str,
    steps: Vec<(SimTime, u32)>,
    (multiplier, shrinkage): (f64, f64),
) -> Result<Vec<(SimTime, u32)>, Invalid> {
    let staff: Vec<(SimTime, u32)> = steps
        .into_iter()
        .map(|(t, n)| {
            (
                t,
                (n as f64 * multiplier * (1.0 - shrinkage)).round() as u32,
            )
        })
        .collect();
    let most = staff.iter().map(|s| s.1).max().unwrap_or(0);
    if most > MAX_AGENTS {
        return Err(invalid(
            key,
            format!(
                "{most} agents on shift at once (after the staffing multiplier and shrinkage) is more than a group can have (expected at most {MAX_AGENTS})"
            ),
        ));
    }
    Ok(staff)
}

/// A group's `staff` or `roster` as headcount steps over a day.
pub(super) fn day_steps(
    key: &dyn Fn(&str) -> String,
    staff: Option<&RawStaff>,
    roster: Option<&[RawShift]>,
    overlap: SimTime,
) -> Result<Vec<(SimTime, u32)>, Invalid> {
    match (staff, roster) {
        (Some(staff), None) => staff_steps(&key("staff"), staff),
        (None, Some(roster)) => roster_steps(&key("roster"), roster, overlap),
        (Some(_), Some(_)) => Err(invalid(
            key("roster"),
            "and `staff` are both given (expected one of them)",
        )),
        (None, None) => Err(invalid(
            key("staff"),
            "is missing (expected `staff` or a `roster` of shifts)",
        )),
    }
}

pub(super) fn groups(
    agents: &RawAgents,
    skills: &[String],
    simple: bool,
) -> Result<Vec<GroupPlan>, Invalid> {
    let factor = on_shift_factor(agents)?;
    let overlap = agents.handover_overlap.map_or(0, |d| d.0);
    let mut out: Vec<GroupPlan> = Vec::new();
    for (i, g) in agents.groups.iter().enumerate() {
        let key = |k: &str| format!("agents.groups[{i}].{k}");
        named_once(g, &out, simple, &key)?;
        let raw_steps = day_steps(&key, g.staff.as_ref(), g.roster.as_deref(), overlap)?;
        let which = if g.roster.is_some() {
            "roster"
        } else {
            "staff"
        };
        let staff = on_shift(&key(which), raw_steps, factor)?;
        let resolve = |list: &Option<Vec<String>>, k: &str| -> Result<Vec<usize>, Invalid> {
            list.iter()
                .flatten()
                .enumerate()
                .map(|(j, s)| index_of(skills, s, &format!("{}[{j}]", key(k)), "skill"))
                .collect()
        };
        let (own, extra) = if simple {
            (vec![i], Vec::new())
        } else {
            (
                resolve(&g.skills, "skills")?,
                resolve(&g.overflow_skills, "overflow_skills")?,
            )
        };
        let overflow_role = match g.role.as_deref() {
            None | Some("primary") => false,
            Some("overflow") => true,
            Some(other) => {
                return Err(invalid(
                    key("role"),
                    format!("'{other}' is not a role (expected primary or overflow)"),
                ));
            }
        };
        let concurrency = g.concurrency.unwrap_or(1);
        if !(1..=64).contains(&concurrency) {
            return Err(invalid(
                key("concurrency"),
                format!("{concurrency} is not a number of chats at once (expected 1 to 64)"),
            ));
        }
        let standby = match &g.standby {
            None => None,
            Some(s) => Some(standby(s, &key)?),
        };
        out.push(GroupPlan {
            name: g.name.clone(),
            staff,
            period: DAY,
            skills: own,
            overflow_skills: extra,
            overflow_role,
            concurrency,
            standby,
        });
    }
    if out
        .iter()
        .all(|g| g.staff.iter().all(|s| s.1 == 0) && g.standby.is_none_or(|s| s.agents == 0))
    {
        return Err(invalid(
            "agents.groups",
            "no group has any agent at any time (the desk is empty)",
        ));
    }
    Ok(out)
}

/// Checks a group's name (given, and no earlier group's) and that the
/// keys only a profile without questions has are absent when it has them.
fn named_once(
    g: &RawGroup,
    earlier: &[GroupPlan],
    simple: bool,
    key: &dyn Fn(&str) -> String,
) -> Result<(), Invalid> {
    if g.name.trim().is_empty() {
        return Err(invalid(key("name"), "is empty (expected a group name)"));
    }
    if earlier.iter().any(|o| o.name == g.name) {
        return Err(invalid(
            key("name"),
            format!("'{}' names two groups (expected unique names)", g.name),
        ));
    }
    if !simple {
        for (k, v) in [("handle", g.handle.is_some()), ("share", g.share.is_some())] {
            if v {
                return Err(invalid(
                    key(k),
                    "only applies without [questions] (with questions, reply times and shares come from questions.*)",
                ));
            }
        }
    }
    Ok(())
}

/// A group's standby agents (`key` names the group's keys).
fn standby(s: &RawStandby, key: &dyn Fn(&str) -> String) -> Result<Standby, Invalid> {
    if s.agents > MAX_AGENTS {
        return Err(invalid(
            key("standby.agents"),
            format!(
                "{} is more than a group can have (expected at most {MAX_AGENTS})",
                s.agents
            ),
        ));
    }
    let stay = s.stay.map_or(2 * HOUR, |d| d.0);
    if stay == 0 {
        return Err(invalid(
            key("standby.stay"),
            "0s is too short (expected a duration longer than 0s)",
        ));
    }
    Ok(Standby {
        agents: s.agents,
        threshold: s.when_queue_over,
        login: s.login.map_or(10 * MINUTE, |d| d.0),
        stay,
    })
}

/// The `[routing]` rules, defaults for what is not given.
pub(super) fn routing(raw: Option<&RawRouting>) -> Result<Routing, Invalid> {
    let Some(r) = raw else {
        return Ok(Routing::default());
    };
    let group_pick = match r.group_pick.as_deref() {
        None | Some("least_occupied") => GroupPick::LeastOccupied,
        Some("emptiest_agent") => GroupPick::EmptiestAgent,
        Some("profile_order") => GroupPick::ProfileOrder,
        Some(other) => {
            return Err(invalid(
                "routing.group_pick",
                format!(
                    "'{other}' is not a group rule (expected least_occupied, emptiest_agent or profile_order)"
                ),
            ));
        }
    };
    let agent_pick = match r.agent_pick.as_deref() {
        None | Some("longest_idle") => AgentPick::LongestIdle,
        Some("last_freed") => AgentPick::LastFreed,
        Some(other) => {
            return Err(invalid(
                "routing.agent_pick",
                format!("'{other}' is not an agent rule (expected longest_idle or last_freed)"),
            ));
        }
    };
    Ok(Routing {
        group_pick,
        agent_pick,
    })
}

/// Checks a `staff` value: a constant, or steps in time order.
pub fn staff_steps(key: &str, staff: &RawStaff) -> Result<Vec<(SimTime, u32)>, Invalid> {
    match staff {
        RawStaff::Fixed(n) => Ok(vec![(0, *n)]),
        RawStaff::Steps(steps) => {
            if steps.is_empty() {
                return Err(invalid(
                    key,
                    "is an empty schedule (expected at least one { at, agents })",
                ));
            }
            for (j, s) in steps.iter().enumerate().skip(1) {
                if s.at <= steps[j - 1].at {
                    return Err(invalid(
                        format!("{key}[{j}].at"),
                        format!(
                            "{} does not come after the previous step's {} (steps must be in time order)",
                            show_tod(s.at.0),
                            show_tod(steps[j - 1].at.0)
                        ),
                    ));
                }
            }
            if steps.iter().any(|s| s.at.0 >= DAY) {
                return Err(invalid(
                    key,
                    "a step at 24:00 belongs to the next day (write 00:00)",
                ));
            }
            Ok(steps.iter().map(|s| (s.at.0, s.agents)).collect())
        }
    }
}
