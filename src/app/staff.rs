//! `peakdesk staff`: the roster search of [`crate::plan::staff`] from the
//! command line: which target, which groups, the table next to Erlang's
//! answers with the agent-hours of each, a check of the roster with fresh
//! seeds, and the roster written back into a copy of the profile.

use super::print;
use crate::cli::StaffArgs;
use crate::erlang::rostered_fte;
use crate::plan::staff::{self, Staffing, Target};
use crate::plan::{replicate, roster_file};
use crate::profile::Scenario;
use crate::profile::units::Duration;
use crate::report::export::{Exports, Format};
use crate::report::progress::Progress;
use crate::sla::rules::{Bound, Metric, Scope, Stat};
use crate::sla::{self, Severity, Verdict};
use crate::time::{DAY, MINUTE, to_secs};
use crate::{Error, ExitCode, report};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write;

/// The target from the profile's error rules: human_response, then
/// answered_within, then first_response; abandonment from its rule.
fn target_from_rules(rules: &[sla::Rule]) -> Option<(Target, String)> {
    let errors = || rules.iter().filter(|r| r.severity == Severity::Error);
    // A time percentile "pNN <= X" is the share NN answered within X.
    let pick = |metric: Metric| {
        errors()
            .filter(|r| r.metric == metric)
            .find_map(|r| match (r.stat, r.bound, r.within) {
                (Stat::Quantile(q), Bound::Max(x), None) => {
                    Some((q, crate::time::from_secs_f64(x), r.name.clone()))
                }
                (Stat::Share, Bound::Min(s), Some(t)) => Some((s, t, r.name.clone())),
                _ => None,
            })
    };
    let (share, within, name) = pick(Metric::HumanResponse)
        .or_else(|| pick(Metric::AnsweredWithin))
        .or_else(|| pick(Metric::FirstResponse))?;
    let max_abandon = errors().find_map(|r| match (r.metric, r.bound) {
        (Metric::ShoppersLost | Metric::LeftBeforeAnswer, Bound::Max(x)) => Some(x),
        _ => None,
    });
    Some((
        Target {
            share,
            within,
            max_abandon,
            max_occupancy: None,
        },
        name,
    ))
}

/// The occupancy caps of the profile's error rules: one for every group
/// (scope all) and one per group (a rule on that group).
fn caps_from_rules(rules: &[sla::Rule]) -> (Option<f64>, Vec<(usize, f64)>) {
    let caps = rules
        .iter()
        .filter_map(|r| match (r.severity, r.metric, r.bound) {
            (Severity::Error, Metric::Occupancy, Bound::Max(x)) => Some((r.scope, x)),
            _ => None,
        });
    let all = caps
        .clone()
        .filter(|(s, _)| *s == Scope::All)
        .map(|(_, x)| x)
        .reduce(f64::min);
    let mut groups: Vec<(usize, f64)> = Vec::new();
    for (scope, x) in caps {
        if let Scope::Group(g) = scope {
            match groups.iter_mut().find(|(i, _)| *i == g) {
                Some((_, cap)) => *cap = cap.min(x),
                None => groups.push((g, x)),
            }
        }
    }
    (all, groups)
}

/// The groups to staff: named ones, or every primary group.
fn groups(sc: &Scenario, names: &[String]) -> Result<Vec<usize>, Error> {
    if names.is_empty() {
        return Ok((0..sc.groups.len())
            .filter(|&g| !sc.groups[g].overflow_role)
            .collect());
    }
    names
        .iter()
        .map(|n| {
            sc.groups.iter().position(|g| &g.name == n).ok_or_else(|| {
                let known: Vec<&str> = sc.groups.iter().map(|g| g.name.as_str()).collect();
                Error::Usage(format!(
                    "--groups: '{n}' is not a group of the profile (expected one of {})",
                    known.join(", ")
                ))
            })
        })
        .collect()
}

#[derive(Serialize)]
struct CellJson {
    from: String,
    demand_per_h: f64,
    profile: u32,
    erlang_c: Option<u32>,
    erlang_a: Option<u32>,
    staff: u32,
    rostered_fte: u32,
    service_level: Option<f64>,
    abandonment: Option<f64>,
    occupancy: Option<f64>,
    reachable: bool,
}

