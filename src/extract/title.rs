//! The document's own title: the first heading that is not a generic word, cleaned of
//! "Title:"/"Postmortem:" prefixes; else a short title made from the root cause.

use super::sections::{Section, SectionKind};

const GENERIC: &[&str] = &[
    "postmortem",
    "post mortem",
    "post-mortem",
    "postmortem report",
    "incident",
    "incident report",
    "incident postmortem",
    "issue summary",
    "summary",
    "untitled",
    "report",
];

/// Whether a heading says nothing specific about this incident.
pub fn is_generic(title: &str) -> bool {
    let t = strip_numbering(title).to_lowercase();
    let t = t.trim_matches(|c: char| !c.is_alphanumeric());
    t.is_empty() || GENERIC.contains(&t) || GENERIC.contains(&t.replace(['-', '_'], " ").as_str())
}

/// "0x19. Postmortem", "0x19-postmortem", "1. Summary" → the words after the numbering.
fn strip_numbering(title: &str) -> &str {
    let t = title.trim();
    let t = t.strip_prefix("0x").map_or(t, |rest| {
        rest.trim_start_matches(|c: char| c.is_ascii_hexdigit())
    });
    t.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | ')' | ' '))
}

/// Removes "Title:", "Postmortem:", "Incident Report -" and similar prefixes.
pub fn clean(title: &str) -> String {
    let mut t = title.trim().trim_matches(['*', '_', '#']).trim();
    loop {
        let lower = t.to_lowercase();
        let prefix = [
            "title",
            "postmortem",
            "post-mortem",
            "post mortem",
            "incident report",
            "incident",
            "outage report",
        ]
        .iter()
        .find(|p| {
            lower.starts_with(*p)
                && lower[p.len()..]
                    .trim_start()
                    .starts_with([':', '-', '–', '—', '|'])
        });
        match prefix {
            Some(p) => {
                t = t[p.len()..]
                    .trim_start()
                    .trim_start_matches([':', '-', '–', '—', '|'])
                    .trim()
            }
            None => break,
        }
    }
    t.trim_end_matches([':', '.']).trim().to_owned()
}

/// Picks the title from headings, falling back to the root cause or summary text and
/// finally the file name.
pub fn find_title(sections: &[Section], root_cause: Option<&str>, file_stem: &str) -> String {
    let from_heading = sections
        .iter()
        .filter(|s| s.level <= 6 && !s.heading.is_empty())
        .filter(|s| s.kind == SectionKind::Other || s.level == 1)
        .map(|s| clean(&s.heading))
        .find(|t| !is_generic(t) && t.chars().any(char::is_alphabetic));
    if let Some(title) = from_heading {
        return title;
    }
    let summary = sections
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::Summary | SectionKind::Other))
        .flat_map(|s| s.entries.iter())
        .map(|e| e.text.as_str())
        .find(|t| t.split_whitespace().count() >= 4);
    root_cause
        .or(summary)
        .map(short_title)
        .filter(|t| !is_generic(t))
        .unwrap_or_else(|| file_stem.replace(['-', '_'], " "))
}

/// The first clause of a sentence, capitalised and cut to about ten words.
fn short_title(text: &str) -> String {
    let text = text.trim();
    let lower = text.to_lowercase();
    let skip = [
        "the root cause of the outage was ",
        "the root cause of the issue was ",
        "the root cause was ",
        "root cause: ",
    ]
    .iter()
    .find(|p| lower.starts_with(*p))
    .map_or(0, |p| p.len());
    let clause = text[skip..]
        .split(['.', ';', ',', '('])
        .next()
        .unwrap_or("")
        .trim();
    let words: Vec<&str> = clause.split_whitespace().take(10).collect();
    let mut title = words.join(" ");
    if let Some(first) = title.chars().next() {
        title = first.to_uppercase().chain(title.chars().skip(1)).collect();
    }
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_prefixes() {
        assert_eq!(clean("Title: Postmortem: Payment outage"), "Payment outage");
        assert_eq!(
            clean("Incident Report - DNS zone deleted"),
            "DNS zone deleted"
        );
        assert_eq!(clean("**Cache stampede**"), "Cache stampede");
    }

    #[test]
    fn generic_titles() {
        for t in [
            "Postmortem",
            "PostMortem",
            "0x19. Postmortem",
            "0x19-postmortem",
            "Issue Summary",
            "Incident report",
        ] {
            assert!(is_generic(t), "{t}");
        }
        assert!(!is_generic("Postmortem of the login outage"));
    }

    #[test]
    fn short_title_from_root_cause() {
        assert_eq!(
            short_title("The root cause was a full disk on the order hosts, caused by debug logs."),
            "A full disk on the order hosts"
        );
    }
}
