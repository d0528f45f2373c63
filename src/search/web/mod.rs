//! The static search index: files under `search/` of the site that `theme/static/search.js`
//! reads to answer queries in the browser, with no server, downloading only what a query
//! needs. Built from the same analysis and the same scores as `pmkb search`.
//!
//! # Format
//!
//! Integers are unsigned LEB128 varints; a string is its varint byte length and UTF-8
//! bytes; an id list is a count then the gaps between ascending ids (the first from 0).
//! Doc ids are positions in the knowledge base (newest first).
//!
//! - `search/index.json`, the manifest (the only file not content-addressed):
//!   `{"id": ID, "docs": N, "words": W, "stems": S, "years": [[YEAR, FIRST, END], …],
//!   "facets": {"root-causes": [SLUG, …], "measures": [SLUG, …]}}`.
//!   `ID` is a hash of every other file, which all live under `search/ID/` and so can be
//!   cached forever. A year's postmortems are the ids `FIRST..END`.
//! - `search/ID/w/HEX.bin`, word shards: the folded word forms (see
//!   [`analysis`](super::analysis)) whose 32-bit FNV-1a hash modulo `W` is `HEX` (lowercase
//!   hex). A count, then per form (sorted): form, stem. The page looks a form up here and
//!   stems only the forms no postmortem uses.
//! - `search/ID/p/HEX.bin`, prefix shards (`"prefixes": P` in the manifest): keyed by the
//!   first three characters of the forms longer than that, hashed as above modulo `P`. A
//!   count, then per key: the key; a count and per form (at most 64, shortest first) the
//!   form and its stem. The page matches the word being typed as a prefix with them.
//! - `search/ID/s/HEX.bin`, stem shards: the stems whose hash modulo `S` is `HEX`. A count,
//!   then per stem (sorted): the stem; a count and its forms (to highlight); a count and
//!   its distinct scores as little-endian `f32`, descending; its id list; then, when it
//!   has more than one distinct score, each posting's index into the scores.
//! - `search/ID/f/root-causes/SLUG.bin`, `search/ID/f/measures/SLUG.bin`: the id list of
//!   a category's postmortems, for the filters.
//! - `search/ID/d/N.bin`: gzipped JSON of postmortem N (`slug`, `title`, `date`,
//!   `root_causes` and `measures` as `[slug, name]` pairs, `text` for the snippet).
//!
//! A query splits into words as [`analysis`](super::analysis) does (folded, CJK pairs,
//! apostrophes kept inside words; 40 bytes or longer dropped; `search.js` ports it with
//! the Snowball English stemmer), looks each word's stem up (one word shard and one stem
//! shard per word), keeps the ids every word matches, adds their scores
//! in `f32`, filters, ranks by score then id, and fetches the `d` files of the results on
//! screen. A stem's scores are tantivy's for a one-word `pmkb search` of it, and an
//! all-words query scores the sum of its words, so the page ranks like the terminal.

mod encode;
mod prefixes;
mod records;
mod terms;

use serde::Serialize;

use super::SearchError;
use super::document::SearchText;
use super::hash::fnv1a64;
use super::store::SearchIndex;
use crate::kb::KnowledgeBase;
use crate::output::OutputFile;
use encode::Shards;

/// About how many bytes a shard holds: a query downloads about this much per word.
const SHARD_BYTES: usize = 4 * 1024;

#[derive(Serialize)]
struct Manifest {
    id: String,
    docs: usize,
    words: u32,
    stems: u32,
    prefixes: u32,
    years: Vec<[u32; 3]>,
    facets: Facets,
}

#[derive(Serialize)]
struct Facets {
    #[serde(rename = "root-causes")]
    root_causes: Vec<String>,
    measures: Vec<String>,
}

/// The static index of `kb` (which `index` was built from), as site files under `search/`.
pub fn export(index: &SearchIndex, kb: &KnowledgeBase) -> Result<Vec<OutputFile>, SearchError> {
    let texts: Vec<SearchText> = kb
        .postmortems
        .iter()
        .map(|pm| SearchText::of(kb, pm))
        .collect();
    let vocabulary = terms::vocabulary(&texts);
    let words = Shards::new(&terms::word_entries(&vocabulary), SHARD_BYTES);
    let stems = Shards::new(&terms::stem_entries(index, &vocabulary)?, SHARD_BYTES);
    let prefixes = Shards::new(&prefixes::prefix_entries(&vocabulary), SHARD_BYTES);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (dir, shards) in [("w", &words), ("s", &stems), ("p", &prefixes)] {
        for (bucket, bytes) in shards.files.iter().enumerate() {
            files.push((format!("{dir}/{bucket:x}.bin"), bytes.clone()));
        }
    }
    let (root_causes, facet_files) = records::facet_files("root-causes", &kb.root_causes);
    files.extend(facet_files);
    let (measures, facet_files) = records::facet_files("measures", &kb.measures);
    files.extend(facet_files);
    files.extend(records::doc_files(kb, &texts));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let id = format!(
        "{:016x}",
        fnv1a64(
            files
                .iter()
                .flat_map(|(path, bytes)| [path.as_bytes(), bytes.as_slice()])
        )
    );
    let manifest = Manifest {
        id: id.clone(),
        docs: kb.postmortems.len(),
        words: words.count,
        stems: stems.count,
        prefixes: prefixes.count,
        years: records::years(kb),
        facets: Facets {
            root_causes,
            measures,
        },
    };
    let mut out = vec![OutputFile {
        path: "search/index.json".to_owned(),
        bytes: serde_json::to_vec(&manifest).expect("the manifest always serialises"),
    }];
    out.extend(files.into_iter().map(|(path, bytes)| OutputFile {
        path: format!("search/{id}/{path}"),
        bytes,
    }));
    Ok(out)
}
