//! Time-zone names, abbreviations and UTC offsets, normalised the way the export labels them.

use super::tokens::{Kind, Toks, tokenize};

/// Spelled-out zone names (lower-case words) and the abbreviation they normalise to.
const NAMES: &[(&[&str], &str)] = &[
    (&["coordinated", "universal", "time"], "UTC"),
    (&["universal", "coordinated", "time"], "UTC"),
    (&["greenwich", "mean", "time"], "GMT"),
    (&["central", "africa", "time"], "CAT"),
    (&["central", "african", "time"], "CAT"),
    (&["west", "africa", "time"], "WAT"),
    (&["west", "african", "time"], "WAT"),
    (&["east", "africa", "time"], "EAT"),
    (&["east", "african", "time"], "EAT"),
    (&["south", "africa", "standard", "time"], "SAST"),
    (&["south", "african", "standard", "time"], "SAST"),
    (&["pacific", "standard", "time"], "PST"),
    (&["pacific", "daylight", "time"], "PDT"),
    (&["pacific", "time"], "PT"),
    (&["eastern", "standard", "time"], "EST"),
    (&["eastern", "daylight", "time"], "EDT"),
    (&["eastern", "time"], "ET"),
    (&["central", "standard", "time"], "CST"),
    (&["central", "daylight", "time"], "CDT"),
    (&["central", "time"], "CT"),
    (&["mountain", "standard", "time"], "MST"),
    (&["mountain", "daylight", "time"], "MDT"),
    (&["mountain", "time"], "MT"),
    (&["central", "european", "summer", "time"], "CEST"),
    (&["central", "european", "time"], "CET"),
    (&["eastern", "european", "time"], "EET"),
    (&["british", "summer", "time"], "BST"),
    (&["india", "standard", "time"], "IST"),
    (&["indian", "standard", "time"], "IST"),
    (&["japan", "standard", "time"], "JST"),
];

/// Abbreviations recognised in any letter case (none is an ordinary English word).
const ANY_CASE: &[&str] = &[
    "utc", "gmt", "pst", "pdt", "edt", "cdt", "mdt", "cest", "cet", "sast", "jst", "akst", "akdt",
    "aest", "aedt", "nzst", "nzdt", "eest", "hkt", "sgt", "kst",
];

/// Abbreviations recognised only when written in capitals ("CAT", not "cat").
const UPPER_ONLY: &[&str] = &[
    "est", "cst", "mst", "hst", "ist", "bst", "wat", "cat", "eat", "eet", "wet", "west", "msk",
];

/// Two-letter generic zones, recognised in capitals and only right after a time.
const WEAK: &[&str] = &["pt", "et", "ct", "mt"];

/// North American region words that name a generic zone: as the second half of an IANA
/// name ("US/Pacific") anywhere, or alone, capitalised, right after a time ("10:00
/// Eastern").
const REGIONS: &[(&str, &str)] = &[
    ("pacific", "PT"),
    ("eastern", "ET"),
    ("central", "CT"),
    ("mountain", "MT"),
];

/// `+HH:MM` / `-HH:MM` / `+HHMM` / `+H` at `k` (a sign touching a number), as `+HH:MM`.
pub(super) fn offset_at(tk: &Toks, k: usize) -> Option<(String, usize)> {
    let sign = match tk.sym(k)? {
        '+' => '+',
        '-' | '−' | '–' => '-',
        _ => return None,
    };
    let (v, len) = tk.num(k + 1).filter(|_| tk.adj(k + 1))?;
    let (h, m, next) = match len {
        1 | 2 if tk.is_sym(k + 2, ':') && tk.adj(k + 2) && tk.adj(k + 3) => match tk.num(k + 3) {
            Some((m, 2)) => (v, m, k + 4),
            _ => return None,
        },
        1 | 2 => (v, 0, k + 2),
        3 | 4 => (v / 100, v % 100, k + 2),
        _ => return None,
    };
    (h <= 14 && m <= 59).then(|| (format!("{sign}{h:02}:{m:02}"), next))
}

fn is_upper(s: &str) -> bool {
    s.chars().all(|c| c.is_uppercase())
}

/// A zone starting at token `i` (optionally in parentheses). `after_time` allows the
/// two-letter generic zones ("2:00 PM PT").
pub(super) fn zone_at(tk: &Toks, i: usize, after_time: bool) -> Option<(String, usize)> {
    if tk.is_sym(i, '(') {
        let (z, k) = core_zone(tk, i + 1, true)?;
        return Some((z, if tk.is_sym(k, ')') { k + 1 } else { k }));
    }
    core_zone(tk, i, after_time)
}

