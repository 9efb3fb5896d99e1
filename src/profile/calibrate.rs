//! Calibration from a team's own history, applied to the profile tree
//! before it is read: `arrivals.curve_csv` (counts per interval, as a
//! helpdesk exports them) becomes `arrivals.curve` and, unless given,
//! `arrivals.rate`; a distribution written `{ csv = { file, column, fit } }`
//! becomes an empirical table or a fitted lognormal or Weibull. Each fit is
//! reported (parameters, means, Kolmogorov-Smirnov distance) in the summary.
//!
//! Formats (header row required, comma-separated; paths are relative to
//! the profile's folder):
//! - counts: columns `start` (HH:MM, the interval's start) and `count`;
//!   rows of several days are averaged by time of day.
//! - durations: a column (default `seconds`) of seconds or duration text.

use super::units::{Duration, TimeOfDay};
use crate::stats::{erf, ln_gamma};
use crate::time::{DAY, SECOND};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// What one calibration did, for the summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The profile key that was calibrated.
    pub key: String,
    /// The CSV file.
    pub file: String,
    /// Data rows read.
    pub rows: usize,
    /// `curve`, `empirical`, `lognormal` or `weibull`.
    pub fit: String,
    /// Fitted parameters (or the curve's daily rate and days).
    pub parameters: BTreeMap<String, f64>,
    /// Mean of the data, seconds (durations only).
    pub sample_mean_s: Option<f64>,
    /// Mean of the fitted distribution, seconds (durations only).
    pub fitted_mean_s: Option<f64>,
    /// Largest gap between the data's and the fit's CDFs.
    pub ks_distance: Option<f64>,
}

type Fail = (String, String);

/// A fitted cumulative distribution function.
type Cdf = Box<dyn Fn(f64) -> f64>;

fn read(base: &Path, key: &str, file: &str) -> Result<(String, csv::Reader<std::fs::File>), Fail> {
    let path = base.join(file);
    let shown = path.display().to_string();
    let reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(&path)
        .map_err(|e| (key.to_string(), format!("cannot read '{shown}': {e}")))?;
    Ok((shown, reader))
}

fn column(headers: &csv::StringRecord, name: &str, key: &str, shown: &str) -> Result<usize, Fail> {
    headers.iter().position(|h| h == name).ok_or_else(|| {
        let have: Vec<&str> = headers.iter().collect();
        (
            key.to_string(),
            format!(
                "'{shown}' has no column '{name}' (columns: {})",
                have.join(", ")
            ),
        )
    })
}

/// Applies every calibration in the tree, returning what was done.
pub fn apply(tree: &mut Value, base: &Path) -> Result<Vec<Calibration>, Fail> {
    let mut done = Vec::new();
    if let Some(arr) = tree.get_mut("arrivals").and_then(Value::as_object_mut)
        && let Some(file) = arr.remove("curve_csv")
    {
        let key = "arrivals.curve_csv";
        if arr.contains_key("curve") {
            return Err((
                key.into(),
                "and `arrivals.curve` are both given (expected one of them)".into(),
            ));
        }
        let file = file
            .as_str()
            .ok_or_else(|| (key.to_string(), "expected a file name".to_string()))?;
        let (curve, rate, cal) = counts(base, key, file)?;
        arr.insert("curve".into(), curve);
        arr.entry("rate").or_insert(json!(format!("{rate}/day")));
        done.push(cal);
    }
    walk(tree, String::new(), base, &mut done)?;
    Ok(done)
}

