//! Discovery: walking the content folder into in-memory source files and assets.
//!
//! This is the only stage that reads the content folder; everything after it works on
//! the values returned here.

mod read;

pub use read::{ReadError, read_regular, read_text};

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;

/// Why a content folder cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// Nothing exists at the path (a typo, or a build run from the wrong folder).
    #[error(
        "the content folder {0} does not exist; pass --content DIR or set content_dir in pmkb.toml"
    )]
    Missing(PathBuf),
    /// The path is a file.
    #[error(
        "the content folder {0} is not a folder; pass --content DIR or set content_dir in pmkb.toml"
    )]
    NotAFolder(PathBuf),
    /// The file system refused.
    #[error("cannot read the content folder {path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

/// Checks that `dir` is a folder before anything is read from it or written for it.
///
/// # Errors
/// [`FolderError`] when it is missing, is not a folder or cannot be examined.
pub fn check_folder(dir: &Path) -> Result<(), FolderError> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(FolderError::NotAFolder(dir.to_path_buf())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Err(FolderError::Missing(dir.to_path_buf()))
        }
        Err(source) => Err(FolderError::Io {
            path: dir.to_path_buf(),
            source,
        }),
    }
}

/// One Markdown postmortem, read into memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the content folder, `/`-separated (stable across platforms).
    pub rel_path: String,
    /// The file's text; invalid UTF-8 was replaced (with a warning).
    pub text: String,
}

/// A non-Markdown file in the content folder (an image a postmortem embeds), copied to the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Path relative to the content folder, `/`-separated.
    pub rel_path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Everything found in the content folder, sorted by path.
#[derive(Debug, Default)]
pub struct Discovered {
    /// The postmortems.
    pub sources: Vec<SourceFile>,
    /// Images and other files the postmortems may link to.
    pub assets: Vec<Asset>,
    /// Files that could not be used, and why.
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a path names a Markdown file pmkb reads as a postmortem.
pub fn is_markdown(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("md" | "markdown")
    )
}

/// The largest files [`discover`] reads.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// For Markdown files, which are parsed.
    pub markdown: u64,
    /// For every other file, copied as it is.
    pub asset: u64,
}

impl Limits {
    /// No limit: for the theme folder, which the site's authors control.
    pub const NONE: Limits = Limits {
        markdown: u64::MAX,
        asset: u64::MAX,
    };
}

/// Walks `content_dir` (hidden files and folders skipped, symlinks followed with loop
/// detection unless they lead outside the folder) and reads every file within `limits`.
/// Unreadable, oversized, binary and empty files, named pipes and devices, and escaping
/// links become diagnostics; the rest of the folder is still returned. A folder that
/// cannot be walked at all gives one diagnostic (see [`check_folder`] to refuse it first).
pub fn discover(content_dir: &Path, limits: Limits) -> Discovered {
    let mut found = Discovered::default();
    let paths = walk(content_dir, &mut found.diagnostics);
    let read: Vec<_> = paths
        .par_iter()
        .map(|path| read_one(content_dir, path, limits))
        .collect();
    for (item, diagnostic) in read {
        match item {
            Some(Item::Source(source)) => found.sources.push(source),
            Some(Item::Asset(asset)) => found.assets.push(asset),
            None => {}
        }
        found.diagnostics.extend(diagnostic);
    }
    found
}

/// The files under `dir` in path order (hidden files and folders skipped, symlinks
/// followed with loop detection, links that lead outside `dir` skipped); what cannot be
/// walked becomes a diagnostic.
fn walk(dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let mut paths = Vec::new();
    let mut escaping = Vec::new();
    // Sorted once at the end, by bytes: walkdir's per-folder sort re-parses file names
    // at every comparison, which dominated `pmkb search`'s freshness check at 10k files.
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if is_hidden(e.file_name()) {
                return false;
            }
            if e.path_is_symlink() && !stays_inside(&root, e.path()) {
                escaping.push(link_escape(dir, e.path()));
                return false;
            }
            true
        });
    for entry in walker {
        match entry {
            // Pipes, sockets and devices too: reading them gives their diagnostic.
            Ok(entry) if !entry.file_type().is_dir() => paths.push(entry.into_path()),
            Ok(_) => {}
            Err(err) => diagnostics.push(walk_error(dir, &err)),
        }
    }
    diagnostics.extend(escaping);
    paths.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    paths
}

