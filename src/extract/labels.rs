//! Labelled values: the `Duration: …`, `**Impact:** …` and `#### Root cause` + paragraph
//! forms in which free-form postmortems state their key facts.

use super::sections::{Entry, EntryKind, Section};

/// A value the document states under a label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    /// The label, lower-cased, without markup or trailing colon ("duration", "root cause").
    pub label: String,
    /// The text after the label (may be empty when the value sits in following lines).
    pub value: String,
    /// 1-based source line.
    pub line: usize,
}

/// Every labelled value in the document, in order: inline labels, and sections whose
/// heading is itself a short label followed by its value.
pub fn labelled_values(sections: &[Section]) -> Vec<Labelled> {
    let mut out = Vec::new();
    for section in sections {
        let heading_entry = Entry {
            kind: EntryKind::Line,
            text: section.heading.clone(),
            lead: None,
            line: section.line,
        };
        let inline = inline_label(&heading_entry).filter(|l| !l.value.is_empty());
        let heading = clean_label(&section.heading);
        if let Some(labelled) = inline {
            // "# Root Cause: the certificate expired" — a heading that states its value.
            out.push(labelled);
        } else if !heading.is_empty() && heading.split_whitespace().count() <= 4 {
            let value: Vec<&str> = section
                .entries
                .iter()
                .filter(|e| e.kind != EntryKind::Code)
                .take(3)
                .map(|e| e.text.as_str())
                .collect();
            out.push(Labelled {
                label: heading,
                value: value.join(" "),
                line: section.line,
            });
        }
        for (i, entry) in section.entries.iter().enumerate() {
            // A list item may hold several `Label: value` lines ("- Duration:\n  Start: …").
            for line in entry.text.lines().skip(1) {
                let line_entry = Entry {
                    lead: None,
                    text: line.to_owned(),
                    ..entry.clone()
                };
                out.extend(inline_label(&line_entry).filter(|l| !l.value.is_empty()));
            }
            if let Some(mut labelled) = inline_label(entry) {
                if labelled.value.is_empty() {
                    // "- **Root Cause:**" with the value on the following lines.
                    let rest: Vec<&str> = entry.text.lines().skip(1).collect();
                    labelled.value = if rest.is_empty() {
                        following_text(&section.entries[i + 1..])
                    } else {
                        rest.join(" ")
                    };
                }
                out.push(labelled);
            }
        }
    }
    out
}

/// Labels under which a document states its severity.
const SEVERITY_LABELS: &[&str] = &["severity", "severity level", "sev", "incident severity"];

/// Labels under which a document lists the services involved.
const SERVICE_LABELS: &[&str] = &[
    "services",
    "service",
    "affected services",
    "services affected",
    "impacted services",
    "services impacted",
    "affected systems",
    "systems affected",
    "affected components",
    "components affected",
];

/// The severity a document states ("**Severity:** SEV1 (major)" → `SEV1`): the value up
/// to its first bracket or punctuation, when that is a short code (at most 16 characters).
pub fn severity(values: &[Labelled]) -> Option<String> {
    let value = values
        .iter()
        .find(|v| SEVERITY_LABELS.contains(&v.label.as_str()))?;
    let text = value
        .value
        .trim_matches(|c: char| c == '*' || c == '`' || c.is_whitespace());
    let code = text
        .split(['(', ',', ';', '.', '—', '–'])
        .next()
        .unwrap_or("")
        .split(" - ")
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| c == '*' || c == '`' || c.is_whitespace());
    (!code.is_empty() && code.chars().count() <= 16).then(|| code.to_owned())
}

/// The services a document lists: "Services affected: api, billing and auth", or a
/// services label or heading followed by a list with one service per item. Each name has
/// at most four words; a label whose value reads as a sentence gives none.
pub fn services(sections: &[Section]) -> Vec<String> {
    for section in sections {
        let heading = clean_label(&section.heading);
        if SERVICE_LABELS.contains(&heading.as_str()) {
            let names = list_names(&section.entries);
            if !names.is_empty() {
                return names;
            }
        }
        for (i, entry) in section.entries.iter().enumerate() {
            let Some(label) = inline_label(entry) else {
                continue;
            };
            if !SERVICE_LABELS.contains(&label.label.as_str()) {
                continue;
            }
            let names = if label.value.is_empty() {
                list_names(&section.entries[i + 1..])
            } else {
                split_names(&label.value)
            };
            if !names.is_empty() {
                return names;
            }
        }
    }
    Vec::new()
}

/// One name per list item of the list that opens `entries`.
fn list_names(entries: &[Entry]) -> Vec<String> {
    all_names(
        entries
            .iter()
            .take_while(|e| matches!(e.kind, EntryKind::Item { .. }))
            .map(|e| e.text.as_str())
            .collect(),
    )
}

/// "api, billing and auth" → its names.
fn split_names(value: &str) -> Vec<String> {
    all_names(
        value
            .split([',', ';'])
            .flat_map(|p| p.split(" and "))
            .filter(|p| !p.trim().is_empty())
            .collect(),
    )
}

