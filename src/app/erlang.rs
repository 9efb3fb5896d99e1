//! `peakdesk erlang`: the analytic answer for one pool, as a planner's
//! Erlang calculator gives it: the measures at a headcount, or the fewest
//! agents meeting a target and an occupancy cap, the rostered FTE that
//! shrinkage turns them into, and a table of the headcounts around the
//! answer (service level, mean wait, abandonment, occupancy) with the
//! chosen row marked. Figures the summary also reports carry the
//! catalogue's names.

use super::print;
use crate::cli::ErlangArgs;
use crate::erlang::{self, Goal, Measures, Pool, Row};
use crate::metrics::catalogue::{self, Def};
use crate::metrics::summary::within_label;
use crate::report::export::{Exports, Format};
use crate::report::terminal;
use crate::{Error, ExitCode};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::io::Write;

/// The JSON answer of `peakdesk erlang`.
#[derive(Serialize)]
struct ErlangJson {
    model: &'static str,
    agents: u32,
    arrival_rate_per_s: f64,
    mean_handle_s: f64,
    mean_patience_s: Option<f64>,
    wait_prob: f64,
    abandon_prob: f64,
    mean_wait_s: f64,
    mean_queue: f64,
    occupancy: f64,
    answered_within: indexmap::IndexMap<String, f64>,
    answered_share_within: indexmap::IndexMap<String, f64>,
    target: Option<TargetJson>,
    max_abandon: Option<f64>,
    max_occupancy: Option<f64>,
    /// What set the headcount: `agents` (given), `target`, or `max_occupancy`.
    required_by: &'static str,
    shrinkage: f64,
    rostered_fte: u32,
    table: Vec<Map<String, Value>>,
}

#[derive(Serialize)]
struct TargetJson {
    share: f64,
    within: String,
    within_s: f64,
}

/// The thresholds reported: the target's time first, then `--within`'s.
fn thresholds(a: &ErlangArgs) -> Vec<f64> {
    let mut t: Vec<f64> = a.target.iter().map(|t| t.within.secs()).collect();
    for d in &a.within {
        if !t.contains(&d.secs()) {
            t.push(d.secs());
        }
    }
    t
}

fn label(t: f64) -> String {
    within_label(crate::time::from_secs_f64(t))
}

/// The answer: the pool solved at the headcount given or found, and what
/// set that headcount.
fn answer(a: &ErlangArgs, base: Pool, goal: &Goal) -> Result<(Measures, &'static str), Error> {
    if a.target.is_none() && a.max_occupancy.is_none() {
        return Ok((base.solve()?, "agents"));
    }
    let (n, m) = erlang::fewest_agents(base, goal)?;
    let by_target = match (a.target, a.max_occupancy) {
        (Some(_), Some(_)) => {
            let uncapped = Goal {
                max_occupancy: None,
                ..*goal
            };
            erlang::fewest_agents(base, &uncapped)?.0 == n
        }
        (Some(_), None) => true,
        _ => false,
    };
    Ok((m, if by_target { "target" } else { "max_occupancy" }))
}

/// One row of the table, keyed by the catalogue's summary keys.
fn row_json(
    r: &Row,
    chosen: u32,
    within: &[f64],
    shrinkage: f64,
    goal: bool,
) -> Map<String, Value> {
    let m = &r.measures;
    let agents = m.pool().agents;
    let per: Map<String, Value> = within
        .iter()
        .map(|t| (label(*t), json!(m.answered_within(*t))))
        .collect();
    let mut row = Map::new();
    row.insert("agents".into(), json!(agents));
    row.insert(
        "rostered_fte".into(),
        json!(erlang::rostered_fte(agents, shrinkage)),
    );
    row.insert(catalogue::ANSWERED_WITHIN.key().into(), Value::Object(per));
    row.insert(catalogue::WAIT_MEAN.key().into(), json!(m.mean_wait));
    row.insert(
        catalogue::LEFT_BEFORE_ANSWER.key().into(),
        json!(m.abandon_prob),
    );
    row.insert(catalogue::OCCUPANCY.key().into(), json!(m.occupancy));
    if goal {
        row.insert("meets".into(), json!(r.meets));
    }
    row.insert("chosen".into(), json!(agents == chosen));
    row
}

