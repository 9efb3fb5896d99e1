//! Renderers and output files. Files are checked before a run starts (a bad
//! path fails in a second, not after an hour) and written whole at the end
//! through a temporary file and a rename, so a crash never leaves half a
//! file; `-` means standard output.

pub mod compare;
pub mod export;
pub mod first_screen;
pub mod heatmap;
pub mod html;
mod html_drive;
pub mod progress;
pub mod svg;
pub mod sweep_html;
pub mod sweep_result;
pub mod sweep_table;
pub mod terminal;
pub mod verdicts;

use crate::Error;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Fails early if `path` cannot be written (its folder does not exist).
pub fn check_writable(path: &Path) -> Result<(), Error> {
    if is_stdout(path) {
        return Ok(());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::Output {
            path: path.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("folder '{}' does not exist", dir.display()),
            ),
        });
    }
    if path.is_dir() {
        return Err(Error::Output {
            path: path.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "is a folder, expected a file name",
            ),
        });
    }
    Ok(())
}

/// Writes to `path` atomically (a temporary file renamed into place), or to
/// `out` for `-`. `fill` streams the content, so large outputs are never
/// held in memory whole.
pub fn write_with(
    path: &Path,
    out: &mut dyn Write,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let fail = |source| Error::Output {
        path: path.display().to_string(),
        source,
    };
    if is_stdout(path) {
        return fill(out).and_then(|_| out.flush()).map_err(fail);
    }
    // A device or pipe (/dev/null, /dev/stdout, a FIFO) is written in place:
    // renaming a temporary file over it would replace the device.
    if path.metadata().is_ok_and(|m| !m.is_file()) {
        let written = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|f| {
                let mut w = std::io::BufWriter::new(f);
                fill(&mut w)?;
                w.flush()
            });
        return written.map_err(fail);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = std::fs::File::create(&tmp).and_then(|f| {
        let mut w = std::io::BufWriter::new(f);
        fill(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// Writes a summary's HTML report (atomically, like every output).
pub fn write_html(
    path: &Path,
    s: &crate::metrics::Summary,
    out: &mut dyn Write,
) -> Result<(), Error> {
    write_with(path, out, |w| w.write_all(html::page(s).as_bytes()))
}

/// Writes `value` as pretty JSON.
pub fn write_json<T: serde::Serialize>(
    path: &Path,
    value: &T,
    out: &mut dyn Write,
) -> Result<(), Error> {
    write_with(path, out, |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(|e| match e.io_error_kind() {
            Some(kind) => std::io::Error::from(kind),
            None => std::io::Error::other(e),
        })?;
        w.write_all(b"\n")
    })
}

/// Text for one Markdown table cell: a `|` would end the cell, a line
/// break the row.
pub fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// An HTML table: a header row and rows of text cells (a cell marked
/// with a leading \u{1} is a verdict, classed by its first word).
pub(crate) fn table(out: &mut String, head: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    out.push_str("<table><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", svg::esc(h));
    }
    out.push_str("</tr>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            // Cells are text, except a verdict cell marked by the caller.
            if let Some(rest) = c.strip_prefix('\u{1}') {
                let class = rest.split([' ', ':']).next().unwrap_or("");
                let _ = write!(out, r#"<td class="{class}">{}</td>"#, svg::esc(rest));
            } else {
                let _ = write!(out, "<td>{}</td>", svg::esc(&c));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
}
