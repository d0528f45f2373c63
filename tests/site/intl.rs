//! Any language, any link, valid XML: a site of postmortems named and written in several
//! scripts (`tests/fixtures/intl`), checked for readable slugs, links written either way,
//! heading anchors that land, well-formed feeds, dates with offsets, wrapped prose, search
//! that folds accents and reads CJK, and clear usage errors.

use std::collections::{BTreeMap, HashSet};

use scraper::{Html, Selector};

use crate::support::{broken_links, build, copy_dir, copy_site, fixture, pmkb_in, search_slugs};

const KOLN: &str = "ausfall-koln-rechenzentrum";
const ATHENS: &str = "diktuo-athena";
const TOKYO: &str = "dong-jing-jue-ji-zhang-hai";
const NOTES: &str = "incident-notes";

#[test]
fn file_names_in_any_script_give_readable_stable_slugs() {
    let site = build(&fixture("intl"), None, None);
    assert_eq!(
        site.pages_under("postmortems"),
        [KOLN, ATHENS, TOKYO, NOTES].map(str::to_owned)
    );
    // Another file with a name in another script moves no one.
    let more = tempfile::tempdir().unwrap();
    copy_dir(&fixture("intl/content"), more.path());
    std::fs::write(more.path().join("Σφάλμα.md"), "# Σφάλμα DNS\n\nText.\n").unwrap();
    std::fs::write(more.path().join("障害.md"), "# 障害\n\nText.\n").unwrap();
    let grown = build(&fixture("intl"), Some(more.path()), None);
    let slugs = grown.pages_under("postmortems");
    for slug in [ATHENS, TOKYO, KOLN, NOTES, "sphalma", "zhang-hai"] {
        assert!(slugs.contains(&slug.to_owned()), "{slug} in {slugs:?}");
    }
}

/// Every page: no id twice, and every `#fragment` link (same page or another page of the
/// site) names an id that is there.
#[test]
fn every_id_is_unique_and_every_fragment_link_lands() {
    let site = build(&fixture("intl"), None, None);
    let files = site.files();
    let any_id = Selector::parse("[id]").unwrap();
    let links = Selector::parse("a[href*='#']").unwrap();
    let ids: BTreeMap<&str, Vec<String>> = files
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| {
            let html = Html::parse_document(std::str::from_utf8(bytes).unwrap());
            let ids = html
                .select(&any_id)
                .filter_map(|e| e.value().attr("id").map(str::to_owned))
                .collect();
            (path.as_str(), ids)
        })
        .collect();
    for (page, page_ids) in &ids {
        let unique: HashSet<&String> = page_ids.iter().collect();
        assert_eq!(unique.len(), page_ids.len(), "{page}: {page_ids:?}");
    }
    let mut checked = 0;
    for (page, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = Html::parse_document(std::str::from_utf8(bytes).unwrap());
        let folder = page.rsplit_once('/').map_or("", |(dir, _)| dir);
        for link in html.select(&links) {
            let href = link.value().attr("href").unwrap();
            let (path, fragment) = href.split_once('#').unwrap();
            let target = if path.is_empty() {
                page.to_string()
            } else {
                let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
                for part in path.split('/').filter(|p| !p.is_empty()) {
                    if part == ".." {
                        parts.pop();
                    } else {
                        parts.push(part);
                    }
                }
                format!("{}/index.html", parts.join("/"))
            };
            let found = ids
                .get(target.as_str())
                .is_some_and(|t| t.iter().any(|id| id == fragment));
            assert!(found, "{page}: {href} has no target in {target}");
            checked += 1;
        }
    }
    assert!(checked >= 5, "fragment links checked: {checked}");
    let koln = site.page(&format!("postmortems/{KOLN}/index.html"));
    let headings = Selector::parse("article h2[id], article h3[id], .prose h2[id]").unwrap();
    let given: Vec<&str> = koln
        .select(&headings)
        .filter_map(|h| h.value().attr("id"))
        .collect();
    for id in [
        "summary",
        "timeline",
        "details",
        "main-1",
        "details-1",
        "rca",
    ] {
        assert!(given.contains(&id), "{id} in {given:?}");
    }
}

#[test]
fn percent_encoded_links_reach_the_same_files_as_angle_brackets() {
    let site = build(&fixture("intl"), None, None);
    assert_eq!(broken_links(&site, "/"), Vec::<String>::new());
    let page = format!("postmortems/{NOTES}/index.html");
    let images = site.hrefs(&page, "img[src*='files/']");
    assert!(images.is_empty(), "images have src, not href");
    let srcs: Vec<String> = site
        .page(&page)
        .select(&Selector::parse("img").unwrap())
        .filter_map(|i| i.value().attr("src").map(str::to_owned))
        .filter(|s| s.contains("files/"))
        .collect();
    assert_eq!(
        srcs,
        [
            "../../files/incident%20notes/graph%2050%25.svg",
            "../../files/incident%20notes/shots/run%20%233.svg"
        ]
    );
    let links = site.hrefs(&page, "a[href*='postmortems/']");
    assert!(
        links.contains(&format!("../../postmortems/{KOLN}/#rca")),
        "{links:?}"
    );
    assert!(
        links.contains(&format!("../../postmortems/{ATHENS}/")),
        "{links:?}"
    );
}

