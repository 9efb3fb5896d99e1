//! What the ticketing adapters' virtual agents share: the desk model's
//! thread on the wall clock and the handle that stops it, which agent
//! works which ticket (the one who took it answers every turn; its first
//! reply waits for its claim), and what the shopper writes after the
//! first message or on giving up.

use super::adapter::{Conversation, DriveError};
use super::http::Names;
use super::target::Secret;
use super::wall_desk::{self, Cmd, Outlet};
use crate::engine::clock::Timebase;
use crate::profile::Scenario;
use crate::time::SimTime;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// What a ticketing adapter writes as the shopper's next message in a
/// conversation (`names` as the target's templates see them).
pub fn follow_up(names: &Names, c: &Conversation) -> String {
    let question = names.value("question", c, "", &Secret::default(), "");
    format!("And one more thing about my {question} question.")
}

/// What a ticketing adapter writes on a ticket its shopper gave up on.
pub const GAVE_UP: &str = "The shopper gave up waiting.";

/// The virtual agents' desk on its thread: what an adapter tells it, and
/// the thread stopped when the adapter is dropped.
pub struct VirtualDesk {
    tx: Mutex<Sender<Cmd>>,
    stop: Arc<AtomicBool>,
}

impl VirtualDesk {
    /// Tells the desk what a shopper did (nothing once it has stopped).
    pub fn tell(&self, cmd: Cmd) {
        let _ = self.tx.lock().expect("not poisoned").send(cmd);
    }
}

impl Drop for VirtualDesk {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Starts the desk model of `sc` (no bot, no retrials: a ticketing
/// system has neither, and the shoppers' tasks play their own returns)
/// on a thread of its own, at scenario time `from` and `speed` times the
/// wall clock.
pub fn start_desk<O: Outlet + Send + 'static>(
    sc: &Scenario,
    from: SimTime,
    speed: f64,
    outlet: O,
) -> Result<VirtualDesk, DriveError> {
    let mut desk_sc = sc.clone();
    desk_sc.bot = None;
    desk_sc.retrials = None;
    let (tx, rx) = std::sync::mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::Builder::new()
        .name("virtual-agents".into())
        .spawn(move || {
            wall_desk::run(
                &desk_sc,
                rx,
                Timebase::starting_now(from, speed),
                &outlet,
                &flag,
            )
        })
        .map_err(|source| DriveError::Start {
            what: "the virtual agents",
            source,
        })?;
    Ok(VirtualDesk {
        tx: Mutex::new(tx),
        stop,
    })
}

/// What a reply due on a ticket is for the agent who works it.
pub enum Due {
    /// The first reply: its trigger was handed out at the take (it goes
    /// out once the claim is done).
    Triggered,
    /// A later reply, by this agent.
    By(usize),
}

/// Which of `n` virtual agents works which ticket.
pub struct Roster {
    n: usize,
    next: AtomicUsize,
    /// Per ticket taken: the trigger of its first reply.
    first: Mutex<HashMap<u64, oneshot::Sender<()>>>,
    /// The agent who claimed each open ticket, for its later replies.
    assigned: Mutex<HashMap<u64, usize>>,
}

impl Roster {
    /// A roster of `n` agents (at least one).
    pub fn new(n: usize) -> Roster {
        Roster {
            n: n.max(1),
            next: AtomicUsize::new(0),
            first: Mutex::new(HashMap::new()),
            assigned: Mutex::new(HashMap::new()),
        }
    }

    fn next_agent(&self) -> usize {
        self.next.fetch_add(1, Ordering::Relaxed) % self.n
    }

    /// Ticket `id` is taken: the agent (in turn), and the trigger its
    /// first reply waits for.
    pub fn take(&self, id: u64) -> (usize, oneshot::Receiver<()>) {
        let agent = self.next_agent();
        let (go, wait) = oneshot::channel();
        self.first.lock().expect("not poisoned").insert(id, go);
        self.assigned
            .lock()
            .expect("not poisoned")
            .insert(id, agent);
        (agent, wait)
    }

    /// A reply to ticket `id` is due: triggers the first one, or names
    /// the agent of a later one (the next agent in turn for a ticket
    /// nobody claimed).
    pub fn reply(&self, id: u64) -> Due {
        if let Some(go) = self.first.lock().expect("not poisoned").remove(&id) {
            let _ = go.send(());
            return Due::Triggered;
        }
        let agent = self
            .assigned
            .lock()
            .expect("not poisoned")
            .get(&id)
            .copied();
        Due::By(agent.unwrap_or_else(|| self.next_agent()))
    }

    /// Ticket `id` is over.
    pub fn close(&self, id: u64) {
        self.first.lock().expect("not poisoned").remove(&id);
        self.assigned.lock().expect("not poisoned").remove(&id);
    }
}
