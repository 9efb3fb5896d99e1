//! Push reply modes: the target pushes a conversation's replies on a
//! stream the drive opens for it, as a chat widget in the shopper's
//! browser does: a WebSocket (one JSON event per text frame) or
//! server-sent events (one JSON event per event's data). The stream
//! starts with the conversation's replies so far, so a stream that breaks
//! is opened again (after a backoff, each break counted as an error of its
//! kind) and read from the reply the shopper is waiting for.

use super::adapter::{ErrorKind, Failure, Tally};
use super::target::Push;
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use serde_json::Value;
use std::time::Duration;

/// One conversation's events, as JSON, or the failure that broke it.
pub type Events = BoxStream<'static, Result<Value, Failure>>;

/// The first wait before opening a broken stream again; it doubles up to
/// [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest wait between attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);

fn json(what: &str, bytes: &[u8]) -> Result<Value, Failure> {
    serde_json::from_slice(bytes).map_err(|e| Failure::bad(what, format!("not JSON: {e}")))
}

fn ws_failure(e: reqwest_websocket::Error) -> Failure {
    use reqwest_websocket::{Error, HandshakeError};
    match e {
        Error::Reqwest(e) => Failure::from_reqwest("websocket", &e),
        Error::Handshake(HandshakeError::UnexpectedStatusCode(s)) => {
            Failure::status("websocket", s)
        }
        other => Failure {
            kind: ErrorKind::Connect,
            detail: format!("websocket: {other}"),
        },
    }
}

async fn websocket(req: reqwest::RequestBuilder) -> Result<Events, Failure> {
    use reqwest_websocket::{Message, Upgrade};
    let answer = req.upgrade().send().await.map_err(ws_failure)?;
    let status = answer.status();
    if status != reqwest::StatusCode::SWITCHING_PROTOCOLS {
        return Err(Failure::status("websocket", status));
    }
    let ws = answer.into_websocket().await.map_err(ws_failure)?;
    Ok(ws
        .filter_map(|m| async move {
            match m {
                Ok(Message::Text(t)) => Some(json("websocket", t.as_bytes())),
                Ok(Message::Binary(b)) => Some(json("websocket", &b)),
                Ok(_) => None,
                Err(e) => Some(Err(ws_failure(e))),
            }
        })
        .boxed())
}

async fn sse(req: reqwest::RequestBuilder) -> Result<Events, Failure> {
    let answer = req
        .header(reqwest::header::ACCEPT, "text/event-stream")
        .send()
        .await
        .map_err(|e| Failure::from_reqwest("event stream", &e))?;
    let status = answer.status();
    if !status.is_success() {
        return Err(Failure::status("event stream", status));
    }
    Ok(answer
        .bytes_stream()
        .eventsource()
        .filter_map(|e| async move {
            match e {
                Ok(ev) if ev.data.trim().is_empty() => None,
                Ok(ev) => Some(json("event stream", ev.data.as_bytes())),
                Err(eventsource_stream::EventStreamError::Transport(e)) => {
                    Some(Err(Failure::from_reqwest("event stream", &e)))
                }
                Err(e) => Some(Err(Failure::bad("event stream", e))),
            }
        })
        .boxed())
}

/// Opens a stream of `kind` with the request `req` (URL and headers
/// filled).
pub async fn open(kind: Push, req: reqwest::RequestBuilder) -> Result<Events, Failure> {
    match kind {
        Push::WebSocket => websocket(req).await,
        Push::Sse => sse(req).await,
    }
}

/// A conversation's stream and how many replies it has shown.
pub struct Live {
    events: Events,
    shown: u32,
}

/// Reads a conversation's stream: opens it (again) when needed, counting
/// every attempt, and returns the reply after the `seen` first ones.
pub struct Reader<'a, R> {
    /// The stream kept from the last read, if any.
    pub live: Option<Live>,
    /// Opens the stream.
    pub connect: &'a (dyn Fn() -> reqwest::RequestBuilder + Sync),
    /// The kind of stream.
    pub kind: Push,
    /// Reads one event (`None`: not a reply, such as a typing notice).
    pub read: &'a (dyn Fn(&Value) -> Option<R> + Sync),
}

impl<R> Reader<'_, R> {
    /// The reply after the `seen` first ones (waits as long as it takes;
    /// the caller stops waiting when the shopper gives up).
    pub async fn next(&mut self, seen: u32, tally: &dyn Tally) -> R {
        let mut backoff = FIRST_BACKOFF;
        loop {
            let live = match self.live.take() {
                Some(l) => l,
                None => match open(self.kind, (self.connect)()).await {
                    Ok(events) => {
                        tally.ok();
                        Live { events, shown: 0 }
                    }
                    Err(f) => {
                        tally.failed(&f);
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                },
            };
            match self.read_until(live, seen).await {
                Ok(r) => return r,
                Err(f) => {
                    tally.unreadable(&f);
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    /// Reads `live` up to the reply after `seen`, keeping the stream for
    /// the next one; the failure that broke it otherwise.
    async fn read_until(&mut self, mut live: Live, seen: u32) -> Result<R, Failure> {
        loop {
            let event = match live.events.next().await {
                Some(Ok(v)) => v,
                Some(Err(f)) => return Err(f),
                None => return Err(Failure::closed()),
            };
            let Some(r) = (self.read)(&event) else {
                continue;
            };
            live.shown += 1;
            if live.shown > seen {
                self.live = Some(live);
                return Ok(r);
            }
        }
    }
}
