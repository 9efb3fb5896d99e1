//! Shifts from requirements: the fewest-cost set of shifts whose agents on
//! duty cover each interval's requirement, for one group, as an integer
//! program (a set-covering model with explicit break placement: Dantzig
//! 1954, Aykin 1996) solved by a pure-Rust branch and bound (`microlp`
//! through `good_lp`).
//!
//! Variables: agents starting each template at each allowed start on each
//! day (and the day before the run, for shifts running past midnight into
//! it), and for each break of a shift how many of its agents take it at
//! each allowed offset. An interval is covered by the agents on a shift
//! over it less those on a break in it. Templates give their cost per paid
//! hour, fewest and most agents per day, and part-time shifts may be held
//! to a share of paid hours.

use super::shift_file::Template;
use crate::profile::calendar::Calendar;
use crate::time::{DAY, HOUR, SimTime};
use good_lp::{
    Expression, ProblemVariables, Solution, SolutionStatus, SolverModel, Variable, WithMipGap,
    WithTimeLimit, microlp, variable,
};
use std::ops::Range;

/// What to cover, and with what.
pub struct Request<'a> {
    /// Rostered agents needed per interval, from the run's start.
    pub required: &'a [u32],
    /// Interval length.
    pub interval: SimTime,
    /// The templates this group may use, with their index in the file.
    pub templates: Vec<(usize, &'a Template)>,
    /// A paid hour's cost when the template does not say.
    pub cost_per_hour: f64,
    /// Dates of the run's days (for templates limited to some days).
    pub calendar: Option<&'a Calendar>,
    /// Largest share of paid hours on part-time shifts.
    pub max_part_time_share: Option<f64>,
    /// Seconds the solver may search before keeping its best.
    pub time_limit_s: f64,
}

/// Agents working one template from one start.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    /// Index of the template in the file.
    pub template: usize,
    /// Start, from the run's start (negative: the day before).
    pub start: i64,
    /// How many agents.
    pub agents: u32,
    /// Per break of the template: (start from the run's start, agents).
    pub breaks: Vec<Vec<(i64, u32)>>,
}

/// The shifts chosen for a group, and what they cost.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The shifts, by start.
    pub shifts: Vec<Shift>,
    /// Agents on duty per interval.
    pub on_duty: Vec<u32>,
    /// Cost of the paid hours.
    pub cost: f64,
    /// Paid hours.
    pub paid_hours: f64,
    /// The requirement's agent-hours at the cheapest cost per hour on duty:
    /// no set of shifts costs less.
    pub lower_bound: f64,
    /// Whether the solver proved the plan optimal (within 0.5%) in time.
    pub proven: bool,
    /// Templates this group could use that no agent works.
    pub unused: Vec<usize>,
}

/// Why no shifts were found.
#[derive(Debug, thiserror::Error)]
pub enum ShiftsError {
    /// Some interval is covered by no template.
    #[error(
        "no shift template covers {interval} (from the run's start), which needs {need} agents"
    )]
    Uncovered {
        /// The interval's index.
        interval: usize,
        /// The agents it needs.
        need: u32,
    },
    /// The solver failed (infeasible limits, or out of time before any plan).
    #[error("the shift plan cannot be solved: {0}")]
    Solver(#[from] good_lp::ResolutionError),
}

/// One start of one template, with the intervals it and its breaks cover.
struct Instance {
    template: usize,
    day: i64,
    start: i64,
    cover: Range<usize>,
    /// Per break: (start, intervals covered) for every allowed placement.
    breaks: Vec<Vec<(i64, Range<usize>)>>,
    cost: f64,
    paid_hours: f64,
}

fn cells(from: i64, len: SimTime, interval: SimTime, n: usize) -> Range<usize> {
    let step = interval as i64;
    let a = from.max(0) / step;
    let b = (from + len as i64).clamp(0, (n as i64) * step) / step;
    (a as usize).min(n)..(b as usize).max(a as usize).min(n)
}

fn instances(r: &Request) -> Vec<Instance> {
    let n = r.required.len();
    let days = (n as u64 * r.interval).div_ceil(DAY) as i64;
    let mut out = Vec::new();
    for (slot, t) in &r.templates {
        let on = |day: i64| match (&t.days, r.calendar) {
            (None, _) => true,
            (Some(keys), Some(cal)) => keys.iter().any(|k| cal.names(k, day) == Some(true)),
            (Some(_), None) => false,
        };
        for day in -1..days {
            if !on(day) {
                continue;
            }
            for &s in &t.starts {
                let start = day * DAY as i64 + s as i64;
                let cover = cells(start, t.length, r.interval, n);
                if cover.is_empty() {
                    continue;
                }
                let breaks = t
                    .breaks
                    .iter()
                    .map(|b| {
                        (b.earliest..=b.latest)
                            .step_by(r.interval as usize)
                            .map(|o| {
                                let at = start + o as i64;
                                (at, cells(at, b.length, r.interval, n))
                            })
                            .collect()
                    })
                    .collect();
                let paid_hours = t.paid_hours();
                out.push(Instance {
                    template: *slot,
                    day,
                    start,
                    cover,
                    breaks,
                    cost: paid_hours * t.cost_per_hour.unwrap_or(r.cost_per_hour) * t.premium,
                    paid_hours,
                });
            }
        }
    }
    out
}

