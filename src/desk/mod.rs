//! The desk: the bot, agent groups with skills and concurrency, priority
//! queues and multi-turn conversations, as a state machine that reacts to
//! events and knows no clock.
//!
//! The caller (the virtual-clock engine, or a wall-clock runner) tells the
//! desk what happened and when; the desk answers through a [`Sink`]: timers
//! to schedule and what happened to each shopper. Timers are never removed:
//! each carries the slot's generation, and a timer whose shopper has moved
//! on is ignored when it fires (lazy cancellation).
//!
//! A conversation: the bot (when it covers the question, channel and hour)
//! replies after its latency, for up to `max_turns` turns, then resolves it
//! or hands it to a human; an immediate handoff skips the bot. For a human
//! the shopper queues by skill and priority class; a home group takes it at
//! once if an agent has room, other groups holding the skill as overflow
//! after `overflow_after`. The agent replies to each message (reply time
//! stretched by the agent's other chats), the shopper thinks, writes again,
//! until the turns are done.

mod agents;
mod queues;
mod routing;

use crate::demand::{Shopper, conversation};
use crate::engine::rng::StreamRng;
use crate::profile::Scenario;
use crate::time::{DAY, SimTime};
use agents::Agents;
use queues::SkillQueue;
use rand::SeedableRng;

/// A timer the desk asks its caller to fire later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// The shopper in `slot` runs out of patience.
    Abandon(u32, u32),
    /// The shopper in `slot` may now go to overflow groups.
    Overflow(u32, u32),
    /// An agent's reply to the shopper in `slot` is ready.
    Reply(u32, u32),
    /// The bot hands the shopper in `slot` to a human.
    Handoff(u32, u32),
    /// The shopper in `slot` sends the next message.
    Message(u32, u32),
    /// The shopper in `slot` tries again after giving up.
    Retry(u32, u32),
    /// A group's standby agents log in.
    StandbyIn(u16),
    /// A group's standby agents leave.
    StandbyOut(u16),
}

/// How a conversation ended, for the recorder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ending {
    /// Whether the bot resolved it alone.
    pub by_bot: bool,
    /// Mean response time over its messages.
    pub mean_response: SimTime,
    /// Agent time from take to last reply (0 for the bot).
    pub handle: SimTime,
}

/// Where the desk's reactions go.
pub trait Sink {
    /// Fire `timer` at `at`.
    fn schedule(&mut self, at: SimTime, timer: Timer);
    /// The shopper's first response, from the bot or an agent.
    fn first_response(&mut self, s: &Shopper, now: SimTime, by_bot: bool);
    /// An agent of `group` gave the first human response, `wait` after the
    /// shopper started waiting for a human.
    fn human_response(&mut self, s: &Shopper, group: usize, wait: SimTime);
    /// One message answered after `response`.
    fn message(&mut self, s: &Shopper, response: SimTime);
    /// The bot handed the shopper to a human.
    fn handed_off(&mut self, s: &Shopper);
    /// An agent of `group` took the shopper (the wall-clock modes claim
    /// the conversation here; the simulator needs nothing).
    #[inline]
    fn taken(&mut self, _s: &Shopper, _group: usize, _now: SimTime) {}
    /// The shopper left while waiting for a human.
    fn abandoned(&mut self, s: &Shopper, now: SimTime, had_response: bool);
    /// The conversation ended (`group`: the agents' group, if any).
    fn resolved(&mut self, s: &Shopper, now: SimTime, group: Option<usize>, ending: Ending);
    /// A shopper who gave up comes back: the sink stamps the new attempt
    /// (interval, counted) and counts it as an arrival.
    fn retried(&mut self, s: &mut Shopper, now: SimTime);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Free,
    Bot,
    Waiting,
    Agent,
    Retrying,
}

struct Slot {
    shopper: Shopper,
    generation: u32,
    state: State,
    rng: StreamRng,
    seeded: bool,
    first_reply_used: bool,
    /// The agent's take was the answer to the message now being replied
    /// to (`first_response = "on_take"`), so the reply does not count it again.
    take_answered: bool,
    responded: bool,
    human_responded: bool,
    handed_off: bool,
    bot_turns: u32,
    turns_left: u32,
    message_at: SimTime,
    queued_at: SimTime,
    taken_at: SimTime,
    response_sum: SimTime,
    responses: u32,
    group: u16,
    agent: u32,
}

impl Slot {
    /// The conversation's own stream, seeded on first use.
    fn rng(&mut self) -> &mut StreamRng {
        if !self.seeded {
            self.rng = StreamRng::seed_from_u64(self.shopper.seed);
            self.seeded = true;
        }
        &mut self.rng
    }
}

struct Group {
    agents: Agents,
    scheduled: u32,
    standby_on: bool,
    standby_called: bool,
}

/// Totals and per-group levels the recorder integrates over time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Levels {
    /// Shoppers waiting for a human.
    pub queue: u32,
    /// Agents with at least one conversation.
    pub busy: u32,
    /// Agents on shift.
    pub staffed: u32,
    /// Conversations with agents.
    pub chats: u32,
}

