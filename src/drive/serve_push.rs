//! `peakdesk serve`'s push endpoints, for the `websocket` and `sse` reply
//! modes (`targets/serve-websocket.toml`, `targets/serve-sse.toml`):
//!
//! - `GET /conversations/{id}/ws`: a WebSocket; one text frame per reply
//!   or notice, as JSON (`{conversation, text, at, by, group, next,
//!   event}`, the webhook's body).
//! - `GET /conversations/{id}/events`: server-sent events; one event per
//!   reply or notice, the same JSON in its data.
//!
//! Both start with the conversation's replies so far (a client that
//! reconnects reads on from where it was), then push each new one, and end
//! when the conversation is closed.

use super::serve_state::Shared;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedReceiver;

/// The conversation's events so far and to come; `None`: no such
/// conversation.
fn subscribe(sh: &Shared, id: &str) -> Option<UnboundedReceiver<String>> {
    let n = id.parse::<u64>().ok()?;
    let mut convs = sh.convs.lock().expect("not poisoned");
    let c = convs.get_mut(&n)?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    for m in &c.messages {
        let _ = tx.send(super::serve_state::event_json(n, m).to_string());
    }
    if !c.closed {
        c.watchers.push(tx);
    }
    Some(rx)
}

fn unknown(id: &str) -> Response {
    (StatusCode::NOT_FOUND, format!("no conversation {id}")).into_response()
}

async fn pump(mut socket: WebSocket, mut rx: UnboundedReceiver<String>) {
    while let Some(text) = rx.recv().await {
        if socket.send(Message::Text(text.into())).await.is_err() {
            return;
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

async fn websocket(
    State(sh): State<Arc<Shared>>,
    Path(id): Path<String>,
    upgrade: WebSocketUpgrade,
) -> Response {
    match subscribe(&sh, &id) {
        Some(rx) => upgrade.on_upgrade(move |socket| pump(socket, rx)),
        None => unknown(&id),
    }
}

async fn events(State(sh): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let Some(rx) = subscribe(&sh, &id) else {
        return unknown(&id);
    };
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        let text = rx.recv().await?;
        Some((
            Ok::<_, std::convert::Infallible>(Event::default().data(text)),
            rx,
        ))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// The push routes.
pub fn routes(router: axum::Router<Arc<Shared>>) -> axum::Router<Arc<Shared>> {
    router
        .route("/conversations/{id}/ws", axum::routing::get(websocket))
        .route("/conversations/{id}/events", axum::routing::get(events))
}
