//! The `pmkb` binary: export JSON shape, check diagnostics and exit codes.

use crate::support::{fixture, pmkb_in};

fn pmkb(args: &[&str]) -> std::process::Output {
    pmkb_in(&fixture("basic"), args)
}

#[test]
fn export_prints_the_contract_sorted_by_slug() {
    let out = pmkb(&["export"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let slugs: Vec<&str> = records
        .iter()
        .map(|r| r["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        [
            "2024-04-search-reindex",
            "cache-toml",
            "dns-front-matter",
            "ledger-db-pool"
        ]
    );
    let ledger = &records[3];
    assert_eq!(ledger["source"], "ledger-db-pool.md");
    assert_eq!(
        ledger["title"],
        "Ledger API outage: database connection pool exhausted"
    );
    assert_eq!(ledger["started_at"], "2024-04-03T09:15");
    assert_eq!(ledger["ended_at"], "2024-04-03T11:45");
    assert_eq!(ledger["timezone"], "UTC");
    assert_eq!(ledger["duration_minutes"], 150);
    assert_eq!(ledger["users_affected_pct"], 60);
    assert_eq!(ledger["timeline"].as_array().unwrap().len(), 4);
    assert_eq!(ledger["measures"].as_array().unwrap().len(), 3);
    assert_eq!(
        ledger["root_cause_categories"],
        serde_json::json!(["database", "misconfiguration", "resource-exhaustion"])
    );
    let dns = &records[2];
    assert_eq!(dns["started_at"], "2023-11-02T08:00");
    assert_eq!(dns["ended_at"], "2023-11-02T08:45");
    assert_eq!(dns["duration_minutes"], 45);
    assert_eq!(dns["users_affected_pct"], 42);
    assert_eq!(dns["timezone"], "EAT");
    let search = &records[0];
    assert_eq!(search["started_at"], "2024-04-20T14:00");
    assert_eq!(search["ended_at"], "2024-04-20T15:30");
    assert_eq!(search["timezone"], "CAT");
    assert_eq!(search["duration_minutes"], 90);
    assert_eq!(search["users_affected_pct"], 100);
    assert_eq!(
        search["timeline"][0],
        serde_json::json!({"time": "14:00", "text": "Reindex job started from the deploy pipeline"})
    );
    let keys: Vec<&String> = ledger.as_object().unwrap().keys().collect();
    for key in [
        "slug",
        "source",
        "title",
        "started_at",
        "ended_at",
        "timezone",
        "duration_minutes",
        "users_affected_pct",
        "root_cause",
        "root_cause_categories",
        "measures",
        "measure_categories",
        "timeline",
    ] {
        assert!(keys.iter().any(|k| *k == key), "missing {key}");
    }
}

#[test]
fn check_reports_with_file_and_line_and_strict_fails() {
    let out = pmkb(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: no duration found\n  --> cache-toml.md:7"),
        "{stderr}"
    );
    assert!(stderr.contains("= hint:"), "{stderr}");
    let strict = pmkb(&["check", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn a_missing_content_folder_is_a_clear_error() {
    let out = pmkb(&["check", "--content", "no-such-folder"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no-such-folder"), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn check_points_at_contradictory_zones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zones.md"),
        "# Queue backlog\n\n## Summary\nDuration: May 2, 2024, 10:00 AM - 11:00 AM (UTC)\n\n## Timeline\n- 10:00 AM (WAT): alert fired\n- 11:00 AM (WAT): resolved\n",
    )
    .unwrap();
    let out = pmkb_in(dir.path(), &["check", "--content", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "timeline times are in WAT but the summary says UTC; pmkb uses UTC\n  --> zones.md:7"
        ),
        "{stderr}"
    );
}

#[test]
fn check_lists_guessed_and_conflicting_window_values_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("guess.md"),
        "# Webhooks stalled\n\n## Summary\nWebhooks stopped.\n\n## Timeline\n- 2024-03-02 06:10 UTC: first customer reports failed webhooks\n- 2024-03-02 07:00 UTC: webhooks delivered again\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("conflict.md"),
        "# Queue backlog\n\n## Summary\nThe outage lasted 45 minutes.\nIt ran from 10:00 to 11:30 UTC on 2024-05-02.\n",
    )
    .unwrap();
    let out = pmkb_in(dir.path(), &["check", "--content", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "started_at 2024-03-02T06:10 was guessed from the timeline's first impact or detection\n  --> guess.md:7",
        "duration_minutes here says 90 but pmkb uses 45\n  --> conflict.md:5",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
}
