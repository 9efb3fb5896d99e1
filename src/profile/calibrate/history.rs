//! Patience from a history of conversations, `{ csv = { file, wait,
//! outcome, fit, where } }`: every row is a shopper who waited for a human
//! and then either was answered or left. A shopper who left shows their
//! patience; one who was answered shows only that their patience was
//! longer than the wait (right-censored). Fitting the leavers alone, as the
//! durations form does, keeps the impatient and drops the patient, so
//! patience comes out too short; here both kinds of row count
//! ([`super::censored`]).
//!
//! Outcome spellings (case and surrounding spaces ignored): left is
//! `left`, `abandoned` or `gave_up`; answered is `answered`, `served` or
//! `handled`. Any other value is an error naming the line.

use super::censored::{self, KaplanMeier, Obs};
use super::{Calibration, Fail, column, keeps, only_keys, read, row_filter, text};
use crate::profile::units::Duration;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// Spellings of a shopper who left (the event).
pub const LEFT: [&str; 3] = ["left", "abandoned", "gave_up"];
/// Spellings of a shopper who was answered (censored).
pub const ANSWERED: [&str; 3] = ["answered", "served", "handled"];

/// Whether an outcome means the shopper left; `None` for an unknown spelling.
pub fn left(outcome: &str) -> Option<bool> {
    let o = outcome.trim().to_ascii_lowercase();
    if LEFT.contains(&o.as_str()) {
        Some(true)
    } else if ANSWERED.contains(&o.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// A conversation history to a patience distribution and its calibration.
pub(super) fn patience(base: &Path, key: &str, spec: &Value) -> Result<(Value, Calibration), Fail> {
    let key_csv = format!("{key}.csv");
    only_keys(spec, &["file", "wait", "outcome", "fit", "where"], &key_csv)?;
    if !key.ends_with("patience") {
        return Err((
            key_csv,
            "a history of waits and outcomes calibrates patience only (shoppers.patience, \
             segments.NAME.patience, channels.NAME.patience)"
                .into(),
        ));
    }
    let fit = text(spec, "fit", "empirical", &key_csv)?;
    if !["empirical", "exponential", "weibull"].contains(&fit) {
        return Err((
            format!("{key_csv}.fit"),
            format!(
                "'{fit}' is not a fit for censored waits (expected empirical, exponential or weibull)"
            ),
        ));
    }
    let (shown, obs, filter) = rows(base, &key_csv, spec, fit)?;
    let events = obs.iter().filter(|o| o.event).count();
    let km = KaplanMeier::new(&obs);
    let masses = km.masses().unwrap_or_default();
    let km_mean: f64 = masses.iter().map(|(t, p)| t * p).sum();
    let mut cal = Calibration {
        key: key.into(),
        file: shown,
        rows: obs.len(),
        censored: Some(obs.len() - events),
        filter,
        fit: fit.into(),
        sample_mean_s: Some(km_mean),
        ..Calibration::default()
    };
    let fitted = match fit {
        "exponential" => censored::exponential(&obs),
        "weibull" => censored::weibull(&obs),
        _ => None,
    };
    let value = match fitted {
        None => {
            let rows: Vec<Value> = masses.iter().map(|(t, p)| json!([t, p])).collect();
            cal.parameters = [
                ("values".to_string(), masses.len() as f64),
                ("survival_at_last".to_string(), km.remaining()),
                ("last_wait_s".to_string(), km.last),
            ]
            .into();
            cal.fitted_mean_s = Some(km_mean);
            json!({ "empirical": rows })
        }
        Some(f) => {
            cal.ks_distance = Some(km.distance(&*f.survival));
            cal.fitted_mean_s = Some(f.mean);
            cal.parameters = f
                .parameters
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect();
            cal.ci95 = f.ci95.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            let p = |name: &str| cal.parameters[name];
            if fit == "weibull" {
                json!({ "weibull": { "scale": p("scale_s"), "shape": p("shape") } })
            } else {
                json!({ "exponential": p("mean_s") })
            }
        }
    };
    Ok((value, cal))
}

/// The file as shown, the kept rows as observations, and the `where`
/// filter as given.
type Rows = (String, Vec<Obs>, BTreeMap<String, String>);

/// Reads the kept rows; at least two shoppers who left.
fn rows(base: &Path, key_csv: &str, spec: &Value, fit: &str) -> Result<Rows, Fail> {
    let bad = |m: String| (key_csv.to_string(), m);
    let file = spec
        .get("file")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("needs `file` (a CSV of conversations)".into()))?;
    let (shown, mut rd) = read(base, key_csv, file)?;
    let headers = rd
        .headers()
        .map_err(|e| bad(format!("'{shown}': {e}")))?
        .clone();
    let wait_col = column(
        &headers,
        text(spec, "wait", "wait_s", key_csv)?,
        key_csv,
        &shown,
    )?;
    let out_col = column(
        &headers,
        text(spec, "outcome", "outcome", key_csv)?,
        key_csv,
        &shown,
    )?;
    let (cols, filter) = row_filter(spec, &headers, key_csv, &shown)?;
    let mut obs = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| bad(format!("'{shown}' line {line}: {e}")))?;
        if !keeps(&rec, &cols) {
            continue;
        }
        let t = Duration::parse(&rec[wait_col])
            .map_err(|m| bad(format!("'{shown}' line {line}: wait {m}")))?
            .secs();
        let event = left(&rec[out_col]).ok_or_else(|| {
            bad(format!(
                "'{shown}' line {line}: outcome '{}' is neither left ({}) nor answered ({})",
                &rec[out_col],
                LEFT.join(", "),
                ANSWERED.join(", ")
            ))
        })?;
        if event && t == 0.0 && fit == "weibull" {
            return Err(bad(format!(
                "'{shown}' line {line}: a shopper left after 0s, which a weibull fit cannot hold (expected waits above 0)"
            )));
        }
        obs.push(Obs { t, event });
    }
    let events = obs.iter().filter(|o| o.event).count();
    if events < 2 {
        return Err(bad(format!(
            "'{shown}' has {} row(s){}, {events} of them left (expected at least 2 shoppers who left)",
            obs.len(),
            if cols.is_empty() {
                ""
            } else {
                " matching `where`"
            }
        )));
    }
    Ok((shown, obs, filter))
}
