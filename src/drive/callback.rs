//! The webhook listener: a target that pushes replies posts them here, and
//! each waiting shopper's task gets its replies, in the order they came,
//! by the target's conversation id. A webhook can beat the answer to the
//! request that opened the conversation, or come while the shopper thinks;
//! it is then kept until the task asks, for at most a minute.

use super::adapter::DriveError;
use super::adapter::Reply;
use axum::extract::State;
use axum::http::StatusCode;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// How to read a webhook: where the conversation id is, and the reply.
pub type Parse = dyn Fn(&serde_json::Value) -> Option<(String, Reply)> + Send + Sync;

/// Replies on their way to the tasks waiting for them.
pub struct Hooks {
    waiting: Mutex<HashMap<String, oneshot::Sender<Reply>>>,
    early: Mutex<HashMap<String, (Instant, VecDeque<Reply>)>>,
    parse: Box<Parse>,
    /// Replies and notices delivered.
    pub received: std::sync::atomic::AtomicU64,
}

const KEEP_EARLY: Duration = Duration::from_secs(60);

impl Hooks {
    /// Hooks that no listener feeds: for an adapter that delivers the
    /// replies itself (its virtual agents know when they posted).
    pub fn new() -> Arc<Hooks> {
        Arc::new(Hooks {
            waiting: Mutex::new(HashMap::new()),
            early: Mutex::new(HashMap::new()),
            parse: Box::new(|_| None),
            received: Default::default(),
        })
    }

    /// Waits for the next reply to conversation `id`.
    pub async fn wait(&self, id: &str) -> Option<Reply> {
        let rx = {
            let mut early = self.early.lock().expect("not poisoned");
            if let Some((_, kept)) = early.get_mut(id)
                && let Some(r) = kept.pop_front()
            {
                if kept.is_empty() {
                    early.remove(id);
                }
                return Some(r);
            }
            let (tx, rx) = oneshot::channel();
            self.waiting
                .lock()
                .expect("not poisoned")
                .insert(id.to_string(), tx);
            rx
        };
        rx.await.ok()
    }

    /// Stops waiting for conversation `id`, and drops what was kept.
    pub fn forget(&self, id: &str) {
        self.waiting.lock().expect("not poisoned").remove(id);
        self.early.lock().expect("not poisoned").remove(id);
    }

    /// Hands a reply to its waiting task, or keeps it (behind the others
    /// of its conversation) for a while: replies to a conversation nobody
    /// asks about again are dropped after a minute.
    pub fn deliver(&self, id: String, reply: Reply) {
        self.received
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // Under the lock of the kept replies, so that a reply cannot pass
        // one kept before it.
        let now = Instant::now();
        let mut early = self.early.lock().expect("not poisoned");
        let waiter = match early.contains_key(&id) {
            true => None,
            false => self.waiting.lock().expect("not poisoned").remove(&id),
        };
        let reply = match waiter {
            Some(tx) => match tx.send(reply) {
                Ok(()) => return,
                Err(reply) => reply,
            },
            None => reply,
        };
        if early.len() > 10_000 {
            early.retain(|_, (at, _)| now.duration_since(*at) < KEEP_EARLY);
        }
        early
            .entry(id)
            .or_insert_with(|| (now, VecDeque::new()))
            .1
            .push_back(reply);
    }
}

async fn hook(State(hooks): State<Arc<Hooks>>, body: axum::body::Bytes) -> StatusCode {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    match (hooks.parse)(&v) {
        Some((id, reply)) => {
            hooks.deliver(id, reply);
            StatusCode::NO_CONTENT
        }
        None => StatusCode::NO_CONTENT,
    }
}

/// Starts a listener on `listen` (on the current runtime); returns the
/// hooks and the URL to give the target.
pub async fn listen(listen: &str, parse: Box<Parse>) -> Result<(Arc<Hooks>, String), DriveError> {
    let refused = |source| DriveError::Listen {
        what: "for webhooks ",
        at: listen.into(),
        source,
    };
    let socket = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(refused)?;
    let addr = socket.local_addr().map_err(refused)?;
    let hooks = Arc::new(Hooks {
        parse,
        ..Arc::into_inner(Hooks::new()).expect("not shared yet")
    });
    let app = axum::Router::new()
        .fallback(axum::routing::post(hook))
        .with_state(hooks.clone());
    tokio::spawn(async move {
        let _ = axum::serve(socket, app).await;
    });
    Ok((hooks, format!("http://{addr}/hook")))
}
