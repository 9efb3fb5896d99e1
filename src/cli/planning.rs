//! The flags of the planning questions that `erlang` and `staff` share:
//! a service-level target, an occupancy cap and shrinkage, each read here
//! into a typed value so that a bad one is refused by clap with one message
//! (exit 2) before anything runs.

use super::Outputs;
use crate::profile::units::{Duration, Rate};
use clap::Args;

/// A service-level target: `80/20s` means 80% of all arrivals answered within 20 s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// The share, 0 to 1.
    pub share: f64,
    /// The time limit.
    pub within: Duration,
}

impl std::str::FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Target, String> {
        let bad = || format!("'{s}' is not a target (expected SHARE/TIME, e.g. 80/20s or 0.8/20s)");
        let (share, within) = s.split_once('/').ok_or_else(bad)?;
        let share: f64 = share
            .trim()
            .trim_end_matches('%')
            .parse()
            .map_err(|_| bad())?;
        let share = if share > 1.0 { share / 100.0 } else { share };
        if !(share > 0.0 && share <= 1.0) {
            return Err(bad());
        }
        Ok(Target {
            share,
            within: Duration::parse(within).map_err(|_| bad())?,
        })
    }
}

/// A share written as a fraction (`0.85`) or a percentage (`85%`).
fn share(s: &str) -> Option<f64> {
    let (num, pct) = match s.trim().strip_suffix('%') {
        Some(n) => (n, true),
        None => (s.trim(), false),
    };
    let v: f64 = num.trim().parse().ok()?;
    let v = if pct { v / 100.0 } else { v };
    v.is_finite().then_some(v)
}

/// `--max-occupancy`: above 0, at most 1.
pub fn parse_max_occupancy(s: &str) -> Result<f64, String> {
    share(s).filter(|x| *x > 0.0 && *x <= 1.0).ok_or_else(|| {
        format!("'{s}' is not a maximum occupancy (expected a share above 0 and at most 1, e.g. 0.85 or 85%)")
    })
}

/// `--shrinkage`: from 0 to below 1, as the profile's `agents.shrinkage`.
pub fn parse_shrinkage(s: &str) -> Result<f64, String> {
    share(s).filter(|x| (0.0..1.0).contains(x)).ok_or_else(|| {
        format!("'{s}' is not a shrinkage (expected the share of rostered time lost, from 0 to below 1, e.g. 0.3 or 30%)")
    })
}

/// `peakdesk erlang`.
#[derive(Debug, Args)]
pub struct ErlangArgs {
    /// Arrival rate, e.g. `2/s`, `7200/h`.
    #[arg(long, value_parser = Rate::parse)]
    pub rate: Rate,
    /// Mean handle time (exponential), e.g. `120s`.
    #[arg(long, value_parser = Duration::parse)]
    pub handle: Duration,
    /// Mean patience (exponential): Erlang A. Without it, Erlang C.
    #[arg(long, value_parser = Duration::parse)]
    pub patience: Option<Duration>,
    /// Agents in the pool.
    #[arg(long, required_unless_present_any = ["target", "max_occupancy"])]
    pub agents: Option<u32>,
    /// Find the fewest agents meeting SHARE/TIME, e.g. `80/20s`.
    #[arg(long, conflicts_with = "agents")]
    pub target: Option<Target>,
    /// With --target, also keep abandonment at or below this share.
    #[arg(long, requires = "target")]
    pub max_abandon: Option<f64>,
    /// Find the fewest agents whose occupancy (busy agents over agents) is
    /// at most X, e.g. `0.85` or `85%`; with --target, both must hold.
    #[arg(long, value_name = "X", conflicts_with = "agents", value_parser = parse_max_occupancy)]
    pub max_occupancy: Option<f64>,
    /// Share of rostered time lost (breaks, training, absence), e.g. `0.3`
    /// or `30%`: N agents on shift need ceil(N / (1 - S)) rostered FTE.
    #[arg(long, value_name = "S", default_value = "0", value_parser = parse_shrinkage)]
    pub shrinkage: f64,
    /// Thresholds for "answered within", comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = Duration::parse, default_value = "10s,30s,60s,180s")]
    pub within: Vec<Duration>,
    /// Where the answer goes (JSON).
    #[command(flatten)]
    pub out: Outputs,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_as_share_and_time() {
        let t: Target = "80/20s".parse().unwrap();
        assert_eq!((t.share, t.within.secs()), (0.8, 20.0));
        let t: Target = "0.9/3m".parse().unwrap();
        assert_eq!((t.share, t.within.secs()), (0.9, 180.0));
        assert!("120/20s".parse::<Target>().is_err());
        assert!("80".parse::<Target>().is_err());
    }

    #[test]
    fn caps_and_shrinkage_read_as_shares_in_their_ranges() {
        assert_eq!(parse_max_occupancy("0.85"), Ok(0.85));
        assert_eq!(parse_max_occupancy("85%"), Ok(0.85));
        assert_eq!(parse_max_occupancy("1"), Ok(1.0));
        for bad in ["0", "1.2", "85", "-0.1", "NaN", "x", ""] {
            let e = parse_max_occupancy(bad).unwrap_err();
            assert!(e.contains("above 0 and at most 1"), "{bad}: {e}");
        }
        assert_eq!(parse_shrinkage("0"), Ok(0.0));
        assert_eq!(parse_shrinkage("30%"), Ok(0.3));
        for bad in ["1", "100%", "-0.1", "inf", "0.3x"] {
            let e = parse_shrinkage(bad).unwrap_err();
            assert!(e.contains("from 0 to below 1"), "{bad}: {e}");
        }
    }
}
