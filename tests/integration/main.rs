//! The one integration-test binary: a module per behaviour.

mod bot_capacity;
mod catalogue;
mod cli;
mod common;
mod desk;
mod drive;
mod drive_abort;
mod drive_turns;
mod format;
mod live_metrics;
mod pki;
mod properties;
mod report;
mod saas;
mod saas_api;
mod saas_mock;
mod schema;
mod serve_clock;
mod serve_turns;
mod shard;
mod sla;
mod staff;
mod sweep;
mod theory;
mod tls;
mod window;