fn walk(
    node: &mut Value,
    path: String,
    base: &Path,
    done: &mut Vec<Calibration>,
) -> Result<(), Fail> {
    match node {
        Value::Object(map) => {
            if let Some(spec) = map.get("csv").filter(|_| map.len() == 1).cloned() {
                let (replacement, cal) = durations(base, &path, &spec)?;
                *node = replacement;
                done.push(cal);
                return Ok(());
            }
            for (k, v) in map.iter_mut() {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(v, p, base, done)?;
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                walk(v, format!("{path}[{i}]"), base, done)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Counts per interval to a normalised curve through the intervals' midpoints.
fn counts(base: &Path, key: &str, file: &str) -> Result<(Value, f64, Calibration), Fail> {
    let (shown, mut rd) = read(base, key, file)?;
    let headers = rd
        .headers()
        .map_err(|e| (key.to_string(), format!("'{shown}': {e}")))?
        .clone();
    let (start_col, count_col) = (
        column(&headers, "start", key, &shown)?,
        column(&headers, "count", key, &shown)?,
    );
    let mut by_tod: BTreeMap<u64, (f64, u32)> = BTreeMap::new();
    let mut rows = 0;
    for (i, rec) in rd.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| (key.to_string(), format!("'{shown}' line {line}: {e}")))?;
        let start = TimeOfDay::parse(&rec[start_col])
            .map_err(|m| (key.to_string(), format!("'{shown}' line {line}: start {m}")))?;
        let count: f64 = rec[count_col]
            .parse()
            .ok()
            .filter(|c: &f64| c.is_finite() && *c >= 0.0)
            .ok_or_else(|| {
                (
                    key.to_string(),
                    format!(
                        "'{shown}' line {line}: count '{}' is not a number >= 0",
                        &rec[count_col]
                    ),
                )
            })?;
        let e = by_tod.entry(start.0 % DAY).or_insert((0.0, 0));
        e.0 += count;
        e.1 += 1;
        rows += 1;
    }
    if by_tod.len() < 2 {
        return Err((
            key.to_string(),
            format!("'{shown}' needs counts for at least two intervals of the day"),
        ));
    }
    let starts: Vec<u64> = by_tod.keys().copied().collect();
    let width = starts[1] - starts[0];
    let days = by_tod.values().map(|v| v.1).max().unwrap_or(1) as f64;
    let mut points = Vec::new();
    let mut per_day = 0.0;
    for (i, (start, (sum, n))) in by_tod.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(DAY);
        let len = (end - start).min(width.max(1));
        let mean = sum / f64::from(*n);
        per_day += mean;
        let mid = start + len / 2;
        let level = mean / (len as f64 / SECOND as f64);
        points.push(json!([
            format!(
                "{:02}:{:02}:{:02}",
                mid / 3_600_000_000,
                (mid / 60_000_000) % 60,
                (mid / SECOND) % 60
            ),
            level
        ]));
    }
    let cal = Calibration {
        key: key.into(),
        file: shown,
        rows,
        fit: "curve".into(),
        parameters: [
            ("per_day".to_string(), per_day),
            ("days".to_string(), days),
            ("intervals".to_string(), by_tod.len() as f64),
        ]
        .into(),
        sample_mean_s: None,
        fitted_mean_s: None,
        ks_distance: None,
    };
    Ok((Value::Array(points), per_day, cal))
}

/// A `{ csv = ... }` distribution to an empirical table or a fitted law.
fn durations(base: &Path, key: &str, spec: &Value) -> Result<(Value, Calibration), Fail> {
    let key_csv = format!("{key}.csv");
    let bad = |m: String| (key_csv.clone(), m);
    let file = spec
        .get("file")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("needs `file` (a CSV of durations)".into()))?;
    let col = spec
        .get("column")
        .and_then(Value::as_str)
        .unwrap_or("seconds");
    let fit = spec
        .get("fit")
        .and_then(Value::as_str)
        .unwrap_or("empirical");
    if let Some(extra) = spec.as_object().and_then(|m| {
        m.keys()
            .find(|k| !["file", "column", "fit"].contains(&k.as_str()))
    }) {
        return Err(bad(format!(
            "unknown field `{extra}`, expected one of `file`, `column`, `fit`"
        )));
    }
    let (shown, mut rd) = read(base, &key_csv, file)?;
    let headers = rd
        .headers()
        .map_err(|e| bad(format!("'{shown}': {e}")))?
        .clone();
    let c = column(&headers, col, &key_csv, &shown)?;
    let mut xs = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| bad(format!("'{shown}' line {}: {e}", i + 2)))?;
        let d =
            Duration::parse(&rec[c]).map_err(|m| bad(format!("'{shown}' line {}: {m}", i + 2)))?;
        if d.0 == 0 && fit != "empirical" {
            return Err(bad(format!(
                "'{shown}' line {}: a {fit} fit needs durations above 0",
                i + 2
            )));
        }
        xs.push(d.secs());
    }
    if xs.len() < 2 {
        return Err(bad(format!(
            "'{shown}' has {} duration(s) (expected at least 2)",
            xs.len()
        )));
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    let sample_mean = xs.iter().sum::<f64>() / n;
    let secs = |v: f64| v;
    let (value, params, mean, cdf): (Value, Vec<(&str, f64)>, f64, Cdf) = match fit {
        "empirical" => {
            let mut table: BTreeMap<u64, f64> = BTreeMap::new();
            for x in &xs {
                *table.entry((x * 1e6).round() as u64).or_insert(0.0) += 1.0;
            }
            let rows: Vec<Value> = table
                .iter()
                .map(|(us, w)| json!([secs(*us as f64 / 1e6), w]))
                .collect();
            (
                json!({ "empirical": rows }),
                vec![("values", table.len() as f64)],
                sample_mean,
                Box::new(|_| f64::NAN),
            )
        }
        "lognormal" => {
            let logs: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
            let mu = logs.iter().sum::<f64>() / n;
            let sigma = (logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / n).sqrt();
            let mean = (mu + sigma * sigma / 2.0).exp();
            let cv = ((sigma * sigma).exp() - 1.0).sqrt();
            let cdf =
                move |x: f64| 0.5 * (1.0 + erf((x.ln() - mu) / (sigma * std::f64::consts::SQRT_2)));
            (
                json!({ "lognormal": { "mean": secs(mean), "cv": cv } }),
                vec![("mu", mu), ("sigma", sigma), ("cv", cv)],
                mean,
                Box::new(cdf),
            )
        }
        "weibull" => {
            let k = weibull_shape(&xs);
            let scale = (xs.iter().map(|x| x.powf(k)).sum::<f64>() / n).powf(1.0 / k);
            let mean = scale * ln_gamma(1.0 + 1.0 / k).exp();
            let cdf = move |x: f64| 1.0 - (-(x / scale).powf(k)).exp();
            (
                json!({ "weibull": { "scale": secs(scale), "shape": k } }),
                vec![("shape", k), ("scale_s", scale)],
                mean,
                Box::new(cdf),
            )
        }
        other => {
            return Err(bad(format!(
                "'{other}' is not a fit (expected empirical, lognormal or weibull)"
            )));
        }
    };
    let ks = (fit != "empirical").then(|| {
        xs.iter()
            .enumerate()
            .map(|(i, x)| {
                let f = cdf(*x);
                (f - i as f64 / n).abs().max((f - (i + 1) as f64 / n).abs())
            })
            .fold(0.0, f64::max)
    });
    let cal = Calibration {
        key: key.into(),
        file: shown,
        rows: xs.len(),
        fit: fit.into(),
        parameters: params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        sample_mean_s: Some(sample_mean),
        fitted_mean_s: Some(mean),
        ks_distance: ks,
    };
    Ok((value, cal))
}

