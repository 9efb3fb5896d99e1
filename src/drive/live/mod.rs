//! Live metrics for Prometheus: `drive --metrics-listen ADDR` and `serve
//! --metrics-listen ADDR` serve `GET /metrics` in the OpenMetrics text
//! format (the `prometheus-client` crate) while they run. The families,
//! their names, units, labels and meanings come from
//! `metrics::live`; `shoppers` counts a drive's shoppers, `desk` a served
//! desk's conversations.
//!
//! The label set is bounded: a shopper's segment, question and channel by
//! the profile's names (every combination registered at the start, so
//! every series exists from the first scrape), fixed words (`by`, `left`,
//! an error's `kind`) and the profile's agent groups; never a
//! conversation's id.
//!
//! The hot path stays cheap: every series a shopper touches is a handle
//! looked up by index (an atomic add), and the collector, on one thread,
//! does most of the counting.

pub mod desk;
pub mod shoppers;

use super::adapter::DriveError;
use crate::metrics::live::LiveDef;
use crate::profile::Scenario;
use crate::time::{SimTime, to_secs};
use axum::http::header::CONTENT_TYPE as CONTENT_TYPE_HEADER;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Metric, Registry, Unit};
use std::net::SocketAddr;
use std::sync::Arc;

/// The content type of the OpenMetrics text format.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A label set: label names and values.
pub type Labels = Vec<(&'static str, String)>;

/// Registers `metric` as the family `d` describes.
pub(crate) fn register(reg: &mut Registry, d: &LiveDef, metric: impl Metric) {
    match d.unit {
        Some("seconds") => reg.register_with_unit(d.base(), d.help, Unit::Seconds, metric),
        Some(other) => reg.register_with_unit(d.base(), d.help, Unit::Other(other.into()), metric),
        None => reg.register(d.name, d.help, metric),
    }
}

/// Sorted, deduplicated, positive upper bounds.
fn tidy(mut b: Vec<f64>) -> Vec<f64> {
    b.retain(|x| x.is_finite() && *x > 0.0);
    b.sort_by(f64::total_cmp);
    b.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    b
}

/// Buckets for a response time, scenario seconds: a ladder from half a
/// second to an hour, plus the profile's answered-within thresholds and
/// the upper edges of its satisfaction bands, so that the share within
/// each is exact.
pub fn response_buckets(sc: &Scenario) -> Vec<f64> {
    let mut b = vec![
        0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0, 600.0,
        1200.0, 1800.0, 3600.0,
    ];
    b.extend(sc.answered_within.iter().map(|t| to_secs(*t)));
    b.extend(sc.bands.levels.iter().filter_map(|l| l.upto).map(to_secs));
    tidy(b)
}

/// Buckets for the runner's lateness, wall seconds: half a millisecond to
/// five seconds, plus `--max-lateness`.
pub fn lateness_buckets(max_lateness: SimTime) -> Vec<f64> {
    let mut b = vec![
        0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
    ];
    b.push(to_secs(max_lateness));
    tidy(b)
}

/// A histogram with these buckets.
pub fn histogram(buckets: &[f64]) -> Histogram {
    Histogram::new(buckets.iter().copied())
}

/// A bound listening socket for `/metrics`, not serving yet.
pub struct Endpoint {
    listener: std::net::TcpListener,
    /// The address it listens on.
    pub addr: SocketAddr,
}

impl Endpoint {
    /// Binds `at` (`IP:PORT`; port 0: any free port).
    pub fn bind(at: &str) -> Result<Endpoint, DriveError> {
        let refused = |source| DriveError::Listen {
            what: "for metrics ",
            at: at.into(),
            source,
        };
        let listener = std::net::TcpListener::bind(at).map_err(refused)?;
        listener.set_nonblocking(true).map_err(refused)?;
        let addr = listener.local_addr().map_err(refused)?;
        Ok(Endpoint { listener, addr })
    }

    /// Serves `registry` at `/metrics` on `rt` until the runtime stops.
    pub fn serve(self, rt: &tokio::runtime::Handle, registry: Registry) -> Result<(), DriveError> {
        let _inside = rt.enter();
        let at = self.addr.to_string();
        let listener = tokio::net::TcpListener::from_std(self.listener).map_err(|source| {
            DriveError::Listen {
                what: "for metrics ",
                at,
                source,
            }
        })?;
        let app = axum::Router::new()
            .route("/metrics", axum::routing::get(scrape))
            .with_state(Arc::new(registry));
        rt.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(())
    }
}

/// `GET /metrics`: every family, OpenMetrics text.
async fn scrape(
    axum::extract::State(reg): axum::extract::State<Arc<Registry>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut text = String::new();
    match prometheus_client::encoding::text::encode(&mut text, &reg) {
        Ok(()) => ([(CONTENT_TYPE_HEADER, CONTENT_TYPE)], text).into_response(),
        Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_sorted_and_hold_the_thresholds() {
        let b = lateness_buckets(50_000);
        assert!(b.windows(2).all(|w| w[0] < w[1]));
        assert!(b.contains(&0.05) && b.contains(&0.005));
        let b = tidy(vec![30.0, 10.0, 30.0, -1.0, f64::INFINITY]);
        assert_eq!(b, vec![10.0, 30.0]);
    }

    #[test]
    fn a_port_in_use_is_one_clear_error() {
        let first = Endpoint::bind("127.0.0.1:0").unwrap();
        let at = first.addr.to_string();
        let e = Endpoint::bind(&at).err().expect("the port is taken");
        let text = e.to_string();
        assert!(
            text.starts_with(&format!("cannot listen for metrics on {at}: ")),
            "{text}"
        );
        let e = Endpoint::bind("nowhere").err().expect("not an address");
        assert!(
            e.to_string()
                .contains("cannot listen for metrics on nowhere")
        );
    }
}
