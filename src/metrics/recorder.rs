//! The recorder: what happened to every shopper, streamed into counters and
//! histograms as it happens, so memory follows the shoppers in the system
//! and the number of intervals, never the number of shoppers simulated.
//!
//! Shoppers count in the interval they arrived in (the "offered" convention
//! of contact-centre reports), so an interval's answered-within share is over
//! the shoppers who asked in it. An interval's histogram stays live while
//! any of its shoppers is still waiting; then its percentiles are taken and
//! the histogram is dropped, so a long horizon costs a few hundred bytes per
//! interval.

use super::hist::{self, interval_histogram, run_histogram};
use super::tally::Tally;
use crate::demand::Shopper;
use crate::desk::Levels;
use crate::profile::Scenario;
use crate::time::SimTime;
use hdrhistogram::Histogram;

/// The quantiles kept per interval: p50, p90, p99.
pub const INTERVAL_QUANTILES: [f64; 3] = [0.50, 0.90, 0.99];

struct Row {
    tally: Tally,
    hist: Option<Box<Histogram<u32>>>,
    quantiles: Option<[u64; 3]>,
    pending: u32,
}

impl Row {
    /// Takes the percentiles and drops the histogram.
    fn close(&mut self) {
        if let Some(h) = self.hist.take() {
            self.quantiles =
                (!h.is_empty()).then(|| INTERVAL_QUANTILES.map(|q| h.value_at_quantile(q)));
        }
    }
}

/// One interval of a finished replication.
#[derive(Debug, Clone)]
pub struct IntervalRecord {
    /// The interval's counters (all shoppers who arrived in it).
    pub tally: Tally,
    /// First response p50, p90, p99 of its answered shoppers, microseconds
    /// (2 significant digits); `None` when nobody was answered.
    pub quantiles_us: Option<[u64; 3]>,
}

/// Whole-run histograms of one replication (post-warm-up shoppers).
#[derive(Debug, Clone)]
pub struct RunHistograms {
    /// Time to first response of answered shoppers.
    pub first_response: Histogram<u64>,
    /// Time to abandonment of shoppers who gave up.
    pub abandon_time: Histogram<u64>,
    /// Handle time of answered shoppers.
    pub handle: Histogram<u64>,
}

/// Everything one replication measured.
#[derive(Debug, Clone)]
pub struct Replication {
    /// Counters over shoppers arriving after the warm-up, and time after it.
    pub total: Tally,
    /// Post-warm-up shoppers still waiting at the horizon.
    pub in_system_at_end: u64,
    /// The interval series.
    pub intervals: Vec<IntervalRecord>,
    /// The histograms.
    pub histograms: RunHistograms,
    /// Events processed.
    pub events: u64,
}

/// Streams one replication's outcomes into counters and histograms.
pub struct Recorder<'a> {
    thresholds: &'a [SimTime],
    warmup: SimTime,
    interval: SimTime,
    horizon: SimTime,
    last: SimTime,
    total: Tally,
    hists: RunHistograms,
    rows: Vec<Row>,
    first_open: usize,
}

fn credit_answer(t: &mut Tally, wait: SimTime, thresholds: &[SimTime]) {
    t.answered += 1;
    t.immediate += u64::from(wait == 0);
    t.wait_sum_us += u128::from(wait);
    for (count, limit) in t.within.iter_mut().zip(thresholds) {
        *count += u64::from(wait <= *limit);
    }
}

fn credit_abandon(t: &mut Tally, wait: SimTime) {
    t.abandoned += 1;
    t.wait_sum_us += u128::from(wait);
}

fn credit_time(t: &mut Tally, dt: SimTime, lv: Levels) {
    let dt = u128::from(dt);
    t.span_us += dt as u64;
    t.queue_area += dt * u128::from(lv.queue);
    t.busy_area += dt * u128::from(lv.busy);
    t.staffed_area += dt * u128::from(lv.staffed);
}

