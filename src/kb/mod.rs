//! The knowledge base: every postmortem with its labels, ordered newest first, the
//! root-cause and measure groupings that cross-link them, and what they teach together
//! (related incidents, timeline phases, statistics, action items). Plain data: no
//! templates, no disk.

pub mod actions;
pub mod lessons;
pub mod phases;
pub mod related;
mod slug;
pub mod stats;
pub mod timing;

pub use slug::{slug_from_path, slugify};

use rayon::prelude::*;

use crate::classify::Labels;
use crate::diagnostics::Diagnostic;
use crate::extract::{Extracted, MeasureItem};
use crate::parse::Document;
use crate::taxonomy::Taxonomy;

/// One postmortem of the knowledge base.
#[derive(Debug, Clone)]
pub struct Postmortem {
    /// Unique URL slug.
    pub slug: String,
    /// Path relative to the content folder, `/`-separated.
    pub source: String,
    /// The parsed document (front matter and Markdown body).
    pub document: Document,
    /// What extraction found.
    pub facts: Extracted,
    /// Taxonomy labels.
    pub labels: Labels,
    /// Its timeline's phases and time-to-x.
    pub timing: timing::Timing,
    /// The most similar other postmortems, best first.
    pub related: Vec<related::Related>,
}

impl Postmortem {
    /// Each action item with its measure categories, in document order: the pairing every
    /// listing of items (page, measure pages, export) shows.
    pub fn labelled_measures(&self) -> impl Iterator<Item = (&MeasureItem, &[String])> {
        self.facts
            .measures
            .iter()
            .zip(self.labels.item_measures.iter().map(Vec::as_slice))
    }

    /// The year the outage started, for year listings and the search page's year filter.
    pub fn year(&self) -> Option<i32> {
        use chrono::Datelike;
        self.facts.started_at.and_then(|m| m.date).map(|d| d.year())
    }

    /// Sort key: newest first, undated last, then by slug for stability.
    fn order_key(&self) -> (std::cmp::Reverse<Option<String>>, String) {
        let date = self.facts.started_at.and_then(|m| m.to_export());
        (std::cmp::Reverse(date), self.slug.clone())
    }
}

/// How one taxonomy category is used across the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryUse {
    /// The category's slug.
    pub slug: String,
    /// Indices into [`KnowledgeBase::postmortems`] of the postmortems labelled with it, newest first.
    pub postmortems: Vec<usize>,
    /// Sum of the known durations of those postmortems.
    pub total_minutes: i64,
}

/// The whole knowledge base.
#[derive(Debug, Clone)]
pub struct KnowledgeBase {
    /// Postmortems, newest first.
    pub postmortems: Vec<Postmortem>,
    /// Every root-cause category of the taxonomy, in taxonomy order, with its uses.
    pub root_causes: Vec<CategoryUse>,
    /// Every measure category of the taxonomy, in taxonomy order, with its uses.
    pub measures: Vec<CategoryUse>,
    /// The vocabulary the labels come from.
    pub taxonomy: Taxonomy,
}

/// A postmortem before it has its final slug.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// The parsed document.
    pub document: Document,
    /// Its facts.
    pub facts: Extracted,
    /// Its labels.
    pub labels: Labels,
}

impl KnowledgeBase {
    /// Assembles the knowledge base ([`Self::assemble`]) with the related incidents of
    /// every postmortem ([`Self::relate`]).
    pub fn new(entries: Vec<Entry>, taxonomy: Taxonomy) -> (Self, Vec<Diagnostic>) {
        let (mut kb, diagnostics) = Self::assemble(entries, taxonomy);
        kb.relate();
        (kb, diagnostics)
    }

    /// Fills in every postmortem's related incidents.
    pub fn relate(&mut self) {
        let related = related::related(&self.postmortems);
        for (pm, related) in self.postmortems.iter_mut().zip(related) {
            pm.related = related;
        }
    }

    /// Assembles the knowledge base without related incidents: assigns unique slugs (in path order, so the result does not depend on parallel scheduling)
    /// and groups by category.
    pub fn assemble(mut entries: Vec<Entry>, taxonomy: Taxonomy) -> (Self, Vec<Diagnostic>) {
        entries.sort_by(|a, b| a.document.rel_path.cmp(&b.document.rel_path));
        let mut diagnostics = Vec::new();
        let mut slugs: Vec<(String, String)> = entries
            .iter()
            .map(|e| {
                let fm = &e.document.front_matter;
                let (slug, warning) =
                    slug::choose(&e.document.rel_path, fm.slug.as_deref(), fm.line_of("slug"));
                diagnostics.extend(warning);
                (slug, e.document.rel_path.clone())
            })
            .collect();
        diagnostics.extend(slug::make_unique(&mut slugs));
        let mut postmortems: Vec<Postmortem> = entries
            .into_par_iter()
            .zip(slugs)
            .map(|(e, (slug, source))| Postmortem {
                slug,
                source,
                document: e.document,
                timing: timing::timing(&e.facts.timeline),
                facts: e.facts,
                labels: e.labels,
                related: Vec::new(),
            })
            .collect();
        postmortems.par_sort_by_cached_key(Postmortem::order_key);
        let group =
            |slugs: Vec<&str>, labels_of: &dyn Fn(&Postmortem) -> &[String]| -> Vec<CategoryUse> {
                slugs
                    .into_iter()
                    .map(|slug| {
                        let members: Vec<usize> = postmortems
                            .iter()
                            .enumerate()
                            .filter(|(_, p)| labels_of(p).iter().any(|s| s == slug))
                            .map(|(i, _)| i)
                            .collect();
                        let total_minutes = members
                            .iter()
                            .filter_map(|&i| postmortems[i].facts.duration_minutes)
                            .sum();
                        CategoryUse {
                            slug: slug.to_owned(),
                            postmortems: members,
                            total_minutes,
                        }
                    })
                    .collect()
            };
        let root_causes = group(
            taxonomy
                .root_causes
                .iter()
                .map(|c| c.slug.as_str())
                .collect(),
            &|p| &p.labels.root_causes,
        );
        let measures = group(
            taxonomy.measures.iter().map(|c| c.slug.as_str()).collect(),
            &|p| &p.labels.measures,
        );
        (
            Self {
                postmortems,
                root_causes,
                measures,
                taxonomy,
            },
            diagnostics,
        )
    }

    /// The postmortem with this slug.
    pub fn postmortem(&self, slug: &str) -> Option<&Postmortem> {
        self.postmortems.iter().find(|p| p.slug == slug)
    }
}
