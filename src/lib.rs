//! pmkb: a static site generator for postmortem knowledge bases.
//!
//! A build is a pipeline of plain values: [`discover`] → [`parse`] → [`extract`] →
//! [`classify`] → [`kb`] → [`render`] → [`output`]. Only `discover` and `output` touch
//! the disk; every stage between them is pure and runs in parallel.

pub mod check;
pub mod classify;
pub mod config;
pub mod diagnostics;
pub mod discover;
pub mod export;
pub mod extract;
pub mod kb;
pub mod output;
pub mod parse;
pub mod render;
pub mod taxonomy;

use std::path::PathBuf;

use rayon::prelude::*;

use config::Settings;
use diagnostics::Diagnostic;
use discover::Asset;
use kb::KnowledgeBase;
use taxonomy::Taxonomy;

/// The version shown in generated pages.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Failures that stop a build before anything is written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The site's taxonomy file cannot be read.
    #[error("cannot read taxonomy file {path}: {source}")]
    TaxonomyRead {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// The site's taxonomy file is invalid.
    #[error("taxonomy file {path}: {source}")]
    Taxonomy {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        source: taxonomy::TaxonomyError,
    },
    /// The theme does not load.
    #[error(transparent)]
    Theme(#[from] render::ThemeError),
    /// A page does not render.
    #[error(transparent)]
    Render(#[from] render::RenderError),
    /// The site cannot be written.
    #[error(transparent)]
    Output(#[from] output::OutputError),
}

/// A content folder read into a knowledge base.
pub struct Loaded {
    /// The knowledge base.
    pub kb: KnowledgeBase,
    /// Non-Markdown files of the content folder.
    pub assets: Vec<Asset>,
    /// Everything found wrong on the way, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
}

/// The taxonomy of a site: the built-in one merged with the site's file, if any.
pub fn load_taxonomy(settings: &Settings) -> Result<Taxonomy, Error> {
    let builtin = Taxonomy::builtin();
    let Some(path) = &settings.taxonomy_file else {
        return Ok(builtin);
    };
    let text = std::fs::read_to_string(path).map_err(|source| Error::TaxonomyRead {
        path: path.clone(),
        source,
    })?;
    let site = Taxonomy::from_toml(&text).map_err(|source| Error::Taxonomy {
        path: path.clone(),
        source,
    })?;
    Ok(builtin.merge(site))
}

/// Reads, parses, extracts and classifies every postmortem of the content folder.
pub fn load(settings: &Settings) -> Result<Loaded, Error> {
    let taxonomy = load_taxonomy(settings)?;
    let found = discover::discover(&settings.content_dir, settings.config.max_file_bytes);
    let mut diagnostics = found.diagnostics;
    let analysed: Vec<(kb::Entry, Vec<Diagnostic>)> = found
        .sources
        .par_iter()
        .map(|source| {
            let (document, mut found) = parse::parse(source);
            let (facts, more) = extract::extract(&document);
            found.extend(more);
            let (labels, more) =
                classify::classify(&source.rel_path, &document.front_matter, &facts, &taxonomy);
            found.extend(more);
            (
                kb::Entry {
                    document,
                    facts,
                    labels,
                },
                found,
            )
        })
        .collect();
    let mut entries = Vec::with_capacity(analysed.len());
    for (entry, found) in analysed {
        entries.push(entry);
        diagnostics.extend(found);
    }
    let (kb, more) = KnowledgeBase::new(entries, taxonomy);
    diagnostics.extend(more);
    diagnostics::sort(&mut diagnostics);
    Ok(Loaded {
        kb,
        assets: found.assets,
        diagnostics,
    })
}

/// What a build did.
pub struct BuildReport {
    /// Pages and files written.
    pub files_written: usize,
    /// Postmortems in the site.
    pub postmortems: usize,
    /// Findings about the input.
    pub diagnostics: Vec<Diagnostic>,
}

/// Renders a loaded knowledge base into the site's files, without writing them.
pub fn render_site(settings: &Settings, loaded: &Loaded) -> Result<Vec<output::OutputFile>, Error> {
    let theme_files = if settings.theme_dir.is_dir() {
        discover::discover(&settings.theme_dir, u64::MAX).assets
    } else {
        Vec::new()
    };
    let theme = render::Theme::load(&theme_files)?;
    let input = render::RenderInput {
        site: render::views::SiteView {
            title: settings.config.title.clone(),
            description: settings.config.description.clone(),
            base_url: settings.config.base_url.clone(),
            generator: format!("pmkb {VERSION}"),
        },
        theme: &theme,
        assets: &loaded.assets,
        trust_html: settings.config.trust_html,
    };
    Ok(render::render(&loaded.kb, &input)?)
}

/// The whole build: load, render and write the site atomically to the output folder.
/// Input problems are reported in the result; the pages that could be built are written.
pub fn build(settings: &Settings) -> Result<BuildReport, Error> {
    let inputs = [
        settings.root.as_path(),
        &settings.content_dir,
        &settings.theme_dir,
    ];
    output::check_target(&settings.output_dir, &inputs)?;
    let loaded = load(settings)?;
    let files = render_site(settings, &loaded)?;
    output::write_site(&settings.output_dir, &files)?;
    Ok(BuildReport {
        files_written: files.len(),
        postmortems: loaded.kb.postmortems.len(),
        diagnostics: loaded.diagnostics,
    })
}
