//! Simulated time: integer microseconds since the start of the run.
//!
//! Every clock in peakdesk (the virtual clock of `simulate`, and later the
//! wall clock of `drive`) speaks this one unit, so that event order never
//! depends on floating-point rounding and a seed fixes every result.

/// A point in simulated time, or a span, in microseconds.
pub type SimTime = u64;

/// Microseconds in one millisecond.
pub const MILLI: SimTime = 1_000;
/// Microseconds in one second.
pub const SECOND: SimTime = 1_000_000;
/// Microseconds in one minute.
pub const MINUTE: SimTime = 60 * SECOND;
/// Microseconds in one hour.
pub const HOUR: SimTime = 60 * MINUTE;
/// Microseconds in one day.
pub const DAY: SimTime = 24 * HOUR;

/// Converts seconds (finite, non-negative) to microseconds, rounding to nearest.
pub fn from_secs_f64(secs: f64) -> SimTime {
    // Adding 0.5 and truncating rounds a positive value to nearest
    // without a libm call (this runs for every sampled duration); the cast
    // saturates: 0 for negative values and NaN, u64::MAX above it.
    (secs * SECOND as f64 + 0.5) as u64
}

/// Converts microseconds to seconds.
pub fn to_secs(t: SimTime) -> f64 {
    t as f64 / SECOND as f64
}

/// Formats a time since the start as `HH:MM` on day 1 and `dN HH:MM` after.
pub fn clock_label(t: SimTime) -> String {
    let day = t / DAY;
    let tod = t % DAY;
    let (h, m) = (tod / HOUR, (tod % HOUR) / MINUTE);
    if day == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("d{} {h:02}:{m:02}", day + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_day_after_the_first() {
        assert_eq!(clock_label(0), "00:00");
        assert_eq!(clock_label(20 * HOUR + 15 * MINUTE), "20:15");
        assert_eq!(clock_label(DAY + 90 * MINUTE), "d2 01:30");
    }

    #[test]
    fn seconds_round_trip() {
        assert_eq!(from_secs_f64(1.5), 1_500_000);
        assert_eq!(from_secs_f64(-3.0), 0);
        assert_eq!(to_secs(2_500_000), 2.5);
    }
}
