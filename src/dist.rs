//! Validated duration distributions and their samplers.
//!
//! A profile names a distribution (`DistSpec`); validation turns it into a
//! `Dist` whose parameters are known to be possible, so sampling never fails.
//! Samples are integer microseconds, like every time in the simulator.

use crate::profile::raw::DistSpec;
use crate::stats::ln_gamma;
use crate::time::{SimTime, from_secs_f64};
use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Exp, Gamma, LogNormal, Weibull};

/// A distribution of durations that can be sampled, with its mean.
#[derive(Debug, Clone)]
pub struct Dist {
    shape: Shape,
    mean_secs: f64,
}

/// The family and parameters of a `Dist`.
#[derive(Debug, Clone)]
enum Shape {
    /// Exponential, in seconds.
    Exponential(Exp<f64>),
    /// Lognormal, in seconds.
    Lognormal(LogNormal<f64>),
    /// Gamma, in seconds, with its mean.
    Gamma(Gamma<f64>, f64),
    /// Weibull, in seconds.
    Weibull(Weibull<f64>),
    /// A constant.
    Deterministic(SimTime),
    /// A weighted table of values.
    Empirical {
        /// The values, in microseconds.
        values: Vec<SimTime>,
        /// The weights, normalised.
        weights: Vec<f64>,
        /// The sampler over indices.
        index: WeightedIndex<f64>,
    },
}

/// What a spec means once checked: a distribution, or "never" (no patience limit).
#[derive(Debug, Clone)]
pub enum Checked {
    /// The event never happens.
    Never,
    /// The event happens after a sampled time.
    Sampled(Dist),
}

/// Why a distribution's parameters are impossible.
#[derive(Debug, thiserror::Error)]
pub enum DistError {
    /// A number that must be positive is not.
    #[error("{what} must be a positive number, got {value}")]
    NotPositive {
        /// Which parameter.
        what: &'static str,
        /// Its value.
        value: f64,
    },
    /// A duration that must be longer than 0 is not.
    #[error("{what} must be longer than 0s")]
    Zero {
        /// Which parameter.
        what: &'static str,
    },
    /// Gamma given neither of its two forms.
    #[error("gamma takes either {{ mean, cv }} or {{ shape, scale }}")]
    GammaForm,
    /// An empirical table without rows.
    #[error("an empirical table needs at least one [value, weight] pair")]
    EmptyTable,
    /// An empirical weight below 0 (or not a number).
    #[error("empirical weights must be >= 0, got {0}")]
    NegativeWeight(f64),
    /// Every empirical weight is 0.
    #[error("empirical weights must not all be 0")]
    ZeroWeights,
    /// The sampling library refuses the parameters.
    #[error("{0}")]
    Refused(Box<dyn std::error::Error + Send + Sync>),
}

fn refused(e: impl std::error::Error + Send + Sync + 'static) -> DistError {
    DistError::Refused(Box::new(e))
}

fn positive(x: f64, what: &'static str) -> Result<f64, DistError> {
    if x.is_finite() && x > 0.0 {
        Ok(x)
    } else {
        Err(DistError::NotPositive { what, value: x })
    }
}

fn positive_secs(d: crate::profile::units::Duration, what: &'static str) -> Result<f64, DistError> {
    if d.0 == 0 {
        Err(DistError::Zero { what })
    } else {
        Ok(d.secs())
    }
}

