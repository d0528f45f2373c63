//! The site as people use it: long lists in pages and orders, one `<h1>` and no skipped
//! heading level, a table of contents, labelled task checkboxes, facts read from body
//! labels, and links that work from disk.

use scraper::{Html, Selector};

use crate::support::{broken_links, build, fixture, pmkb_in};

/// A content folder of `n` short postmortems: incident `i` started on day `i` of 2023
/// (or 2022 for the oldest), lasted `i` minutes and affected no stated share of users.
fn many(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir(&content).unwrap();
    for i in 1..=n {
        let (year, day) = if i <= 20 { (2022, i) } else { (2023, i - 20) };
        let date = chrono::NaiveDate::from_yo_opt(year, day as u32).unwrap();
        std::fs::write(
            content.join(format!("inc-{i:03}.md")),
            format!(
                "# Incident number {i}\n\nDate: {date}\nDuration: {i} minutes\n\n\
                 ## Action items\n\n- [ ] add an alert for case {i}\n"
            ),
        )
        .unwrap();
    }
    dir
}

fn texts(page: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    page.select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

#[test]
fn long_lists_come_in_pages_orders_and_years() {
    let dir = many(120);
    let site = build(dir.path(), Some(&dir.path().join("content")), None);
    let home = site.page("index.html");
    let titles = texts(&home, "td.title a");
    assert_eq!(titles.len(), 50);
    assert_eq!(titles[0], "Incident number 120", "newest first");
    assert_eq!(texts(&home, "h3.year-head")[0], "2023 100 incidents");
    let page3 = site.page("page/3/index.html");
    assert_eq!(texts(&page3, "td.title a").len(), 20);
    assert_eq!(texts(&page3, "td.title a")[19], "Incident number 1");
    let pages = site.hrefs("page/3/index.html", "nav.pages a");
    assert!(pages.contains(&"../../page/2/".to_owned()), "{pages:?}");
    assert!(pages.contains(&"../../".to_owned()), "{pages:?}");
    let longest = site.page("by-duration/index.html");
    assert_eq!(texts(&longest, "td.title a")[0], "Incident number 120");
    assert!(site.out.join("by-impact/page/3/index.html").is_file());
    let years = site.hrefs("index.html", "nav.years a");
    assert_eq!(years, ["./#y2023", "./page/3/#y2022"]);
    let items = site.page("action-items/index.html");
    assert_eq!(texts(&items, "td.action").len(), 50);
    assert!(site.out.join("action-items/page/3/index.html").is_file());
    assert!(!site.out.join("action-items/page/4/index.html").exists());
    assert!(
        broken_links(&site, "/").is_empty(),
        "{:?}",
        broken_links(&site, "/")
    );
}

#[test]
fn every_page_has_one_h1_and_no_skipped_heading_level() {
    let site = build(&fixture("insights"), None, None);
    let headings = Selector::parse("h1, h2, h3, h4, h5, h6").unwrap();
    for (path, bytes) in site.files() {
        if !path.ends_with(".html") {
            continue;
        }
        let page = Html::parse_document(std::str::from_utf8(&bytes).unwrap());
        let levels: Vec<u8> = page
            .select(&headings)
            .map(|h| h.value().name()[1..].parse().unwrap())
            .collect();
        assert_eq!(
            levels.iter().filter(|&&l| l == 1).count(),
            1,
            "{path}: {levels:?}"
        );
        for pair in levels.windows(2) {
            assert!(pair[1] <= pair[0] + 1, "{path} skips a level: {levels:?}");
        }
    }
}

#[test]
fn incident_pages_have_contents_anchors_and_labelled_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir(&content).unwrap();
    std::fs::write(
        content.join("upper.md"),
        "# SUMMARY\n\nThe API failed on 2024-03-01 at 10:00 UTC for 40 minutes.\n\n\
         **Severity:** SEV1 (customer facing)\n\nServices affected: api, billing\n\n\
         # IMPACT\n\nAll users.\n\n#### Detail\n\nMore.\n\n# ACTION ITEMS\n\n\
         - [x] rotate the keys\n- [ ] add an alert\n\n# LESSONS\n\nSome.\n",
    )
    .unwrap();
    let site = build(dir.path(), Some(&content), None);
    let page = site.page("postmortems/upper/index.html");
    assert_eq!(texts(&page, "h1").len(), 1);
    assert_eq!(
        site.hrefs("postmortems/upper/index.html", "nav.toc a"),
        ["#impact", "#detail", "#action-items", "#lessons"]
    );
    assert_eq!(
        site.hrefs("postmortems/upper/index.html", "article h3 a.anchor"),
        ["#detail"]
    );
    let boxes = Selector::parse("article input[type=checkbox]").unwrap();
    let labels: Vec<&str> = page
        .select(&boxes)
        .map(|b| b.value().attr("aria-label").unwrap())
        .collect();
    assert_eq!(labels, ["Done", "Not done"]);
    let facts = texts(&page, "aside.meta dd");
    assert!(facts.iter().any(|f| f.starts_with("SEV1")), "{facts:?}");
    assert!(
        facts.iter().any(|f| f.starts_with("apibilling")),
        "{facts:?}"
    );
    assert_eq!(texts(&page, "p.legend").len(), 1);
}

#[test]
fn relative_index_links_work_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_dir(&fixture("basic"), dir.path());
    let out = pmkb_in(dir.path(), &["build", "--relative-index"]);
    assert!(out.status.code() != Some(2), "{out:?}");
    let home = std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    let page = Html::parse_document(&home);
    let links = Selector::parse("main a[href]").unwrap();
    let hrefs: Vec<&str> = page
        .select(&links)
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| !h.contains('#') && !h.contains("://"))
        .collect();
    assert!(!hrefs.is_empty());
    for href in hrefs {
        assert!(href.ends_with("index.html"), "{href}");
        let target = dir.path().join("public").join(href);
        assert!(target.is_file(), "{href} does not exist");
    }
    let search = std::fs::read_to_string(dir.path().join("public/search/index.html")).unwrap();
    assert!(search.contains("Search cannot run from a file opened on disk"));
}
