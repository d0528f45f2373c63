//! Nothing lost, ever: an output folder that would swallow the content, a file, a folder
//! pmkb did not write, a typo'd or empty content folder, overlapping builds, named pipes,
//! unlinked files and undeletable previous sites — each leaves what was there as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{copy_dir, copy_site, example_content, fixture, pmkb_in};

/// A copy of the basic fixture, the binary run in it.
struct Workspace(tempfile::TempDir);

impl Workspace {
    fn new() -> Self {
        Self(copy_site(&fixture("basic"), None))
    }

    fn root(&self) -> &Path {
        self.0.path()
    }

    fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    fn pmkb(&self, args: &[&str]) -> Output {
        pmkb_in(self.root(), args)
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs and expects exit code 2 with `message` in the error.
fn refused(out: &Output, message: &str) -> String {
    let text = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains(message), "`{message}` missing from\n{text}");
    text
}

/// Every entry under `dir` (links not followed) with the bytes of each regular file.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let bytes = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.into_path(), bytes)
        })
        .collect()
}

#[test]
fn an_output_inside_the_content_folder_is_refused() {
    let ws = Workspace::new();
    let before = snapshot(ws.root());
    let out = ws.pmkb(&["build", "--output", "content/public"]);
    refused(&out, "is inside");
    // The flat layout: postmortems at the site root, the output in it by default.
    let out = ws.pmkb(&["build", "--content", "."]);
    refused(&out, "is inside");
    assert_eq!(snapshot(ws.root()), before, "nothing touched");
}

#[test]
fn an_output_that_is_a_file_is_refused() {
    let ws = Workspace::new();
    std::fs::write(ws.root().join("notes.txt"), "mine").unwrap();
    let before = snapshot(ws.root());
    let out = ws.pmkb(&["build", "--output", "notes.txt", "--force"]);
    refused(&out, "it is a file");
    assert_eq!(snapshot(ws.root()), before, "nothing touched");
}

#[test]
fn a_foreign_output_folder_is_refused_unless_forced() {
    let ws = Workspace::new();
    let docs = ws.root().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("plan.md"), "mine").unwrap();
    let before = snapshot(ws.root());
    refused(&ws.pmkb(&["build", "--output", "docs"]), "--force");
    assert_eq!(snapshot(ws.root()), before, "nothing touched");
    // A folder holding the site's own taxonomy file is refused even when forced.
    std::fs::write(docs.join("taxonomy.toml"), "").unwrap();
    let config = ws.root().join("pmkb.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("taxonomy = \"docs/taxonomy.toml\"\n");
    std::fs::write(&config, text).unwrap();
    let out = ws.pmkb(&["build", "--output", "docs", "--force"]);
    refused(&out, "would delete");
    assert!(docs.join("taxonomy.toml").is_file() && docs.join("plan.md").is_file());
    std::fs::remove_file(docs.join("taxonomy.toml")).unwrap();
    std::fs::write(&config, "").unwrap();
    let out = ws.pmkb(&["build", "--output", "docs", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!docs.join("plan.md").exists() && docs.join(pmkb::output::MARKER).is_file());
    let out = ws.pmkb(&["build", "--output", "docs"]);
    assert!(out.status.success(), "pmkb's own site: {}", stderr(&out));
}

