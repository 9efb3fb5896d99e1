//! `--set PATH=VALUE`: change any profile value by dotted path before
//! validation, so that sweeps, CI jobs and quick experiments never need a
//! copy of the profile.
//!
//! Paths are the ones error messages print: `agents.groups[1].staff`,
//! `arrivals.rate`. A value is read as TOML when it parses (`120`, `0.8`,
//! `[1, 2]`, `{ exponential = "60s" }`) and as a plain string otherwise
//! (`90s`, `2/s`). Missing tables on the way are created; whether the final
//! key exists is then decided by the profile's own schema, so a misspelt key
//! gets the same did-you-mean as in a file.

use serde_json::{Map, Value};

/// One applied override, as the summary lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Override {
    /// The dotted path.
    pub path: String,
    /// The value, as understood.
    pub value: Value,
}

/// One segment of a dotted path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Why a `--set PATH=VALUE` does not apply.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OverrideError {
    /// No `=`.
    #[error("'{0}' is not PATH=VALUE (e.g. agents.groups[0].staff=120)")]
    NotPathValue(String),
    /// An empty key in the path.
    #[error(
        "'{0}' is not a path (expected keys joined by '.', items as [N], e.g. agents.groups[0].staff)"
    )]
    BadPath(String),
    /// A malformed `[N]`.
    #[error("'{part}' in '{path}' has a bad index (expected name[N])")]
    BadIndex {
        /// The path's part with the index.
        part: String,
        /// The whole path.
        path: String,
    },
    /// NaN or an infinity in the value.
    #[error("{path}: {message}")]
    NotFinite {
        /// The key path to the number.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// The value does not convert to the profile's tree.
    #[error("{0}")]
    Value(String),
    /// Indexing a list that is not there.
    #[error("'{at}' has no list '{key}' to index")]
    NoList {
        /// Where the walk was.
        at: String,
        /// The missing key.
        key: String,
    },
    /// An index past the list's end.
    #[error("index {index} is out of range: '{at}' has {len} item(s)")]
    OutOfRange {
        /// The index.
        index: usize,
        /// The list's path.
        at: String,
        /// Its length.
        len: usize,
    },
    /// Setting a key inside something that is not a table.
    #[error("cannot set '{key}' inside '{at}', which is {kind} and not a table")]
    NotTable {
        /// The key.
        key: String,
        /// Where the walk was.
        at: String,
        /// What is there.
        kind: &'static str,
    },
    /// Taking an item of something that is not a list.
    #[error("cannot take item [{index}] of '{at}', which is {kind}")]
    NotList {
        /// The index.
        index: usize,
        /// Where the walk was.
        at: String,
        /// What is there.
        kind: &'static str,
    },
}

fn parse_path(path: &str) -> Result<Vec<Step>, OverrideError> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty() {
            return Err(OverrideError::BadPath(path.into()));
        }
        steps.push(Step::Key(name.to_string()));
        while !rest.is_empty() {
            let close = rest.find(']').filter(|_| rest.starts_with('['));
            let index = close.and_then(|c| rest[1..c].parse::<usize>().ok().map(|i| (i, c)));
            match index {
                Some((i, c)) => {
                    steps.push(Step::Index(i));
                    rest = &rest[c + 1..];
                }
                None => {
                    return Err(OverrideError::BadIndex {
                        part: part.into(),
                        path: path.into(),
                    });
                }
            }
        }
    }
    Ok(steps)
}

/// Reads the value half of `PATH=VALUE`: TOML when it parses, else text.
/// NaN and infinities are refused (JSON has no such numbers: they would
/// turn into "not given" on the way to the profile's types).
fn parse_value(path: &str, text: &str) -> Result<Value, OverrideError> {
    let Some(v) = toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut m| m.remove("v"))
    else {
        return Ok(Value::String(text.to_string()));
    };
    if let Some((inside, x)) = non_finite(&v) {
        let sep = if inside.is_empty() || inside.starts_with('[') {
            ""
        } else {
            "."
        };
        return Err(OverrideError::NotFinite {
            path: format!("{path}{sep}{inside}"),
            message: not_finite(x),
        });
    }
    serde_json::to_value(dates_as_text(v)).map_err(|e| OverrideError::Value(e.to_string()))
}

/// TOML reads `20:00` (unquoted) as a local time and `2026-11-11` as a
/// date; the profile's grammar reads them as text, so they become text.
pub fn dates_as_text(v: toml::Value) -> toml::Value {
    match v {
        toml::Value::Datetime(d) => toml::Value::String(d.to_string()),
        toml::Value::Array(items) => {
            toml::Value::Array(items.into_iter().map(dates_as_text).collect())
        }
        toml::Value::Table(t) => {
            toml::Value::Table(t.into_iter().map(|(k, v)| (k, dates_as_text(v))).collect())
        }
        other => other,
    }
}

