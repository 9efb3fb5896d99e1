//! Additive counters: one `Tally` per interval and one for the whole run.
//!
//! Everything in a tally adds exactly (integers only), so intervals add up to
//! batches, replications add up to a run, and shards add up to the run one
//! machine would have made. Every rate in the summary is a ratio of these.

use serde::{Deserialize, Serialize};

/// Shoppers by what happened to them: the counters of a [`Tally`] that
/// count people (the summary's `counts` is the run's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Conversations that reached the desk (retrials and accepted
    /// invitations included; FAQ-deflected questions excluded).
    pub arrived: u64,
    /// Of those, got a first response (from the bot or an agent).
    pub answered: u64,
    /// Of those answered, answered at once (no wait).
    pub immediate: u64,
    /// Shoppers who gave up before any response.
    pub abandoned: u64,
    /// Shoppers still waiting for a first response at the horizon.
    pub in_system_at_end: u64,
    /// Questions FAQ self-service answered before the desk saw them.
    pub deflected: u64,
    /// Arrivals that were a retrial of an earlier attempt.
    pub retrials: u64,
    /// Arrivals from accepted proactive invitations.
    pub proactive: u64,
    /// Conversations the bot handed to a human.
    pub handed_off: u64,
    /// Conversations that got a human response.
    pub human_answered: u64,
    /// Shoppers who gave up in a human queue after a response (the bot's,
    /// or an agent's before a transfer).
    pub abandoned_after_response: u64,
    /// Shoppers who left with the bot or an agent while a later reply was
    /// due.
    #[serde(default)]
    pub left_mid_conversation: u64,
    /// Conversations that ended with every message answered.
    pub resolved: u64,
    /// Of those, resolved by the bot alone.
    pub bot_resolved: u64,
}

impl Counts {
    /// Adds another's counts into these.
    pub fn add(&mut self, o: &Counts) {
        let Counts {
            arrived,
            answered,
            immediate,
            abandoned,
            in_system_at_end,
            deflected,
            retrials,
            proactive,
            handed_off,
            human_answered,
            abandoned_after_response,
            left_mid_conversation,
            resolved,
            bot_resolved,
        } = o;
        self.arrived += arrived;
        self.answered += answered;
        self.immediate += immediate;
        self.abandoned += abandoned;
        self.in_system_at_end += in_system_at_end;
        self.deflected += deflected;
        self.retrials += retrials;
        self.proactive += proactive;
        self.handed_off += handed_off;
        self.human_answered += human_answered;
        self.abandoned_after_response += abandoned_after_response;
        self.left_mid_conversation += left_mid_conversation;
        self.resolved += resolved;
        self.bot_resolved += bot_resolved;
    }

    /// Shoppers who left unserved: before any answer, waiting for a human
    /// after one, or mid-conversation.
    pub fn lost(&self) -> u64 {
        self.abandoned + self.abandoned_after_response + self.left_mid_conversation
    }
}

/// Counts and time integrals over a span of the run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// The shoppers (in JSON, the tally's own first keys).
    #[serde(flatten)]
    pub counts: Counts,
    /// Messages answered (bot and agents).
    pub messages: u64,
    /// Sum of message response times, microseconds.
    pub message_response_sum_us: u128,
    /// Sum of waits (to first response or to abandonment), microseconds.
    pub wait_sum_us: u128,
    /// Answered within each threshold of the scenario's `answered_within`.
    pub within: Vec<u64>,
    /// Per threshold: shoppers still waiting at the horizon who had not yet
    /// waited that long, so whether they will be answered in time is unknown.
    /// They leave that threshold's denominator.
    pub undecided: Vec<u64>,
    /// Integral of the queue length over time (shopper-microseconds).
    pub queue_area: u128,
    /// Integral of busy agents over time (agent-microseconds).
    pub busy_area: u128,
    /// Integral of staffed agents over time (agent-microseconds).
    pub staffed_area: u128,
    /// Length of time covered, microseconds.
    pub span_us: u64,
    /// Reply requests a capacity-limited bot served (the rest: zero).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bot_requests: u64,
    /// Of those, requests that waited for a bot slot.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bot_waited: u64,
    /// Sum of their waits for a bot slot, microseconds.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bot_wait_sum_us: u128,
    /// Sum of their service times (latency under load), microseconds.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bot_service_sum_us: u128,
    /// Conversations sent to a human because the bot was full.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bot_fallbacks: u64,
    /// Shoppers failed (lost) because the bot was full.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bot_failed: u64,
}

