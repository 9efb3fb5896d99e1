//! What the runner needs from a helpdesk, whatever its API: open a
//! conversation, notice the first reply, let the shopper leave. The runner
//! owns the clock (when shoppers are due, how long they wait); an adapter
//! only speaks the target's protocol.

use crate::demand::Shopper;
use crate::profile::units::Duration;
use crate::time::{SimTime, clock_label};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// The kinds of errors a drive counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The connection could not be made or broke.
    Connect,
    /// No answer within the target's timeout.
    Timeout,
    /// A 4xx status.
    Status4xx,
    /// A 5xx status.
    Status5xx,
    /// An answer the target file's pointers cannot read.
    BadResponse,
}

impl ErrorKind {
    /// Every kind, in report order.
    pub const ALL: [ErrorKind; 5] = [
        ErrorKind::Connect,
        ErrorKind::Timeout,
        ErrorKind::Status4xx,
        ErrorKind::Status5xx,
        ErrorKind::BadResponse,
    ];

    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Status4xx => "4xx",
            ErrorKind::Status5xx => "5xx",
            ErrorKind::BadResponse => "bad_response",
        }
    }
}

/// A failed request: its kind and a one-line reason (never a header).
#[derive(Debug, Clone)]
pub struct Failure {
    /// What went wrong.
    pub kind: ErrorKind,
    /// In words, for the report's first-error list.
    pub detail: String,
}

impl Failure {
    /// A failure from a reqwest error.
    pub fn from_reqwest(what: &str, e: &reqwest::Error) -> Failure {
        let kind = if e.is_timeout() {
            ErrorKind::Timeout
        } else if e.is_decode() || e.is_body() {
            ErrorKind::BadResponse
        } else {
            ErrorKind::Connect
        };
        // Without the URL's query, and reqwest never prints headers.
        let mut source = std::error::Error::source(e);
        let mut cause = String::new();
        while let Some(s) = source {
            cause = s.to_string();
            source = s.source();
        }
        Failure {
            kind,
            detail: format!(
                "{what}: {}{}",
                kind_words(kind),
                if cause.is_empty() {
                    String::new()
                } else {
                    format!(" ({cause})")
                }
            ),
        }
    }

    /// A failure for an HTTP status.
    pub fn status(what: &str, status: reqwest::StatusCode) -> Failure {
        Failure {
            kind: if status.is_server_error() {
                ErrorKind::Status5xx
            } else {
                ErrorKind::Status4xx
            },
            detail: format!("{what}: HTTP {status}"),
        }
    }

    /// A push stream the target ended while a reply was awaited.
    pub fn closed() -> Failure {
        Failure {
            kind: ErrorKind::Connect,
            detail: "push stream: the target closed it while a reply was awaited".into(),
        }
    }

    /// An answer that does not hold what the target file says it holds.
    pub fn bad(what: &str, why: impl std::fmt::Display) -> Failure {
        Failure {
            kind: ErrorKind::BadResponse,
            detail: format!("{what}: {why}"),
        }
    }
}

fn kind_words(k: ErrorKind) -> &'static str {
    match k {
        ErrorKind::Connect => "cannot connect",
        ErrorKind::Timeout => "timed out",
        _ => "bad answer",
    }
}

/// One shopper's conversation as an adapter sees it.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// peakdesk's id for it (`pd-<seed>-<number>`).
    pub key: String,
    /// The shopper.
    pub shopper: Shopper,
}

/// What the target answered when the conversation was opened.
#[derive(Debug, Clone, Default)]
pub struct Opened {
    /// The target's id for the conversation.
    pub id: String,
    /// The server's creation time, seconds since the epoch.
    pub server_at: Option<f64>,
    /// A reply already in the open answer.
    pub reply: Option<Reply>,
}

/// What comes next in a conversation after a reply, as a desk that says
/// so tells (`peakdesk serve`'s `next`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The desk waits for the shopper's next message.
    Shopper,
    /// The desk owes the next move (the bot handed over to a human).
    Desk,
    /// The conversation is over.
    Closed,
}

impl Next {
    /// The word the API uses.
    pub fn name(self) -> &'static str {
        match self {
            Next::Shopper => "shopper",
            Next::Desk => "desk",
            Next::Closed => "closed",
        }
    }

    /// The value for a word of the API (`None`: not one of them).
    pub fn parse(word: &str) -> Option<Next> {
        [Next::Shopper, Next::Desk, Next::Closed]
            .into_iter()
            .find(|n| n.name().eq_ignore_ascii_case(word))
    }
}

/// A reply, or a notice that an agent took the conversation, as noticed.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// The server's time of the reply, seconds since the epoch.
    pub server_at: Option<f64>,
    /// Whether the bot replied (`None`: the target does not say).
    pub by_bot: Option<bool>,
    /// The agents' group, by name, when the target says.
    pub group: Option<String>,
    /// What comes next, when the target says.
    pub next: Option<Next>,
    /// Not an answer: an agent took the conversation (the target's
    /// `event` is `"joined"`).
    pub joined: bool,
}

/// What the target answered to a later message.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    /// The server's time of the message, seconds since the epoch.
    pub server_at: Option<f64>,
    /// A reply already in the answer (sync mode).
    pub reply: Option<Reply>,
}

/// The scenario time and speed a target says its desk keeps (`peakdesk
/// serve`'s `/health`, read with the target file's `[health] clock` and
/// `speed`); `None` where it does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DeskClock {
    /// Scenario time now.
    pub now: Option<SimTime>,
    /// Scenario seconds per wall second.
    pub speed: Option<f64>,
}

