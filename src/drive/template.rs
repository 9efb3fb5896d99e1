//! Filling the target file's templates (`{placeholder}` in paths, headers
//! and JSON bodies) and reading the times a target answers with.

/// Fills a template's placeholders with `value(name)`.
pub fn fill(template: &str, value: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push_str(&value(&after[..close]));
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Fills every string of a JSON body template.
pub fn fill_json(v: &serde_json::Value, value: &dyn Fn(&str) -> String) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(fill(s, value)),
        Value::Array(a) => Value::Array(a.iter().map(|x| fill_json(x, value)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), fill_json(x, value)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A server time found by a pointer: a number of seconds since the epoch
/// or an RFC 3339 string; in seconds since the epoch.
pub fn epoch_seconds(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => {
            let t =
                humantime::parse_rfc3339_weak(s.trim_end_matches('Z').split('+').next()?).ok()?;
            t.duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs_f64())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_placeholders() {
        let v = |n: &str| match n {
            "id" => "42".to_string(),
            _ => format!("<{n}>"),
        };
        assert_eq!(fill("/c/{id}/m?x={question}", &v), "/c/42/m?x=<question>");
        assert_eq!(fill("no braces", &v), "no braces");
    }

    #[test]
    fn reads_times() {
        let t = epoch_seconds(&serde_json::json!("2026-11-22T19:40:00.250000Z")).unwrap();
        assert!((t - 1_795_376_400.25).abs() < 1e-3, "{t}");
        assert_eq!(epoch_seconds(&serde_json::json!(12.5)), Some(12.5));
    }
}
