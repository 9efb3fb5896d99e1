//! Shift templates, as a planner publishes them: when a shift may start,
//! how long it lasts, its breaks (paid or not, within a window), what an
//! hour costs, how many agents may work it, for which groups and days.
//! `peakdesk staff --shifts FILE` reads them here; [`super::shifts`]
//! chooses how many agents work each.
//!
//! Errors name the file, the key path, the value and what was expected,
//! as a profile's do.

use crate::profile::units::{Duration, TimeOfDay};
use crate::profile::{ProfileError, toml_syntax};
use crate::time::{DAY, HOUR, MINUTE, SimTime};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    shift: Vec<RawTemplate>,
    limits: Option<RawLimits>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_part_time_share: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    name: String,
    starts: Vec<TimeOfDay>,
    length: Duration,
    breaks: Option<Vec<RawBreak>>,
    cost_per_hour: Option<f64>,
    premium: Option<f64>,
    min: Option<u32>,
    max: Option<u32>,
    groups: Option<Vec<String>>,
    days: Option<Vec<String>>,
    part_time: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreak {
    length: Duration,
    paid: Option<bool>,
    window: (Duration, Duration),
}

/// A break: it starts between `earliest` and `latest` after the shift does.
#[derive(Debug, Clone, PartialEq)]
pub struct Break {
    /// How long it lasts.
    pub length: SimTime,
    /// Whether the agent is paid for it.
    pub paid: bool,
    /// Earliest start, from the shift's start.
    pub earliest: SimTime,
    /// Latest start, from the shift's start.
    pub latest: SimTime,
}

/// One shift template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Its name, for output.
    pub name: String,
    /// Times of day it may start.
    pub starts: Vec<SimTime>,
    /// From start to end, breaks included.
    pub length: SimTime,
    /// Its breaks.
    pub breaks: Vec<Break>,
    /// Cost of a paid hour (default: the group's `[costs].agent_hour`).
    pub cost_per_hour: Option<f64>,
    /// A factor on the hour's cost (night or weekend premium).
    pub premium: f64,
    /// Fewest agents starting it on a day it applies, per group.
    pub min: u32,
    /// Most agents starting it on a day, per group.
    pub max: Option<u32>,
    /// Groups it staffs (`None`: every group staffed).
    pub groups: Option<Vec<String>>,
    /// Weekdays or dates it applies on (`None`: every day).
    pub days: Option<Vec<String>>,
    /// A part-time shift, counted against `max_part_time_share`.
    pub part_time: bool,
}

impl Template {
    /// Paid hours of one shift.
    pub fn paid_hours(&self) -> f64 {
        let unpaid: SimTime = self
            .breaks
            .iter()
            .filter(|b| !b.paid)
            .map(|b| b.length)
            .sum();
        (self.length - unpaid) as f64 / HOUR as f64
    }
}

/// A file of shift templates.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftFile {
    /// The file, for messages.
    pub file: String,
    /// The templates, in file order.
    pub templates: Vec<Template>,
    /// Largest share of a group's paid hours on part-time shifts.
    pub max_part_time_share: Option<f64>,
}

/// Reads and checks a shift file.
pub fn load(path: &Path) -> Result<ShiftFile, ProfileError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
        file: file.clone(),
        source,
    })?;
    parse(&file, &text)
}

/// Parses shift-file text named `file`.
pub fn parse(file: &str, text: &str) -> Result<ShiftFile, ProfileError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| ProfileError::Syntax {
        file: file.to_string(),
        message: toml_syntax(text, e.message(), e.span()),
    })?;
    let tree = crate::profile::overrides::dates_as_text(toml::Value::Table(table));
    let raw: RawFile =
        serde_path_to_error::deserialize(tree).map_err(|e| ProfileError::Invalid {
            file: file.to_string(),
            key: e.path().to_string(),
            message: crate::profile::with_suggestion(&e.inner().to_string()),
        })?;
    let invalid = |key: String, message: String| ProfileError::Invalid {
        file: file.to_string(),
        key,
        message,
    };
    let mut templates = Vec::new();
    for (i, t) in raw.shift.iter().enumerate() {
        templates.push(template(i, t).map_err(|(k, m)| invalid(k, m))?);
    }
    if templates.is_empty() {
        return Err(invalid(
            "shift".into(),
            "is empty (expected at least one [[shift]])".into(),
        ));
    }
    let share = raw.limits.and_then(|l| l.max_part_time_share);
    if let Some(s) = share
        && !(0.0..=1.0).contains(&s)
    {
        return Err(invalid(
            "limits.max_part_time_share".into(),
            format!("{s} is not a share from 0 to 1"),
        ));
    }
    Ok(ShiftFile {
        file: file.to_string(),
        templates,
        max_part_time_share: share,
    })
}

