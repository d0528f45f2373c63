//! Human date/time parsing for postmortem text: finds the dates, times, ranges, zones and
//! durations people write ("June 8, 2023, 10:00 AM - June 9, 2023, 1:00 AM (UTC)",
//! "1 hour and 30 minutes") and turns them into the wall-clock values the export needs.
//!
//! Everything works on a small token stream (numbers, words, single symbols) so no input
//! can make it slice inside a character or panic.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Timelike};

mod calendar;
mod duration;
mod tokens;
mod zone;

use calendar::{PDate, WEEKDAYS, date_at, raw_date_at, raw_time_at, time_at, valid_time};
use tokens::{Kind, Toks, tokenize};

pub use duration::find_duration_minutes;
pub use zone::{find_zone, utc_offset_minutes};

/// A point in time as written: a day, a time of day, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Moment {
    /// The calendar day, when one with a year is written (or inherited within a range).
    pub date: Option<NaiveDate>,
    /// The time of day, when one is written.
    pub time: Option<NaiveTime>,
}

impl Moment {
    /// Whether two moments may fall on one day: the same date, or a date left unsaid.
    pub fn may_share_day(&self, other: &Moment) -> bool {
        self.date.is_none() || other.date.is_none() || self.date == other.date
    }

    /// `YYYY-MM-DDTHH:MM` when both, `YYYY-MM-DD` when only the date, None when no date.
    pub fn to_export(&self) -> Option<String> {
        let d = self.date?;
        let day = format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        Some(match self.time {
            Some(t) => format!("{day}T{:02}:{:02}", t.hour(), t.minute()),
            None => day,
        })
    }
}

/// A start and optional end found in one piece of text, with the zone stated there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Where the range (or the single moment) begins.
    pub start: Moment,
    /// Where the range ends, when an end is written.
    pub end: Option<Moment>,
    /// The zone written next to the start or end, normalised like [`find_zone`].
    pub zone: Option<String>,
    /// The range's length in minutes when both ends have a day and a time written, even
    /// days without a year ("from Friday, March 3rd at 22:00 until Monday, March 6th at
    /// 08:00" is 3480): the days count though they cannot be exported.
    pub minutes: Option<i64>,
}

// ---------------------------------------------------------------------------------------
// Moments and ranges

/// A moment as parsed, before range resolution.
#[derive(Debug, Clone)]
struct Parsed {
    date: Option<PDate>,
    time: Option<NaiveTime>,
    zone: Option<String>,
    next: usize,
}

/// The zone right after a time: `Z`, an ISO offset (after `T`), or a named zone.
fn zone_after_time(tk: &Toks, k: usize, iso: bool) -> Option<(String, usize)> {
    if tk.adj(k) && tk.is_word(k, "z") {
        return Some(("UTC".to_string(), k + 1));
    }
    if iso
        && tk.adj(k)
        && let Some(z) = zone::offset_at(tk, k)
    {
        return Some(z);
    }
    zone::zone_at(tk, k, true)
}

fn moment_at(tk: &Toks, i: usize) -> Option<Parsed> {
    let mut j = i;
    if tk.is_word_in(j, WEEKDAYS) {
        j += 1;
        if matches!(tk.sym(j), Some(',' | '.')) {
            j += 1;
        }
    }
    if let Some((d, k)) = date_at(tk, j) {
        let mut p = Parsed {
            date: Some(d),
            time: None,
            zone: None,
            next: k,
        };
        let (mut t, mut iso) = (k, false);
        for _ in 0..3 {
            if matches!(tk.sym(t), Some(',' | '~' | '@'))
                || tk.is_word_in(
                    t,
                    &[
                        "at",
                        "from",
                        "around",
                        "approximately",
                        "approx",
                        "about",
                        "starting",
                        "since",
                    ],
                )
            {
                t += 1;
            } else if tk.is_word(t, "t") && tk.adj(t) && tk.adj(t + 1) {
                iso = true;
                t += 1;
            } else {
                break;
            }
        }
        if let Some((tm, k2)) = time_at(tk, t, false).filter(|_| !tk.line_break(k, t)) {
            p.time = Some(tm);
            p.next = k2;
            if let Some((z, k3)) = zone_after_time(tk, k2, iso) {
                p.zone = Some(z);
                p.next = k3;
            }
        } else if let Some((z, k3)) = zone::zone_at(tk, k, false) {
            p.zone = Some(z);
            p.next = k3;
        }
        return Some(p);
    }
    let (tm, k) = time_at(tk, j, false)?;
    let mut p = Parsed {
        date: None,
        time: Some(tm),
        zone: None,
        next: k,
    };
    if let Some((z, k2)) = zone_after_time(tk, k, false) {
        p.zone = Some(z);
        p.next = k2;
    }
    let mut t = p.next;
    for _ in 0..5 {
        if matches!(tk.sym(t), Some(',' | '('))
            || tk.is_word_in(t, &["on", "of", "the"])
            || tk.is_word_in(t, WEEKDAYS)
        {
            t += 1;
        } else {
            break;
        }
    }
    if let Some((d, k2)) = date_at(tk, t).filter(|_| !tk.line_break(k, t)) {
        p.date = Some(d);
        p.next = k2;
        if p.zone.is_none()
            && let Some((z, k3)) = zone::zone_at(tk, k2, false)
        {
            p.zone = Some(z);
            p.next = k3;
        }
    }
    Some(p)
}

