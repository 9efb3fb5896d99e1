//! `peakdesk sweep`: the same profile at every point of a grid of
//! variations (any `--set` path, and a staffing scale), every point run with
//! the same seeds (common random numbers) so that differences between points
//! are the parameters', not the noise's. Points run in parallel and are
//! reported in grid order whatever the thread count.

use super::print;
use super::shard::{self, Job};
use crate::cli::SweepArgs;
use crate::metrics::catalogue::Unit;
use crate::metrics::{Aggregate, Summary, summary};
use crate::profile::{self, Scenario};
use crate::report;
use crate::report::sweep_result::{Point, SweepResult};
use crate::sla::Verdict;
use crate::{Error, ExitCode};
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;
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
        command: "sweep".into(),
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
pub(super) fn from_job(job: &Job, outputs: &Outputs) -> SweepArgs {
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
        csv: outputs.csv.clone(),
        json: outputs.json.clone(),
        markdown: outputs.markdown.clone(),
        html: outputs.html.clone(),
        quiet: outputs.quiet,
        shard: None,
    }
}

/// Where a sweep's report goes.
pub(super) struct Outputs {
    pub csv: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    pub html: Option<PathBuf>,
    pub quiet: bool,
}

/// Runs `peakdesk sweep`.
pub fn sweep(a: SweepArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if let Some(s) = a.shard
        && (a.json.is_none() || a.csv.is_some() || a.markdown.is_some() || a.html.is_some())
    {
        return Err(Error::Usage(format!(
            "--shard {s}: write the shard's result with --json FILE (no --csv or --markdown), \
             then combine every shard with `peakdesk merge FILES... -o OUT` (and `peakdesk report OUT` for the HTML)"
        )));
    }
    for path in [&a.csv, &a.json, &a.markdown, &a.html]
        .into_iter()
        .flatten()
    {
        report::check_writable(path)?;
    }
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
        a.quiet,
    )
    .map_err(Error::Runtime)?;
    if let (Some(s), Some(path)) = (a.shard, &a.json) {
        let wall = started.elapsed().as_secs_f64();
        let file = shard::ShardFile::new(job(&a, &scenarios), s, block.clone(), wall, aggs);
        shard::write(path, &file, out)?;
        if !a.quiet && path.as_os_str() != "-" {
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
    let outputs = Outputs {
        csv: a.csv,
        json: a.json,
        markdown: a.markdown,
        html: a.html,
        quiet: a.quiet,
    };
    report_points(&points, &scenarios, &aggs, a.replications, &outputs, out)
}

/// Reports a sweep from the aggregate of every point (run here or merged
/// from shards: the same code either way).
pub(super) fn report_points(
    points: &[Vec<String>],
    scenarios: &[Scenario],
    aggs: &[Aggregate],
    replications: u32,
    o: &Outputs,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let summaries: Vec<Summary> = scenarios
        .iter()
        .zip(aggs)
        .map(|(sc, agg)| summary::build(sc, agg, 0.0, 1))
        .collect();
    let mut rows: Vec<Point> = points
        .iter()
        .zip(&summaries)
        .map(|(set, s)| point(set, s))
        .collect();
    let costed: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].cost_per_day.is_some())
        .collect();
    let pairs: Vec<(f64, f64)> = costed
        .iter()
        .map(|&i| {
            (
                rows[i].cost_per_day.unwrap_or(0.0),
                rows[i].revenue_lost_per_day.unwrap_or(0.0),
            )
        })
        .collect();
    let frontier: Vec<usize> = crate::plan::costs::frontier(&pairs)
        .into_iter()
        .map(|k| costed[k])
        .collect();
    for &i in &frontier {
        rows[i].on_frontier = true;
    }
    let cheapest_passing = costed
        .iter()
        .copied()
        .filter(|&i| rows[i].sla == Some(Verdict::Pass))
        .min_by(|&i, &j| {
            rows[i]
                .cost_per_day
                .unwrap_or(f64::MAX)
                .total_cmp(&rows[j].cost_per_day.unwrap_or(f64::MAX))
        });
    let first = summaries.first();
    let mut result = SweepResult {
        schema: report::sweep_result::SCHEMA.into(),
        profile: first.map_or(String::new(), |s| s.profile.clone()),
        source: first.map_or(String::new(), |s| s.source.clone()),
        seed: first.map_or(0, |s| s.seed),
        replications,
        axes: Vec::new(),
        points: rows,
        cheapest_passing,
        frontier,
        currency: first.and_then(|s| s.cost.as_ref().map(|c| c.currency.clone())),
    };
    result.axes = result.grid_axes();
    if let Some(p) = &o.json {
        report::write_json(p, &result, out)?;
    }
    if let Some(p) = &o.html {
        report::write_with(p, out, |w| {
            w.write_all(report::sweep_html::page(&result).as_bytes())
        })?;
    }
    let rows = &result.points;
    if let Some(p) = &o.csv {
        let text = csv(rows).map_err(Error::Runtime)?;
        report::write_with(p, out, |w| w.write_all(text.as_bytes()))?;
    }
    if let Some(p) = &o.markdown {
        let text = markdown(rows);
        report::write_with(p, out, |w| w.write_all(text.as_bytes()))?;
    }
    let to_stdout = [&o.csv, &o.json, &o.markdown, &o.html]
        .into_iter()
        .flatten()
        .any(|p| p.as_os_str() == "-");
    if !o.quiet && !to_stdout {
        let cheapest = match cheapest_passing {
            Some(i) => format!(
                "cheapest point that passes every rule: {} ({:.0} a day)",
                rows[i].set.join(" "),
                rows[i].cost_per_day.unwrap_or(0.0)
            ),
            None if costed.is_empty() => "no [costs] in the profile, so no cheapest point".into(),
            None => "no point passes every rule".into(),
        };
        let head = format!(
            "peakdesk sweep: {} points x {} replications, the same seeds at every point",
            rows.len(),
            replications
        );
        print(out, &format!("{head}\n\n{}\n{cheapest}\n", markdown(rows)))?;
    }
    Ok(ExitCode::Pass)
}

