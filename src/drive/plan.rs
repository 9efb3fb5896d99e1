//! What a drive sends and when: the same shoppers `simulate` generates for
//! a profile and seed (replication 0: its arrivals, and its proactive
//! invitations each accepted or declined as there), cut to a window of the
//! day, thinned to a safety cap, and split among load generators by
//! number (`--shard`) and then among the worker threads of one generator.
//! The schedule is an iterator: shoppers are drawn as they fall due, so a
//! day of traffic never sits in memory.

use super::Options;
use crate::demand::{Arrival, ArrivalGen, Demand, Shopper};
use crate::engine::rng::{self, Stream, StreamRng};
use crate::profile::Scenario;
use crate::time::{MINUTE, SECOND, SimTime};
use rand::RngExt;

/// One shopper due at `shopper.arrival` (scenario time).
#[derive(Debug, Clone, Copy)]
pub struct Planned {
    /// Its number among all the profile's arrivals and invitations, from 0.
    pub number: u64,
    /// The shopper.
    pub shopper: Shopper,
    /// FAQ self-service answered it: nothing is sent.
    pub deflected: bool,
}

/// The drive's shoppers in arrival order.
pub struct Schedule<'a> {
    sc: &'a Scenario,
    demand: Demand<'a>,
    /// The next arrival and invitation due.
    due: [Option<SimTime>; 2],
    rate: ArrivalGen<'a>,
    cap: StreamRng,
    opts: &'a Options,
    number: u64,
    worker: (u64, u64),
}

impl<'a> Schedule<'a> {
    /// The schedule of `sc` (whose horizon is the window's end) for `opts`:
    /// every shopper of this generator's shard.
    pub fn new(sc: &'a Scenario, opts: &'a Options) -> Self {
        Schedule::for_worker(sc, opts, 0, 1)
    }

    /// The share of worker `w` of `workers` of this generator's shoppers.
    pub fn for_worker(sc: &'a Scenario, opts: &'a Options, w: usize, workers: usize) -> Self {
        let mut demand = Demand::new(sc, 0);
        let due = [demand.next(false), demand.next(true)];
        Schedule {
            sc,
            demand,
            due,
            rate: ArrivalGen::new(&sc.arrivals, sc.horizon, sc.seed, 0),
            cap: rng::stream(sc.seed, 0, Stream::RateCap),
            opts,
            number: 0,
            worker: (w as u64, workers.max(1) as u64),
        }
    }

    /// The intended shopper rate (per wall second, this shard's share,
    /// after the cap) at scenario time `t`.
    pub fn wall_rate_at(&mut self, t: SimTime) -> f64 {
        let share = self.opts.shard.map_or(1.0, |s| 1.0 / f64::from(s.count));
        let r = self.rate.rate_at(t) * self.opts.speed;
        self.opts.max_rate.map_or(r, |cap| r.min(cap)) * share
    }

    /// The lowest and highest intended rate over the window, per minute.
    pub fn rate_range(&mut self) -> (f64, f64) {
        let (from, to) = (self.opts.from, self.sc.horizon);
        let mut t = from;
        let (mut lo, mut hi) = (f64::INFINITY, 0.0_f64);
        while t < to {
            let r = self.wall_rate_at(t);
            (lo, hi) = (lo.min(r), hi.max(r));
            t += MINUTE.min((to - from) / 60 + SECOND);
        }
        (if lo.is_finite() { lo } else { 0.0 }, hi)
    }
}

impl Iterator for Schedule<'_> {
    type Item = Planned;

    fn next(&mut self) -> Option<Planned> {
        loop {
            // The earlier of the next arrival and invitation (the arrival
            // first at the same time, as in the engine's calendar).
            let invited = match self.due {
                [Some(a), Some(i)] => i < a,
                [a, i] => a.is_none() && i.is_some(),
            };
            let t = self.due[usize::from(invited)]?;
            self.due[usize::from(invited)] = self.demand.next(invited);
            let number = self.number;
            self.number += 1;
            // Every shopper is drawn, whatever the window and shard, so that
            // shopper n is the same in every cut of the run.
            let (shopper, deflected) = match self.demand.offer(t, invited) {
                Some(Arrival::Desk(s)) => (s, false),
                Some(Arrival::Deflected(s)) => (s, true),
                None => continue, // the invitation was declined
            };
            let keep_p = self.opts.max_rate.map_or(1.0, |cap| {
                (cap / (self.rate.rate_at(t) * self.opts.speed)).min(1.0)
            });
            let kept = keep_p >= 1.0 || self.cap.random::<f64>() < keep_p;
            let n = u64::from(self.opts.shard.map_or(1, |s| s.count));
            let k = u64::from(self.opts.shard.map_or(1, |s| s.index)) - 1;
            let (w, workers) = self.worker;
            let mine = number % n == k && (number / n) % workers == w;
            if t >= self.opts.from && kept && mine {
                return Some(Planned {
                    number,
                    shopper,
                    deflected,
                });
            }
        }
    }
}
