//! The run's calendar: which date each simulated day is, and which `[days]`
//! entries apply to it: its date's, then its weekday's. Each property of a
//! day (its traffic, its curve, a group's roster) comes from the first of
//! them that gives it, so a date's entry refines its weekday's.

use super::checks::{Invalid, invalid};
use super::raw::RawDay;
use crate::time::{DAY, HOUR, MINUTE, SimTime};
use indexmap::IndexMap;
use jiff::civil::{Date, Weekday};

/// Dates of the run's days and the `[days]` entry of each.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// The first day's date.
    pub start: Date,
    /// For each day the horizon touches, the `[days]` keys that apply to
    /// it, the most specific first (its date's, then its weekday's).
    pub day_keys: Vec<Vec<String>>,
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Monday),
    ("tue", Weekday::Tuesday),
    ("wed", Weekday::Wednesday),
    ("thu", Weekday::Thursday),
    ("fri", Weekday::Friday),
    ("sat", Weekday::Saturday),
    ("sun", Weekday::Sunday),
];

/// What a `[days]` key names.
enum DayKey {
    Weekday(Weekday),
    Date(Date),
}

fn day_key(key: &str) -> Option<DayKey> {
    if let Some((_, w)) = WEEKDAYS.iter().find(|(k, _)| *k == key) {
        return Some(DayKey::Weekday(*w));
    }
    if key.len() == 10 {
        return key.parse::<Date>().ok().map(DayKey::Date);
    }
    None
}

/// Reads `start` and the keys of `[days]` against the horizon.
pub fn calendar(
    start: Option<&str>,
    days: Option<&IndexMap<String, RawDay>>,
    horizon: SimTime,
) -> Result<Option<Calendar>, Invalid> {
    let start = match start {
        Some(text) => Some(text.parse::<Date>().map_err(|_| {
            invalid(
                "start",
                format!("'{text}' is not a date (expected YYYY-MM-DD, e.g. 2026-11-05)"),
            )
        })?),
        None => None,
    };
    let days = days.filter(|d| !d.is_empty());
    let Some(start) = start else {
        return match days {
            Some(d) => Err(invalid(
                format!("days.{}", d.keys().next().map_or("", |k| k.as_str())),
                "needs the run's first date (add `start = \"YYYY-MM-DD\"` at the top level)",
            )),
            None => Ok(None),
        };
    };
    let n_days = horizon.div_ceil(DAY) as usize;
    let last = date_of(start, n_days as u64 - 1)?;
    let mut keyed = Vec::new();
    for key in days.into_iter().flat_map(|d| d.keys()) {
        let parsed = day_key(key).ok_or_else(|| {
            invalid(
                format!("days.{key}"),
                "is neither a weekday (mon, tue, wed, thu, fri, sat, sun) nor a date YYYY-MM-DD",
            )
        })?;
        if let DayKey::Date(d) = parsed
            && !(start..=last).contains(&d)
        {
            return Err(invalid(
                format!("days.{key}"),
                format!("is not a day of the run (it covers {start} to {last})"),
            ));
        }
        keyed.push((key.clone(), parsed));
    }
    let mut day_keys = Vec::with_capacity(n_days);
    for i in 0..n_days {
        let date = date_of(start, i as u64)?;
        let by_date = keyed
            .iter()
            .filter(|(_, k)| matches!(k, DayKey::Date(d) if *d == date));
        let by_weekday = keyed
            .iter()
            .filter(|(_, k)| matches!(k, DayKey::Weekday(w) if *w == date.weekday()));
        day_keys.push(by_date.chain(by_weekday).map(|(k, _)| k.clone()).collect());
    }
    Ok(Some(Calendar { start, day_keys }))
}

fn date_of(start: Date, day: u64) -> Result<Date, Invalid> {
    start
        .checked_add(jiff::Span::new().days(day as i64))
        .map_err(|_| {
            invalid(
                "start",
                format!("{start} plus {day} days is past the calendar"),
            )
        })
}

impl Calendar {
    /// Whether a `[days]`-style key (weekday or date) names day `day`
    /// (negative: before the run); `None` when the key is neither.
    pub fn names(&self, key: &str, day: i64) -> Option<bool> {
        let date = self
            .start
            .checked_add(jiff::Span::new().days(day))
            .unwrap_or(self.start);
        Some(match day_key(key)? {
            DayKey::Weekday(w) => w == date.weekday(),
            DayKey::Date(d) => d == date,
        })
    }

    /// The date of day `day` (0 = the first).
    pub fn date(&self, day: u64) -> Date {
        date_of(self.start, day).unwrap_or(self.start)
    }

    /// `Wed 2026-11-11`.
    pub fn day_label(&self, day: u64) -> String {
        let date = self.date(day);
        let name = WEEKDAYS
            .iter()
            .find(|(_, w)| *w == date.weekday())
            .map_or("", |(k, _)| k);
        let mut name = name.to_string();
        if let Some(c) = name.get_mut(..1) {
            c.make_ascii_uppercase();
        }
        format!("{name} {date}")
    }

    /// `Wed 2026-11-11 08:30` for a time since the start.
    pub fn time_label(&self, t: SimTime) -> String {
        let tod = t % DAY;
        format!(
            "{} {:02}:{:02}",
            self.day_label(t / DAY),
            tod / HOUR,
            (tod % HOUR) / MINUTE
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> RawDay {
        RawDay {
            factor: Some(1.0),
            rate: None,
            curve: None,
            surges: None,
            busyness: None,
            roster: None,
            staff: None,
        }
    }

    #[test]
    fn a_date_comes_before_its_weekday_and_labels_name_the_day() {
        let mut days = IndexMap::new();
        days.insert("wed".to_string(), day());
        days.insert("2026-11-11".to_string(), day());
        // 2026-11-05 is a Thursday; the 11th is a Wednesday.
        let c = calendar(Some("2026-11-05"), Some(&days), 7 * DAY)
            .unwrap()
            .unwrap();
        assert_eq!(c.day_keys.len(), 7);
        assert_eq!(c.day_keys[6], ["2026-11-11", "wed"]);
        assert!(c.day_keys[..6].iter().all(Vec::is_empty));
        assert_eq!(c.day_label(6), "Wed 2026-11-11");
        assert_eq!(
            c.time_label(2 * DAY + 8 * HOUR + 30 * MINUTE),
            "Sat 2026-11-07 08:30"
        );
    }

    #[test]
    fn bad_keys_and_missing_start_name_the_key() {
        let mut days = IndexMap::new();
        days.insert("2026-12-01".to_string(), day());
        let e = calendar(Some("2026-11-05"), Some(&days), 7 * DAY).unwrap_err();
        assert_eq!(e.0, "days.2026-12-01");
        assert!(e.1.contains("2026-11-05 to 2026-11-11"), "{}", e.1);
        let e = calendar(None, Some(&days), DAY).unwrap_err();
        assert!(e.1.contains("start = "), "{}", e.1);
        let mut days = IndexMap::new();
        days.insert("friday".to_string(), day());
        let e = calendar(Some("2026-11-05"), Some(&days), DAY).unwrap_err();
        assert_eq!(e.0, "days.friday");
        let e = calendar(Some("11/05/2026"), None, DAY).unwrap_err();
        assert_eq!(e.0, "start");
    }
}
