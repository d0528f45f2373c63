//! Timeline entries: each event with its own time, from lists, tables, lines or
//! paragraphs with bold times; untimed continuation lines join the entry above.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use chrono::{NaiveDate, NaiveTime};

use super::datetime::{self, Moment};
use super::sections::{Entry, EntryKind, Section, SectionKind};
use super::{mentions, sentence_starts};

/// One timeline event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TimelineEntry {
    /// The time as written ("10:30 AM", "March 9th, 2024, 10:05 PM (WAT)"), if the entry has one.
    pub time: Option<String>,
    /// What happened.
    pub text: String,
    /// The moment `time` names, resolved against the entries above it; None when the
    /// entry has neither a day nor a time of day.
    pub at: Option<Resolved>,
    /// 1-based source line.
    pub line: usize,
}

/// Whether a part of a resolved moment is written in the entry itself or carried over
/// from the timeline around it (a date line above, an earlier entry, the heading's zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Written in the entry's own time.
    Written,
    /// Taken from the timeline around the entry.
    Carried,
}

/// A timeline entry's moment: its day (when known), time of day and zone, each marked
/// written or carried over. Later stages (`kb::timing`, `check`, the outage window) use
/// this value and never parse the written time again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Resolved {
    /// The calendar day, written or carried from a date line or the entry above (rolling
    /// over midnight when the clock goes back by at most [`MAX_ROLLOVER_MINUTES`]).
    pub date: Option<(NaiveDate, Origin)>,
    /// The time of day (a bare "4:00" after "1:00 PM" in an AM/PM timeline is 16:00);
    /// None for an entry that gives its day only ("2023-03-20: tests degrade"), which
    /// stays day-only.
    pub time: Option<NaiveTime>,
    /// The zone, normalised like [`datetime::find_zone`], written or carried from the
    /// timeline's heading, a "times are in …" line or an earlier entry.
    pub zone: Option<(String, Origin)>,
}

impl Resolved {
    /// The wall-clock moment (day and time) without the zone.
    pub fn moment(&self) -> Moment {
        Moment {
            date: self.date.map(|(d, _)| d),
            time: self.time,
        }
    }

    /// The zone's normalised name, whether written or carried.
    pub fn zone_name(&self) -> Option<&str> {
        self.zone.as_ref().map(|(z, _)| z.as_str())
    }
}

/// The longest step back in clock time read as passing midnight (22:40 → 00:10); a bigger
/// backwards jump is an entry written out of order and keeps the day of the entry above.
pub const MAX_ROLLOVER_MINUTES: i64 = 16 * 60;

/// Whether a timeline writes AM/PM on some of its times: then a bare "4:00" after
/// "1:00 PM" is read as the afternoon ([`datetime::afternoon_if_ambiguous`]).
pub fn writes_meridiem(timeline: &[TimelineEntry]) -> bool {
    timeline
        .iter()
        .any(|e| e.time.as_deref().is_some_and(datetime::states_meridiem))
}

/// The entries of every timeline section, in document order, each timed one with its
/// moment resolved ([`Resolved`]); a date written without a year ("March 3") is taken to
/// be in `year`, the year the document states elsewhere.
pub fn timeline(sections: &[Section], year: Option<i32>) -> Vec<TimelineEntry> {
    let mut entries = Vec::new();
    let mut context = Vec::new();
    let mut runs: Vec<(&[Entry], Option<String>)> = sections
        .iter()
        .filter(|s| s.kind == SectionKind::Timeline)
        .map(|s| (s.entries.as_slice(), stated_zone(s)))
        .collect();
    if runs.is_empty() {
        runs = introduced_lists(sections);
    }
    for (run, zone) in runs {
        for (entry, day) in section_entries(run) {
            entries.push(entry);
            context.push((day, zone.clone()));
        }
    }
    resolve(&mut entries, &context, year);
    entries
}

