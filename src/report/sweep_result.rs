//! What a sweep writes with `--json` (and `merge` of sweep shards): every
//! point of the grid with its headline figures, the cost/loss frontier and
//! the cheapest passing point. `peakdesk report` reads it back to draw the
//! sweep's heat maps and frontier.

use crate::metrics::Summary;
use crate::sla::Verdict;
use serde::{Deserialize, Serialize};

/// The `schema` of a sweep result.
pub const SCHEMA: &str = "peakdesk.sweep/1";

/// One point of the grid and what it gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Point {
    /// The overrides that make the point, `path=value`.
    pub set: Vec<String>,
    /// Conversations that reached the desk (all replications).
    pub arrived: u64,
    /// Share of arrivals lost (the catalogue's `shoppers_lost`).
    pub shoppers_lost: Option<f64>,
    /// Mean wait to first response or abandonment, seconds.
    pub wait_mean_s: Option<f64>,
    /// First response percentiles, seconds.
    pub first_response_p50_s: Option<f64>,
    /// 90th percentile.
    pub first_response_p90_s: Option<f64>,
    /// 99th percentile.
    pub first_response_p99_s: Option<f64>,
    /// Human response p90, seconds (the catalogue's `human_response`).
    pub human_response_p90_s: Option<f64>,
    /// Share answered within each threshold.
    pub answered_within: indexmap::IndexMap<String, Option<f64>>,
    /// Share of the instant-answer desk's orders lost.
    pub orders_lost_share: f64,
    /// Revenue lost per day (the catalogue's `revenue_lost_per_day`).
    pub revenue_lost_per_day: Option<f64>,
    /// The SLA outcome (`null` without rules).
    pub sla: Option<Verdict>,
    /// Rules that failed.
    pub failed_rules: Vec<String>,
    /// Cost per day (`null` without `[costs]`).
    pub cost_per_day: Option<f64>,
    /// Cost per conversation.
    pub cost_per_conversation: Option<f64>,
    /// On the cost/loss frontier: no other point is cheaper and loses less.
    pub on_frontier: bool,
}

/// The sweep's JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepResult {
    /// Always [`SCHEMA`].
    #[serde(default)]
    pub schema: String,
    /// The profile's name.
    #[serde(default)]
    pub profile: String,
    /// The profile file.
    #[serde(default)]
    pub source: String,
    /// The seed every point ran with.
    #[serde(default)]
    pub seed: u64,
    /// Replications per point.
    #[serde(default)]
    pub replications: u32,
    /// The varied paths, slowest first, with their values in grid order.
    #[serde(default)]
    pub axes: Vec<Axis>,
    /// The points, in grid order (the first axis varies slowest).
    pub points: Vec<Point>,
    /// Index of the cheapest point whose SLA passes.
    pub cheapest_passing: Option<usize>,
    /// Indices of the cost/loss frontier.
    pub frontier: Vec<usize>,
    /// The profile's currency, for the cost columns.
    #[serde(default)]
    pub currency: Option<String>,
}

/// One varied path and its values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// The dotted path (`agents.staffing_multiplier` for `--scale-staff`).
    pub path: String,
    /// Its values, in grid order.
    pub values: Vec<String>,
}

impl SweepResult {
    /// The axes, from `axes` or, for a file without them, from the points'
    /// `path=value` overrides.
    pub fn grid_axes(&self) -> Vec<Axis> {
        if !self.axes.is_empty() {
            return self.axes.clone();
        }
        let mut axes: Vec<Axis> = Vec::new();
        for p in &self.points {
            for (i, kv) in p.set.iter().enumerate() {
                let (path, value) = kv.split_once('=').unwrap_or((kv, ""));
                if axes.len() <= i {
                    axes.push(Axis {
                        path: path.into(),
                        values: Vec::new(),
                    });
                }
                if !axes[i].values.iter().any(|v| v == value) {
                    axes[i].values.push(value.into());
                }
            }
        }
        axes
    }
}

