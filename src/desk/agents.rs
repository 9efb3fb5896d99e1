//! The agents of one group: how many chats each has, who is leaving, and
//! which agent takes the next conversation (one of the least loaded; the
//! profile's `routing.agent_pick` says which among equals).
//!
//! Agents with free capacity sit in lists by their number of chats, in the
//! order they reached that load, so finding the least loaded agent, taking
//! and releasing a chat are all O(1) whatever the group's size, and both
//! ends of a list are at hand: its front has been at that load longest.

use crate::profile::desk::AgentPick;

const NONE: u32 = u32::MAX;

/// One agent's state, kept together (one cache line holds four agents).
#[derive(Debug, Clone, Copy)]
struct Agent {
    chats: u32,
    /// Neighbours in its load's list (when `listed`).
    prev: u32,
    next: u32,
    exclusive: bool,
    leaving: bool,
    present: bool,
    listed: bool,
}

/// Agents of one group.
#[derive(Debug, Clone)]
pub struct Agents {
    concurrency: u32,
    pick: AgentPick,
    agents: Vec<Agent>,
    /// Per load: the list's first and last agent.
    heads: Vec<u32>,
    tails: Vec<u32>,
    free_ids: Vec<u32>,
    active: u32,
    busy: u32,
    total_chats: u32,
    /// Chat slots held: a chat holds one, an exclusive call all of them.
    used: u32,
    /// Agents present (on shift, or leaving after their last chat).
    present_n: u32,
}

impl Agents {
    /// An empty group whose agents serve up to `concurrency` chats each.
    pub fn new(concurrency: u32, pick: AgentPick) -> Agents {
        let lists = concurrency as usize;
        Agents {
            concurrency,
            pick,
            agents: Vec::new(),
            heads: vec![NONE; lists],
            tails: vec![NONE; lists],
            free_ids: Vec::new(),
            active: 0,
            busy: 0,
            total_chats: 0,
            used: 0,
            present_n: 0,
        }
    }

    /// Agents on shift (not leaving).
    pub fn active(&self) -> u32 {
        self.active
    }

    /// Agents with at least one conversation (leaving ones included).
    pub fn busy(&self) -> u32 {
        self.busy
    }

    /// Conversations in progress.
    pub fn chats(&self) -> u32 {
        self.total_chats
    }

    /// Chats the agent has now.
    pub fn chats_of(&self, agent: u32) -> u32 {
        self.agents[agent as usize].chats
    }

    /// The share of the present agents' chat slots in use, as a fraction
    /// `(used, capacity)` (compare two by cross-multiplying); `None` when
    /// nobody is present.
    pub fn occupancy(&self) -> Option<(u64, u64)> {
        let cap = u64::from(self.present_n) * u64::from(self.concurrency);
        (cap > 0).then_some((u64::from(self.used), cap))
    }

    /// Appends the agent to its load's list (it reached that load now).
    fn list_push(&mut self, a: u32) {
        let k = self.agents[a as usize].chats as usize;
        let tail = self.tails[k];
        let ag = &mut self.agents[a as usize];
        (ag.prev, ag.next, ag.listed) = (tail, NONE, true);
        if tail == NONE {
            self.heads[k] = a;
        } else {
            self.agents[tail as usize].next = a;
        }
        self.tails[k] = a;
    }

    fn list_remove(&mut self, a: u32) {
        let ag = self.agents[a as usize];
        if !ag.listed {
            return;
        }
        let k = ag.chats as usize;
        if ag.prev == NONE {
            self.heads[k] = ag.next;
        } else {
            self.agents[ag.prev as usize].next = ag.next;
        }
        if ag.next == NONE {
            self.tails[k] = ag.prev;
        } else {
            self.agents[ag.next as usize].prev = ag.prev;
        }
        self.agents[a as usize].listed = false;
    }

    fn available(&self, a: u32) -> bool {
        let ag = &self.agents[a as usize];
        ag.present && !ag.leaving && !ag.exclusive && ag.chats < self.concurrency
    }

    /// A new agent id, present and idle.
    fn hire(&mut self) -> u32 {
        let idle = Agent {
            chats: 0,
            prev: NONE,
            next: NONE,
            exclusive: false,
            leaving: false,
            present: true,
            listed: false,
        };
        self.present_n += 1;
        match self.free_ids.pop() {
            Some(a) => {
                self.agents[a as usize] = idle;
                a
            }
            None => {
                self.agents.push(idle);
                (self.agents.len() - 1) as u32
            }
        }
    }

    /// An agent goes off shift for good.
    fn dismiss(&mut self, a: u32) {
        let ag = &mut self.agents[a as usize];
        (ag.present, ag.leaving) = (false, false);
        self.present_n -= 1;
        self.free_ids.push(a);
    }

