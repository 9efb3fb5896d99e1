//! What the summary says about satisfaction, lost orders and the SLA: the
//! band shares and the orders and revenue lost against an instant-answer
//! desk, the seeds' KPI scorecard, and each rule's verdict.

use super::bands::BandsOn;
use super::eval::{RuleResult, Verdict, band_outcome, outcome, verdicts};
use crate::metrics::Aggregate;
use crate::profile::Scenario;
use crate::time::{SECOND, to_secs};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// One band's share of the shoppers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandShare {
    /// Band name.
    pub name: String,
    /// Upper limit, seconds (`null` for the last band).
    pub upto_s: Option<f64>,
    /// Conversion factor.
    pub conversion: f64,
    /// Share of arrivals in the band.
    pub share: f64,
}

/// Satisfaction and the orders lost to slow answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandReport {
    /// `first_response` or `mean_response`.
    pub on: String,
    /// Band by band.
    pub bands: Vec<BandShare>,
    /// Predicted satisfaction: share of arrivals in satisfied bands.
    pub satisfaction: f64,
    /// Expected orders per run of the horizon (mean over replications).
    pub orders: f64,
    /// Orders of an instant-answer desk.
    pub instant_orders: f64,
    /// Orders lost to slow answers and abandonment.
    pub orders_lost: f64,
    /// Revenue expected.
    pub revenue: f64,
    /// Revenue lost against the instant-answer desk.
    pub revenue_lost: f64,
    /// Share of the instant-answer desk's orders lost.
    pub loss_share: f64,
}

/// The seeds' KPI scorecard (seed 002: weights 30/20/20/15/15).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// Each KPI's score out of 100 and weight.
    pub kpis: IndexMap<String, [f64; 2]>,
    /// The weighted score out of 100.
    pub score: f64,
}

/// The band report of merged replications.
pub fn bands(sc: &Scenario, agg: &Aggregate) -> BandReport {
    let h = &agg.histograms;
    let o = band_outcome(
        sc,
        &sc.bands,
        &agg.total,
        &agg.breakdowns,
        &h.first_response,
        &h.conversation_response,
        None,
    );
    // Orders and revenue per run of the horizon (mean over replications).
    let per = f64::from(agg.replications.max(1));
    BandReport {
        on: if sc.bands.on == BandsOn::FirstResponse {
            "first_response"
        } else {
            "mean_response"
        }
        .into(),
        bands: sc
            .bands
            .levels
            .iter()
            .zip(&o.shares)
            .map(|(b, s)| BandShare {
                name: b.name.clone(),
                upto_s: b.upto.map(to_secs),
                conversion: b.conversion,
                share: *s,
            })
            .collect(),
        satisfaction: o.satisfaction,
        orders: o.orders / per,
        instant_orders: o.instant_orders / per,
        orders_lost: o.orders_lost() / per,
        revenue: o.revenue / per,
        revenue_lost: (o.instant_revenue - o.revenue) / per,
        loss_share: o.loss_share(),
    }
}

/// Scores: mean response and first response against 30 s, the 3-minute
/// response rate, conversion against the instant-answer desk, satisfaction;
/// each 0-100, weighted by the profile's `[kpi]` (default 30/20/20/15/15).
pub fn scorecard(sc: &Scenario, agg: &Aggregate, bands: &BandReport) -> Scorecard {
    let h = &agg.histograms;
    let against_30s = |mean_us: f64| {
        if mean_us > 0.0 {
            (30.0 * SECOND as f64 / mean_us).min(1.0) * 100.0
        } else {
            100.0
        }
    };
    let within_3m = if agg.total.counts.arrived > 0 {
        h.first_response.count_between(0, 180 * SECOND) as f64 / agg.total.counts.arrived as f64
    } else {
        0.0
    };
    let scores = [
        against_30s(h.conversation_response.mean()),
        against_30s(h.first_response.mean()),
        within_3m * 100.0,
        if bands.instant_orders > 0.0 {
            bands.orders / bands.instant_orders * 100.0
        } else {
            100.0
        },
        bands.satisfaction * 100.0,
    ];
    let kpis: IndexMap<String, [f64; 2]> = crate::profile::KPIS
        .iter()
        .zip(scores)
        .zip(sc.kpi_weights)
        .map(|((n, s), w)| (n.to_string(), [s, w]))
        .collect();
    let score = kpis.values().map(|[s, w]| s * w).sum();
    Scorecard { kpis, score }
}

/// Verdicts and the overall outcome of merged replications.
pub fn sla(rules: &[super::Rule], agg: &Aggregate, confidence: f64) -> (Vec<RuleResult>, Verdict) {
    let values: Vec<Vec<f64>> = agg.rule_values.iter().map(|(_, v)| v.clone()).collect();
    let results = verdicts(rules, &values, confidence);
    let out = outcome(&results);
    (results, out)
}