fn core_zone(tk: &Toks, i: usize, weak_ok: bool) -> Option<(String, usize)> {
    for (words, abbr) in NAMES {
        if words.iter().enumerate().all(|(n, w)| tk.is_word(i + n, w)) {
            return Some(((*abbr).to_string(), i + words.len()));
        }
    }
    let w = tk.word(i)?;
    let raw = tk.raw(i);
    let region = |k: usize| {
        REGIONS
            .iter()
            .find(|(name, _)| tk.is_word(k, name))
            .map(|(_, abbr)| (*abbr).to_string())
    };
    if w == "us"
        && tk.is_sym(i + 1, '/')
        && tk.adj(i + 1)
        && tk.adj(i + 2)
        && let Some(z) = region(i + 2)
    {
        return Some((z, i + 3));
    }
    if weak_ok
        && raw.starts_with(char::is_uppercase)
        && let Some(z) = region(i)
    {
        return Some((z, i + 1));
    }
    if (w == "utc" || w == "gmt")
        && tk.adj(i + 1)
        && let Some(z) = offset_at(tk, i + 1)
    {
        return Some(z);
    }
    let ok = ANY_CASE.contains(&w)
        || (UPPER_ONLY.contains(&w) && is_upper(raw))
        || (weak_ok && WEAK.contains(&w) && is_upper(raw));
    ok.then(|| (raw.to_uppercase(), i + 1))
}

/// The zone stated in `text`, normalised per the labelling rules ("Central Africa Time" →
/// "CAT", "Pacific Time" → "PT", "GMT+1"/"UTC+01:00" → "+01:00", "UTC-7" → "-07:00",
/// "pst" → "PST", an ISO time's "Z" → "UTC"), because the export reports the zone the
/// summary states. Only whole words count ("PATCH" and "utcnow" hold no zone); the
/// two-letter "PT"/"ET"/"CT"/"MT" only right after a time or in parentheses.
pub fn find_zone(text: &str) -> Option<String> {
    let tk = tokenize(text);
    (0..tk.len()).find_map(|i| {
        if tk.is_word(i, "z") && tk.adj(i) && i > 0 && tk.num(i - 1).is_some() {
            return Some("UTC".to_string());
        }
        if tk.is_word(i, "t")
            && tk.adj(i)
            && tk.adj(i + 1)
            && let Some((_, k)) = super::calendar::time_at(&tk, i + 1, false)
            && tk.adj(k)
        {
            return offset_at(&tk, k).map(|(z, _)| z);
        }
        let after_time = i > 0
            && (tk.num(i - 1).is_some()
                || tk.is_word_in(i - 1, &["am", "pm"])
                || (tk.t.get(i - 1).is_some_and(|t| t.kind == Kind::Sym('.'))
                    && tk.is_word(i.wrapping_sub(2), "m")));
        zone_at(&tk, i, after_time).map(|(z, _)| z)
    })
}

/// Offsets from UTC, in minutes, of the abbreviations that name one fixed offset. The
/// generic "PT"/"ET"/"CT"/"MT" switch with daylight saving, so they have none.
const OFFSETS: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("WET", 0),
    ("WEST", 60),
    ("BST", 60),
    ("CET", 60),
    ("WAT", 60),
    ("CEST", 120),
    ("CAT", 120),
    ("EET", 120),
    ("SAST", 120),
    ("EEST", 180),
    ("EAT", 180),
    ("MSK", 180),
    ("IST", 330),
    ("SGT", 480),
    ("HKT", 480),
    ("JST", 540),
    ("KST", 540),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("HST", -600),
    ("AKST", -540),
    ("AKDT", -480),
    ("PST", -480),
    ("PDT", -420),
    ("MST", -420),
    ("MDT", -360),
    ("CST", -360),
    ("CDT", -300),
    ("EST", -300),
    ("EDT", -240),
];

/// The UTC offset in minutes of a zone as [`find_zone`] normalises it ("WAT" → 60,
/// "-07:00" → -420), so a wall-clock time can be placed on the world's clock; `None`
/// for a zone whose offset depends on the date.
pub fn utc_offset_minutes(zone: &str) -> Option<i32> {
    if let Some((sign, rest)) = zone
        .strip_prefix('+')
        .map(|r| (1, r))
        .or_else(|| zone.strip_prefix('-').map(|r| (-1, r)))
    {
        let (h, m) = rest.split_once(':')?;
        return Some(sign * (h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?));
    }
    OFFSETS
        .iter()
        .find(|(name, _)| *name == zone)
        .map(|&(_, minutes)| minutes)
}
