//! The search page in a real browser: a built site served on 127.0.0.1 and loaded in
//! headless Chromium, whose results must be those of `pmkb search --json`, in order.
//!
//! Skipped with a notice when Chromium is not installed, unless `PMKB_REQUIRE_BROWSER=1`
//! (set by `.ci/run`), which makes a missing browser a failure.

use scraper::{Html, Selector};

use crate::headless::{Server, chromium, dump_dom};
use crate::support::{copy_site, example_content, fixture, pmkb_in, search_slugs};

/// A query, and the filters of the page with their `pmkb search` equivalents.
struct Case {
    query: &'static str,
    filters: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        query: "the",
        filters: &[],
    },
    Case {
        query: "database",
        filters: &[],
    },
    Case {
        query: "certificate expired",
        filters: &[],
    },
    Case {
        query: "deploy",
        filters: &[],
    },
    Case {
        query: "Deployed",
        filters: &[],
    },
    Case {
        query: "customers",
        filters: &[],
    },
    Case {
        query: "database failover",
        filters: &[],
    },
    Case {
        query: "the",
        filters: &[("root-cause", "database")],
    },
    Case {
        query: "deploy",
        filters: &[("measure", "change-management")],
    },
    Case {
        query: "customers",
        filters: &[("year", "2023")],
    },
    // Forms no postmortem uses: the page stems them as `pmkb search` does.
    Case {
        query: "outages",
        filters: &[],
    },
    Case {
        query: "rollbacks misconfigurations",
        filters: &[],
    },
];

/// Queries over the international fixture: accents folded (also NFD), CJK words inside
/// sentences, apostrophes, hyphens, and forms only found stemmed.
const INTL_CASES: &[Case] = &[
    Case {
        query: "koln",
        filters: &[],
    },
    Case {
        query: "Mu\u{308}nchen",
        filters: &[],
    },
    Case {
        query: "STÖRUNG",
        filters: &[],
    },
    Case {
        query: "証明書",
        filters: &[],
    },
    Case {
        query: "カード決済",
        filters: &[],
    },
    Case {
        query: "didn’t",
        filters: &[],
    },
    Case {
        query: "provider's read-only",
        filters: &[],
    },
    Case {
        query: "sessions",
        filters: &[],
    },
];

fn browser() -> Option<std::path::PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var("PMKB_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("chromium is not installed and PMKB_REQUIRE_BROWSER=1");
        }
        eprintln!(
            "note: skipping the browser test: chromium is not installed \
             (apt-get install chromium; PMKB_REQUIRE_BROWSER=1 makes this a failure)"
        );
    }
    found
}

/// The `pmkb search` flags of the page's filters.
fn cli_args(case: &Case) -> Vec<String> {
    let mut args = vec![case.query.to_owned()];
    for &(name, value) in case.filters {
        match name {
            "year" => args.extend([
                "--since".into(),
                format!("{value}-01-01"),
                "--until".into(),
                format!("{value}-12-31"),
            ]),
            other => args.extend([format!("--{other}"), value.to_owned()]),
        }
    }
    args
}

fn page_url(case: &Case) -> String {
    let query: String =
        percent_encoding::utf8_percent_encode(case.query, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    let mut url = format!("search/?q={query}");
    for (name, value) in case.filters {
        url.push_str(&format!("&{name}={value}"));
    }
    url
}

#[test]
fn the_search_page_ranks_like_pmkb_search() {
    let Some(chromium) = browser() else {
        return;
    };
    let site = copy_site(&fixture("basic"), Some(&example_content()));
    assert_page_ranks_like_pmkb_search(&chromium, site.path(), CASES);
}

#[test]
fn the_search_page_folds_and_reads_cjk_like_pmkb_search() {
    let Some(chromium) = browser() else {
        return;
    };
    let site = copy_site(&fixture("intl"), None);
    assert_page_ranks_like_pmkb_search(&chromium, site.path(), INTL_CASES);
}

/// Builds the site in `dir`, loads each case's `search/?q=…` and compares the results
/// shown with `pmkb search --json`, in order; the matches must be highlighted.
fn assert_page_ranks_like_pmkb_search(
    chromium: &std::path::Path,
    dir: &std::path::Path,
    cases: &[Case],
) {
    let built = pmkb_in(dir, &["build"]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let server = Server::start(&dir.join("public"));
    let results = Selector::parse("#search-results > li.result").unwrap();
    let marks = Selector::parse("#search-results mark").unwrap();
    let status = Selector::parse("#search-status").unwrap();
    let pages: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = cases
            .iter()
            .map(|case| scope.spawn(|| dump_dom(chromium, &server.url(&page_url(case)))))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for (case, dom) in cases.iter().zip(pages) {
        let args = cli_args(case);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let expected = search_slugs(dir, &args);
        assert!(
            !expected.is_empty(),
            "{}: a case must find something",
            case.query
        );
        let html = Html::parse_document(&dom);
        let shown: Vec<&str> = html
            .select(&results)
            .map(|li| li.value().attr("data-slug").unwrap_or("(not filled)"))
            .collect();
        let said: String = html.select(&status).flat_map(|s| s.text()).collect();
        assert_eq!(
            shown, expected,
            "{} {:?}: page said {said:?}",
            case.query, case.filters
        );
        assert!(
            html.select(&marks).next().is_some(),
            "{}: matches are highlighted",
            case.query
        );
    }
}

#[test]
fn the_page_fetches_only_what_the_query_needs_and_inserts_text() {
    let Some(chromium) = browser() else {
        return;
    };
    let site = copy_site(&fixture("basic"), None);
    std::fs::write(
        site.path().join("content/xss.md"),
        "# <img src=x onerror=alert(1)> outage\n\nThe <b>zebra</b> outage.\n",
    )
    .unwrap();
    assert!(pmkb_in(site.path(), &["build"]).status.success());
    let server = Server::start(&site.path().join("public"));
    let dom = dump_dom(&chromium, &server.url("search/?q=zebra"));
    let html = Html::parse_document(&dom);
    let result = Selector::parse("#search-results > li.result[data-slug=xss]").unwrap();
    assert!(html.select(&result).next().is_some(), "{dom}");
    let injected = Selector::parse("#search-results img, #search-results b").unwrap();
    assert!(html.select(&injected).next().is_none(), "markup stays text");
    // One word: the manifest, one word shard, one stem shard, and the one result's record.
    let mut fetched: Vec<String> = server
        .take_log()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|p| p.starts_with("/search/") && p != "/search/")
        .map(|p| {
            let parts: Vec<&str> = p.split('/').collect();
            match parts.as_slice() {
                ["", "search", "index.json"] => "index.json".to_owned(),
                ["", "search", _id, kind, _] => format!("{kind}/"),
                _ => p.clone(),
            }
        })
        .collect();
    fetched.sort();
    assert_eq!(fetched, ["d/", "index.json", "s/", "w/"]);
}
