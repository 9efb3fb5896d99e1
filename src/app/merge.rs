//! `peakdesk merge`: the shard files of one run (every shard once) back
//! into the result the unsplit command writes, through the same reporting
//! code, after checking that the profile still describes what the shards ran.

use super::{drive, simulate, sweep};
use crate::cli::MergeArgs;
use crate::plan::shards::{self as shard, Job, JobKind};
use crate::plan::{grid, window};
use crate::profile::Scenario;
use crate::report::export::{Exports, Format};
use crate::time::from_secs_f64;
use crate::{Error, ExitCode};
use std::io::Write;

/// Refuses to merge when the profile (or a data file it reads) changed
/// since the shards ran: the merged numbers would describe neither.
fn same_scenarios(job: &Job, scenarios: &[Scenario]) -> Result<(), Error> {
    if shard::fingerprint(scenarios, job.replications) != job.fingerprint {
        return Err(Error::Usage(format!(
            "{}: the profile (or a file it reads) changed since the shards ran; run the shards again",
            job.profile.display()
        )));
    }
    Ok(())
}

/// Runs `peakdesk merge`.
pub fn merge(a: MergeArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let (job, aggs, wall) = shard::gather(&a.files)?;
    let (name, can) = match job.command {
        JobKind::Simulate => ("merge of simulate shards", &simulate::FORMATS[..]),
        JobKind::Sweep => ("merge of sweep shards", &sweep::FORMATS[..]),
        JobKind::Drive => ("merge of drive shards", &drive::FORMATS[..]),
    };
    let exports = Exports::new(&a.out, name, can)?;
    if exports.path(Format::Json).is_none() {
        return Err(Error::Usage(
            "merge writes the merged result with -o FILE (or --json FILE; - for stdout)".into(),
        ));
    }
    let shards = a.files.len();
    match job.command {
        JobKind::Simulate => {
            let sc = simulate::scenario(&job.profile, &job.set, job.seed)?;
            same_scenarios(&job, std::slice::from_ref(&sc))?;
            let agg = aggs.into_iter().next().unwrap_or_default();
            simulate::report_run(&sc, &agg, wall, shards, &exports, out)
        }
        JobKind::Sweep => {
            let (points, scenarios) = grid::plan(&job)?;
            same_scenarios(&job, &scenarios)?;
            let mut aggs = aggs;
            aggs.resize(points.len(), Default::default());
            sweep::report_points(&points, &scenarios, &aggs, job.replications, &exports, out)
        }
        JobKind::Drive => {
            let reports = a
                .files
                .iter()
                .map(|p| {
                    shard::read(p)?.drive.ok_or_else(|| {
                        Error::Usage(format!(
                            "{}: a drive shard without its drive section",
                            p.display()
                        ))
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let d =
                crate::drive::report::merge(&reports).map_err(|e| Error::Usage(e.to_string()))?;
            let sc = simulate::scenario(&job.profile, &job.set, job.seed)?;
            let sc = window::windowed(sc, from_secs_f64(d.from_s), from_secs_f64(d.to_s), false)?;
            same_scenarios(&job, std::slice::from_ref(&sc))?;
            let agg = aggs.into_iter().next().unwrap_or_default();
            let wall = d.wall_s;
            let s = drive::summarize(&sc, agg.as_one_replication(), wall, shards, d);
            drive::report_drive(&s, &exports, out)
        }
    }
}
