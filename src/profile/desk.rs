//! The validated e-commerce desk: shopper segments, questions, channels, the
//! bot, self-service, retrials and agent groups with skills, rosters and
//! concurrency. Every name a profile uses is resolved to an index here, so
//! the simulator never looks a name up.

use crate::dist::Dist;
use crate::time::SimTime;

/// Priority tier of a question (urgent is served first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Payment, after-sales, complaints: default target 5 s.
    Urgent = 0,
    /// Product questions: default target 15 s.
    Important = 1,
    /// Logistics and order status: default target 30 s.
    Normal = 2,
}

impl Tier {
    /// All tiers, in priority order.
    pub const ALL: [Tier; 3] = [Tier::Urgent, Tier::Important, Tier::Normal];

    /// The tier's name in profiles and outputs.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Urgent => "urgent",
            Tier::Important => "important",
            Tier::Normal => "normal",
        }
    }

    /// Parses a tier name.
    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.name() == s)
    }
}

/// Which queue lane a shopper joins: VIP jumps every other lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// The VIP lane, served first.
    Vip = 0,
    /// Everyone else.
    Normal = 1,
}

/// A kind of shopper.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Name.
    pub name: String,
    /// Share of arrivals.
    pub share: f64,
    /// Patience (`None`: never gives up).
    pub patience: Option<Dist>,
    /// Base conversion rate (before the satisfaction bands).
    pub conversion: f64,
    /// Order value, in the profile's currency.
    pub order_value: f64,
    /// Queue lane.
    pub lane: Lane,
    /// Tier that overrides the question's (complaint-prone shoppers).
    pub tier: Option<Tier>,
}

/// A kind of question.
#[derive(Debug, Clone)]
pub struct Question {
    /// Name.
    pub name: String,
    /// Share of arrivals (outside `question_mix` windows).
    pub share: f64,
    /// Priority tier.
    pub tier: Tier,
    /// Index of the skill it needs.
    pub skill: usize,
    /// Chance that the bot resolves it (when the bot takes it).
    pub bot: f64,
    /// Messages the shopper sends (each gets a reply).
    pub turns: u32,
    /// Agent time to compose one reply.
    pub reply: Dist,
    /// Shopper think time between a reply and the next message.
    pub think: Dist,
    /// Share that FAQ self-service answers before the desk sees it.
    pub deflect: f64,
}

/// A way to reach the desk.
#[derive(Debug, Clone)]
pub struct Channel {
    /// Name.
    pub name: String,
    /// Share of arrivals.
    pub share: f64,
    /// Whether an agent may serve it alongside other conversations.
    pub concurrent: bool,
    /// Patience on this channel, replacing the segment's.
    pub patience: Option<Dist>,
    /// Factor on the segment's patience.
    pub patience_scale: f64,
}

/// Question shares that hold during part of the day.
#[derive(Debug, Clone)]
pub struct MixWindow {
    /// Start, time of day.
    pub from: SimTime,
    /// End, time of day (before `from`: the window crosses midnight).
    pub to: SimTime,
    /// Shares by question index.
    pub shares: Vec<f64>,
}

impl MixWindow {
    /// Whether a time of day falls in the window.
    pub fn contains(&self, tod: SimTime) -> bool {
        if self.from <= self.to {
            (self.from..self.to).contains(&tod)
        } else {
            tod >= self.from || tod < self.to
        }
    }
}

/// The bot tier.
#[derive(Debug, Clone)]
pub struct Bot {
    /// Windows of the day it answers in (empty: all day).
    pub hours: Vec<MixWindow>,
    /// Its reply latency.
    pub reply: Dist,
    /// Most turns it tries before resolving or handing over.
    pub max_turns: u32,
    /// By question: whether it takes the question.
    pub covers: Vec<bool>,
    /// By channel: whether it answers on the channel.
    pub channels: Vec<bool>,
    /// By question: hand over at once.
    pub handoff_questions: Vec<bool>,
    /// By segment: hand over at once.
    pub handoff_segments: Vec<bool>,
    /// Chance that the shopper asks for a human after the first bot reply.
    pub ask_human: f64,
    /// Its limits as a service (`None`: unlimited, every reply at once).
    pub capacity: Option<BotCapacity>,
}

/// A bot with limited capacity: an LLM service with a concurrency limit,
/// a rate limit and latency that grows with load. The unit is one reply
/// request (one bot turn); a conversation holds no slot while its shopper
/// thinks.
#[derive(Debug, Clone)]
pub struct BotCapacity {
    /// Requests in service at once (`u32::MAX`: no limit).
    pub concurrency: u32,
    /// The rate limit as a token bucket: the spacing between tokens and
    /// the bucket's size (`None`: no limit).
    pub rate: Option<RateLimit>,
    /// `(utilisation, factor)` points, utilisation increasing: the reply
    /// latency's factor at the utilisation a request starts at (empty: 1).
    pub load_latency: Vec<(f64, f64)>,
    /// What a request that finds the bot full does.
    pub when_full: WhenFull,
}

