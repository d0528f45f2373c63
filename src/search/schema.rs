//! The tantivy schema: which postmortem facts are searchable, stored, faceted or fast.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::{Index, Score};

use super::analysis::search_analyzer;

/// The name the search analyzer ([`search_analyzer`]: folding, CJK pairs, English
/// stems) is registered under, for every text field and every query.
pub const TOKENIZER: &str = "pmkb_search";

/// Handles of every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The title (boosted).
    pub title: Field,
    /// The whole body as plain text (stored for snippets).
    pub body: Field,
    /// The root-cause text and category names (boosted).
    pub root_cause: Field,
    /// Timeline entries.
    pub timeline: Field,
    /// Action items and measure category names.
    pub measures: Field,
    /// Services from front matter.
    pub services: Field,
    /// Tags from front matter.
    pub tags: Field,
    /// The page slug, stored.
    pub slug: Field,
    /// Start as written (`2024-04-03T09:15`), stored for results.
    pub started_at: Field,
    /// Position in the knowledge base (newest first): maps hits back to the model, breaks
    /// score ties, and numbers documents in the static index.
    pub ord: Field,
    /// Root-cause categories, as facets `/slug`.
    pub root_cause_facet: Field,
    /// Measure categories, as facets `/slug`.
    pub measure_facet: Field,
    /// Start date, for `--since`/`--until`.
    pub started: Field,
    /// Duration in minutes, for `--min-duration`.
    pub duration: Field,
    /// Share of users affected, in percent.
    pub users_affected: Field,
}

impl Fields {
    /// The schema, with the field handles.
    pub fn schema() -> (Schema, Self) {
        let mut b = Schema::builder();
        let text = |stored: bool| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let options = TextOptions::default().set_indexing_options(indexing);
            if stored {
                options.set_stored()
            } else {
                options
            }
        };
        let facet = || FacetOptions::default().set_stored();
        let fields = Self {
            title: b.add_text_field("title", text(true)),
            body: b.add_text_field("body", text(true)),
            root_cause: b.add_text_field("root_cause", text(false)),
            timeline: b.add_text_field("timeline", text(false)),
            measures: b.add_text_field("measures", text(false)),
            services: b.add_text_field("services", text(false)),
            tags: b.add_text_field("tags", text(false)),
            slug: b.add_text_field("slug", STRING | STORED),
            started_at: b.add_text_field("started_at", STORED),
            ord: b.add_u64_field("ord", FAST),
            root_cause_facet: b.add_facet_field("root_cause_category", facet()),
            measure_facet: b.add_facet_field("measure_category", facet()),
            started: b.add_date_field("started", INDEXED | FAST),
            duration: b.add_u64_field("duration", INDEXED | FAST),
            users_affected: b.add_f64_field("users_affected", FAST),
        };
        (b.build(), fields)
    }

    /// The fields a query without `field:` searches, with their boosts, in the order the
    /// query parser gets them: a match in the title or the root cause says more than one
    /// in the body.
    pub fn defaults(&self) -> [(Field, Score); 7] {
        [
            (self.title, 3.0),
            (self.root_cause, 2.0),
            (self.body, 1.0),
            (self.timeline, 1.0),
            (self.measures, 1.0),
            (self.services, 1.0),
            (self.tags, 1.0),
        ]
    }
}

/// Registers the search analyzer on an index.
pub fn register_analyzer(index: &Index) {
    index.tokenizers().register(TOKENIZER, search_analyzer());
}
