//! The health of the index cache folder: what tantivy needs to trust an index it did not
//! just write. An index is used only when it opens, has our schema, was committed by
//! this format of pmkb, every file of its committed generation exists and passes its
//! checksum (`Index::validate_checksum`), and a searcher opens on it; anything else —
//! garbled or truncated files, deleted files, a half-written folder, another version's
//! index — is reported and the folder is emptied so the index is rebuilt, never trusted.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, META_LOCK, MmapDirectory};
use tantivy::index::SegmentComponent;
use tantivy::{Index, Searcher};

use super::SearchError;
use super::schema::{Fields, register_analyzer};

/// Changes whenever the schema, the analysis or the scoring changes, so caches built by
/// another pmkb are rebuilt.
pub const FORMAT: &str = "pmkb-search-3";

/// What pmkb stores with each commit (tantivy's commit payload, in `meta.json`): which
/// pmkb wrote the index and from which inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// [`FORMAT`] of the writer.
    pub format: String,
    /// pmkb version of the writer.
    pub version: String,
    /// Fingerprint of the inputs (see [`super::fingerprint`]).
    pub fingerprint: String,
}

impl Payload {
    /// The payload this pmkb writes for `fingerprint`.
    pub fn current(fingerprint: &str) -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: crate::VERSION.to_owned(),
            fingerprint: fingerprint.to_owned(),
        }
    }
}

/// An index that passed every check, with the payload of its last commit (None for an
/// index created but never committed to).
pub struct Healthy {
    /// The index, with the analyzer registered.
    pub index: Index,
    /// Its last commit's payload.
    pub payload: Option<Payload>,
    /// A searcher on its committed generation.
    pub searcher: Searcher,
}

/// Why an index folder cannot be used as it is.
#[derive(Debug, PartialEq, Eq)]
pub enum Unhealthy {
    /// There is no index (no `meta.json`) and nothing else: create one.
    Missing,
    /// There is something, but not a usable index: say so, then rebuild.
    Broken(String),
}

/// Opens the index in `dir` and checks it; see the module documentation.
pub fn check(dir: &Path) -> Result<Healthy, Unhealthy> {
    if !dir.join("meta.json").exists() {
        let empty = std::fs::read_dir(dir).map_or(true, |entries| {
            entries
                .flatten()
                .all(|e| e.file_name().to_string_lossy().starts_with(".tantivy-"))
        });
        return Err(if empty {
            Unhealthy::Missing
        } else {
            Unhealthy::Broken("it has no meta.json (an interrupted write)".to_owned())
        });
    }
    // A garbled file can make tantivy panic while decoding it: that is a broken cache too.
    std::panic::catch_unwind(|| check_opened(dir)).unwrap_or_else(|_| {
        Err(Unhealthy::Broken(
            "tantivy could not decode its files".to_owned(),
        ))
    })
}

fn check_opened(dir: &Path) -> Result<Healthy, Unhealthy> {
    let broken =
        |what: &str, err: &dyn std::fmt::Display| Unhealthy::Broken(format!("{what}: {err}"));
    let index = Index::open_in_dir(dir).map_err(|e| broken("it does not open", &e))?;
    // Held while the committed generation is checked, so a writer's garbage collection
    // cannot delete its files meanwhile (tantivy's reader takes it again to open them).
    let meta_lock = index
        .directory()
        .acquire_lock(&META_LOCK)
        .map_err(|e| broken("it cannot be locked for reading", &e))?;
    if index.schema() != Fields::schema().0 {
        return Err(Unhealthy::Broken(
            "it was written by another version of pmkb".to_owned(),
        ));
    }
    let metas = index
        .load_metas()
        .map_err(|e| broken("its meta.json does not load", &e))?;
    let payload = match &metas.payload {
        None => None,
        Some(text) => {
            let payload: Payload = serde_json::from_str(text)
                .map_err(|_| Unhealthy::Broken("it was written by another program".to_owned()))?;
            if payload.format != FORMAT || payload.version != crate::VERSION {
                return Err(Unhealthy::Broken(format!(
                    "it was written by pmkb {} ({})",
                    payload.version, payload.format
                )));
            }
            Some(payload)
        }
    };
    for segment in &metas.segments {
        let mut components = vec![
            SegmentComponent::Postings,
            SegmentComponent::Positions,
            SegmentComponent::FastFields,
            SegmentComponent::FieldNorms,
            SegmentComponent::Terms,
            SegmentComponent::Store,
        ];
        if segment.has_deletes() {
            components.push(SegmentComponent::Delete);
        }
        for component in components {
            let file = segment.relative_path(component);
            if !dir.join(&file).is_file() {
                return Err(Unhealthy::Broken(format!(
                    "its file {} is missing",
                    file.display()
                )));
            }
        }
    }
    let damaged = index
        .validate_checksum()
        .map_err(|e| broken("its checksums cannot be read", &e))?;
    if let Some(file) = damaged.iter().min() {
        return Err(Unhealthy::Broken(format!(
            "its file {} fails its checksum",
            file.display()
        )));
    }
    drop(meta_lock);
    register_analyzer(&index);
    let searcher =
        super::store::searcher(&index).map_err(|e| broken("it does not open for reading", &e))?;
    Ok(Healthy {
        index,
        payload,
        searcher,
    })
}

/// Empties `dir` of everything but tantivy's lock files when it is still broken once no
/// other pmkb is writing it (waiting for one that is, then holding the writer lock).
///
/// # Errors
/// When the folder cannot be listed or a file cannot be removed.
pub fn clear(dir: &Path) -> Result<(), SearchError> {
    let io = |source| SearchError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let directory = MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
    let _lock = super::store::wait_for(|| {
        directory
            .acquire_lock(&INDEX_WRITER_LOCK)
            .map_err(|e| tantivy::TantivyError::LockFailure(e, None))
    })?;
    if matches!(check(dir), Ok(_) | Err(Unhealthy::Missing)) {
        // Another pmkb repaired it while we waited.
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if entry.file_name().to_string_lossy().starts_with(".tantivy-") {
            continue;
        }
        let path = entry.path();
        let removed = if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|source| SearchError::Io { path, source })?;
    }
    Ok(())
}

/// Removes what an interrupted earlier pmkb left beside the index folder `dir`: the
/// `.NAME.new-*` and `.NAME.old-*` folders of its whole-folder swaps.
pub fn remove_leftovers(dir: &Path) {
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let name = name.to_string_lossy();
    let prefixes = [format!(".{name}.new-"), format!(".{name}.old-")];
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let leftovers: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            let file = e.file_name();
            let file = file.to_string_lossy();
            prefixes.iter().any(|p| file.starts_with(p.as_str()))
        })
        .map(|e| e.path())
        .collect();
    for path in leftovers {
        let _ = std::fs::remove_dir_all(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_meta_is_missing_when_empty_and_broken_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(check(dir.path()), Err(Unhealthy::Missing)));
        std::fs::write(dir.path().join("abc.idx"), b"half").unwrap();
        assert!(matches!(check(dir.path()), Err(Unhealthy::Broken(_))));
        clear(dir.path()).unwrap();
        assert!(matches!(check(dir.path()), Err(Unhealthy::Missing)));
    }

    #[test]
    fn leftovers_of_swaps_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for name in [".index.new-12-0", ".index.old-12-0", "index", ".indexes"] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        remove_leftovers(&dir.path().join("index"));
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".indexes", "index"]);
    }
}
