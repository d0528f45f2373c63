//! Stated lengths of time ("2-hour outage", "1 hour and 30 minutes", "1h 35m", "half an hour").

use super::tokens::{Toks, tokenize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Amount {
    Digits,
    Word,
    Article,
}

fn number_word(w: &str) -> Option<u32> {
    const WORDS: &[&str] = &[
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: &[(&str, u32)] = &[
        ("twenty", 20),
        ("thirty", 30),
        ("forty", 40),
        ("fifty", 50),
        ("sixty", 60),
        ("seventy", 70),
        ("eighty", 80),
        ("ninety", 90),
    ];
    if let Some(n) = WORDS.iter().position(|x| *x == w) {
        return u32::try_from(n).ok();
    }
    TENS.iter().find(|(x, _)| *x == w).map(|(_, v)| *v)
}

/// A number at `i`: digits (with decimals), a number word, "a"/"an", or "half (an)".
fn amount_at(tk: &Toks, i: usize) -> Option<(f64, usize, Amount)> {
    if let Some((v, len)) = tk.num(i) {
        if len > 7
            || tk.after_sym(i, &['.', ':', '$', '/', '#', ','])
            || (tk.adj(i + 1) && tk.is_sym(i + 1, ':'))
        {
            return None;
        }
        let mut val = v as f64;
        let mut j = i + 1;
        if tk.is_sym(j, '.') && tk.adj(j) && tk.adj(j + 1) && tk.num(j + 1).is_some() {
            let frac: f64 = format!("0.{}", tk.raw(j + 1)).parse().unwrap_or(0.0);
            val += frac;
            j += 2;
        }
        return Some((val, j, Amount::Digits));
    }
    let w = tk.word(i)?;
    match w {
        "a" | "an" => Some((1.0, i + 1, Amount::Article)),
        "half" if tk.is_word_in(i + 1, &["a", "an"]) => Some((0.5, i + 2, Amount::Word)),
        "half" => Some((0.5, i + 1, Amount::Word)),
        _ => {
            let n = number_word(w)?;
            if n >= 20
                && tk.is_sym(i + 1, '-')
                && let Some(ones) = tk
                    .word(i + 2)
                    .and_then(number_word)
                    .filter(|o| (1..10).contains(o))
            {
                return Some((f64::from(n + ones), i + 3, Amount::Word));
            }
            Some((f64::from(n), i + 1, Amount::Word))
        }
    }
}

/// "and a half" (or "and half", as in "2 and half hours") at `j`: the tokens it spans.
fn and_a_half(tk: &Toks, j: usize) -> Option<usize> {
    if !tk.is_word(j, "and") {
        return None;
    }
    if tk.is_word(j + 1, "a") && tk.is_word(j + 2, "half") {
        Some(3)
    } else {
        tk.is_word(j + 1, "half").then_some(2)
    }
}

const NOT_TIME_NOUNS: &[&str] = &[
    "users",
    "requests",
    "customers",
    "people",
    "rows",
    "records",
    "events",
    "messages",
    "visitors",
];

/// One "number unit" component: (seconds, unit rank, next token).
fn component_at(tk: &Toks, i: usize) -> Option<(f64, u8, usize)> {
    let (mut amount, mut j, kind) = amount_at(tk, i)?;
    if let Some(len) = and_a_half(tk, j) {
        amount += 0.5;
        j += len;
    }
    if tk.is_sym(j, '-') && tk.adj(j) && tk.adj(j + 1) {
        j += 1;
    }
    let w = tk.word(j)?;
    let (unit, rank) = match w {
        "h" | "hr" | "hrs" | "hour" | "hours" => (3600.0, 3),
        "m" | "min" | "mins" | "minute" | "minutes" => (60.0, 2),
        "sec" | "secs" | "second" | "seconds" => (1.0, 1),
        "day" | "days" => (86400.0, 4),
        "week" | "weeks" => (604_800.0, 5),
        _ => return None,
    };
    if w.len() == 1 && !(kind == Amount::Digits && tk.adj(j)) {
        return None;
    }
    if kind == Amount::Article && rank >= 4 {
        return None;
    }
    if w == "m" && (tk.after_sym(i, &['$', '€', '£']) || tk.is_word_in(j + 1, NOT_TIME_NOUNS)) {
        return None;
    }
    j += 1;
    if let Some(len) = and_a_half(tk, j) {
        amount += 0.5;
        j += len;
    }
    Some((amount * unit, rank, j))
}

/// Whether the words before `i` make the length a bound, not the length itself: an upper
/// bound ("at most 16 hours", "up to 2 hours", "no more than 30 minutes", "a maximum of 4
/// hours", "less than two hours", "under 30 minutes", "within an hour") says how long
/// something could have lasted, and a lower one ("over an hour", "at least 2 hours", "more
/// than a day") only that it lasted longer; neither is a stated length, so a start and end
/// written elsewhere decide it.
fn is_bound(tk: &Toks, i: usize) -> bool {
    let before = |n: usize| i.checked_sub(n).and_then(|k| tk.word(k));
    matches!(
        (before(2), before(1)),
        (Some("at"), Some("most" | "least"))
            | (Some("up"), Some("to"))
            | (
                Some("more" | "longer" | "less" | "fewer" | "shorter"),
                Some("than")
            )
            | (Some("maximum" | "minimum"), Some("of"))
            | (_, Some("max" | "maximum" | "over" | "under" | "within"))
    )
}

/// Whether the length at `i` is said of each of several recurrences ("periodic outages of
/// 10-30 minutes", "intermittent stalls of 5 minutes"): one recurrence is not the incident.
fn of_recurrences(tk: &Toks, i: usize) -> bool {
    (i.saturating_sub(5)..i).any(|k| {
        tk.is_word_in(
            k,
            &[
                "periodic",
                "intermittent",
                "recurring",
                "repeated",
                "sporadic",
            ],
        )
    })
}

/// A compound duration at `i`: (minutes, next token). Minutes are 0 for non-durations
/// ("every 2 hours", "3 days ago", "30 seconds").
fn duration_at(tk: &Toks, i: usize) -> Option<(i64, usize)> {
    let (mut big, mut secs, mut last_rank, mut k) = (0.0f64, 0.0f64, u8::MAX, i);
    loop {
        let mut j = k;
        if last_rank != u8::MAX {
            if tk.is_sym(j, ',') {
                j += 1;
            }
            if tk.is_word(j, "and") || tk.is_sym(j, '&') {
                j += 1;
            }
        }
        let Some((s, rank, next)) = component_at(tk, j) else {
            break;
        };
        if rank >= last_rank {
            break;
        }
        if rank == 1 {
            secs += s
        } else {
            big += s
        }
        last_rank = rank;
        k = next;
    }
    if last_rank == u8::MAX {
        return None;
    }
    let skip = (i > 0 && tk.is_word_in(i - 1, &["every", "per", "each", "last", "past", "next"]))
        || of_recurrences(tk, i)
        || is_bound(tk, i)
        || tk.is_word_in(k, &["ago", "later", "earlier", "before"]);
    let mins = (big / 60.0).round() + (secs / 60.0).floor();
    Some((if skip { 0 } else { mins.min(1e12) as i64 }, k))
}

/// Finds a stated length of time, in minutes, because a stated duration wins over start and
/// end when reporting how long the outage lasted: "2-hour outage" → 120, "1 hour and 30
/// minutes" → 90, "1h 35m" → 95, "2.5 hours" → 150, "three hours" → 180, "half an hour" →
/// 30, "1 day" → 1440 ("a day" is not taken: it is usually a figure of speech). Returns the
/// first duration expression, skipping "every 2 hours", "3 days ago" and spans under a minute.
pub fn find_duration_minutes(text: &str) -> Option<i64> {
    let tk = tokenize(text);
    let mut i = 0;
    while i < tk.len() {
        match duration_at(&tk, i) {
            Some((m, _)) if m > 0 => return Some(m),
            Some((_, next)) => i = next.max(i + 1),
            None => i += 1,
        }
    }
    None
}
