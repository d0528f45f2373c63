//! Extraction as a spec: every example postmortem in `content/` (written by us in the
//! styles real teams use) and the facts a careful reader takes from it.

use pmkb::config::{Overrides, Settings};

use crate::support::example_content;

/// source, started_at, ended_at, timezone, duration, users %, timeline entries, measures.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    Option<f64>,
    usize,
    usize,
);

const EXPECTED: &[Row] = &[
    (
        "2022-03-15-checkout-cert-expiry.md",
        "2022-03-15T06:40",
        "2022-03-15T08:10",
        "UTC",
        90,
        Some(100.0),
        9,
        4,
    ),
    (
        "2022-07-19-storefront-dns-zone-cleanup.md",
        "2022-07-19T11:20",
        "2022-07-19T12:05",
        "EAT",
        45,
        None,
        10,
        4,
    ),
    (
        "2022-11-25-black-friday-lb-saturation/README.md",
        "2022-11-25T09:00",
        "2022-11-25T10:40",
        "CET",
        100,
        Some(38.0),
        11,
        5,
    ),
    (
        "2023-01-09-order-service-disk-full.md",
        "2023-01-09T23:00",
        "2023-01-10T01:00",
        "WAT",
        120,
        Some(100.0),
        11,
        7,
    ),
    (
        "2023-03-16-checkout-cert-expiry-again.md",
        "2023-03-16T07:00",
        "2023-03-16T08:55",
        "PDT",
        115,
        Some(64.0),
        9,
        6,
    ),
    (
        "2023-04-27-docs-nginx-upstream-typo.md",
        "2023-04-27T10:15",
        "2023-04-27T11:05",
        "+01:00",
        50,
        Some(100.0),
        7,
        6,
    ),
    (
        "2023-06-20-card-payments-paybridge-degradation.md",
        "2023-06-20T16:05",
        "2023-06-20T19:35",
        "WAT",
        210,
        Some(55.0),
        11,
        5,
    ),
    (
        "2023-09-05-listings-search-missing-index.md",
        "2023-09-05T08:25",
        "2023-09-05T09:55",
        "UTC",
        90,
        Some(20.0),
        8,
        4,
    ),
    (
        "2023-12-04-image-resizer-memory-leak-evictions.md",
        "2023-12-04T22:30",
        "2023-12-05T00:15",
        "PST",
        105,
        Some(75.0),
        8,
        5,
    ),
    (
        "2024-02-14-login-credential-stuffing-ddos.md",
        "2024-02-14T09:20",
        "2024-02-14T10:55",
        "+01:00",
        95,
        Some(60.0),
        10,
        6,
    ),
    (
        "2024-03-12-cache-stampede/README.md",
        "2024-03-12T14:00",
        "2024-03-12T15:30",
        "CAT",
        90,
        Some(45.0),
        10,
        5,
    ),
    (
        "2024-05-21-orders-db-primary-hardware-failure.md",
        "2024-05-21T03:40",
        "2024-05-21T05:50",
        "UTC",
        130,
        Some(100.0),
        10,
        7,
    ),
    (
        "2024-07-02-release-tool-wrong-environment.md",
        "2024-07-02T13:10",
        "2024-07-02T14:05",
        "UTC",
        55,
        Some(12.0),
        7,
        5,
    ),
    (
        "2024-09-17-dispatch-db-firewall-rule.md",
        "2024-09-17T16:45",
        "2024-09-17T18:05",
        "PDT",
        80,
        Some(70.0),
        9,
        4,
    ),
    (
        "2024-10-08-media-storage-multipart-corruption.md",
        "2024-10-08T09:30",
        "2024-10-10T17:45",
        "UTC",
        3375,
        Some(18.0),
        10,
        6,
    ),
    (
        "2025-01-28-cart-voucher-null-pointer.md",
        "2025-01-28T11:05",
        "2025-01-28T12:40",
        "CAT",
        95,
        Some(25.0),
        8,
        5,
    ),
    (
        "2025-05-06-cdn-cached-account-pages.md",
        "2025-05-06T08:15",
        "2025-05-06T09:05",
        "EAT",
        50,
        Some(3.0),
        8,
        6,
    ),
];

#[test]
fn example_postmortems_yield_the_facts_a_reader_sees() {
    let content = example_content();
    let overrides = Overrides {
        content_dir: Some(content.clone()),
        ..Overrides::default()
    };
    let settings = Settings::load(overrides, &content).unwrap();
    let loaded = pmkb::load(&settings).unwrap();
    let records = serde_json::to_value(pmkb::export::records(&loaded.kb)).unwrap();
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), EXPECTED.len());
    let mut wrong = Vec::new();
    for &(source, start, end, zone, minutes, users, timeline, measures) in EXPECTED {
        let r = records
            .iter()
            .find(|r| r["source"] == source)
            .unwrap_or_else(|| panic!("{source} missing"));
        let got = (
            r["started_at"].as_str().unwrap_or("null"),
            r["ended_at"].as_str().unwrap_or("null"),
            r["timezone"].as_str().unwrap_or("null"),
            r["duration_minutes"].as_i64().unwrap_or(-1),
            r["users_affected_pct"].as_f64(),
            r["timeline"].as_array().unwrap().len(),
            r["measures"].as_array().unwrap().len(),
        );
        let want = (start, end, zone, minutes, users, timeline, measures);
        if got != want {
            wrong.push(format!("{source}:\n   got {got:?}\n  want {want:?}"));
        }
        let title = r["title"].as_str().unwrap();
        assert!(
            !title.is_empty() && !title.eq_ignore_ascii_case("postmortem"),
            "{source}: {title}"
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_document_with_only_a_generic_heading_gets_a_title_from_its_text() {
    let content = example_content();
    let overrides = Overrides {
        content_dir: Some(content.clone()),
        ..Overrides::default()
    };
    let loaded = pmkb::load(&Settings::load(overrides, &content).unwrap()).unwrap();
    let pm = loaded
        .kb
        .postmortems
        .iter()
        .find(|p| p.source == "2023-01-09-order-service-disk-full.md")
        .unwrap();
    assert!(
        pm.facts.title.split_whitespace().count() >= 3,
        "{}",
        pm.facts.title
    );
    assert!(pm.facts.inferred.contains(&"title"));
}
