//! The exporters of one command: the output flags it was given, checked
//! before the run (the command can write that format, the folder exists,
//! no file named twice, standard output taken once at most), then written
//! each atomically at the end. It knows when standard output is taken, so
//! the command prints its text only when nothing else goes there.

use super::{check_writable, write_with};
use crate::Error;
use crate::cli::Outputs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What an output holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `--json`.
    Json,
    /// `--html`.
    Html,
    /// `--csv`.
    Csv,
    /// `--markdown`.
    Markdown,
    /// `--junit`.
    Junit,
}

impl Format {
    /// The flag that asks for it.
    pub fn flag(self) -> &'static str {
        match self {
            Format::Json => "--json",
            Format::Html => "--html",
            Format::Csv => "--csv",
            Format::Markdown => "--markdown",
            Format::Junit => "--junit",
        }
    }
}

/// The checked outputs of one command.
#[derive(Debug, Clone, Default)]
pub struct Exports {
    files: Vec<(Format, PathBuf)>,
    quiet: bool,
}

impl Exports {
    /// Checks `out` for `command`, which can write the formats `can`.
    pub fn new(out: &Outputs, command: &str, can: &[Format]) -> Result<Exports, Error> {
        let asked = [
            (Format::Json, &out.json),
            (Format::Html, &out.html),
            (Format::Csv, &out.csv),
            (Format::Markdown, &out.markdown),
            (Format::Junit, &out.junit),
        ];
        let mut files: Vec<(Format, PathBuf)> = Vec::new();
        for (format, path) in asked {
            let Some(path) = path else { continue };
            if !can.contains(&format) {
                let flags: Vec<&str> = can.iter().map(|f| f.flag()).collect();
                return Err(Error::Usage(format!(
                    "{command} cannot write {} (it writes {})",
                    format.flag(),
                    flags.join(", ")
                )));
            }
            check_writable(path)?;
            if let Some((other, _)) = files.iter().find(|(_, p)| p == path) {
                let what = if path.as_os_str() == "-" {
                    "standard output".to_string()
                } else {
                    format!("'{}'", path.display())
                };
                return Err(Error::Usage(format!(
                    "{} and {} both write to {what}: give each its own file",
                    other.flag(),
                    format.flag()
                )));
            }
            files.push((format, path.clone()));
        }
        Ok(Exports {
            files,
            quiet: out.quiet,
        })
    }

    /// Where `format` goes, if it was asked for.
    pub fn path(&self, format: Format) -> Option<&Path> {
        self.files
            .iter()
            .find(|(f, _)| *f == format)
            .map(|(_, p)| p.as_path())
    }

    /// Whether some output goes to standard output.
    pub fn stdout_taken(&self) -> bool {
        self.files.iter().any(|(_, p)| p.as_os_str() == "-")
    }

    /// Whether `--quiet` was given.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// Whether the command prints its text: not quiet, and standard output
    /// free.
    pub fn text(&self) -> bool {
        !self.quiet && !self.stdout_taken()
    }

    /// Writes `format` with `fill`, if it was asked for.
    pub fn write(
        &self,
        format: Format,
        out: &mut dyn Write,
        fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        match self.path(format) {
            Some(path) => write_with(path, out, fill),
            None => Ok(()),
        }
    }

    /// Writes `value` as pretty JSON, if `--json` was asked for.
    pub fn write_json<T: serde::Serialize>(
        &self,
        out: &mut dyn Write,
        value: &T,
    ) -> Result<(), Error> {
        match self.path(Format::Json) {
            Some(path) => super::write_json(path, value, out),
            None => Ok(()),
        }
    }

    /// Writes `text` as `format`, if it was asked for.
    pub fn write_text(&self, format: Format, out: &mut dyn Write, text: &str) -> Result<(), Error> {
        self.write(format, out, |w| w.write_all(text.as_bytes()))
    }
}

/// What a run's summary can be written as (`simulate`, `check`, `drive`).
pub const SUMMARY_FORMATS: [Format; 4] =
    [Format::Json, Format::Html, Format::Junit, Format::Markdown];

impl Exports {
    /// Writes a run's summary in every format asked for: the JSON, the HTML
    /// report, and the SLA verdicts as JUnit and Markdown.
    pub fn write_summary(
        &self,
        out: &mut dyn Write,
        s: &crate::metrics::Summary,
    ) -> Result<(), Error> {
        self.write_json(out, s)?;
        self.write(Format::Html, out, |w| {
            w.write_all(super::html::page(s).as_bytes())
        })?;
        if self.path(Format::Junit).is_some() {
            let xml = super::verdicts::junit(s)
                .map_err(|e| Error::Runtime(format!("cannot write JUnit: {e}")))?;
            self.write_text(Format::Junit, out, &xml)?;
        }
        self.write_text(Format::Markdown, out, &super::verdicts::markdown(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(json: Option<&str>, csv: Option<&str>) -> Outputs {
        Outputs {
            json: json.map(PathBuf::from),
            csv: csv.map(PathBuf::from),
            ..Outputs::default()
        }
    }

    #[test]
    fn a_format_the_command_cannot_write_is_refused() {
        let e = Exports::new(&outputs(None, Some("x.csv")), "simulate", &[Format::Json]);
        assert!(
            e.unwrap_err()
                .to_string()
                .contains("simulate cannot write --csv")
        );
    }

    #[test]
    fn standard_output_is_taken_once() {
        let both = [Format::Json, Format::Csv];
        let e = Exports::new(&outputs(Some("-"), Some("-")), "sweep", &both);
        assert!(e.unwrap_err().to_string().contains("standard output"));
        let one = Exports::new(&outputs(Some("-"), None), "sweep", &both).unwrap();
        assert!(one.stdout_taken() && !one.text());
    }
}
