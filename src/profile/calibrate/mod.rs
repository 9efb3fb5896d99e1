//! Calibration from a team's own history, applied to the profile tree
//! before it is read: `arrivals.curve_csv` (counts per interval, as a
//! helpdesk exports them) becomes `arrivals.curve` and, unless given,
//! `arrivals.rate`; a distribution written `{ csv = { file, column, fit } }`
//! becomes an empirical table or a fitted lognormal or Weibull; patience
//! written `{ csv = { file, wait, outcome, fit } }` is estimated from
//! conversations with the answered ones as right-censored
//! ([`history`]); `arrivals.busyness = { csv = { file } }` estimates the
//! day-to-day variation from daily totals ([`busyness`]). Each fit is
//! reported (parameters, intervals, means, Kolmogorov-Smirnov distance) in
//! the summary's `calibration` entries.
//!
//! Formats (header row required, comma-separated; paths are relative to
//! the profile's folder):
//! - counts: columns `start` (HH:MM, the interval's start) and `count`;
//!   rows of several days are averaged by time of day.
//! - durations: a column (default `seconds`) of seconds or duration text.
//! - conversations: a wait column and an outcome column (answered or left).
//! - daily totals: a `date` column and a `count` column, rows of one date
//!   added up.
//!
//! A `where = { column = "value" }` table keeps only the matching rows of
//! a durations or conversations file.

pub mod busyness;
pub mod censored;
pub mod history;
pub mod synthetic;
#[cfg(test)]
mod tests;

use super::units::{Duration, TimeOfDay};
use crate::stats::{erf, ln_gamma};
use crate::time::{DAY, SECOND};
use censored::{weibull_scale, weibull_shape};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// What one calibration did, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// The profile key that was calibrated.
    pub key: String,
    /// The CSV file.
    pub file: String,
    /// Data rows read.
    pub rows: usize,
    /// Rows that were right-censored: answered shoppers, whose patience
    /// was at least their wait (conversation histories only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub censored: Option<usize>,
    /// The `where` filter on the file's rows: column to value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, String>,
    /// `curve`, `empirical`, `lognormal`, `exponential`, `weibull`, or
    /// `moments` (busyness).
    pub fit: String,
    /// Fitted parameters (or the curve's daily rate and days).
    pub parameters: BTreeMap<String, f64>,
    /// 95% confidence intervals of parameters, by their names in
    /// `parameters` (censored maximum-likelihood fits and busyness).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ci95: BTreeMap<String, [f64; 2]>,
    /// Mean of the data, seconds (durations only; for a conversation
    /// history, the Kaplan-Meier mean with its tail).
    pub sample_mean_s: Option<f64>,
    /// Mean of the fitted distribution, seconds (durations only).
    pub fitted_mean_s: Option<f64>,
    /// Largest gap between the data's and the fit's CDFs (for a
    /// conversation history, between the Kaplan-Meier curve and the fit
    /// over the observed waits).
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

/// Refuses keys of a `{ csv = ... }` spec other than `allowed`.
fn only_keys(spec: &Value, allowed: &[&str], key: &str) -> Result<(), Fail> {
    let Some(m) = spec.as_object() else {
        return Err((
            key.to_string(),
            format!("{spec} is not a table (expected {{ file = \"data/x.csv\", ... }})"),
        ));
    };
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(extra) => {
            let list: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            Err((
                key.to_string(),
                format!(
                    "unknown field `{extra}`, expected one of {}",
                    list.join(", ")
                ),
            ))
        }
        None => Ok(()),
    }
}

/// A text field of a spec, or its default.
fn text<'a>(spec: &'a Value, name: &str, default: &'a str, key: &str) -> Result<&'a str, Fail> {
    match spec.get(name) {
        None => Ok(default),
        Some(v) => v.as_str().ok_or_else(|| {
            (
                format!("{key}.{name}"),
                format!("{v} is not a text (expected a name, quoted)"),
            )
        }),
    }
}

/// The `where` table of a spec: the columns to match and the filter as given.
type RowFilter = (Vec<(usize, String)>, BTreeMap<String, String>);

fn row_filter(
    spec: &Value,
    headers: &csv::StringRecord,
    key: &str,
    shown: &str,
) -> Result<RowFilter, Fail> {
    let mut cols = Vec::new();
    let mut given = BTreeMap::new();
    let Some(table) = spec.get("where") else {
        return Ok((cols, given));
    };
    let key_where = format!("{key}.where");
    let map = table.as_object().ok_or_else(|| {
        (
            key_where.clone(),
            format!("{table} is not a table (expected {{ column = \"value\" }})"),
        )
    })?;
    for (name, want) in map {
        let want = want.as_str().ok_or_else(|| {
            (
                format!("{key_where}.{name}"),
                format!("{want} is not a text (expected the column's value, quoted)"),
            )
        })?;
        cols.push((column(headers, name, &key_where, shown)?, want.to_string()));
        given.insert(name.clone(), want.to_string());
    }
    Ok((cols, given))
}

