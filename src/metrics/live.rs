//! The catalogue of live metrics: what `drive --metrics-listen` and
//! `serve --metrics-listen` expose to Prometheus while they run, each with
//! its name, kind, unit, labels and meaning, and, where there is one, the
//! summary figure it equals when the drive ends. The exporters
//! (`drive::live`) register every family from here, `peakdesk metrics`
//! prints this list, and a test checks that the shipped Grafana dashboard
//! names nothing else.

use super::catalogue::FIRST_RESPONSE;
use serde::Serialize;

/// An OpenMetrics metric type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Only goes up; exposed as `NAME_total`.
    Counter,
    /// Goes up and down.
    Gauge,
    /// Observations in buckets; exposed as `NAME_bucket`, `_count`, `_sum`.
    Histogram,
}

/// Which command exposes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// `peakdesk drive`: the shoppers' side.
    Drive,
    /// `peakdesk serve`: the desk's side.
    Serve,
}

/// One live metric family.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LiveDef {
    /// The family's name, with its unit (`_seconds`) and without `_total`.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Its unit, when it has one (part of the name).
    pub unit: Option<&'static str>,
    /// Its labels (each from a finite set: the profile's names, or fixed).
    pub labels: &'static [&'static str],
    /// Who exposes it.
    pub side: Side,
    /// What it counts, in one sentence (the `# HELP` line).
    pub help: &'static str,
    /// The summary JSON figure it equals at the end of a drive (a JSON
    /// pointer; summed over labels).
    pub summary: Option<&'static str>,
}

/// The labels of a shopper: its segment, question and channel, by the
/// profile's names.
pub const PARTS: &[&str] = &["segment", "question", "channel"];

const fn def(
    name: &'static str,
    kind: Kind,
    labels: &'static [&'static str],
    help: &'static str,
    summary: Option<&'static str>,
) -> LiveDef {
    LiveDef {
        name,
        kind,
        unit: None,
        labels,
        side: Side::Drive,
        help,
        summary,
    }
}

const fn seconds(mut d: LiveDef) -> LiveDef {
    d.unit = Some("seconds");
    d
}

const fn serve(mut d: LiveDef) -> LiveDef {
    d.side = Side::Serve;
    d
}

use Kind::{Counter, Gauge, Histogram};

/// Shoppers whose due time came (first attempts; FAQ deflections included).
pub const DRIVE_DUE: LiveDef = def(
    "peakdesk_drive_shoppers_due",
    Counter,
    PARTS,
    "Shoppers whose due time came (first attempts, FAQ deflections included).",
    Some("/drive/intended"),
);
/// Conversations opened.
pub const DRIVE_OPENED: LiveDef = def(
    "peakdesk_drive_shoppers_opened",
    Counter,
    PARTS,
    "Conversations the target opened (a shopper coming back opens another).",
    Some("/drive/opened"),
);
/// FAQ self-service.
pub const DRIVE_DEFLECTED: LiveDef = def(
    "peakdesk_drive_shoppers_deflected",
    Counter,
    PARTS,
    "Shoppers the FAQ answered: due, never sent to the target.",
    Some("/drive/deflected"),
);
/// First responses.
pub const DRIVE_ANSWERED: LiveDef = def(
    "peakdesk_drive_shoppers_answered",
    Counter,
    &["segment", "question", "channel", "by"],
    "Conversations with a first response, by the bot or an agent (by).",
    None,
);
/// Shoppers who left.
pub const DRIVE_ABANDONED: LiveDef = def(
    "peakdesk_drive_shoppers_abandoned",
    Counter,
    &["segment", "question", "channel", "left"],
    "Shoppers whose patience ran out, by when they left (before_answer, waiting_for_human, mid_conversation).",
    None,
);
/// Conversations over.
pub const DRIVE_RESOLVED: LiveDef = def(
    "peakdesk_drive_shoppers_resolved",
    Counter,
    PARTS,
    "Conversations the desk closed with the shopper answered.",
    None,
);
/// Conversations open now.
pub const DRIVE_IN_FLIGHT: LiveDef = def(
    "peakdesk_drive_conversations_in_flight",
    Gauge,
    PARTS,
    "Conversations opened and not over yet (answered or not).",
    None,
);
/// Requests.
pub const DRIVE_REQUESTS: LiveDef = def(
    "peakdesk_drive_requests",
    Counter,
    &[],
    "Requests made to the target, failed ones included.",
    Some("/drive/requests"),
);
/// Failed requests.
pub const DRIVE_ERRORS: LiveDef = def(
    "peakdesk_drive_errors",
    Counter,
    &["kind"],
    "Failed requests by kind (connect, timeout, 4xx, 5xx, bad_response).",
    Some("/drive/errors"),
);
/// First response time.
pub const DRIVE_FIRST_RESPONSE: LiveDef = seconds(def(
    "peakdesk_drive_first_response_seconds",
    Histogram,
    PARTS,
    FIRST_RESPONSE.definition,
    None,
));
/// The runner's lateness.
pub const DRIVE_LATENESS: LiveDef = seconds(def(
    "peakdesk_drive_lateness_seconds",
    Histogram,
    &[],
    "How late the runner started a shopper or sent a later message, wall-clock seconds (past --max-lateness at p99 the drive is invalid).",
    None,
));
/// Whether the drive is over.
pub const DRIVE_FINISHED: LiveDef = def(
    "peakdesk_drive_finished",
    Gauge,
    &[],
    "1 once the drive is over and its summary written (the counts are final), else 0.",
    None,
);

