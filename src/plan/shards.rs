//! Splitting a run across machines with the job runners people already have
//! (a Kubernetes Indexed Job, a Slurm array, GNU parallel): `--shard K/N`
//! runs one block of the run's (point, replication) units and writes their
//! aggregates to a shard file; `peakdesk merge` adds the shards back into
//! the very run one machine would have made. Counters and histograms add as
//! integers and replications keep their numbers (and seeds), so the merge is
//! exact, not an approximation.

use super::replicate;
use crate::metrics::Aggregate;
use crate::profile::Scenario;
use crate::report::progress::Progress;
use crate::{Error, report};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The schema name of shard files.
pub const SCHEMA: &str = "peakdesk.shard/1";

/// `K/N`: the K-th of N shards, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard, 1 to `count`.
    pub index: u32,
    /// How many shards the run is split into.
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "'{s}' is not a shard (expected K/N with 1 <= K <= N, e.g. 2/4; \
                 a Kubernetes index counts from 0, so use $((JOB_COMPLETION_INDEX + 1))/N)"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            k.trim().parse::<u32>().map_err(|_| bad())?,
            n.trim().parse::<u32>().map_err(|_| bad())?,
        );
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The units this shard runs: the K-th of N contiguous blocks of
    /// near-equal size (sizes differ by at most one unit).
    pub fn block(self, units: u64) -> Range<u64> {
        let at = |k: u32| u64::from(k) * units / u64::from(self.count);
        at(self.index - 1)..at(self.index)
    }
}

/// What defines a run: shards merge only with shards of the same job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// The command that ran it.
    pub command: JobKind,
    /// The profile, as given on the command line.
    pub profile: PathBuf,
    /// `--set` overrides.
    pub set: Vec<String>,
    /// `--seed`, when given.
    pub seed: Option<u64>,
    /// Replications per point.
    pub replications: u32,
    /// `--vary` (sweeps).
    pub vary: Vec<String>,
    /// `--scale-staff` (sweeps).
    pub scale_staff: Option<String>,
    /// The peakdesk version that ran it.
    pub version: String,
    /// SHA-256 over every point's validated scenario (data files read
    /// included) and the replication count: a changed profile shows here.
    pub fingerprint: String,
}

/// The command a shard ran: what `peakdesk merge` rebuilds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// `peakdesk simulate --shard`.
    Simulate,
    /// `peakdesk sweep --shard`.
    Sweep,
    /// `peakdesk drive --shard`.
    Drive,
}

/// Checks, before it runs, that a command given `--shard` writes its
/// shard file with `--json`.
pub fn check_output(shard: Option<Shard>, json: Option<&Path>) -> Result<(), Error> {
    if let (Some(s), None) = (shard, json) {
        return Err(Error::Usage(format!(
            "--shard {s}: write the shard's result with --json FILE, then combine every shard with `peakdesk merge FILES... -o OUT`"
        )));
    }
    Ok(())
}

