//! The desk's rules on desks small enough to follow by hand: a hand-driven
//! calendar, shoppers placed at chosen times, and a sink that writes down
//! what the desk did.

use super::{Desk, Ending, Handle, Left, Outcomes, Sink, Timer};
use crate::demand::{Shopper, conversation};
use crate::engine::rng::StreamRng;
use crate::profile::desk::{Lane, Tier};
use crate::profile::{self, Scenario};
use crate::time::{SECOND, SimTime};

/// What is due later: a desk timer, or a modelled shopper's next message.
#[derive(Debug, Clone, Copy)]
enum Due {
    Timer(Timer),
    Writes(Handle),
}

/// What the desk told its caller; the shoppers are modelled.
struct Log<'a> {
    sc: &'a Scenario,
    due: Vec<(SimTime, u64, Due)>,
    seq: u64,
    /// (shopper seed, group, time) of each take.
    taken: Vec<(u64, usize, SimTime)>,
    /// (shopper seed, response) of each message answered.
    messages: Vec<(u64, SimTime)>,
    resolved: Vec<u64>,
}

impl Outcomes for Log<'_> {
    fn first_response(&mut self, _: &Shopper, _: SimTime, _: bool) {}
    fn human_response(&mut self, _: &Shopper, _: usize, _: SimTime) {}
    fn message(&mut self, s: &Shopper, response: SimTime) {
        self.messages.push((s.seed, response));
    }
    fn handed_off(&mut self, _: &Shopper) {}
    fn abandoned(&mut self, _: &Shopper, _: SimTime, _: Left) {}
    fn resolved(&mut self, s: &Shopper, _: SimTime, _: Option<usize>, _: Ending) {
        self.resolved.push(s.seed);
    }
    fn retried(&mut self, _: &mut Shopper, _: SimTime) {}
}

impl Sink for Log<'_> {
    fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.seq += 1;
        self.due.push((at, self.seq, Due::Timer(timer)));
    }
    fn taken(&mut self, _: Handle, s: &Shopper, group: usize, now: SimTime) {
        self.taken.push((s.seed, group, now));
    }
    fn waiting(&mut self, _: Handle, _: &Shopper, _: SimTime) {}
    fn next_message(&mut self, _: &Shopper, _: SimTime, _: &mut StreamRng) -> Option<SimTime> {
        None
    }
    fn writes_again(&mut self, h: Handle, s: &Shopper, now: SimTime, rng: &mut StreamRng) {
        let at = now + conversation::think(self.sc, s, rng);
        self.seq += 1;
        self.due.push((at, self.seq, Due::Writes(h)));
    }
    fn comes_back(&mut self, _: Handle, _: &mut Shopper, _: SimTime, _: &mut StreamRng) -> bool {
        false
    }
}

/// A desk, its log, and a clock moved by hand.
struct Bench<'a> {
    desk: Desk<'a>,
    log: Log<'a>,
    now: SimTime,
}