/// The key path (`a.b[2].c`) and value of the first NaN or infinity in a
/// TOML value, if any.
pub fn non_finite(v: &toml::Value) -> Option<(String, f64)> {
    match v {
        toml::Value::Float(x) if !x.is_finite() => Some((String::new(), *x)),
        toml::Value::Table(t) => t.iter().find_map(|(k, v)| {
            non_finite(v).map(|(p, x)| {
                let sep = if p.is_empty() || p.starts_with('[') {
                    ""
                } else {
                    "."
                };
                (format!("{k}{sep}{p}"), x)
            })
        }),
        toml::Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| {
            non_finite(v).map(|(p, x)| {
                let sep = if p.is_empty() || p.starts_with('[') {
                    ""
                } else {
                    "."
                };
                (format!("[{i}]{sep}{p}"), x)
            })
        }),
        _ => None,
    }
}

/// The message for a NaN or an infinity where a number goes.
pub fn not_finite(x: f64) -> String {
    let written = match x {
        x if x.is_nan() => "nan",
        x if x > 0.0 => "inf",
        _ => "-inf",
    };
    format!("{written} is not a number peakdesk can use (expected a finite number)")
}

/// Splits `PATH=VALUE` and parses both halves.
pub fn parse(arg: &str) -> Result<Override, OverrideError> {
    let (path, value) = arg
        .split_once('=')
        .ok_or_else(|| OverrideError::NotPathValue(arg.into()))?;
    parse_path(path.trim())?;
    Ok(Override {
        path: path.trim().to_string(),
        value: parse_value(path.trim(), value.trim())?,
    })
}

/// Applies one override to a profile tree.
pub fn apply(root: &mut Value, ov: &Override) -> Result<(), OverrideError> {
    let steps = parse_path(&ov.path)?;
    let mut node = root;
    let mut walked = String::new();
    for (i, step) in steps.iter().enumerate() {
        let last = i + 1 == steps.len();
        node = match (step, node) {
            (Step::Key(k), Value::Object(map)) => {
                if last {
                    map.insert(k.clone(), ov.value.clone());
                    return Ok(());
                }
                let next_is_index = matches!(steps[i + 1], Step::Index(_));
                if next_is_index && !map.contains_key(k) {
                    return Err(OverrideError::NoList {
                        at: display(&walked).into(),
                        key: k.clone(),
                    });
                }
                map.entry(k.clone())
                    .or_insert_with(|| Value::Object(Map::new()))
            }
            (Step::Index(n), Value::Array(items)) => {
                let len = items.len();
                let item = items.get_mut(*n).ok_or_else(|| OverrideError::OutOfRange {
                    index: *n,
                    at: walked.clone(),
                    len,
                })?;
                if last {
                    *item = ov.value.clone();
                    return Ok(());
                }
                item
            }
            (Step::Key(k), other) => {
                return Err(OverrideError::NotTable {
                    key: k.clone(),
                    at: display(&walked).into(),
                    kind: kind(other),
                });
            }
            (Step::Index(n), other) => {
                return Err(OverrideError::NotList {
                    index: *n,
                    at: walked.clone(),
                    kind: kind(other),
                });
            }
        };
        match step {
            Step::Key(k) if walked.is_empty() => walked.push_str(k),
            Step::Key(k) => {
                walked.push('.');
                walked.push_str(k);
            }
            Step::Index(n) => walked.push_str(&format!("[{n}]")),
        }
    }
    Ok(())
}

fn display(walked: &str) -> &str {
    if walked.is_empty() {
        "the profile"
    } else {
        walked
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(root: &mut Value, arg: &str) -> Result<(), OverrideError> {
        apply(root, &parse(arg)?)
    }

    #[test]
    fn values_are_toml_when_they_parse_and_text_otherwise() {
        assert_eq!(parse("a=120").unwrap().value, json!(120));
        assert_eq!(parse("a=0.8").unwrap().value, json!(0.8));
        assert_eq!(parse("a=90s").unwrap().value, json!("90s"));
        assert_eq!(parse("a=2/s").unwrap().value, json!("2/s"));
        assert_eq!(
            parse("a={ exponential = \"60s\" }").unwrap().value,
            json!({"exponential": "60s"})
        );
    }

    #[test]
    fn paths_reach_nested_tables_and_list_items() {
        let mut root = json!({"agents": {"groups": [{"staff": 1}, {"staff": 2}]}});
        set(&mut root, "agents.groups[1].staff=120").unwrap();
        set(&mut root, "shoppers.patience.exponential=60s").unwrap();
        assert_eq!(root["agents"]["groups"][1]["staff"], json!(120));
        assert_eq!(root["shoppers"]["patience"]["exponential"], json!("60s"));
    }

    #[test]
    fn impossible_paths_are_named() {
        let mut root = json!({"agents": {"groups": [{"staff": 1}]}, "horizon": "1h"});
        let e = set(&mut root, "agents.groups[3].staff=1")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("index 3 is out of range: 'agents.groups' has 1 item(s)"),
            "{e}"
        );
        let e = set(&mut root, "horizon.x=1").unwrap_err().to_string();
        assert!(e.contains("'horizon', which is a string"), "{e}");
        assert!(parse("agents..x=1").is_err());
        assert!(parse("agents.groups[x]=1").is_err());
        assert!(parse("novalue").is_err());
    }
}
