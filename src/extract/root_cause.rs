//! The root cause: the statement shown on the page, and the text that names the cause
//! for classification — without the resolution that "Root cause and resolution" sections
//! run on into.

use super::labels::Labelled;
use super::roles::{Role, role};
use super::sections::{EntryKind, Section, SectionKind};
use super::{sentences, when};
use crate::cues;
use crate::taxonomy::Analysed;

/// Whether a labelled value names the root cause ("Root cause:", "Why did it happen?"); a
/// label that also names the fix ("Root cause and resolution") is not the cause alone.
pub fn is_root_cause_label(label: &str) -> bool {
    let label = Analysed::new(label);
    cues::list("roles", "cause_label").any_in(&label)
        && !cues::list("roles", "cause_label_not").any_in(&label)
}

/// Whether a line starts telling how the outage was fixed rather than why it happened.
fn opens_resolution(text: &str) -> bool {
    cues::list("roles", "opens_fix").opens_text(text)
}

/// Whether a summary section's heading presents a summary proper ("Summary", "Overview"),
/// not a narrative ("Background", "What happened"): beside a stated cause, only a summary
/// adds to it, since conditions told only in the narrative are not the cause (LABELING.md).
fn sums_up(heading: &str) -> bool {
    cues::list("roles", "summary_heading").in_text(heading)
}

/// The sentences of `text` that play the cause role where they stand, joined again.
fn cause_sentences(text: &str, place: SectionKind) -> String {
    sentences(text)
        .into_iter()
        .filter(|s| role(s, place) == Role::Cause)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sentences of a text that describes the outage, without those that rule a part out,
/// tell the fix or promise work: those name parts that did not fail.
fn not_other_roles(text: &str) -> String {
    sentences(text)
        .into_iter()
        .filter(|s| {
            !matches!(
                role(s, SectionKind::Summary),
                Role::RuledOut | Role::Fix | Role::Action
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The root-cause statement (one to three sentences) and the text to classify: the labelled
/// cause, the cause sentences of the root-cause sections (not the symptoms, ruled-out paths
/// or the fix they also tell), and the cause sentences of the summary wherever they stand
/// ("… was triggered by …", "because …").
pub fn root_cause(sections: &[Section], values: &[Labelled]) -> (Option<String>, String) {
    let labelled: Vec<String> = values
        .iter()
        .filter(|l| is_root_cause_label(&l.label) && !l.value.trim().is_empty())
        .map(|l| cause_sentences(&l.value, SectionKind::RootCause))
        .filter(|v| !v.is_empty())
        .collect();
    let mut cause_lines: Vec<String> = Vec::new();
    for section in sections.iter().filter(|s| s.kind == SectionKind::RootCause) {
        let own = section
            .entries
            .iter()
            .filter(|e| !matches!(e.kind, EntryKind::Code))
            .take_while(|e| !opens_resolution(&e.text))
            .filter(|e| e.kind != EntryKind::Label)
            .map(|e| cause_sentences(&e.text, SectionKind::RootCause));
        cause_lines.extend(own.filter(|t| !t.is_empty()));
    }
    // With a stated cause, the summary may add to it; without one, the text that describes
    // the outage is all there is, less what it says was fine, the fix and the promises.
    let stated = !labelled.is_empty() || !cause_lines.is_empty();
    let told_elsewhere: Vec<String> = sections
        .iter()
        .filter(|s| {
            (s.kind == SectionKind::Summary && (!stated || sums_up(&s.heading)))
                || (!stated && s.kind == SectionKind::Other)
        })
        .flat_map(|s| {
            s.entries
                .iter()
                .filter(|e| !matches!(e.kind, EntryKind::Code | EntryKind::Row { .. }))
                .map(|e| cause_sentences(&e.text, s.kind))
        })
        .filter(|t| !t.is_empty())
        .collect();
    let statement = labelled
        .first()
        .or(cause_lines.first())
        .or(told_elsewhere.first())
        .map(|t| first_sentences(t, 3))
        .filter(|s| !s.is_empty());
    let header: Vec<String> = if stated {
        Vec::new()
    } else {
        when::header_lines(sections)
            .iter()
            .map(|(t, _)| not_other_roles(t))
            .collect()
    };
    let mut text: Vec<&str> = labelled.iter().map(String::as_str).collect();
    for line in cause_lines.iter().chain(&told_elsewhere).chain(&header) {
        let known = text
            .iter()
            .any(|t| t.contains(line.as_str()) || line.contains(t));
        if !line.is_empty() && !known {
            text.push(line);
        }
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
    fn symptoms_ruled_out_parts_and_the_fix_are_not_the_cause() {
        let (statement, text) = cause(
            "## Root cause\nThe renewal job for our TLS certificate was switched off during last month's migration, so the certificate expired. The load balancer and the database were healthy the whole time.\n",
        );
        assert!(statement.unwrap().ends_with("the certificate expired."));
        assert!(!text.contains("load balancer"), "{text}");
    }

    #[test]
    fn a_cause_stated_under_a_question_or_in_causal_wording_counts() {
        let (statement, _) = cause(
            "## Why did it happen?\nA release on Tuesday shipped a function that divided by zero when a cart was empty, which crashed the order service.\n",
        );
        assert!(statement.unwrap().starts_with("A release on Tuesday"));
        let (statement, text) = cause(
            "## Summary\nSearch was down for an hour. The outage was triggered by a bad index rebuild. We restarted the nodes.\n\n## Timeline\n- 10:00 alert\n",
        );
        assert_eq!(
            statement.as_deref(),
            Some("The outage was triggered by a bad index rebuild.")
        );
        assert!(!text.contains("restarted"), "{text}");
    }

    #[test]
    fn beside_a_stated_cause_the_narrative_adds_nothing_but_a_summary_does() {
        let md = "## Summary\nCheckout failed because the payment token had expired.\n\n\
                  ## Background\nThe routing table is rebuilt because the cache holds it.\n\n\
                  ## Root cause\nThe token was never renewed.\n";
        let (_, text) = cause(md);
        assert!(text.contains("payment token"), "{text}");
        assert!(!text.contains("routing table"), "{text}");
    }

    #[test]
    fn labelled_cause_in_the_summary() {
        let (statement, _) = cause("## Summary\n- **Root cause:** an expired certificate.\n");
        assert_eq!(statement.as_deref(), Some("an expired certificate."));
    }
}