/// Maximum-likelihood Weibull shape: the root of
/// sum(x^k ln x) / sum(x^k) - 1/k - mean(ln x), found by bisection.
fn weibull_shape(xs: &[f64]) -> f64 {
    let mean_log = xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64;
    let g = |k: f64| {
        let (mut a, mut b) = (0.0, 0.0);
        for x in xs {
            let p = x.powf(k);
            a += p * x.ln();
            b += p;
        }
        a / b - 1.0 / k - mean_log
    };
    let (mut lo, mut hi): (f64, f64) = (0.02, 50.0);
    for _ in 0..100 {
        let mid = (lo * hi).sqrt();
        if g(mid) > 0.0 { hi = mid } else { lo = mid }
    }
    (lo * hi).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::distr::Distribution;
    use rand::rngs::Xoshiro256PlusPlus;

    #[test]
    fn weibull_fit_recovers_its_parameters() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let w = rand_distr::Weibull::new(90.0, 0.8).unwrap();
        let xs: Vec<f64> = {
            let mut v: Vec<f64> = (0..20_000).map(|_| w.sample(&mut rng)).collect();
            v.sort_by(f64::total_cmp);
            v
        };
        let k = weibull_shape(&xs);
        // The MLE's standard error for k at n = 20,000 is about 0.005.
        assert!((k - 0.8).abs() < 0.03, "{k}");
    }
}
