//! The django-helpdesk adapter. Shoppers open tickets in a queue through
//! the REST API (with the intake staff token); peakdesk also plays the
//! agents. The profile's desk model (`wall_desk`: groups, shifts,
//! headcount, concurrency, handle times; no bot, django-helpdesk has none)
//! decides when an agent takes a ticket and when each reply is ready; the
//! virtual agent then claims the ticket (`assigned_to`) and posts a public
//! follow-up with its own token. Whole conversations: the shopper's later
//! messages are public follow-ups with the intake token, and the agent who
//! claimed the ticket answers each one. A shopper whose patience runs out
//! closes the ticket (an internal note with `new_status: 4`).
//!
//! Replies are noticed through django-helpdesk's follow-up webhook (it
//! posts the ticket, with its follow-ups and their dates, inside the
//! request that added one), never by polling: reading tickets costs the
//! server a query per ticket in the system. First response is measured as
//! the shopper sees it and by the server's dates (ticket opened to public
//! follow-up).

use super::adapter::{
    self, Conversation, DeskClock, DriveError, Failure, Opened, Reply, Sent, Tally,
};
use super::agents::{Due, GAVE_UP, Roster, VirtualDesk, follow_up, start_desk};
use super::callback::{self, Hooks};
use super::http::{Client, Names, id_of};
use super::server_time::ServerTimes;
use super::target::{self, Django, Request, Secret, Target};
use super::wall_desk::{self, Cmd, Outlet};
use crate::profile::Scenario;
use crate::time::SimTime;
use serde_json::{Value, json};
use std::sync::Arc;

fn request(method: reqwest::Method, path: String, token: &str) -> Request {
    Request {
        method,
        path,
        headers: vec![("Authorization".into(), format!("Token {token}"))],
        body: None,
        id: None,
        at: None,
    }
}

/// Sends one request with a fixed JSON body (no placeholders).
pub(super) async fn send(
    client: &Client,
    what: &str,
    mut req: Request,
    body: Value,
    tally: &dyn Tally,
) -> Result<Value, Failure> {
    req.body = Some(body);
    client.send(what, &req, &|_| String::new(), tally).await
}

/// The virtual agents: they claim tickets and post replies, in order per
/// ticket, on the runtime, while the desk thread goes on.
struct Agents {
    client: Arc<Client>,
    prefix: String,
    agents: Vec<(String, u64, Secret)>,
    roster: Roster,
    tally: Arc<dyn Tally>,
    runtime: tokio::runtime::Handle,
    /// Where the shoppers' tasks hear of replies: a claim is told there as
    /// an agent joining (patience stops, as at a take in the model).
    hooks: Arc<Hooks>,
}

impl Agents {
    fn reply_request(&self, agent: usize, id: u64) -> (Request, Value) {
        let (name, _, token) = &self.agents[agent];
        (
            request(
                reqwest::Method::POST,
                format!("{}/api/followups/", self.prefix),
                token.expose(),
            ),
            json!({ "ticket": id, "comment": format!("Hello, {name} here from customer service: let me help you."), "public": true }),
        )
    }
}

impl Outlet for Agents {
    fn taken(&self, id: u64, _group: usize) {
        let (agent, wait) = self.roster.take(id);
        let (_, user, token) = &self.agents[agent];
        let claim = request(
            reqwest::Method::PATCH,
            format!("{}/api/tickets/{id}/", self.prefix),
            token.expose(),
        );
        let claim_body = json!({ "assigned_to": user });
        let (reply, reply_body) = self.reply_request(agent, id);
        let (client, tally, hooks) = (self.client.clone(), self.tally.clone(), self.hooks.clone());
        self.runtime.spawn(async move {
            if send(&client, "claim", claim, claim_body, &*tally)
                .await
                .is_ok()
            {
                let joined = Reply {
                    joined: true,
                    by_bot: Some(false),
                    ..Reply::default()
                };
                hooks.deliver(id.to_string(), joined);
            }
            if wait.await.is_ok() {
                let _ = send(&client, "agent reply", reply, reply_body, &*tally).await;
            }
        });
    }

    fn reply(&self, id: u64, _answer: wall_desk::Answer) {
        if let Due::By(agent) = self.roster.reply(id) {
            let (req, body) = self.reply_request(agent, id);
            let (client, tally) = (self.client.clone(), self.tally.clone());
            self.runtime.spawn(async move {
                let _ = send(&client, "agent reply", req, body, &*tally).await;
            });
        }
    }

    fn closed(&self, id: u64) {
        self.roster.close(id);
    }
}

/// Reads a django-helpdesk webhook (the ticket and the follow-up that
/// triggered it): a public follow-up by one of `agent_users` is a reply
/// (the shopper's messages are by the intake user, its closing note
/// internal).
fn agent_replies(agent_users: Vec<u64>, times: ServerTimes) -> Box<callback::Parse> {
    Box::new(move |v: &Value| {
        let ticket = v.pointer("/ticket/id").and_then(id_of)?;
        let fid = v.pointer("/followup_id")?;
        let f = v
            .pointer("/ticket/followup_set")?
            .as_array()?
            .iter()
            .find(|f| f.get("id") == Some(fid))?;
        let by_agent = f
            .get("user")
            .and_then(Value::as_u64)
            .is_some_and(|u| agent_users.contains(&u));
        if f.get("public") != Some(&Value::Bool(true)) || !by_agent {
            return None;
        }
        Some((
            ticket,
            Reply {
                next: None,
                joined: false,
                server_at: f.get("date").and_then(|d| times.seconds(d)),
                by_bot: Some(false),
                group: None,
            },
        ))
    })
}

