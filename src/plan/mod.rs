//! Capacity planning: what a desk costs, and (with `peakdesk sweep`) which
//! configuration is cheapest while still passing its rules.

pub mod costs;
pub mod size;
pub mod staff;
