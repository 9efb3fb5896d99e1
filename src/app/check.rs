//! `peakdesk check`: simulate, evaluate every SLA rule per replication, and
//! turn the intervals into pass, fail or inconclusive, adding replications
//! (common random numbers) until every rule is conclusive with `auto`.

use super::{load, print};
use crate::cli::{CheckArgs, Replications};
use crate::metrics::summary;
use crate::plan::replicate::{self, AUTO_STEP, confidence};
use crate::profile::raw::RawSla;
use crate::profile::{ProfileError, Scenario};
use crate::report::export::{Exports, SUMMARY_FORMATS};
use crate::report::progress::Progress;
use crate::report::verdicts;
use crate::sla::{self, Verdict};
use crate::{Error, ExitCode};
use std::io::Write;
use std::time::Instant;

fn read_sla(path: &std::path::Path) -> Result<RawSla, Error> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
        file: file.clone(),
        source,
    })?;
    let tree: serde_json::Value = toml::from_str(&text).map_err(|e| ProfileError::Syntax {
        file: file.clone(),
        message: crate::profile::toml_syntax(&text, e.message(), e.span()),
    })?;
    serde_path_to_error::deserialize(tree).map_err(|e| {
        Error::Profile(ProfileError::Invalid {
            file,
            key: e.path().to_string(),
            message: crate::profile::with_suggestion(&e.inner().to_string()),
        })
    })
}

/// The rules a check holds the profile to: the profile's, an `--sla`
/// file's and the `--preset`s; none is bad input (a gate that checks
/// nothing must not pass).
fn gather_rules(a: &CheckArgs, sc: &Scenario) -> Result<Vec<sla::Rule>, Error> {
    let file = a
        .sla
        .as_ref()
        .map(|p| read_sla(p).map(|s| (p.display().to_string(), s)))
        .transpose()?;
    let profile_file = a.profile.profile.display().to_string();
    let rules = sla::rules::rules(
        sc,
        sc.sla.as_ref(),
        file.as_ref().map(|(n, s)| (n.as_str(), s)),
        &a.presets,
    )
    .map_err(|(key, message)| {
        let shown = if key.starts_with("--preset") {
            "--preset".to_string()
        } else {
            file.as_ref().map_or(profile_file.clone(), |f| f.0.clone())
        };
        Error::Profile(ProfileError::Invalid {
            file: shown,
            key,
            message,
        })
    })?;
    if rules.is_empty() {
        return Err(Error::Usage(format!(
            "{profile_file}: no SLA rules to check (add [sla] rules or presets to the profile, --preset or --sla)"
        )));
    }
    Ok(rules)
}

/// Runs `peakdesk check`.
pub fn check(a: CheckArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let exports = Exports::new(&a.out, "check", &SUMMARY_FORMATS)?;
    let mut sc = load(&a.profile)?;
    a.run.seed(&mut sc);
    let rules = gather_rules(&a, &sc)?;
    let started = Instant::now();
    let fixed = match a.replications {
        Replications::Fixed(n) => Some(n),
        Replications::Auto => None,
    };
    let at_once = fixed.unwrap_or(AUTO_STEP.min(a.max_replications.max(2)));
    super::check_size(&a.run, std::slice::from_ref(&sc), at_once, 1)?;
    let progress = match fixed {
        Some(n) => Progress::scenario(&sc, u64::from(n), "", exports.quiet()),
        None => Progress::scenario(
            &sc,
            u64::from(a.max_replications.max(2)),
            " at most (auto stops when every rule is conclusive)",
            exports.quiet(),
        ),
    };
    let (cap, threads) = (a.max_replications, a.run.threads);
    let agg = replicate::run(&sc, &rules, fixed, cap, threads, &progress);
    progress.finish();
    let agg = agg?;
    let wall = started.elapsed().as_secs_f64();
    let level = confidence(fixed, cap);
    let s = summary::build_with(&sc, &agg, wall, a.run.threads_used(), &rules, level);
    exports.write_summary(out, &s)?;
    if exports.text() {
        let title = format!("peakdesk check: {} ({})", s.profile, s.source);
        let table = verdicts::table(&s, verdicts::plain_output());
        print(out, &format!("{title}{table}"))?;
    }
    Ok(match s.sla_outcome {
        Some(Verdict::Fail) => ExitCode::SlaFailed,
        Some(Verdict::Inconclusive) => ExitCode::Inconclusive,
        _ => ExitCode::Pass,
    })
}
