//! Non-homogeneous Poisson arrivals that follow the daily curve, the surges
//! and the busyness factor exactly.
//!
//! The rate is piecewise linear between breakpoints (curve points, surge
//! edges, busyness periods), so on each piece its maximum is known. Inside a
//! piece we thin a homogeneous process at that maximum (Lewis and Shedler
//! 1979); when a candidate overshoots the piece we restart at its end, which
//! is exact because exponential gaps are memoryless. Flat pieces accept
//! every candidate without a draw.

use crate::engine::rng::{Stream, StreamRng, stream};
use crate::profile::ArrivalPlan;
use crate::profile::DayBusyness;
use crate::time::{DAY, SECOND, SimTime};
use rand::RngExt;
use rand::distr::Distribution;
use rand_distr::{Exp1, Gamma};

const DAY_S: f64 = DAY as f64 / SECOND as f64;

/// Generates arrival times, in order, up to the horizon.
#[derive(Clone)]
pub struct ArrivalGen<'a> {
    plan: &'a ArrivalPlan,
    rate_per_s: f64,
    horizon_s: f64,
    t: f64,
    rng: StreamRng,
    busy_rng: StreamRng,
    busy: Option<Gamma<f64>>,
    /// How long one busyness factor lasts, seconds (infinite: no busyness).
    busy_len: f64,
    /// The days' own busyness (`[days]`): `Some(None)` is a day without.
    day_busy: Vec<Option<Option<Gamma<f64>>>>,
    busy_period: u64,
    busy_factor: f64,
    piece: Piece,
}

impl<'a> ArrivalGen<'a> {
    /// A generator for one replication.
    pub fn new(plan: &'a ArrivalPlan, horizon: SimTime, seed: u64, replication: u32) -> Self {
        Self::with(
            plan,
            plan.rate_per_s,
            Stream::Arrivals,
            horizon,
            seed,
            replication,
        )
    }

    /// A generator with the plan's curve, surges and busyness but its own
    /// mean rate and stream (proactive invitations). The busyness factors
    /// are the same days' factors as the main arrivals'.
    pub fn with(
        plan: &'a ArrivalPlan,
        rate_per_s: f64,
        which: Stream,
        horizon: SimTime,
        seed: u64,
        replication: u32,
    ) -> Self {
        let busy = plan.busyness.map(|b| gamma(b.cv));
        let mut busy_len = plan
            .busyness
            .map_or(f64::INFINITY, |b| b.period as f64 / SECOND as f64);
        let day_busy: Vec<Option<Option<Gamma<f64>>>> = plan
            .days
            .iter()
            .map(|d| match d.busyness {
                DayBusyness::Base => None,
                DayBusyness::Cv(cv) => Some((cv > 0.0).then(|| gamma(cv))),
            })
            .collect();
        if day_busy.iter().any(Option::is_some) {
            // A factor per day (the plan's own period is a day, validated).
            busy_len = DAY_S;
        }
        let mut this = ArrivalGen {
            plan,
            horizon_s: horizon as f64 / SECOND as f64,
            t: 0.0,
            rng: stream(seed, replication, which),
            rate_per_s,
            busy_rng: stream(seed, replication, Stream::Busyness),
            busy,
            busy_len,
            day_busy,
            busy_period: 0,
            busy_factor: 1.0,
            piece: Piece {
                start: 0.0,
                end: 0.0,
                level: 0.0,
                slope: 0.0,
                scale: 0.0,
                max: 0.0,
            },
        };
        this.busy_factor = this.draw_busyness();
        this
    }

    fn draw_busyness(&mut self) -> f64 {
        let g = match self.day_busy.get(self.busy_period as usize) {
            Some(Some(own)) => own.as_ref(),
            _ => self.busy.as_ref(),
        };
        g.map_or(1.0, |g| g.sample(&mut self.busy_rng))
    }

    /// The busyness factor of the period holding `t`, drawn in period order.
    fn busyness_at(&mut self, t: f64) -> (f64, f64) {
        let len = self.busy_len;
        if len.is_infinite() {
            return (1.0, f64::INFINITY);
        }
        let period = (t / len).floor() as u64;
        while self.busy_period < period {
            self.busy_period += 1;
            self.busy_factor = self.draw_busyness();
        }
        (self.busy_factor, (period + 1) as f64 * len)
    }

    /// The curve level at `t` seconds and the end of its linear piece.
    fn curve_at(&self, t: f64) -> (f64, f64, f64) {
        let day = (t / DAY_S).floor();
        let curve = match self.plan.days.get(day as usize) {
            Some(d) => &d.curve,
            None => &self.plan.curve,
        };
        let tod = t - day * DAY_S;
        let i = curve
            .partition_point(|(at, _)| secs(*at) <= tod)
            .clamp(1, curve.len() - 1);
        let ((t0, v0), (t1, v1)) = (
            (secs(curve[i - 1].0), curve[i - 1].1),
            (secs(curve[i].0), curve[i].1),
        );
        let level = v0 + (v1 - v0) * (tod - t0) / (t1 - t0);
        (level, day * DAY_S + t1, (v1 - v0) / (t1 - t0))
    }

