//! Extraction: a parsed document's structured facts — title, when, how long, who was
//! affected, why, what happened when, and what will be done — with front matter winning
//! over what the text says. Pure: no disk, no templates.

pub mod datetime;
mod events;
mod impact;
mod labels;
mod measures;
pub mod provenance;
mod roles;
mod root_cause;
pub mod sections;
pub mod timeline;
mod title;
mod when;

pub use measures::MeasureItem;
pub use sections::{Section, SectionKind};
pub use timeline::{Origin, Resolved, TimelineEntry};

use datetime::Moment;

use crate::diagnostics::Diagnostic;
use crate::parse::Document;

/// The facts of one postmortem. Field meanings follow EXPORT.md.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Extracted {
    /// Never empty, never a generic word alone.
    pub title: String,
    /// Start, wall clock as written.
    pub started_at: Option<Moment>,
    /// End, wall clock as written (computed from start + duration when only those are given).
    pub ended_at: Option<Moment>,
    /// Zone of the times, normalised (`UTC`, `CAT`, `+01:00`).
    pub timezone: Option<String>,
    /// Length of the outage.
    pub duration_minutes: Option<i64>,
    /// Share of users affected, 0–100.
    pub users_affected_pct: Option<f64>,
    /// The root-cause statement, one to three sentences of plain text.
    pub root_cause: Option<String>,
    /// All the text that explains the cause, for classification.
    pub root_cause_text: String,
    /// Timeline events.
    pub timeline: Vec<TimelineEntry>,
    /// Action items.
    pub measures: Vec<MeasureItem>,
    /// The recognised sections (kind, heading, line) for `pmkb check`.
    pub sections: Vec<(SectionKind, String, usize)>,
    /// Names of the fields that were inferred from the text rather than declared in front matter.
    #[serde(deserialize_with = "provenance::field_names")]
    pub inferred: Vec<&'static str>,
    /// Severity as declared, else as the body states it ("**Severity:** SEV1").
    pub severity: Option<String>,
    /// Services as declared, else as the body lists them.
    pub services: Vec<String>,
    /// Where the inferred start, end and duration came from, and disagreeing values.
    pub window: provenance::Window,
    /// The title was made up from a sentence or the file name: neither front matter nor a
    /// title heading gave one (`pmkb check` warns).
    pub title_guessed: bool,
}

/// Extracts the facts of one document; diagnostics report front-matter values that do not
/// parse and dates that do not exist.
pub fn extract(doc: &Document) -> (Extracted, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let sections = sections::sections(&doc.blocks);
    let values = labels::labelled_values(&sections);
    let measures = measures::measures(&sections);
    let (root_cause, root_cause_text) = root_cause::root_cause(&sections, &values);
    let fm = &doc.front_matter;
    let file_stem = doc
        .rel_path
        .rsplit('/')
        .find(|p| !p.eq_ignore_ascii_case("readme.md"))
        .unwrap_or(&doc.rel_path);
    let found_title = title::find_title(
        &sections,
        root_cause.as_deref(),
        file_stem
            .trim_end_matches(".md")
            .trim_end_matches(".markdown"),
    );
    let published =
        declared_moment(doc, "date", fm.date.as_deref(), &mut diagnostics).and_then(|m| m.date);
    let hints = when::Hints {
        title: fm.title.as_deref().unwrap_or(&found_title.text),
        published,
    };
    let year = when::document_year(&sections, &values, hints);
    let timeline = timeline::timeline(&sections, year);
    let found = when::find_when(&sections, &values, &timeline, hints, year);
    let impact_lines = impact_lines(&sections);
    let mut inferred = Vec::new();
    let declared_start = declared_moment(
        doc,
        "started_at",
        fm.started_at.as_deref(),
        &mut diagnostics,
    );
    let declared_end = declared_moment(doc, "ended_at", fm.ended_at.as_deref(), &mut diagnostics);
    let declared_minutes = fm.duration.as_deref().and_then(|d| {
        let minutes = d
            .trim()
            .parse::<i64>()
            .ok()
            .or_else(|| datetime::find_duration_minutes(d));
        if minutes.is_none() {
            diagnostics.push(front_matter_warning(
                doc,
                "duration",
                d,
                "a length such as `95m` or `1h 35m`",
            ));
        }
        minutes
    });
    let Window {
        started_at,
        ended_at,
        duration_minutes,
        provenance: window,
    } = window(
        &mut inferred,
        found.clone(),
        published,
        Declared {
            start: declared_start,
            end: declared_end,
            minutes: declared_minutes,
        },
    );
    let timezone = pick(
        &mut inferred,
        "timezone",
        fm.timezone
            .as_deref()
            .map(|z| datetime::find_zone(z).unwrap_or_else(|| z.to_owned())),
        found.zone.clone(),
    );
    let users_affected_pct = pick(
        &mut inferred,
        "users_affected_pct",
        fm.users_affected,
        impact::users_affected(&impact_lines).or_else(|| {
            // A statement that nobody could use the service counts wherever it stands.
            timeline
                .iter()
                .any(|e| impact::everyone_failed(&e.text))
                .then_some(100.0)
        }),
    );
    for section in &sections {
        for entry in &section.entries {
            if let Some(bad) = datetime::find_invalid_date(&entry.text) {
                diagnostics.push(
                    Diagnostic::warning(
                        &doc.rel_path,
                        format!("`{bad}` is not a real date or time; ignored"),
                    )
                    .at_line(entry.line)
                    .with_hint("correct the date"),
                );
            }
        }
    }
    let (title, title_guessed) = match &fm.title {
        Some(t) if !title::is_generic(t) => (t.clone(), false),
        _ => {
            inferred.push("title");
            (found_title.text, found_title.guessed)
        }
    };
    let severity = pick(
        &mut inferred,
        "severity",
        fm.severity.clone(),
        labels::severity(&values),
    );
    let services = if fm.services.is_empty() {
        let found = labels::services(&sections);
        if !found.is_empty() {
            inferred.push("services");
        }
        found
    } else {
        fm.services.clone()
    };
    inferred.sort_unstable();
    let extracted = Extracted {
        title,
        started_at,
        ended_at,
        timezone,
        duration_minutes,
        users_affected_pct,
        root_cause,
        root_cause_text,
        timeline,
        measures,
        sections: sections
            .iter()
            .map(|s| (s.kind, s.heading.clone(), s.line))
            .collect(),
        inferred,
        severity,
        services,
        window,
        title_guessed,
    };
    (extracted, diagnostics)
}

