//! The whole-run histograms of one replication: what each holds, and how
//! those recorded once elsewhere (by group, or equal to another in a lean
//! run) are completed at the end. While a replication runs they are
//! [`Recording`]s, the same histograms in a form cheaper to record into.

use super::breakdown::{GroupPart, part_histogram};
use super::hist::{self, run_histogram};
use super::recording::Recording;
use hdrhistogram::Histogram;

/// Whole-run histograms of one replication (post-warm-up shoppers), as
/// HDR histograms (`H`) or as they are recorded ([`Recording`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(bound(
    serialize = "H: std::borrow::Borrow<Histogram<u64>>",
    deserialize = "H: From<Histogram<u64>>"
))]
pub struct RunHistograms<H = Histogram<u64>> {
    /// Time to first response (bot or agent).
    #[serde(with = "super::hist::as_base64")]
    pub first_response: H,
    /// Time from joining the human queue to the first human response.
    #[serde(with = "super::hist::as_base64")]
    pub human_response: H,
    /// Every message's response time.
    #[serde(with = "super::hist::as_base64")]
    pub message_response: H,
    /// Each resolved conversation's mean response time (Douyin's metric).
    #[serde(with = "super::hist::as_base64")]
    pub conversation_response: H,
    /// Time from arrival to the last reply of resolved conversations.
    #[serde(with = "super::hist::as_base64")]
    pub resolution: H,
    /// Time to abandonment of shoppers who gave up before any response.
    #[serde(with = "super::hist::as_base64")]
    pub abandon_time: H,
    /// Agent time per conversation.
    #[serde(with = "super::hist::as_base64")]
    pub handle: H,
}

impl<H> RunHistograms<H> {
    /// Each histogram turned into a `G` by `f`.
    pub fn map<G>(&self, mut f: impl FnMut(&H) -> G) -> RunHistograms<G> {
        RunHistograms {
            first_response: f(&self.first_response),
            human_response: f(&self.human_response),
            message_response: f(&self.message_response),
            conversation_response: f(&self.conversation_response),
            resolution: f(&self.resolution),
            abandon_time: f(&self.abandon_time),
            handle: f(&self.handle),
        }
    }
}

impl RunHistograms<Recording<u64>> {
    /// Empty recordings of [`RunHistograms::new`]'s histograms.
    pub fn recording() -> RunHistograms<Recording<u64>> {
        RunHistograms::new().map(Recording::like)
    }

    /// The histograms recorded so far.
    pub fn histograms(&self) -> RunHistograms {
        self.map(Recording::to_histogram)
    }
}

impl RunHistograms {
    /// Empty histograms: the headline first response at 3 significant
    /// digits, the others at 2 (1%), which keeps them small enough to stay
    /// in cache while a replication runs.
    pub fn new() -> RunHistograms {
        RunHistograms {
            first_response: run_histogram(),
            human_response: part_histogram(),
            message_response: part_histogram(),
            conversation_response: part_histogram(),
            resolution: part_histogram(),
            abandon_time: part_histogram(),
            handle: part_histogram(),
        }
    }

    /// The histograms with their names, for merging and output.
    pub fn named(&self) -> [(&'static str, &Histogram<u64>); 7] {
        [
            ("first_response", &self.first_response),
            ("human_response", &self.human_response),
            ("message_response", &self.message_response),
            ("conversation_response", &self.conversation_response),
            ("resolution", &self.resolution),
            ("abandon_time", &self.abandon_time),
            ("handle", &self.handle),
        ]
    }

    /// Adds another run's histograms.
    pub fn add(&mut self, o: &RunHistograms) {
        for (a, b) in [
            (&mut self.first_response, &o.first_response),
            (&mut self.human_response, &o.human_response),
            (&mut self.message_response, &o.message_response),
            (&mut self.conversation_response, &o.conversation_response),
            (&mut self.resolution, &o.resolution),
            (&mut self.abandon_time, &o.abandon_time),
            (&mut self.handle, &o.handle),
        ] {
            a.add(b).expect("same bounds");
        }
    }
}

impl Default for RunHistograms {
    fn default() -> Self {
        RunHistograms::new()
    }
}

/// Completes the run's histograms that are recorded once elsewhere: a
/// lean run's (see the recorder's `lean`) from its first responses, and its
/// group's from the run's; otherwise the run's human responses and handle
/// times, which are the sums of the groups'.
pub(super) fn complete(hists: &mut RunHistograms, groups: &mut [GroupPart], lean: bool) {
    if lean {
        let first = &hists.first_response;
        for h in [
            &mut hists.human_response,
            &mut hists.message_response,
            &mut hists.conversation_response,
        ] {
            hist::add_into(h, first);
        }
        hist::add_into(&mut groups[0].human_response, first);
        hist::add_into(&mut groups[0].handle, &hists.handle);
    } else {
        for g in groups.iter() {
            hist::add_into(&mut hists.human_response, &g.human_response);
            hist::add_into(&mut hists.handle, &g.handle);
        }
    }
}
