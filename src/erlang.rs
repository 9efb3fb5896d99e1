//! Analytic answers for one pool of identical agents: Erlang C (M/M/c,
//! nobody gives up) and Erlang A (M/M/c+M, exponential patience; Palm 1943,
//! Garnett, Mandelbaum and Reiman 2002).
//!
//! Both come from the birth-death chain of the number in system, computed
//! with ratios (Erlang B recursion, then the queue's term ratios), never with
//! factorials or powers, so they stay exact to rounding for thousands of
//! agents. "Answered within T" for Erlang A follows a waiting shopper through
//! the queue: from position k it moves up at rate c*mu + (k-1)*theta (an agent
//! frees, or someone ahead gives up) and leaves at rate theta; the chance to
//! reach an agent by T is computed for all positions at once by
//! uniformization.
//!
//! What a planner asks of these answers (the fewest agents for a target and
//! an occupancy cap, shrinkage, the table around the answer) is in
//! `erlang/requirement.rs`.

use crate::stats::ln_gamma;

mod requirement;
pub use requirement::{Goal, Row, fewest_agents, rostered, rostered_fte, table};

/// The pool and its load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pool {
    /// Arrival rate, per second.
    pub arrival_rate: f64,
    /// Mean handle time, seconds.
    pub mean_handle: f64,
    /// Mean patience, seconds (`None`: nobody gives up, Erlang C).
    pub mean_patience: Option<f64>,
    /// Agents.
    pub agents: u32,
}

/// Why there is no analytic answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErlangError {
    /// Without abandonment, the load reaches or exceeds the agents.
    #[error(
        "the load of {load:.2} erlangs needs more than {agents} agents without abandonment (Erlang C has no steady state)"
    )]
    Unstable {
        /// Offered load, erlangs.
        load: f64,
        /// Agents.
        agents: u32,
    },
    /// A parameter is not positive and finite.
    #[error("{0} must be a positive number")]
    Parameter(&'static str),
}

/// Steady-state measures of a pool.
#[derive(Debug, Clone)]
pub struct Measures {
    pool: Pool,
    /// Share of arrivals who wait (find every agent busy).
    pub wait_prob: f64,
    /// Share of arrivals who give up.
    pub abandon_prob: f64,
    /// Mean time in queue over all arrivals (to service or abandonment), seconds.
    pub mean_wait: f64,
    /// Mean number waiting.
    pub mean_queue: f64,
    /// Busy agents over agents.
    pub occupancy: f64,
    /// Probability that an arrival finds `c + j` in system, for j = 0, 1, ...
    queue_dist: Vec<f64>,
}

fn positive(x: f64, what: &'static str) -> Result<f64, ErlangError> {
    if x.is_finite() && x > 0.0 {
        Ok(x)
    } else {
        Err(ErlangError::Parameter(what))
    }
}

/// Erlang B blocking probability for `c` agents and load `a`, by recursion.
pub fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, n| a * b / (n as f64 + a * b))
}

