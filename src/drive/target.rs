//! The target file: which helpdesk `drive` talks to and how. TOML read with
//! serde (`deny_unknown_fields`, the key path of every bad value), then
//! checked into a [`Target`] whose templates are ready to fill.
//!
//! The secret (a token) is read here from the environment variable or file
//! the target file names, and lives only inside [`Secret`], whose `Debug`
//! and `Display` print a mask: it reaches request headers and nothing else.

use super::server_time::ServerTimes;
use super::target_raw::{RawReply, RawRequest, RawTarget};
use super::tls::Tls;
use crate::profile::ProfileError;
use crate::time::{MILLI, SECOND};
use std::path::Path;

pub use super::django_target::Django;
pub use super::secret::Secret;

/// One request: method, path and headers with `{placeholders}`, an
/// optional JSON body template, and where ids and times are in the answer.
#[derive(Debug, Clone)]
pub struct Request {
    /// HTTP method.
    pub method: reqwest::Method,
    /// Path under the base URL, with placeholders.
    pub path: String,
    /// Headers, with placeholders.
    pub headers: Vec<(String, String)>,
    /// JSON body template.
    pub body: Option<serde_json::Value>,
    /// JSON pointer to the conversation id in the answer.
    pub id: Option<String>,
    /// JSON pointer to the server's creation time in the answer.
    pub at: Option<String>,
}

/// How a reply is noticed.
#[derive(Debug, Clone)]
pub enum ReplyMode {
    /// In the answer to the open request.
    Sync,
    /// By asking at an interval.
    Poll {
        /// The poll request.
        request: Request,
        /// Time between polls.
        interval: std::time::Duration,
    },
    /// Pushed by the target on a stream the drive opens per conversation
    /// (after the open answer gives its id); every event is read with the
    /// reply pointers, and the stream starts with the replies so far.
    Push {
        /// WebSocket or server-sent events.
        kind: Push,
        /// The request that opens the stream.
        request: Request,
    },
    /// By a webhook to a local listener.
    Callback {
        /// Address to listen on (`127.0.0.1:0`: any free port).
        listen: String,
        /// JSON pointer to the conversation id in the webhook body.
        conversation: String,
    },
}

/// A push stream's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Push {
    /// A WebSocket; each text frame is one JSON event.
    WebSocket,
    /// Server-sent events; each event's data is one JSON event.
    Sse,
}

/// Where the reply's facts are, relative to one reply object.
#[derive(Debug, Clone)]
pub struct ReplyPointers {
    /// Pointer to the array of replies (poll), or to the reply object
    /// (sync); empty: the document itself.
    pub messages: String,
    /// Pointer to the reply text (must be present for a reply to count).
    pub text: String,
    /// Pointer to the server's reply time.
    pub at: Option<String>,
    /// Pointer to who replied (`"bot"` means the bot).
    pub by: Option<String>,
    /// Pointer to the agents' group name.
    pub group: Option<String>,
    /// Pointer to what comes next (`"shopper"`, `"desk"`, `"closed"`).
    pub next: Option<String>,
    /// Pointer to a notice's kind (`"joined"`: an agent took it).
    pub event: Option<String>,
    /// How the times are read (the target's `time_zone`).
    pub times: ServerTimes,
    /// Objects that are not replies (`skip`).
    pub skip: super::skip::Skip,
}

/// What a target file describes. One per run, so the size difference
/// between the variants costs nothing.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Adapter {
    /// A generic chat API.
    Http {
        /// The request that opens a conversation.
        open: Request,
        /// How the reply is noticed.
        reply: ReplyMode,
        /// Where its facts are.
        pointers: ReplyPointers,
        /// The request sent when the shopper gives up.
        leave: Option<Request>,
        /// A later shopper message.
        message: Option<Request>,
    },
    /// django-helpdesk with virtual agents.
    Django(Django),
    /// Request Tracker 5 with virtual agents.
    Rt(super::rt_target::Rt),
}

/// JSON pointers to a desk's clock in its health answer.
#[derive(Debug, Clone, Default)]
pub struct ClockPointers {
    /// Scenario time now, seconds from the profile's start.
    pub clock: Option<String>,
    /// Scenario seconds per wall second.
    pub speed: Option<String>,
}

/// A checked target file.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its name, for output.
    pub name: String,
    /// The file.
    pub file: String,
    /// Base URL, without a trailing slash.
    pub base_url: String,
    /// Per-request timeout.
    pub timeout: std::time::Duration,
    /// Requests in flight at most.
    pub max_in_flight: u32,
    /// The token (`{token}` in templates).
    pub token: Secret,
    /// HTTP Basic credentials, base64 (`{basic}` in templates).
    pub basic: Secret,
    /// A request that tells whether the target is up.
    pub health: Option<Request>,
    /// Where its answer tells the desk's clock.
    pub clock: ClockPointers,
    /// How its times are read (`time_zone`).
    pub times: ServerTimes,
    /// How its TLS connections are made.
    pub tls: Tls,
    /// The adapter.
    pub adapter: Adapter,
}

