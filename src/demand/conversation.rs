//! The shopper's half of a conversation, apart from the desk that answers
//! it: how long the shopper thinks before writing again, when the shopper
//! waiting for a human gives up, and whether and how a shopper who gave up
//! comes back (after a delay, perhaps on another
//! channel, with a fresh patience). It knows no clock and draws only from
//! the conversation's own stream, in a fixed order, so every mode that
//! plays a shopper plays the same one for the same seed.

use super::shoppers::{Shopper, patience};
use crate::profile::Scenario;
use crate::time::SimTime;
use rand::{Rng, RngExt};

/// The shopper's think time between an answer and the next message.
#[inline]
pub fn think<R: Rng + ?Sized>(sc: &Scenario, s: &Shopper, rng: &mut R) -> SimTime {
    sc.questions[s.question as usize].think.sample(rng)
}

/// When a shopper who starts waiting for a human at `now` gives up, if
/// ever (patience runs while the shopper waits for a human, and stops when
/// an agent takes the conversation).
#[inline]
pub fn gives_up_at(s: &Shopper, now: SimTime) -> Option<SimTime> {
    (s.patience != SimTime::MAX).then(|| now.saturating_add(s.patience))
}

/// A shopper who gave up, coming back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Return {
    /// How long after giving up.
    pub after: SimTime,
    /// The channel of the new attempt.
    pub channel: u16,
    /// The patience of the new attempt (on that channel).
    pub patience: SimTime,
}

impl Return {
    /// Moves the shopper to the new attempt's channel (and its cell) and
    /// patience.
    pub fn apply(&self, sc: &Scenario, s: &mut Shopper) {
        (s.channel, s.patience) = (self.channel, self.patience);
        s.cell = sc.cell_of(s.segment.into(), s.question.into(), self.channel.into());
    }
}

/// Whether the shopper who just gave up tries again (the profile's
/// `[retrials]`, up to `max_attempts` attempts in all), and how.
pub fn comes_back<R: Rng + ?Sized>(sc: &Scenario, s: &Shopper, rng: &mut R) -> Option<Return> {
    let r = sc.retrials.as_ref()?;
    if u32::from(s.attempt) >= r.max_attempts || rng.random::<f64>() >= r.probability {
        return None;
    }
    let u: f64 = rng.random();
    let channel = r.switch[s.channel as usize]
        .iter()
        .find(|(_, acc)| u < *acc)
        .map_or(s.channel, |&(to, _)| to as u16);
    let patience = patience(sc, s.segment as usize, channel as usize, rng);
    Some(Return {
        after: r.after.sample(rng),
        channel,
        patience,
    })
}
