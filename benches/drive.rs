//! How many shoppers per second `drive` opens against a trivial local
//! endpoint while keeping its own schedule (p99 lateness under 5 ms).
//!
//! The endpoint (axum, in this process, one worker thread) answers every
//! POST with a fixed JSON reply; `peakdesk drive` (the release binary) runs
//! a one-pool profile at each rate for 10 s of wall time (BENCH_SECONDS) with the reply in
//! the answer (sync mode). The table gives the intended and achieved
//! rates, the runner's lateness and the request latency; the last line is
//! the highest rate that kept p99 lateness under 5 ms and achieved at
//! least 99% of the intended rate.
//!
//! With BENCH_TURNS=3 each conversation has three messages (two later ones
//! after a think time of 1 s on average, each answered in the answer to
//! its request), and the table adds the messages sent per wall second.
//!
//! With BENCH_TLS=1 the endpoint answers over HTTPS (a certificate made
//! here with rcgen, trusted through the target's `[tls] ca_file`).
//!
//!     cargo build --release && cargo bench --bench drive [-- RATE...]
//!     BENCH_TLS=1 cargo bench --bench drive -- 5000 10000 20000
//!     BENCH_TURNS=3 cargo bench --bench drive -- 2000 4000 6000

use std::process::Command;
use std::time::Duration;

const TARGET: &str = r#"
name = "static endpoint"
adapter = "http"
base_url = "URL"
timeout = "5s"
max_in_flight = 64
[open]
path = "/c"
body = { q = "{question}" }
id = "/id"
[reply]
mode = "sync"
text = "/text"
[message]
path = "/m"
body = { text = "{text}" }
"#;

/// Messages per conversation (BENCH_TURNS, default 1).
fn turns() -> u32 {
    std::env::var("BENCH_TURNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

/// Seconds of wall time each rate runs (BENCH_SECONDS, default 10).
fn seconds() -> u64 {
    std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
}

fn profile(rate: u64) -> String {
    let secs = seconds();
    format!(
        "name = \"bench-{rate}\"\nseed = 1\nhorizon = \"{secs}s\"\nwarmup = \"0s\"\ninterval = \"{secs}s\"\n\
         [arrivals]\nrate = \"{rate}/s\"\n[shoppers]\npatience = \"none\"\n\
         [questions]\nq = {{ share = 1.0, skill = \"s\", turns = {}, reply = {{ exponential = \"1s\" }}, think = {{ exponential = \"1s\" }} }}\n\
         [[agents.groups]]\nname = \"pool\"\nskills = [\"s\"]\nstaff = 1\n",
        turns()
    )
}

/// A CA (written to `ca`) and a server certificate for 127.0.0.1 it
/// signed: the endpoint's TLS configuration.
fn certificates(ca: &std::path::Path) -> std::sync::Arc<rustls::ServerConfig> {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let _ = rustls::crypto::ring::default_provider().install_default();
    let ca_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    std::fs::write(ca, params.self_signed(&ca_key).unwrap().pem()).unwrap();
    let issuer = Issuer::new(params, ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let der = rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], der)
        .unwrap();
    std::sync::Arc::new(config)
}

/// The rates to run: the command line's, or a ladder.
fn rates() -> Vec<u64> {
    let rates: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if rates.is_empty() {
        vec![5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000]
    } else {
        rates
    }
}

/// Starts the endpoint on `rt` (over TLS with BENCH_TLS=1, its CA written
/// into `dir`); the target file's text for it.
fn serve_endpoint(rt: &tokio::runtime::Runtime, dir: &std::path::Path) -> String {
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .route(
            "/c",
            axum::routing::post(|| async {
                axum::Json(serde_json::json!({"id": "1", "text": "hi"}))
            }),
        )
        .route(
            "/m",
            axum::routing::post(|| async { axum::Json(serde_json::json!({"text": "hi"})) }),
        );
    if std::env::var("BENCH_TLS").is_ok_and(|v| v == "1") {
        let ca = dir.join("ca.pem");
        let config = certificates(&ca);
        let config = axum_server::tls_rustls::RustlsConfig::from_config(config);
        let _inside = rt.enter();
        let server = axum_server::from_tcp_rustls(listener.into_std().unwrap(), config).unwrap();
        rt.spawn(async move { server.serve(app.into_make_service()).await.unwrap() });
        format!(
            "{}\n[tls]\nca_file = {:?}\n",
            TARGET.replace("URL", &format!("https://{addr}")),
            ca
        )
    } else {
        rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
        TARGET.replace("URL", &format!("http://{addr}"))
    }
}

/// Drives the endpoint at `rate` and prints the row; whether it kept p99
/// lateness under 5 ms and at least 99% of the intended rate.
fn run_rate(dir: &std::path::Path, target: &std::path::Path, extra: &str, rate: u64) -> bool {
    let bin = concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/peakdesk");
    let p = dir.join("p.toml");
    std::fs::write(&p, profile(rate)).unwrap();
    let json = dir.join("s.json");
    let status = Command::new(bin)
        .args(["drive"])
        .arg(&p)
        .arg("--target")
        .arg(target)
        .args(extra.split_whitespace())
        .args(["--drain", "2s", "--quiet", "--json"])
        .arg(&json)
        .status()
        .unwrap();
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let d = &s["drive"];
    let ms = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN) * 1000.0;
    let (intended, achieved) = (
        d["intended"].as_f64().unwrap() / seconds() as f64,
        d["opened"].as_f64().unwrap() / seconds() as f64,
    );
    let p99 = ms(&d["lateness_s"]["p99"]);
    println!(
        "{intended:>10.0}  {achieved:>10.0}  {:>10.0}  {:>6.2} / {:>6.2} / {:>7.2}  {:>8.2} / {:>6.2}   exit {}",
        d["messages_per_s"].as_f64().unwrap_or(f64::NAN),
        ms(&d["lateness_s"]["p50"]),
        p99,
        ms(&d["lateness_s"]["max"]),
        ms(&d["open_latency_s"]["p50"]),
        ms(&d["open_latency_s"]["p99"]),
        status.code().unwrap_or(-1)
    );
    p99 < 5.0 && achieved >= 0.99 * intended
}

fn main() {
    let server_threads = std::env::var("SERVER_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(server_threads)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("t.toml");
    std::fs::write(&target, serve_endpoint(&rt, dir.path())).unwrap();
    // More flags for `drive` (e.g. DRIVE_ARGS="--threads 1").
    let extra = std::env::var("DRIVE_ARGS").unwrap_or_default();
    println!("intended/s  achieved/s  messages/s  lateness p50/p99/max ms  request p50/p99 ms");
    let mut best = 0;
    for rate in rates() {
        if run_rate(dir.path(), &target, &extra, rate) {
            best = best.max(rate);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    println!("highest rate with p99 lateness under 5 ms: {best} shoppers/s");
}