/// For a document without a timeline section: the lists introduced by a line that calls
/// them a timeline ("This is the timeline of events on Thursday, starting at 10.42am:"),
/// each with the zone that line states.
fn introduced_lists(sections: &[Section]) -> Vec<(&[Entry], Option<String>)> {
    let mut out = Vec::new();
    for section in sections {
        let entries = &section.entries;
        for (i, entry) in entries.iter().enumerate() {
            let text = entry.text.trim();
            let intro = matches!(entry.kind, EntryKind::Line | EntryKind::Label)
                && text.ends_with(':')
                && text.split_whitespace().count() <= 30
                && crate::cues::in_text("sections", "timeline", text);
            if !intro {
                continue;
            }
            let list = entries[i + 1..]
                .iter()
                .take_while(|e| matches!(e.kind, EntryKind::Item { .. }))
                .count();
            if list > 0 {
                out.push((&entries[i + 1..i + 1 + list], datetime::find_zone(text)));
            }
        }
    }
    out
}

/// The zone a timeline section states for all its times: in its heading ("## Timeline
/// (all times PST)") or in a line under it ("All times in CET.").
pub fn stated_zone(section: &Section) -> Option<String> {
    let stated = section
        .entries
        .iter()
        .map(|e| e.text.as_str())
        .filter(|t| crate::cues::in_text("window", "zone_statement", t));
    std::iter::once(section.heading.as_str())
        .chain(stated)
        .find_map(datetime::find_zone)
}

/// Resolves each timed entry's moment in document order. `context` holds, per entry, the
/// day the last date-only line above it set and the zone its section states.
fn resolve(
    entries: &mut [TimelineEntry],
    context: &[(Option<NaiveDate>, Option<String>)],
    year: Option<i32>,
) {
    let twelve_hour = writes_meridiem(entries);
    let mut previous: Option<Resolved> = None;
    let mut last_day_line: Option<NaiveDate> = None;
    for (entry, (day_line, section_zone)) in entries.iter_mut().zip(context) {
        let Some(written) = entry.time.as_deref() else {
            continue;
        };
        let span = datetime::find_span_in_year(written, year);
        let mut time = span
            .as_ref()
            .and_then(|s| s.start.time)
            .or_else(|| datetime::find_time(written));
        let written_date = span.as_ref().and_then(|s| s.start.date);
        if time.is_none() && written_date.is_none() {
            continue;
        }
        let written_zone = span
            .and_then(|s| s.zone)
            .or_else(|| datetime::find_zone(written));
        if let Some(prev) = &previous
            && let (Some(p), Some(t)) = (prev.time, time)
            && twelve_hour
            && (written_date.is_none() || prev.date.is_none_or(|(d, _)| Some(d) == written_date))
        {
            time = Some(datetime::afternoon_if_ambiguous(p, written, t));
        }
        let new_day_line = *day_line != last_day_line;
        last_day_line = *day_line;
        let carried = match &previous {
            Some(prev) if !new_day_line => prev.date.map(|(d, _)| match (prev.time, time) {
                (Some(p), Some(t)) => next_day_if_rolled(d, p, t),
                _ => d,
            }),
            _ => *day_line,
        };
        let date = written_date
            .map(|d| (d, Origin::Written))
            .or_else(|| carried.or(*day_line).map(|d| (d, Origin::Carried)));
        let zone = written_zone.map(|z| (z, Origin::Written)).or_else(|| {
            section_zone
                .clone()
                .or_else(|| {
                    previous
                        .as_ref()
                        .and_then(|p| p.zone_name().map(str::to_owned))
                })
                .map(|z| (z, Origin::Carried))
        });
        let resolved = Resolved { date, time, zone };
        previous = Some(resolved.clone());
        entry.at = Some(resolved);
    }
}

/// The day of a time that follows `previous` on `day`: the next day when the clock went
/// back by at most [`MAX_ROLLOVER_MINUTES`] (it passed midnight), else the same day.
fn next_day_if_rolled(day: NaiveDate, previous: NaiveTime, time: NaiveTime) -> NaiveDate {
    let back = (previous - time).num_minutes();
    let rolled = back > 0 && 24 * 60 - back <= MAX_ROLLOVER_MINUTES;
    if rolled {
        day.succ_opt().unwrap_or(day)
    } else {
        day
    }
}

