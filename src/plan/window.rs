//! A window of a profile's time, `--from`, `--to` and `--duration`, as
//! `simulate` and `drive` read it: one grammar and one meaning for both,
//! so a drive of a window and a simulation of it are compared like for like.

use crate::Error;
use crate::cli::WindowArgs;
use crate::profile::Scenario;
use crate::profile::units::Duration as Span;
use crate::time::SimTime;

/// The window `[from, to)` of `sc` the flags ask for (the whole profile
/// without them).
pub fn bounds(sc: &Scenario, w: &WindowArgs) -> Result<(SimTime, SimTime), Error> {
    let from = w.from.map_or(0, |a| a.0);
    let to = match (w.to, w.duration) {
        (Some(t), _) => t.0,
        (None, Some(d)) => from.saturating_add(d.0),
        (None, None) => sc.horizon,
    };
    if from >= sc.horizon {
        return Err(Error::Usage(format!(
            "--from {}: the profile ends at {}",
            Span(from),
            Span(sc.horizon)
        )));
    }
    if to <= from {
        return Err(Error::Usage(format!(
            "the window is empty: --from {} is not before its end {}",
            Span(from),
            Span(to)
        )));
    }
    Ok((from, to.min(sc.horizon)))
}

/// The profile cut to the window `[from, to)`: the run ends at `to` and
/// counts only shoppers arriving from `from` (or from the warm-up's end,
/// if later). `cold`: the desk opens empty at `from` with the roster then
/// on shift, and earlier shoppers are drawn but never sent (a drive's
/// shoppers before its window are never sent either); otherwise they are
/// simulated, so the desk meets the window as the day left it.
pub fn windowed(
    mut sc: Scenario,
    from: SimTime,
    to: SimTime,
    cold: bool,
) -> Result<Scenario, Error> {
    sc.horizon = to;
    sc.warmup = sc.warmup.max(from);
    if cold {
        sc.start = from;
    }
    if sc.warmup >= to {
        return Err(Error::Usage(format!(
            "the profile's warm-up ({}) covers the whole window: choose a later window or set warmup",
            Span(sc.warmup)
        )));
    }
    Ok(sc)
}
