//! The root cause: the statement shown on the page, and the text that names the cause
//! for classification — without the resolution that "Root cause and resolution" sections
//! run on into.

use super::labels::Labelled;
use super::sections::{EntryKind, Section, SectionKind};
use super::when;

/// Whether a labelled value names the root cause.
pub fn is_root_cause_label(label: &str) -> bool {
    (label.contains("root cause") || label == "cause") && !label.contains("resolution")
}

/// Whether a line starts telling how the outage was fixed rather than why it happened.
fn opens_resolution(text: &str) -> bool {
    let t = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    [
        "resolution",
        "to resolve",
        "to fix",
        "the fix",
        "fix:",
        "fixes",
        "we fixed",
        "the issue was resolved",
        "the issue was fixed",
        "the problem was resolved",
        "the problem was fixed",
        "solution",
        "remediation",
        "mitigation",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// The root-cause statement (one to three sentences) and the text to classify.
pub fn root_cause(sections: &[Section], values: &[Labelled]) -> (Option<String>, String) {
    let labelled: Vec<&str> = values
        .iter()
        .filter(|l| is_root_cause_label(&l.label) && !l.value.trim().is_empty())
        .map(|l| l.value.as_str())
        .collect();
    let mut cause_lines: Vec<&str> = Vec::new();
    for section in sections.iter().filter(|s| s.kind == SectionKind::RootCause) {
        let own = section
            .entries
            .iter()
            .filter(|e| !matches!(e.kind, EntryKind::Code))
            .take_while(|e| !opens_resolution(&e.text))
            .filter(|e| e.kind != EntryKind::Label)
            .map(|e| e.text.as_str());
        cause_lines.extend(own);
    }
    let statement = labelled
        .first()
        .or(cause_lines.first())
        .map(|t| first_sentences(t, 3))
        .filter(|s| !s.is_empty());
    let mut text: Vec<&str> = labelled.clone();
    text.extend(
        cause_lines
            .iter()
            .filter(|line| !labelled.iter().any(|l| line.contains(l))),
    );
    if text.is_empty() {
        text = when::header_lines(sections)
            .iter()
            .map(|(t, _)| *t)
            .collect();
    }
    (statement, text.join("\n"))
}

/// The first `n` sentences of a text.
fn first_sentences(text: &str, n: usize) -> String {
    let mut end = text.len();
    let mut count = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?') && text[i + 1..].starts_with(char::is_whitespace) {
            count += 1;
            if count == n {
                end = i + 1;
                break;
            }
        }
    }
    text[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{labels::labelled_values, sections::sections};
    use crate::parse::parse_blocks;

    fn cause(md: &str) -> (Option<String>, String) {
        let sections = sections(&parse_blocks(md, 1));
        root_cause(&sections, &labelled_values(&sections))
    }

    #[test]
    fn resolution_is_not_part_of_the_cause() {
        let (statement, text) = cause(
            "## Root Cause and Resolution\nThe pool size was set to 5. Requests queued.\n\nResolution: the load balancer was restarted.\n",
        );
        assert_eq!(
            statement.as_deref(),
            Some("The pool size was set to 5. Requests queued.")
        );
        assert!(!text.contains("load balancer"), "{text}");
    }

    #[test]
    fn labelled_cause_in_the_summary() {
        let (statement, _) = cause("## Summary\n- **Root cause:** an expired certificate.\n");
        assert_eq!(statement.as_deref(), Some("an expired certificate."));
    }
}
