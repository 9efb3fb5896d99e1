//! HTTPS between `drive` and `serve`: a private CA trusted through the
//! target's `[tls] ca_file`, a client certificate the served desk demands
//! (`serve --tls-client-ca`), and `insecure = true`, which works and warns.

use crate::common::{Served, peakdesk, root};
use crate::pki::Pki;

const DESK: &str = "tests/integration/serve-turns.toml";

/// A drive of 10 s of the desk (at 10x: 1 s of wall) through `target`.
fn drive(target: &std::path::Path, url: &str) -> std::process::Output {
    peakdesk()
        .args(["drive", DESK, "--target"])
        .arg(target)
        .args(["--target-url", url, "--speed", "10", "--duration", "10s"])
        .args(["--drain", "1s", "--quiet", "--json", "-"])
        .output()
        .unwrap()
}

#[test]
fn a_desk_that_demands_a_client_certificate_gets_one() {
    let pki = Pki::new();
    let mut flags = pki.serve_flags();
    flags.push("--tls-client-ca".into());
    flags.push(pki.file("ca.pem").to_str().unwrap().into());
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let served = Served::start_with(DESK, "10", &flags);
    assert!(served.url.starts_with("https://"), "{}", served.url);
    let dir = tempfile::tempdir().unwrap();
    let shipped = root("targets/serve.toml");

    let without = pki.target(&shipped, dir.path(), "");
    let out = drive(&without, &served.url);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("health check"), "{err}");

    let client = format!(
        "client_cert = {:?}\nclient_key = {:?}",
        pki.file("client.pem"),
        pki.file("client.key")
    );
    let with = pki.target(&shipped, dir.path(), &client);
    let out = drive(&with, &served.url);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(s["drive"]["opened"].as_u64().unwrap() > 0, "{}", s["drive"]);
    assert_eq!(s["drive"]["failed"], 0, "{}", s["drive"]);
}

#[test]
fn insecure_accepts_any_certificate_and_says_so_every_run() {
    let pki = Pki::new();
    let flags = pki.serve_flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let served = Served::start_with(DESK, "10", &flags);
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root("targets/serve.toml")).unwrap();
    let target = dir.path().join("insecure.toml");
    std::fs::write(&target, text + "\n[tls]\ninsecure = true\n").unwrap();
    let out = drive(&target, &served.url);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("warning") && err.contains("insecure"), "{err}");
    // Without it, and without the CA, the certificate is refused.
    let plain = dir.path().join("plain.toml");
    std::fs::write(
        &plain,
        std::fs::read_to_string(root("targets/serve.toml")).unwrap(),
    )
    .unwrap();
    let out = drive(&plain, &served.url);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_missing_ca_file_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root("targets/serve.toml")).unwrap();
    let target = dir.path().join("t.toml");
    std::fs::write(&target, text + "\n[tls]\nca_file = \"nowhere.pem\"\n").unwrap();
    let out = drive(&target, "https://127.0.0.1:9");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("tls.ca_file") && err.contains("nowhere.pem"),
        "{err}"
    );
}
