//! The scalar units of the scenario language: durations, rates and times of
//! day, each accepted as a string or a number and parsed with a message that
//! restates the bad value and the expected form.

use crate::time::{DAY, HOUR, MINUTE, SECOND, SimTime, from_secs_f64};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A raw scalar from a profile: text or a number.
enum Scalar {
    Text(String),
    Number(f64),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Text(s) => write!(f, "'{s}'"),
            Scalar::Number(n) => write!(f, "{n}"),
        }
    }
}

struct ScalarVisitor(&'static str);

impl Visitor<'_> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Number(v))
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D, expecting: &'static str) -> Result<Scalar, D::Error> {
    d.deserialize_any(ScalarVisitor(expecting))
}

const DURATION_FORM: &str =
    "a duration such as \"90s\", \"5m\", \"1h30m\", \"2d\" or a number of seconds";

/// A non-negative span of time, written `"90s"`, `"5m"`, `"1h30m"` or as seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration(pub SimTime);

impl Duration {
    /// Parses the text form (also used by command-line flags).
    pub fn parse(text: &str) -> Result<Duration, UnitError> {
        let t = text.trim();
        if let Ok(secs) = t.parse::<f64>() {
            return Duration::from_secs(secs).ok_or_else(|| bad(text, DURATION_FORM));
        }
        humantime::parse_duration(t)
            .ok()
            .and_then(|d| u64::try_from(d.as_micros()).ok())
            .map(Duration)
            .ok_or_else(|| bad(text, DURATION_FORM))
    }

    fn from_secs(secs: f64) -> Option<Duration> {
        (secs.is_finite() && secs >= 0.0).then(|| Duration(from_secs_f64(secs)))
    }

    /// The span in seconds.
    pub fn secs(self) -> f64 {
        crate::time::to_secs(self.0)
    }
}

/// Why a duration, rate or time of day does not parse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum UnitError {
    /// Not of the expected form.
    #[error("'{text}' is not {expected}")]
    Malformed {
        /// The text as written.
        text: String,
        /// The forms it may take.
        expected: &'static str,
    },
    /// A bare number where a rate goes.
    #[error("{0} has no unit (give one: \"{0}/s\", \"{0}/h\", \"{0}/day\")")]
    NoUnit(String),
}