    /// Sets the number of agents on shift. Idle agents leave at once; busy
    /// ones finish their conversations first and take no new ones.
    pub fn set_headcount(&mut self, n: u32) {
        // Agents on their way out come back first, lowest id first (one scan,
        // not one per agent added: headcounts reach the thousands).
        let mut returning: Vec<u32> = if self.active < n {
            (0..self.agents.len() as u32)
                .rev()
                .filter(|&a| {
                    let ag = &self.agents[a as usize];
                    ag.present && ag.leaving
                })
                .collect()
        } else {
            Vec::new()
        };
        while self.active < n {
            let a = match returning.pop() {
                Some(a) => {
                    self.agents[a as usize].leaving = false;
                    a
                }
                None => self.hire(),
            };
            if self.available(a) {
                self.list_push(a);
            }
            self.active += 1;
        }
        while self.active > n {
            self.active -= 1;
            // The most recently idle agent logs off; the longest idle stay
            // first in line.
            if self.tails[0] != NONE {
                let a = self.tails[0];
                self.list_remove(a);
                self.dismiss(a);
                continue;
            }
            // Everyone is busy: the least loaded agent stops taking chats.
            let a = self
                .tails
                .iter()
                .copied()
                .find(|&a| a != NONE)
                .or_else(|| {
                    (0..self.agents.len() as u32).find(|&a| {
                        let ag = &self.agents[a as usize];
                        ag.present && !ag.leaving
                    })
                })
                .expect("active > 0 means an agent is present");
            self.list_remove(a);
            self.agents[a as usize].leaving = true;
        }
    }

    /// Whether an agent can take a conversation (`exclusive`: needs an idle agent).
    pub fn can_take(&self, exclusive: bool) -> bool {
        self.best_load(exclusive).is_some()
    }

    /// The load (chats) of the agent who would take the next conversation.
    pub fn best_load(&self, exclusive: bool) -> Option<u32> {
        if exclusive {
            (self.heads[0] != NONE).then_some(0)
        } else {
            self.heads.iter().position(|&h| h != NONE).map(|k| k as u32)
        }
    }

    /// Gives a conversation to one of the least loaded agents (which one:
    /// the group's agent pick); returns the agent.
    pub fn take(&mut self, exclusive: bool) -> Option<u32> {
        let k = self.best_load(exclusive)? as usize;
        let a = match self.pick {
            AgentPick::LongestIdle => self.heads[k],
            AgentPick::LastFreed => self.tails[k],
        };
        self.list_remove(a);
        let ag = &mut self.agents[a as usize];
        if ag.chats == 0 {
            self.busy += 1;
        }
        ag.chats += 1;
        self.total_chats += 1;
        if exclusive {
            ag.exclusive = true;
            self.used += self.concurrency;
        } else {
            self.used += 1;
            if self.available(a) {
                self.list_push(a);
            }
        }
        Some(a)
    }

    /// An agent finishes a conversation.
    pub fn release(&mut self, a: u32) {
        self.list_remove(a);
        let ag = &mut self.agents[a as usize];
        self.used -= if ag.exclusive { self.concurrency } else { 1 };
        ag.chats -= 1;
        ag.exclusive = false;
        self.total_chats -= 1;
        if ag.chats == 0 {
            self.busy -= 1;
            if ag.leaving {
                self.dismiss(a);
                return;
            }
        }
        if self.available(a) {
            self.list_push(a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_loaded_agent_takes_the_next_chat() {
        let mut g = Agents::new(3, AgentPick::LongestIdle);
        g.set_headcount(2);
        let a = g.take(false).unwrap();
        let b = g.take(false).unwrap();
        assert_ne!(a, b, "the idle agent goes first");
        let c = g.take(false).unwrap();
        assert_eq!(g.chats_of(c), 2);
        assert_eq!((g.busy(), g.chats()), (2, 3));
        for _ in 0..3 {
            g.take(false).unwrap();
        }
        assert!(!g.can_take(false), "2 agents x 3 chats are full");
    }

    #[test]
    fn exclusive_conversations_need_an_idle_agent() {
        let mut g = Agents::new(3, AgentPick::LongestIdle);
        g.set_headcount(1);
        let a = g.take(false).unwrap();
        assert!(!g.can_take(true));
        g.release(a);
        let p = g.take(true).unwrap();
        assert!(!g.can_take(false), "a phone call fills the agent");
        g.release(p);
        assert!(g.can_take(false));
    }

    #[test]
    fn agents_leave_after_their_last_chat() {
        let mut g = Agents::new(2, AgentPick::LongestIdle);
        g.set_headcount(2);
        let a = g.take(false).unwrap();
        let b = g.take(false).unwrap();
        g.set_headcount(0);
        assert_eq!((g.active(), g.busy()), (0, 2));
        assert!(!g.can_take(false));
        g.release(a);
        g.release(b);
        assert_eq!(g.busy(), 0);
        g.set_headcount(1);
        assert!(g.take(false).is_some());
    }

    #[test]
    fn the_agent_pick_says_who_among_equally_loaded_agents_takes_the_chat() {
        for (pick, expected) in [(AgentPick::LongestIdle, 1), (AgentPick::LastFreed, 0)] {
            let mut g = Agents::new(1, pick);
            g.set_headcount(3);
            let taken: Vec<u32> = (0..3).map(|_| g.take(false).unwrap()).collect();
            g.release(taken[1]);
            g.release(taken[0]);
            assert_eq!(g.take(false), Some(taken[expected]), "{pick:?}");
        }
    }

    #[test]
    fn occupancy_counts_a_call_as_the_whole_agent() {
        let mut g = Agents::new(4, AgentPick::LongestIdle);
        g.set_headcount(2);
        g.take(false).unwrap();
        g.take(true).unwrap();
        assert_eq!(g.occupancy(), Some((5, 8)));
    }
}