    /// The surge multiplier at `t` and the next surge edge after `t`.
    fn surges_at(&self, t: f64) -> (f64, f64) {
        let mut mult = 1.0;
        let mut next = f64::INFINITY;
        for s in &self.plan.surges {
            let (start, len) = (secs(s.start), secs(s.length));
            let offset = if s.daily {
                (t / DAY_S).floor() * DAY_S
            } else {
                0.0
            };
            // A daily surge may still be running from the day before.
            let candidates: &[f64] = if s.daily {
                &[offset - DAY_S, offset, offset + DAY_S]
            } else {
                &[0.0]
            };
            for base in candidates {
                let (a, b) = (base + start, base + start + len);
                if a <= t && t < b {
                    mult *= s.multiplier;
                }
                for edge in [a, b] {
                    if edge > t && edge < next {
                        next = edge;
                    }
                }
            }
        }
        (mult, next)
    }

    /// The day's traffic over the plan's mean rate (`[days]`).
    fn day_factor(&self, t: f64) -> f64 {
        self.plan
            .days
            .get((t / DAY_S).floor() as usize)
            .map_or(1.0, |d| d.factor)
    }

    /// The intensity (per second) at `t`.
    pub fn rate_at(&mut self, t: SimTime) -> f64 {
        let t = t as f64 / SECOND as f64;
        self.rate_per_s
            * self.curve_at(t).0
            * self.surges_at(t).0
            * self.busyness_at(t).0
            * self.day_factor(t)
    }

    /// The linear piece of the intensity that starts at `t`.
    fn piece_at(&mut self, t: f64) -> Piece {
        let (level, curve_end, slope) = self.curve_at(t);
        let (mult, surge_end) = self.surges_at(t);
        let (busy, busy_end) = self.busyness_at(t);
        let end = curve_end.min(surge_end).min(busy_end).min(self.horizon_s);
        let scale = self.rate_per_s * mult * busy * self.day_factor(t);
        let max = scale * level.max(level + slope * (end - t));
        Piece {
            start: t,
            end,
            level,
            slope,
            scale,
            max,
        }
    }

    /// The next arrival time, or `None` once past the horizon.
    pub fn next_arrival(&mut self) -> Option<SimTime> {
        loop {
            if self.t >= self.horizon_s {
                return None;
            }
            if self.t >= self.piece.end {
                self.piece = self.piece_at(self.t);
            }
            let p = self.piece;
            if p.max <= 0.0 {
                self.t = p.end;
                continue;
            }
            let gap: f64 = Exp1.sample(&mut self.rng);
            let cand = self.t + gap / p.max;
            if cand >= p.end {
                self.t = p.end;
                continue;
            }
            self.t = cand;
            if p.slope != 0.0 {
                let here = p.scale * (p.level + p.slope * (cand - p.start));
                if self.rng.random::<f64>() * p.max > here {
                    continue;
                }
            }
            return Some((cand * SECOND as f64) as SimTime);
        }
    }
}

/// A stretch of time on which the intensity is linear: the unit of thinning.
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: f64,
    end: f64,
    level: f64,
    slope: f64,
    scale: f64,
    max: f64,
}

/// The gamma factor with mean 1 and this coefficient of variation (> 0).
fn gamma(cv: f64) -> Gamma<f64> {
    let shape = 1.0 / (cv * cv);
    Gamma::new(shape, 1.0 / shape).expect("cv > 0 was validated")
}

