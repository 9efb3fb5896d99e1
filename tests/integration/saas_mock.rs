//! A stand-in for a SaaS helpdesk's API on 127.0.0.1, for the SaaS target
//! files: it records every request, matches it to an endpoint of the
//! documented request shapes (`tests/integration/saas/*.json`: method,
//! path and body as JSON Schemas) and answers with the documented
//! response shape of that endpoint (enough for the pointers, in the
//! reference's field names), so a drive plays whole conversations with it.
//!
//! Its agents answer each shopper message at the second poll after it,
//! with an internal note first; every fifth ticket is never answered (its
//! shopper gives up). A shopper message sent before the agents answered
//! the previous one is recorded as a violation: the drive took one of the
//! shopper's own messages, or a note, for a reply.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Who wrote an item of a ticket.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum By {
    Shopper,
    /// An agent's internal note: not a reply.
    Note,
    Agent,
}

/// One message of a ticket.
pub struct Item {
    pub id: u64,
    pub by: By,
    pub text: String,
    pub at: u64,
}

/// A ticket (or conversation) of the mock.
pub struct Ticket {
    pub id: u64,
    pub items: Vec<Item>,
    pub created: u64,
    pub left: bool,
    polls: u32,
}

/// An API's documented answers.
pub trait Api: Send + Sync {
    fn health(&self) -> Value;
    fn opened(&self, t: &Ticket) -> (StatusCode, Value);
    fn listing(&self, t: &Ticket) -> Value;
    fn messaged(&self, t: &Ticket) -> (StatusCode, Value);
    fn left(&self, t: &Ticket) -> Value;
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The path and query.
    pub path: String,
    /// Header names in lower case; a Basic credential decoded under
    /// `(basic credential)`.
    pub headers: Value,
    pub body: Option<Value>,
    /// The endpoint it matched: index into the spec's endpoints.
    pub endpoint: Option<usize>,
}

struct Endpoint {
    role: String,
    method: String,
    path: jsonschema::Validator,
    body: Option<jsonschema::Validator>,
}

struct State {
    endpoints: Vec<Endpoint>,
    api: Box<dyn Api>,
    tickets: HashMap<u64, Ticket>,
    next_id: u64,
    recorded: Vec<Recorded>,
    violations: Vec<String>,
}

/// A schema of the spec, with the spec's `$defs` for its references.
pub fn validator(spec: &Value, schema: &Value) -> jsonschema::Validator {
    let doc = json!({ "$defs": spec["$defs"], "allOf": [schema] });
    jsonschema::validator_for(&doc).unwrap_or_else(|e| panic!("{schema}: {e}"))
}

/// The running mock.
pub struct Mock {
    pub url: String,
    state: Arc<Mutex<State>>,
    _rt: tokio::runtime::Runtime,
}

