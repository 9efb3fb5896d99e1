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

#[cfg(test)]
mod tests {
    /// Each recorded version is one Cargo.toml's requirement accepts (the
    /// same `0.minor`, or major): the crate peakdesk links, not another
    /// version in the lock that only a dependency uses.
    #[test]
    fn the_recorded_crate_versions_are_the_ones_peakdesk_depends_on() {
        let manifest = include_str!("../Cargo.toml");
        for (name, version) in super::CRATE_VERSIONS {
            let wanted = manifest
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name} = \"")))
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| panic!("Cargo.toml names {name} with a version"));
            let series = |v: &str| -> String {
                let parts: Vec<&str> = v.split('.').collect();
                match parts.as_slice() {
                    ["0", minor, ..] => format!("0.{minor}"),
                    [major, ..] => major.to_string(),
                    [] => String::new(),
                }
            };
            assert_eq!(
                series(version),
                series(wanted),
                "{name}: {version} vs {wanted}"
            );
        }
    }
}
