//! One rebuild: the settings re-read, the site built into memory (incrementally, from
//! what the previous build kept: [`State`]), and its errors turned into what the terminal
//! and the page overlay show.

use std::path::PathBuf;

use crate::config::{ConfigError, Overrides, Settings};
use crate::diagnostics::{Diagnostic, counted};
use crate::links::base_path;
use crate::output::MemorySite;
use crate::timings::Timings;

use super::incremental::State;

/// Where the settings come from, so each rebuild sees an edited `pmkb.toml`.
#[derive(Debug, Clone)]
pub struct SettingsSource {
    /// The command-line flags.
    pub overrides: Overrides,
    /// The folder relative paths on the command line start from.
    pub cwd: PathBuf,
}

impl SettingsSource {
    /// Reads the settings afresh.
    ///
    /// # Errors
    /// The settings file cannot be read or is invalid.
    pub fn load(&self) -> Result<Settings, ConfigError> {
        Settings::load(self.overrides.clone(), &self.cwd)
    }
}

/// A built site and the URL path it is served under (`/kb/` for a base URL
/// `https://org.github.io/kb/`, else `/`).
pub(super) struct Snapshot {
    pub site: MemorySite,
    pub base_path: String,
}

/// A finished build.
pub(super) struct Built {
    pub snapshot: Snapshot,
    pub postmortems: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// Pages rendered by this build (the others were re-used), of `pages`.
    pub rendered: usize,
    pub pages: usize,
}

/// Builds the site described by `settings` into memory, re-using what `state` kept,
/// recording each stage in `timings`.
pub(super) fn build(
    settings: &Settings,
    state: &mut State,
    timings: &Timings,
) -> Result<Built, crate::Error> {
    let (files, report) = state.build(settings, timings)?;
    let (rendered, pages) = state.pages_rendered();
    let site = MemorySite::new(files)?;
    Ok(Built {
        snapshot: Snapshot {
            site,
            base_path: base_path(&settings.config.base_url),
        },
        postmortems: report.postmortems,
        diagnostics: report.diagnostics,
        rendered,
        pages,
    })
}

/// Where a rebuild's time went, one `stage time` pair per stage, for the terminal.
fn stages(timings: &Timings) -> String {
    let stages: Vec<String> = timings
        .stages()
        .iter()
        .map(|s| format!("{} {:.0?}", s.name, s.wall))
        .collect();
    stages.join(", ")
}

/// The error-level findings, as the text the overlay shows (one entry each).
pub(super) fn problems(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect()
}

/// The result of one rebuild, for the watcher to act on.
pub(super) enum Outcome {
    /// A site without errors, to serve from now on.
    Good(Snapshot),
    /// What broke: the previous site stays.
    Broken(Vec<String>),
}

/// Rebuilds from `source`, printing what it found. Settings that do not load, a build that
/// fails, and a build with error-level findings are all `Broken`.
pub(super) fn rebuild(source: &SettingsSource, state: &mut State) -> (Outcome, Option<Settings>) {
    let started = std::time::Instant::now();
    let settings = match source.load() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("error: {e}");
            return (Outcome::Broken(vec![format!("error: {e}")]), None);
        }
    };
    let timings = Timings::enabled();
    let outcome = match build(&settings, state, &timings) {
        Err(e) => {
            // The library's errors name their cause in their own message.
            let text = format!("error: {e}");
            eprintln!("{text}");
            Outcome::Broken(vec![text])
        }
        Ok(built) => {
            let problems = problems(&built.diagnostics);
            for problem in &problems {
                eprintln!("{problem}");
            }
            let warnings = built.diagnostics.len() - problems.len();
            if problems.is_empty() {
                eprintln!(
                    "rebuilt {} in {:.0?} ({}; {} of {} pages rendered again; {})",
                    counted(built.postmortems, "postmortem"),
                    started.elapsed(),
                    counted(warnings, "warning"),
                    built.rendered,
                    built.pages,
                    stages(&timings)
                );
                Outcome::Good(built.snapshot)
            } else {
                eprintln!(
                    "{}: still serving the last good site; fix them to reload",
                    counted(problems.len(), "error")
                );
                Outcome::Broken(problems)
            }
        }
    };
    (outcome, Some(settings))
}