/// The cheapest cost of an hour on duty over the templates.
fn cheapest_duty_hour(r: &Request) -> f64 {
    r.templates
        .iter()
        .map(|(_, t)| {
            let off: SimTime = t.breaks.iter().map(|b| b.length).sum();
            let duty = (t.length - off) as f64 / HOUR as f64;
            t.paid_hours() * t.cost_per_hour.unwrap_or(r.cost_per_hour) * t.premium / duty.max(1e-9)
        })
        .fold(f64::INFINITY, f64::min)
}

/// Chooses the shifts.
pub fn plan(r: &Request) -> Result<Plan, ShiftsError> {
    let inst = instances(r);
    reachable(r, &inst)?;
    let mut vars = ProblemVariables::new();
    // No shift needs more agents than its busiest interval times the
    // ways its breaks can be spread (a bound that speeds the search).
    let cap = |i: &Instance| {
        let most = r.required[i.cover.clone()]
            .iter()
            .copied()
            .max()
            .unwrap_or(0);
        let spread: usize = i.breaks.iter().map(Vec::len).sum();
        f64::from(most) * (1 + spread) as f64
    };
    let x: Vec<Variable> = inst
        .iter()
        .map(|i| vars.add(variable().integer().min(0).max(cap(i))))
        .collect();
    let y: Vec<Vec<Vec<Variable>>> = inst
        .iter()
        .map(|i| {
            let cap = cap(i);
            i.breaks
                .iter()
                .map(|b| {
                    b.iter()
                        .map(|_| vars.add(variable().integer().min(0).max(cap)))
                        .collect()
                })
                .collect()
        })
        .collect();
    let cost: Expression = inst.iter().zip(&x).map(|(i, v)| i.cost * *v).sum();
    let mut model = vars
        .minimise(cost)
        .using(microlp)
        .with_time_limit(r.time_limit_s)
        .with_mip_gap(0.005)
        .expect("a positive gap");
    cover(&mut model, r, &inst, &x, &y);
    day_limits(&mut model, r, &inst, &x);
    if let Some(share) = r.max_part_time_share {
        part_time_limit(&mut model, r, &inst, &x, share);
    }
    let sol = model.solve()?;
    Ok(read(r, &inst, &x, &y, &sol))
}

/// Checks that every interval needing agents is covered by some shift.
fn reachable(r: &Request, inst: &[Instance]) -> Result<(), ShiftsError> {
    let n = r.required.len();
    let mut reach = vec![false; n];
    for i in inst {
        reach[i.cover.clone()].iter_mut().for_each(|c| *c = true);
    }
    if let Some(c) = (0..n).find(|&c| r.required[c] > 0 && !reach[c]) {
        return Err(ShiftsError::Uncovered {
            interval: c,
            need: r.required[c],
        });
    }
    Ok(())
}

/// Each interval's agents on duty (on shift and not on a break) at least
/// its requirement; each break of each shift taken at one of its places.
fn cover<M: SolverModel>(
    model: &mut M,
    r: &Request,
    inst: &[Instance],
    x: &[Variable],
    y: &[Vec<Vec<Variable>>],
) {
    let n = r.required.len();
    let mut duty = vec![Expression::from(0.0); n];
    for (k, i) in inst.iter().enumerate() {
        for c in i.cover.clone() {
            duty[c] += x[k];
        }
        for (b, places) in i.breaks.iter().enumerate() {
            let taken: Expression = y[k][b].iter().copied().sum();
            model.add_constraint(taken.eq(x[k]));
            for (p, (_, cov)) in places.iter().enumerate() {
                for c in cov.clone() {
                    duty[c] -= y[k][b][p];
                }
            }
        }
    }
    for (c, d) in duty.into_iter().enumerate() {
        if r.required[c] > 0 {
            model.add_constraint(d.geq(f64::from(r.required[c])));
        }
    }
}

/// Part-time shifts' paid hours at most `share` of all paid hours.
fn part_time_limit<M: SolverModel>(
    model: &mut M,
    r: &Request,
    inst: &[Instance],
    x: &[Variable],
    share: f64,
) {
    let mut over = Expression::from(0.0);
    for (k, i) in inst.iter().enumerate() {
        let pt = if r
            .templates
            .iter()
            .any(|(s, t)| *s == i.template && t.part_time)
        {
            1.0
        } else {
            0.0
        };
        over += (pt - share) * i.paid_hours * x[k];
    }
    model.add_constraint(over.leq(0.0));
}

