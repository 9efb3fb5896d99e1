//! `peakdesk staff --shifts FILE`: the staffing search's requirement per
//! interval turned into shifts from the file's templates (the integer
//! program of [`crate::plan::shifts`]), simulated with fresh seeds against
//! the profile's rules and repaired where an interval then misses the
//! target; the cost per period against its lower bound, overstaffing by
//! interval, unused templates, and the shifts written back as the
//! profile's roster by day.

use super::print;
use crate::cli::StaffArgs;
use crate::plan::shift_file::ShiftFile;
use crate::plan::shifts::{self, Plan, Request};
use crate::plan::staff::{self, Staffing, Target};
use crate::plan::{replicate, roster_file};
use crate::profile::Scenario;
use crate::report::export::Exports;
use crate::sla::Verdict;
use crate::time::{DAY, MINUTE, to_secs};
use crate::{Error, ExitCode};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write;

/// Repairs after a failed check before giving up.
const MAX_REPAIRS: u32 = 3;
/// Seconds the solver may take per group.
const SOLVER_SECONDS: f64 = 15.0;

/// What `run` needs from `staff`.
pub struct Job<'a> {
    /// The profile as loaded.
    pub sc: &'a Scenario,
    /// The target threshold's index in the prepared scenario.
    pub k: usize,
    /// The per-interval target.
    pub target: Target,
    /// The staffing search's result: the requirement.
    pub found: &'a Staffing,
    /// The templates.
    pub file: &'a ShiftFile,
    /// The command line.
    pub args: &'a StaffArgs,
}

#[derive(Serialize)]
struct ShiftJson {
    template: String,
    day: String,
    start: String,
    end: String,
    agents: u32,
    breaks: Vec<BreakJson>,
}

#[derive(Serialize)]
struct BreakJson {
    start: String,
    agents: u32,
}

#[derive(Serialize)]
struct IntervalJson {
    from: String,
    required: u32,
    on_duty: u32,
    over: u32,
}

#[derive(Serialize)]
struct GroupJson {
    name: String,
    cost: f64,
    paid_hours: f64,
    lower_bound: f64,
    gap: f64,
    proven_optimal: bool,
    overstaffed_agent_hours: f64,
    unused_templates: Vec<String>,
    shifts: Vec<ShiftJson>,
    intervals: Vec<IntervalJson>,
}

#[derive(Serialize)]
struct ShiftsJson {
    schema: &'static str,
    profile: String,
    shift_file: String,
    interval_s: f64,
    period_days: f64,
    currency: String,
    cost: f64,
    lower_bound: f64,
    gap: f64,
    repairs: u32,
    check_with_fresh_seeds: Option<Verdict>,
    groups: Vec<GroupJson>,
}

/// Rostered heads per interval from agents on shift.
fn rostered(sc: &Scenario, on_shift: u32) -> u32 {
    crate::erlang::rostered(on_shift, sc.staffing_multiplier * (1.0 - sc.shrinkage))
}

/// Agents on shift from rostered heads, as the profile counts them.
fn on_shift(sc: &Scenario, heads: u32) -> u32 {
    (f64::from(heads) * sc.staffing_multiplier * (1.0 - sc.shrinkage)).round() as u32
}