fn is_zero<T: Default + PartialEq>(x: &T) -> bool {
    *x == T::default()
}

/// The rates a tally implies; NaN where the denominator is zero.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    /// Share of arrivals who left before any response.
    pub left_before_answer: f64,
    /// Share of arrivals who gave up waiting for a human after a response.
    pub left_waiting_for_human: f64,
    /// Share of arrivals who left while a later reply was due.
    pub left_mid_conversation: f64,
    /// The three together: share of arrivals who left unserved.
    pub shoppers_lost: f64,
    /// Share of arrivals not answered at once.
    pub wait_prob: f64,
    /// Mean wait to first response or abandonment, seconds.
    pub wait_mean_s: f64,
    /// Busy agent time over staffed agent time.
    pub occupancy: f64,
    /// Share of all arrivals answered within each threshold (arrivals whose
    /// outcome the horizon cut off are left out).
    pub within: Vec<f64>,
    /// Time-average number waiting.
    pub mean_queue: f64,
    /// Time-average agents on shift.
    pub mean_staffed: f64,
    /// Time-average agents busy.
    pub mean_busy: f64,
    /// Share of resolved conversations the bot resolved alone.
    pub bot_containment: f64,
    /// Mean response time over all messages, seconds.
    pub message_mean_s: f64,
    /// Share of the capacity-limited bot's requests that waited for a slot.
    pub bot_wait_prob: f64,
    /// Mean wait for a bot slot over the bot's requests, seconds.
    pub bot_wait_mean_s: f64,
    /// Time-average bot slots in service (service time over time).
    pub bot_busy: f64,
    /// Share of arrivals sent to a human because the bot was full.
    pub bot_fallback: f64,
    /// Share of arrivals failed because the bot was full.
    pub bot_failed: f64,
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { f64::NAN }
}

/// Agent occupancy from time integrals: agent time with at least one
/// conversation over agent time on shift (NaN without shift time). The one
/// place it is computed; see the catalogue's `occupancy` for why a group
/// can pass 100%.
pub fn occupancy(busy_area: u128, staffed_area: u128) -> f64 {
    ratio(busy_area as f64, staffed_area as f64)
}

impl Tally {
    /// An empty tally for `thresholds` answered-within thresholds.
    pub fn new(thresholds: usize) -> Tally {
        Tally {
            within: vec![0; thresholds],
            undecided: vec![0; thresholds],
            ..Tally::default()
        }
    }

