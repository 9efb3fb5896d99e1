//! A histogram while a replication records into it.
//!
//! `hdrhistogram` records a value through a call that finds the bucket,
//! checks the range, adds with saturation and updates the minimum, maximum
//! and total; on the engine's path that call is several times the cost of
//! the bucket arithmetic itself, and a Double 11 replication makes about
//! seven of them per shopper. A [`Recording`] keeps the counts in the very
//! layout HDR uses (the documented log-linear one: buckets of powers of two,
//! each split into `2^m` sub-buckets, the lower half of all but the first
//! unused), finds the index inline, and becomes the HDR histogram it stands
//! for only when the recording is read ([`Recording::to_histogram`]): one
//! `record_n` per non-empty bucket, so the histogram's counts, total,
//! minimum, maximum and every statistic and byte of its serialisation are
//! those of recording each value into HDR directly (tested below against
//! the crate over the whole range).

use hdrhistogram::{Counter, Histogram};

use crate::time::SimTime;

/// Counts in HDR's layout for one histogram's bounds.
#[derive(Debug, Clone)]
pub struct Recording<T: Counter> {
    counts: Vec<T>,
    /// Masks small values into bucket 0 (`sub_bucket_count - 1`).
    sub_bucket_mask: u64,
    /// 64 less the bits of the sub-bucket count.
    leading_zero_base: u32,
    /// Bits of half the sub-bucket count.
    half_magnitude: u32,
    /// The bounds of the histogram it turns into: highest value and
    /// significant digits (the lowest is 1).
    high: u64,
    sigfig: u8,
}

impl<T: Counter> Recording<T> {
    /// An empty recording for histograms like `h` (same bounds and
    /// precision; `h`'s own counts are not taken). HDR's layout for a
    /// lowest discernible value of 1, which every histogram of this crate has.
    pub fn like(h: &Histogram<T>) -> Recording<T> {
        assert_eq!(
            h.low(),
            1,
            "the layout below is HDR's for a lowest value of 1"
        );
        // As HDR sizes its sub-buckets: enough for `sigfig` digits.
        let largest_single_unit = 2.0 * 10f64.powi(i32::from(h.sigfig()));
        let magnitude = largest_single_unit.log2().ceil() as u32;
        Recording {
            counts: vec![T::zero(); h.distinct_values()],
            sub_bucket_mask: (1u64 << magnitude) - 1,
            leading_zero_base: 64 - magnitude,
            half_magnitude: magnitude - 1,
            high: h.high(),
            sigfig: h.sigfig(),
        }
    }

    /// Records `v`, clamped into the histogram's range as
    /// [`super::hist::record`] does.
    #[inline]
    pub fn record(&mut self, v: SimTime) {
        let v = v.min(self.high);
        let bucket = self.leading_zero_base - (v | self.sub_bucket_mask).leading_zeros();
        let sub_bucket = v >> bucket;
        let index = ((u64::from(bucket) + 1) << self.half_magnitude) + sub_bucket
            - (1u64 << self.half_magnitude);
        let c = &mut self.counts[index as usize];
        *c = c.saturating_add(T::one());
    }

    /// The HDR histogram holding what was recorded.
    pub fn to_histogram(&self) -> Histogram<T> {
        let mut h = Histogram::new_with_bounds(1, self.high, self.sigfig)
            .expect("the bounds of an existing histogram");
        let half = 1usize << self.half_magnitude;
        for (i, c) in self.counts.iter().enumerate() {
            if *c == T::zero() {
                continue;
            }
            // The lowest value of the index's bucket, as HDR computes it.
            let (mut bucket, mut sub_bucket) = (
                (i >> self.half_magnitude) as i64 - 1,
                (i & (half - 1)) + half,
            );
            if bucket < 0 {
                sub_bucket -= half;
                bucket = 0;
            }
            h.saturating_record_n((sub_bucket as u64) << bucket, *c);
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::breakdown::part_histogram;
    use crate::metrics::hist::{self, interval_histogram, run_histogram};
    use proptest::prelude::*;

    /// Records `values` both ways and requires the same histogram, byte for
    /// byte and in every statistic the reports read.
    fn same<T: Counter>(empty: Histogram<T>, values: &[u64]) {
        let mut direct = empty.clone();
        let mut rec = Recording::like(&empty);
        for &v in values {
            hist::record(&mut direct, v);
            rec.record(v);
        }
        let via = rec.to_histogram();
        assert_eq!(hist::to_bytes(&via), hist::to_bytes(&direct));
        assert_eq!(
            (via.len(), via.min(), via.max(), via.min_nz()),
            (direct.len(), direct.min(), direct.max(), direct.min_nz())
        );
        assert_eq!(via.mean().to_bits(), direct.mean().to_bits());
        assert_eq!(via.stdev().to_bits(), direct.stdev().to_bits());
        for q in [0.0, 0.5, 0.9, 0.99, 0.999, 1.0] {
            assert_eq!(via.value_at_quantile(q), direct.value_at_quantile(q));
        }
    }

    #[test]
    fn bucket_edges_and_the_ends_of_the_range() {
        let mut values = vec![0, 1, u64::MAX, hist::MAX_TRACKED, hist::MAX_TRACKED + 1];
        for shift in 0..48 {
            let p = 1u64 << shift;
            values.extend([p - 1, p, p + 1, 3 * p / 2]);
        }
        same(run_histogram(), &values);
        same(part_histogram(), &values);
        same(interval_histogram(), &values);
    }

    proptest! {
        #[test]
        fn recording_equals_recording_into_hdr(
            values in proptest::collection::vec((0u32..48, any::<u64>()), 0..300),
        ) {
            // Values spread over every power of two, as waits and handle
            // times are.
            let values: Vec<u64> = values.iter().map(|(s, r)| r >> (63 - s)).collect();
            same(run_histogram(), &values);
            same(part_histogram(), &values);
            same(interval_histogram(), &values);
        }
    }
}
