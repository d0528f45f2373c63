//! The search index cache heals itself: builds and searches racing after an edit never
//! fail, a damaged index (truncated, garbled, deleted files) is rebuilt with a warning and
//! answers as before, and what an interrupted write leaves behind is removed.

use std::path::{Path, PathBuf};

use crate::support::{copy_site, fixture, pmkb_in};

/// `pmkb search --json database` in `dir`: exit code, stdout, stderr.
fn search(dir: &Path) -> (Option<i32>, String, String) {
    search_for(dir, "database")
}

/// `pmkb search --json QUERY` in `dir`: exit code, stdout, stderr.
fn search_for(dir: &Path, query: &str) -> (Option<i32>, String, String) {
    let out = pmkb_in(dir, &["search", "--json", query]);
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The index folder's files of one kind (`idx`, `pos`, `meta.json`…).
fn index_files(dir: &Path, kind: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join(".pmkb/index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name == kind || p.extension().is_some_and(|e| e == kind)
        })
        .collect()
}

#[test]
fn build_and_search_racing_after_edits_never_fail() {
    let site = copy_site(&fixture("basic"), None);
    let dir = site.path().to_path_buf();
    assert_eq!(search(&dir).0, Some(0));
    let page = dir.join("content/race.md");
    for round in 0..6 {
        std::fs::write(
            &page,
            format!("# Race {round}\n\n## Root cause\nThe database pool ran dry, round {round}.\n"),
        )
        .unwrap();
        let builder = {
            let dir = dir.clone();
            std::thread::spawn(move || pmkb_in(&dir, &["build"]))
        };
        let searches: Vec<_> = (0..2)
            .map(|_| {
                let dir = dir.clone();
                std::thread::spawn(move || search(&dir))
            })
            .collect();
        let built = builder.join().unwrap();
        assert!(
            built.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&built.stderr)
        );
        for handle in searches {
            let (code, stdout, stderr) = handle.join().unwrap();
            assert_eq!(code, Some(0), "round {round}: {stderr}");
            assert!(stdout.contains("\"race\""), "round {round}: {stdout}");
            assert!(!stderr.contains("unusable"), "round {round}: {stderr}");
        }
    }
}

#[test]
fn a_damaged_index_is_rebuilt_with_a_warning_and_answers_the_same() {
    let site = copy_site(&fixture("basic"), None);
    let dir = site.path();
    let (code, expected, _) = search(dir);
    assert_eq!(code, Some(0));
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 3] = [
        ("truncated", |p| {
            let len = std::fs::metadata(p).unwrap().len();
            std::fs::OpenOptions::new()
                .write(true)
                .open(p)
                .unwrap()
                .set_len(len / 2)
                .unwrap();
        }),
        ("garbled", |p| {
            let mut bytes = std::fs::read(p).unwrap();
            let (middle, end) = (bytes.len() / 2, (bytes.len() / 2 + 8).min(bytes.len()));
            for b in &mut bytes[middle..end] {
                *b ^= 0x5a;
            }
            std::fs::write(p, bytes).unwrap();
        }),
        ("deleted", |p| std::fs::remove_file(p).unwrap()),
    ];
    for kind in [
        "idx",
        "pos",
        "term",
        "store",
        "fast",
        "fieldnorm",
        "meta.json",
    ] {
        for (how, damage) in damages {
            let files = index_files(dir, kind);
            assert!(!files.is_empty(), "{kind}");
            if kind == "meta.json" && how == "garbled" {
                std::fs::write(&files[0], b"{\"segments\": [garbled").unwrap();
            } else {
                files.iter().for_each(|f| damage(f));
            }
            let (code, stdout, stderr) = search(dir);
            let case = format!("{how} {kind}");
            assert_eq!(code, Some(0), "{case}: {stderr}");
            assert!(!stderr.contains("panicked"), "{case}: {stderr}");
            assert!(
                stderr.contains("the search index cache is unusable"),
                "{case}: {stderr}"
            );
            assert_eq!(stdout, expected, "{case}");
            let (_, again, stderr) = search(dir);
            assert_eq!(again, expected, "{case}, once rebuilt");
            assert!(
                !stderr.contains("unusable"),
                "{case}, once rebuilt: {stderr}"
            );
        }
    }
}

#[test]
fn an_index_from_another_pmkb_is_rebuilt() {
    let site = copy_site(&fixture("basic"), None);
    let dir = site.path();
    let (_, expected, _) = search(dir);
    let meta = dir.join(".pmkb/index/meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let foreign = text.replace(pmkb::VERSION, "0.0.1-older");
    assert_ne!(text, foreign, "the commit records the pmkb version");
    std::fs::write(&meta, foreign).unwrap();
    let (code, stdout, stderr) = search(dir);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("written by pmkb 0.0.1-older"), "{stderr}");
    assert_eq!(stdout, expected);
}

#[test]
fn what_an_interrupted_index_write_leaves_is_removed_by_the_next_run() {
    let site = copy_site(&fixture("basic"), None);
    let dir = site.path();
    let (_, expected, _) = search(dir);
    // A pmkb killed mid-swap (older versions) or mid-write: staging folders beside the
    // index, and segment files of a commit that never happened inside it.
    for leftover in [".index.new-4242-0", ".index.old-4242-0"] {
        let folder = dir.join(".pmkb").join(leftover);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("meta.json"), b"{").unwrap();
    }
    let (code, stdout, stderr) = search(dir);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, expected);
    let mut names: Vec<String> = std::fs::read_dir(dir.join(".pmkb"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["file-cache", "index"]);
    // A build killed while it writes the index: the next run finds a usable index (the
    // last committed one, or a rebuilt one) and never fails.
    let mut generated = String::new();
    for i in 0..40 {
        generated.push_str(&format!(
            "# Outage {i}\n\n## Root cause\nThe database replica {i} lagged.\n\n"
        ));
        std::fs::write(dir.join(format!("content/gen-{i}.md")), &generated).unwrap();
    }
    for delay_ms in [5, 40, 120, 300] {
        std::fs::write(dir.join("content/gen-0.md"), format!("# Edit {delay_ms}\n")).unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pmkb"))
            .args(["search", "database"])
            .current_dir(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let (code, stdout, stderr) = search_for(dir, "lagged");
        assert_eq!(code, Some(0), "killed after {delay_ms} ms: {stderr}");
        assert!(
            stdout.contains("\"gen-"),
            "killed after {delay_ms} ms: {stdout}"
        );
    }
}
