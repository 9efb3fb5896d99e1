//! The Request Tracker 5 adapter (REST2). Shoppers open tickets in a
//! queue as the intake user; peakdesk also plays the agents, as for
//! django-helpdesk: the profile's desk model (`wall_desk`) decides when an
//! agent takes a ticket (it becomes the Owner) and when each reply is due
//! (a correspondence by that agent). The shopper's later messages are
//! correspondences by the intake user; a shopper whose patience runs out
//! rejects the ticket (a comment with `Status: rejected`, one request).
//!
//! Each user logs in once through RT's web login and reuses its session
//! cookie: REST2's token and basic auth check a bcrypt hash on every
//! request (about 0.3 s of the server's CPU each), a session cookie only a
//! session lookup. RT has no outgoing webhooks: a reply is noticed when
//! the virtual agent's own post is answered, after one read of the
//! ticket's history for RT's time of it (the same read gives the times of
//! the ticket's creation and of the shopper's messages); a bounded poll of
//! the history (every `poll_interval`, at most `poll_max` a wait) notices
//! replies by anyone else. Every read and poll is a counted request, and
//! the run ends with their cost.

use super::adapter::{
    self, Conversation, DeskClock, DriveError, Failure, Opened, Reply, Sent, Tally,
};
use super::agents::{Due, GAVE_UP, Roster, VirtualDesk, follow_up, start_desk};
use super::callback::Hooks;
use super::django::send;
use super::http::{Client, Names};
use super::rt_target::{Rt, Txn, history};
use super::target::{self, Request, Secret, Target};
use super::wall_desk::{self, Cmd, Outlet};
use crate::profile::Scenario;
use crate::time::SimTime;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A logged-in user: its name and its session cookie (`RT_SID_...=...`).
struct Session {
    user: String,
    cookie: String,
}

/// REST2 requests with a session, and the cost of the reads.
struct Rest {
    client: Client,
    /// RT refuses a cookie-authenticated write without a Referer of its own.
    referer: String,
    /// History reads for RT's time of a post.
    reads: AtomicU64,
    /// Polls of a waiting ticket's history, and the replies they found.
    polls: AtomicU64,
    found: AtomicU64,
}

impl Rest {
    fn request(&self, method: reqwest::Method, path: String, s: &Session) -> Request {
        Request {
            method,
            path,
            headers: vec![
                ("Cookie".into(), s.cookie.clone()),
                ("Referer".into(), self.referer.clone()),
            ],
            body: None,
            id: None,
            at: None,
        }
    }

    /// A JSON write (`POST` or `PUT`) as user `s`.
    async fn write(
        &self,
        what: &str,
        method: reqwest::Method,
        path: String,
        s: &Session,
        body: Value,
        tally: &dyn Tally,
    ) -> Result<Value, Failure> {
        send(
            &self.client,
            what,
            self.request(method, path, s),
            body,
            tally,
        )
        .await
    }

    /// The newest transactions of ticket `id`, newest first.
    async fn history(&self, id: u64, s: &Session, tally: &dyn Tally) -> Option<Vec<Txn>> {
        let path = format!(
            "/REST/2.0/ticket/{id}/history?fields=Type,Created,Creator&orderby=id&order=DESC&per_page=50"
        );
        let req = self.request(reqwest::Method::GET, path, s);
        let doc = self
            .client
            .send("history", &req, &|_| String::new(), tally)
            .await
            .ok()?;
        let h = history(&doc);
        if h.is_none() {
            tally.unreadable(&Failure::bad("history", "not a REST2 history page"));
        }
        h
    }

    /// RT's time of the newest transaction of `kind` by `s` on ticket
    /// `id` (one counted read).
    async fn stamp(&self, id: u64, kind: &str, s: &Session, tally: &dyn Tally) -> Option<f64> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.history(id, s, tally)
            .await?
            .into_iter()
            .find(|t| t.kind == kind && t.by == s.user)?
            .at
    }
}

