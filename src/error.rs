//! The library's error type and the exit codes the binary maps it to.
//! Only `main.rs` exits; everything else returns these.

use crate::profile::ProfileError;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum ExitCode {
    /// Every SLA check passed (or there was nothing to check).
    Pass = 0,
    /// The run completed but an SLA check failed.
    SlaFailed = 1,
    /// Bad input: usage, profile, target file.
    BadInput = 2,
    /// The target failed, or the load generator fell behind.
    TargetFailed = 3,
    /// A verdict the data cannot support.
    Inconclusive = 4,
    /// Interrupted with no report.
    Interrupted = 130,
}

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The profile is unreadable or invalid.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// A flag or argument is wrong.
    #[error("{0}")]
    Usage(String),
    /// An output file cannot be written.
    #[error("{path}: cannot write: {source}")]
    Output {
        /// The output path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The analytic model has no answer for these parameters.
    #[error(transparent)]
    Erlang(#[from] crate::erlang::ErlangError),
    /// The machine could not run the work (threads, memory).
    #[error("{0}")]
    Runtime(String),
    /// The engine could not run.
    #[error(transparent)]
    Engine(#[from] crate::engine::EngineError),
    /// A drive or `serve` could not start.
    #[error(transparent)]
    Drive(#[from] crate::drive::adapter::DriveError),
    /// The target of a drive is down or failed.
    #[error("{0}")]
    Target(String),
}

impl Error {
    /// The exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Profile(_) | Error::Usage(_) | Error::Output { .. } | Error::Erlang(_) => {
                ExitCode::BadInput
            }
            Error::Runtime(_) | Error::Engine(_) | Error::Drive(_) | Error::Target(_) => {
                ExitCode::TargetFailed
            }
        }
    }
}
