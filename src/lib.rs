//! peakdesk: a load simulator and SLA conformance harness for e-commerce
//! customer service.
//!
//! A profile (the scenario language, [`profile`]) describes the shoppers and
//! the desk; [`engine`] runs it on a virtual clock with the [`demand`] and
//! [`desk`] models; [`metrics`] streams the outcomes into histograms and
//! counters and builds the summary; [`erlang`] gives the analytic answers the
//! simulator must agree with; [`report`] renders results. The binary is a
//! thin layer over [`app::run`].

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod demand;
pub mod desk;
pub mod dist;
pub mod drive;
pub mod engine;
pub mod erlang;
pub mod metrics;
pub mod plan;
pub mod profile;
pub mod report;
pub mod sla;
pub mod stats;
pub mod time;

mod error;
pub use error::{Error, ExitCode};

/// Versions of the crates whose algorithms fix the numbers (from Cargo.lock).
pub const CRATE_VERSIONS: [(&str, &str); 3] = [
    ("rand", env!("PEAKDESK_DEP_RAND")),
    ("rand_distr", env!("PEAKDESK_DEP_RAND_DISTR")),
    ("hdrhistogram", env!("PEAKDESK_DEP_HDRHISTOGRAM")),
];
