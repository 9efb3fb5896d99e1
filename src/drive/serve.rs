//! `peakdesk serve`: the built-in desk model as an HTTP helpdesk, in wall
//! time. `wall_desk` runs the same `desk::Desk` state machine `simulate`
//! runs against the wall clock (scaled by `--speed`) on a thread of its
//! own; this module starts it, the HTTP handlers (`serve_api`) and the
//! live metrics, and stops them. The conversations they share are in
//! `serve_state`.
//!
//! A caller is the shopper: it opens a conversation (segment, question,
//! channel by name, else drawn from the profile), leaves when it gives up,
//! and sends the later messages itself if it opened the conversation so
//! (else the shopper model plays them). The model plays the desk as
//! `simulate` does: the bot, routing, queues, agents, shifts.

use super::adapter::DriveError;
use super::live::{self, desk::ServeMetrics};
use super::serve_state::Shared;
use super::wall_desk::{self, Cmd};
use crate::engine::clock::Timebase;
use crate::profile::Scenario;
use crate::time::SimTime;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Where `serve` listens.
#[derive(Debug, Clone, Copy)]
pub struct Listen<'a> {
    /// The API's address.
    pub api: &'a str,
    /// The live metrics' address, if any.
    pub metrics: Option<&'a str>,
}

/// Serves `app` over TLS on `socket` until Ctrl-C or SIGTERM.
fn serve_tls(
    rt: &tokio::runtime::Runtime,
    socket: tokio::net::TcpListener,
    app: axum::Router,
    config: Arc<rustls::ServerConfig>,
) -> std::io::Result<()> {
    let _inside = rt.enter();
    let handle = axum_server::Handle::new();
    let config = axum_server::tls_rustls::RustlsConfig::from_config(config);
    let server = axum_server::from_tcp_rustls(socket.into_std()?, config)?.handle(handle.clone());
    rt.block_on(async move {
        tokio::spawn(async move {
            super::signals::first().await;
            handle.graceful_shutdown(Some(Duration::from_secs(5)));
        });
        server.serve(app.into_make_service()).await
    })
}

/// Serves the live metrics on `at`.
fn live_metrics(
    at: &str,
    sc: &Scenario,
    speed: f64,
    rt: &tokio::runtime::Runtime,
) -> Result<ServeMetrics, DriveError> {
    let endpoint = live::Endpoint::bind(at)?;
    let (metrics, registry) = ServeMetrics::new(sc, speed);
    eprintln!(
        "peakdesk serve: live metrics at http://{}/metrics",
        endpoint.addr
    );
    endpoint.serve(rt.handle(), registry)?;
    Ok(metrics)
}

/// Starts the desk's thread: the one event loop on the wall clock, fed
/// the callers' commands from `rx`.
fn start_desk(
    shared: Arc<Shared>,
    rx: std::sync::mpsc::Receiver<Cmd>,
) -> Result<std::thread::JoinHandle<crate::engine::clock::Lateness>, DriveError> {
    std::thread::Builder::new()
        .name("desk".into())
        .spawn(move || {
            let sc = shared.scenario.clone();
            wall_desk::run(&sc, rx, shared.clock, &*shared, &shared.stop)
        })
        .map_err(|source| DriveError::Start {
            what: "the desk thread",
            source,
        })
}

/// Serves `sc` on `listen` (over TLS with `tls`) until Ctrl-C or SIGTERM;
/// `ready` gets the bound address once connections are accepted.
pub fn run(
    sc: Scenario,
    at: Listen<'_>,
    from: SimTime,
    speed: f64,
    tls: Option<Arc<rustls::ServerConfig>>,
    ready: &mut dyn FnMut(std::net::SocketAddr),
) -> Result<(), DriveError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| DriveError::Start {
            what: "the runtime",
            source,
        })?;
    let refused = |source| DriveError::Listen {
        what: "",
        at: at.api.into(),
        source,
    };
    let socket = rt
        .block_on(tokio::net::TcpListener::bind(at.api))
        .map_err(refused)?;
    let addr = socket.local_addr().map_err(refused)?;
    let live = match at.metrics {
        Some(m) => Some(live_metrics(m, &sc, speed, &rt)?),
        None => None,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let http = super::tls::client_builder()
        .timeout(Duration::from_secs(3))
        .build()
        .map_err(DriveError::Client)?;
    let clock = Timebase::starting_now(from, speed);
    let shared = Arc::new(Shared::new(
        Arc::new(sc),
        tx,
        http,
        rt.handle().clone(),
        clock,
        live,
    ));
    let desk = start_desk(shared.clone(), rx)?;
    ready(addr);
    let app = super::serve_api::router(shared.clone());
    match tls {
        None => rt.block_on(async {
            let _ = axum::serve(socket, app)
                .with_graceful_shutdown(super::signals::first())
                .await;
        }),
        Some(config) => serve_tls(&rt, socket, app, config).map_err(refused)?,
    }
    shared.stop.store(true, Ordering::Relaxed);
    drop(rt);
    if let Ok(late) = desk.join() {
        eprintln!(
            "peakdesk serve: the desk fired {} events, {} more than 1 ms late (latest {:.1} ms)",
            late.events,
            late.over_1ms,
            late.max_us as f64 / 1e3
        );
    }
    Ok(())
}
