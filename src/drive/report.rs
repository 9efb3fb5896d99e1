//! The `drive` section of a summary: what only a run against a real target
//! has. The runner's own lateness (whether the numbers describe the
//! helpdesk or the load generator), achieved against intended rate, errors
//! by kind, and the server's own times beside the shopper's. Times here are
//! wall-clock seconds (the target's clock); the summary's shopper-side
//! metrics are scenario time (wall time x `--speed`).
//!
//! Histograms are kept encoded (HDR V2) so shards of a drive merge exactly.

use super::adapter::ErrorKind;
use crate::metrics::figures::{Percentiles, percentiles};
use crate::metrics::hist;
use hdrhistogram::Histogram;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// The raw measurements of one drive, before summarising.
#[derive(Debug, Clone)]
pub struct DriveTally {
    /// Scheduling lateness of each shopper, wall µs.
    pub lateness: Histogram<u64>,
    /// Round trip of each open request, wall µs.
    pub open_latency: Histogram<u64>,
    /// Due to reply noticed, wall µs.
    pub end_to_end: Histogram<u64>,
    /// Server's reply time minus server's creation time, µs.
    pub server_response: Histogram<u64>,
    /// Reply noticed minus the server's reply time, µs.
    pub detection_lag: Histogram<u64>,
    /// Round trip of each later message's request, wall µs.
    pub message_latency: Histogram<u64>,
    /// A later message's due time to its answer noticed, wall µs.
    pub message_end_to_end: Histogram<u64>,
    /// A later message's answer by the server's clock (message created to
    /// answered), µs.
    pub message_server: Histogram<u64>,
    /// Shoppers due (this shard, window, after the cap).
    pub intended: u64,
    /// Conversations opened.
    pub opened: u64,
    /// Later shopper messages sent.
    pub messages: u64,
    /// Conversations whose open failed.
    pub failed: u64,
    /// Deflected by FAQ self-service (nothing sent).
    pub deflected: u64,
    /// Requests made.
    pub requests: u64,
    /// Failed requests by kind.
    pub errors: IndexMap<ErrorKind, u64>,
    /// The first error of each kind, in words.
    pub first_errors: IndexMap<ErrorKind, String>,
    /// Shoppers due, opened, requests and errors per interval.
    pub timeline: Timeline,
}

/// Counts per interval of the window's scenario time, so a report can show
/// when errors came and where the achieved rate fell short. The intervals
/// are the profile's, or shorter in a short window (about 40 points over
/// it, [`Timeline::step`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// Where the first interval starts, scenario seconds from the
    /// profile's start (the window's start, to an interval).
    #[serde(default)]
    pub start_s: f64,
    /// Interval length, scenario seconds.
    pub interval_s: f64,
    /// Shoppers due in each interval.
    pub intended: Vec<u64>,
    /// Conversations opened (by due time).
    pub opened: Vec<u64>,
    /// Requests made (by the time they finished; past the window's
    /// intervals, the drain's).
    pub requests: Vec<u64>,
    /// Failed requests (by the time they failed).
    pub errors: Vec<u64>,
}

impl Timeline {
    /// An empty timeline over the window `from_s` to `to_s` (scenario
    /// seconds) in intervals of the profile's `interval_s` or, when that
    /// gives fewer than 20 over the window, of [`Timeline::step`].
    pub fn over(from_s: f64, to_s: f64, interval_s: f64) -> Timeline {
        let span = (to_s - from_s).max(1.0);
        let interval_s = if span / interval_s < 20.0 {
            Timeline::step(span).min(interval_s)
        } else {
            interval_s
        };
        let start_s = (from_s / interval_s).floor() * interval_s;
        let n = ((to_s - start_s) / interval_s).ceil().max(1.0) as usize;
        Timeline {
            start_s,
            ..Timeline::new(interval_s, n)
        }
    }

    /// A round interval giving about 40 points over `span_s` seconds.
    pub fn step(span_s: f64) -> f64 {
        const STEPS: [f64; 12] = [
            1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0,
        ];
        STEPS
            .into_iter()
            .find(|s| span_s / s <= 40.0)
            .unwrap_or(3600.0)
    }

    /// An empty timeline of `n` intervals of `interval_s` from 0.
    pub fn new(interval_s: f64, n: usize) -> Timeline {
        Timeline {
            start_s: 0.0,
            interval_s,
            intended: vec![0; n],
            opened: vec![0; n],
            requests: vec![0; n],
            errors: vec![0; n],
        }
    }

