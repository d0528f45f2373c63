//! Section detection: grouping a document's blocks under the canonical postmortem
//! sections, whatever their spelling (`## Issue Summary:`, `ISSUE SUMMARY.`,
//! `**Timeline:**`, `#### Root cause and resolution`).

use super::datetime;
use crate::cues;
use crate::parse::{Block, BlockKind};
use crate::taxonomy::Analysed;

/// The canonical sections of a postmortem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum SectionKind {
    /// Text before any heading, or a heading that names no known section.
    Other,
    /// Summary / overview.
    Summary,
    /// Impact on users.
    Impact,
    /// Timeline of events.
    Timeline,
    /// Root cause (also "root cause and resolution").
    RootCause,
    /// How it was fixed.
    Resolution,
    /// How it was noticed.
    Detection,
    /// Corrective and preventative measures, action items, tasks.
    Measures,
    /// Lessons learned, what went well or wrong.
    Lessons,
}

/// One line-sized unit of a section: a line of a paragraph, a list item or a table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What the unit came from.
    pub kind: EntryKind,
    /// Plain text.
    pub text: String,
    /// A bold/emphasised opening span, if the line starts with one.
    pub lead: Option<String>,
    /// 1-based source line.
    pub line: usize,
}

/// Where an [`Entry`] came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A line of a paragraph.
    Line,
    /// A list item.
    Item {
        /// Nesting depth, 0 at top level.
        depth: usize,
        /// Task-list checkbox state.
        checked: Option<bool>,
    },
    /// A table row.
    Row {
        /// Header row.
        header: bool,
        /// Cell texts.
        cells: Vec<String>,
    },
    /// A code block (kept for completeness, ignored by field extraction).
    Code,
    /// A Markdown heading of this level (only seen while sections are being built).
    Heading(u8),
    /// A sub-heading or label inside a section ("Immediate actions:").
    Label,
}

/// A run of entries under one heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The canonical kind.
    pub kind: SectionKind,
    /// The heading as written (empty for text before the first heading).
    pub heading: String,
    /// Heading level: 1–6 for Markdown headings, 7 for pseudo-headings (bold or all-caps lines).
    pub level: u8,
    /// 1-based line of the heading.
    pub line: usize,
    /// The section's content.
    pub entries: Vec<Entry>,
}

/// Splits the blocks into sections.
pub fn sections(blocks: &[Block]) -> Vec<Section> {
    let mut out = vec![Section {
        kind: SectionKind::Other,
        heading: String::new(),
        level: 0,
        line: 1,
        entries: Vec::new(),
    }];
    for entry in blocks.iter().flat_map(entries_of) {
        let Some(level) = heading_level(&entry) else {
            push_entry(&mut out, entry);
            continue;
        };
        let kind = classify_heading(&entry.text);
        let current = out.last().map_or(0, |s| s.level);
        let nested = level > current && current != 0;
        let current_kind = out.last().map_or(SectionKind::Other, |s| s.kind);
        let label_like = (level == 7 || nested || entry.text.trim_end().ends_with(':'))
            && !is_closing_heading(&entry.text);
        if kind == SectionKind::Other && label_like && current_kind != SectionKind::Other {
            // A label inside a known section ("Immediate actions:") does not end it.
            push_entry(
                &mut out,
                Entry {
                    kind: EntryKind::Label,
                    ..entry
                },
            );
            continue;
        }
        out.push(Section {
            kind,
            heading: entry.text,
            level,
            line: entry.line,
            entries: Vec::new(),
        });
    }
    out.retain(|s| !(s.heading.is_empty() && s.entries.is_empty()));
    out
}

fn push_entry(out: &mut [Section], entry: Entry) {
    if let Some(section) = out.last_mut() {
        section.entries.push(entry);
    }
}

