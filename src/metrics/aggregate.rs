//! Replications merged as they finish: counters add, histograms add, the
//! per-interval percentiles add as integer microseconds. Every merge is an
//! integer sum, so the result is the same bit for bit whatever order the
//! replications finish in and however many threads ran them, and memory
//! stays at one aggregate per thread instead of one result per replication.

use super::breakdown::{Breakdowns, GroupTally};
use super::recorder::{IntervalRecord, Replication, RunHistograms};
use super::tally::Tally;
use serde::{Deserialize, Serialize};

/// One interval summed over replications.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IntervalAggregate {
    /// Counters summed over replications.
    pub tally: Tally,
    /// Each group's counters and time integrals, summed.
    pub groups: Vec<GroupTally>,
    /// Per-replication first response p50, p90, p99 (microseconds), summed.
    pub quantile_sums_us: [u64; 3],
    /// Replications in which the interval had an answered shopper.
    pub quantile_count: u32,
}

impl IntervalAggregate {
    /// The mean over replications of the interval's p50, p90, p99, seconds.
    pub fn quantiles_s(&self) -> Option<[f64; 3]> {
        (self.quantile_count > 0).then(|| {
            self.quantile_sums_us
                .map(|s| s as f64 / 1e6 / self.quantile_count as f64)
        })
    }

    fn add_groups(&mut self, groups: &[GroupTally]) {
        if self.groups.len() < groups.len() {
            self.groups.resize(groups.len(), GroupTally::default());
        }
        for (a, b) in self.groups.iter_mut().zip(groups) {
            a.add(b);
        }
    }

    fn add_record(&mut self, row: &IntervalRecord) {
        self.tally.add(&row.tally);
        self.add_groups(&row.groups);
        if let Some(q) = row.quantiles_us {
            for (s, v) in self.quantile_sums_us.iter_mut().zip(q) {
                *s += v;
            }
            self.quantile_count += 1;
        }
    }

    fn add(&mut self, o: &IntervalAggregate) {
        self.tally.add(&o.tally);
        self.add_groups(&o.groups);
        for (s, v) in self.quantile_sums_us.iter_mut().zip(o.quantile_sums_us) {
            *s += v;
        }
        self.quantile_count += o.quantile_count;
    }
}

/// Replications of one scenario, merged. It travels in shard files, so
/// that `peakdesk merge` adds shards exactly as one machine adds replications.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Aggregate {
    /// Replications merged.
    pub replications: u32,
    /// Post-warm-up counters summed.
    pub total: Tally,
    /// Each replication's post-warm-up counters, by replication number.
    pub replication_tallies: Vec<(u32, Tally)>,
    /// Post-warm-up shoppers still waiting at the horizon, summed.
    pub in_system_at_end: u64,
    /// The interval series, summed.
    pub intervals: Vec<IntervalAggregate>,
    /// Whole-run histograms, summed.
    pub histograms: RunHistograms,
    /// Breakdowns, summed.
    pub breakdowns: Breakdowns,
    /// Events processed, summed.
    pub events: u64,
    /// Each replication's SLA rule values, by replication number (as bits
    /// in files: exact, and NaN survives).
    #[serde(with = "f64_bits")]
    pub rule_values: Vec<(u32, Vec<f64>)>,
}

impl Aggregate {
    /// The sum of parts of one replication (the shards of a drive: each
    /// saw different shoppers of the same window) as that replication.
    /// Counters and histograms add exactly; an interval's percentiles
    /// cannot be added, so the result has none.
    pub fn as_one_replication(&self) -> Replication {
        Replication {
            total: self.total.clone(),
            in_system_at_end: self.in_system_at_end,
            intervals: self
                .intervals
                .iter()
                .map(|i| IntervalRecord {
                    tally: i.tally.clone(),
                    groups: i.groups.clone(),
                    quantiles_us: None,
                })
                .collect(),
            histograms: self.histograms.clone(),
            breakdowns: self.breakdowns.clone(),
            events: self.events,
        }
    }

    /// Adds replication number `index`.
    pub fn absorb(self, index: u32, rep: Replication, rule_values: Vec<f64>) -> Aggregate {
        let intervals = rep
            .intervals
            .iter()
            .map(|row| {
                let mut acc = IntervalAggregate::default();
                acc.add_record(row);
                acc
            })
            .collect();
        self.merge(Aggregate {
            replications: 1,
            total: rep.total.clone(),
            replication_tallies: vec![(index, rep.total)],
            in_system_at_end: rep.in_system_at_end,
            intervals,
            histograms: rep.histograms,
            breakdowns: rep.breakdowns,
            events: rep.events,
            rule_values: vec![(index, rule_values)],
        })
    }

    /// Merges two aggregates of disjoint replications.
    pub fn merge(mut self, other: Aggregate) -> Aggregate {
        self.replications += other.replications;
        self.total.add(&other.total);
        self.in_system_at_end += other.in_system_at_end;
        self.events += other.events;
        self.histograms.add(&other.histograms);
        self.breakdowns.add(&other.breakdowns);
        if self.intervals.len() < other.intervals.len() {
            self.intervals
                .resize(other.intervals.len(), IntervalAggregate::default());
        }
        for (acc, row) in self.intervals.iter_mut().zip(&other.intervals) {
            acc.add(row);
        }
        self.replication_tallies.extend(other.replication_tallies);
        self.replication_tallies.sort_by_key(|(i, _)| *i);
        self.rule_values.extend(other.rule_values);
        self.rule_values.sort_by_key(|(i, _)| *i);
        self
    }
}

/// Rule values as the bits of each `f64`: JSON numbers cannot carry NaN or
/// infinities, and a merged shard must give back the very same values.
mod f64_bits {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    type Values = Vec<(u32, Vec<f64>)>;

    pub fn serialize<S: Serializer>(v: &Values, s: S) -> Result<S::Ok, S::Error> {
        let bits: Vec<(u32, Vec<u64>)> = v
            .iter()
            .map(|(i, xs)| (*i, xs.iter().map(|x| x.to_bits()).collect()))
            .collect();
        bits.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Values, D::Error> {
        let bits: Vec<(u32, Vec<u64>)> = Vec::deserialize(d)?;
        Ok(bits
            .into_iter()
            .map(|(i, xs)| (i, xs.into_iter().map(f64::from_bits).collect()))
            .collect())
    }
}