fn section_entries(entries: &[Entry]) -> Vec<(TimelineEntry, Option<NaiveDate>)> {
    let content: Vec<Entry> = entries
        .iter()
        .filter(|e| match e.kind {
            EntryKind::Code | EntryKind::Row { header: true, .. } => false,
            // "- **14:30 UTC - Issue detected:**" over its sub-points reads as a label, but
            // its time makes it an event.
            EntryKind::Label => leading_time(e).or_else(|| time_inside(e)).is_some(),
            _ => true,
        })
        .flat_map(split_at_timed_lines)
        .flat_map(split_at_timed_sentences)
        .collect();
    let content: Vec<&Entry> = content.iter().collect();
    // A line holding only a date ("01-10-2024") sets the day of the entries below it.
    let day_of = |e: &Entry| {
        datetime::parse_moment(e.text.trim())
            .filter(|m| m.time.is_none())
            .and_then(|m| m.date)
    };
    let leading: Vec<Option<(String, String)>> = content
        .iter()
        .map(|e| day_of(e).is_none().then(|| leading_time(e)).flatten())
        .collect();
    // Where the timeline writes its times at the start of its entries, a time inside a later
    // sentence ("the logs around the start (~13:30) are read", a quoted alert) mentions a
    // moment of an entry; it starts no event of its own.
    let leads = leading.iter().flatten().count();
    let embedded: Vec<Option<(String, String)>> = content
        .iter()
        .zip(&leading)
        .map(|(e, lead)| {
            (lead.is_none() && day_of(e).is_none())
                .then(|| time_inside(e))
                .flatten()
        })
        .collect();
    let mentions_only = leads >= 2 && leads > embedded.iter().flatten().count();
    let timed: Vec<Option<(String, String)>> = leading
        .into_iter()
        .zip(embedded)
        .zip(&content)
        .map(|((lead, inside), e)| {
            // "16:48 Pager." still opens with its time.
            lead.or(inside.filter(|_| !mentions_only || opens_with_time(e)))
        })
        .collect();
    let any_timed = timed.iter().any(Option::is_some);
    let mut out: Vec<(TimelineEntry, Option<NaiveDate>)> = Vec::new();
    let mut day = None;
    for (entry, time) in content.iter().zip(timed) {
        if let Some(d) = day_of(entry) {
            day = Some(d);
            continue;
        }
        match time {
            Some((time, text)) => out.push((
                TimelineEntry {
                    time: Some(time),
                    text: one_line(&text),
                    at: None,
                    line: entry.line,
                },
                day,
            )),
            // A table row is an entry of its own even without a time ("…").
            None if any_timed && !matches!(entry.kind, EntryKind::Row { .. }) => {
                // A continuation line without its own time belongs to the entry above;
                // lines before the first timed entry only introduce the timeline.
                if let Some((last, _)) = out.last_mut() {
                    last.text.push(' ');
                    last.text.push_str(&one_line(&entry.text));
                }
            }
            // "A full timeline is on the status page" points elsewhere: no event.
            None if mentions(&entry.text, &["timeline"]) => {}
            None => out.push((
                TimelineEntry {
                    time: None,
                    text: one_line(&untimed_text(entry)),
                    at: None,
                    line: entry.line,
                },
                day,
            )),
        }
    }
    out
}

/// An untimed entry's text: a table row without its placeholder time cell ("…", "—").
fn untimed_text(entry: &Entry) -> String {
    match &entry.kind {
        EntryKind::Row { cells, .. }
            if cells.len() > 1 && !cells[0].chars().any(char::is_alphanumeric) =>
        {
            cells[1..].join(" | ")
        }
        _ => entry.text.clone(),
    }
}

/// Whether a line opens with a time followed by words ("2:20 PM (GMT) a user complained"),
/// not a wrapped sentence's last words ("06:10.").
fn leads_with_time(line: &str) -> bool {
    let line = line.trim_start();
    opening_time_end(line).is_some_and(|end| {
        let words = line[end..].split_whitespace();
        words.filter(|w| w.chars().any(char::is_alphabetic)).count() >= 2
    })
}

