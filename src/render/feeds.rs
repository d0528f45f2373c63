//! Feeds and discovery files: Atom feeds of postmortems (the whole site, one per root
//! cause) and `sitemap.xml`, as values for `output`. Deterministic: a feed's `<updated>` is
//! its newest postmortem's start, never the build time.
//!
//! Sitemaps need absolute URLs, so without a `base_url` the sitemap is an empty (valid)
//! `urlset` with a comment saying why. Atom allows relative links (resolved against the
//! feed's own address), so feeds work without one; their ids then use `urn:pmkb:<path>`.

use std::fmt::Write;

use chrono::{DateTime, FixedOffset, SecondsFormat};

use super::charts::esc;
use super::views::SiteView;
use crate::extract::datetime;
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
    // The newest start on the world's clock, not the latest-looking string.
    let updated = members
        .iter()
        .filter_map(|p| instant(p))
        .max()
        .map_or_else(|| EPOCH.to_owned(), atom_date);
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
            instant(pm).map_or_else(|| updated.clone(), atom_date),
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

/// The postmortem's start as an instant: its wall clock at the offset of the zone it
/// states; a start without a known offset ("PT", or no zone) is taken as UTC, the closest
/// a feed reader can get to it.
fn instant(pm: &Postmortem) -> Option<DateTime<FixedOffset>> {
    let moment = pm.facts.started_at?;
    let wall = moment.date?.and_time(moment.time.unwrap_or_default());
    let offset = pm
        .facts
        .timezone
        .as_deref()
        .and_then(datetime::utc_offset_minutes)
        .and_then(|minutes| FixedOffset::east_opt(minutes * 60))
        .unwrap_or(FixedOffset::east_opt(0)?);
    wall.and_local_timezone(offset).single()
}

/// An Atom date (RFC 3339, `Z` for UTC).
fn atom_date(instant: DateTime<FixedOffset>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_dates_carry_the_stated_offset() {
        let at = |minutes: i32| {
            let offset = FixedOffset::east_opt(minutes * 60).unwrap();
            chrono::NaiveDate::from_ymd_opt(2024, 3, 9)
                .unwrap()
                .and_hms_opt(22, 5, 0)
                .unwrap()
                .and_local_timezone(offset)
                .unwrap()
        };
        assert_eq!(atom_date(at(0)), "2024-03-09T22:05:00Z");
        assert_eq!(atom_date(at(60)), "2024-03-09T22:05:00+01:00");
        assert_eq!(atom_date(at(-450)), "2024-03-09T22:05:00-07:30");
    }
}
