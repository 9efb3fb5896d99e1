//! Costs of a run: agent-hours on shift by group at the profile's hourly
//! rates, the bot per conversation it takes and per month, per run of the
//! horizon, per day and per conversation; and, over sweep points, the
//! cheapest passing point and the cost/loss frontier.

use crate::metrics::Aggregate;
use crate::profile::Scenario;
use crate::time::{DAY, HOUR};
use serde::{Deserialize, Serialize};

/// What a run cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostReport {
    /// Currency label.
    pub currency: String,
    /// Agent cost per run of the horizon (after the warm-up).
    pub agents: f64,
    /// Agent-hours on shift per run, standby included.
    pub agent_hours: f64,
    /// Bot cost per run: per conversation it took, plus the monthly fee pro rata.
    pub bot: f64,
    /// Agents plus bot, per run.
    pub total: f64,
    /// Per day.
    pub per_day: f64,
    /// Per conversation that reached the desk.
    pub per_conversation: Option<f64>,
}

/// The cost of merged replications, or `None` without `[costs]`.
pub fn report(sc: &Scenario, agg: &Aggregate) -> Option<CostReport> {
    let c = sc.costs.as_ref()?;
    let reps = f64::from(agg.replications.max(1));
    let mut agents = 0.0;
    let mut hours = 0.0;
    for (g, part) in agg.breakdowns.group.iter().enumerate() {
        let h = part.tally.staffed_area as f64 / HOUR as f64 / reps;
        hours += h;
        agents += h * c.agent_hour[g];
    }
    let span_days = (sc.horizon - sc.warmup) as f64 / DAY as f64;
    let t = &agg.total;
    let bot_conversations = (t.counts.bot_resolved + t.counts.handed_off) as f64 / reps;
    let bot = if sc.bot.is_some() {
        bot_conversations * c.bot_per_conversation + c.bot_per_month * span_days / 30.0
    } else {
        0.0
    };
    let total = agents + bot;
    let arrived = t.counts.arrived as f64 / reps;
    Some(CostReport {
        currency: c.currency.clone(),
        agents,
        agent_hours: hours,
        bot,
        total,
        per_day: if span_days > 0.0 {
            total / span_days
        } else {
            total
        },
        per_conversation: (arrived > 0.0).then(|| total / arrived),
    })
}

/// Indices of the points no other point beats on both cost and loss
/// (lower is better on each), in input order.
pub fn frontier(points: &[(f64, f64)]) -> Vec<usize> {
    (0..points.len())
        .filter(|&i| {
            let (ci, li) = points[i];
            !points
                .iter()
                .enumerate()
                .any(|(j, &(cj, lj))| j != i && cj <= ci && lj <= li && (cj < ci || lj < li))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_frontier_keeps_only_undominated_points() {
        let pts = [
            (10.0, 5.0),
            (8.0, 6.0),
            (12.0, 4.0),
            (11.0, 6.0),
            (8.0, 6.0),
        ];
        // (11, 6) is beaten by (10, 5); the two (8, 6) tie and both stay.
        assert_eq!(super::frontier(&pts), vec![0, 1, 2, 4]);
    }
}
