//! The `pmkb export` records: the public JSON contract of `../shared/EXPORT.md`, one
//! object per postmortem, sorted by slug. Field names and shapes never change.

use serde::Serialize;

use crate::kb::{KnowledgeBase, Postmortem};

/// One postmortem's structured metadata.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    slug: &'a str,
    source: &'a str,
    title: &'a str,
    started_at: Option<String>,
    ended_at: Option<String>,
    timezone: Option<&'a str>,
    duration_minutes: Option<i64>,
    users_affected_pct: Option<serde_json::Number>,
    root_cause: Option<&'a str>,
    root_cause_categories: &'a [String],
    measures: Vec<Measure<'a>>,
    measure_categories: &'a [String],
    timeline: Vec<Event<'a>>,
}

/// One measure with its categories.
#[derive(Debug, Serialize)]
pub struct Measure<'a> {
    text: &'a str,
    categories: &'a [String],
}

/// One timeline entry.
#[derive(Debug, Serialize)]
pub struct Event<'a> {
    time: Option<&'a str>,
    text: &'a str,
}

/// The records of every postmortem, sorted by slug.
pub fn records(kb: &KnowledgeBase) -> Vec<Record<'_>> {
    let mut records: Vec<Record<'_>> = kb.postmortems.iter().map(record).collect();
    records.sort_by(|a, b| a.slug.cmp(b.slug));
    records
}

fn record(pm: &Postmortem) -> Record<'_> {
    let facts = &pm.facts;
    Record {
        slug: &pm.slug,
        source: &pm.source,
        title: &facts.title,
        started_at: facts.started_at.and_then(|m| m.to_export()),
        ended_at: facts.ended_at.and_then(|m| m.to_export()),
        timezone: facts.timezone.as_deref(),
        duration_minutes: facts.duration_minutes,
        users_affected_pct: facts.users_affected_pct.and_then(number),
        root_cause: facts.root_cause.as_deref(),
        root_cause_categories: &pm.labels.root_causes,
        measures: facts
            .measures
            .iter()
            .zip(&pm.labels.item_measures)
            .map(|(m, categories)| Measure {
                text: &m.text,
                categories,
            })
            .collect(),
        measure_categories: &pm.labels.measures,
        timeline: facts
            .timeline
            .iter()
            .map(|e| Event {
                time: e.time.as_deref(),
                text: &e.text,
            })
            .collect(),
    }
}

/// Whole percentages print as integers (75, not 75.0).
fn number(value: f64) -> Option<serde_json::Number> {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        Some(serde_json::Number::from(value as i64))
    } else {
        serde_json::Number::from_f64(value)
    }
}
