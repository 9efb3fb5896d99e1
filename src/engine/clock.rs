//! The clocks the event loop runs on. [`Virtual`] jumps from event to
//! event (`simulate`); [`Wall`] sleeps until an event's scenario time comes
//! round on the wall (times `speed`), takes callers' input meanwhile, and
//! reports how late it fired each event (`serve`, the virtual agents of the
//! django-helpdesk adapter). [`Timebase`] maps scenario time to wall
//! instants and back; `drive`'s runner and `serve`'s `/health` read
//! scenario time through it too.

use crate::time::SimTime;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Maps wall instants to scenario time and back.
#[derive(Debug, Clone, Copy)]
pub struct Timebase {
    /// The wall instant of scenario time `from`.
    pub start: Instant,
    /// Scenario time at `start`.
    pub from: SimTime,
    /// Scenario seconds per wall second.
    pub speed: f64,
}

impl Timebase {
    /// A clock at scenario time `from` now, running `speed` times the wall.
    pub fn starting_now(from: SimTime, speed: f64) -> Timebase {
        Timebase {
            start: Instant::now(),
            from,
            speed,
        }
    }

    /// The wall instant of scenario time `t` (not before `from`).
    pub fn wall(&self, t: SimTime) -> Instant {
        let dt = t.saturating_sub(self.from) as f64 / self.speed;
        self.start + Duration::from_micros(dt as u64)
    }

    /// The scenario time of a wall instant.
    pub fn sim(&self, at: Instant) -> SimTime {
        let dt = at.saturating_duration_since(self.start).as_micros() as f64;
        self.from + (dt * self.speed) as SimTime
    }

    /// The scenario time now.
    pub fn now(&self) -> SimTime {
        self.sim(Instant::now())
    }
}

/// Why the loop woke.
pub enum Wake<I> {
    /// The next event is due.
    Due,
    /// A caller's input arrived first.
    Input(I),
    /// Stop: no more events or input can come.
    Stop,
}

/// A clock the event loop waits on.
pub trait Clock {
    /// What callers send the loop (nothing, on the virtual clock).
    type Input;
    /// Waits until scenario time `next` (the next event's; `None`: none
    /// scheduled) or for input, whichever comes first.
    fn wait(&mut self, next: Option<SimTime>) -> Wake<Self::Input>;
    /// The scenario time of input that just arrived.
    fn now(&self) -> SimTime;
}

/// No input, ever (the virtual clock's).
pub enum NoInput {}

/// The virtual clock: the next event is always due at once.
pub struct Virtual;

impl Clock for Virtual {
    type Input = NoInput;
    #[inline(always)]
    fn wait(&mut self, _next: Option<SimTime>) -> Wake<NoInput> {
        Wake::Due
    }
    fn now(&self) -> SimTime {
        unreachable!("no input comes on the virtual clock")
    }
}

/// The wall clock, with callers' input on a channel.
pub struct Wall<'a, I> {
    /// Scenario time and wall instants.
    pub base: Timebase,
    input: Receiver<I>,
    stop: &'a AtomicBool,
    late: Lateness,
}

/// How late the wall clock fired events (their wall instant to firing).
#[derive(Debug, Clone, Copy, Default)]
pub struct Lateness {
    /// Events fired.
    pub events: u64,
    /// Events fired more than 1 ms late.
    pub over_1ms: u64,
    /// The latest, in microseconds.
    pub max_us: u64,
}

impl<'a, I> Wall<'a, I> {
    /// A wall clock on `base`, taking input from `input` until `stop` is
    /// set or every sender is gone.
    pub fn new(base: Timebase, input: Receiver<I>, stop: &'a AtomicBool) -> Wall<'a, I> {
        Wall {
            base,
            input,
            stop,
            late: Lateness::default(),
        }
    }

    /// How late events fired so far.
    pub fn lateness(&self) -> Lateness {
        self.late
    }
}

impl<I> Clock for Wall<'_, I> {
    type Input = I;
    fn wait(&mut self, next: Option<SimTime>) -> Wake<I> {
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Wake::Stop;
            }
            let now = Instant::now();
            let due = next.map(|t| self.base.wall(t));
            if let Some(due) = due.filter(|&d| d <= now) {
                let late = now.duration_since(due).as_micros() as u64;
                self.late.events += 1;
                self.late.over_1ms += u64::from(late > 1000);
                self.late.max_us = self.late.max_us.max(late);
                return Wake::Due;
            }
            // Wake at the next event, and at least every 100 ms to see `stop`.
            let wait = due
                .map_or(Duration::MAX, |d| d - now)
                .min(Duration::from_millis(100));
            match self.input.recv_timeout(wait) {
                Ok(input) => return Wake::Input(input),
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return Wake::Stop,
            }
        }
    }
    fn now(&self) -> SimTime {
        self.base.now()
    }
}
