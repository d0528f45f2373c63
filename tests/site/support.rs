//! Test helpers: build a fixture site into a temporary folder and read it back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pmkb::config::{Overrides, Settings};
use scraper::{Html, Selector};

/// Every file under `dir`, `/`-separated path → bytes.
pub fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Path of a fixture site.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The repository's example content folder.
pub fn example_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// A built site in a temporary folder.
pub struct Site {
    _dir: tempfile::TempDir,
    _cache: tempfile::TempDir,
    pub out: PathBuf,
    pub report: pmkb::BuildReport,
}

/// Builds the site rooted at `root` (with its pmkb.toml if any), optionally with another
/// content folder and a base URL.
pub fn build(root: &Path, content: Option<&Path>, base_url: Option<&str>) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let overrides = Overrides {
        config_file: root
            .join("pmkb.toml")
            .is_file()
            .then(|| root.join("pmkb.toml")),
        content_dir: content.map(Path::to_path_buf),
        output_dir: Some(out.clone()),
        base_url: base_url.map(str::to_owned),
        ..Overrides::default()
    };
    let mut settings = Settings::load(overrides, root).unwrap();
    // The index cache goes to a folder of its own, never into the fixture folder.
    let cache = tempfile::tempdir().unwrap();
    settings.index_dir = cache.path().join("index");
    let report = pmkb::build(&settings).unwrap();
    Site {
        _dir: dir,
        _cache: cache,
        out,
        report,
    }
}

impl Site {
    /// Every file of the site, path → bytes.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        files_under(&self.out)
    }

    /// A page parsed as HTML.
    pub fn page(&self, rel: &str) -> Html {
        let text =
            std::fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        Html::parse_document(&text)
    }

    /// The page's `href`s matching a CSS selector.
    pub fn hrefs(&self, rel: &str, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).unwrap();
        self.page(rel)
            .select(&selector)
            .filter_map(|e| e.value().attr("href").map(str::to_owned))
            .collect()
    }

    /// Folder names under `dir` that hold an index.html.
    pub fn pages_under(&self, dir: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.out.join(dir))
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().join("index.html").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Every internal URL (href/src) of every HTML page that does not resolve to a file of
/// the site, as "page: url". Relative URLs resolve against the page's folder; absolute
/// ones must start with `base_path` (the path of the base URL, "/" by default).
pub fn broken_links(site: &Site, base_path: &str) -> Vec<String> {
    let files = site.files();
    let selector = Selector::parse("[href], [src]").unwrap();
    let mut broken = Vec::new();
    for page in files.keys().filter(|p| p.ends_with(".html")) {
        let html = Html::parse_document(std::str::from_utf8(&files[page]).unwrap());
        let page_dir: Vec<&str> =
            page.split('/').collect::<Vec<_>>()[..page.split('/').count() - 1].to_vec();
        for element in html.select(&selector) {
            for attr in ["href", "src"] {
                let Some(url) = element.value().attr(attr) else {
                    continue;
                };
                if url.contains("://") || url.starts_with('#') || url.starts_with("mailto:") {
                    continue;
                }
                let path = url.split(['#', '?']).next().unwrap();
                // As a browser reads it: `%20` is a space in the file's name.
                let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
                let path = decoded.as_ref();
                let target = if let Some(absolute) = path.strip_prefix('/') {
                    ("/".to_owned() + absolute)
                        .strip_prefix(base_path)
                        .map(str::to_owned)
                } else {
                    resolve(&page_dir, path)
                };
                let ok = target.is_some_and(|t| {
                    let t = t.trim_end_matches('/');
                    files.contains_key(t)
                        || files.contains_key(format!("{t}/index.html").trim_start_matches('/'))
                });
                if !ok {
                    broken.push(format!("{page}: {url}"));
                }
            }
        }
    }
    broken
}

/// Resolves a relative URL path against a folder; None when it climbs out of the site.
fn resolve(dir: &[&str], url: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.to_vec();
    for part in url.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A copy of the fixture site `root` in a temporary folder (its `content/` replaced by
/// `content` when given), for tests that run the binary and let it write its index cache.
pub fn copy_site(root: &Path, content: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(root, dir.path());
    if let Some(content) = content {
        let target = dir.path().join("content");
        let _ = std::fs::remove_dir_all(&target);
        copy_dir(content, &target);
    }
    dir
}

/// Copies a fixture folder, so a test can add files to it or change it.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs the `pmkb` binary in `dir`.
pub fn pmkb_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pmkb"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The slugs of `pmkb search --json ARGS` run in `dir`, best first.
pub fn search_slugs(dir: &Path, args: &[&str]) -> Vec<String> {
    let out = pmkb_in(dir, &[&["search", "--json"], args].concat());
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "pmkb search {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    hits.iter()
        .map(|h| h["slug"].as_str().unwrap().to_owned())
        .collect()
}
