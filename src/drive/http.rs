//! The generic HTTP adapter: a chat API described by request templates in
//! the target file. It opens a conversation with one request, and notices
//! the first reply in the answer to it (sync), by asking at an interval
//! (poll) or by webhook (callback); JSON pointers say where ids, texts,
//! times and authors are. Every request is counted, and an error never
//! stops the run: a failed poll is counted and the next one goes out.

use super::adapter::{
    self, Conversation, DeskClock, DriveError, Failure, Opened, Reply, Sent, Tally,
};
use super::callback::{self, Hooks};
use super::target::{self, ClockPointers, ReplyMode, ReplyPointers, Request, Secret, Target};
use super::{push, template};
use crate::profile::Scenario;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// The names of a profile's segments, questions and channels, for
/// templates and texts.
#[derive(Debug, Clone)]
pub struct Names {
    segments: Vec<String>,
    questions: Vec<String>,
    channels: Vec<String>,
}

impl Names {
    /// The names of `sc`'s parts.
    pub fn of(sc: &Scenario) -> Names {
        Names {
            segments: sc.segments.iter().map(|s| s.name.clone()).collect(),
            questions: sc.questions.iter().map(|q| q.name.clone()).collect(),
            channels: sc.channels.iter().map(|c| c.name.clone()).collect(),
        }
    }

    /// The value of a placeholder for conversation `c` (`id`: the
    /// target's id once known).
    pub fn value(
        &self,
        name: &str,
        c: &Conversation,
        id: &str,
        token: &Secret,
        callback: &str,
    ) -> String {
        let s = &c.shopper;
        match name {
            "conversation" | "shopper" => c.key.clone(),
            "segment" => self.segments[s.segment as usize].clone(),
            "question" => self.questions[s.question as usize].clone(),
            "channel" => self.channels[s.channel as usize].clone(),
            "text" => format!(
                "A {} question from a {} shopper on {} ({})",
                self.questions[s.question as usize],
                self.segments[s.segment as usize],
                self.channels[s.channel as usize],
                c.key
            ),
            "id" => id.to_string(),
            "token" => token.expose().to_string(),
            "callback" => callback.to_string(),
            _ => String::new(),
        }
    }
}

/// Sends requests to one base URL, bounded in flight, and counts them.
/// Each thread gets a client (and connections) of its own: the drive's
/// workers each run a single-threaded runtime, and a connection made on
/// one must not be driven from another.
pub struct Client {
    id: u64,
    /// Builds a client; `true`: for push streams (HTTP/1.1, which a
    /// WebSocket upgrade needs, and no total timeout, which would cut a
    /// long stream).
    build: Box<dyn Fn(bool) -> reqwest::Result<reqwest::Client> + Send + Sync>,
    base: String,
    base_url: reqwest::Url,
    permits: Semaphore,
}

static CLIENT_IDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// This thread's reqwest clients, by [`Client`] id.
    static CLIENTS: RefCell<Vec<((u64, bool), reqwest::Client)>> = const { RefCell::new(Vec::new()) };
}

impl Client {
    /// A client for `target`.
    pub fn new(target: &Target) -> Result<Client, DriveError> {
        let timeout = target.timeout;
        let tls = target.tls.clone();
        let build = move |streams: bool| {
            let b = tls
                .apply(super::tls::client_builder())
                .connect_timeout(timeout)
                .tcp_nodelay(true)
                .pool_idle_timeout(std::time::Duration::from_secs(30));
            match streams {
                true => b.http1_only().build(),
                false => b.timeout(timeout).build(),
            }
        };
        build(false).map_err(DriveError::Client)?;
        build(true).map_err(DriveError::Client)?;
        let base_url = reqwest::Url::parse(&target.base_url).map_err(|e| DriveError::Url {
            url: target.base_url.clone(),
            why: e.to_string(),
        })?;
        Ok(Client {
            id: CLIENT_IDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            build: Box::new(build),
            base: target.base_url.clone(),
            base_url,
            permits: Semaphore::new(target.max_in_flight as usize),
        })
    }

    /// This thread's client (`streams`: the one for push streams).
    fn http(&self, streams: bool) -> reqwest::Client {
        let key = (self.id, streams);
        CLIENTS.with_borrow_mut(|clients| {
            if let Some((_, c)) = clients.iter().find(|(k, _)| *k == key) {
                return c.clone();
            }
            let c = (self.build)(streams).expect("built once already");
            clients.push((key, c.clone()));
            c
        })
    }

