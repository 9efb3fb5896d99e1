//! `peakdesk sweep`: the same profile at every point of a grid of
//! variations (any `--set` path, and a staffing scale), every point run with
//! the same seeds (common random numbers) so that differences between points
//! are the parameters', not the noise's. Points run in parallel and are
//! reported in grid order whatever the thread count.

use super::print;
use crate::cli::SweepArgs;
use crate::metrics::{Aggregate, Summary, summary};
use crate::plan::shards::{self, Job, JobKind};
use crate::plan::{grid, replicate};
use crate::profile::Scenario;
use crate::report::export::{Exports, Format};
use crate::report::sweep_result::SweepResult;
use crate::report::{self, sweep_table};
use crate::{Error, ExitCode};
use std::io::Write;
use std::time::Instant;

/// What defines a sweep: for its grid, and for its shard files (the
/// fingerprint is set once the points are validated).
fn job(a: &SweepArgs) -> Job {
    Job {
        command: JobKind::Sweep,
        profile: a.profile.profile.clone(),
        set: a.profile.set.clone(),
        seed: a.run.seed,
        replications: a.replications,
        vary: a.vary.clone(),
        scale_staff: a.scale_staff.clone(),
        version: env!("CARGO_PKG_VERSION").into(),
        fingerprint: String::new(),
    }
}

/// What a sweep writes.
pub(super) const FORMATS: [Format; 4] = [Format::Json, Format::Html, Format::Csv, Format::Markdown];

/// Runs `peakdesk sweep`.
pub fn sweep(a: SweepArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let o = &a.out;
    if let Some(s) = a.shard
        && (o.json.is_none() || o.csv.is_some() || o.markdown.is_some() || o.html.is_some())
    {
        return Err(Error::Usage(format!(
            "--shard {s}: write the shard's result with --json FILE (no --csv or --markdown), \
             then combine every shard with `peakdesk merge FILES... -o OUT` (and `peakdesk report OUT` for the HTML)"
        )));
    }
    let exports = Exports::new(&a.out, "sweep", &FORMATS)?;
    let mut job = job(&a);
    let (points, scenarios) = grid::plan(&job)?;
    job.fingerprint = shards::fingerprint(&scenarios, a.replications);
    // Points fed from one draw of shoppers are alive side by side.
    let per_thread = replicate::side_by_side(&scenarios);
    super::check_size(&a.run, &scenarios, a.replications, per_thread)?;
    let units = points.len() as u64 * u64::from(a.replications);
    let block = a.shard.map_or(0..units, |s| s.block(units));
    let started = Instant::now();
    let aggs = shards::run_block(
        &scenarios,
        a.replications,
        block.clone(),
        a.run.threads,
        exports.quiet(),
    )?;
    if let (Some(s), Some(path)) = (a.shard, exports.path(Format::Json)) {
        let wall = started.elapsed().as_secs_f64();
        let file = shards::ShardFile::new(job, s, block.clone(), wall, aggs);
        shards::write(path, &file, out)?;
        if exports.text() {
            print(
                out,
                &format!(
                    "peakdesk sweep: shard {s} ran units {}..{} of {units} (points x replications) in {wall:.1} s; \
                     combine all {} shards with `peakdesk merge`\n",
                    block.start, block.end, s.count
                ),
            )?;
        }
        return Ok(ExitCode::Pass);
    }
    let aggs: Vec<Aggregate> = aggs.into_iter().map(|(_, agg)| agg).collect();
    report_points(&points, &scenarios, &aggs, a.replications, &exports, out)
}

/// Reports a sweep from the aggregate of every point (run here or merged
/// from shards: the same code either way).
pub(super) fn report_points(
    points: &[Vec<String>],
    scenarios: &[Scenario],
    aggs: &[Aggregate],
    replications: u32,
    exports: &Exports,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let summaries: Vec<Summary> = scenarios
        .iter()
        .zip(aggs)
        .map(|(sc, agg)| summary::build(sc, agg, 0.0, 1))
        .collect();
    let result = SweepResult::of(points, &summaries, replications);
    exports.write_json(out, &result)?;
    let html = || report::sweep_html::page(&result);
    exports.write(Format::Html, out, |w| w.write_all(html().as_bytes()))?;
    let rows = &result.points;
    exports.write(Format::Csv, out, |w| sweep_table::write_csv(rows, w))?;
    let table = sweep_table::markdown(&result.points);
    exports.write_text(Format::Markdown, out, &table)?;
    if exports.text() {
        print(out, &sweep_table::text(&result, &table))?;
    }
    Ok(ExitCode::Pass)
}
