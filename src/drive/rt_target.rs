//! Request Tracker's side of the target file and of its answers, kept
//! apart from the adapter because it is pure: the `[rt]` table checked
//! into [`Rt`] (every error names the file, the key, the value and what
//! was expected), and the readers of REST2's answers (its times, a
//! ticket's history).

use super::secret::Secret;
use super::target_raw::RawRt;
use crate::profile::ProfileError;
use crate::time::MILLI;
use serde_json::Value;
use std::path::Path;

/// The request-tracker adapter's settings.
#[derive(Debug, Clone)]
pub struct Rt {
    /// The queue tickets go to, by name.
    pub queue: String,
    /// The intake user who opens shoppers' tickets, and its password.
    pub intake: (String, Secret),
    /// Virtual agents' users and passwords (a file of `username password`
    /// lines).
    pub agents: Vec<(String, Secret)>,
    /// Time between polls of a waiting ticket's history.
    pub poll_interval: std::time::Duration,
    /// Polls per wait for a reply at most (0: no poll).
    pub poll_max: u32,
}

fn bad(file: &str, key: &str, message: String) -> ProfileError {
    ProfileError::invalid(file, &format!("rt.{key}"), message)
}

fn password(file: &str, r: &RawRt, dir: &Path) -> Result<Secret, ProfileError> {
    match (&r.intake_password_env, &r.intake_password_file) {
        (Some(_), Some(_)) => Err(bad(
            file,
            "intake_password_env",
            "give intake_password_env or intake_password_file, not both".into(),
        )),
        (None, None) => Err(bad(
            file,
            "intake_password_file",
            "missing: the intake user's password (intake_password_file or intake_password_env)"
                .into(),
        )),
        (Some(var), None) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
            _ => Err(bad(
                file,
                "intake_password_env",
                format!(
                    "{var:?}: the environment variable is not set (it should hold the password)"
                ),
            )),
        },
        (None, Some(f)) => {
            let path = dir.join(f);
            match std::fs::read_to_string(&path) {
                Ok(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
                Ok(_) => Err(bad(
                    file,
                    "intake_password_file",
                    format!("{}: empty (expected the password)", path.display()),
                )),
                Err(e) => Err(bad(
                    file,
                    "intake_password_file",
                    format!("cannot read {}: {e}", path.display()),
                )),
            }
        }
    }
}