/// The table as text: the service level at `sl` (a threshold label),
/// mean wait, abandonment and occupancy per headcount, the answer marked.
fn table_text(j: &ErlangJson, sl: Option<&str>) -> String {
    let show = |d: &Def, row: &Map<String, Value>| d.show(row[d.key()].as_f64());
    let cols: [&Def; 3] = [
        &catalogue::WAIT_MEAN,
        &catalogue::LEFT_BEFORE_ANSWER,
        &catalogue::OCCUPANCY,
    ];
    let sl_head = sl.map(|l| format!("{} {l}", catalogue::ANSWERED_WITHIN.label));
    let mut out = format!("\n    {:>6}  {:>12}", "agents", "rostered FTE");
    for head in sl_head
        .iter()
        .map(String::as_str)
        .chain(cols.map(|d| d.label))
    {
        let _ = write!(out, "  {head:>w$}", w = head.len().max(10));
    }
    let meets = j.table.first().is_some_and(|r| r.contains_key("meets"));
    out.push_str(if meets { "  meets\n" } else { "\n" });
    for row in &j.table {
        let mark = if row["chosen"] == true {
            "  > "
        } else {
            "    "
        };
        let count = |k: &str| row[k].as_u64().unwrap_or(0);
        let _ = write!(
            out,
            "{mark}{:>6}  {:>12}",
            count("agents"),
            count("rostered_fte")
        );
        if let (Some(l), Some(head)) = (sl, &sl_head) {
            let v = row[catalogue::ANSWERED_WITHIN.key()][l].as_f64();
            let _ = write!(
                out,
                "  {:>w$}",
                catalogue::ANSWERED_WITHIN.show(v),
                w = head.len()
            );
        }
        for d in cols {
            let _ = write!(out, "  {:>w$}", show(d, row), w = d.label.len().max(10));
        }
        if let Some(m) = row.get("meets") {
            out.push_str(if m == true { "  yes" } else { "  no" });
        }
        out.push('\n');
    }
    out
}

/// The lines under the measures: what was asked, the answer and its FTE.
fn answer_text(a: &ErlangArgs, j: &ErlangJson) -> String {
    let mut out = String::new();
    let cap = |x: f64| format!("occupancy at most {:.0}%", x * 100.0);
    match (a.target, a.max_occupancy) {
        (Some(t), None) => {
            let _ = writeln!(
                out,
                "  fewest agents for {:.0}% within {}: {}",
                t.share * 100.0,
                t.within,
                j.agents
            );
        }
        (Some(t), Some(x)) => {
            let why = if j.required_by == "max_occupancy" {
                " (the occupancy cap binds)"
            } else {
                " (the target binds)"
            };
            let _ = writeln!(
                out,
                "  fewest agents for {:.0}% within {} and {}: {}{why}",
                t.share * 100.0,
                t.within,
                cap(x),
                j.agents
            );
        }
        (None, Some(x)) => {
            let _ = writeln!(out, "  fewest agents with {}: {}", cap(x), j.agents);
        }
        (None, None) => {}
    }
    if a.shrinkage > 0.0 {
        let _ = writeln!(
            out,
            "  rostered FTE at {}% shrinkage: {} (ceil({} / {}))",
            a.shrinkage * 100.0,
            j.rostered_fte,
            j.agents,
            1.0 - a.shrinkage
        );
    }
    out
}

/// Runs `peakdesk erlang`.
pub fn erlang(a: ErlangArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let exports = Exports::new(&a.out, "erlang", &[Format::Json])?;
    if let Some(x) = a.max_abandon.filter(|x| !(0.0..=1.0).contains(x)) {
        return Err(Error::Usage(format!(
            "--max-abandon {x}: expected a share between 0 and 1"
        )));
    }
    let base = Pool {
        arrival_rate: a.rate.0,
        mean_handle: a.handle.secs(),
        mean_patience: a.patience.map(|p| p.secs()),
        agents: a.agents.unwrap_or(0),
    };
    let model = if base.mean_patience.is_some() {
        "Erlang A (M/M/c+M)"
    } else {
        "Erlang C (M/M/c)"
    };
    let goal = Goal {
        service: a.target.map(|t| (t.share, t.within.secs())),
        max_abandon: a.max_abandon,
        max_occupancy: a.max_occupancy,
    };
    let (measures, required_by) = answer(&a, base, &goal)?;
    let p = measures.pool();
    let within = thresholds(&a);
    let has_goal = required_by != "agents";
    let rows = erlang::table(base, p.agents, &goal)?;
    let j = ErlangJson {
        model,
        agents: p.agents,
        arrival_rate_per_s: p.arrival_rate,
        mean_handle_s: p.mean_handle,
        mean_patience_s: p.mean_patience,
        wait_prob: measures.wait_prob,
        abandon_prob: measures.abandon_prob,
        mean_wait_s: measures.mean_wait,
        mean_queue: measures.mean_queue,
        occupancy: measures.occupancy,
        answered_within: within
            .iter()
            .map(|t| (label(*t), measures.answered_within(*t)))
            .collect(),
        answered_share_within: within
            .iter()
            .map(|t| (label(*t), measures.answered_share_within(*t)))
            .collect(),
        target: a.target.map(|t| TargetJson {
            share: t.share,
            within: label(t.within.secs()),
            within_s: t.within.secs(),
        }),
        max_abandon: a.max_abandon,
        max_occupancy: a.max_occupancy,
        required_by,
        shrinkage: a.shrinkage,
        rostered_fte: erlang::rostered_fte(p.agents, a.shrinkage),
        table: rows
            .iter()
            .map(|r| row_json(r, p.agents, &within, a.shrinkage, has_goal))
            .collect(),
    };
    exports.write_json(out, &j)?;
    if exports.text() {
        let listed: Vec<f64> = a.within.iter().map(|d| d.secs()).collect();
        let mut text = terminal::erlang(&measures, &listed, model);
        text.push_str(&answer_text(&a, &j));
        let sl = within.first().map(|t| label(*t));
        text.push_str(&table_text(&j, sl.as_deref()));
        print(out, &text)?;
    }
    Ok(ExitCode::Pass)
}
