//! Synthetic team histories with a known truth, to check the calibrations
//! against it and to write the example files under `profiles/data/`
//! (`cargo run --release --example history`).
//!
//! Conversations come from an M/M/c+G desk served first come, first served
//! (the queue of one peakdesk group with one chat per agent): Poisson
//! arrivals, agents' handle times and shoppers' patience drawn with
//! peakdesk's own distributions and random streams. A shopper is answered
//! when the earliest agent frees up before their patience runs out (the
//! wait is then censored), and leaves at their patience otherwise; in
//! first come, first served order a shopper who leaves delays nobody, so
//! each wait follows from the agents' free times alone. Daily counts are
//! Poisson given the day's volume times a gamma busyness factor, as
//! `demand/arrivals.rs` draws them.

use crate::dist::{Checked, Dist};
use crate::engine::rng::{Stream, stream};
use crate::time::to_secs;
use rand::RngExt;
use rand::distr::Distribution;
use rand_distr::{Exp, Gamma, Poisson};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A desk of `agents` agents and classes of shoppers.
pub struct Desk {
    /// Arrivals per second.
    pub rate_per_s: f64,
    /// Agents, one chat each.
    pub agents: usize,
    /// Handle time.
    pub handle: Dist,
    /// Classes of shopper: share of arrivals and patience.
    pub classes: Vec<(f64, Checked)>,
}

/// One conversation of the history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversation {
    /// Index of the shopper's class in `Desk::classes`.
    pub class: usize,
    /// Arrival, seconds from the start.
    pub arrival_s: f64,
    /// The wait for a human, seconds.
    pub wait_s: f64,
    /// Whether the shopper left (otherwise answered after `wait_s`).
    pub left: bool,
}

/// `n` conversations of `desk`, from an empty desk, seeded by `seed`.
pub fn conversations(desk: &Desk, n: usize, seed: u64) -> Vec<Conversation> {
    let mut arrivals = stream(seed, 0, Stream::Arrivals);
    let mut routing = stream(seed, 0, Stream::Routing);
    let mut patience = stream(seed, 0, Stream::Patience);
    let mut handle = stream(seed, 0, Stream::Handle);
    let gap = Exp::new(desk.rate_per_s).expect("a rate above 0");
    let total: f64 = desk.classes.iter().map(|c| c.0).sum();
    // Agents' free times in microseconds, earliest first.
    let mut free: BinaryHeap<Reverse<u64>> = (0..desk.agents).map(|_| Reverse(0)).collect();
    let mut t = 0.0;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        t += gap.sample(&mut arrivals);
        let mut pick = routing.random::<f64>() * total;
        let class = desk
            .classes
            .iter()
            .position(|c| {
                pick -= c.0;
                pick < 0.0
            })
            .unwrap_or(desk.classes.len() - 1);
        let limit = match &desk.classes[class].1 {
            Checked::Never => f64::INFINITY,
            Checked::Sampled(d) => to_secs(d.sample(&mut patience)),
        };
        let Reverse(earliest) = free.peek().copied().unwrap_or(Reverse(0));
        let offered = (to_secs(earliest) - t).max(0.0);
        let left = limit < offered;
        if !left {
            free.pop();
            let start = crate::time::from_secs_f64(t + offered);
            free.push(Reverse(start + desk.handle.sample(&mut handle)));
        }
        out.push(Conversation {
            class,
            arrival_s: t,
            wait_s: if left { limit } else { offered },
            left,
        });
    }
    out
}

/// Daily totals: day d has volume `mean x weekday[d % 7]`, times a gamma
/// factor with mean 1 and coefficient of variation `cv`, and a Poisson
/// count given that.
pub fn daily_counts(mean: f64, weekday: &[f64; 7], cv: f64, days: usize, seed: u64) -> Vec<u64> {
    let mut busy = stream(seed, 0, Stream::Busyness);
    let mut counts = stream(seed, 0, Stream::Arrivals);
    let shape = 1.0 / (cv * cv);
    let gamma = Gamma::new(shape, 1.0 / shape).expect("cv above 0");
    (0..days)
        .map(|d| {
            let m = mean * weekday[d % 7] * gamma.sample(&mut busy);
            Poisson::new(m)
                .expect("a volume above 0")
                .sample(&mut counts) as u64
        })
        .collect()
}
