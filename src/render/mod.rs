//! Rendering: the knowledge base into HTML pages (in parallel) and the theme's static
//! files, as values for `output` to write.

mod anchors;
mod breaks;
pub mod charts;
mod feeds;
mod insights;
mod listing;
mod markdown;
mod memo;
mod nesting;
mod outline;
mod postmortem;
mod taxonomy_pages;
mod theme;
pub mod views;

pub use markdown::sanitise;
pub use memo::PageMemo;
pub use theme::{Theme, ThemeError};

use std::collections::BTreeSet;

use rayon::prelude::*;
use serde::Serialize;

use crate::discover::Asset;
use crate::kb::{CategoryUse, KnowledgeBase, Postmortem};
use crate::output::OutputFile;
use taxonomy_pages::Kind;
use views::{Chip, SiteView};

/// Why a page could not be rendered.
#[derive(Debug, thiserror::Error)]
#[error("cannot render {page} with template {template}: {message}")]
pub struct RenderError {
    /// The page's output path.
    pub page: String,
    /// The template used.
    pub template: String,
    /// Tera's explanation.
    pub message: String,
}

/// Everything rendering needs besides the knowledge base.
pub struct RenderInput<'a> {
    /// Site-wide values.
    pub site: SiteView,
    /// Loaded theme.
    pub theme: &'a Theme,
    /// Files from the content folder that pages may embed.
    pub assets: &'a [Asset],
    /// Keep raw HTML from postmortems unsanitised.
    pub trust_html: bool,
    /// The previous build's pages, re-used where their context is unchanged (`pmkb serve`).
    pub memo: Option<&'a PageMemo>,
}

fn union(mut a: BTreeSet<String>, b: BTreeSet<String>) -> BTreeSet<String> {
    a.extend(b);
    a
}

/// Renders the whole site. Of the content folder's assets, only those a postmortem links
/// are copied (under `files/`); the rest stay private.
pub fn render(kb: &KnowledgeBase, input: &RenderInput<'_>) -> Result<Vec<OutputFile>, RenderError> {
    let links = postmortem::BodyLinks::new(kb, input.assets);
    let renderer = Renderer {
        kb,
        input,
        targets: input.memo.map(|_| links.targets_hash()),
        links,
    };
    let (mut files, linked): (Vec<OutputFile>, Vec<BTreeSet<String>>) = (0..kb.postmortems.len())
        .into_par_iter()
        .map(|i| renderer.postmortem(i))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .unzip();
    let linked = linked.into_iter().fold(BTreeSet::new(), union);
    let kinds = [Kind::root_causes(kb), Kind::measures(kb)];
    for kind in &kinds {
        files.push(renderer.taxonomy_index(kind)?);
        let category_pages: Vec<Vec<OutputFile>> = kind
            .uses
            .par_iter()
            .zip(kind.categories.par_iter())
            .filter(|(used, _)| !used.postmortems.is_empty())
            .map(|(used, category)| renderer.category(kind, category, used))
            .collect::<Result<_, _>>()?;
        files.extend(category_pages.into_iter().flatten());
    }
    files.extend(renderer.home()?);
    files.push(renderer.stats_page()?);
    files.extend(renderer.action_items_pages()?);
    files.push(renderer.search()?);
    files.push(renderer.not_found()?);
    files.extend(feeds_of(kb, &input.site));
    let pages: Vec<&str> = files
        .iter()
        .filter_map(|f| f.path.strip_suffix("index.html"))
        .collect();
    let sitemap = feeds::sitemap(&input.site, &pages);
    files.push(sitemap);
    files.extend(input.theme.statics.iter().cloned());
    files.extend(
        input
            .assets
            .iter()
            .filter(|a| linked.contains(&a.rel_path))
            .map(|a| OutputFile {
                path: format!("files/{}", a.rel_path),
                bytes: a.bytes.clone(),
            }),
    );
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The site's Atom feed and one per root cause that has incidents.
fn feeds_of(kb: &KnowledgeBase, site: &SiteView) -> Vec<OutputFile> {
    let all: Vec<usize> = (0..kb.postmortems.len()).collect();
    let mut out = vec![feeds::atom(
        kb,
        site,
        &feeds::Feed {
            path: "feed.xml".to_owned(),
            page: String::new(),
            title: site.title.clone(),
            members: &all,
        },
    )];
    for (used, category) in kb.root_causes.iter().zip(&kb.taxonomy.root_causes) {
        if used.postmortems.is_empty() {
            continue;
        }
        let page = format!("root-causes/{}/", category.slug);
        out.push(feeds::atom(
            kb,
            site,
            &feeds::Feed {
                path: format!("{page}feed.xml"),
                title: format!("{} · {}", category.name, site.title),
                page,
                members: &used.postmortems,
            },
        ));
    }
    out
}

#[derive(Serialize)]
struct Page<'a, T: Serialize> {
    site: &'a SiteView,
    root: &'a str,
    page_url: &'a str,
    #[serde(flatten)]
    content: T,
}

struct Renderer<'a> {
    kb: &'a KnowledgeBase,
    input: &'a RenderInput<'a>,
    links: postmortem::BodyLinks,
    /// [`postmortem::BodyLinks::targets_hash`], when rendering through a memo.
    targets: Option<u64>,
}

