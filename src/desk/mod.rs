//! The desk: agent groups, their queues and their staffing, as a state
//! machine that reacts to events and knows no clock.
//!
//! The caller (the virtual-clock engine, or a wall-clock runner) tells the
//! desk what happened and when; the desk answers through a [`Sink`]: timers
//! to schedule, shoppers answered, shoppers who gave up. Timers are never
//! removed: each carries the slot's generation, and a timer whose shopper
//! has moved on is ignored when it fires (lazy cancellation).

use crate::demand::Shopper;
use crate::time::SimTime;
use std::collections::VecDeque;

/// A timer the desk asks its caller to fire later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// The shopper in `slot` runs out of patience.
    Abandon {
        /// Slot of the shopper.
        slot: u32,
        /// Generation of the slot when scheduled.
        generation: u32,
    },
    /// The agent serving the shopper in `slot` finishes.
    Finish {
        /// Slot of the shopper.
        slot: u32,
        /// Generation of the slot when scheduled.
        generation: u32,
    },
}

/// Where the desk's reactions go.
pub trait Sink {
    /// Fire `timer` at `at`.
    fn schedule(&mut self, at: SimTime, timer: Timer);
    /// An agent took `shopper` at `now` (the first response).
    fn answered(&mut self, shopper: &Shopper, now: SimTime);
    /// `shopper` gave up at `now` without a response.
    fn abandoned(&mut self, shopper: &Shopper, now: SimTime);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Free,
    Waiting,
    InService,
}

struct Slot {
    shopper: Shopper,
    generation: u32,
    state: State,
}

#[derive(Default)]
struct Group {
    staffed: u32,
    busy: u32,
    waiting: u32,
    queue: VecDeque<(u32, u32)>,
}

/// Totals the recorder integrates over time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Levels {
    /// Shoppers waiting for a first response.
    pub queue: u32,
    /// Agents serving a shopper.
    pub busy: u32,
    /// Agents on shift.
    pub staffed: u32,
}

/// The state of every group and every shopper in the system.
pub struct Desk {
    slots: Vec<Slot>,
    free: Vec<u32>,
    groups: Vec<Group>,
    levels: Levels,
}

impl Desk {
    /// An empty desk with `groups` groups and nobody on shift.
    pub fn new(groups: usize) -> Desk {
        Desk {
            slots: Vec::with_capacity(1024),
            free: Vec::new(),
            groups: (0..groups).map(|_| Group::default()).collect(),
            levels: Levels::default(),
        }
    }

    /// Current totals across groups.
    #[inline]
    pub fn levels(&self) -> Levels {
        self.levels
    }