/// Whether "between" comes shortly before token `i`.
fn after_between(tk: &Toks, i: usize) -> bool {
    (i.saturating_sub(4)..i).any(|k| tk.is_word(k, "between"))
}

/// The end of a range: connector words/dashes after `j`, then a moment.
fn range_end(tk: &Toks, j: usize, between: bool) -> Option<Parsed> {
    let (mut k, mut strong) = (j, false);
    for _ in 0..8 {
        let tok = tk.t.get(k)?;
        match (tok.kind, tok.low.as_str()) {
            (Kind::Sym('-' | '–' | '—' | '−'), _) if !tok.newline => strong = true,
            (
                Kind::Word,
                "to" | "until" | "till" | "til" | "through" | "thru" | "end" | "ending" | "ended"
                | "ends",
            ) => {
                strong = true;
            }
            (Kind::Word, "and") => strong |= between,
            (Kind::Sym('(' | ')' | ',' | ':' | '~' | '*' | '_' | '>'), _) => {}
            (
                Kind::Word,
                "at" | "time" | "approximately" | "approx" | "around" | "about" | "roughly",
            ) => {}
            _ => break,
        }
        k += 1;
    }
    if strong { moment_at(tk, k) } else { None }
}

fn with_year(d: PDate, y: i32) -> PDate {
    PDate { y: Some(y), ..d }
}

fn build_span(s: Parsed, e: Option<Parsed>, year: Option<i32>) -> Option<Span> {
    let (mut sd, st) = (s.date, s.time);
    let (mut ed, et) = e.as_ref().map_or((None, None), |e| (e.date, e.time));
    if let (Some(a), None, Some(y)) = (sd, ed.and_then(|b| b.y), year)
        && a.y.is_none()
    {
        sd = Some(with_year(a, y));
    }
    if let (Some(a), Some(b)) = (sd, ed) {
        match (a.y, b.y) {
            (None, Some(y)) => {
                sd = Some(with_year(
                    a,
                    if (a.m, a.d) > (b.m, b.d) { y - 1 } else { y },
                ))
            }
            (Some(y), None) => {
                ed = Some(with_year(
                    b,
                    if (b.m, b.d) < (a.m, a.d) { y + 1 } else { y },
                ))
            }
            _ => {}
        }
    }
    let (mut sn, mut en) = (sd.and_then(PDate::naive), ed.and_then(PDate::naive));
    let backwards = matches!((st, et), (Some(a), Some(b)) if b < a);
    if ed.is_none() && e.is_some() {
        en = sn.and_then(|d| if backwards { d.succ_opt() } else { Some(d) });
    }
    if sd.is_none() {
        sn = en.and_then(|d| if backwards { d.pred_opt() } else { Some(d) });
    }
    let start = Moment { date: sn, time: st };
    let end = Some(Moment { date: en, time: et }).filter(|m| m.date.is_some() || m.time.is_some());
    if start.date.is_none() && start.time.is_none() {
        return None;
    }
    let minutes = range_minutes(sd.zip(st), ed.zip(et));
    let zone = s.zone.or_else(|| e.and_then(|e| e.zone));
    Some(Span {
        start,
        end,
        zone,
        minutes,
    })
}

