//! The desk model on the wall clock: the one event loop
//! (`engine::event_loop`) on a [`Wall`] clock, with callers as the
//! shoppers. Conversations open and shoppers leave by commands on a
//! channel; what the desk does to a conversation goes to an [`Outlet`]:
//! `serve` shows replies to its HTTP callers; the django-helpdesk
//! adapter's virtual agents claim tickets and post follow-ups.
//!
//! The callers' patience and retrials are theirs (a departure arrives as a
//! command). A conversation's later messages are the caller's when it
//! opened it so ([`Cmd::Open`]'s `caller_turns`: each answer is shown, and
//! the desk waits for [`Cmd::Message`]); otherwise the shopper model
//! (`demand::conversation`) plays them, as `simulate` does, and only the
//! first response is shown.

use super::adapter::Next;
use crate::demand::{Arrival, Shopper, ShopperSampler, conversation};
use crate::desk::{Desk, Ending, Handle, Left, Outcomes, Sink, Timer};
use crate::engine::calendar::Calendar;
use crate::engine::clock::{Lateness, Timebase, Wall};
use crate::engine::event_loop::{self, Event, Turn, World};
use crate::engine::rng::StreamRng;
use crate::profile::Scenario;
use crate::time::SimTime;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::Receiver;

/// A reply as the desk shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// From the bot.
    pub by_bot: bool,
    /// The agents' group, for an agent's reply.
    pub group: Option<usize>,
    /// What comes next in the conversation.
    pub next: Next,
}

/// Where the desk's actions on conversations go (ids are the callers').
pub trait Outlet {
    /// An agent of `group` took conversation `id`.
    fn taken(&self, _id: u64, _group: usize) {}
    /// An agent of `group` took conversation `id`, whose caller plays its
    /// turns: shown to the caller as a notice (its patience stops).
    fn joined(&self, _id: u64, _group: usize) {}
    /// A reply to conversation `id`: the first response, then (when the
    /// caller plays its turns) each answer.
    fn reply(&self, id: u64, answer: Answer);
    /// Conversation `id` is over (resolved, or its shopper left).
    fn closed(&self, id: u64);
}

/// What callers ask of the desk.
pub enum Cmd {
    /// A conversation `id` opens; segment, question and channel indices
    /// (`None`: drawn from the profile).
    Open {
        /// The caller's id for it.
        id: u64,
        /// Segment, question, channel.
        parts: [Option<usize>; 3],
        /// Whether the caller sends the later messages.
        caller_turns: bool,
    },
    /// The shopper of conversation `id` writes again (caller's turns).
    Message(u64),
    /// The shopper of conversation `id` left.
    Leave(u64),
}

/// What is shown to callers when its time comes.
enum Shown {
    Reply {
        id: u64,
        by_bot: bool,
        group: Option<usize>,
    },
    Joined(u64, usize),
    Closed(u64),
}

/// Callers around the desk.
struct Served<'a> {
    sc: &'a Scenario,
    calendar: Calendar<Event>,
    outlet: &'a dyn Outlet,
    sampler: ShopperSampler<'a>,
    /// Open conversations by caller id.
    handles: HashMap<u64, Handle>,
    /// The conversations whose callers play their later turns.
    callers: HashSet<u64>,
    /// The group of a human response about to be shown.
    group_of: HashMap<u64, usize>,
    shows: HashMap<u32, Shown>,
    next_show: u32,
}

impl Served<'_> {
    fn show_at(&mut self, at: SimTime, shown: Shown) {
        let key = self.next_show;
        self.next_show = self.next_show.wrapping_add(1);
        self.shows.insert(key, shown);
        self.calendar.schedule(at, Event::Show(key));
    }
}

impl Outcomes for Served<'_> {
    fn first_response(&mut self, s: &Shopper, now: SimTime, by_bot: bool) {
        // The bot's turns are played out in advance: its reply is due
        // later, so every reply goes through the calendar.
        let group = self.group_of.remove(&s.seed);
        let id = s.seed;
        if !self.callers.contains(&id) {
            self.show_at(now, Shown::Reply { id, by_bot, group });
        }
    }
    fn human_response(&mut self, s: &Shopper, group: usize, _wait: SimTime) {
        self.group_of.insert(s.seed, group);
    }
    fn message(&mut self, _s: &Shopper, _response: SimTime) {}
    fn handed_off(&mut self, _s: &Shopper) {}
    fn abandoned(&mut self, s: &Shopper, now: SimTime, _left: Left) {
        self.show_at(now, Shown::Closed(s.seed));
    }
    fn resolved(&mut self, s: &Shopper, now: SimTime, _group: Option<usize>, _e: Ending) {
        self.show_at(now, Shown::Closed(s.seed));
    }
    fn retried(&mut self, _s: &mut Shopper, _now: SimTime) {}
}

