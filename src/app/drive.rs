//! `peakdesk drive` and `peakdesk serve`: the wall-clock modes, from flags
//! to a summary. The window, the target file and the runtime are set up
//! here; `drive::runner` does the work, and the summary is built as
//! `simulate` builds it, with verdicts on the measured values.

use super::print;
use crate::cli::{DriveArgs, ServeArgs};
use crate::drive::adapter::Adapter;
use crate::drive::live::{self, shoppers::DriveMetrics};
use crate::drive::report::DriveReport;
use crate::drive::{
    self, Options, django::DjangoAdapter, http::HttpAdapter, report::RunFacts, rt::RtAdapter,
    runner, target,
};
use crate::metrics::{Aggregate, Replication, Summary, summary};
use crate::plan::shards::{self as shard, Job, JobKind};
use crate::plan::window;
use crate::profile::Scenario;
use crate::profile::units::Duration as Span;
use crate::report::export::{Exports, Format, SUMMARY_FORMATS};
use crate::report::progress::Progress;
use crate::report::terminal;
use crate::sla;
use crate::time::{SimTime, clock_label};
use crate::{Error, ExitCode};
use std::io::Write;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, Error> {
    let mut b = tokio::runtime::Builder::new_multi_thread();
    if threads > 0 {
        b.worker_threads(threads);
    }
    b.enable_all()
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start the runtime: {e}")))
}

/// Runs `peakdesk drive`.
pub fn drive(a: DriveArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let mut sc = super::load(&a.profile)?;
    a.run.seed(&mut sc);
    let (from, to) = window::bounds(&sc, &a.window)?;
    let sc = window::windowed(sc, from, to, false)?;
    let tgt = target::load(&a.target, a.target_url.as_deref())?;
    if tgt.tls.insecure {
        // On every run, even --quiet: a check that proves nothing.
        eprintln!(
            "peakdesk drive: warning: {}: tls.insecure = true, any server certificate is accepted (no check of who answers)",
            tgt.file
        );
    }
    let exports = Exports::new(&a.out, "drive", &FORMATS)?;
    shard::check_output(a.shard, exports.path(Format::Json))?;
    let opts = Options {
        speed: a.speed,
        from,
        to,
        max_rate: a.max_rate.map(|r| r.0),
        max_lateness: a.max_lateness.0,
        max_error_rate: a.max_error_rate,
        drain: std::time::Duration::from_micros(a.drain.0),
        grace: std::time::Duration::from_micros(a.grace.0),
        shard: a.shard,
        threads: a.run.threads,
    };
    let rt = runtime(opts.threads)?;
    let sc = Arc::new(sc);
    let live = live_metrics(&rt, &sc, &a, exports.quiet())?;
    let counters = Arc::new(match &live {
        Some((m, _)) => runner::Counters::with_live(m.clone()),
        None => runner::Counters::default(),
    });
    let interrupt = CancellationToken::new();
    let run = (&a, &exports, &interrupt);
    let code = match &tgt.adapter {
        target::Adapter::Http { .. } => {
            let adapter = rt.block_on(HttpAdapter::new(&tgt, &sc))?;
            run_drive(&rt, sc, opts, &tgt, adapter, counters, run, out)?
        }
        target::Adapter::Django(_) => {
            let tally = counters.clone();
            let adapter = rt.block_on(DjangoAdapter::new(&tgt, &sc, from, opts.speed, tally))?;
            run_drive(&rt, sc, opts, &tgt, adapter, counters, run, out)?
        }
        target::Adapter::Rt(_) => {
            let tally = counters.clone();
            let adapter = rt.block_on(RtAdapter::new(&tgt, &sc, from, opts.speed, tally))?;
            run_drive(&rt, sc, opts, &tgt, adapter, counters, run, out)?
        }
    };
    if let Some((m, addr)) = live {
        m.finish();
        linger(&rt, addr, a.metrics_linger, &interrupt, exports.quiet());
    }
    Ok(code)
}

/// With `--metrics-listen`: the live metrics of a drive of `sc`, served
/// on `rt` from now until the runtime stops, and their address.
fn live_metrics(
    rt: &tokio::runtime::Runtime,
    sc: &Scenario,
    a: &DriveArgs,
    quiet: bool,
) -> Result<Option<(Arc<DriveMetrics>, std::net::SocketAddr)>, Error> {
    let Some(at) = &a.metrics_listen else {
        return Ok(None);
    };
    let endpoint = live::Endpoint::bind(at)?;
    let addr = endpoint.addr;
    let (m, registry) = DriveMetrics::new(sc, a.max_lateness.0);
    endpoint.serve(rt.handle(), registry)?;
    if !quiet {
        eprintln!("peakdesk drive: live metrics at http://{addr}/metrics");
    }
    Ok(Some((Arc::new(m), addr)))
}

