//! Command-line definitions (clap derive) and nothing else: flags become
//! typed values here, and [`crate::app`] turns them into work.

pub use crate::plan::shards::Shard;
use crate::profile::units::{Duration, Rate};
use clap::{Args, Parser, Subcommand};
pub use planning::{ErlangArgs, Target};
use std::path::PathBuf;

mod planning;

const EXIT_CODES: &str = "\
Exit codes:
  0    every SLA check passed (or nothing to check)
  1    the run completed but an SLA check failed
  2    bad input: usage, profile, target file
  3    the target failed, or the load generator fell behind
  4    inconclusive: the data cannot support a verdict
  130  interrupted with no report";

/// Load simulator and SLA conformance harness for e-commerce customer service.
#[derive(Debug, Parser)]
#[command(name = "peakdesk", version, about, after_help = EXIT_CODES, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// `json`: the command's result as JSON instead of text (on standard
    /// output, or in the --json file), no progress display, and errors as
    /// one JSON object on standard error.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// How results and errors are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text for people.
    Text,
    /// JSON for scripts.
    Json,
}

impl Format {
    /// Whether `--format json` is on a command line that clap refused
    /// (so even a usage error comes out as JSON).
    pub fn json_in_args(args: &[String]) -> bool {
        args.iter().enumerate().any(|(i, a)| {
            a == "--format=json"
                || (a == "--format" && args.get(i + 1).is_some_and(|v| v == "json"))
        })
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a profile on the built-in desk model (virtual clock) and summarise it.
    Simulate(SimulateArgs),
    /// Check a profile without running it.
    Validate(ProfileArgs),
    /// Analytic Erlang C / Erlang A answers for one pool of agents.
    Erlang(ErlangArgs),
    /// Simulate a profile and gate on its SLA rules (exit 0 pass, 1 fail, 4 inconclusive).
    Check(CheckArgs),
    /// Compare two summaries: what got worse, by how much, beyond the noise (exit 1 on a regression).
    Compare(CompareArgs),
    /// Run a grid of variations of a profile with the same seeds and compare the points.
    Sweep(SweepArgs),
    /// Find the fewest agents per interval and group that meet a target:
    /// Erlang C and A for each interval's demand, corrected by simulation.
    Staff(StaffArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the JSON Schema of profiles or target files, for editors.
    Schema(SchemaArgs),
    /// List every metric: its meaning and denominator, unit, which way is
    /// better, the scopes an SLA rule can give it, and where the summary
    /// holds it (`--format json` for a machine-readable list).
    Metrics,
    /// Combine the shard files of a run split with --shard K/N into the result one machine would give.
    Merge(MergeArgs),
    /// Send a profile's shoppers to a real helpdesk in real time and measure
    /// what they see (exit 3 if the target fails or the runner falls behind).
    Drive(DriveArgs),
    /// Serve the built-in desk model as an HTTP helpdesk (for `drive`, demos,
    /// and as a stand-in while the real one is built).
    Serve(ServeArgs),
    /// Write the HTML report of a result (from simulate, check, drive, sweep or merge).
    Report(ReportArgs),
}

/// `peakdesk report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A result JSON written by `simulate`, `check`, `drive` or `sweep` with `--json`, or by `merge`.
    pub result: PathBuf,
    /// The HTML file to write (`-` for stdout).
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
}

/// A point in a profile's time: `HH:MM[:SS]` on its first day, or an
/// offset from its start (`2d`, `36h30m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At(pub crate::time::SimTime);

impl std::str::FromStr for At {
    type Err = String;
    fn from_str(s: &str) -> Result<At, String> {
        if s.contains(':') {
            crate::profile::units::TimeOfDay::parse(s)
                .map(|t| At(t.0))
                .map_err(|e| e.to_string())
        } else {
            Duration::parse(s).map(|d| At(d.0)).map_err(|_| {
                format!("'{s}': expected HH:MM on the first day, or an offset like 2d or 36h30m")
            })
        }
    }
}

/// A window of a profile's time (`simulate`, `drive`).
#[derive(Debug, Clone, Copy, Args)]
pub struct WindowArgs {
    /// Start of the window (default: the profile's start).
    #[arg(long, value_name = "TIME")]
    pub from: Option<At>,
    /// End of the window (default: the profile's horizon).
    #[arg(long, value_name = "TIME", conflicts_with = "duration")]
    pub to: Option<At>,
    /// Length of the window, scenario time (instead of --to).
    #[arg(long, value_parser = Duration::parse)]
    pub duration: Option<Duration>,
}

/// `peakdesk drive`.
#[derive(Debug, Args)]
pub struct DriveArgs {
    /// The profile and overrides.
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// The target file: which helpdesk, and how to talk to it.
    #[arg(long, value_name = "FILE")]
    pub target: PathBuf,
    /// The target's base URL, instead of the file's `base_url` (for
    /// `peakdesk serve --listen 127.0.0.1:0`, or one file for several hosts).
    #[arg(long, value_name = "URL", env = "PEAKDESK_TARGET_URL")]
    pub target_url: Option<String>,
    /// How far the served desk's clock (a `[health]` with `clock`) may be
    /// from --from, scenario time, before the drive refuses to start.
    #[arg(long, default_value = "5m", value_parser = Duration::parse)]
    pub clock_tolerance: Duration,
    /// Run the scenario X times faster than real time (patience, think
    /// times and virtual agents' work scale; the target's latency does not).
    #[arg(long, default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,
    /// The window of the profile's time to drive.
    #[command(flatten)]
    pub window: WindowArgs,
    /// Safety cap on shoppers per wall second (arrivals above it are thinned).
    #[arg(long, value_parser = Rate::parse)]
    pub max_rate: Option<Rate>,
    /// The p99 lateness of the runner beyond which the run is invalid (exit 3).
    #[arg(long, default_value = "50ms", value_parser = Duration::parse)]
    pub max_lateness: Duration,
    /// End the run early (exit 3) when more than this share of requests fail (e.g. 5%).
    #[arg(long, value_parser = parse_tolerance)]
    pub max_error_rate: Option<f64>,
    /// Wall time to wait after the window for conversations still waiting.
    #[arg(long, default_value = "30s", value_parser = Duration::parse)]
    pub drain: Duration,
    /// Wall time to wait for conversations in flight after Ctrl-C or SIGTERM.
    #[arg(long, default_value = "5s", value_parser = Duration::parse)]
    pub grace: Duration,
    /// Send only every N-th shopper from the K-th (1-based); `peakdesk merge`
    /// combines the N results.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Serve live metrics for Prometheus at http://IP:PORT/metrics
    /// (OpenMetrics text) while the drive runs.
    #[arg(long, value_name = "IP:PORT")]
    pub metrics_listen: Option<String>,
    /// With --metrics-listen: how long the endpoint stays up after the
    /// summary is written, so that a scrape sees the final counts (at least
    /// the scrape interval; Ctrl-C ends it).
    #[arg(long, default_value = "10s", value_parser = Duration::parse)]
    pub metrics_linger: Duration,
    /// Seed and worker threads.
    #[command(flatten)]
    pub run: RunArgs,
    /// The summary's outputs.
    #[command(flatten)]
    pub out: Outputs,
}

/// Where a command's results go: the same flags on every command (each
/// refuses, before it runs, a format it cannot write). `-` is standard
/// output, for one of them at most.
#[derive(Debug, Default, Clone, Args)]
pub struct Outputs {
    /// Write the result as JSON (the summary, the sweep's points, the
    /// rosters, the comparison; `-o` and `--output` too).
    #[arg(long, short = 'o', visible_alias = "output", value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the HTML report (self-contained: charts, verdicts, breakdowns).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write CSV (a sweep's points).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write Markdown (SLA verdicts; a sweep's points; a comparison).
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write JUnit XML, one test case per SLA rule.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `peakdesk serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The profile and overrides.
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Run the desk X times faster than real time.
    #[arg(long, default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,
    /// The profile time the desk starts at (shifts follow from it).
    #[arg(long, value_name = "TIME")]
    pub from: Option<At>,
    /// Seed (overrides the profile's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Serve HTTPS with this certificate chain (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Demand client certificates signed by this CA (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_client_ca: Option<PathBuf>,
    /// Serve live metrics for Prometheus at http://IP:PORT/metrics
    /// (OpenMetrics text).
    #[arg(long, value_name = "IP:PORT")]
    pub metrics_listen: Option<String>,
}

fn parse_speed(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('x').parse::<f64>() {
        Ok(x) if x.is_finite() && (0.001..=10_000.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "'{s}': expected a factor between 0.001 and 10000 (e.g. 1, 10, 0.5)"
        )),
    }
}

/// `peakdesk sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The profile and overrides applied to every point.
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// PATH=VALUES: a list (`0.6,0.7,0.8`) or a range (`0.6:0.9:0.1`); several
    /// make a grid (the first varies slowest).
    #[arg(long = "vary", value_name = "PATH=VALUES")]
    pub vary: Vec<String>,
    /// Scale every group's headcount: a list or range of factors (on top of
    /// the profile's staffing multiplier).
    #[arg(long, value_name = "FACTORS")]
    pub scale_staff: Option<String>,
    /// Replications per point (the same seeds at every point).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub replications: u32,
    /// Seed and worker threads.
    #[command(flatten)]
    pub run: RunArgs,
    /// Where the points go (JSON, CSV, Markdown; HTML: heat maps of the
    /// grid and the cost/loss frontier).
    #[command(flatten)]
    pub out: Outputs,
    /// Run only the K-th of N blocks of points x replications and write a
    /// shard file with --json; `peakdesk merge` combines the N files.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
}

/// `peakdesk staff`.
#[derive(Debug, Args)]
pub struct StaffArgs {
    /// The profile and overrides.
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Length of a staffing interval (must divide a day).
    #[arg(long, default_value = "30m", value_parser = Duration::parse)]
    pub interval: Duration,
    /// What every interval must meet, as SHARE/TIME on the human side: e.g.
    /// `80/20s` = 80% of shoppers who need an agent answered by one within
    /// 20 s. Default: from the profile's rules (human_response, then
    /// answered_within, then first_response).
    #[arg(long)]
    pub target: Option<Target>,
    /// Largest share who may give up waiting for an agent (default: the
    /// profile's abandonment rule, if any).
    #[arg(long)]
    pub max_abandon: Option<f64>,
    /// Largest occupancy of each staffed group in every interval, e.g.
    /// `0.85` or `85%`: a headcount is raised until the group's simulated
    /// occupancy is at most this (default: the profile's `occupancy` error
    /// rules, for every group or one group).
    #[arg(long, value_name = "X", value_parser = planning::parse_max_occupancy)]
    pub max_occupancy: Option<f64>,
    /// Groups to staff, comma-separated (default: every primary group;
    /// overflow groups keep the profile's roster).
    #[arg(long, value_delimiter = ',')]
    pub groups: Vec<String>,
    /// Replications per roster tried (the same seeds every try and round).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub replications: u32,
    /// Whole-day rounds of simulation (and tries of one interval in the
    /// first pass) before giving up (exit 4).
    #[arg(long, default_value_t = 40)]
    pub max_rounds: u32,
    /// Seed and worker threads.
    #[command(flatten)]
    pub run: RunArgs,
    /// Where the rosters, Erlang's answers and agent-hours go (JSON).
    #[command(flatten)]
    pub out: Outputs,
    /// Write a copy of the profile with the found headcounts as each staffed
    /// group's `staff` steps (TOML profiles); with --shifts, the shifts'
    /// headcount as `[days."DATE"] staff` steps.
    #[arg(long, value_name = "FILE")]
    pub write_profile: Option<PathBuf>,
    /// Turn the requirement into shifts from these templates (a TOML file
    /// of `[[shift]]`): the fewest-cost shifts covering every interval,
    /// checked by simulation with fresh seeds.
    #[arg(long, value_name = "FILE")]
    pub shifts: Option<PathBuf>,
}

/// `peakdesk completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `peakdesk schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file format.
    #[arg(value_enum)]
    pub of: SchemaOf,
    /// Write it here instead of standard output.
    #[arg(long, short, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
}

