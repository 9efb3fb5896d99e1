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
        let mut due = Due::first(self);
        while let Some((t, invited)) = due.earliest()
            && t < start
        {
            due.fire(self, t, invited);
        }
        (due.arrival, due.invitation)
    }
}

/// The next arrival and invitation of a demand stream, in the order the
/// engine's calendar fires them: by time, then by when each was scheduled
/// (the first arrival before the first invitation). The order depends on
/// the demand alone, never on the desk.
#[derive(Clone, Copy)]
pub(super) struct Due {
    pub(super) arrival: Option<SimTime>,
    pub(super) invitation: Option<SimTime>,
    arrival_seq: u64,
    invitation_seq: u64,
    seq: u64,
}

impl Due {
    /// The first arrival and invitation of `demand`.
    pub(super) fn first(demand: &mut Demand) -> Due {
        Due::at(demand.next(false), demand.next(true))
    }

    /// An arrival and an invitation due, scheduled in that order.
    pub(super) fn at(arrival: Option<SimTime>, invitation: Option<SimTime>) -> Due {
        Due {
            arrival,
            invitation,
            arrival_seq: 0,
            invitation_seq: 1,
            seq: 2,
        }
    }

    /// The earliest due, and whether it is an invitation.
    pub(super) fn earliest(&self) -> Option<(SimTime, bool)> {
        match (self.arrival, self.invitation) {
            (Some(a), Some(i)) if (i, self.invitation_seq) < (a, self.arrival_seq) => {
                Some((i, true))
            }
            (Some(a), _) => Some((a, false)),
            (None, i) => i.map(|i| (i, true)),
        }
    }

    /// Fires the earliest due (at `now`, an invitation if `invited`): what
    /// it brings, and when the next of its kind falls due.
    pub(super) fn fire(
        &mut self,
        demand: &mut Demand,
        now: SimTime,
        invited: bool,
    ) -> (Option<Arrival>, Option<SimTime>) {
        let offer = demand.offer(now, invited);
        let next = demand.next(invited);
        let (due, due_seq) = if invited {
            (&mut self.invitation, &mut self.invitation_seq)
        } else {
            (&mut self.arrival, &mut self.arrival_seq)
        };
        *due = next;
        (*due_seq, self.seq) = (self.seq, self.seq + 1);
        (offer, next)
    }
}
