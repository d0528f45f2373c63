//! What `pmkb serve` keeps from one build to the next, so that a rebuild after an edit
//! recomputes only what the edit can change, and gives the same files as a full build:
//!
//! - each Markdown file's analysis (parse, extract, classify), by relative path, re-used
//!   while the file's text is the same (compared in full, not by a hash);
//! - the knowledge base's related incidents, re-used while every postmortem's slug,
//!   labels and scored texts are the same ([`crate::kb::related::same_inputs`]); their
//!   scores use corpus-wide statistics, so any other change recomputes them all;
//! - the rendered pages ([`PageMemo`]), re-used where a page's template context is
//!   unchanged.
//!
//! Everything is dropped when the settings, the taxonomy or the theme change. The search
//! index is refreshed by the build as usual (its scores are corpus-wide too).

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::{Config, Settings};
use crate::diagnostics::Diagnostic;
use crate::discover::SourceFile;
use crate::kb::{Entry, KnowledgeBase, related};
use crate::output::OutputFile;
use crate::render::PageMemo;
use crate::taxonomy::Taxonomy;
use crate::timings::Timings;
use crate::{BuildReport, Error};

/// One Markdown file's analysis and the text it was made from.
struct Analysed {
    text: String,
    entry: Entry,
    diagnostics: Vec<Diagnostic>,
}

/// The settings the kept state was built with.
#[derive(PartialEq)]
struct Basis {
    config: Config,
    content_dir: PathBuf,
    theme_dir: PathBuf,
    taxonomy_file: Option<PathBuf>,
}

impl Basis {
    fn of(settings: &Settings) -> Self {
        Self {
            config: settings.config.clone(),
            content_dir: settings.content_dir.clone(),
            theme_dir: settings.theme_dir.clone(),
            taxonomy_file: settings.taxonomy_file.clone(),
        }
    }
}

/// The previous build's per-file analyses, knowledge base and pages (owned by the rebuild
/// thread, never shared).
#[derive(Default)]
pub(super) struct State {
    basis: Option<Basis>,
    /// The taxonomy the analyses were classified with, serialised.
    taxonomy: String,
    analysed: HashMap<String, Analysed>,
    kb: Option<KnowledgeBase>,
    pages: PageMemo,
}

impl State {
    /// Drops everything kept (the theme changed, or something else a build reads besides
    /// the content folder).
    pub(super) fn forget(&mut self) {
        *self = Self::default();
    }

    /// How many pages the last build rendered (the others were re-used), of how many.
    pub(super) fn pages_rendered(&self) -> (usize, usize) {
        self.pages.pages_rendered()
    }

    /// Builds the site as [`crate::build_files`] does (an empty content folder allowed),
    /// re-using what the previous build computed from the same inputs.
    ///
    /// # Errors
    /// As [`crate::build_files`].
    pub(super) fn build(
        &mut self,
        settings: &Settings,
        timings: &Timings,
    ) -> Result<(Vec<OutputFile>, BuildReport), Error> {
        let basis = Basis::of(settings);
        if self.basis.as_ref() != Some(&basis) {
            self.forget();
            self.basis = Some(basis);
        }
        let fingerprint = crate::index_fingerprint(settings);
        let mut loaded = crate::load_sources(settings, timings, |sources, taxonomy, timings| {
            let span = timings.start("analyse");
            let entries = self.analyse(sources, taxonomy);
            span.end(entries.len());
            entries
        })?;
        let span = timings.start("kb: related");
        match &self.kb {
            Some(old) if related::same_inputs(&old.postmortems, &loaded.kb.postmortems) => {
                for (pm, old) in loaded.kb.postmortems.iter_mut().zip(&old.postmortems) {
                    pm.related.clone_from(&old.related);
                }
            }
            _ => loaded.kb.relate(),
        }
        span.end(loaded.kb.postmortems.len());
        let built = crate::site_files(settings, &loaded, &fingerprint, timings, Some(&self.pages));
        match &built {
            Ok(_) => {
                self.pages.finish();
                self.kb = Some(loaded.kb);
            }
            Err(_) => self.pages.abandon(),
        }
        built
    }

