//! Feeds and discovery files: Atom feeds of postmortems (the whole site, one per root
//! cause) and `sitemap.xml`, as values for `output`. Deterministic: a feed's `<updated>` is
//! its newest postmortem's start, never the build time.
//!
//! Sitemaps need absolute URLs, so without a `base_url` the sitemap is an empty (valid)
//! `urlset` with a comment saying why. Atom allows relative links (resolved against the
//! feed's own address), so feeds work without one; their ids then use `urn:pmkb:<path>`.

use std::fmt::Write;

use super::charts::esc;
use super::views::SiteView;
use crate::kb::{KnowledgeBase, Postmortem};
use crate::output::OutputFile;

/// What one feed lists.
pub struct Feed<'a> {
    /// Where the feed is written (`feed.xml`, `root-causes/dns/feed.xml`).
    pub path: String,
    /// The page the feed belongs to (`""`, `root-causes/dns/`).
    pub page: String,
    /// The feed's title.
    pub title: String,
    /// Indices of its postmortems, newest first.
    pub members: &'a [usize],
}

/// Used for `<updated>` when no postmortem has a date.
const EPOCH: &str = "1970-01-01T00:00:00Z";

/// Renders an Atom feed.
pub fn atom(kb: &KnowledgeBase, site: &SiteView, feed: &Feed<'_>) -> OutputFile {
    let depth = feed.path.matches('/').count();
    let link = |path: &str| {
        if site.base_url.is_empty() {
            let up = "../".repeat(depth);
            if up.is_empty() && path.is_empty() {
                "./".to_owned()
            } else {
                format!("{up}{path}")
            }
        } else {
            format!("{}{path}", site.base_url)
        }
    };
    let id = |path: &str| {
        if site.base_url.is_empty() {
            format!("urn:pmkb:{path}")
        } else {
            format!("{}{path}", site.base_url)
        }
    };
    let members: Vec<&Postmortem> = feed.members.iter().map(|&i| &kb.postmortems[i]).collect();
    let updated = members
        .iter()
        .filter_map(|p| timestamp(p))
        .max()
        .unwrap_or_else(|| EPOCH.to_owned());
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        xml,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>{}</title>",
        esc(&feed.title)
    );
    if !site.description.is_empty() {
        let _ = writeln!(xml, "<subtitle>{}</subtitle>", esc(&site.description));
    }
    let _ = writeln!(
        xml,
        "<id>{}</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<updated>{updated}</updated>\n<author><name>{}</name></author>\n<generator>{}</generator>",
        esc(&id(&feed.path)),
        esc(&link(&feed.path)),
        esc(&link(&feed.page)),
        esc(&site.title),
        esc(&site.generator)
    );
    for pm in members {
        let page = format!("postmortems/{}/", pm.slug);
        let summary = pm.facts.root_cause.as_deref().unwrap_or(&pm.facts.title);
        let _ = writeln!(
            xml,
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<updated>{}</updated>\n<summary>{}</summary>",
            esc(&pm.facts.title),
            esc(&id(&page)),
            esc(&link(&page)),
            timestamp(pm).unwrap_or_else(|| updated.clone()),
            esc(summary)
        );
        for slug in &pm.labels.root_causes {
            if let Some(c) = kb.taxonomy.root_cause(slug) {
                let _ = writeln!(
                    xml,
                    "<category term=\"{}\" label=\"{}\"/>",
                    esc(&c.slug),
                    esc(&c.name)
                );
            }
        }
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    OutputFile::text(feed.path.clone(), xml)
}

/// The sitemap of `pages` (folder paths such as `postmortems/x/`, `""` for home).
pub fn sitemap(site: &SiteView, pages: &[&str]) -> OutputFile {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    if site.base_url.is_empty() {
        xml.push_str(
            "<!-- pmkb: sitemaps need absolute URLs; set base_url to list the pages -->\n",
        );
    } else {
        for page in pages {
            let _ = writeln!(
                xml,
                "<url><loc>{}</loc></url>",
                esc(&format!("{}{page}", site.base_url))
            );
        }
    }
    xml.push_str("</urlset>\n");
    OutputFile::text("sitemap.xml", xml)
}

/// The postmortem's start as an Atom date. The wall clock is written as UTC: feeds only
/// need an order, and the zone a postmortem states is often not an offset.
fn timestamp(pm: &Postmortem) -> Option<String> {
    let moment = pm.facts.started_at?;
    let day = moment.date?;
    let time = moment
        .time
        .map_or("00:00:00".to_owned(), |t| t.format("%H:%M:00").to_string());
    Some(format!("{}T{time}Z", day.format("%Y-%m-%d")))
}
