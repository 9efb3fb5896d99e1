//! What a shopper's task reports to the drive's collector (and to the live
//! metrics on the way): one message per thing the shopper saw.

use super::shopper::Told;
use crate::demand::Shopper;

/// What a shopper's task reports to the collector.
pub enum Obs {
    /// Opened: the shopper (its first attempt: counted as an arrival),
    /// open latency and lateness, µs.
    Opened(Shopper, bool, u64, u64),
    /// The open failed: the shopper, lateness µs.
    Failed(Shopper, u64),
    /// The run ended before the open was answered: the shopper, lateness µs.
    Unopened(Shopper, u64),
    /// FAQ self-service answered: lateness, µs.
    Deflected(Shopper, u64),
    /// A recorder call.
    Told(Told),
    /// The first reply of an attempt, as the drive measures it: due to
    /// noticed, and the server's own times (µs).
    FirstReply {
        end_to_end: u64,
        server: Option<u64>,
        lag: Option<u64>,
    },
    /// A later message went out: how late the task sent it, and its
    /// request's round trip, µs.
    Sent(u64, u64),
    /// A later message's answer, as the drive measures it: due to noticed,
    /// and by the server's clock (µs).
    MessageReply {
        end_to_end: u64,
        server: Option<u64>,
    },
    /// Cut at the end of the run, never answered.
    Cut(Shopper),
}
