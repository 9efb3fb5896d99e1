//! A driven shopper: the shopper's half of one conversation with a real
//! desk. It plays the profile's shopper (`demand::conversation`: think
//! times, patience while waiting for a human, coming back) on what the
//! desk shows it, and reports what happened with the calls the desk makes
//! in `simulate` ([`Outcomes`]), so that a drive and a simulation are
//! counted by the same recorder. It knows no clock: the runner tells it
//! when a reply came and asks it when to write, when its patience runs out
//! and when it comes back.
//!
//! What it reads from a reply: who answered (bot or agent, the group), and
//! what comes next when the desk says (`next`: the shopper writes, the
//! desk goes on, or it is over). A desk that does not say is taken to wait
//! for the shopper until the question's turns are used up.
//!
//! Patience means what it means in the model: it runs while the shopper
//! waits for a human. It does not run while the profile's bot answers
//! (`[bot]`: the question, channel and hour it takes), and it starts when
//! the bot hands over (`next = "desk"`). A notice that an agent joined
//! stops it, as an agent's take does in the model; without one, patience
//! stops at the agent's first reply.

use super::adapter::{Next, Reply};
use crate::demand::{Shopper, conversation};
use crate::desk::{Ending, Left, Outcomes};
use crate::engine::rng::StreamRng;
use crate::profile::Scenario;
use crate::profile::desk::{BotOpens, FirstResponse};
use crate::time::SimTime;
use rand::SeedableRng;

/// What the shopper does after a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Writes the next message at this scenario time.
    Write(SimTime),
    /// Waits for the desk.
    Wait,
    /// The conversation is over.
    Done,
}

/// One driven shopper's conversation, attempt after attempt.
pub struct Talk<'a> {
    sc: &'a Scenario,
    shopper: Shopper,
    rng: StreamRng,
    /// The target takes later messages.
    turns: bool,
    /// Later messages the shopper still has, for a desk that does not say
    /// what comes next.
    left: u32,
    /// The awaited answer's response time counts from here.
    since: SimTime,
    /// The shopper's patience runs from here (`None`: the bot or an
    /// agent has the conversation).
    patience_from: Option<SimTime>,
    /// The bot has the conversation.
    with_bot: bool,
    /// When the shopper started waiting for a human.
    human_from: SimTime,
    responded: bool,
    handed_off: bool,
    /// The agents' group and when an agent took the conversation.
    agent: Option<(Option<usize>, SimTime)>,
    agent_answered: bool,
    /// The agent's take was the answer to the awaited message
    /// (`first_response = "on_take"`), so the agent's reply does not
    /// count again.
    take_answered: bool,
    response_sum: SimTime,
    responses: u32,
}

