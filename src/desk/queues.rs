//! Waiting shoppers, per skill, in priority classes: the VIP lane before
//! everyone else, then urgent before important before normal, and first
//! come first served within a class. Each class keeps two lines in arrival
//! order: chats, and exclusive calls (a phone call needs an idle agent), so
//! a call that cannot be seated never holds back the chats behind it.
//! Entries are removed lazily: a shopper who left or was taken elsewhere is
//! skipped when it reaches the head.

use crate::time::SimTime;
use std::collections::VecDeque;

/// Lanes (2) times tiers (3).
pub const CLASSES: usize = 6;

/// A queued shopper: slot, slot generation, time queued.
pub type Entry = (u32, u32, SimTime);

/// The queues of one skill.
#[derive(Debug, Default)]
pub struct SkillQueue {
    /// Line `2 * class + exclusive`.
    lines: [VecDeque<Entry>; 2 * CLASSES],
    /// Shoppers really waiting (stale entries excluded).
    pub waiting: u32,
}

impl SkillQueue {
    /// Adds a shopper to a class's line of chats or of exclusive calls.
    pub fn push(&mut self, class: usize, exclusive: bool, entry: Entry) {
        self.lines[line(class, exclusive)].push_back(entry);
        self.waiting += 1;
    }

    /// The first live entry of a line, dropping stale heads.
    /// `live` says whether an entry still waits.
    pub fn head(
        &mut self,
        class: usize,
        exclusive: bool,
        live: impl Fn(&Entry) -> bool,
    ) -> Option<Entry> {
        let q = &mut self.lines[line(class, exclusive)];
        while let Some(e) = q.front() {
            if live(e) {
                return Some(*e);
            }
            q.pop_front();
        }
        None
    }

    /// Removes the head of a line (after `head` returned it).
    pub fn pop(&mut self, class: usize, exclusive: bool) {
        self.lines[line(class, exclusive)].pop_front();
    }
}

fn line(class: usize, exclusive: bool) -> usize {
    2 * class + usize::from(exclusive)
}
