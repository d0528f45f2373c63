//! The `pmkb export` records: the public JSON contract of `../shared/EXPORT.md`, one
//! object per postmortem, sorted by slug. Field names and shapes never change; the
//! derived fields (related incidents, timeline phases, time-to-x) come after them.

use serde::Serialize;

use crate::kb::phases::Phase;
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
    /// Slugs of the most similar postmortems, best first.
    related: Vec<&'a str>,
    /// Per timeline entry, the phase its wording names (`detected`, `investigating`,
    /// `misleading`, `escalated`, `identified`, `mitigated`, `resolved`) or null.
    phases: Vec<Option<Phase>>,
    time_to_detect_minutes: Option<i64>,
    time_to_identify_minutes: Option<i64>,
    time_to_resolve_minutes: Option<i64>,
    /// Minutes of the timeline spent on misleading paths; null without a timed timeline.
    misleading_minutes: Option<i64>,
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
    let mut records: Vec<Record<'_>> = kb.postmortems.iter().map(|p| record(kb, p)).collect();
    records.sort_by(|a, b| a.slug.cmp(b.slug));
    records
}

fn record<'a>(kb: &'a KnowledgeBase, pm: &'a Postmortem) -> Record<'a> {
    let facts = &pm.facts;
    let timing = &pm.timing;
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
        measures: pm
            .labelled_measures()
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
        related: pm
            .related
            .iter()
            .map(|r| kb.postmortems[r.index].slug.as_str())
            .collect(),
        phases: timing.entries.iter().map(|e| e.phase).collect(),
        time_to_detect_minutes: timing.time_to_detect,
        time_to_identify_minutes: timing.time_to_identify,
        time_to_resolve_minutes: timing.time_to_resolve,
        misleading_minutes: (timing.span() > 0).then(|| timing.minutes_in(Phase::Misleading)),
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
