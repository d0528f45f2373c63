//! Rendering: the knowledge base into HTML pages (in parallel) and the theme's static
//! files, as values for `output` to write.

mod markdown;
mod nesting;
mod theme;
pub mod views;

pub use markdown::sanitise;
pub use theme::{Theme, ThemeError};

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::discover::Asset;
use crate::extract::TimelineEntry;
use crate::kb::{CategoryUse, KnowledgeBase, Postmortem};
use crate::output::OutputFile;
use crate::taxonomy::Category;
use views::{Chip, SiteView, Summary};

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
}

/// Renders the whole site.
pub fn render(kb: &KnowledgeBase, input: &RenderInput<'_>) -> Result<Vec<OutputFile>, RenderError> {
    let asset_paths: HashSet<String> = input.assets.iter().map(|a| a.rel_path.clone()).collect();
    let pages: HashMap<String, String> = kb
        .postmortems
        .iter()
        .map(|p| (p.source.clone(), p.slug.clone()))
        .collect();
    let renderer = Renderer {
        kb,
        input,
        asset_paths,
        pages,
    };
    let mut files: Vec<OutputFile> = (0..kb.postmortems.len())
        .into_par_iter()
        .map(|i| renderer.postmortem(i))
        .collect::<Result<_, _>>()?;
    let kinds = [Kind::root_causes(kb), Kind::measures(kb)];
    for kind in &kinds {
        files.push(renderer.taxonomy_index(kind)?);
        let category_pages: Vec<OutputFile> = kind
            .uses
            .par_iter()
            .zip(kind.categories.par_iter())
            .filter(|(used, _)| !used.postmortems.is_empty())
            .map(|(used, category)| renderer.category(kind, category, used))
            .collect::<Result<_, _>>()?;
        files.extend(category_pages);
    }
    files.push(renderer.home()?);
    files.push(renderer.not_found()?);
    files.extend(input.theme.statics.iter().cloned());
    files.extend(input.assets.iter().map(|a| OutputFile {
        path: format!("files/{}", a.rel_path),
        bytes: a.bytes.clone(),
    }));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Which taxonomy a listing is about.
struct Kind<'a> {
    key: &'static str,
    title: &'static str,
    singular: &'static str,
    categories: &'a [Category],
    uses: &'a [CategoryUse],
}

impl<'a> Kind<'a> {
    fn root_causes(kb: &'a KnowledgeBase) -> Self {
        Self {
            key: "root-causes",
            title: "Root causes",
            singular: "root cause",
            categories: &kb.taxonomy.root_causes,
            uses: &kb.root_causes,
        }
    }

    fn measures(kb: &'a KnowledgeBase) -> Self {
        Self {
            key: "measures",
            title: "Corrective measures",
            singular: "measure",
            categories: &kb.taxonomy.measures,
            uses: &kb.measures,
        }
    }

    fn view(&self) -> KindView {
        KindView {
            key: self.key,
            title: self.title,
            singular: self.singular,
        }
    }
}

