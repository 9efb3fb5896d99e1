//! Writes a roster found by `peakdesk staff` back into a copy of the
//! profile: each staffed group's `roster` or `staff` becomes `staff` steps
//! (one per change), everything else (comments included) stays as written.
//! The steps are rostered heads: the search finds agents on shift, so they
//! are divided by the staffing multiplier and what shrinkage leaves, rounded
//! up, and the copy is loaded again to confirm it staffs at least as many.

use crate::plan::staff::Staffing;
use crate::profile::{self, Scenario};
use crate::time::{DAY, MINUTE};
use crate::{Error, report};
use std::io::Write;
use std::path::Path;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Value};

fn factor(doc: &DocumentMut) -> f64 {
    let num = |key: &str| {
        doc.get("agents")
            .and_then(|a| a.get(key))
            .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
    };
    num("staffing_multiplier").unwrap_or(1.0) * (1.0 - num("shrinkage").unwrap_or(0.0))
}

/// The steps `[{ at = "HH:MM", agents = N }, ...]` for rostered heads.
fn steps(cells: &[u32], interval: u64, tail: u32, factor: f64) -> Array {
    let mut arr = Array::new();
    let mut last = None;
    let day_cells = (DAY / interval) as usize;
    for c in 0..day_cells {
        let on_shift = cells.get(c).copied().unwrap_or(tail);
        let heads = i64::from(crate::erlang::rostered(on_shift, factor));
        if last == Some(heads) {
            continue;
        }
        last = Some(heads);
        let m = c as u64 * interval / MINUTE;
        let mut step = InlineTable::new();
        step.insert("at", Value::from(format!("{:02}:{:02}", m / 60, m % 60)));
        step.insert("agents", Value::from(heads));
        let mut v = Value::InlineTable(step);
        v.decor_mut().set_prefix("\n  ");
        arr.push_formatted(v);
    }
    arr.set_trailing("\n");
    arr.set_trailing_comma(true);
    arr
}

/// The profile as an editable document.
fn open(src: &Path) -> Result<DocumentMut, Error> {
    let name = src.display();
    if src.extension().is_some_and(|e| e == "json") {
        return Err(Error::Usage(format!(
            "{name}: --write-profile edits TOML profiles; convert the JSON profile to TOML first"
        )));
    }
    let text = std::fs::read_to_string(src)
        .map_err(|e| Error::Usage(format!("{name}: cannot read: {e}")))?;
    text.parse().map_err(|e: toml_edit::TomlError| {
        let message = crate::profile::toml_syntax(&text, e.message(), e.span());
        Error::Usage(format!("{name}: {message}"))
    })
}

/// Writes a copy of the profile in which each group of `rostered` (group,
/// rostered heads per interval from the run's start) is staffed by day:
/// `[days."YYYY-MM-DD"] staff.GROUP` steps for every day of the run (the
/// profile needs `start`). The copy is loaded again to confirm it puts at
/// least `on_shift` agents on shift in every interval.
pub fn write_days(
    src: &Path,
    sc: &Scenario,
    rostered: &[(usize, Vec<u32>, Vec<u32>)],
    interval: u64,
    dest: &Path,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let name = src.display();
    let cal = sc.calendar.as_ref().ok_or_else(|| {
        Error::Usage(format!(
            "{name}: writing shifts by day needs the run's first date (`start = \"YYYY-MM-DD\"`)"
        ))
    })?;
    let mut doc = open(src)?;
    let day_cells = (DAY / interval) as usize;
    if !doc.contains_key("days") {
        doc.insert("days", Item::Table(toml_edit::Table::new()));
    }
    let days = doc["days"].as_table_mut().ok_or_else(|| {
        Error::Usage(format!(
            "{name}: `days` is not a table, so it cannot be rewritten"
        ))
    })?;
    days.set_implicit(true);
    for i in 0..cal.day_keys.len() {
        let date = cal.date(i as u64).to_string();
        let day = days
            .entry(&date)
            .or_insert(Item::Table(toml_edit::Table::new()));
        let day = day.as_table_like_mut().ok_or_else(|| {
            Error::Usage(format!(
                "{name}: days.{date} is not a table, so it cannot be rewritten"
            ))
        })?;
        // The day's shifts become its steps: a roster there would clash.
        if let Some(roster) = day.get_mut("roster").and_then(|r| r.as_table_like_mut()) {
            for (g, _, _) in rostered {
                roster.remove(&sc.groups[*g].name);
            }
            if roster.is_empty() {
                day.remove("roster");
            }
        }
        let staff = day
            .entry("staff")
            .or_insert(Item::Value(Value::InlineTable(InlineTable::new())));
        for (g, heads, _) in rostered {
            let cells = heads
                .get(i * day_cells..((i + 1) * day_cells).min(heads.len()))
                .unwrap_or(&[]);
            let tail = cells.last().copied().unwrap_or(0);
            staff[sc.groups[*g].name.as_str()] =
                Item::Value(Value::Array(steps(cells, interval, tail, 1.0)));
        }
    }
    let written = doc.to_string();
    let again = profile::parse(&name.to_string(), &written, false, &[])
        .map_err(|e| Error::Runtime(format!("the written profile does not load: {e}")))?;
    for (g, _, on_shift) in rostered {
        for (c, want) in on_shift.iter().enumerate() {
            let on = again.groups[*g].staff_at(c as u64 * interval);
            if on < *want {
                return Err(Error::Runtime(format!(
                    "the written profile staffs {on} agents in {} at {}, fewer than the {want} planned",
                    sc.groups[*g].name,
                    sc.time_label(c as u64 * interval)
                )));
            }
        }
    }
    report::write_with(dest, out, |w| w.write_all(written.as_bytes()))
}

/// Writes the copy to `dest` and checks it.
pub fn write(
    src: &Path,
    sc: &Scenario,
    found: &Staffing,
    dest: &Path,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let name = src.display();
    let mut doc = open(src)?;
    let f = factor(&doc);
    for g in &found.groups {
        let cells: Vec<u32> = g.cells.iter().map(|c| c.staff).collect();
        // Cells past the horizon keep the profile's headcount at that time.
        let tail = sc.groups[g.group].staff_at(cells.len() as u64 * found.interval);
        let arr = steps(&cells, found.interval, tail, f);
        let table = doc
            .get_mut("agents")
            .and_then(|a| a.get_mut("groups"))
            .and_then(|gs| gs.as_array_of_tables_mut())
            .and_then(|gs| gs.get_mut(g.group))
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{name}: agents.groups[{}] is not a [[agents.groups]] table, so it cannot be rewritten",
                    g.group
                ))
            })?;
        table.remove("roster");
        table.insert("staff", Item::Value(Value::Array(arr)));
    }
    let written = doc.to_string();
    // The copy must load, and staff at least what the search found.
    let again = profile::parse(&name.to_string(), &written, false, &[])
        .map_err(|e| Error::Runtime(format!("the written profile does not load: {e}")))?;
    for g in &found.groups {
        for (c, cell) in g.cells.iter().enumerate() {
            let on = again.groups[g.group].staff_at(c as u64 * found.interval);
            if on < cell.staff {
                return Err(Error::Runtime(format!(
                    "the written profile staffs {on} agents in {} interval {c}, fewer than the {} found",
                    sc.groups[g.group].name, cell.staff
                )));
            }
        }
    }
    report::write_with(dest, out, |w| w.write_all(written.as_bytes()))
}
