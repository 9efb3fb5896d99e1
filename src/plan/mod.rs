//! Planning runs and capacity: what a desk costs and which configuration is
//! cheapest while still passing its rules; how a run is laid out (a sweep's
//! grid, replications until the rules are conclusive, shards across
//! machines, a window of the profile's time) and whether it fits.

pub mod costs;
pub mod grid;
pub mod replicate;
pub mod roster_file;
pub mod shards;
pub mod shift_file;
pub mod shifts;
pub mod size;
pub mod staff;
mod staff_cells;
mod staff_pass;
pub mod window;
