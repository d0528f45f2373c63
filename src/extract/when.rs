//! When the outage happened: start, end, zone and duration, from the summary's labelled
//! lines first, then the summary text, then the timeline (LABELING.md's order).

use super::datetime::{self, Moment, Span};
use super::labels::Labelled;
use super::sections::{Section, SectionKind};
use super::timeline::TimelineEntry;

/// The outage's time facts as found in the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct When {
    /// Start, wall clock as written.
    pub start: Option<Moment>,
    /// End, wall clock as written.
    pub end: Option<Moment>,
    /// Zone of those times, normalised.
    pub zone: Option<String>,
    /// A stated duration, in minutes.
    pub stated_minutes: Option<i64>,
    /// The line the start came from, for diagnostics.
    pub line: Option<usize>,
}

fn is_time_label(label: &str) -> bool {
    [
        "duration", "date", "time", "when", "period", "window", "outage", "start", "began",
        "occurred",
    ]
    .iter()
    .any(|w| label.contains(w))
}

fn is_start_label(label: &str) -> bool {
    ["start", "began", "begin", "detected"]
        .iter()
        .any(|w| label.contains(w))
}

fn is_end_label(label: &str) -> bool {
    ["end", "resolved", "restored", "recovered"]
        .iter()
        .any(|w| label.contains(w))
}

/// Text of the sections that describe the incident as a whole (not its timeline,
/// cause analysis or follow-ups), one string per line with its line number.
pub fn header_lines(sections: &[Section]) -> Vec<(&str, usize)> {
    sections
        .iter()
        .filter(|s| {
            matches!(
                s.kind,
                SectionKind::Other
                    | SectionKind::Summary
                    | SectionKind::Impact
                    | SectionKind::Detection
            )
        })
        .flat_map(|s| s.entries.iter().map(|e| (e.text.as_str(), e.line)))
        .collect()
}

/// Finds start, end, zone and stated duration.
pub fn find_when(sections: &[Section], values: &[Labelled], timeline: &[TimelineEntry]) -> When {
    let mut when = When::default();
    let header = header_lines(sections);
    // 1. Labelled date/duration lines ("Duration: June 8, 2023, 10:00 AM - …").
    for l in values.iter().filter(|l| is_time_label(&l.label)) {
        if let Some(span) = datetime::find_span(&l.value) {
            if is_end_label(&l.label) && !is_start_label(&l.label) && when.start.is_some() {
                when.end = when.end.or(Some(span.start));
            } else if when.start.is_none() || when.start.is_some_and(|s| s.date.is_none()) {
                apply_span(&mut when, span, l.line);
            }
        }
        if when.stated_minutes.is_none() && l.label.contains("duration") {
            when.stated_minutes = datetime::find_duration_minutes(&l.value);
        }
        when.zone = when.zone.clone().or_else(|| datetime::find_zone(&l.value));
    }
    // 2. The summary's free text.
    if when.start.is_none_or(|s| s.date.is_none()) {
        for &(text, line) in &header {
            if let Some(span) = datetime::find_span(text)
                && span.start.date.is_some()
            {
                let keep_time = when.start.and_then(|s| s.time);
                apply_span(&mut when, span, line);
                if let (Some(start), Some(time)) = (when.start.as_mut(), keep_time) {
                    start.time = start.time.or(Some(time));
                }
                break;
            }
        }
    }
    if when.stated_minutes.is_none() {
        when.stated_minutes = header
            .iter()
            .filter(|(text, _)| mentions_length(text))
            .find_map(|(text, _)| datetime::find_duration_minutes(text));
    }
    if when.zone.is_none() {
        when.zone = header
            .iter()
            .find_map(|(text, _)| datetime::find_zone(text));
    }
    // 3. The timeline: its first event and the one where service came back.
    fill_from_timeline(&mut when, sections, timeline);
    when
}

fn apply_span(when: &mut When, span: Span, line: usize) {
    when.start = Some(span.start);
    when.end = span.end;
    when.zone = span.zone.or(when.zone.take());
    when.line = Some(line);
}

/// Whether a summary line talks about how long something lasted.
fn mentions_length(text: &str) -> bool {
    let t = text.to_lowercase();
    [
        "outage",
        "lasted",
        "duration",
        "downtime",
        "down for",
        "for approximately",
        "for about",
        "disruption",
        "unavailable for",
        "degraded for",
        "incident",
    ]
    .iter()
    .any(|w| t.contains(w))
}

fn fill_from_timeline(when: &mut When, sections: &[Section], timeline: &[TimelineEntry]) {
    let timeline_zone = || {
        sections
            .iter()
            .filter(|s| s.kind == SectionKind::Timeline)
            .find_map(|s| datetime::find_zone(&s.heading))
            .or_else(|| {
                timeline
                    .iter()
                    .find_map(|e| e.time.as_deref().and_then(datetime::find_zone))
            })
    };
    if when.zone.is_none() && (when.start.is_some() || !timeline.is_empty()) {
        when.zone = timeline_zone();
    }
    let timed: Vec<(Moment, &TimelineEntry)> = timeline
        .iter()
        .filter_map(|e| {
            let written = e.time.as_deref()?;
            let moment = datetime::find_span(written).map(|s| s.start)?;
            moment.time.map(|_| (moment, e))
        })
        .collect();
    if timed.is_empty() {
        return;
    }
    let day = when.start.and_then(|s| s.date).or_else(|| {
        sections
            .iter()
            .filter(|s| s.kind == SectionKind::Timeline)
            .find_map(|s| datetime::find_span(&s.heading).and_then(|sp| sp.start.date))
    });
    if when.start.is_none() {
        let (first, _) = timed[0];
        when.start = Some(Moment {
            date: first.date.or(day),
            time: first.time,
        });
    }
    if when.end.is_none() && when.stated_minutes.is_none() {
        let restored = timed.iter().rev().find(|(_, e)| is_restoration(&e.text));
        if let Some(&(moment, _)) = restored {
            let start = when.start.unwrap_or(moment);
            let mut end = Moment {
                date: moment.date.or(start.date),
                time: moment.time,
            };
            if moment.date.is_none()
                && let (Some(st), Some(et), Some(d)) = (start.time, end.time, start.date)
                && et < st
            {
                end.date = d.succ_opt();
            }
            when.end = Some(end);
        }
    }
}

/// Whether a timeline entry says service came back.
pub fn is_restoration(text: &str) -> bool {
    let t = text.to_lowercase();
    [
        "restored",
        "resolved",
        "recovered",
        "back to normal",
        "back online",
        "fully operational",
        "returned to normal",
        "service resumed",
        "incident closed",
        "normal operation",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// Whether a labelled value names the root cause.
pub fn is_root_cause_label(label: &str) -> bool {
    label.contains("root cause") || label == "cause" || label == "root causes"
}