/// Conversations opened on the served desk.
pub const SERVE_OPENED: LiveDef = serve(def(
    "peakdesk_serve_conversations_opened",
    Counter,
    &[],
    "Conversations callers opened.",
    None,
));
/// First responses shown.
pub const SERVE_ANSWERED: LiveDef = serve(def(
    "peakdesk_serve_conversations_answered",
    Counter,
    &["by"],
    "Conversations whose first response was shown, by the bot or an agent (by).",
    None,
));
/// Taken by an agent.
pub const SERVE_TAKEN: LiveDef = serve(def(
    "peakdesk_serve_conversations_taken",
    Counter,
    &["group"],
    "Conversations an agent took, by the agents' group.",
    None,
));
/// Left by the caller.
pub const SERVE_ABANDONED: LiveDef = serve(def(
    "peakdesk_serve_conversations_abandoned",
    Counter,
    &[],
    "Conversations the caller left (DELETE) before the desk closed them.",
    None,
));
/// Over.
pub const SERVE_CLOSED: LiveDef = serve(def(
    "peakdesk_serve_conversations_closed",
    Counter,
    &[],
    "Conversations over: resolved, or left by their shopper.",
    None,
));
/// In the system.
pub const SERVE_IN_SYSTEM: LiveDef = serve(def(
    "peakdesk_serve_conversations_in_system",
    Gauge,
    &[],
    "Conversations opened and not closed yet.",
    None,
));
/// Replies shown.
pub const SERVE_REPLIES: LiveDef = serve(def(
    "peakdesk_serve_replies",
    Counter,
    &["by"],
    "Replies shown to callers, by the bot or an agent (by).",
    None,
));
/// First response time on the served desk.
pub const SERVE_FIRST_RESPONSE: LiveDef = seconds(serve(def(
    "peakdesk_serve_first_response_seconds",
    Histogram,
    &["by"],
    "Opening to the first response shown, scenario seconds (wall seconds times --speed), by the bot or an agent (by).",
    None,
)));

/// Every live metric.
pub const LIVE: &[LiveDef] = &[
    DRIVE_DUE,
    DRIVE_OPENED,
    DRIVE_DEFLECTED,
    DRIVE_ANSWERED,
    DRIVE_ABANDONED,
    DRIVE_RESOLVED,
    DRIVE_IN_FLIGHT,
    DRIVE_REQUESTS,
    DRIVE_ERRORS,
    DRIVE_FIRST_RESPONSE,
    DRIVE_LATENESS,
    DRIVE_FINISHED,
    SERVE_OPENED,
    SERVE_ANSWERED,
    SERVE_TAKEN,
    SERVE_ABANDONED,
    SERVE_CLOSED,
    SERVE_IN_SYSTEM,
    SERVE_REPLIES,
    SERVE_FIRST_RESPONSE,
];

impl LiveDef {
    /// The name the registry takes: without the unit, which it appends.
    pub fn base(&self) -> &'static str {
        match self.unit {
            Some(u) => self
                .name
                .strip_suffix(u)
                .and_then(|n| n.strip_suffix('_'))
                .expect("a name ends with its unit"),
            None => self.name,
        }
    }

    /// The names of its samples, as a query names them.
    pub fn samples(&self) -> Vec<String> {
        let n = self.name;
        match self.kind {
            Kind::Counter => vec![format!("{n}_total")],
            Kind::Gauge => vec![n.to_string()],
            Kind::Histogram => ["bucket", "count", "sum"]
                .iter()
                .map(|s| format!("{n}_{s}"))
                .collect(),
        }
    }
}

/// Every sample name the live metrics expose.
pub fn sample_names() -> Vec<String> {
    LIVE.iter().flat_map(LiveDef::samples).collect()
}

/// The live metrics as text, for `peakdesk metrics`.
pub fn table() -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "\npeakdesk metrics: live, with --metrics-listen (OpenMetrics text at /metrics)\n",
    );
    for d in LIVE {
        let side = match d.side {
            Side::Drive => "drive",
            Side::Serve => "serve",
        };
        let kind = format!("{:?}", d.kind).to_lowercase();
        let labels = if d.labels.is_empty() {
            "no labels".to_string()
        } else {
            format!("labels: {}", d.labels.join(", "))
        };
        let summary = d.summary.map_or(String::new(), |p| {
            format!("; equals summary {p} at the end")
        });
        let _ = writeln!(
            out,
            "\n{}  ({side} {kind}; {labels}{summary})\n  {}",
            d.samples()[0].trim_end_matches("_bucket"),
            d.help
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_well_formed() {
        for (i, a) in LIVE.iter().enumerate() {
            assert!(a.name.starts_with("peakdesk_"), "{}", a.name);
            assert!(!a.name.ends_with("_total"), "{}", a.name);
            assert!(a.base().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            for b in &LIVE[i + 1..] {
                assert_ne!(a.name, b.name);
            }
        }
    }
}
