//! The one writer: rendered files land on disk atomically, or stay in memory.
//!
//! A build is written into a temporary folder beside the output and swapped in at the
//! end, so a failed or interrupted build leaves the previous site intact (see `staging`);
//! the folder is claimed (locked and checked, see `guard`) before a build does any work.

mod guard;
mod memory;
mod staging;

pub use guard::{Inputs, MARKER};
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
    #[error(
        "another pmkb build{} is writing {output}; try again when it has finished, or pass --wait",
        holder_note(*holder)
    )]
    Busy {
        /// The output folder.
        output: PathBuf,
        /// The process id of the build holding the lock, when it has written it.
        holder: Option<u32>,
    },
    /// The output folder holds the build's own input, which replacing it would delete.
    #[error(
        "refusing to write the site to {output}: replacing it would delete {input}, which the build reads; choose another --output"
    )]
    HoldsInput {
        /// The output folder.
        output: PathBuf,
        /// The input inside it.
        input: PathBuf,
    },
    /// The output folder lies inside a folder the build reads.
    #[error(
        "refusing to write the site to {output}: it is inside {input}, which the build reads, so every build would publish the previous one; choose an --output outside it"
    )]
    InsideInput {
        /// The output folder.
        output: PathBuf,
        /// The input folder holding it.
        input: PathBuf,
    },
    /// A file is where the output folder should be.
    #[error(
        "refusing to write the site to {0}: it is a file, not a folder; choose another --output"
    )]
    NotAFolder(PathBuf),
    /// A non-empty folder that pmkb did not write is where the output folder should be.
    #[error(
        "refusing to replace {0}: it is not empty and pmkb did not write it (it has no {marker} file); choose a new or empty folder, or pass --force to replace it", marker = guard::MARKER
    )]
    Foreign(PathBuf),
    /// A rendered path would leave the output folder; nothing was written.
    #[error("refusing to write `{0}`: the path leaves the output folder")]
    UnsafePath(String),
    /// Something pmkb moved aside or left behind cannot be removed.
    #[error(
        "cannot remove {path}, a previous site or leftover of pmkb: {source}; remove it by hand (with sudo if a build ran as root)"
    )]
    Remove {
        /// What could not be removed.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// The file system refused.
    #[error("cannot write {path}: {source}")]
    Io {
        /// What was being written.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

/// " (pid N)" when the holder of a lock is known.
fn holder_note(holder: Option<u32>) -> String {
    holder
        .map(|pid| format!(" (pid {pid})"))
        .unwrap_or_default()
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

/// How a build claims its output folder.
#[derive(Debug, Clone, Copy, Default)]
pub struct Claim {
    /// Replace an existing non-empty folder even though pmkb did not write it.
    pub force: bool,
    /// Wait for another build writing the same output instead of failing at once.
    pub wait: bool,
}

/// A file of the site that could not be written (its path is too long under the staging
/// folder, for instance); the rest of the site was.
#[derive(Debug)]
pub struct Unwritten {
    /// Its path relative to the output folder.
    pub path: String,
    /// Why.
    pub error: std::io::Error,
}

/// An output folder claimed by one build: locked for as long as the value lives, with
/// whatever a killed build left behind cleaned up and the folder checked.
pub struct Target {
    output_dir: PathBuf,
    names: staging::Names,
    _lock: staging::Lock,
}

impl Target {
    /// Takes the output's lock (or waits for it), recovers from a killed build (putting
    /// back a previous site moved aside mid-swap), then refuses an output that holds or
    /// lies inside `inputs`, is a file, or is a non-empty folder pmkb did not write. A
    /// refused output is left as it was, with nothing created beside it.
    ///
    /// # Errors
    /// [`OutputError::Busy`] when another build holds the lock, the refusals of the
    /// checks, and file-system failures naming the path.
    pub fn claim(
        output_dir: &Path,
        inputs: &guard::Inputs<'_>,
        claim: Claim,
    ) -> Result<Self, OutputError> {
        let names = staging::Names::of(output_dir);
        let lock = if names.parent.is_dir() {
            let lock = staging::Lock::take(&names, output_dir, claim.wait)?;
            staging::recover(&names, output_dir)?;
            Some(lock)
        } else {
            None
        };
        guard::check(output_dir, inputs, claim.force)?;
        let lock = match lock {
            Some(lock) => lock,
            None => {
                std::fs::create_dir_all(&names.parent).map_err(io(&names.parent))?;
                staging::Lock::take(&names, output_dir, claim.wait)?
            }
        };
        Ok(Self {
            output_dir: output_dir.to_path_buf(),
            names,
            _lock: lock,
        })
    }

    /// Writes the site, replacing what was there only once every file has been written
    /// to a staging folder beside it. A file whose path the file system refuses (too
    /// long) is returned and the rest is written; any other failure keeps the previous
    /// site and leaves nothing beside it.
    ///
    /// # Errors
    /// [`OutputError::UnsafePath`] for a path leaving the folder, else the file-system
    /// failure naming its path.
    pub fn write(self, files: &[OutputFile]) -> Result<Vec<Unwritten>, OutputError> {
        let staging = self.names.staging();
        let result = write_all(&staging, files).and_then(|unwritten| {
            swap_in(&staging, &self.output_dir, &self.names).map(|()| unwritten)
        });
        if result.is_err() {
            // Leave no stray staging folder behind; the previous site is untouched.
            let _ = staging::remove(&staging);
        }
        result
    }
}

fn write_all(staging: &Path, files: &[OutputFile]) -> Result<Vec<Unwritten>, OutputError> {
    std::fs::create_dir_all(staging).map_err(io(staging))?;
    let marker = staging.join(guard::MARKER);
    std::fs::write(&marker, guard::MARKER_TEXT).map_err(io(&marker))?;
    let mut unwritten = Vec::new();
    for file in files {
        let path = safe_join(staging, &file.path)?;
        let written = match path.parent() {
            Some(dir) => std::fs::create_dir_all(dir),
            None => Ok(()),
        }
        .and_then(|()| std::fs::write(&path, &file.bytes));
        match written {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::InvalidFilename => {
                unwritten.push(Unwritten {
                    path: file.path.clone(),
                    error,
                });
            }
            Err(source) => return Err(OutputError::Io { path, source }),
        }
    }
    Ok(unwritten)
}

fn swap_in(staging: &Path, output_dir: &Path, names: &staging::Names) -> Result<(), OutputError> {
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
        staging::remove(&old)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_site(out: &Path, files: &[OutputFile]) -> Result<Vec<Unwritten>, OutputError> {
        Target::claim(out, &Inputs::default(), Claim::default())?.write(files)
    }

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
    fn a_site_moved_aside_by_a_killed_build_is_restored_by_a_build_that_fails() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::text("index.html", "v1".into())]).unwrap();
        // Killed after moving the old site aside, before moving the new one in.
        std::fs::rename(&out, dir.path().join(".public.pmkb-old-4000001")).unwrap();
        std::fs::create_dir(dir.path().join(".public.pmkb-new-4000001")).unwrap();
        // A build that is refused right after claiming (a foreign output) still recovers.
        let content = out.join("content");
        let inputs = Inputs {
            folders: &[&content],
            kept: &[],
        };
        assert!(Target::claim(&out, &inputs, Claim::default()).is_err());
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

    #[test]
    fn a_path_too_long_skips_that_file_only() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let long = vec!["d".repeat(200); 25].join("/");
        let files = [
            OutputFile::text("index.html", "home".into()),
            OutputFile::text(format!("files/{long}/a.png"), "png".into()),
        ];
        let unwritten = write_site(&out, &files).unwrap();
        assert_eq!(unwritten.len(), 1, "{unwritten:?}");
        assert!(unwritten[0].path.ends_with("a.png"));
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "home"
        );
        assert!(out.join(MARKER).is_file());
    }
}