/// Minutes between two written days and times; year-less days are placed in the leap
/// year 2000 (so 29 February exists), which changes nothing within the range.
fn range_minutes(
    start: Option<(PDate, NaiveTime)>,
    end: Option<(PDate, NaiveTime)>,
) -> Option<i64> {
    let ((a, at), (b, bt)) = (start?, end?);
    let day = |d: PDate| NaiveDate::from_ymd_opt(d.y.unwrap_or(2000), d.m, d.d);
    let (a, b) = if a.y.is_none() && b.y.is_none() {
        (day(a)?, day(b)?)
    } else {
        (a.naive()?, b.naive()?)
    };
    let minutes = (b.and_time(bt) - a.and_time(at)).num_minutes();
    (minutes >= 0).then_some(minutes)
}

/// After a bare day ("On May 8, 2024, the API ... from 10:00 to 11:00 UTC"), the times that
/// follow on the same line, without a date of their own, are taken as that day's.
fn later_times(tk: &Toks, day: &Parsed, year: Option<i32>) -> Option<Span> {
    for k in day.next..tk.len().min(day.next + 60) {
        if tk.t.get(k).is_some_and(|t| t.newline) {
            return None;
        }
        if let Some(q) = moment_at(tk, k) {
            if q.date.is_some() {
                return None;
            }
            let end = range_end(tk, q.next, after_between(tk, k));
            let zone = q.zone.clone().or_else(|| day.zone.clone());
            return build_span(
                Parsed {
                    date: day.date,
                    zone,
                    ..q
                },
                end,
                year,
            );
        }
    }
    None
}

/// Finds the first date/time range or single moment in `text` ("June 8, 2023, 10:00 AM -
/// June 9, 2023, 1:00 AM (UTC)", "from 10:45 AM to 12:45 PM", "between 08:00 and 12:00 UTC on
/// May 10, 2024", "14:00 - 15:30 Central Africa Time", "01/16/2024"), because the summary's
/// duration line is where a postmortem states when the outage began and ended. An end
/// without its own date inherits the start's date, rolling over to the next day when the
/// end time is earlier than the start time (and a start without a date takes the end's).
/// A year-less date counts as no date but its time still counts. Returns None when the
/// text holds no date and no time.
pub fn find_span(text: &str) -> Option<Span> {
    find_span_in_year(text, None)
}

/// Like [`find_span`], but a date written without a year ("November 11, 4:02 PM") is taken
/// to be in `year`, the year the document states elsewhere (its title or summary).
pub fn find_span_in_year(text: &str, year: Option<i32>) -> Option<Span> {
    let tk = tokenize(text);
    let mut i = 0;
    while i < tk.len() {
        let Some(p) = moment_at(&tk, i) else {
            i += 1;
            continue;
        };
        let next = p.next.max(i + 1);
        let end = range_end(&tk, p.next, after_between(&tk, i));
        let day_only = p.time.is_none() && end.is_none();
        let Some(span) = build_span(p.clone(), end, year) else {
            i = next;
            continue;
        };
        if day_only && span.start.date.is_some() {
            return Some(later_times(&tk, &p, year).unwrap_or(span));
        }
        return Some(span);
    }
    None
}

/// Parses one date or date+time on its own (front matter values like "2024-02-14",
/// "2024-02-14T09:20", "2024-02-14 09:20", "February 14, 2024 9:20 AM", RFC 3339 with an
/// offset), for callers that already know the text is a date. The whole value must be the
/// date (a trailing zone is allowed); None when it is not, or has no year.
pub fn parse_moment(text: &str) -> Option<Moment> {
    let trimmed = text.trim().trim_matches(|c| c == '"' || c == '\'');
    let tk = tokenize(trimmed);
    let p = moment_at(&tk, 0)?;
    let rest_ok = (p.next..tk.len()).all(|k| matches!(tk.sym(k), Some('.' | ')' | ',')));
    let date = p.date?.naive()?;
    rest_ok.then_some(Moment {
        date: Some(date),
        time: p.time,
    })
}

/// Parses a time of day ("10:30 AM", "22:05", "10 PM", "10:30AM", "10 a.m.", "noon"; at the
/// very start also "10.30" and "1000 hrs") because timeline entries are keyed by the time
/// they carry. Returns the first time found, None if the text contains none.
pub fn find_time(text: &str) -> Option<NaiveTime> {
    let tk = tokenize(text);
    let first_num = (0..tk.len()).find(|&k| tk.num(k).is_some());
    (0..tk.len()).find_map(|k| {
        let lenient = Some(k) == first_num && (0..k).all(|b| tk.sym(b).is_some());
        time_at(&tk, k, lenient).map(|(t, _)| t)
    })
}

