//! A drive's live metrics: shoppers due, opened, answered, abandoned and
//! resolved, conversations in flight, requests and errors by kind, the
//! first response and the runner's lateness (`metrics::live`'s `DRIVE_*`).
//!
//! The collector counts what its observations say ([`DriveMetrics::observe`],
//! on its one thread); a shopper's task holds an [`InFlight`] while its
//! conversation is open; requests and errors are copied from the drive's
//! request counters whenever the collector counts them. Every series is
//! registered at the start, one per segment, question and channel of the
//! profile, and found by index.

use super::{Labels, histogram, lateness_buckets, register, response_buckets};
use crate::demand::Shopper;
use crate::desk::Left;
use crate::drive::adapter::ErrorKind;
use crate::drive::obs::Obs;
use crate::drive::shopper::Told;
use crate::metrics::live as def;
use crate::profile::Scenario;
use crate::time::{SimTime, to_secs};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::{Family, MetricConstructor};
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// How a shopper left, as the `left` label says it.
const LEFT: [&str; 3] = ["before_answer", "waiting_for_human", "mid_conversation"];

fn left_index(l: Left) -> usize {
    match l {
        Left::BeforeAnswer => 0,
        Left::WaitingForHuman => 1,
        Left::MidConversation => 2,
    }
}

/// The handles of a drive's live metrics.
pub struct DriveMetrics {
    /// Questions and channels in the profile (to index a shopper's cell).
    dims: [usize; 2],
    due: Vec<Counter>,
    opened: Vec<Counter>,
    deflected: Vec<Counter>,
    resolved: Vec<Counter>,
    /// By who answered: bot, agent.
    answered: Vec<[Counter; 2]>,
    /// By [`LEFT`].
    abandoned: Vec<[Counter; 3]>,
    in_flight: Vec<Gauge>,
    first_response: Vec<Histogram>,
    lateness: Histogram,
    requests: Counter,
    errors: Vec<Counter>,
    finished: Gauge,
}

/// Every segment, question and channel of `sc`, as label sets, in cell
/// order.
fn cells(sc: &Scenario) -> Vec<Labels> {
    let mut out = Vec::new();
    for s in &sc.segments {
        for q in &sc.questions {
            for c in &sc.channels {
                out.push(vec![
                    ("segment", s.name.clone()),
                    ("question", q.name.clone()),
                    ("channel", c.name.clone()),
                ]);
            }
        }
    }
    out
}

/// Registers the family `d` and one series per label set in `sets`.
fn family<M, C>(reg: &mut Registry, d: &def::LiveDef, new: C, sets: &[Labels]) -> Vec<M>
where
    M: Clone + prometheus_client::encoding::EncodeMetric + prometheus_client::metrics::TypedMetric,
    M: Send + Sync + std::fmt::Debug + 'static,
    C: MetricConstructor<M> + Send + Sync + 'static,
{
    let f: Family<Labels, M, C> = Family::new_with_constructor(new);
    let handles = sets.iter().map(|l| f.get_or_create_owned(l)).collect();
    register(reg, d, f);
    handles
}

/// `cells` with one more label, each of `values`.
fn with(cells: &[Labels], name: &'static str, values: &[&str]) -> Vec<Labels> {
    let mut out = Vec::new();
    for c in cells {
        for v in values {
            let mut l = c.clone();
            l.push((name, (*v).to_string()));
            out.push(l);
        }
    }
    out
}

fn counters(reg: &mut Registry, d: &def::LiveDef, sets: &[Labels]) -> Vec<Counter> {
    family(reg, d, Counter::default, sets)
}

impl DriveMetrics {
    /// The metrics of a drive of `sc` (`max_lateness`: a lateness bucket),
    /// and the registry that exposes them.
    pub fn new(sc: &Scenario, max_lateness: SimTime) -> (DriveMetrics, Registry) {
        let mut reg = Registry::default();
        let cells = cells(sc);
        let r = &mut reg;
        let due = counters(r, &def::DRIVE_DUE, &cells);
        let opened = counters(r, &def::DRIVE_OPENED, &cells);
        let deflected = counters(r, &def::DRIVE_DEFLECTED, &cells);
        let answered = counters(
            r,
            &def::DRIVE_ANSWERED,
            &with(&cells, "by", &["bot", "agent"]),
        );
        let abandoned = counters(r, &def::DRIVE_ABANDONED, &with(&cells, "left", &LEFT));
        let resolved = counters(r, &def::DRIVE_RESOLVED, &cells);
        let in_flight = family(r, &def::DRIVE_IN_FLIGHT, Gauge::<i64>::default, &cells);
        let requests = counters(r, &def::DRIVE_REQUESTS, &[vec![]]).remove(0);
        let kinds: Vec<Labels> = ErrorKind::ALL
            .iter()
            .map(|k| vec![("kind", k.name().to_string())])
            .collect();
        let errors = counters(r, &def::DRIVE_ERRORS, &kinds);
        let b = response_buckets(sc);
        let first_response = family(r, &def::DRIVE_FIRST_RESPONSE, move || histogram(&b), &cells);
        let b = lateness_buckets(max_lateness);
        let lateness = family(r, &def::DRIVE_LATENESS, move || histogram(&b), &[vec![]]).remove(0);
        let finished = family(r, &def::DRIVE_FINISHED, Gauge::<i64>::default, &[vec![]]).remove(0);
        let pairs = |v: Vec<Counter>| -> Vec<[Counter; 2]> {
            v.chunks(2).map(|c| [c[0].clone(), c[1].clone()]).collect()
        };
        let triples = |v: Vec<Counter>| -> Vec<[Counter; 3]> {
            v.chunks(3)
                .map(|c| [c[0].clone(), c[1].clone(), c[2].clone()])
                .collect()
        };
        let m = DriveMetrics {
            dims: [sc.questions.len(), sc.channels.len()],
            due,
            opened,
            deflected,
            resolved,
            answered: pairs(answered),
            abandoned: triples(abandoned),
            in_flight,
            first_response,
            lateness,
            requests,
            errors,
            finished,
        };
        (m, reg)
    }

