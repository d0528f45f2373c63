//! The per-file cache: what parse, extract and classify made of each postmortem
//! ([`Analysed`]), kept under the cache folder (default `.pmkb/file-cache/`) so an
//! unchanged file is not analysed again by the next `build`, `check`, `export`, search
//! refresh or `serve` rebuild.
//!
//! An entry is found by its [`Key`]: a hash of the file's path and text. Every entry of
//! a cache also depends on a [`salt`]: the pmkb version and executable (its extraction
//! code and embedded vocabularies) and the site's taxonomy. Entries live in [`SHARDS`]
//! shard files (see [`shard`]), each written whole to a temporary file then renamed, so a
//! reader sees an old or a new shard, never half of one. A shard that is truncated,
//! garbled or written by another pmkb is reported once as a warning and rebuilt, never
//! trusted; one written for another salt is silently replaced.

mod shard;
pub mod site;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;
use crate::kb::Entry;
use crate::taxonomy::Taxonomy;
use shard::Shard;

/// How many shard files the entries are spread over: an edit rewrites one of them.
pub const SHARDS: usize = 64;

/// Changes whenever the layout of [`Analysed`] or of a shard changes.
pub const FORMAT: &str = "pmkb-file-cache-1";

/// A file's identity in the cache: xxh3 of its relative path and its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key(pub u64);

impl Key {
    /// The key of the file at `rel_path` (`/`-separated, relative to the content folder)
    /// holding `text`.
    pub fn of(rel_path: &str, text: &str) -> Self {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(&(rel_path.len() as u64).to_le_bytes());
        hasher.update(rel_path.as_bytes());
        hasher.update(text.as_bytes());
        Self(hasher.digest())
    }

    fn shard(self) -> usize {
        (self.0 % SHARDS as u64) as usize
    }
}

/// One postmortem as parse, extract and classify left it, with what they found wrong.
#[derive(Debug, Clone, Deserialize)]
pub struct Analysed {
    /// The parsed document, its facts and labels.
    pub entry: Entry,
    /// The diagnostics of parsing, extraction and classification, in their order.
    pub diagnostics: Vec<Diagnostic>,
}

/// [`Analysed`] borrowed, for writing: the same encoding.
#[derive(Serialize)]
struct AnalysedRef<'a> {
    entry: &'a Entry,
    diagnostics: &'a [Diagnostic],
}

/// The encoded form of an entry, as a shard stores it.
///
/// # Panics
/// Never: every field of [`Analysed`] serialises.
pub fn encode(entry: &Entry, diagnostics: &[Diagnostic]) -> Vec<u8> {
    postcard::to_allocvec(&AnalysedRef { entry, diagnostics })
        .expect("an analysed postmortem always serialises")
}

/// What every entry of a cache depends on besides its file: this pmkb (format, version,
/// the executable's size and modification time, which change with its extraction code)
/// and the taxonomy the labels come from.
pub fn salt(taxonomy: &Taxonomy) -> u64 {
    let exe = executable_stamp();
    let taxonomy = postcard::to_allocvec(taxonomy).expect("a taxonomy always serialises");
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in [FORMAT.as_bytes(), crate::VERSION.as_bytes(), exe.as_bytes()] {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.update(&taxonomy);
    hasher.digest()
}

/// The running executable's size and modification time: a rebuilt pmkb (new extraction
/// code under the same version number) does not trust its predecessor's caches.
fn executable_stamp() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{modified}", m.len())
        })
        .unwrap_or_default()
}

/// A temporary name beside `path` no other writer uses (process id and a counter), for a
/// write that is renamed into place.
fn temp_beside(path: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

/// The per-file cache in one folder, its shards read on first use.
pub struct DocCache {
    dir: PathBuf,
    salt: u64,
    shards: Vec<OnceLock<Shard>>,
    warnings: Mutex<Vec<Diagnostic>>,
}

impl DocCache {
    /// The cache in `dir` for entries made with `salt`. Nothing is read yet; a missing
    /// folder is an empty cache.
    pub fn open(dir: &Path, salt: u64) -> Self {
        Self {
            dir: dir.to_path_buf(),
            salt,
            shards: (0..SHARDS).map(|_| OnceLock::new()).collect(),
            warnings: Mutex::new(Vec::new()),
        }
    }

    fn shard(&self, index: usize) -> &Shard {
        self.shards[index].get_or_init(|| {
            let path = shard::path(&self.dir, index);
            let (shard, warning) = Shard::read(&path, self.salt);
            if let Some(why) = warning {
                let warning = Diagnostic::warning(
                    path.display().to_string(),
                    format!("the file cache is unusable: {why}; rebuilding it"),
                )
                .with_hint("nothing to do: pmkb rebuilds it from the content");
                self.warnings
                    .lock()
                    .expect("no panic while holding it")
                    .push(warning);
            }
            shard
        })
    }

    /// The cached entry of `key`, or None when there is none or it does not decode (then
    /// the file is analysed again and the entry replaced).
    pub fn get(&self, key: Key) -> Option<Analysed> {
        let bytes = self.shard(key.shard()).get(key)?;
        postcard::from_bytes(bytes).ok()
    }

    /// Replaces the cache's content with the entries of `keys`: each one's bytes in
    /// `fresh` (from [`encode`]) or, failing that, the ones already cached. Only the shards
    /// whose entries change are written; entries of other keys are dropped. Without any
    /// key (an empty or mistyped content folder) nothing is written.
    pub fn save(&self, keys: &[Key], fresh: &[(Key, Vec<u8>)]) {
        if keys.is_empty() {
            return;
        }
        let mut wanted: Vec<Vec<Key>> = vec![Vec::new(); SHARDS];
        for &key in keys {
            wanted[key.shard()].push(key);
        }
        let mut new: Vec<Vec<(Key, &[u8])>> = vec![Vec::new(); SHARDS];
        for (key, bytes) in fresh {
            new[key.shard()].push((*key, bytes.as_slice()));
        }
        let failures: Vec<Diagnostic> = wanted
            .into_par_iter()
            .zip(new)
            .enumerate()
            .filter_map(|(index, (mut keys, mut new))| {
                keys.sort_unstable();
                keys.dedup();
                new.sort_unstable_by_key(|&(key, _)| key);
                let old = self.shard(index);
                if new.is_empty() && old.holds_exactly(&keys) {
                    return None;
                }
                let entries: Vec<(Key, &[u8])> = keys
                    .iter()
                    .filter_map(|&key| {
                        let found = new.binary_search_by_key(&key, |&(k, _)| k).ok();
                        let found = found.map(|at| new[at].1).or_else(|| old.get(key));
                        found.map(|bytes| (key, bytes))
                    })
                    .collect();
                let path = shard::path(&self.dir, index);
                let written = shard::write(&self.dir, &path, self.salt, &entries);
                written.err().map(|e| {
                    Diagnostic::warning(
                        path.display().to_string(),
                        format!("cannot write the file cache: {e}"),
                    )
                    .with_hint(
                        "the site is built all the same; the next build analyses these files again",
                    )
                })
            })
            .collect();
        self.warnings
            .lock()
            .expect("no panic while holding it")
            .extend(failures);
    }

    /// The warnings about unusable or unwritable shards so far, taken out of the cache.
    pub fn take_warnings(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.warnings.lock().expect("no panic while holding it"))
    }
}
