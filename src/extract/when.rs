//! When the outage happened: start, end, zone and duration, from the summary's labelled
//! lines first, then the summary text, then the timeline (LABELING.md's order).

use super::datetime::{self, Moment, Span};
use super::labels::Labelled;
use super::mentions;
use super::sections::{Section, SectionKind};
use super::timeline::{self, TimelineEntry};

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

/// Whether a label names the outage's time ("Duration", "Start time", "Date of outage"),
/// word by word so "Timeline" is not mistaken for "time".
fn is_time_label(label: &str) -> bool {
    label.split(|c: char| !c.is_alphanumeric()).any(|word| {
        [
            "duration",
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
    })
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

/// Finds start, end, zone and stated duration.
pub fn find_when(
    sections: &[Section],
    values: &[Labelled],
    timeline: &[TimelineEntry],
    hints: Hints<'_>,
) -> When {
    let header = header_lines(sections);
    let time_values: Vec<&Labelled> = values.iter().filter(|l| is_time_label(&l.label)).collect();
    let end_only = |l: &Labelled| {
        is_end_label(&l.label) && !is_start_label(&l.label) && !l.label.contains("duration")
    };
    // Candidate texts, best first: labelled date/duration lines, then the summary's text.
    // A bare "Date:" label is weak (it may be a log or mail header): it keeps its place
    // among the summary's lines instead of going first.
    let weak = |l: &Labelled| matches!(l.label.as_str(), "date" | "dates");
    let texts: Vec<(&str, usize)> = time_values
        .iter()
        .filter(|l| !end_only(l) && !weak(l))
        .map(|l| (l.value.as_str(), l.line))
        .chain(header.iter().copied())
        .collect();
    // The year the document is about, for dates written without one.
    let year = texts
        .iter()
        .filter_map(|(text, _)| datetime::find_span(text))
        .find_map(|s| s.start.date)
        .or_else(|| datetime::find_span(hints.title).and_then(|s| s.start.date))
        .or(hints.published)
        .map(|d| chrono::Datelike::year(&d));
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
        when.line = Some(*line);
    }
    if when.end.is_none() && when.start.is_some() {
        when.end = time_values
            .iter()
            .filter(|l| end_only(l))
            .find_map(|l| datetime::find_span(&l.value))
            .map(|s| s.start);
    }
    if when.end.is_none()
        && let Some(start) = when.start
    {
        when.end = header
            .iter()
            .find_map(|(text, _)| stated_end(text, &start, year));
    }
    fill_dates(&mut when, day);
    when.stated_minutes = time_values
        .iter()
        .filter(|l| l.label.contains("duration"))
        .find_map(|l| datetime::find_duration_minutes(&l.value))
        .or_else(|| {
            header.iter().find_map(|(text, _)| {
                if mentions_length(text) {
                    datetime::find_duration_minutes(text)
                } else {
                    length_after_for(text)
                }
            })
        })
        .or_else(|| {
            // "In total, the incident was resolved in 2 hours and 2 minutes" — anywhere.
            sections
                .iter()
                .flat_map(|s| s.entries.iter())
                .filter(|e| states_total_length(&e.text))
                .find_map(|e| datetime::find_duration_minutes(&e.text))
        });
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
    // The timeline: its first event and the one where service came back.
    fill_from_timeline(&mut when, sections, timeline, year);
    when
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

/// The end a summary line states after the start: the moment after "until"/"till"
/// ("… lasted until noon on January 28"), or the last time in a sentence about recovery
/// ("… and was fully operational by 2:30 PM").
fn stated_end(text: &str, start: &Moment, year: Option<i32>) -> Option<Moment> {
    let lower = text.to_lowercase();
    let after_keyword = [
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
    .map(|span| span.start);
    let end = after_keyword.or_else(|| {
        is_restoration(text)
            .then(|| datetime::last_time(text))
            .flatten()
            .map(|t| Moment {
                date: None,
                time: Some(t),
            })
    })?;
    let end = end_on_start_day(start, end);
    let key = |m: &Moment| (m.date, m.time);
    (end.time.is_some() && key(&end) > key(start)).then_some(end)
}

/// Whether a summary line talks about how long something lasted.
fn mentions_length(text: &str) -> bool {
    mentions(
        text,
        &[
            "outage",
            "estimated time",
            "lasted",
            "took",
            "halt",
            "for a total of",
            "duration",
            "downtime",
            "down for",
            "for approximately",
            "for about",
            "lasting",
            "disruption",
            "unavailable for",
            "degraded for",
            "incident",
        ],
    )
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

/// Phrases that state the outage's whole length wherever they appear.
fn states_total_length(text: &str) -> bool {
    mentions(
        text,
        &[
            "in total",
            "total of",
            "total downtime",
            "outage lasted",
            "incident lasted",
            "the outage was resolved in",
            "was resolved in",
        ],
    )
}

fn fill_from_timeline(
    when: &mut When,
    sections: &[Section],
    timeline: &[TimelineEntry],
    year: Option<i32>,
) {
    let timeline_zone = || {
        sections
            .iter()
            .filter(|s| s.kind == SectionKind::Timeline)
            .find_map(|s| {
                // "## Timeline (all times PST)", or a line "All times in CET." under it.
                let stated = s.entries.iter().map(|e| e.text.as_str()).filter(|t| {
                    let t = t.to_lowercase();
                    t.contains("all times") || t.contains("times are") || t.contains("times in")
                });
                std::iter::once(s.heading.as_str())
                    .chain(stated)
                    .find_map(datetime::find_zone)
            })
            .or_else(|| {
                timeline
                    .iter()
                    .find_map(|e| e.time.as_deref().and_then(datetime::find_zone))
            })
    };
    if when.zone.is_none() && (when.start.is_some() || !timeline.is_empty()) {
        when.zone = timeline_zone();
    }
    let twelve_hour = timeline::writes_meridiem(timeline);
    let mut previous: Option<Moment> = None;
    let timed: Vec<(Moment, &TimelineEntry)> = timeline
        .iter()
        .filter_map(|e| {
            let written = e.time.as_deref()?;
            let mut moment = datetime::find_span_in_year(written, year).map(|s| s.start)?;
            moment.date = moment.date.or(e.day);
            let time = moment.time?;
            if let Some(prev) = previous.filter(|p| twelve_hour && p.may_share_day(&moment)) {
                moment.time = prev
                    .time
                    .map(|p| datetime::afternoon_if_ambiguous(p, written, time));
            }
            previous = Some(moment);
            Some((moment, e))
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
    // Planned work logged before anything went wrong is not the outage's start.
    let (first, _) = timed
        .iter()
        .find(|(_, e)| !is_planned_work(&e.text))
        .unwrap_or(&timed[0]);
    let first = *first;
    match when.start.as_mut() {
        None => {
            when.start = Some(Moment {
                date: first.date.or(day),
                time: first.time,
            });
        }
        // The summary gave the day only: the timeline's first event gives the time.
        Some(start) if start.time.is_none() && first.date.is_none_or(|d| Some(d) == start.date) => {
            start.time = first.time;
        }
        // A day that comes after the timeline's dated first event is when the postmortem
        // was written ("Login failures — 2024-05-06" over a March timeline).
        Some(start)
            if start.time.is_none()
                && first
                    .date
                    .is_some_and(|d| start.date.is_some_and(|s| d < s)) =>
        {
            *start = first;
        }
        Some(_) => {}
    }
    if when.end.is_none() && when.stated_minutes.is_none() {
        // The event where service came back, else the last event (when there are several).
        let last = timed.last().filter(|_| timed.len() > 1);
        let restored = timed
            .iter()
            .rev()
            .find(|(_, e)| is_restoration(&e.text))
            .or(last);
        if let Some(&(moment, _)) = restored {
            let start = when.start.unwrap_or(moment);
            when.end = Some(end_on_start_day(&start, moment));
        }
    }
    fix_noon_written_as_midnight(when);
    // An "end" at the very moment of the start is the same event seen twice.
    if when.end.is_some() && when.end == when.start {
        when.end = None;
    }
}

/// "From 11 AM to 12:30 AM" almost always means half past noon: an end just after
/// midnight following a morning start is read as just after noon the same day.
fn fix_noon_written_as_midnight(when: &mut When) {
    use chrono::Timelike;
    let (Some(start), Some(end)) = (when.start, when.end.as_mut()) else {
        return;
    };
    let (Some(sd), Some(st), Some(ed), Some(et)) = (start.date, start.time, end.date, end.time)
    else {
        return;
    };
    if et.hour() == 0 && (6..12).contains(&st.hour()) && sd.succ_opt() == Some(ed) {
        end.date = Some(sd);
        end.time = et.with_hour(12);
    }
}

/// Whether a timeline entry logs routine or proactive work that reports no problem
/// ("Proactively scaling up the cluster from 7 to 10 nodes").
fn is_planned_work(text: &str) -> bool {
    mentions(text, &["proactive", "routine", "planned", "as scheduled"])
        && !mentions(
            text,
            &[
                "error",
                "fail",
                "down",
                "alert",
                "outage",
                "incident",
                "issue",
                "broke",
                "unavailable",
                "warning",
                "spike",
                "slow",
                "crash",
                "timeout",
                "degraded",
            ],
        )
}

/// Whether a timeline entry says service came back.
pub fn is_restoration(text: &str) -> bool {
    mentions(
        text,
        &[
            "restored",
            "resolved",
            "normally",
            "working again",
            "running again",
            "was back at",
            "were back at",
            "recovery completed",
            "recovery complete",
            "created again",
            "flowing again",
            "available again",
            "responding again",
            "serving again",
            "processing again",
            "resumed",
            "back up",
            "operational",
            "stabilized",
            "stable",
            "recovered",
            "back to normal",
            "back online",
            "fully operational",
            "returned to normal",
            "service resumed",
            "incident closed",
            "normal operation",
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{labels, sections, timeline};
    use crate::parse::parse_blocks;

    fn when_of(md: &str) -> When {
        let sections = sections::sections(&parse_blocks(md, 1));
        let values = labels::labelled_values(&sections);
        let timeline = timeline::timeline(&sections);
        find_when(&sections, &values, &timeline, Hints::default())
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
    fn recovery_wording_in_the_summary_ends_the_outage() {
        let md = "## Summary\n\nOn 1 June 2024 at 01:00 CAT the API failed; recovery completed at 03:30 CAT.\n";
        assert_eq!(span_of(md).1.as_deref(), Some("2024-06-01T03:30"));
        let md = "## Summary\n\nOn Sept 18th 2023 at 8am UTC the queue stalled; it was back at 9:10am.\n";
        assert_eq!(span_of(md).1.as_deref(), Some("2023-09-18T09:10"));
    }
}