/// The file formats with a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaOf {
    /// Profiles (`profiles/*.toml`).
    Profile,
    /// Target files of `drive` (`targets/*.toml`).
    Target,
}

/// `peakdesk merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard files written by `simulate --shard` or `sweep --shard`: every
    /// shard of one run, once each, in any order.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
    /// Where the merged result goes: `-o`/`--json` what `--json` of the
    /// unsplit run writes (required), and what else that run could write.
    #[command(flatten)]
    pub out: Outputs,
}

/// `peakdesk compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The baseline summary JSON.
    pub baseline: PathBuf,
    /// The candidate summary JSON.
    pub candidate: PathBuf,
    /// Relative change tolerated before a significant worsening counts as a
    /// regression, e.g. `5%` or `0.05`.
    #[arg(long, default_value = "5%", value_parser = parse_tolerance)]
    pub tolerance: f64,
    /// Where the comparison goes (JSON).
    #[command(flatten)]
    pub out: Outputs,
}

fn parse_tolerance(s: &str) -> Result<f64, String> {
    let (num, pct) = match s.strip_suffix('%') {
        Some(n) => (n, true),
        None => (s, false),
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 1.0 && !pct => Err(format!(
            "'{s}' as a fraction is {}%: write {s}% for {s} percent, or a fraction of at most 1 such as 0.05",
            v * 100.0
        )),
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(if pct { v / 100.0 } else { v }),
        _ => Err(format!(
            "'{s}' is not a tolerance (expected a percentage such as 5% or a fraction such as 0.05)"
        )),
    }
}