fn secs(t: SimTime) -> f64 {
    t as f64 / SECOND as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Busyness, Surge};
    use crate::time::HOUR;

    fn plan(curve: Vec<(SimTime, f64)>, surges: Vec<Surge>) -> ArrivalPlan {
        ArrivalPlan {
            rate_per_s: 1.0,
            curve,
            surges,
            busyness: None,
            days: Vec::new(),
        }
    }

    #[test]
    fn days_of_their_own_follow_their_factor_and_curve() {
        use crate::profile::{DayArrivals, DayBusyness};
        // Day 2 has 2.5 times the traffic, all of it from 12:00 to 18:00.
        let mut p = plan(vec![(0, 1.0), (DAY, 1.0)], vec![]);
        let noon = vec![
            (0, 0.0),
            (12 * HOUR, 0.0),
            (12 * HOUR + 1, 4.0),
            (18 * HOUR, 4.0),
            (18 * HOUR + 1, 0.0),
            (DAY, 0.0),
        ];
        let area: f64 = noon
            .windows(2)
            .map(|w| (w[0].1 + w[1].1) / 2.0 * (w[1].0 - w[0].0) as f64)
            .sum();
        let noon: Vec<(SimTime, f64)> = noon
            .into_iter()
            .map(|(t, v)| (t, v * DAY as f64 / area))
            .collect();
        let day = |factor, curve| DayArrivals {
            factor,
            curve,
            busyness: DayBusyness::Base,
        };
        p.days = vec![day(1.0, p.curve.clone()), day(2.5, noon)];
        let mut g = ArrivalGen::new(&p, 2 * DAY, 5, 0);
        let (mut first, mut second, mut outside) = (0f64, 0f64, 0u64);
        while let Some(t) = g.next_arrival() {
            if t < DAY {
                first += 1.0;
            } else {
                second += 1.0;
                outside += u64::from(!(DAY + 12 * HOUR..DAY + 18 * HOUR + SECOND).contains(&t));
            }
        }
        // Poisson counts: within five standard deviations of their means.
        let close = |n: f64, mean: f64| (n - mean).abs() < 5.0 * mean.sqrt();
        assert!(close(first, 86_400.0), "{first}");
        assert!(close(second, 2.5 * 86_400.0), "{second}");
        assert_eq!(outside, 0);
    }

    /// Counts arrivals in [a, b) hours over many days.
    fn counts(plan: &ArrivalPlan, days: u64, bins: &[(u64, u64)]) -> Vec<u64> {
        let mut g = ArrivalGen::new(plan, days * DAY, 3, 0);
        let mut out = vec![0; bins.len()];
        while let Some(t) = g.next_arrival() {
            let h = (t % DAY) / HOUR;
            for (i, (a, b)) in bins.iter().enumerate() {
                if (*a..*b).contains(&h) {
                    out[i] += 1;
                }
            }
        }
        out
    }

    /// Poisson counts: |observed - expected| < 4 standard deviations.
    fn close(obs: u64, exp: f64) -> bool {
        (obs as f64 - exp).abs() < 4.0 * exp.sqrt()
    }

    #[test]
    fn arrivals_follow_a_sloped_curve() {
        // Level 0.5 at 00:00 rising to 1.5 at 24:00 (normalised mean 1):
        // the first six hours hold 0.5..0.75, mean 0.625.
        let p = plan(vec![(0, 0.5), (DAY, 1.5)], vec![]);
        let days = 20;
        let c = counts(&p, days, &[(0, 6), (18, 24), (0, 24)]);
        let six_h = 6.0 * 3600.0 * days as f64;
        assert!(close(c[0], six_h * 0.625), "{c:?}");
        assert!(close(c[1], six_h * 1.375), "{c:?}");
        assert!(close(c[2], 86400.0 * days as f64), "{c:?}");
    }

    #[test]
    fn a_surge_multiplies_its_window_once() {
        let s = Surge {
            start: 2 * HOUR,
            length: HOUR,
            multiplier: 3.0,
            daily: false,
        };
        let p = plan(vec![(0, 1.0), (DAY, 1.0)], vec![s]);
        let mut g = ArrivalGen::new(&p, 2 * DAY, 5, 0);
        let (mut in_surge, mut day2_same_hour) = (0u64, 0u64);
        while let Some(t) = g.next_arrival() {
            in_surge += u64::from((2 * HOUR..3 * HOUR).contains(&t));
            day2_same_hour += u64::from((DAY + 2 * HOUR..DAY + 3 * HOUR).contains(&t));
        }
        assert!(close(in_surge, 3.0 * 3600.0), "{in_surge}");
        assert!(close(day2_same_hour, 3600.0), "{day2_same_hour}");
    }

    #[test]
    fn busyness_spreads_daily_totals_beyond_poisson() {
        let mut p = plan(vec![(0, 1.0), (DAY, 1.0)], vec![]);
        p.rate_per_s = 0.1;
        p.busyness = Some(Busyness {
            cv: 0.3,
            period: DAY,
        });
        let days = 200u64;
        let mut g = ArrivalGen::new(&p, days * DAY, 9, 0);
        let mut per_day = vec![0f64; days as usize];
        while let Some(t) = g.next_arrival() {
            per_day[(t / DAY) as usize] += 1.0;
        }
        let mean = per_day.iter().sum::<f64>() / days as f64;
        let var = per_day.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (days - 1) as f64;
        // Poisson alone: var = mean = 8640. With the gamma factor:
        // var = mean + (cv * mean)^2 = 8640 + 6.7e6, so the daily counts have
        // cv 0.30; the sample sd of 200 days is within 5 standard errors.
        let cv = var.sqrt() / mean;
        // The mean's standard error is 0.3 / sqrt(200) = 2.1%: allow 10%.
        assert!((mean / 8640.0 - 1.0).abs() < 0.1, "{mean}");
        assert!((0.22..0.38).contains(&cv), "cv {cv}");
    }
}
