//! Ctrl-C and SIGTERM for the wall-clock modes: the first asks the run to
//! stop and keep what it measured; the second ends the process at once.

use tokio_util::sync::CancellationToken;

/// Resolves at the first Ctrl-C or SIGTERM.
pub async fn first() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Cancels `token` at the first signal and exits with 130 at the second
/// (spawn on the run's runtime).
pub async fn watch(token: CancellationToken) {
    first().await;
    eprintln!(
        "peakdesk: interrupted: no new shoppers; waiting briefly for those in flight (Ctrl-C again to quit now)"
    );
    token.cancel();
    first().await;
    eprintln!("peakdesk: interrupted again: quitting without a summary");
    std::process::exit(crate::ExitCode::Interrupted as i32);
}
