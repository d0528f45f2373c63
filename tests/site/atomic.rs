//! Atomic output: a build that fails, is killed or races another leaves the previous site
//! intact and nothing beside it, and the output folder can never swallow the sources.

use std::path::{Path, PathBuf};

use pmkb::config::{Overrides, Settings};

use crate::support::{copy_dir, fixture};

/// A copy of the basic fixture with an output folder beside it.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture("basic"), &dir.path().join("site"));
        std::fs::create_dir(dir.path().join("out")).unwrap();
        Self { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out/public")
    }

    fn build_into(&self, out: &Path) -> Result<pmkb::BuildReport, pmkb::Error> {
        let overrides = Overrides {
            config_file: Some(self.root().join("pmkb.toml")),
            output_dir: Some(out.to_path_buf()),
            ..Overrides::default()
        };
        pmkb::build(&Settings::load(overrides, &self.root()).unwrap())
    }

    fn build(&self) -> Result<pmkb::BuildReport, pmkb::Error> {
        self.build_into(&self.out())
    }

    fn override_template(&self, name: &str, text: &str) {
        let dir = self.root().join("theme/templates");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
    }

    /// The home page, as the previous build left it.
    fn home(&self) -> String {
        std::fs::read_to_string(self.out().join("index.html")).unwrap()
    }

    /// Names of the entries beside the output folder.
    fn beside_output(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Builds once, overrides one theme template, and checks that the rebuild failed without
/// touching the site or leaving anything beside it.
fn failed_rebuild(template: &str, text: &str) -> pmkb::Error {
    let ws = Workspace::new();
    ws.build().unwrap();
    let before = ws.home();
    ws.override_template(template, text);
    let err = ws.build().err().expect("the broken theme fails the build");
    assert_eq!(ws.home(), before);
    assert_eq!(ws.beside_output(), ["public"]);
    err
}

#[test]
fn a_theme_that_does_not_parse_keeps_the_previous_site() {
    let err = failed_rebuild("postmortem.html", "{% if pm.title %}never closed");
    assert!(matches!(err, pmkb::Error::Theme(_)), "{err}");
}

#[test]
fn a_template_that_fails_to_render_keeps_the_previous_site() {
    let err = failed_rebuild("index.html", "{{ no_such_value.field }}");
    assert!(matches!(err, pmkb::Error::Render(_)), "{err}");
}

#[test]
fn an_unwritable_output_parent_fails_cleanly() {
    let ws = Workspace::new();
    // A file where the output's parent folder should be: not even root can write there.
    let blocker = ws.dir.path().join("blocker");
    std::fs::write(&blocker, "not a folder").unwrap();
    let err = ws
        .build_into(&blocker.join("public"))
        .err()
        .expect("the output cannot be written");
    assert!(matches!(err, pmkb::Error::Output(_)), "{err}");
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "not a folder");
}

#[test]
fn leftovers_of_a_killed_build_are_cleaned_up() {
    let ws = Workspace::new();
    ws.build().unwrap();
    let out = ws.dir.path().join("out");
    // What a build killed while writing leaves: its staging folder, the previous site of
    // an interrupted swap, and its lock file (the lock itself died with the process).
    std::fs::create_dir_all(out.join(".public.pmkb-new-4000001/postmortems")).unwrap();
    std::fs::write(out.join(".public.pmkb-new-4000001/index.html"), "half").unwrap();
    std::fs::create_dir_all(out.join(".public.pmkb-old-4000002")).unwrap();
    std::fs::write(out.join(".public.pmkb-lock"), "").unwrap();
    ws.build().unwrap();
    assert_eq!(ws.beside_output(), ["public"]);
    assert!(ws.home().contains("Ledger API outage"));
}

#[test]
fn a_second_build_into_the_same_output_waits_its_turn() {
    let ws = Workspace::new();
    ws.build().unwrap();
    let before = ws.home();
    let lock = std::fs::File::create(ws.dir.path().join("out/.public.pmkb-lock")).unwrap();
    lock.lock().unwrap();
    let err = ws.build().err().expect("the output is busy");
    assert!(err.to_string().contains("another pmkb build"), "{err}");
    drop(lock);
    assert_eq!(ws.home(), before);
    ws.build().unwrap();
}

#[test]
fn an_output_folder_holding_the_sources_is_refused() {
    let ws = Workspace::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pmkb"))
        .args(["build", "--output", "."])
        .current_dir(ws.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("refusing to write the site"), "{stderr}");
    assert!(ws.root().join("content/ledger-db-pool.md").is_file());
    assert!(ws.root().join("pmkb.toml").is_file());
}
