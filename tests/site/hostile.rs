//! Hostile input: the `hostile` fixture plus the files too big or too odd to commit
//! (generated here) build into a site with one diagnostic per bad file, every good page,
//! no script from content and nothing written outside the output folder.

use std::path::{Path, PathBuf};

use pmkb::diagnostics::{Diagnostic, Severity};
use scraper::{Html, Selector};

use crate::support::{Site, build, copy_dir, fixture};

/// A temporary copy of the hostile fixture with the generated files added.
struct Hostile {
    dir: tempfile::TempDir,
    /// Whether chmod 000 really made a file unreadable (it does not for root).
    unreadable_is_unreadable: bool,
}

/// What lives outside the content folder, where links in it must not lead.
const OUTSIDE_SECRET: &str = "outside-secret-7d1f";

impl Hostile {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture("hostile"), &dir.path().join("site"));
        let content = dir.path().join("site/content");
        let write = |name: &str, bytes: &[u8]| std::fs::write(content.join(name), bytes).unwrap();
        write("latin1.md", b"# Latin-1 export\n\nCaf\xe9 outage\n");
        write("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
        write("empty.md", b"");
        let line = b"## A heading in a runaway export\n\nSome text.\n\n";
        write("huge.md", &line.repeat(50 * 1024 * 1024 / line.len() + 1));
        let unreadable_is_unreadable = unreadable(&content.join("unreadable.md"));
        let hostile = Self {
            dir,
            unreadable_is_unreadable,
        };
        hostile.links();
        hostile
    }

    /// A folder that links to its parent, and links to a file and a folder outside.
    #[cfg(unix)]
    fn links(&self) {
        use std::os::unix::fs::symlink;
        let content = self.root().join("content");
        std::fs::create_dir(content.join("loop")).unwrap();
        symlink("..", content.join("loop/back")).unwrap();
        let outside = self.dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let secret = format!("# {OUTSIDE_SECRET}\n\nNot part of the knowledge base.\n");
        std::fs::write(outside.join("secret.md"), &secret).unwrap();
        std::fs::write(outside.join("secret.txt"), &secret).unwrap();
        symlink(outside.join("secret.md"), content.join("outside-file.md")).unwrap();
        symlink(&outside, content.join("outside-folder")).unwrap();
        std::fs::write(content.join("<b onmouseover=alert(1)>.md"), "# Odd name\n").unwrap();
    }

    #[cfg(not(unix))]
    fn links(&self) {}

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn build(&self) -> Site {
        build(&self.root(), None, None)
    }
}

