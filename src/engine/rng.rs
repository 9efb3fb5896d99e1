//! Named, portable random streams.
//!
//! Each purpose (arrivals, routing, patience, handle times, ...) draws from
//! its own Xoshiro256++ stream seeded from `(seed, replication, stream)`.
//! Two scenarios run with the same seed therefore see the same shoppers with
//! the same patience and handle times, and differ only where their
//! parameters differ (common random numbers). Xoshiro256++ and the seeding
//! below are specified bit for bit, unlike `StdRng`, so results are the same
//! on every platform and crate build.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The generator behind every stream.
pub type StreamRng = Xoshiro256PlusPlus;

/// The name of the generator, recorded in summaries.
pub const ALGORITHM: &str = "xoshiro256++ seeded by splitmix64(seed, replication, stream)";

/// The purposes that draw random numbers. The discriminant is part of the
/// seed derivation: never renumber a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Arrival times.
    Arrivals = 1,
    /// Day-to-day busyness factors.
    Busyness = 2,
    /// Which group an arrival is routed to.
    Routing = 3,
    /// Shopper patience.
    Patience = 4,
    /// The first agent reply (handle) time of each shopper.
    Handle = 5,
    /// The bot's outcome for each shopper.
    Bot = 6,
    /// FAQ self-service deflection.
    Deflection = 7,
    /// Proactive invitation times.
    Proactive = 8,
    /// Whether an invitation is accepted.
    Acceptance = 9,
    /// Seeds of each conversation's own stream (later replies, think
    /// times, bot latency, retrials).
    Conversation = 10,
    /// Which arrivals `drive --max-rate` keeps.
    RateCap = 11,
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The stream for one purpose in one replication.
pub fn stream(seed: u64, replication: u32, which: Stream) -> StreamRng {
    let key = splitmix64(splitmix64(splitmix64(seed) ^ u64::from(replication)) ^ which as u64);
    let mut bytes = [0u8; 32];
    let mut state = key;
    for chunk in bytes.chunks_mut(8) {
        state = splitmix64(state);
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    StreamRng::from_seed(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_fixed_and_distinct() {
        let a = stream(1, 0, Stream::Arrivals).next_u64();
        assert_eq!(a, stream(1, 0, Stream::Arrivals).next_u64());
        assert_ne!(a, stream(1, 0, Stream::Patience).next_u64());
        assert_ne!(a, stream(1, 1, Stream::Arrivals).next_u64());
        assert_ne!(a, stream(2, 0, Stream::Arrivals).next_u64());
    }

    #[test]
    fn the_first_draw_is_pinned() {
        // Guards against silent changes in seeding or in the generator crate.
        let first = stream(1, 0, Stream::Arrivals).next_u64();
        assert_eq!(
            first, 7_463_226_475_933_842_594,
            "the stream changed: results are no longer reproducible"
        );
    }
}
