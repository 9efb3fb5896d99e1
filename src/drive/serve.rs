//! `peakdesk serve`: the built-in desk model as an HTTP helpdesk, in wall
//! time. The same `desk::Desk` state machine `simulate` runs, owned by one
//! thread that keeps a calendar of its timers against the wall clock
//! (scaled by `--speed`); HTTP handlers (`serve_api`) talk to it through a
//! channel and read conversations from a shared table.
//!
//! A caller is the shopper: it opens a conversation (segment, question,
//! channel by name, else drawn from the profile) and leaves when it gives
//! up. The model plays the rest as `simulate` does: the bot, routing,
//! queues, agents, shifts. Patience is the caller's, so the desk's own is
//! off and retrials are the caller's business too.

use crate::demand::Shopper;
use crate::demand::ShopperSampler;
use crate::desk::{Desk, Ending, Sink, Timer};
use crate::engine::calendar::Calendar;
use crate::profile::Scenario;
use crate::time::SimTime;
use std::collections::{HashMap, VecDeque};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::oneshot;

/// A reply as the API shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Message {
    /// The text.
    pub text: String,
    /// When it was posted, seconds since the epoch.
    pub at: f64,
    /// `"bot"` or `"agent"`.
    pub by: &'static str,
    /// The agents' group, for an agent's reply.
    pub group: Option<String>,
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
    /// Handlers waiting for the first reply.
    pub waiters: Vec<oneshot::Sender<()>>,
    slot: (u32, u32),
}

/// What handlers ask of the desk thread.
pub enum Cmd {
    /// Open a conversation; answers its id.
    Open {
        /// Segment, question and channel indices (`None`: drawn).
        parts: [Option<usize>; 3],
        /// Webhook URL for replies.
        callback: Option<String>,
        /// Where the id goes.
        reply: oneshot::Sender<u64>,
    },
    /// The shopper left.
    Leave(u64),
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
    pub stop: std::sync::atomic::AtomicBool,
}

/// Seconds since the epoch, now.
pub fn epoch_now() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

enum Ev {
    Staffing(u16),
    Desk(Timer),
    Reply {
        id: u64,
        by_bot: bool,
        group: Option<usize>,
    },
    Close(u64),
}

struct ServeSink<'a> {
    cal: &'a mut Calendar<Ev>,
    group_of: &'a mut HashMap<u64, usize>,
}

impl Sink for ServeSink<'_> {
    fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.cal.schedule(at, Ev::Desk(timer));
    }
    fn first_response(&mut self, s: &Shopper, now: SimTime, by_bot: bool) {
        let group = self.group_of.remove(&s.seed);
        self.cal.schedule(
            now,
            Ev::Reply {
                id: s.seed,
                by_bot,
                group,
            },
        );
    }
    fn human_response(&mut self, s: &Shopper, group: usize, _wait: SimTime) {
        self.group_of.insert(s.seed, group);
    }
    fn message(&mut self, _s: &Shopper, _response: SimTime) {}
    fn handed_off(&mut self, _s: &Shopper) {}
    fn abandoned(&mut self, s: &Shopper, now: SimTime, _had_response: bool) {
        self.cal.schedule(now, Ev::Close(s.seed));
    }
    fn resolved(&mut self, s: &Shopper, now: SimTime, _group: Option<usize>, _e: Ending) {
        self.group_of.remove(&s.seed);
        self.cal.schedule(now, Ev::Close(s.seed));
    }
    fn retried(&mut self, _s: &mut Shopper, _now: SimTime) {}
}

/// How long a closed conversation stays readable.
const KEEP_CLOSED: Duration = Duration::from_secs(120);

