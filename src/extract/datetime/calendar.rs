//! Times of day and calendar days as written ("10:30 AM", "22:05", "June 8, 2023",
//! "8th June 2023", "2023-06-08", "06/08/2023").

use chrono::{NaiveDate, NaiveTime};

use super::tokens::Toks;

#[derive(Debug, Clone, Copy)]
pub(super) struct RawTime {
    pub(super) h: u64,
    pub(super) m: u64,
    pub(super) s: u64,
    pub(super) pm: Option<bool>,
    pub(super) next: usize,
}

pub(super) fn ampm_at(tk: &Toks, j: usize) -> Option<(bool, usize)> {
    match tk.word(j)? {
        "am" => Some((false, j + 1)),
        "pm" => Some((true, j + 1)),
        w @ ("a" | "p")
            if tk.is_sym(j + 1, '.')
                && tk.adj(j + 1)
                && tk.is_word(j + 2, "m")
                && tk.adj(j + 2) =>
        {
            let k = if tk.is_sym(j + 3, '.') && tk.adj(j + 3) {
                j + 4
            } else {
                j + 3
            };
            Some((w == "p", k))
        }
        _ => None,
    }
}

/// A time-of-day shape at token `i`, not yet checked for range. `lenient` also accepts
/// "10.30" and "1000 hrs" (used for timeline entries, where a time is expected).
pub(super) fn raw_time_at(tk: &Toks, i: usize, lenient: bool) -> Option<RawTime> {
    let simple = |h, m, pm, next| {
        Some(RawTime {
            h,
            m,
            s: 0,
            pm,
            next,
        })
    };
    match tk.word(i) {
        Some("noon") => return simple(12, 0, None, i + 1),
        Some("midnight") => return simple(0, 0, None, i + 1),
        _ => {}
    }
    let (h, hl) = tk.num(i)?;
    if tk.after_sym(i, &['.', ':', '$', '/', '#']) {
        return None;
    }
    if hl == 4 && lenient && tk.is_word_in(i + 1, &["hrs", "hr", "h"]) {
        return simple(h / 100, h % 100, None, i + 2);
    }
    if hl == 4 && is_military_time(tk, i, h) {
        return simple(h / 100, h % 100, None, i + 1);
    }
    if hl > 2 {
        return None;
    }
    if tk.is_sym(i + 1, ':') && tk.adj(i + 1) {
        if let Some((m, ml)) = tk.num(i + 2).filter(|_| tk.adj(i + 2)) {
            if ml != 2 {
                return None;
            }
            let (mut k, mut s) = (i + 3, 0);
            if tk.is_sym(k, ':') && tk.adj(k) {
                match tk.num(k + 1).filter(|_| tk.adj(k + 1)) {
                    Some((sv, 2)) => {
                        s = sv;
                        k += 2;
                        if tk.is_sym(k, '.')
                            && tk.adj(k)
                            && tk.num(k + 1).is_some()
                            && tk.adj(k + 1)
                        {
                            k += 2;
                        }
                    }
                    Some(_) => return None,
                    // "10:00: detected": the colon ends a label, not the time.
                    None => {}
                }
            }
            if tk.adj(k)
                && matches!(tk.sym(k), Some(':' | '.'))
                && tk.num(k + 1).is_some()
                && tk.adj(k + 1)
            {
                return None;
            }
            let (pm, next) = ampm_at(tk, k).map_or((None, k), |(p, n)| (Some(p), n));
            return Some(RawTime { h, m, s, pm, next });
        }
        let (pm, next) = ampm_at(tk, i + 2).filter(|_| tk.adj(i + 2))?;
        return simple(h, 0, Some(pm), next);
    }
    if tk.is_sym(i + 1, '.') && tk.adj(i + 1) {
        let (m, ml) = tk.num(i + 2).filter(|_| tk.adj(i + 2))?;
        let k = i + 3;
        if ml != 2 || (tk.adj(k) && matches!(tk.sym(k), Some('.' | ':')) && tk.num(k + 1).is_some())
        {
            return None;
        }
        return match ampm_at(tk, k) {
            Some((pm, next)) => simple(h, m, Some(pm), next),
            None if lenient && i == 0 => simple(h, m, None, k),
            None => None,
        };
    }
    if h == 12 && tk.is_word(i + 1, "noon") {
        return simple(12, 0, None, i + 2);
    }
    if h == 12 && tk.is_word(i + 1, "midnight") {
        return simple(0, 0, None, i + 2);
    }
    let (pm, next) = ampm_at(tk, i + 1)?;
    simple(h, 0, Some(pm), next)
}

