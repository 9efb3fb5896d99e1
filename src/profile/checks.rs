//! What every validation step shares: the error a bad value gives (its
//! key path and what is wrong), and the checks several sections make (a
//! name among the profile's names, a probability, a distribution, a time
//! of day as written).

use super::raw::DistSpec;
use crate::dist::{Checked, Dist};
use crate::time::{MINUTE, SimTime};

/// A validation error: the key path and what is wrong with its value.
pub type Invalid = (String, String);

/// Builds an `Invalid`.
pub fn invalid(key: impl Into<String>, message: impl Into<String>) -> Invalid {
    (key.into(), message.into())
}

pub(super) fn dist(key: &str, spec: &DistSpec) -> Result<Option<Dist>, Invalid> {
    match Checked::from_spec(spec).map_err(|e| invalid(key, e.to_string()))? {
        Checked::Never => Ok(None),
        Checked::Sampled(d) => Ok(Some(d)),
    }
}

pub(super) fn some_dist(key: &str, spec: &DistSpec, what: &str) -> Result<Dist, Invalid> {
    dist(key, spec)?.ok_or_else(|| {
        invalid(
            key,
            format!("'none' is not {what} (expected a distribution)"),
        )
    })
}

pub(super) fn probability(key: &str, p: f64) -> Result<f64, Invalid> {
    if p.is_finite() && (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(invalid(
            key,
            format!("{p} is not a probability (expected 0 to 1)"),
        ))
    }
}

pub(super) fn index_of(
    names: &[String],
    name: &str,
    key: &str,
    what: &str,
) -> Result<usize, Invalid> {
    names.iter().position(|n| n == name).ok_or_else(|| {
        invalid(
            key,
            format!(
                "'{name}' is not a {what} of this profile (expected one of: {})",
                names.join(", ")
            ),
        )
    })
}

/// A time of day as a profile writes it: `'08:30'`.
pub fn show_tod(t: SimTime) -> String {
    format!(
        "'{:02}:{:02}'",
        t / crate::time::HOUR,
        (t % crate::time::HOUR) / MINUTE
    )
}
