//! The postmortem page: the document's facts and body, its action items, related
//! incidents and where its time went.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use serde::Serialize;

use super::outline::TocEntry;
use super::views::{self, Chip};
use super::{PageMemo, RenderError, Renderer, anchors, insights, markdown};
use crate::discover::Asset;
use crate::extract::TimelineEntry;
use crate::kb::{KnowledgeBase, Postmortem};
use crate::output::OutputFile;

/// What relative links in postmortem bodies may lead to: the content folder's other
/// files and the postmortems themselves.
pub(super) struct BodyLinks {
    assets: HashSet<String>,
    pages: HashMap<String, String>,
}

impl BodyLinks {
    pub(super) fn new(kb: &KnowledgeBase, assets: &[Asset]) -> Self {
        Self {
            assets: assets.iter().map(|a| a.rel_path.clone()).collect(),
            pages: kb
                .postmortems
                .iter()
                .map(|p| (p.source.clone(), p.slug.clone()))
                .collect(),
        }
    }

    /// A hash of every link target (assets and postmortem pages): a body renders the same
    /// while it and this are unchanged.
    pub(super) fn targets_hash(&self) -> u64 {
        let mut assets: Vec<&String> = self.assets.iter().collect();
        assets.sort_unstable();
        let mut pages: Vec<(&String, &String)> = self.pages.iter().collect();
        pages.sort_unstable();
        let mut hasher = std::hash::DefaultHasher::new();
        (assets, pages).hash(&mut hasher);
        hasher.finish()
    }

    /// The body of `pm` rendered for its page (`postmortems/SLUG/`, links to pages ending
    /// in `index`), with the content-relative paths of the assets it links; from the
    /// memo when its inputs are those of the previous build.
    pub(super) fn body(
        &self,
        pm: &Postmortem,
        index: &str,
        theme_ids: &HashSet<String>,
        trust_html: bool,
        memo: Option<(&PageMemo, u64)>,
    ) -> (markdown::Body, BTreeSet<String>) {
        let render = || self.render_body(pm, index, theme_ids, trust_html);
        let Some((memo, targets)) = memo else {
            return render();
        };
        let mut ids: Vec<&String> = theme_ids.iter().collect();
        ids.sort_unstable();
        let inputs = (
            &pm.document.body,
            &pm.source,
            index,
            ids,
            trust_html,
            targets,
        );
        memo.body(&pm.source, inputs, render)
    }

    fn render_body(
        &self,
        pm: &Postmortem,
        index: &str,
        theme_ids: &HashSet<String>,
        trust_html: bool,
    ) -> (markdown::Body, BTreeSet<String>) {
        let linked = RefCell::default();
        let links = markdown::LinkContext {
            rel_path: &pm.source,
            root: "../../",
            assets: &self.assets,
            pages: &self.pages,
            linked: &linked,
            index,
        };
        let body = markdown::to_html(&pm.document.body, &links, theme_ids, trust_html);
        (body, linked.into_inner())
    }
}

impl Renderer<'_> {
    /// The page of the postmortem at `index`, with the assets its body links.
    pub(super) fn postmortem(
        &self,
        index: usize,
    ) -> Result<(OutputFile, BTreeSet<String>), RenderError> {
        let kb = self.kb;
        let pm = &kb.postmortems[index];
        let root = "../../";
        let time = insights::time_view(pm);
        let mut theme_ids = self.input.theme.ids.clone();
        if let Some(time) = &time {
            theme_ids.extend(anchors::ids_in(&time.svg).map(str::to_owned));
        }
        let memo = self.input.memo.zip(self.targets);
        let (body, linked) = self.links.body(
            pm,
            self.input.site.index,
            &theme_ids,
            self.input.trust_html,
            memo,
        );
        let neighbour = |i: Option<usize>| {
            i.and_then(|i| kb.postmortems.get(i)).map(|p| Neighbour {
                slug: &p.slug,
                title: &p.facts.title,
            })
        };
        let toc: Vec<TocEntry> = body
            .toc
            .into_iter()
            .filter(|t| t.level <= 3)
            .take(MAX_TOC_ENTRIES)
            .collect();
        let view = PostmortemPage {
            pm: postmortem_view(kb, pm, body.html),
            toc: if toc.len() >= MIN_TOC_HEADINGS {
                toc
            } else {
                Vec::new()
            },
            prev: neighbour(index.checked_add(1)),
            next: neighbour(index.checked_sub(1)),
            related: insights::related(kb, pm),
            time,
        };
        let page = self.page(
            "postmortem.html",
            &format!("postmortems/{}/", pm.slug),
            root,
            view,
        )?;
        Ok((page, linked))
    }
}