/// A file's identity without its content: path, size and modification time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Stamp {
    /// The file's path.
    pub path: String,
    /// Size in bytes.
    pub len: u64,
    /// Modification time in nanoseconds since the Unix epoch (0 when unknown).
    pub modified_ns: u128,
}

/// Stamps of the files [`discover`] would read under `dir`, in path order. Reading only
/// metadata lets a cache (the search index) tell it is stale in milliseconds, without
/// reading a folder of postmortems.
pub fn stamps(dir: &Path) -> Vec<Stamp> {
    walk(dir, &mut Vec::new())
        .iter()
        .filter_map(|path| stamp(path))
        .collect()
}

/// One line (`path TAB size TAB modified`) per file under `folders` (as [`stamps`]) and
/// per one of `files` that can be read: what a fingerprint of those inputs hashes.
pub fn stamp_lines<'a>(
    folders: &[&Path],
    files: impl IntoIterator<Item = &'a Path>,
) -> Vec<String> {
    let inside = folders.iter().flat_map(|dir| stamps(dir));
    inside
        .chain(files.into_iter().filter_map(stamp))
        .map(|s| format!("{}\t{}\t{}", s.path, s.len, s.modified_ns))
        .collect()
}

/// The stamp of one file, or None when it cannot be read.
pub fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let modified_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Some(Stamp {
        path: path.to_string_lossy().into_owned(),
        len: meta.len(),
        modified_ns,
    })
}

