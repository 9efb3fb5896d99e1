//! `peakdesk sweep`: the same profile at every point of a grid of
//! variations (any `--set` path, and a staffing scale), every point run with
//! the same seeds (common random numbers) so that differences between points
//! are the parameters', not the noise's. Points run in parallel and are
//! reported in grid order whatever the thread count.

use super::print;
use super::shard::{self, Job, JobKind};
use crate::cli::SweepArgs;
use crate::metrics::{Aggregate, Summary, summary};
use crate::profile::{self, Scenario};
use crate::report::export::{Exports, Format};
use crate::report::sweep_result::SweepResult;
use crate::report::{self, sweep_table};
use crate::{Error, ExitCode};
use std::io::Write;
use std::time::Instant;

/// Values of `--vary`: a list `a,b,c` or a numeric range `from:to:step`
/// (three numbers and no comma; anything else is a list, so times of day
/// such as `20:00,22:00` are values).
pub fn values(spec: &str) -> Result<Vec<String>, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let nums: Option<Vec<f64>> = (parts.len() == 3 && !spec.contains(','))
        .then(|| parts.iter().map(|p| p.trim().parse::<f64>().ok()).collect())
        .flatten();
    if let Some(n) = nums {
        let (from, to, step) = (n[0], n[1], n[2]);
        if step.is_nan() || step <= 0.0 || to < from {
            return Err(format!(
                "'{spec}' is an empty range (expected FROM <= TO and STEP > 0)"
            ));
        }
        let count = ((to - from) / step + 1e-9).floor() as usize + 1;
        if count > 10_000 {
            return Err(format!("'{spec}' has {count} values (at most 10,000)"));
        }
        // Round to the step's decimals so 0.1 steps print as 0.7, not 0.7000000000000001.
        let decimals = parts[2]
            .trim()
            .split('.')
            .nth(1)
            .map_or(0, str::len)
            .max(parts[0].trim().split('.').nth(1).map_or(0, str::len));
        return Ok((0..count)
            .map(|i| format!("{:.*}", decimals, from + i as f64 * step))
            .collect());
    }
    let list: Vec<String> = spec
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if list.is_empty() {
        return Err(format!(
            "'{spec}' has no values (expected a list such as 0.6,0.7 or a range such as 0.6:0.9:0.1)"
        ));
    }
    Ok(list)
}

/// The grid: every combination of the variations, first varying slowest.
fn grid(axes: &[(String, Vec<String>)]) -> Vec<Vec<String>> {
    axes.iter().fold(vec![Vec::new()], |acc, (path, vals)| {
        acc.into_iter()
            .flat_map(|prefix| {
                vals.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push(format!("{path}={v}"));
                    p
                })
            })
            .collect()
    })
}

/// The profile's own staffing multiplier (1 when unset), for `--scale-staff`.
fn base_multiplier(a: &SweepArgs) -> Result<f64, Error> {
    let text = std::fs::read_to_string(&a.profile.profile).unwrap_or_default();
    let tree: toml::Value = toml::from_str(&text).unwrap_or(toml::Value::Table(Default::default()));
    let from_sets = a
        .profile
        .set
        .iter()
        .rev()
        .find_map(|s| s.strip_prefix("agents.staffing_multiplier="))
        .and_then(|v| v.parse().ok());
    Ok(from_sets
        .or_else(|| {
            tree.get("agents")
                .and_then(|g| g.get("staffing_multiplier"))
                .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
        })
        .unwrap_or(1.0))
}

/// The grid of a sweep and the validated scenario of every point.
pub(super) fn plan(a: &SweepArgs) -> Result<(Vec<Vec<String>>, Vec<Scenario>), Error> {
    let mut axes = Vec::new();
    for v in &a.vary {
        let (path, spec) = v.split_once('=').ok_or_else(|| {
            Error::Usage(format!(
                "--vary {v}: expected PATH=VALUES (e.g. questions.product.bot=0.6:0.9:0.1)"
            ))
        })?;
        axes.push((
            path.trim().to_string(),
            values(spec).map_err(|m| Error::Usage(format!("--vary {v}: {m}")))?,
        ));
    }
    if let Some(spec) = &a.scale_staff {
        let base = base_multiplier(a)?;
        let factors =
            values(spec).map_err(|m| Error::Usage(format!("--scale-staff {spec}: {m}")))?;
        let mut scaled = Vec::new();
        for f in factors {
            let x: f64 = f.parse().map_err(|_| {
                Error::Usage(format!("--scale-staff {spec}: '{f}' is not a factor"))
            })?;
            scaled.push(format!("{}", (base * x * 1e9).round() / 1e9));
        }
        axes.push(("agents.staffing_multiplier".into(), scaled));
    }
    if axes.is_empty() {
        return Err(Error::Usage(
            "nothing to sweep (give --vary PATH=VALUES or --scale-staff FACTORS)".into(),
        ));
    }
    let points = grid(&axes);
    // Validate every point before running any.
    let scenarios: Vec<Scenario> = points
        .iter()
        .map(|set| {
            let mut sets = a.profile.set.clone();
            sets.extend(set.iter().cloned());
            let mut sc = profile::load(&a.profile.profile, &sets)?;
            a.run.seed(&mut sc);
            Ok(sc)
        })
        .collect::<Result<_, profile::ProfileError>>()?;
    Ok((points, scenarios))
}

/// What defines a sweep, for its shard files.
fn job(a: &SweepArgs, scenarios: &[Scenario]) -> Job {
    Job {
        command: JobKind::Sweep,
        profile: a.profile.profile.clone(),
        set: a.profile.set.clone(),
        seed: a.run.seed,
        replications: a.replications,
        vary: a.vary.clone(),
        scale_staff: a.scale_staff.clone(),
        version: env!("CARGO_PKG_VERSION").into(),
        fingerprint: shard::fingerprint(scenarios, a.replications),
    }
}

/// The sweep a job describes, for `peakdesk merge`.
pub(super) fn from_job(job: &Job) -> SweepArgs {
    SweepArgs {
        profile: crate::cli::ProfileArgs {
            profile: job.profile.clone(),
            set: job.set.clone(),
        },
        vary: job.vary.clone(),
        scale_staff: job.scale_staff.clone(),
        replications: job.replications,
        run: crate::cli::RunArgs {
            seed: job.seed,
            threads: 0,
            no_size_check: false,
        },
        out: crate::cli::Outputs::default(),
        shard: None,
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
    let (points, scenarios) = plan(&a)?;
    super::check_size(&a.run, &scenarios, a.replications)?;
    let units = points.len() as u64 * u64::from(a.replications);
    let block = a.shard.map_or(0..units, |s| s.block(units));
    let started = Instant::now();
    let aggs = shard::run_block(
        &scenarios,
        a.replications,
        block.clone(),
        a.run.threads,
        exports.quiet(),
    )
    .map_err(Error::Runtime)?;
    if let (Some(s), Some(path)) = (a.shard, exports.path(Format::Json)) {
        let wall = started.elapsed().as_secs_f64();
        let file = shard::ShardFile::new(job(&a, &scenarios), s, block.clone(), wall, aggs);
        shard::write(path, &file, out)?;
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