impl<'a> Talk<'a> {
    /// The conversation of `shopper`; `turns`: the target takes later
    /// messages (else it ends at the first reply).
    pub fn new(sc: &'a Scenario, shopper: Shopper, turns: bool) -> Talk<'a> {
        let mut t = Talk {
            sc,
            shopper,
            rng: StreamRng::seed_from_u64(shopper.seed),
            turns,
            left: 0,
            since: 0,
            patience_from: None,
            with_bot: false,
            human_from: 0,
            responded: false,
            handed_off: false,
            agent: None,
            agent_answered: false,
            take_answered: false,
            response_sum: 0,
            responses: 0,
        };
        t.restart();
        t
    }

    /// A new attempt opens at the shopper's arrival.
    fn restart(&mut self) {
        let at = self.shopper.arrival;
        self.left = self.sc.questions[self.shopper.question as usize]
            .turns
            .saturating_sub(1);
        let s = &self.shopper;
        self.with_bot = self.sc.bot.as_ref().is_some_and(|b| {
            let opens = b.opens(
                at,
                s.question as usize,
                s.segment as usize,
                s.channel as usize,
            );
            opens == BotOpens::Answers
        });
        let patience = (!self.with_bot).then_some(at);
        (self.since, self.patience_from, self.human_from) = (at, patience, at);
        (self.responded, self.handed_off, self.agent_answered) = (false, false, false);
        self.take_answered = false;
        (self.agent, self.response_sum, self.responses) = (None, 0, 0);
    }

    /// The shopper of this attempt.
    pub fn shopper(&self) -> &Shopper {
        &self.shopper
    }

    /// Whether a reply came in this attempt.
    pub fn responded(&self) -> bool {
        self.responded
    }

    /// When the shopper gives up, if nothing comes before.
    pub fn gives_up_at(&self) -> Option<SimTime> {
        self.patience_from
            .and_then(|t| conversation::gives_up_at(&self.shopper, t))
    }

    fn group(&self, r: &Reply) -> Option<usize> {
        let name = r.group.as_deref()?;
        self.sc.groups.iter().position(|g| g.name == name)
    }

    /// A reply or notice came at `at`: what the shopper does next.
    pub fn heard(&mut self, at: SimTime, r: &Reply, out: &mut impl Outcomes) -> Step {
        let at = at.max(self.since);
        let s = self.shopper;
        if r.joined {
            if self.agent.is_none() {
                self.agent = Some((self.group(r), at));
            }
            self.patience_from = None;
            // Where the profile counts the take as the first human
            // response, so does the shopper.
            if self.sc.first_response == FirstResponse::OnTake && !self.agent_answered {
                self.answered(at, r, out);
                self.take_answered = true;
            }
            return Step::Wait;
        }
        let by_bot = r.by_bot.unwrap_or(false);
        if self.take_answered && !by_bot {
            self.take_answered = false;
        } else {
            self.answered(at, r, out);
        }
        self.since = at;
        let next = match r.next {
            _ if !self.turns => Next::Closed,
            Some(n) => n,
            None if self.left == 0 => Next::Closed,
            None => Next::Shopper,
        };
        match next {
            Next::Closed => {
                self.resolve(at, out);
                Step::Done
            }
            Next::Desk => {
                if by_bot && !self.handed_off {
                    self.handed_off = true;
                    out.handed_off(&s);
                }
                self.with_bot = false;
                if self.agent.is_none() {
                    (self.human_from, self.patience_from) = (at, Some(at));
                }
                Step::Wait
            }
            Next::Shopper => {
                self.left = self.left.saturating_sub(1);
                let t = at + conversation::think(self.sc, &s, &mut self.rng);
                self.since = t;
                if self.agent.is_none() && !self.with_bot {
                    (self.human_from, self.patience_from) = (t, Some(t));
                }
                Step::Write(t)
            }
        }
    }

    /// An answer to the awaited message at `at`, by the bot or an agent.
    fn answered(&mut self, at: SimTime, r: &Reply, out: &mut impl Outcomes) {
        let (s, by_bot) = (self.shopper, r.by_bot.unwrap_or(false) && !r.joined);
        let response = at - self.since;
        self.response_sum += response;
        self.responses += 1;
        out.message(&s, response);
        if !self.responded {
            self.responded = true;
            out.first_response(&s, at, by_bot);
        }
        if !by_bot && !self.agent_answered {
            self.agent_answered = true;
            self.patience_from = None;
            let joined = self.agent;
            let group = self.group(r).or(joined.and_then(|(g, _)| g));
            self.agent = Some((group, joined.map_or(at, |(_, t)| t)));
            if let Some(g) = group {
                out.human_response(&s, g, at - self.human_from);
            }
        }
    }

    fn resolve(&self, at: SimTime, out: &mut impl Outcomes) {
        let human = self.agent.filter(|_| self.agent_answered);
        let ending = Ending {
            by_bot: human.is_none(),
            mean_response: self.response_sum / u64::from(self.responses.max(1)),
            handle: human.map_or(0, |(_, taken)| at - taken),
        };
        out.resolved(&self.shopper, at, human.and_then(|(g, _)| g), ending);
    }

    /// The shopper's patience ran out at `at`: it leaves, and perhaps comes
    /// back later on another channel (the profile's `[retrials]`); the
    /// time of the next attempt, if any.
    pub fn gave_up(&mut self, at: SimTime, out: &mut impl Outcomes) -> Option<SimTime> {
        out.abandoned(&self.shopper, at, Left::at(self.responded, true));
        let back = conversation::comes_back(self.sc, &self.shopper, &mut self.rng)?;
        back.apply(self.sc, &mut self.shopper);
        let s = &mut self.shopper;
        s.arrival = at + back.after;
        s.attempt += 1;
        Some(s.arrival)
    }

    /// The next attempt opened: counted as a retrial.
    pub fn retried(&mut self, out: &mut impl Outcomes) {
        let at = self.shopper.arrival;
        out.retried(&mut self.shopper, at);
        self.restart();
    }
}

/// A recorder call made on a shopper's task, on its way to the one
/// recorder of the drive.
#[derive(Debug, Clone, Copy)]
pub enum Told {
    /// [`Outcomes::first_response`].
    FirstResponse(Shopper, SimTime, bool),
    /// [`Outcomes::human_response`].
    HumanResponse(Shopper, usize, SimTime),
    /// [`Outcomes::message`].
    Message(Shopper, SimTime),
    /// [`Outcomes::handed_off`].
    HandedOff(Shopper),
    /// [`Outcomes::abandoned`].
    Abandoned(Shopper, SimTime, Left),
    /// [`Outcomes::resolved`].
    Resolved(Shopper, SimTime, Option<usize>, Ending),
    /// [`Outcomes::retried`].
    Retried(Shopper, SimTime),
}

impl Told {
    /// The scenario time it happened at, when it says.
    pub fn at(&self) -> Option<SimTime> {
        match *self {
            Told::FirstResponse(_, t, _)
            | Told::Abandoned(_, t, _)
            | Told::Resolved(_, t, _, _)
            | Told::Retried(_, t) => Some(t),
            _ => None,
        }
    }

