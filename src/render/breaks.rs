//! Line breaks that read right: a hard-wrapped paragraph flows as one (CommonMark soft
//! breaks), while lines that are separate entries — each opening with a time, a date or a
//! `Label:` — keep their breaks, so a timeline written one event per line stays a list.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Tag};
use regex::Regex;

/// What opens an entry line: a time (`09:10`, `9am`, `T+5`), a date (`2024-03-09`,
/// `9/3/2024`, `Mar 9`, `9 March`, a weekday) or a short capitalised label and a colon
/// (`Impact:`, `Root cause:`).
static ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    const MONTH: &str = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?";
    let time = r"\[?\d{1,2}(?::\d{2}|\s?[ap]\.?m\b)|T[+-]\d";
    let date = format!(
        r"\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}|{MONTH}\s\d|\d{{1,2}}\s{MONTH}(?:\s|$)|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b"
    );
    let label = r"\p{Lu}[\p{L}\p{N}'’/()&-]*(?:\s[\p{L}\p{N}'’/()&-]+){0,3}:(?:\s|$)";
    Regex::new(&format!("^(?:(?i:{time}|{date})|{label})")).expect("valid pattern")
});

/// Turns the soft break before an entry line into a hard break, when the block's first
/// line is an entry too; every other soft break stays soft (the browser flows the text).
pub fn keep_entry_breaks(events: &mut [Event<'_>]) {
    let mut block_of_entries = false;
    let mut line_start = true;
    let mut first_line = true;
    let mut pending_break: Option<usize> = None;
    for at in 0..events.len() {
        match &events[at] {
            Event::Start(tag) if !is_inline(tag) => {
                (block_of_entries, line_start, first_line) = (false, true, true);
                pending_break = None;
            }
            Event::SoftBreak => {
                (line_start, first_line) = (true, false);
                pending_break = Some(at);
            }
            Event::HardBreak => (line_start, first_line) = (true, false),
            Event::Start(_) | Event::End(_) if line_start => {}
            event if line_start => {
                line_start = false;
                let entry = matches!(event, Event::Text(text) if ENTRY.is_match(text.trim_start()));
                if first_line {
                    block_of_entries = entry;
                } else if let Some(soft) = pending_break.take()
                    && block_of_entries
                    && entry
                {
                    events[soft] = Event::HardBreak;
                }
            }
            _ => {}
        }
    }
}

/// Tags inside a line of text, which do not start a new block.
fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn breaks(markdown: &str) -> Vec<&'static str> {
        let mut events: Vec<Event> = Parser::new(markdown).collect();
        keep_entry_breaks(&mut events);
        events
            .iter()
            .filter_map(|e| match e {
                Event::SoftBreak => Some("soft"),
                Event::HardBreak => Some("hard"),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn hard_wrapped_prose_flows_even_where_a_line_opens_with_a_time_or_code() {
        let prose = "The cache was flushed by a cron job shortly before\n\
                     14:05 CET, after which the `purge`\n\
                     `--all` flag that the\n\
                     Storage team added [last year](https://example.org) emptied it.";
        assert_eq!(breaks(prose), ["soft", "soft", "soft"]);
        assert_eq!(
            breaks("Wir haben den Dienst um\n3 Uhr neu gestartet."),
            ["soft"]
        );
    }

    #[test]
    fn lines_that_are_entries_keep_their_breaks() {
        let timeline =
            "14:02 Queue depth alarm\n14:10 On-call joins\nand pages the DBA\n**14:31** Fail over";
        assert_eq!(breaks(timeline), ["hard", "soft", "hard"]);
        let labels = "Impact: checkout down\nDuration: 40 minutes\nRoot cause: expired certificate";
        assert_eq!(breaks(labels), ["hard", "hard"]);
        let dates = "2024-05-01 first report\n2024-05-03 second report\nMay 7 fix shipped";
        assert_eq!(breaks(dates), ["hard", "hard"]);
        assert_eq!(breaks("9am standup\n10 am rollback"), ["hard"]);
    }
}
