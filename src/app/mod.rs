//! The commands: parse, validate, run, report. Each returns the exit code it
//! earned or a typed error; `main.rs` prints and exits.

mod check;
mod compare;
mod drive;
mod erlang;
mod merge;
mod shifts;
mod simulate;
mod staff;
mod sweep;

use crate::cli::{Cli, Command, ProfileArgs};
use crate::metrics::summary;
use crate::report;
use crate::{Error, ExitCode, profile};
use clap::CommandFactory;
use std::io::Write;
use std::path::PathBuf;

/// The output flags of a command, when it has them.
fn outputs(command: &mut Command) -> Option<&mut crate::cli::Outputs> {
    match command {
        Command::Simulate(a) => Some(&mut a.out),
        Command::Drive(a) => Some(&mut a.out),
        Command::Check(a) => Some(&mut a.out),
        Command::Sweep(a) => Some(&mut a.out),
        Command::Staff(a) => Some(&mut a.out),
        Command::Compare(a) => Some(&mut a.out),
        Command::Erlang(a) => Some(&mut a.out),
        Command::Merge(a) => Some(&mut a.out),
        Command::Validate(_)
        | Command::Serve(_)
        | Command::Report(_)
        | Command::Schema(_)
        | Command::Metrics
        | Command::Completions(_) => None,
    }
}

/// `--format json`: each command's JSON result goes where its `--json`
/// points (standard output unless a file is named) and replaces the text;
/// progress displays are off. A shard's JSON is its shard file, and a
/// merge's its merged result: they keep their files.
fn json_results(command: &mut Command) {
    let keeps_file = matches!(command, Command::Sweep(a) if a.shard.is_some())
        || matches!(command, Command::Merge(_));
    if let Some(out) = outputs(command) {
        if !keeps_file {
            out.json.get_or_insert_with(|| PathBuf::from("-"));
        }
        out.quiet = true;
    }
}

/// Writes one JSON value and a newline to `out`.
fn print_json(out: &mut dyn Write, value: &serde_json::Value) -> Result<(), Error> {
    print(out, &format!("{value}\n"))
}

/// Runs a parsed command line, writing human output to `out`.
pub fn run(mut cli: Cli, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let json = cli.format == crate::cli::Format::Json;
    if json {
        json_results(&mut cli.command);
    }
    match cli.command {
        Command::Simulate(a) => simulate::simulate(a, out),
        Command::Validate(a) => validate(a, json, out),
        Command::Erlang(a) => erlang::erlang(a, out),
        Command::Check(a) => check::check(a, out),
        Command::Compare(a) => compare::compare(a, out),
        Command::Sweep(a) => sweep::sweep(a, out),
        Command::Merge(a) => {
            let (files, output) = (a.files.len(), a.out.json.clone().unwrap_or_default());
            let code = merge::merge(a, out)?;
            if json && output.as_os_str() != "-" {
                let done = serde_json::json!({ "merged": files, "output": output });
                print_json(out, &done)?;
            }
            Ok(code)
        }
        Command::Staff(a) => staff::staff(a, out),
        Command::Drive(a) => drive::drive(a, out),
        Command::Serve(a) => drive::serve(a, json, out),
        Command::Report(a) => report_cmd(a, json, out),
        Command::Schema(a) => {
            report::check_writable(&a.output)?;
            let schema = match a.of {
                crate::cli::SchemaOf::Profile => profile::schema::profile_schema(),
                crate::cli::SchemaOf::Target => crate::drive::target_raw::schema(),
            };
            report::write_json(&a.output, &schema, out)?;
            Ok(ExitCode::Pass)
        }
        Command::Metrics => {
            use crate::metrics::catalogue;
            if json {
                print_json(out, &serde_json::json!(catalogue::ALL))?;
            } else {
                print(out, &(catalogue::table() + &crate::metrics::live::table()))?;
            }
            Ok(ExitCode::Pass)
        }
        Command::Completions(a) => {
            let mut text = Vec::new();
            clap_complete::generate(a.shell, &mut Cli::command(), "peakdesk", &mut text);
            print(out, &String::from_utf8_lossy(&text))?;
            Ok(ExitCode::Pass)
        }
    }
}

