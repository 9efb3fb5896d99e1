//! Validation of the arrival process: the rate, the daily curve (closed
//! over midnight and normalised to a mean of 1), surges and busyness, and
//! the days of the week that differ (`[days]`: their own factor or rate,
//! curve, surges and busyness), resolved for every day of the run.

use super::calendar::Calendar;
use super::checks::{Invalid, invalid, show_tod};
use super::raw::RawDay;
use super::raw::{RawArrivals, RawBusyness, RawSurge};
use super::scenario::{ArrivalPlan, Busyness, DayArrivals, DayBusyness, Surge};
use super::units::TimeOfDay;
use crate::time::{DAY, SimTime};
use indexmap::IndexMap;

/// Validates `[arrivals]`, with the `[days]` entries that change traffic.
pub(super) fn arrivals(
    raw: &RawArrivals,
    calendar: Option<&Calendar>,
    days: Option<&IndexMap<String, RawDay>>,
) -> Result<ArrivalPlan, Invalid> {
    if raw.rate.0 <= 0.0 {
        return Err(invalid(
            "arrivals.rate",
            format!("{}/s is not a positive rate", raw.rate.0),
        ));
    }
    let curve = curve("arrivals.curve", raw.curve.as_deref().unwrap_or(&[]))?;
    let mut surges = Vec::new();
    for (i, s) in raw.surges.iter().flatten().enumerate() {
        surges.push(surge(&format!("arrivals.surges[{i}]"), s, false)?);
    }
    let busyness = match &raw.busyness {
        None => None,
        Some(b) => {
            let cv = busyness_cv("arrivals.busyness", b)?;
            let period = b.per.map_or(DAY, |d| d.0);
            if period == 0 {
                return Err(invalid("arrivals.busyness.per", "must be longer than 0s"));
            }
            (cv > 0.0).then_some(Busyness { cv, period })
        }
    };
    let mut plan = ArrivalPlan {
        rate_per_s: raw.rate.0,
        curve,
        surges,
        busyness,
        days: Vec::new(),
    };
    if let (Some(cal), Some(days)) = (calendar, days) {
        plan.days = day_arrivals(&mut plan, cal, days)?;
    }
    Ok(plan)
}

/// One surge; `of_day` for a `[days]` entry's (at a time of that day).
fn surge(key: &str, s: &RawSurge, of_day: bool) -> Result<Surge, Invalid> {
    let key = |k: &str| format!("{key}.{k}");
    if !(s.multiplier.is_finite() && s.multiplier >= 0.0) {
        return Err(invalid(
            key("multiplier"),
            format!("{} is not a factor >= 0", s.multiplier),
        ));
    }
    if s.length.0 == 0 {
        return Err(invalid(
            key("for"),
            "0s is too short (expected a duration longer than 0s)",
        ));
    }
    let daily = s.daily.unwrap_or(false);
    if of_day && (s.daily.is_some() || s.at.0 >= DAY) {
        return Err(invalid(
            key("at"),
            "a day's surge starts at a time of that day (HH:MM) and is not `daily`",
        ));
    }
    if daily && (s.at.0 >= DAY || s.length.0 > DAY) {
        return Err(invalid(
            key("at"),
            "a daily surge must start within the day and last at most 24h",
        ));
    }
    Ok(Surge {
        start: s.at.0,
        length: s.length.0,
        multiplier: s.multiplier,
        daily,
    })
}

fn busyness_cv(key: &str, b: &RawBusyness) -> Result<f64, Invalid> {
    if !(b.cv.is_finite() && b.cv >= 0.0) {
        return Err(invalid(
            format!("{key}.cv"),
            format!("{} is not a coefficient of variation >= 0", b.cv),
        ));
    }
    Ok(b.cv)
}

/// What one `[days]` entry says about traffic (`None`: it does not say).
#[derive(Default)]
struct DayTraffic {
    factor: Option<f64>,
    curve: Option<Vec<(SimTime, f64)>>,
    busyness: Option<DayBusyness>,
    surges: Option<Vec<Surge>>,
}

fn day_traffic(name: &str, d: &RawDay, plan: &ArrivalPlan) -> Result<DayTraffic, Invalid> {
    let key = |k: &str| format!("days.{name}.{k}");
    let factor = match (d.factor, d.rate) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                key("rate"),
                "and `factor` are both given (expected one of them)",
            ));
        }
        (Some(f), None) if !(f.is_finite() && f >= 0.0) => {
            return Err(invalid(key("factor"), format!("{f} is not a factor >= 0")));
        }
        (None, Some(r)) if !(r.0.is_finite() && r.0 >= 0.0) => {
            return Err(invalid(
                key("rate"),
                format!("{}/s is not a rate >= 0", r.0),
            ));
        }
        (f, r) => f.or(r.map(|r| r.0 / plan.rate_per_s)),
    };
    let curve = match &d.curve {
        Some(points) => Some(curve(&key("curve"), points)?),
        None => None,
    };
    let busyness = match &d.busyness {
        None => None,
        Some(b) if b.per.is_some() => {
            return Err(invalid(
                key("busyness.per"),
                "a day's busyness is one factor for the whole day (`per` belongs to arrivals.busyness)",
            ));
        }
        Some(_) if plan.busyness.is_some_and(|b| b.period != DAY) => {
            return Err(invalid(
                key("busyness"),
                "needs arrivals.busyness to be drawn per day (its `per` is not 1d)",
            ));
        }
        Some(b) => Some(DayBusyness::Cv(busyness_cv(&key("busyness"), b)?)),
    };
    let surges = match &d.surges {
        Some(list) => Some(
            list.iter()
                .enumerate()
                .map(|(i, s)| surge(&format!("days.{name}.surges[{i}]"), s, true))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        None => None,
    };
    Ok(DayTraffic {
        factor,
        curve,
        busyness,
        surges,
    })
}

