//! The conversations `serve` keeps, as its HTTP handlers (`serve_api`,
//! `serve_push`) show them, and how the desk's replies reach them: shown
//! on the conversation, pushed to its watchers, posted to its webhook.
//! Shared by the desk's thread (as its [`Outlet`]) and the handlers.

use super::live::desk::ServeMetrics;
use super::wall_desk::{Answer, Cmd, Outlet};
use crate::engine::clock::Timebase;
use crate::profile::Scenario;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::oneshot;

/// A reply, or a notice, as the API shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Message {
    /// The text (`null` for a notice).
    pub text: Option<&'static str>,
    /// When it was posted, seconds since the epoch.
    pub at: f64,
    /// `"bot"` or `"agent"`.
    pub by: &'static str,
    /// The agents' group, for an agent's reply.
    pub group: Option<String>,
    /// After a reply: `"shopper"` (the desk waits for the shopper's next
    /// message), `"desk"` (the desk goes on: a human comes) or `"closed"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<&'static str>,
    /// A notice's kind: `"joined"` (an agent took the conversation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<&'static str>,
}

/// One conversation's state, shared with the HTTP handlers.
#[derive(Debug)]
pub struct Conv {
    /// When it was opened, seconds since the epoch.
    pub created_at: f64,
    /// Replies so far.
    pub messages: Vec<Message>,
    /// Whether it is over (resolved or left).
    pub closed: bool,
    /// Where to post replies.
    pub callback: Option<String>,
    /// The queue of this conversation's webhooks, posted one after the
    /// other so that they arrive in order.
    pub hooks: Option<tokio::sync::mpsc::UnboundedSender<serde_json::Value>>,
    /// Handlers waiting for the first reply.
    pub waiters: Vec<oneshot::Sender<()>>,
    /// Push streams open on it (`serve_push`): each reply's JSON.
    pub watchers: Vec<tokio::sync::mpsc::UnboundedSender<String>>,
}

/// A reply or notice of conversation `id` as pushed: the message with
/// its conversation's id (a webhook's body, a stream's event).
pub fn event_json(id: u64, m: &Message) -> serde_json::Value {
    let mut body = serde_json::to_value(m).expect("a message is JSON");
    body["conversation"] = id.to_string().into();
    body
}

/// What the HTTP side shares with the desk thread.
pub struct Shared {
    /// Conversations by id.
    pub convs: Mutex<HashMap<u64, Conv>>,
    /// Commands to the desk thread.
    pub tx: Sender<Cmd>,
    /// The profile (names of parts).
    pub scenario: Arc<Scenario>,
    /// For webhooks.
    pub http: reqwest::Client,
    /// The runtime the webhooks go out on.
    pub runtime: tokio::runtime::Handle,
    /// Set when the server stops: the desk thread ends.
    pub stop: AtomicBool,
    /// The next conversation id.
    pub next_id: AtomicU64,
    /// Closed conversations, oldest first, dropped after a while.
    closed: Mutex<VecDeque<(Instant, u64)>>,
    /// The desk's clock: scenario time now (`/health` shows it).
    pub clock: Timebase,
    /// The live metrics, with `--metrics-listen`.
    pub live: Option<ServeMetrics>,
}

impl Shared {
    /// No conversations yet; the first gets id 1.
    pub fn new(
        scenario: Arc<Scenario>,
        tx: Sender<Cmd>,
        http: reqwest::Client,
        runtime: tokio::runtime::Handle,
        clock: Timebase,
        live: Option<ServeMetrics>,
    ) -> Shared {
        Shared {
            convs: Mutex::new(HashMap::new()),
            tx,
            scenario,
            http,
            runtime,
            stop: AtomicBool::new(false),
            next_id: AtomicU64::new(1),
            closed: Mutex::new(VecDeque::new()),
            clock,
            live,
        }
    }
}

/// Seconds since the epoch, now.
pub fn epoch_now() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// How long a closed conversation stays readable.
const KEEP_CLOSED: Duration = Duration::from_secs(120);

impl Outlet for Shared {
    fn reply(&self, id: u64, a: Answer) {
        let text = if a.by_bot {
            "Hi! I am the store's assistant, here is what I found."
        } else {
            "Hello, this is customer service, let me help you."
        };
        let by = if a.by_bot { "bot" } else { "agent" };
        post(self, id, Some(text), by, a.group, Some(a.next.name()), None);
    }

    fn taken(&self, _id: u64, group: usize) {
        if let Some(l) = &self.live {
            l.taken(group);
        }
    }

    fn joined(&self, id: u64, group: usize) {
        post(self, id, None, "agent", Some(group), None, Some("joined"));
    }

    fn closed(&self, id: u64) {
        if let Some(l) = &self.live {
            l.closed();
        }
        let mut convs = self.convs.lock().expect("not poisoned");
        if let Some(c) = convs.get_mut(&id) {
            c.closed = true;
            // Their streams end.
            c.watchers.clear();
        }
        let mut closed = self.closed.lock().expect("not poisoned");
        closed.push_back((Instant::now(), id));
        while closed
            .front()
            .is_some_and(|(at, _)| at.elapsed() > KEEP_CLOSED)
        {
            let (_, old) = closed.pop_front().expect("checked");
            convs.remove(&old);
        }
    }
}

/// Shows a reply or notice on conversation `id`, and posts it to the
/// conversation's webhook.
fn post(
    shared: &Shared,
    id: u64,
    text: Option<&'static str>,
    by: &'static str,
    group: Option<usize>,
    next: Option<&'static str>,
    event: Option<&'static str>,
) {
    let sc = &shared.scenario;
    let mut convs = shared.convs.lock().expect("not poisoned");
    let Some(c) = convs.get_mut(&id) else { return };
    let m = Message {
        text,
        at: epoch_now(),
        by,
        group: group.map(|g| sc.groups[g].name.clone()),
        next,
        event,
    };
    if !c.watchers.is_empty() {
        let text = event_json(id, &m).to_string();
        c.watchers.retain(|w| w.send(text.clone()).is_ok());
    }
    if let (Some(l), None) = (&shared.live, event) {
        let first = c.messages.iter().all(|m| m.event.is_some());
        l.replied(by == "bot", first.then_some(m.at - c.created_at));
    }
    if let Some(url) = c.callback.clone() {
        let body = event_json(id, &m);
        let hooks = c.hooks.get_or_insert_with(|| {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<serde_json::Value>();
            let http = shared.http.clone();
            shared.runtime.spawn(async move {
                while let Some(body) = rx.recv().await {
                    let _ = http.post(&url).json(&body).send().await;
                }
            });
            tx
        });
        let _ = hooks.send(body);
    }
    c.messages.push(m);
    for w in c.waiters.drain(..) {
        let _ = w.send(());
    }
}