impl Pool {
    /// Solves the pool (Erlang C when `mean_patience` is `None`, else Erlang A).
    pub fn solve(&self) -> Result<Measures, ErlangError> {
        let lambda = positive(self.arrival_rate, "the arrival rate")?;
        let mu = 1.0 / positive(self.mean_handle, "the mean handle time")?;
        let theta = match self.mean_patience {
            None => 0.0,
            Some(p) => 1.0 / positive(p, "the mean patience")?,
        };
        let c = self.agents;
        let a = lambda / mu;
        let cmu = c as f64 * mu;
        if theta == 0.0 && a >= c as f64 {
            return Err(ErlangError::Unstable { load: a, agents: c });
        }
        // Queue terms r_j = p_{c+j} / p_c, divided by SCALE^scaled: far
        // beyond capacity (a handful of agents for a crowd) they pass f64's
        // range before they turn down, so they are rescaled on the way.
        const SCALE: f64 = 1e200;
        let mut scaled = 0;
        let mut r = vec![1.0];
        let (mut sum, mut jsum) = (1.0, 0.0);
        if theta == 0.0 {
            // Geometric terms: closed forms (the waiting-time law is closed
            // too, so the terms themselves are not kept).
            let rho = a / c as f64;
            sum = 1.0 / (1.0 - rho);
            jsum = rho / ((1.0 - rho) * (1.0 - rho));
        } else {
            let mut j = 1.0;
            loop {
                let mut next = r.last().unwrap() * lambda / (cmu + j * theta);
                if next > SCALE {
                    r.iter_mut().for_each(|x| *x /= SCALE);
                    (sum, jsum, next) = (sum / SCALE, jsum / SCALE, next / SCALE);
                    scaled += 1;
                }
                r.push(next);
                sum += next;
                jsum += j * next;
                // Past the mode the terms fall faster than geometrically.
                if next < 1e-16 * sum && lambda < cmu + j * theta {
                    break;
                }
                j += 1.0;
            }
        }
        let b = if c == 0 { 1.0 } else { erlang_b(c, a) };
        // sum_{n<c} p_n = p_c (1/B - 1); sum_{n>=c} p_n = p_c * sum.
        let pc = 1.0 / ((1.0 / b - 1.0) * SCALE.powi(-scaled) + sum);
        let mean_queue = pc * jsum;
        let abandon_prob = theta * mean_queue / lambda;
        let served_load = a * (1.0 - abandon_prob);
        Ok(Measures {
            pool: *self,
            wait_prob: pc * sum,
            abandon_prob,
            mean_wait: mean_queue / lambda,
            mean_queue,
            occupancy: if c == 0 { 0.0 } else { served_load / c as f64 },
            queue_dist: r.into_iter().map(|x| x * pc).collect(),
        })
    }
}

impl Measures {
    /// The pool these measures describe.
    pub fn pool(&self) -> Pool {
        self.pool
    }

    /// Share of ALL arrivals answered within `t` seconds (abandoners miss).
    pub fn answered_within(&self, t: f64) -> f64 {
        let immediate = 1.0 - self.wait_prob;
        let p = self.pool;
        let cmu = p.agents as f64 / p.mean_handle;
        match p.mean_patience {
            None => {
                let lambda = p.arrival_rate;
                1.0 - self.wait_prob * (-(cmu - lambda) * t).exp()
            }
            Some(patience) => immediate + self.waiting_answered_within(cmu, 1.0 / patience, t),
        }
    }

    /// Share of answered shoppers answered within `t` seconds.
    pub fn answered_share_within(&self, t: f64) -> f64 {
        self.answered_within(t) / (1.0 - self.abandon_prob)
    }

