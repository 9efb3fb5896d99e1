//! The HTTP face of `peakdesk serve`: a small chat API that the shipped
//! target file `targets/serve.toml` describes for the generic adapter.
//!
//! - `GET /health`: `{status, profile, clock_s, clock, speed}`, the desk's
//!   scenario time now and its speed
//! - `POST /conversations` `{segment?, question?, channel?, text?, callback?, wait?, turns?}`:
//!   201 with `{id, created_at, messages}`; with `wait` (seconds) the
//!   answer waits up to that long for the first reply. `turns: "caller"`:
//!   the caller sends the later messages and sees every answer; else
//!   (`"model"`) the model plays them and shows the first response.
//! - `POST /conversations/{id}/messages` `{text?}`: the shopper writes
//!   again (202 with `{at}`, the server's time of it; a conversation
//!   opened with `turns: "caller"`).
//! - `GET /conversations/{id}`: `{id, created_at, closed, messages}`.
//! - `DELETE /conversations/{id}`: the shopper leaves (204).
//!
//! With `callback`, each reply is also posted there as
//! `{conversation, text, at, by, group}`; `serve_push` pushes the same
//! over a WebSocket or server-sent events.

use super::serve_state::{Conv, Shared, epoch_now};
use super::wall_desk::Cmd;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

#[derive(Debug, Deserialize)]
struct OpenBody {
    segment: Option<String>,
    question: Option<String>,
    channel: Option<String>,
    #[allow(dead_code)]
    text: Option<String>,
    callback: Option<String>,
    wait: Option<f64>,
    turns: Option<String>,
}

fn view(id: u64, c: &Conv) -> serde_json::Value {
    json!({
        "id": id.to_string(),
        "created_at": c.created_at,
        "closed": c.closed,
        "messages": c.messages,
    })
}

fn error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn index(
    names: impl Iterator<Item = String>,
    what: &str,
    v: &Option<String>,
) -> Result<Option<usize>, String> {
    let Some(v) = v.as_deref().filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let names: Vec<String> = names.collect();
    names.iter().position(|n| n == v).map(Some).ok_or_else(|| {
        format!(
            "unknown {what} {v:?} (expected one of {})",
            names.join(", ")
        )
    })
}

/// The segment, question and channel a caller names (each optional).
fn parts(sc: &crate::profile::Scenario, b: &OpenBody) -> Result<[Option<usize>; 3], String> {
    Ok([
        index(
            sc.segments.iter().map(|s| s.name.clone()),
            "segment",
            &b.segment,
        )?,
        index(
            sc.questions.iter().map(|q| q.name.clone()),
            "question",
            &b.question,
        )?,
        index(
            sc.channels.iter().map(|c| c.name.clone()),
            "channel",
            &b.channel,
        )?,
    ])
}

/// Waits up to `wait` seconds (at most an hour) for conversation `id`'s
/// first message, unless it has one or is closed.
async fn first_message(sh: &Shared, id: u64, wait: f64) {
    let (wtx, wrx) = oneshot::channel();
    let pending = {
        let mut convs = sh.convs.lock().expect("not poisoned");
        match convs.get_mut(&id) {
            Some(c) if c.messages.is_empty() && !c.closed => {
                c.waiters.push(wtx);
                true
            }
            _ => false,
        }
    };
    if pending {
        let _ = tokio::time::timeout(Duration::from_secs_f64(wait.min(3600.0)), wrx).await;
    }
}

async fn open(State(sh): State<Arc<Shared>>, body: Option<Json<OpenBody>>) -> Response {
    let Some(Json(b)) = body else {
        return error(StatusCode::BAD_REQUEST, "expected a JSON object".into());
    };
    let parts = match parts(&sh.scenario, &b) {
        Ok(p) => p,
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, e),
    };
    let caller_turns = match b.turns.as_deref() {
        None | Some("" | "model") => false,
        Some("caller") => true,
        Some(other) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("unknown turns {other:?} (expected \"caller\" or \"model\")"),
            );
        }
    };
    let id = sh
        .next_id
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    sh.convs.lock().expect("not poisoned").insert(
        id,
        Conv {
            created_at: epoch_now(),
            messages: Vec::new(),
            closed: false,
            callback: b.callback.filter(|c| !c.is_empty()),
            hooks: None,
            waiters: Vec::new(),
            watchers: Vec::new(),
        },
    );
    let open = Cmd::Open {
        id,
        parts,
        caller_turns,
    };
    if sh.tx.send(open).is_err() {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the desk has stopped".into(),
        );
    }
    if let Some(l) = &sh.live {
        l.opened();
    }
    if let Some(wait) = b.wait.filter(|w| *w > 0.0) {
        first_message(&sh, id, wait).await;
    }
    let convs = sh.convs.lock().expect("not poisoned");
    match convs.get(&id) {
        Some(c) => (StatusCode::CREATED, Json(view(id, c))).into_response(),
        None => error(StatusCode::GONE, "the conversation is gone".into()),
    }
}

async fn get(State(sh): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let convs = sh.convs.lock().expect("not poisoned");
    match id
        .parse::<u64>()
        .ok()
        .and_then(|n| convs.get(&n).map(|c| (n, c)))
    {
        Some((n, c)) => Json(view(n, c)).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("no conversation {id}")),
    }
}

/// Tells the desk `cmd(id)` for a known conversation, answering `ok`.
fn tell(sh: &Shared, id: &str, cmd: fn(u64) -> Cmd, ok: StatusCode) -> Response {
    let known = id
        .parse::<u64>()
        .ok()
        .filter(|n| sh.convs.lock().expect("not poisoned").contains_key(n));
    match known {
        Some(n) => {
            let _ = sh.tx.send(cmd(n));
            ok.into_response()
        }
        None => error(StatusCode::NOT_FOUND, format!("no conversation {id}")),
    }
}

async fn leave(State(sh): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let open = |n: u64| {
        let convs = sh.convs.lock().expect("not poisoned");
        convs.get(&n).is_some_and(|c| !c.closed)
    };
    let was_open = id.parse::<u64>().is_ok_and(open);
    let r = tell(&sh, &id, Cmd::Leave, StatusCode::NO_CONTENT);
    if let (Some(l), true) = (&sh.live, was_open) {
        l.abandoned();
    }
    r
}

async fn message(State(sh): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let at = epoch_now();
    let r = tell(&sh, &id, Cmd::Message, StatusCode::ACCEPTED);
    if r.status() != StatusCode::ACCEPTED {
        return r;
    }
    (StatusCode::ACCEPTED, Json(json!({ "at": at }))).into_response()
}

/// `GET /health`: up, and the desk's clock, so that a drive can check it
/// plays the time of day the desk is at (`clock_s`: scenario seconds from
/// the profile's start; `speed`: scenario seconds per wall second).
async fn health(State(sh): State<Arc<Shared>>) -> Json<serde_json::Value> {
    let now = sh.clock.now();
    Json(json!({
        "status": "ok",
        "profile": sh.scenario.name,
        "clock_s": crate::time::to_secs(now),
        "clock": crate::time::clock_label(now),
        "speed": sh.clock.speed,
    }))
}

/// The API's routes.
pub fn router(shared: Arc<Shared>) -> axum::Router {
    let router = axum::Router::new()
        .route("/health", axum::routing::get(health))
        .route("/conversations", axum::routing::post(open))
        .route("/conversations/{id}", axum::routing::get(get).delete(leave))
        .route("/conversations/{id}/messages", axum::routing::post(message));
    super::serve_push::routes(router).with_state(shared)
}
