//! When the outage happened: start, end, zone and duration, from the summary's labelled
//! lines first, then the summary text, then the timeline's events (LABELING.md's order).
//! Each value found keeps its source line and how it was found ([`Source`]).

use super::datetime::{self, Moment, Span};
use super::events;
use super::labels::Labelled;
use super::provenance::{Conflict, How, Source};
use super::sections::{Section, SectionKind};
use super::timeline::TimelineEntry;
use crate::cues;

/// The outage's time facts as found in the text, each with where it came from.
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
    /// The length of a stated range whose days are written without a year ("from Friday,
    /// March 3rd at 22:00 until Monday, March 6th at 08:00"): the days count even when
    /// the dates cannot be exported.
    pub range_minutes: Option<i64>,
    /// Where `start` came from.
    pub start_from: Option<Source>,
    /// Where `end` came from.
    pub end_from: Option<Source>,
    /// Where `stated_minutes` came from.
    pub minutes_from: Option<Source>,
    /// Values stated elsewhere that disagree with the ones kept.
    pub conflicts: Vec<Conflict>,
}

/// Whether a label names the outage's time ("Duration", "Start time", "Date of outage"),
/// word by word so "Timeline" is not mistaken for "time"; a timeline heading that states
/// its zone ("Timeline (all times UTC)") labels events, not the outage's time.
fn is_time_label(label: &str) -> bool {
    let timeline = label
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "timeline");
    let names_time = label.split(|c: char| !c.is_alphanumeric()).any(|word| {
        [
            "date",
            "dates",
            "time",
            "times",
            "when",
            "period",
            "window",
            "outage",
            "start",
            "started",
            "began",
            "occurred",
            "end",
            "ended",
            "resolved",
            "restored",
            "recovered",
        ]
        .contains(&word)
    });
    !timeline && (names_time || is_length_label(label))
}

/// Whether a label names the outage's length: "Duration", "Downtime", "Outage length",
/// or the time it took to recover ("Time to recovery", "Time to resolve") — not the time
/// to detect, which is only part of it.
fn is_length_label(label: &str) -> bool {
    let words: Vec<&str> = label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    has(&["duration", "downtime", "length"])
        || (label.contains("time to")
            && has(&[
                "recovery",
                "recover",
                "resolve",
                "resolution",
                "restore",
                "restoration",
                "mitigate",
                "mitigation",
            ]))
}

fn is_start_label(label: &str) -> bool {
    cues::in_text("window", "start_label", label)
}

fn is_end_label(label: &str) -> bool {
    cues::in_text("window", "end_label", label)
}

/// Text of the sections that describe the incident as a whole (not its timeline,
/// cause analysis or follow-ups), headings included, one string per line with its line.
pub fn header_lines(sections: &[Section]) -> Vec<(&str, usize)> {
    let mut lines = Vec::new();
    let mut analysis_started = false;
    for s in sections {
        // Untitled or unknown sections count only before the analysis (timeline, cause,
        // follow-ups) begins: a closing "Conclusion" does not state the outage's facts.
        let describes_outage = match s.kind {
            SectionKind::Summary | SectionKind::Impact | SectionKind::Detection => true,
            SectionKind::Other => !analysis_started,
            _ => {
                analysis_started = true;
                false
            }
        };
        if describes_outage {
            if !s.heading.is_empty() {
                lines.push((s.heading.as_str(), s.line));
            }
            lines.extend(s.entries.iter().map(|e| (e.text.as_str(), e.line)));
        }
    }
    lines
}

/// What the document says outside its body text that can date it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// The document's title ("Outage on October 15, 2018").
    pub title: &'a str,
    /// Front matter `date`: often the publication day, so only a fallback for the day.
    pub published: Option<chrono::NaiveDate>,
}