/// The state of every group and every shopper in the system.
pub struct Desk<'a> {
    sc: &'a Scenario,
    slots: Vec<Slot>,
    free: Vec<u32>,
    groups: Vec<Group>,
    queues: Vec<SkillQueue>,
    /// For each skill: groups serving it first-hand, and as overflow.
    home: Vec<Vec<usize>>,
    overflow: Vec<Vec<usize>>,
    /// For each skill, the group its queue and abandonment are reported under.
    owner: Vec<usize>,
    queue_by_group: Vec<u32>,
}

impl<'a> Desk<'a> {
    /// An empty desk for a scenario, nobody on shift.
    pub fn new(sc: &'a Scenario) -> Desk<'a> {
        let n = sc.skills.len();
        let mut home = vec![Vec::new(); n];
        let mut overflow = vec![Vec::new(); n];
        for (g, plan) in sc.groups.iter().enumerate() {
            for &s in &plan.skills {
                if plan.overflow_role {
                    overflow[s].push(g)
                } else {
                    home[s].push(g)
                }
            }
            for &s in &plan.overflow_skills {
                overflow[s].push(g);
            }
        }
        let owner = (0..n).map(|s| sc.skill_owner(s)).collect();
        Desk {
            sc,
            slots: Vec::with_capacity(1024),
            free: Vec::new(),
            groups: sc
                .groups
                .iter()
                .map(|g| Group {
                    agents: Agents::new(g.concurrency, sc.routing.agent_pick),
                    scheduled: 0,
                    standby_on: false,
                    standby_called: false,
                })
                .collect(),
            queues: (0..n).map(|_| SkillQueue::default()).collect(),
            home,
            overflow,
            owner,
            queue_by_group: vec![0; sc.groups.len()],
        }
    }

    /// Totals across groups.
    pub fn levels(&self) -> Levels {
        let mut l = Levels::default();
        for g in 0..self.groups.len() {
            let x = self.group_levels(g);
            l.queue += x.queue;
            l.busy += x.busy;
            l.staffed += x.staffed;
            l.chats += x.chats;
        }
        l
    }

    /// One group's levels (queue: shoppers waiting for skills it owns).
    pub fn group_levels(&self, g: usize) -> Levels {
        let a = &self.groups[g].agents;
        Levels {
            queue: self.queue_by_group[g],
            busy: a.busy(),
            staffed: a.active(),
            chats: a.chats(),
        }
    }

    /// Shoppers still waiting for a first response.
    pub fn unanswered(&self) -> impl Iterator<Item = &Shopper> {
        self.slots
            .iter()
            .filter(|s| {
                matches!(s.state, State::Bot | State::Waiting | State::Agent) && !s.responded
            })
            .map(|s| &s.shopper)
    }

    fn skill(&self, slot: u32) -> usize {
        self.sc.questions[self.slots[slot as usize].shopper.question as usize].skill
    }

    fn exclusive(&self, slot: u32) -> bool {
        !self.sc.channels[self.slots[slot as usize].shopper.channel as usize].concurrent
    }

    /// A shopper arrives. Returns the shopper's slot and generation: a
    /// caller that lets its own shoppers leave (`serve`) fires
    /// `Timer::Abandon(slot, generation)` when one does.
    #[inline]
    pub fn arrive(&mut self, now: SimTime, shopper: Shopper, sink: &mut impl Sink) -> (u32, u32) {
        let slot = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot {
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
                    response_sum: 0,
                    responses: 0,
                    group: 0,
                    agent: 0,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let s = &mut self.slots[slot as usize];
        s.shopper = shopper;
        (s.seeded, s.first_reply_used) = (false, false);
        let generation = s.generation;
        self.start(now, slot, sink);
        (slot, generation)
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
        if let Some(bot) = &sc.bot
            && bot.on_at(now % DAY)
            && bot.channels[sh.channel as usize]
        {
            let hand_over = bot.handoff_questions[sh.question as usize]
                || bot.handoff_segments[sh.segment as usize];
            if !hand_over && bot.covers[sh.question as usize] {
                self.bot_conversation(now, slot, sink);
                return;
            }
            if hand_over {
                s.handed_off = true;
                sink.handed_off(&sh);
            }
        }
        self.queue_for_human(now, slot, sink);
    }

    /// A timer fires.
    #[inline]
    pub fn fire(&mut self, now: SimTime, timer: Timer, sink: &mut impl Sink) {
        let live = |d: &Self, slot: u32, generation: u32, state: State| {
            let s = &d.slots[slot as usize];
            s.generation == generation && s.state == state
        };
        match timer {
            Timer::Abandon(slot, g) if live(self, slot, g, State::Waiting) => {
                self.abandon(now, slot, sink)
            }
            Timer::Overflow(slot, g) if live(self, slot, g, State::Waiting) => {
                let (skill, ex) = (self.skill(slot), self.exclusive(slot));
                if let Some(g) = self.pick_group(&self.overflow[skill], ex) {
                    self.leave_queue(slot);
                    self.take(now, slot, g, sink);
                }
            }
            Timer::Handoff(slot, g) if live(self, slot, g, State::Bot) => {
                let s = &mut self.slots[slot as usize];
                s.handed_off = true;
                sink.handed_off(&s.shopper);
                self.queue_for_human(now, slot, sink);
            }
            Timer::Reply(slot, g) if live(self, slot, g, State::Agent) => {
                self.agent_replied(now, slot, sink)
            }
            Timer::Message(slot, g) if live(self, slot, g, State::Agent) => {
                let s = &mut self.slots[slot as usize];
                s.message_at = now;
                let load = self.groups[s.group as usize].agents.chats_of(s.agent);
                let reply = self.sc.questions[s.shopper.question as usize]
                    .reply
                    .sample(s.rng());
                sink.schedule(
                    now + stretch(reply, load, self.sc.concurrency_slowdown),
                    Timer::Reply(slot, g),
                );
            }
            Timer::Retry(slot, g) if live(self, slot, g, State::Retrying) => {
                let s = &mut self.slots[slot as usize];
                s.generation = s.generation.wrapping_add(1);
                s.shopper.arrival = now;
                s.shopper.attempt += 1;
                sink.retried(&mut s.shopper, now);
                self.start(now, slot, sink);
            }
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
            _ => {} // stale: the shopper moved on
        }
    }

    fn abandon(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        self.leave_queue(slot);
        let sc = self.sc;
        let s = &mut self.slots[slot as usize];
        let sh = s.shopper;
        sink.abandoned(&sh, now, s.responded);
        if let Some(back) = conversation::comes_back(sc, &sh, s.rng()) {
            (s.shopper.channel, s.shopper.patience) = (back.channel, back.patience);
            s.state = State::Retrying;
            sink.schedule(now + back.after, Timer::Retry(slot, s.generation));
            return;
        }
        self.release(slot);
    }

    /// The bot takes the conversation. Its turns touch nothing the other
    /// shoppers share (the bot has no capacity limit and the shopper does
    /// not give up on it), so they are played out here, in the order and
    /// with the draws the event-by-event version made, and only what others
    /// can see becomes an event: the handoff to a human. What would happen
    /// at or after the horizon is not recorded, as the engine would never
    /// have fired it; such a shopper stays with the bot, unanswered if the
    /// first reply had not come.
    fn bot_conversation(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        let sc = self.sc;
        let bot = sc.bot.as_ref().expect("a bot conversation has a bot");
        let s = &mut self.slots[slot as usize];
        s.state = State::Bot;
        let sh = s.shopper;
        let q = &sc.questions[sh.question as usize];
        let bot_turns = q.turns.min(bot.max_turns);
        let mut sent = now;
        loop {
            let at = sent + bot.reply.sample(s.rng());
            if at >= sc.horizon {
                return;
            }
            let response = at - sent;
            s.response_sum += response;
            s.responses += 1;
            s.bot_turns += 1;
            sink.message(&sh, response);
            if !s.responded {
                s.responded = true;
                sink.first_response(&sh, at, true);
            }
            if sh.asks_human && s.bot_turns == 1 || s.bot_turns >= bot_turns && !sh.bot_resolves {
                s.message_at = at;
                sink.schedule(at, Timer::Handoff(slot, s.generation));
                return;
            }
            if s.bot_turns >= bot_turns {
                let ending = Ending {
                    by_bot: true,
                    mean_response: s.response_sum / u64::from(s.responses),
                    handle: 0,
                };
                sink.resolved(&sh, at, None, ending);
                self.release(slot);
                return;
            }
            sent = at + conversation::think(sc, &sh, s.rng());
            if sent >= sc.horizon {
                return;
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
        let s = &mut self.slots[slot as usize];
        s.turns_left -= 1;
        if s.turns_left > 0 {
            let sh = s.shopper;
            let at = now + conversation::think(self.sc, &sh, s.rng());
            sink.schedule(at, Timer::Message(slot, s.generation));
            return;
        }
        let ending = Ending {
            by_bot: false,
            mean_response: s.response_sum / u64::from(s.responses.max(1)),
            handle: now - s.taken_at,
        };
        let (g, agent, sh) = (s.group as usize, s.agent, s.shopper);
        sink.resolved(&sh, now, Some(g), ending);
        self.groups[g].agents.release(agent);
        self.release(slot);
        self.fill(now, g, sink);
    }

    fn release(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        s.state = State::Free;
        s.generation = s.generation.wrapping_add(1);
        self.free.push(slot);
    }
}

/// A reply time stretched by the agent's other chats.
fn stretch(reply: SimTime, load: u32, slowdown: f64) -> SimTime {
    if load <= 1 || slowdown == 0.0 {
        reply
    } else {
        (reply as f64 * (1.0 + slowdown * f64::from(load - 1))) as SimTime
    }
}

#[cfg(test)]
mod tests;