impl Target {
    /// The adapter's name, for output.
    pub fn kind(&self) -> &'static str {
        match self.adapter {
            Adapter::Http { .. } => "http",
            Adapter::Django(_) => "django-helpdesk",
            Adapter::Rt(_) => "request-tracker",
        }
    }
}

/// The placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "conversation",
    "shopper",
    "segment",
    "question",
    "channel",
    "text",
    "id",
    "token",
    "basic",
    "callback",
];

/// Checks the parts of one target file: every error names the file.
struct Checker<'a> {
    file: &'a str,
    /// Whether `[auth] basic` gives `{basic}`.
    basic: bool,
}

impl Checker<'_> {
    fn bad(&self, key: &str, message: String) -> ProfileError {
        ProfileError::invalid(self.file, key, message)
    }

    fn template(&self, key: &str, text: &str) -> Result<(), ProfileError> {
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return Err(self.bad(key, format!("{text:?}: a '{{' without its '}}'")));
            };
            let name = &after[..close];
            if name == "basic" && !self.basic {
                return Err(self.bad(
                    key,
                    format!("{text:?}: {{basic}} needs [auth] basic = \"USER:PASSWORD\""),
                ));
            }
            if !PLACEHOLDERS.contains(&name) {
                return Err(self.bad(
                    key,
                    format!(
                        "{text:?}: unknown placeholder {{{name}}} (expected one of {})",
                        PLACEHOLDERS
                            .iter()
                            .map(|p| format!("{{{p}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            rest = &after[close + 1..];
        }
        Ok(())
    }

    fn pointer(&self, key: &str, p: &Option<String>) -> Result<Option<String>, ProfileError> {
        match p {
            Some(p) if !p.is_empty() && !p.starts_with('/') => Err(self.bad(
                key,
                format!("{p:?} is not a JSON pointer (expected \"\" or a path like \"/data/id\")"),
            )),
            _ => Ok(p.clone()),
        }
    }

    fn body(&self, key: &str, v: &toml::Value) -> Result<serde_json::Value, ProfileError> {
        if let toml::Value::String(s) = v {
            self.template(key, s)?;
        }
        if let toml::Value::Table(t) = v {
            for (k, x) in t {
                self.body(&format!("{key}.{k}"), x)?;
            }
        }
        if let toml::Value::Array(a) = v {
            for (i, x) in a.iter().enumerate() {
                self.body(&format!("{key}[{i}]"), x)?;
            }
        }
        serde_json::to_value(v)
            .map_err(|e| self.bad(key, format!("not representable as JSON: {e}")))
    }

    fn method(
        &self,
        key: &str,
        m: &Option<String>,
        default: &str,
    ) -> Result<reqwest::Method, ProfileError> {
        let m = m.as_deref().unwrap_or(default);
        match m.to_ascii_uppercase().as_str() {
            "GET" | "POST" | "PUT" | "PATCH" | "DELETE" => {
                Ok(m.to_ascii_uppercase().parse().expect("a standard method"))
            }
            _ => Err(self.bad(
                key,
                format!("{m:?}: expected GET, POST, PUT, PATCH or DELETE"),
            )),
        }
    }

    fn request(&self, key: &str, r: &RawRequest, default: &str) -> Result<Request, ProfileError> {
        for (k, v) in [("clock", &r.clock), ("speed", &r.speed)] {
            if v.is_some() && key != "health" {
                return Err(self.bad(
                    &format!("{key}.{k}"),
                    "only [health] reads the desk's clock (expected it there)".into(),
                ));
            }
        }
        self.template(&format!("{key}.path"), &r.path)?;
        for (h, v) in &r.headers {
            self.template(&format!("{key}.headers.{h}"), v)?;
            reqwest::header::HeaderName::from_bytes(h.as_bytes()).map_err(|_| {
                self.bad(
                    &format!("{key}.headers"),
                    format!("{h:?} is not a header name"),
                )
            })?;
        }
        Ok(Request {
            method: self.method(&format!("{key}.method"), &r.method, default)?,
            path: r.path.clone(),
            headers: r
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            body: r
                .body
                .as_ref()
                .map(|b| self.body(&format!("{key}.body"), b))
                .transpose()?,
            id: self.pointer(&format!("{key}.id"), &r.id)?,
            at: self.pointer(&format!("{key}.at"), &r.at)?,
        })
    }

    fn secret(
        &self,
        key: &str,
        env: &Option<String>,
        file: &Option<String>,
        dir: &Path,
    ) -> Result<Secret, ProfileError> {
        match (env, file) {
            (Some(_), Some(_)) => {
                Err(self.bad(key, "give token_env or token_file, not both".into()))
            }
            (Some(var), None) => match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Ok(Secret(v.trim().to_string())),
                _ => Err(self.bad(
                    key,
                    format!("the environment variable {var} is not set (it should hold the token)"),
                )),
            },
            (None, Some(f)) => {
                let path = dir.join(f);
                std::fs::read_to_string(&path)
                    .map(|v| Secret(v.trim().to_string()))
                    .map_err(|e| {
                        self.bad(
                            key,
                            format!("cannot read the token file {}: {e}", path.display()),
                        )
                    })
            }
            (None, None) => Ok(Secret::default()),
        }
    }
}

/// Reads and checks a target file; `base_url`, when given (`drive
/// --target-url`), replaces the file's.
pub fn load(path: &Path, base_url: Option<&str>) -> Result<Target, ProfileError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ProfileError::Invalid {
        file: file.clone(),
        key: "(file)".into(),
        message: format!("cannot read the target file: {e}"),
    })?;
    let de = toml::Deserializer::parse(&text).map_err(|e| ProfileError::Syntax {
        file: file.clone(),
        message: crate::profile::toml_syntax(&text, e.message(), e.span()),
    })?;
    let mut raw: RawTarget =
        serde_path_to_error::deserialize(de).map_err(|e| ProfileError::Invalid {
            file: file.clone(),
            key: e.path().to_string(),
            message: e.inner().message().to_string(),
        })?;
    if let Some(url) = base_url {
        raw.base_url = url.to_string();
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    check(&file, raw, dir)
}

/// The bearer token (`auth.token_env` / `auth.token_file`) and the basic
/// credentials built from it (`auth.basic`), each empty when not given.
fn credentials(c: &Checker, raw: &RawTarget, dir: &Path) -> Result<(Secret, Secret), ProfileError> {
    let token = match &raw.auth {
        Some(a) => c.secret("auth", &a.token_env, &a.token_file, dir)?,
        None => Secret::default(),
    };
    let basic = match raw.auth.as_ref().and_then(|a| a.basic.as_deref()) {
        Some(b) => {
            super::basic::check(b).map_err(|m| c.bad("auth.basic", m))?;
            Secret(super::basic::encode(b, token.expose()))
        }
        None => Secret::default(),
    };
    Ok((token, basic))
}

/// The adapter the target file names, with its own section checked.
fn adapter(
    c: &Checker,
    raw: &RawTarget,
    dir: &Path,
    times: &ServerTimes,
) -> Result<Adapter, ProfileError> {
    Ok(match raw.adapter.as_str() {
        "http" => http_adapter(c, raw, times)?,
        "django-helpdesk" => {
            let secret = |env: &_, f: &_| c.secret("django", env, f, dir);
            Adapter::Django(super::django_target::check(
                c.file,
                raw.django.as_ref(),
                dir,
                secret,
            )?)
        }
        "request-tracker" => Adapter::Rt(super::rt_target::check(c.file, raw.rt.as_ref(), dir)?),
        other => {
            return Err(c.bad(
                "adapter",
                format!("{other:?}: expected \"http\", \"django-helpdesk\" or \"request-tracker\""),
            ));
        }
    })
}

fn check(file: &str, raw: RawTarget, dir: &Path) -> Result<Target, ProfileError> {
    let c = Checker {
        file,
        basic: raw.auth.as_ref().is_some_and(|a| a.basic.is_some()),
    };
    let base_url = raw.base_url.trim_end_matches('/').to_string();
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return Err(c.bad(
            "base_url",
            format!("{:?}: expected an http:// or https:// URL", raw.base_url),
        ));
    }
    let timeout = raw.timeout.map_or(10 * SECOND, |d| d.0);
    if timeout < MILLI {
        return Err(c.bad("timeout", "expected at least 1ms".into()));
    }
    let max_in_flight = raw.max_in_flight.unwrap_or(512);
    if max_in_flight == 0 {
        return Err(c.bad("max_in_flight", "0: expected at least 1".into()));
    }
    let (token, basic) = credentials(&c, &raw, dir)?;
    let health = raw
        .health
        .as_ref()
        .map(|h| c.request("health", h, "GET"))
        .transpose()?;
    let clock = match &raw.health {
        Some(h) => ClockPointers {
            clock: c.pointer("health.clock", &h.clock)?,
            speed: c.pointer("health.speed", &h.speed)?,
        },
        None => ClockPointers::default(),
    };
    let times = match &raw.time_zone {
        Some(z) => ServerTimes::in_zone(z).map_err(|e| c.bad("time_zone", e.to_string()))?,
        None => ServerTimes::default(),
    };
    let tls = Tls::check(raw.tls.as_ref(), dir)
        .map_err(|(key, why)| c.bad(&format!("tls.{key}"), why))?;
    let adapter = adapter(&c, &raw, dir, &times)?;
    Ok(Target {
        name: raw.name.clone().unwrap_or_else(|| base_url.clone()),
        file: file.to_string(),
        base_url,
        timeout: std::time::Duration::from_micros(timeout),
        max_in_flight,
        token,
        basic,
        health,
        clock,
        times,
        tls,
        adapter,
    })
}