/// Runs the desk for `shared.scenario` until every command sender is gone;
/// scenario time `from` is now, and runs `speed` times the wall clock.
pub fn desk_thread(shared: Arc<Shared>, rx: Receiver<Cmd>, from: SimTime, speed: f64) {
    let sc: &Scenario = &shared.scenario;
    let start = Instant::now();
    let sim_now = || from + (start.elapsed().as_micros() as f64 * speed) as SimTime;
    let wall =
        |t: SimTime| start + Duration::from_micros((t.saturating_sub(from) as f64 / speed) as u64);
    let mut desk = Desk::new(sc);
    let mut cal: Calendar<Ev> = Calendar::default();
    let mut group_of = HashMap::new();
    let mut sampler = ShopperSampler::new(sc, 0);
    let mut closed: VecDeque<(Instant, u64)> = VecDeque::new();
    let mut next_id: u64 = 1;
    for (g, plan) in sc.groups.iter().enumerate() {
        let mut sink = ServeSink {
            cal: &mut cal,
            group_of: &mut group_of,
        };
        desk.set_staff(from, g, plan.staff_at(from), &mut sink);
        if let Some(t) = plan.next_change(from) {
            cal.schedule(t, Ev::Staffing(g as u16));
        }
    }
    while !shared.stop.load(std::sync::atomic::Ordering::Relaxed) {
        // Fire what is due, at its own scenario time.
        let now = sim_now();
        while cal.peek_time().is_some_and(|t| t <= now) {
            let (t, ev) = cal.pop().expect("peeked");
            let mut sink = ServeSink {
                cal: &mut cal,
                group_of: &mut group_of,
            };
            match ev {
                Ev::Staffing(g) => {
                    let plan = &sc.groups[g as usize];
                    desk.set_staff(t, g as usize, plan.staff_at(t), &mut sink);
                    if let Some(next) = plan.next_change(t) {
                        sink.cal.schedule(next, Ev::Staffing(g));
                    }
                }
                Ev::Desk(timer) => desk.fire(t, timer, &mut sink),
                Ev::Reply { id, by_bot, group } => post_reply(&shared, id, by_bot, group),
                Ev::Close(id) => {
                    if let Some(c) = shared.convs.lock().expect("not poisoned").get_mut(&id) {
                        c.closed = true;
                        closed.push_back((Instant::now(), id));
                    }
                }
            }
        }
        while closed
            .front()
            .is_some_and(|(at, _)| at.elapsed() > KEEP_CLOSED)
        {
            let (_, id) = closed.pop_front().expect("checked");
            shared.convs.lock().expect("not poisoned").remove(&id);
        }
        let wait = cal
            .peek_time()
            .map_or(Duration::from_millis(200), |t| {
                wall(t).saturating_duration_since(Instant::now())
            })
            .min(Duration::from_millis(200));
        let cmd = match rx.recv_timeout(wait) {
            Ok(cmd) => cmd,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let now = sim_now();
        let mut sink = ServeSink {
            cal: &mut cal,
            group_of: &mut group_of,
        };
        match cmd {
            Cmd::Open {
                parts,
                callback,
                reply,
            } => {
                let id = next_id;
                next_id += 1;
                let drawn = match sampler.next(now, None) {
                    crate::demand::Arrival::Desk(s) | crate::demand::Arrival::Deflected(s) => s,
                };
                let mut s = match parts {
                    [None, None, None] => drawn,
                    [seg, q, ch] => sampler.build(
                        now,
                        seg.unwrap_or(drawn.segment as usize),
                        q.unwrap_or(drawn.question as usize),
                        ch.unwrap_or(drawn.channel as usize),
                        false,
                    ),
                };
                s.patience = SimTime::MAX;
                s.seed = id;
                shared.convs.lock().expect("not poisoned").insert(
                    id,
                    Conv {
                        created_at: epoch_now(),
                        messages: Vec::new(),
                        closed: false,
                        callback,
                        waiters: Vec::new(),
                        slot: (0, 0),
                    },
                );
                let _ = reply.send(id);
                let slot = desk.arrive(now, s, &mut sink);
                if let Some(c) = shared.convs.lock().expect("not poisoned").get_mut(&id) {
                    c.slot = slot;
                }
            }
            Cmd::Leave(id) => {
                let slot = shared
                    .convs
                    .lock()
                    .expect("not poisoned")
                    .get(&id)
                    .map(|c| c.slot);
                if let Some((slot, generation)) = slot {
                    desk.fire(now, Timer::Abandon(slot, generation), &mut sink);
                }
            }
        }
    }
}

fn post_reply(shared: &Shared, id: u64, by_bot: bool, group: Option<usize>) {
    let sc = &shared.scenario;
    let mut convs = shared.convs.lock().expect("not poisoned");
    let Some(c) = convs.get_mut(&id) else { return };
    let m = Message {
        text: if by_bot {
            "Hi! I am the store's assistant, here is what I found.".into()
        } else {
            "Hello, this is customer service, let me help you.".into()
        },
        at: epoch_now(),
        by: if by_bot { "bot" } else { "agent" },
        group: group.map(|g| sc.groups[g].name.clone()),
    };
    if let Some(url) = c.callback.clone() {
        let body = serde_json::json!({
            "conversation": id.to_string(),
            "text": m.text,
            "at": m.at,
            "by": m.by,
            "group": m.group,
        });
        let http = shared.http.clone();
        shared.runtime.spawn(async move {
            let _ = http.post(url).json(&body).send().await;
        });
    }
    c.messages.push(m);
    for w in c.waiters.drain(..) {
        let _ = w.send(());
    }
}

/// Serves `sc` on `listen` until Ctrl-C or SIGTERM; `ready` gets the bound
/// address once connections are accepted.
pub fn run(
    sc: Scenario,
    listen: &str,
    from: SimTime,
    speed: f64,
    ready: &mut dyn FnMut(std::net::SocketAddr),
) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let socket = rt
        .block_on(tokio::net::TcpListener::bind(listen))
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = socket
        .local_addr()
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = Arc::new(Shared {
        convs: Mutex::new(HashMap::new()),
        tx,
        scenario: Arc::new(sc),
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(3))
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?,
        runtime: rt.handle().clone(),
        stop: Default::default(),
    });
    let desk = {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("desk".into())
            .spawn(move || desk_thread(shared, rx, from, speed))
            .map_err(|e| format!("cannot start the desk thread: {e}"))?
    };
    ready(addr);
    let app = super::serve_api::router(shared.clone());
    rt.block_on(async {
        let _ = axum::serve(socket, app)
            .with_graceful_shutdown(super::signals::first())
            .await;
    });
    shared
        .stop
        .store(true, std::sync::atomic::Ordering::Relaxed);
    drop(rt);
    let _ = desk.join();
    Ok(())
}
