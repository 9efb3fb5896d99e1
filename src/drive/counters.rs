//! The request counters every shopper's task and adapter share: requests
//! made, failures by kind and the first failure of each kind in words;
//! and, with `--metrics-listen`, the live metrics (`live::shoppers`).

use super::adapter::{ErrorKind, Failure, Tally};
use super::live::shoppers::{DriveMetrics, InFlight};
use super::report::DriveTally;
use crate::demand::Shopper;
use indexmap::IndexMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Request counters shared by every task.
#[derive(Default)]
pub struct Counters {
    requests: AtomicU64,
    errors: [AtomicU64; 5],
    first: Mutex<IndexMap<ErrorKind, String>>,
    live: Option<Arc<DriveMetrics>>,
}

impl Counters {
    /// Counters that also feed the live metrics `live`.
    pub fn with_live(live: Arc<DriveMetrics>) -> Counters {
        Counters {
            live: Some(live),
            ..Counters::default()
        }
    }

    /// The live metrics, with `--metrics-listen`.
    pub fn live(&self) -> Option<&DriveMetrics> {
        self.live.as_deref()
    }

    /// A conversation of `s` is open until the guard drops (counted only
    /// with live metrics).
    pub fn in_flight(&self, s: &Shopper) -> Option<InFlight<'_>> {
        self.live.as_ref().map(|l| l.enter(s))
    }

    /// Failed requests by kind, in [`ErrorKind::ALL`]'s order.
    pub fn errors_by_kind(&self) -> [u64; 5] {
        std::array::from_fn(|i| self.errors[i].load(Ordering::Relaxed))
    }

    /// Requests made and failed so far.
    pub fn totals(&self) -> (u64, u64) {
        let e = self.errors.iter().map(|a| a.load(Ordering::Relaxed)).sum();
        (self.requests.load(Ordering::Relaxed), e)
    }
}

impl Tally for Counters {
    fn ok(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
    fn failed(&self, f: &Failure) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.unreadable(f);
    }
    fn unreadable(&self, f: &Failure) {
        let i = ErrorKind::ALL
            .iter()
            .position(|k| *k == f.kind)
            .expect("every kind is listed");
        self.errors[i].fetch_add(1, Ordering::Relaxed);
        let mut first = self.first.lock().expect("not poisoned");
        first.entry(f.kind).or_insert_with(|| f.detail.clone());
    }
}

impl Counters {
    /// Writes the totals into a drive's tally.
    pub fn fill(&self, t: &mut DriveTally) {
        t.requests = self.totals().0;
        for (i, k) in ErrorKind::ALL.iter().enumerate() {
            t.errors.insert(*k, self.errors[i].load(Ordering::Relaxed));
        }
        t.first_errors = self.first.lock().expect("not poisoned").clone();
    }
}