fn http_adapter(
    c: &Checker,
    raw: &RawTarget,
    times: &ServerTimes,
) -> Result<Adapter, ProfileError> {
    let Some(open) = &raw.open else {
        return Err(c.bad(
            "open",
            "missing: the http adapter needs an [open] request".into(),
        ));
    };
    let Some(r) = &raw.reply else {
        return Err(c.bad("reply", "missing: say how replies are noticed ([reply] mode = \"sync\", \"poll\" or \"callback\")".into()));
    };
    let open = c.request("open", open, "POST")?;
    let reply = reply_mode(c, r)?;
    if open.id.is_none() && !matches!(reply, ReplyMode::Sync) {
        return Err(c.bad(
            "open.id",
            "missing: poll, callback, websocket and sse need the pointer to the conversation id in the open answer"
                .into(),
        ));
    }
    let pointers = ReplyPointers {
        messages: c
            .pointer("reply.messages", &r.messages)?
            .unwrap_or_default(),
        text: c.pointer("reply.text", &r.text)?.ok_or_else(|| {
            c.bad(
                "reply.text",
                "missing: the pointer to the reply's text".into(),
            )
        })?,
        at: c.pointer("reply.at", &r.at)?,
        by: c.pointer("reply.by", &r.by)?,
        group: c.pointer("reply.group", &r.group)?,
        next: c.pointer("reply.next", &r.next)?,
        event: c.pointer("reply.event", &r.event)?,
        times: times.clone(),
        skip: super::skip::Skip::check(r.skip.as_deref().unwrap_or_default())
            .map_err(|e| c.bad(&format!("reply.skip{}", e.key), e.message))?,
    };
    let message = raw
        .message
        .as_ref()
        .map(|m| c.request("message", m, "POST"))
        .transpose()?;
    let leave = raw
        .leave
        .as_ref()
        .map(|l| c.request("leave", l, "DELETE"))
        .transpose()?;
    Ok(Adapter::Http {
        open,
        reply,
        pointers,
        leave,
        message,
    })
}

