//! The desk: the bot, agent groups with skills and concurrency, priority
//! queues and routing, as a state machine that answers messages and knows
//! no clock. The shopper's half of a conversation is not here: when a
//! shopper writes again, gives up or comes back is the caller's to decide
//! (`demand::conversation` for modelled shoppers, the HTTP callers for
//! `serve`), and the desk is told through [`Desk::message`],
//! [`Desk::gives_up`], [`Desk::leave`] and [`Desk::come_back`].
//!
//! The desk answers through a [`Sink`]: its own timers to schedule, what
//! happened to each conversation, and the moments the shopper's side acts
//! on (a shopper starts waiting for a human; an answer came and the shopper
//! has more to say; a shopper who left may come back). Timers are never
//! removed: each carries the slot's generation, and a timer whose
//! conversation has moved on is ignored when it fires (lazy cancellation).
//!
//! A conversation: the bot (when it covers the question, channel and hour)
//! replies after its latency, for up to `max_turns` turns, then resolves it
//! or hands it to a human; an immediate handoff skips the bot. For a human
//! the shopper queues by skill and priority class; a home group takes it at
//! once if an agent has room, other groups holding the skill as overflow
//! after `overflow_after`. The agent replies to each message (reply time
//! stretched by the agent's other chats) until the question's turns are
//! answered; the agent holds the chat while the shopper thinks. A bot with
//! limited capacity (`bot_pool`) answers one request at a time per slot
//! instead, each turn an event.

mod agents;
mod bot_pool;
mod queues;
mod routing;
mod turns;

use crate::demand::Shopper;
use crate::engine::rng::StreamRng;
use crate::profile::Scenario;
use agents::Agents;
use queues::SkillQueue;
use rand::SeedableRng;

use crate::time::SimTime;

/// A conversation at the desk: its slot and the slot's generation. A handle
/// may outlive its conversation; the desk ignores a stale one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handle {
    /// The slot.
    pub slot: u32,
    /// The slot's generation when the handle was made.
    pub generation: u32,
}

/// A timer the desk asks its caller to fire later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// The shopper in `slot` may now go to overflow groups.
    Overflow(u32, u32),
    /// An agent's reply to the shopper in `slot` is ready.
    Reply(u32, u32),
    /// The bot hands the shopper in `slot` to a human.
    Handoff(u32, u32),
    /// A group's standby agents log in.
    StandbyIn(u16),
    /// A group's standby agents leave.
    StandbyOut(u16),
    /// The capacity-limited bot's reply to the shopper in `slot` is ready.
    BotReply(u32, u32),
    /// The shopper in `slot` writes the bot again (a modelled shopper).
    BotMessage(u32, u32),
    /// The shopper in `slot`, waiting for a bot slot, may run out of patience.
    BotGivesUp(u32, u32),
    /// The bot's rate limit lets the next waiting request start.
    BotTick,
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

/// Where in its conversation a shopper left, for the abandonment metrics
/// (`left_before_answer`, `left_waiting_for_human`, `left_mid_conversation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// Before any response, from the bot or an agent.
    BeforeAnswer,
    /// In a human queue, after a response (the bot's, or an agent's before
    /// a transfer).
    WaitingForHuman,
    /// With the bot or an agent, while a later reply was due.
    MidConversation,
}

impl Left {
    /// Where a shopper leaves: `responded` if it had any response,
    /// `queued` if it was waiting in a human queue.
    pub fn at(responded: bool, queued: bool) -> Left {
        match (responded, queued) {
            (false, _) => Left::BeforeAnswer,
            (true, true) => Left::WaitingForHuman,
            (true, false) => Left::MidConversation,
        }
    }
}

/// What happened to each conversation, as the recorder counts it: the
/// desk reports it for the conversations it answers, and `drive`'s
/// shoppers for the conversations a real desk answers.
pub trait Outcomes {
    /// The shopper's first response, from the bot or an agent.
    fn first_response(&mut self, s: &Shopper, now: SimTime, by_bot: bool);
    /// An agent of `group` gave the first human response, `wait` after the
    /// shopper started waiting for a human.
    fn human_response(&mut self, s: &Shopper, group: usize, wait: SimTime);
    /// One message answered after `response`.
    fn message(&mut self, s: &Shopper, response: SimTime);
    /// The bot handed the shopper to a human.
    fn handed_off(&mut self, s: &Shopper);
    /// The shopper left before the conversation was done.
    fn abandoned(&mut self, s: &Shopper, now: SimTime, left: Left);
    /// A capacity-limited bot starts serving one of the shopper's requests
    /// after it waited `wait` for a slot; the reply takes `service`.
    #[inline]
    fn bot_request(&mut self, _s: &Shopper, _wait: SimTime, _service: SimTime) {}
    /// A request found the capacity-limited bot full: the conversation went
    /// to a human, or (`failed`) the shopper was failed.
    #[inline]
    fn bot_full(&mut self, _s: &Shopper, _failed: bool) {}
    /// The conversation ended (`group`: the agents' group, if any).
    fn resolved(&mut self, s: &Shopper, now: SimTime, group: Option<usize>, ending: Ending);
    /// A shopper who gave up comes back: the sink stamps the new attempt
    /// (interval, counted) and counts it as an arrival.
    fn retried(&mut self, s: &mut Shopper, now: SimTime);
}

/// Where the desk's reactions go: its timers, what happened to each
/// conversation ([`Outcomes`]), and the shopper's side.
pub trait Sink: Outcomes {
    /// Fire `timer` at `at`.
    fn schedule(&mut self, at: SimTime, timer: Timer);
    /// A reply reaches the shopper at `at`, from the bot or an agent of
    /// `group` (callers that show replies deliver it then).
    #[inline]
    fn replied(&mut self, _h: Handle, _s: &Shopper, _at: SimTime, _group: Option<usize>) {}
    /// An agent of `group` took the shopper (the wall-clock modes claim
    /// the conversation or tell the caller here; the simulator needs
    /// nothing).
    #[inline]
    fn taken(&mut self, _h: Handle, _s: &Shopper, _group: usize, _now: SimTime) {}

