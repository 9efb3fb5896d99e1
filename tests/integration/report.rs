//! The HTML report: every chart's SVG from a fixed seed matches its
//! snapshot (`UPDATE_SNAPSHOTS=1` rewrites them after a deliberate
//! change); `peakdesk report` and `--html` write one self-contained file
//! (no scripts, nothing from the network); a million-shopper run's report
//! stays under 2 MB; a sweep's report has its heat maps and frontier; a
//! file that is not a result is refused.

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
            "sla.rules=[{ metric = \"first_response\", stat = \"p90\", max = \"30s\" }, { metric = \"shoppers_lost\", max = 0.05 }]",
        ],
    );
    sc.seed = 21;
    let hidden = peakdesk::report::progress::Progress::hidden();
    let agg = peakdesk::plan::replicate::run_range(&sc, &sc.rules, 0..3, 1, &hidden).unwrap();
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
    match_snapshots("report-chart", &charts);
}

/// Runs `args --json J --html H` and `peakdesk report J -o H2`; checks the
/// two pages are the same and self-contained; returns the page and the JSON.
fn html_and_report(args: &[&str]) -> (String, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let (json, html, again) = (
        dir.path().join("r.json"),
        dir.path().join("a.html"),
        dir.path().join("b.html"),
    );
    peakdesk()
        .args(args)
        .args(["--quiet", "--json"])
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
    let page = std::fs::read_to_string(&html).unwrap();
    assert_eq!(
        page,
        std::fs::read_to_string(&again).unwrap(),
        "--html and `peakdesk report` of its JSON give the same page"
    );
    self_contained(&page);
    let result = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (page, result)
}

#[test]
fn report_and_html_write_one_self_contained_file() {
    let (a, _) = html_and_report(&["simulate", "profiles/dtc-site.toml"]);
    assert!(a.starts_with("<!doctype html>") && a.trim_end().ends_with("</html>"));
    for svg in svgs(&a) {
        assert!(
            svg.contains("<title>")
                && svg.contains("class=\"axis\"")
                && svg.contains("class=\"legend\"")
        );
    }
    assert!(a.contains("Breakdowns") && a.contains("lost orders"));
}

/// Compares each SVG with its snapshot `NAME-I.svg`, or rewrites them.
fn match_snapshots(name: &str, charts: &[&str]) {
    let dir = root("tests/integration/snapshots");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    for (i, svg) in charts.iter().enumerate() {
        let path = dir.join(format!("{name}-{i}.svg"));
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
fn a_sweep_report_has_heat_maps_and_the_frontier() {
    let (page, r) = html_and_report(&[
        "sweep",
        "profiles/dtc-site.toml",
        "--set",
        "costs={currency=\"USD\", agent_hour=30}",
        "--set",
        "sla.rules=[{ metric = \"shoppers_lost\", max = 0.03 }]",
        "--scale-staff",
        "0.8:1.2:0.2",
        "--vary",
        "questions.order_status.bot=0.6,0.8",
        "--replications",
        "2",
        "--seed",
        "5",
    ]);
    let charts = svgs(&page);
    assert_eq!(charts.len(), 4, "three heat maps and the frontier");
    // 2 bot shares x 3 staffing factors, in each of the three maps.
    for map in &charts[..3] {
        assert_eq!(map.matches("class=\"cell\"").count(), 6);
        assert!(
            map.contains(">questions.order_status.bot<")
                && map.contains(">agents.staffing_multiplier<")
        );
    }
    let frontier = charts[3];
    assert!(frontier.contains(">cost per day, USD<") && frontier.contains(">frontier<"));
    assert_eq!(r["schema"], "peakdesk.sweep/1");
    let on_frontier = r["frontier"].as_array().unwrap().len();
    assert!(on_frontier >= 1);
    // Every point is a marker (circle, square or triangle) beside the line.
    let markers = ["<circle", "<rect x=\"", "<path d=\"M"]
        .iter()
        .map(|m| frontier.matches(m).count())
        .sum::<usize>();
    assert!(markers >= 6, "{markers} markers for 6 points");
    match_snapshots("sweep-chart", &charts);
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
    std::fs::write(&bad, r#"{"schema": "peakdesk.staff/1"}"#).unwrap();
    let out = peakdesk()
        .arg("report")
        .arg(&bad)
        .arg("-o")
        .arg(dir.path().join("r.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a result peakdesk reports"));
    assert!(
        !Path::new(&dir.path().join("r.html")).exists(),
        "no half-written file"
    );
}

/// Runs `peakdesk ARGS` in a pseudo-terminal (util-linux `script`), with
/// NO_COLOR set or not; returns what the terminal showed.
fn on_a_terminal(args: &str, no_color: bool) -> String {
    let bin = env!("CARGO_BIN_EXE_peakdesk");
    let mut cmd = std::process::Command::new("script");
    // Standard error (the progress bar) is left out: only the table counts.
    cmd.args(["-qec", &format!("{bin} {args} 2>/dev/null"), "/dev/null"])
        .current_dir(root("."))
        .env_remove("NO_COLOR");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd.output().expect("util-linux script");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn the_verdict_table_is_coloured_on_a_terminal_unless_no_color() {
    let args = "check tests/integration/sla-desk.toml --preset tmall --replications 3 --seed 4";
    let coloured = on_a_terminal(args, false);
    assert!(
        coloured.contains("PASS") || coloured.contains("FAIL"),
        "{coloured}"
    );
    assert!(
        coloured.contains("\x1b[32m") || coloured.contains("\x1b[31m"),
        "a verdict in colour: {coloured:?}"
    );
    let plain = on_a_terminal(args, true);
    assert!(plain.contains("PASS") || plain.contains("FAIL"), "{plain}");
    assert!(
        !plain.contains("\x1b["),
        "NO_COLOR: no escape codes: {plain:?}"
    );
}