/// Whether the four digits at `i` are a 24-hour clock time written without a colon
/// ("1900 UTC", "at 0233", "between the hours of 1900 and 2100"): a zone follows, or a
/// leading zero follows a time preposition (no year starts with 0), or "hours of" or
/// "hours between" precedes — never a bare year.
fn is_military_time(tk: &Toks, i: usize, hhmm: u64) -> bool {
    if hhmm / 100 > 23 || hhmm % 100 > 59 || tk.adj(i + 1) && tk.sym(i + 1).is_some() {
        return false;
    }
    let zone_follows = super::zone::zone_at(tk, i + 1, false).is_some();
    let before = |n: usize| i.checked_sub(n).and_then(|k| tk.word(k));
    let preposition = matches!(
        before(1),
        Some("at" | "by" | "from" | "until" | "till" | "to" | "around" | "since" | "and")
    );
    let leading_zero = tk.raw(i).starts_with('0') && preposition;
    let hours = matches!(before(1), Some("of" | "between")) && before(2) == Some("hours")
        || (before(1) == Some("and") && before(3) == Some("of") && before(4) == Some("hours"));
    zone_follows || leading_zero || hours
}

pub(super) fn valid_time(r: &RawTime) -> Option<NaiveTime> {
    let s = u32::try_from(r.s.min(59)).ok()?;
    let m = u32::try_from(r.m).ok()?;
    let h = match r.pm {
        _ if r.m > 59 || r.s > 60 => return None,
        Some(pm) => match r.h {
            0 => 0,
            1..=11 if pm => r.h + 12,
            12 if !pm => 0,
            1..=23 => r.h,
            _ => return None,
        },
        None if r.h == 24 && r.m == 0 && r.s == 0 => 0,
        None => r.h,
    };
    NaiveTime::from_hms_opt(u32::try_from(h).ok()?, m, s)
}

pub(super) fn time_at(tk: &Toks, i: usize, lenient: bool) -> Option<(NaiveTime, usize)> {
    let r = raw_time_at(tk, i, lenient)?;
    Some((valid_time(&r)?, r.next))
}

// ---------------------------------------------------------------------------------------
// Dates

/// A calendar day as written; `y` is None for year-less dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PDate {
    pub(super) y: Option<i32>,
    pub(super) m: u32,
    pub(super) d: u32,
}

impl PDate {
    pub(super) fn naive(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.y?, self.m, self.d)
    }
    /// The day exists (a year-less 29 February counts, as in a leap year).
    pub(super) fn exists(self) -> bool {
        NaiveDate::from_ymd_opt(self.y.unwrap_or(2000), self.m, self.d).is_some()
    }
}

pub(super) fn month_of(w: &str) -> Option<u32> {
    Some(match w {
        "jan" | "january" => 1,
        "feb" | "february" => 2,
        "mar" | "march" => 3,
        "apr" | "april" => 4,
        "may" => 5,
        "jun" | "june" => 6,
        "jul" | "july" => 7,
        "aug" | "august" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" => 10,
        "nov" | "november" => 11,
        "dec" | "december" => 12,
        _ => return None,
    })
}

pub(super) const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
];

pub(super) fn year_at(tk: &Toks, k: usize) -> Option<i32> {
    let (y, yl) = tk.num(k)?;
    let after_is_time =
        tk.adj(k + 1) && matches!(tk.sym(k + 1), Some(':' | '.')) && tk.num(k + 2).is_some();
    (yl == 4 && (1900..=2199).contains(&y) && !after_is_time).then(|| i32::try_from(y).ok())?
}

pub(super) fn small(tk: &Toks, i: usize) -> Option<u32> {
    tk.num(i)
        .filter(|&(_, l)| (1..=2).contains(&l))
        .and_then(|(v, _)| u32::try_from(v).ok())
}