/// Runs `peakdesk report`: a run summary or a sweep result to its HTML report.
fn report_cmd(
    a: crate::cli::ReportArgs,
    json: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let name = a.result.display();
    let text = std::fs::read_to_string(&a.result)
        .map_err(|e| Error::Usage(format!("{name}: cannot read: {e}")))?;
    let tree: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{name}: not JSON: {e}")))?;
    let schema = tree.get("schema").and_then(|s| s.as_str()).unwrap_or("");
    let bad = |e: serde_path_to_error::Error<serde_json::Error>| {
        Error::Usage(format!("{name}: {}: {}", e.path(), e.inner()))
    };
    let kind = if schema == summary::SCHEMA {
        "summary"
    } else {
        "sweep"
    };
    let html = match schema {
        summary::SCHEMA => {
            let s = summary::from_json(tree).map_err(bad)?;
            report::html::page(&s)
        }
        // Sweep files from before the schema was written have no `schema`.
        _ if schema == report::sweep_result::SCHEMA
            || (schema.is_empty() && tree.get("points").is_some()) =>
        {
            let r: report::sweep_result::SweepResult =
                serde_path_to_error::deserialize(tree).map_err(bad)?;
            report::sweep_html::page(&r)
        }
        _ => {
            return Err(Error::Usage(format!(
                "{name}: schema '{schema}' is not a result peakdesk reports (expected '{}' from simulate, check or drive --json, or '{}' from sweep --json)",
                summary::SCHEMA,
                report::sweep_result::SCHEMA
            )));
        }
    };
    report::check_writable(&a.output)?;
    report::write_with(&a.output, out, |w| w.write_all(html.as_bytes()))?;
    if json && a.output.as_os_str() != "-" {
        let done = serde_json::json!({ "report": a.output, "of": kind, "bytes": html.len() });
        print_json(out, &done)?;
    }
    Ok(ExitCode::Pass)
}

pub(crate) fn print(out: &mut dyn Write, text: &str) -> Result<(), Error> {
    out.write_all(text.as_bytes())
        .map_err(|source| Error::Output {
            path: "standard output".into(),
            source,
        })
}

pub(crate) fn load(a: &ProfileArgs) -> Result<profile::Scenario, Error> {
    Ok(profile::load(&a.profile, &a.set)?)
}

fn validate(a: ProfileArgs, json: bool, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let s = load(&a)?;
    if json {
        let groups: Vec<serde_json::Value> = s
            .groups
            .iter()
            .map(|g| serde_json::json!({ "name": g.name, "shift_steps": g.staff.len() }))
            .collect();
        let answer = serde_json::json!({
            "file": a.profile,
            "valid": true,
            "name": s.name,
            "horizon_s": crate::time::to_secs(s.horizon),
            "mean_rate_per_s": s.arrivals.rate_per_s,
            "groups": groups,
        });
        print_json(out, &answer)?;
        return Ok(ExitCode::Pass);
    }
    let agents: Vec<String> = s
        .groups
        .iter()
        .map(|g| format!("{} ({} shift steps)", g.name, g.staff.len()))
        .collect();
    print(
        out,
        &format!(
            "{}: valid · {} · horizon {} · {:.4} shoppers/s mean · groups: {}\n",
            a.profile.display(),
            s.name,
            crate::profile::units::Duration(s.horizon),
            s.arrivals.rate_per_s,
            agents.join(", ")
        ),
    )?;
    Ok(ExitCode::Pass)
}

/// Refuses a run of `scenarios` (`replications` each), each thread
/// holding up to `per_thread` replications at once, whose estimated
/// memory passes the budget (2 GiB at most), unless `--no-size-check`.
pub(crate) fn check_size(
    run: &crate::cli::RunArgs,
    scenarios: &[profile::Scenario],
    replications: u32,
    per_thread: usize,
) -> Result<(), Error> {
    if run.no_size_check {
        return Ok(());
    }
    // Points of a sweep run in parallel too.
    let units = scenarios.len().max(1) * replications.max(1) as usize;
    let parallel = (run.threads_used() * per_thread.max(1)).min(units);
    let limit = crate::plan::size::budget_bytes();
    crate::plan::size::check(scenarios, parallel, limit).map_err(|e| Error::Usage(e.to_string()))
}