    /// The cell of a shopper's segment, question and channel.
    fn cell(&self, s: &Shopper) -> usize {
        let [nq, nc] = self.dims;
        (s.segment as usize * nq + s.question as usize) * nc + s.channel as usize
    }

    fn late(&self, micros: u64) {
        self.lateness.observe(micros as f64 / 1e6);
    }

    /// Counts what one observation of the collector says.
    pub(crate) fn observe(&self, o: &Obs) {
        match o {
            Obs::Opened(s, first, _, late) => {
                self.late(*late);
                let c = self.cell(s);
                self.opened[c].inc();
                if *first {
                    self.due[c].inc();
                }
            }
            Obs::Failed(s, late) | Obs::Unopened(s, late) => {
                self.late(*late);
                if s.attempt == 1 {
                    self.due[self.cell(s)].inc();
                }
            }
            Obs::Deflected(s, late) => {
                self.late(*late);
                let c = self.cell(s);
                self.due[c].inc();
                self.deflected[c].inc();
            }
            Obs::Sent(late, _) => self.late(*late),
            Obs::Told(t) => self.told(t),
            Obs::FirstReply { .. } | Obs::MessageReply { .. } | Obs::Cut(_) => {}
        }
    }

    fn told(&self, t: &Told) {
        match t {
            Told::FirstResponse(s, at, by_bot) => {
                let c = self.cell(s);
                self.answered[c][usize::from(!by_bot)].inc();
                self.first_response[c].observe(to_secs(at.saturating_sub(s.arrival)));
            }
            Told::Abandoned(s, _, left) => {
                self.abandoned[self.cell(s)][left_index(*left)].inc();
            }
            Told::Resolved(s, ..) => {
                self.resolved[self.cell(s)].inc();
            }
            _ => {}
        }
    }

    /// Brings requests and errors by kind (in [`ErrorKind::ALL`]'s order)
    /// up to these totals.
    pub(crate) fn requests_to(&self, requests: u64, errors: &[u64]) {
        let up = |c: &Counter, to: u64| {
            let now = c.get();
            if to > now {
                c.inc_by(to - now);
            }
        };
        up(&self.requests, requests);
        for (c, e) in self.errors.iter().zip(errors) {
            up(c, *e);
        }
    }

    /// A conversation of `s` is open until the guard drops.
    pub(crate) fn enter(&self, s: &Shopper) -> InFlight<'_> {
        let g = &self.in_flight[self.cell(s)];
        g.inc();
        InFlight(g)
    }

    /// The drive is over and its summary written: the counts are final.
    pub fn finish(&self) {
        self.finished.set(1);
    }
}

/// An open conversation, counted in flight until it drops.
pub struct InFlight<'a>(&'a Gauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrape(reg: &Registry) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, reg).unwrap();
        text
    }

    #[test]
    fn every_family_and_cell_is_there_from_the_start() {
        let sc = crate::profile::load(
            &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("profiles/double11.toml"),
            &[],
        )
        .unwrap();
        let (m, reg) = DriveMetrics::new(&sc, 50_000);
        let mut s = crate::demand::ShopperSampler::new(&sc, 0);
        let shopper = match s.next(0, None) {
            crate::demand::Arrival::Desk(x) | crate::demand::Arrival::Deflected(x) => x,
        };
        m.observe(&Obs::Opened(shopper, true, 10, 1500));
        {
            let _open = m.enter(&shopper);
            assert!(scrape(&reg).contains("peakdesk_drive_conversations_in_flight{"));
        }
        m.requests_to(7, &[1, 0, 0, 2, 0]);
        m.finish();
        let text = scrape(&reg);
        for d in def::LIVE.iter().filter(|d| d.side == def::Side::Drive) {
            for name in d.samples() {
                assert!(text.contains(&name), "{name} missing");
            }
        }
        assert!(text.contains("peakdesk_drive_requests_total 7"));
        assert!(text.contains("peakdesk_drive_errors_total{kind=\"5xx\"} 2"));
        assert!(text.contains("peakdesk_drive_finished 1"));
        let opened: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("peakdesk_drive_shoppers_opened_total{"))
            .collect();
        let n = sc.segments.len() * sc.questions.len() * sc.channels.len();
        assert_eq!(opened.len(), n);
        assert_eq!(opened.iter().filter(|l| l.ends_with(" 1")).count(), 1);
        assert!(text.ends_with("# EOF\n"));
    }
}