impl Renderer<'_> {
    /// Renders `template` at `page_url` (a folder path, "" for the home page).
    fn page<T: Serialize>(
        &self,
        template: &str,
        page_url: &str,
        root: &str,
        content: T,
    ) -> Result<OutputFile, RenderError> {
        let path = format!("{page_url}index.html");
        let fail = |message: String| RenderError {
            page: path.clone(),
            template: template.to_owned(),
            message,
        };
        let page = Page {
            site: &self.input.site,
            root,
            page_url,
            content,
        };
        let render = || {
            let context =
                tera::Context::from_serialize(&page).map_err(|e| fail(theme::error_chain(&e)))?;
            let html = self
                .input
                .theme
                .tera
                .render(template, &context)
                .map_err(|e| fail(theme::error_chain(&e)))?;
            Ok(html.into_bytes())
        };
        let bytes = match self.input.memo {
            None => render()?,
            Some(memo) => {
                let json = serde_json::to_vec(&page).map_err(|e| fail(e.to_string()))?;
                memo.page(&path, template, &json, render)?
            }
        };
        Ok(OutputFile { path, bytes })
    }

    /// The home page: the headline numbers and every incident, a page at a time, in
    /// each order of [`listing::Order`].
    fn home(&self) -> Result<Vec<OutputFile>, RenderError> {
        #[derive(Serialize)]
        struct Stats {
            count: usize,
            total_duration: Option<String>,
            root_cause_count: usize,
            measure_count: usize,
        }
        #[derive(Serialize)]
        struct Home<'a> {
            list: listing::ListView<'a>,
            stats: &'a Stats,
            first: bool,
        }
        let kb = self.kb;
        let total: i64 = kb
            .postmortems
            .iter()
            .filter_map(|p| p.facts.duration_minutes)
            .sum();
        let used = |uses: &[CategoryUse]| uses.iter().filter(|u| !u.postmortems.is_empty()).count();
        let stats = Stats {
            count: kb.postmortems.len(),
            total_duration: (total > 0).then(|| views::human_duration(total)),
            root_cause_count: used(&kb.root_causes),
            measure_count: used(&kb.measures),
        };
        let all: Vec<usize> = (0..kb.postmortems.len()).collect();
        listing::incident_pages(kb, "", &all)
            .into_par_iter()
            .map(|page| {
                let first = page.path.is_empty();
                let root = root_of(&page.path);
                let view = Home {
                    list: page.view,
                    stats: &stats,
                    first,
                };
                self.page("index.html", &page.path, &root, view)
            })
            .collect()
    }

    /// The search page: the form with its filters; `static/search.js` fills the results
    /// from the static index under `search/`.
    fn search(&self) -> Result<OutputFile, RenderError> {
        #[derive(Serialize)]
        struct FacetOption<'a> {
            #[serde(flatten)]
            chip: Chip<'a>,
            count: usize,
        }
        #[derive(Serialize)]
        struct SearchPage<'a> {
            root_causes: Vec<FacetOption<'a>>,
            measures: Vec<FacetOption<'a>>,
            years: Vec<(i32, usize)>,
        }
        let kb = self.kb;
        let options =
            |uses: &[CategoryUse],
             chips: for<'k> fn(&'k KnowledgeBase, &[String]) -> Vec<Chip<'k>>| {
                uses.iter()
                    .filter(|u| !u.postmortems.is_empty())
                    .filter_map(|u| {
                        Some(FacetOption {
                            chip: chips(kb, std::slice::from_ref(&u.slug)).pop()?,
                            count: u.postmortems.len(),
                        })
                    })
                    .collect()
            };
        let mut years: Vec<(i32, usize)> = Vec::new();
        for year in kb.postmortems.iter().filter_map(Postmortem::year) {
            match years.last_mut() {
                Some((y, n)) if *y == year => *n += 1,
                _ => years.push((year, 1)),
            }
        }
        let view = SearchPage {
            root_causes: options(&kb.root_causes, views::root_cause_chips),
            measures: options(&kb.measures, views::measure_chips),
            years,
        };
        self.page("search.html", "search/", "../", view)
    }

    fn not_found(&self) -> Result<OutputFile, RenderError> {
        let base_path = base_path(&self.input.site.base_url);
        let mut file = self.page("404.html", "404", &base_path, serde_json::json!({}))?;
        file.path = "404.html".to_owned();
        Ok(file)
    }
}

/// The relative path from a page at `page_url` (a folder path, "" for the home page) to
/// the site root: "./", "../", "../../"…
fn root_of(page_url: &str) -> String {
    match page_url.matches('/').count() {
        0 => "./".to_owned(),
        depth => "../".repeat(depth),
    }
}

/// The path part of the base URL ("https://o.github.io/repo/" → "/repo/"), for the 404
/// page, which hosts serve at any depth and so needs absolute links.
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    if path.ends_with('/') {
        path.to_owned()
    } else {
        format!("{path}/")
    }
}

#[cfg(test)]
mod tests {
    use super::base_path;

    #[test]
    fn base_paths() {
        assert_eq!(base_path(""), "/");
        assert_eq!(base_path("https://org.github.io/repo/"), "/repo/");
        assert_eq!(base_path("https://example.com"), "/");
    }
}