/// Keeps the metrics endpoint up for `linger` after the summary, so that
/// Prometheus scrapes the final counts; Ctrl-C ends it.
fn linger(
    rt: &tokio::runtime::Runtime,
    addr: std::net::SocketAddr,
    linger: Span,
    interrupt: &CancellationToken,
    quiet: bool,
) {
    let wait = std::time::Duration::from_micros(linger.0);
    if wait.is_zero() || interrupt.is_cancelled() {
        return;
    }
    if !quiet {
        eprintln!(
            "peakdesk drive: final metrics at http://{addr}/metrics for {linger} more (--metrics-linger); Ctrl-C ends it"
        );
    }
    rt.block_on(async {
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = interrupt.cancelled() => {}
        }
    });
}

/// Asks the target for its clock and checks it against the window: a
/// target that does not answer, or whose clock is off, gets nothing.
async fn probe<A: Adapter>(
    adapter: &A,
    tgt: &target::Target,
    opts: &Options,
    a: &DriveArgs,
) -> Result<(), Error> {
    let desk_clock = adapter.probe().await.map_err(|why| {
        Error::Target(format!(
            "{} ({}) is not answering: {why}; nothing was sent",
            tgt.name, tgt.base_url
        ))
    })?;
    desk_clock
        .check(opts.from, opts.speed, a.clock_tolerance.0)
        .map_err(|why| {
            Error::Usage(format!(
                "{} ({}): {why}; nothing was sent",
                tgt.name, tgt.base_url
            ))
        })
}

/// The line that says what the drive is about to send, and where.
fn announce<A: Adapter>(sc: &Scenario, opts: &Options, tgt: &target::Target, adapter: &A) {
    let window_wall_s = crate::time::to_secs(opts.to - opts.from) / opts.speed;
    let (lo, hi) = drive::plan::Schedule::new(sc, opts).rate_range();
    let shard = opts.shard.map_or(String::new(), |s| format!(", shard {s}"));
    let extra = adapter
        .describe()
        .map_or(String::new(), |d| format!("\n  {d}"));
    eprintln!(
        "peakdesk drive: {} ({} adapter) · scenario {} to {} at {}x = {:.0} s of wall time · {:.1} to {:.1} shoppers/s{shard}{extra}",
        tgt.name,
        tgt.kind(),
        Span(opts.from),
        Span(opts.to),
        opts.speed,
        window_wall_s,
        lo,
        hi
    );
}