/// How many replications: a number, or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replications {
    /// Exactly this many.
    Fixed(u32),
    /// Add replications until every rule is conclusive or the cap is reached.
    Auto,
}

impl std::str::FromStr for Replications {
    type Err = String;
    fn from_str(s: &str) -> Result<Replications, String> {
        match s {
            "auto" => Ok(Replications::Auto),
            n => match n.parse::<u32>() {
                Ok(k) if k >= 1 => Ok(Replications::Fixed(k)),
                _ => Err(format!(
                    "'{s}' is not a number of replications (expected 1 or more, or auto)"
                )),
            },
        }
    }
}

/// `peakdesk check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The profile and overrides.
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Platform presets to check too: jd, tmall, douyin, pinduoduo, independent-site, tiers.
    #[arg(long = "preset", value_delimiter = ',')]
    pub presets: Vec<String>,
    /// A TOML file of rules (`presets = [...]`, `[[rules]]`), added to the profile's.
    #[arg(long, value_name = "FILE")]
    pub sla: Option<PathBuf>,
    /// Replications: a number, or `auto` (10 at a time until every rule is conclusive).
    #[arg(long, default_value = "auto")]
    pub replications: Replications,
    /// The cap for `--replications auto`.
    #[arg(long, default_value_t = 200)]
    pub max_replications: u32,
    /// Seed and worker threads.
    #[command(flatten)]
    pub run: RunArgs,
    /// Where the summary and the verdicts go (JSON, JUnit, Markdown, HTML).
    #[command(flatten)]
    pub out: Outputs,
}

