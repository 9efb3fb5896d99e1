//! The busyness coefficient of variation from several weeks of counts,
//! `arrivals.busyness = { csv = { file, date, count, weekdays } }`.
//!
//! peakdesk multiplies each day's rate by a gamma factor G with mean 1 and
//! coefficient of variation cv (`demand/arrivals.rs`), so a day's count N
//! with expected volume m is Poisson given G and Var(N) = m + m^2 cv^2: the
//! Poisson part (m) is noise any day has, the rest is busyness. The method
//! of moments on daily totals gives cv^2 = (s^2 - mean) / mean^2, pooled
//! over weekdays when `weekdays = true` (each weekday its own mean, so the
//! weekly pattern is not taken for busyness), weighted by degrees of
//! freedom. Its standard error is the delta method's, with the variance of
//! the sample variance from the Poisson-gamma (negative binomial)
//! cumulants at the estimate.
//!
//! Rows of one date are added up, so a file of daily totals and a file of
//! counts per interval with their date (the export `curve_csv` reads) both
//! work. Every date should be a whole day.

use super::{Calibration, Fail, column, count, only_keys, read, text};
use crate::stats::normal_quantile;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// A method-of-moments busyness estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The estimate of cv^2 (may be below 0 when days vary less than
    /// Poisson noise).
    pub cv2: f64,
    /// Its standard error.
    pub se_cv2: f64,
    /// The coefficient of variation, sqrt(max(cv2, 0)).
    pub cv: f64,
    /// 95% interval of cv (from the interval of cv^2, cut at 0).
    pub ci95: [f64; 2],
    /// Degrees of freedom: days less one per group.
    pub df: usize,
}

/// Pools groups of daily totals (one group, or one per weekday); groups
/// of fewer than two days add nothing. `None` with under 2 degrees of
/// freedom or a group whose mean is 0.
pub fn estimate(groups: &[Vec<f64>]) -> Option<Estimate> {
    let used: Vec<&Vec<f64>> = groups.iter().filter(|g| g.len() >= 2).collect();
    let df: usize = used.iter().map(|g| g.len() - 1).sum();
    if df < 2 {
        return None;
    }
    let moments: Vec<(f64, f64, f64)> = used
        .iter()
        .map(|g| {
            let n = g.len() as f64;
            let m = g.iter().sum::<f64>() / n;
            let s2 = g.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
            (n, m, s2)
        })
        .collect();
    if moments.iter().any(|&(_, m, _)| m <= 0.0) {
        return None;
    }
    let cv2 = moments
        .iter()
        .map(|&(n, m, s2)| (n - 1.0) * (s2 - m) / (m * m))
        .sum::<f64>()
        / df as f64;
    let c = cv2.max(0.0);
    // Var of each group's (s2 - m) / m^2 by the delta method, with the
    // negative binomial's cumulants at the estimate.
    let var: f64 = moments
        .iter()
        .map(|&(n, m, _)| {
            let k2 = m + m * m * c;
            let k3 = m + 3.0 * m * m * c + 2.0 * m.powi(3) * c * c;
            let k4 = m + 7.0 * m * m * c + 12.0 * m.powi(3) * c * c + 6.0 * m.powi(4) * c.powi(3);
            let var_s2 = k4 / n + 2.0 * k2 * k2 / (n - 1.0);
            let (gv, gm) = (1.0 / (m * m), -1.0 / (m * m) - 2.0 * c / m);
            let var_g = gv * gv * var_s2 + gm * gm * k2 / n + 2.0 * gv * gm * k3 / n;
            (n - 1.0).powi(2) * var_g
        })
        .sum::<f64>()
        / (df * df) as f64;
    let se = var.sqrt();
    let z = normal_quantile(0.975);
    Some(Estimate {
        cv2,
        se_cv2: se,
        cv: c.sqrt(),
        ci95: [
            (cv2 - z * se).max(0.0).sqrt(),
            (cv2 + z * se).max(0.0).sqrt(),
        ],
        df,
    })
}

/// The CSV's counts summed by date, and the rows read.
fn daily_totals<R: std::io::Read>(
    rd: &mut csv::Reader<R>,
    (date_col, count_col): (usize, usize),
    shown: &str,
    key_csv: &str,
) -> Result<(BTreeMap<jiff::civil::Date, f64>, usize), Fail> {
    let bad = |m: String| (key_csv.to_string(), m);
    let mut days: BTreeMap<jiff::civil::Date, f64> = BTreeMap::new();
    let mut rows = 0;
    for (i, rec) in rd.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad(format!("'{shown}' line {line}: {e}")))?;
        let date: jiff::civil::Date = rec[date_col].parse().map_err(|_| {
            bad(format!(
                "'{shown}' line {line}: date '{}' is not a date (expected YYYY-MM-DD)",
                &rec[date_col]
            ))
        })?;
        *days.entry(date).or_insert(0.0) += count(&rec[count_col], shown, line, key_csv)?;
        rows += 1;
    }
    Ok((days, rows))
}

/// Daily totals in a CSV to `{ cv }` and its calibration.
pub(super) fn fit(base: &Path, key: &str, spec: &Value) -> Result<(Value, Calibration), Fail> {
    let key_csv = format!("{key}.csv");
    let bad = |m: String| (key_csv.clone(), m);
    only_keys(spec, &["file", "date", "count", "weekdays"], &key_csv)?;
    let file = spec
        .get("file")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("needs `file` (a CSV of counts with their date)".into()))?;
    let weekdays = match spec.get("weekdays") {
        None => true,
        Some(v) => v.as_bool().ok_or_else(|| {
            (
                format!("{key_csv}.weekdays"),
                format!("{v} is not true or false"),
            )
        })?,
    };
    let (shown, mut rd) = read(base, &key_csv, file)?;
    let headers = rd
        .headers()
        .map_err(|e| bad(format!("'{shown}': {e}")))?
        .clone();
    let date_col = column(
        &headers,
        text(spec, "date", "date", &key_csv)?,
        &key_csv,
        &shown,
    )?;
    let count_col = column(
        &headers,
        text(spec, "count", "count", &key_csv)?,
        &key_csv,
        &shown,
    )?;
    let (days, rows) = daily_totals(&mut rd, (date_col, count_col), &shown, &key_csv)?;
    let mut groups: Vec<Vec<f64>> = vec![Vec::new(); if weekdays { 7 } else { 1 }];
    for (date, n) in &days {
        let g = if weekdays {
            date.weekday().to_monday_zero_offset() as usize
        } else {
            0
        };
        groups[g].push(*n);
    }
    let est = estimate(&groups).ok_or_else(|| {
        bad(format!(
            "'{shown}' has {} day(s){}: too few, or a {} without conversations (expected several weeks)",
            days.len(),
            if weekdays { " grouped by weekday" } else { "" },
            if weekdays { "weekday" } else { "history" }
        ))
    })?;
    let mean = days.values().sum::<f64>() / days.len() as f64;
    let cal = Calibration {
        key: key.into(),
        file: shown,
        rows,
        fit: "moments".into(),
        parameters: [
            ("cv".to_string(), est.cv),
            ("cv_squared".to_string(), est.cv2),
            ("cv_squared_se".to_string(), est.se_cv2),
            ("days".to_string(), days.len() as f64),
            ("mean_per_day".to_string(), mean),
            ("weekdays".to_string(), f64::from(u8::from(weekdays))),
        ]
        .into(),
        ci95: [("cv".to_string(), est.ci95)].into(),
        ..Calibration::default()
    };
    Ok((json!({ "cv": est.cv }), cal))
}
