//! Histograms: how they are made, and how they travel in result files.
//!
//! HDR histograms keep fixed memory whatever the number of shoppers and
//! merge exactly, so replications, shards and intervals add up to the same
//! numbers a single run would give. In JSON they are HDR V2 bytes, base64:
//! the format other HDR tools read.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use hdrhistogram::{Counter, Histogram};

use crate::time::{DAY, SimTime};

/// Largest time the whole-run histograms hold (30 days); larger values are
/// recorded as this value, and the true maximum is kept separately.
pub const MAX_TRACKED: SimTime = 30 * DAY;

/// A whole-run histogram: microsecond resolution, 3 significant digits.
pub fn run_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_TRACKED, 3).expect("static bounds are valid")
}

/// A per-interval histogram: 2 significant digits, up to one day, u32 counts
/// (an interval is kept small because a long run has many of them).
pub fn interval_histogram() -> Histogram<u32> {
    Histogram::new_with_bounds(1, DAY, 2).expect("static bounds are valid")
}

/// Serializes as HDR V2 and base64.
pub fn encode<T: Counter>(h: &Histogram<T>) -> String {
    STANDARD.encode(to_bytes(h))
}

/// Serializes as HDR V2 bytes.
pub fn to_bytes<T: Counter>(h: &Histogram<T>) -> Vec<u8> {
    let mut buf = Vec::new();
    V2Serializer::new()
        .serialize(h, &mut buf)
        .expect("writing to memory cannot fail");
    buf
}

/// Why stored histogram bytes do not read back.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The text is not base64.
    #[error("not base64: {0}")]
    Base64(#[from] base64::DecodeError),
    /// The bytes are not an HDR V2 histogram.
    #[error("not an HDR V2 histogram: {0:?}")]
    Hdr(hdrhistogram::serialization::DeserializeError),
}

/// Reads HDR V2 bytes.
pub fn from_bytes(bytes: &[u8]) -> Result<Histogram<u64>, DecodeError> {
    Deserializer::new()
        .deserialize(&mut &bytes[..])
        .map_err(DecodeError::Hdr)
}

/// Reads base64 HDR V2.
pub fn decode(text: &str) -> Result<Histogram<u64>, DecodeError> {
    from_bytes(&STANDARD.decode(text)?)
}

/// Serde for histograms in shard files: HDR V2 bytes in base64, read back
/// with the bounds they were made with, so merging them is exact.
pub mod as_base64 {
    use hdrhistogram::Histogram;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};
    use std::borrow::Borrow;

    /// Writes the histogram as base64 HDR V2.
    pub fn serialize<H, S>(h: &H, s: S) -> Result<S::Ok, S::Error>
    where
        H: Borrow<Histogram<u64>>,
        S: Serializer,
    {
        s.serialize_str(&super::encode(h.borrow()))
    }

    /// Reads a base64 HDR V2 histogram.
    pub fn deserialize<'de, H, D>(d: D) -> Result<H, D::Error>
    where
        H: From<Histogram<u64>>,
        D: Deserializer<'de>,
    {
        let text = String::deserialize(d)?;
        super::decode(&text).map(H::from).map_err(D::Error::custom)
    }
}

/// Adds `src` into a whole-run histogram, value by value (the two may
/// differ in precision, as interval histograms do).
pub fn add_into<U: Counter>(dst: &mut Histogram<u64>, src: &Histogram<U>) {
    for v in src.iter_recorded() {
        dst.saturating_record_n(
            v.value_iterated_to().min(dst.high()),
            v.count_at_value().as_u64(),
        );
    }
}

/// Records a value, clamping it into the histogram's range.
#[inline]
pub fn record<T: Counter>(h: &mut Histogram<T>, v: SimTime) {
    let v = v.min(h.high());
    h.saturating_record(v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_round_trip_and_merge_exactly() {
        let mut a = run_histogram();
        let mut b = run_histogram();
        for v in [0, 1, 999, 1_000_000, 120_000_000] {
            record(&mut a, v);
            record(&mut b, v * 2);
        }
        let back = decode(&encode(&a)).unwrap();
        assert_eq!(back, a);
        let mut merged = a.clone();
        merged.add(&b).unwrap();
        let mut via = run_histogram();
        add_into(&mut via, &decode(&encode(&a)).unwrap());
        add_into(&mut via, &b);
        assert_eq!(via.len(), merged.len());
        assert_eq!(via.value_at_quantile(0.9), merged.value_at_quantile(0.9));
    }

    #[test]
    fn out_of_range_values_are_clamped() {
        let mut h = interval_histogram();
        record(&mut h, 3 * DAY);
        assert_eq!(h.len(), 1);
        assert!(h.max() >= DAY - DAY / 50);
    }
}
