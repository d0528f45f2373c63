//! The folders and lock beside the output that make writing it atomic: one build at a
//! time per output, and whatever a killed build left behind is cleaned up by the next.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::{OutputError, io};

/// Names of the hidden entries kept beside an output folder `NAME` while it is written:
/// `.NAME.pmkb-new-PID` (the site being written), `.NAME.pmkb-old-PID` (the previous site
/// during the swap) and `.NAME.pmkb-lock`.
pub(super) struct Names<'a> {
    parent: &'a Path,
    name: String,
}

impl<'a> Names<'a> {
    pub(super) fn new(parent: &'a Path, name: String) -> Self {
        Self { parent, name }
    }

    fn prefix(&self, kind: &str) -> String {
        format!(".{}.pmkb-{kind}-", self.name)
    }

    /// This process's folder for the site being written.
    pub(super) fn staging(&self) -> PathBuf {
        let name = format!("{}{}", self.prefix("new"), std::process::id());
        self.parent.join(name)
    }

    /// This process's name for the previous site while the new one is moved in.
    pub(super) fn old(&self) -> PathBuf {
        let name = format!("{}{}", self.prefix("old"), std::process::id());
        self.parent.join(name)
    }

    fn lock(&self) -> PathBuf {
        self.parent.join(format!(".{}.pmkb-lock", self.name))
    }
}

/// An exclusive claim on an output folder, released (and its file removed) on drop. The
/// operating system releases the lock of a killed process, so a stale lock file never
/// blocks the next build.
pub(super) struct Lock {
    path: PathBuf,
    _file: File,
}

impl Lock {
    /// Takes the lock, or reports that another build holds it.
    pub(super) fn take(names: &Names<'_>, output_dir: &Path) -> Result<Self, OutputError> {
        let path = names.lock();
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        match file.try_lock() {
            Ok(()) => Ok(Self { path, _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {
                Err(OutputError::Busy(output_dir.to_path_buf()))
            }
            Err(std::fs::TryLockError::Error(source)) => Err(OutputError::Io { path, source }),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so no other build can lock a file that is going away.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Cleans up after builds that were killed: with the lock held no other build is writing,
/// so every staging or old folder of this output is stale. If a build died between its two
/// renames, the output is missing and its previous site is restored first.
pub(super) fn recover(names: &Names<'_>, output_dir: &Path) -> Result<(), OutputError> {
    let Ok(entries) = std::fs::read_dir(names.parent) else {
        return Ok(());
    };
    let (new, old) = (names.prefix("new"), names.prefix("old"));
    let mut stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(&new) || name.starts_with(&old)
        })
        .map(|e| e.path())
        .collect();
    stale.sort();
    if !output_dir.exists()
        && let Some(previous) = stale.iter().position(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&old))
        })
    {
        let previous = stale.remove(previous);
        std::fs::rename(&previous, output_dir).map_err(io(&previous))?;
    }
    for path in stale {
        std::fs::remove_dir_all(&path)
            .or_else(|_| std::fs::remove_file(&path))
            .map_err(io(&path))?;
    }
    Ok(())
}
