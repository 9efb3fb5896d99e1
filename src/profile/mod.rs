//! The scenario language: read a profile (TOML, or JSON), apply `--set`
//! overrides, check every key and value, and produce a validated
//! [`Scenario`] before anything runs.
//!
//! Every error names the file, the key path (`agents.groups[1].staff`), the
//! bad value and what was expected, so that one message is enough to fix it.

pub mod calendar;
pub mod calibrate;
pub mod checks;
mod day_rosters;
pub mod desk;
pub mod overrides;
pub mod raw;
pub mod scenario;
pub mod schema;
pub mod units;
mod validate;
mod validate_agents;
mod validate_arrivals;
mod validate_bot;
mod validate_desk;

pub use checks::{Invalid, invalid};
pub use overrides::Override;
pub use scenario::{
    ArrivalPlan, Busyness, DayArrivals, DayBusyness, GroupPlan, KPIS, Scenario, Surge,
};

use serde_json::Value;
use std::path::Path;

/// Why a profile could not become a scenario.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file could not be read.
    #[error("{file}: cannot read the profile: {source}")]
    Read {
        /// The file named on the command line.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not well-formed TOML or JSON.
    #[error("{file}: {message}")]
    Syntax {
        /// The profile file.
        file: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A key or value is wrong.
    #[error("{file}: {key}: {message}")]
    Invalid {
        /// The profile file.
        file: String,
        /// The dotted key path.
        key: String,
        /// The bad value and what was expected.
        message: String,
    },
    /// A `--set` argument cannot be applied.
    #[error("--set {arg}: {source}")]
    Override {
        /// The argument as given.
        arg: String,
        /// What is wrong with it.
        source: overrides::OverrideError,
    },
}

impl ProfileError {
    /// A wrong key or value in `file` at `key`.
    pub fn invalid(file: &str, key: &str, message: String) -> ProfileError {
        ProfileError::Invalid {
            file: file.to_string(),
            key: key.to_string(),
            message,
        }
    }
}

/// Reads, overrides and validates a profile file.
pub fn load(path: &Path, sets: &[String]) -> Result<Scenario, ProfileError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
        file: file.clone(),
        source,
    })?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    parse(&file, &text, is_json, sets)
}

/// Parses profile text (TOML, or JSON when `is_json`) named `file`.
pub fn parse(
    file: &str,
    text: &str,
    is_json: bool,
    sets: &[String],
) -> Result<Scenario, ProfileError> {
    let syntax = |message: String| ProfileError::Syntax {
        file: file.to_string(),
        message,
    };
    let mut tree: Value = if is_json {
        serde_json::from_str(text).map_err(|e| syntax(format!("not valid JSON: {e}")))?
    } else {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| syntax(toml_syntax(text, e.message(), e.span())))?;
        if let Some((key, x)) = overrides::non_finite(&toml::Value::Table(table.clone())) {
            return Err(ProfileError::Invalid {
                file: file.to_string(),
                key,
                message: overrides::not_finite(x),
            });
        }
        serde_json::to_value(overrides::dates_as_text(toml::Value::Table(table)))
            .map_err(|e| syntax(format!("not valid TOML: {e}")))?
    };
    let mut applied = Vec::new();
    for arg in sets {
        let bad = |source| ProfileError::Override {
            arg: arg.clone(),
            source,
        };
        let ov = overrides::parse(arg).map_err(bad)?;
        overrides::apply(&mut tree, &ov).map_err(bad)?;
        applied.push(ov);
    }
    let base = Path::new(file).parent().unwrap_or(Path::new("."));
    let calibration =
        calibrate::apply(&mut tree, base).map_err(|(key, message)| ProfileError::Invalid {
            file: file.to_string(),
            key,
            message,
        })?;
    let raw: raw::RawProfile = serde_path_to_error::deserialize(tree).map_err(|e| {
        let key = e.path().to_string();
        let mut message = with_suggestion(&e.inner().to_string());
        if let Some(ov) = applied
            .iter()
            .rev()
            .find(|o| key.starts_with(&o.path) || o.path.starts_with(&key))
        {
            message.push_str(&format!(" (set by --set {}={})", ov.path, ov.value));
        }
        ProfileError::Invalid {
            file: file.to_string(),
            key: if key == "." { "profile".into() } else { key },
            message,
        }
    })?;
    let invalid = |(key, message)| ProfileError::Invalid {
        file: file.to_string(),
        key,
        message,
    };
    let mut scenario = validate::scenario(file, raw, applied, calibration).map_err(invalid)?;
    scenario.rules =
        crate::sla::rules::rules(&scenario, scenario.sla.as_ref(), None, &[]).map_err(invalid)?;
    Ok(scenario)
}