/// Expands a block into entries: a paragraph becomes one entry per line.
fn entries_of(block: &Block) -> Vec<Entry> {
    let entry = |kind: EntryKind, text: &str, lead: Option<String>, line| Entry {
        kind,
        text: text.to_owned(),
        lead,
        line,
    };
    match &block.kind {
        BlockKind::Heading(level) => {
            vec![entry(
                EntryKind::Heading(*level),
                &block.text,
                None,
                block.line,
            )]
        }
        BlockKind::Paragraph => unwrap_lines(&block.text)
            .into_iter()
            .map(
                |(i, line)| match stray_heading(&line).or_else(|| unspaced_heading(&line)) {
                    Some((level, name)) => {
                        entry(EntryKind::Heading(level), name, None, block.line + i)
                    }
                    None => {
                        let lead = if i == 0 { block.lead.clone() } else { None };
                        entry(EntryKind::Line, &line, lead, block.line + i)
                    }
                },
            )
            .collect(),
        BlockKind::ListItem { depth, checked, .. } => {
            let kind = EntryKind::Item {
                depth: *depth,
                checked: *checked,
            };
            // A heading written inside a list item's lazy continuation ("#Resolution:")
            // ends the item: the lines from there on are plain lines of the document.
            let lines: Vec<&str> = block.text.lines().collect();
            // "* Corrective measures:\n  Add alerts." — an item whose first line names a
            // section heads it, and its other lines are that section's content.
            let first = lines.first().copied().unwrap_or("").trim();
            if *depth == 0
                && lines.len() > 1
                && first.ends_with(':')
                && first.split_whitespace().count() <= 8
                && classify_heading(first) != SectionKind::Other
            {
                return (0..lines.len())
                    .map(|i| entry(EntryKind::Line, lines[i], None, block.line + i))
                    .collect();
            }
            let split = (1..lines.len()).find(|&i| {
                let probe = entry(EntryKind::Line, lines[i], None, block.line + i);
                lines[i].trim_start().starts_with('#') || heading_level(&probe).is_some()
            });
            let own = split.map_or(block.text.clone(), |k| lines[..k].join("\n"));
            let mut out = vec![entry(kind, &own, block.lead.clone(), block.line)];
            if let Some(k) = split {
                out.extend(
                    (k..lines.len())
                        .map(|i| entry(EntryKind::Line, lines[i], None, block.line + i)),
                );
            }
            out
        }
        BlockKind::TableRow { header, cells } => {
            let kind = EntryKind::Row {
                header: *header,
                cells: cells.clone(),
            };
            vec![entry(kind, &block.text, None, block.line)]
        }
        BlockKind::Code => vec![entry(EntryKind::Code, &block.text, None, block.line)],
    }
}

/// A Markdown heading that did not render because text precedes its `#`s on the line
/// ("Markup : ### Corrective Measures ###", pasted from a cheat sheet): its level and
/// name, when the name is a known section.
fn stray_heading(line: &str) -> Option<(u8, &str)> {
    let (_, rest) = line.split_once(" #")?;
    let hashes = 1 + rest.chars().take_while(|&c| c == '#').count();
    let name = rest[hashes - 1..].strip_prefix(' ')?;
    let name = name.trim_end_matches(['#', ' ']).trim();
    (hashes <= 6 && classify_heading(name) != SectionKind::Other).then_some((hashes as u8, name))
}

/// A heading written without the space after its `#`s ("##Timeline"), which Markdown renders
/// as text: its level and name. Only a short line whose name starts with a letter counts.
fn unspaced_heading(line: &str) -> Option<(u8, &str)> {
    let line = line.trim();
    let hashes = line.chars().take_while(|&c| c == '#').count();
    let name = line[hashes..].trim_end_matches(['#', ' ']).trim();
    let starts_with_letter = line[hashes..].starts_with(char::is_alphabetic);
    ((1..=6).contains(&hashes) && starts_with_letter && name.split_whitespace().count() <= 12)
        .then_some((hashes as u8, name))
}

/// Headings that close the document's analysis ("Conclusion", "Appendix"): they always
/// start a section of their own, even when written like a label.
fn is_closing_heading(text: &str) -> bool {
    cues::in_text("sections", "closing", text)
}

/// A paragraph's lines with hard-wrapped prose joined again: a line that starts in
/// lower case continues the one before it. Each line keeps its offset in the paragraph.
fn unwrap_lines(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let continues = line.chars().next().is_some_and(char::is_lowercase)
            && out
                .last()
                .is_some_and(|(_, prev)| !prev.trim_end().ends_with(':'));
        match out.last_mut() {
            Some((_, prev)) if continues => {
                prev.push(' ');
                prev.push_str(line);
            }
            _ => out.push((i, line.to_owned())),
        }
    }
    out
}

/// The heading level of an entry that acts as a heading: real headings carry `h1`–`h6`
/// in `lead`; a short bold-only or ALL-CAPS line, or a known section name followed by a
/// colon and nothing else, is a pseudo-heading (level 7).
fn heading_level(entry: &Entry) -> Option<u8> {
    if let EntryKind::Heading(level) = entry.kind {
        return Some(level);
    }
    // Tables, code and nested list items never head a section: a bold "Action plan:"
    // inside a timeline entry is part of that entry.
    if matches!(
        entry.kind,
        EntryKind::Row { .. } | EntryKind::Code | EntryKind::Item { depth: 1.., .. }
    ) {
        return None;
    }
    let text = entry.text.trim();
    let words = text.split_whitespace().count();
    // "**16:30 UTC - Incident resolution:**" is a timeline event, not a heading.
    if words == 0 || words > 8 || opens_with_clock_time(text) {
        return None;
    }
    let bold_only = entry.lead.as_deref().is_some_and(|lead| {
        let rest = text.strip_prefix(lead).unwrap_or(text);
        rest.trim_matches(|c: char| c == ':' || c == '.' || c.is_whitespace())
            .is_empty()
    });
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    let all_caps = letters.len() >= 4
        && letters.iter().all(|c| c.is_uppercase())
        && !text.chars().any(|c| c.is_ascii_digit());
    let known_label = text.ends_with(':')
        && (classify_heading(text) != SectionKind::Other || is_closing_heading(text));
    let plain_line = entry.kind == EntryKind::Line;
    (bold_only
        || (all_caps && plain_line)
        || (known_label && plain_line)
        || (plain_line && is_bare_section_name(text)))
    .then_some(7)
}