    /// The interval holding scenario second `t`. Requests finishing after
    /// the window (the drain) fall in intervals past its end, up to as many
    /// again as the window has.
    pub fn slot(&self, t: f64) -> usize {
        let n = self.intended.len();
        if n == 0 || self.interval_s <= 0.0 {
            return 0;
        }
        (((t - self.start_s) / self.interval_s).max(0.0) as usize).min(2 * n - 1)
    }

    /// Adds `k` to `counts` at `slot`, growing it to reach.
    pub fn add(counts: &mut Vec<u64>, slot: usize, k: u64) {
        if counts.len() <= slot {
            counts.resize(slot + 1, 0);
        }
        counts[slot] += k;
    }

    fn merge(&mut self, other: &Timeline) {
        for (a, b) in [
            (&mut self.intended, &other.intended),
            (&mut self.opened, &other.opened),
            (&mut self.requests, &other.requests),
            (&mut self.errors, &other.errors),
        ] {
            if a.len() < b.len() {
                a.resize(b.len(), 0);
            }
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

impl Default for DriveTally {
    fn default() -> Self {
        DriveTally {
            lateness: hist::run_histogram(),
            open_latency: hist::run_histogram(),
            end_to_end: hist::run_histogram(),
            server_response: hist::run_histogram(),
            detection_lag: hist::run_histogram(),
            message_latency: hist::run_histogram(),
            message_end_to_end: hist::run_histogram(),
            message_server: hist::run_histogram(),
            intended: 0,
            opened: 0,
            messages: 0,
            failed: 0,
            deflected: 0,
            requests: 0,
            errors: ErrorKind::ALL.iter().map(|k| (*k, 0)).collect(),
            first_errors: IndexMap::new(),
            timeline: Timeline::default(),
        }
    }
}

impl DriveTally {
    fn named(&self) -> [(&'static str, &Histogram<u64>); 8] {
        [
            ("lateness_us", &self.lateness),
            ("open_latency_us", &self.open_latency),
            ("end_to_end_us", &self.end_to_end),
            ("server_response_us", &self.server_response),
            ("detection_lag_us", &self.detection_lag),
            ("message_latency_us", &self.message_latency),
            ("message_end_to_end_us", &self.message_end_to_end),
            ("message_server_us", &self.message_server),
        ]
    }

    /// Errors over requests.
    pub fn error_rate(&self) -> f64 {
        let e: u64 = self.errors.values().sum();
        if self.requests == 0 {
            0.0
        } else {
            e as f64 / self.requests as f64
        }
    }
}

/// How the run went, as written in the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriveReport {
    /// The target's name.
    pub target: String,
    /// The adapter.
    pub adapter: String,
    /// Scenario seconds per wall second.
    pub speed: f64,
    /// What `--speed` does to the numbers, when it is not 1.
    pub speed_note: Option<String>,
    /// The window, scenario seconds from the start of the profile.
    pub from_s: f64,
    /// Its end.
    pub to_s: f64,
    /// `K/N` when this is one load generator of several.
    pub shard: Option<String>,
    /// Wall time the window took, seconds.
    pub wall_s: f64,
    /// Shoppers due.
    pub intended: u64,
    /// Conversations opened.
    pub opened: u64,
    /// Later shopper messages sent (whole conversations).
    #[serde(default)]
    pub messages: u64,
    /// Conversations whose open failed.
    pub failed: u64,
    /// Shoppers FAQ self-service answered (nothing sent).
    pub deflected: u64,
    /// Shoppers still waiting for their open request (a slot in flight or
    /// an answer) when the run ended: load the target never took.
    #[serde(default)]
    pub unopened: u64,
    /// Shoppers due per wall second over the window.
    pub intended_rate_per_s: f64,
    /// Conversations opened per wall second over the window.
    pub achieved_rate_per_s: f64,
    /// Shopper messages (opening ones and later ones) sent per wall
    /// second over the window.
    #[serde(default)]
    pub messages_per_s: f64,
    /// How late the runner started shoppers, wall seconds.
    pub lateness_s: Percentiles,
    /// The p99 lateness bound (`--max-lateness`), seconds.
    pub max_lateness_s: f64,
    /// Whether the runner kept its schedule: false means the numbers
    /// describe the load generator, not the target.
    pub valid: bool,
    /// Requests made.
    pub requests: u64,
    /// Failed requests by kind.
    pub errors: IndexMap<String, u64>,
    /// Failed over made requests.
    pub error_rate: f64,
    /// The first error of each kind.
    pub first_errors: Vec<String>,
    /// Round trip of the request that opens a conversation, seconds.
    pub open_latency_s: Percentiles,
    /// First response as the shopper saw it (due to noticed), wall seconds.
    pub end_to_end_s: Percentiles,
    /// First response by the server's own clock (created to replied).
    pub server_response_s: Percentiles,
    /// Reply noticed after the server's reply time.
    pub detection_lag_s: Percentiles,
    /// Later messages: the request's round trip, the answer as the
    /// shopper saw it (due to noticed, wall seconds) and by the server's
    /// clock (message created to answered).
    #[serde(default)]
    pub messages_s: MessageTimes,
    /// Ctrl-C or SIGTERM stopped the run.
    pub interrupted: bool,
    /// Why the run stopped early, if it did.
    pub stopped: Option<Stopped>,
    /// Due, opened, requests and errors per interval.
    #[serde(default)]
    pub timeline: Timeline,
    /// The histograms, HDR V2 base64, for `peakdesk merge`.
    pub histograms: IndexMap<String, String>,
}

/// Wall-clock times of later messages (whole conversations).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageTimes {
    /// The message request's round trip.
    pub request: Percentiles,
    /// Due to the answer noticed.
    pub end_to_end: Percentiles,
    /// The message's creation to the answer, by the server's clock.
    pub server_response: Percentiles,
}

/// What the report needs beside the tally.
pub struct RunFacts {
    /// Target name.
    pub target: String,
    /// Adapter name.
    pub adapter: String,
    /// The options.
    pub opts: super::Options,
    /// Wall seconds the run took.
    pub wall_s: f64,
    /// Wall seconds the window takes at the run's speed.
    pub window_wall_s: f64,
    /// Interrupted by a signal.
    pub interrupted: bool,
    /// Why it stopped early.
    pub stopped: Option<Stopped>,
}

/// What stopped a drive before its window's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopCause {
    /// The error budget (`--max-error-rate`) ran out.
    Errors,
    /// A rule with `abort = true` was lost beyond doubt.
    Sla,
}

/// A drive stopped early: by what, and why in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stopped {
    /// What stopped it.
    pub by: StopCause,
    /// In words.
    pub why: String,
}