/// The adapter.
pub struct DjangoAdapter {
    client: Arc<Client>,
    d: Django,
    names: Names,
    hooks: Arc<Hooks>,
    desk: VirtualDesk,
    agents: usize,
    hook_url: String,
    times: ServerTimes,
}

impl DjangoAdapter {
    /// Starts the webhook listener and the virtual agents' desk (scenario
    /// time `from`, `speed` times the wall clock); call inside the runtime.
    pub async fn new(
        t: &Target,
        sc: &Scenario,
        from: SimTime,
        speed: f64,
        tally: Arc<dyn Tally>,
    ) -> Result<DjangoAdapter, DriveError> {
        let target::Adapter::Django(d) = &t.adapter else {
            return Err(DriveError::WrongAdapter("a django-helpdesk"));
        };
        let agents = d.agents.clone();
        let parse = agent_replies(
            agents.iter().map(|(_, user, _)| *user).collect(),
            t.times.clone(),
        );
        let (hooks, hook_url) = callback::listen(&d.listen, parse).await?;
        let client = Arc::new(Client::new(t)?);
        let n = agents.len();
        let outlet = Agents {
            client: client.clone(),
            prefix: d.prefix.clone(),
            roster: Roster::new(n),
            agents,
            hooks: hooks.clone(),
            tally,
            runtime: tokio::runtime::Handle::current(),
        };
        let desk = start_desk(sc, from, speed, outlet)?;
        Ok(DjangoAdapter {
            client,
            d: d.clone(),
            names: Names::of(sc),
            hooks,
            desk,
            agents: n,
            hook_url,
            times: t.times.clone(),
        })
    }
}

impl adapter::Adapter for DjangoAdapter {
    async fn probe(&self) -> Result<DeskClock, DriveError> {
        let req = request(
            reqwest::Method::GET,
            format!("{}/api/followups/?page_size=1", self.d.prefix),
            self.d.intake.expose(),
        );
        self.client
            .probe(Some(&req), &[("token", &self.d.intake)])
            .await?;
        Ok(DeskClock::default())
    }

    async fn open(&self, c: &Conversation, tally: &dyn Tally) -> Result<Opened, Failure> {
        let v = |n: &str| self.names.value(n, c, "", &Secret::default(), "");
        let body = json!({
            "queue": self.d.queue,
            "title": format!("{} question ({})", v("question"), c.key),
            "description": v("text"),
            "priority": 3,
            "submitter_email": format!("{}@shoppers.peakdesk.test", c.key),
        });
        let req = request(
            reqwest::Method::POST,
            format!("{}/api/tickets/", self.d.prefix),
            self.d.intake.expose(),
        );
        let doc = send(&self.client, "open ticket", req, body, tally).await?;
        let Some(id) = doc.get("id").and_then(Value::as_u64) else {
            let f = Failure::bad("open ticket", "no ticket id in the answer");
            tally.unreadable(&f);
            return Err(f);
        };
        let s = &c.shopper;
        self.desk.tell(Cmd::Open {
            caller_turns: true,
            id,
            parts: [
                Some(s.segment as usize),
                Some(s.question as usize),
                Some(s.channel as usize),
            ],
        });
        Ok(Opened {
            id: id.to_string(),
            server_at: doc
                .pointer("/followup_set/0/date")
                .and_then(|d| self.times.seconds(d)),
            reply: None,
        })
    }

    async fn reply(
        &self,
        _c: &Conversation,
        o: &Opened,
        _seen: u32,
        _t: &dyn Tally,
    ) -> Result<Reply, Failure> {
        self.hooks
            .wait(&o.id)
            .await
            .ok_or_else(|| Failure::bad("webhook", "the listener stopped"))
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
        let Ok(id) = o.id.parse::<u64>() else {
            return Err(Failure::bad("message", "not a ticket id"));
        };
        let req = request(
            reqwest::Method::POST,
            format!("{}/api/followups/", self.d.prefix),
            self.d.intake.expose(),
        );
        let text = follow_up(&self.names, c);
        let body = json!({ "ticket": id, "comment": text, "public": true });
        let doc = send(&self.client, "shopper follow-up", req, body, tally).await?;
        // The desk hears of the message once the server holds it.
        self.desk.tell(Cmd::Message(id));
        Ok(Sent {
            server_at: doc.get("date").and_then(|d| self.times.seconds(d)),
            reply: None,
        })
    }

    async fn leave(&self, _c: &Conversation, o: &Opened, tally: &dyn Tally) -> Result<(), Failure> {
        if let Ok(id) = o.id.parse() {
            self.desk.tell(Cmd::Leave(id));
        }
        let req = request(
            reqwest::Method::POST,
            format!("{}/api/followups/", self.d.prefix),
            self.d.intake.expose(),
        );
        let body = json!({ "ticket": o.id.parse::<u64>().unwrap_or(0), "comment": GAVE_UP, "public": false, "new_status": 4 });
        send(&self.client, "close ticket", req, body, tally)
            .await
            .map(|_| ())
    }

    fn forget(&self, o: &Opened) {
        self.hooks.forget(&o.id);
    }

    fn describe(&self) -> Option<String> {
        Some(format!(
            "virtual agents: the profile's groups and shifts, replying as {} helpdesk users; follow-up webhooks to {}",
            self.agents, self.hook_url
        ))
    }
}
