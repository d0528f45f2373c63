//! A postmortem as search sees it: the text of each searchable field, taken from the
//! extracted model (never from re-parsed Markdown), shared by the tantivy index and the
//! static index so both analyse exactly the same words.

use crate::kb::{KnowledgeBase, Postmortem};

/// The searchable text of one postmortem, one string per field of
/// [`Fields::defaults`](super::schema::Fields::defaults) order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    /// Title.
    pub title: String,
    /// Root-cause text followed by the names of its root-cause categories.
    pub root_cause: String,
    /// Every block of the body, one per line.
    pub body: String,
    /// Timeline entries, one per line.
    pub timeline: String,
    /// Action items followed by the names of their measure categories.
    pub measures: String,
    /// Services, one per line.
    pub services: String,
    /// Tags, one per line.
    pub tags: String,
}

impl SearchText {
    /// The text of `pm`; category names come from the knowledge base's taxonomy.
    pub fn of(kb: &KnowledgeBase, pm: &Postmortem) -> Self {
        let facts = &pm.facts;
        let fm = &pm.document.front_matter;
        let names = |slugs: &[String], find: &dyn Fn(&str) -> Option<String>| -> Vec<String> {
            slugs.iter().filter_map(|s| find(s)).collect()
        };
        let cause_names = names(&pm.labels.root_causes, &|s| {
            kb.taxonomy.root_cause(s).map(|c| c.name.clone())
        });
        let measure_names = names(&pm.labels.measures, &|s| {
            kb.taxonomy.measure(s).map(|c| c.name.clone())
        });
        let lines = |items: Vec<&str>| items.join("\n");
        Self {
            title: facts.title.clone(),
            root_cause: lines(
                std::iter::once(facts.root_cause_text.as_str())
                    .chain(cause_names.iter().map(String::as_str))
                    .collect(),
            ),
            body: lines(pm.document.blocks.iter().map(|b| b.text.as_str()).collect()),
            timeline: lines(facts.timeline.iter().map(|e| e.text.as_str()).collect()),
            measures: lines(
                facts
                    .measures
                    .iter()
                    .map(|m| m.text.as_str())
                    .chain(measure_names.iter().map(String::as_str))
                    .collect(),
            ),
            services: lines(fm.services.iter().map(String::as_str).collect()),
            tags: lines(fm.tags.iter().map(String::as_str).collect()),
        }
    }

    /// Every field's text, in the order of the default fields.
    pub fn fields(&self) -> [&str; 7] {
        [
            &self.title,
            &self.root_cause,
            &self.body,
            &self.timeline,
            &self.measures,
            &self.services,
            &self.tags,
        ]
    }
}
