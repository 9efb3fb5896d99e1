//! A sweep's grid: the values of each `--vary` (a list, or a numeric
//! range), `--scale-staff` as the staffing multiplier's axis, every
//! combination (the first axis varying slowest), and the validated
//! scenario of every point, all checked before any runs.

use super::shards::Job;
use crate::Error;
use crate::profile::{self, Scenario};

/// Why the values of a `--vary` or `--scale-staff` are not a list.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValuesError {
    /// A range with nothing in it.
    #[error("'{0}' is an empty range (expected FROM <= TO and STEP > 0)")]
    EmptyRange(String),
    /// A range too long to run.
    #[error("'{spec}' has {count} values (at most 10,000)")]
    TooMany {
        /// The range as written.
        spec: String,
        /// How many values it has.
        count: usize,
    },
    /// Nothing at all.
    #[error("'{0}' has no values (expected a list such as 0.6,0.7 or a range such as 0.6:0.9:0.1)")]
    None(String),
}

/// Values of `--vary`: a list `a,b,c` or a numeric range `from:to:step`
/// (three numbers and no comma; anything else is a list, so times of day
/// such as `20:00,22:00` are values).
pub fn values(spec: &str) -> Result<Vec<String>, ValuesError> {
    let parts: Vec<&str> = spec.split(':').collect();
    let nums: Option<Vec<f64>> = (parts.len() == 3 && !spec.contains(','))
        .then(|| parts.iter().map(|p| p.trim().parse::<f64>().ok()).collect())
        .flatten();
    if let Some(n) = nums {
        let (from, to, step) = (n[0], n[1], n[2]);
        if step.is_nan() || step <= 0.0 || to < from {
            return Err(ValuesError::EmptyRange(spec.into()));
        }
        let count = ((to - from) / step + 1e-9).floor() as usize + 1;
        if count > 10_000 {
            return Err(ValuesError::TooMany {
                spec: spec.into(),
                count,
            });
        }
        // Round to the step's decimals so 0.1 steps print as 0.7, not 0.7000000000000001.
        let decimals = parts[2]
            .trim()
            .split('.')
            .nth(1)
            .map_or(0, str::len)
            .max(parts[0].trim().split('.').nth(1).map_or(0, str::len));
        return Ok((0..count)
            .map(|i| format!("{:.*}", decimals, from + i as f64 * step))
            .collect());
    }
    let list: Vec<String> = spec
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if list.is_empty() {
        return Err(ValuesError::None(spec.into()));
    }
    Ok(list)
}

/// The grid: every combination of the variations, first varying slowest.
fn grid(axes: &[(String, Vec<String>)]) -> Vec<Vec<String>> {
    axes.iter().fold(vec![Vec::new()], |acc, (path, vals)| {
        acc.into_iter()
            .flat_map(|prefix| {
                vals.iter().map(move |v| {
                    let mut p = prefix.clone();
                    p.push(format!("{path}={v}"));
                    p
                })
            })
            .collect()
    })
}

/// The profile's own staffing multiplier (1 when unset), for `--scale-staff`.
fn base_multiplier(job: &Job) -> Result<f64, Error> {
    let text = std::fs::read_to_string(&job.profile).unwrap_or_default();
    let tree: toml::Value = toml::from_str(&text).unwrap_or(toml::Value::Table(Default::default()));
    let from_sets = job
        .set
        .iter()
        .rev()
        .find_map(|s| s.strip_prefix("agents.staffing_multiplier="))
        .and_then(|v| v.parse().ok());
    Ok(from_sets
        .or_else(|| {
            tree.get("agents")
                .and_then(|g| g.get("staffing_multiplier"))
                .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
        })
        .unwrap_or(1.0))
}

/// The grid of a sweep and the validated scenario of every point.
pub fn plan(job: &Job) -> Result<(Vec<Vec<String>>, Vec<Scenario>), Error> {
    let mut axes = Vec::new();
    for v in &job.vary {
        let (path, spec) = v.split_once('=').ok_or_else(|| {
            Error::Usage(format!(
                "--vary {v}: expected PATH=VALUES (e.g. questions.product.bot=0.6:0.9:0.1)"
            ))
        })?;
        axes.push((
            path.trim().to_string(),
            values(spec).map_err(|m| Error::Usage(format!("--vary {v}: {m}")))?,
        ));
    }
    if let Some(spec) = &job.scale_staff {
        let base = base_multiplier(job)?;
        let factors =
            values(spec).map_err(|m| Error::Usage(format!("--scale-staff {spec}: {m}")))?;
        let mut scaled = Vec::new();
        for f in factors {
            let x: f64 = f.parse().map_err(|_| {
                Error::Usage(format!("--scale-staff {spec}: '{f}' is not a factor"))
            })?;
            scaled.push(format!("{}", (base * x * 1e9).round() / 1e9));
        }
        axes.push(("agents.staffing_multiplier".into(), scaled));
    }
    if axes.is_empty() {
        return Err(Error::Usage(
            "nothing to sweep (give --vary PATH=VALUES or --scale-staff FACTORS)".into(),
        ));
    }
    let points = grid(&axes);
    // Validate every point before running any.
    let scenarios: Vec<Scenario> = points
        .iter()
        .map(|set| {
            let mut sets = job.set.clone();
            sets.extend(set.iter().cloned());
            let mut sc = profile::load(&job.profile, &sets)?;
            if let Some(seed) = job.seed {
                sc.seed = seed;
            }
            Ok(sc)
        })
        .collect::<Result<_, profile::ProfileError>>()?;
    Ok((points, scenarios))
}
