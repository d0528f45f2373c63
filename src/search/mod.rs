//! Search: a tantivy index of the knowledge base for `pmkb search`, and the static index
//! the site's search page reads. Both come from one text analysis ([`analysis`]: any
//! language, ported to `search.js`) and one scoring path, so the terminal and the site
//! rank alike.
//!
//! The tantivy index lives in a cache folder (`index_dir`, default `.pmkb/index/`), is
//! updated in place under tantivy's writer lock when its fingerprint — the stamps of the
//! content and settings — changes, and is checked before it is trusted (see `cache`).
//! The static index is returned as [`OutputFile`](crate::output::OutputFile) values; see
//! [`web`].

pub mod analysis;
mod cache;
mod collect;
mod document;
mod hash;
mod index;
mod query;
mod schema;
mod store;
pub mod web;

pub use query::{Hit, Request, Snippet};
pub use store::{SearchIndex, fingerprint};

use std::path::PathBuf;

/// Why searching or indexing failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query is not valid tantivy query syntax.
    #[error(
        "cannot parse the query `{query}`: {message}\n  \
         (syntax: words, \"a phrase\", field:word, AND / OR / NOT, +required -excluded; \
         fields: title, body, root_cause, timeline, measures, services, tags)"
    )]
    Query {
        /// The query as given.
        query: String,
        /// tantivy's explanation.
        message: String,
    },
    /// The options of a search do not make sense (`--limit 0`, an unknown category).
    #[error("{0}")]
    Usage(String),
    /// tantivy failed to read or write the index.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index folder could not be written.
    #[error("cannot write the search index in {path}: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}