/// The labelled time lines and the summary's lines, best first: a bare "Date:" label is
/// weak (it may be a log or mail header) and keeps its place among the summary's lines.
fn candidate_texts<'a>(
    header: &[(&'a str, usize)],
    time_values: &[&'a Labelled],
) -> Vec<(&'a str, usize)> {
    let weak = |l: &Labelled| matches!(l.label.as_str(), "date" | "dates");
    time_values
        .iter()
        .filter(|l| !is_end_only(l) && !weak(l))
        .map(|l| (l.value.as_str(), l.line))
        .chain(header.iter().copied())
        .collect()
}

fn is_end_only(l: &Labelled) -> bool {
    is_end_label(&l.label) && !is_start_label(&l.label) && !is_length_label(&l.label)
}

/// The year the document is about, for dates written without one: the first dated line
/// of the summary or its labelled time lines, else the title, else front matter `date`.
pub fn document_year(sections: &[Section], values: &[Labelled], hints: Hints<'_>) -> Option<i32> {
    let header = header_lines(sections);
    let time_values: Vec<&Labelled> = values.iter().filter(|l| is_time_label(&l.label)).collect();
    candidate_texts(&header, &time_values)
        .iter()
        .filter_map(|(text, _)| datetime::find_span(text))
        .find_map(|s| s.start.date)
        .or_else(|| datetime::find_span(hints.title).and_then(|s| s.start.date))
        .or(hints.published)
        .map(|d| chrono::Datelike::year(&d))
}

/// Finds start, end, zone and stated duration; `year` is [`document_year`]'s and the
/// timeline's entries carry their resolved moments.
pub fn find_when(
    sections: &[Section],
    values: &[Labelled],
    timeline: &[TimelineEntry],
    hints: Hints<'_>,
    year: Option<i32>,
) -> When {
    let header = header_lines(sections);
    let time_values: Vec<&Labelled> = values.iter().filter(|l| is_time_label(&l.label)).collect();
    let texts = candidate_texts(&header, &time_values);
    let labelled_lines: Vec<usize> = time_values.iter().map(|l| l.line).collect();
    let how_at = |line: usize| {
        if labelled_lines.contains(&line) {
            How::Labelled
        } else {
            How::Stated
        }
    };
    let candidates: Vec<(Span, usize)> = texts
        .iter()
        .filter_map(|&(text, line)| {
            datetime::find_span_in_year(text, year).map(|span| (span, line))
        })
        .collect();
    let timed = candidates
        .iter()
        .find(|(s, _)| s.start.time.is_some() && s.start.date.is_some())
        .or_else(|| candidates.iter().find(|(s, _)| s.start.time.is_some()))
        .or_else(|| candidates.iter().find(|(s, _)| s.start.date.is_some()));
    let day = candidates
        .iter()
        .find_map(|(s, _)| s.start.date)
        .or_else(|| datetime::find_span_in_year(hints.title, year).and_then(|s| s.start.date))
        .or(hints.published);
    let mut when = When::default();
    if let Some((span, line)) = timed {
        when.start = Some(span.start);
        when.end = span.end;
        when.zone = span.zone.clone();
        when.range_minutes = span.minutes.filter(|_| span.start.date.is_none());
        when.start_from = Some(Source::at(*line, how_at(*line)));
        when.end_from = span.end.map(|_| Source::at(*line, how_at(*line)));
    }
    if when.end.is_none()
        && when.start.is_some()
        && let Some((end, line)) = time_values
            .iter()
            .filter(|l| is_end_only(l))
            .find_map(|l| datetime::find_span_in_year(&l.value, year).map(|s| (s.start, l.line)))
    {
        when.end = Some(end);
        when.end_from = Some(Source::at(line, How::Labelled));
    }
    if when.end.is_none()
        && let Some(start) = when.start
        // A sentence saying service came back wins over "until" said of anything ("the
        // backups took until 02:50").
        && let Some((end, line)) = last_restored(&header, &start, year).or_else(|| {
            header.iter().find_map(|&(text, line)| {
                end_after_keyword(text, &start, year).map(|e| (e, line))
            })
        })
    {
        when.end = Some(end);
        when.end_from = Some(Source::at(line, How::Stated));
    }
    fill_dates(&mut when, day);
    if let Some((minutes, line, how)) = stated_length(sections, &time_values, &header) {
        when.stated_minutes = Some(minutes);
        when.minutes_from = Some(Source::at(line, how));
    }
    // A zone stated beside some other time (a pasted "Date: … 07:32:16 GMT" header) is
    // that time's zone, not necessarily the outage's.
    let outage_times: Vec<_> = [when.start, when.end]
        .iter()
        .flatten()
        .filter_map(|m| m.time)
        .collect();
    let zone_of = |text: &str| {
        let other_time = datetime::find_time(text).is_some_and(|t| !outage_times.contains(&t));
        (!other_time).then(|| datetime::find_zone(text)).flatten()
    };
    when.zone = when
        .zone
        .or_else(|| time_values.iter().find_map(|l| zone_of(&l.value)))
        .or_else(|| header.iter().find_map(|(text, _)| zone_of(text)));
    events::fill_from_timeline(&mut when, sections, timeline);
    when
}

/// A stated length and where: a labelled "Duration:" line, else a summary line about how
/// long something lasted, else a sentence anywhere that states the total ("In total, the
/// incident was resolved in 2 hours and 2 minutes").
fn stated_length(
    sections: &[Section],
    time_values: &[&Labelled],
    header: &[(&str, usize)],
) -> Option<(i64, usize, How)> {
    time_values
        .iter()
        .filter(|l| is_length_label(&l.label))
        .find_map(|l| datetime::find_duration_minutes(&l.value).map(|m| (m, l.line, How::Labelled)))
        .or_else(|| {
            header.iter().find_map(|&(text, line)| {
                let minutes = if mentions_length(text) {
                    datetime::find_duration_minutes(text)
                } else {
                    length_after_for(text)
                };
                minutes.map(|m| (m, line, How::Stated))
            })
        })
        .or_else(|| {
            sections
                .iter()
                .flat_map(|s| s.entries.iter())
                .filter(|e| states_total_length(&e.text))
                .find_map(|e| {
                    datetime::find_duration_minutes(&e.text).map(|m| (m, e.line, How::Stated))
                })
        })
}

/// Gives a start without a day the day stated elsewhere, and an end without a day the
/// start's day (the next one when its time is earlier).
fn fill_dates(when: &mut When, day: Option<chrono::NaiveDate>) {
    let Some(start) = when.start.as_mut() else {
        return;
    };
    start.date = start.date.or(day);
    let start = *start;
    when.end = when.end.map(|end| end_on_start_day(&start, end));
}

/// An end written without a day falls on the start's day, or the next one when its time
/// is earlier than the start's (an outage from 23:00 to 01:00).
pub fn end_on_start_day(start: &Moment, end: Moment) -> Moment {
    if end.date.is_some() {
        return end;
    }
    let date = match (start.date, start.time, end.time) {
        (Some(d), Some(st), Some(et)) if et < st => d.succ_opt(),
        (d, _, _) => d,
    };
    Moment { date, ..end }
}

/// The end a summary line states after "until"/"till"/"ended" ("… lasted until noon on
/// January 28"), when it comes after the start.
fn end_after_keyword(text: &str, start: &Moment, year: Option<i32>) -> Option<Moment> {
    let lower = text.to_lowercase();
    let end = [
        " until ",
        " till ",
        " ended ",
        " ending ",
        " end of the ",
        " end: ",
        " end time: ",
    ]
    .iter()
    .find_map(|k| lower.find(k).map(|i| i + k.len()))
    .and_then(|i| text.get(i..))
    .and_then(|rest| datetime::find_span_in_year(rest, year))
    .map(|span| span.start)?;
    after_start(start, end)
}

/// The end told by the last sentence of the summary that says service came back, at the
/// last time it names ("… and was fully operational by 2:30 PM"; "by 01:30 UTC June 23rd
/// all integrations were back online"): in a narrative the final recovery comes last, and
/// a sentence's own day wins over the start's.
fn last_restored(
    header: &[(&str, usize)],
    start: &Moment,
    year: Option<i32>,
) -> Option<(Moment, usize)> {
    let paragraphs = rejoined(header);
    paragraphs
        .iter()
        .flat_map(|(text, line)| super::sentences(text).into_iter().map(move |s| (s, *line)))
        .rev()
        .filter(|(sentence, _)| events::is_restoration(sentence))
        .find_map(|(sentence, line)| {
            after_start(start, last_moment(sentence, year)?).map(|end| (end, line))
        })
}

/// Lines that continue a sentence cut mid-way ("… we reverted the released" then
/// "Rustup to 1.23.1, completed by 15:56 UTC.") joined back, each with its first line.
fn rejoined(lines: &[(&str, usize)]) -> Vec<(String, usize)> {
    let mut joined: Vec<(String, usize)> = Vec::new();
    for &(text, line) in lines {
        match joined.last_mut() {
            Some((last, _)) if !last.trim_end().ends_with(['.', '!', '?', ':']) => {
                last.push(' ');
                last.push_str(text);
            }
            _ => joined.push((text.to_owned(), line)),
        }
    }
    joined
}

/// The last time a sentence names, with the day written right beside it ("by 01:30 UTC
/// June 23rd, 2020"), if any.
fn last_moment(sentence: &str, year: Option<i32>) -> Option<Moment> {
    let time = datetime::last_time(sentence)?;
    let beside = sentence
        .char_indices()
        .filter(|&(i, c)| {
            c.is_ascii_digit()
                && (i == 0
                    || !sentence[..i].ends_with(|p: char| p.is_ascii_alphanumeric() || p == ':'))
        })
        .map(|(i, _)| i)
        .rev()
        .find_map(|i| {
            datetime::find_span_in_year(&sentence[i..], year).filter(|s| s.start.time == Some(time))
        });
    Some(Moment {
        date: beside.and_then(|s| s.start.date),
        time: Some(time),
    })
}

/// `end` on the start's day when it has none, kept only when it has a time and comes
/// after the start.
fn after_start(start: &Moment, end: Moment) -> Option<Moment> {
    let end = end_on_start_day(start, end);
    let key = |m: &Moment| (m.date, m.time);
    (end.time.is_some() && key(&end) > key(start)).then_some(end)
}

/// Whether a summary line talks about how long something lasted (`window.length`).
fn mentions_length(text: &str) -> bool {
    cues::in_text("window", "length", text)
}

/// A length right after "for" ("the checkout broke for 45 min", "failed for roughly half
/// an hour"): what lasted that long is the sentence's subject, the outage.
fn length_after_for(text: &str) -> Option<i64> {
    let lower = text.to_lowercase();
    lower.match_indices(" for ").find_map(|(i, k)| {
        let next: Vec<&str> = lower[i + k.len()..].split_whitespace().take(5).collect();
        datetime::find_duration_minutes(&next.join(" "))
    })
}

/// Whether a sentence states the outage's whole length wherever it stands
/// (`window.total_length`).
fn states_total_length(text: &str) -> bool {
    cues::in_text("window", "total_length", text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{labels, sections, timeline};
    use crate::parse::parse_blocks;

    fn when_of(md: &str) -> When {
        let sections = sections::sections(&parse_blocks(md, 1));
        let values = labels::labelled_values(&sections);
        let year = document_year(&sections, &values, Hints::default());
        let timeline = timeline::timeline(&sections, year);
        find_when(&sections, &values, &timeline, Hints::default(), year)
    }

    /// (start, end) as `YYYY-MM-DDTHH:MM` strings, the way export writes them.
    fn span_of(md: &str) -> (Option<String>, Option<String>) {
        let when = when_of(md);
        let show = |m: Option<Moment>| {
            m.and_then(|m| Some(format!("{}T{}", m.date?, m.time?.format("%H:%M"))))
        };
        (show(when.start), show(when.end))
    }

    #[test]
    fn a_bare_hour_after_afternoon_entries_is_read_as_pm() {
        let md = "## Timeline\n\n- 12:16 ET on June 16, 2020: search broke.\n- 1:00 PM ET: escalated.\n- 4:00 ET, June 16: search restored.\n";
        let (start, end) = span_of(md);
        assert_eq!(start.as_deref(), Some("2020-06-16T12:16"));
        assert_eq!(end.as_deref(), Some("2020-06-16T16:00"));
        // A 24-hour timeline keeps its rollover past midnight.
        let md = "## Timeline\n\n- 2020-06-16 23:10: queue stalled.\n- 01:30: queue drained, service restored.\n";
        assert_eq!(span_of(md).1.as_deref(), Some("2020-06-17T01:30"));
    }

    #[test]
    fn planned_work_before_the_first_symptom_does_not_start_the_outage() {
        let md = "## Timeline\n\n| Time | Event |\n| --- | --- |\n| 2019-11-29 12:00 | Proactively scaling the cluster up to 10 nodes |\n| 2019-11-30 08:24 | Warning: the balancer cannot scale, no free IPs |\n| 2019-12-05 07:00 | All systems verified operational |\n";
        assert_eq!(
            span_of(md),
            (
                Some("2019-11-30T08:24".to_owned()),
                Some("2019-12-05T07:00".to_owned())
            )
        );
    }

    #[test]
    fn a_zone_beside_another_time_is_not_the_outages_zone() {
        let md = "## Summary\n\nAt Nov 1, 2022 6:00 AM the site failed.\nDate: Tue, 1 Nov 2022 07:32:16 GMT\n";
        assert_eq!(when_of(md).zone, None);
        let md = "## Summary\n\nStart: Nov 1, 2022 6:00 AM\nEnd: 7:00 AM WAT\n";
        assert_eq!(when_of(md).zone.as_deref(), Some("WAT"));
    }

    #[test]
    fn the_summary_states_its_end_after_ended_or_ending() {
        let md = "## Summary\n\nAt 11:23:45 PM PST on August 28, 2017 a script took the balancers down, bringing the ending of the outage at 11:34:08 PM PST.\n";
        assert_eq!(span_of(md).1.as_deref(), Some("2017-08-28T23:34"));
        let md = "## Summary\n\nStart: 2024-05-05 14:00 UTC. End: 2024-05-05 15:30 UTC.\n";
        assert_eq!(span_of(md).1.as_deref(), Some("2024-05-05T15:30"));
    }

    #[test]
    fn a_title_day_after_the_dated_timeline_is_the_writing_day() {
        let md = "# Login failures — 2024-05-06\n\n## Timeline\n- March 9th, 2024, 10:05 PM (WAT): logins fail\n- March 10th, 2024, 12:15 AM (WAT): logins succeed again\n";
        assert_eq!(
            span_of(md),
            (
                Some("2024-03-09T22:05".to_owned()),
                Some("2024-03-10T00:15".to_owned())
            )
        );
    }

    #[test]
    fn a_length_after_for_is_the_outages() {
        let md =
            "## Summary\n\nOn 2024-01-05 at 15:00 UTC the site failed for roughly half an hour.\n";
        assert_eq!(when_of(md).stated_minutes, Some(30));
        let md = "## Summary\n\nAround 9:30 AM PT on 2024-02-20 the checkout broke for 45 min.\n";
        assert_eq!(when_of(md).stated_minutes, Some(45));
        // "for" without a length after it states none.
        let md = "## Summary\n\nOn 2024-01-05 at 15:00 UTC logins failed for 20% of users.\n";
        assert_eq!(when_of(md).stated_minutes, None);
    }

    #[test]
    fn the_last_recovery_in_a_narrative_ends_the_outage_on_its_own_day() {
        let md = "## What happened\n\nOn June 17th, 2020 at about 18:00 UTC the chat bridge went down. At 19:52 UTC we chose to rebuild the database from backups. By 01:30 UTC on June 23rd, 2020 all bridges were back online.\n";
        assert_eq!(span_of(md).1.as_deref(), Some("2020-06-23T01:30"));
        // A sentence cut over two lines is read whole.
        let md = "## Summary\n\nOn 2021-04-27 at 15:09 UTC we shipped version 1.24, which broke formatting. At 15:27 UTC we confirmed the cause and\n\nthe fix was deployed by 15:56 UTC.\n";
        assert_eq!(span_of(md).1.as_deref(), Some("2021-04-27T15:56"));
        // "Until" said of other work does not end the outage when a recovery is told.
        let md = "## What happened\n\nOn June 17th, 2020 at about 18:00 UTC the chat bridge went down. The backups took until 02:50 UTC on June 18th, 2020. By 01:30 UTC on June 23rd, 2020 all bridges were back online.\n";
        assert_eq!(span_of(md).1.as_deref(), Some("2020-06-23T01:30"));
        // A sentence that only plans the recovery ends nothing.
        let md = "## What happened\n\nOn June 17th, 2020 at about 18:00 UTC the chat bridge went down. At 19:52 UTC we chose to restore the database from backups.\n";
        assert_eq!(span_of(md).1, None);
    }

    #[test]
    fn a_vague_length_does_not_override_a_written_start_and_end() {
        let md = "## Summary\n\nBetween 10:05 and 10:40 UTC on 2024-03-08 the API failed. For over an hour afterwards the team watched the queues.\n";
        let when = when_of(md);
        assert_eq!(when.stated_minutes, None);
        assert_eq!(span_of(md).1.as_deref(), Some("2024-03-08T10:40"));
        let md = "## Summary\n\nOn 2024-03-08 at 10:05 UTC prices dipped and were restored less than two hours later.\n";
        assert_eq!(when_of(md).stated_minutes, None);
    }

    #[test]
    fn recovery_wording_in_the_summary_ends_the_outage() {
        let md = "## Summary\n\nOn 1 June 2024 at 01:00 CAT the API failed; recovery completed at 03:30 CAT.\n";
        assert_eq!(span_of(md).1.as_deref(), Some("2024-06-01T03:30"));
        let md = "## Summary\n\nOn Sept 18th 2023 at 8am UTC the queue stalled; it was back at 9:10am.\n";
        assert_eq!(span_of(md).1.as_deref(), Some("2023-09-18T09:10"));
    }
}