/// Where the time a line opens with ends, a day written before it included: "10:05 …",
/// "2024-03-01 10:05 …", "01.03.2024 10:05 …" — people log events as a time or as a
/// day and a time, and either leads the line.
fn opening_time_end(line: &str) -> Option<usize> {
    let found = embedded_time(line)?;
    let before = line[..found.start()].trim();
    let day_only = before.is_empty()
        || datetime::parse_moment(before).is_some_and(|m| m.date.is_some() && m.time.is_none());
    day_only.then_some(found.end())
}

/// Whether a line stops mid-sentence ("… cleared by"), so the next line finishes it.
fn continues_sentence(line: &str) -> bool {
    !line.trim_end().ends_with(['.', ':', '!', '?', ')'])
}

/// A list item whose later lines start with their own times ("12:00: monitored\n12:30:
/// restored") holds several events: one entry per timed line.
fn split_at_timed_lines(entry: &Entry) -> Vec<Entry> {
    let lines: Vec<&str> = entry.text.lines().collect();
    let mut out = vec![Entry {
        text: lines.first().copied().unwrap_or("").to_owned(),
        ..entry.clone()
    }];
    for (i, line) in lines.iter().enumerate().skip(1) {
        let probe = Entry {
            kind: EntryKind::Line,
            text: (*line).to_owned(),
            lead: None,
            line: entry.line + i,
        };
        let starts_with_time = split_at_separator(line)
            .is_some_and(|(prefix, _)| is_time_text(prefix))
            || LIST_NUMBER.is_match(line)
            || leads_with_time(line)
            || (line.split_whitespace().count() <= 4
                && is_time_text(line)
                && !continues_sentence(lines[i - 1]));
        match out.last_mut() {
            Some(last) if !starts_with_time => {
                last.text.push('\n');
                last.text.push_str(line);
            }
            _ => out.push(probe),
        }
    }
    out
}

/// A paragraph telling the timeline as prose ("At 10:05 AM, alerts fired. At 10:20 AM, we
/// rolled back.") holds one event per sentence that opens with its own time, when there
/// are several; sentences without one stay with the event before them.
fn split_at_timed_sentences(entry: Entry) -> Vec<Entry> {
    if entry.kind != EntryKind::Line {
        return vec![entry];
    }
    let starts: Vec<usize> = sentence_starts(&entry.text)
        .into_iter()
        .filter(|&i| opens_with_stated_time(&entry.text[i..]))
        .collect();
    if starts.len() < 2 || starts[0] != 0 {
        return vec![entry];
    }
    let ends = starts[1..].iter().copied().chain([entry.text.len()]);
    starts
        .iter()
        .zip(ends)
        .map(|(&from, to)| Entry {
            text: entry.text[from..to].trim().to_owned(),
            lead: None,
            ..entry.clone()
        })
        .collect()
}

/// Whether a sentence opens with a clock time, bare or after "At"/"By"/"Around".
fn opens_with_stated_time(sentence: &str) -> bool {
    let lower = sentence.trim_start().to_lowercase();
    let rest = ["at ", "by ", "around ", "about ", "approximately "]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    embedded_time(rest).is_some_and(|m| m.start() == 0)
}

