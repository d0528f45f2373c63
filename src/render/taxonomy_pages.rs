//! The taxonomy's pages: the index of root causes (grouped by facet) or of measures, and
//! one page per category with its postmortems and what they teach.

use serde::Serialize;

use super::{RenderError, Renderer, insights, views};
use crate::kb::{CategoryUse, KnowledgeBase};
use crate::output::OutputFile;
use crate::taxonomy::{Category, Facet};
use views::Summary;

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

    pub(super) fn category(
        &self,
        kind: &Kind<'_>,
        category: &Category,
        used: &CategoryUse,
    ) -> Result<OutputFile, RenderError> {
        #[derive(Serialize)]
        struct CategoryPage<'a> {
            kind: KindView,
            category: views::CategoryView<'a>,
            postmortems: Vec<Summary<'a>>,
            lessons: Option<insights::LessonsView<'a>>,
            promised_by: Vec<insights::PromisedBy<'a>>,
        }
        let kb = self.kb;
        let measures = kind.key == "measures";
        let view = CategoryPage {
            kind: kind.view(),
            category: views::category(category, used),
            postmortems: used
                .postmortems
                .iter()
                .map(|&i| views::summary(kb, &kb.postmortems[i]))
                .collect(),
            lessons: (!measures).then(|| insights::lessons(kb, &category.slug, used)),
            promised_by: if measures {
                insights::promised_by(kb, &category.slug, used)
            } else {
                Vec::new()
            },
        };
        self.page(
            "category.html",
            &format!("{}/{}/", kind.key, category.slug),
            "../../",
            view,
        )
    }
}