/// The seed and the worker threads of a command that simulates.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Seed (overrides the profile's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (0: one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Run even when the run's estimated memory passes the budget (2 GiB,
    /// or less if the machine has less; refused otherwise, with the estimate).
    #[arg(long)]
    pub no_size_check: bool,
}

impl RunArgs {
    /// Sets the scenario's seed when `--seed` was given.
    pub fn seed(&self, sc: &mut crate::profile::Scenario) {
        if let Some(seed) = self.seed {
            sc.seed = seed;
        }
    }

    /// The threads that will run: `--threads`, or every core for 0.
    pub fn threads_used(&self) -> usize {
        match self.threads {
            0 => rayon::current_num_threads(),
            n => n,
        }
    }
}

/// A profile and the overrides applied to it.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The profile (TOML; .json files are read as JSON).
    pub profile: PathBuf,
    /// Override a profile value by dotted path before validation, e.g.
    /// `--set agents.groups[0].staff=120` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

/// `peakdesk simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The profile and overrides.
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Seed and worker threads.
    #[command(flatten)]
    pub run: RunArgs,
    /// Independent replications, run in parallel; results do not depend on
    /// the thread count.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub replications: u32,
    /// The window to measure: only shoppers arriving in it are counted;
    /// the desk comes to its start warmed by simulating what came before.
    #[command(flatten)]
    pub window: WindowArgs,
    /// Start the window from an empty desk with the roster at --from, as a
    /// drive finds a real desk (shoppers before it are drawn, never sent).
    #[arg(long, requires = "from")]
    pub cold: bool,
    /// The summary's outputs.
    #[command(flatten)]
    pub out: Outputs,
    /// Run only the K-th of N blocks of the replications and write a shard
    /// file with --json; `peakdesk merge` combines the N files (a whole
    /// run: no window).
    #[arg(long, value_name = "K/N", conflicts_with_all = ["from", "to", "duration"])]
    pub shard: Option<Shard>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}
