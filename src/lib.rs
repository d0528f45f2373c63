//! pmkb: a static site generator for postmortem knowledge bases.
//!
//! A build is a pipeline of plain values: [`discover`] → [`parse`] → [`extract`] →
//! [`classify`] → [`kb`] → [`render`] and [`search`] → [`output`]. Only `discover` and
//! `output` touch the disk (and `search` its own index cache folder); every stage between
//! them is pure and runs in parallel.

pub mod annotations;
pub mod check;
pub mod classify;
pub mod config;
pub mod diagnostics;
pub mod discover;
pub mod export;
pub mod extract;
pub mod kb;
pub mod links;
pub mod output;
pub mod parse;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod taxonomy;

use std::path::PathBuf;

use rayon::prelude::*;

use config::Settings;
use diagnostics::Diagnostic;
use discover::Asset;
use kb::KnowledgeBase;
use search::SearchIndex;
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
    /// The search index cannot be built or read.
    #[error(transparent)]
    Search(#[from] search::SearchError),
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
    let limits = discover::Limits {
        markdown: settings.config.max_file_bytes,
        asset: settings.config.max_asset_bytes,
    };
    let found = discover::discover(&settings.content_dir, limits);
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

/// Renders a loaded knowledge base into the site's files, without writing them, with
/// what was found wrong in the theme folder (a link leading out of it, an unreadable file).
pub fn render_site(
    settings: &Settings,
    loaded: &Loaded,
) -> Result<(Vec<output::OutputFile>, Vec<Diagnostic>), Error> {
    let theme_found = if settings.theme_dir.is_dir() {
        discover::discover(&settings.theme_dir, discover::Limits::NONE)
    } else {
        discover::Discovered::default()
    };
    let theme = render::Theme::load(&theme_found.assets)?;
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
    let files = render::render(&loaded.kb, &input)?;
    let theme_dir = settings
        .theme_dir
        .strip_prefix(&settings.root)
        .unwrap_or(&settings.theme_dir)
        .display()
        .to_string();
    let diagnostics = theme_found
        .diagnostics
        .into_iter()
        .map(|d| Diagnostic {
            path: format!("{theme_dir}/{}", d.path),
            ..d
        })
        .collect();
    Ok((files, diagnostics))
}

/// What the search index is built from: the stamps of the content and taxonomy files
/// (metadata only, so checking is fast) and the settings that change what is loaded.
fn index_fingerprint(settings: &Settings) -> String {
    let mut parts = vec![
        settings.content_dir.display().to_string(),
        settings.config.max_file_bytes.to_string(),
    ];
    let taxonomy = settings
        .taxonomy_file
        .iter()
        .filter_map(|p| discover::stamp(p));
    let stamps = discover::stamps(&settings.content_dir)
        .into_iter()
        .chain(taxonomy);
    parts.extend(stamps.map(|s| format!("{}\t{}\t{}", s.path, s.len, s.modified_ns)));
    search::fingerprint(parts.iter().map(String::as_str))
}

/// The search index of the site, opened from its cache folder, or rebuilt from the
/// content when the content or settings changed since it was built (or it is missing).
/// When it was rebuilt, the findings about the input come with it.
pub fn search_index(settings: &Settings) -> Result<(SearchIndex, Option<Vec<Diagnostic>>), Error> {
    let fingerprint = index_fingerprint(settings);
    if let Some(index) = SearchIndex::open_fresh(&settings.index_dir, &fingerprint) {
        return Ok((index, None));
    }
    let loaded = load(settings)?;
    let index = SearchIndex::rebuild(&settings.index_dir, &fingerprint, &loaded.kb)?;
    Ok((index, Some(loaded.diagnostics)))
}

/// The search index files of the site: the tantivy index is refreshed in its cache
/// folder (when `fingerprint`, taken before loading, is not the one it was built from)
/// and the static index is exported from it.
fn search_site(
    settings: &Settings,
    fingerprint: &str,
    kb: &KnowledgeBase,
) -> Result<Vec<output::OutputFile>, Error> {
    let index = match SearchIndex::open_fresh(&settings.index_dir, fingerprint) {
        Some(index) => index,
        None => SearchIndex::rebuild(&settings.index_dir, fingerprint, kb)?,
    };
    Ok(search::web::export(&index, kb)?)
}

/// The whole build: load, render and index (in parallel), and write the site atomically
/// to the output folder. Input problems are reported in the result; the pages that could
/// be built are written.
pub fn build(settings: &Settings) -> Result<BuildReport, Error> {
    let inputs = [
        settings.root.as_path(),
        &settings.content_dir,
        &settings.theme_dir,
    ];
    output::check_target(&settings.output_dir, &inputs)?;
    let (files, report) = build_files(settings)?;
    output::write_site(&settings.output_dir, &files)?;
    Ok(report)
}

/// The whole build without writing it: every file of the site as a value (sorted by path),
/// for the disk writer or the memory one (`pmkb serve`). Links that lead nowhere are
/// reported among the diagnostics. This is the one entry point a rebuild calls.
pub fn build_files(settings: &Settings) -> Result<(Vec<output::OutputFile>, BuildReport), Error> {
    let fingerprint = index_fingerprint(settings);
    let loaded = load(settings)?;
    let (pages, search) = rayon::join(
        || render_site(settings, &loaded),
        || search_site(settings, &fingerprint, &loaded.kb),
    );
    let (mut files, theme_diagnostics) = pages?;
    files.extend(search?);
    // GitHub Pages serves the folder as it is, without Jekyll (which drops `_` files).
    files.push(output::OutputFile::text(".nojekyll", String::new()));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let report = report(settings, loaded, &files, files.len(), theme_diagnostics);
    Ok((files, report))
}

/// The report on a loaded site rendered into `files`: its findings, `more` findings and
/// the links that lead nowhere, sorted.
fn report(
    settings: &Settings,
    loaded: Loaded,
    files: &[output::OutputFile],
    files_written: usize,
    more: Vec<Diagnostic>,
) -> BuildReport {
    let base_url = &settings.config.base_url;
    let mut diagnostics = links::check(&loaded.kb, &loaded.assets, files, base_url);
    diagnostics.extend(loaded.diagnostics);
    diagnostics.extend(more);
    diagnostics::sort(&mut diagnostics);
    BuildReport {
        files_written,
        postmortems: loaded.kb.postmortems.len(),
        diagnostics,
    }
}

/// What `pmkb check` finds: the input's diagnostics, the linter's and the link
/// checker's (which renders the site in memory to know its pages and ids), sorted.
pub fn check_site(settings: &Settings) -> Result<BuildReport, Error> {
    let loaded = load(settings)?;
    let (files, _) = render_site(settings, &loaded)?;
    let lint = check::lint(&loaded.kb);
    Ok(report(settings, loaded, &files, 0, lint))
}