#[test]
fn a_typod_or_empty_content_folder_keeps_the_previous_site() {
    let ws = Workspace::new();
    assert!(ws.pmkb(&["build"]).status.success());
    let before = snapshot(ws.root());
    refused(
        &ws.pmkb(&["build", "--content", "contnet"]),
        "does not exist",
    );
    std::fs::write(ws.root().join("file"), "x").unwrap();
    refused(&ws.pmkb(&["build", "--content", "file"]), "is not a folder");
    std::fs::remove_file(ws.root().join("file")).unwrap();
    std::fs::create_dir(ws.root().join("empty")).unwrap();
    refused(&ws.pmkb(&["build", "--content", "empty"]), "--allow-empty");
    std::fs::write(ws.root().join("empty/broken.md"), b"\x00\x01binary").unwrap();
    refused(
        &ws.pmkb(&["build", "--content", "empty"]),
        "1 Markdown files could not be read",
    );
    std::fs::remove_file(ws.root().join("empty/broken.md")).unwrap();
    std::fs::remove_dir(ws.root().join("empty")).unwrap();
    assert_eq!(
        snapshot(ws.root()),
        before,
        "the previous site is byte-identical"
    );
    std::fs::create_dir(ws.root().join("empty")).unwrap();
    let out = ws.pmkb(&[
        "build",
        "--content",
        "empty",
        "--allow-empty",
        "--output",
        "empty-site",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(ws.root().join("empty-site/index.html").is_file());
}

#[test]
fn search_in_a_missing_content_folder_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = pmkb_in(dir.path(), &["search", "--content", "/nonexistent", "db"]);
    refused(&out, "does not exist");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Builds of the example content (slow enough to overlap) started at once.
fn overlapping_builds(dir: &Path, count: usize, extra: &[&str]) -> Vec<Output> {
    let children: Vec<_> = (0..count)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_pmkb"))
                .args(["build", "--content", "content"])
                .args(extra)
                .current_dir(dir)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

/// The number of files the successful build reported, from "built N postmortems (M files)".
fn files_reported(stderr: &str) -> usize {
    let at = stderr.find(" files) into").expect("a build summary");
    let start = stderr[..at].rfind('(').unwrap() + 1;
    stderr[start..at].parse().unwrap()
}

/// What the site holds: every file but pmkb's marker.
fn site_files(out: &Path) -> usize {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name() != pmkb::output::MARKER)
        .count()
}

#[test]
fn of_overlapping_builds_exactly_one_publishes_a_complete_site() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example_content(), &dir.path().join("content"));
    for round in 0..2 {
        // A change each round, so the builds have a site to write (not an up-to-date one).
        std::fs::write(
            dir.path().join("content/round.md"),
            format!("# Round {round}\n\n## Root cause\nThe builds overlapped in round {round}.\n"),
        )
        .unwrap();
        let outs = overlapping_builds(dir.path(), 4, &[]);
        let (won, lost): (Vec<_>, Vec<_>) = outs.iter().partition(|o| o.status.success());
        assert_eq!(won.len(), 1, "round {round}: {outs:#?}");
        for out in lost {
            refused(out, "another pmkb build (pid ");
        }
        let public = dir.path().join("public");
        assert_eq!(site_files(&public), files_reported(&stderr(won[0])));
        assert!(public.join("index.html").is_file());
        let beside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("public"))
            .collect();
        assert_eq!(beside, ["public"], "no lock or staging folder left");
    }
    // Waiting, they all publish, one after the other.
    let outs = overlapping_builds(dir.path(), 2, &["--wait"]);
    assert!(outs.iter().all(|o| o.status.success()), "{outs:#?}");
}

