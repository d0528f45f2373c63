//! The index cache folder: open the tantivy index when it was built from the current
//! content, otherwise rebuild it beside the old one and swap it in, so a reader never
//! sees a half-written index and `pmkb search` works right after a clone.

use std::path::Path;

use tantivy::query::QueryParser;
use tantivy::{Index, Searcher};

use super::SearchError;
use super::hash::fnv1a64;
use super::index;
use super::schema::{Fields, register_analyzer};
use crate::kb::KnowledgeBase;

/// The file beside the tantivy files that says which content the index was built from.
const FINGERPRINT_FILE: &str = "pmkb-fingerprint";

/// Changes whenever the schema, the analysis or the scoring changes, so caches built by
/// an older pmkb are rebuilt.
const FORMAT: &str = "pmkb-search-2";

/// An opened search index with its query parser.
pub struct SearchIndex {
    pub(super) searcher: Searcher,
    pub(super) fields: Fields,
    pub(super) parser: QueryParser,
}

/// A fingerprint of the inputs of an index (file stamps, settings), as hex.
pub fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let all = std::iter::once(FORMAT)
        .chain(std::iter::once(crate::VERSION))
        .chain(parts);
    format!("{:016x}", fnv1a64(all.map(str::as_bytes)))
}

impl SearchIndex {
    /// The index in `dir`, if it exists and was built from inputs with this fingerprint.
    /// Anything unreadable counts as stale.
    pub fn open_fresh(dir: &Path, fingerprint: &str) -> Option<Self> {
        let stored = std::fs::read_to_string(dir.join(FINGERPRINT_FILE)).ok()?;
        if stored.trim() != fingerprint {
            return None;
        }
        Self::open(dir).ok()
    }

    /// Indexes `kb` into a new folder beside `dir`, records `fingerprint`, and swaps it in
    /// place of the previous index.
    pub fn rebuild(dir: &Path, fingerprint: &str, kb: &KnowledgeBase) -> Result<Self, SearchError> {
        let parent = dir.parent().unwrap_or(Path::new("."));
        let name = dir
            .file_name()
            .map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
        let unique = format!("{}-{}", std::process::id(), next_id());
        let staging = parent.join(format!(".{name}.new-{unique}"));
        let old = parent.join(format!(".{name}.old-{unique}"));
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SearchError::Io { path, source }
        };
        std::fs::create_dir_all(&staging).map_err(io(&staging))?;
        let written = index::write(&staging, kb).and_then(|()| {
            let file = staging.join(FINGERPRINT_FILE);
            std::fs::write(&file, fingerprint).map_err(io(&file))
        });
        if let Err(err) = written {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(err);
        }
        let _ = std::fs::rename(dir, &old);
        let opened = match std::fs::rename(&staging, dir) {
            Ok(()) => Self::open(dir),
            // Another pmkb swapped its index in first: use ours for this run.
            Err(_) => Self::open(&staging),
        };
        let _ = std::fs::remove_dir_all(&old);
        opened
    }

    fn open(dir: &Path) -> Result<Self, SearchError> {
        let index = Index::open_in_dir(dir)?;
        let (schema, fields) = Fields::schema();
        if index.schema() != schema {
            return Err(SearchError::Stale(dir.to_path_buf()));
        }
        register_analyzer(&index);
        let searcher = index.reader()?.searcher();
        let mut parser =
            QueryParser::for_index(&index, fields.defaults().iter().map(|&(f, _)| f).collect());
        for (field, boost) in fields.defaults() {
            parser.set_field_boost(field, boost);
        }
        parser.set_conjunction_by_default();
        Ok(Self {
            searcher,
            fields,
            parser,
        })
    }
}

/// A number unique within this process, so concurrent rebuilds never share a folder.
fn next_id() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}
