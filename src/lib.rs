//! pmkb: a static site generator for postmortem knowledge bases.
//!
//! A build is a pipeline of plain values: [`discover`] → [`parse`] → [`extract`] →
//! [`classify`] → [`kb`] → [`render`] and [`search`] → [`output`]. Only `discover` and
//! `output` touch the disk (and `search` its own index cache folder); every stage between
//! them is pure and runs in parallel.

pub mod annotations;
pub mod cache;
pub mod check;
pub mod classify;
pub mod config;
pub mod cues;
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
pub mod timings;

use std::path::PathBuf;

use rayon::prelude::*;

use config::Settings;
use diagnostics::Diagnostic;
use discover::Asset;
use kb::KnowledgeBase;
use search::SearchIndex;
use taxonomy::Taxonomy;
use timings::Timings;

/// The version shown in generated pages.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Failures that stop a build before anything is written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The site's taxonomy file cannot be read, is not a regular file or is too big.
    #[error("cannot read taxonomy file {path}: {source}")]
    TaxonomyRead {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: discover::ReadError,
    },
    /// The content folder is missing or not a folder.
    #[error(transparent)]
    Content(#[from] discover::FolderError),
    /// The content folder holds no postmortem that could be read.
    #[error(
        "no postmortem in {path} ({}); pass --allow-empty to build an empty knowledge base on purpose",
        unreadable_note(*unreadable)
    )]
    NoPostmortems {
        /// The content folder.
        path: PathBuf,
        /// Markdown files found that could not be used.
        unreadable: usize,
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
    /// The search index cache cannot be rebuilt (a full disk, say).
    #[error("cannot rebuild the search index cache in {dir}: {source}")]
    IndexCache {
        /// The cache folder (`index_dir`).
        dir: PathBuf,
        /// The failure.
        source: search::SearchError,
    },
}