/// Every day's traffic when some `[days]` entry changes it (empty when
/// every day is alike). Each property comes from the first entry of the
/// day that gives it (the date's, then the weekday's); the entries'
/// surges join the plan's, placed on their days.
fn day_arrivals(
    plan: &mut ArrivalPlan,
    cal: &Calendar,
    days: &IndexMap<String, RawDay>,
) -> Result<Vec<DayArrivals>, Invalid> {
    let mut said: IndexMap<&str, DayTraffic> = IndexMap::new();
    for (name, d) in days {
        said.insert(name, day_traffic(name, d, plan)?);
    }
    let changes = said.values().any(|t| {
        t.factor.is_some() || t.curve.is_some() || t.busyness.is_some() || t.surges.is_some()
    });
    if !changes {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(cal.day_keys.len());
    for (i, keys) in cal.day_keys.iter().enumerate() {
        let entries: Vec<&DayTraffic> = keys.iter().map(|k| &said[k.as_str()]).collect();
        let first = |f: &dyn Fn(&DayTraffic) -> bool| entries.iter().find(|t| f(t)).copied();
        for s in first(&|t| t.surges.is_some())
            .and_then(|t| t.surges.as_ref())
            .into_iter()
            .flatten()
        {
            plan.surges.push(Surge {
                start: s.start + i as SimTime * DAY,
                ..*s
            });
        }
        out.push(DayArrivals {
            factor: entries.iter().find_map(|t| t.factor).unwrap_or(1.0),
            curve: entries
                .iter()
                .find_map(|t| t.curve.clone())
                .unwrap_or_else(|| plan.curve.clone()),
            busyness: entries
                .iter()
                .find_map(|t| t.busyness)
                .unwrap_or(DayBusyness::Base),
        });
    }
    Ok(out)
}

/// Checks the curve's points and returns it covering [0, 24:00], mean 1.
pub(super) fn curve(
    key: &str,
    points: &[(TimeOfDay, f64)],
) -> Result<Vec<(SimTime, f64)>, Invalid> {
    if points.is_empty() {
        return Ok(vec![(0, 1.0), (DAY, 1.0)]);
    }
    for (i, (at, level)) in points.iter().enumerate() {
        if !(level.is_finite() && *level >= 0.0) {
            return Err(invalid(
                format!("{key}[{i}][1]"),
                format!("{level} is not a level >= 0"),
            ));
        }
        if i > 0 && at.0 <= points[i - 1].0.0 {
            return Err(invalid(
                format!("{key}[{i}][0]"),
                format!(
                    "{} does not come after the previous point's {} (points must be in time order)",
                    show_tod(at.0),
                    show_tod(points[i - 1].0.0)
                ),
            ));
        }
    }
    let mut pts: Vec<(SimTime, f64)> = points.iter().map(|(t, v)| (t.0, *v)).collect();
    let (first, last) = (pts[0], pts[pts.len() - 1]);
    // The day repeats: the stretch from the last point to the first point of
    // the next day is a straight line, which gives the levels at 00:00 and 24:00.
    let wrap_len = first.0 + DAY - last.0;
    let at_midnight = if wrap_len == 0 || wrap_len == DAY {
        first.1
    } else {
        last.1 + (first.1 - last.1) * (DAY - last.0) as f64 / wrap_len as f64
    };
    if first.0 > 0 {
        pts.insert(0, (0, if last.0 == DAY { last.1 } else { at_midnight }));
    }
    if last.0 < DAY {
        pts.push((DAY, pts[0].1));
    }
    let area: f64 = pts
        .windows(2)
        .map(|w| (w[0].1 + w[1].1) / 2.0 * (w[1].0 - w[0].0) as f64)
        .sum();
    if area <= 0.0 {
        return Err(invalid(
            key,
            "every level is 0 (expected some level above 0)",
        ));
    }
    let mean = area / DAY as f64;
    Ok(pts.into_iter().map(|(t, v)| (t, v / mean)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR;

    #[test]
    fn curve_wraps_over_midnight_and_averages_to_one() {
        let pts = [(TimeOfDay(6 * HOUR), 1.0), (TimeOfDay(18 * HOUR), 3.0)];
        let c = curve("arrivals.curve", &pts).unwrap();
        assert_eq!(c.first().unwrap().0, 0);
        assert_eq!(c.last().unwrap().0, DAY);
        // 18:00 -> 06:00 falls linearly from 3 to 1, so midnight is 2.
        assert!((c[0].1 / c[1].1 - 2.0).abs() < 1e-12);
        let area: f64 = c
            .windows(2)
            .map(|w| (w[0].1 + w[1].1) / 2.0 * (w[1].0 - w[0].0) as f64)
            .sum();
        assert!((area / DAY as f64 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn out_of_order_points_are_named() {
        let pts = [(TimeOfDay(6 * HOUR), 1.0), (TimeOfDay(5 * HOUR), 3.0)];
        let (key, msg) = curve("arrivals.curve", &pts).unwrap_err();
        assert_eq!(key, "arrivals.curve[1][0]");
        assert!(
            msg.contains("'05:00' does not come after the previous point's '06:00'"),
            "{msg}"
        );
    }
}
