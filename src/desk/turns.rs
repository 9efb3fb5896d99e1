//! A conversation's course at the desk: it opens, the bot or an agent
//! answers each message, and it ends when the question's turns are
//! answered or the shopper leaves. The desk is told when the shopper writes
//! again, gives up or comes back; it never decides those.

use super::{Desk, Ending, Handle, Left, Sink, Slot, State, Timer, stretch};

/// What follows a bot reply.
pub(super) enum BotNext {
    /// The shopper writes the bot again at that time.
    Writes(SimTime),
    /// The bot hands the shopper to a human.
    HandsOver,
    /// The conversation is resolved, or waits for a caller's next message.
    Done,
}
use crate::demand::Shopper;
use crate::engine::rng::StreamRng;
use crate::profile::desk::BotOpens;
use crate::time::SimTime;
use rand::SeedableRng;

impl Desk<'_> {
    /// A conversation opens with the shopper's first message. The handle
    /// names it in later calls.
    #[inline]
    pub fn arrive(&mut self, now: SimTime, shopper: Shopper, sink: &mut impl Sink) -> Handle {
        let slot = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot::empty(shopper));
                (self.slots.len() - 1) as u32
            }
        };
        let s = &mut self.slots[slot as usize];
        s.shopper = shopper;
        (s.seeded, s.first_reply_used) = (false, false);
        let h = self.handle(slot);
        self.start(now, slot, sink);
        h
    }

    /// The shopper of `h` writes again (after an answer). Ignored unless the
    /// desk was waiting for it.
    #[inline]
    pub fn message(&mut self, now: SimTime, h: Handle, sink: &mut impl Sink) {
        if self.live(h, State::BotAwait) {
            self.bot_turn(now, h.slot, sink);
        } else if self.live(h, State::Await) {
            let s = &mut self.slots[h.slot as usize];
            s.state = State::Agent;
            s.message_at = now;
            let load = self.groups[s.group as usize].agents.chats_of(s.agent);
            let reply = self.sc.questions[s.shopper.question as usize]
                .reply
                .sample(s.rng());
            sink.schedule(
                now + stretch(reply, load, self.sc.concurrency_slowdown),
                Timer::Reply(h.slot, h.generation),
            );
        }
    }

    /// The shopper of `h` runs out of patience: leaves if still waiting for
    /// a human (and may come back), else nothing.
    #[inline]
    pub fn gives_up(&mut self, now: SimTime, h: Handle, sink: &mut impl Sink) {
        if self.live(h, State::Waiting) {
            self.abandon(now, h.slot, sink);
        }
    }

    /// The shopper of `h` leaves, whatever the conversation's state: as
    /// [`Desk::gives_up`] while waiting for a human; with the bot or an
    /// agent, the conversation ends there (abandoned if a reply was due,
    /// resolved if the shopper had it), and the agent's slot frees.
    pub fn leave(&mut self, now: SimTime, h: Handle, sink: &mut impl Sink) {
        let s = &self.slots[h.slot as usize];
        if s.generation != h.generation {
            return;
        }
        match s.state {
            State::Waiting => self.abandon(now, h.slot, sink),
            State::Bot | State::BotQueue | State::BotAwait | State::Agent | State::Await => {
                let (state, sh) = (s.state, s.shopper);
                if matches!(state, State::Bot | State::BotQueue | State::Agent) {
                    sink.abandoned(&sh, now, Left::at(s.responded, false));
                } else {
                    let ending = self.ending(now, h.slot);
                    let group = (state == State::Await).then_some(s.group as usize);
                    sink.resolved(&sh, now, group, ending);
                }
                let s = &self.slots[h.slot as usize];
                if matches!(state, State::Agent | State::Await) {
                    let (g, agent) = (s.group as usize, s.agent);
                    self.agents_mut(g).release(agent);
                    self.release(h.slot);
                    self.fill(now, g, sink);
                } else {
                    self.release(h.slot);
                    if state == State::Bot {
                        self.bot_freed(now, sink);
                    }
                }
            }
            State::Free | State::Away => {}
        }
    }

    /// A shopper who gave up (and said they would come back) tries again.
    #[inline]
    pub fn come_back(&mut self, now: SimTime, h: Handle, sink: &mut impl Sink) {
        if !self.live(h, State::Away) {
            return;
        }
        let s = &mut self.slots[h.slot as usize];
        s.generation = s.generation.wrapping_add(1);
        s.shopper.arrival = now;
        s.shopper.attempt += 1;
        sink.retried(&mut s.shopper, now);
        self.start(now, h.slot, sink);
    }

    /// Starts (or restarts, for a retrial) a conversation in `slot`.
    fn start(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        let sc = self.sc;
        let s = &mut self.slots[slot as usize];
        (s.responded, s.human_responded, s.handed_off) = (false, false, false);
        s.take_answered = false;
        (s.bot_turns, s.response_sum, s.responses) = (0, 0, 0);
        s.message_at = now;
        let sh = s.shopper;
        let q = &sc.questions[sh.question as usize];
        s.turns_left = q.turns;
        let opens = sc.bot.as_ref().map(|b| {
            b.opens(
                now,
                sh.question as usize,
                sh.segment as usize,
                sh.channel as usize,
            )
        });
        match opens {
            Some(BotOpens::Answers) => return self.bot_turn(now, slot, sink),
            Some(BotOpens::HandsOver) => {
                s.handed_off = true;
                sink.handed_off(&sh);
            }
            _ => {}
        }
        self.queue_for_human(now, slot, sink);
    }

    /// Whether a timer would find its conversation moved on (firing it
    /// does nothing, so the event loop may skip it).
    #[inline]
    pub fn stale(&self, timer: Timer) -> bool {
        let (slot, generation, state) = match timer {
            Timer::Overflow(slot, g) => (slot, g, State::Waiting),
            Timer::Reply(slot, g) => (slot, g, State::Agent),
            Timer::Handoff(slot, g) | Timer::BotReply(slot, g) => (slot, g, State::Bot),
            _ => return false,
        };
        !self.live(Handle { slot, generation }, state)
    }

    /// A desk timer fires.
    #[inline]
    pub fn fire(&mut self, now: SimTime, timer: Timer, sink: &mut impl Sink) {
        if self.stale(timer) {
            return;
        }
        let h = |slot, generation| Handle { slot, generation };
        match timer {
            Timer::Overflow(slot, _) => {
                let (skill, ex) = (self.skill(slot), self.exclusive(slot));
                if let Some(g) = self.pick_group(&self.overflow[skill], ex) {
                    self.leave_queue(slot, sink);
                    self.take(now, slot, g, sink);
                }
            }
            Timer::Handoff(slot, _) => self.hand_over(now, slot, sink),
            Timer::Reply(slot, _) => self.agent_replied(now, slot, sink),
            Timer::StandbyIn(g) => {
                let (g, sb) = (
                    g as usize,
                    self.sc.groups[g as usize]
                        .standby
                        .expect("scheduled for a standby group"),
                );
                let grp = &mut self.groups[g];
                (grp.standby_on, grp.standby_called) = (true, false);
                sink.schedule(now + sb.stay, Timer::StandbyOut(g as u16));
                self.apply_headcount(now, g, sink);
            }
            Timer::StandbyOut(g) => {
                self.groups[g as usize].standby_on = false;
                self.apply_headcount(now, g as usize, sink);
            }
            Timer::BotReply(slot, _) => self.bot_replied(now, slot, sink),
            Timer::BotMessage(slot, g) => self.message(now, h(slot, g), sink),
            Timer::BotGivesUp(slot, g) => self.bot_gives_up(now, h(slot, g), sink),
            Timer::BotTick => self.bot_tick(now, sink),
        }
    }

    /// The bot hands the shopper in `slot` to a human.
    pub(super) fn hand_over(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        let s = &mut self.slots[slot as usize];
        s.handed_off = true;
        sink.handed_off(&s.shopper);
        self.queue_for_human(now, slot, sink);
    }

    fn abandon(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        self.leave_queue(slot, sink);
        let left = Left::at(self.slots[slot as usize].responded, true);
        self.gone(now, slot, left, sink);
    }

    /// The shopper in `slot`, waiting, runs out of patience and leaves
    /// (`left`): it may come back later.
    pub(super) fn gone(&mut self, now: SimTime, slot: u32, left: Left, sink: &mut impl Sink) {
        let h = self.handle(slot);
        let s = &mut self.slots[slot as usize];
        let mut sh = s.shopper;
        sink.abandoned(&sh, now, left);
        if sink.comes_back(h, &mut sh, now, s.rng()) {
            s.shopper = sh;
            s.state = State::Away;
            return;
        }
        self.release(slot);
    }

    /// The bot answers the message sent at `sent`, and the next ones while
    /// the shopper's side says when they come. Its turns touch nothing the
    /// other shoppers share (the bot has no capacity limit and the shopper
    /// does not give up on it), so for a modelled shopper they are played
    /// out here, in the order and with the draws the event-by-event version
    /// made, and only what others can see becomes an event: the handoff to
    /// a human. What would happen at or after the horizon is not recorded,
    /// as the engine would never have fired it; such a shopper stays with
    /// the bot, unanswered if the first reply had not come.
    #[inline]
    pub(super) fn bot_conversation(&mut self, mut sent: SimTime, slot: u32, sink: &mut impl Sink) {
        let sc = self.sc;
        let bot = sc.bot.as_ref().expect("a bot conversation has a bot");
        self.slots[slot as usize].state = State::Bot;
        loop {
            let at = sent + bot.reply.sample(self.slots[slot as usize].rng());
            if at >= sc.horizon {
                return;
            }
            match self.bot_answered(sent, at, slot, sink) {
                BotNext::Writes(next) if next < sc.horizon => sent = next,
                BotNext::HandsOver => {
                    let s = &mut self.slots[slot as usize];
                    s.message_at = at;
                    sink.schedule(at, Timer::Handoff(slot, s.generation));
                    return;
                }
                _ => return,
            }
        }
    }

    /// The bot's reply to the message sent at `sent` reaches the shopper
    /// at `at`: it is recorded, and the conversation goes on as the bot's
    /// turns and the shopper decide. Inlined into both callers: the
    /// unlimited bot's loop is the engine's hot path.
    #[inline(always)]
    pub(super) fn bot_answered(
        &mut self,
        sent: SimTime,
        at: SimTime,
        slot: u32,
        sink: &mut impl Sink,
    ) -> BotNext {
        let sc = self.sc;
        let bot = sc.bot.as_ref().expect("a bot conversation has a bot");
        let h = self.handle(slot);
        let s = &mut self.slots[slot as usize];
        let sh = s.shopper;
        let bot_turns = sc.questions[sh.question as usize].turns.min(bot.max_turns);
        let response = at - sent;
        s.response_sum += response;
        s.responses += 1;
        s.bot_turns += 1;
        sink.message(&sh, response);
        sink.replied(h, &sh, at, None);
        if !s.responded {
            s.responded = true;
            sink.first_response(&sh, at, true);
        }
        if sh.asks_human && s.bot_turns == 1 || s.bot_turns >= bot_turns && !sh.bot_resolves {
            return BotNext::HandsOver;
        }
        if s.bot_turns >= bot_turns {
            let ending = Ending {
                by_bot: true,
                mean_response: s.response_sum / u64::from(s.responses),
                handle: 0,
            };
            sink.resolved(&sh, at, None, ending);
            self.release(slot);
            return BotNext::Done;
        }
        match sink.next_message(&sh, at, s.rng()) {
            Some(next) => BotNext::Writes(next),
            None => {
                s.state = State::BotAwait;
                BotNext::Done
            }
        }
    }

    fn agent_replied(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        let s = &mut self.slots[slot as usize];
        if !s.human_responded {
            self.human_first(now, slot, sink);
        } else if s.take_answered {
            s.take_answered = false;
        } else {
            let response = now - s.message_at;
            s.response_sum += response;
            s.responses += 1;
            sink.message(&s.shopper, response);
        }
        let h = self.handle(slot);
        let s = &mut self.slots[slot as usize];
        let sh = s.shopper;
        sink.replied(h, &sh, now, Some(s.group as usize));
        s.turns_left -= 1;
        if s.turns_left > 0 {
            s.state = State::Await;
            sink.writes_again(h, &sh, now, s.rng());
            return;
        }
        let ending = self.ending(now, slot);
        let s = &self.slots[slot as usize];
        let (g, agent) = (s.group as usize, s.agent);
        sink.resolved(&sh, now, Some(g), ending);
        self.agents_mut(g).release(agent);
        self.release(slot);
        self.fill(now, g, sink);
    }

    /// How the agent's conversation in `slot` went, ending at `now`.
    fn ending(&self, now: SimTime, slot: u32) -> Ending {
        let s = &self.slots[slot as usize];
        Ending {
            by_bot: !s.handed_off && !s.human_responded && s.bot_turns > 0,
            mean_response: s.response_sum / u64::from(s.responses.max(1)),
            handle: if s.human_responded {
                now - s.taken_at
            } else {
                0
            },
        }
    }

    pub(super) fn release(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        s.state = State::Free;
        s.generation = s.generation.wrapping_add(1);
        self.free.push(slot);
    }
}

impl Slot {
    /// A free slot.
    fn empty(shopper: Shopper) -> Slot {
        Slot {
            shopper,
            generation: 0,
            state: State::Free,
            rng: StreamRng::seed_from_u64(0),
            seeded: false,
            first_reply_used: false,
            take_answered: false,
            responded: false,
            human_responded: false,
            handed_off: false,
            bot_turns: 0,
            turns_left: 0,
            message_at: 0,
            queued_at: 0,
            taken_at: 0,
            give_up_at: 0,
            response_sum: 0,
            responses: 0,
            group: 0,
            agent: 0,
        }
    }
}
