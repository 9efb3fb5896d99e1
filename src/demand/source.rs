//! The demand of one replication as a stream: the arrival process, the
//! proactive invitations (each accepted or declined by its shopper) and the
//! shopper each brings, every one from its own random stream. The event
//! loop asks when the next one is due and what it brings.

use super::{Arrival, ArrivalGen, ShopperSampler};
use crate::engine::rng::{self, Stream, StreamRng};
use crate::profile::Scenario;
use crate::time::SimTime;
use rand::RngExt;

/// The demand side of a replication: the arrival and invitation processes
/// and the shoppers they bring, each from its own stream.
#[derive(Clone)]
pub struct Demand<'a> {
    sc: &'a Scenario,
    arrivals: ArrivalGen<'a>,
    invitations: Option<ArrivalGen<'a>>,
    acceptance: StreamRng,
    shoppers: ShopperSampler<'a>,
}

impl<'a> Demand<'a> {
    /// The demand of replication `replication` of `sc`.
    pub fn new(sc: &'a Scenario, replication: u32) -> Demand<'a> {
        Demand {
            sc,
            arrivals: ArrivalGen::new(&sc.arrivals, sc.horizon, sc.seed, replication),
            invitations: sc.proactive.as_ref().map(|p| {
                ArrivalGen::with(
                    &sc.arrivals,
                    p.rate_per_s,
                    Stream::Proactive,
                    sc.horizon,
                    sc.seed,
                    replication,
                )
            }),
            acceptance: rng::stream(sc.seed, replication, Stream::Acceptance),
            shoppers: ShopperSampler::new(sc, replication),
        }
    }

    /// When the next arrival (or, `invited`, invitation) falls due.
    #[inline]
    pub fn next(&mut self, invited: bool) -> Option<SimTime> {
        if invited {
            self.invitations.as_mut().and_then(|g| g.next_arrival())
        } else {
            self.arrivals.next_arrival()
        }
    }

    /// What an arrival (or an invitation, `invited`) due `now` brings:
    /// `None` when the shopper declines the invitation.
    #[inline]
    pub fn offer(&mut self, now: SimTime, invited: bool) -> Option<Arrival> {
        let proactive = self.sc.proactive.as_ref().filter(|_| invited);
        let accepted = proactive.is_none_or(|p| self.acceptance.random::<f64>() < p.accept);
        accepted.then(|| {
            self.shoppers
                .next(now, proactive.map(|p| (p.question, p.channel)))
        })
    }

    /// Draws every arrival and invitation due before `start`, in time
    /// order, and drops what they bring (so the shoppers from `start` on
    /// are those of a run from the profile's start); returns the first
    /// arrival and invitation due at or after it.
    pub fn skip_to(&mut self, start: SimTime) -> (Option<SimTime>, Option<SimTime>) {
        let (mut arrival, mut invitation) = (self.next(false), self.next(true));
        // The engine's calendar order: by time, then by when each was
        // scheduled (the first arrival before the first invitation).
        let (mut arrival_seq, mut invitation_seq, mut seq) = (0_u64, 1_u64, 2_u64);
        loop {
            // The earliest due; when it is at or after `start`, so is
            // everything else.
            let invited = match (arrival, invitation) {
                (Some(a), Some(i)) => (i, invitation_seq) < (a, arrival_seq),
                (a, i) => a.is_none() && i.is_some(),
            };
            let (due, due_seq) = if invited {
                (&mut invitation, &mut invitation_seq)
            } else {
                (&mut arrival, &mut arrival_seq)
            };
            match *due {
                Some(t) if t < start => {
                    self.offer(t, invited);
                    *due = self.next(invited);
                    (*due_seq, seq) = (seq, seq + 1);
                }
                _ => return (arrival, invitation),
            }
        }
    }
}
