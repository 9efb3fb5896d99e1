//! SLA conformance: rules and platform presets, satisfaction bands and the
//! orders they cost, and verdicts with confidence.

pub mod abort;
pub mod bands;
pub mod eval;
pub mod metric;
pub mod report;
pub mod rule;
pub mod rules;
pub mod sequential;

pub use bands::{BandOutcome, Bands};
pub use eval::{RuleResult, Verdict};
pub use rule::{Rule, Severity};
