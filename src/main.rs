//! The `pmkb` binary: parses the command line and reports errors with their causes.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A reader that stops early (`pmkb search … | head`) ends pmkb quietly, as it ends other
    // Unix tools, instead of a panic or an error at the next write to the closed pipe.
    #[cfg(unix)]
    // SAFETY: sets the default action of one signal before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    match cli::run(cli::Cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", cli::error_chain(&err));
            ExitCode::from(2)
        }
    }
}
