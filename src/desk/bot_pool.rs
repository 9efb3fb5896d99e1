//! The bot as a service with limited capacity: an LLM endpoint serves a
//! fixed number of reply requests at once (`concurrency`), starts at most
//! so many a second (`rate_limit`, a token bucket of `burst` tokens), and
//! answers more slowly as its slots fill (`load_latency`). The unit is one
//! reply request, one bot turn: a conversation holds a slot only while its
//! reply is being made, not while the shopper thinks.
//!
//! Unlike the unlimited bot, whose turns are played out at once
//! (`turns::bot_conversation`), every turn here is an event, since a slot
//! is shared: a request starts at once when a slot is free and the rate
//! limit allows, else it waits in one first-come-first-served line
//! (`when_full = "queue"`, the shopper's patience running), goes to a human
//! (`"human"`) or fails the shopper (`"fail"`). What a reply does next (a
//! handoff, the end, the shopper's next message) is the unlimited bot's
//! rule, shared through `Desk::bot_answered`.

use super::turns::BotNext;
use super::{Desk, Handle, Left, Sink, State, Timer};
use crate::profile::Scenario;
use crate::profile::desk::{BotCapacity, WhenFull};
use crate::time::SimTime;
use std::collections::VecDeque;

/// The capacity-limited bot's state.
#[derive(Debug, Default, Clone)]
pub(super) struct BotPool {
    /// Requests in service.
    busy: u32,
    /// Requests waiting for a slot: slot, generation, when sent.
    line: VecDeque<(u32, u32, SimTime)>,
    /// The rate limit's theoretical arrival time (the generic cell rate
    /// algorithm): a request may start at `t` when `t >= tat - (burst -
    /// 1) x spacing`, and moves `tat` one spacing on from `max(tat, t)`.
    tat: SimTime,
    /// A `BotTick` is on the calendar.
    tick_due: bool,
}

impl BotPool {
    /// When the rate limit lets the next request start (`now` or later).
    fn allowed_at(&self, cap: &BotCapacity, now: SimTime) -> SimTime {
        cap.rate.map_or(now, |r| {
            let tolerance = u64::from(r.burst - 1) * r.spacing;
            self.tat.saturating_sub(tolerance).max(now)
        })
    }
}

/// The scenario's bot capacity (there is a pool only when it has one).
fn capacity(sc: &Scenario) -> &BotCapacity {
    sc.bot
        .as_ref()
        .and_then(|b| b.capacity.as_ref())
        .expect("a bot pool has a capacity")
}

