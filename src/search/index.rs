//! The tantivy documents of a knowledge base, added to an index writer.

use chrono::NaiveDate;
use rayon::prelude::*;
use tantivy::schema::Facet;
use tantivy::{DateTime, IndexWriter, TantivyDocument};

use super::SearchError;
use super::document::SearchText;
use super::schema::Fields;
use crate::kb::{KnowledgeBase, Postmortem};

/// Adds every postmortem of `kb` to `writer` (uncommitted), in knowledge-base order.
///
/// # Errors
/// When tantivy's indexing threads have stopped.
pub fn add_all(
    writer: &IndexWriter,
    fields: &Fields,
    kb: &KnowledgeBase,
) -> Result<(), SearchError> {
    let documents: Vec<TantivyDocument> = kb
        .postmortems
        .par_iter()
        .enumerate()
        .map(|(ord, pm)| document(fields, kb, ord, pm))
        .collect();
    for document in documents {
        writer.add_document(document)?;
    }
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
