//! A postmortem body as safe HTML: CommonMark with tables and task lists, links to
//! embedded images and sibling postmortems rewritten to their site paths, and raw HTML
//! sanitised unless the site trusts its authors.

use std::collections::{HashMap, HashSet};

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use super::outline::{self, TocEntry};
use super::{anchors, breaks, nesting};

/// What the renderer needs to resolve relative links in a body.
pub struct LinkContext<'a> {
    /// The Markdown file's path relative to the content folder.
    pub rel_path: &'a str,
    /// Relative prefix from the page to the site root ("../../").
    pub root: &'a str,
    /// Content-relative paths of the assets copied to the site.
    pub assets: &'a HashSet<String>,
    /// Content-relative Markdown path → slug, for links between postmortems.
    pub pages: &'a HashMap<String, String>,
    /// Filled with the content-relative paths of the assets the body links: only those
    /// are published.
    pub linked: &'a std::cell::RefCell<std::collections::BTreeSet<String>>,
    /// What a link to a page adds after its folder's `/` (`index.html` or nothing).
    pub index: &'a str,
}

/// A body rendered for its page.
#[derive(Clone)]
pub struct Body {
    /// Safe HTML.
    pub html: String,
    /// Its headings, for the table of contents.
    pub toc: Vec<TocEntry>,
}

/// Renders a Markdown body to HTML. The first level-1 heading is dropped because the
/// page shows the title itself; the other headings are demoted below it (see `outline`).
/// Headings and footnotes get ids unique on the page, none of them in `theme_ids` (the ids
/// the page's template uses itself); see [`anchors`].
pub fn to_html(
    body: &str,
    links: &LinkContext<'_>,
    theme_ids: &HashSet<String>,
    trust_html: bool,
) -> Body {
    let mut ids = anchors::Ids::new(theme_ids);
    let (html, toc) = render_body(body, links, &mut ids, false);
    if trust_html {
        return Body { html, toc };
    }
    // Raw HTML nested too deeply to sanitise in reasonable time is shown as text instead.
    let html = if nesting::depth(&html) > nesting::MAX_NESTING {
        render_body(body, links, &mut anchors::Ids::new(theme_ids), true).0
    } else {
        html
    };
    Body {
        html: sanitise_with_ids(&html, &ids),
        toc,
    }
}

/// CommonMark to HTML with ids given, links rewritten, entry lines kept apart, headings
/// outlined and nesting capped; raw HTML is passed through, or turned into text when
/// `raw_as_text`.
fn render_body(
    body: &str,
    links: &LinkContext<'_>,
    ids: &mut anchors::Ids<'_>,
    raw_as_text: bool,
) -> (String, Vec<TocEntry>) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut skipping_title = false;
    let mut seen_heading = false;
    let mut events: Vec<Event<'_>> = Parser::new_ext(body, options)
        .filter_map(|event| match event {
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
        })
        .collect();
    anchors::assign(&mut events, ids);
    breaks::keep_entry_breaks(&mut events);
    let mut cap = nesting::DepthCap::default();
    let (events, toc) = outline::outline(events.into_iter().filter_map(|e| cap.admit(e)));
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    (out, toc)
}

/// Removes scripts, event handlers, `javascript:` URLs and other active content.
pub fn sanitise(html: &str) -> String {
    builder().clean(html).to_string()
}

/// [`sanitise`], keeping each id once: the ids pmkb gave, and an id written in raw HTML
/// (`<span id="here">`) only when no heading, footnote or theme element has it, so a link to
/// it still lands and it can never collide with theirs.
fn sanitise_with_ids(html: &str, ids: &anchors::Ids<'_>) -> String {
    let given = ids.given().clone();
    let taken: HashSet<String> = ids.reserved().union(&given).cloned().collect();
    let seen = std::sync::Mutex::new((given, taken));
    builder()
        .attribute_filter(move |_, attribute, value| {
            if attribute != "id" {
                return Some(value.into());
            }
            let keep = seen.lock().is_ok_and(|mut seen| {
                let (unused, taken) = &mut *seen;
                unused.remove(value) || taken.insert(value.to_owned())
            });
            keep.then(|| value.into())
        })
        .clean(html)
        .to_string()
}

fn builder<'a>() -> ammonia::Builder<'a> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes(["id", "align"])
        .add_tag_attributes("input", ["type", "checked", "disabled", "aria-label"])
        .add_tag_attributes("a", ["aria-label"])
        .add_allowed_classes("a", ["anchor"])
        .add_tag_attributes("div", ["role", "tabindex", "aria-label"])
        .add_allowed_classes("div", ["table-scroll"])
        .add_tags(["input"])
        .link_rel(Some("noopener noreferrer"));
    builder
}

/// Maps a relative link to an asset or another postmortem onto its site path. The link is
/// read as written in either form: `<lag graph.png>` and `lag%20graph.png` name one file
/// (`%23` is a `#` in the name, a bare `#` starts the fragment).
fn rewrite<'a>(dest: CowStr<'a>, links: &LinkContext<'_>) -> CowStr<'a> {
    match link_target(&dest, links) {
        Some((Target::Asset(path), fragment)) => {
            let url = format!("{}files/{}{fragment}", links.root, encode_path(&path));
            links.linked.borrow_mut().insert(path);
            url.into()
        }
        Some((Target::Page(slug), fragment)) => {
            format!("{}postmortems/{slug}/{}{fragment}", links.root, links.index).into()
        }
        None => dest,
    }
}

/// What a relative link in a body points at.
#[derive(Debug, PartialEq)]
pub enum Target {
    /// A copied asset: its content-relative path.
    Asset(String),
    /// Another postmortem: its slug.
    Page(String),
}