/// Builds the report.
pub fn build(t: &DriveTally, f: RunFacts) -> DriveReport {
    let lateness = percentiles(&t.lateness);
    let p99 = if t.lateness.is_empty() {
        0
    } else {
        t.lateness.value_at_quantile(0.99)
    };
    let speed = f.opts.speed;
    DriveReport {
        target: f.target,
        adapter: f.adapter,
        speed,
        speed_note: (speed != 1.0).then(|| {
            format!(
                "at --speed {speed} the shoppers' patience and think times and the virtual agents' work run {speed}x faster; the target's own latency does not, and shopper-side times (scenario time) count it {speed}x"
            )
        }),
        from_s: crate::time::to_secs(f.opts.from),
        to_s: crate::time::to_secs(f.opts.to),
        shard: f.opts.shard.map(|s| s.to_string()),
        wall_s: f.wall_s,
        intended: t.intended,
        opened: t.opened,
        messages: t.messages,
        failed: t.failed,
        deflected: t.deflected,
        unopened: t.intended.saturating_sub(t.opened + t.failed + t.deflected),
        intended_rate_per_s: rate(t.intended, f.window_wall_s),
        achieved_rate_per_s: rate(t.opened, f.window_wall_s.min(f.wall_s).max(1e-9)),
        messages_per_s: rate(t.opened + t.messages, f.window_wall_s.min(f.wall_s).max(1e-9)),
        lateness_s: lateness,
        max_lateness_s: crate::time::to_secs(f.opts.max_lateness),
        valid: p99 <= f.opts.max_lateness,
        requests: t.requests,
        errors: t.errors.iter().map(|(k, v)| (k.name().to_string(), *v)).collect(),
        error_rate: t.error_rate(),
        first_errors: t.first_errors.values().cloned().collect(),
        open_latency_s: percentiles(&t.open_latency),
        end_to_end_s: percentiles(&t.end_to_end),
        server_response_s: percentiles(&t.server_response),
        detection_lag_s: percentiles(&t.detection_lag),
        messages_s: MessageTimes {
            request: percentiles(&t.message_latency),
            end_to_end: percentiles(&t.message_end_to_end),
            server_response: percentiles(&t.message_server),
        },
        interrupted: f.interrupted,
        stopped: f.stopped,
        timeline: t.timeline.clone(),
        histograms: t
            .named()
            .iter()
            .map(|(n, h)| (n.to_string(), hist::encode(*h)))
            .collect(),
    }
}

