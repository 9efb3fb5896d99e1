//! The `peakdesk` binary: parse the command line, call the library, map the
//! outcome to a documented exit code. Nothing else lives here.

use clap::Parser;
use peakdesk::cli::{Cli, Format};
use peakdesk::{Error, ExitCode, app};
use std::io::ErrorKind;

/// Prints an error: one line of text, or one JSON object with `--format json`.
fn report_error(json: bool, message: &str, code: i32) {
    if json {
        let e = serde_json::json!({ "error": { "exit_code": code, "message": message } });
        eprintln!("{e}");
    } else {
        eprintln!("peakdesk: {message}");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                ExitCode::BadInput as i32
            } else {
                0
            };
            if code != 0 {
                // Clap's message up to its usage block, on one line.
                let text = e.render().to_string();
                let message: Vec<&str> = text
                    .lines()
                    .take_while(|l| {
                        !l.starts_with("Usage:") && !l.starts_with("For more information")
                    })
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                let message = message.join(" ");
                let message = message.trim_start_matches("error: ");
                let json = Format::json_in_args(&args);
                let hint = if json { "" } else { " (see --help)" };
                report_error(json, &format!("{message}{hint}"), code);
            } else {
                let _ = e.print();
            }
            std::process::exit(code);
        }
    };
    let json = cli.format == Format::Json;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match app::run(cli, &mut out) {
        Ok(code) => code as i32,
        // A closed pipe (`peakdesk ... | head`) is not an error.
        Err(Error::Output { source, .. }) if source.kind() == ErrorKind::BrokenPipe => 0,
        Err(e) => {
            let code = e.exit_code() as i32;
            report_error(json, &e.to_string(), code);
            code
        }
    };
    std::process::exit(code);
}