/// `2023-06-08`, `2019-1-17`, `2024/01/16`.
pub(super) fn iso_date(tk: &Toks, i: usize) -> Option<(PDate, usize)> {
    let (y, 4) = tk.num(i)? else { return None };
    let sep = tk.sym(i + 1).filter(|c| matches!(c, '-' | '/' | '.'))?;
    let ok = !tk.after_sym(i, &['.', ':', '/', '-'])
        && tk.adj(i + 1)
        && tk.adj(i + 2)
        && tk.is_sym(i + 3, sep)
        && tk.adj(i + 3)
        && tk.adj(i + 4)
        && !(tk.adj(i + 5) && tk.is_sym(i + 5, sep) && tk.num(i + 6).is_some());
    let (m, d) = (small(tk, i + 2)?, small(tk, i + 4)?);
    (ok && (1..=12).contains(&m) && (1..=31).contains(&d)).then(|| {
        (
            PDate {
                y: i32::try_from(y).ok(),
                m,
                d,
            },
            i + 5,
        )
    })
}

/// `06/08/2023`, `6-8-2023`, `06/May/2022`, `03, 14, 2024`, and `03-30-17` (2017).
pub(super) fn numeric_date(tk: &Toks, i: usize) -> Option<(PDate, usize)> {
    let a = small(tk, i)?;
    if tk.after_sym(i, &['.', ':', '/', '-', ',']) {
        return None;
    }
    if tk.is_sym(i + 1, ',') && !tk.is_sym(i.wrapping_sub(1), ',') {
        let (b, y) = (
            small(tk, i + 2)?,
            tk.is_sym(i + 3, ',').then(|| year_at(tk, i + 4))??,
        );
        return ((1..=12).contains(&a) && (1..=31).contains(&b)).then_some((
            PDate {
                y: Some(y),
                m: a,
                d: b,
            },
            i + 5,
        ));
    }
    let sep = tk.sym(i + 1).filter(|c| matches!(c, '/' | '-' | '.'))?;
    if !(tk.adj(i + 1) && tk.adj(i + 2) && tk.is_sym(i + 3, sep) && tk.adj(i + 3) && tk.adj(i + 4))
    {
        return None;
    }
    if sep == '.' {
        return dotted_date(tk, i);
    }
    if tk.adj(i + 5)
        && matches!(tk.sym(i + 5), Some(':' | '.' | '/' | '-'))
        && tk.num(i + 6).is_some()
    {
        return None;
    }
    let y = match tk.num(i + 4)?.1 {
        4 => Some(year_at(tk, i + 4)?),
        // `03-30-17`, `08/24/17`: a two-digit year in a numeric date is this century's.
        2 => Some(2000 + i32::try_from(tk.num(i + 4)?.0).ok()?),
        _ => return None,
    };
    if let Some(m) = tk.word(i + 2).and_then(month_of) {
        return (1..=31)
            .contains(&a)
            .then_some((PDate { y, m, d: a }, i + 5));
    }
    let b = small(tk, i + 2)?;
    let (m, d) = if (1..=12).contains(&a) && (1..=31).contains(&b) {
        (a, b)
    } else if (1..=12).contains(&b) && (13..=31).contains(&a) {
        (b, a)
    } else {
        return None;
    };
    Some((PDate { y, m, d }, i + 5))
}

/// `03.08.2023`: a date written with dots is day first (3 August), as in the European
/// countries that write it so; only with a four-digit year, so versions ("1.2.3") are not
/// dates.
fn dotted_date(tk: &Toks, i: usize) -> Option<(PDate, usize)> {
    let (d, m, y) = (small(tk, i)?, small(tk, i + 2)?, year_at(tk, i + 4)?);
    if tk.adj(i + 5) && tk.is_sym(i + 5, '.') && tk.num(i + 6).is_some() {
        return None;
    }
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((PDate { y: Some(y), m, d }, i + 5))
}

/// `15Sep94`, `3mar2021`: day, month abbreviation and year run together, as logs and
/// older reports write them; a two-digit year is read as 1970–2069.
fn compact_date(tk: &Toks, i: usize) -> Option<(PDate, usize)> {
    let d = small(tk, i).filter(|d| (1..=31).contains(d))?;
    if !(tk.adj(i + 1) && tk.adj(i + 2)) || tk.after_sym(i, &['.', ':', '/', '-']) {
        return None;
    }
    let m = tk.word(i + 1).and_then(month_of)?;
    let y = match tk.num(i + 2)? {
        (y, 2) => two_digit_year(y),
        (_, 4) => year_at(tk, i + 2)?,
        _ => return None,
    };
    Some((PDate { y: Some(y), m, d }, i + 3))
}

