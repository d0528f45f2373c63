//! The index cache folder, used as tantivy means it to be: the index is updated in place
//! by one writer at a time (tantivy's writer lock, shared by `build`, `search` and
//! `serve`, waiting for each other), readers open the last committed generation, and each
//! commit records which inputs it indexed. A cache that fails [`cache::check`] is
//! rebuilt with a warning; leftovers of older pmkb versions' folder swaps are removed.

use std::path::Path;
use std::time::{Duration, Instant};

use tantivy::directory::MmapDirectory;
use tantivy::directory::error::LockError;
use tantivy::query::QueryParser;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyError};

use super::SearchError;
use super::cache::{self, Payload, Unhealthy};
use super::hash::fnv1a64;
use super::index;
use super::schema::{Fields, register_analyzer};
use crate::diagnostics::Diagnostic;
use crate::kb::KnowledgeBase;

/// Memory for the index writer: enough to index thousands of postmortems in one go.
const WRITER_MEMORY: usize = 100_000_000;

/// How long to wait for another pmkb's index writer before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(600);

/// An opened search index with its query parser.
pub struct SearchIndex {
    pub(super) searcher: Searcher,
    pub(super) fields: Fields,
    pub(super) parser: QueryParser,
}

/// A fingerprint of the inputs of an index (file stamps, settings), as hex.
pub fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let all = std::iter::once(cache::FORMAT)
        .chain(std::iter::once(crate::VERSION))
        .chain(parts);
    format!("{:016x}", fnv1a64(all.map(str::as_bytes)))
}

impl SearchIndex {
    /// The index in `dir`, if it passes [`cache::check`] and its last commit indexed
    /// inputs with this fingerprint.
    pub fn open_fresh(dir: &Path, fingerprint: &str) -> Option<Self> {
        cache::remove_leftovers(dir);
        let healthy = cache::check(dir).ok()?;
        let fresh = healthy.payload?.fingerprint == fingerprint;
        fresh.then(|| Self::new(&healthy.index, healthy.searcher))
    }

    /// Re-indexes `kb` in place in `dir` (creating it, or first emptying it with a warning
    /// when it is unusable) and commits it with `fingerprint`. Waits while another pmkb
    /// writes the index, and writes nothing when that one indexed the same inputs.
    ///
    /// # Errors
    /// When the folder cannot be created or written, or tantivy fails.
    pub fn rebuild(
        dir: &Path,
        fingerprint: &str,
        kb: &KnowledgeBase,
    ) -> Result<(Self, Vec<Diagnostic>), SearchError> {
        cache::remove_leftovers(dir);
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut warnings = Vec::new();
        if let Err(Unhealthy::Broken(why)) = cache::check(dir) {
            warnings.push(
                Diagnostic::warning(
                    dir.display().to_string(),
                    format!("the search index cache is unusable: {why}; rebuilding it"),
                )
                .with_hint("nothing to do: pmkb rebuilds it from the content"),
            );
            cache::clear(dir)?;
        }
        let (schema, fields) = Fields::schema();
        let directory = MmapDirectory::open(dir).map_err(TantivyError::from)?;
        let index = Index::open_or_create(directory, schema)?;
        register_analyzer(&index);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let mut writer: IndexWriter =
            wait_for(|| index.writer_with_num_threads(threads, WRITER_MEMORY))?;
        if committed(&index).as_deref() != Some(fingerprint) {
            writer.delete_all_documents()?;
            index::add_all(&writer, &fields, kb)?;
            let mut commit = writer.prepare_commit()?;
            let payload = serde_json::to_string(&Payload::current(fingerprint))
                .expect("a payload always serialises");
            commit.set_payload(&payload);
            commit.commit()?;
        }
        writer.wait_merging_threads()?;
        let searcher = searcher(&index)?;
        Ok((Self::new(&index, searcher), warnings))
    }

    fn new(index: &Index, searcher: Searcher) -> Self {
        let fields = Fields::schema().1;
        let mut parser =
            QueryParser::for_index(index, fields.defaults().iter().map(|&(f, _)| f).collect());
        for (field, boost) in fields.defaults() {
            parser.set_field_boost(field, boost);
        }
        parser.set_conjunction_by_default();
        Self {
            searcher,
            fields,
            parser,
        }
    }
}

/// The fingerprint of the index's last commit, if pmkb made it.
fn committed(index: &Index) -> Option<String> {
    let payload = index.load_metas().ok()?.payload?;
    let payload: Payload = serde_json::from_str(&payload).ok()?;
    Some(payload.fingerprint)
}

/// A searcher on the committed generation of `index` (no watcher thread: a command
/// searches one generation).
///
/// # Errors
/// When a file of the generation cannot be opened.
pub fn searcher(index: &Index) -> tantivy::Result<Searcher> {
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(reader.searcher())
}

/// Runs `attempt` until it does not fail for a lock another pmkb holds, for at most
/// [`LOCK_WAIT`].
///
/// # Errors
/// `attempt`'s other failures, or the lock failure once the wait is over.
pub fn wait_for<T>(mut attempt: impl FnMut() -> tantivy::Result<T>) -> Result<T, SearchError> {
    let started = Instant::now();
    loop {
        match attempt() {
            Err(TantivyError::LockFailure(LockError::LockBusy, _))
                if started.elapsed() < LOCK_WAIT =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return Ok(other?),
        }
    }
}
