//! django-helpdesk's side of the target file: the `[django]` table
//! checked into [`Django`], with the virtual agents' file of `username
//! user_id token` lines read here (every error names the target file, the
//! key and, for a bad line, the agents file and its line).

use super::secret::Secret;
use super::target_raw::RawDjango;
use crate::profile::ProfileError;
use std::path::Path;

/// The django-helpdesk adapter's settings.
#[derive(Debug, Clone)]
pub struct Django {
    /// The app's URL prefix (`/helpdesk`).
    pub prefix: String,
    /// The queue id tickets go to.
    pub queue: u32,
    /// The intake staff token that opens shoppers' tickets.
    pub intake: Secret,
    /// Virtual agents' users: name, user id, token (a file of
    /// `username user_id token` lines).
    pub agents: Vec<(String, u64, Secret)>,
    /// Where the webhooks arrive.
    pub listen: String,
}

/// Checks the `[django]` table of target file `file` in `dir`; `secret`
/// reads the intake token from the environment variable or file the
/// table names (as the target file reads all its secrets).
pub(super) fn check(
    file: &str,
    d: Option<&RawDjango>,
    dir: &Path,
    secret: impl FnOnce(&Option<String>, &Option<String>) -> Result<Secret, ProfileError>,
) -> Result<Django, ProfileError> {
    let Some(d) = d else {
        return Err(ProfileError::invalid(
            file,
            "django",
            "missing: the django-helpdesk adapter needs a [django] table".into(),
        ));
    };
    let agents = agents(file, &dir.join(&d.agents_file))?;
    Ok(Django {
        prefix: d
            .prefix
            .clone()
            .unwrap_or_else(|| "/helpdesk".into())
            .trim_end_matches('/')
            .to_string(),
        queue: d.queue,
        intake: secret(&d.intake_token_env, &d.intake_token_file)?,
        agents,
        listen: d.listen.clone().unwrap_or_else(|| "127.0.0.1:0".into()),
    })
}

/// The virtual agents of the file at `path`: name, user id and token.
fn agents(file: &str, path: &Path) -> Result<Vec<(String, u64, Secret)>, ProfileError> {
    let key = "django.agents_file";
    let text = std::fs::read_to_string(path).map_err(|e| {
        ProfileError::invalid(file, key, format!("cannot read {}: {e}", path.display()))
    })?;
    let mut agents = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        let parsed = match f.as_slice() {
            [name, id, token] => id.parse::<u64>().ok().map(|id| (name, id, token)),
            _ => None,
        };
        let Some((name, id, token)) = parsed else {
            return Err(ProfileError::invalid(
                file,
                key,
                format!(
                    "{} line {}: expected `username user_id token`",
                    path.display(),
                    i + 1
                ),
            ));
        };
        agents.push((name.to_string(), id, Secret(token.to_string())));
    }
    if agents.is_empty() {
        return Err(ProfileError::invalid(
            file,
            key,
            format!("{}: no `username user_id token` lines", path.display()),
        ));
    }
    Ok(agents)
}

#[cfg(test)]
mod tests {
    use crate::drive::target::{Adapter, load};
    use crate::profile::ProfileError;

    /// A django-helpdesk target file in a fresh directory, with its intake
    /// token and `agents` as the agents file.
    fn target(agents: &str) -> Result<Adapter, ProfileError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("target.toml");
        std::fs::write(dir.path().join("intake.token"), "intake-secret\n").unwrap();
        std::fs::write(dir.path().join("agents.txt"), agents).unwrap();
        std::fs::write(
            &file,
            "adapter = \"django-helpdesk\"\nbase_url = \"http://127.0.0.1:8000/\"\n\
             [django]\nqueue = 3\nintake_token_file = \"intake.token\"\nagents_file = \"agents.txt\"\n",
        )
        .unwrap();
        load(&file, None).map(|t| t.adapter)
    }

    #[test]
    fn the_agents_file_gives_each_agent_or_names_the_bad_line() {
        let Ok(Adapter::Django(d)) = target("ann 7 tok-a\n\nbob 8 tok-b\n") else {
            panic!("a good file is read");
        };
        let names: Vec<(&str, u64)> = d
            .agents
            .iter()
            .map(|(n, id, _)| (n.as_str(), *id))
            .collect();
        assert_eq!(names, [("ann", 7), ("bob", 8)]);
        assert_eq!((d.prefix.as_str(), d.queue), ("/helpdesk", 3));
        assert_eq!(d.intake.expose(), "intake-secret");
        for (agents, says) in [
            (
                "ann 7 tok-a\nbob eight tok-b\n",
                "agents.txt line 2: expected `username user_id token`",
            ),
            ("ann 7\n", "agents.txt line 1: expected"),
            ("\n\n", "no `username user_id token` lines"),
        ] {
            let Err(ProfileError::Invalid { key, message, .. }) = target(agents) else {
                panic!("{agents:?} is refused");
            };
            assert_eq!(key, "django.agents_file");
            assert!(message.contains(says), "{message}");
        }
    }
}