    // The shopper's side.

    /// The shopper in `h` starts waiting for a human at `now`: a modelled
    /// shopper's patience starts (then [`Desk::gives_up`]).
    fn waiting(&mut self, h: Handle, s: &Shopper, now: SimTime);
    /// The shopper in `h` stops waiting for a human (taken, or gone): a
    /// modelled shopper's patience no longer matters.
    #[inline]
    fn stops_waiting(&mut self, _h: Handle) {}
    /// The shopper starts waiting for a slot of a capacity-limited bot at
    /// `now`: when a modelled shopper's patience runs out, if ever; `None`
    /// when the caller decides when to leave ([`Desk::leave`]).
    #[inline]
    fn patience_ends(&mut self, _s: &Shopper, _now: SimTime) -> Option<SimTime> {
        None
    }
    /// The bot answered at `at` and the shopper has more to say: when the
    /// next message goes out, for a modelled shopper (the bot's turns are
    /// played out at once); `None` when the caller writes when it writes
    /// ([`Desk::message`]).
    fn next_message(&mut self, s: &Shopper, at: SimTime, rng: &mut StreamRng) -> Option<SimTime>;
    /// An agent answered at `now` and the shopper has more to say: a
    /// modelled shopper writes again later ([`Desk::message`]); the agent
    /// holds the chat meanwhile.
    fn writes_again(&mut self, h: Handle, s: &Shopper, now: SimTime, rng: &mut StreamRng);
    /// The shopper in `h` gave up: whether and when the shopper tries again
    /// (then the desk holds the slot, `s` takes the new attempt's channel
    /// and patience, and the caller calls [`Desk::come_back`] at that time).
    fn comes_back(&mut self, h: Handle, s: &mut Shopper, now: SimTime, rng: &mut StreamRng)
    -> bool;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Free,
    /// The bot is answering (with a capacity-limited bot: a request is in
    /// service).
    Bot,
    /// Waiting for a slot of a capacity-limited bot.
    BotQueue,
    /// The bot answered; the shopper (a caller) has not written again yet.
    BotAwait,
    /// In a queue for a human.
    Waiting,
    /// An agent is answering.
    Agent,
    /// An agent answered and holds the chat; the shopper writes again later.
    Await,
    /// The shopper gave up and will come back.
    Away,
}

#[derive(Clone)]
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
    /// When a wait for a bot slot runs out of patience (telling a live
    /// `BotGivesUp` timer from one of an earlier wait).
    give_up_at: SimTime,
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

#[derive(Clone)]
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
#[derive(Clone)]
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
    /// The groups whose levels changed since the world last took them
    /// ([`Desk::take_changed`]): bit `g` for group `g` (any bit for a
    /// group past the 64th).
    changed: u64,
    /// The bot's slots, line and rate limit when its capacity is limited.
    bot_pool: Option<bot_pool::BotPool>,
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
            changed: 0,
            bot_pool: sc
                .bot
                .as_ref()
                .and_then(|b| b.capacity.as_ref())
                .map(|_| bot_pool::BotPool::default()),
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

    /// The groups whose levels changed since the last call (bit `g` for
    /// group `g`; with more than 64 groups, any bit means "look at all").
    #[inline]
    pub fn take_changed(&mut self) -> u64 {
        std::mem::take(&mut self.changed)
    }

    /// Group `g`'s agents, to change: every change to a group's levels
    /// goes through here or [`Self::queue_moves`], which note the group
    /// for [`Self::take_changed`].
    #[inline]
    fn agents_mut(&mut self, g: usize) -> &mut Agents {
        self.changed |= 1 << (g & 63);
        &mut self.groups[g].agents
    }

    /// One more (`joins`) or one fewer shopper waits for skill `skill`,
    /// counted under the group that owns it.
    #[inline]
    fn queue_moves(&mut self, skill: usize, joins: bool) {
        let g = self.owner[skill];
        self.changed |= 1 << (g & 63);
        match joins {
            true => self.queue_by_group[g] += 1,
            false => self.queue_by_group[g] -= 1,
        }
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
                matches!(
                    s.state,
                    State::Bot | State::BotQueue | State::Waiting | State::Agent
                ) && !s.responded
            })
            .map(|s| &s.shopper)
    }

    fn skill(&self, slot: u32) -> usize {
        self.sc.questions[self.slots[slot as usize].shopper.question as usize].skill
    }

    fn exclusive(&self, slot: u32) -> bool {
        !self.sc.channels[self.slots[slot as usize].shopper.channel as usize].concurrent
    }

    fn handle(&self, slot: u32) -> Handle {
        Handle {
            slot,
            generation: self.slots[slot as usize].generation,
        }
    }

    /// Whether the conversation of `h` waits for its shopper's next
    /// message (`Some(false)`: the desk owes the next move; `None`: it is
    /// over, or the shopper is away).
    pub fn awaits_shopper(&self, h: Handle) -> Option<bool> {
        let s = &self.slots[h.slot as usize];
        match s.state {
            _ if s.generation != h.generation => None,
            State::Free | State::Away => None,
            State::BotAwait | State::Await => Some(true),
            State::Bot | State::BotQueue | State::Waiting | State::Agent => Some(false),
        }
    }

    /// Whether `h` is the conversation now in its slot, in `state`.
    fn live(&self, h: Handle, state: State) -> bool {
        let s = &self.slots[h.slot as usize];
        s.generation == h.generation && s.state == state
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