/// Makes `path` unreadable and says whether that worked: as root (CI) it stays readable.
fn unreadable(path: &Path) -> bool {
    std::fs::write(
        path,
        "# Permissions\n\nReadable only where chmod is enforced.\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    std::fs::read(path).is_err()
}

/// The findings expected per file: severity, a part of the message, line.
fn expected(hostile: &Hostile) -> Vec<(&'static str, Severity, &'static str, Option<usize>)> {
    use Severity::{Error, Warning};
    let mut table = vec![
        ("binary.md", Error, "binary file with a Markdown name", None),
        (
            "broken-toml.md",
            Error,
            "front matter is not valid TOML",
            Some(2),
        ),
        (
            "broken-yaml.md",
            Error,
            "front matter is not valid YAML",
            Some(3),
        ),
        ("empty.md", Warning, "file is empty", None),
        ("huge.md", Error, "over the limit of 5242880", None),
        (
            "impossible-dates.md",
            Warning,
            "`February 30, 2024` is not a real date",
            Some(4),
        ),
        (
            "impossible-dates.md",
            Warning,
            "`25:00` is not a real date or time",
            Some(5),
        ),
        (
            "impossible-front-matter-date.md",
            Warning,
            "front matter `date: 2024-02-30` does not parse",
            Some(3),
        ),
        ("latin1.md", Warning, "not valid UTF-8", Some(3)),
        (
            "slug-absolute.md",
            Warning,
            "slug `/etc/passwd` is not URL-safe",
            Some(2),
        ),
        (
            "slug-claim-b.md",
            Warning,
            "already used by slug-claim-a.md",
            None,
        ),
        (
            "slug-escape.md",
            Warning,
            "slug `../../etc/x` is not URL-safe",
            Some(2),
        ),
        (
            "unclosed-front-matter.md",
            Error,
            "is never closed",
            Some(1),
        ),
        (
            "wrong-types.md",
            Warning,
            "`title` should be a single value",
            Some(2),
        ),
        (
            "wrong-types.md",
            Warning,
            "`services` should be a list",
            Some(3),
        ),
        (
            "wrong-types.md",
            Warning,
            "`users_affected` should be a percentage",
            Some(4),
        ),
        (
            "wrong-types.md",
            Warning,
            "`draft` should be true or false",
            Some(5),
        ),
    ];
    if cfg!(unix) {
        table.extend([
            ("loop/back", Error, "symbolic link loop", None),
            (
                "outside-file.md",
                Error,
                "points outside the content folder",
                None,
            ),
            (
                "outside-folder",
                Error,
                "points outside the content folder",
                None,
            ),
        ]);
    }
    if hostile.unreadable_is_unreadable {
        table.push(("unreadable.md", Error, "cannot read", None));
    }
    table
}

#[test]
fn every_bad_file_gets_its_diagnostic_and_nothing_else_does() {
    let hostile = Hostile::new();
    let site = hostile.build();
    let mut found: Vec<&Diagnostic> = site.report.diagnostics.iter().collect();
    for (path, severity, message, line) in expected(&hostile) {
        let at = found
            .iter()
            .position(|d| d.path == path && d.message.contains(message))
            .unwrap_or_else(|| panic!("no `{message}` for {path}: {found:#?}"));
        let d = found.remove(at);
        assert_eq!((d.severity, d.line), (severity, line), "{d}");
        assert!(d.hint.is_some(), "every finding says what to do: {d}");
    }
    assert!(found.is_empty(), "unexpected findings: {found:#?}");
}

#[test]
fn every_good_page_is_built_and_the_bad_files_are_not() {
    let hostile = Hostile::new();
    let site = hostile.build();
    let mut want = vec![
        "broken-toml",
        "broken-yaml",
        "etc-passwd",
        "etc-x",
        "good-dns",
        "good-ledger",
        "hostile-front-matter",
        "impossible-dates",
        "impossible-front-matter-date",
        "latin1",
        "raw-html",
        "shared-name",
        "shared-name-2",
        "unclosed-front-matter",
        "wrong-types",
    ];
    if cfg!(unix) {
        want.push("b-onmouseover-alert-1");
    }
    if !hostile.unreadable_is_unreadable {
        want.push("unreadable");
    }
    want.sort_unstable();
    assert_eq!(site.pages_under("postmortems"), want);
    let latin1 = std::fs::read_to_string(site.out.join("postmortems/latin1/index.html")).unwrap();
    assert!(latin1.contains("Caf\u{fffd} outage"), "read lossily");
}

#[test]
fn the_cli_exits_1_and_names_every_bad_file() {
    let hostile = Hostile::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pmkb"))
        .args(["build", "--output"])
        .arg(hostile.dir.path().join("public"))
        .current_dir(hostile.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for (path, _, _, line) in expected(&hostile) {
        let at = match line {
            Some(line) => format!("--> {path}:{line}"),
            None => format!("--> {path}"),
        };
        assert!(stderr.contains(&at), "{at} missing from\n{stderr}");
    }
    assert!(hostile.dir.path().join("public/index.html").is_file());
}

/// Every file of the site as text (binary files lossily).
fn texts(site: &Site) -> Vec<(String, String)> {
    site.files()
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).into_owned()))
        .collect()
}

/// Every script the fixture's content tries to run calls `alert(`; the theme's own
/// scripts (if it has any) never do.
#[test]
fn no_script_from_content_reaches_any_output_file() {
    let hostile = Hostile::new();
    let site = hostile.build();
    let scripts = Selector::parse("script").unwrap();
    let embedded = Selector::parse("iframe, object, embed, .prose form, .prose svg").unwrap();
    let any = Selector::parse("*").unwrap();
    for (path, text) in texts(&site) {
        let lower = text.to_ascii_lowercase();
        // JSON holds content as data (a search index may carry titles), never as markup.
        if !path.ends_with(".json") {
            assert!(!lower.contains("<script>alert"), "{path}: {text}");
        }
        assert!(!lower.contains("javascript:"), "{path}");
        if !path.ends_with(".html") {
            continue;
        }
        let html = Html::parse_document(&text);
        for script in html.select(&scripts) {
            assert!(
                !script.html().contains("alert("),
                "{path}: {}",
                script.html()
            );
        }
        assert_eq!(html.select(&embedded).count(), 0, "{path}");
        for element in html.select(&any) {
            for (name, value) in element.value().attrs() {
                assert!(!name.starts_with("on"), "{path}: {name}={value}");
            }
        }
    }
}

#[test]
fn raw_html_is_sanitised_but_its_text_survives() {
    let hostile = Hostile::new();
    let site = hostile.build();
    let page = site.page("postmortems/raw-html/index.html");
    let prose = Selector::parse("article.prose").unwrap();
    let article = page.select(&prose).next().unwrap();
    let text: String = article.text().collect();
    assert!(text.contains("a javascript link"), "{text}");
    assert!(text.contains("styled paragraph kept as text"), "{text}");
    let links = Selector::parse("article.prose a").unwrap();
    for a in page.select(&links) {
        let href = a.value().attr("href").unwrap_or("");
        assert!(!href.to_ascii_lowercase().contains("script"), "{href}");
    }
}

