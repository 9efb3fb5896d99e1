//! What each arriving shopper brings: segment, question, channel, patience,
//! the bot's outcome for them, and a seed for everything their conversation
//! will draw later (reply and think times). Each kind of draw has its own
//! stream and every shopper draws the same way whatever the desk's state,
//! so the same seed gives the same shoppers in every scenario (common random
//! numbers).

use crate::dist::Dist;
use crate::engine::rng::{Stream, StreamRng, stream};
use crate::profile::Scenario;
use crate::profile::desk::{Lane, Tier};
use crate::time::{DAY, SimTime};
use rand::{Rng, RngExt};

/// A shopper as the desk sees one.
#[derive(Debug, Clone, Copy)]
pub struct Shopper {
    /// Arrival time of this attempt.
    pub arrival: SimTime,
    /// How long the shopper waits for a human before giving up (`MAX`: never).
    pub patience: SimTime,
    /// Seed of the conversation's own random stream.
    pub seed: u64,
    /// The agent's first reply (handle) time, drawn up front so that
    /// one-message conversations never need their own stream.
    pub first_reply: SimTime,
    /// Segment index.
    pub segment: u16,
    /// Question index.
    pub question: u16,
    /// Channel index.
    pub channel: u16,
    /// Priority tier (the segment's, else the question's).
    pub tier: Tier,
    /// Queue lane.
    pub lane: Lane,
    /// Whether the bot would resolve the question (when it takes it).
    pub bot_resolves: bool,
    /// Whether the shopper asks for a human after the bot's first reply.
    pub asks_human: bool,
    /// Attempt number, 1 for the first.
    pub attempt: u8,
    /// Whether a proactive invitation started the conversation.
    pub proactive: bool,
    /// Whether the shopper counts in the statistics (arrived after warm-up).
    pub counted: bool,
    /// The index of the interval the attempt arrived in.
    pub row: u32,
    /// The index of its (segment, question, channel) cell
    /// ([`Scenario::cell_of`]), where the breakdowns count it.
    pub cell: u32,
}

impl Shopper {
    /// The queue class: lane first, then tier.
    pub fn class(&self) -> usize {
        self.lane as usize * 3 + self.tier as usize
    }
}

/// Patience of a segment on a channel (`SimTime::MAX`: never gives up).
pub fn patience<R: Rng + ?Sized>(
    sc: &Scenario,
    segment: usize,
    channel: usize,
    rng: &mut R,
) -> SimTime {
    let ch = &sc.channels[channel];
    let dist: Option<&Dist> = ch
        .patience
        .as_ref()
        .or(sc.segments[segment].patience.as_ref());
    match dist {
        None => SimTime::MAX,
        Some(d) if ch.patience.is_some() => d.sample(rng),
        Some(d) => (d.sample(rng) as f64 * ch.patience_scale) as SimTime,
    }
}

fn pick<R: Rng + ?Sized>(rng: &mut R, shares: impl Iterator<Item = f64>, n: usize) -> usize {
    if n == 1 {
        return 0;
    }
    let u: f64 = rng.random();
    let mut acc = 0.0;
    for (i, s) in shares.enumerate() {
        acc += s;
        if u < acc {
            return i;
        }
    }
    n - 1
}

/// Samples shoppers for one replication.
#[derive(Clone)]
pub struct ShopperSampler<'a> {
    sc: &'a Scenario,
    mix: StreamRng,
    patience: StreamRng,
    bot: StreamRng,
    deflect: StreamRng,
    handle: StreamRng,
    conversation: StreamRng,
    /// The interval the last shopper arrived in: its start and index
    /// (shoppers arrive in time order, so a division per shopper is
    /// rarely needed).
    row: (SimTime, u32),
}

/// What arrives: a conversation for the desk, or a question the FAQ answered.
#[derive(Debug, Clone, Copy)]
pub enum Arrival {
    /// A conversation reaches the desk.
    Desk(Shopper),
    /// Self-service answered it (question index).
    Deflected(Shopper),
}

impl<'a> ShopperSampler<'a> {
    /// A sampler for one replication.
    pub fn new(sc: &'a Scenario, replication: u32) -> Self {
        let s = |w| stream(sc.seed, replication, w);
        ShopperSampler {
            sc,
            mix: s(Stream::Routing),
            patience: s(Stream::Patience),
            bot: s(Stream::Bot),
            deflect: s(Stream::Deflection),
            handle: s(Stream::Handle),
            conversation: s(Stream::Conversation),
            row: (0, 0),
        }
    }

    /// The shopper arriving at `now`; `proactive` for an accepted invitation.
    pub fn next(&mut self, now: SimTime, proactive: Option<(usize, usize)>) -> Arrival {
        let sc = self.sc;
        let segment = pick(
            &mut self.mix,
            sc.segments.iter().map(|s| s.share),
            sc.segments.len(),
        );
        let (question, channel) = match proactive {
            Some(qc) => qc,
            None => {
                let window = match sc.question_mix.as_slice() {
                    [] => None,
                    mix => mix.iter().find(|w| w.contains(now % DAY)),
                };
                let q = match window {
                    Some(w) => pick(&mut self.mix, w.shares.iter().copied(), sc.questions.len()),
                    None => pick(
                        &mut self.mix,
                        sc.questions.iter().map(|q| q.share),
                        sc.questions.len(),
                    ),
                };
                (
                    q,
                    pick(
                        &mut self.mix,
                        sc.channels.iter().map(|c| c.share),
                        sc.channels.len(),
                    ),
                )
            }
        };
        let deflected = sc.questions[question].deflect > 0.0
            && proactive.is_none()
            && self.deflect.random::<f64>() < sc.questions[question].deflect;
        let shopper = self.build(now, segment, question, channel, proactive.is_some());
        if deflected {
            Arrival::Deflected(shopper)
        } else {
            Arrival::Desk(shopper)
        }
    }

    /// The shopper arriving at `now` with a given segment, question and
    /// channel: patience, the bot's outcome and the first reply time drawn
    /// as [`Self::next`] draws them (`serve` builds its callers' shoppers
    /// with this).
    #[inline]
    pub fn build(
        &mut self,
        now: SimTime,
        segment: usize,
        question: usize,
        channel: usize,
        proactive: bool,
    ) -> Shopper {
        let sc = self.sc;
        let seg = &sc.segments[segment];
        let q = &sc.questions[question];
        let (bot_resolves, asks_human) = if sc.bot.is_some() {
            let (u, v): (f64, f64) = (self.bot.random(), self.bot.random());
            (u < q.bot, v < sc.bot.as_ref().map_or(0.0, |b| b.ask_human))
        } else {
            (false, false)
        };
        Shopper {
            arrival: now,
            patience: patience(sc, segment, channel, &mut self.patience),
            seed: self.conversation.next_u64(),
            first_reply: q.reply.sample(&mut self.handle),
            segment: segment as u16,
            question: question as u16,
            channel: channel as u16,
            tier: seg.tier.unwrap_or(q.tier),
            lane: seg.lane,
            bot_resolves,
            asks_human,
            attempt: 1,
            proactive,
            counted: now >= sc.warmup,
            row: self.row_of(now),
            cell: sc.cell_of(segment, question, channel),
        }
    }

    /// The index of the interval `now` falls in.
    #[inline]
    fn row_of(&mut self, now: SimTime) -> u32 {
        let (start, row) = self.row;
        if now >= start && now - start < self.sc.interval {
            return row;
        }
        let row = now / self.sc.interval;
        self.row = (row * self.sc.interval, row as u32);
        row as u32
    }
}