impl Checked {
    /// Checks a spec; the error says which parameter is impossible and why.
    pub fn from_spec(spec: &DistSpec) -> Result<Checked, DistError> {
        let shape = match spec {
            DistSpec::None => return Ok(Checked::Never),
            DistSpec::Exponential(mean) => {
                let m = positive_secs(*mean, "the exponential mean")?;
                Shape::Exponential(Exp::new(1.0 / m).map_err(refused)?)
            }
            DistSpec::Lognormal { mean, cv } => {
                let m = positive_secs(*mean, "the lognormal mean")?;
                let cv = positive(*cv, "the lognormal cv")?;
                Shape::Lognormal(LogNormal::from_mean_cv(m, cv).map_err(refused)?)
            }
            DistSpec::Gamma {
                mean,
                cv,
                shape,
                scale,
            } => {
                let (k, theta) = match (mean, cv, shape, scale) {
                    (Some(m), Some(cv), None, None) => {
                        let m = positive_secs(*m, "the gamma mean")?;
                        let cv = positive(*cv, "the gamma cv")?;
                        let k = 1.0 / (cv * cv);
                        (k, m / k)
                    }
                    (None, None, Some(k), Some(s)) => (
                        positive(*k, "the gamma shape")?,
                        positive_secs(*s, "the gamma scale")?,
                    ),
                    _ => return Err(DistError::GammaForm),
                };
                Shape::Gamma(Gamma::new(k, theta).map_err(refused)?, k * theta)
            }
            DistSpec::Weibull { scale, shape } => {
                let s = positive_secs(*scale, "the Weibull scale")?;
                let k = positive(*shape, "the Weibull shape")?;
                Shape::Weibull(Weibull::new(s, k).map_err(refused)?)
            }
            DistSpec::Deterministic(v) => Shape::Deterministic(v.0),
            DistSpec::Empirical(table) => {
                if table.is_empty() {
                    return Err(DistError::EmptyTable);
                }
                if let Some((_, w)) = table.iter().find(|(_, w)| !(w.is_finite() && *w >= 0.0)) {
                    return Err(DistError::NegativeWeight(*w));
                }
                let total: f64 = table.iter().map(|(_, w)| w).sum();
                if total <= 0.0 {
                    return Err(DistError::ZeroWeights);
                }
                let weights: Vec<f64> = table.iter().map(|(_, w)| w / total).collect();
                Shape::Empirical {
                    values: table.iter().map(|(v, _)| v.0).collect(),
                    index: WeightedIndex::new(weights.iter().copied()).map_err(refused)?,
                    weights,
                }
            }
        };
        let mean_secs = match (&shape, spec) {
            (Shape::Weibull(_), DistSpec::Weibull { scale, shape }) => {
                scale.secs() * ln_gamma(1.0 + 1.0 / shape).exp()
            }
            (Shape::Gamma(_, mean), _) => *mean,
            (Shape::Exponential(_), DistSpec::Exponential(m)) => m.secs(),
            (Shape::Lognormal(_), DistSpec::Lognormal { mean, .. }) => mean.secs(),
            (Shape::Deterministic(v), _) => crate::time::to_secs(*v),
            (
                Shape::Empirical {
                    values, weights, ..
                },
                _,
            ) => values
                .iter()
                .zip(weights)
                .map(|(v, w)| crate::time::to_secs(*v) * w)
                .sum(),
            _ => unreachable!("the shape was built from this spec"),
        };
        Ok(Checked::Sampled(Dist { shape, mean_secs }))
    }
}

impl Dist {
    /// Draws one duration.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimTime {
        let secs = match &self.shape {
            Shape::Exponential(d) => d.sample(rng),
            Shape::Lognormal(d) => d.sample(rng),
            Shape::Gamma(d, _) => d.sample(rng),
            Shape::Weibull(d) => d.sample(rng),
            Shape::Deterministic(v) => return *v,
            Shape::Empirical { values, index, .. } => return values[index.sample(rng)],
        };
        from_secs_f64(secs)
    }

    /// A distribution that always gives `value`.
    pub fn constant(value: SimTime) -> Dist {
        Dist {
            shape: Shape::Deterministic(value),
            mean_secs: crate::time::to_secs(value),
        }
    }

    /// The mean, in seconds.
    pub fn mean_secs(&self) -> f64 {
        self.mean_secs
    }

    /// The exponential rate (per second) if this distribution is exponential:
    /// the analytic Erlang models apply only then.
    pub fn exponential_rate(&self) -> Option<f64> {
        matches!(self.shape, Shape::Exponential(_)).then(|| 1.0 / self.mean_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::units::Duration;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    fn sampled(spec: DistSpec) -> Dist {
        match Checked::from_spec(&spec).unwrap() {
            Checked::Sampled(d) => d,
            Checked::Never => panic!("expected a distribution"),
        }
    }

    fn sample_mean(d: &Dist, n: usize) -> f64 {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        (0..n)
            .map(|_| crate::time::to_secs(d.sample(&mut rng)))
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn sample_means_match_the_stated_means() {
        let secs = |s: u64| Duration(s * 1_000_000);
        let specs = [
            DistSpec::Exponential(secs(120)),
            DistSpec::Lognormal {
                mean: secs(35),
                cv: 0.6,
            },
            DistSpec::Gamma {
                mean: Some(secs(50)),
                cv: Some(0.5),
                shape: None,
                scale: None,
            },
            DistSpec::Gamma {
                mean: None,
                cv: None,
                shape: Some(2.0),
                scale: Some(secs(10)),
            },
            DistSpec::Weibull {
                scale: secs(90),
                shape: 0.8,
            },
            DistSpec::Empirical(vec![(secs(10), 1.0), (secs(40), 3.0)]),
            DistSpec::Deterministic(secs(30)),
        ];
        for spec in specs {
            let d = sampled(spec.clone());
            let want = d.mean_secs();
            let got = sample_mean(&d, 200_000);
            // cv <= 1.3 for all of these, so 200k samples put the mean within 1%.
            assert!(
                (got - want).abs() / want < 0.01,
                "{spec:?}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn impossible_parameters_are_refused() {
        let bad = [
            DistSpec::Exponential(Duration(0)),
            DistSpec::Lognormal {
                mean: Duration(1_000_000),
                cv: -1.0,
            },
            DistSpec::Weibull {
                scale: Duration(1_000_000),
                shape: 0.0,
            },
            DistSpec::Empirical(vec![]),
            DistSpec::Empirical(vec![(Duration(1), -1.0)]),
            DistSpec::Gamma {
                mean: Some(Duration(1)),
                cv: None,
                shape: Some(1.0),
                scale: None,
            },
        ];
        for spec in bad {
            assert!(Checked::from_spec(&spec).is_err(), "{spec:?}");
        }
    }
}