    /// A shopper arrives.
    pub fn arrive(&mut self, now: SimTime, shopper: Shopper, sink: &mut impl Sink) {
        let slot = match self.free.pop() {
            Some(i) => {
                let s = &mut self.slots[i as usize];
                s.shopper = shopper;
                s.state = State::Waiting;
                i
            }
            None => {
                self.slots.push(Slot {
                    shopper,
                    generation: 0,
                    state: State::Waiting,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let g = &mut self.groups[shopper.group as usize];
        if g.busy < g.staffed {
            self.start(now, slot, sink);
            return;
        }
        let generation = self.slots[slot as usize].generation;
        g.queue.push_back((slot, generation));
        g.waiting += 1;
        self.levels.queue += 1;
        if shopper.patience != SimTime::MAX {
            sink.schedule(
                now.saturating_add(shopper.patience),
                Timer::Abandon { slot, generation },
            );
        }
    }

    /// A timer fires.
    pub fn fire(&mut self, now: SimTime, timer: Timer, sink: &mut impl Sink) {
        match timer {
            Timer::Abandon { slot, generation } => {
                let s = &self.slots[slot as usize];
                if s.generation != generation || s.state != State::Waiting {
                    return; // answered before running out of patience
                }
                let shopper = s.shopper;
                let g = &mut self.groups[shopper.group as usize];
                g.waiting -= 1;
                self.levels.queue -= 1;
                self.release(slot);
                sink.abandoned(&shopper, now);
            }
            Timer::Finish { slot, generation } => {
                debug_assert_eq!(self.slots[slot as usize].generation, generation);
                let group = self.slots[slot as usize].shopper.group as usize;
                self.groups[group].busy -= 1;
                self.levels.busy -= 1;
                self.release(slot);
                self.fill(now, group, sink);
            }
        }
    }

    /// A group's headcount changes. Agents above the new headcount finish
    /// their current conversation before they leave.
    pub fn set_staff(&mut self, now: SimTime, group: usize, agents: u32, sink: &mut impl Sink) {
        let g = &mut self.groups[group];
        self.levels.staffed = self.levels.staffed - g.staffed + agents;
        g.staffed = agents;
        self.fill(now, group, sink);
    }

    /// Shoppers still waiting for a first response.
    pub fn waiting(&self) -> impl Iterator<Item = &Shopper> {
        self.slots
            .iter()
            .filter(|s| s.state == State::Waiting)
            .map(|s| &s.shopper)
    }

    fn release(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        s.state = State::Free;
        s.generation = s.generation.wrapping_add(1);
        self.free.push(slot);
    }

    /// Seats waiting shoppers while the group has free agents.
    fn fill(&mut self, now: SimTime, group: usize, sink: &mut impl Sink) {
        loop {
            let g = &mut self.groups[group];
            if g.busy >= g.staffed || g.waiting == 0 {
                return;
            }
            let (slot, generation) = g
                .queue
                .pop_front()
                .expect("waiting > 0 implies a queued entry");
            let s = &self.slots[slot as usize];
            if s.generation != generation || s.state != State::Waiting {
                continue; // gave up earlier; its entry was left behind
            }
            g.waiting -= 1;
            self.levels.queue -= 1;
            self.start(now, slot, sink);
        }
    }

    fn start(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        let s = &mut self.slots[slot as usize];
        s.state = State::InService;
        let shopper = s.shopper;
        let generation = s.generation;
        self.groups[shopper.group as usize].busy += 1;
        self.levels.busy += 1;
        sink.answered(&shopper, now);
        sink.schedule(
            now.saturating_add(shopper.handle),
            Timer::Finish { slot, generation },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Trace {
        timers: Vec<(SimTime, Timer)>,
        log: Vec<String>,
    }

    impl Sink for Trace {
        fn schedule(&mut self, at: SimTime, timer: Timer) {
            self.timers.push((at, timer));
        }
        fn answered(&mut self, s: &Shopper, now: SimTime) {
            self.log.push(format!("answered {} at {now}", s.arrival));
        }
        fn abandoned(&mut self, s: &Shopper, now: SimTime) {
            self.log.push(format!("abandoned {} at {now}", s.arrival));
        }
    }

    fn shopper(arrival: SimTime, handle: SimTime, patience: SimTime) -> Shopper {
        Shopper {
            arrival,
            handle,
            patience,
            group: 0,
            counted: true,
            row: 0,
        }
    }

    #[test]
    fn first_come_first_served_with_lazy_abandonment() {
        let mut desk = Desk::new(1);
        let mut t = Trace::default();
        desk.set_staff(0, 0, 1, &mut t);
        desk.arrive(0, shopper(0, 10, 100), &mut t); // served at once
        desk.arrive(1, shopper(1, 10, 5), &mut t); // waits, patience 5
        desk.arrive(2, shopper(2, 10, 100), &mut t); // waits
        assert_eq!(
            desk.levels(),
            Levels {
                queue: 2,
                busy: 1,
                staffed: 1
            }
        );
        let abandon_1 = t.timers[1].1;
        desk.fire(6, abandon_1, &mut t); // shopper 1 leaves at 6
        let finish_0 = t.timers[0].1;
        desk.fire(10, finish_0, &mut t); // agent frees: shopper 2 is next
        let abandon_2 = t.timers[2].1;
        desk.fire(102, abandon_2, &mut t); // stale: shopper 2 was answered
        assert_eq!(
            t.log,
            ["answered 0 at 0", "abandoned 1 at 6", "answered 2 at 10"]
        );
        assert_eq!(
            desk.levels(),
            Levels {
                queue: 0,
                busy: 1,
                staffed: 1
            }
        );
    }

    #[test]
    fn agents_leaving_finish_their_conversation_first() {
        let mut desk = Desk::new(1);
        let mut t = Trace::default();
        desk.set_staff(0, 0, 2, &mut t);
        desk.arrive(0, shopper(0, 10, SimTime::MAX), &mut t);
        desk.arrive(0, shopper(0, 20, SimTime::MAX), &mut t);
        desk.set_staff(5, 0, 0, &mut t);
        assert_eq!(
            desk.levels(),
            Levels {
                queue: 0,
                busy: 2,
                staffed: 0
            }
        );
        desk.arrive(6, shopper(6, 1, SimTime::MAX), &mut t);
        let finish = t.timers[0].1;
        desk.fire(10, finish, &mut t);
        assert_eq!(
            desk.levels(),
            Levels {
                queue: 1,
                busy: 1,
                staffed: 0
            }
        );
        desk.set_staff(12, 0, 1, &mut t); // the other agent is still busy
        assert_eq!(
            desk.levels(),
            Levels {
                queue: 1,
                busy: 1,
                staffed: 1
            }
        );
        desk.set_staff(13, 0, 2, &mut t);
        assert_eq!(t.log.last().unwrap(), "answered 6 at 13");
    }
}