/// The request a reply mode sends to the path `[reply]` names (a poll,
/// or the stream a push mode opens).
fn reply_request(c: &Checker, r: &RawReply, what: &str) -> Result<Request, ProfileError> {
    let Some(path) = &r.path else {
        return Err(c.bad(
            "reply.path",
            format!("missing: {what} needs the path to ask"),
        ));
    };
    let raw = RawRequest {
        method: r.method.clone(),
        path: path.clone(),
        headers: r.headers.clone(),
        body: None,
        id: None,
        at: None,
        clock: None,
        speed: None,
    };
    c.request("reply", &raw, "GET")
}

fn reply_mode(c: &Checker, r: &RawReply) -> Result<ReplyMode, ProfileError> {
    Ok(match r.mode.as_str() {
        "sync" => ReplyMode::Sync,
        "poll" => {
            let request = reply_request(c, r, "polling")?;
            let interval = r.interval.map_or(200 * MILLI, |d| d.0);
            if interval < MILLI {
                return Err(c.bad("reply.interval", "expected at least 1ms".into()));
            }
            ReplyMode::Poll {
                request,
                interval: std::time::Duration::from_micros(interval),
            }
        }
        "websocket" => ReplyMode::Push {
            kind: Push::WebSocket,
            request: reply_request(c, r, "a WebSocket")?,
        },
        "sse" => ReplyMode::Push {
            kind: Push::Sse,
            request: reply_request(c, r, "an event stream")?,
        },
        "callback" => ReplyMode::Callback {
            listen: r.listen.clone().unwrap_or_else(|| "127.0.0.1:0".into()),
            conversation: c
                .pointer("reply.conversation", &r.conversation)?
                .ok_or_else(|| {
                    c.bad(
                        "reply.conversation",
                        "missing: the pointer to the conversation id in a webhook".into(),
                    )
                })?,
        },
        other => {
            return Err(c.bad(
                "reply.mode",
                format!(
                    "{other:?}: expected \"sync\", \"poll\", \"callback\", \"websocket\" or \"sse\""
                ),
            ));
        }
    })
}
