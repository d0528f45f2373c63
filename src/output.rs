//! The one writer: rendered files land on disk atomically, or stay in memory.
//!
//! A build is written into a temporary folder beside the output and swapped in at the
//! end, so a failed or interrupted build leaves the previous site intact (see `staging`).

mod memory;
mod staging;

pub use memory::MemorySite;

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
    /// Another build is writing the same output folder right now.
    #[error("another pmkb build is writing {0}; try again when it has finished")]
    Busy(PathBuf),
    /// The output folder holds the build's own input, which replacing it would delete.
    #[error(
        "refusing to write the site to {output}: replacing it would delete {input}, which the build reads"
    )]
    HoldsInput {
        /// The output folder.
        output: PathBuf,
        /// The input inside it.
        input: PathBuf,
    },
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

/// Refuses an output folder that is, or contains, one of `inputs` (the content folder,
/// the site root…): the swap replaces the output folder whole, so `--output .` must not
/// delete the sources it was built from.
pub fn check_target(output_dir: &Path, inputs: &[&Path]) -> Result<(), OutputError> {
    let Ok(output) = output_dir.canonicalize() else {
        return Ok(());
    };
    for input in inputs {
        if input.canonicalize().is_ok_and(|i| i.starts_with(&output)) {
            return Err(OutputError::HoldsInput {
                output: output_dir.to_path_buf(),
                input: input.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Writes the site to `output_dir`, replacing what was there only once every file has
/// been written to a staging folder beside it. One build at a time may write an output;
/// leftovers of a killed build are cleaned up (or its previous site restored) first.
pub fn write_site(output_dir: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
    let parent = output_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let name = output_dir
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
    let names = staging::Names::new(parent, name);
    let _lock = staging::Lock::take(&names, output_dir)?;
    staging::recover(&names, output_dir)?;
    let staging = names.staging();
    let result = write_all(&staging, files).and_then(|()| swap_in(&staging, output_dir, &names));
    if result.is_err() {
        // Leave no stray staging folder behind; the previous site is untouched.
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_all(staging: &Path, files: &[OutputFile]) -> Result<(), OutputError> {
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
    names: &staging::Names<'_>,
) -> Result<(), OutputError> {
    let old = names.old();
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
    fn an_output_holding_the_sources_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir(&content).unwrap();
        let err = check_target(dir.path(), &[&content]).unwrap_err();
        assert!(matches!(err, OutputError::HoldsInput { .. }), "{err}");
        assert!(check_target(&content, &[&content]).is_err());
        assert!(check_target(&dir.path().join("public"), &[&content]).is_ok());
        std::fs::create_dir(dir.path().join("public")).unwrap();
        assert!(check_target(&dir.path().join("public"), &[&content]).is_ok());
    }

    #[test]
    fn a_site_moved_aside_by_a_killed_build_is_restored() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::text("index.html", "v1".into())]).unwrap();
        // Killed after moving the old site aside, before moving the new one in.
        std::fs::rename(&out, dir.path().join(".public.pmkb-old-4000001")).unwrap();
        std::fs::create_dir(dir.path().join(".public.pmkb-new-4000001")).unwrap();
        let bad = [OutputFile::text("/etc/evil", "x".into())];
        assert!(write_site(&out, &bad).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "v1"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
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
