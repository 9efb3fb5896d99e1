//! Replications of a run with its SLA rules evaluated on each before it is
//! merged away: a fixed number, or (`--replications auto`) rounds of ten
//! until every rule is conclusive at the confidence that keeps the error
//! rate of the whole sequence of looks at its stated level
//! ([`crate::sla::sequential`]).

use crate::metrics::{Aggregate, Replication};
use crate::profile::Scenario;
use crate::report::progress::Progress;
use crate::sla::{self, Verdict};
use crate::{Error, engine};

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
    let evaluate = |rep: &Replication| -> Vec<f64> {
        rules
            .iter()
            .map(|r| sla::eval::value(sc, &sc.bands, r, rep))
            .collect()
    };
    engine::run_evaluated(sc, range, threads, &evaluate, &|t| progress.inc(t)).map_err(Error::from)
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
