//! The outline of a postmortem body on its page: headings demoted below the page's one
//! `<h1>` (the title) with no level skipped, each with an id and a link to itself; the
//! table of contents they make; task-list markers as labelled, read-only checkboxes; and
//! each table in a scroll box that the keyboard can reach, for tables wider than a phone.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use serde::Serialize;

/// One heading of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// The level on the page, 2 to 6.
    pub level: u8,
    /// The heading's id, the link target.
    pub id: String,
    /// The heading's plain text.
    pub text: String,
}

/// Rewrites the events of a body (its title already removed): every heading gets a level
/// from 2 down, one deeper at most than the heading before it and a trailing `#` link to
/// its id (given before, by [`anchors::assign`](super::anchors::assign)); task-list
/// markers become checkboxes named "Done" or "Not done". Returns the events and the
/// headings in order. Tables are wrapped in a focusable `div.table-scroll` region.
pub fn outline<'a>(events: impl Iterator<Item = Event<'a>>) -> (Vec<Event<'a>>, Vec<TocEntry>) {
    let events: Vec<Event<'a>> = events.collect();
    let mut levels: Vec<HeadingLevel> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level),
            _ => None,
        })
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut toc = Vec::new();
    let mut previous = 1u8;
    let mut tables = 0;
    // The heading being read: its index in `out`, and its text so far.
    let mut open: Option<(usize, String)> = None;
    for event in events {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let rank = levels.iter().position(|l| *l == level).unwrap_or(0) as u8;
                previous = (2 + rank).min(previous + 1).min(6);
                open = Some((out.len(), String::new()));
                out.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((start, text)) = open.take() else {
                    out.push(event);
                    continue;
                };
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                let level = heading_level(previous);
                let Event::Start(Tag::Heading {
                    id, classes, attrs, ..
                }) = std::mem::replace(&mut out[start], Event::SoftBreak)
                else {
                    unreachable!("`start` indexes the heading's start event")
                };
                let id = id.map(|i| i.to_string()).unwrap_or_default();
                out[start] = Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id.clone())),
                    classes,
                    attrs,
                });
                out.push(Event::Html(
                    format!(
                        r##" <a class="anchor" href="#{id}" aria-label="Link to this section: {}">#</a>"##,
                        super::charts::esc(&text)
                    )
                    .into(),
                ));
                out.push(Event::End(TagEnd::Heading(level)));
                toc.push(TocEntry {
                    level: previous,
                    id,
                    text,
                });
            }
            Event::Text(ref t) | Event::Code(ref t) if open.is_some() => {
                if let Some((_, text)) = open.as_mut() {
                    text.push_str(t);
                }
                out.push(event);
            }
            Event::Start(Tag::Table(_)) => {
                tables += 1;
                out.push(Event::Html(
                    format!(
                        r#"<div class="table-scroll" role="region" tabindex="0" aria-label="Table {tables}">"#
                    )
                    .into(),
                ));
                out.push(event);
            }
            Event::End(TagEnd::Table) => {
                out.push(event);
                out.push(Event::Html("</div>\n".into()));
            }
            Event::TaskListMarker(done) => out.push(Event::Html(
                if done {
                    r#"<input type="checkbox" checked disabled aria-label="Done"> "#
                } else {
                    r#"<input type="checkbox" disabled aria-label="Not done"> "#
                }
                .into(),
            )),
            other => out.push(other),
        }
    }
    (out, toc)
}

fn heading_level(level: u8) -> HeadingLevel {
    match level {
        0..=2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::anchors;
    use pulldown_cmark::{Options, Parser, html};
    use std::collections::HashSet;

    fn render(md: &str) -> (String, Vec<TocEntry>) {
        let mut events: Vec<Event<'_>> = Parser::new_ext(md, Options::ENABLE_TASKLISTS).collect();
        let reserved = HashSet::new();
        anchors::assign(&mut events, &mut anchors::Ids::new(&reserved));
        let (events, toc) = outline(events.into_iter());
        let mut out = String::new();
        html::push_html(&mut out, events.into_iter());
        (out, toc)
    }

    #[test]
    fn headings_sit_below_the_title_without_skipping() {
        let (html, toc) = render("# SUMMARY\n\ntext\n\n### Detail\n\n# IMPACT\n\n##### Deep\n");
        assert!(!html.contains("<h1"), "{html}");
        let levels: Vec<u8> = toc.iter().map(|t| t.level).collect();
        assert_eq!(levels, [2, 3, 2, 3], "{html}");
        assert!(
            html.contains(r##"<h2 id="summary">SUMMARY <a class="anchor" href="#summary""##),
            "{html}"
        );
    }

    #[test]
    fn ids_are_unique() {
        let (_, toc) = render("## Action items\n\n## Action items\n\n## Sé 2\n");
        let ids: Vec<&str> = toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["action-items", "action-items-1", "sé-2"]);
    }

    #[test]
    fn task_items_are_named_checkboxes() {
        let (html, _) = render("- [x] rotate keys\n- [ ] add alert\n");
        assert!(
            html.contains(
                r#"<li><input type="checkbox" checked disabled aria-label="Done"> rotate keys"#
            ),
            "{html}"
        );
        assert!(html.contains(r#"aria-label="Not done""#), "{html}");
    }
}
