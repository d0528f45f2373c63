//! Feeds and discovery files: Atom feeds of postmortems (the whole site, one per root
//! cause) and `sitemap.xml`, as values for `output`. Deterministic: a feed's `<updated>` is
//! its newest postmortem's start, never the build time.
//!
//! Sitemaps need absolute URLs, so without a `base_url` the sitemap is an empty (valid)
//! `urlset` with a comment saying why. Atom allows relative links (resolved against the
//! feed's own address), so feeds work without one; their ids then use `urn:pmkb:<path>`.

use std::fmt::Write;

use chrono::{DateTime, FixedOffset, SecondsFormat};

use super::charts;
use super::views::SiteView;
use crate::extract::datetime;
use crate::kb::{KnowledgeBase, Postmortem};
use crate::output::OutputFile;
use crate::parse::zone_offset;

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
    // The newest start on the world's clock, not the latest-looking string; for a feed of
    // undated postmortems the newest of the site. Never an invented date (no 1970): with
    // no date anywhere, `<updated>` is left out.
    let newest = |pms: &mut dyn Iterator<Item = &Postmortem>| pms.filter_map(instant).max();
    let updated = newest(&mut members.iter().copied())
        .or_else(|| newest(&mut kb.postmortems.iter()))
        .map(atom_date);
    let updated_element = |date: Option<&String>| {
        date.map(|d| format!("\n<updated>{d}</updated>"))
            .unwrap_or_default()
    };
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
        "<id>{}</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>{}\n<author><name>{}</name></author>\n<generator>{}</generator>",
        esc(&id(&feed.path)),
        esc(&link(&feed.path)),
        esc(&link(&feed.page)),
        updated_element(updated.as_ref()),
        esc(&site.title),
        esc(&site.generator)
    );
    for pm in members {
        let page = format!("postmortems/{}/", pm.slug);
        let summary = pm.facts.root_cause.as_deref().unwrap_or(&pm.facts.title);
        let _ = writeln!(
            xml,
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>{}\n<summary>{}</summary>",
            esc(&pm.facts.title),
            esc(&id(&page)),
            esc(&link(&page)),
            updated_element(instant(pm).map(atom_date).as_ref().or(updated.as_ref())),
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
/// states (an abbreviation such as `WAT`, a fixed offset, or an IANA name such as
/// `America/New_York` with its DST); a start without a known offset ("PT", or no zone) is
/// taken as UTC, the closest a feed reader can get to it.
fn instant(pm: &Postmortem) -> Option<DateTime<FixedOffset>> {
    let moment = pm.facts.started_at?;
    let wall = moment.date?.and_time(moment.time.unwrap_or_default());
    let zone = pm.facts.timezone.as_deref();
    let named = zone
        .and_then(datetime::utc_offset_minutes)
        .and_then(|minutes| FixedOffset::east_opt(minutes * 60));
    // An IANA zone's offset depends on the instant: guess it at the wall clock, then
    // take it at the instant that guess gives.
    let iana = || {
        let zone = zone?;
        let guess = zone_offset(zone, wall)?;
        zone_offset(zone, wall - guess)
    };
    let offset = named.or_else(iana).unwrap_or(FixedOffset::east_opt(0)?);
    wall.and_local_timezone(offset).single()
}

/// Text escaped for XML, without the characters XML 1.0 forbids (control characters other
/// than tab, line feed and carriage return; U+FFFE, U+FFFF), which would make the whole
/// file unreadable to a feed reader: a log line pasted with its terminal escape codes.
fn esc(text: &str) -> String {
    // XML 1.0's Char production: tab, LF, CR, and from U+0020 on, less U+FFFE and U+FFFF.
    let allowed = |c: &char| match *c {
        '\t' | '\n' | '\r' => true,
        '\u{FFFE}' | '\u{FFFF}' => false,
        c => c >= ' ',
    };
    charts::esc(&text.chars().filter(allowed).collect::<String>())
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

    #[test]
    fn text_loses_what_xml_forbids() {
        let dirty = "disk\u{1b}[31m full\u{8}\u{0} \u{FFFE}<ok> & tab\tline\n";
        assert_eq!(esc(dirty), "disk[31m full &lt;ok&gt; &amp; tab\tline\n");
        let document = format!("<t>{}</t>", esc("\u{1}\u{1f}ünïcödé 数据 🚒"));
        assert!(roxmltree::Document::parse(&document).is_ok(), "{document}");
    }
}