    /// The entries of `sources`, each re-used when its text is the one analysed last time
    /// with the same taxonomy, else analysed now (in parallel); the files no longer there
    /// are forgotten.
    fn analyse(
        &mut self,
        sources: Vec<SourceFile>,
        taxonomy: &Taxonomy,
    ) -> Vec<(Entry, Vec<Diagnostic>)> {
        let vocabulary = serde_json::to_string(taxonomy).expect("a taxonomy always serialises");
        if vocabulary != self.taxonomy {
            self.analysed.clear();
            self.taxonomy = vocabulary;
        }
        let mut previous = std::mem::take(&mut self.analysed);
        let kept: Vec<Option<Analysed>> = sources
            .iter()
            .map(|s| previous.remove(&s.rel_path).filter(|a| a.text == s.text))
            .collect();
        let analysed: Vec<Analysed> = sources
            .into_par_iter()
            .zip(kept)
            .map(|(source, kept)| {
                kept.unwrap_or_else(|| {
                    let (entry, diagnostics) = crate::analyse(&source, taxonomy);
                    Analysed {
                        text: source.text,
                        entry,
                        diagnostics,
                    }
                })
            })
            .collect();
        let entries = analysed
            .iter()
            .map(|a| (a.entry.clone(), a.diagnostics.clone()))
            .collect();
        self.analysed = analysed
            .into_iter()
            .map(|a| (a.entry.document.rel_path.clone(), a))
            .collect();
        entries
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Overrides;

    /// A copy of the repository's example content in a temporary site folder.
    fn example_site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let to = dir
                .path()
                .join("content")
                .join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else {
                std::fs::copy(entry.path(), &to).unwrap();
            }
        }
        dir
    }

    /// The state's rebuild gives exactly the files and findings of a full build.
    fn assert_same_as_full_build(state: &mut State, root: &Path, step: &str) {
        let settings = Settings::load(Overrides::default(), root).unwrap();
        let (files, report) = state.build(&settings, &Timings::disabled()).unwrap();
        let (full, full_report) =
            crate::build_files(&settings, true, &Timings::disabled()).unwrap();
        let paths = |files: &[OutputFile]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&files), paths(&full), "{step}: the same files");
        for (a, b) in files.iter().zip(&full) {
            assert!(a.bytes == b.bytes, "{step}: {} differs", a.path);
        }
        assert_eq!(report.diagnostics, full_report.diagnostics, "{step}");
        assert_eq!(report.postmortems, full_report.postmortems, "{step}");
    }

    fn edit(path: &Path, change: impl FnOnce(String) -> String) {
        let text = std::fs::read_to_string(path).unwrap();
        std::fs::write(path, change(text)).unwrap();
    }

    #[test]
    fn every_rebuild_equals_a_full_build_of_the_same_content() {
        let site = example_site();
        let root = site.path();
        let content = root.join("content");
        let mut state = State::default();
        assert_same_as_full_build(&mut state, root, "first build");
        let cert = content.join("2022-03-15-checkout-cert-expiry.md");
        edit(&cert, |t| {
            t + "\nThe renewal job now pages the on-call when it fails.\n"
        });
        assert_same_as_full_build(&mut state, root, "body edited");
        edit(&cert, |t| t.replacen("Checkout", "Basket", 1));
        assert_same_as_full_build(&mut state, root, "title edited");
        edit(&cert, |t| {
            t + "\n## Root cause\n\nA database connection pool was exhausted by retries.\n"
        });
        assert_same_as_full_build(&mut state, root, "root cause changed");
        let copy = std::fs::read_to_string(&cert).unwrap();
        std::fs::write(content.join("2025-01-02-new-incident.md"), &copy).unwrap();
        assert_same_as_full_build(&mut state, root, "file added (slug clash)");
        std::fs::rename(&cert, content.join("renamed.md")).unwrap();
        assert_same_as_full_build(&mut state, root, "file renamed");
        std::fs::remove_file(content.join("2023-01-09-order-service-disk-full.md")).unwrap();
        assert_same_as_full_build(&mut state, root, "file deleted");
        edit(&content.join("renamed.md"), |t| {
            t.replacen("---\n", "---\ndraft: true\n", 1)
        });
        assert_same_as_full_build(&mut state, root, "made a draft");
        std::fs::write(
            content.join("broken.md"),
            "---\ntitle: [unclosed\n---\nBody.\n",
        )
        .unwrap();
        assert_same_as_full_build(&mut state, root, "broken front matter");
        std::fs::write(root.join("pmkb.toml"), "title = \"Renamed KB\"\n").unwrap();
        assert_same_as_full_build(&mut state, root, "settings changed");
    }
}
