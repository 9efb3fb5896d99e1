//! Wall-clock modes: `drive` sends a profile's shoppers to a real helpdesk
//! in real time and measures what they would see; `serve` answers real
//! HTTP conversations with the built-in desk model.
//!
//! Both reuse what `simulate` is made of: the shoppers come from
//! `demand` (same profile, same seed, same shoppers), `serve` runs the
//! `desk` state machine, and a drive's observations go through the same
//! `metrics::Recorder`, so its summary is the summary `simulate` writes,
//! plus a `drive` section for what only a real target has (lateness,
//! errors, server-side times).

pub mod adapter;
pub mod agents;
pub mod basic;
mod callback;
mod collect;
mod counters;
pub mod django;
pub mod django_target;
pub mod http;
pub mod live;
mod obs;
pub mod plan;
mod push;
pub mod report;
pub mod rt;
pub mod rt_target;
pub mod runner;
pub mod secret;
pub mod serve;
mod serve_api;
mod serve_push;
mod serve_state;
pub mod server_time;
mod shopper;
pub mod signals;
pub mod skip;
pub mod target;
pub mod target_raw;
mod task;
pub mod template;
pub mod tls;
pub mod wall_desk;

use crate::plan::shards::Shard;
use crate::time::SimTime;

/// How a drive runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Scenario seconds per wall second.
    pub speed: f64,
    /// Start of the window, scenario time.
    pub from: SimTime,
    /// End of the window, scenario time.
    pub to: SimTime,
    /// Shoppers per wall second at most (after `speed`).
    pub max_rate: Option<f64>,
    /// The p99 scheduling lateness beyond which the run is invalid.
    pub max_lateness: SimTime,
    /// The error share of requests that ends the run early.
    pub max_error_rate: Option<f64>,
    /// Wall time to wait, after the window, for conversations in flight.
    pub drain: std::time::Duration,
    /// Wall time to wait for conversations in flight after Ctrl-C.
    pub grace: std::time::Duration,
    /// This load generator's share of the shoppers.
    pub shard: Option<Shard>,
    /// Worker threads for the runtime.
    pub threads: usize,
}