fn rate(n: u64, secs: f64) -> f64 {
    if secs > 0.0 { n as f64 / secs } else { 0.0 }
}

/// Why drive reports do not merge.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// There was nothing to merge.
    #[error("no drive reports to merge")]
    Empty,
    /// A histogram in a report could not be read back.
    #[error("the drive reports' {name} histogram cannot be read: {why}")]
    Histogram {
        /// Which histogram.
        name: String,
        /// What went wrong.
        why: crate::metrics::hist::DecodeError,
    },
}

/// Merges the reports of a drive's shards (same window and target): counts
/// and histograms add; the run is valid only if every shard was.
pub fn merge(parts: &[DriveReport]) -> Result<DriveReport, MergeError> {
    let first = parts.first().ok_or(MergeError::Empty)?;
    let mut out = first.clone();
    let mut hists: IndexMap<String, Histogram<u64>> = IndexMap::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.intended += p.intended;
            out.opened += p.opened;
            out.messages += p.messages;
            out.messages_per_s += p.messages_per_s;
            out.failed += p.failed;
            out.deflected += p.deflected;
            out.unopened += p.unopened;
            out.requests += p.requests;
            out.intended_rate_per_s += p.intended_rate_per_s;
            out.achieved_rate_per_s += p.achieved_rate_per_s;
            out.wall_s = out.wall_s.max(p.wall_s);
            out.valid &= p.valid;
            out.interrupted |= p.interrupted;
            out.stopped = out.stopped.take().or_else(|| p.stopped.clone());
            for (k, v) in &p.errors {
                *out.errors.entry(k.clone()).or_default() += v;
            }
            out.first_errors.extend(p.first_errors.iter().cloned());
            out.timeline.merge(&p.timeline);
        }
        for (name, text) in &p.histograms {
            let h = hist::decode(text).map_err(|why| MergeError::Histogram {
                name: name.clone(),
                why,
            })?;
            match hists.get_mut(name) {
                Some(acc) => hist::add_into(acc, &h),
                None => {
                    hists.insert(name.clone(), h);
                }
            }
        }
    }
    let get = |n: &str| hists.get(n).cloned().unwrap_or_else(hist::run_histogram);
    out.lateness_s = percentiles(&get("lateness_us"));
    out.open_latency_s = percentiles(&get("open_latency_us"));
    out.end_to_end_s = percentiles(&get("end_to_end_us"));
    out.server_response_s = percentiles(&get("server_response_us"));
    out.detection_lag_s = percentiles(&get("detection_lag_us"));
    out.messages_s = MessageTimes {
        request: percentiles(&get("message_latency_us")),
        end_to_end: percentiles(&get("message_end_to_end_us")),
        server_response: percentiles(&get("message_server_us")),
    };
    let errors: u64 = out.errors.values().sum();
    out.error_rate = if out.requests == 0 {
        0.0
    } else {
        errors as f64 / out.requests as f64
    };
    out.shard = None;
    out.histograms = hists
        .iter()
        .map(|(n, h)| (n.clone(), hist::encode(h)))
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::Timeline;

    #[test]
    fn a_short_window_gets_its_own_intervals_and_a_day_keeps_the_profiles() {
        // 80 s from 00:02 in a profile of 1-minute intervals: 2 s steps.
        let t = Timeline::over(120.0, 200.0, 60.0);
        assert_eq!(
            (t.start_s, t.interval_s, t.intended.len()),
            (120.0, 2.0, 40)
        );
        assert_eq!((t.slot(120.0), t.slot(121.9), t.slot(199.0)), (0, 0, 39));
        // Ten minutes from 19:00 in hourly intervals: 15 s steps.
        let t = Timeline::over(68_400.0, 69_000.0, 3600.0);
        assert_eq!(
            (t.start_s, t.interval_s, t.intended.len()),
            (68_400.0, 15.0, 40)
        );
        // A day in 15-minute intervals keeps them.
        let t = Timeline::over(0.0, 86_400.0, 900.0);
        assert_eq!(
            (t.start_s, t.interval_s, t.intended.len()),
            (0.0, 900.0, 96)
        );
    }
}