/// The outage window as front matter declares it.
struct Declared {
    start: Option<Moment>,
    end: Option<Moment>,
    minutes: Option<i64>,
}

/// The outage window picked from declared and found values, with provenance.
struct Window {
    started_at: Option<Moment>,
    ended_at: Option<Moment>,
    duration_minutes: Option<i64>,
    provenance: provenance::Window,
}

/// Picks start, end and duration: a declared value wins; a found one is noted as inferred
/// with where it came from. Front matter `date` supplies the day only where the text gives
/// none; a stated duration wins over end − start, and a disagreeing end − start is kept
/// as a conflict for `pmkb check`.
fn window(
    inferred: &mut Vec<&'static str>,
    found: when::When,
    published: Option<chrono::NaiveDate>,
    declared: Declared,
) -> Window {
    use provenance::{Conflict, How, Source};
    let mut provenance = provenance::Window {
        conflicts: found.conflicts,
        ..provenance::Window::default()
    };
    let mut start_from = found.start_from;
    let found_start = match (found.start, published) {
        (None, Some(day)) => {
            start_from = Some(Source {
                line: None,
                how: How::Published,
            });
            Some(Moment {
                date: Some(day),
                time: None,
            })
        }
        (Some(m), Some(day)) if m.date.is_none() => Some(Moment {
            date: Some(day),
            ..m
        }),
        (m, _) => m,
    };
    let started_at = pick(inferred, "started_at", declared.start, found_start);
    if declared.start.is_none() && started_at.is_some() {
        provenance.started_at = start_from;
    }
    let mut ended_at =
        pick(inferred, "ended_at", declared.end, found.end).map(|end| match &started_at {
            Some(start) => when::end_on_start_day(start, end),
            None => end,
        });
    if declared.end.is_none() && ended_at.is_some() {
        provenance.ended_at = found.end_from;
    }
    let computed = match (&started_at, &ended_at) {
        (Some(s), Some(e)) if s.date.is_some() && e.date.is_some() => {
            datetime::minutes_between(s, e).or_else(|| whole_days_between(s, e))
        }
        (Some(s), Some(e)) => found
            .range_minutes
            .or_else(|| datetime::minutes_between(s, e)),
        _ => None,
    };
    if let (Some(stated), Some(computed), Some(line)) = (
        found.stated_minutes,
        computed,
        found.end_from.and_then(|f| f.line),
    ) && (stated - computed).abs() > 5
    {
        provenance.conflicts.push(Conflict {
            field: "duration_minutes",
            value: computed.to_string(),
            line,
        });
    }
    let duration_minutes = pick(
        inferred,
        "duration",
        declared.minutes,
        found.stated_minutes.or(computed),
    );
    if declared.minutes.is_none() && duration_minutes.is_some() {
        provenance.duration_minutes = found.minutes_from.or(Some(Source::computed()));
    }
    if ended_at.is_none()
        && let (Some(start), Some(minutes)) = (&started_at, duration_minutes)
    {
        ended_at = add_minutes(start, minutes);
        provenance.ended_at = ended_at.map(|_| Source::computed());
    }
    Window {
        started_at,
        ended_at,
        duration_minutes,
        provenance,
    }
}

/// Minutes between two day-only moments, in whole days ("from 2021-06-16 until
/// 2022-04-24"); None unless both are day-only and the end is later.
fn whole_days_between(start: &Moment, end: &Moment) -> Option<i64> {
    if start.time.is_some() || end.time.is_some() {
        return None;
    }
    let days = (end.date? - start.date?).num_days();
    (days > 0).then_some(days * MINUTES_PER_DAY)
}