/// Logs `user` in through RT's web login; the session cookie.
async fn login(base: &str, user: &str, password: &Secret) -> Result<String, DriveError> {
    let refused = |why: String| DriveError::Login {
        user: user.to_string(),
        why,
    };
    let http = super::tls::client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(DriveError::Client)?;
    let form = reqwest::Url::parse_with_params(
        "http://form.invalid/",
        &[("user", user), ("pass", password.expose())],
    )
    .map_err(|e| refused(e.to_string()))?;
    let resp = http
        .post(format!("{base}/NoAuth/Login.html"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Referer", format!("{base}/"))
        .body(form.query().unwrap_or_default().to_string())
        .send()
        .await
        .map_err(|e| refused(Failure::from_reqwest("login", &e).detail))?;
    let cookie = session_cookie(resp.headers().get_all("set-cookie").iter()).ok_or_else(|| {
        refused(format!(
            "HTTP {}, and no RT_SID session cookie",
            resp.status()
        ))
    })?;
    // A refused password gets a session too: only an authenticated one
    // reads REST2.
    let check = http
        .get(format!("{base}/REST/2.0/queues/all?per_page=1"))
        .header("Cookie", &cookie)
        .send()
        .await
        .map_err(|e| refused(Failure::from_reqwest("login check", &e).detail))?;
    if !check.status().is_success() {
        return Err(refused(format!(
            "RT did not accept the password (REST2 answers HTTP {} with the session)",
            check.status()
        )));
    }
    Ok(cookie)
}

/// The `RT_SID_...=value` pair among `Set-Cookie` headers.
fn session_cookie<'a>(
    headers: impl Iterator<Item = &'a reqwest::header::HeaderValue>,
) -> Option<String> {
    headers
        .filter_map(|h| h.to_str().ok())
        .filter_map(|h| h.split(';').next())
        .map(str::trim)
        .find(|c| c.starts_with("RT_SID_") && c.contains('='))
        .map(str::to_string)
}

/// The virtual agents: they take tickets and post replies, on the
/// runtime, while the desk thread goes on.
struct Agents {
    rest: Arc<Rest>,
    sessions: Arc<Vec<Session>>,
    roster: Roster,
    tally: Arc<dyn Tally>,
    runtime: tokio::runtime::Handle,
    /// Where the shoppers' tasks hear of takes and replies.
    hooks: Arc<Hooks>,
}

/// Agent `agent` answers ticket `id`, and the shopper's task hears of it
/// with RT's time of the post.
async fn answer(
    rest: &Rest,
    sessions: &[Session],
    agent: usize,
    id: u64,
    hooks: &Hooks,
    tally: &dyn Tally,
) {
    let s = &sessions[agent];
    let body = json!({
        "Content": format!("Hello, {} here from customer service: let me help you.", s.user),
        "ContentType": "text/plain",
    });
    let path = format!("/REST/2.0/ticket/{id}/correspond");
    let posted = rest.write("agent reply", reqwest::Method::POST, path, s, body, tally);
    if posted.await.is_ok() {
        let server_at = rest.stamp(id, "Correspond", s, tally).await;
        let reply = Reply {
            server_at,
            by_bot: Some(false),
            ..Reply::default()
        };
        hooks.deliver(id.to_string(), reply);
    }
}

impl Outlet for Agents {
    fn taken(&self, id: u64, _group: usize) {
        let (agent, wait) = self.roster.take(id);
        let (rest, sessions) = (self.rest.clone(), self.sessions.clone());
        let (tally, hooks) = (self.tally.clone(), self.hooks.clone());
        self.runtime.spawn(async move {
            let s = &sessions[agent];
            let body = json!({ "Owner": s.user });
            let path = format!("/REST/2.0/ticket/{id}");
            let claim = rest.write("take", reqwest::Method::PUT, path, s, body, &*tally);
            if claim.await.is_ok() {
                let joined = Reply {
                    joined: true,
                    by_bot: Some(false),
                    ..Reply::default()
                };
                hooks.deliver(id.to_string(), joined);
            }
            if wait.await.is_ok() {
                answer(&rest, &sessions, agent, id, &hooks, &*tally).await;
            }
        });
    }

    fn reply(&self, id: u64, _answer: wall_desk::Answer) {
        if let Due::By(agent) = self.roster.reply(id) {
            let (rest, sessions) = (self.rest.clone(), self.sessions.clone());
            let (tally, hooks) = (self.tally.clone(), self.hooks.clone());
            self.runtime.spawn(async move {
                answer(&rest, &sessions, agent, id, &hooks, &*tally).await;
            });
        }
    }

    fn closed(&self, id: u64) {
        self.roster.close(id);
    }
}

/// The adapter.
pub struct RtAdapter {
    rest: Arc<Rest>,
    rt: Rt,
    intake: Session,
    /// The users the drive plays: the poll looks for replies by others.
    own: HashSet<String>,
    names: Names,
    hooks: Arc<Hooks>,
    desk: VirtualDesk,
    /// Per ticket, the others' correspondences already noticed.
    noticed: Mutex<HashMap<String, HashSet<u64>>>,
}

impl RtAdapter {
    /// Logs the intake user and every agent in (once each), and starts
    /// the virtual agents' desk (scenario time `from`, `speed` times the
    /// wall clock); call inside the runtime.
    pub async fn new(
        t: &Target,
        sc: &Scenario,
        from: SimTime,
        speed: f64,
        tally: Arc<dyn Tally>,
    ) -> Result<RtAdapter, DriveError> {
        let target::Adapter::Rt(rt) = &t.adapter else {
            return Err(DriveError::WrongAdapter("a request-tracker"));
        };
        let base = t.base_url.clone();
        let users: Vec<(String, Secret)> = std::iter::once(rt.intake.clone())
            .chain(rt.agents.iter().cloned())
            .collect();
        // The logins' bcrypt checks run in parallel on RT's workers.
        let handles: Vec<_> = users
            .iter()
            .map(|(user, pass)| {
                let (base, user, pass) = (base.clone(), user.clone(), pass.clone());
                tokio::spawn(async move { login(&base, &user, &pass).await })
            })
            .collect();
        let mut sessions = Vec::with_capacity(users.len());
        for ((user, _), h) in users.iter().zip(handles) {
            let cookie = h.await.map_err(|e| DriveError::Login {
                user: user.clone(),
                why: e.to_string(),
            })??;
            sessions.push(Session {
                user: user.clone(),
                cookie,
            });
        }
        let intake = sessions.remove(0);
        let rest = Arc::new(Rest {
            client: Client::new(t)?,
            referer: format!("{base}/"),
            reads: AtomicU64::new(0),
            polls: AtomicU64::new(0),
            found: AtomicU64::new(0),
        });
        let hooks = Hooks::new();
        let own = std::iter::once(intake.user.clone())
            .chain(sessions.iter().map(|s| s.user.clone()))
            .collect();
        let outlet = Agents {
            rest: rest.clone(),
            roster: Roster::new(sessions.len()),
            sessions: Arc::new(sessions),
            hooks: hooks.clone(),
            tally,
            runtime: tokio::runtime::Handle::current(),
        };
        let desk = start_desk(sc, from, speed, outlet)?;
        Ok(RtAdapter {
            rest,
            rt: rt.clone(),
            intake,
            own,
            names: Names::of(sc),
            hooks,
            desk,
            noticed: Mutex::new(HashMap::new()),
        })
    }

    /// Polls ticket `id`'s history, at most `poll_max` times
    /// `poll_interval` apart, for a correspondence by a user the drive
    /// does not play; waits for ever once the polls are spent.
    async fn poll(&self, id: u64, tally: &dyn Tally) -> Reply {
        for _ in 0..self.rt.poll_max {
            tokio::time::sleep(self.rt.poll_interval).await;
            self.rest.polls.fetch_add(1, Ordering::Relaxed);
            let Some(h) = self.rest.history(id, &self.intake, tally).await else {
                continue;
            };
            let mut noticed = self.noticed.lock().expect("not poisoned");
            let seen = noticed.entry(id.to_string()).or_default();
            // Oldest first: the history page is newest first.
            if let Some(t) = h.iter().rev().find(|t| {
                t.kind == "Correspond" && !self.own.contains(&t.by) && !seen.contains(&t.id)
            }) {
                seen.insert(t.id);
                self.rest.found.fetch_add(1, Ordering::Relaxed);
                return Reply {
                    server_at: t.at,
                    ..Reply::default()
                };
            }
        }
        std::future::pending().await
    }

    fn ticket(o: &Opened, what: &str) -> Result<u64, Failure> {
        o.id.parse()
            .map_err(|_| Failure::bad(what, format!("{:?} is not an RT ticket id", o.id)))
    }
}

impl adapter::Adapter for RtAdapter {
    async fn probe(&self) -> Result<DeskClock, DriveError> {
        let path = format!("/REST/2.0/queue/{}", self.rt.queue);
        let req = self.rest.request(reqwest::Method::GET, path, &self.intake);
        self.rest.client.probe(Some(&req), &[]).await?;
        Ok(DeskClock::default())
    }

    async fn open(&self, c: &Conversation, tally: &dyn Tally) -> Result<Opened, Failure> {
        let v = |n: &str| self.names.value(n, c, "", &Secret::default(), "");
        let body = json!({
            "Queue": self.rt.queue,
            "Subject": format!("{} question ({})", v("question"), c.key),
            "Content": v("text"),
            "ContentType": "text/plain",
        });
        let s = &self.intake;
        let post = reqwest::Method::POST;
        let path = "/REST/2.0/ticket".to_string();
        let doc = self
            .rest
            .write("open ticket", post, path, s, body, tally)
            .await?;
        let Some(id) = doc.get("id").and_then(super::http::id_of) else {
            let f = Failure::bad("open ticket", "no ticket id in the answer");
            tally.unreadable(&f);
            return Err(f);
        };
        let Ok(id) = id.parse::<u64>() else {
            let f = Failure::bad("open ticket", format!("{id:?} is not an RT ticket id"));
            tally.unreadable(&f);
            return Err(f);
        };
        let sh = &c.shopper;
        self.desk.tell(Cmd::Open {
            caller_turns: true,
            id,
            parts: [
                Some(sh.segment as usize),
                Some(sh.question as usize),
                Some(sh.channel as usize),
            ],
        });
        Ok(Opened {
            id: id.to_string(),
            server_at: self.rest.stamp(id, "Create", s, tally).await,
            reply: None,
        })
    }

    async fn reply(
        &self,
        _c: &Conversation,
        o: &Opened,
        _seen: u32,
        tally: &dyn Tally,
    ) -> Result<Reply, Failure> {
        let id = Self::ticket(o, "reply")?;
        tokio::select! {
            r = self.hooks.wait(&o.id) => r.ok_or_else(|| Failure::bad("reply", "the agents stopped")),
            r = self.poll(id, tally) => Ok(r),
        }
    }

    fn plays_turns(&self) -> bool {
        true
    }

    async fn message(
        &self,
        c: &Conversation,
        o: &Opened,
        tally: &dyn Tally,
    ) -> Result<Sent, Failure> {
        let id = Self::ticket(o, "message")?;
        let text = follow_up(&self.names, c);
        let body = json!({ "Content": text, "ContentType": "text/plain" });
        let path = format!("/REST/2.0/ticket/{id}/correspond");
        let s = &self.intake;
        let post = reqwest::Method::POST;
        self.rest
            .write("shopper message", post, path, s, body, tally)
            .await?;
        // The desk hears of the message once the server holds it.
        self.desk.tell(Cmd::Message(id));
        Ok(Sent {
            server_at: self.rest.stamp(id, "Correspond", s, tally).await,
            reply: None,
        })
    }

    async fn leave(&self, _c: &Conversation, o: &Opened, tally: &dyn Tally) -> Result<(), Failure> {
        let id = Self::ticket(o, "close ticket")?;
        self.desk.tell(Cmd::Leave(id));
        // Rejected, not resolved: nobody solved the shopper's question,
        // and RT's own searches keep the two apart.
        let body = json!({
            "Content": GAVE_UP,
            "ContentType": "text/plain",
            "Status": "rejected",
        });
        let path = format!("/REST/2.0/ticket/{id}/comment");
        let post = reqwest::Method::POST;
        self.rest
            .write("close ticket", post, path, &self.intake, body, tally)
            .await
            .map(|_| ())
    }

    fn forget(&self, o: &Opened) {
        self.hooks.forget(&o.id);
        self.noticed.lock().expect("not poisoned").remove(&o.id);
    }

    fn describe(&self) -> Option<String> {
        Some(format!(
            "virtual agents: the profile's groups and shifts, replying as {} RT users (one web session each); a history read after each post for RT's time of it; a poll every {:?}, at most {} a wait, for replies by others",
            self.own.len() - 1,
            self.rt.poll_interval,
            self.rt.poll_max
        ))
    }

    fn costs(&self) -> Option<String> {
        Some(format!(
            "request tracker: {} history reads for RT's times, {} polls ({} replies by others found)",
            self.rest.reads.load(Ordering::Relaxed),
            self.rest.polls.load(Ordering::Relaxed),
            self.rest.found.load(Ordering::Relaxed)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn finds_the_session_cookie() {
        let h = [
            HeaderValue::from_static("other=1; path=/"),
            HeaderValue::from_static("RT_SID_peakdesk.test.46133=df2e; path=/; HttpOnly"),
        ];
        assert_eq!(
            session_cookie(h.iter()).as_deref(),
            Some("RT_SID_peakdesk.test.46133=df2e")
        );
        assert_eq!(session_cookie(h[..1].iter()), None);
    }
}