fn point(set: &[String], s: &Summary) -> Point {
    let m = &s.metrics;
    Point {
        set: set.to_vec(),
        arrived: s.counts.arrived,
        shoppers_lost: m.shoppers_lost.value,
        wait_mean_s: m.wait_mean_s.value,
        first_response_p50_s: m.first_response_s.p50,
        first_response_p90_s: m.first_response_s.p90,
        first_response_p99_s: m.first_response_s.p99,
        human_response_p90_s: m.human_response_s.p90,
        answered_within: m
            .answered_within
            .iter()
            .map(|(k, e)| (k.clone(), e.value))
            .collect(),
        orders_lost_share: s.bands.loss_share,
        revenue_lost_per_day: m.revenue_lost_per_day.value,
        sla: s.sla_outcome,
        failed_rules: s
            .sla
            .iter()
            .filter(|r| r.verdict == Verdict::Fail)
            .map(|r| r.rule.name.clone())
            .collect(),
        cost_per_day: m.cost_per_day.value,
        cost_per_conversation: s.cost.as_ref().and_then(|c| c.per_conversation),
        on_frontier: false,
    }
}

fn cell(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| format!("{x:.6}"))
}

/// A point's CSV columns, header and value together (one list, so the two
/// cannot drift apart).
fn fields(r: &Point) -> Vec<(String, String)> {
    let mut f = vec![
        ("point".to_string(), r.set.join(" ")),
        ("arrived".into(), r.arrived.to_string()),
        ("shoppers_lost".into(), cell(r.shoppers_lost)),
        ("wait_mean_s".into(), cell(r.wait_mean_s)),
        ("first_response_p50_s".into(), cell(r.first_response_p50_s)),
        ("first_response_p90_s".into(), cell(r.first_response_p90_s)),
        ("first_response_p99_s".into(), cell(r.first_response_p99_s)),
        ("human_response_p90_s".into(), cell(r.human_response_p90_s)),
    ];
    f.extend(
        r.answered_within
            .iter()
            .map(|(k, v)| (format!("answered_within_{k}"), cell(*v))),
    );
    f.extend([
        (
            "orders_lost_share".into(),
            format!("{:.6}", r.orders_lost_share),
        ),
        ("revenue_lost_per_day".into(), cell(r.revenue_lost_per_day)),
        ("cost_per_day".into(), cell(r.cost_per_day)),
        (
            "cost_per_conversation".into(),
            cell(r.cost_per_conversation),
        ),
        ("on_frontier".into(), r.on_frontier.to_string()),
        (
            "sla".into(),
            r.sla
                .map_or(String::new(), |v| format!("{v:?}").to_lowercase()),
        ),
        ("failed_rules".into(), r.failed_rules.join("; ")),
    ]);
    f
}

fn csv(rows: &[Point]) -> Result<String, String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    if let Some(first) = rows.first() {
        let header: Vec<String> = fields(first).into_iter().map(|(k, _)| k).collect();
        w.write_record(&header).map_err(|e| e.to_string())?;
    }
    for r in rows {
        let values: Vec<String> = fields(r).into_iter().map(|(_, v)| v).collect();
        w.write_record(&values).map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

fn markdown(rows: &[Point]) -> String {
    let mut out = String::from(
        "| point | shoppers lost | human p90 | first p90 | orders lost | revenue lost/day | cost/day | frontier | SLA |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    let pct = |v: Option<f64>| Unit::Share.show(v);
    let secs = |v: Option<f64>| Unit::Seconds.show(v);
    let money = |v: Option<f64>| Unit::MoneyPerDay.show(v);
    for r in rows {
        let sla = match r.sla {
            None => "-".to_string(),
            Some(Verdict::Pass) => "pass".into(),
            Some(Verdict::Fail) => format!("fail: {}", report::md_cell(&r.failed_rules.join("; "))),
            Some(Verdict::Inconclusive) => "inconclusive".into(),
        };
        let cost = money(r.cost_per_day);
        let front = if r.on_frontier { "*" } else { "" };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {cost} | {front} | {sla} |",
            report::md_cell(&r.set.join(" ")),
            pct(r.shoppers_lost),
            secs(r.human_response_p90_s),
            secs(r.first_response_p90_s),
            pct(Some(r.orders_lost_share)),
            money(r.revenue_lost_per_day)
        );
    }
    out
}
