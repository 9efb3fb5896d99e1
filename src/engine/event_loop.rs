//! The one event loop: a calendar of events in (time, sequence) order, a
//! desk, a clock to wait on, and a world around the desk (who plays the
//! shoppers, where outcomes go). `simulate` runs it on the virtual clock
//! with modelled shoppers and a recorder (`engine::simulation`); `serve`
//! and the django-helpdesk adapter's virtual agents run it on the wall
//! clock with callers as the shoppers (`drive::wall_desk`).

use super::calendar::Calendar;
use super::clock::{Clock, Wake};
use crate::desk::{Desk, Handle, Sink, Timer};
use crate::profile::Scenario;
use crate::time::SimTime;

/// A modelled shopper's next step.
#[derive(Debug, Clone, Copy)]
pub enum Turn {
    /// Writes the next message.
    Writes(Handle),
    /// Runs out of patience.
    GivesUp(Handle),
    /// Tries again after giving up.
    ComesBack(Handle),
}

/// What the calendar holds.
#[derive(Debug, Clone, Copy)]
pub enum Event {
    /// The next modelled shopper arrives.
    Arrival,
    /// The next proactive invitation goes out.
    Invitation,
    /// A group's headcount changes.
    Staffing(u16),
    /// A desk timer.
    Desk(Timer),
    /// A modelled shopper acts.
    Shopper(Turn),
    /// Something the world shows callers at this time (its own key).
    Show(u32),
}

/// Everything around the desk: it takes the desk's reactions (as its
/// [`Sink`]) and owns the calendar they go to.
pub trait World: Sink {
    /// What callers send on the clock this world runs on.
    type Input;
    /// The calendar.
    fn calendar(&mut self) -> &mut Calendar<Event>;
    /// Time moves to `now` (before the event there fires).
    #[inline]
    fn advance(&mut self, _now: SimTime, _desk: &mut Desk) {}
    /// A modelled shopper arrives (`invited`: by a proactive invitation).
    fn arrival(&mut self, _now: SimTime, _invited: bool, _desk: &mut Desk) {}
    /// A caller's input.
    fn input(&mut self, _now: SimTime, _input: Self::Input, _desk: &mut Desk) {}
    /// Show callers what was due at `now` under `key` (the desk as it is
    /// then).
    fn show(&mut self, _now: SimTime, _key: u32, _desk: &Desk) {}
}

/// Staffs every group of `sc` at `start` and schedules their next changes.
pub fn staff<W: World>(sc: &Scenario, start: SimTime, desk: &mut Desk, world: &mut W) {
    for (g, plan) in sc.groups.iter().enumerate() {
        desk.set_staff(start, g, plan.staff_at(start), world);
        if let Some(t) = plan.next_change(start) {
            world.calendar().schedule(t, Event::Staffing(g as u16));
        }
    }
}

/// Runs events until `until` (exclusive; the first event at or after it
/// stays on the calendar, so a run can go on from there), the calendar
/// runs dry, or the clock says stop.
#[inline]
pub fn run<C: Clock, W: World<Input = C::Input>>(
    sc: &Scenario,
    until: SimTime,
    desk: &mut Desk,
    world: &mut W,
    clock: &mut C,
) {
    loop {
        let next = world.calendar().peek_time();
        match clock.wait(next) {
            Wake::Stop => return,
            Wake::Input(input) => world.input(clock.now(), input, desk),
            Wake::Due => {
                // The event at `until` stays on the calendar for the next run.
                if next.is_none_or(|t| t >= until) {
                    return;
                }
                let Some((now, event)) = world.calendar().pop() else {
                    return;
                };
                // A timer whose conversation moved on changes nothing: the
                // world need not even move its time (integrals split at any
                // instant sum to the same integers).
                if let Event::Desk(timer) = event
                    && desk.stale(timer)
                {
                    continue;
                }
                world.advance(now, desk);
                fire(sc, now, event, desk, world);
            }
        }
    }
}

#[inline(always)]
fn fire<W: World>(sc: &Scenario, now: SimTime, event: Event, desk: &mut Desk, world: &mut W) {
    match event {
        Event::Arrival => world.arrival(now, false, desk),
        Event::Invitation => world.arrival(now, true, desk),
        Event::Desk(timer) => desk.fire(now, timer, world),
        Event::Shopper(Turn::Writes(h)) => desk.message(now, h, world),
        Event::Shopper(Turn::GivesUp(h)) => desk.gives_up(now, h, world),
        Event::Shopper(Turn::ComesBack(h)) => desk.come_back(now, h, world),
        Event::Staffing(g) => {
            let plan = &sc.groups[g as usize];
            desk.set_staff(now, g as usize, plan.staff_at(now), world);
            if let Some(t) = plan.next_change(now) {
                world.calendar().schedule(t, Event::Staffing(g));
            }
        }
        Event::Show(key) => world.show(now, key, desk),
    }
}
