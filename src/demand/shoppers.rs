//! What each arriving shopper brings: the group that will serve them, their
//! patience and the handle time their conversation will need. Each draw has
//! its own stream, and every shopper draws the same way whatever the desk's
//! state, so the same seed gives the same shoppers in every scenario.

use crate::dist::Dist;
use crate::engine::rng::{Stream, StreamRng, stream};
use crate::profile::Scenario;
use crate::time::SimTime;
use rand::RngExt;

/// A shopper as the desk sees one.
#[derive(Debug, Clone, Copy)]
pub struct Shopper {
    /// Arrival time.
    pub arrival: SimTime,
    /// Time the conversation will take once an agent takes it.
    pub handle: SimTime,
    /// How long the shopper waits before giving up (`SimTime::MAX`: never).
    pub patience: SimTime,
    /// The group that serves the shopper.
    pub group: u16,
    /// Whether the shopper counts in the statistics (arrived after warm-up).
    pub counted: bool,
    /// The index of the interval the shopper arrived in.
    pub row: u32,
}

/// Samples shoppers for one replication.
pub struct ShopperSampler<'a> {
    scenario: &'a Scenario,
    cumulative: Vec<f64>,
    routing: StreamRng,
    patience: StreamRng,
    handle: StreamRng,
}

impl<'a> ShopperSampler<'a> {
    /// A sampler for one replication.
    pub fn new(scenario: &'a Scenario, replication: u32) -> Self {
        let seed = scenario.seed;
        let mut acc = 0.0;
        let cumulative = scenario
            .groups
            .iter()
            .map(|g| {
                acc += g.share;
                acc
            })
            .collect();
        ShopperSampler {
            scenario,
            cumulative,
            routing: stream(seed, replication, Stream::Routing),
            patience: stream(seed, replication, Stream::Patience),
            handle: stream(seed, replication, Stream::Handle),
        }
    }

    /// The shopper arriving at `now`.
    #[inline]
    pub fn next(&mut self, now: SimTime) -> Shopper {
        let group = if self.cumulative.len() == 1 {
            0
        } else {
            let u: f64 = self.routing.random::<f64>() * self.cumulative[self.cumulative.len() - 1];
            self.cumulative
                .iter()
                .position(|c| u < *c)
                .unwrap_or(self.cumulative.len() - 1)
        };
        let sc = self.scenario;
        let patience = sc
            .patience
            .as_ref()
            .map_or(SimTime::MAX, |d: &Dist| d.sample(&mut self.patience));
        Shopper {
            arrival: now,
            handle: sc.groups[group].handle.sample(&mut self.handle),
            patience,
            group: group as u16,
            counted: now >= sc.warmup,
            row: (now / sc.interval) as u32,
        }
    }
}
