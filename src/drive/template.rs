//! Filling the target file's templates (`{placeholder}` in paths, headers
//! and JSON bodies).

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
}
