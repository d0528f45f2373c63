//! Scoring every match: a collector that keeps each matching postmortem with its BM25
//! score, ranked by score then knowledge-base order.
//!
//! Both `pmkb search` and the static index export score through this collector, so a
//! query scores the same in the terminal and on the site (tantivy's top-k collector
//! prunes with block-max WAND, whose float sums may differ in the last bit).

use std::cmp::Ordering;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// One matching postmortem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// Its position in the knowledge base.
    pub ord: u32,
    /// Its BM25 score.
    pub score: Score,
    /// Where tantivy keeps it, to read stored fields.
    pub address: DocAddress,
}

/// Collects every match of a query with its score.
pub struct AllScores;

impl Collector for AllScores {
    type Fruit = Vec<Scored>;
    type Child = SegmentScores;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentScores> {
        Ok(SegmentScores {
            segment,
            ords: reader.fast_fields().u64("ord")?,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, segments: Vec<Vec<Scored>>) -> tantivy::Result<Vec<Scored>> {
        Ok(segments.into_iter().flatten().collect())
    }
}

/// [`AllScores`] for one segment.
pub struct SegmentScores {
    segment: SegmentOrdinal,
    ords: Column<u64>,
    found: Vec<Scored>,
}

impl SegmentCollector for SegmentScores {
    type Fruit = Vec<Scored>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let ord = self.ords.first(doc).unwrap_or(u64::MAX);
        self.found.push(Scored {
            ord: u32::try_from(ord).unwrap_or(u32::MAX),
            score,
            address: DocAddress::new(self.segment, doc),
        });
    }

    fn harvest(self) -> Vec<Scored> {
        self.found
    }
}

/// Best first: higher score, then earlier in the knowledge base (newer). The static
/// search page sorts the same way.
pub fn rank(found: &mut [Scored]) {
    found.sort_by(|a, b| match b.score.total_cmp(&a.score) {
        Ordering::Equal => a.ord.cmp(&b.ord),
        other => other,
    });
}
