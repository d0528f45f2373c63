//! `pmkb search` and the static search index: ranking, filters, errors, the index cache,
//! and the files the site's search page reads.

use crate::support::{build, copy_site, fixture, pmkb_in, search_slugs};

#[test]
fn search_ranks_by_bm25_and_passes_query_syntax_through() {
    let site = copy_site(&fixture("basic"), None);
    let dir = site.path();
    assert_eq!(search_slugs(dir, &["database"]), ["ledger-db-pool"]);
    // Several words: all are required.
    assert_eq!(
        search_slugs(dir, &["connection", "pool"]),
        ["ledger-db-pool"]
    );
    assert!(search_slugs(dir, &["database", "dns"]).is_empty());
    // Boolean operators, phrases and fields are tantivy's syntax.
    assert_eq!(
        search_slugs(dir, &["database OR dns"]),
        ["dns-front-matter", "ledger-db-pool"]
    );
    assert_eq!(
        search_slugs(dir, &["\"connection pool\""]),
        ["ledger-db-pool"]
    );
    assert_eq!(
        search_slugs(dir, &["title:search"]),
        ["2024-04-search-reindex"]
    );
    // Stemming: "outages" finds "outage".
    assert_eq!(
        search_slugs(dir, &["outages"]),
        search_slugs(dir, &["outage"])
    );
}

#[test]
fn filters_select_without_changing_the_order() {
    let site = copy_site(&fixture("basic"), None);
    let dir = site.path();
    let all = search_slugs(dir, &["outage OR cache OR dns OR database"]);
    assert_eq!(all.len(), 4, "{all:?}");
    let only = |args: &[&str]| {
        search_slugs(
            dir,
            &[&["outage OR cache OR dns OR database"], args].concat(),
        )
    };
    assert_eq!(only(&["--root-cause", "dns"]), ["dns-front-matter"]);
    assert_eq!(only(&["--measure", "change-management"]).len(), 2);
    assert_eq!(
        only(&["--since", "2023-11-02", "--until", "2023-11-02"]),
        ["dns-front-matter"]
    );
    let long = only(&["--min-duration", "100"]);
    assert!(long.contains(&"ledger-db-pool".to_owned()), "{long:?}");
    assert!(!long.contains(&"dns-front-matter".to_owned()), "{long:?}");
    let kept: Vec<&String> = all.iter().filter(|s| long.contains(s)).collect();
    assert_eq!(long.iter().collect::<Vec<_>>(), kept, "same relative order");
    assert_eq!(only(&["--limit", "1"]), all[..1]);
}

#[test]
fn terminal_output_shows_pages_and_snippets() {
    let site = copy_site(&fixture("basic"), None);
    let out = pmkb_in(site.path(), &["search", "connection", "pool"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("1. Ledger API outage"), "{text}");
    assert!(text.contains("postmortems/ledger-db-pool/"), "{text}");
    assert!(text.contains("connection pool"), "{text}");
    let none = pmkb_in(site.path(), &["search", "zebra"]);
    assert_eq!(none.status.code(), Some(1), "nothing found exits 1");
}

#[test]
fn a_query_that_does_not_parse_is_a_clear_error() {
    let site = copy_site(&fixture("basic"), None);
    let out = pmkb_in(site.path(), &["search", "title:("]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("cannot parse the query `title:(`"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn the_index_is_cached_beside_the_config_and_rebuilt_when_content_changes() {
    let site = copy_site(&fixture("basic"), None);
    let dir = site.path();
    let first = pmkb_in(dir, &["search", "database"]);
    assert!(String::from_utf8_lossy(&first.stderr).contains("indexed"));
    assert!(dir.join(".pmkb/index/meta.json").is_file());
    let again = pmkb_in(dir, &["search", "database"]);
    assert!(
        !String::from_utf8_lossy(&again.stderr).contains("indexed"),
        "a fresh index is reused"
    );
    std::fs::write(
        dir.join("content/zebra.md"),
        "# Zebra crossing outage\n\n## Root cause\nA zebra unplugged the database.\n",
    )
    .unwrap();
    assert_eq!(search_slugs(dir, &["zebra"]), ["zebra"]);
    let mut names: Vec<String> = std::fs::read_dir(dir.join(".pmkb"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["file-cache", "index"],
        "no staging folder is left behind"
    );
    // `pmkb build` writes the site and refreshes the same cache, never the site.
    let out = pmkb_in(dir, &["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("public/search/index.json").is_file());
    assert!(!dir.join("public/.pmkb").exists());
}

#[test]
fn the_static_index_is_sharded_and_content_addressed() {
    let site = build(&fixture("basic"), None, None);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.out.join("search/index.json")).unwrap())
            .unwrap();
    let id = manifest["id"].as_str().unwrap();
    assert_eq!(manifest["docs"], 4);
    assert_eq!(
        manifest["years"],
        serde_json::json!([[2024, 0, 2], [2023, 2, 3], [2022, 3, 4]])
    );
    let files = site.files();
    let search: Vec<&String> = files
        .keys()
        .filter(|p| {
            p.starts_with("search/") && *p != "search/index.json" && *p != "search/index.html"
        })
        .collect();
    assert!(
        search
            .iter()
            .all(|p| p.starts_with(&format!("search/{id}/")))
    );
    for kind in ["w", "s"] {
        let count = manifest[if kind == "w" { "words" } else { "stems" }]
            .as_u64()
            .unwrap();
        let shards = search
            .iter()
            .filter(|p| p.starts_with(&format!("search/{id}/{kind}/")))
            .count();
        assert_eq!(shards as u64, count, "{kind} shards");
    }
    assert!(files.contains_key(&format!("search/{id}/d/3.bin")));
    assert!(files.contains_key(&format!("search/{id}/f/root-causes/dns.bin")));
    // A record is gzip.
    assert_eq!(files[&format!("search/{id}/d/0.bin")][..2], [0x1f, 0x8b]);
}

#[test]
fn the_search_page_offers_the_used_categories_and_years() {
    let site = build(&fixture("basic"), None, None);
    let page = site.page("search/index.html");
    let options = |name: &str| -> Vec<String> {
        let selector = scraper::Selector::parse(&format!("select[name={name}] option")).unwrap();
        page.select(&selector)
            .map(|o| o.value().attr("value").unwrap().to_owned())
            .collect()
    };
    assert_eq!(options("year"), ["", "2024", "2023", "2022"]);
    assert!(options("root-cause").contains(&"dns".to_owned()));
    assert!(
        !options("root-cause").contains(&"network".to_owned()),
        "unused"
    );
    let scripts = site.hrefs("search/index.html", "link[rel=stylesheet]");
    assert_eq!(scripts, ["../static/style.css"]);
    assert!(site.out.join("static/search.js").is_file());
}