/// Fewest and most agents per template and day.
fn day_limits<M: SolverModel>(model: &mut M, r: &Request, inst: &[Instance], x: &[Variable]) {
    for (slot, t) in &r.templates {
        if t.min == 0 && t.max.is_none() {
            continue;
        }
        let mut days: Vec<i64> = inst
            .iter()
            .filter(|i| i.template == *slot)
            .map(|i| i.day)
            .collect();
        days.dedup();
        for day in days.into_iter().filter(|d| *d >= 0) {
            let sum: Expression = inst
                .iter()
                .zip(x)
                .filter(|(i, _)| i.template == *slot && i.day == day)
                .map(|(_, v)| *v)
                .sum();
            if t.min > 0 {
                model.add_constraint(sum.clone().geq(f64::from(t.min)));
            }
            if let Some(max) = t.max {
                model.add_constraint(sum.leq(f64::from(max)));
            }
        }
    }
}

fn read<S: Solution>(
    r: &Request,
    inst: &[Instance],
    x: &[Variable],
    y: &[Vec<Vec<Variable>>],
    sol: &S,
) -> Plan {
    let n = r.required.len();
    let count = |v: Variable| sol.value(v).round().max(0.0) as u32;
    let mut on_duty = vec![0u32; n];
    let mut shifts = Vec::new();
    let (mut cost, mut paid_hours) = (0.0, 0.0);
    for (k, i) in inst.iter().enumerate() {
        let agents = count(x[k]);
        if agents == 0 {
            continue;
        }
        on_duty[i.cover.clone()]
            .iter_mut()
            .for_each(|c| *c += agents);
        let mut breaks = Vec::new();
        for (b, places) in i.breaks.iter().enumerate() {
            let mut taken = Vec::new();
            for (p, (at, cov)) in places.iter().enumerate() {
                let m = count(y[k][b][p]);
                if m > 0 {
                    on_duty[cov.clone()].iter_mut().for_each(|c| *c -= m);
                    taken.push((*at, m));
                }
            }
            breaks.push(taken);
        }
        cost += i.cost * f64::from(agents);
        paid_hours += i.paid_hours * f64::from(agents);
        shifts.push(Shift {
            template: i.template,
            start: i.start,
            agents,
            breaks,
        });
    }
    shifts.sort_by_key(|s| (s.start, s.template));
    let hours = r.interval as f64 / HOUR as f64;
    let need: f64 = r.required.iter().map(|&q| f64::from(q) * hours).sum();
    let unused = r
        .templates
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| !shifts.iter().any(|sh| sh.template == *s))
        .collect();
    Plan {
        shifts,
        on_duty,
        cost,
        paid_hours,
        lower_bound: need * cheapest_duty_hour(r),
        proven: matches!(sol.status(), SolutionStatus::Optimal),
        unused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::shift_file::parse;

    fn request<'a>(
        required: &'a [u32],
        file: &'a super::super::shift_file::ShiftFile,
    ) -> Request<'a> {
        Request {
            required,
            interval: HOUR,
            templates: file.templates.iter().enumerate().collect(),
            cost_per_hour: 10.0,
            calendar: None,
            max_part_time_share: None,
            time_limit_s: 10.0,
        }
    }

    #[test]
    fn two_hour_shifts_cover_a_flat_requirement_at_the_lower_bound() {
        let file = parse(
            "s.toml",
            r#"
            [[shift]]
            name = "two"
            starts = ["00:00", "01:00", "02:00"]
            length = "2h"
            "#,
        )
        .unwrap();
        let req = [2, 2, 2, 2];
        let p = plan(&request(&req, &file)).unwrap();
        assert_eq!(p.on_duty, vec![2, 2, 2, 2]);
        assert_eq!(p.cost, 80.0);
        assert_eq!(p.lower_bound, 80.0);
        assert!(p.proven);
        assert!(p.unused.is_empty());
    }

    #[test]
    fn breaks_are_staggered_and_dearer_templates_stay_unused() {
        let file = parse(
            "s.toml",
            r#"
            [[shift]]
            name = "four"
            starts = ["00:00"]
            length = "4h"
            breaks = [{ length = "1h", window = ["1h", "2h"] }]
            [[shift]]
            name = "dear"
            starts = ["00:00"]
            length = "4h"
            premium = 3
            "#,
        )
        .unwrap();
        let req = [3, 3, 3, 3];
        let p = plan(&request(&req, &file)).unwrap();
        // Breaks at 01:00 and 02:00 split evenly: 3 + 3 on duty after 1 + 2 away.
        assert!(
            p.on_duty.iter().zip(&req).all(|(d, r)| d >= r),
            "{:?}",
            p.on_duty
        );
        assert_eq!(p.shifts.len(), 1, "{:?}", p.shifts);
        assert_eq!(p.shifts[0].agents, 6);
        assert_eq!(p.cost, 6.0 * 3.0 * 10.0);
        assert_eq!(p.unused, vec![1]);
    }

    #[test]
    fn an_interval_no_template_reaches_is_named() {
        let file = parse(
            "s.toml",
            "[[shift]]\nname = \"one\"\nstarts = [\"00:00\"]\nlength = \"1h\"\n",
        )
        .unwrap();
        let e = plan(&request(&[1, 1], &file)).unwrap_err();
        assert!(
            matches!(
                e,
                ShiftsError::Uncovered {
                    interval: 1,
                    need: 1
                }
            ),
            "{e}"
        );
    }
}
