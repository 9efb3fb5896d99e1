//! The wall clock of the wall-clock modes: which scenario time a wall
//! instant is, and back, at a start time and a speed. `drive`'s runner,
//! the desk thread of `serve` and the virtual agents, and `serve`'s
//! `/health` (which tells a drive what time the served desk keeps) all read
//! scenario time through it.

use crate::time::SimTime;
use std::time::{Duration, Instant};

/// Maps wall instants to scenario time and back.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// The wall instant of scenario time `from`.
    pub start: Instant,
    /// Scenario time at `start`.
    pub from: SimTime,
    /// Scenario seconds per wall second.
    pub speed: f64,
}

impl Clock {
    /// A clock at scenario time `from` now, running `speed` times the wall.
    pub fn starting_now(from: SimTime, speed: f64) -> Clock {
        Clock {
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
