//! The postmortem page: the document's facts and body, its action items, related
//! incidents and where its time went.

use std::collections::BTreeMap;

use serde::Serialize;

use super::views::{self, Chip};
use super::{RenderError, Renderer, insights, markdown};
use crate::extract::TimelineEntry;
use crate::kb::{KnowledgeBase, Postmortem};
use crate::output::OutputFile;

impl Renderer<'_> {
    pub(super) fn postmortem(&self, index: usize) -> Result<OutputFile, RenderError> {
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
            related: insights::related(kb, pm),
            time: insights::time_view(pm),
        };
        self.page(
            "postmortem.html",
            &format!("postmortems/{}/", pm.slug),
            root,
            view,
        )
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
    /// Inferred field → how it was found, for the marker's tooltip.
    inferred: BTreeMap<&'static str, String>,
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
    let mut inferred: BTreeMap<&'static str, String> =
        facts.inferred.iter().map(|&f| (f, how(f))).collect();
    if !pm.labels.root_causes_declared {
        inferred.insert("root_causes", how("root_causes"));
    }
    if !pm.labels.measures_declared {
        inferred.insert("measures", how("measures"));
    }
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