enum Item {
    Source(SourceFile),
    Asset(Asset),
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// Whether a symbolic link resolves inside the content folder. A link that cannot be
/// resolved counts as inside, so the walker reports it as unreadable in its own words.
fn stays_inside(root: &Path, link: &Path) -> bool {
    link.canonicalize()
        .map_or(true, |target| target.starts_with(root))
}

/// A link to a file or folder outside the folder being read (content or theme) is never
/// followed, so a repository cannot publish `/etc/passwd` or a home folder by committing a
/// link. The message names that folder ("the content folder", "the theme folder").
fn link_escape(dir: &Path, link: &Path) -> Diagnostic {
    let folder = dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Diagnostic::error(
        relative_name(dir, link),
        format!("symbolic link points outside the {folder} folder; skipped"),
    )
    .with_hint(format!(
        "copy the file into the {folder} folder instead of linking to it"
    ))
}

/// The content-relative, `/`-separated form of `path`, used as a file's identity.
pub fn relative_name(content_dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(content_dir).unwrap_or(path);
    rel.components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn walk_error(content_dir: &Path, err: &walkdir::Error) -> Diagnostic {
    let name = err
        .path()
        .map(|p| relative_name(content_dir, p))
        .unwrap_or_else(|| content_dir.display().to_string());
    if err.loop_ancestor().is_some() {
        Diagnostic::error(name, "symbolic link loop; the folder was skipped")
            .with_hint("remove the link that points back to one of its parent folders")
    } else {
        Diagnostic::error(name, format!("cannot read: {err}"))
            .with_hint("check the file's permissions")
    }
}

fn read_one(content_dir: &Path, path: &Path, limits: Limits) -> (Option<Item>, Option<Diagnostic>) {
    let rel_path = relative_name(content_dir, path);
    let (max_bytes, hint) = if is_markdown(path) {
        (
            limits.markdown,
            "split it, or raise max_file_bytes in pmkb.toml",
        )
    } else {
        (
            limits.asset,
            "shrink it, or raise max_asset_bytes in pmkb.toml",
        )
    };
    let bytes = match read_regular(path, max_bytes) {
        Ok(bytes) => bytes,
        Err(ReadError::TooBig { size, limit }) => {
            let message = format!("file is {size} bytes, over the limit of {limit}; skipped");
            return (
                None,
                Some(Diagnostic::error(rel_path, message).with_hint(hint)),
            );
        }
        Err(ReadError::NotAFile) => {
            let diagnostic = Diagnostic::warning(
                rel_path,
                "not a regular file (a named pipe, socket or device); skipped",
            )
            .with_hint("remove it from the content folder, or replace it with a regular file");
            return (None, Some(diagnostic));
        }
        Err(ReadError::Io(err)) => {
            let diagnostic = Diagnostic::error(rel_path, format!("cannot read: {err}"))
                .with_hint("check the file's permissions");
            return (None, Some(diagnostic));
        }
    };
    if !is_markdown(path) {
        return (Some(Item::Asset(Asset { rel_path, bytes })), None);
    }
    decode_markdown(rel_path, bytes)
}

/// Turns a Markdown file's bytes into text: binary content is refused, invalid UTF-8 is
/// replaced with U+FFFD and reported at the first bad line.
fn decode_markdown(rel_path: String, bytes: Vec<u8>) -> (Option<Item>, Option<Diagnostic>) {
    if bytes.contains(&0) {
        let diagnostic = Diagnostic::error(rel_path, "binary file with a Markdown name; skipped")
            .with_hint("rename it or remove it from the content folder");
        return (None, Some(diagnostic));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let diagnostic = Diagnostic::warning(rel_path, "file is empty; skipped")
            .with_hint("write the postmortem, or remove the file");
        return (None, Some(diagnostic));
    }
    match String::from_utf8(bytes) {
        Ok(text) => (Some(Item::Source(SourceFile { rel_path, text })), None),
        Err(err) => {
            let valid_up_to = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let line = bytes[..valid_up_to].iter().filter(|&&b| b == b'\n').count() + 1;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let diagnostic = Diagnostic::warning(
                rel_path.clone(),
                "file is not valid UTF-8; invalid bytes were replaced",
            )
            .at_line(line)
            .with_hint("re-save the file as UTF-8");
            (
                Some(Item::Source(SourceFile { rel_path, text })),
                Some(diagnostic),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_have_their_own_size_limit() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "# A\n\nAn outage.\n").unwrap();
        std::fs::write(dir.path().join("shot.png"), vec![1u8; 2000]).unwrap();
        let limits = Limits {
            markdown: 1000,
            asset: 5000,
        };
        let found = discover(dir.path(), limits);
        assert_eq!(found.sources.len(), 1);
        assert_eq!(found.assets.len(), 1, "{:?}", found.diagnostics);
        let found = discover(
            dir.path(),
            Limits {
                asset: 1000,
                ..limits
            },
        );
        assert!(found.assets.is_empty());
        assert!(
            found.diagnostics[0]
                .message
                .contains("over the limit of 1000")
        );
        assert!(
            found.diagnostics[0]
                .hint
                .as_deref()
                .unwrap_or("")
                .contains("max_asset_bytes")
        );
    }

    #[test]
    fn invalid_utf8_is_read_lossily_with_the_line() {
        let (item, diagnostic) = decode_markdown("x.md".into(), b"# ok\nbad \xff here\n".to_vec());
        let Some(Item::Source(source)) = item else {
            panic!("expected a source")
        };
        assert!(source.text.contains("bad \u{fffd} here"));
        let diagnostic = diagnostic.unwrap();
        assert_eq!(diagnostic.line, Some(2));
        assert!(!diagnostic.is_error());
    }

    #[test]
    fn binary_files_are_refused() {
        let (item, diagnostic) = decode_markdown("x.md".into(), vec![0x89, b'P', 0, 1]);
        assert!(item.is_none());
        assert!(diagnostic.unwrap().is_error());
    }

    #[test]
    fn empty_files_are_skipped_with_a_warning() {
        for bytes in [&b""[..], b"  \n\t\n"] {
            let (item, diagnostic) = decode_markdown("e.md".into(), bytes.to_vec());
            assert!(item.is_none());
            assert!(!diagnostic.unwrap().is_error());
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_swapped_for_a_named_pipe_after_listing_is_skipped_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "# A\n\nAn outage.\n").unwrap();
        let listed = walk(dir.path(), &mut Vec::new());
        assert_eq!(listed, std::slice::from_ref(&path));
        std::fs::remove_file(&path).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        assert!(made.unwrap().success());
        let (item, diagnostic) = read_one(dir.path(), &listed[0], Limits::NONE);
        assert!(item.is_none());
        let diagnostic = diagnostic.unwrap();
        assert!(!diagnostic.is_error(), "{diagnostic}");
        assert!(
            diagnostic.message.contains("not a regular file"),
            "{diagnostic}"
        );
    }

    #[test]
    fn relative_names_use_forward_slashes() {
        let name = relative_name(Path::new("/c"), Path::new("/c/2024/db/README.md"));
        assert_eq!(name, "2024/db/README.md");
    }
}
