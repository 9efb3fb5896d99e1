//! Replications of a run with its SLA rules evaluated on each before it is
//! merged away: a fixed number, or (`--replications auto`) rounds of ten
//! until every rule is conclusive at the confidence that keeps the error
//! rate of the whole sequence of looks at its stated level
//! ([`crate::sla::sequential`]).

use crate::demand::feed;
use crate::metrics::{Aggregate, Replication};
use crate::profile::Scenario;
use crate::report::progress::Progress;
use crate::sla::{self, Verdict};
use crate::{Error, engine};
use rayon::prelude::*;
use std::ops::Range;

/// Replications added per round of `--replications auto`.
pub const AUTO_STEP: u32 = 10;

/// Runs the replications numbered `range`, each evaluated against `rules`
/// before it is merged away and counted on `progress`.
pub fn run_range(
    sc: &Scenario,
    rules: &[sla::Rule],
    range: std::ops::Range<u32>,
    threads: usize,
    progress: &Progress,
) -> Result<Aggregate, Error> {
    let evaluate = |rep: &Replication| evaluate(sc, rules, rep);
    engine::run_evaluated(sc, range, threads, &evaluate, &|t| progress.inc(t)).map_err(Error::from)
}

/// The values of `rules` on one replication of `sc`.
fn evaluate(sc: &Scenario, rules: &[sla::Rule], rep: &Replication) -> Vec<f64> {
    rules
        .iter()
        .map(|r| sla::eval::value(sc, &sc.bands, r, rep))
        .collect()
}

/// Runs, on the current thread pool, the replications `work` asks of
/// points of `scenarios` (a point's index and its replication numbers),
/// each evaluated against its scenario's rules and merged into its
/// point's aggregate. Points that bring the same shoppers (the same
/// [`feed::key`]: they differ only in their desk) run side by side on
/// one draw of those shoppers ([`engine::run_fed`]); every aggregate is
/// the one the point gives alone, for any thread count.
pub fn run_points(
    scenarios: &[Scenario],
    work: &[(usize, Range<u32>)],
    progress: &Progress,
) -> Vec<(usize, Aggregate)> {
    let units = fed_units(scenarios, work, 4 * rayon::current_num_threads());
    let empty = || -> Vec<Option<Aggregate>> { work.iter().map(|_| None).collect() };
    let run = |mut accs: Vec<Option<Aggregate>>, (points, r): &(Vec<usize>, u32)| {
        let scs: Vec<&Scenario> = points.iter().map(|&w| &scenarios[work[w].0]).collect();
        let reps = engine::run_fed(&scs, *r, engine::FED_STEP, &|t| progress.inc(t));
        for ((&w, sc), rep) in points.iter().zip(&scs).zip(reps) {
            let values = evaluate(sc, &sc.rules, &rep);
            accs[w] = Some(accs[w].take().unwrap_or_default().absorb(*r, rep, values));
        }
        accs
    };
    let merge = |a: Vec<Option<Aggregate>>, b: Vec<Option<Aggregate>>| {
        a.into_iter()
            .zip(b)
            .map(|pair| match pair {
                (Some(x), Some(y)) => Some(x.merge(y)),
                (x, y) => x.or(y),
            })
            .collect()
    };
    let accs = units.par_iter().fold(empty, run).reduce(empty, merge);
    work.iter()
        .zip(accs)
        .map(|((i, _), acc)| (*i, acc.unwrap_or_default()))
        .collect()
}

/// The most points one draw of shoppers feeds. Each point saves the draws
/// the others make, but their desks and recorders are all alive at once
/// (memory grows with the group) and take turns on the core, one step of
/// [`engine::FED_STEP`] arrivals each. On the 40-point Double 11 sweep
/// (both cores, one run each): 37.8 s of CPU in groups of 5, 37.2 s in
/// groups of 10 (243 MiB against 177 MiB), 39.9 s in groups of 4 and 3,
/// 44.8 s one point at a time.
const FED_MOST: usize = 5;

/// The points `points` (indices into `scenarios`) by demand key: the
/// positions in `points` of each key's, in order of first appearance.
fn classes(scenarios: &[Scenario], points: impl Iterator<Item = usize>) -> Vec<Vec<usize>> {
    let mut classes: indexmap::IndexMap<String, Vec<usize>> = indexmap::IndexMap::new();
    for (w, i) in points.enumerate() {
        classes.entry(feed::key(&scenarios[i])).or_default().push(w);
    }
    classes.into_values().collect()
}

