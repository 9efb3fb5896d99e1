//! The agents of one group: how many chats each has, who is leaving, and
//! which agent takes the next conversation (the least loaded one).
//!
//! Agents with free capacity sit in buckets by their number of chats, so
//! finding the least loaded agent, taking and releasing a chat are all O(1)
//! whatever the group's size.

const NONE: u32 = u32::MAX;

/// Agents of one group.
#[derive(Debug, Clone)]
pub struct Agents {
    concurrency: u32,
    chats: Vec<u32>,
    exclusive: Vec<bool>,
    leaving: Vec<bool>,
    present: Vec<bool>,
    pos: Vec<u32>,
    buckets: Vec<Vec<u32>>,
    free_ids: Vec<u32>,
    active: u32,
    busy: u32,
    total_chats: u32,
}

impl Agents {
    /// An empty group whose agents serve up to `concurrency` chats each.
    pub fn new(concurrency: u32) -> Agents {
        Agents {
            concurrency,
            chats: Vec::new(),
            exclusive: Vec::new(),
            leaving: Vec::new(),
            present: Vec::new(),
            pos: Vec::new(),
            buckets: (0..concurrency).map(|_| Vec::new()).collect(),
            free_ids: Vec::new(),
            active: 0,
            busy: 0,
            total_chats: 0,
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
        self.chats[agent as usize]
    }

    fn bucket_insert(&mut self, a: u32) {
        let k = self.chats[a as usize] as usize;
        self.pos[a as usize] = self.buckets[k].len() as u32;
        self.buckets[k].push(a);
    }

    fn bucket_remove(&mut self, a: u32) {
        let p = self.pos[a as usize];
        if p == NONE {
            return;
        }
        let k = self.chats[a as usize] as usize;
        let bucket = &mut self.buckets[k];
        bucket.swap_remove(p as usize);
        if let Some(&moved) = bucket.get(p as usize) {
            self.pos[moved as usize] = p;
        }
        self.pos[a as usize] = NONE;
    }

    fn available(&self, a: u32) -> bool {
        let i = a as usize;
        self.present[i]
            && !self.leaving[i]
            && !self.exclusive[i]
            && self.chats[i] < self.concurrency
    }

    /// Sets the number of agents on shift. Idle agents leave at once; busy
    /// ones finish their conversations first and take no new ones.
    pub fn set_headcount(&mut self, n: u32) {
        // Agents on their way out come back first, lowest id first (one scan,
        // not one per agent added: headcounts reach the thousands).
        let mut returning: Vec<u32> = if self.active < n {
            (0..self.chats.len() as u32)
                .rev()
                .filter(|&a| self.present[a as usize] && self.leaving[a as usize])
                .collect()
        } else {
            Vec::new()
        };
        while self.active < n {
            if let Some(a) = returning.pop() {
                self.leaving[a as usize] = false;
                if self.available(a) {
                    self.bucket_insert(a);
                }
            } else {
                let a = match self.free_ids.pop() {
                    Some(a) => a,
                    None => {
                        for v in [&mut self.chats, &mut self.pos] {
                            v.push(0);
                        }
                        for v in [&mut self.exclusive, &mut self.leaving, &mut self.present] {
                            v.push(false);
                        }
                        (self.chats.len() - 1) as u32
                    }
                };
                let i = a as usize;
                (
                    self.chats[i],
                    self.exclusive[i],
                    self.leaving[i],
                    self.present[i],
                ) = (0, false, false, true);
                self.pos[i] = NONE;
                self.bucket_insert(a);
            }
            self.active += 1;
        }
        while self.active > n {
            self.active -= 1;
            if let Some(&a) = self.buckets[0].last() {
                self.bucket_remove(a);
                self.present[a as usize] = false;
                self.free_ids.push(a);
                continue;
            }
            // Everyone is busy: the least loaded agent stops taking chats.
            let a = self
                .buckets
                .iter()
                .find_map(|b| b.last().copied())
                .or_else(|| {
                    (0..self.chats.len() as u32)
                        .find(|&a| self.present[a as usize] && !self.leaving[a as usize])
                })
                .expect("active > 0 means an agent is present");
            self.bucket_remove(a);
            self.leaving[a as usize] = true;
        }
    }

    /// Whether an agent can take a conversation (`exclusive`: needs an idle agent).
    pub fn can_take(&self, exclusive: bool) -> bool {
        if exclusive {
            !self.buckets[0].is_empty()
        } else {
            self.buckets.iter().any(|b| !b.is_empty())
        }
    }

    /// The load (chats) of the agent who would take the next conversation.
    pub fn best_load(&self, exclusive: bool) -> Option<u32> {
        if exclusive {
            (!self.buckets[0].is_empty()).then_some(0)
        } else {
            self.buckets
                .iter()
                .position(|b| !b.is_empty())
                .map(|k| k as u32)
        }
    }

    /// Gives a conversation to the least loaded agent; returns the agent.
    pub fn take(&mut self, exclusive: bool) -> Option<u32> {
        let k = self.best_load(exclusive)? as usize;
        let a = *self.buckets[k].last().expect("bucket is not empty");
        self.bucket_remove(a);
        let i = a as usize;
        if self.chats[i] == 0 {
            self.busy += 1;
        }
        self.chats[i] += 1;
        self.total_chats += 1;
        if exclusive {
            self.exclusive[i] = true;
        } else if self.available(a) {
            self.bucket_insert(a);
        }
        Some(a)
    }

    /// An agent finishes a conversation.
    pub fn release(&mut self, a: u32) {
        let i = a as usize;
        self.bucket_remove(a);
        self.chats[i] -= 1;
        self.total_chats -= 1;
        self.exclusive[i] = false;
        if self.chats[i] == 0 {
            self.busy -= 1;
            if self.leaving[i] {
                self.present[i] = false;
                self.leaving[i] = false;
                self.free_ids.push(a);
                return;
            }
        }
        if self.available(a) {
            self.bucket_insert(a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_loaded_agent_takes_the_next_chat() {
        let mut g = Agents::new(3);
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
        let mut g = Agents::new(3);
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
        let mut g = Agents::new(2);
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
}