/// Resolves a link destination as written in `links.rel_path` to the asset or postmortem it
/// names, with its `#fragment` (empty or starting with `#`); None for external, absolute
/// and same-page links and for paths that name nothing in the content folder.
pub fn link_target(dest: &str, links: &LinkContext<'_>) -> Option<(Target, String)> {
    if dest.starts_with('#') || dest.starts_with('/') || dest.contains(':') {
        return None;
    }
    let (path, fragment) = dest.split_once('#').map_or((dest, ""), |(p, f)| (p, f));
    let fragment = if fragment.is_empty() {
        String::new()
    } else {
        format!("#{fragment}")
    };
    let decoded = percent_decode_str(path).decode_utf8().ok();
    [decoded.as_deref(), Some(path)]
        .into_iter()
        .flatten()
        .filter_map(|written| resolve(links.rel_path, written))
        .find_map(|target| {
            if links.assets.contains(&target) {
                Some(Target::Asset(target))
            } else {
                links.pages.get(&target).cloned().map(Target::Page)
            }
        })
        .map(|target| (target, fragment))
}

/// What a path segment must escape to reach the file it names: spaces, `#`, `?`, `%` and
/// the characters HTML attributes and URLs reserve (non-ASCII is always encoded).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A content-relative path as a URL path, each segment percent-encoded.
fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
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
        let assets = [
            "inc/graph.png",
            "inc/débit réseau.svg",
            "inc/50% load.png",
            "inc/shots/run #7.png",
        ]
        .map(str::to_owned)
        .into_iter()
        .collect();
        let pages = [
            ("other.md".to_owned(), "other".to_owned()),
            (
                "2023 cache miss.md".to_owned(),
                "2023-cache-miss".to_owned(),
            ),
        ]
        .into_iter()
        .collect();
        let links = LinkContext {
            rel_path: "inc/README.md",
            root: "../../",
            assets: &assets,
            pages: &pages,
            linked: &Default::default(),
            index: "",
        };
        let theme_ids = ["main".to_owned(), "meta-heading".to_owned()].into();
        to_html(body, &links, &theme_ids, trust).html
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
    fn percent_encoded_destinations_resolve_like_angle_brackets() {
        for body in [
            "![a](d%C3%A9bit%20r%C3%A9seau.svg)",
            "![a](<débit réseau.svg>)",
            "![a](débit%20réseau.svg)",
        ] {
            let html = render(body, false);
            assert!(
                html.contains(r#"src="../../files/inc/d%C3%A9bit%20r%C3%A9seau.svg""#),
                "{body}: {html}"
            );
        }
        let html = render("![a](50%25%20load.png) ![b](<shots/run %237.png>)", false);
        assert!(
            html.contains(r#"src="../../files/inc/50%25%20load.png""#),
            "{html}"
        );
        assert!(
            html.contains(r#"src="../../files/inc/shots/run%20%237.png""#),
            "{html}"
        );
        let html = render("[c](../2023%20cache%20miss.md#timeline)", false);
        assert!(
            html.contains(r#"href="../../postmortems/2023-cache-miss/#timeline""#),
            "{html}"
        );
        // A name that is not there stays as written.
        let html = render("[d](missing%20file.md)", false);
        assert!(html.contains(r#"href="missing%20file.md""#), "{html}");
    }

    fn ids(html: &str) -> Vec<String> {
        let page = scraper::Html::parse_fragment(html);
        let any = scraper::Selector::parse("[id]").unwrap();
        page.select(&any)
            .filter_map(|e| e.value().attr("id").map(str::to_owned))
            .collect()
    }

    #[test]
    fn headings_get_unique_github_ids_and_custom_ids_are_kept() {
        let body = "# Title\n\n## Impact\n\n### Notes\n\n## Détails du problème\n\n### Notes\n\n\
                    ## Main\n\n## Notes {#notes}\n\n## 原因\n\n[up](#notes-1)";
        let html = render(body, false);
        assert_eq!(
            ids(&html),
            [
                "impact",
                "notes-1",
                "détails-du-problème",
                "notes-2",
                "main-1",
                "notes",
                "原因"
            ]
        );
        assert!(html.contains(r##"href="#notes-1""##), "{html}");
    }

    #[test]
    fn footnote_and_raw_html_ids_never_collide() {
        let body = "## Summary\n\nSee[^main] and[^summary].\n\n[^main]: one\n[^summary]: two\n\n\
                    <div id=\"summary\">raw</div> <span id=\"main\">raw</span>";
        let html = render(body, false);
        let found = ids(&html);
        let unique: HashSet<_> = found.iter().collect();
        assert_eq!(unique.len(), found.len(), "{html}");
        assert!(!found.contains(&"main".to_owned()), "{html}");
        assert!(found.contains(&"fn-main".to_owned()), "{html}");
        let free = render("<span id=\"here\">x</span> [back](#here)", false);
        assert!(free.contains(r#"<span id="here">"#), "{free}");
        assert!(html.contains(r##"href="#fn-main""##), "{html}");
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
    fn deep_nesting_renders_and_keeps_its_text() {
        let quotes = render(&format!("{} deep quote", ">".repeat(100_000)), false);
        assert!(quotes.contains("deep quote"));
        let divs = "<div>".repeat(100_000) + "deep div" + &"</div>".repeat(100_000);
        let html = render(&divs, false);
        assert!(
            html.contains("deep div") && !html.contains("<div>"),
            "shown as text"
        );
        let shallow = render("<div><div>kept</div></div>", false);
        assert!(shallow.contains("<div><div>kept"), "{shallow}");
    }

    #[test]
    fn trusted_html_is_kept() {
        assert!(render("<div class=\"x\">hi</div>", true).contains("<div class=\"x\">"));
    }
}
