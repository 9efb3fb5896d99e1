//! Waiting shoppers, per skill, in priority classes: the VIP lane before
//! everyone else, then urgent before important before normal, and first
//! come first served within a class. Entries are removed lazily: a shopper
//! who left or was taken elsewhere is skipped when it reaches the head.

use crate::time::SimTime;
use std::collections::VecDeque;

/// Lanes (2) times tiers (3).
pub const CLASSES: usize = 6;

/// A queued shopper: slot, slot generation, time queued.
pub type Entry = (u32, u32, SimTime);

/// The queues of one skill.
#[derive(Debug, Default)]
pub struct SkillQueue {
    classes: [VecDeque<Entry>; CLASSES],
    /// Shoppers really waiting (stale entries excluded).
    pub waiting: u32,
}

impl SkillQueue {
    /// Adds a shopper to a class.
    pub fn push(&mut self, class: usize, entry: Entry) {
        self.classes[class].push_back(entry);
        self.waiting += 1;
    }

    /// The first live entry of each class, dropping stale heads.
    /// `live` says whether an entry still waits.
    pub fn head(&mut self, class: usize, live: impl Fn(&Entry) -> bool) -> Option<Entry> {
        let q = &mut self.classes[class];
        while let Some(e) = q.front() {
            if live(e) {
                return Some(*e);
            }
            q.pop_front();
        }
        None
    }

    /// Removes the head of a class (after `head` returned it).
    pub fn pop(&mut self, class: usize) {
        self.classes[class].pop_front();
    }
}
