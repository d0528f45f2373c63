//! `pmkb init [DIR]`: a knowledge-base repository that publishes on its first push —
//! `pmkb.toml`, `content/` with one example postmortem, `.gitignore`, and a GitHub
//! Actions workflow that checks, builds and deploys to GitHub Pages, and annotates pull
//! requests with `pmkb check --format github`.

use std::path::{Path, PathBuf};

use super::{ScaffoldError, create, io};

/// The files `init` writes: path in the new repository → text. The workflow installs
/// this version of pmkb.
fn files() -> [(&'static str, String); 4] {
    [
        ("pmkb.toml", include_str!("files/pmkb.toml").to_owned()),
        (".gitignore", include_str!("files/gitignore").to_owned()),
        (
            ".github/workflows/pages.yml",
            include_str!("files/pages.yml").replace("@PMKB_VERSION@", crate::VERSION),
        ),
        (
            "content/2024-05-21-orders-db-primary-hardware-failure.md",
            include_str!("../../content/2024-05-21-orders-db-primary-hardware-failure.md")
                .to_owned(),
        ),
    ]
}

/// What `init` did.
#[derive(Debug, Default)]
pub struct Initialised {
    /// Files written.
    pub written: Vec<PathBuf>,
    /// Files that were already there and were left as they were (only with `force`).
    pub kept: Vec<PathBuf>,
}

/// Writes the repository into `dir` (created if missing). A folder that holds anything is
/// refused unless `force`; even then no existing file is overwritten.
///
/// # Errors
/// [`ScaffoldError::NotEmpty`] without `force`, and I/O failures.
pub fn init(dir: &Path, force: bool) -> Result<Initialised, ScaffoldError> {
    let occupied = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(io(dir)(e)),
    };
    if occupied && !force {
        return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
    }
    let mut done = Initialised::default();
    for (rel, text) in files() {
        let path = dir.join(rel);
        match create(&path, &text) {
            Ok(()) => done.written.push(path),
            Err(ScaffoldError::Exists(path)) => done.kept.push(path),
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}
