//! A postmortem body as safe HTML: CommonMark with tables and task lists, links to
//! embedded images and sibling postmortems rewritten to their site paths, and raw HTML
//! sanitised unless the site trusts its authors.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use super::nesting;
use super::outline::{self, TocEntry};

/// What the renderer needs to resolve relative links in a body.
pub struct LinkContext<'a> {
    /// The Markdown file's path relative to the content folder.
    pub rel_path: &'a str,
    /// Relative prefix from the page to the site root ("../../").
    pub root: &'a str,
    /// Content-relative paths of the assets copied to the site.
    pub assets: &'a std::collections::HashSet<String>,
    /// Content-relative Markdown path → slug, for links between postmortems.
    pub pages: &'a HashMap<String, String>,
    /// What a link to a page adds after its folder's `/` (`index.html` or nothing).
    pub index: &'a str,
}

/// A body rendered for its page.
pub struct Body {
    /// Safe HTML.
    pub html: String,
    /// Its headings, for the table of contents.
    pub toc: Vec<TocEntry>,
}

/// Renders a Markdown body to HTML. The first level-1 heading is dropped because the
/// page shows the title itself; the other headings are demoted below it (see `outline`).
pub fn to_html(body: &str, links: &LinkContext<'_>, trust_html: bool) -> Body {
    let (html, toc) = render_body(body, links, false);
    if trust_html {
        return Body { html, toc };
    }
    // Raw HTML nested too deeply to sanitise in reasonable time is shown as text instead.
    let html = if nesting::depth(&html) > nesting::MAX_NESTING {
        render_body(body, links, true).0
    } else {
        html
    };
    Body {
        html: sanitise(&html),
        toc,
    }
}

/// CommonMark to HTML with links rewritten and nesting capped; raw HTML is passed through,
/// or turned into text when `raw_as_text`.
fn render_body(body: &str, links: &LinkContext<'_>, raw_as_text: bool) -> (String, Vec<TocEntry>) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    let mut skipping_title = false;
    let mut seen_heading = false;
    let events = Parser::new_ext(body, options).filter_map(|event| match event {
        Event::Start(Tag::Heading {
            level: pulldown_cmark::HeadingLevel::H1,
            ..
        }) if !seen_heading => {
            seen_heading = true;
            skipping_title = true;
            None
        }
        Event::End(TagEnd::Heading(pulldown_cmark::HeadingLevel::H1)) if skipping_title => {
            skipping_title = false;
            None
        }
        _ if skipping_title => None,
        Event::Start(Tag::Heading { .. }) => {
            seen_heading = true;
            Some(event)
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Some(Event::Start(Tag::Link {
            link_type,
            dest_url: rewrite(dest_url, links),
            title,
            id,
        })),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Some(Event::Start(Tag::Image {
            link_type,
            dest_url: rewrite(dest_url, links),
            title,
            id,
        })),
        Event::Html(raw) | Event::InlineHtml(raw) if raw_as_text => Some(Event::Text(raw)),
        other => Some(other),
    });
    let mut cap = nesting::DepthCap::default();
    let (events, toc) = outline::outline(keep_line_breaks(events).filter_map(|e| cap.admit(e)));
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    (out, toc)
}

/// Free-form postmortems put one fact or timeline entry per line without blank lines
/// between them, so a line break is kept — unless the next line starts in lower case,
/// the sign of prose hard-wrapped at a fixed width.
fn keep_line_breaks<'a>(
    events: impl Iterator<Item = Event<'a>>,
) -> impl Iterator<Item = Event<'a>> {
    let mut events = events.peekable();
    std::iter::from_fn(move || {
        let event = events.next()?;
        if event != Event::SoftBreak {
            return Some(event);
        }
        let wrapped =
            matches!(events.peek(), Some(Event::Text(t)) if t.starts_with(char::is_lowercase));
        Some(if wrapped { event } else { Event::HardBreak })
    })
}

/// Removes scripts, event handlers, `javascript:` URLs and other active content.
pub fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "align"])
        .add_tag_attributes("input", ["type", "checked", "disabled", "aria-label"])
        .add_tag_attributes("a", ["aria-label"])
        .add_allowed_classes("a", ["anchor"])
        .add_tag_attributes("div", ["role", "tabindex", "aria-label"])
        .add_allowed_classes("div", ["table-scroll"])
        .add_tags(["input"])
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// Maps a relative link to an asset or another postmortem onto its site path.
fn rewrite<'a>(dest: CowStr<'a>, links: &LinkContext<'_>) -> CowStr<'a> {
    if dest.contains("://") || dest.starts_with('#') || dest.starts_with('/') || dest.contains(':')
    {
        return dest;
    }
    let (path, fragment) = dest.split_once('#').map_or((&*dest, ""), |(p, f)| (p, f));
    let Some(target) = resolve(links.rel_path, path) else {
        return dest;
    };
    let fragment = if fragment.is_empty() {
        String::new()
    } else {
        format!("#{fragment}")
    };
    if links.assets.contains(&target) {
        return format!("{}files/{target}{fragment}", links.root).into();
    }
    if let Some(slug) = links.pages.get(&target) {
        return format!("{}postmortems/{slug}/{}{fragment}", links.root, links.index).into();
    }
    dest
}

/// Resolves `link` relative to the folder of `from`, both content-relative; None if it
/// climbs above the content folder.
fn resolve(from: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(body: &str, trust: bool) -> String {
        let assets = ["inc/graph.png".to_owned()].into_iter().collect();
        let pages = [("other.md".to_owned(), "other".to_owned())]
            .into_iter()
            .collect();
        let links = LinkContext {
            rel_path: "inc/README.md",
            root: "../../",
            assets: &assets,
            pages: &pages,
            index: "",
        };
        to_html(body, &links, trust).html
    }

    #[test]
    fn images_and_sibling_links_are_rewritten() {
        let html = render("# T\n\n![g](graph.png) [o](../other.md#x)", false);
        assert!(
            html.contains(r#"src="../../files/inc/graph.png""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="../../postmortems/other/#x""#),
            "{html}"
        );
        assert!(!html.contains("<h1>"), "{html}");
    }

    #[test]
    fn scripts_and_javascript_links_are_removed() {
        let html = render(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
            false,
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }

    #[test]
    fn entry_lines_keep_their_breaks_and_wrapped_prose_flows() {
        let html = render(
            "10:00 alert fired\n10:05 paged\nthe on-call\nengineer",
            false,
        );
        assert!(
            html.contains("10:00 alert fired<br>\n10:05 paged\nthe on-call"),
            "{html}"
        );
    }

    #[test]
    fn deep_nesting_renders_quickly_and_keeps_its_text() {
        let start = std::time::Instant::now();
        let quotes = render(&format!("{} deep quote", ">".repeat(100_000)), false);
        assert!(quotes.contains("deep quote"));
        let divs = "<div>".repeat(100_000) + "deep div" + &"</div>".repeat(100_000);
        let html = render(&divs, false);
        assert!(
            html.contains("deep div") && !html.contains("<div>"),
            "shown as text"
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(60));
        let shallow = render("<div><div>kept</div></div>", false);
        assert!(shallow.contains("<div><div>kept"), "{shallow}");
    }

    #[test]
    fn trusted_html_is_kept() {
        assert!(render("<div class=\"x\">hi</div>", true).contains("<div class=\"x\">"));
    }
}