/// Writes a drive shard's file: its replication and report, for `merge`.
fn write_shard(
    sc: &Scenario,
    a: &DriveArgs,
    (shard, path): (shard::Shard, &std::path::Path),
    (replication, wall_s): (Replication, f64),
    d: DriveReport,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let agg = Aggregate::default().absorb(0, replication, Vec::new());
    let job = Job {
        command: JobKind::Drive,
        profile: a.profile.profile.clone(),
        set: a.profile.set.clone(),
        seed: a.run.seed,
        replications: 1,
        vary: Vec::new(),
        scale_staff: None,
        version: env!("CARGO_PKG_VERSION").into(),
        fingerprint: shard::fingerprint(std::slice::from_ref(sc), 1),
    };
    let mut file = shard::ShardFile::new(job, shard, 0..1, wall_s, vec![(0, agg)]);
    file.drive = Some(d);
    shard::write(path, &file, out)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn run_drive<A: Adapter>(
    rt: &tokio::runtime::Runtime,
    sc: Arc<Scenario>,
    opts: Options,
    tgt: &target::Target,
    adapter: A,
    counters: Arc<runner::Counters>,
    (a, exports, interrupt): (&DriveArgs, &Exports, &CancellationToken),
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    rt.block_on(probe(&adapter, tgt, &opts, a))?;
    let window_wall_s = crate::time::to_secs(opts.to - opts.from) / opts.speed;
    if !exports.quiet() {
        announce(&sc, &opts, tgt, &adapter);
    }
    rt.spawn(drive::signals::watch(interrupt.clone()));
    let opts = Arc::new(opts);
    let bar = Progress::styled(
        window_wall_s.ceil() as u64,
        "{bar:32} {pos}/{len} s · ETA {eta} · {msg}",
        exports.quiet(),
    );
    let from = opts.from;
    let progress = |t: SimTime, status: &runner::Status| {
        let pos = (crate::time::to_secs(t.saturating_sub(from)) / opts.speed) as u64;
        bar.set(pos, format!("scenario {} · {status}", clock_label(t)));
    };
    let adapter = Arc::new(adapter);
    let outcome = runner::run(
        rt,
        sc.clone(),
        opts.clone(),
        adapter.clone(),
        counters,
        interrupt.clone(),
        &progress,
    );
    bar.finish();
    if let (false, Some(costs)) = (exports.quiet(), adapter.costs()) {
        eprintln!("  {costs}");
    }
    let d = drive::report::build(
        &outcome.tally,
        RunFacts {
            target: tgt.name.clone(),
            adapter: tgt.kind().into(),
            opts: (*opts).clone(),
            wall_s: outcome.wall_s,
            window_wall_s,
            interrupted: outcome.interrupted,
            stopped: outcome.stopped,
        },
    );
    if let (Some(shard), Some(path)) = (opts.shard, exports.path(Format::Json)) {
        let code = exit_code(&d, None);
        write_shard(
            &sc,
            a,
            (shard, path),
            (outcome.replication, outcome.wall_s),
            d,
            out,
        )?;
        return Ok(code);
    }
    let s = summarize(&sc, outcome.replication, outcome.wall_s, opts.threads, d);
    report_drive(&s, exports, out)
}

/// The summary of what a drive's shoppers saw (one replication, or the
/// sum of a drive's shards), with verdicts on the measured values.
pub(super) fn summarize(
    sc: &Scenario,
    rep: Replication,
    wall_s: f64,
    threads: usize,
    d: DriveReport,
) -> Summary {
    let values: Vec<f64> = sc
        .rules
        .iter()
        .map(|r| sla::eval::value(sc, &sc.bands, r, &rep))
        .collect();
    let agg = Aggregate::default().absorb(0, rep, values.clone());
    let mut s = summary::build(sc, &agg, wall_s, threads);
    s.sla = sla::eval::measured_verdicts(&sc.rules, &values);
    s.sla_outcome = (!s.sla.is_empty()).then(|| sla::eval::outcome(&s.sla));
    s.drive = Some(d);
    s
}

/// The exit code of a drive: interrupted, invalid or stopped, else the
/// verdicts' (`outcome`: `None` for a shard, which has none yet).
fn exit_code(d: &DriveReport, outcome: Option<sla::Verdict>) -> ExitCode {
    if d.interrupted {
        ExitCode::Interrupted
    } else if d
        .stopped
        .as_ref()
        .is_some_and(|s| s.by == drive::report::StopCause::Sla)
    {
        ExitCode::SlaFailed
    } else if !d.valid || d.stopped.is_some() {
        ExitCode::TargetFailed
    } else {
        match outcome {
            Some(sla::Verdict::Fail) => ExitCode::SlaFailed,
            Some(sla::Verdict::Inconclusive) => ExitCode::Inconclusive,
            _ => ExitCode::Pass,
        }
    }
}

/// Writes a drive's summary and prints it; its exit code.
pub(super) fn report_drive(
    s: &Summary,
    exports: &Exports,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let d = s.drive.as_ref().expect("a drive's summary");
    exports.write_summary(out, s)?;
    if exports.text() {
        print(out, &terminal::summary(s))?;
        print(out, &terminal::drive(d))?;
    }
    Ok(exit_code(d, s.sla_outcome))
}

/// What `drive` writes.
pub(super) const FORMATS: [Format; 4] = SUMMARY_FORMATS;

/// Runs `peakdesk serve` until Ctrl-C or SIGTERM.
pub fn serve(a: ServeArgs, json: bool, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let mut sc = super::load(&a.profile)?;
    if let Some(seed) = a.seed {
        sc.seed = seed;
    }
    // The callers are the shoppers: their patience and their retrials.
    sc.retrials = None;
    let from = a.from.map_or(0, |t| t.0);
    let tls = match (&a.tls_cert, &a.tls_key) {
        (Some(cert), Some(key)) => Some(
            drive::tls::server_config(cert, key, a.tls_client_ca.as_deref())
                .map_err(drive::adapter::DriveError::from)?,
        ),
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let name = sc.name.clone();
    let mut ready = |addr: std::net::SocketAddr| {
        let _ = if json {
            let line = serde_json::json!({
                "serving": name, "url": format!("{scheme}://{addr}"),
                "from": clock_label(from), "speed": a.speed,
            });
            writeln!(out, "{line}")
        } else {
            writeln!(
                out,
                "peakdesk serve: {name} on {scheme}://{addr} (desk from {} at {}x); Ctrl-C stops",
                clock_label(from),
                a.speed
            )
        };
        let _ = out.flush();
    };
    let at = drive::serve::Listen {
        api: &a.listen,
        metrics: a.metrics_listen.as_deref(),
    };
    drive::serve::run(sc, at, from, a.speed, tls, &mut ready)?;
    Ok(ExitCode::Pass)
}