#[test]
fn each_front_matter_field_is_escaped_in_every_page_that_shows_it() {
    let hostile = Hostile::new();
    let site = hostile.build();
    let own = "postmortems/hostile-front-matter/index.html";
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "title",
            "<script>alert('title')</script> \"quoted\" title",
            &[own, "index.html"],
        ),
        (
            "severity",
            "<script>alert('severity')</script>\" onmouseover=\"x",
            &[own, "index.html"],
        ),
        ("timezone", "<script>alert('timezone')</script>", &[own]),
        ("services", "<script>alert('service')</script>", &[own]),
        ("services", "a\"b'c", &[own]),
        ("tags", "<script>alert('tag')</script>", &[own]),
        ("root cause", "<script>alert('root cause')</script>", &[own]),
        (
            "action item",
            "<script>alert('action item')</script>",
            &[own],
        ),
        (
            "site title",
            "Hostile <script>alert('site')</script> & \"quotes\"",
            &[
                own,
                "index.html",
                "404.html",
                "root-causes/index.html",
                "measures/index.html",
            ],
        ),
    ];
    let files = texts(&site);
    for (field, value, pages) in cases {
        for (path, text) in files.iter().filter(|(p, _)| !p.ends_with(".json")) {
            assert!(!text.contains(value), "{field} unescaped in {path}");
        }
        for page in *pages {
            let shown = shown_values(&site.page(page));
            assert!(
                shown.iter().any(|s| s.contains(value)),
                "{field} is not shown as text in {page}"
            );
        }
    }
    let title = "<script>alert('title')</script>";
    for neighbour in ["good-ledger", "good-dns"] {
        let page = site.page(&format!("postmortems/{neighbour}/index.html"));
        assert!(
            shown_values(&page).iter().any(|s| s.contains(title)),
            "the pager of {neighbour} shows the title as text"
        );
    }
}

/// Every text node and attribute value of a page, as a reader (or a browser) sees them.
fn shown_values(html: &Html) -> Vec<String> {
    let any = Selector::parse("*").unwrap();
    let mut values: Vec<String> = html.root_element().text().map(str::to_owned).collect();
    for element in html.select(&any) {
        values.extend(element.value().attrs().map(|(_, v)| v.to_owned()));
    }
    values
}

#[test]
fn nothing_is_written_outside_the_output_folder() {
    let hostile = Hostile::new();
    let before = tree(hostile.dir.path());
    let site = hostile.build();
    assert_eq!(
        tree(hostile.dir.path()),
        before,
        "the site folder is unchanged"
    );
    let beside: Vec<_> = std::fs::read_dir(site.out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        beside,
        ["public"],
        "no staging folder or lock is left beside the output"
    );
    for (path, text) in texts(&site) {
        assert!(
            !text.contains(OUTSIDE_SECRET),
            "{path} publishes a linked file"
        );
    }
}

/// Every path under `dir`, not following links.
fn tree(dir: &Path) -> std::collections::BTreeSet<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .collect()
}

#[test]
fn trusted_html_is_kept_but_front_matter_is_still_escaped() {
    let hostile = Hostile::new();
    let config = hostile.root().join("pmkb.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("trust_html = true\n");
    std::fs::write(&config, text).unwrap();
    let site = hostile.build();
    let raw = std::fs::read_to_string(site.out.join("postmortems/raw-html/index.html")).unwrap();
    assert!(
        raw.contains("<script>alert('raw script')</script>"),
        "{raw}"
    );
    assert!(
        raw.contains("<iframe src=\"https://evil.example/\">"),
        "{raw}"
    );
    let own = std::fs::read_to_string(site.out.join("postmortems/hostile-front-matter/index.html"))
        .unwrap();
    assert!(!own.contains("<script>alert('title')"), "{own}");
}

#[cfg(unix)]
#[test]
fn a_theme_link_leading_outside_the_theme_is_reported_and_not_published() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::create_dir_all(site.join("theme/static")).unwrap();
    std::fs::write(site.join("content/a.md"), "# A\n\nAn outage.\n").unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, OUTSIDE_SECRET).unwrap();
    symlink(&secret, site.join("theme/static/leak.txt")).unwrap();
    let out = crate::support::pmkb_in(&site, &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("theme/static/leak.txt")
            && stderr.contains("points outside the theme folder"),
        "{stderr}"
    );
    assert!(site.join("public/index.html").is_file(), "{stderr}");
    assert!(!site.join("public/static/leak.txt").exists());
}
