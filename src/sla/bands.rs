//! Satisfaction bands: a response-time histogram becomes predicted
//! satisfaction, expected orders, and the orders and revenue lost against a
//! desk that answers at once. Bands are data (the seeds' defaults, replaced
//! by a profile's `[bands]`), never constants in the arithmetic.

use crate::profile::checks::{Invalid, invalid};
use crate::profile::raw::RawBands;
use crate::time::{SECOND, SimTime};
use hdrhistogram::{Counter, Histogram};
use serde::{Deserialize, Serialize};

/// Which response time the bands apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandsOn {
    /// The first response.
    FirstResponse,
    /// The conversation's mean response.
    MeanResponse,
}

/// One band.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Upper end (inclusive); `None` for the last band.
    pub upto: Option<SimTime>,
    /// Name.
    pub name: String,
    /// Factor on the base conversion rate.
    pub conversion: f64,
    /// Whether a shopper in this band counts as satisfied.
    pub satisfied: bool,
}

/// Validated bands.
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    /// What they apply to.
    pub on: BandsOn,
    /// The bands, by increasing response time.
    pub levels: Vec<Band>,
}

impl Default for Bands {
    /// The seeds' bands (DOMAIN.md, seed 002): 0-10 s delighted (conversion
    /// x1.5), 11-30 s satisfied (x1.0), 31-60 s anxious (x0.75), over 60 s
    /// churned (60% churn: x0.4). Delighted and satisfied count as satisfied.
    fn default() -> Bands {
        let band = |upto: Option<u64>, name: &str, conversion: f64, satisfied: bool| Band {
            upto: upto.map(|s| s * SECOND),
            name: name.into(),
            conversion,
            satisfied,
        };
        Bands {
            on: BandsOn::FirstResponse,
            levels: vec![
                band(Some(10), "delighted", 1.5, true),
                band(Some(30), "satisfied", 1.0, true),
                band(Some(60), "anxious", 0.75, false),
                band(None, "churned", 0.4, false),
            ],
        }
    }
}

/// Checks `[bands]`: increasing limits, only the last open-ended.
pub fn validate(raw: &RawBands) -> Result<Bands, Invalid> {
    let on = match raw.on.as_deref() {
        None | Some("first_response") => BandsOn::FirstResponse,
        Some("mean_response") => BandsOn::MeanResponse,
        Some(o) => {
            return Err(invalid(
                "bands.on",
                format!("'{o}' is not a response time (expected first_response or mean_response)"),
            ));
        }
    };
    if raw.levels.is_empty() {
        return Err(invalid(
            "bands.levels",
            "is empty (expected bands ending with one without `upto`)",
        ));
    }
    let last = raw.levels.len() - 1;
    let mut levels = Vec::new();
    for (i, b) in raw.levels.iter().enumerate() {
        let key = |k: &str| format!("bands.levels[{i}].{k}");
        match (b.upto, i == last) {
            (Some(u), true) => {
                return Err(invalid(
                    key("upto"),
                    format!(
                        "{u} leaves responses above it in no band (the last band has no `upto`)"
                    ),
                ));
            }
            (None, false) => {
                return Err(invalid(
                    key("upto"),
                    "is missing (only the last band is open-ended; bands must not leave gaps)",
                ));
            }
            _ => {}
        }
        if let (Some(u), Some(prev)) = (b.upto, levels.last().and_then(|p: &Band| p.upto))
            && u.0 <= prev
        {
            return Err(invalid(
                key("upto"),
                format!("{u} overlaps the band before it (limits must increase)"),
            ));
        }
        if !(b.conversion.is_finite() && b.conversion >= 0.0) {
            return Err(invalid(
                key("conversion"),
                format!("{} is not a conversion factor >= 0", b.conversion),
            ));
        }
        levels.push(Band {
            upto: b.upto.map(|d| d.0),
            name: b.name.clone(),
            conversion: b.conversion,
            satisfied: false,
        });
    }
    let satisfied = raw.satisfied.clone().unwrap_or_else(|| {
        levels
            .iter()
            .filter(|b| b.conversion >= 1.0)
            .map(|b| b.name.clone())
            .collect()
    });
    for (j, name) in satisfied.iter().enumerate() {
        let band = levels.iter_mut().find(|b| &b.name == name).ok_or_else(|| {
            invalid(
                format!("bands.satisfied[{j}]"),
                format!("'{name}' is not a band"),
            )
        })?;
        band.satisfied = true;
    }
    Ok(Bands { on, levels })
}

/// What the bands make of one population of shoppers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BandOutcome {
    /// Shoppers counted.
    pub shoppers: f64,
    /// Share of shoppers in each band (abandoned ones in none).
    pub shares: Vec<f64>,
    /// Share of shoppers satisfied (abandoned ones are not).
    pub satisfaction: f64,
    /// Expected orders.
    pub orders: f64,
    /// Orders if every shopper were answered at once.
    pub instant_orders: f64,
    /// Revenue of the expected orders.
    pub revenue: f64,
    /// Revenue if every shopper were answered at once.
    pub instant_revenue: f64,
}