/// A two-digit year: 1970–1999 for 70–99, else this century.
fn two_digit_year(yy: u64) -> i32 {
    let yy = i32::try_from(yy % 100).unwrap_or(0);
    if yy >= 70 { 1900 + yy } else { 2000 + yy }
}

pub(super) fn skip_ordinal(tk: &Toks, j: usize) -> usize {
    if tk.adj(j) && tk.is_word_in(j, &["st", "nd", "rd", "th"]) {
        j + 1
    } else {
        j
    }
}

/// A year-less "may 5" / "5 mar" in lower case is more likely a verb than a date.
pub(super) fn verb_like(tk: &Toks, mi: usize, y: Option<i32>) -> bool {
    y.is_none() && matches!(tk.raw(mi), "may" | "mar")
}

/// `June 8, 2023`, `Sept. 5th 2024`, `Feb., 20th, 2017`, `June 8` (year-less).
pub(super) fn month_first(tk: &Toks, i: usize) -> Option<(PDate, usize)> {
    let m = tk.word(i).and_then(month_of)?;
    let mut j = i + 1;
    if tk.is_sym(j, '.') && tk.adj(j) {
        j += 1;
    }
    if tk.is_sym(j, ',') {
        j += 1;
    }
    let d = small(tk, j).filter(|d| (1..=31).contains(d))?;
    if tk.adj(j + 1) && matches!(tk.sym(j + 1), Some(':' | '.' | '%')) && tk.num(j + 2).is_some() {
        return None;
    }
    let j = skip_ordinal(tk, j + 1);
    let k = if tk.is_sym(j, ',') { j + 1 } else { j };
    let (y, next) = year_at(tk, k)
        .or_else(|| (k > j).then(|| short_year_at(tk, k)).flatten())
        .map_or((None, j), |y| (Some(y), k + 1));
    (!verb_like(tk, i, y)).then_some((PDate { y, m, d }, next))
}

/// A two-digit year after "February 24th," ("February 24th, 15 at 10:00"): only where the
/// number ends the date — text ends, or punctuation, "at" or a time follows — so "June 8,
/// 15 users" is no date with a year.
fn short_year_at(tk: &Toks, k: usize) -> Option<i32> {
    let (yy, 2) = tk.num(k)? else { return None };
    let next = k + 1;
    let ends = next >= tk.len()
        || tk.line_break(k, next)
        || matches!(tk.sym(next), Some(',' | '.' | ';' | ')'))
            && !(tk.adj(next) && tk.num(next + 1).is_some())
        || tk.is_word(next, "at")
        || time_at(tk, next, false).is_some();
    ends.then(|| two_digit_year(yy))
}

/// `8 June 2023`, `24th August 2017`, `1 Nov 2022`, `8th of June`.
pub(super) fn day_first(tk: &Toks, i: usize) -> Option<(PDate, usize)> {
    let d = small(tk, i).filter(|d| (1..=31).contains(d))?;
    if tk.after_sym(i, &['.', ':', '/', '-']) || (tk.adj(i + 1) && tk.is_sym(i + 1, ':')) {
        return None;
    }
    let mut j = skip_ordinal(tk, i + 1);
    if tk.is_word(j, "of") {
        j += 1;
    }
    let mi = j;
    let m = tk.word(j).and_then(month_of)?;
    j += 1;
    if tk.is_sym(j, '.') && tk.adj(j) {
        j += 1;
    }
    let k = if tk.is_sym(j, ',') { j + 1 } else { j };
    let (y, next) = year_at(tk, k).map_or((None, j), |y| (Some(y), k + 1));
    (!verb_like(tk, mi, y)).then_some((PDate { y, m, d }, next))
}

/// Any date shape at `i`, whether or not the day exists.
pub(super) fn raw_date_at(tk: &Toks, i: usize) -> Option<(PDate, usize)> {
    iso_date(tk, i)
        .or_else(|| numeric_date(tk, i))
        .or_else(|| compact_date(tk, i))
        .or_else(|| month_first(tk, i))
        .or_else(|| day_first(tk, i))
}

pub(super) fn date_at(tk: &Toks, i: usize) -> Option<(PDate, usize)> {
    raw_date_at(tk, i).filter(|(d, _)| d.exists())
}