#[derive(Serialize)]
struct AgentHours {
    profile: f64,
    erlang_c: Option<f64>,
    erlang_a: Option<f64>,
    simulated: f64,
    rostered: f64,
}

#[derive(Serialize)]
struct GroupJson {
    name: String,
    concurrency: u32,
    mean_handle_s: f64,
    max_occupancy: Option<f64>,
    agent_hours: AgentHours,
    intervals: Vec<CellJson>,
}

#[derive(Serialize)]
struct StaffJson {
    schema: &'static str,
    profile: String,
    interval_s: f64,
    target: TargetJson,
    replications: u32,
    interval_tries: u32,
    rounds: u32,
    converged: bool,
    shrinkage: f64,
    check_with_fresh_seeds: Option<Verdict>,
    groups: Vec<GroupJson>,
}

#[derive(Serialize)]
struct TargetJson {
    share: f64,
    within_s: f64,
    max_abandon: Option<f64>,
    max_occupancy: Option<f64>,
    from: String,
}

fn json(
    sc: &Scenario,
    s: &Staffing,
    a: &StaffArgs,
    t: TargetJson,
    v: Option<Verdict>,
) -> StaffJson {
    let hours = to_secs(s.interval) / 3600.0;
    let total = |f: &dyn Fn(&staff::Cell) -> Option<u32>, g: &staff::GroupRoster| {
        g.cells
            .iter()
            .map(|c| f(c).map(|n| f64::from(n) * hours))
            .sum::<Option<f64>>()
    };
    StaffJson {
        schema: "peakdesk.staff/1",
        profile: sc.name.clone(),
        interval_s: to_secs(s.interval),
        target: t,
        replications: a.replications,
        interval_tries: s.tries,
        rounds: s.rounds,
        converged: s.converged,
        shrinkage: sc.shrinkage,
        check_with_fresh_seeds: v,
        groups: s
            .groups
            .iter()
            .map(|g| GroupJson {
                name: sc.groups[g.group].name.clone(),
                concurrency: sc.groups[g.group].concurrency,
                mean_handle_s: g.mean_handle_s,
                max_occupancy: g.max_occupancy,
                agent_hours: AgentHours {
                    profile: total(&|c| Some(c.profile), g).unwrap_or(0.0),
                    erlang_c: total(&|c| c.erlang_c, g),
                    erlang_a: total(&|c| c.erlang_a, g),
                    simulated: total(&|c| Some(c.staff), g).unwrap_or(0.0),
                    rostered: total(&|c| Some(rostered_fte(c.staff, sc.shrinkage)), g)
                        .unwrap_or(0.0),
                },
                intervals: g
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| CellJson {
                        from: sc.time_label(i as u64 * s.interval),
                        demand_per_h: c.demand_per_h,
                        profile: c.profile,
                        erlang_c: c.erlang_c,
                        erlang_a: c.erlang_a,
                        staff: c.staff,
                        rostered_fte: rostered_fte(c.staff, sc.shrinkage),
                        service_level: c.service_level,
                        abandonment: c.abandonment,
                        occupancy: c.occupancy,
                        reachable: c.reachable,
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn table(j: &StaffJson) -> String {
    let mut out = String::new();
    let t = &j.target;
    let _ = writeln!(
        out,
        "peakdesk staff: {} · every {} min: {:.0}% of shoppers who need an agent answered by one within {}{}{} (from {})",
        j.profile,
        j.interval_s / 60.0,
        t.share * 100.0,
        Duration(crate::time::from_secs_f64(t.within_s)),
        t.max_abandon.map_or(String::new(), |m| format!(
            ", at most {:.1}% give up",
            m * 100.0
        )),
        t.max_occupancy.map_or(String::new(), |m| format!(
            ", occupancy at most {:.0}%",
            m * 100.0
        )),
        t.from
    );
    for g in &j.groups {
        group_table(&mut out, g, j.shrinkage);
    }
    let unreachable = j
        .groups
        .iter()
        .flat_map(|g| &g.intervals)
        .filter(|c| !c.reachable)
        .count();
    if unreachable > 0 {
        let _ = writeln!(
            out,
            "\n{unreachable} intervals miss the target even with four times Erlang C's headcount: \
             staffing cannot reach it (the first agent reply itself takes longer than the target, or \
             shoppers give up faster). Loosen the target or check the reply times."
        );
    }
    let _ = writeln!(
        out,
        "\n{} after {} interval tries and {} whole-day rounds of {} replications{}",
        if j.converged {
            "every interval meets the target"
        } else {
            "NOT converged: some intervals miss the target"
        },
        j.interval_tries,
        j.rounds,
        j.replications,
        match j.check_with_fresh_seeds {
            Some(v) => format!("; the profile's rules with fresh seeds: {v:?}").to_lowercase(),
            None => String::new(),
        }
    );
    out
}

/// One group's lines of the table: its intervals and agent-hours.
fn group_table(out: &mut String, g: &GroupJson, shrinkage: f64) {
    let n = |v: Option<u32>| v.map_or("-".to_string(), |x| x.to_string());
    let pct = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{:.1}%", x * 100.0));
    let h = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.0}"));
    let _ = writeln!(
        out,
        "\n{} (concurrency {}, {:.0} s of agent time per conversation{}; rostered at {}% shrinkage)\n  from   demand/h  profile  Erlang C  Erlang A  simulated  rostered  answered in time  gave up  occupancy",
        g.name,
        g.concurrency,
        g.mean_handle_s,
        g.max_occupancy.map_or(String::new(), |m| format!(
            ", occupancy at most {:.0}%",
            m * 100.0
        )),
        shrinkage * 100.0
    );
    for c in &g.intervals {
        let _ = writeln!(
            out,
            "  {}  {:>8.0}  {:>7}  {:>8}  {:>8}  {:>9}  {:>8}  {:>16}  {:>7}  {:>9}{}",
            c.from,
            c.demand_per_h,
            c.profile,
            n(c.erlang_c),
            n(c.erlang_a),
            c.staff,
            c.rostered_fte,
            pct(c.service_level),
            pct(c.abandonment),
            pct(c.occupancy),
            if c.reachable { "" } else { "  unreachable" }
        );
    }
    let ah = &g.agent_hours;
    let _ = writeln!(
        out,
        "  agent-hours: profile {:.0} · Erlang C {} · Erlang A {} · simulated {:.0} · rostered {:.0}",
        ah.profile,
        h(ah.erlang_c),
        h(ah.erlang_a),
        ah.simulated,
        ah.rostered
    );
}

/// What the search aims at.
struct Goal {
    target: Target,
    /// Where the target came from (`--target`, or a rule).
    from: String,
    /// Groups' own occupancy caps, from the rules.
    group_caps: Vec<(usize, f64)>,
}

/// The staffing target: `--target`, else the profile's rules; the cap on
/// abandonment from `--max-abandon`; the occupancy caps from
/// `--max-occupancy` (every group), else the rules' (some groups).
fn target_of(a: &StaffArgs, sc: &Scenario) -> Result<Goal, Error> {
    if let Some(m) = a.max_abandon
        && !(0.0..=1.0).contains(&m)
    {
        return Err(Error::Usage(format!(
            "--max-abandon {m}: expected a share from 0 to 1"
        )));
    }
    let (mut target, from) = match a.target {
        Some(t) => (
            Target {
                share: t.share,
                within: t.within.0,
                max_abandon: None,
                max_occupancy: None,
            },
            "--target".to_string(),
        ),
        None => target_from_rules(&sc.rules).ok_or_else(|| {
            Error::Usage(format!(
                "{}: no staffing target (give --target SHARE/TIME, e.g. 80/20s, or add a human_response, answered_within or first_response rule to [sla])",
                a.profile.profile.display()
            ))
        })?,
    };
    if a.max_abandon.is_some() {
        target.max_abandon = a.max_abandon;
    }
    let (all_cap, group_caps) = match a.max_occupancy {
        Some(x) => (Some(x), Vec::new()),
        None => caps_from_rules(&sc.rules),
    };
    target.max_occupancy = all_cap;
    Ok(Goal {
        target,
        from,
        group_caps,
    })
}

impl TargetJson {
    fn new(target: Target, from: String) -> TargetJson {
        TargetJson {
            share: target.share,
            within_s: to_secs(target.within),
            max_abandon: target.max_abandon,
            max_occupancy: target.max_occupancy,
            from,
        }
    }
}

/// The profile's rules on the staffed desk, with fresh seeds.
fn verdict(sc: &Scenario, found: &Staffing, a: &StaffArgs) -> Result<Option<Verdict>, Error> {
    Ok(
        replicate::fresh_check(staff::apply(sc, found), a.replications, a.run.threads)?
            .map(|(v, _)| v),
    )
}

/// Writes the result: the JSON, the staffed profile (`--write-profile`)
/// and the table.
fn write(
    a: &StaffArgs,
    sc: &Scenario,
    found: &Staffing,
    j: &StaffJson,
    exports: &Exports,
    out: &mut dyn Write,
) -> Result<(), Error> {
    exports.write_json(out, j)?;
    if let Some(p) = &a.write_profile {
        roster_file::write(&a.profile.profile, sc, found, p, out)?;
        if p.as_os_str() != "-" && !exports.quiet() {
            let what = "the profile with the staffed groups' headcounts as `staff` steps";
            print(out, &format!("wrote {}: {what}\n", p.display()))?;
        }
    }
    if exports.text() {
        print(out, &table(j))?;
        if a.write_profile.is_some() && !a.profile.set.is_empty() {
            print(
                out,
                "note: the written profile does not carry --set overrides; only the staffed groups' headcounts changed\n",
            )?;
        }
    }
    Ok(())
}

/// Runs `peakdesk staff`.
pub fn staff(a: StaffArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let shifts = match &a.shifts {
        Some(path) => Some(crate::plan::shift_file::load(path)?),
        None => None,
    };
    let mut sc = super::load(&a.profile)?;
    a.run.seed(&mut sc);
    super::check_size(&a.run, std::slice::from_ref(&sc), a.replications, 1)?;
    let exports = Exports::new(&a.out, "staff", &[Format::Json])?;
    if let Some(path) = &a.write_profile {
        report::check_writable(path)?;
    }
    let interval = a.interval.0;
    if interval < MINUTE || !DAY.is_multiple_of(interval) {
        return Err(Error::Usage(format!(
            "--interval {}: expected at least 1m and a length that divides a day (15m, 30m, 1h, ...)",
            a.interval
        )));
    }
    let Goal {
        target,
        from,
        group_caps,
    } = target_of(&a, &sc)?;
    if let Some(file) = &shifts {
        file.check_grid(interval)?;
    }
    let groups = groups(&sc, &a.groups)?;
    let (prepared, k) = staff::prepare(&sc, interval, target.within);
    let options = staff::Options {
        interval,
        target,
        replications: a.replications,
        threads: a.run.threads,
        groups,
        max_rounds: a.max_rounds.max(2),
        group_max_occupancy: group_caps,
    };
    let progress = Progress::new(
        staff::steps_at_most(&prepared, &options),
        "steps at most (intervals, then whole-day rounds)",
        exports.quiet(),
    );
    let found = staff::search(&prepared, k, &options, &progress);
    progress.finish();
    let found = found?;
    if let Some(file) = &shifts {
        let job = super::shifts::Job {
            sc: &sc,
            k,
            target,
            found: &found,
            file,
            args: &a,
        };
        return super::shifts::run(&job, &exports, out);
    }
    let j = json(
        &sc,
        &found,
        &a,
        TargetJson::new(target, from),
        verdict(&sc, &found, &a)?,
    );
    write(&a, &sc, &found, &j, &exports, out)?;
    Ok(if found.converged {
        ExitCode::Pass
    } else {
        ExitCode::Inconclusive
    })
}