/// A body with fewer headings (of the two top levels) gets no table of contents.
const MIN_TOC_HEADINGS: usize = 4;

/// A table of contents lists at most this many headings (a page stays light when a
/// document has thousands).
const MAX_TOC_ENTRIES: usize = 100;

/// The facts panel's fields, in order, with the names its legend uses.
const FIELDS: &[(&str, &str)] = &[
    ("title", "title"),
    ("started_at", "start"),
    ("ended_at", "end"),
    ("timezone", "time zone"),
    ("duration", "duration"),
    ("users_affected_pct", "users affected"),
    ("severity", "severity"),
    ("services", "services"),
    ("root_causes", "root-cause categories"),
    ("measures", "measure categories"),
];

/// Whether the facts panel shows a value for the field `key` of [`FIELDS`].
fn has_value(pm: &Postmortem, key: &str) -> bool {
    let facts = &pm.facts;
    match key {
        "started_at" => facts.started_at.is_some(),
        "ended_at" => facts.ended_at.is_some(),
        "timezone" => facts.timezone.is_some(),
        "duration" => facts.duration_minutes.is_some(),
        "users_affected_pct" => facts.users_affected_pct.is_some(),
        "severity" => facts.severity.is_some(),
        "services" => !facts.services.is_empty(),
        "root_causes" => !pm.labels.root_causes.is_empty(),
        "measures" => !pm.labels.measures.is_empty(),
        _ => true,
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
    toc: Vec<TocEntry>,
    prev: Option<Neighbour<'a>>,
    next: Option<Neighbour<'a>>,
    related: Vec<insights::RelatedView<'a>>,
    time: Option<insights::TimeView<'a>>,
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
    /// Field read from the text → how it was found, for the marker's tooltip.
    inferred: BTreeMap<&'static str, String>,
    /// "all" when every value shown was read from the text, "some" when some were, else "none".
    inferred_share: &'static str,
    /// The fields read from the text, in the panel's words, for the legend.
    inferred_names: Vec<&'static str>,
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
    let how = |field: &str| match facts.window.source_of(field) {
        Some(source) => match source.line {
            Some(line) => format!("inferred {}, line {line}", source.how.describe()),
            None => format!("inferred: {}", source.how.describe()),
        },
        None => "inferred from the text, not from front matter".to_owned(),
    };
    let mut read_from_text: Vec<&'static str> = facts.inferred.clone();
    if !pm.labels.root_causes_declared {
        read_from_text.push("root_causes");
    }
    if !pm.labels.measures_declared {
        read_from_text.push("measures");
    }
    // Only values shown are marked: a missing value was neither declared nor read.
    let shown: Vec<&(&'static str, &'static str)> = FIELDS
        .iter()
        .filter(|(key, _)| has_value(pm, key))
        .collect();
    let inferred: BTreeMap<&'static str, String> = shown
        .iter()
        .filter(|(key, _)| read_from_text.contains(key))
        .map(|&&(key, _)| (key, how(key)))
        .collect();
    let inferred_names: Vec<&'static str> = shown
        .iter()
        .filter(|(key, _)| inferred.contains_key(key))
        .map(|&&(_, name)| name)
        .collect();
    let inferred_share = match inferred_names.len() {
        0 => "none",
        n if n == shown.len() => "all",
        _ => "some",
    };
    let action_items = pm
        .labelled_measures()
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
        severity: facts.severity.as_deref(),
        services: &facts.services,
        tags: &fm.tags,
        root_cause: facts.root_cause.as_deref(),
        root_causes: views::root_cause_chips(kb, &pm.labels.root_causes),
        measures: views::measure_chips(kb, &pm.labels.measures),
        inferred,
        inferred_share,
        inferred_names,
        body_html,
        timeline: &facts.timeline,
        action_items,
    }
}
