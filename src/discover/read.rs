//! Reading one input file safely: only regular files, never more than a limit.
//!
//! The type is checked on the opened file, not on the path before opening, so a file
//! swapped for a named pipe between listing and reading can neither hang the build (a
//! pipe is opened without waiting for a writer) nor be read; a device such as
//! `/dev/zero` is refused the same way, and a file that grows while read stops at the
//! limit.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file system refused (missing file, no permission…).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A named pipe, socket or device instead of a file.
    #[error("not a regular file (a named pipe, socket or device)")]
    NotAFile,
    /// The file holds more than the limit.
    #[error("file is {size} bytes, over the limit of {limit}")]
    TooBig {
        /// Its size, or at least the bytes read before stopping.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
}

/// Reads a regular file of at most `limit` bytes.
///
/// # Errors
/// [`ReadError::NotAFile`] for anything but a regular file (checked after opening),
/// [`ReadError::TooBig`] past `limit` bytes, [`ReadError::Io`] when it cannot be read.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_without_waiting(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > limit {
        return Err(ReadError::TooBig {
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    let size = bytes.len() as u64;
    if size > limit {
        return Err(ReadError::TooBig { size, limit });
    }
    Ok(bytes)
}

/// Reads a regular UTF-8 text file (a settings or taxonomy file) of at most `limit` bytes.
///
/// # Errors
/// As [`read_regular`]; text that is not UTF-8 is a [`ReadError::Io`] of kind `InvalidData`.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_regular(path, limit)?;
    String::from_utf8(bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()).into())
}

/// Opens for reading; on Unix with `O_NONBLOCK`, so opening a named pipe returns at
/// once instead of waiting for a writer (reads of a regular file are not affected).
fn open_without_waiting(path: &Path) -> std::io::Result<File> {
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "title = \"x\"\n").unwrap();
        assert_eq!(read_regular(&path, 100).unwrap(), b"title = \"x\"\n");
        let err = read_regular(&path, 4).unwrap_err();
        assert!(
            matches!(err, ReadError::TooBig { size: 12, limit: 4 }),
            "{err}"
        );
        assert!(matches!(
            read_regular(&dir.path().join("missing"), 4),
            Err(ReadError::Io(_))
        ));
        assert!(matches!(
            read_regular(dir.path(), 4),
            Err(ReadError::NotAFile | ReadError::Io(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_named_pipes_are_refused_without_waiting() {
        let err = read_regular(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(matches!(err, ReadError::NotAFile), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.md");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let err = read_regular(&fifo, 1 << 20).unwrap_err();
        assert!(matches!(err, ReadError::NotAFile), "{err}");
    }
}