/// The names of `parts`, or none when one of them is not a short name.
fn all_names(parts: Vec<&str>) -> Vec<String> {
    parts
        .iter()
        .map(|p| name(p))
        .collect::<Option<Vec<String>>>()
        .unwrap_or_default()
}

fn name(text: &str) -> Option<String> {
    let name = text
        .trim()
        .trim_matches(|c: char| matches!(c, '`' | '*' | '.' | '_') || c.is_whitespace());
    let words = name.split_whitespace().count();
    (words > 0 && words <= 4 && name.chars().count() <= 40).then(|| name.to_owned())
}

fn following_text(entries: &[Entry]) -> String {
    entries
        .iter()
        .take_while(|e| inline_label(e).is_none() && e.kind != EntryKind::Label)
        .take(3)
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits `Label: value` (or a bold lead) off an entry.
/// A key/value table row ("| End | 2024-07-10 12:15 CET |") states its value the same way.
fn inline_label(entry: &Entry) -> Option<Labelled> {
    let text = entry.text.lines().next().unwrap_or("").trim();
    let row_value;
    let (label, value) = match (&entry.kind, &entry.lead) {
        (EntryKind::Code, _) => return None,
        (EntryKind::Row { cells, .. }, _) => {
            let (key, rest) = cells.split_first()?;
            row_value = rest.join(" ");
            (key.as_str(), row_value.as_str())
        }
        (_, Some(lead)) if lead.len() <= 60 => {
            let rest = text.strip_prefix(lead.as_str()).unwrap_or("");
            (lead.as_str(), rest)
        }
        _ => text.split_once(':')?,
    };
    let label = clean_label(label);
    let words = label.split_whitespace().count();
    if words == 0 || words > 5 || label.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let value = value.trim_start_matches([':', '-', '–', '—', ' ']).trim();
    Some(Labelled {
        label,
        value: value.to_owned(),
        line: entry.line,
    })
}

/// Lower-cases a label and strips markup, numbering and punctuation around it.
pub fn clean_label(label: &str) -> String {
    label
        .trim()
        .trim_start_matches(|c: char| {
            c.is_ascii_digit() || c == '.' || c == ')' || c.is_whitespace()
        })
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::sections::sections;
    use crate::parse::parse_blocks;

    fn values(md: &str) -> Vec<(String, String)> {
        labelled_values(&sections(&parse_blocks(md, 1)))
            .into_iter()
            .map(|l| (l.label, l.value))
            .collect()
    }

    #[test]
    fn inline_bold_and_heading_labels() {
        let found = values(
            "## Summary\nDuration: 2 hours\n\n- **Impact:** all users\n\n#### Root cause:\nA bad index.\n",
        );
        assert!(
            found.contains(&("duration".into(), "2 hours".into())),
            "{found:?}"
        );
        assert!(
            found.contains(&("impact".into(), "all users".into())),
            "{found:?}"
        );
        assert!(
            found.contains(&("root cause".into(), "A bad index.".into())),
            "{found:?}"
        );
    }

    #[test]
    fn key_value_table_rows_are_labels() {
        let found = values(
            "| Field | Value |\n|---|---|\n| End | 2024-07-10 12:15 CET |\n| 10:00 | alert |\n",
        );
        assert!(
            found.contains(&("end".into(), "2024-07-10 12:15 CET".into())),
            "{found:?}"
        );
        // A timeline row is not a label: its first cell is a time.
        assert!(!found.iter().any(|(_, v)| v == "alert"), "{found:?}");
    }

    #[test]
    fn empty_bold_label_takes_following_lines() {
        let found = values("## Summary\n\n- **Root Cause:**\n  - disk filled up\n");
        assert!(
            found.contains(&("root cause".into(), "disk filled up".into())),
            "{found:?}"
        );
    }

    #[test]
    fn severity_and_services_from_the_body() {
        let md = "## Summary\n**Severity:** SEV1 (customer facing)\n\n**Services affected:**\n- `api`\n- billing worker\n";
        let sections = sections(&parse_blocks(md, 1));
        assert_eq!(
            severity(&labelled_values(&sections)).as_deref(),
            Some("SEV1")
        );
        assert_eq!(services(&sections), ["api", "billing worker"]);
        let inline = sections_of("Services: api, auth and billing\n");
        assert_eq!(services(&inline), ["api", "auth", "billing"]);
        let prose =
            sections_of("Services: every one of them went down for an hour, then came back\n");
        assert!(services(&prose).is_empty());
    }

    fn sections_of(md: &str) -> Vec<Section> {
        sections(&parse_blocks(md, 1))
    }

    #[test]
    fn times_are_not_labels() {
        let found = values("## Timeline\n10:00 AM: alert fired\n");
        assert!(found.iter().all(|(l, _)| l != "10"), "{found:?}");
    }
}