impl BandOutcome {
    /// Adds another population.
    pub fn add(&mut self, o: &BandOutcome) {
        let n = self.shoppers + o.shoppers;
        if self.shares.len() < o.shares.len() {
            self.shares.resize(o.shares.len(), 0.0);
        }
        for (a, b) in self.shares.iter_mut().zip(&o.shares) {
            *a = if n > 0.0 {
                (*a * self.shoppers + b * o.shoppers) / n
            } else {
                0.0
            };
        }
        self.satisfaction = if n > 0.0 {
            (self.satisfaction * self.shoppers + o.satisfaction * o.shoppers) / n
        } else {
            0.0
        };
        self.shoppers = n;
        self.orders += o.orders;
        self.instant_orders += o.instant_orders;
        self.revenue += o.revenue;
        self.instant_revenue += o.instant_revenue;
    }

    /// Orders lost against an instant-answer desk.
    pub fn orders_lost(&self) -> f64 {
        self.instant_orders - self.orders
    }

    /// Share of the instant-answer desk's orders that were lost.
    pub fn loss_share(&self) -> f64 {
        if self.instant_orders > 0.0 {
            self.orders_lost() / self.instant_orders
        } else {
            0.0
        }
    }
}

impl Bands {
    /// The band holding a response time.
    pub fn band_of(&self, t: SimTime) -> usize {
        self.levels
            .iter()
            .position(|b| b.upto.is_none_or(|u| t <= u))
            .unwrap_or(self.levels.len() - 1)
    }

    /// Applies the bands to `shoppers` arrivals of a segment with base
    /// `conversion` and `order_value`, of whom `responses` is the histogram
    /// of response times of those who stayed (so `shoppers - responses.len()`
    /// left or were never answered and buy nothing).
    pub fn outcome<C: Counter>(
        &self,
        shoppers: u64,
        responses: &Histogram<C>,
        kept: f64,
        conversion: f64,
        order_value: f64,
    ) -> BandOutcome {
        let n = shoppers as f64;
        let mut counts = vec![0.0; self.levels.len()];
        for v in responses.iter_recorded() {
            counts[self.band_of(v.value_iterated_to())] += v.count_at_value().as_f64() * kept;
        }
        let shares: Vec<f64> = counts
            .iter()
            .map(|c| if n > 0.0 { c / n } else { 0.0 })
            .collect();
        let factor: f64 = shares
            .iter()
            .zip(&self.levels)
            .map(|(s, b)| s * b.conversion)
            .sum();
        let orders = n * conversion * factor;
        let instant_orders = n * conversion * self.levels[0].conversion;
        BandOutcome {
            shoppers: n,
            satisfaction: shares
                .iter()
                .zip(&self.levels)
                .filter(|(_, b)| b.satisfied)
                .map(|(s, _)| s)
                .sum(),
            shares,
            orders,
            instant_orders,
            revenue: orders * order_value,
            instant_revenue: instant_orders * order_value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::hist;

    #[test]
    fn band_arithmetic_on_a_hand_computed_example() {
        // 100 shoppers of a segment converting at 10%, orders of 200:
        // 40 answered in 5 s (delighted x1.5), 30 in 20 s (x1.0), 10 in 45 s
        // (x0.75), 10 in 90 s (x0.4), 10 gave up (x0).
        let mut h = hist::run_histogram();
        for (secs, n) in [(5, 40), (20, 30), (45, 10), (90, 10)] {
            h.record_n(secs * SECOND, n).unwrap();
        }
        let o = Bands::default().outcome(100, &h, 1.0, 0.10, 200.0);
        assert_eq!(o.shares, vec![0.4, 0.3, 0.1, 0.1]);
        // Orders: 100 x 0.1 x (0.4x1.5 + 0.3x1 + 0.1x0.75 + 0.1x0.4) = 10 x 1.015.
        assert!((o.orders - 10.15).abs() < 1e-9, "{}", o.orders);
        // Instant answer: everyone delighted, 100 x 0.1 x 1.5 = 15 orders.
        assert!((o.instant_orders - 15.0).abs() < 1e-9);
        assert!((o.orders_lost() - 4.85).abs() < 1e-9);
        assert!((o.revenue - 2030.0).abs() < 1e-6 && (o.instant_revenue - 3000.0).abs() < 1e-6);
        assert!((o.satisfaction - 0.7).abs() < 1e-12);
    }

    #[test]
    fn bands_that_overlap_or_leave_gaps_are_refused() {
        let band = |upto: Option<&str>, name: &str| crate::profile::raw::RawBand {
            upto: upto.map(|u| crate::profile::units::Duration::parse(u).unwrap()),
            name: name.into(),
            conversion: 1.0,
        };
        let raw = |levels| RawBands {
            on: None,
            levels,
            satisfied: None,
        };
        let e = validate(&raw(vec![
            band(Some("30s"), "a"),
            band(Some("10s"), "b"),
            band(None, "c"),
        ]))
        .unwrap_err();
        assert!(e.1.contains("overlaps"), "{e:?}");
        let e = validate(&raw(vec![
            band(Some("30s"), "a"),
            band(None, "b"),
            band(None, "c"),
        ]))
        .unwrap_err();
        assert!(e.1.contains("must not leave gaps"), "{e:?}");
        let e = validate(&raw(vec![band(Some("30s"), "a"), band(Some("60s"), "b")])).unwrap_err();
        assert!(e.1.contains("in no band"), "{e:?}");
    }
}