impl SweepResult {
    /// The result of a sweep from every point's `--set` values and summary:
    /// each point's figures, the cost/loss frontier (cost per day against
    /// revenue lost per day) and the cheapest point that passes.
    pub fn of(points: &[Vec<String>], summaries: &[Summary], replications: u32) -> SweepResult {
        let mut rows: Vec<Point> = points
            .iter()
            .zip(summaries)
            .map(|(set, s)| point(set, s))
            .collect();
        let costed: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].cost_per_day.is_some())
            .collect();
        let pairs: Vec<(f64, f64)> = costed
            .iter()
            .map(|&i| {
                let r = &rows[i];
                (
                    r.cost_per_day.unwrap_or(0.0),
                    r.revenue_lost_per_day.unwrap_or(0.0),
                )
            })
            .collect();
        let frontier: Vec<usize> = crate::plan::costs::frontier(&pairs)
            .into_iter()
            .map(|k| costed[k])
            .collect();
        for &i in &frontier {
            rows[i].on_frontier = true;
        }
        let cost = |i: usize| rows[i].cost_per_day.unwrap_or(f64::MAX);
        let cheapest_passing = costed
            .iter()
            .copied()
            .filter(|&i| rows[i].sla == Some(Verdict::Pass))
            .min_by(|&i, &j| cost(i).total_cmp(&cost(j)));
        let first = summaries.first();
        let mut result = SweepResult {
            schema: SCHEMA.into(),
            profile: first.map_or(String::new(), |s| s.profile.clone()),
            source: first.map_or(String::new(), |s| s.source.clone()),
            seed: first.map_or(0, |s| s.seed),
            replications,
            axes: Vec::new(),
            points: rows,
            cheapest_passing,
            frontier,
            currency: first.and_then(|s| s.cost.as_ref().map(|c| c.currency.clone())),
        };
        result.axes = result.grid_axes();
        result
    }
}

/// One point's figures, from its summary's catalogue metrics.
fn point(set: &[String], s: &Summary) -> Point {
    let m = &s.metrics;
    Point {
        set: set.to_vec(),
        arrived: s.counts.arrived,
        shoppers_lost: m.shoppers_lost.value,
        wait_mean_s: m.wait_mean_s.value,
        first_response_p50_s: m.first_response_s.p50,
        first_response_p90_s: m.first_response_s.p90,
        first_response_p99_s: m.first_response_s.p99,
        human_response_p90_s: m.human_response_s.p90,
        answered_within: m
            .answered_within
            .iter()
            .map(|(k, e)| (k.clone(), e.value))
            .collect(),
        orders_lost_share: s.bands.loss_share,
        revenue_lost_per_day: m.revenue_lost_per_day.value,
        sla: s.sla_outcome,
        failed_rules: s
            .sla
            .iter()
            .filter(|r| r.verdict == Verdict::Fail)
            .map(|r| r.rule.name.clone())
            .collect(),
        cost_per_day: m.cost_per_day.value,
        cost_per_conversation: s.cost.as_ref().and_then(|c| c.per_conversation),
        on_frontier: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_come_from_the_points_when_not_written() {
        let point = |a: &str, b: &str| Point {
            set: vec![format!("x={a}"), format!("y={b}")],
            arrived: 0,
            shoppers_lost: None,
            human_response_p90_s: None,
            wait_mean_s: None,
            first_response_p50_s: None,
            first_response_p90_s: None,
            first_response_p99_s: None,
            answered_within: Default::default(),
            orders_lost_share: 0.0,
            revenue_lost_per_day: None,
            sla: None,
            failed_rules: vec![],
            cost_per_day: None,
            cost_per_conversation: None,
            on_frontier: false,
        };
        let r = SweepResult {
            schema: SCHEMA.into(),
            profile: String::new(),
            source: String::new(),
            seed: 0,
            replications: 1,
            axes: vec![],
            points: vec![
                point("1", "a"),
                point("1", "b"),
                point("2", "a"),
                point("2", "b"),
            ],
            cheapest_passing: None,
            frontier: vec![],
            currency: None,
        };
        let axes = r.grid_axes();
        assert_eq!(axes.len(), 2);
        assert_eq!(
            (axes[0].path.as_str(), axes[0].values.clone()),
            ("x", vec!["1".to_string(), "2".into()])
        );
        assert_eq!(axes[1].values, vec!["a", "b"]);
    }
}