/// Why a content folder gave no postmortem: no Markdown file, or none readable.
fn unreadable_note(unreadable: usize) -> String {
    match unreadable {
        0 => "no *.md file".to_owned(),
        n => format!("{n} Markdown files could not be read; `pmkb check` says why"),
    }
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
    let limit = settings.config.max_file_bytes;
    let text = discover::read_text(path, limit).map_err(|source| Error::TaxonomyRead {
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
///
/// # Errors
/// [`Error::Content`] when the content folder is missing or not a folder; the taxonomy
/// file's errors.
pub fn load(settings: &Settings) -> Result<Loaded, Error> {
    load_timed(settings, &Timings::disabled())
}

/// [`load`], recording each stage in `timings`.
pub fn load_timed(settings: &Settings, timings: &Timings) -> Result<Loaded, Error> {
    let mut loaded = load_unrelated(settings, timings)?;
    let span = timings.start("kb: related");
    loaded.kb.relate();
    span.end(loaded.kb.postmortems.len());
    Ok(loaded)
}

/// [`load`] without the related incidents (which search does not index).
///
/// Files whose analysis the per-file cache holds (same path and text, same pmkb and
/// taxonomy) are not analysed again; the others are, and their analyses are cached.
fn load_unrelated(settings: &Settings, timings: &Timings) -> Result<Loaded, Error> {
    let mut warnings = Vec::new();
    let mut loaded = load_sources(settings, timings, |sources, taxonomy, timings| {
        let files = cache::DocCache::open(&settings.file_cache_dir(), cache::salt(taxonomy));
        let entries = analyse_cached(&files, sources, taxonomy, timings);
        warnings = files.take_warnings();
        entries
    })?;
    if !warnings.is_empty() {
        loaded.diagnostics.extend(warnings);
        diagnostics::sort(&mut loaded.diagnostics);
    }
    Ok(loaded)
}

/// [`analyse_all`] through the per-file cache `files`: the analyses it holds are taken
/// from it, the other sources are analysed and their analyses saved in it.
fn analyse_cached(
    files: &cache::DocCache,
    sources: Vec<discover::SourceFile>,
    taxonomy: &Taxonomy,
    timings: &Timings,
) -> Vec<(kb::Entry, Vec<Diagnostic>)> {
    let span = timings.start("file cache: read");
    let (keys, cached, missed) = lookup(files, sources);
    span.end(cached.len());
    let (missed_keys, missed): (Vec<cache::Key>, Vec<discover::SourceFile>) =
        missed.into_iter().unzip();
    let entries = analyse_all(missed, taxonomy, timings);
    let span = timings.start("file cache: write");
    let fresh: Vec<(cache::Key, Vec<u8>)> = missed_keys
        .par_iter()
        .zip(&entries)
        .map(|(key, (entry, found))| (*key, cache::encode(entry, found)))
        .collect();
    files.save(&keys, &fresh);
    span.end(fresh.len());
    let cached = cached.into_iter().map(|a| (a.entry, a.diagnostics));
    entries.into_iter().chain(cached).collect()
}

/// The postmortems of `sources` analysed (parsed, extracted, classified by `taxonomy`),
/// each with what was found wrong in it, in parallel, recording each stage in `timings`.
fn analyse_all(
    sources: Vec<discover::SourceFile>,
    taxonomy: &Taxonomy,
    timings: &Timings,
) -> Vec<(kb::Entry, Vec<Diagnostic>)> {
    let span = timings.start("parse");
    let parsed: Vec<(parse::Document, Vec<Diagnostic>)> =
        sources.into_par_iter().map(|s| parse::parse(&s)).collect();
    span.end(parsed.len());
    let span = timings.start("extract");
    let extracted: Vec<(extract::Extracted, Vec<Diagnostic>)> = parsed
        .par_iter()
        .map(|(document, _)| extract::extract(document))
        .collect();
    span.end(extracted.len());
    let span = timings.start("classify");
    let entries: Vec<(kb::Entry, Vec<Diagnostic>)> = parsed
        .into_par_iter()
        .zip(extracted)
        .map(|(parsed, extracted)| classified(parsed, extracted, taxonomy))
        .collect();
    span.end(entries.len());
    entries
}

/// One postmortem analysed: parsed, extracted and classified by `taxonomy`, with what was
/// found wrong in it (the per-file step of [`load`], for callers that keep entries of
/// unchanged files, such as `pmkb serve`).
pub fn analyse(source: &discover::SourceFile, taxonomy: &Taxonomy) -> (kb::Entry, Vec<Diagnostic>) {
    let parsed = parse::parse(source);
    let extracted = extract::extract(&parsed.0);
    classified(parsed, extracted, taxonomy)
}

/// A parsed and extracted postmortem classified into its knowledge-base entry, with the
/// findings of the three steps.
fn classified(
    (document, mut found): (parse::Document, Vec<Diagnostic>),
    (facts, more): (extract::Extracted, Vec<Diagnostic>),
    taxonomy: &Taxonomy,
) -> (kb::Entry, Vec<Diagnostic>) {
    found.extend(more);
    let (labels, more) =
        classify::classify(&document.rel_path, &document.front_matter, &facts, taxonomy);
    found.extend(more);
    let entry = kb::Entry {
        document,
        facts,
        labels,
    };
    (entry, found)
}

/// The content folder read into a knowledge base without related incidents, where
/// `analyse` turns the Markdown files found into entries ([`analyse_all`] for a build;
/// `pmkb serve` re-analyses only the files that changed).
///
/// # Errors
/// As [`load`].
pub fn load_sources(
    settings: &Settings,
    timings: &Timings,
    analyse: impl FnOnce(
        Vec<discover::SourceFile>,
        &Taxonomy,
        &Timings,
    ) -> Vec<(kb::Entry, Vec<Diagnostic>)>,
) -> Result<Loaded, Error> {
    discover::check_folder(&settings.content_dir)?;
    let taxonomy = load_taxonomy(settings)?;
    let limits = discover::Limits {
        markdown: settings.config.max_file_bytes,
        asset: settings.config.max_asset_bytes,
    };
    let span = timings.start("discover");
    let found = discover::discover(&settings.content_dir, limits);
    span.end(found.sources.len() + found.assets.len());
    let mut diagnostics = found.diagnostics;
    let entries = analyse(found.sources, &taxonomy, timings);
    let mut analysed = Vec::with_capacity(entries.len());
    // A draft is left out with its findings unless drafts are wanted (`pmkb check`).
    let wanted = |entry: &kb::Entry| settings.drafts || !entry.document.front_matter.draft;
    for (entry, found) in entries.into_iter().filter(|(entry, _)| wanted(entry)) {
        analysed.push(entry);
        diagnostics.extend(found);
    }
    let span = timings.start("kb");
    let (kb, more) = KnowledgeBase::assemble(analysed, taxonomy);
    span.end(kb.postmortems.len());
    diagnostics.extend(more);
    diagnostics::sort(&mut diagnostics);
    Ok(Loaded {
        kb,
        assets: found.assets,
        diagnostics,
    })
}

/// The key of every source file, the cached analyses of those `files` holds, and the
/// other sources (to analyse) with their keys.
fn lookup(
    files: &cache::DocCache,
    sources: Vec<discover::SourceFile>,
) -> (
    Vec<cache::Key>,
    Vec<cache::Analysed>,
    Vec<(cache::Key, discover::SourceFile)>,
) {
    let found: Vec<(cache::Key, Result<cache::Analysed, discover::SourceFile>)> = sources
        .into_par_iter()
        .map(|source| {
            let key = cache::Key::of(&source.rel_path, &source.text);
            (key, files.get(key).ok_or(source))
        })
        .collect();
    let keys = found.iter().map(|(key, _)| *key).collect();
    let mut cached = Vec::new();
    let mut missed = Vec::new();
    for (key, found) in found {
        match found {
            Ok(analysed) => cached.push(analysed),
            Err(source) => missed.push((key, source)),
        }
    }
    (keys, cached, missed)
}

/// Refuses a knowledge base without any postmortem (a typo'd or emptied content folder
/// must not replace a site with an empty one).
fn require_postmortems(settings: &Settings, loaded: &Loaded) -> Result<(), Error> {
    if !loaded.kb.postmortems.is_empty() {
        return Ok(());
    }
    let unreadable = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && discover::is_markdown(std::path::Path::new(&d.path)))
        .count();
    Err(Error::NoPostmortems {
        path: settings.content_dir.clone(),
        unreadable,
    })
}

/// Choices of one build run that are not site settings (command-line flags).
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Replace an output folder that pmkb did not write.
    pub force: bool,
    /// Build a site from a content folder without any postmortem.
    pub allow_empty: bool,
    /// Wait for another build writing the same output instead of failing at once.
    pub wait: bool,
}

/// What a build did.
pub struct BuildReport {
    /// Pages and files written.
    pub files_written: usize,
    /// Postmortems in the site.
    pub postmortems: usize,
    /// How many of them are drafts (`draft: true`; loaded only with [`Settings::drafts`]).
    pub drafts: usize,
    /// Findings about the input.
    pub diagnostics: Vec<Diagnostic>,
}

/// Renders a loaded knowledge base into the site's files, without writing them, with
/// what was found wrong in the theme folder (a link leading out of it, an unreadable file).
///
/// With a `memo` (`pmkb serve`), a page whose template context is the one it was last
/// rendered from is taken from the memo instead of being rendered again.
pub fn render_site(
    settings: &Settings,
    loaded: &Loaded,
    memo: Option<&render::PageMemo>,
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
            index: if settings.config.relative_index {
                "index.html"
            } else {
                ""
            },
        },
        theme: &theme,
        assets: &loaded.assets,
        trust_html: settings.config.trust_html,
        memo,
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

/// What the search index is built from (taken before loading the content it describes):
/// the stamps of the content and taxonomy files
/// (metadata only, so checking is fast) and the settings that change what is loaded.
pub fn index_fingerprint(settings: &Settings) -> String {
    let mut parts = vec![
        settings.content_dir.display().to_string(),
        settings.config.max_file_bytes.to_string(),
    ];
    parts.extend(discover::stamp_lines(
        &[&settings.content_dir],
        settings.taxonomy_file.as_deref(),
    ));
    search::fingerprint(parts.iter().map(String::as_str))
}

/// The search index of the site, opened from its cache folder, or rebuilt from the
/// content when the content or settings changed since it was built (or it is missing).
/// When it was rebuilt, the findings about the input come with it, after a warning about
/// the cache when it was unusable.
pub fn search_index(settings: &Settings) -> Result<(SearchIndex, Option<Vec<Diagnostic>>), Error> {
    let fingerprint = index_fingerprint(settings);
    if let Some(index) = SearchIndex::open_fresh(&settings.index_dir, &fingerprint) {
        return Ok((index, None));
    }
    let loaded = load_unrelated(settings, &Timings::disabled())?;
    require_postmortems(settings, &loaded)?;
    let (index, mut diagnostics) =
        SearchIndex::rebuild(&settings.index_dir, &fingerprint, &loaded.kb)
            .map_err(|source| index_cache_error(settings, source))?;
    diagnostics.extend(loaded.diagnostics);
    Ok((index, Some(diagnostics)))
}

/// A failed rebuild of the index cache, naming its folder.
fn index_cache_error(settings: &Settings, source: search::SearchError) -> Error {
    Error::IndexCache {
        dir: settings.index_dir.clone(),
        source,
    }
}

/// The search index files of the site: the tantivy index is refreshed in its cache
/// folder (when `fingerprint`, taken before loading, is not the one it was built from)
/// and the static index is exported from it.
fn search_site(
    settings: &Settings,
    fingerprint: &str,
    kb: &KnowledgeBase,
    timings: &Timings,
) -> Result<(Vec<output::OutputFile>, Vec<Diagnostic>), Error> {
    let span = timings.start_concurrent("tantivy index");
    let (index, warnings) = match SearchIndex::open_fresh(&settings.index_dir, fingerprint) {
        Some(index) => (index, Vec::new()),
        None => SearchIndex::rebuild(&settings.index_dir, fingerprint, kb)
            .map_err(|source| index_cache_error(settings, source))?,
    };
    span.end(kb.postmortems.len());
    let span = timings.start_concurrent("static search");
    let files = search::web::export(&index, kb)?;
    span.end(files.len());
    Ok((files, warnings))
}

/// The whole build with the default [`BuildOptions`].
///
/// # Errors
/// As [`build_with`].
pub fn build(settings: &Settings) -> Result<BuildReport, Error> {
    build_with(settings, BuildOptions::default(), &Timings::disabled())
}

/// The whole build: claim the output folder (lock, recovery of a killed build, checks),
/// load, render and index (in parallel), and write the site atomically to the output
/// folder, recording each stage in `timings`. Input problems are reported in the result;
/// the pages that could be built are written.
///
/// # Errors
/// A refused or busy output, a missing or empty content folder, a bad taxonomy or theme,
/// or a failed write; the previous site is then left as it was.
pub fn build_with(
    settings: &Settings,
    options: BuildOptions,
    timings: &Timings,
) -> Result<BuildReport, Error> {
    let folders = [settings.content_dir.as_path(), &settings.theme_dir];
    let mut kept = vec![settings.root.as_path(), &settings.index_dir];
    kept.extend(settings.taxonomy_file.as_deref());
    let inputs = output::Inputs {
        folders: &folders,
        kept: &kept,
    };
    let claim = output::Claim {
        force: options.force,
        wait: options.wait,
    };
    let target = output::Target::claim(&settings.output_dir, &inputs, claim)?;
    let record = settings.build_record();
    let span = timings.start("up-to-date check");
    let fingerprint = cache::site::inputs(settings, options.allow_empty);
    let unchanged = cache::site::unchanged(&record, &fingerprint, &settings.output_dir);
    span.end(usize::from(unchanged.is_some()));
    if let Some(report) = unchanged {
        return Ok(report);
    }
    let (files, mut report) = build_files(settings, options.allow_empty, timings)?;
    let span = timings.start("write");
    let unwritten = target.write(&files)?;
    span.end(files.len());
    report.files_written = files.len() - unwritten.len();
    report
        .diagnostics
        .extend(unwritten.iter().map(unwritten_diagnostic));
    diagnostics::sort(&mut report.diagnostics);
    cache::site::remember(&record, &fingerprint, &settings.output_dir, &report);
    Ok(report)
}

/// The whole build without writing it: every file of the site as a value (sorted by path),
/// for the disk writer or the memory one (`pmkb serve`), recording each stage in
/// `timings`. Links that lead nowhere are reported among the diagnostics. `pmkb serve`
/// builds the same files from the same steps ([`load_sources`], [`site_files`]),
/// re-using what its previous build computed.
///
/// # Errors
/// A missing content folder, or one without any postmortem unless `allow_empty`; a bad
/// taxonomy or theme; an index cache that cannot be written.
pub fn build_files(
    settings: &Settings,
    allow_empty: bool,
    timings: &Timings,
) -> Result<(Vec<output::OutputFile>, BuildReport), Error> {
    let fingerprint = index_fingerprint(settings);
    let loaded = load_timed(settings, timings)?;
    if !allow_empty {
        require_postmortems(settings, &loaded)?;
    }
    site_files(settings, &loaded, &fingerprint, timings, None)
}

/// Every file of the site built from `loaded` (sorted by path) with the build's report:
/// pages rendered (through `memo`, see [`render_site`]) while the search index whose
/// inputs have `fingerprint` ([`index_fingerprint`], taken before loading) is refreshed
/// and exported.
///
/// # Errors
/// A bad theme; an index cache that cannot be written.
pub fn site_files(
    settings: &Settings,
    loaded: &Loaded,
    fingerprint: &str,
    timings: &Timings,
    memo: Option<&render::PageMemo>,
) -> Result<(Vec<output::OutputFile>, BuildReport), Error> {
    let both = timings.start("render + search");
    let (pages, search) = rayon::join(
        || {
            let span = timings.start_concurrent("render");
            let pages = render_site(settings, loaded, memo);
            span.end(pages.as_ref().map_or(0, |(files, _)| files.len()));
            pages
        },
        || search_site(settings, fingerprint, &loaded.kb, timings),
    );
    let (mut files, mut theme_diagnostics) = pages?;
    let (search_files, cache_warnings) = search?;
    files.extend(search_files);
    theme_diagnostics.extend(cache_warnings);
    // GitHub Pages serves the folder as it is, without Jekyll (which drops `_` files).
    files.push(output::OutputFile::text(".nojekyll", String::new()));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    both.end(files.len());
    let report = report(settings, loaded, &files, files.len(), theme_diagnostics);
    Ok((files, report))
}

/// The report on a loaded site rendered into `files`: its findings, `more` findings and
/// the links that lead nowhere, sorted.
fn report(
    settings: &Settings,
    loaded: &Loaded,
    files: &[output::OutputFile],
    files_written: usize,
    more: Vec<Diagnostic>,
) -> BuildReport {
    let base_url = &settings.config.base_url;
    let mut diagnostics = links::check(&loaded.kb, &loaded.assets, files, base_url);
    diagnostics.extend(loaded.diagnostics.iter().cloned());
    diagnostics.extend(more);
    diagnostics::sort(&mut diagnostics);
    BuildReport {
        files_written,
        postmortems: loaded.kb.postmortems.len(),
        drafts: loaded
            .kb
            .postmortems
            .iter()
            .filter(|pm| pm.document.front_matter.draft)
            .count(),
        diagnostics,
    }
}

/// What `pmkb check` finds: the input's diagnostics, the linter's and the link
/// checker's (which renders the site in memory to know its pages and ids), sorted.
/// Drafts are checked too: a postmortem is checked while it is written, before it is
/// published.
pub fn check_site(settings: &Settings) -> Result<BuildReport, Error> {
    let settings = &Settings {
        drafts: true,
        ..settings.clone()
    };
    let loaded = load(settings)?;
    let (files, _) = render_site(settings, &loaded, None)?;
    let mut findings = check::lint(&loaded.kb);
    findings.extend(check::unlinked(&loaded.assets, &files));
    Ok(report(settings, &loaded, &files, 0, findings))
}

/// A site file the file system refused, named by its content path when it is a copied
/// attachment (`files/…`).
fn unwritten_diagnostic(file: &output::Unwritten) -> Diagnostic {
    let path = file.path.strip_prefix("files/").unwrap_or(&file.path);
    Diagnostic::error(
        path,
        format!("cannot be written to the site: {}; skipped", file.error),
    )
    .with_hint("shorten its path (or the output folder's); the rest of the site was written")
}