/// Splits a leading time or date-time off an entry: from a bold lead, a table's first
/// cell, or the text before the first `: `/` - `/` — ` separator.
pub fn leading_time(entry: &Entry) -> Option<(String, String)> {
    if let EntryKind::Row { cells, .. } = &entry.kind {
        // "| 2024-03-09 | 22:00 | Alert fired |": the leading cells that hold a date or a
        // time together are the entry's time.
        let timed = cells.iter().take_while(|c| is_time_text(c)).count();
        if timed == 0 {
            return None;
        }
        let rest: Vec<&str> = cells[timed..]
            .iter()
            .map(String::as_str)
            .filter(|c| !c.is_empty())
            .collect();
        return Some((cells[..timed].join(" "), rest.join(" — ")));
    }
    // "10.12:30 PM: …" — a list number run into the time.
    let text = LIST_NUMBER.replace(entry.text.trim(), "$1");
    let text = text.as_ref();
    if let Some(lead) = &entry.lead
        && is_time_text(lead)
    {
        let rest = text.strip_prefix(lead.as_str()).unwrap_or(text);
        return Some((clean_time(lead), clean_rest(rest)));
    }
    let first_line = text.lines().next().unwrap_or("");
    if let Some((prefix, rest)) = split_at_separator(first_line)
        && is_time_text(prefix)
    {
        let rest = text.get(prefix.len()..).unwrap_or(rest);
        return Some((clean_time(prefix), clean_rest(rest)));
    }
    if first_line.split_whitespace().count() <= 7 && is_time_text(first_line) {
        // The whole line is the time; what happened follows on the next lines.
        let rest = text.lines().skip(1).collect::<Vec<_>>().join(" ");
        return Some((clean_time(first_line), rest));
    }
    if is_emphasised(entry, text) {
        return None;
    }
    let end = opening_time_end(first_line)?;
    if leads_with_time(first_line) {
        // "2:20 PM (GMT) a user complained …", "2024-03-01 10:05 rollback started": the
        // time (and its day) leads without a separator.
        datetime::find_time(&first_line[..end])?;
        let rest = text.get(end..).unwrap_or("");
        return Some((first_line[..end].trim().to_owned(), clean_rest(rest)));
    }
    None
}

/// The time an entry carries inside its first line ("Detected at Nov 1, 2022 6:00 AM"),
/// with the whole text, for an entry without a leading time ([`leading_time`]) that is not
/// wholly emphasised.
fn time_inside(entry: &Entry) -> Option<(String, String)> {
    if matches!(entry.kind, EntryKind::Row { .. }) {
        return None;
    }
    let text = entry.text.trim();
    if is_emphasised(entry, text) {
        return None;
    }
    let found = embedded_time(text.lines().next().unwrap_or(""))?;
    datetime::find_time(found.as_str())?;
    Some((found.as_str().trim().to_owned(), text.to_owned()))
}

/// The first time written inside a line ([`EMBEDDED_TIME`]), without the word after it
/// unless that word is a zone: "15:25 Old pods drained" is the time "15:25", while
/// "15:25 UTC" keeps its zone.
fn embedded_time(line: &str) -> Option<regex::Match<'_>> {
    let found = EMBEDDED_TIME.find(line)?;
    let zone = found
        .as_str()
        .rfind(' ')
        .map(|i| &found.as_str()[i..])
        .filter(|tail| tail.chars().any(char::is_alphabetic) && !tail.contains(':'));
    match zone {
        // The zone is judged with its time before it ("12:16 ET"): short zones count only there.
        Some(tail)
            if datetime::find_zone(found.as_str()).is_none()
                && !datetime::states_meridiem(tail) =>
        {
            let end = found.end() - tail.len();
            EMBEDDED_TIME.find(&line[..end])
        }
        _ => Some(found),
    }
}

/// Whether an entry's text opens with a time.
fn opens_with_time(entry: &Entry) -> bool {
    EMBEDDED_TIME
        .find(entry.text.trim_start())
        .is_some_and(|m| m.start() == 0)
}

/// Whether the whole entry is emphasised, the way image captions and notes are written.
fn is_emphasised(entry: &Entry, text: &str) -> bool {
    entry
        .lead
        .as_deref()
        .is_some_and(|lead| lead.len() + 2 >= text.len())
}

static LIST_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{1,2}\.\s*(\d{1,2}:\d{2})").expect("valid regex"));

static EMBEDDED_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? (?:\d{4},? )?(?:at )?)?\d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]\.?m\.?)?(?: \(?[A-Z]{2,4}\b\)?)?",
    )
    .expect("valid regex")
});

/// A time left as a template's placeholder ("HH:mm", "hh:MM", "??:??", "XX:XX", "--:--"):
/// the day beside it is known, the time of day is not.
static PLACEHOLDER_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|\s)(?:hh|xx|\?\?|--):(?:mm|xx|\?\?|--)(?::(?:ss|xx|\?\?|--))?(?:\s|$)")
        .expect("valid regex")
});

