//! The document's own title: its title heading — a top-level heading, or a heading above
//! the first section — cleaned of "Title:"/"Postmortem:" prefixes; never a section heading,
//! a part of the document ("Authors"), a time or a question. Without one, a short title is
//! made from the root cause or the summary (a guess `pmkb check` reports). Vocabulary:
//! `src/cues/titles.toml`.

use super::datetime;
use super::sections::{Section, SectionKind, classify_heading};
use crate::cues;
use crate::taxonomy::Analysed;

/// The title found, and whether it had to be made up from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundTitle {
    /// The title.
    pub text: String,
    /// True when no title heading was found and the title was made from a sentence or the
    /// file name.
    pub guessed: bool,
}

/// Whether a heading says nothing specific about this incident.
pub fn is_generic(title: &str) -> bool {
    let t = strip_numbering(title);
    let words = Analysed::new(t);
    words.is_empty() || cues::list("titles", "generic").whole(&words)
}

/// "0x19. Postmortem", "0x19-postmortem", "1. Summary" → the words after the numbering.
fn strip_numbering(title: &str) -> &str {
    let t = title.trim();
    let t = t.strip_prefix("0x").map_or(t, |rest| {
        rest.trim_start_matches(|c: char| c.is_ascii_hexdigit())
    });
    t.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | ')' | ' '))
}

/// Separators written between a title's prefix and its subject.
const SEPARATORS: [char; 5] = [':', '-', '–', '—', '|'];

/// Removes "Title:", "Postmortem:", "Incident Report -" and similar prefixes.
pub fn clean(title: &str) -> String {
    let mut t = title.trim().trim_matches(['*', '_', '#']).trim();
    loop {
        let words = Analysed::new(t);
        let cut = cues::list("titles", "prefixes")
            .opening(&words)
            .map(|end| words.end_of(end, t))
            .filter(|&at| t[at..].trim_start().starts_with(SEPARATORS));
        match cut {
            Some(at) => t = t[at..].trim_start().trim_start_matches(SEPARATORS).trim(),
            None => break,
        }
    }
    t.trim_end_matches([':', '.']).trim().to_owned()
}

/// Whether a heading can be the document's title: not a section of a postmortem, not a part
/// of the document ("Authors", "Misc"), not a question, not a time ("At 8:22 am GMT+1").
fn can_be_title(heading: &str) -> bool {
    let words = Analysed::new(heading);
    // A clock time among the first words ("At 8:22 am", "14:05 UTC - paged"); a date alone
    // ("20-10-2025 - Cloud outage") may open a title.
    let opens_with_time = heading.split_whitespace().take(3).any(|w| {
        w.starts_with(|c: char| c.is_ascii_digit())
            && w.contains([':', '.'])
            && datetime::find_time(w).is_some()
    });
    // A long heading that happens to hold a section word ("Checkout impacted by a bad
    // index") is a title; a section heading is short.
    let section = classify_heading(heading) != SectionKind::Other && words.len() < 5;
    !is_generic(heading)
        && heading.chars().any(char::is_alphabetic)
        && !section
        && !cues::list("sections", "closing").any_in(&words)
        && !cues::list("sections", "people").whole(&words)
        && !cues::list("titles", "rejects").whole(&words)
        && !heading.trim_end().ends_with('?')
        && !opens_with_time
}

/// Picks the title: the document's title heading (a level-1 heading, or one above the first
/// recognised section), else a short title from the root cause or the summary, else the file
/// name.
pub fn find_title(sections: &[Section], root_cause: Option<&str>, file_stem: &str) -> FoundTitle {
    let first_section = sections
        .iter()
        .position(|s| s.kind != SectionKind::Other)
        .unwrap_or(sections.len());
    let from_heading = sections
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            s.level <= 6 && !s.heading.is_empty() && (s.level == 1 || *i < first_section)
        })
        .map(|(_, s)| clean(&s.heading))
        .find(|t| can_be_title(t));
    if let Some(text) = from_heading {
        return FoundTitle {
            text,
            guessed: false,
        };
    }
    let summary = sections
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::Summary | SectionKind::Other))
        .flat_map(|s| s.entries.iter())
        .map(|e| e.text.as_str())
        .find(|t| t.split_whitespace().count() >= 4);
    let text = root_cause
        .or(summary)
        .map(short_title)
        .filter(|t| !is_generic(t))
        .unwrap_or_else(|| file_stem.replace(['-', '_'], " "));
    FoundTitle {
        text,
        guessed: true,
    }
}

/// The first clause of a sentence, capitalised and cut to about ten words.
fn short_title(text: &str) -> String {
    let text = text.trim();
    let words = Analysed::new(text);
    let skip = cues::list("titles", "cause_openers")
        .opening(&words)
        .map_or(0, |end| words.end_of(end, text));
    let clause = text[skip..]
        .trim_start_matches([':', ' '])
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
    use crate::parse::parse_blocks;

    fn title(md: &str) -> FoundTitle {
        let sections = crate::extract::sections::sections(&parse_blocks(md, 1));
        find_title(&sections, None, "file-name")
    }

    #[test]
    fn cleans_prefixes() {
        assert_eq!(clean("Title: Postmortem: Payment outage"), "Payment outage");
        assert_eq!(
            clean("Incident Report - DNS zone deleted"),
            "DNS zone deleted"
        );
        assert_eq!(clean("**Cache stampede**"), "Cache stampede");
        assert_eq!(clean("Incidental cache flush"), "Incidental cache flush");
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

    #[test]
    fn the_title_heading_not_a_section_part_time_or_question() {
        let found = title("# Checkout outage of May 3\n\n## Summary\n\nIt broke.\n");
        assert_eq!(found.text, "Checkout outage of May 3");
        assert!(!found.guessed);
        // Headings that are parts of the document, times or questions are never the title.
        for md in [
            "## Authors\n\nAna, Bo\n\n## Summary\n\nThe cart service returned errors to every shopper.\n",
            "### Misc\n\nnotes\n\n## Summary\n\nThe cart service returned errors to every shopper.\n",
            "## At 8:22 am GMT+1\n\nThe cart service returned errors to every shopper.\n",
            "## What could have gone better\n\nMore checks.\n\n## Summary\n\nThe cart service returned errors to every shopper.\n",
            "## Who was paged?\n\nThe cart service returned errors to every shopper.\n",
        ] {
            let found = title(md);
            assert!(found.guessed, "{md}: {found:?}");
            assert_eq!(
                found.text, "The cart service returned errors to every shopper",
                "{md}"
            );
        }
        let found = title("# Checkout impacted by a bad index\n\n## Impact\n\nAll shoppers.\n");
        assert_eq!(found.text, "Checkout impacted by a bad index");
        let found = title("# 2024-05-03 - Cache cluster lost\n\n## Impact\n\nAll shoppers.\n");
        assert_eq!(found.text, "2024-05-03 - Cache cluster lost");
        // A section heading further down is not the title either.
        let found = title(
            "Some intro text here for the page.\n\n## Timeline\n\n- 10:00 alert\n\n## Cache cluster\n\nmore\n",
        );
        assert!(found.guessed, "{found:?}");
    }
}
