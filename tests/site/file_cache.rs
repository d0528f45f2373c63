//! The per-file cache (`.pmkb/file-cache/`) is exact: a build that reuses it, after edits,
//! additions and deletions, writes the same bytes as a build without it; a damaged cache
//! is rebuilt with a warning and never changes the site. A build with nothing changed
//! (`.pmkb/last-build.json`) leaves the output alone, and any change builds again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pmkb::config::{Overrides, Settings};

use crate::support::{
    copy_site, example_content, files_under as files, fixture, pmkb_in, search_slugs,
};

/// A site to build repeatedly: a copy of the basic fixture with the example content.
struct Bench {
    dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Self {
        Self {
            dir: copy_site(&fixture("basic"), Some(&example_content())),
        }
    }

    fn content(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join(".pmkb/file-cache")
    }

    /// Builds with the site's caches (or fresh ones when `cold`): every file of the site,
    /// and the build's diagnostics.
    fn build(
        &self,
        cold: bool,
    ) -> (
        BTreeMap<String, Vec<u8>>,
        Vec<pmkb::diagnostics::Diagnostic>,
    ) {
        let out = tempfile::tempdir().unwrap();
        let overrides = Overrides {
            config_file: Some(self.dir.path().join("pmkb.toml")),
            output_dir: Some(out.path().join("public")),
            ..Overrides::default()
        };
        let mut settings = Settings::load(overrides, self.dir.path()).unwrap();
        let fresh = tempfile::tempdir().unwrap();
        if cold {
            settings.index_dir = fresh.path().join("index");
        }
        let report = pmkb::build(&settings).unwrap();
        (files(&out.path().join("public")), report.diagnostics)
    }
}

fn shards(cache: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    found.sort();
    found
}

fn assert_same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in a {
        assert!(&b[path] == bytes, "{path} differs");
    }
}

fn cache_warnings(diagnostics: &[pmkb::diagnostics::Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.message.contains("file cache is unusable"))
        .count()
}

#[test]
fn a_build_from_the_cache_is_byte_identical_after_edits_additions_and_deletions() {
    let bench = Bench::new();
    let (first, _) = bench.build(false);
    assert!(
        !shards(&bench.cache()).is_empty(),
        "the first build fills the cache"
    );
    let (second, diagnostics) = bench.build(false);
    assert_same(&first, &second);
    assert_eq!(cache_warnings(&diagnostics), 0);

    let content = bench.content();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&content)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    names.sort();
    let edited = &names[0];
    let text = std::fs::read_to_string(edited).unwrap();
    std::fs::write(
        edited,
        text.replace("## ", "## Edited ").replacen(
            '\n',
            "\n\nA new line about the zebra cache.\n",
            1,
        ),
    )
    .unwrap();
    std::fs::remove_file(&names[1]).unwrap();
    std::fs::copy(&names[2], content.join("copy-of-third.md")).unwrap();
    let (warm, warm_diagnostics) = bench.build(false);
    let (cold, cold_diagnostics) = bench.build(true);
    assert_same(&warm, &cold);
    assert_eq!(warm_diagnostics, cold_diagnostics);
    assert!(warm != first);
}

#[test]
fn a_truncated_or_garbled_cache_is_rebuilt_with_a_warning_and_the_same_site() {
    let bench = Bench::new();
    let (first, _) = bench.build(false);
    let shards = shards(&bench.cache());
    let bytes = std::fs::read(&shards[0]).unwrap();
    std::fs::write(&shards[0], &bytes[..bytes.len() / 2]).unwrap();
    let mut garbled = std::fs::read(&shards[1]).unwrap();
    let last = garbled.len() - 1;
    garbled[last] ^= 0x5a;
    std::fs::write(&shards[1], &garbled).unwrap();
    std::fs::write(&shards[2], b"not a shard at all").unwrap();
    let (second, diagnostics) = bench.build(false);
    assert_same(&first, &second);
    assert_eq!(cache_warnings(&diagnostics), 3, "{diagnostics:#?}");
    // Rebuilt: the next build has nothing to say about it.
    let (third, diagnostics) = bench.build(false);
    assert_same(&first, &third);
    assert_eq!(cache_warnings(&diagnostics), 0);
}

#[test]
fn a_build_with_nothing_changed_leaves_the_site_alone_and_any_change_builds_again() {
    let bench = Bench::new();
    let out = bench.dir.path().join("public");
    let build = || {
        let overrides = Overrides {
            config_file: Some(bench.dir.path().join("pmkb.toml")),
            output_dir: Some(out.clone()),
            ..Overrides::default()
        };
        let settings = Settings::load(overrides, bench.dir.path()).unwrap();
        pmkb::build(&settings).unwrap()
    };
    let first = build();
    let site = files(&out);
    let home = out.join("index.html");
    let written_at = std::fs::metadata(&home).unwrap().modified().unwrap();
    let second = build();
    assert_eq!(second.diagnostics, first.diagnostics);
    assert_eq!(
        (second.files_written, second.postmortems),
        (first.files_written, first.postmortems)
    );
    assert_eq!(
        std::fs::metadata(&home).unwrap().modified().unwrap(),
        written_at,
        "not rewritten"
    );
    // A page deleted from the output comes back.
    std::fs::remove_file(&home).unwrap();
    build();
    assert_same(&files(&out), &site);
    // An edited postmortem is built.
    let page = bench.content().join("zebra.md");
    std::fs::write(
        &page,
        "# The zebra outage\n\n## Root cause\nA zebra chewed the cable.\n",
    )
    .unwrap();
    let third = build();
    assert_eq!(third.postmortems, first.postmortems + 1);
    assert!(files(&out).keys().any(|k| k.contains("zebra")));
}

#[test]
fn search_after_an_edit_an_addition_and_a_deletion_answers_like_a_fresh_index() {
    let site = copy_site(&fixture("basic"), None);
    let dir = site.path();
    let json = |query: &str| {
        let out = pmkb_in(dir, &["search", "--json", query]);
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(search_slugs(dir, &["zebra"]), Vec::<String>::new());
    let pool = dir.join("content/ledger-db-pool.md");
    let text = std::fs::read_to_string(&pool).unwrap();
    assert!(!search_slugs(dir, &["pool"]).is_empty());
    std::fs::write(
        &pool,
        format!("{text}\nA zebra chewed the replica cable.\n"),
    )
    .unwrap();
    std::fs::remove_file(dir.join("content/cache-toml.md")).unwrap();
    std::fs::write(
        dir.join("content/okapi.md"),
        "# The okapi outage\n\n## Root cause\nAn okapi unplugged the database.\n",
    )
    .unwrap();
    assert_eq!(search_slugs(dir, &["zebra"]), ["ledger-db-pool"]);
    assert_eq!(search_slugs(dir, &["okapi"]), ["okapi"]);
    assert!(!search_slugs(dir, &["database"]).contains(&"cache-toml".to_owned()));
    let warm: Vec<String> = ["zebra", "database", "okapi", "pool"].map(json).into();
    // A fresh index and file cache answer the same, byte for byte.
    std::fs::remove_dir_all(dir.join(".pmkb")).unwrap();
    let cold: Vec<String> = ["zebra", "database", "okapi", "pool"].map(json).into();
    assert_eq!(warm, cold);
}