/// Whether a text mentions any of the given lower-case words or phrases: the test behind
/// the many "does this line talk about X" rules of extraction.
pub(crate) fn mentions(text: &str, words: &[&str]) -> bool {
    let text = text.to_lowercase();
    words.iter().any(|w| text.contains(w))
}

const MINUTES_PER_DAY: i64 = 24 * 60;

/// Byte offsets where a text's sentences start: after `.`, `!` or `?` and a space, but
/// not after a list number ("1. Improve monitoring") or an abbreviation ("e.g. the API").
pub(crate) fn sentence_starts(text: &str) -> Vec<usize> {
    const ABBREVIATIONS: &[&str] = &[
        "e.g", "i.e", "etc", "vs", "approx", "incl", "no", "dr", "mr", "ms",
    ];
    let mut starts = vec![0];
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | '!' | '?') || !text[i + 1..].starts_with(' ') {
            continue;
        }
        let sentence = &text[*starts.last().unwrap_or(&0)..i];
        let last_word = sentence.rsplit(' ').next().unwrap_or("").to_lowercase();
        let enumerator = sentence.trim().chars().all(|c| c.is_ascii_digit());
        let abbreviation = ABBREVIATIONS.contains(&last_word.as_str());
        if c != '.' || !(enumerator || abbreviation) {
            starts.push(i + 2);
        }
    }
    starts
}

/// A text's sentences, trimmed, split as [`sentence_starts`] does.
pub(crate) fn sentences(text: &str) -> Vec<&str> {
    let starts = sentence_starts(text);
    let ends = starts[1..].iter().copied().chain([text.len()]);
    starts
        .iter()
        .zip(ends)
        .map(|(&from, to)| text[from..to].trim())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A declared value wins; otherwise the found one is used and the field noted as inferred.
fn pick<T>(
    inferred: &mut Vec<&'static str>,
    name: &'static str,
    declared: Option<T>,
    found: Option<T>,
) -> Option<T> {
    if declared.is_some() {
        return declared;
    }
    inferred.push(name);
    found
}

fn declared_moment(
    doc: &Document,
    key: &str,
    value: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Moment> {
    let value = value?;
    let moment = datetime::parse_moment(value).filter(|m| m.date.is_some());
    if moment.is_none() {
        diagnostics.push(front_matter_warning(
            doc,
            key,
            value,
            "a date such as `2024-03-09` or `2024-03-09T22:00`",
        ));
    }
    moment
}

fn front_matter_warning(doc: &Document, key: &str, value: &str, expected: &str) -> Diagnostic {
    let line = doc.front_matter.line_of(key).unwrap_or(1);
    Diagnostic::warning(
        &doc.rel_path,
        format!(
            "front matter `{key}: {value}` does not parse; it was inferred from the text instead"
        ),
    )
    .at_line(line)
    .with_hint(format!("write {expected}"))
}

/// The end a start and a length give. A start known only by its day gives an end day
/// only for whole days ("lasted 3 days, starting 2024-03-01" ends on 2024-03-04).
fn add_minutes(start: &Moment, minutes: i64) -> Option<Moment> {
    let date = start.date?;
    let Some(time) = start.time else {
        let days =
            (minutes > 0 && minutes % MINUTES_PER_DAY == 0).then_some(minutes / MINUTES_PER_DAY)?;
        return Some(Moment {
            date: date.checked_add_days(chrono::Days::new(u64::try_from(days).ok()?)),
            time: None,
        });
    };
    let end = date
        .and_time(time)
        .checked_add_signed(chrono::TimeDelta::try_minutes(minutes)?)?;
    Some(Moment {
        date: Some(end.date()),
        time: Some(end.time()),
    })
}

fn impact_lines(sections: &[Section]) -> Vec<&str> {
    let mut lines: Vec<&str> = when::header_lines(sections)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    let impact_elsewhere = sections
        .iter()
        .filter(|s| s.kind == SectionKind::Impact)
        .flat_map(|s| s.entries.iter().map(|e| e.text.as_str()));
    lines.extend(impact_elsewhere);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Moment {
        datetime::parse_moment(text).expect("a date")
    }

    #[test]
    fn sentences_split_after_stops_but_not_list_numbers_or_abbreviations() {
        assert_eq!(
            sentences("1. Improve monitoring: add alerts, e.g. on lag. Review it! Done? Yes"),
            [
                "1. Improve monitoring: add alerts, e.g. on lag.",
                "Review it!",
                "Done?",
                "Yes"
            ]
        );
    }

    #[test]
    fn an_end_from_a_start_and_a_length() {
        let end = add_minutes(&day("2024-03-01 23:30"), 90).and_then(|m| m.to_export());
        assert_eq!(end.as_deref(), Some("2024-03-02T01:00"));
        // A day without a time gives an end day for whole days only.
        let end = add_minutes(&day("2024-03-01"), 3 * MINUTES_PER_DAY).and_then(|m| m.to_export());
        assert_eq!(end.as_deref(), Some("2024-03-04"));
        assert_eq!(add_minutes(&day("2024-03-01"), 90), None);
    }
}
