//! Demand: when shoppers arrive and what each one brings (group, patience,
//! handle time). Written once and shared by every mode, so `simulate` and
//! `drive` see the same shoppers for the same seed.

pub mod arrivals;
pub mod shoppers;

pub use arrivals::ArrivalGen;
pub use shoppers::{Arrival, Shopper, ShopperSampler};
