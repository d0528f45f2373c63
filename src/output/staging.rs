//! The folders and lock beside the output that make writing it atomic: one build at a
//! time per output, and whatever a killed build left behind is cleaned up by the next.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{OutputError, io};

/// Names of the hidden entries kept beside an output folder `NAME` while it is written:
/// `.NAME.pmkb-new-PID` (the site being written), `.NAME.pmkb-old-PID` (the previous site
/// during the swap) and `.NAME.pmkb-lock`.
pub(super) struct Names {
    /// The folder holding the output folder.
    pub(super) parent: PathBuf,
    name: String,
}

impl Names {
    /// The names beside `output_dir` (its parent is `.` when it has none).
    pub(super) fn of(output_dir: &Path) -> Self {
        let parent = output_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let name = output_dir
            .file_name()
            .map_or_else(|| "site".into(), |n| n.to_string_lossy().into_owned());
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

/// An exclusive claim on an output folder, held from the start of a build to its end and
/// released on drop (its file removed first, while still locked). The operating system
/// releases the lock of a killed process, so a stale lock file never blocks the next build.
pub(super) struct Lock {
    path: PathBuf,
    _file: File,
}

impl Lock {
    /// Takes the lock, waiting for the holder to finish when `wait`, else failing at once
    /// with [`OutputError::Busy`] naming the holder's process id (written in the file).
    pub(super) fn take(names: &Names, output_dir: &Path, wait: bool) -> Result<Self, OutputError> {
        let path = names.lock();
        loop {
            let mut file = File::options()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(io(&path))?;
            let locked = if wait {
                file.lock()
            } else {
                file.try_lock().map_err(|err| match err {
                    std::fs::TryLockError::WouldBlock => std::io::ErrorKind::WouldBlock.into(),
                    std::fs::TryLockError::Error(source) => source,
                })
            };
            match locked {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {
                    return Err(OutputError::Busy {
                        output: output_dir.to_path_buf(),
                        holder: holder(&path),
                    });
                }
                Err(source) => return Err(OutputError::Io { path, source }),
            }
            // The previous holder removes the file as it releases it: a lock on a file
            // no longer at the path claims nothing, so start again with the current one.
            if is_at(&file, &path) {
                file.set_len(0).map_err(io(&path))?;
                writeln!(file, "{}", std::process::id()).map_err(io(&path))?;
                return Ok(Self { path, _file: file });
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held; a build that opened it meanwhile sees it is gone.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The process id the holder wrote into the lock file. A holder writes it right after it
/// takes the lock, so an empty file is read again a few times (100 ms at most) before the
/// holder is given up as unknown.
fn holder(path: &Path) -> Option<u32> {
    let read = || std::fs::read_to_string(path).ok()?.trim().parse().ok();
    (0..20).find_map(|attempt| {
        if attempt > 0 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        read()
    })
}

/// Whether the open `file` is the one at `path` now.
#[cfg(unix)]
fn is_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Elsewhere an open file cannot be removed, so the file at the path is the one locked.
#[cfg(not(unix))]
fn is_at(_file: &File, _path: &Path) -> bool {
    true
}

/// Cleans up after builds that were killed: with the lock held no other build is writing,
/// so every staging or old folder of this output is stale. If a build died between its two
/// renames, the output is missing and its previous site is restored first.
pub(super) fn recover(names: &Names, output_dir: &Path) -> Result<(), OutputError> {
    let Ok(entries) = std::fs::read_dir(&names.parent) else {
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
    if std::fs::symlink_metadata(output_dir).is_err()
        && let Some(previous) = stale.iter().position(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&old))
        })
    {
        let previous = stale.remove(previous);
        std::fs::rename(&previous, output_dir).map_err(io(&previous))?;
    }
    stale.iter().try_for_each(|path| remove(path))
}

/// Removes a folder with what it holds (or a file), reporting the real reason it cannot.
pub(super) fn remove(path: &Path) -> Result<(), OutputError> {
    let removed = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err),
    };
    removed.map_err(|source| OutputError::Remove {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_lock_on_a_removed_file_is_not_a_lock() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let names = Names::of(&out);
        // What a build that opened the file just before its holder released it holds.
        let first = Lock::take(&names, &out, false).unwrap();
        let opened_early = File::open(names.lock()).unwrap();
        drop(first);
        opened_early.lock().unwrap();
        assert!(!is_at(&opened_early, &names.lock()));
        let second = Lock::take(&names, &out, false).unwrap();
        let err = Lock::take(&names, &out, false).err().unwrap();
        let pid = std::process::id();
        assert!(
            matches!(err, OutputError::Busy { holder: Some(p), .. } if p == pid),
            "{err}"
        );
        drop(second);
        assert!(!names.lock().exists());
    }
}