/// The most replications one thread of [`run_points`] holds at once for
/// a grid of `scenarios`: the largest group fed from one draw.
pub fn side_by_side(scenarios: &[Scenario]) -> usize {
    let largest = classes(scenarios, 0..scenarios.len())
        .iter()
        .map(Vec::len)
        .max();
    largest.unwrap_or(1).min(FED_MOST)
}

/// The units of [`run_points`]: for each replication number, the points
/// (indices into `work`) of one demand key that ask for it, in groups of
/// at most [`FED_MOST`]; the largest halved until there are `want` units
/// (so every thread has work) or every unit is one point.
fn fed_units(
    scenarios: &[Scenario],
    work: &[(usize, Range<u32>)],
    want: usize,
) -> Vec<(Vec<usize>, u32)> {
    let mut units = Vec::new();
    for class in classes(scenarios, work.iter().map(|(i, _)| *i)) {
        let first = class.iter().map(|&w| work[w].1.start).min().unwrap_or(0);
        let end = class.iter().map(|&w| work[w].1.end).max().unwrap_or(0);
        for r in first..end {
            let points: Vec<usize> = class
                .iter()
                .copied()
                .filter(|&w| work[w].1.contains(&r))
                .collect();
            let groups = points.len().div_ceil(FED_MOST);
            let mut rest = points.as_slice();
            for g in (1..=groups).rev() {
                let (head, tail) = rest.split_at(rest.len().div_ceil(g));
                units.push((head.to_vec(), r));
                rest = tail;
            }
        }
    }
    while units.len() < want {
        let Some(k) = (0..units.len()).max_by_key(|&k| units[k].0.len()) else {
            break;
        };
        let (points, r) = &mut units[k];
        if points.len() < 2 {
            break;
        }
        let half = points.split_off(points.len() / 2);
        let r = *r;
        units.push((half, r));
    }
    units
}

/// The confidence each look of a check reads its intervals at: one look at
/// 95% for a fixed number of replications; for `auto`, the 5% error spread
/// over every look it may take (see [`sla::sequential`]).
pub fn confidence(fixed: Option<u32>, cap: u32) -> f64 {
    match fixed {
        Some(_) => 0.95,
        None => sla::sequential::confidence(cap.max(2).div_ceil(AUTO_STEP)),
    }
}

/// Runs the replications of a check: `fixed` of them, or (`None`) 10 at a
/// time until every rule is conclusive (at the spent confidence) or `cap`
/// is reached. Replications are numbered from 0, so a larger run extends a
/// smaller one (common random numbers). `progress` counts replications.
pub fn run(
    sc: &Scenario,
    rules: &[sla::Rule],
    fixed: Option<u32>,
    cap: u32,
    threads: usize,
    progress: &Progress,
) -> Result<Aggregate, Error> {
    let run = |range: std::ops::Range<u32>| run_range(sc, rules, range, threads, progress);
    if let Some(n) = fixed {
        return run(0..n);
    }
    let cap = cap.max(2);
    let mut agg = Aggregate::default();
    let mut done = 0;
    loop {
        let step = AUTO_STEP.min(cap - done);
        agg = agg.merge(run(done..done + step)?);
        done += step;
        let (results, _) = sla::report::sla(rules, &agg, confidence(None, cap));
        if done >= cap || results.iter().all(|r| r.verdict != Verdict::Inconclusive) {
            return Ok(agg);
        }
    }
}

/// A roster against the profile's own rules, with seeds the search never
/// saw: the verdict and the run (`None` when the profile has no rules).
pub fn fresh_check(
    mut fresh: Scenario,
    replications: u32,
    threads: usize,
) -> Result<Option<(crate::sla::Verdict, Aggregate)>, Error> {
    if fresh.rules.is_empty() {
        return Ok(None);
    }
    fresh.seed = fresh.seed.wrapping_add(0x5eed);
    let agg = run(
        &fresh,
        &fresh.rules,
        Some(replications.max(2)),
        0,
        threads,
        &Progress::hidden(),
    )?;
    Ok(Some((
        crate::sla::report::sla(&fresh.rules, &agg, 0.95).1,
        agg,
    )))
}
