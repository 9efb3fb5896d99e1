//! Routing and staffing: who waits where, which group takes a waiting
//! shopper, standby call-outs and headcount changes. Part of the desk's
//! state machine, kept apart from the conversation flow in `mod.rs`.

use super::{Desk, Handle, Sink, State, Timer, stretch};
use crate::profile::desk::{FirstResponse, GroupPick};
use crate::time::SimTime;

impl Desk<'_> {
    /// The shopper starts waiting for a human.
    pub(super) fn queue_for_human(&mut self, now: SimTime, slot: u32, sink: &mut impl Sink) {
        let skill = self.skill(slot);
        let exclusive = self.exclusive(slot);
        let s = &mut self.slots[slot as usize];
        s.queued_at = now;
        s.message_at = now;
        let (generation, sh, class) = (s.generation, s.shopper, s.shopper.class());
        // A home group with room takes the shopper at once.
        if let Some(g) = self.pick_group(&self.home[skill], exclusive) {
            self.take(now, slot, g, sink);
            return;
        }
        self.slots[slot as usize].state = State::Waiting;
        self.queues[skill].push(class, exclusive, (slot, generation, now));
        self.queue_moves(skill, true);
        sink.waiting(Handle { slot, generation }, &sh, now);
        if !self.overflow[skill].is_empty() {
            sink.schedule(
                now + self.sc.overflow_after,
                Timer::Overflow(slot, generation),
            );
        }
        self.call_standby(now, skill, sink);
    }

    /// Which of `groups` (in profile order) takes a shopper now, by the
    /// profile's `routing.group_pick`; `None` when none has room.
    #[inline]
    pub(super) fn pick_group(&self, groups: &[usize], exclusive: bool) -> Option<usize> {
        if let [g] = *groups {
            return self.groups[g].agents.can_take(exclusive).then_some(g);
        }
        let mut open = groups
            .iter()
            .copied()
            .filter(|&g| self.groups[g].agents.can_take(exclusive));
        match self.sc.routing.group_pick {
            GroupPick::ProfileOrder => open.next(),
            GroupPick::EmptiestAgent => open.min_by_key(|&g| {
                self.groups[g]
                    .agents
                    .best_load(exclusive)
                    .unwrap_or(u32::MAX)
            }),
            GroupPick::LeastOccupied => open.reduce(|best, g| {
                let occupancy = |g: usize| self.groups[g].agents.occupancy().unwrap_or((1, 1));
                let ((u, c), (bu, bc)) = (occupancy(g), occupancy(best));
                if u * bc < bu * c { g } else { best }
            }),
        }
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
        let agent = self
            .agents_mut(g)
            .take(exclusive)
            .expect("the caller checked for room");
        let load = self.groups[g].agents.chats_of(agent);
        let sc = self.sc;
        let s = &mut self.slots[slot as usize];
        s.state = State::Agent;
        (s.group, s.agent, s.taken_at) = (g as u16, agent, now);
        let h = Handle {
            slot,
            generation: s.generation,
        };
        sink.taken(h, &s.shopper, g, now);
        if s.handed_off || s.bot_turns > 0 {
            s.turns_left = s.turns_left.saturating_sub(s.bot_turns).max(1);
        }
        if sc.first_response == FirstResponse::OnTake {
            self.human_first(now, slot, sink);
            self.slots[slot as usize].take_answered = true;
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

    pub(super) fn leave_queue(&mut self, slot: u32, sink: &mut impl Sink) {
        sink.stops_waiting(self.handle(slot));
        let skill = self.skill(slot);
        self.queues[skill].waiting -= 1;
        self.queue_moves(skill, false);
    }

    /// A group's scheduled headcount changes.
    pub fn set_staff(&mut self, now: SimTime, g: usize, agents: u32, sink: &mut impl Sink) {
        self.groups[g].scheduled = agents;
        self.apply_headcount(now, g, sink);
    }

    pub(super) fn apply_headcount(&mut self, now: SimTime, g: usize, sink: &mut impl Sink) {
        let grp = &self.groups[g];
        let standby = if grp.standby_on {
            self.sc.groups[g].standby.map_or(0, |s| s.agents)
        } else {
            0
        };
        let headcount = grp.scheduled + standby;
        self.agents_mut(g).set_headcount(headcount);
        self.fill(now, g, sink);
    }

    /// Seats waiting shoppers while group `g` has room: the best class first,
    /// then the longest waiting among those an agent of `g` can seat now
    /// (a phone call needs an idle agent, so chats behind it are not held
    /// back); overflow skills only after the delay.
    pub(super) fn fill(&mut self, now: SimTime, g: usize, sink: &mut impl Sink) {
        while let Some((skill, class, exclusive, slot)) = self.best_waiting(now, g) {
            self.queues[skill].pop(class, exclusive);
            self.leave_queue(slot, sink);
            self.take(now, slot, g, sink);
        }
    }

    /// The waiting shopper group `g` would take next: `(skill, class,
    /// exclusive, slot)`. Each skill and class keeps chats and exclusive
    /// calls in two arrival-ordered lines; a line's head is a candidate
    /// when `g` can seat it, and the best class, then the earliest queued,
    /// wins (ties to the skill's order in the group, chats first).
    fn best_waiting(&mut self, now: SimTime, g: usize) -> Option<(usize, usize, bool, u32)> {
        let agents = &self.groups[g].agents;
        let (chat_room, call_room) = (agents.can_take(false), agents.can_take(true));
        if !chat_room {
            return None;
        }
        let plan = &self.sc.groups[g];
        let delay = self.sc.overflow_after;
        let skills = plan
            .skills
            .iter()
            .map(|&s| (s, plan.overflow_role))
            .chain(plan.overflow_skills.iter().map(|&s| (s, true)));
        let mut best: Option<(usize, SimTime, usize, bool, u32)> = None;
        for (skill, delayed) in skills {
            if self.queues[skill].waiting == 0 {
                continue;
            }
            for (class, exclusive) in self.queues[skill].lines_in_use() {
                if best.is_some_and(|b| b.0 < class) {
                    break;
                }
                if exclusive && !call_room {
                    continue;
                }
                let slots = &self.slots;
                let head = self.queues[skill].head(class, exclusive, |&(slot, generation, _)| {
                    let s = &slots[slot as usize];
                    s.generation == generation && s.state == State::Waiting
                });
                let Some((slot, _, queued)) = head else {
                    continue;
                };
                if delayed && now < queued + delay {
                    continue;
                }
                if best.is_none_or(|b| (class, queued) < (b.0, b.1)) {
                    best = Some((class, queued, skill, exclusive, slot));
                }
            }
        }
        best.map(|(class, _, skill, exclusive, slot)| (skill, class, exclusive, slot))
    }
}