/// Adds "did you mean" to serde's unknown-field and unknown-variant messages.
pub(crate) fn with_suggestion(message: &str) -> String {
    let Some(rest) = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))
    else {
        return message.to_string();
    };
    let Some((given, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let best = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|cand| (strsim::jaro_winkler(given, cand), cand))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, cand)) => format!("{message} (did you mean `{cand}`?)"),
        None => message.to_string(),
    }
}

/// A TOML syntax error on one line: `not valid TOML: line 2, column 11:
/// string values must be quoted, expected literal string`.
pub fn toml_syntax(text: &str, message: &str, span: Option<std::ops::Range<usize>>) -> String {
    let message = message.trim().replace('\n', "; ");
    let Some(before) = span.and_then(|r| text.get(..r.start)) else {
        return format!("not valid TOML: {message}");
    };
    let line = before.matches('\n').count() + 1;
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    format!("not valid TOML: line {line}, column {column}: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
        horizon = "1h"
        [arrivals]
        rate = "1/s"
        [[agents.groups]]
        name = "pool"
        staff = 2
        handle = { exponential = "1s" }
    "#;

    fn err(text: &str, sets: &[&str]) -> String {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        parse("p.toml", text, false, &sets).unwrap_err().to_string()
    }

    #[test]
    fn minimal_profile_is_valid() {
        let s = parse("p.toml", MINIMAL, false, &[]).unwrap();
        assert_eq!(s.groups.len(), 1);
        assert_eq!(s.seed, 1);
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let e = err(&MINIMAL.replace("staff = 2", "staf = 2"), &[]);
        assert!(
            e.starts_with("p.toml: agents.groups[0].staf: unknown field `staf`"),
            "{e}"
        );
        assert!(e.contains("did you mean `staff`?"), "{e}");
        let e = err(&MINIMAL.replace("exponential", "exponentail"), &[]);
        assert!(
            e.contains("agents.groups[0].handle: unknown variant `exponentail`"),
            "{e}"
        );
        assert!(e.contains("did you mean `exponential`?"), "{e}");
    }

    #[test]
    fn wrong_values_name_path_value_and_form() {
        let e = err(&MINIMAL.replace("\"1/s\"", "\"fast\""), &[]);
        assert_eq!(
            e,
            "p.toml: arrivals.rate: 'fast' is not a rate with its unit, such as \"2/s\", \"120/min\", \"7200/h\", \"150000/day\""
        );
        let e = err(MINIMAL, &["agents.groups[0].staff=-3"]);
        assert!(
            e.contains("agents.groups[0].staff: -3 is not a headcount"),
            "{e}"
        );
        assert!(
            e.contains("(set by --set agents.groups[0].staff=-3)"),
            "{e}"
        );
    }

    #[test]
    fn overrides_reach_the_scenario_and_are_listed() {
        let s = parse(
            "p.toml",
            MINIMAL,
            false,
            &["agents.groups[0].staff=7".into()],
        )
        .unwrap();
        assert_eq!(s.groups[0].staff_at(0), 7);
        assert_eq!(s.overrides[0].path, "agents.groups[0].staff");
        let e = err(MINIMAL, &["agents.grops[0].staff=7"]);
        assert!(e.starts_with("--set agents.grops[0].staff=7: "), "{e}");
        let e = err(MINIMAL, &["arrivals.rte=2"]);
        assert!(e.contains("did you mean `rate`?"), "{e}");
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let e = err("horizon = \n", &[]);
        assert!(e.starts_with("p.toml: not valid TOML"), "{e}");
        assert!(e.contains("line 1"), "{e}");
    }
}