/// Whether a row matches every column of a `where` filter.
fn keeps(rec: &csv::StringRecord, cols: &[(usize, String)]) -> bool {
    cols.iter()
        .all(|(c, want)| rec.get(*c) == Some(want.as_str()))
}

/// A count: a number >= 0.
fn count(text: &str, shown: &str, line: usize, key: &str) -> Result<f64, Fail> {
    text.parse()
        .ok()
        .filter(|c: &f64| c.is_finite() && *c >= 0.0)
        .ok_or_else(|| {
            (
                key.to_string(),
                format!("'{shown}' line {line}: count '{text}' is not a number >= 0"),
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
                let (replacement, cal) = if path == "arrivals.busyness" {
                    busyness::fit(base, &path, &spec)?
                } else if spec.get("outcome").is_some() {
                    history::patience(base, &path, &spec)?
                } else {
                    durations(base, &path, &spec)?
                };
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
        let count = count(&rec[count_col], &shown, line, key)?;
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
        ..Calibration::default()
    };
    Ok((Value::Array(points), per_day, cal))
}

/// A fitted law as the profile writes it, with its parameters, mean and CDF.
type Fitted = (Value, Vec<(&'static str, f64)>, f64, Cdf);

/// A `{ csv = ... }` distribution to an empirical table or a fitted law.
fn durations(base: &Path, key: &str, spec: &Value) -> Result<(Value, Calibration), Fail> {
    let key_csv = format!("{key}.csv");
    let bad = |m: String| (key_csv.clone(), m);
    only_keys(spec, &["file", "column", "fit", "where"], &key_csv)?;
    let file = spec
        .get("file")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("needs `file` (a CSV of durations)".into()))?;
    let col = text(spec, "column", "seconds", &key_csv)?;
    let fit = text(spec, "fit", "empirical", &key_csv)?;
    let (shown, mut rd) = read(base, &key_csv, file)?;
    let headers = rd
        .headers()
        .map_err(|e| bad(format!("'{shown}': {e}")))?
        .clone();
    let c = column(&headers, col, &key_csv, &shown)?;
    let (cols, filter) = row_filter(spec, &headers, &key_csv, &shown)?;
    let mut xs = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| bad(format!("'{shown}' line {}: {e}", i + 2)))?;
        if !keeps(&rec, &cols) {
            continue;
        }
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
            "'{shown}' has {} duration(s){} (expected at least 2)",
            xs.len(),
            if cols.is_empty() {
                ""
            } else {
                " matching `where`"
            }
        )));
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    let sample_mean = xs.iter().sum::<f64>() / n;
    let (value, params, mean, cdf) = fit_durations(&xs, fit, sample_mean).map_err(bad)?;
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
        filter,
        fit: fit.into(),
        parameters: params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        sample_mean_s: Some(sample_mean),
        fitted_mean_s: Some(mean),
        ks_distance: ks,
        ..Calibration::default()
    };
    Ok((value, cal))
}

/// Fits sorted durations (seconds, all above 0 unless `empirical`).
fn fit_durations(xs: &[f64], fit: &str, sample_mean: f64) -> Result<Fitted, String> {
    let n = xs.len() as f64;
    Ok(match fit {
        "empirical" => {
            let mut table: BTreeMap<u64, f64> = BTreeMap::new();
            for x in xs {
                *table.entry((x * 1e6).round() as u64).or_insert(0.0) += 1.0;
            }
            let rows: Vec<Value> = table
                .iter()
                .map(|(us, w)| json!([*us as f64 / 1e6, w]))
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
                json!({ "lognormal": { "mean": mean, "cv": cv } }),
                vec![("mu", mu), ("sigma", sigma), ("cv", cv)],
                mean,
                Box::new(cdf),
            )
        }
        "weibull" => {
            let mean_log = xs.iter().map(|x| x.ln()).sum::<f64>() / n;
            let k = weibull_shape(xs, mean_log);
            let scale = weibull_scale(xs, k, xs.len());
            let mean = scale * ln_gamma(1.0 + 1.0 / k).exp();
            let cdf = move |x: f64| 1.0 - (-(x / scale).powf(k)).exp();
            (
                json!({ "weibull": { "scale": scale, "shape": k } }),
                vec![("shape", k), ("scale_s", scale)],
                mean,
                Box::new(cdf),
            )
        }
        other => {
            return Err(format!(
                "'{other}' is not a fit (expected empirical, lognormal or weibull)"
            ));
        }
    })
}
