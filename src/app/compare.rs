//! `peakdesk compare`: two summaries side by side, exit 1 on a
//! significant regression ([`crate::report::compare`] says what counts as
//! one).

use super::print;
use crate::cli::CompareArgs;
use crate::metrics::Summary;
use crate::report::compare;
use crate::report::export::{Exports, Format};
use crate::{Error, ExitCode};
use serde_json::Value;
use std::io::Write;

fn read(path: &std::path::Path) -> Result<(Summary, Value), Error> {
    let bad = |message: String| Error::Usage(format!("{}: {message}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not a peakdesk summary: {e}")))?;
    let s: Summary = crate::metrics::summary::from_json(json.clone()).map_err(|e| {
        bad(format!(
            "not a peakdesk summary: {}: {}",
            e.path(),
            e.inner()
        ))
    })?;
    if s.schema != crate::metrics::summary::SCHEMA {
        return Err(bad(format!(
            "schema '{}' is not {}",
            s.schema,
            crate::metrics::summary::SCHEMA
        )));
    }
    Ok((s, json))
}

/// Runs `peakdesk compare`.
pub fn compare(a: CompareArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let exports = Exports::new(&a.out, "compare", &[Format::Json, Format::Markdown])?;
    let ((b, jb), (c, jc)) = (read(&a.baseline)?, read(&a.candidate)?);
    let cmp = compare::Comparison::of((&b, &jb), (&c, &jc), a.tolerance);
    exports.write_json(out, &cmp)?;
    exports.write_text(Format::Markdown, out, &compare::markdown(&cmp))?;
    if exports.text() {
        let (from, to) = (
            (&b.profile, a.baseline.as_path()),
            (&c.profile, a.candidate.as_path()),
        );
        print(out, &compare::text(&cmp, from, to))?;
    }
    Ok(if cmp.regressions > 0 {
        ExitCode::SlaFailed
    } else {
        ExitCode::Pass
    })
}