impl<'a> Bench<'a> {
    /// The desk of `sc` with every group at its headcount at time 0.
    fn new(sc: &'a Scenario) -> Bench<'a> {
        let mut b = Bench {
            desk: Desk::new(sc),
            log: Log {
                sc,
                due: Vec::new(),
                seq: 0,
                taken: Vec::new(),
                messages: Vec::new(),
                resolved: Vec::new(),
            },
            now: 0,
        };
        for (g, plan) in sc.groups.iter().enumerate() {
            b.desk.set_staff(0, g, plan.staff_at(0), &mut b.log);
        }
        b
    }

    /// Fires every timer due up to `t`, in time order, then moves to `t`.
    fn run_to(&mut self, t: SimTime) {
        while let Some(i) = (0..self.log.due.len())
            .filter(|&i| self.log.due[i].0 <= t)
            .min_by_key(|&i| (self.log.due[i].0, self.log.due[i].1))
        {
            let (at, _, due) = self.log.due.swap_remove(i);
            self.now = at;
            match due {
                Due::Timer(timer) => self.desk.fire(at, timer, &mut self.log),
                Due::Writes(h) => self.desk.message(at, h, &mut self.log),
            }
        }
        self.now = t;
    }

    /// Shopper `id` arrives at `t` on `channel`, its first reply taking `reply`.
    fn arrive(&mut self, t: SimTime, id: u64, channel: u16, reply: SimTime) {
        self.run_to(t);
        let s = Shopper {
            arrival: t,
            patience: SimTime::MAX,
            seed: id,
            first_reply: reply,
            segment: 0,
            question: 0,
            channel,
            tier: Tier::Normal,
            lane: Lane::Normal,
            bot_resolves: false,
            asks_human: false,
            attempt: 1,
            proactive: false,
            counted: true,
            row: 0,
            cell: u32::from(channel),
        };
        self.desk.arrive(t, s, &mut self.log);
    }

    fn taken_at(&self, id: u64) -> Option<(usize, SimTime)> {
        let t = self.log.taken.iter().find(|t| t.0 == id)?;
        Some((t.1, t.2))
    }
}

/// A day of one shopper a second (the tests place their own) at `desk`.
fn scenario(desk: &str) -> Scenario {
    let toml = format!("horizon = \"1d\"\n[arrivals]\nrate = \"1/s\"\n{desk}");
    profile::parse("desk-test.toml", &toml, false, &[]).unwrap_or_else(|e| panic!("{e}"))
}

const S: SimTime = SECOND;

/// One agent holding up to three chats, chat and phone channels.
const CHATS_AND_CALLS: &str = r#"
[questions]
q = { share = 1.0, skill = "s", reply = { deterministic = "100s" } }
[channels]
chat = { share = 0.5 }
phone = { share = 0.5, concurrent = false }
[[agents.groups]]
name = "g"
skills = ["s"]
concurrency = 3
staff = 1
"#;

#[test]
fn a_freed_chat_slot_takes_the_oldest_chat_past_a_waiting_call() {
    let sc = scenario(CHATS_AND_CALLS);
    let mut b = Bench::new(&sc);
    let (chat, phone) = (0, 1);
    for (id, t) in [(1, 0), (2, 1), (3, 2)] {
        b.arrive(t * S, id, chat, (100 + 10 * t) * S);
    }
    b.arrive(3 * S, 4, phone, 50 * S); // needs an idle agent: waits
    b.arrive(4 * S, 5, chat, 100 * S); // the agent is full: waits
    b.arrive(5 * S, 6, chat, 100 * S);
    b.run_to(100 * S); // chat 1 ends: a slot frees, the agent is not idle
    assert_eq!(
        b.taken_at(5),
        Some((0, 100 * S)),
        "the oldest chat takes the slot"
    );
    assert_eq!(b.taken_at(6), None, "one slot, one chat");
    assert_eq!(b.taken_at(4), None, "the call still needs an idle agent");
    b.run_to(111 * S); // chat 2 ends
    assert_eq!(b.taken_at(6), Some((0, 111 * S)));
    b.run_to(500 * S);
    let (_, call) = b
        .taken_at(4)
        .expect("the call is taken once the agent is idle");
    let last_chat_end = 5 * S + 100 * S + 111 * S; // chat 6's reply, from 111 s
    assert!(
        call >= 122 * S && call <= last_chat_end,
        "call taken at {call}"
    );
}

/// One agent, three-message conversations with fixed replies and thinks.
fn three_turns(first_response: &str) -> Scenario {
    scenario(&format!(
        r#"
[questions]
q = {{ share = 1.0, skill = "s", turns = 3, reply = {{ deterministic = "10s" }}, think = {{ deterministic = "5s" }} }}
[agents]
first_response = "{first_response}"
[[agents.groups]]
name = "g"
skills = ["s"]
staff = 1
"#
    ))
}

#[test]
fn each_message_is_counted_once_whatever_first_response_says() {
    for (rule, first) in [("on_take", 0), ("on_reply", 10 * S)] {
        let sc = three_turns(rule);
        let mut b = Bench::new(&sc);
        b.arrive(0, 1, 0, 10 * S);
        b.run_to(100 * S);
        assert_eq!(b.log.resolved, vec![1], "{rule}");
        let responses: Vec<SimTime> = b.log.messages.iter().map(|m| m.1).collect();
        assert_eq!(
            responses,
            vec![first, 10 * S, 10 * S],
            "{rule}: one per message"
        );
    }
}

/// Two groups serving one skill, with headcounts and concurrency to set.
fn two_groups(pick: &str, staff: [u32; 2], concurrency: u32) -> Scenario {
    scenario(&format!(
        r#"
[questions]
q = {{ share = 1.0, skill = "s", reply = {{ deterministic = "1000s" }} }}
[routing]
group_pick = "{pick}"
[[agents.groups]]
name = "big"
skills = ["s"]
concurrency = {concurrency}
staff = {}
[[agents.groups]]
name = "small"
skills = ["s"]
concurrency = {concurrency}
staff = {}
"#,
        staff[0], staff[1]
    ))
}

/// The groups that took shoppers 1, 2, ... arriving one a second.
fn groups_taking(sc: &Scenario, n: u64) -> Vec<usize> {
    let mut b = Bench::new(sc);
    for id in 1..=n {
        b.arrive(id * S, id, 0, 1000 * S);
    }
    (1..=n)
        .map(|id| b.taken_at(id).expect("room for all").0)
        .collect()
}

#[test]
fn group_pick_least_occupied_balances_the_share_of_capacity_in_use() {
    // 4 agents and 1: after the first shopper, the small group's 0 of 1 is
    // below the big group's 1 of 4; then the big group fills to 4 of 4.
    let sc = two_groups("least_occupied", [4, 1], 1);
    assert_eq!(groups_taking(&sc, 5), vec![0, 1, 0, 0, 0]);
}

#[test]
fn group_pick_emptiest_agent_and_profile_order_differ_with_concurrency() {
    let sc = two_groups("emptiest_agent", [1, 1], 2);
    assert_eq!(groups_taking(&sc, 4), vec![0, 1, 0, 1]);
    let sc = two_groups("profile_order", [1, 1], 2);
    assert_eq!(groups_taking(&sc, 4), vec![0, 0, 1, 1]);
    let sc = two_groups("emptiest_agent", [4, 1], 1);
    assert_eq!(
        groups_taking(&sc, 5),
        vec![0, 0, 0, 0, 1],
        "ties: profile order"
    );
}