/// How a desk's clock disagrees with a drive's window.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum ClockMismatch {
    /// Another speed.
    #[error(
        "the desk runs at {desk}x and this drive at {drive}x: start both at one speed (serve --speed, drive --speed)"
    )]
    Speed {
        /// The desk's speed.
        desk: f64,
        /// The drive's.
        drive: f64,
    },
    /// Another time of day.
    #[error(
        "the desk's clock reads {} and this drive starts at {} (more than {} apart): start `peakdesk serve --from {}` just before the drive, or drive --from {}",
        clock_label(*desk), clock_label(*from), Duration(*tolerance), clock_label(*from), clock_label(*desk)
    )]
    Time {
        /// The desk's scenario time now.
        desk: SimTime,
        /// The drive's window start.
        from: SimTime,
        /// How far apart they may be.
        tolerance: SimTime,
    },
}

impl DeskClock {
    /// Whether a drive of the window from `from` at `speed` plays the time
    /// the desk keeps: its clock within `tolerance` of `from`, and the
    /// same speed.
    pub fn check(
        &self,
        from: SimTime,
        speed: f64,
        tolerance: SimTime,
    ) -> Result<(), ClockMismatch> {
        if let Some(desk) = self.speed
            && (desk - speed).abs() > 1e-9 * speed
        {
            return Err(ClockMismatch::Speed { desk, drive: speed });
        }
        match self.now {
            Some(desk) if desk.abs_diff(from) > tolerance => Err(ClockMismatch::Time {
                desk,
                from,
                tolerance,
            }),
            _ => Ok(()),
        }
    }
}

/// Counts a request's outcome (every request an adapter makes, including
/// polls and virtual agents' requests).
pub trait Tally: Send + Sync {
    /// A request succeeded.
    fn ok(&self);
    /// A request failed.
    fn failed(&self, f: &Failure);
    /// A request already counted as good brought an answer the target
    /// file's pointers cannot read.
    fn unreadable(&self, f: &Failure);
}

/// Why a drive (or `serve`) cannot start, or a target is not up.
#[derive(Debug, thiserror::Error)]
pub enum DriveError {
    /// The target file's adapter is another kind.
    #[error("not {0} target")]
    WrongAdapter(&'static str),
    /// The HTTP client did not start.
    #[error("cannot start the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// The async runtime or the virtual agents did not start.
    #[error("cannot start {what}: {source}")]
    Start {
        /// What did not start.
        what: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// A listening socket could not be opened.
    #[error("cannot listen {what}on {at}: {source}")]
    Listen {
        /// For what (`for webhooks `, or empty).
        what: &'static str,
        /// The address.
        at: String,
        /// Why.
        source: std::io::Error,
    },
    /// The target's base URL does not parse.
    #[error("{url}: not a URL: {why}")]
    Url {
        /// The URL as written.
        url: String,
        /// What the parser said.
        why: String,
    },
    /// A TCP connection to the target failed.
    #[error("cannot connect to {host}:{port}: {source}")]
    Connect {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// Why.
        source: std::io::Error,
    },
    /// `serve`'s TLS certificate, key or client CA.
    #[error("TLS: {0}")]
    Tls(#[from] super::tls::TlsError),
    /// A user could not log in (Request Tracker's web login).
    #[error("cannot log in as {user:?}: {why}")]
    Login {
        /// The user.
        user: String,
        /// Why.
        why: String,
    },
    /// The health request failed (the failure's detail).
    #[error("{0}")]
    Health(String),
    /// The health answer lacks a clock number the target file points to.
    #[error("the health answer has no number >= 0 at {pointer:?}: {doc}")]
    NoNumber {
        /// The JSON pointer.
        pointer: String,
        /// The answer.
        doc: String,
    },
}

/// A helpdesk protocol.
pub trait Adapter: Send + Sync + 'static {
    /// Whether the target is up, and the clock it says its desk keeps; why
    /// not when it is not up.
    fn probe(&self) -> impl Future<Output = Result<DeskClock, DriveError>> + Send;
    /// Opens the conversation with the shopper's first message.
    fn open(
        &self,
        c: &Conversation,
        tally: &dyn Tally,
    ) -> impl Future<Output = Result<Opened, Failure>> + Send;
    /// Waits for the conversation's next reply or notice after the `seen`
    /// ones already noticed (the runner stops waiting when the shopper's
    /// patience runs out).
    fn reply(
        &self,
        c: &Conversation,
        o: &Opened,
        seen: u32,
        tally: &dyn Tally,
    ) -> impl Future<Output = Result<Reply, Failure>> + Send;
    /// Whether the shopper can write again (the target file has a
    /// `[message]` request): else a conversation ends at its first reply.
    fn plays_turns(&self) -> bool {
        false
    }
    /// The shopper writes again.
    fn message(
        &self,
        _c: &Conversation,
        _o: &Opened,
        _tally: &dyn Tally,
    ) -> impl Future<Output = Result<Sent, Failure>> + Send {
        std::future::ready(Err(Failure::bad(
            "message",
            "this target takes no later messages",
        )))
    }
    /// The shopper gives up.
    fn leave(
        &self,
        c: &Conversation,
        o: &Opened,
        tally: &dyn Tally,
    ) -> impl Future<Output = Result<(), Failure>> + Send;
    /// The conversation is over for the runner (replied, left or cut):
    /// forget whatever is kept for it.
    fn forget(&self, _o: &Opened) {}
    /// A line for the plan about what the adapter does besides the
    /// shoppers' requests (virtual agents), if anything.
    fn describe(&self) -> Option<String> {
        None
    }
    /// A line for the end of the run about what the adapter's own
    /// requests cost (reads and polls besides the shoppers'), if anything.
    fn costs(&self) -> Option<String> {
        None
    }
}