/// Hashes what the points will run.
pub fn fingerprint(scenarios: &[Scenario], replications: u32) -> String {
    let mut h = Sha256::new();
    for sc in scenarios {
        h.update(format!("{sc:?}").as_bytes());
    }
    h.update(replications.to_le_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// One shard's result.
#[derive(Debug, Serialize, Deserialize)]
pub struct ShardFile {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The run it belongs to.
    pub job: Job,
    /// Which shard.
    pub shard: Shard,
    /// The units it ran, `[first, end)`, of points x replications.
    pub units: [u64; 2],
    /// Its wall time, seconds.
    pub wall_s: f64,
    /// The aggregate of every point it touched, by point number.
    pub aggregates: Vec<(usize, Aggregate)>,
    /// A drive's own measurements (drives only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drive: Option<crate::drive::report::DriveReport>,
}

/// Runs the units `block` of `scenarios` x `replications` (unit `u` is
/// replication `u % replications` of point `u / replications`) in
/// parallel, points that differ only in their desk side by side on one
/// draw of their shoppers ([`replicate::run_points`]).
pub fn run_block(
    scenarios: &[Scenario],
    replications: u32,
    block: Range<u64>,
    threads: usize,
    quiet: bool,
) -> Result<Vec<(usize, Aggregate)>, Error> {
    let r = u64::from(replications);
    let work: Vec<(usize, Range<u32>)> = (0..scenarios.len())
        .filter_map(|i| {
            let first = i as u64 * r;
            let (lo, hi) = (block.start.max(first), block.end.min(first + r));
            (lo < hi).then(|| (i, (lo - first) as u32..(hi - first) as u32))
        })
        .collect();
    let span = |i: usize| scenarios[i].horizon - scenarios[i].start;
    let time: u64 = work.iter().map(|(i, r)| r.len() as u64 * span(*i)).sum();
    let units = block.end - block.start;
    let what = format!("{units} replication(s) of the scenario's time");
    let progress = Progress::over(time, &what, quiet);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Engine(e.into()))?;
    let done = pool.install(|| replicate::run_points(scenarios, &work, &progress));
    progress.finish();
    Ok(done)
}

impl ShardFile {
    /// The shard file of `units` of a run (a drive adds its `drive` part).
    pub fn new(
        job: Job,
        shard: Shard,
        units: Range<u64>,
        wall_s: f64,
        aggregates: Vec<(usize, Aggregate)>,
    ) -> ShardFile {
        ShardFile {
            schema: SCHEMA.into(),
            job,
            shard,
            units: [units.start, units.end],
            wall_s,
            aggregates,
            drive: None,
        }
    }
}

/// Writes a shard file.
pub fn write(path: &Path, file: &ShardFile, out: &mut dyn std::io::Write) -> Result<(), Error> {
    report::write_with(path, out, |w| {
        serde_json::to_writer(&mut *w, file).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
}

/// Reads a shard file.
pub fn read(path: &Path) -> Result<ShardFile, Error> {
    let name = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Usage(format!("{name}: cannot read: {e}")))?;
    let tree: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{name}: not JSON: {e}")))?;
    let schema = tree.get("schema").and_then(|s| s.as_str()).unwrap_or("");
    if schema != SCHEMA {
        return Err(Error::Usage(format!(
            "{name}: schema '{schema}' is not a shard file (expected '{SCHEMA}', written by --shard K/N)"
        )));
    }
    serde_path_to_error::deserialize(tree)
        .map_err(|e| Error::Usage(format!("{name}: {}: {}", e.path(), e.inner())))
}

fn seed(s: Option<u64>) -> String {
    s.map_or("from the profile".into(), |s| s.to_string())
}

/// What differs between two jobs, for the message when shards do not match.
fn difference(a: &Job, b: &Job) -> String {
    let pairs = [
        (
            "command",
            format!("{:?}", a.command),
            format!("{:?}", b.command),
        ),
        (
            "profile",
            a.profile.display().to_string(),
            b.profile.display().to_string(),
        ),
        ("--set", a.set.join(" "), b.set.join(" ")),
        ("seed", seed(a.seed), seed(b.seed)),
        (
            "replications",
            a.replications.to_string(),
            b.replications.to_string(),
        ),
        ("--vary", a.vary.join(" "), b.vary.join(" ")),
        (
            "--scale-staff",
            a.scale_staff.clone().unwrap_or_default(),
            b.scale_staff.clone().unwrap_or_default(),
        ),
        ("version", a.version.clone(), b.version.clone()),
    ];
    pairs
        .into_iter()
        .find(|(_, x, y)| x != y)
        .map_or("the profile's contents differ".into(), |(k, x, y)| {
            format!("{k} {y} vs {x}")
        })
}

/// Reads shard files, checks that they are every shard of one run exactly
/// once, and adds them up per point, in shard order.
pub fn gather(paths: &[PathBuf]) -> Result<(Job, Vec<Aggregate>, f64), Error> {
    let files: Vec<ShardFile> = paths.iter().map(|p| read(p)).collect::<Result<_, _>>()?;
    let first = &files[0];
    let count = first.shard.count;
    let mut seen: Vec<Option<&Path>> = vec![None; count as usize];
    for (f, p) in files.iter().zip(paths) {
        if f.job != first.job {
            return Err(Error::Usage(format!(
                "{}: a shard of a different run than {} ({}); merge only shards of one run",
                p.display(),
                paths[0].display(),
                difference(&first.job, &f.job)
            )));
        }
        if f.shard.count != count {
            return Err(Error::Usage(format!(
                "{}: shard {} of a run split {} ways, but {} is shard {}",
                p.display(),
                f.shard,
                f.shard.count,
                paths[0].display(),
                first.shard
            )));
        }
        let slot = &mut seen[f.shard.index as usize - 1];
        if let Some(other) = slot {
            return Err(Error::Usage(format!(
                "shard {} given twice: {} and {}",
                f.shard,
                other.display(),
                p.display()
            )));
        }
        *slot = Some(p);
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| seen[*k as usize - 1].is_none())
        .map(|k| format!("{k}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "shards missing: {} (a merge needs all {count})",
            missing.join(", ")
        )));
    }
    // Integer sums and replication numbers: the order of the files does not matter.
    let job = first.job.clone();
    let points = files
        .iter()
        .flat_map(|f| f.aggregates.iter().map(|(i, _)| i + 1))
        .max()
        .unwrap_or(0);
    let mut merged: Vec<Aggregate> = vec![Aggregate::default(); points];
    let mut wall = 0.0;
    for f in files.into_iter() {
        wall += f.wall_s;
        for (i, agg) in f.aggregates {
            merged[i] = std::mem::take(&mut merged[i]).merge(agg);
        }
    }
    Ok((job, merged, wall))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_cover_every_unit_once() {
        assert!("3/2".parse::<Shard>().is_err());
        assert!("0/2".parse::<Shard>().is_err());
        assert!("2".parse::<Shard>().is_err());
        for n in 1..7u32 {
            for units in [0u64, 1, 5, 40, 41] {
                let mut next = 0;
                for k in 1..=n {
                    let b = format!("{k}/{n}").parse::<Shard>().unwrap().block(units);
                    assert_eq!(b.start, next);
                    assert!(b.end - b.start <= units / u64::from(n) + 1);
                    next = b.end;
                }
                assert_eq!(next, units);
            }
        }
    }
}
