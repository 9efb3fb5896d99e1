//! Writes the synthetic team history under `profiles/data/` that
//! `profiles/censored-store.toml` calibrates from, with a known truth:
//!
//! ```text
//! cargo run --release --example history -- profiles/data
//! ```
//!
//! - `conversations.csv`: 4,000 conversations of an M/M/c+G desk (14
//!   agents, handle exponential 300 s, 180 arrivals an hour) with columns
//!   conversation, channel, segment, wait_s, outcome. Patience: chat
//!   regulars Weibull(scale 300 s, shape 0.75), chat VIPs exponential
//!   (mean 120 s), phone callers Weibull(scale 200 s, shape 1.4).
//! - `daily-counts.csv`: eight weeks of daily totals from Monday
//!   2025-09-01, mean 4,300 a day with a weekly pattern and gamma busyness
//!   cv 0.12.
//!
//! Fixed seeds: the files come out the same every time.

use peakdesk::dist::Checked;
use peakdesk::profile::calibrate::synthetic::{Desk, conversations, daily_counts};
use peakdesk::profile::raw::DistSpec;
use peakdesk::profile::units::Duration;
use std::fmt::Write as _;

fn secs(s: f64) -> Duration {
    Duration(peakdesk::time::from_secs_f64(s))
}

fn checked(spec: DistSpec) -> Checked {
    Checked::from_spec(&spec).expect("valid parameters")
}

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "profiles/data".into());
    let dir = std::path::Path::new(&dir);
    let classes = [("chat", "regular"), ("chat", "vip"), ("phone", "regular")];
    let Checked::Sampled(handle) = checked(DistSpec::Exponential(secs(300.0))) else {
        unreachable!("an exponential is sampled")
    };
    let desk = Desk {
        rate_per_s: 0.05,
        agents: 14,
        handle,
        classes: vec![
            (
                0.65,
                checked(DistSpec::Weibull {
                    scale: secs(300.0),
                    shape: 0.75,
                }),
            ),
            (0.15, checked(DistSpec::Exponential(secs(120.0)))),
            (
                0.20,
                checked(DistSpec::Weibull {
                    scale: secs(200.0),
                    shape: 1.4,
                }),
            ),
        ],
    };
    let mut text = String::from("conversation,channel,segment,wait_s,outcome\n");
    for (i, c) in conversations(&desk, 4_000, 16).iter().enumerate() {
        let (channel, segment) = classes[c.class];
        let outcome = if c.left { "left" } else { "answered" };
        let _ = writeln!(
            text,
            "C{:05},{channel},{segment},{:.3},{outcome}",
            70_000 + i,
            c.wait_s
        );
    }
    std::fs::write(dir.join("conversations.csv"), text)?;
    let week = [1.0, 0.96, 0.94, 0.97, 1.05, 1.18, 1.12];
    let start: jiff::civil::Date = "2025-09-01".parse().expect("a date");
    let mut text = String::from("date,count\n");
    for (d, n) in daily_counts(4_300.0, &week, 0.12, 56, 16)
        .iter()
        .enumerate()
    {
        let date = start
            .checked_add(jiff::Span::new().days(d as i64))
            .expect("in range");
        let _ = writeln!(text, "{date},{n}");
    }
    std::fs::write(dir.join("daily-counts.csv"), text)
}
