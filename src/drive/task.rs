//! One driven shopper's task on the wall clock: it opens the conversation
//! when due, waits for each reply with the shopper's patience, writes the
//! next message when the shopper has thought, leaves (the target's
//! `[leave]`) when patience runs out, and opens a new conversation when
//! the shopper comes back. The shopper's decisions are [`Talk`]'s; this
//! task only keeps them on time and speaks through the adapter. Every
//! response time counts from when the message was due, not from when a
//! request went out (no coordinated omission).

use super::adapter::{Adapter, Conversation, Opened, Reply};
use super::counters::Counters;
use super::obs::Obs;
use super::shopper::{Step, Talk, Tell, Told};
use crate::demand::Shopper;
use crate::engine::clock::Timebase;
use crate::profile::Scenario;
use crate::time::SimTime;
use std::sync::Arc;
use std::time::{Instant, SystemTime};
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::sleep_until;
use tokio_util::sync::CancellationToken;

/// What one task holds.
pub struct Task<A> {
    /// The scenario.
    pub sc: Arc<Scenario>,
    /// The target.
    pub adapter: Arc<A>,
    /// To the collector.
    pub tx: UnboundedSender<Obs>,
    /// Request counters.
    pub counters: Arc<Counters>,
    /// Cancelled when the run cuts what is in flight.
    pub hard: CancellationToken,
    /// The drive's clock.
    pub clock: Timebase,
}

fn epoch_now() -> f64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn micros(secs: f64) -> u64 {
    (secs.max(0.0) * 1e6) as u64
}

impl<A: Adapter> Task<A> {
    /// Plays the conversation `key` of `shopper`, attempt after attempt.
    pub async fn converse(self, key: String, shopper: Shopper) {
        let sc = self.sc.clone();
        let mut talk = Talk::new(&sc, shopper, self.adapter.plays_turns());
        let tx = self.tx.clone();
        let mut out = Tell {
            sc: &sc,
            send: |t| {
                let _ = tx.send(Obs::Told(t));
            },
        };
        loop {
            let s = *talk.shopper();
            let key = match s.attempt {
                1 => key.clone(),
                n => format!("{key}-{n}"),
            };
            // A shopper coming back after the window is not in it (as
            // the engine never fires what falls past its horizon).
            if s.attempt > 1 && (s.arrival >= self.sc.horizon || !self.until(s.arrival).await) {
                return;
            }
            if !self.attempt(key, &mut talk, &mut out).await {
                return;
            }
        }
    }

    /// Sleeps until scenario time `t`; false when the run is cut first.
    async fn until(&self, t: SimTime) -> bool {
        tokio::select! {
            _ = sleep_until(self.clock.wall(t).into()) => true,
            _ = self.hard.cancelled() => false,
        }
    }

    /// One attempt; whether the shopper comes back.
    async fn attempt(
        &self,
        key: String,
        talk: &mut Talk<'_>,
        out: &mut Tell<'_, impl FnMut(Told)>,
    ) -> bool {
        let s = *talk.shopper();
        let c = Conversation { key, shopper: s };
        let due = self.clock.wall(s.arrival);
        let sent = Instant::now();
        let late = sent.saturating_duration_since(due).as_micros() as u64;
        let opened = tokio::select! {
            o = self.adapter.open(&c, &*self.counters) => o,
            _ = self.hard.cancelled() => {
                let _ = self.tx.send(Obs::Unopened(s, late));
                return false;
            }
        };
        let Ok(opened) = opened else {
            // The adapter counted the failed request.
            let _ = self.tx.send(Obs::Failed(s, late));
            return false;
        };
        let first = s.attempt == 1;
        if !first {
            talk.retried(out);
        }
        let latency = sent.elapsed().as_micros() as u64;
        let _ = self
            .tx
            .send(Obs::Opened(*talk.shopper(), first, latency, late));
        let _open = self.counters.in_flight(talk.shopper());
        let back = self.replies(&c, &opened, talk, out).await;
        self.adapter.forget(&opened);
        back
    }