#[test]
fn feeds_and_sitemaps_are_well_formed_xml_with_true_instants() {
    let site = build(&fixture("intl"), None, Some("https://kb.example.org/intl/"));
    let xml: Vec<(String, String)> = site
        .files()
        .into_iter()
        .filter(|(path, _)| path.ends_with(".xml"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect();
    assert!(
        xml.len() >= 3,
        "{:?}",
        xml.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for (path, text) in &xml {
        roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(!text.contains("1970-01-01"), "{path}");
    }
    let feed = &xml.iter().find(|(p, _)| p == "feed.xml").unwrap().1;
    // Asia/Tokyo: 01:00 UTC is 10:00 at +09:00; the offset from front matter is kept.
    assert!(
        feed.contains("<updated>2024-05-20T10:00:00+09:00</updated>"),
        "{feed}"
    );
    assert!(
        feed.contains("<updated>2024-03-05T14:00:00+02:00</updated>"),
        "{feed}"
    );
    assert!(
        feed.contains("<updated>2024-02-12T07:45:00+01:00</updated>"),
        "{feed}"
    );
}

#[test]
fn a_feed_of_undated_postmortems_invents_no_date() {
    let content = tempfile::tempdir().unwrap();
    std::fs::write(
        content.path().join("undated.md"),
        "# Replica drift\n\n## Root cause\n\nA cron job \u{1}stopped.\n",
    )
    .unwrap();
    let site = build(
        &fixture("intl"),
        Some(content.path()),
        Some("https://x.example/"),
    );
    let feed = String::from_utf8(site.files()["feed.xml"].clone()).unwrap();
    roxmltree::Document::parse(&feed).unwrap();
    assert!(
        !feed.contains("1970") && !feed.contains("<updated>"),
        "{feed}"
    );
}

#[test]
fn front_matter_offsets_and_zones_reach_the_export() {
    let site = copy_site(&fixture("intl"), None);
    let out = pmkb_in(site.path(), &["export"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let record = |slug: &str| records.iter().find(|r| r["slug"] == slug).unwrap().clone();
    let koln = record(KOLN);
    assert_eq!(
        (&koln["started_at"], &koln["ended_at"], &koln["timezone"]),
        (
            &"2024-02-12T07:45".into(),
            &"2024-02-12T09:05".into(),
            &"+01:00".into()
        )
    );
    let athens = record(ATHENS);
    assert_eq!(athens["started_at"], "2024-03-05T14:00");
    assert_eq!(athens["timezone"], "+02:00");
    let tokyo = record(TOKYO);
    assert_eq!(
        tokyo["started_at"], "2024-05-20T10:00",
        "wall clock in Asia/Tokyo"
    );
    assert_eq!(tokyo["timezone"], "Asia/Tokyo");
}

#[test]
fn wrapped_prose_flows_and_entry_lines_keep_their_breaks() {
    let site = build(&fixture("intl"), None, None);
    let page = site.page(&format!("postmortems/{KOLN}/index.html"));
    let paragraphs: Vec<String> = page
        .select(&Selector::parse("p").unwrap())
        .map(|p| p.inner_html())
        .collect();
    let prose = paragraphs
        .iter()
        .find(|p| p.contains("storage cluster"))
        .unwrap();
    assert!(!prose.contains("<br"), "{prose}");
    let timeline = paragraphs.iter().find(|p| p.contains("UPS alarm")).unwrap();
    assert_eq!(timeline.matches("<br").count(), 2, "{timeline}");
    assert!(timeline.contains("to start\nand the on-call"), "{timeline}");
}

#[test]
fn search_folds_accents_reads_cjk_and_takes_plain_words() {
    let site = copy_site(&fixture("intl"), None);
    let dir = site.path();
    let found = |query: &str| search_slugs(dir, &[query]);
    for (query, slug) in [
        ("koln", KOLN),
        ("KÖLN", KOLN),
        ("munchen", KOLN),
        ("Mu\u{308}nchen", KOLN),
        ("naive", KOLN),
        ("Störung", KOLN),
        ("証明書", TOKYO),
        ("決済", TOKYO),
        ("カード決済", TOKYO),
        ("didn't", NOTES),
        ("didn’t", NOTES),
        ("provider's", NOTES),
        ("read-only", NOTES),
        ("sessions", ATHENS),
    ] {
        assert_eq!(found(query), [slug], "{query}");
    }
    let syntax = pmkb_in(dir, &["search", "title:(router"]);
    assert_eq!(syntax.status.code(), Some(2));
    let message = String::from_utf8_lossy(&syntax.stderr);
    assert!(message.contains("column "), "{message}");
}

#[test]
fn search_options_that_make_no_sense_are_usage_errors() {
    let site = copy_site(&fixture("intl"), None);
    let limit = pmkb_in(site.path(), &["search", "router", "--limit", "0"]);
    assert_eq!(limit.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&limit.stderr).contains("1 or more"));
    for flag in ["--root-cause", "--measure"] {
        let out = pmkb_in(site.path(), &["search", "router", flag, "no-such-category"]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let message = String::from_utf8_lossy(&out.stderr);
        assert!(
            message.contains("`no-such-category` is not a category"),
            "{message}"
        );
        assert!(message.contains("known: "), "{message}");
    }
    let known = pmkb_in(
        site.path(),
        &["search", "battery", "--root-cause", "storage"],
    );
    assert_eq!(known.status.code(), Some(0));
}

#[test]
fn a_base_url_without_scheme_and_host_stops_the_build() {
    let site = copy_site(&fixture("intl"), None);
    let flag = pmkb_in(
        site.path(),
        &["build", "--base-url", "kb.example.org/intl/"],
    );
    assert_eq!(flag.status.code(), Some(2));
    let message = String::from_utf8_lossy(&flag.stderr);
    assert!(message.contains("needs http:// or https://"), "{message}");
    assert!(
        message.contains("https://kb.example.org/intl/"),
        "hint: {message}"
    );
    assert!(!site.path().join("public").exists(), "nothing written");
    std::fs::write(site.path().join("pmkb.toml"), "base_url = \"/intl/\"\n").unwrap();
    let file = pmkb_in(site.path(), &["build"]);
    assert_eq!(file.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&file.stderr).contains("pmkb.toml"));
}
