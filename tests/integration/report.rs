//! The HTML report: every chart's SVG from a fixed seed matches its
//! snapshot (`UPDATE_SNAPSHOTS=1` rewrites them after a deliberate
//! change); `peakdesk report` and `--html` write one self-contained file
//! (no scripts, nothing from the network); a million-shopper run's report
//! stays under 2 MB; a file that is not a summary is refused.

use crate::common::{peakdesk, root, shipped};
use std::path::Path;

/// The `<svg>...</svg>` elements of a page, in order.
fn svgs(page: &str) -> Vec<&str> {
    page.match_indices("<svg")
        .map(|(i, _)| {
            let end = page[i..].find("</svg>").expect("closed") + i + "</svg>".len();
            &page[i..end]
        })
        .collect()
}

fn self_contained(page: &str) {
    for bad in ["<script", "http://", "https://", "<link", "@import", "url("] {
        let hits: Vec<_> = page.match_indices(bad).collect();
        // The SVG namespace is the one URL a page may name.
        let allowed = page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
        let n = if bad == "http://" {
            hits.len() - allowed
        } else {
            hits.len()
        };
        assert_eq!(n, 0, "the report must not reference {bad}");
    }
}

#[test]
fn chart_svgs_match_their_snapshots() {
    let mut sc = shipped(
        "tests/integration/sla-desk.toml",
        &[
            "sla.rules=[{ metric = \"first_response\", stat = \"p90\", max = \"30s\" }, { metric = \"abandonment\", max = 0.05 }]",
        ],
    );
    sc.seed = 21;
    let hidden = peakdesk::report::progress::Progress::hidden();
    let agg = peakdesk::app::check::run_range(&sc, &sc.rules, 0..3, 1, &hidden).unwrap();
    let mut s = peakdesk::metrics::summary::build(&sc, &agg, 0.0, 1);
    s.run.version = "snapshot".into();
    let page = peakdesk::report::html::page(&s);
    self_contained(&page);
    let charts = svgs(&page);
    assert_eq!(
        charts.len(),
        7,
        "arrivals, agents, queue, abandonment, first response, histogram, cdf"
    );
    let dir = root("tests/integration/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    for (i, svg) in charts.iter().enumerate() {
        let path = dir.join(format!("report-chart-{i}.svg"));
        if update {
            std::fs::write(&path, svg).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
        assert_eq!(*svg, want, "chart {i} differs from {}", path.display());
    }
}

#[test]
fn report_and_html_write_one_self_contained_file() {
    let dir = tempfile::tempdir().unwrap();
    let (json, html, again) = (
        dir.path().join("s.json"),
        dir.path().join("a.html"),
        dir.path().join("b.html"),
    );
    peakdesk()
        .args(["simulate", "profiles/dtc-site.toml", "--quiet", "--json"])
        .arg(&json)
        .arg("--html")
        .arg(&html)
        .assert()
        .code(0);
    peakdesk()
        .arg("report")
        .arg(&json)
        .arg("-o")
        .arg(&again)
        .assert()
        .code(0);
    let (a, b) = (
        std::fs::read_to_string(&html).unwrap(),
        std::fs::read_to_string(&again).unwrap(),
    );
    assert_eq!(
        a, b,
        "--html and `peakdesk report` of its JSON give the same page"
    );
    assert!(a.starts_with("<!doctype html>") && a.trim_end().ends_with("</html>"));
    self_contained(&a);
    for svg in svgs(&a) {
        assert!(
            svg.contains("<title>")
                && svg.contains("class=\"axis\"")
                && svg.contains("class=\"legend\"")
        );
    }
    assert!(a.contains("Breakdowns") && a.contains("lost orders"));
}

#[test]
fn a_million_shopper_report_stays_small() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("big.html");
    let out = peakdesk()
        .args([
            "simulate",
            "profiles/reference/erlang-a-bigsale.toml",
            "--quiet",
            "--json",
            "-",
            "--html",
        ])
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(s["counts"]["arrived"].as_u64().unwrap() > 1_000_000);
    let size = std::fs::metadata(&html).unwrap().len();
    assert!(size < 2_000_000, "{size} bytes");
}

#[test]
fn a_file_that_is_not_a_summary_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("x.json");
    std::fs::write(&bad, r#"{"schema": "peakdesk.sweep/1"}"#).unwrap();
    let out = peakdesk()
        .arg("report")
        .arg(&bad)
        .arg("-o")
        .arg(dir.path().join("r.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a run summary"));
    assert!(
        !Path::new(&dir.path().join("r.html")).exists(),
        "no half-written file"
    );
}
