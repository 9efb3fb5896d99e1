//! Measurement: counters, histograms, breakdowns, the interval series and
//! the summary every mode writes (one format for `simulate`, `check`,
//! `sweep`, `drive`).

mod aggregate;
pub mod breakdown;
mod breakdown_summary;
pub mod catalogue;
pub mod figures;
pub mod hist;
pub mod live;
mod recorder;
mod recording;
mod run_histograms;
mod run_info;
pub mod summary;
pub mod tally;

pub use aggregate::{Aggregate, IntervalAggregate};
pub use recorder::{
    INTERVAL_QUANTILES, IntervalRecord, Recorder, Replication, RunHistograms, stamp,
};
pub use run_info::RunInfo;
pub use summary::Summary;
pub use tally::Tally;