/// Whether a short text is (essentially) a time or a date with a time; a placeholder time
/// after a day ("2022-06-10 HH:mm") leaves the day.
fn is_time_text(text: &str) -> bool {
    let text = PLACEHOLDER_TIME.replace_all(text, " ");
    let t = text
        .trim()
        .trim_start_matches(['[', '(', '*', '~', '⏲', '🕰', '️'])
        .trim();
    if t.is_empty() || t.len() > 60 {
        return false;
    }
    let starts_well = t.chars().next().is_some_and(|c| c.is_ascii_digit())
        || (starts_with_calendar_word(t)
            && t.split_whitespace().count() <= 8
            && datetime::find_span(t).is_some());
    let has_time = datetime::find_time(t).is_some()
        || datetime::parse_moment(t).is_some_and(|m| m.date.is_some());
    // Beyond the time itself only a zone, a date or punctuation may follow: "13:16 5xx
    // alert on api" is an event, not a time.
    let only_time = match opening_time_end(t) {
        Some(end) => {
            let rest = t[end..].trim_matches(|c: char| !c.is_alphanumeric());
            rest.is_empty()
                || datetime::find_zone(rest).is_some_and(|_| rest.split_whitespace().count() <= 3)
                || (rest.split_whitespace().count() <= 4
                    && datetime::find_span(rest).is_some_and(|s| s.start.date.is_some()))
                || !rest.chars().any(char::is_alphabetic)
        }
        None => true,
    };
    starts_well && has_time && only_time
}

/// Whether a text opens with a month or weekday name ("August 26 ~ 5:00 PM", "Tue 10:00").
fn starts_with_calendar_word(text: &str) -> bool {
    const NAMES: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "mon",
        "tue", "wed", "thu", "fri", "sat", "sun",
    ];
    let word: String = text.chars().take_while(|c| c.is_alphabetic()).collect();
    word.len() >= 3 && NAMES.iter().any(|n| word.to_lowercase().starts_with(n))
}

fn split_at_separator(text: &str) -> Option<(&str, &str)> {
    let candidates = [": ", " - ", " – ", " — ", " -- ", "\t", " | "];
    let cut = candidates
        .iter()
        .filter_map(|sep| text.find(sep).map(|i| (i, sep.len())))
        .filter(|&(i, _)| i <= 60)
        .min()?;
    Some((&text[..cut.0], &text[cut.0 + cut.1..]))
}

fn clean_time(time: &str) -> String {
    time.trim()
        .trim_matches(|c: char| {
            c == ':' || c == '-' || c == '*' || c == '[' || c == ']' || c.is_whitespace()
        })
        .trim_matches(|c: char| !c.is_ascii() && !c.is_alphanumeric())
        .trim()
        .to_owned()
}