    /// Waits for replies and writes until the conversation ends; whether
    /// the shopper comes back.
    async fn replies(
        &self,
        c: &Conversation,
        o: &Opened,
        talk: &mut Talk<'_>,
        out: &mut Tell<'_, impl FnMut(Told)>,
    ) -> bool {
        let due = self.clock.wall(c.shopper.arrival);
        let (mut pending, mut seen, mut first) = (o.reply.clone(), 0, true);
        // The later message awaiting its answer: when it was due, and the
        // server's time of it.
        let mut asked: Option<(Instant, Option<f64>)> = None;
        loop {
            let give_up = talk.gives_up_at();
            let reply = match pending.take() {
                Some(r) => r,
                None => match self.next_reply(c, o, seen, give_up).await {
                    Heard::Reply(r) => r,
                    Heard::GaveUp(at) => return self.leave(c, o, talk, out, at).await,
                    Heard::Lost => return self.cut(talk),
                },
            };
            seen += 1;
            let noticed = Instant::now();
            if let (Some((due, at)), false) = (asked, reply.joined) {
                asked = None;
                let _ = self.tx.send(Obs::MessageReply {
                    end_to_end: noticed.saturating_duration_since(due).as_micros() as u64,
                    server: at.zip(reply.server_at).map(|(a, b)| micros(b - a)),
                });
            }
            if first && !reply.joined {
                first = false;
                let _ = self.tx.send(Obs::FirstReply {
                    end_to_end: noticed.saturating_duration_since(due).as_micros() as u64,
                    server: o.server_at.zip(reply.server_at).map(|(a, b)| micros(b - a)),
                    lag: reply.server_at.map(|b| micros(epoch_now() - b)),
                });
            }
            match talk.heard(self.clock.sim(noticed), &reply, out) {
                Step::Done => return false,
                Step::Wait => {}
                Step::Write(t) => {
                    if !self.until(t).await {
                        return self.cut(talk);
                    }
                    let sent = Instant::now();
                    let late = sent.saturating_duration_since(self.clock.wall(t));
                    let answer = tokio::select! {
                        m = self.adapter.message(c, o, &*self.counters) => m,
                        _ = self.hard.cancelled() => return self.cut(talk),
                    };
                    let round_trip = sent.elapsed().as_micros() as u64;
                    let _ = self.tx.send(Obs::Sent(late.as_micros() as u64, round_trip));
                    match answer {
                        Ok(s) => {
                            asked = Some((self.clock.wall(t), s.server_at));
                            pending = s.reply;
                        }
                        // The desk never got it: nothing will answer.
                        Err(_) => return self.cut(talk),
                    }
                }
            }
        }
    }

    /// The next reply after `seen`, unless patience runs out at `give_up`
    /// first or the run is cut.
    async fn next_reply(
        &self,
        c: &Conversation,
        o: &Opened,
        seen: u32,
        give_up: Option<SimTime>,
    ) -> Heard {
        let patience = async {
            match give_up {
                Some(t) => sleep_until(self.clock.wall(t).into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = self.adapter.reply(c, o, seen, &*self.counters) => match r {
                Ok(r) => Heard::Reply(r),
                Err(_) => Heard::Lost,
            },
            _ = patience => Heard::GaveUp(give_up.unwrap_or(SimTime::MAX)),
            _ = self.hard.cancelled() => Heard::Lost,
        }
    }

    /// The shopper gave up at `at`: says so to the target; whether the
    /// shopper comes back.
    async fn leave(
        &self,
        c: &Conversation,
        o: &Opened,
        talk: &mut Talk<'_>,
        out: &mut Tell<'_, impl FnMut(Told)>,
        at: SimTime,
    ) -> bool {
        let back = talk.gave_up(at, out).is_some();
        tokio::select! {
            r = self.adapter.leave(c, o, &*self.counters) => { let _ = r; }
            _ = self.hard.cancelled() => {}
        }
        back
    }

    /// The run ends (or the target lost the conversation) before it did.
    fn cut(&self, talk: &Talk<'_>) -> bool {
        if !talk.responded() {
            let _ = self.tx.send(Obs::Cut(*talk.shopper()));
        }
        false
    }
}

/// How waiting for a reply ended.
enum Heard {
    Reply(Reply),
    GaveUp(SimTime),
    Lost,
}
