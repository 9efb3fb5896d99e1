//! `peakdesk simulate`: run a profile's replications on the virtual clock
//! and summarise them, or (with `--shard K/N`) run one block of them for
//! `peakdesk merge`.

use super::print;
use crate::cli::SimulateArgs;
use crate::metrics::{Aggregate, summary};
use crate::plan::shards::{self as shard, Job, JobKind};
use crate::plan::window;
use crate::profile::Scenario;
use crate::report::export::{Exports, Format, SUMMARY_FORMATS};
use crate::report::terminal;
use crate::{Error, ExitCode, profile};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// The scenario a simulation runs: the profile, its overrides, the seed.
pub(super) fn scenario(
    profile: &Path,
    set: &[String],
    seed: Option<u64>,
) -> Result<Scenario, Error> {
    let mut sc = profile::load(profile, set)?;
    if let Some(seed) = seed {
        sc.seed = seed;
    }
    Ok(sc)
}

/// What defines a simulation, for its shard files.
fn job(a: &SimulateArgs, sc: &Scenario) -> Job {
    Job {
        command: JobKind::Simulate,
        profile: a.profile.profile.clone(),
        set: a.profile.set.clone(),
        seed: a.run.seed,
        replications: a.replications,
        vary: Vec::new(),
        scale_staff: None,
        version: env!("CARGO_PKG_VERSION").into(),
        fingerprint: shard::fingerprint(std::slice::from_ref(sc), a.replications),
    }
}

/// What `simulate` writes.
pub(super) const FORMATS: [Format; 4] = SUMMARY_FORMATS;

/// Runs `peakdesk simulate`.
pub fn simulate(a: SimulateArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let exports = Exports::new(&a.out, "simulate", &FORMATS)?;
    shard::check_output(a.shard, exports.path(Format::Json))?;
    let sc = scenario(&a.profile.profile, &a.profile.set, a.run.seed)?;
    let (from, to) = window::bounds(&sc, &a.window)?;
    let sc = window::windowed(sc, from, to, a.cold)?;
    super::check_size(&a.run, std::slice::from_ref(&sc), a.replications, 1)?;
    let units = u64::from(a.replications);
    let block = a.shard.map_or(0..units, |s| s.block(units));
    let started = Instant::now();
    let mut aggs = shard::run_block(
        std::slice::from_ref(&sc),
        a.replications,
        block.clone(),
        a.run.threads,
        exports.quiet(),
    )?;
    let wall = started.elapsed().as_secs_f64();
    if let (Some(s), Some(path)) = (a.shard, exports.path(Format::Json)) {
        let file = shard::ShardFile::new(job(&a, &sc), s, block.clone(), wall, aggs);
        shard::write(path, &file, out)?;
        if exports.text() {
            print(
                out,
                &format!(
                    "peakdesk simulate: shard {s} ran replications {}..{} of {units} in {wall:.1} s; combine all {} shards with `peakdesk merge`\n",
                    block.start, block.end, s.count
                ),
            )?;
        }
        return Ok(ExitCode::Pass);
    }
    let agg = aggs.pop().map(|(_, agg)| agg).unwrap_or_default();
    let threads = a.run.threads_used().min(a.replications as usize);
    report_run(&sc, &agg, wall, threads, &exports, out)
}

/// Summarises a simulation (run here or merged from shards) and writes it.
pub(super) fn report_run(
    sc: &Scenario,
    agg: &Aggregate,
    wall: f64,
    threads: usize,
    exports: &Exports,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let summary = summary::build(sc, agg, wall, threads);
    exports.write_summary(out, &summary)?;
    if exports.text() {
        print(out, &terminal::summary(&summary))?;
    }
    Ok(ExitCode::Pass)
}
