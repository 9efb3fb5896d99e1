//! Deadlines that are usually cancelled: the moment a waiting shopper runs
//! out of patience, or may go to the overflow groups. Most waiting
//! shoppers are taken before either, so keeping
//! their deadlines in the calendar's heap would cost a push, a pop and a
//! trip through the event loop for nothing. Here each deadline belongs to
//! an owner (one per shopper's slot and kind, at most one deadline each) and is removed
//! the moment its owner stops waiting; the calendar checks the earliest one
//! beside its own head, by the same (time, sequence) key, so the order of
//! the events that do fire is exactly the heap's.
//!
//! An indexed binary min-heap: `pos` maps an owner to its entry's place, so
//! cancelling is O(log n) in the deadlines pending (the shoppers waiting),
//! not a search. General crates for this key their index by hashing, which
//! costs more than the whole heap operation at this size.

const NONE: u32 = u32::MAX;

/// A heap node: the calendar key and the owner (the event waits in
/// `events`, so sifting moves 32 bytes, not the event too).
#[derive(Clone, Copy)]
struct Node {
    key: u128,
    owner: u32,
}

/// Pending deadlines, at most one per owner.
#[derive(Clone)]
pub struct Deadlines<E> {
    heap: Vec<Node>,
    /// Owner -> index in `heap` (`NONE`: no deadline pending).
    pos: Vec<u32>,
    /// Owner -> its pending deadline's event.
    events: Vec<Option<E>>,
}

impl<E> Default for Deadlines<E> {
    fn default() -> Self {
        Deadlines {
            heap: Vec::with_capacity(256),
            pos: Vec::new(),
            events: Vec::new(),
        }
    }
}

impl<E> Deadlines<E> {
    /// Adds `owner`'s deadline with calendar key `key` (replacing a pending one).
    pub fn push(&mut self, key: u128, owner: u32, event: E) {
        self.cancel(owner);
        let o = owner as usize;
        if self.pos.len() <= o {
            self.pos.resize(o + 1, NONE);
            self.events.resize_with(o + 1, || None);
        }
        self.events[o] = Some(event);
        self.heap.push(Node { key, owner });
        self.sift_up(self.heap.len() - 1);
    }

    /// Drops `owner`'s pending deadline, if any.
    #[inline]
    pub fn cancel(&mut self, owner: u32) {
        let Some(&i) = self.pos.get(owner as usize) else {
            return;
        };
        if i != NONE {
            self.remove_at(i as usize);
        }
    }

    /// The earliest key.
    #[inline]
    pub fn peek_key(&self) -> Option<u128> {
        self.heap.first().map(|e| e.key)
    }

    /// Removes and returns the earliest deadline's key and event.
    pub fn pop(&mut self) -> Option<(u128, E)> {
        (!self.is_empty()).then(|| self.remove_at(0))
    }

    /// Deadlines pending.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether none is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    fn remove_at(&mut self, i: usize) -> (u128, E) {
        let gone = self.heap.swap_remove(i);
        let o = gone.owner as usize;
        self.pos[o] = NONE;
        let event = self.events[o]
            .take()
            .expect("a pending deadline has its event");
        if i < self.heap.len() {
            // The last node moved into `i`: it may belong above or below it.
            if i > 0 && self.heap[i].key < self.heap[(i - 1) / 2].key {
                self.sift_up(i);
            } else {
                self.sift_down(i);
            }
        }
        (gone.key, event)
    }

    /// Puts `node` at `i` and records where its owner's deadline is.
    #[inline(always)]
    fn set(&mut self, i: usize, node: Node) {
        self.heap[i] = node;
        self.pos[node.owner as usize] = i as u32;
    }

    /// Moves the node at `i` up to its place (a hole moves, not the node).
    fn sift_up(&mut self, mut i: usize) {
        let node = self.heap[i];
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap[parent].key <= node.key {
                break;
            }
            self.set(i, self.heap[parent]);
            i = parent;
        }
        self.set(i, node);
    }

    /// Moves the node at `i` down to its place.
    fn sift_down(&mut self, mut i: usize) {
        let node = self.heap[i];
        let n = self.heap.len();
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let child = if r < n && self.heap[r].key < self.heap[l].key {
                r
            } else {
                l
            };
            if node.key <= self.heap[child].key {
                break;
            }
            self.set(i, self.heap[child]);
            i = child;
        }
        self.set(i, node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn pops_the_deadlines_not_cancelled_in_key_order(
            ops in proptest::collection::vec((0u128..50, 0u32..20, any::<bool>()), 0..300)
        ) {
            // A model: a map from owner to key; `true` pushes, `false` cancels.
            let mut d = Deadlines::default();
            let mut model = std::collections::BTreeMap::new();
            for (i, (key, owner, push)) in ops.into_iter().enumerate() {
                let key = key << 32 | i as u128; // unique keys, as the calendar's are
                if push {
                    d.push(key, owner, owner);
                    model.insert(owner, key);
                } else {
                    d.cancel(owner);
                    model.remove(&owner);
                }
                prop_assert_eq!(d.len(), model.len());
            }
            let mut want: Vec<(u128, u32)> = model.into_iter().map(|(o, k)| (k, o)).collect();
            want.sort();
            let mut got = Vec::new();
            while let Some(e) = d.pop() {
                got.push(e);
            }
            prop_assert_eq!(got, want);
            prop_assert!(d.is_empty());
        }
    }
}
