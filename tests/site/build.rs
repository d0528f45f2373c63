//! `pmkb build`: pages, cross-links, link integrity, sub-path hosting, determinism and
//! front matter winning over inference.

use scraper::Selector;

use crate::support::{broken_links, build, copy_site, example_content, fixture, pmkb_in};

#[test]
fn every_postmortem_root_cause_and_measure_has_a_page() {
    let site = build(&fixture("basic"), None, None);
    assert_eq!(
        site.pages_under("postmortems"),
        [
            "2024-04-search-reindex",
            "cache-toml",
            "dns-front-matter",
            "ledger-db-pool"
        ]
    );
    let root_causes = site.pages_under("root-causes");
    for slug in [
        "cache",
        "database",
        "dns",
        "human-error",
        "misconfiguration",
        "resource-exhaustion",
    ] {
        assert!(
            root_causes.contains(&slug.to_owned()),
            "missing root-causes/{slug}: {root_causes:?}"
        );
    }
    let measures = site.pages_under("measures");
    for slug in [
        "change-management",
        "monitoring-alerting",
        "automated-testing",
        "documentation",
    ] {
        assert!(
            measures.contains(&slug.to_owned()),
            "missing measures/{slug}: {measures:?}"
        );
    }
    assert!(site.out.join("404.html").is_file());
    assert!(site.out.join("static/style.css").is_file());
    assert!(
        !site.out.join("postmortems/draft").exists(),
        "drafts are not published"
    );
}

#[test]
fn postmortems_and_categories_link_both_ways() {
    let site = build(&fixture("basic"), None, None);
    let pm_links = site.hrefs("postmortems/ledger-db-pool/index.html", "a.chip");
    assert!(
        pm_links.contains(&"../../root-causes/database/".to_owned()),
        "{pm_links:?}"
    );
    assert!(
        pm_links.contains(&"../../measures/monitoring-alerting/".to_owned()),
        "{pm_links:?}"
    );
    let back = site.hrefs("root-causes/database/index.html", "td.title a");
    assert_eq!(back, ["../../postmortems/ledger-db-pool/"]);
    let back = site.hrefs("measures/monitoring-alerting/index.html", "a");
    assert!(
        back.contains(&"../../postmortems/ledger-db-pool/".to_owned()),
        "{back:?}"
    );
    let home = site.hrefs("index.html", "td.title a");
    assert_eq!(home.len(), 4, "{home:?}");
}

#[test]
fn no_internal_link_is_broken() {
    for (root, content) in [
        (fixture("basic"), None),
        (example_content(), Some(example_content())),
    ] {
        let site = build(&root, content.as_deref(), None);
        let broken = broken_links(&site, "/");
        assert!(broken.is_empty(), "broken links: {broken:#?}");
    }
}

#[test]
fn sub_path_base_url_keeps_every_link_under_the_sub_path() {
    let content = example_content();
    let site = build(&content, Some(&content), Some("https://acme.github.io/kb"));
    let broken = broken_links(&site, "/kb/");
    assert!(broken.is_empty(), "broken links under /kb/: {broken:#?}");
    let not_found = std::fs::read_to_string(site.out.join("404.html")).unwrap();
    assert!(
        not_found.contains(r#"href="/kb/static/style.css""#),
        "404 page uses the sub-path"
    );
    let home = std::fs::read_to_string(site.out.join("index.html")).unwrap();
    assert!(home.contains(r#"<link rel="canonical" href="https://acme.github.io/kb/">"#));
}

#[test]
fn builds_are_byte_identical() {
    let content = example_content();
    let first = build(&content, Some(&content), None).files();
    let second = build(&content, Some(&content), None).files();
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between builds");
    }
}

#[test]
fn front_matter_wins_over_the_text() {
    let site = build(&fixture("basic"), None, None);
    let page = site.page("postmortems/dns-front-matter/index.html");
    let text: String = page.root_element().text().collect();
    assert!(text.contains("Storefront DNS record deleted"));
    assert!(text.contains("42%"), "users affected from front matter");
    assert!(text.contains("45 min"), "duration from front matter");
    let chips = site.hrefs("postmortems/dns-front-matter/index.html", "a.chip");
    assert!(chips.contains(&"../../root-causes/dns/".to_owned()));
    assert!(chips.contains(&"../../root-causes/human-error/".to_owned()));
    // Values read from the text are named once, in the panel's legend.
    let legend = |page: &scraper::Html| -> String {
        let legend = Selector::parse("p.legend").unwrap();
        page.select(&legend).flat_map(|e| e.text()).collect()
    };
    let own = legend(&page);
    assert!(own.contains("Read from the text"), "{own}");
    assert!(
        !own.contains("users affected") && !own.contains("duration"),
        "{own}"
    );
    let ledger = site.page("postmortems/ledger-db-pool/index.html");
    assert!(
        legend(&ledger).contains("Every value here was read from the text"),
        "{}",
        legend(&ledger)
    );
    let stars = Selector::parse("span.inferred").unwrap();
    assert_eq!(
        ledger.select(&stars).count(),
        0,
        "no stars when all is read"
    );
}

#[test]
fn images_are_copied_and_linked() {
    let site = build(&fixture("basic"), None, None);
    let page = site.page("postmortems/2024-04-search-reindex/index.html");
    let img = Selector::parse("article img").unwrap();
    let src = page
        .select(&img)
        .next()
        .unwrap()
        .value()
        .attr("src")
        .unwrap()
        .to_owned();
    assert_eq!(src, "../../files/2024-04-search-reindex/latency.svg");
    assert!(
        site.out
            .join("files/2024-04-search-reindex/latency.svg")
            .is_file()
    );
    let links = site.hrefs("postmortems/2024-04-search-reindex/index.html", "article a");
    assert!(
        links.contains(&"../../postmortems/ledger-db-pool/".to_owned()),
        "{links:?}"
    );
}

#[test]
fn example_content_builds_without_errors() {
    let content = example_content();
    let site = build(&content, Some(&content), None);
    let errors: Vec<_> = site
        .report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(site.report.postmortems >= 12);
}

#[test]
fn drafts_are_published_only_with_drafts_and_always_checked() {
    let dir = copy_site(&fixture("basic"), None);
    let out = |args: &[&str]| {
        let out = pmkb_in(dir.path(), args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    out(&["build", "--output", "site"]);
    assert!(!dir.path().join("site/postmortems/draft").exists());
    out(&["build", "--output", "site", "--drafts"]);
    assert!(
        dir.path()
            .join("site/postmortems/draft/index.html")
            .is_file()
    );
    let checked = out(&["check"]);
    assert!(
        checked.contains("checked 5 postmortems (1 draft):"),
        "{checked}"
    );
}
