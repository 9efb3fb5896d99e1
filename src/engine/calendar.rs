//! The event calendar: a binary heap ordered by (time, insertion sequence),
//! so that events due at the same microsecond fire in the order they were
//! scheduled (FIFO on ties) and every run replays identically.
//!
//! One stream with at most one pending event at a time (the next arrival,
//! a third of all events) may wait in a side slot instead of the heap: it
//! takes its sequence number like any other event and pops in the same
//! order, without the heap's cost.
//!
//! Cancellation is lazy: a cancelled timer stays in the heap and its owner
//! recognises it as stale when it fires (see `desk`'s generation counters).

use crate::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// `key` is the time in the high 64 bits and the sequence in the low 64, so
/// one integer comparison orders by time and then by insertion.
struct Entry<E> {
    key: u128,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    // Reversed: the heap is a max-heap, the calendar wants the earliest first.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Pending events of type `E`.
pub struct Calendar<E> {
    heap: BinaryHeap<Entry<E>>,
    side: Option<Entry<E>>,
    seq: u64,
    popped: u64,
}

impl<E> Default for Calendar<E> {
    fn default() -> Self {
        Calendar {
            heap: BinaryHeap::with_capacity(1024),
            side: None,
            seq: 0,
            popped: 0,
        }
    }
}

impl<E> Calendar<E> {
    /// Schedules `event` at `time`.
    #[inline]
    pub fn schedule(&mut self, time: SimTime, event: E) {
        let key = (u128::from(time) << 64) | u128::from(self.seq);
        self.heap.push(Entry { key, event });
        self.seq += 1;
    }

    /// Schedules `event` at `time` in the side slot, which must be empty
    /// (its previous event popped): ordered exactly as [`Self::schedule`].
    #[inline]
    pub fn schedule_side(&mut self, time: SimTime, event: E) {
        debug_assert!(self.side.is_none(), "one side event at a time");
        let key = (u128::from(time) << 64) | u128::from(self.seq);
        self.side = Some(Entry { key, event });
        self.seq += 1;
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let side_first = match (&self.side, self.heap.peek()) {
            (Some(s), Some(h)) => s.key < h.key,
            (side, _) => side.is_some(),
        };
        let e = if side_first {
            self.side.take()?
        } else {
            self.heap.pop()?
        };
        self.popped += 1;
        Some(((e.key >> 64) as SimTime, e.event))
    }

    /// The time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        let side = self.side.as_ref().map(|e| e.key);
        let heap = self.heap.peek().map(|e| e.key);
        let key = match (side, heap) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        Some((key >> 64) as SimTime)
    }

    /// Events popped so far (stale timers included).
    pub fn popped(&self) -> u64 {
        self.popped
    }

    /// Events still pending.
    pub fn len(&self) -> usize {
        self.heap.len() + usize::from(self.side.is_some())
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn pops_in_time_order_and_fifo_on_ties(times in proptest::collection::vec(0u64..20, 0..200)) {
            // Every third event goes through the side slot when it is free,
            // as arrivals do: the order must not change.
            let mut cal = Calendar::default();
            for (i, t) in times.iter().enumerate() {
                if i % 3 == 0 && cal.side.is_none() {
                    cal.schedule_side(*t, i);
                } else {
                    cal.schedule(*t, i);
                }
            }
            let mut out = Vec::new();
            while let Some(e) = cal.pop() {
                out.push(e);
            }
            let mut want: Vec<(u64, usize)> = times.iter().copied().zip(0..).collect();
            want.sort(); // by time, then by insertion index
            prop_assert_eq!(out, want);
        }
    }
}