impl Sink for Served<'_> {
    fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.calendar.schedule(at, Event::Desk(timer));
    }
    fn replied(&mut self, _h: Handle, s: &Shopper, at: SimTime, group: Option<usize>) {
        let id = s.seed;
        if self.callers.contains(&id) {
            let by_bot = group.is_none();
            self.show_at(at, Shown::Reply { id, by_bot, group });
        }
    }
    fn taken(&mut self, _h: Handle, s: &Shopper, group: usize, now: SimTime) {
        self.outlet.taken(s.seed, group);
        if self.callers.contains(&s.seed) {
            self.show_at(now, Shown::Joined(s.seed, group));
        }
    }
    fn waiting(&mut self, _h: Handle, _s: &Shopper, _now: SimTime) {}
    fn next_message(&mut self, s: &Shopper, at: SimTime, rng: &mut StreamRng) -> Option<SimTime> {
        (!self.callers.contains(&s.seed)).then(|| at + conversation::think(self.sc, s, rng))
    }
    fn writes_again(&mut self, h: Handle, s: &Shopper, now: SimTime, rng: &mut StreamRng) {
        if self.callers.contains(&s.seed) {
            return;
        }
        let at = now + conversation::think(self.sc, s, rng);
        self.calendar.schedule(at, Event::Shopper(Turn::Writes(h)));
    }
    fn comes_back(&mut self, _: Handle, _: &mut Shopper, _: SimTime, _: &mut StreamRng) -> bool {
        false
    }
}

impl World for Served<'_> {
    type Input = Cmd;
    fn calendar(&mut self) -> &mut Calendar<Event> {
        &mut self.calendar
    }
    fn input(&mut self, now: SimTime, cmd: Cmd, desk: &mut Desk) {
        match cmd {
            Cmd::Open {
                id,
                parts,
                caller_turns,
            } => {
                let drawn = match self.sampler.next(now, None) {
                    Arrival::Desk(s) | Arrival::Deflected(s) => s,
                };
                let mut s = match parts {
                    [None, None, None] => drawn,
                    [seg, q, ch] => self.sampler.build(
                        now,
                        seg.unwrap_or(drawn.segment as usize),
                        q.unwrap_or(drawn.question as usize),
                        ch.unwrap_or(drawn.channel as usize),
                        false,
                    ),
                };
                s.patience = SimTime::MAX;
                s.seed = id;
                if caller_turns {
                    self.callers.insert(id);
                }
                let h = desk.arrive(now, s, self);
                self.handles.insert(id, h);
            }
            Cmd::Message(id) => {
                if let Some(&h) = self.handles.get(&id) {
                    desk.message(now, h, self);
                }
            }
            Cmd::Leave(id) => {
                if let Some(&h) = self.handles.get(&id) {
                    if self.callers.contains(&id) {
                        desk.leave(now, h, self);
                    } else {
                        desk.gives_up(now, h, self);
                    }
                }
            }
        }
    }
    fn show(&mut self, _now: SimTime, key: u32, desk: &Desk) {
        match self.shows.remove(&key) {
            Some(Shown::Reply { id, by_bot, group }) => {
                // The desk's state when the reply reaches the shopper says
                // what comes next: the bot's later turns and conversations
                // a reply ends were decided when it was written.
                let next = match self.handles.get(&id).and_then(|&h| desk.awaits_shopper(h)) {
                    Some(true) => Next::Shopper,
                    Some(false) => Next::Desk,
                    None => Next::Closed,
                };
                self.outlet.reply(
                    id,
                    Answer {
                        by_bot,
                        group,
                        next,
                    },
                );
            }
            Some(Shown::Joined(id, group)) => self.outlet.joined(id, group),
            Some(Shown::Closed(id)) => {
                self.handles.remove(&id);
                self.callers.remove(&id);
                self.outlet.closed(id);
            }
            None => {}
        }
    }
}

/// Runs the desk of `sc` on the wall clock `base` until `stop` is set or
/// every sender is gone; returns how late its events fired.
pub fn run(
    sc: &Scenario,
    rx: Receiver<Cmd>,
    base: Timebase,
    outlet: &dyn Outlet,
    stop: &AtomicBool,
) -> Lateness {
    let mut desk = Desk::new(sc);
    let mut world = Served {
        sc,
        calendar: Calendar::default(),
        outlet,
        sampler: ShopperSampler::new(sc, 0),
        handles: HashMap::new(),
        callers: HashSet::new(),
        group_of: HashMap::new(),
        shows: HashMap::new(),
        next_show: 0,
    };
    event_loop::staff(sc, base.from, &mut desk, &mut world);
    let mut clock = Wall::new(base, rx, stop);
    // A served desk runs until it is stopped, past the profile's horizon.
    event_loop::run(sc, SimTime::MAX, &mut desk, &mut world, &mut clock);
    clock.lateness()
}