impl Desk<'_> {
    /// The shopper in `slot` sends the bot a message at `now`: played out
    /// at once by the unlimited bot, one request by the limited one.
    #[inline]
    pub(super) fn bot_turn(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        if self.bot_pool.is_none() {
            self.bot_conversation(now, slot, sink);
        } else {
            self.bot_request(now, slot, sink);
        }
    }

    /// A request to the capacity-limited bot: served at once if it can be,
    /// else as `when_full` says.
    #[inline(never)] // off the unlimited bot's path
    fn bot_request(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        let sc = self.sc;
        let cap = capacity(self.sc);
        let pool = self.bot_pool.as_ref().expect("a limited bot");
        let s = &mut self.slots[slot as usize];
        s.state = State::Bot;
        s.message_at = now;
        if pool.line.is_empty() && pool.busy < cap.concurrency && pool.allowed_at(cap, now) == now {
            return self.bot_serve(now, slot, now, sink);
        }
        let sh = s.shopper;
        match cap.when_full {
            WhenFull::Queue => {
                s.state = State::BotQueue;
                let generation = s.generation;
                if let Some(at) = sink.patience_ends(&sh, now).filter(|&t| t < sc.horizon) {
                    s.give_up_at = at;
                    sink.schedule(at, Timer::BotGivesUp(slot, generation));
                }
                let pool = self.bot_pool.as_mut().expect("a limited bot");
                pool.line.push_back((slot, generation, now));
                self.bot_next(now, sink);
            }
            WhenFull::Human => {
                sink.bot_full(&sh, false);
                self.queue_for_human(now, slot, sink);
            }
            WhenFull::Fail => {
                sink.bot_full(&sh, true);
                sink.abandoned(&sh, now, Left::at(s.responded, false));
                self.release(slot);
            }
        }
    }

    /// A slot starts on the request of `slot`, sent at `sent`: its reply
    /// time is the bot's latency times the load curve's factor at the
    /// utilisation with this request in.
    fn bot_serve(&mut self, now: SimTime, slot: u32, sent: SimTime, sink: &mut impl Sink) {
        let cap = capacity(self.sc);
        let bot = self.sc.bot.as_ref().expect("a limited bot");
        let pool = self.bot_pool.as_mut().expect("a limited bot");
        pool.busy += 1;
        if let Some(r) = cap.rate {
            pool.tat = pool.tat.max(now) + r.spacing;
        }
        let factor = cap.latency_factor(f64::from(pool.busy) / f64::from(cap.concurrency));
        let s = &mut self.slots[slot as usize];
        s.state = State::Bot;
        let reply = bot.reply.sample(s.rng());
        let service = if factor == 1.0 {
            reply
        } else {
            (reply as f64 * factor) as SimTime
        };
        sink.bot_request(&s.shopper, now - sent, service);
        sink.schedule(now + service, Timer::BotReply(slot, s.generation));
    }

    /// The limited bot's reply to the shopper in `slot` is ready: the slot
    /// frees, and the conversation goes on by the bot's usual rule.
    #[inline(never)] // off the unlimited bot's path
    pub(super) fn bot_replied(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        let sent = self.slots[slot as usize].message_at;
        match self.bot_answered(sent, now, slot, sink) {
            BotNext::Writes(next) => {
                let s = &mut self.slots[slot as usize];
                s.state = State::BotAwait;
                if next < self.sc.horizon {
                    sink.schedule(next, Timer::BotMessage(slot, s.generation));
                }
            }
            BotNext::HandsOver => self.hand_over(now, slot, sink),
            BotNext::Done => {}
        }
        self.bot_freed(now, sink);
    }

    /// A request in service ended (answered, or its shopper left): its
    /// slot takes the next waiting request.
    #[inline(never)] // off the unlimited bot's path
    pub(super) fn bot_freed(&mut self, now: SimTime, sink: &mut impl Sink) {
        if let Some(pool) = &mut self.bot_pool {
            pool.busy -= 1;
            self.bot_next(now, sink);
        }
    }

    /// The rate limit's tick: the next waiting request may start.
    #[inline(never)] // off the unlimited bot's path
    pub(super) fn bot_tick(&mut self, now: SimTime, sink: &mut impl Sink) {
        if let Some(pool) = &mut self.bot_pool {
            pool.tick_due = false;
            self.bot_next(now, sink);
        }
    }

    /// The shopper of `h`, waiting for a bot slot, runs out of patience
    /// (if this timer is the current wait's).
    #[inline(never)] // off the unlimited bot's path
    pub(super) fn bot_gives_up(&mut self, now: SimTime, h: Handle, sink: &mut impl Sink) {
        if self.live(h, State::BotQueue) && self.slots[h.slot as usize].give_up_at == now {
            let left = Left::at(self.slots[h.slot as usize].responded, false);
            self.gone(now, h.slot, left, sink);
        }
    }

    /// Starts waiting requests, first come first served, while a slot is
    /// free and the rate limit allows; when only the rate limit holds the
    /// line back, a tick is set for when it lets the next one start.
    fn bot_next(&mut self, now: SimTime, sink: &mut impl Sink) {
        let cap = capacity(self.sc);
        loop {
            let Some(pool) = self.bot_pool.as_mut() else {
                return;
            };
            let slots = &self.slots;
            while let Some(&(slot, generation, _)) = pool.line.front() {
                let s = &slots[slot as usize];
                if s.generation == generation && s.state == State::BotQueue {
                    break;
                }
                pool.line.pop_front(); // gone: the shopper left the line
            }
            let Some(&(slot, _, sent)) = pool.line.front() else {
                return;
            };
            if pool.busy >= cap.concurrency {
                return;
            }
            let at = pool.allowed_at(cap, now);
            if at > now {
                if !pool.tick_due && at < self.sc.horizon {
                    pool.tick_due = true;
                    sink.schedule(at, Timer::BotTick);
                }
                return;
            }
            pool.line.pop_front();
            self.bot_serve(now, slot, sent, sink);
        }
    }
}
