//! Deadlines that are usually cancelled: the moment a waiting shopper runs
//! out of patience. Most waiting shoppers are taken before that, so keeping
//! their deadlines in the calendar's heap would cost a push, a pop and a
//! trip through the event loop for nothing. Here each deadline belongs to
//! an owner (the shopper's slot, at most one deadline each) and is removed
//! the moment its owner stops waiting; the calendar checks the earliest one
//! beside its own head, by the same (time, sequence) key, so the order of
//! the events that do fire is exactly the heap's.
//!
//! An indexed binary min-heap: `pos` maps an owner to its entry's place, so
//! cancelling is O(log n) in the deadlines pending (the shoppers waiting),
//! not a search. General crates for this key their index by hashing, which
//! costs more than the whole heap operation at this size.

const NONE: u32 = u32::MAX;

struct Entry<E> {
    key: u128,
    owner: u32,
    event: E,
}

/// Pending deadlines, at most one per owner.
pub struct Deadlines<E> {
    heap: Vec<Entry<E>>,
    /// Owner -> index in `heap` (`NONE`: no deadline pending).
    pos: Vec<u32>,
}

impl<E> Default for Deadlines<E> {
    fn default() -> Self {
        Deadlines {
            heap: Vec::with_capacity(256),
            pos: Vec::new(),
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
        }
        self.heap.push(Entry { key, owner, event });
        let i = self.heap.len() - 1;
        self.pos[o] = i as u32;
        self.sift_up(i);
    }

    /// Drops `owner`'s pending deadline, if any.
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
        let last = self.heap.len() - 1;
        self.heap.swap(i, last);
        let e = self.heap.pop().expect("not empty");
        self.pos[e.owner as usize] = NONE;
        if i < last {
            self.pos[self.heap[i].owner as usize] = i as u32;
            // The entry moved into `i` may belong above or below it.
            let i = self.sift_up(i);
            self.sift_down(i);
        }
        (e.key, e.event)
    }

    fn place(&mut self, i: usize) {
        self.pos[self.heap[i].owner as usize] = i as u32;
    }

    /// Moves the entry at `i` up while it is earlier than its parent;
    /// returns where it ended.
    fn sift_up(&mut self, mut i: usize) -> usize {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap[parent].key <= self.heap[i].key {
                break;
            }
            self.heap.swap(parent, i);
            self.place(i);
            i = parent;
        }
        self.place(i);
        i
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut least = i;
            if l < n && self.heap[l].key < self.heap[least].key {
                least = l;
            }
            if r < n && self.heap[r].key < self.heap[least].key {
                least = r;
            }
            if least == i {
                break;
            }
            self.heap.swap(least, i);
            self.place(i);
            i = least;
        }
        self.place(i);
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