/// Reads an agents file's text: `username password` lines.
fn agents(text: &str, path: &str) -> Result<Vec<(String, Secret)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            [] => {}
            [name, pass] => out.push((name.to_string(), Secret::new(pass))),
            _ => {
                return Err(format!(
                    "{path} line {}: expected `username password`",
                    i + 1
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(format!("{path}: no `username password` lines"));
    }
    Ok(out)
}

/// Checks the `[rt]` table of target file `file` (paths relative to `dir`).
pub(super) fn check(file: &str, raw: Option<&RawRt>, dir: &Path) -> Result<Rt, ProfileError> {
    let Some(r) = raw else {
        return Err(ProfileError::Invalid {
            file: file.to_string(),
            key: "rt".into(),
            message: "missing: the request-tracker adapter needs an [rt] table".into(),
        });
    };
    for (key, v) in [("queue", &r.queue), ("intake_user", &r.intake_user)] {
        if v.trim().is_empty() {
            return Err(bad(file, key, format!("{v:?}: expected a name")));
        }
    }
    let path = dir.join(&r.agents_file);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        bad(
            file,
            "agents_file",
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let agents =
        agents(&text, &path.display().to_string()).map_err(|m| bad(file, "agents_file", m))?;
    let interval = r.poll_interval.map_or(5_000 * MILLI, |d| d.0);
    if interval < 100 * MILLI {
        return Err(bad(
            file,
            "poll_interval",
            format!(
                "{}: expected at least 100ms",
                crate::profile::units::Duration(interval)
            ),
        ));
    }
    let poll_max = r.poll_max.unwrap_or(3);
    if poll_max > 100 {
        return Err(bad(
            file,
            "poll_max",
            format!("{poll_max}: expected at most 100 polls per wait"),
        ));
    }
    Ok(Rt {
        queue: r.queue.clone(),
        intake: (r.intake_user.clone(), password(file, r, dir)?),
        agents,
        poll_interval: std::time::Duration::from_micros(interval),
        poll_max,
    })
}

/// A time as REST2 writes it (RT's W3CDTF: `2026-11-30T13:46:55Z`, whole
/// seconds, UTC, or with an offset), in seconds since the epoch, read by
/// `jiff`. RT's unset date (`1970-01-01T00:00:00Z`), a time without an
/// offset and anything else are `None`.
pub fn rt_time(s: &str) -> Option<f64> {
    let t = s.trim().parse::<jiff::Timestamp>().ok()?;
    let secs = t.as_second();
    (secs > 0).then_some(secs as f64)
}

/// One transaction of a ticket's history (`fields=Type,Created,Creator`).
#[derive(Debug, Clone, PartialEq)]
pub struct Txn {
    /// Its id.
    pub id: u64,
    /// `Create`, `Correspond`, `Comment`, `Set`, ...
    pub kind: String,
    /// Who made it (the user name).
    pub by: String,
    /// RT's time of it, seconds since the epoch.
    pub at: Option<f64>,
}

/// The transactions of a history page; `None` when the answer is not one.
pub fn history(doc: &Value) -> Option<Vec<Txn>> {
    let items = doc.get("items")?.as_array()?;
    Some(
        items
            .iter()
            .filter_map(|t| {
                let id = match t.get("id")? {
                    Value::String(s) => s.parse().ok()?,
                    v => v.as_u64()?,
                };
                Some(Txn {
                    id,
                    kind: t.get("Type")?.as_str()?.to_string(),
                    by: t.pointer("/Creator/id")?.as_str()?.to_string(),
                    at: t.get("Created").and_then(Value::as_str).and_then(rt_time),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_rt_times() {
        assert_eq!(rt_time("2026-11-30T13:46:55Z"), Some(1_796_046_415.0));
        assert_eq!(rt_time("2026-11-30T14:46:55+01:00"), Some(1_796_046_415.0));
        assert_eq!(rt_time("2026-11-30T08:46:55-05:00"), Some(1_796_046_415.0));
        // RT's unset date, and what is not a W3CDTF time.
        assert_eq!(rt_time("1970-01-01T00:00:00Z"), None);
        assert_eq!(rt_time("2026-11-30 13:46:55"), None);
        assert_eq!(rt_time("yesterday"), None);
        assert_eq!(rt_time(""), None);
    }

    #[test]
    fn reads_a_history_page() {
        let doc = json!({"items": [
            {"id": "61", "Type": "Correspond", "Created": "2026-11-30T13:46:55Z",
             "Creator": {"id": "agent1", "type": "user"}},
            {"id": "58", "Type": "Create", "Created": "1970-01-01T00:00:00Z",
             "Creator": {"id": "intake"}},
            {"id": "x", "Type": "Set", "Creator": {"id": "agent1"}},
        ], "count": 3});
        let h = history(&doc).unwrap();
        assert_eq!(h.len(), 2, "the unreadable id is left out");
        assert_eq!(
            h[0],
            Txn {
                id: 61,
                kind: "Correspond".into(),
                by: "agent1".into(),
                at: Some(1_796_046_415.0)
            }
        );
        assert_eq!(h[1].at, None);
        assert!(history(&json!({"message": "Login required"})).is_none());
    }

    fn raw(dir: &Path, agents: &str) -> RawRt {
        std::fs::write(dir.join("agents.txt"), agents).unwrap();
        std::fs::write(dir.join("intake.password"), "s3cret\n").unwrap();
        RawRt {
            queue: "peakdesk".into(),
            intake_user: "intake".into(),
            intake_password_env: None,
            intake_password_file: Some("intake.password".into()),
            agents_file: "agents.txt".into(),
            poll_interval: None,
            poll_max: None,
        }
    }

    fn message(e: ProfileError) -> (String, String, String) {
        match e {
            ProfileError::Invalid { file, key, message } => (file, key, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn checks_the_rt_table() {
        let dir = tempfile::tempdir().unwrap();
        let r = raw(dir.path(), "agent1 pw1\n\nagent2 pw2\n");
        let rt = check("t.toml", Some(&r), dir.path()).unwrap();
        assert_eq!(rt.agents.len(), 2);
        assert_eq!(rt.intake.1.expose(), "s3cret");
        assert_eq!((rt.poll_interval.as_secs(), rt.poll_max), (5, 3));

        let (file, key, m) = message(check("t.toml", None, dir.path()).unwrap_err());
        assert_eq!((file.as_str(), key.as_str()), ("t.toml", "rt"));
        assert!(m.contains("needs an [rt] table"), "{m}");

        let r = raw(dir.path(), "agent1 pw1 extra\n");
        let (_, key, m) = message(check("t.toml", Some(&r), dir.path()).unwrap_err());
        assert_eq!(key, "rt.agents_file");
        assert!(m.contains("line 1: expected `username password`"), "{m}");

        let mut r = raw(dir.path(), "agent1 pw1\n");
        r.poll_interval = Some(crate::profile::units::Duration(10 * MILLI));
        let (_, key, m) = message(check("t.toml", Some(&r), dir.path()).unwrap_err());
        assert_eq!(key, "rt.poll_interval");
        assert!(m.contains("0.01s: expected at least 100ms"), "{m}");

        let mut r = raw(dir.path(), "agent1 pw1\n");
        r.intake_password_env = Some("PEAKDESK_TEST_NO_SUCH_VARIABLE".into());
        let (_, key, m) = message(check("t.toml", Some(&r), dir.path()).unwrap_err());
        assert_eq!(key, "rt.intake_password_env");
        assert!(m.contains("not both"), "{m}");

        let mut r = raw(dir.path(), "agent1 pw1\n");
        r.queue = " ".into();
        let (_, key, m) = message(check("t.toml", Some(&r), dir.path()).unwrap_err());
        assert_eq!(
            (key.as_str(), m.as_str()),
            ("rt.queue", "\" \": expected a name")
        );
    }
}