/// Joins a multi-line entry into one line of single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clean_rest(rest: &str) -> String {
    rest.trim()
        .trim_start_matches([':', '-', '–', '—', '|'])
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::sections::sections;
    use crate::parse::parse_blocks;

    fn entries(md: &str) -> Vec<(Option<String>, String)> {
        timeline(&sections(&parse_blocks(md, 1)), None)
            .into_iter()
            .map(|e| (e.time, e.text))
            .collect()
    }

    #[test]
    fn lines_with_continuations() {
        let found =
            entries("## Timeline\n10:00 AM: alert fired\nteam paged\n10:30 AM: rolled back\n");
        assert_eq!(
            found,
            [
                (Some("10:00 AM".into()), "alert fired team paged".into()),
                (Some("10:30 AM".into()), "rolled back".into())
            ]
        );
    }

    #[test]
    fn table_and_bold_times() {
        let table = entries(
            "## Timeline\n| Time | Event |\n|--|--|\n| 14:05 | alert |\n| 14:20 | fixed |\n",
        );
        assert_eq!(table.len(), 2);
        assert_eq!(table[0], (Some("14:05".into()), "alert".into()));
        let bold =
            entries("### Timeline\n\n**22:30** — pods evicted\n\n- **23:10 UTC:** restarted\n");
        assert_eq!(bold[0], (Some("22:30".into()), "pods evicted".into()));
        assert_eq!(bold[1], (Some("23:10 UTC".into()), "restarted".into()));
    }

    #[test]
    fn date_and_time_columns_make_one_time() {
        let table = entries(
            "## Timeline\n| Date | Time (UTC) | Event |\n|--|--|--|\n| 2024-03-09 | 22:00 | Alert fired |\n",
        );
        assert_eq!(
            table,
            [(Some("2024-03-09 22:00".into()), "Alert fired".into())]
        );
    }

    #[test]
    fn a_table_row_without_a_time_is_an_entry_of_its_own() {
        let table = entries(
            "## Timeline\n| Time | Event |\n|--|--|\n| 06:00 | replaced |\n| ... | pods unscheduled |\n| 07:00 | verified |\n",
        );
        assert_eq!(table.len(), 3, "{table:?}");
        assert_eq!(table[1], (None, "pods unscheduled".into()));
    }

    #[test]
    fn bold_timed_labels_over_sub_points_are_events() {
        let found = entries(
            "**Timeline:**\n- **14:30 UTC - Issue detected:**\n  - Alerts fired.\n\n- **16:30 UTC - Incident resolution:**\n  - Rate limits applied.\n  - Service restored.\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1].0.as_deref(), Some("16:30 UTC"));
        assert!(found[1].1.contains("Service restored"), "{found:?}");
    }

    #[test]
    fn prose_timelines_hold_one_event_per_timed_sentence() {
        let found = entries(
            "## Timeline\nAt 10:05 AM UTC, monitoring detected 5xx errors. At 10:20 AM, the team rolled back. It took a while. At 10:45 AM, error rates returned to normal.\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[2].0.as_deref(), Some("10:45 AM"));
        assert!(found[1].1.ends_with("It took a while."), "{found:?}");
    }

    #[test]
    fn a_word_after_a_leading_time_belongs_to_the_event() {
        let found = entries(
            "## Timeline\n15:25 Old pods drained and new ones started\n15:40 UTC workers caught up with the queue\n",
        );
        assert_eq!(found[0].0.as_deref(), Some("15:25"), "{found:?}");
        assert!(found[0].1.starts_with("Old pods"), "{found:?}");
        // A zone after the time stays with it.
        assert_eq!(found[1].0.as_deref(), Some("15:40 UTC"), "{found:?}");
        assert!(found[1].1.starts_with("workers"), "{found:?}");
    }

    #[test]
    fn a_placeholder_time_leaves_the_day() {
        let md = "## Timeline\n| When | What |\n|--|--|\n| 2022-06-02 HH:mm | pods found out of memory |\n| 2022-06-07 08:30 | limits removed |\n| 2022-06-10 ??:?? | logs show the problem solved |\n";
        let found = timeline(&sections(&parse_blocks(md, 1)), None);
        let at: Vec<_> = found.iter().map(|e| e.at.clone().expect("timed")).collect();
        let day = |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        assert_eq!(at[0].date, Some((day("2022-06-02"), Origin::Written)));
        assert_eq!(at[0].time, None);
        assert!(at[1].time.is_some());
        assert_eq!(at[2].date, Some((day("2022-06-10"), Origin::Written)));
        assert_eq!(at[2].time, None);
    }

    #[test]
    fn a_day_and_time_lead_their_event_without_a_separator() {
        let found = entries(
            "## Timeline\n- 2024-03-01 10:00 Alert fired.\n- 2024-03-01 10:05 Suspected the deploy and started a rollback.\n- 2024-03-01 10:20 Found the cause: disk full.\n- 2024-03-01 10:50 Service recovered.\n",
        );
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(found[0].0.as_deref(), Some("2024-03-01 10:00"), "{found:?}");
        assert!(found[0].1.starts_with("Alert fired"), "{found:?}");
        assert_eq!(found[2].0.as_deref(), Some("2024-03-01 10:20"), "{found:?}");
        assert_eq!(found[2].1, "Found the cause: disk full.", "{found:?}");
        // A day and a time alone still make the whole line the time.
        let found = entries("## Timeline\n- 2024-03-01 10:00 UTC\n  Alert fired.\n");
        assert_eq!(
            found[0].0.as_deref(),
            Some("2024-03-01 10:00 UTC"),
            "{found:?}"
        );
        // Words before the time are no day: the time is inside the event.
        let found = entries("## Timeline\n- Alert fired at 10:00.\n- Paged the owner at 10:05.\n");
        assert_eq!(found[0].0.as_deref(), Some("10:00"), "{found:?}");
    }

    #[test]
    fn a_time_inside_a_later_sentence_starts_no_event() {
        let found = entries(
            "## Timeline\n### 09:10\nThe queue stalls.\n### 09:40\nWorkers restart.\n\nThe logs from around the stall (~09:05) are read.\n> Alert: lag above limit since Mar 2, 2024 at 9:02AM UTC\n### 10:00\nQueue drained.\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[1].1.contains("~09:05"), "{found:?}");
        // A one-word event still opens with its own time.
        let found = entries(
            "## Timeline\n09:10 The queue stalls on the main cluster.\n09:12 Paged.\n09:40 Workers restart after the fix.\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        // An approximate time ("~09:20") still leads its entry.
        let found = entries(
            "## Timeline\n### 09:10\nThe queue stalls.\n### ~09:20\nWorkers restart.\n### 09:40–09:50\nQueue drained.\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[1].0.as_deref(), Some("~09:20"));
        // Where no entry leads with its time, a time inside the line is the entry's time.
        let found = entries(
            "## Timeline\n- Alerts fired at 09:10.\n- We restarted the workers at 09:40.\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1].0.as_deref(), Some("09:40"));
    }

    #[test]
    fn a_list_a_line_calls_the_timeline_is_one_without_a_heading() {
        let found = entries(
            "## What happened\n\nThis is the timeline of what happened on Tuesday, from 10.42am:\n\n- 10.42: the booking app went down.\n- 10.46: engineers were paged.\n- 10.56: the app came back.\n\nWhat we learnt:\n\n- A host was terminated.\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        // With a timeline section, other lists stay out of it.
        let found = entries(
            "## Timeline\n- 10:00: paged\n\n## Notes\nA second timeline, of the retry storm in the staging cluster last week:\n\n- 10:05: retries\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn untimed_lists_count_each_item() {
        let found = entries("## Timeline\n- alert\n- investigation\n- fix\n");
        assert_eq!(found.len(), 3);
        // A line pointing to a timeline kept elsewhere is no event.
        let found = entries("## Timeline\nA full timeline is available on the status page.\n");
        assert!(found.is_empty(), "{found:?}");
        assert!(found.iter().all(|(t, _)| t.is_none()));
    }

    #[test]
    fn moments_are_resolved_with_what_was_written_and_what_was_carried() {
        let md = "## Timeline (all times UTC)\n03-08-2024\n- 22:40: alert fired\n- 00:10 CET: rolled back\n- 2024-03-09 01:00: restored\n";
        let found = timeline(&sections(&parse_blocks(md, 1)), None);
        let at: Vec<_> = found.iter().map(|e| e.at.clone().expect("timed")).collect();
        let day = |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        assert_eq!(at[0].date, Some((day("2024-03-08"), Origin::Carried)));
        assert_eq!(at[0].zone, Some(("UTC".into(), Origin::Carried)));
        // Past midnight the day rolls over; the entry's own zone is written.
        assert_eq!(at[1].date, Some((day("2024-03-09"), Origin::Carried)));
        assert_eq!(at[1].zone, Some(("CET".into(), Origin::Written)));
        assert_eq!(at[2].date, Some((day("2024-03-09"), Origin::Written)));
        // A year-less day takes the document's year.
        let md = "## Timeline\n- March 3, 10:00: alert fired\n";
        let found = timeline(&sections(&parse_blocks(md, 1)), Some(2023));
        let at = found[0].at.as_ref().expect("timed");
        assert_eq!(at.date, Some((day("2023-03-03"), Origin::Written)));
    }
}