fn bad(text: &str, expected: &'static str) -> UnitError {
    UnitError::Malformed {
        text: text.into(),
        expected,
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match scalar(d, DURATION_FORM)? {
            Scalar::Text(s) => Duration::parse(&s).map_err(de::Error::custom),
            Scalar::Number(n) => Duration::from_secs(n)
                .ok_or_else(|| de::Error::custom(format!("{n} is not {DURATION_FORM}"))),
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.0;
        if !us.is_multiple_of(SECOND) {
            return write!(f, "{}s", self.secs());
        }
        let parts = [(DAY, "d"), (HOUR, "h"), (MINUTE, "m"), (SECOND, "s")];
        let mut rest = us;
        if rest == 0 {
            return f.write_str("0s");
        }
        for (unit, name) in parts {
            if rest >= unit {
                write!(f, "{}{name}", rest / unit)?;
                rest %= unit;
            }
        }
        Ok(())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

const RATE_FORM: &str =
    "a rate with its unit, such as \"2/s\", \"120/min\", \"7200/h\", \"150000/day\"";

/// A bare number where a rate goes: per second, per hour or per day are
/// all common, so the unit must be written.
fn no_unit(n: &str) -> UnitError {
    UnitError::NoUnit(n.into())
}

/// An event rate, stored per second: `"2/s"`, `"7200/h"`, `"150000/day"`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate(pub f64);

impl Rate {
    /// Parses the text form (also used by command-line flags).
    pub fn parse(text: &str) -> Result<Rate, UnitError> {
        let t = text.trim();
        let Some((count, per)) = t.split_once('/').map(|(c, u)| (c.trim(), u.trim())) else {
            return Err(
                if t.parse::<f64>().is_ok_and(|n| n.is_finite() && n >= 0.0) {
                    no_unit(t)
                } else {
                    bad(text, RATE_FORM)
                },
            );
        };
        let seconds = match per {
            "s" | "sec" | "second" => 1.0,
            "m" | "min" | "minute" => 60.0,
            "h" | "hour" => 3600.0,
            "d" | "day" => 86400.0,
            _ => return Err(bad(text, RATE_FORM)),
        };
        match count.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Ok(Rate(n / seconds)),
            _ => Err(bad(text, RATE_FORM)),
        }
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match scalar(d, RATE_FORM)? {
            Scalar::Text(s) => Rate::parse(&s).map_err(de::Error::custom),
            Scalar::Number(n) if n.is_finite() && n >= 0.0 => {
                Err(de::Error::custom(no_unit(&n.to_string())))
            }
            n => Err(de::Error::custom(format!("{n} is not {RATE_FORM}"))),
        }
    }
}

const TIME_OF_DAY_FORM: &str = "a time of day (expected HH:MM or HH:MM:SS, 00:00 to 24:00)";

/// A time of day, `"HH:MM"` or `"HH:MM:SS"`, from 00:00 to 24:00 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(pub SimTime);

impl TimeOfDay {
    /// Parses `HH:MM` or `HH:MM:SS`.
    pub fn parse(text: &str) -> Result<TimeOfDay, UnitError> {
        let parts: Vec<&str> = text.trim().split(':').collect();
        let num = |s: &str, max: u64| -> Option<u64> {
            (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
                .filter(|v| *v <= max)
        };
        let (h, m, s) = match parts.as_slice() {
            [h, m] => (num(h, 24), num(m, 59), Some(0)),
            [h, m, s] => (num(h, 24), num(m, 59), num(s, 59)),
            _ => (None, None, None),
        };
        match (h, m, s) {
            (Some(h), Some(m), Some(s)) if h * HOUR + m * MINUTE + s * SECOND <= DAY => {
                Ok(TimeOfDay(h * HOUR + m * MINUTE + s * SECOND))
            }
            _ => Err(bad(text, TIME_OF_DAY_FORM)),
        }
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match scalar(d, TIME_OF_DAY_FORM)? {
            Scalar::Text(s) => TimeOfDay::parse(&s).map_err(de::Error::custom),
            n => Err(de::Error::custom(format!("{n} is not {TIME_OF_DAY_FORM}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_documented_form() {
        assert_eq!(Duration::parse("90s").unwrap().0, 90 * SECOND);
        assert_eq!(Duration::parse("5m").unwrap().0, 5 * MINUTE);
        assert_eq!(Duration::parse("1h30m").unwrap().0, 90 * MINUTE);
        assert_eq!(Duration::parse("6d").unwrap().0, 6 * DAY);
        assert_eq!(Duration::parse("1.5").unwrap().0, 1_500_000);
        assert_eq!(Duration::parse("250ms").unwrap().0, 250_000);
        assert!(Duration::parse("-3").is_err());
        assert!(
            Duration::parse("soon")
                .unwrap_err()
                .to_string()
                .contains("'soon' is not a duration")
        );
    }

    #[test]
    fn durations_print_in_the_form_they_parse() {
        for text in ["0s", "90s", "1h30m", "6d", "1d2h3m4s"] {
            let d = Duration::parse(text).unwrap();
            assert_eq!(Duration::parse(&d.to_string()).unwrap(), d);
        }
        assert_eq!(Duration(90 * MINUTE).to_string(), "1h30m");
    }

    #[test]
    fn rates_convert_to_per_second() {
        assert_eq!(Rate::parse("2/s").unwrap().0, 2.0);
        assert_eq!(Rate::parse("7200/h").unwrap().0, 2.0);
        assert_eq!(Rate::parse("172800/day").unwrap().0, 2.0);
        assert_eq!(Rate::parse("120/min").unwrap().0, 2.0);
        let bare = Rate::parse("600").unwrap_err().to_string();
        assert!(
            bare.contains("600 has no unit") && bare.contains("600/day"),
            "{bare}"
        );
        assert!(Rate::parse("3/fortnight").is_err());
        assert!(Rate::parse("-1/s").is_err());
    }

    #[test]
    fn times_of_day() {
        assert_eq!(
            TimeOfDay::parse("20:15").unwrap().0,
            20 * HOUR + 15 * MINUTE
        );
        assert_eq!(TimeOfDay::parse("24:00").unwrap().0, DAY);
        assert_eq!(TimeOfDay::parse("00:00:30").unwrap().0, 30 * SECOND);
        for bad in ["25:00", "24:01", "7:00", "12:60", "noon"] {
            let e = TimeOfDay::parse(bad).unwrap_err().to_string();
            assert!(e.contains("expected HH:MM"), "{bad}: {e}");
        }
    }
}
