//! Routing and staffing: who waits where, which group takes a waiting
//! shopper, standby call-outs and headcount changes. Part of the desk's
//! state machine, kept apart from the conversation flow in `mod.rs`.

use super::queues::CLASSES;
use super::{Desk, Sink, State, Timer, stretch};
use crate::profile::desk::FirstResponse;
use crate::time::SimTime;

impl Desk<'_> {
    /// The shopper starts waiting for a human.
    pub(super) fn queue_for_human(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        let skill = self.skill(slot);
        let exclusive = self.exclusive(slot);
        let s = &mut self.slots[slot as usize];
        s.queued_at = now;
        s.message_at = now;
        let (generation, patience, class) = (s.generation, s.shopper.patience, s.shopper.class());
        // A home group with room takes the shopper at once, least loaded first.
        let best = self.home[skill]
            .iter()
            .filter_map(|&g| self.groups[g].agents.best_load(exclusive).map(|l| (l, g)))
            .min();
        if let Some((_, g)) = best {
            self.take(now, slot, g, sink);
            return;
        }
        self.slots[slot as usize].state = State::Waiting;
        self.queues[skill].push(class, (slot, generation, now));
        self.queue_by_group[self.owner[skill]] += 1;
        if patience != SimTime::MAX {
            sink.schedule(
                now.saturating_add(patience),
                Timer::Abandon(slot, generation),
            );
        }
        if !self.overflow[skill].is_empty() {
            sink.schedule(
                now + self.sc.overflow_after,
                Timer::Overflow(slot, generation),
            );
        }
        self.call_standby(now, skill, sink);
    }

    /// Calls standby agents of groups serving `skill` whose queue is too long.
    pub(super) fn call_standby(&mut self, now: SimTime, skill: usize, sink: &mut impl Sink) {
        for g in self.home[skill]
            .iter()
            .chain(&self.overflow[skill])
            .copied()
        {
            let Some(sb) = self.sc.groups[g].standby else {
                continue;
            };
            let grp = &self.groups[g];
            if grp.standby_on || grp.standby_called {
                continue;
            }
            let plan = &self.sc.groups[g];
            let waiting: u32 = plan
                .skills
                .iter()
                .chain(&plan.overflow_skills)
                .map(|&s| self.queues[s].waiting)
                .sum();
            if waiting > sb.threshold {
                self.groups[g].standby_called = true;
                sink.schedule(now + sb.login, Timer::StandbyIn(g as u16));
            }
        }
    }

    /// An agent of group `g` takes the shopper in `slot`.
    pub(super) fn take(&mut self, now: SimTime, slot: u32, g: usize, sink: &mut impl Sink) {
        let exclusive = self.exclusive(slot);
        let agent = self.groups[g]
            .agents
            .take(exclusive)
            .expect("the caller checked for room");
        let load = self.groups[g].agents.chats_of(agent);
        let sc = self.sc;
        let s = &mut self.slots[slot as usize];
        s.state = State::Agent;
        (s.group, s.agent, s.taken_at) = (g as u16, agent, now);
        sink.taken(&s.shopper, g, now);
        if s.handed_off || s.bot_turns > 0 {
            s.turns_left = s.turns_left.saturating_sub(s.bot_turns).max(1);
        }
        if sc.first_response == FirstResponse::OnTake {
            self.human_first(now, slot, sink);
        }
        let s = &mut self.slots[slot as usize];
        let reply = if s.first_reply_used {
            self.sc.questions[s.shopper.question as usize]
                .reply
                .sample(s.rng())
        } else {
            s.first_reply_used = true;
            s.shopper.first_reply
        };
        let at = now + stretch(reply, load, sc.concurrency_slowdown);
        sink.schedule(at, Timer::Reply(slot, s.generation));
    }

    /// The first human response reaches the shopper.
    pub(super) fn human_first(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        let s = &mut self.slots[slot as usize];
        s.human_responded = true;
        let sh = s.shopper;
        let response = now - s.message_at;
        s.response_sum += response;
        s.responses += 1;
        sink.message(&sh, response);
        sink.human_response(&sh, s.group as usize, now - s.queued_at);
        if !s.responded {
            s.responded = true;
            sink.first_response(&sh, now, false);
        }
    }

    pub(super) fn leave_queue(&mut self, slot: u32) {
        let skill = self.skill(slot);
        self.queues[skill].waiting -= 1;
        self.queue_by_group[self.owner[skill]] -= 1;
    }

    /// A group's scheduled headcount changes.
    pub fn set_staff(&mut self, now: SimTime, g: usize, agents: u32, sink: &mut impl Sink) {
        self.groups[g].scheduled = agents;
        self.apply_headcount(now, g, sink);
    }

    pub(super) fn apply_headcount(&mut self, now: SimTime, g: usize, sink: &mut impl Sink) {
        let grp = &mut self.groups[g];
        let standby = if grp.standby_on {
            self.sc.groups[g].standby.map_or(0, |s| s.agents)
        } else {
            0
        };
        grp.agents.set_headcount(grp.scheduled + standby);
        self.fill(now, g, sink);
    }

    /// Seats waiting shoppers while group `g` has room: the best class first,
    /// then the longest waiting; overflow skills only after the delay.
    pub(super) fn fill(&mut self, now: SimTime, g: usize, sink: &mut impl Sink) {
        let plan = &self.sc.groups[g];
        let delay = self.sc.overflow_after;
        loop {
            if !self.groups[g].agents.can_take(false) {
                return;
            }
            let mut best: Option<(usize, SimTime, usize, u32)> = None;
            let skills = plan
                .skills
                .iter()
                .map(|&s| (s, plan.overflow_role))
                .chain(plan.overflow_skills.iter().map(|&s| (s, true)));
            for (skill, delayed) in skills {
                if self.queues[skill].waiting == 0 {
                    continue;
                }
                for class in 0..CLASSES {
                    if best.is_some_and(|b| b.0 < class) {
                        break;
                    }
                    let slots = &self.slots;
                    let head = self.queues[skill].head(class, |&(slot, generation, _)| {
                        let s = &slots[slot as usize];
                        s.generation == generation && s.state == State::Waiting
                    });
                    let Some((slot, _, queued)) = head else {
                        continue;
                    };
                    if delayed && now < queued + delay {
                        continue;
                    }
                    if !self.sc.channels[self.slots[slot as usize].shopper.channel as usize]
                        .concurrent
                        && !self.groups[g].agents.can_take(true)
                    {
                        continue;
                    }
                    if best.is_none_or(|b| (class, queued) < (b.0, b.1)) {
                        best = Some((class, queued, skill, slot));
                    }
                }
            }
            let Some((class, _, skill, slot)) = best else {
                return;
            };
            self.queues[skill].pop(class);
            self.leave_queue(slot);
            self.take(now, slot, g, sink);
        }
    }
}