#[test]
fn a_second_build_fails_at_once_naming_the_holder_or_waits() {
    let ws = Workspace::new();
    assert!(ws.pmkb(&["build"]).status.success());
    // Hold the lock as a build does: lock the file, then write the process id into it.
    let lock_path = ws.root().join(".public.pmkb-lock");
    let mut lock = std::fs::File::create(&lock_path).unwrap();
    lock.lock().unwrap();
    std::io::Write::write_all(&mut lock, format!("{}\n", std::process::id()).as_bytes()).unwrap();
    let started = Instant::now();
    let out = ws.pmkb(&["build"]);
    refused(&out, &format!("(pid {})", std::process::id()));
    assert!(started.elapsed() < Duration::from_secs(30));
    let mut waiting = Command::new(env!("CARGO_BIN_EXE_pmkb"))
        .args(["build", "--wait"])
        .current_dir(ws.root())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(waiting.try_wait().unwrap().is_none(), "it waits its turn");
    drop(lock);
    let out = waiting.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_site_moved_aside_mid_swap_is_restored_even_by_a_failing_build() {
    let ws = Workspace::new();
    assert!(ws.pmkb(&["build"]).status.success());
    let before = snapshot(&ws.public());
    // Killed between its two renames: the previous site beside the output, no output.
    let aside = ws.root().join(".public.pmkb-old-4000001");
    std::fs::rename(ws.public(), &aside).unwrap();
    refused(
        &ws.pmkb(&["build", "--content", "contnet"]),
        "does not exist",
    );
    assert_eq!(snapshot(&ws.public()), before);
    assert!(!aside.exists());
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_content_is_skipped_with_a_warning() {
    let ws = Workspace::new();
    let fifo = ws.root().join("content/notes.md");
    mkfifo(&fifo);
    let mut child = Command::new(env!("CARGO_BIN_EXE_pmkb"))
        .arg("build")
        .current_dir(ws.root())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("the build hangs on a named pipe");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let text = stderr(&out);
    assert!(out.status.success(), "a warning only: {text}");
    assert!(
        text.contains("not a regular file") && text.contains("notes.md"),
        "{text}"
    );
    assert!(
        ws.public()
            .join("postmortems/ledger-db-pool/index.html")
            .is_file()
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_or_device_as_settings_or_taxonomy_is_refused_without_waiting() {
    let ws = Workspace::new();
    let fifo = ws.root().join("pipe.toml");
    mkfifo(&fifo);
    refused(
        &ws.pmkb(&["build", "--config", "pipe.toml"]),
        "not a regular file",
    );
    std::fs::write(ws.root().join("pmkb.toml"), "taxonomy = \"/dev/zero\"\n").unwrap();
    refused(&ws.pmkb(&["build"]), "not a regular file");
}

#[test]
fn an_unlinked_file_beside_a_postmortem_is_not_published() {
    let ws = Workspace::new();
    let folder = ws.root().join("content/2024-04-search-reindex");
    std::fs::write(folder.join("id_rsa"), "PRIVATE KEY").unwrap();
    std::fs::write(ws.root().join("content/credentials.json"), "{}").unwrap();
    let out = ws.pmkb(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files: Vec<String> = walkdir::WalkDir::new(ws.public().join("files"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["latency.svg"], "only the linked image");
    let out = ws.pmkb(&["check"]);
    let text = stderr(&out);
    for name in ["credentials.json", "2024-04-search-reindex/id_rsa"] {
        let at = text
            .find(&format!("--> {name}"))
            .unwrap_or_else(|| panic!("{name} not listed: {text}"));
        assert!(text[..at].ends_with("it is not published\n  "), "{text}");
    }
}

#[test]
fn each_cause_is_printed_once_with_the_path() {
    let ws = Workspace::new();
    std::fs::write(ws.root().join("blocker"), "not a folder").unwrap();
    let text = refused(
        &ws.pmkb(&["build", "--output", "blocker/public"]),
        "blocker",
    );
    assert_eq!(text.matches("os error").count(), 1, "{text}");
    let text = refused(
        &ws.pmkb(&["build", "--config", "missing.toml"]),
        "missing.toml",
    );
    assert_eq!(text.matches("os error").count(), 1, "{text}");
}

#[test]
fn a_file_too_long_for_the_staging_folder_skips_only_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("c");
    copy_dir(&fixture("basic/content"), &content);
    // Valid under the content folder, too long under `.OUTPUT.pmkb-new-PID/files/`.
    let mut deep = content.clone();
    let mut rest = 4000 - content.as_os_str().len() - "/long-path/shot.png".len();
    while rest > 1 {
        let n = (rest - 1).min(199);
        deep.push("d".repeat(n));
        rest -= n + 1;
    }
    let deep = deep.join("long-path");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("README.md"), "# Long path\n\n![shot](shot.png)\n").unwrap();
    std::fs::write(deep.join("shot.png"), "png").unwrap();
    let output = dir.path().join("o".repeat(200));
    let out = Command::new(env!("CARGO_BIN_EXE_pmkb"))
        .args(["build", "--content"])
        .arg(&content)
        .arg("--output")
        .arg(&output)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("long-path/shot.png") && text.contains("cannot be written to the site"),
        "{text}"
    );
    assert!(output.join("postmortems/long-path/index.html").is_file());
    assert!(
        output
            .join("files/2024-04-search-reindex/latency.svg")
            .is_file()
    );
}

/// Makes a file of the site undeletable: immutable for root (chattr), in a read-only
/// folder for anyone else; None where neither works.
#[cfg(unix)]
fn undeletable(site: &Path) -> Option<Box<dyn FnOnce()>> {
    use std::os::unix::fs::PermissionsExt;
    let folder = site.join("postmortems/ledger-db-pool");
    let page = folder.join("index.html");
    let chattr = |flag: &str, page: &Path| {
        Command::new("chattr")
            .arg(flag)
            .arg(page)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if chattr("+i", &page) {
        return Some(Box::new(move || {
            chattr("-i", &page);
        }));
    }
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::remove_file(&page).is_err() {
        return Some(Box::new(move || {
            let _ = std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755));
        }));
    }
    None
}

#[cfg(unix)]
#[test]
fn a_previous_site_that_cannot_be_deleted_gives_the_real_error_naming_it() {
    let ws = Workspace::new();
    assert!(ws.pmkb(&["build"]).status.success());
    let Some(restore) = undeletable(&ws.public()) else {
        eprintln!("skipped: no way to make a file undeletable here");
        return;
    };
    let first = ws.pmkb(&["build"]);
    let second = ws.pmkb(&["build"]);
    // Whatever comes next, make the folder removable again for the temporary folder.
    let leftover: Vec<PathBuf> = std::fs::read_dir(ws.root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for path in leftover
        .iter()
        .filter(|p| p.to_string_lossy().contains("pmkb-old"))
    {
        let _ = Command::new("chattr")
            .arg("-R")
            .arg("-i")
            .arg(path)
            .stderr(Stdio::null())
            .status();
        let _ = Command::new("chmod")
            .arg("-R")
            .arg("u+w")
            .arg(path)
            .status();
    }
    restore();
    for out in [first, second] {
        let text = refused(&out, ".public.pmkb-old-");
        assert!(
            text.contains("Operation not permitted") || text.contains("Permission denied"),
            "{text}"
        );
        assert!(!text.contains("Is a directory"), "{text}");
    }
    assert!(
        ws.public().join("index.html").is_file(),
        "the new site is published"
    );
}
