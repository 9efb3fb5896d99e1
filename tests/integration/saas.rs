//! The SaaS target files (`targets/saas/`: Zendesk, Freshdesk, Intercom),
//! each driven by `peakdesk drive` against a mock of its API on 127.0.0.1
//! (`saas_mock`, answering in the documented response shapes): every
//! request it renders must be one of the documented requests
//! (`tests/integration/saas/*.json`: method, path, headers and JSON body
//! as JSON Schemas written from the API references), every kind of request
//! the file describes must have gone out, and the drive must have seen the
//! mock's replies (so the reply pointers read them) without taking a
//! shopper's own message or an internal note for one.

use crate::common::root;
use crate::saas_api::{Freshdesk, Intercom, Zendesk};
use crate::saas_mock::{Api, Mock, Recorded, validator};
use serde_json::Value;
use std::process::Command;

const PROFILE: &str = "tests/integration/saas/profile.toml";

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Why `r` is not a documented request, endpoint by endpoint.
fn mismatch(spec: &Value, r: &Recorded) -> String {
    let mut why = Vec::new();
    for e in spec["endpoints"].as_array().unwrap() {
        if e["method"] != r.method.as_str() {
            continue;
        }
        let path = errors(&validator(spec, &e["path"]), &Value::String(r.path.clone()));
        let body = match (&e["body"], &r.body) {
            (Value::Null, None) => Vec::new(),
            (Value::Null, Some(_)) => vec!["a body where none is documented".to_string()],
            (_, None) => vec!["no body".to_string()],
            (schema, Some(b)) => errors(&validator(spec, schema), b),
        };
        why.push(format!("  {}: {:?}", e["name"], [path, body].concat()));
    }
    format!(
        "{} {} {}: matches no documented request\n{}",
        r.method,
        r.path,
        r.body.as_ref().map_or("(no body)".into(), Value::to_string),
        why.join("\n")
    )
}

/// Each request against the spec: its endpoint, the headers every request
/// needs and the ones its endpoint needs. The roles seen, in spec order.
fn check_requests(spec: &Value, recorded: &[Recorded]) -> (Vec<String>, Vec<String>) {
    let all = validator(spec, &spec["headers"]);
    let endpoints = spec["endpoints"].as_array().unwrap();
    let mut bad = Vec::new();
    let mut seen = vec![false; endpoints.len()];
    for r in recorded {
        let Some(i) = r.endpoint else {
            bad.push(mismatch(spec, r));
            continue;
        };
        seen[i] = true;
        let mut e = errors(&all, &r.headers);
        if !endpoints[i]["headers"].is_null() {
            e.extend(errors(
                &validator(spec, &endpoints[i]["headers"]),
                &r.headers,
            ));
        }
        if !e.is_empty() {
            bad.push(format!(
                "{} {}: headers {}: {e:?}",
                r.method, r.path, r.headers
            ));
        }
    }
    let roles = endpoints
        .iter()
        .zip(seen)
        .filter(|(_, s)| *s)
        .map(|(e, _)| e["role"].as_str().unwrap().to_string())
        .collect();
    (bad, roles)
}

/// Drives the target file `name` against a mock of `api`; checks the
/// requests and the summary. `roles`: the kinds of request it must send.
fn drive_template(name: &str, token: (&str, &str), api: Box<dyn Api>, roles: &[&str]) {
    let file = root(&format!("targets/saas/{name}.toml"));
    let text = std::fs::read_to_string(&file).unwrap();
    let head: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(
        head.contains(&"# Not run against the live service.")
            && head.iter().any(|l| l.starts_with("# Written from the"))
            && head.iter().any(|l| l.starts_with("#   https://")),
        "{name}: the header names its reference and says it was not run live"
    );
    let spec = read_json(&root(&format!("tests/integration/saas/{name}.json")));
    let mock = Mock::start(&spec, api);
    // The shipped interval spares the service's rate limit; a mock needs
    // no sparing.
    let fast = text.replace("interval = \"2s\"", "interval = \"50ms\"");
    assert_ne!(fast, text, "{name}: polls every 2s");
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join(format!("{name}.toml"));
    std::fs::write(&target, fast).unwrap();
    let json = dir.path().join("drive.json");
    let out = Command::new(env!("CARGO_BIN_EXE_peakdesk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env(token.0, token.1)
        .args(["drive", PROFILE, "--target"])
        .arg(&target)
        .args(["--target-url", &mock.url, "--speed", "20", "--drain", "3s"])
        // A busy machine must not make the run invalid: lateness is not
        // what is checked here.
        .args(["--max-lateness", "10s", "--quiet", "--json"])
        .arg(&json)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{name}: {stderr}");
    assert!(
        !stderr.contains(token.1),
        "{name}: the token reached the output"
    );
    let (recorded, violations) = mock.recorded();
    let (bad, seen) = check_requests(&spec, &recorded);
    assert!(bad.is_empty(), "{name}:\n{}", bad.join("\n"));
    assert_eq!(seen, roles, "{name}: the kinds of request sent");
    assert!(
        violations.is_empty(),
        "{name}: {} violations, the first: {:?}",
        violations.len(),
        &violations[..violations.len().min(3)]
    );
    let opens = recorded
        .iter()
        .filter(|r| {
            r.endpoint
                .is_some_and(|i| spec["endpoints"][i]["role"] == "open")
        })
        .count();
    check_summary(name, &read_json(&json), opens);
}

/// The drive's summary: every open counted, no failure, later messages
/// sent, and the mock's replies read (shoppers answered, with the
/// server's times of the opens, messages and replies).
fn check_summary(name: &str, d: &Value, opens: usize) {
    let dr = &d["drive"];
    assert_eq!(dr["opened"], opens as u64, "{name}: {dr}");
    assert_eq!(dr["failed"], 0, "{name}: {dr}");
    assert_eq!(dr["error_rate"], 0.0, "{name}: {}", dr["first_errors"]);
    assert!(dr["messages"].as_u64().unwrap() > 10, "{name}: {dr}");
    let answered = d["counts"]["answered"].as_u64().unwrap();
    assert!(answered > 10, "{name}: {}", d["counts"]);
    for times in [
        "/server_response_s/count",
        "/messages_s/server_response/count",
    ] {
        let n = dr.pointer(times).and_then(Value::as_u64).unwrap_or(0);
        assert!(n > 0, "{name}: {times}: {dr}");
    }
}

#[test]
fn the_zendesk_template_sends_documented_requests() {
    drive_template(
        "zendesk",
        ("ZENDESK_API_TOKEN", "zd-t0ken-secret"),
        Box::new(Zendesk),
        &["health", "open", "poll", "message", "leave"],
    );
}

#[test]
fn the_freshdesk_template_sends_documented_requests() {
    drive_template(
        "freshdesk",
        ("FRESHDESK_API_KEY", "fd-k3y-secret"),
        Box::new(Freshdesk),
        &["health", "open", "poll", "message", "leave"],
    );
}

#[test]
fn the_intercom_template_sends_documented_requests() {
    drive_template(
        "intercom",
        ("INTERCOM_ACCESS_TOKEN", "ic-t0ken-secret"),
        Box::new(Intercom),
        &["health", "open", "poll", "message"],
    );
}
