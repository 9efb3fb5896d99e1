//! The one integration-test binary: a module per behaviour.

mod cli;
mod common;
mod properties;
mod theory;