/// The last time of day in a text ("… restarted at 2:20 PM and fully operational by
/// 2:30 PM" → 14:30), because a sentence about recovery names the end last.
pub fn last_time(text: &str) -> Option<NaiveTime> {
    let tk = tokenize(text);
    (0..tk.len())
        .rev()
        .find_map(|k| time_at(&tk, k, false).map(|(t, _)| t))
}

/// Minutes from `start` to `end`, because a stated range is the fallback for the outage
/// length. When either side lacks a date the end rolls past midnight if it is earlier than
/// the start. None when either lacks a time, or when dated ends come before their starts.
pub fn minutes_between(start: &Moment, end: &Moment) -> Option<i64> {
    let (st, et) = (start.time?, end.time?);
    let secs = match (start.date, end.date) {
        (Some(a), Some(b)) => (b.and_time(et) - a.and_time(st)).num_seconds(),
        _ => {
            let d = (et - st).num_seconds();
            if d < 0 {
                d + Duration::days(1).num_seconds()
            } else {
                d
            }
        }
    };
    (secs >= 0).then_some(secs.div_euclid(60))
}

/// Whether a written time says AM or PM ("1:00 PM", "9 a.m.").
pub fn states_meridiem(written: &str) -> bool {
    written
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .any(|w| {
            let w = w.trim_start_matches(|c: char| c.is_ascii_digit());
            matches!(w, "am" | "pm" | "a.m." | "p.m." | "a.m" | "p.m")
        })
}

/// In a timeline that writes AM/PM elsewhere, a bare "4:00" after a "1:00 PM" entry is
/// 4 PM, not a step back in time: the writer dropped the PM, the clock did not run back.
pub fn afternoon_if_ambiguous(previous: NaiveTime, written: &str, time: NaiveTime) -> NaiveTime {
    let later = time + Duration::hours(12);
    let ambiguous = !states_meridiem(written) && (1..12).contains(&time.hour());
    if ambiguous && previous.hour() >= 12 && time < previous && later >= previous {
        later
    } else {
        time
    }
}