/// One plan per group, the groups solved side by side.
fn solve(job: &Job, required: &[Vec<u32>]) -> Result<Vec<Plan>, Error> {
    std::thread::scope(|s| {
        let handles: Vec<_> = job
            .found
            .groups
            .iter()
            .zip(required)
            .map(|(g, req)| s.spawn(move || solve_group(job, g.group, req)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

fn solve_group(job: &Job, group: usize, req: &[u32]) -> Result<Plan, Error> {
    let sc = job.sc;
    {
        {
            let g = &job
                .found
                .groups
                .iter()
                .find(|g| g.group == group)
                .expect("a staffed group");
            let name = &sc.groups[g.group].name;
            let templates = job
                .file
                .templates
                .iter()
                .enumerate()
                .filter(|(_, t)| t.groups.as_ref().is_none_or(|gs| gs.contains(name)))
                .collect();
            let r = Request {
                required: req,
                interval: job.found.interval,
                templates,
                // Without a cost, a paid hour counts 1: fewest paid hours.
                cost_per_hour: sc
                    .costs
                    .as_ref()
                    .map(|c| c.agent_hour[g.group])
                    .filter(|&c| c > 0.0)
                    .unwrap_or(1.0),
                calendar: sc.calendar.as_ref(),
                max_part_time_share: job.file.max_part_time_share,
                time_limit_s: SOLVER_SECONDS,
            };
            shifts::plan(&r).map_err(|e| Error::Usage(format!("{}: {name}: {e}", job.file.file)))
        }
    }
}

/// Plans, checks with fresh seeds and repairs; then reports.
pub fn run(job: &Job, exports: &Exports, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let sc = job.sc;
    let interval = job.found.interval;
    let mut required: Vec<Vec<u32>> = job
        .found
        .groups
        .iter()
        .map(|g| g.cells.iter().map(|c| rostered(sc, c.staff)).collect())
        .collect();
    let mut repairs = 0;
    let (plans, verdict) = loop {
        let plans = solve(job, &required)?;
        let duty: Vec<(usize, Vec<u32>)> = on_shift_by_group(job, &plans)
            .into_iter()
            .map(|(g, _, on)| (g, on))
            .collect();
        let mut fresh = staff::with_roster(sc, interval, &duty);
        fresh.answered_within = prepared_thresholds(sc, job);
        let checked = replicate::fresh_check(fresh, job.args.replications, job.args.run.threads)?;
        let Some((verdict, agg)) = checked else {
            break (plans, None);
        };
        if verdict != Verdict::Fail || repairs == MAX_REPAIRS {
            break (plans, Some(verdict));
        }
        if !repair(job, &agg, &mut required) {
            break (plans, Some(verdict));
        }
        repairs += 1;
    };
    let j = json(job, &required, &plans, repairs, verdict);
    exports.write_json(out, &j)?;
    if let Some(p) = &job.args.write_profile {
        let rows = on_shift_by_group(job, &plans);
        roster_file::write_days(&job.args.profile.profile, sc, &rows, interval, p, out)?;
    }
    if exports.text() {
        print(out, &table(&j))?;
    }
    Ok(match verdict {
        Some(Verdict::Fail) => ExitCode::SlaFailed,
        Some(Verdict::Inconclusive) => ExitCode::Inconclusive,
        _ if !job.found.converged => ExitCode::Inconclusive,
        _ => ExitCode::Pass,
    })
}

/// Per group: its index, rostered heads on duty and agents on shift, per
/// interval.
fn on_shift_by_group(job: &Job, plans: &[Plan]) -> Vec<(usize, Vec<u32>, Vec<u32>)> {
    job.found
        .groups
        .iter()
        .zip(plans)
        .map(|(g, p)| {
            let on = p.on_duty.iter().map(|&h| on_shift(job.sc, h)).collect();
            (g.group, p.on_duty.clone(), on)
        })
        .collect()
}

/// One more agent wherever an interval missed the target with fresh
/// seeds; whether any did.
fn repair(job: &Job, agg: &crate::metrics::Aggregate, required: &mut [Vec<u32>]) -> bool {
    let mut moved = false;
    for (req, g) in required.iter_mut().zip(&job.found.groups) {
        let missed = staff::misses(agg, g.group, req.len(), job.k, job.target);
        for (r, m) in req.iter_mut().zip(missed) {
            if m {
                *r += 1;
                moved = true;
            }
        }
    }
    moved
}

/// The thresholds the search counted, so the check can find the target's.
fn prepared_thresholds(sc: &Scenario, job: &Job) -> Vec<crate::time::SimTime> {
    let mut t = sc.answered_within.clone();
    if !t.contains(&job.target.within) {
        t.push(job.target.within);
    }
    t
}

fn hhmm(t: i64) -> String {
    let m = t.rem_euclid(DAY as i64) as u64 / MINUTE;
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn day_of(sc: &Scenario, t: i64) -> String {
    let day = t.div_euclid(DAY as i64);
    match (&sc.calendar, day) {
        (Some(c), d) if d >= 0 => c.day_label(d as u64),
        (Some(c), _) => format!("the day before {}", c.day_label(0)),
        (None, d) => format!("day {}", d + 1),
    }
}

fn json(
    job: &Job,
    required: &[Vec<u32>],
    plans: &[Plan],
    repairs: u32,
    v: Option<Verdict>,
) -> ShiftsJson {
    let sc = job.sc;
    let interval = job.found.interval;
    let hours = to_secs(interval) / 3600.0;
    let groups: Vec<GroupJson> = job
        .found
        .groups
        .iter()
        .zip(plans)
        .zip(required)
        .map(|((g, p), req)| {
            let intervals: Vec<IntervalJson> = req
                .iter()
                .zip(&p.on_duty)
                .enumerate()
                .map(|(c, (&r, &d))| IntervalJson {
                    from: sc.time_label(c as u64 * interval),
                    required: r,
                    on_duty: d,
                    over: d.saturating_sub(r),
                })
                .collect();
            let shifts = p.shifts.iter().map(|s| shift_json(job, s)).collect();
            GroupJson {
                name: sc.groups[g.group].name.clone(),
                cost: p.cost,
                paid_hours: p.paid_hours,
                lower_bound: p.lower_bound,
                gap: gap(p.cost, p.lower_bound),
                proven_optimal: p.proven,
                overstaffed_agent_hours: intervals.iter().map(|i| f64::from(i.over) * hours).sum(),
                unused_templates: p
                    .unused
                    .iter()
                    .map(|&t| job.file.templates[t].name.clone())
                    .collect(),
                shifts,
                intervals,
            }
        })
        .collect();
    let cost: f64 = groups.iter().map(|g| g.cost).sum();
    let lower_bound: f64 = groups.iter().map(|g| g.lower_bound).sum();
    ShiftsJson {
        schema: "peakdesk.shifts/1",
        profile: sc.name.clone(),
        shift_file: job.file.file.clone(),
        interval_s: to_secs(interval),
        period_days: to_secs(sc.roster_period()) / 86_400.0,
        currency: sc
            .costs
            .as_ref()
            .map_or_else(String::new, |c| c.currency.clone()),
        cost,
        lower_bound,
        gap: gap(cost, lower_bound),
        repairs,
        check_with_fresh_seeds: v,
        groups,
    }
}

/// One shift of a plan: its template, day, hours, agents and breaks.
fn shift_json(job: &Job, s: &shifts::Shift) -> ShiftJson {
    let t = &job.file.templates[s.template];
    ShiftJson {
        template: t.name.clone(),
        day: day_of(job.sc, s.start),
        start: hhmm(s.start),
        end: hhmm(s.start + t.length as i64),
        agents: s.agents,
        breaks: s
            .breaks
            .iter()
            .flatten()
            .map(|(at, n)| BreakJson {
                start: hhmm(*at),
                agents: *n,
            })
            .collect(),
    }
}

fn gap(cost: f64, bound: f64) -> f64 {
    if bound > 0.0 { cost / bound - 1.0 } else { 0.0 }
}

fn table(j: &ShiftsJson) -> String {
    let mut out = String::new();
    let period = if j.period_days > 1.0 {
        format!("{} days", j.period_days)
    } else {
        "day".into()
    };
    let _ = writeln!(
        out,
        "peakdesk staff --shifts: {} with {} · every {} min\n\n{} per {period}: {:.0} (lower bound {:.0}, {:.1}% above){}; the profile's rules with fresh seeds: {}",
        j.profile,
        j.shift_file,
        j.interval_s / 60.0,
        if j.currency.is_empty() {
            "cost".to_string()
        } else {
            format!("cost in {}", j.currency)
        },
        j.cost,
        j.lower_bound,
        j.gap * 100.0,
        if j.repairs > 0 {
            format!(" after {} repairs", j.repairs)
        } else {
            String::new()
        },
        j.check_with_fresh_seeds
            .map_or("no rules".into(), |v| format!("{v:?}").to_lowercase()),
    );
    for g in &j.groups {
        let _ = writeln!(
            out,
            "\n{}: {} agents on {} shifts, {:.0} paid hours, cost {:.0} (bound {:.0}, {:.1}% above{}), overstaffed {:.0} agent-hours",
            g.name,
            g.shifts.iter().map(|s| s.agents).sum::<u32>(),
            g.shifts.len(),
            g.paid_hours,
            g.cost,
            g.lower_bound,
            g.gap * 100.0,
            if g.proven_optimal {
                ", optimal"
            } else {
                ", best found in time"
            },
            g.overstaffed_agent_hours
        );
        if !g.unused_templates.is_empty() {
            let _ = writeln!(
                out,
                "  unused templates (the requirement has no use for them): {}",
                g.unused_templates.join(", ")
            );
        }
        let mut day = "";
        for s in &g.shifts {
            if s.day != day {
                let _ = write!(out, "\n  {}:", s.day);
                day = &s.day;
            }
            let _ = write!(out, "  {} {}-{} x{}", s.template, s.start, s.end, s.agents);
        }
        let _ = writeln!(out);
        let worst = g.intervals.iter().max_by_key(|i| i.over);
        if let Some(w) = worst.filter(|w| w.over > 0) {
            let _ = writeln!(
                out,
                "  most overstaffed: {} ({} on duty for {} required)",
                w.from, w.on_duty, w.required
            );
        }
    }
    out
}
