//! The event calendar: a heap ordered by (time, insertion sequence),
//! so that events due at the same microsecond fire in the order they were
//! scheduled (FIFO on ties) and every run replays identically.
//!
//! One stream with at most one pending event at a time (the next arrival,
//! a third of all events) may wait in a side slot instead of the heap: it
//! takes its sequence number like any other event and pops in the same
//! order, without the heap's cost.
//!
//! A waiting shopper's deadlines (when patience runs out, when it may go
//! to overflow groups) wait in [`Deadlines`] instead, where it is cancelled as soon as the shopper is
//! taken; it pops in the same order too. Other cancellation is lazy: a
//! cancelled timer stays in the heap and its owner recognises it as stale
//! when it fires (see `desk`'s generation counters).
//!
//! The heap is four-ary (`dary_heap`): half the levels of a binary heap,
//! so a pop touches fewer cache lines on a calendar of thousands of
//! conversations; keys are unique, so the order is the same as any heap's.

use super::deadlines::Deadlines;
use crate::time::SimTime;
use dary_heap::QuaternaryHeap;
use std::cmp::Ordering;

/// `key` is the time in the high 64 bits and the sequence in the low 64, so
/// one integer comparison orders by time and then by insertion.
#[derive(Clone)]
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

/// Which of the calendar's stores holds the earliest event.
#[derive(Clone, Copy)]
enum Source {
    Side,
    Heap,
    Deadline,
}

/// Pending events of type `E`.
#[derive(Clone)]
pub struct Calendar<E> {
    heap: QuaternaryHeap<Entry<E>>,
    side: Option<Entry<E>>,
    deadlines: Deadlines<E>,
    seq: u64,
    popped: u64,
}

impl<E> Default for Calendar<E> {
    fn default() -> Self {
        Calendar {
            heap: QuaternaryHeap::with_capacity(1024),
            side: None,
            deadlines: Deadlines::default(),
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

    /// Schedules `owner`'s deadline `event` at `time` (replacing a pending
    /// one of the same owner): ordered exactly as [`Self::schedule`], and
    /// dropped by [`Self::cancel_deadline`].
    #[inline]
    pub fn schedule_deadline(&mut self, time: SimTime, owner: u32, event: E) {
        let key = (u128::from(time) << 64) | u128::from(self.seq);
        self.deadlines.push(key, owner, event);
        self.seq += 1;
    }

    /// Drops `owner`'s pending deadline, if any.
    #[inline]
    pub fn cancel_deadline(&mut self, owner: u32) {
        self.deadlines.cancel(owner);
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let (key, event) = match self.earliest()? {
            Source::Side => self.side.take().map(|e| (e.key, e.event))?,
            Source::Heap => self.heap.pop().map(|e| (e.key, e.event))?,
            Source::Deadline => self.deadlines.pop()?,
        };
        self.popped += 1;
        Some(((key >> 64) as SimTime, event))
    }

    /// Where the earliest event waits, and its key.
    #[inline(always)]
    fn earliest_key(&self) -> Option<(u128, Source)> {
        let mut best = self.heap.peek().map(|e| (e.key, Source::Heap));
        if let Some(s) = &self.side
            && best.is_none_or(|(b, _)| s.key < b)
        {
            best = Some((s.key, Source::Side));
        }
        if let Some(k) = self.deadlines.peek_key()
            && best.is_none_or(|(b, _)| k < b)
        {
            best = Some((k, Source::Deadline));
        }
        best
    }

    /// Where the earliest event waits.
    #[inline(always)]
    fn earliest(&self) -> Option<Source> {
        self.earliest_key().map(|(_, s)| s)
    }

    /// The time of the earliest event, if any.
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.earliest_key().map(|(key, _)| (key >> 64) as SimTime)
    }

    /// Events popped so far (stale timers included, cancelled deadlines not).
    pub fn popped(&self) -> u64 {
        self.popped
    }

    /// Events still pending.
    pub fn len(&self) -> usize {
        self.heap.len() + usize::from(self.side.is_some()) + self.deadlines.len()
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
            // as arrivals do, and every third is a deadline, a third of
            // which are cancelled, as waiting shoppers' are: the order of
            // the others must not change.
            let mut cal = Calendar::default();
            let mut cancelled = Vec::new();
            for (i, t) in times.iter().enumerate() {
                match i % 3 {
                    0 if cal.side.is_none() => cal.schedule_side(*t, i),
                    1 => {
                        cal.schedule_deadline(*t, i as u32, i);
                        if i % 9 == 4 {
                            cal.cancel_deadline(i as u32);
                            cancelled.push(i);
                        }
                    }
                    _ => cal.schedule(*t, i),
                }
            }
            let mut out = Vec::new();
            while let Some(e) = cal.pop() {
                out.push(e);
            }
            let mut want: Vec<(u64, usize)> = times
                .iter()
                .copied()
                .zip(0..)
                .filter(|(_, i)| !cancelled.contains(i))
                .collect();
            want.sort(); // by time, then by insertion index
            prop_assert_eq!(out, want);
        }
    }
}
