//! Rosters that differ by day: a `[days]` entry's `roster` or `staff` for
//! a group replaces the group's own on that day (a date's entry before its
//! weekday's). The groups' headcount
//! steps then span the run's days instead of repeating daily.
//!
//! Each day's table covers that day from 00:00 to 24:00, as a group's own
//! roster covers every day: a shift written across midnight counts at both
//! ends of its own day.

use super::calendar::Calendar;
use super::checks::{Invalid, invalid};
use super::raw::RawAgents;
use super::raw::RawDay;
use super::scenario::GroupPlan;
use super::validate_agents::{day_steps, on_shift, on_shift_factor};
use crate::time::{DAY, SimTime};
use indexmap::IndexMap;

/// Gives every group steps over the whole run when some day has a roster
/// of its own (otherwise leaves the daily rosters as they are).
pub(super) fn apply(
    groups: &mut [GroupPlan],
    agents: &RawAgents,
    cal: &Calendar,
    days: &IndexMap<String, RawDay>,
) -> Result<(), Invalid> {
    let factor = on_shift_factor(agents)?;
    let overlap = agents.handover_overlap.map_or(0, |d| d.0);
    // (day key, group index) -> that day's steps on shift.
    let mut own: IndexMap<(&str, usize), Vec<(SimTime, u32)>> = IndexMap::new();
    for (name, d) in days {
        let names = d.roster.iter().flat_map(|r| r.keys());
        let names = names.chain(d.staff.iter().flat_map(|s| s.keys()));
        for group in names {
            let key = |k: &str| format!("days.{name}.{k}.{group}");
            let g = groups
                .iter()
                .position(|g| &g.name == group)
                .ok_or_else(|| {
                    let known: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
                    let which = if d.roster.as_ref().is_some_and(|r| r.contains_key(group)) {
                        "roster"
                    } else {
                        "staff"
                    };
                    invalid(
                        key(which),
                        format!(
                            "'{group}' is not a group (expected one of: {})",
                            known.join(", ")
                        ),
                    )
                })?;
            if own.contains_key(&(name.as_str(), g)) {
                continue;
            }
            let staff = d.staff.as_ref().and_then(|s| s.get(group));
            let roster = d.roster.as_ref().and_then(|r| r.get(group));
            let steps = day_steps(&key, staff, roster.map(Vec::as_slice), overlap)?;
            let which = if roster.is_some() { "roster" } else { "staff" };
            own.insert((name.as_str(), g), on_shift(&key(which), steps, factor)?);
        }
    }
    if own.is_empty() {
        return Ok(());
    }
    let n_days = cal.day_keys.len() as SimTime;
    for (g, plan) in groups.iter_mut().enumerate() {
        let daily = whole_day(&plan.staff);
        let mut steps: Vec<(SimTime, u32)> = Vec::new();
        for (i, k) in cal.day_keys.iter().enumerate() {
            let day = k
                .iter()
                .find_map(|k| own.get(&(k.as_str(), g)))
                .map_or_else(|| daily.clone(), |s| whole_day(s));
            for (at, n) in day {
                if steps.last().is_none_or(|s| s.1 != n) {
                    steps.push((i as SimTime * DAY + at, n));
                }
            }
        }
        plan.staff = steps;
        plan.period = n_days * DAY;
    }
    Ok(())
}

/// Daily steps starting at 00:00 (before its first step a day holds the
/// last step's count, carried over from the day before).
fn whole_day(steps: &[(SimTime, u32)]) -> Vec<(SimTime, u32)> {
    let mut out = Vec::with_capacity(steps.len() + 1);
    if steps.first().is_some_and(|s| s.0 > 0) {
        out.push((0, steps.last().map_or(0, |s| s.1)));
    }
    out.extend_from_slice(steps);
    out
}

#[cfg(test)]
mod tests {
    use crate::profile::parse;
    use crate::time::{DAY, HOUR};

    const WEEK: &str = r#"
        horizon = "3d"
        start = "2026-11-09"
        [arrivals]
        rate = "1/s"
        [[agents.groups]]
        name = "pool"
        handle = { exponential = "1s" }
        roster = [{ from = "08:00", to = "20:00", agents = 4 }]
        [days."2026-11-10"]
        staff = { pool = 9 }
    "#;

    #[test]
    fn a_days_roster_replaces_the_groups_on_that_day_only() {
        let sc = parse("week.toml", WEEK, false, &[]).unwrap();
        let g = &sc.groups[0];
        assert_eq!(g.period, 3 * DAY);
        assert_eq!(g.staff_at(9 * HOUR), 4);
        assert_eq!(g.staff_at(DAY + 3 * HOUR), 9);
        assert_eq!(g.staff_at(DAY + 21 * HOUR), 9);
        assert_eq!(g.staff_at(2 * DAY + 3 * HOUR), 0);
        assert_eq!(g.staff_at(2 * DAY + 9 * HOUR), 4);
        assert_eq!(g.next_change(DAY + 3 * HOUR), Some(2 * DAY));
    }

    #[test]
    fn an_unknown_group_is_named_with_its_day() {
        let text = WEEK.replace("pool = 9", "poll = 9");
        let e = parse("week.toml", &text, false, &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("days.2026-11-10.staff.poll: 'poll' is not a group (expected one of: pool)"),
            "{e}"
        );
    }
}
