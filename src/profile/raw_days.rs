//! The week as written: `start` (the first day's date) and the `[days]`
//! table, keyed by weekday (`sat`) or date (`"2026-11-11"`), each entry a
//! day that differs from the rest (its traffic, curve, surges, busyness,
//! and the groups' rosters). `calendar` gives it meaning.
#![allow(missing_docs)]

use super::raw::{RawBusyness, RawShift, RawStaff, RawSurge};
use super::units::{Rate, TimeOfDay};
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

/// One `[days.KEY]` entry.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDay {
    /// The day's traffic as a multiple of `arrivals.rate`.
    pub factor: Option<f64>,
    /// The day's traffic, instead of a factor.
    pub rate: Option<Rate>,
    /// The day's own curve (otherwise `arrivals.curve`).
    pub curve: Option<Vec<(TimeOfDay, f64)>>,
    /// Surges on this day only, at times of the day.
    pub surges: Option<Vec<RawSurge>>,
    /// The day's own busyness (a gamma factor per day).
    pub busyness: Option<RawBusyness>,
    /// Rosters of shifts by group name, for this day.
    pub roster: Option<IndexMap<String, Vec<RawShift>>>,
    /// Headcount steps by group name, for this day.
    pub staff: Option<IndexMap<String, RawStaff>>,
}