    /// Mass of arrivals who wait and still reach an agent within `t`.
    fn waiting_answered_within(&self, cmu: f64, theta: f64, t: f64) -> f64 {
        // State k >= 1: position in queue (k = j + 1 for an arrival that
        // finds c + j in system). Uniformize at the fastest total rate.
        let mut v: Vec<f64> = self.queue_dist.clone();
        let k_max = v.len();
        let big = cmu + k_max as f64 * theta;
        let x = big * t;
        if t <= 0.0 || cmu == 0.0 {
            return 0.0;
        }
        let mut answered = 0.0;
        let n_max = (x + 10.0 * x.sqrt() + 30.0).ceil() as usize;
        let mut tail = 1.0; // P(Poisson(x) >= n)
        for n in 0..=n_max {
            let w =
                (-x + n as f64 * x.max(f64::MIN_POSITIVE).ln() - ln_gamma(n as f64 + 1.0)).exp();
            // P(reached an agent by step n) weighted by P(N = n); summing
            // served mass times the tail is the same and needs one pass.
            tail -= w;
            if n > 0 {
                // One uniformized step: position k moves to k-1 with rate
                // cmu + (k-1)theta; from position 1 that move is service.
                let mut gained = 0.0;
                for k in 0..k_max {
                    let up = (cmu + k as f64 * theta) / big;
                    let out = (cmu + (k as f64 + 1.0) * theta) / big;
                    let moved = v[k] * up;
                    if k == 0 {
                        gained = moved;
                    } else {
                        v[k - 1] += moved;
                    }
                    v[k] -= v[k] * out;
                }
                // Mass served exactly at step n counts if N(t) >= n.
                answered += gained * (tail + w);
            }
            if tail < 1e-15 && n as f64 > x {
                break;
            }
        }
        answered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crowd_for_one_agent_does_not_overflow() {
        // Terms like (lambda/theta)^j / j! pass 1e308 long before they fall.
        let m = Pool {
            arrival_rate: 10.0,
            mean_handle: 900.0,
            mean_patience: Some(3600.0),
            agents: 1,
        }
        .solve()
        .unwrap();
        assert!(
            m.wait_prob > 0.999 && m.wait_prob <= 1.0 + 1e-12,
            "{}",
            m.wait_prob
        );
        assert!(
            (m.abandon_prob - (1.0 - 1.0 / 900.0 / 10.0)).abs() < 1e-3,
            "{}",
            m.abandon_prob
        );
        assert!(m.mean_queue.is_finite());
    }

    fn pool(lambda: f64, handle: f64, patience: Option<f64>, c: u32) -> Measures {
        Pool {
            arrival_rate: lambda,
            mean_handle: handle,
            mean_patience: patience,
            agents: c,
        }
        .solve()
        .unwrap()
    }

    #[test]
    fn mm1_matches_textbook_formulas() {
        // M/M/1, rho = 0.8: P(wait) = 0.8, Wq = rho/(mu - lambda) = 4 s.
        let m = pool(0.8, 1.0, None, 1);
        assert!((m.wait_prob - 0.8).abs() < 1e-12);
        assert!((m.mean_wait - 4.0).abs() < 1e-9);
        assert!((m.answered_within(2.0) - (1.0 - 0.8 * (-0.2f64 * 2.0).exp())).abs() < 1e-12);
    }

    #[test]
    fn erlang_c_known_value() {
        // 10 agents, load 8 erlangs: C = 0.409 (standard tables).
        let m = pool(8.0, 1.0, None, 10);
        assert!((m.wait_prob - 0.40918).abs() < 5e-5, "{}", m.wait_prob);
        assert!((m.occupancy - 0.8).abs() < 1e-12);
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_as_patience_grows() {
        let c = pool(8.0, 1.0, None, 10);
        let a = pool(8.0, 1.0, Some(1e7), 10);
        assert!((a.wait_prob - c.wait_prob).abs() < 1e-5);
        assert!((a.mean_wait - c.mean_wait).abs() / c.mean_wait < 1e-4);
        assert!((a.answered_within(1.0) - c.answered_within(1.0)).abs() < 1e-4);
    }

    #[test]
    fn erlang_a_with_patience_equal_to_handle_is_m_m_infinity() {
        // theta = mu: the number in system is Poisson(a) whatever c is.
        let m = pool(5.0, 1.0, Some(1.0), 3);
        let p = |n: u32| {
            (-5.0f64).exp() * 5f64.powi(n as i32) / (1..=n).map(f64::from).product::<f64>()
        };
        let below: f64 = (0..3).map(p).sum();
        assert!((m.wait_prob - (1.0 - below)).abs() < 1e-12);
        // E[Q] = sum (n-3)^+ p_n; P(ab) = E[Q]/lambda (theta = 1).
        let eq: f64 = (4..200).map(|n| (n - 3) as f64 * p(n)).sum();
        assert!((m.abandon_prob - eq / 5.0).abs() < 1e-12);
    }

    #[test]
    fn answered_within_rises_to_the_served_share() {
        let m = pool(2.0, 120.0, Some(60.0), 235);
        let mut last = 1.0 - m.wait_prob;
        for t in [1.0, 10.0, 30.0, 60.0, 180.0, 600.0] {
            let w = m.answered_within(t);
            assert!(w >= last - 1e-12, "t={t}");
            last = w;
        }
        assert!((m.answered_within(5000.0) - (1.0 - m.abandon_prob)).abs() < 1e-9);
    }

    #[test]
    fn thousands_of_agents_stay_finite() {
        let m = pool(100.0, 60.0, Some(300.0), 6000);
        assert!(m.wait_prob.is_finite() && m.wait_prob > 0.0 && m.wait_prob < 1.0);
        let c = pool(100.0, 60.0, None, 6100);
        assert!(c.wait_prob.is_finite() && c.wait_prob < 1.0);
    }
}