impl<'a> Recorder<'a> {
    /// A recorder for one replication of `scenario`.
    pub fn new(scenario: &'a Scenario) -> Recorder<'a> {
        let mut r = Recorder {
            thresholds: &scenario.answered_within,
            warmup: scenario.warmup,
            interval: scenario.interval,
            horizon: scenario.horizon,
            last: 0,
            total: Tally::new(scenario.answered_within.len()),
            hists: RunHistograms {
                first_response: run_histogram(),
                abandon_time: run_histogram(),
                handle: run_histogram(),
            },
            rows: Vec::new(),
            first_open: 0,
        };
        r.open_row();
        r
    }

    fn open_row(&mut self) {
        self.rows.push(Row {
            tally: Tally::new(self.thresholds.len()),
            hist: Some(Box::new(interval_histogram())),
            quantiles: None,
            pending: 0,
        });
    }

    /// Integrates the levels that held since the last event up to `now`.
    #[inline]
    pub fn advance(&mut self, now: SimTime, lv: Levels) {
        let now = now.min(self.horizon);
        while self.last < now {
            let current = self.rows.len() - 1;
            let row_end = ((current as u64 + 1) * self.interval).min(self.horizon);
            let upto = now.min(row_end);
            credit_time(&mut self.rows[current].tally, upto - self.last, lv);
            if upto > self.warmup {
                credit_time(&mut self.total, upto - self.last.max(self.warmup), lv);
            }
            self.last = upto;
            if upto == row_end && upto < self.horizon {
                self.open_row();
                self.close_finished();
            }
        }
    }

    /// Closes every past interval whose shoppers have all been resolved.
    fn close_finished(&mut self) {
        let current = self.rows.len() - 1;
        for row in &mut self.rows[self.first_open..current] {
            if row.pending == 0 {
                row.close();
            }
        }
        while self.first_open < current && self.rows[self.first_open].hist.is_none() {
            self.first_open += 1;
        }
    }

    /// Resolves one of a row's shoppers, closing the row if it was the last.
    fn resolve(&mut self, row: usize) {
        let past = row + 1 < self.rows.len();
        let r = &mut self.rows[row];
        r.pending -= 1;
        if r.pending == 0 && past {
            r.close();
        }
    }

    /// A shopper arrived.
    #[inline]
    pub fn arrived(&mut self, s: &Shopper) {
        let row = &mut self.rows[s.row as usize];
        row.tally.arrived += 1;
        row.pending += 1;
        self.total.arrived += u64::from(s.counted);
    }

    /// A shopper got a first response at `now`.
    #[inline]
    pub fn answered(&mut self, s: &Shopper, now: SimTime) {
        let wait = now - s.arrival;
        let row = &mut self.rows[s.row as usize];
        credit_answer(&mut row.tally, wait, self.thresholds);
        if let Some(h) = &mut row.hist {
            hist::record(h, wait);
        }
        if s.counted {
            credit_answer(&mut self.total, wait, self.thresholds);
            hist::record(&mut self.hists.first_response, wait);
            hist::record(&mut self.hists.handle, s.handle);
        }
        self.resolve(s.row as usize);
    }

    /// A shopper gave up at `now`.
    #[inline]
    pub fn abandoned(&mut self, s: &Shopper, now: SimTime) {
        let wait = now - s.arrival;
        credit_abandon(&mut self.rows[s.row as usize].tally, wait);
        if s.counted {
            credit_abandon(&mut self.total, wait);
            hist::record(&mut self.hists.abandon_time, wait);
        }
        self.resolve(s.row as usize);
    }

    /// Closes the books at the horizon.
    pub fn finish<'s>(
        mut self,
        lv: Levels,
        waiting: impl Iterator<Item = &'s Shopper>,
        events: u64,
    ) -> Replication {
        self.advance(self.horizon, lv);
        let mut in_system_at_end = 0;
        for s in waiting {
            let waited = self.horizon - s.arrival;
            let row = &mut self.rows[s.row as usize].tally;
            for (k, limit) in self.thresholds.iter().enumerate() {
                let undecided = u64::from(waited <= *limit);
                row.undecided[k] += undecided;
                if s.counted {
                    self.total.undecided[k] += undecided;
                }
            }
            in_system_at_end += u64::from(s.counted);
        }
        let intervals = self
            .rows
            .into_iter()
            .map(|mut row| {
                row.close();
                IntervalRecord {
                    tally: row.tally,
                    quantiles_us: row.quantiles,
                }
            })
            .collect();
        Replication {
            total: self.total,
            in_system_at_end,
            intervals,
            histograms: self.hists,
            events,
        }
    }
}