    /// A request to open a push stream: `req` filled with `vars`.
    pub fn stream_request(
        &self,
        req: &Request,
        vars: &dyn Fn(&str) -> String,
    ) -> reqwest::RequestBuilder {
        let url = self.url(&template::fill(&req.path, vars));
        let mut b = self.http(true).request(req.method.clone(), url);
        for (k, v) in &req.headers {
            b = b.header(k.as_str(), template::fill(v, vars));
        }
        b
    }

    /// The base URL with a filled path (and query), without parsing the
    /// host again for every request.
    fn url(&self, path: &str) -> reqwest::Url {
        let mut url = self.base_url.clone();
        let (p, q) = path
            .split_once('?')
            .map_or((path, None), |(p, q)| (p, Some(q)));
        let base_path = self.base_url.path().trim_end_matches('/');
        url.set_path(&format!("{base_path}{p}"));
        url.set_query(q);
        url
    }

    /// Sends `req` with placeholders from `vars`; the answer's JSON
    /// (`null` for an empty body).
    pub async fn send(
        &self,
        what: &str,
        req: &Request,
        vars: &(dyn Fn(&str) -> String + Sync),
        tally: &dyn Tally,
    ) -> Result<Value, Failure> {
        let r = self.send_inner(what, req, vars).await;
        match &r {
            Ok(_) => tally.ok(),
            Err(f) => tally.failed(f),
        }
        r
    }

    async fn send_inner(
        &self,
        what: &str,
        req: &Request,
        vars: &(dyn Fn(&str) -> String + Sync),
    ) -> Result<Value, Failure> {
        let _permit = self.permits.acquire().await.expect("never closed");
        let url = self.url(&template::fill(&req.path, vars));
        let mut b = self.http(false).request(req.method.clone(), url);
        for (k, v) in &req.headers {
            b = b.header(k.as_str(), template::fill(v, vars));
        }
        if let Some(body) = &req.body {
            b = b.json(&template::fill_json(body, vars));
        }
        let resp = b
            .send()
            .await
            .map_err(|e| Failure::from_reqwest(what, &e))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(Failure::status(what, status));
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| Failure::from_reqwest(what, &e))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| Failure::bad(what, format!("not JSON: {e}")))
    }

    /// Whether the target answers: the health request if there is one
    /// (its answer, `null` when not JSON), with `secrets` for its
    /// placeholders, else a TCP connection to the base URL's host and port.
    pub async fn probe(
        &self,
        health: Option<&Request>,
        secrets: &[(&str, &Secret)],
    ) -> Result<Value, DriveError> {
        if let Some(h) = health {
            let vars = |n: &str| {
                secrets
                    .iter()
                    .find(|(name, _)| *name == n)
                    .map_or_else(String::new, |(_, s)| s.expose().to_string())
            };
            return self
                .send_inner("health check", h, &vars)
                .await
                .map_err(|f| DriveError::Health(f.detail));
        }
        let url = reqwest::Url::parse(&self.base).map_err(|e| DriveError::Url {
            url: self.base.clone(),
            why: e.to_string(),
        })?;
        let host = url.host_str().unwrap_or("127.0.0.1").to_string();
        let port = url.port_or_known_default().unwrap_or(80);
        tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map(|_| Value::Null)
            .map_err(|source| DriveError::Connect { host, port, source })
    }
}

