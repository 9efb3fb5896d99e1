//! The desk model on the wall clock: one thread owns a `desk::Desk` (the
//! state machine `simulate` runs) and a calendar of its timers, fires each
//! at its scenario time as the wall clock (times `speed`) reaches it, and
//! takes conversations and departures from a channel. What the desk does
//! to a conversation goes to an [`Outlet`]: `serve` shows replies to its
//! HTTP callers; the django-helpdesk adapter's virtual agents claim
//! tickets and post follow-ups.
//!
//! The callers are the shoppers: their patience is theirs (the desk's is
//! off, a departure arrives as a command) and so are retrials.

use super::clock::Clock;
use crate::demand::{Arrival, Shopper, ShopperSampler};
use crate::desk::{Desk, Ending, Sink, Timer};
use crate::engine::calendar::Calendar;
use crate::profile::Scenario;
use crate::time::SimTime;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Where the desk's actions on conversations go (ids are the callers').
pub trait Outlet {
    /// An agent of `group` took conversation `id`.
    fn taken(&self, _id: u64, _group: usize) {}
    /// The first reply to conversation `id`, from the bot or an agent of
    /// `group`.
    fn reply(&self, id: u64, by_bot: bool, group: Option<usize>);
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
    },
    /// The shopper of conversation `id` left.
    Leave(u64),
}

enum Ev {
    Staffing(u16),
    Desk(Timer),
    Reply {
        id: u64,
        by_bot: bool,
        group: Option<usize>,
    },
    Close(u64),
}

struct WallSink<'a> {
    cal: &'a mut Calendar<Ev>,
    group_of: &'a mut HashMap<u64, usize>,
    outlet: &'a dyn Outlet,
}

impl Sink for WallSink<'_> {
    fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.cal.schedule(at, Ev::Desk(timer));
    }
    fn first_response(&mut self, s: &Shopper, now: SimTime, by_bot: bool) {
        // The bot's turns are played out in advance: its reply is due
        // later, so every reply goes through the calendar.
        let group = self.group_of.remove(&s.seed);
        self.cal.schedule(
            now,
            Ev::Reply {
                id: s.seed,
                by_bot,
                group,
            },
        );
    }
    fn human_response(&mut self, s: &Shopper, group: usize, _wait: SimTime) {
        self.group_of.insert(s.seed, group);
    }
    fn message(&mut self, _s: &Shopper, _response: SimTime) {}
    fn handed_off(&mut self, _s: &Shopper) {}
    fn taken(&mut self, s: &Shopper, group: usize, _now: SimTime) {
        self.outlet.taken(s.seed, group);
    }
    fn abandoned(&mut self, s: &Shopper, now: SimTime, _had_response: bool) {
        self.cal.schedule(now, Ev::Close(s.seed));
    }
    fn resolved(&mut self, s: &Shopper, now: SimTime, _group: Option<usize>, _e: Ending) {
        self.cal.schedule(now, Ev::Close(s.seed));
    }
    fn retried(&mut self, _s: &mut Shopper, _now: SimTime) {}
}

/// Runs the desk of `sc` on `clock` until `stop` is set or every sender
/// is gone.
pub fn run(sc: &Scenario, rx: Receiver<Cmd>, clock: Clock, outlet: &dyn Outlet, stop: &AtomicBool) {
    let from = clock.from;
    let sim_now = || clock.now();
    let wall = |t: SimTime| clock.wall(t);
    let mut desk = Desk::new(sc);
    let mut cal: Calendar<Ev> = Calendar::default();
    let mut group_of = HashMap::new();
    let mut slots: HashMap<u64, (u32, u32)> = HashMap::new();
    let mut sampler = ShopperSampler::new(sc, 0);
    for (g, plan) in sc.groups.iter().enumerate() {
        let mut sink = WallSink {
            cal: &mut cal,
            group_of: &mut group_of,
            outlet,
        };
        desk.set_staff(from, g, plan.staff_at(from), &mut sink);
        if let Some(t) = plan.next_change(from) {
            cal.schedule(t, Ev::Staffing(g as u16));
        }
    }
    while !stop.load(Ordering::Relaxed) {
        // Fire what is due, each at its own scenario time.
        let now = sim_now();
        while cal.peek_time().is_some_and(|t| t <= now) {
            let (t, ev) = cal.pop().expect("peeked");
            let mut sink = WallSink {
                cal: &mut cal,
                group_of: &mut group_of,
                outlet,
            };
            match ev {
                Ev::Staffing(g) => {
                    let plan = &sc.groups[g as usize];
                    desk.set_staff(t, g as usize, plan.staff_at(t), &mut sink);
                    if let Some(next) = plan.next_change(t) {
                        sink.cal.schedule(next, Ev::Staffing(g));
                    }
                }
                Ev::Desk(timer) => desk.fire(t, timer, &mut sink),
                Ev::Reply { id, by_bot, group } => outlet.reply(id, by_bot, group),
                Ev::Close(id) => {
                    slots.remove(&id);
                    outlet.closed(id);
                }
            }
        }
        let wait = cal
            .peek_time()
            .map_or(Duration::from_millis(100), |t| {
                wall(t).saturating_duration_since(Instant::now())
            })
            .min(Duration::from_millis(100));
        let cmd = match rx.recv_timeout(wait) {
            Ok(cmd) => cmd,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let now = sim_now();
        let mut sink = WallSink {
            cal: &mut cal,
            group_of: &mut group_of,
            outlet,
        };
        match cmd {
            Cmd::Open { id, parts } => {
                let drawn = match sampler.next(now, None) {
                    Arrival::Desk(s) | Arrival::Deflected(s) => s,
                };
                let mut s = match parts {
                    [None, None, None] => drawn,
                    [seg, q, ch] => sampler.build(
                        now,
                        seg.unwrap_or(drawn.segment as usize),
                        q.unwrap_or(drawn.question as usize),
                        ch.unwrap_or(drawn.channel as usize),
                        false,
                    ),
                };
                s.patience = SimTime::MAX;
                s.seed = id;
                let slot = desk.arrive(now, s, &mut sink);
                slots.insert(id, slot);
            }
            Cmd::Leave(id) => {
                if let Some(&(slot, generation)) = slots.get(&id) {
                    desk.fire(now, Timer::Abandon(slot, generation), &mut sink);
                }
            }
        }
    }
}