impl Mock {
    /// Serves `api` with the endpoints of `spec`.
    pub fn start(spec: &Value, api: Box<dyn Api>) -> Mock {
        let endpoints = spec["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| Endpoint {
                role: e["role"].as_str().unwrap().to_string(),
                method: e["method"].as_str().unwrap().to_string(),
                path: validator(spec, &e["path"]),
                body: (!e["body"].is_null()).then(|| validator(spec, &e["body"])),
            })
            .collect();
        let state = Arc::new(Mutex::new(State {
            endpoints,
            api,
            tickets: HashMap::new(),
            next_id: 1001,
            recorded: Vec::new(),
            violations: Vec::new(),
        }));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let s = state.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let s = s.clone();
                async move {
                    let (status, answer) = s.lock().unwrap().handle(&method, &uri, &headers, &body);
                    (status, axum::Json(answer))
                }
            },
        );
        rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
        Mock {
            url,
            state,
            _rt: rt,
        }
    }

    /// The requests received, in order, and the violations seen.
    pub fn recorded(&self) -> (Vec<Recorded>, Vec<String>) {
        let s = self.state.lock().unwrap();
        (s.recorded.clone(), s.violations.clone())
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn headers_json(headers: &HeaderMap) -> Value {
    use base64::Engine;
    let mut out = Map::new();
    for (k, v) in headers {
        let v = v.to_str().unwrap_or("(not text)").to_string();
        if k.as_str() == "authorization"
            && let Some(b) = v.strip_prefix("Basic ")
        {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(b)
                .map(|d| String::from_utf8_lossy(&d).into_owned())
                .unwrap_or_else(|_| "(not base64)".into());
            out.insert("(basic credential)".into(), decoded.into());
        }
        out.insert(k.as_str().to_string(), v.into());
    }
    Value::Object(out)
}

impl State {
    fn handle(
        &mut self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> (StatusCode, Value) {
        let path = uri
            .path_and_query()
            .map_or(uri.path(), |p| p.as_str())
            .to_string();
        let body = (!body.is_empty()).then(|| {
            serde_json::from_slice(body).unwrap_or_else(|_| Value::String("(not JSON)".into()))
        });
        let path_value = Value::String(path.clone());
        let endpoint = self.endpoints.iter().position(|e| {
            e.method == method.as_str()
                && e.path.is_valid(&path_value)
                && match (&e.body, &body) {
                    (Some(schema), Some(b)) => schema.is_valid(b),
                    (None, None) => true,
                    _ => false,
                }
        });
        self.recorded.push(Recorded {
            method: method.to_string(),
            path: path.clone(),
            headers: headers_json(headers),
            body,
            endpoint,
        });
        let Some(e) = endpoint else {
            return (
                StatusCode::BAD_REQUEST,
                json!({"error": "no documented request matches"}),
            );
        };
        let role = self.endpoints[e].role.clone();
        self.answer(&role, &path)
    }

    fn answer(&mut self, role: &str, path: &str) -> (StatusCode, Value) {
        if role == "health" {
            return (StatusCode::OK, self.api.health());
        }
        if role == "open" {
            let id = self.next_id;
            self.next_id += 1;
            let t = Ticket {
                id,
                items: vec![Item {
                    id: id * 100,
                    by: By::Shopper,
                    text: format!("question {id}"),
                    at: now(),
                }],
                created: now(),
                left: false,
                polls: 0,
            };
            let answer = self.api.opened(&t);
            self.tickets.insert(id, t);
            return answer;
        }
        // The ticket id: the path's first all-digit segment.
        let id = path
            .split(['/', '?', '.'])
            .find_map(|s| s.parse::<u64>().ok());
        let Some(t) = id.and_then(|id| self.tickets.get_mut(&id)) else {
            return (StatusCode::NOT_FOUND, json!({"error": "no such ticket"}));
        };
        let waiting = t.items.last().is_some_and(|i| i.by == By::Shopper);
        match role {
            "poll" => {
                t.polls += 1;
                if waiting && t.polls >= 2 && t.id % 5 != 0 {
                    t.polls = 0;
                    for by in [By::Note, By::Agent] {
                        let n = t.items.len() as u64;
                        t.items.push(Item {
                            id: t.id * 100 + n,
                            by,
                            text: format!("{by:?} {n} on {}", t.id),
                            at: now(),
                        });
                    }
                }
                (StatusCode::OK, self.api.listing(t))
            }
            "message" => {
                if waiting {
                    self.violations.push(format!(
                        "ticket {}: a shopper message before the agents answered",
                        t.id
                    ));
                }
                t.polls = 0;
                let n = t.items.len() as u64;
                t.items.push(Item {
                    id: t.id * 100 + n,
                    by: By::Shopper,
                    text: format!("message {n}"),
                    at: now(),
                });
                self.api.messaged(t)
            }
            "leave" => {
                t.left = true;
                (StatusCode::OK, self.api.left(t))
            }
            other => panic!("unknown role {other}"),
        }
    }
}