#[derive(Serialize)]
struct KindView {
    key: &'static str,
    title: &'static str,
    singular: &'static str,
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
    asset_paths: HashSet<String>,
    pages: HashMap<String, String>,
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
        let context =
            tera::Context::from_serialize(&page).map_err(|e| fail(theme::error_chain(&e)))?;
        let html = self
            .input
            .theme
            .tera
            .render(template, &context)
            .map_err(|e| fail(theme::error_chain(&e)))?;
        Ok(OutputFile::text(path, html))
    }

    fn home(&self) -> Result<OutputFile, RenderError> {
        #[derive(Serialize)]
        struct Stats {
            count: usize,
            total_duration: Option<String>,
            root_cause_count: usize,
            measure_count: usize,
        }
        #[derive(Serialize)]
        struct Home<'a> {
            postmortems: Vec<Summary<'a>>,
            stats: Stats,
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
        let postmortems = kb
            .postmortems
            .iter()
            .map(|p| views::summary(kb, p))
            .collect();
        self.page("index.html", "", "./", Home { postmortems, stats })
    }

    fn postmortem(&self, index: usize) -> Result<OutputFile, RenderError> {
        let kb = self.kb;
        let pm = &kb.postmortems[index];
        let root = "../../";
        let links = markdown::LinkContext {
            rel_path: &pm.source,
            root,
            assets: &self.asset_paths,
            pages: &self.pages,
        };
        let body_html = markdown::to_html(&pm.document.body, &links, self.input.trust_html);
        let neighbour = |i: Option<usize>| {
            i.and_then(|i| kb.postmortems.get(i)).map(|p| Neighbour {
                slug: &p.slug,
                title: &p.facts.title,
            })
        };
        let view = PostmortemPage {
            pm: postmortem_view(kb, pm, body_html),
            prev: neighbour(index.checked_add(1)),
            next: neighbour(index.checked_sub(1)),
        };
        self.page(
            "postmortem.html",
            &format!("postmortems/{}/", pm.slug),
            root,
            view,
        )
    }

    fn taxonomy_index(&self, kind: &Kind<'_>) -> Result<OutputFile, RenderError> {
        #[derive(Serialize)]
        struct Group<'a> {
            title: &'static str,
            facet: &'static str,
            categories: Vec<views::CategoryView<'a>>,
        }
        #[derive(Serialize)]
        struct Index<'a> {
            kind: KindView,
            groups: Vec<Group<'a>>,
        }
        let pairs: Vec<_> = kind.categories.iter().zip(kind.uses).collect();
        let group = |title, facet, wanted: fn(&Category) -> bool| Group {
            title,
            facet,
            categories: pairs
                .iter()
                .filter(|(c, _)| wanted(c))
                .map(|(c, u)| views::category(c, u))
                .collect(),
        };
        use crate::taxonomy::Facet;
        let groups = if kind.key == "measures" {
            vec![group("Measures", "measure", |_| true)]
        } else {
            vec![
                group("Component — where it broke", "component", |c| {
                    c.facet == Facet::Component
                }),
                group("Mechanism — how it broke", "mechanism", |c| {
                    c.facet != Facet::Component
                }),
            ]
        };
        self.page(
            "taxonomy.html",
            &format!("{}/", kind.key),
            "../",
            Index {
                kind: kind.view(),
                groups,
            },
        )
    }

    fn category(
        &self,
        kind: &Kind<'_>,
        category: &Category,
        used: &CategoryUse,
    ) -> Result<OutputFile, RenderError> {
        #[derive(Serialize)]
        struct Item<'a> {
            postmortem_slug: &'a str,
            postmortem_title: &'a str,
            text: &'a str,
        }
        #[derive(Serialize)]
        struct CategoryPage<'a> {
            kind: KindView,
            category: views::CategoryView<'a>,
            postmortems: Vec<Summary<'a>>,
            items: Vec<Item<'a>>,
        }
        let kb = self.kb;
        let members: Vec<&Postmortem> = used
            .postmortems
            .iter()
            .map(|&i| &kb.postmortems[i])
            .collect();
        let items = if kind.key == "measures" {
            members
                .iter()
                .flat_map(|p| {
                    p.facts
                        .measures
                        .iter()
                        .zip(&p.labels.item_measures)
                        .filter(|(_, cats)| cats.contains(&category.slug))
                        .map(|(m, _)| Item {
                            postmortem_slug: &p.slug,
                            postmortem_title: &p.facts.title,
                            text: &m.text,
                        })
                })
                .collect()
        } else {
            Vec::new()
        };
        let view = CategoryPage {
            kind: kind.view(),
            category: views::category(category, used),
            postmortems: members.iter().map(|p| views::summary(kb, p)).collect(),
            items,
        };
        self.page(
            "category.html",
            &format!("{}/{}/", kind.key, category.slug),
            "../../",
            view,
        )
    }

    fn not_found(&self) -> Result<OutputFile, RenderError> {
        let base_path = base_path(&self.input.site.base_url);
        let mut file = self.page("404.html", "", &base_path, serde_json::json!({}))?;
        file.path = "404.html".to_owned();
        Ok(file)
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

#[derive(Serialize)]
struct Neighbour<'a> {
    slug: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct PostmortemPage<'a> {
    pm: PostmortemView<'a>,
    prev: Option<Neighbour<'a>>,
    next: Option<Neighbour<'a>>,
}

#[derive(Serialize)]
struct ActionItem<'a> {
    text: &'a str,
    status: Option<&'a str>,
    categories: Vec<Chip<'a>>,
}

#[derive(Serialize)]
struct PostmortemView<'a> {
    slug: &'a str,
    title: &'a str,
    source: &'a str,
    started_at: Option<String>,
    ended_at: Option<String>,
    timezone: Option<&'a str>,
    duration: Option<String>,
    users_affected_pct: Option<f64>,
    severity: Option<&'a str>,
    services: &'a [String],
    tags: &'a [String],
    root_cause: Option<&'a str>,
    root_causes: Vec<Chip<'a>>,
    measures: Vec<Chip<'a>>,
    inferred: BTreeMap<&'static str, bool>,
    body_html: String,
    timeline: &'a [TimelineEntry],
    action_items: Vec<ActionItem<'a>>,
}

fn postmortem_view<'a>(
    kb: &'a KnowledgeBase,
    pm: &'a Postmortem,
    body_html: String,
) -> PostmortemView<'a> {
    let facts = &pm.facts;
    let fm = &pm.document.front_matter;
    let mut inferred: BTreeMap<&'static str, bool> =
        facts.inferred.iter().map(|&f| (f, true)).collect();
    if !pm.labels.root_causes_declared {
        inferred.insert("root_causes", true);
    }
    if !pm.labels.measures_declared {
        inferred.insert("measures", true);
    }
    let action_items = facts
        .measures
        .iter()
        .zip(&pm.labels.item_measures)
        .map(|(m, cats)| ActionItem {
            text: &m.text,
            status: m.status.as_deref(),
            categories: views::measure_chips(kb, cats),
        })
        .collect();
    PostmortemView {
        slug: &pm.slug,
        title: &facts.title,
        source: &pm.source,
        started_at: facts.started_at.and_then(|m| m.to_export()),
        ended_at: facts.ended_at.and_then(|m| m.to_export()),
        timezone: facts.timezone.as_deref(),
        duration: facts.duration_minutes.map(views::human_duration),
        users_affected_pct: facts.users_affected_pct,
        severity: fm.severity.as_deref(),
        services: &fm.services,
        tags: &fm.tags,
        root_cause: facts.root_cause.as_deref(),
        root_causes: views::root_cause_chips(kb, &pm.labels.root_causes),
        measures: views::measure_chips(kb, &pm.labels.measures),
        inferred,
        body_html,
        timeline: &facts.timeline,
        action_items,
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