/// A token bucket: one token every `spacing`, at most `burst` kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Microseconds per token (1 / the rate).
    pub spacing: SimTime,
    /// Tokens the bucket holds (requests that may start back to back).
    pub burst: u32,
}

/// What a reply request does when every slot is busy or the rate limit
/// holds it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenFull {
    /// Waits in line for the bot, first come first served, with the
    /// shopper's patience running.
    Queue,
    /// Goes to a human queue instead (a fallback).
    Human,
    /// The shopper is failed and lost.
    Fail,
}

impl BotCapacity {
    /// The latency factor at utilisation `u`: the curve's linear
    /// interpolation, flat beyond its first and last points.
    pub fn latency_factor(&self, u: f64) -> f64 {
        let pts = &self.load_latency;
        let Some(&(u0, f0)) = pts.first() else {
            return 1.0;
        };
        if u <= u0 {
            return f0;
        }
        for w in pts.windows(2) {
            let ((a, fa), (b, fb)) = (w[0], w[1]);
            if u <= b {
                return fa + (fb - fa) * (u - a) / (b - a);
            }
        }
        pts[pts.len() - 1].1
    }
}

impl Bot {
    /// Whether the bot answers at a time of day.
    pub fn on_at(&self, tod: SimTime) -> bool {
        self.hours.is_empty() || self.hours.iter().any(|w| w.contains(tod))
    }

    /// What the bot does with a conversation opening at `now` (scenario
    /// time) on a question, segment and channel.
    pub fn opens(&self, now: SimTime, question: usize, segment: usize, channel: usize) -> BotOpens {
        if !self.on_at(now % crate::time::DAY) || !self.channels[channel] {
            BotOpens::Away
        } else if self.handoff_questions[question] || self.handoff_segments[segment] {
            BotOpens::HandsOver
        } else if self.covers[question] {
            BotOpens::Answers
        } else {
            BotOpens::Away
        }
    }
}

/// What the bot does with a conversation that opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BotOpens {
    /// Not its hours, channel or question: straight to the agents.
    Away,
    /// Hands it to a human at once (a handoff question or segment).
    HandsOver,
    /// Answers it.
    Answers,
}

/// Proactive chat invitations.
#[derive(Debug, Clone)]
pub struct Proactive {
    /// Invitations per second (follows the arrival curve).
    pub rate_per_s: f64,
    /// Share accepted.
    pub accept: f64,
    /// Question the accepted conversations ask.
    pub question: usize,
    /// Their conversion rate.
    pub conversion: f64,
    /// Channel they arrive on.
    pub channel: usize,
}

/// Shoppers who gave up and come back.
#[derive(Debug, Clone)]
pub struct Retrials {
    /// Chance that an abandoning shopper tries again.
    pub probability: f64,
    /// Delay before the new attempt.
    pub after: Dist,
    /// Most attempts per shopper, the first included.
    pub max_attempts: u32,
    /// By channel: cumulative `(channel, probability)` to switch to.
    pub switch: Vec<Vec<(usize, f64)>>,
}

/// Standby agents.
#[derive(Debug, Clone, Copy)]
pub struct Standby {
    /// How many.
    pub agents: u32,
    /// Queue length (waiting for the group's skills) that calls them.
    pub threshold: u32,
    /// Delay from the call to their first conversation.
    pub login: SimTime,
    /// How long they stay once logged in.
    pub stay: SimTime,
}

/// When an agent's first response reaches the shopper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstResponse {
    /// When the agent takes the conversation (queueing theory's wait).
    OnTake,
    /// When the agent's first reply is composed.
    OnReply,
}

/// Which group takes a shopper when several groups serving the skill have
/// room (at arrival, and for overflow when the delay runs out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupPick {
    /// The group with the lowest share of its capacity in use (chat slots
    /// held, a phone call holding all of an agent's), ties to profile order.
    #[default]
    LeastOccupied,
    /// The group whose least-loaded agent holds the fewest chats, ties to
    /// profile order (with one chat per agent: always profile order).
    EmptiestAgent,
    /// The first group in profile order with room: a preference order.
    ProfileOrder,
}

/// Which of a group's agents takes a shopper: always one of the least
/// loaded; this says which among equally loaded agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgentPick {
    /// The agent who has been at that load longest (the contact-centre
    /// default: the longest-idle agent).
    #[default]
    LongestIdle,
    /// The agent who reached that load last (last in, first out).
    LastFreed,
}

/// The routing rules a profile can choose (`[routing]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Routing {
    /// Which group takes a shopper.
    pub group_pick: GroupPick,
    /// Which agent of that group.
    pub agent_pick: AgentPick,
}
