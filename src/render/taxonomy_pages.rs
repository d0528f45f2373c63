//! The taxonomy's pages: the index of root causes (grouped by facet) or of measures, and
//! one page per category with its postmortems and what they teach.

use serde::Serialize;

use rayon::prelude::*;

use super::{RenderError, Renderer, insights, listing, root_of, views};
use crate::kb::{CategoryUse, KnowledgeBase};
use crate::output::OutputFile;
use crate::taxonomy::{Category, Facet};

/// Which taxonomy a listing is about.
pub(super) struct Kind<'a> {
    key: &'static str,
    title: &'static str,
    singular: &'static str,
    pub(super) categories: &'a [Category],
    pub(super) uses: &'a [CategoryUse],
}

impl<'a> Kind<'a> {
    pub(super) fn root_causes(kb: &'a KnowledgeBase) -> Self {
        Self {
            key: "root-causes",
            title: "Root causes",
            singular: "root cause",
            categories: &kb.taxonomy.root_causes,
            uses: &kb.root_causes,
        }
    }

    pub(super) fn measures(kb: &'a KnowledgeBase) -> Self {
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

impl Renderer<'_> {
    pub(super) fn taxonomy_index(&self, kind: &Kind<'_>) -> Result<OutputFile, RenderError> {
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

    /// A category's pages: its incidents a page at a time in each order; the first page
    /// also shows what the category teaches, and a measure's pages the items promised.
    pub(super) fn category(
        &self,
        kind: &Kind<'_>,
        category: &Category,
        used: &CategoryUse,
    ) -> Result<Vec<OutputFile>, RenderError> {
        #[derive(Serialize)]
        struct CategoryPage<'a> {
            kind: KindView,
            category: views::CategoryView<'a>,
            list: listing::ListView<'a>,
            first: bool,
            lessons: Option<insights::LessonsView<'a>>,
            promised_by: Vec<insights::PromisedBy<'a>>,
        }
        let kb = self.kb;
        let measures = kind.key == "measures";
        let base = format!("{}/{}/", kind.key, category.slug);
        listing::incident_pages(kb, &base, &used.postmortems)
            .into_par_iter()
            .map(|page| {
                let first = page.page == 0 && page.order == listing::Order::Date;
                let view = CategoryPage {
                    kind: kind.view(),
                    category: views::category(category, used),
                    list: page.view,
                    first,
                    lessons: (first && !measures)
                        .then(|| insights::lessons(kb, &category.slug, used)),
                    promised_by: if measures {
                        insights::promised_by(kb, &category.slug, &page.members)
                    } else {
                        Vec::new()
                    },
                };
                self.page("category.html", &page.path, &root_of(&page.path), view)
            })
            .collect()
    }
}
