//! The one progress-bar factory: a bar with ETA on stderr for work that
//! lasts more than a second, hidden when stderr is not a terminal or with
//! `--quiet`, so that logs, pipes and CI output stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long work runs before its bar appears.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// Progress over a known number of steps; cheap to tick from any thread.
pub struct Progress {
    bar: ProgressBar,
    wanted: bool,
    shown: AtomicBool,
}

impl Progress {
    /// A bar over `len` steps of `what` (e.g. "replications"); hidden when
    /// `quiet` or when stderr is not a terminal.
    pub fn new(len: u64, what: &str, quiet: bool) -> Progress {
        Progress::styled(
            len,
            &format!("{{bar:32}} {{pos}}/{{len}} {what} · {{elapsed}} elapsed · ETA {{eta}}"),
            quiet,
        )
    }

    /// A bar drawn with an indicatif template (`{msg}` shows the status
    /// given to [`Self::set`]).
    pub fn styled(len: u64, template: &str, quiet: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        bar.set_style(ProgressStyle::with_template(template).expect("a valid template"));
        Progress {
            bar,
            wanted: !quiet && std::io::stderr().is_terminal(),
            shown: AtomicBool::new(false),
        }
    }

    /// A bar over `len` microseconds of scenario time (`what` says whose),
    /// moving inside a replication as the engine reports its clock, so a
    /// long single replication shows its ETA after a second.
    pub fn over(len: u64, what: &str, quiet: bool) -> Progress {
        Progress::styled(
            len,
            &format!("{{bar:32}} {{percent}}% of {what} · {{elapsed}} elapsed · ETA {{eta}}"),
            quiet,
        )
    }

    /// A bar over `replications` runs of `sc`'s scenario time (`note`
    /// follows the count).
    pub fn scenario(
        sc: &crate::profile::Scenario,
        replications: u64,
        note: &str,
        quiet: bool,
    ) -> Progress {
        let what = format!("{replications} replication(s){note} of the scenario's time");
        Progress::over(replications * (sc.horizon - sc.start), &what, quiet)
    }

    /// A bar that never shows.
    pub fn hidden() -> Progress {
        Progress::new(0, "", true)
    }

    /// `n` more steps done (nothing to do for a bar that never shows).
    pub fn inc(&self, n: u64) {
        if !self.wanted {
            return;
        }
        self.bar.inc(n);
        self.show_when_due();
    }

    /// `pos` steps done, and a status line beside the bar.
    pub fn set(&self, pos: u64, status: String) {
        self.bar.set_position(pos);
        self.bar.set_message(status);
        self.show_when_due();
    }

    fn show_when_due(&self) {
        if self.wanted
            && self.bar.elapsed() >= QUIET_FOR
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
        }
    }

    /// Done: the bar leaves the screen.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
