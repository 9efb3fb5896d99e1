//! `peakdesk staff --shifts`: the shifts cover every interval's
//! requirement, their cost is their paid hours at their rates, a template
//! the requirement has no use for is reported unused, and the plan passes
//! the profile's rules with fresh seeds.

use crate::common::stdout_json;

const SHIFTS: &str = r#"
[[shift]]
name = "half"
starts = ["00:00", "01:00", "02:00"]
length = "2h"
breaks = [{ length = "30m", window = ["30m", "1h"] }]
cost_per_hour = 10

[[shift]]
name = "dear"
starts = ["00:00"]
length = "4h"
cost_per_hour = 10
premium = 3
"#;

fn minutes(hhmm: &str) -> i64 {
    let (h, m) = hhmm.split_once(':').unwrap();
    h.parse::<i64>().unwrap() * 60 + m.parse::<i64>().unwrap()
}

#[test]
fn shifts_cover_every_interval_at_their_cost_and_leave_a_dear_template_unused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shifts.toml");
    std::fs::write(&file, SHIFTS).unwrap();
    let v = stdout_json(&[
        "staff",
        "tests/integration/staff-erlang-a.toml",
        "--target",
        "80/20s",
        "--replications",
        "3",
        "--shifts",
        file.to_str().unwrap(),
        "--json",
        "-",
    ]);
    assert_eq!(v["schema"], "peakdesk.shifts/1");
    let g = &v["groups"][0];
    let cells = g["intervals"].as_array().unwrap();
    assert_eq!(cells.len(), 8);
    // On duty, recomputed from the shifts and their breaks, half hour by half hour.
    let mut duty = vec![0i64; cells.len()];
    let (mut cost, mut paid) = (0.0, 0.0);
    for s in g["shifts"].as_array().unwrap() {
        assert_eq!(s["template"], "half");
        let n = s["agents"].as_i64().unwrap();
        let start = minutes(s["start"].as_str().unwrap());
        for c in (start / 30)..((start + 120) / 30).min(8) {
            duty[c as usize] += n;
        }
        let mut away = 0;
        for b in s["breaks"].as_array().unwrap() {
            let k = b["agents"].as_i64().unwrap();
            duty[(minutes(b["start"].as_str().unwrap()) / 30) as usize] -= k;
            away += k;
        }
        assert_eq!(away, n, "every agent takes the break");
        cost += n as f64 * 1.5 * 10.0;
        paid += n as f64 * 1.5;
    }
    for (c, cell) in cells.iter().enumerate() {
        assert_eq!(duty[c], cell["on_duty"].as_i64().unwrap(), "interval {c}");
        assert!(
            duty[c] >= cell["required"].as_i64().unwrap(),
            "interval {c}: {cell}"
        );
        assert!(
            cell["required"].as_i64().unwrap() >= 55,
            "the requirement is Erlang A's: {cell}"
        );
    }
    assert!(
        (g["cost"].as_f64().unwrap() - cost).abs() < 1e-6,
        "{} vs {cost}",
        g["cost"]
    );
    assert!((g["paid_hours"].as_f64().unwrap() - paid).abs() < 1e-6);
    assert!(g["cost"].as_f64().unwrap() >= g["lower_bound"].as_f64().unwrap());
    assert_eq!(g["unused_templates"], serde_json::json!(["dear"]));
}

#[test]
fn a_template_off_the_planning_grid_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shifts.toml");
    std::fs::write(
        &file,
        SHIFTS.replace("length = \"2h\"", "length = \"2h10m\""),
    )
    .unwrap();
    crate::common::peakdesk()
        .args([
            "staff",
            "tests/integration/staff-erlang-a.toml",
            "--target",
            "80/20s",
        ])
        .arg("--shifts")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "shift[0].length: 2h10m is off the 30-minute planning grid",
        ));
}
