//! The target file as written: serde types that mirror it key for key and
//! reject unknown keys; [`super::target`] checks them into a `Target`.
//! They also give the file's JSON Schema (`peakdesk schema target`).

use crate::profile::units::Duration;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

/// The target file as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTarget {
    pub(super) name: Option<String>,
    #[schemars(extend("enum" = ["http", "django-helpdesk", "request-tracker"]))]
    pub(super) adapter: String,
    pub(super) base_url: String,
    pub(super) timeout: Option<Duration>,
    pub(super) max_in_flight: Option<u32>,
    pub(super) auth: Option<RawAuth>,
    pub(super) health: Option<RawRequest>,
    pub(super) open: Option<RawRequest>,
    pub(super) reply: Option<RawReply>,
    /// A later shopper message (`{id}`, `{text}`): with it, a drive plays
    /// every turn of every conversation.
    pub(super) message: Option<RawRequest>,
    pub(super) leave: Option<RawRequest>,
    pub(super) django: Option<RawDjango>,
    pub(super) rt: Option<RawRt>,
    /// The IANA zone of server times written without an offset
    /// (default `"UTC"`).
    pub(super) time_zone: Option<String>,
    pub(super) tls: Option<RawTls>,
}

/// `[tls]`: how `https://` connections are made.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTls {
    /// PEM file of the CA certificates to trust besides the system's roots.
    pub(super) ca_file: Option<String>,
    /// PEM file of the client certificate (chain) to present.
    pub(super) client_cert: Option<String>,
    /// PEM file of the client certificate's private key.
    pub(super) client_key: Option<String>,
    /// Accept any server certificate (a warning on every run).
    #[serde(default)]
    pub(super) insecure: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAuth {
    pub(super) token_env: Option<String>,
    pub(super) token_file: Option<String>,
    /// HTTP Basic `user:password`, `{token}` for the secret: `{basic}` in
    /// a header is its base64 (`Authorization = "Basic {basic}"`).
    pub(super) basic: Option<String>,
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRequest {
    pub(super) method: Option<String>,
    pub(super) path: String,
    #[serde(default)]
    pub(super) headers: IndexMap<String, String>,
    #[schemars(with = "Option<serde_json::Value>")]
    pub(super) body: Option<toml::Value>,
    pub(super) id: Option<String>,
    pub(super) at: Option<String>,
    /// `[health]` only: JSON pointer to the desk's scenario time, seconds
    /// from the profile's start (`peakdesk serve`: `/clock_s`).
    pub(super) clock: Option<String>,
    /// `[health]` only: JSON pointer to the desk's speed (`/speed`).
    pub(super) speed: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReply {
    #[schemars(extend("enum" = ["sync", "poll", "callback", "websocket", "sse"]))]
    pub(super) mode: String,
    pub(super) method: Option<String>,
    pub(super) path: Option<String>,
    #[serde(default)]
    pub(super) headers: IndexMap<String, String>,
    pub(super) interval: Option<Duration>,
    pub(super) listen: Option<String>,
    pub(super) messages: Option<String>,
    pub(super) conversation: Option<String>,
    pub(super) text: Option<String>,
    pub(super) at: Option<String>,
    pub(super) by: Option<String>,
    pub(super) group: Option<String>,
    /// JSON pointer to what comes next after a reply: `"shopper"`,
    /// `"desk"` or `"closed"`.
    pub(super) next: Option<String>,
    /// JSON pointer to a notice's kind: `"joined"` (an agent took the
    /// conversation) stops the shopper's patience.
    pub(super) event: Option<String>,
    /// Objects in the list that are not replies (the shopper's own
    /// messages, internal notes): any table of JSON pointers whose values
    /// an object holds, e.g. `[{ "/author/type" = "user" }]`.
    #[schemars(with = "Option<Vec<IndexMap<String, serde_json::Value>>>")]
    pub(super) skip: Option<Vec<IndexMap<String, toml::Value>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDjango {
    pub(super) prefix: Option<String>,
    pub(super) queue: u32,
    pub(super) intake_token_env: Option<String>,
    pub(super) intake_token_file: Option<String>,
    pub(super) agents_file: String,
    pub(super) listen: Option<String>,
}

/// The `[rt]` table (Request Tracker 5, REST2).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRt {
    /// The queue tickets go to, by name.
    pub(super) queue: String,
    /// The user who opens the shoppers' tickets.
    pub(super) intake_user: String,
    pub(super) intake_password_env: Option<String>,
    pub(super) intake_password_file: Option<String>,
    /// Lines of `username password`: the virtual agents' users.
    pub(super) agents_file: String,
    /// Time between polls of a waiting ticket's history (default 5s).
    pub(super) poll_interval: Option<Duration>,
    /// Polls per wait for a reply at most (default 3; 0: none).
    pub(super) poll_max: Option<u32>,
}

/// The JSON Schema of a target file.
pub fn schema() -> schemars::Schema {
    let mut s = schemars::schema_for!(RawTarget);
    s.insert("title".into(), "peakdesk target".into());
    s.insert(
        "description".into(),
        "Which helpdesk `peakdesk drive` talks to and how. See the README's target file reference."
            .into(),
    );
    s
}
