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
#[derive(Debug, Default, Clone)]
pub struct SkillQueue {
    /// Line `2 * class + exclusive`.
    lines: [VecDeque<Entry>; 2 * CLASSES],
    /// Bit `l` set: line `l` holds entries (some may be stale).
    in_use: u16,
    /// Shoppers really waiting (stale entries excluded).
    pub waiting: u32,
}

impl SkillQueue {
    /// Adds a shopper to a class's line of chats or of exclusive calls.
    pub fn push(&mut self, class: usize, exclusive: bool, entry: Entry) {
        let l = line(class, exclusive);
        self.lines[l].push_back(entry);
        self.in_use |= 1 << l;
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
        let l = line(class, exclusive);
        let q = &mut self.lines[l];
        while let Some(e) = q.front() {
            if live(e) {
                return Some(*e);
            }
            q.pop_front();
        }
        self.in_use &= !(1 << l);
        None
    }

    /// The lines holding entries, in priority order: `(class, exclusive)`.
    pub fn lines_in_use(&self) -> impl Iterator<Item = (usize, bool)> + use<> {
        let mut bits = self.in_use;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let l = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                (l / 2, l % 2 == 1)
            })
        })
    }

    /// Removes the head of a line (after `head` returned it).
    pub fn pop(&mut self, class: usize, exclusive: bool) {
        let l = line(class, exclusive);
        self.lines[l].pop_front();
        if self.lines[l].is_empty() {
            self.in_use &= !(1 << l);
        }
    }
}

fn line(class: usize, exclusive: bool) -> usize {
    2 * class + usize::from(exclusive)
}
