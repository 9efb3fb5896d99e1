//! Demand: when shoppers arrive and what each one brings (group, patience,
//! handle time), and the shopper's half of a conversation (thinking,
//! writing again, coming back). Written once and shared by every mode, so
//! `simulate` and `drive` see the same shoppers for the same seed.

pub mod arrivals;
pub mod conversation;
pub mod feed;
pub mod shoppers;
pub mod source;

pub use arrivals::ArrivalGen;
pub use feed::{Feeder, Source};
pub use shoppers::{Arrival, Shopper, ShopperSampler};
pub use source::Demand;
