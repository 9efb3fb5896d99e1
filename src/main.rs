//! The `peakdesk` binary: parse the command line, call the library, map the
//! outcome to a documented exit code. Nothing else lives here.

use clap::Parser;
use peakdesk::{Error, ExitCode, app, cli::Cli};
use std::io::ErrorKind;

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            let code = if e.use_stderr() {
                ExitCode::BadInput as i32
            } else {
                0
            };
            std::process::exit(code);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match app::run(cli, &mut out) {
        Ok(code) => code as i32,
        // A closed pipe (`peakdesk ... | head`) is not an error.
        Err(Error::Output { source, .. }) if source.kind() == ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("peakdesk: {e}");
            e.exit_code() as i32
        }
    };
    std::process::exit(code);
}