/// Whether a text opens with a time of day ("16:30 UTC - …", "9.15pm: …").
fn opens_with_clock_time(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    first.starts_with(|c: char| c.is_ascii_digit())
        && first.contains([':', '.'])
        && datetime::find_time(first).is_some()
}

/// A line holding nothing but a section name ("Timeline", "Root Cause and Resolution"):
/// free-form postmortems often write headings as plain lines.
fn is_bare_section_name(text: &str) -> bool {
    text.split_whitespace().count() <= 6
        && text.chars().next().is_some_and(char::is_uppercase)
        && !text.contains(':')
        && !text.ends_with('.')
        && !text.chars().any(|c| c.is_ascii_digit())
        && classify_heading(text) != SectionKind::Other
}

/// The section kinds a heading can name, in the order their cue lists are tried
/// (`src/cues/sections.toml`): "Root cause and resolution" is a root-cause section, "Action
/// items and lessons" a measures one.
const HEADING_KINDS: [(&str, SectionKind); 8] = [
    ("timeline", SectionKind::Timeline),
    ("root_cause", SectionKind::RootCause),
    ("measures", SectionKind::Measures),
    ("lessons", SectionKind::Lessons),
    ("resolution", SectionKind::Resolution),
    ("impact", SectionKind::Impact),
    ("detection", SectionKind::Detection),
    ("summary", SectionKind::Summary),
];

/// Maps a heading's wording to a canonical section; its words are matched as words, so
/// "Multitasking" names no section and "Because of …" no cause.
pub fn classify_heading(heading: &str) -> SectionKind {
    let text = Analysed::new(heading);
    HEADING_KINDS
        .iter()
        .find(|(list, _)| cues::list("sections", list).any_in(&text))
        .map_or(SectionKind::Other, |(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_blocks;

    fn kinds(md: &str) -> Vec<(SectionKind, String, usize)> {
        sections(&parse_blocks(md, 1))
            .into_iter()
            .map(|s| (s.kind, s.heading, s.entries.len()))
            .collect()
    }

    #[test]
    fn headings_of_many_spellings() {
        let table = [
            ("## Issue Summary:", SectionKind::Summary),
            ("ISSUE SUMMARY.", SectionKind::Summary),
            ("**Timeline:**", SectionKind::Timeline),
            ("#### Root cause and resolution", SectionKind::RootCause),
            (
                "## Corrective and Preventative Measures:",
                SectionKind::Measures,
            ),
            ("## Tasks to Address the Issue:", SectionKind::Measures),
            ("### Action Items", SectionKind::Measures),
            ("## What we'll do", SectionKind::Measures),
            ("## Lessons Learned", SectionKind::Lessons),
            ("## Detection", SectionKind::Detection),
            ("# Impact", SectionKind::Impact),
            ("## Why did it happen?", SectionKind::RootCause),
            ("## What are we doing about it?", SectionKind::Measures),
            ("## Next steps", SectionKind::Measures),
            ("## Going forward", SectionKind::Measures),
            ("## Long-term changes to releases", SectionKind::Measures),
            ("## What's next", SectionKind::Measures),
            ("## A long term customer", SectionKind::Other),
            ("##Timeline", SectionKind::Timeline),
            ("## Multitasking on call", SectionKind::Other),
            ("## Because of the holidays", SectionKind::Other),
        ];
        for (md, kind) in table {
            let found = kinds(&format!("{md}\n\nsome text\n"));
            assert_eq!(found[0].0, kind, "{md}");
        }
    }

    #[test]
    fn labels_inside_a_known_section_do_not_end_it() {
        let md =
            "## Action Items\n\n**Immediate:**\n\n- restart\n\n**Long term:**\n\n- add alerts\n";
        let found = kinds(md);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, SectionKind::Measures);
        assert_eq!(found[0].2, 4);
    }

    #[test]
    fn a_heading_after_stray_text_on_its_line_still_heads_a_section() {
        let found =
            kinds("Markup : ### Corrective and Preventative Measures ###\n\n* Add alerts\n");
        assert_eq!(found[0].0, SectionKind::Measures);
        assert_eq!(found[0].1, "Corrective and Preventative Measures");
        // A shell prompt is not a heading.
        assert_eq!(kinds("root@host:/# # CTRL + D\n")[0].0, SectionKind::Other);
    }

    #[test]
    fn paragraph_lines_become_entries_with_lines() {
        let blocks = parse_blocks("## Timeline\n10:00 AM: alert\n10:30 AM: fixed\n", 1);
        let s = sections(&blocks);
        assert_eq!(s[0].entries.len(), 2);
        assert_eq!(s[0].entries[1].line, 3);
    }
}
