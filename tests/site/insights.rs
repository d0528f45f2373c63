//! What the knowledge base teaches: time-to-x and phases, related incidents, recurring
//! causes, the statistics and action-items pages, and the Atom feeds and sitemap.

use std::path::Path;

use pmkb::config::{Overrides, Settings};
use scraper::Selector;
use serde_json::Value;

use crate::support::{Site, build, example_content, fixture};

/// The export records of a fixture site, by slug.
fn export(root: &Path) -> Vec<Value> {
    let overrides = Overrides {
        config_file: Some(root.join("pmkb.toml")),
        ..Overrides::default()
    };
    let settings = Settings::load(overrides, root).unwrap();
    let loaded = pmkb::load(&settings).unwrap();
    serde_json::from_value(serde_json::to_value(pmkb::export::records(&loaded.kb)).unwrap())
        .unwrap()
}

fn texts(site: &Site, page: &str, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    site.page(page)
        .select(&selector)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

fn xml(site: &Site, path: &str) -> String {
    std::fs::read_to_string(site.out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn time_to_x_and_phases_are_exported() {
    let records = export(&fixture("insights"));
    let got: Vec<(&str, [Value; 4])> = records
        .iter()
        .map(|r| {
            (
                r["slug"].as_str().unwrap(),
                [
                    r["time_to_detect_minutes"].clone(),
                    r["time_to_identify_minutes"].clone(),
                    r["time_to_resolve_minutes"].clone(),
                    r["misleading_minutes"].clone(),
                ],
            )
        })
        .collect();
    let n = |v: i64| Value::from(v);
    assert_eq!(
        got,
        [
            ("2023-02-queue-backlog", [n(20), n(85), n(120), n(30)]),
            ("2023-09-queue-backlog-again", [n(20), n(85), n(135), n(40)]),
            ("2024-05-dns-record-deleted", [n(10), n(20), n(45), n(0)]),
        ]
    );
    let phases: Vec<&str> = records[1]["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        phases,
        [
            "-",
            "detected",
            "misleading",
            "investigating",
            "identified",
            "-",
            "resolved"
        ]
    );
    assert_eq!(records[0]["timeline"].as_array().unwrap().len(), 8);
    assert_eq!(
        records[0]["title"],
        "Invoice queue backlog stops billing emails"
    );
}

#[test]
fn related_incidents_are_listed_with_their_reasons_and_stable() {
    let records = export(&fixture("insights"));
    assert_eq!(
        records[0]["related"][0], "2023-09-queue-backlog-again",
        "the same causes come first"
    );
    assert_eq!(records, export(&fixture("insights")), "deterministic");
    let site = build(&fixture("insights"), None, None);
    let page = "postmortems/2023-02-queue-backlog/index.html";
    let related = site.hrefs(page, "section.related li p:first-child a");
    assert_eq!(related[0], "../../postmortems/2023-09-queue-backlog-again/");
    let reasons = site.hrefs(page, "section.related .reason a.chip");
    assert!(
        reasons.contains(&"../../root-causes/resource-exhaustion/".to_owned()),
        "{reasons:?}"
    );
}

#[test]
fn every_example_postmortem_has_related_incidents_and_the_site_stays_linked() {
    let content = example_content();
    let site = build(&content, Some(&content), None);
    for slug in site.pages_under("postmortems") {
        let page = format!("postmortems/{slug}/index.html");
        let related = site.hrefs(&page, "section.related li p:first-child a");
        assert!((1..=5).contains(&related.len()), "{slug}: {related:?}");
    }
    let with_strip = site
        .pages_under("postmortems")
        .iter()
        .filter(|slug| {
            let page = format!("postmortems/{slug}/index.html");
            !texts(&site, &page, "section.time-spent svg.chart title").is_empty()
        })
        .count();
    assert!(with_strip >= 10, "only {with_strip} pages show phases");
}

#[test]
fn root_cause_pages_show_recurrence_distributions_and_promises() {
    let site = build(&fixture("insights"), None, None);
    let page = "root-causes/resource-exhaustion/index.html";
    assert_eq!(texts(&site, page, "h1 .badge-recurring"), ["Recurring"]);
    let recurrences = site.hrefs(page, "section.recurrences a");
    assert_eq!(
        recurrences,
        [
            "../../postmortems/2023-09-queue-backlog-again/",
            "../../postmortems/2023-02-queue-backlog/"
        ]
    );
    let stats = texts(&site, page, "dl.stats div");
    assert!(
        stats.iter().any(|s| s.contains("Median duration")),
        "{stats:?}"
    );
    assert!(stats.iter().any(|s| s.contains("90th percentile")));
    assert!(
        stats.iter().any(|s| s.contains("55%")),
        "median users affected"
    );
    assert_eq!(
        texts(&site, page, "svg.chart-wide desc"),
        ["2023 Q1: 1; 2023 Q2: 0; 2023 Q3: 1"]
    );
    let promised = texts(&site, page, "section table tbody tr");
    assert!(
        promised
            .iter()
            .any(|row| row.contains("Monitoring and alerting") && row.contains("1×")),
        "{promised:?}"
    );
    let dns = "root-causes/dns/index.html";
    assert!(texts(&site, dns, "h1 .badge-recurring").is_empty());
}

#[test]
fn measure_pages_list_each_promising_incident_with_its_items() {
    let site = build(&fixture("insights"), None, None);
    let page = "measures/monitoring-alerting/index.html";
    let incidents = site.hrefs(page, "section.promises a.item-source");
    assert_eq!(incidents.len(), 3, "{incidents:?}");
    let items = texts(&site, page, "section.promises .promise-items li");
    assert!(
        items
            .iter()
            .any(|i| i.contains("done") && i.contains("Alert on invoice queue depth per worker")),
        "{items:?}"
    );
}

#[test]
fn action_items_page_lists_every_item_open_and_oldest_first() {
    let site = build(&fixture("insights"), None, None);
    let rows = Selector::parse("table.actions-table tbody tr").unwrap();
    let page = site.page("action-items/index.html");
    let states: Vec<&str> = page
        .select(&rows)
        .map(|r| r.value().attr("data-state").unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "open", "open", "open", "open", "unknown", "unknown", "done", "done"
        ]
    );
    let cells = texts(
        &site,
        "action-items/index.html",
        "table.actions-table tbody td:nth-child(2)",
    );
    assert_eq!(
        &cells[..4],
        [
            "Validate autoscaling limits in CI before a config change is applied.",
            "Write a runbook for invoice queue backlogs.",
            "Validate broker configuration in CI after upgrades",
            "Document the broker upgrade checklist",
        ]
    );
    let ages = texts(
        &site,
        "action-items/index.html",
        "table.actions-table tbody td.num",
    );
    assert_eq!(ages[0], "459 d", "2023-02-10 to 2024-05-14");
    let nav = site.hrefs("index.html", "nav.site-nav a");
    for want in ["./action-items/", "./stats/"] {
        assert!(nav.contains(&want.to_owned()), "{want} in {nav:?}");
    }
}

#[test]
fn stats_page_draws_accessible_charts() {
    let site = build(&fixture("insights"), None, None);
    let page = site.page("stats/index.html");
    let charts = Selector::parse("svg.chart-wide").unwrap();
    let titles: Vec<String> = page
        .select(&charts)
        .map(|svg| {
            assert_eq!(svg.value().attr("role"), Some("img"));
            let title = Selector::parse("title").unwrap();
            svg.select(&title).next().unwrap().text().collect()
        })
        .collect();
    for want in [
        "Incidents per quarter",
        "Incidents by duration",
        "Incidents by share of users affected",
        "Incidents by root cause",
        "Incidents by measure",
        "Share of timeline time per phase",
    ] {
        assert!(titles.iter().any(|t| t == want), "{want} in {titles:?}");
    }
    let tables = Selector::parse("details.chart-data table").unwrap();
    assert_eq!(
        page.select(&tables).count(),
        titles.len(),
        "every chart has a data table"
    );
    let text: String = page.root_element().text().collect();
    assert!(
        text.contains("of that time was spent on misleading paths"),
        "{text}"
    );
}

#[test]
fn feeds_and_sitemap_are_valid_xml() {
    let site = build(
        &fixture("insights"),
        None,
        Some("https://kb.example/incidents/"),
    );
    for path in ["feed.xml", "root-causes/resource-exhaustion/feed.xml"] {
        let text = xml(&site, path);
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "feed");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2005/Atom")
        );
        let updated = root.children().find(|n| n.has_tag_name("updated")).unwrap();
        let entries: Vec<_> = root
            .children()
            .filter(|n| n.has_tag_name("entry"))
            .collect();
        let first_updated = entries[0]
            .children()
            .find(|n| n.has_tag_name("updated"))
            .unwrap();
        assert_eq!(
            updated.text(),
            first_updated.text(),
            "newest postmortem's date"
        );
        let link = entries[0]
            .children()
            .find(|n| n.has_tag_name("link"))
            .unwrap();
        assert!(
            link.attribute("href")
                .unwrap()
                .starts_with("https://kb.example/incidents/postmortems/")
        );
        if path == "feed.xml" {
            assert_eq!(entries.len(), 3);
            assert_eq!(updated.text(), Some("2024-05-14T13:00:00Z"));
        } else {
            assert_eq!(entries.len(), 2);
        }
    }
    let sitemap = xml(&site, "sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for want in [
        "https://kb.example/incidents/",
        "https://kb.example/incidents/stats/",
        "https://kb.example/incidents/action-items/",
        "https://kb.example/incidents/postmortems/2024-05-dns-record-deleted/",
    ] {
        assert!(locs.contains(&want), "{want} in {locs:?}");
    }
    assert!(!locs.iter().any(|l| l.contains("404")));
    let home = site.page("index.html");
    let alternate =
        Selector::parse(r#"link[rel="alternate"][type="application/atom+xml"]"#).unwrap();
    let href = home.select(&alternate).next().unwrap().value().attr("href");
    assert_eq!(href, Some("./feed.xml"));

    let local = build(&fixture("insights"), None, None);
    let sitemap = xml(&local, "sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("url")).count(),
        0
    );
    roxmltree::Document::parse(&xml(&local, "feed.xml")).unwrap();
}
