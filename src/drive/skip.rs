//! `[reply] skip`: objects in a polled list that are not replies, such as
//! the shopper's own messages or agents' internal notes. Each rule is a
//! table of JSON pointers and the values they must hold; an object that
//! matches every pair of any rule is passed over.

use indexmap::IndexMap;
use serde_json::Value;

/// The rules, checked.
#[derive(Debug, Clone, Default)]
pub struct Skip(Vec<Vec<(String, Value)>>);

/// A bad rule: the key under `reply.skip` and what is wrong.
#[derive(Debug)]
pub struct BadRule {
    /// `[0]`, or `[0]."/author/type"`.
    pub key: String,
    /// What is wrong, with the value and what was expected.
    pub message: String,
}

impl Skip {
    /// Checks the rules as written.
    pub fn check(rules: &[IndexMap<String, toml::Value>]) -> Result<Skip, BadRule> {
        let mut out = Vec::with_capacity(rules.len());
        for (i, rule) in rules.iter().enumerate() {
            if rule.is_empty() {
                return Err(BadRule {
                    key: format!("[{i}]"),
                    message:
                        "{} would skip every object (expected at least one \"/pointer\" = value)"
                            .into(),
                });
            }
            let mut pairs = Vec::with_capacity(rule.len());
            for (pointer, value) in rule {
                let key = format!("[{i}].{pointer:?}");
                if !pointer.starts_with('/') {
                    return Err(BadRule {
                        key,
                        message: format!(
                            "{pointer:?} is not a JSON pointer (expected a path like \"/author/type\")"
                        ),
                    });
                }
                let value = serde_json::to_value(value).map_err(|e| BadRule {
                    key,
                    message: format!("not representable as JSON: {e}"),
                })?;
                pairs.push((pointer.clone(), value));
            }
            out.push(pairs);
        }
        Ok(Skip(out))
    }

    /// Whether `m` is not a reply: some rule's pointers all hold its values.
    pub fn matches(&self, m: &Value) -> bool {
        self.0
            .iter()
            .any(|rule| rule.iter().all(|(p, v)| m.pointer(p) == Some(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(text: &str) -> Result<Skip, BadRule> {
        #[derive(serde::Deserialize)]
        struct R {
            skip: Vec<IndexMap<String, toml::Value>>,
        }
        let r: R = toml::from_str(text).unwrap();
        Skip::check(&r.skip)
    }

    #[test]
    fn skips_objects_matching_any_rule() {
        let s = rules(r#"skip = [{ "/author/type" = "user" }, { "/public" = false, "/via/channel" = "web" }]"#)
            .unwrap();
        assert!(s.matches(&json!({"author": {"type": "user"}, "body": "hi"})));
        assert!(s.matches(&json!({"public": false, "via": {"channel": "web"}})));
        // A rule matches only when all its pairs do.
        assert!(!s.matches(&json!({"public": false, "via": {"channel": "email"}})));
        assert!(!s.matches(&json!({"author": {"type": "admin"}, "body": "hello"})));
        assert!(!Skip::default().matches(&json!({"author": {"type": "user"}})));
    }

    #[test]
    fn refuses_bad_rules_naming_the_key() {
        let e = rules(r#"skip = [{ "/a" = 1 }, { "author/type" = "user" }]"#).unwrap_err();
        assert_eq!(e.key, "[1].\"author/type\"");
        assert!(e.message.contains("not a JSON pointer"), "{}", e.message);
        let e = rules("skip = [{}]").unwrap_err();
        assert_eq!(e.key, "[0]");
        assert!(e.message.contains("every object"), "{}", e.message);
    }
}
