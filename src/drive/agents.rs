//! What the ticketing adapters' virtual agents share: the desk model's
//! thread on the wall clock, and which agent works which ticket (the one
//! who took it answers every turn; its first reply waits for its claim).

use super::adapter::DriveError;
use super::wall_desk::{self, Cmd, Outlet};
use crate::engine::clock::Timebase;
use crate::profile::Scenario;
use crate::time::SimTime;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Starts the desk model of `sc` (no bot, no retrials: a ticketing
/// system has neither, and the shoppers' tasks play their own returns)
/// on a thread of its own, at scenario time `from` and `speed` times the
/// wall clock; its commands' sender, and the flag that stops it.
pub fn start_desk<O: Outlet + Send + 'static>(
    sc: &Scenario,
    from: SimTime,
    speed: f64,
    outlet: O,
) -> Result<(Sender<Cmd>, Arc<AtomicBool>), DriveError> {
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
    Ok((tx, stop))
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