/// A JSON value as an id (a string, or a number written out).
pub fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads one reply object with the pointers (`None`: no text there yet,
/// and not a notice that an agent joined).
pub fn read_reply(m: &Value, p: &ReplyPointers) -> Option<Reply> {
    let word = |ptr: &Option<String>| {
        ptr.as_deref()
            .and_then(|x| m.pointer(x))
            .and_then(Value::as_str)
    };
    if p.skip.matches(m) {
        return None;
    }
    let joined = word(&p.event).is_some_and(|e| e.eq_ignore_ascii_case("joined"));
    if !joined && m.pointer(&p.text).is_none_or(Value::is_null) {
        return None;
    }
    Some(Reply {
        next: word(&p.next).and_then(adapter::Next::parse),
        joined,
        server_at: p
            .at
            .as_deref()
            .and_then(|a| m.pointer(a))
            .and_then(|v| p.times.seconds(v)),
        by_bot: p
            .by
            .as_deref()
            .and_then(|b| m.pointer(b))
            .and_then(Value::as_str)
            .map(|b| b.eq_ignore_ascii_case("bot")),
        group: p
            .group
            .as_deref()
            .and_then(|g| m.pointer(g))
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

/// The reply after the `seen` first ones in a document: `messages`
/// points at an array (its readable elements) or at one reply.
fn nth_reply(doc: &Value, p: &ReplyPointers, seen: u32) -> Option<Reply> {
    match doc.pointer(&p.messages)? {
        Value::Array(items) => items
            .iter()
            .filter_map(|m| read_reply(m, p))
            .nth(seen as usize),
        m if seen == 0 => read_reply(m, p),
        _ => None,
    }
}

/// The generic adapter.
pub struct HttpAdapter {
    client: Client,
    token: Secret,
    basic: Secret,
    health: Option<Request>,
    clock: ClockPointers,
    open: Request,
    mode: ReplyMode,
    pointers: ReplyPointers,
    leave: Option<Request>,
    message: Option<Request>,
    names: Names,
    hooks: Option<Arc<Hooks>>,
    callback_url: String,
    /// Open push streams, by conversation id, between replies.
    streams: Mutex<HashMap<String, push::Live>>,
}

impl HttpAdapter {
    /// The adapter for an `http` target; starts the webhook listener when
    /// replies come by callback (call inside the runtime).
    pub async fn new(target: &Target, sc: &Scenario) -> Result<HttpAdapter, DriveError> {
        let target::Adapter::Http {
            open,
            reply,
            pointers,
            leave,
            message,
        } = &target.adapter
        else {
            return Err(DriveError::WrongAdapter("an http"));
        };
        let (hooks, callback_url) = match reply {
            ReplyMode::Callback {
                listen,
                conversation,
            } => {
                let (conv, p) = (conversation.clone(), pointers.clone());
                let parse = Box::new(move |v: &Value| {
                    let id = id_of(v.pointer(&conv)?)?;
                    Some((id, read_reply(v, &p)?))
                });
                let (h, url) = callback::listen(listen, parse).await?;
                (Some(h), url)
            }
            _ => (None, String::new()),
        };
        Ok(HttpAdapter {
            client: Client::new(target)?,
            token: target.token.clone(),
            basic: target.basic.clone(),
            health: target.health.clone(),
            clock: target.clock.clone(),
            open: open.clone(),
            mode: reply.clone(),
            pointers: pointers.clone(),
            leave: leave.clone(),
            message: message.clone(),
            names: Names::of(sc),
            hooks,
            callback_url,
            streams: Mutex::new(HashMap::new()),
        })
    }

    /// Reads the answer to the open request.
    fn parse_open(&self, c: &Conversation, doc: &Value) -> Result<Opened, Failure> {
        let id = match &self.open.id {
            Some(p) => doc
                .pointer(p)
                .and_then(id_of)
                .ok_or_else(|| Failure::bad("open", format!("no conversation id at {p:?}")))?,
            None => c.key.clone(),
        };
        let Sent { server_at, reply } = self.read_answer("open", &self.open, doc)?;
        Ok(Opened {
            id,
            server_at,
            reply,
        })
    }

    /// The server's time of a message (the request's `at` pointer) and,
    /// in sync mode, the reply in the answer to `req`.
    fn read_answer(&self, what: &str, req: &Request, doc: &Value) -> Result<Sent, Failure> {
        let server_at = req
            .at
            .as_deref()
            .and_then(|p| doc.pointer(p))
            .and_then(|v| self.pointers.times.seconds(v));
        let reply = match self.mode {
            ReplyMode::Sync => Some(
                nth_reply(doc, &self.pointers, 0)
                    .ok_or_else(|| Failure::bad(what, "no reply in the answer (sync mode)"))?,
            ),
            _ => None,
        };
        Ok(Sent { server_at, reply })
    }

    fn vars<'a>(&'a self, c: &'a Conversation, id: &'a str) -> impl Fn(&str) -> String + Sync + 'a {
        move |n: &str| match n {
            "basic" => self.basic.expose().to_string(),
            _ => self.names.value(n, c, id, &self.token, &self.callback_url),
        }
    }
}

impl adapter::Adapter for HttpAdapter {
    async fn probe(&self) -> Result<DeskClock, DriveError> {
        let doc = self
            .client
            .probe(
                self.health.as_ref(),
                &[("token", &self.token), ("basic", &self.basic)],
            )
            .await?;
        let number = |p: &Option<String>| -> Result<Option<f64>, DriveError> {
            let Some(p) = p else { return Ok(None) };
            match doc.pointer(p).and_then(Value::as_f64) {
                Some(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
                _ => Err(DriveError::NoNumber {
                    pointer: p.clone(),
                    doc: doc.to_string(),
                }),
            }
        };
        Ok(DeskClock {
            now: number(&self.clock.clock)?.map(crate::time::from_secs_f64),
            speed: number(&self.clock.speed)?,
        })
    }

    async fn open(&self, c: &Conversation, tally: &dyn Tally) -> Result<Opened, Failure> {
        let doc = self
            .client
            .send("open", &self.open, &self.vars(c, ""), tally)
            .await?;
        // The request itself was counted as good; an answer the pointers
        // cannot read is a bad response too.
        self.parse_open(c, &doc)
            .inspect_err(|f| tally.unreadable(f))
    }

    async fn reply(
        &self,
        c: &Conversation,
        o: &Opened,
        seen: u32,
        tally: &dyn Tally,
    ) -> Result<Reply, Failure> {
        match &self.mode {
            // Replies come in the answers; no other comes.
            ReplyMode::Sync => std::future::pending().await,
            ReplyMode::Callback { .. } => {
                let hooks = self.hooks.as_ref().expect("callback mode listens");
                hooks
                    .wait(&o.id)
                    .await
                    .ok_or_else(|| Failure::bad("webhook", "the listener stopped"))
            }
            ReplyMode::Poll { request, interval } => {
                // After a reply, the answer that showed it may have shown
                // the next one too: ask again at once.
                let mut wait = seen == 0;
                loop {
                    if wait {
                        tokio::time::sleep(*interval).await;
                    }
                    wait = true;
                    let vars = self.vars(c, &o.id);
                    if let Ok(doc) = self.client.send("poll", request, &vars, tally).await
                        && let Some(r) = nth_reply(&doc, &self.pointers, seen)
                    {
                        return Ok(r);
                    }
                }
            }
            ReplyMode::Push { kind, request } => {
                let live = self.streams.lock().expect("not poisoned").remove(&o.id);
                let vars = self.vars(c, &o.id);
                let mut reader = push::Reader {
                    live,
                    connect: &|| self.client.stream_request(request, &vars),
                    kind: *kind,
                    read: &|v| read_reply(v, &self.pointers),
                };
                let r = reader.next(seen, tally).await;
                if let Some(l) = reader.live {
                    self.streams
                        .lock()
                        .expect("not poisoned")
                        .insert(o.id.clone(), l);
                }
                Ok(r)
            }
        }
    }

    async fn leave(&self, c: &Conversation, o: &Opened, tally: &dyn Tally) -> Result<(), Failure> {
        match &self.leave {
            Some(req) => self
                .client
                .send("leave", req, &self.vars(c, &o.id), tally)
                .await
                .map(|_| ()),
            None => Ok(()),
        }
    }

    fn plays_turns(&self) -> bool {
        self.message.is_some()
    }

    async fn message(
        &self,
        c: &Conversation,
        o: &Opened,
        tally: &dyn Tally,
    ) -> Result<Sent, Failure> {
        let Some(req) = &self.message else {
            return Err(Failure::bad("message", "the target file has no [message]"));
        };
        let doc = self
            .client
            .send("message", req, &self.vars(c, &o.id), tally)
            .await?;
        // The request was counted as good; an answer the pointers cannot
        // read is a bad response too.
        self.read_answer("message", req, &doc)
            .inspect_err(|f| tally.unreadable(f))
    }

    fn forget(&self, o: &Opened) {
        if let Some(h) = &self.hooks {
            h.forget(&o.id);
        }
        if matches!(self.mode, ReplyMode::Push { .. }) {
            self.streams.lock().expect("not poisoned").remove(&o.id);
        }
    }
}
