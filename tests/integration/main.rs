//! The one integration-test binary: a module per behaviour.

mod cli;
mod common;
mod desk;
mod properties;
mod shard;
mod sla;
mod sweep;
mod theory;