    /// Makes the call on `out`.
    pub fn apply(self, out: &mut impl Outcomes) {
        match self {
            Told::FirstResponse(s, t, b) => out.first_response(&s, t, b),
            Told::HumanResponse(s, g, w) => out.human_response(&s, g, w),
            Told::Message(s, r) => out.message(&s, r),
            Told::HandedOff(s) => out.handed_off(&s),
            Told::Abandoned(s, t, r) => out.abandoned(&s, t, r),
            Told::Resolved(s, t, g, e) => out.resolved(&s, t, g, e),
            Told::Retried(mut s, t) => out.retried(&mut s, t),
        }
    }
}

/// The [`Outcomes`] of a shopper's task: each call goes to `send`; a
/// retrial is stamped here too, since the task's shopper carries it on.
pub struct Tell<'a, F: FnMut(Told)> {
    /// The scenario (intervals and warm-up, to stamp a retrial).
    pub sc: &'a Scenario,
    /// Where the calls go.
    pub send: F,
}

impl<F: FnMut(Told)> Outcomes for Tell<'_, F> {
    fn first_response(&mut self, s: &Shopper, now: SimTime, by_bot: bool) {
        (self.send)(Told::FirstResponse(*s, now, by_bot));
    }
    fn human_response(&mut self, s: &Shopper, group: usize, wait: SimTime) {
        (self.send)(Told::HumanResponse(*s, group, wait));
    }
    fn message(&mut self, s: &Shopper, response: SimTime) {
        (self.send)(Told::Message(*s, response));
    }
    fn handed_off(&mut self, s: &Shopper) {
        (self.send)(Told::HandedOff(*s));
    }
    fn abandoned(&mut self, s: &Shopper, now: SimTime, left: Left) {
        (self.send)(Told::Abandoned(*s, now, left));
    }
    fn resolved(&mut self, s: &Shopper, now: SimTime, group: Option<usize>, ending: Ending) {
        (self.send)(Told::Resolved(*s, now, group, ending));
    }
    fn retried(&mut self, s: &mut Shopper, now: SimTime) {
        crate::metrics::stamp(self.sc, s, now);
        (self.send)(Told::Retried(*s, now));
    }
}
