//! The command line: clap definitions and the thin glue that calls the library,
//! prints diagnostics and chooses the exit code.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use pmkb::config::{Overrides, Settings};
use pmkb::diagnostics::Diagnostic;

/// Build a browsable, searchable knowledge base from a folder of Markdown postmortems.
#[derive(Debug, Parser)]
#[command(name = "pmkb", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the static site into the output folder (default `public/`).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Folder to write the site into.
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Where the site will be published, e.g. https://org.github.io/repo/.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Print every postmortem's structured metadata as one JSON array (see EXPORT.md).
    Export {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Lint the postmortems: report what could not be found or parsed.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Treat warnings as errors (exit code 1 when any is found).
        #[arg(long)]
        strict: bool,
    },
}

#[derive(Debug, Args)]
struct SiteArgs {
    /// Folder of Markdown postmortems.
    #[arg(long, value_name = "DIR")]
    content: Option<PathBuf>,
    /// Site settings file (default: ./pmkb.toml when present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

impl SiteArgs {
    fn settings(self, output: Option<PathBuf>, base_url: Option<String>) -> Result<Settings> {
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        let overrides = Overrides {
            config_file: self.config,
            content_dir: self.content,
            output_dir: output,
            base_url,
        };
        Ok(Settings::load(overrides, &cwd)?)
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
        } => build(site.settings(output, base_url)?),
        Command::Export { site } => export(site.settings(None, None)?),
        Command::Check { site, strict } => check(site.settings(None, None)?, strict),
    }
}

fn build(settings: Settings) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let report = pmkb::build(&settings)?;
    let errors = print_diagnostics(&report.diagnostics);
    eprintln!(
        "built {} postmortems ({} files) into {} in {:.2?}",
        report.postmortems,
        report.files_written,
        settings.output_dir.display(),
        started.elapsed()
    );
    Ok(exit_code(errors > 0))
}

fn export(settings: Settings) -> Result<ExitCode> {
    let loaded = pmkb::load(&settings)?;
    let errors = print_diagnostics(&loaded.diagnostics);
    let records = pmkb::export::records(&loaded.kb);
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &records)?;
    writeln!(stdout)?;
    Ok(exit_code(errors > 0))
}

fn check(settings: Settings, strict: bool) -> Result<ExitCode> {
    let loaded = pmkb::load(&settings)?;
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(pmkb::check::lint(&loaded.kb));
    pmkb::diagnostics::sort(&mut diagnostics);
    let errors = print_diagnostics(&diagnostics);
    let warnings = diagnostics.len() - errors;
    eprintln!(
        "checked {} postmortems: {errors} errors, {warnings} warnings",
        loaded.kb.postmortems.len()
    );
    Ok(exit_code(errors > 0 || (strict && warnings > 0)))
}

/// Prints diagnostics to stderr and returns how many are errors.
fn print_diagnostics(diagnostics: &[Diagnostic]) -> usize {
    for d in diagnostics {
        eprintln!("{d}");
    }
    diagnostics.iter().filter(|d| d.is_error()).count()
}

fn exit_code(failed: bool) -> ExitCode {
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