    /// Adds another tally into this one.
    pub fn add(&mut self, o: &Tally) {
        let Tally {
            counts,
            messages,
            message_response_sum_us,
            wait_sum_us,
            within,
            undecided,
            queue_area,
            busy_area,
            staffed_area,
            span_us,
            bot_requests,
            bot_waited,
            bot_wait_sum_us,
            bot_service_sum_us,
            bot_fallbacks,
            bot_failed,
        } = o;
        self.counts.add(counts);
        self.messages += messages;
        self.message_response_sum_us += message_response_sum_us;
        self.wait_sum_us += wait_sum_us;
        for (mine, theirs) in [(&mut self.within, within), (&mut self.undecided, undecided)] {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
        self.queue_area += queue_area;
        self.busy_area += busy_area;
        self.staffed_area += staffed_area;
        self.span_us += span_us;
        self.bot_requests += bot_requests;
        self.bot_waited += bot_waited;
        self.bot_wait_sum_us += bot_wait_sum_us;
        self.bot_service_sum_us += bot_service_sum_us;
        self.bot_fallbacks += bot_fallbacks;
        self.bot_failed += bot_failed;
    }

    /// The rates this tally implies.
    pub fn rates(&self) -> Rates {
        let c = &self.counts;
        let arrived = c.arrived as f64;
        let span = self.span_us as f64;
        Rates {
            left_before_answer: ratio(c.abandoned as f64, arrived),
            left_waiting_for_human: ratio(c.abandoned_after_response as f64, arrived),
            left_mid_conversation: ratio(c.left_mid_conversation as f64, arrived),
            shoppers_lost: ratio(c.lost() as f64, arrived),
            wait_prob: ratio((c.arrived - c.immediate) as f64, arrived),
            wait_mean_s: ratio(
                self.wait_sum_us as f64 / 1e6,
                (c.answered + c.abandoned) as f64,
            ),
            occupancy: occupancy(self.busy_area, self.staffed_area),
            within: self
                .within
                .iter()
                .enumerate()
                .map(|(k, w)| {
                    ratio(
                        *w as f64,
                        arrived - self.undecided.get(k).copied().unwrap_or(0) as f64,
                    )
                })
                .collect(),
            mean_queue: ratio(self.queue_area as f64, span),
            mean_staffed: ratio(self.staffed_area as f64, span),
            mean_busy: ratio(self.busy_area as f64, span),
            bot_containment: ratio(c.bot_resolved as f64, c.resolved as f64),
            message_mean_s: ratio(
                self.message_response_sum_us as f64 / 1e6,
                self.messages as f64,
            ),
            bot_wait_prob: ratio(self.bot_waited as f64, self.bot_requests as f64),
            bot_wait_mean_s: ratio(self.bot_wait_sum_us as f64 / 1e6, self.bot_requests as f64),
            bot_busy: ratio(self.bot_service_sum_us as f64, span),
            bot_fallback: ratio(self.bot_fallbacks as f64, arrived),
            bot_failed: ratio(self.bot_failed as f64, arrived),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_ratios_of_counts() {
        let t = Tally {
            counts: Counts {
                arrived: 10,
                answered: 8,
                immediate: 4,
                abandoned: 2,
                ..Counts::default()
            },
            wait_sum_us: 50_000_000,
            within: vec![5, 8],
            undecided: vec![0, 2],
            queue_area: 30,
            busy_area: 60,
            staffed_area: 80,
            span_us: 10,
            ..Tally::default()
        };
        let r = t.rates();
        assert_eq!(
            (
                r.left_before_answer,
                r.wait_prob,
                r.wait_mean_s,
                r.occupancy
            ),
            (0.2, 0.6, 5.0, 0.75)
        );
        assert_eq!(r.within, vec![0.5, 1.0]);
        assert_eq!((r.mean_queue, r.mean_staffed, r.mean_busy), (3.0, 8.0, 6.0));
        assert!(Tally::new(2).rates().left_before_answer.is_nan());
    }

    #[test]
    fn adding_is_associative() {
        let a = Tally {
            counts: Counts {
                arrived: 1,
                ..Counts::default()
            },
            within: vec![1],
            ..Tally::default()
        };
        let b = Tally {
            counts: Counts {
                arrived: 2,
                ..Counts::default()
            },
            busy_area: 7,
            within: vec![0, 2],
            ..Tally::default()
        };
        let c = Tally {
            counts: Counts {
                arrived: 3,
                ..Counts::default()
            },
            span_us: 5,
            within: vec![3],
            ..Tally::default()
        };
        let mut left = a.clone();
        left.add(&b);
        left.add(&c);
        let mut bc = b.clone();
        bc.add(&c);
        let mut right = a.clone();
        right.add(&bc);
        assert_eq!(left, right);
    }
}
