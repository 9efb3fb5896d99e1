//! A served desk's live metrics (`metrics::live`'s `SERVE_*`): what
//! `serve` knows of its conversations: opened, answered first by the bot
//! or an agent, taken by an agent of a group, left by the caller, closed,
//! in the system, every reply shown, and the first response in scenario
//! seconds. The desk draws a conversation's segment, question and channel
//! itself when the caller gives none, so they are not labels here.

use super::{Labels, histogram, register, response_buckets};
use crate::metrics::live as def;
use crate::profile::Scenario;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The handles of a served desk's live metrics.
pub struct ServeMetrics {
    opened: Counter,
    /// By who answered: bot, agent.
    answered: [Counter; 2],
    taken: Vec<Counter>,
    abandoned: Counter,
    closed: Counter,
    in_system: Gauge,
    replies: [Counter; 2],
    first_response: [Histogram; 2],
    speed: f64,
}

const BY: [&str; 2] = ["bot", "agent"];

fn one<M: prometheus_client::registry::Metric + Clone>(
    reg: &mut Registry,
    d: &def::LiveDef,
    m: M,
) -> M {
    register(reg, d, m.clone());
    m
}

fn by_who<M, C>(reg: &mut Registry, d: &def::LiveDef, new: C) -> [M; 2]
where
    M: prometheus_client::registry::Metric + Clone,
    M: prometheus_client::metrics::TypedMetric,
    C: prometheus_client::metrics::family::MetricConstructor<M> + Send + Sync + 'static,
{
    let f: Family<Labels, M, C> = Family::new_with_constructor(new);
    let [bot, agent] = BY.map(|b| f.get_or_create_owned(&vec![("by", b.to_string())]));
    register(reg, d, f);
    [bot, agent]
}

impl ServeMetrics {
    /// The metrics of `sc` served at `speed`, and the registry that
    /// exposes them.
    pub fn new(sc: &Scenario, speed: f64) -> (ServeMetrics, Registry) {
        let mut reg = Registry::default();
        let r = &mut reg;
        let taken_family: Family<Labels, Counter> = Family::default();
        let taken = sc
            .groups
            .iter()
            .map(|g| taken_family.get_or_create_owned(&vec![("group", g.name.clone())]))
            .collect();
        let b = response_buckets(sc);
        let m = ServeMetrics {
            opened: one(r, &def::SERVE_OPENED, Counter::default()),
            answered: by_who(r, &def::SERVE_ANSWERED, Counter::default),
            taken,
            abandoned: one(r, &def::SERVE_ABANDONED, Counter::default()),
            closed: one(r, &def::SERVE_CLOSED, Counter::default()),
            in_system: one(r, &def::SERVE_IN_SYSTEM, Gauge::default()),
            replies: by_who(r, &def::SERVE_REPLIES, Counter::default),
            first_response: by_who(r, &def::SERVE_FIRST_RESPONSE, move || histogram(&b)),
            speed,
        };
        register(r, &def::SERVE_TAKEN, taken_family);
        (m, reg)
    }

    /// A caller opened a conversation.
    pub fn opened(&self) {
        self.opened.inc();
        self.in_system.inc();
    }

    /// A reply was shown; `first_after`: the wall seconds since the
    /// conversation opened, when it is the first.
    pub fn replied(&self, by_bot: bool, first_after: Option<f64>) {
        let who = usize::from(!by_bot);
        self.replies[who].inc();
        if let Some(wall) = first_after {
            self.answered[who].inc();
            self.first_response[who].observe(wall.max(0.0) * self.speed);
        }
    }

    /// An agent of group `g` took a conversation.
    pub fn taken(&self, g: usize) {
        if let Some(c) = self.taken.get(g) {
            c.inc();
        }
    }

    /// A caller left an open conversation.
    pub fn abandoned(&self) {
        self.abandoned.inc();
    }

    /// A conversation is over.
    pub fn closed(&self) {
        self.closed.inc();
        self.in_system.dec();
    }
}
