//! Writing the tantivy index of a knowledge base into a folder.

use std::path::Path;

use chrono::NaiveDate;
use rayon::prelude::*;
use tantivy::schema::Facet;
use tantivy::{DateTime, Index, IndexWriter, TantivyDocument};

use super::SearchError;
use super::document::SearchText;
use super::schema::{Fields, register_analyzer};
use crate::kb::{KnowledgeBase, Postmortem};

/// Memory for the index writer: enough to index thousands of postmortems in one go.
const WRITER_MEMORY: usize = 100_000_000;

/// Indexes every postmortem of `kb` into the empty folder `dir`.
pub fn write(dir: &Path, kb: &KnowledgeBase) -> Result<(), SearchError> {
    let (schema, fields) = Fields::schema();
    let index = Index::create_in_dir(dir, schema)?;
    register_analyzer(&index);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, WRITER_MEMORY)?;
    let documents: Vec<TantivyDocument> = kb
        .postmortems
        .par_iter()
        .enumerate()
        .map(|(ord, pm)| document(&fields, kb, ord, pm))
        .collect();
    for document in documents {
        writer.add_document(document)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// The midnight of a date as a tantivy date: start dates are compared by day.
pub fn day(date: NaiveDate) -> DateTime {
    DateTime::from_timestamp_secs(date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp())
}

fn document(fields: &Fields, kb: &KnowledgeBase, ord: usize, pm: &Postmortem) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    let text = SearchText::of(kb, pm);
    for ((field, _), value) in fields.defaults().iter().zip(text.fields()) {
        doc.add_text(*field, value);
    }
    doc.add_text(fields.slug, &pm.slug);
    doc.add_u64(fields.ord, ord as u64);
    let facts = &pm.facts;
    if let Some(started_at) = facts.started_at.and_then(|m| m.to_export()) {
        doc.add_text(fields.started_at, started_at);
    }
    if let Some(date) = facts.started_at.and_then(|m| m.date) {
        doc.add_date(fields.started, day(date));
    }
    if let Some(minutes) = facts.duration_minutes.and_then(|m| u64::try_from(m).ok()) {
        doc.add_u64(fields.duration, minutes);
    }
    if let Some(pct) = facts.users_affected_pct {
        doc.add_f64(fields.users_affected, pct);
    }
    for slug in &pm.labels.root_causes {
        doc.add_facet(fields.root_cause_facet, Facet::from_path([slug.as_str()]));
    }
    for slug in &pm.labels.measures {
        doc.add_facet(fields.measure_facet, Facet::from_path([slug.as_str()]));
    }
    doc
}