fn template(i: usize, t: &RawTemplate) -> Result<Template, (String, String)> {
    let key = |k: &str| format!("shift[{i}].{k}");
    if t.starts.is_empty() {
        return Err((
            key("starts"),
            "is empty (expected times of day such as \"08:00\")".into(),
        ));
    }
    if t.length.0 == 0 || t.length.0 > DAY {
        return Err((
            key("length"),
            format!(
                "{} is not a shift length (expected more than 0s, at most 24h)",
                t.length
            ),
        ));
    }
    let mut breaks = Vec::new();
    for (j, b) in t.breaks.iter().flatten().enumerate() {
        let bkey = |k: &str| format!("shift[{i}].breaks[{j}].{k}");
        let (from, to) = (b.window.0.0, b.window.1.0);
        if to < from || to + b.length.0 > t.length.0 || b.length.0 == 0 {
            return Err((
                bkey("window"),
                format!(
                    "[{}, {}] with a {} break does not fit a {} shift (expected the break to start within the window and end before the shift does)",
                    b.window.0, b.window.1, b.length, t.length
                ),
            ));
        }
        breaks.push(Break {
            length: b.length.0,
            paid: b.paid.unwrap_or(false),
            earliest: from,
            latest: to,
        });
    }
    if let Some(c) = t.cost_per_hour
        && !(c.is_finite() && c >= 0.0)
    {
        return Err((key("cost_per_hour"), format!("{c} is not a cost >= 0")));
    }
    let premium = t.premium.unwrap_or(1.0);
    if !(premium.is_finite() && premium > 0.0) {
        return Err((key("premium"), format!("{premium} is not a factor > 0")));
    }
    let min = t.min.unwrap_or(0);
    if let Some(max) = t.max
        && max < min
    {
        return Err((key("max"), format!("{max} is below min {min}")));
    }
    Ok(Template {
        name: t.name.clone(),
        starts: t.starts.iter().map(|s| s.0).collect(),
        length: t.length.0,
        breaks,
        cost_per_hour: t.cost_per_hour,
        premium,
        min,
        max: t.max,
        groups: t.groups.clone(),
        days: t.days.clone(),
        part_time: t.part_time.unwrap_or(false),
    })
}

impl ShiftFile {
    /// Checks that every time in the file falls on the planning grid.
    pub fn check_grid(&self, interval: SimTime) -> Result<(), ProfileError> {
        let show = |t: SimTime| Duration(t).to_string();
        for (i, t) in self.templates.iter().enumerate() {
            let mut times: Vec<(String, SimTime)> = vec![(format!("shift[{i}].length"), t.length)];
            times.extend(
                t.starts
                    .iter()
                    .enumerate()
                    .map(|(j, s)| (format!("shift[{i}].starts[{j}]"), *s)),
            );
            for (j, b) in t.breaks.iter().enumerate() {
                let k = |x: &str| format!("shift[{i}].breaks[{j}].{x}");
                times.extend([
                    (k("length"), b.length),
                    (k("window"), b.earliest),
                    (k("window"), b.latest),
                ]);
            }
            if let Some((key, at)) = times.into_iter().find(|(_, t)| !t.is_multiple_of(interval)) {
                return Err(ProfileError::Invalid {
                    file: self.file.clone(),
                    key,
                    message: format!(
                        "{} is off the {}-minute planning grid (expected a multiple of --interval {})",
                        show(at),
                        interval / MINUTE,
                        show(interval)
                    ),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
        [[shift]]
        name = "early"
        starts = ["07:00", "08:00"]
        length = "8h30m"
        breaks = [{ length = "30m", window = ["3h", "5h"] }, { length = "30m", paid = true, window = ["6h", "7h"] }]
        cost_per_hour = 40
    "#;

    #[test]
    fn the_shipped_shift_file_reads_on_the_half_hour_grid() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/profiles/double11-week-shifts.toml"
        );
        let f = load(Path::new(path)).unwrap();
        assert_eq!(f.templates.len(), 5);
        f.check_grid(30 * MINUTE).unwrap();
    }

    #[test]
    fn paid_hours_leave_out_unpaid_breaks() {
        let f = parse("s.toml", FILE).unwrap();
        assert_eq!(f.templates[0].paid_hours(), 8.0);
        assert!(f.check_grid(30 * MINUTE).is_ok());
        let e = f.check_grid(HOUR).unwrap_err().to_string();
        assert!(
            e.starts_with("s.toml: shift[0].length: 8h30m is off the 60-minute planning grid"),
            "{e}"
        );
    }

    #[test]
    fn errors_name_the_file_and_key() {
        let e = parse(
            "s.toml",
            &FILE.replace("\"3h\", \"5h\"", "\"3h\", \"8h30m\""),
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "s.toml: shift[0].breaks[0].window: [3h, 8h30m] with a 30m break does not fit"
            ),
            "{e}"
        );
        let e = parse(
            "s.toml",
            &FILE.replace("length = \"8h30m\"", "lenght = \"8h30m\""),
        )
        .unwrap_err();
        assert!(e.to_string().contains("did you mean `length`"), "{e}");
    }
}
