//! The `pmkb` binary: parses the command line and reports errors with their causes.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match cli::run(cli::Cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", cli::error_chain(&err));
            ExitCode::from(2)
        }
    }
}
