//! The one writer: rendered files land on disk atomically, or stay in memory.
//!
//! A build is written into a temporary folder beside the output and swapped in at the
//! end, so a failed or interrupted build leaves the previous site intact.

use std::path::{Component, Path, PathBuf};

/// One file of the site, as a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// The file's content.
    pub bytes: Vec<u8>,
}

impl OutputFile {
    /// A file from text.
    pub fn text(path: impl Into<String>, text: String) -> Self {
        Self {
            path: path.into(),
            bytes: text.into_bytes(),
        }
    }
}

/// Why the site could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A rendered path would leave the output folder; nothing was written.
    #[error("refusing to write `{0}`: the path leaves the output folder")]
    UnsafePath(String),
    /// The file system refused.
    #[error("cannot write {path}: {source}")]
    Io {
        /// What was being written.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Checks that a relative path stays inside the folder it is joined to.
fn safe_join(base: &Path, rel: &str) -> Result<PathBuf, OutputError> {
    let rel_path = Path::new(rel);
    let ok = !rel.is_empty()
        && rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(base.join(rel_path))
    } else {
        Err(OutputError::UnsafePath(rel.to_owned()))
    }
}

/// Writes the site to `output_dir`, replacing what was there only once every file has
/// been written to a staging folder beside it.
pub fn write_site(output_dir: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    let parent = output_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let name = output_dir
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.pmkb-new-{}", std::process::id()));
    let result =
        write_all(&staging, files).and_then(|()| swap_in(&staging, output_dir, parent, &name));
    if result.is_err() {
        // Leave no stray staging folder behind; the previous site is untouched.
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_all(staging: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    if staging.exists() {
        std::fs::remove_dir_all(staging).map_err(io(staging))?;
    }
    std::fs::create_dir_all(staging).map_err(io(staging))?;
    for file in files {
        let path = safe_join(staging, &file.path)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        std::fs::write(&path, &file.bytes).map_err(io(&path))?;
    }
    Ok(())
}

fn swap_in(
    staging: &Path,
    output_dir: &Path,
    parent: &Path,
    name: &str,
) -> Result<(), OutputError> {
    let old = parent.join(format!(".{name}.pmkb-old-{}", std::process::id()));
    let had_old = output_dir.exists();
    if had_old {
        std::fs::rename(output_dir, &old).map_err(io(output_dir))?;
    }
    if let Err(source) = std::fs::rename(staging, output_dir) {
        if had_old {
            let _ = std::fs::rename(&old, output_dir);
        }
        return Err(OutputError::Io {
            path: output_dir.to_path_buf(),
            source,
        });
    }
    if had_old {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_escape_are_refused() {
        let base = Path::new("/site");
        for bad in ["../x", "/etc/passwd", "a/../../b", ""] {
            assert!(safe_join(base, bad).is_err(), "{bad}");
        }
        assert_eq!(
            safe_join(base, "a/b.html").unwrap(),
            PathBuf::from("/site/a/b.html")
        );
    }

    #[test]
    fn a_failed_write_keeps_the_previous_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::text("index.html", "v1".into())]).unwrap();
        let bad = [
            OutputFile::text("ok.html", "x".into()),
            OutputFile::text("../evil", "x".into()),
        ];
        assert!(write_site(&out, &bad).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "v1"
        );
        assert!(!out.join("ok.html").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }
}