/// Finds a date or time that is written but does not exist ("February 30, 2024", "25:00",
/// "13/45/2024" is not a date at all and is ignored) so callers can warn instead of silently
/// dropping it. Returns the offending substring.
pub fn find_invalid_date(text: &str) -> Option<String> {
    let tk = tokenize(text);
    let mut i = 0;
    while i < tk.len() {
        if let Some((d, next)) = raw_date_at(&tk, i) {
            if !d.exists() {
                return Some(tk.slice(i, next).to_string());
            }
            i = next;
            continue;
        }
        if let Some(r) = raw_time_at(&tk, i, false) {
            let bad = match r.pm {
                Some(_) => valid_time(&r).is_none(),
                None => (24..=29).contains(&r.h) && r.m <= 59 && !(r.h == 24 && r.m == 0),
            };
            if bad {
                return Some(tk.slice(i, r.next).to_string());
            }
            i = r.next.max(i + 1);
            continue;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(m: &Moment) -> String {
        match (m.to_export(), m.time) {
            (Some(s), _) => s,
            (None, Some(t)) => format!("{:02}:{:02}", t.hour(), t.minute()),
            (None, None) => "-".to_string(),
        }
    }

    /// (input, start, end, zone) with "-" for none; bare times print as HH:MM.
    const SPANS: &[(&str, &str, &str, &str)] = &[
        (
            "Outage: July 3, 2022, 9:00 AM - July 4, 2022, 2:00 AM (UTC)",
            "2022-07-03T09:00",
            "2022-07-04T02:00",
            "UTC",
        ),
        (
            "It ran from April 2nd, 2023, 11:00 PM to April 3rd, 2023, 12:30 AM (WAT).",
            "2023-04-02T23:00",
            "2023-04-03T00:30",
            "WAT",
        ),
        (
            "Window: 09:00 - 10:45 West Africa Time",
            "09:00",
            "10:45",
            "WAT",
        ),
        (
            "First error at 2021-11-05 13:10 UTC",
            "2021-11-05T13:10",
            "-",
            "UTC",
        ),
        (
            "we were down from 9:15 AM to 11:40 AM",
            "09:15",
            "11:40",
            "-",
        ),
        (
            "between 07:30 and 09:00 UTC on June 1, 2022",
            "2022-06-01T07:30",
            "2022-06-01T09:00",
            "UTC",
        ),
        (
            "June 2, 2021, at 6:05 AM EDT - June 2, 2021, at 7:00 AM EDT",
            "2021-06-02T06:05",
            "2021-06-02T07:00",
            "EDT",
        ),
        ("Reported on 02/14/2023", "2023-02-14", "-", "-"),
        ("Started 12 March 2022 07:45", "2022-03-12T07:45", "-", "-"),
        // rollover past midnight
        (
            "October 1, 2022, 11:30 PM to 1:15 AM (GMT)",
            "2022-10-01T23:30",
            "2022-10-02T01:15",
            "GMT",
        ),
        (
            "22:00 - 01:00 UTC, March 3, 2024",
            "2024-03-02T22:00",
            "2024-03-03T01:00",
            "UTC",
        ),
        (
            "Thursday, August 3rd, 2023, 10:20 pm (PST) - Friday, August 4th, 2023, 3:00 pm (PST)",
            "2023-08-03T22:20",
            "2023-08-04T15:00",
            "PST",
        ),
        (
            "lasted 3 hours, from 8:00 AM to 11:00 AM (UTC)",
            "08:00",
            "11:00",
            "UTC",
        ),
        (
            "The incident ran from 1:00 PM to 5:00 PM on July 9th, 2021 (UTC).",
            "2021-07-09T13:00",
            "2021-07-09T17:00",
            "UTC",
        ),
        (
            "September 2, 2022, 02:00 AM - September 2, 2022, 04:30 AM (UTC)",
            "2022-09-02T02:00",
            "2022-09-02T04:30",
            "UTC",
        ),
        (
            "from March 1, 2023, 9:00 AM (CAT) to March 1, 2023, 1:30 PM (CAT)",
            "2023-03-01T09:00",
            "2023-03-01T13:30",
            "CAT",
        ),
        (
            "Start: December 4, 2022, 08:15 AM (GMT)\nEnd: December 4, 2022, 10:00 AM (GMT)",
            "2022-12-04T08:15",
            "2022-12-04T10:00",
            "GMT",
        ),
        (
            "lasting 2 hours (9:00 AM - 11:00 AM UTC, March 30, 2023)",
            "2023-03-30T09:00",
            "2023-03-30T11:00",
            "UTC",
        ),
        (
            "At 4:00 PM PT on 07-11-2019 the API stopped",
            "2019-07-11T16:00",
            "-",
            "PT",
        ),
        (
            "starting at 02/05/2024 09:00 AM and ending at 11:00 AM GMT",
            "2024-02-05T09:00",
            "2024-02-05T11:00",
            "GMT",
        ),
        (
            "around 6:40 AM PST 14th July 2018 users saw errors",
            "2018-07-14T06:40",
            "-",
            "PST",
        ),
        (
            "at 3:00am(PST) On Mar., 5th, 2019 for 1 hours",
            "2019-03-05T03:00",
            "-",
            "PST",
        ),
        (
            "Between the hours of 10:00:00 and 12:15:30 the site was down",
            "10:00",
            "12:15",
            "-",
        ),
        (
            "At 11:05:10 PM PST on Friday (March 3, 2017), a deploy failed",
            "2017-03-03T23:05",
            "-",
            "PST",
        ),
        (
            "From January 3, 2023, 6:00 AM to January 5, 2023, 2:00 PM GMT, nothing worked",
            "2023-01-03T06:00",
            "2023-01-05T14:00",
            "GMT",
        ),
        (
            "Jul 1, 2020 5:00 AM to Jul 3, 2020 5:00 AM (UTC-4)",
            "2020-07-01T05:00",
            "2020-07-03T05:00",
            "-04:00",
        ),
        (
            "On September 9th, 2019 at midnight the cache failed",
            "2019-09-09T00:00",
            "-",
            "-",
        ),
        (
            "Between May 2 and May 4, 2022 ingestion lagged",
            "2022-05-02",
            "2022-05-04",
            "-",
        ),
        (
            "12-05-2021 7:10 AM GMT+1 - tickets opened",
            "2021-12-05T07:10",
            "-",
            "+01:00",
        ),
        (
            "Tue, 8 Mar 2022 10:11:12 GMT",
            "2022-03-08T10:11",
            "-",
            "GMT",
        ),
        (
            "2020-02-02T21:05:33.1234Z started",
            "2020-02-02T21:05",
            "-",
            "UTC",
        ),
        (
            "11, 20, 2023, 09:00 AM UTC.",
            "2023-11-20T09:00",
            "-",
            "UTC",
        ),
        ("June 8 at 10:00 AM", "10:00", "-", "-"),
        (
            "on 05/09/21 between ~13:00 and 2:10 PM PST",
            "2021-05-09T13:00",
            "2021-05-09T14:10",
            "PST",
        ),
        ("Time: 10 a.m. to noon", "10:00", "12:00", "-"),
        ("14/06/2022 14:00", "2022-06-14T14:00", "-", "-"),
        ("Ended at 17:00 on 1 May 2024", "2024-05-01T17:00", "-", "-"),
        ("July 7 ~ 4:00 PM: config pushed", "16:00", "-", "-"),
        ("at 9:30 UTC the DNS record resolved", "09:30", "-", "UTC"),
        ("Tuesday, March 5, 2024", "2024-03-05", "-", "-"),
        // Forms from older and non-US reports.
        (
            "15Sep94 at 0233 the router failed",
            "1994-09-15T02:33",
            "-",
            "-",
        ),
        ("from 1900 UTC to 2100 UTC", "19:00", "21:00", "UTC"),
        (
            "On April 2, 2023 between the hours of 1900 and 2100 UTC, sends lagged",
            "2023-04-02T19:00",
            "2023-04-02T21:00",
            "UTC",
        ),
        ("On 03.08.2023 at 10:00", "2023-08-03T10:00", "-", "-"),
        ("February 24th, 15 at 10:00", "2015-02-24T10:00", "-", "-"),
        ("01-10-2024 deploy", "2024-01-10", "-", "-"),
        (
            "Sept. 5, 2024 10:00 a.m. – 11:30 a.m. EST",
            "2024-09-05T10:00",
            "2024-09-05T11:30",
            "EST",
        ),
        (
            "May 31, 2024 11pm - 1am",
            "2024-05-31T23:00",
            "2024-06-01T01:00",
            "-",
        ),
        (
            "On July 2, 2021, the queue stalled for 2 hours, from 10:05 to 12:05 UTC.",
            "2021-07-02T10:05",
            "2021-07-02T12:05",
            "UTC",
        ),
        (
            "# Outage - July 2, 2021\n10:05 UTC - alert",
            "2021-07-02",
            "-",
            "-",
        ),
    ];

    #[test]
    fn spans() {
        for (input, start, end, zone) in SPANS {
            let span = find_span(input).unwrap_or_else(|| panic!("no span in {input:?}"));
            let got = (
                ex(&span.start),
                span.end.as_ref().map_or("-".to_string(), ex),
                span.zone.clone().unwrap_or("-".into()),
            );
            assert_eq!(
                got,
                (start.to_string(), end.to_string(), zone.to_string()),
                "{input:?}"
            );
        }
    }

    #[test]
    fn no_spans() {
        for input in [
            "",
            "The service returned 500 errors to most clients.",
            "Upgraded to v2.2.0 after the incident; availability is 99.9% again.",
            "MySQL listens on port 3306 and the chain stalled at height 4779033.",
            "curl 0:80 and 10.63.250.132:80 timed out",
            "We scaled from 7 to 10 nodes.",
            "It happened on June 8 last year.",
            "see main.rs:119:5",
            "Postmortem 0x19. We may 5 times retry.",
            "Upgraded from 1.2.3 to 2.0.1 in 2019.",
            "In 1900 the company had 2100 employees",
            "June 8, 15 users complained",
        ] {
            assert_eq!(find_span(input), None, "{input:?}");
        }
    }

    #[test]
    fn moments() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2024-02-14", Some("2024-02-14")),
            ("2024-02-14T09:20", Some("2024-02-14T09:20")),
            ("2024-02-14 09:20", Some("2024-02-14T09:20")),
            ("\"2024-02-14T09:20:00+01:00\"", Some("2024-02-14T09:20")),
            ("2024-02-14T09:20:00Z", Some("2024-02-14T09:20")),
            ("February 14, 2024 9:20 AM", Some("2024-02-14T09:20")),
            ("Feb 14th, 2024", Some("2024-02-14")),
            ("14 February 2024", Some("2024-02-14")),
            ("2/14/2024", Some("2024-02-14")),
            ("February 30, 2024", None),
            ("February 14", None),
            ("soon", None),
            ("2024-02-14 and more words", None),
            ("9:20 AM", None),
        ];
        for (input, want) in cases {
            let got = parse_moment(input).and_then(|m| m.to_export());
            assert_eq!(got.as_deref(), *want, "{input:?}");
        }
    }

    #[test]
    fn times() {
        let cases: &[(&str, Option<(u32, u32)>)] = &[
            ("10:30 AM: alert fired", Some((10, 30))),
            ("22:05 - rollback", Some((22, 5))),
            ("10:00: detected", Some((10, 0))),
            ("10 PM", Some((22, 0))),
            ("10:30AM", Some((10, 30))),
            ("12:15 AM", Some((0, 15))),
            ("12:15 PM", Some((12, 15))),
            ("7 p.m. escalated", Some((19, 0))),
            ("10.30 service restored", Some((10, 30))),
            ("0930 hrs: paged", Some((9, 30))),
            ("- **08:05 UTC:** noticed", Some((8, 5))),
            ("March 9th, 2024, 10:05 PM (WAT): notified", Some((22, 5))),
            ("noon: fixed", Some((12, 0))),
            ("13:00:56: alert", Some((13, 0))),
            ("Engineers restarted 3 pods", None),
            ("version 2.5 shipped", None),
            ("99.95 percent", None),
            ("25:00 the job ran", None),
        ];
        for (input, want) in cases {
            let got = find_time(input).map(|t| (t.hour(), t.minute()));
            assert_eq!(got, *want, "{input:?}");
        }
    }

    #[test]
    fn zones() {
        let cases: &[(&str, Option<&str>)] = &[
            ("14:00 - 15:30 Central Africa Time", Some("CAT")),
            ("times in West Africa Time", Some("WAT")),
            ("(East Africa Time)", Some("EAT")),
            ("Coordinated Universal Time", Some("UTC")),
            ("all times Pacific Time", Some("PT")),
            ("7:23 AM GMT+1", Some("+01:00")),
            ("UTC+01:00", Some("+01:00")),
            ("(UTC+1)", Some("+01:00")),
            ("GMT-5", Some("-05:00")),
            ("All times in PDT (UTC-7).", Some("PDT")),
            ("UTC+0530", Some("+05:30")),
            ("at 10:00 utc", Some("UTC")),
            ("10:20 pm (pst)", Some("PST")),
            ("3:00 PM CAT- outage", Some("CAT")),
            ("12:16 ET on June 16", Some("ET")),
            ("2:00 PM PT", Some("PT")),
            ("2022-01-26T00:00:19.270205Z", Some("UTC")),
            ("2024-02-14T09:20:00-05:00", Some("-05:00")),
            ("Sent a PATCH request and called utcnow()", None),
            ("the cat ate my est. budget", None),
            ("PT boats", None),
            ("10:00 AM US/Pacific", Some("PT")),
            ("all times are US/Eastern", Some("ET")),
            ("at 10:00 Eastern the queue stalled", Some("ET")),
            ("the Eastern region failed", None),
            ("10 pacific ocean cables", None),
            ("a plain sentence", None),
        ];
        for (input, want) in cases {
            assert_eq!(find_zone(input).as_deref(), *want, "{input:?}");
        }
    }

    #[test]
    fn fixed_offsets_of_zones() {
        let cases: &[(&str, Option<i32>)] = &[
            ("UTC", Some(0)),
            ("WAT", Some(60)),
            ("EAT", Some(180)),
            ("PST", Some(-480)),
            ("IST", Some(330)),
            ("+01:00", Some(60)),
            ("-07:30", Some(-450)),
            ("PT", None),
            ("XYZ", None),
        ];
        for (zone, want) in cases {
            assert_eq!(utc_offset_minutes(zone), *want, "{zone}");
        }
    }

    #[test]
    fn durations() {
        let cases: &[(&str, Option<i64>)] = &[
            ("a 2-hour outage", Some(120)),
            ("lasted 1 hour and 30 minutes", Some(90)),
            ("45 minutes", Some(45)),
            ("1h 35m", Some(95)),
            ("95m of downtime", Some(95)),
            ("2.5 hours", Some(150)),
            ("three hours", Some(180)),
            ("half an hour", Some(30)),
            ("90 mins", Some(90)),
            ("1 day", Some(1440)),
            ("one day", Some(1440)),
            ("24 hours", Some(1440)),
            ("an hour and a half", Some(90)),
            ("one and a half hours", Some(90)),
            ("2 hours and 2 minutes", Some(122)),
            ("12 min and 40 seconds", Some(12)),
            ("for 5 days", Some(7200)),
            ("a two-hour window", Some(120)),
            ("twenty-five minutes", Some(25)),
            ("1 hour, 15 minutes", Some(75)),
            ("about 6 hours. That is from 10am GMT to 4pm GMT", Some(360)),
            ("checked every 2 hours; outage of 40 minutes", Some(40)),
            ("a day and a half after the issue arose", None),
            ("2 and half hours", Some(150)),
            ("seventy minutes", Some(70)),
            ("eighty-five minutes", Some(85)),
            ("ninety-nine minutes", Some(99)),
            ("data may be delayed by at most 16 hours", None),
            ("retries for up to 2 hours", None),
            ("no more than 30 minutes of data", None),
            ("a maximum of 4 hours", None),
            ("at most 16 hours; the outage lasted 3 hours", Some(180)),
            ("prices were restored less than two hours later", None),
            ("the site was down for over an hour", None),
            ("we expect to recover within 30 minutes", None),
            ("it stalled for at least 2 hours", None),
            (
                "under 30 minutes of lost data; the queue halted 45 minutes",
                Some(45),
            ),
            ("took over the shift after 20 minutes", Some(20)),
            ("degraded, with periodic outages of 10-30 minutes", None),
            (
                "intermittent stalls of 5 minutes; the outage lasted 2 hours",
                Some(120),
            ),
            ("an estimated time of 10-15 minutes", Some(15)),
            ("timeout cut from 1s to 300ms", None),
            ("5m users affected", None),
            ("at 10:30 AM on June 8, 2023", None),
            ("a few hours", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(find_duration_minutes(input), *want, "{input:?}");
        }
    }

    #[test]
    fn between() {
        let d = |s: &str| parse_moment(s);
        let t = |h, m| Moment {
            date: None,
            time: NaiveTime::from_hms_opt(h, m, 0),
        };
        let cases: &[(Option<Moment>, Option<Moment>, Option<i64>)] = &[
            (d("2023-06-08T10:00"), d("2023-06-09T01:00"), Some(900)),
            (Some(t(22, 0)), Some(t(1, 0)), Some(180)),
            (Some(t(13, 0)), Some(t(17, 35)), Some(275)),
            (d("2024-01-10T07:00"), d("2024-01-15T13:00"), Some(7560)),
            (d("2024-01-10"), d("2024-01-11"), None),
            (d("2024-01-11T10:00"), d("2024-01-10T10:00"), None),
        ];
        for (a, b, want) in cases {
            let (Some(a), Some(b)) = (a, b) else {
                panic!("bad case")
            };
            assert_eq!(minutes_between(a, b), *want, "{a:?} {b:?}");
        }
        let secs = Moment {
            date: None,
            time: NaiveTime::from_hms_opt(23, 23, 45),
        };
        let secs_end = Moment {
            date: None,
            time: NaiveTime::from_hms_opt(23, 34, 8),
        };
        assert_eq!(minutes_between(&secs, &secs_end), Some(10));
    }

    #[test]
    fn invalid() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "The outage began February 30, 2024 at 9 AM",
                Some("February 30, 2024"),
            ),
            ("from 25:00 to 26:00", Some("25:00")),
            ("- 25:00: recovered", Some("25:00")),
            ("April 31st", Some("April 31st")),
            ("2023-02-29", Some("2023-02-29")),
            ("02/30/2024", Some("02/30/2024")),
            ("13:75 PM", Some("13:75 PM")),
            ("February 29, 2024 and 2024-02-29", None),
            ("22:00 - 24:00", None),
            ("curl 0:80", None),
            ("nothing here", None),
        ];
        for (input, want) in cases {
            assert_eq!(find_invalid_date(input).as_deref(), *want, "{input:?}");
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let pieces = [
            "",
            " ",
            "é",
            "😀",
            "12",
            ":",
            "-",
            "—",
            "/",
            ".",
            "AM",
            "p.m",
            "a.",
            "June",
            "31",
            "2024",
            "T",
            "Z",
            "+",
            "UTC",
            "(",
            ")",
            "between",
            "and",
            "to",
            "99999999999999999999999",
            "0",
            "hour",
            "half",
            "a",
            "\n",
            "ğ",
            "ｓ",
            "٣",
            "24",
            "00",
            "st",
            ",",
        ];
        let mut n = 0usize;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}{a} {b}:{c}-{a}");
                    let _ = find_span(&s);
                    let _ = find_duration_minutes(&s);
                    let _ = find_zone(&s);
                    let _ = parse_moment(&s);
                    let _ = find_time(&s);
                    let _ = find_invalid_date(&s);
                    n += 1;
                }
            }
        }
        assert!(n > 1000);
    }
}
