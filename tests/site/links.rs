//! Link checking in `pmkb check` and `pmkb build`: each internal link, image or anchor
//! that leads nowhere is a warning naming the page, the line and the target.

use crate::support::pmkb_in;

const PAGE: &str = "# Checkout outage

## Summary

See [the DNS incident](b.md), [its cause](b.md#nope) and <span id=\"here\">this</span>.
![graph](graph.png) ![before](missing.png)
[gone](gone.md) [causes](../../root-causes/) [home](/) [here](#here) [nowhere](#nowhere)
[web](https://example.com/x) [mail](mailto:oncall@example.com) [stats](/stats/)
";

/// The link findings of `pmkb check --format json`, as `line: message`.
fn link_findings(dir: &std::path::Path) -> Vec<String> {
    let out = pmkb_in(dir, &["check", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    findings
        .iter()
        .filter(|d| d["path"] == "a.md")
        .filter(|d| d["message"].as_str().unwrap().starts_with(['l', 'i']))
        .map(|d| format!("{}: {}", d["line"], d["message"].as_str().unwrap()))
        .collect()
}

#[test]
fn links_that_lead_nowhere_are_reported_with_page_line_and_target() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir(&content).unwrap();
    std::fs::write(content.join("a.md"), PAGE).unwrap();
    std::fs::write(
        content.join("b.md"),
        "# DNS zone deleted\n\nThe zone was deleted.\n",
    )
    .unwrap();
    std::fs::write(content.join("graph.png"), b"\x89PNG\r\n").unwrap();

    assert_eq!(
        link_findings(dir.path()),
        [
            "5: link `b.md#nope` points at `#nope`, which is not an id on its target page",
            "6: image `missing.png` does not lead to a file or page of the site",
            "7: link `#nowhere` points at `#nowhere`, which is not an id on its target page",
            "7: link `gone.md` does not lead to a file or page of the site",
        ]
    );
    let strict = pmkb_in(dir.path(), &["check", "--strict"]);
    assert_eq!(strict.status.code(), Some(1));

    let built = pmkb_in(dir.path(), &["build"]);
    assert!(built.status.success());
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(stderr.contains("link `gone.md` does not lead"), "{stderr}");
    assert!(stderr.contains("a.md:7"), "{stderr}");
}

#[test]
fn the_github_format_annotates_the_file_in_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir(&content).unwrap();
    std::fs::write(content.join("a.md"), PAGE).unwrap();
    let out = pmkb_in(dir.path(), &["check", "--format", "github"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("::warning file=content/a.md,line=7,")
                && l.contains("::link `gone.md` does not lead")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .all(|l| l.starts_with("::warning ") || l.starts_with("::error "))
    );
}
