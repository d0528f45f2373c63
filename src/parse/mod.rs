//! Parsing: a source file's text into front matter and a flat list of Markdown blocks.
//!
//! Parsing never fails: a broken front matter block becomes a diagnostic and the body is
//! still parsed, so the postmortem keeps its page.

mod blocks;
mod front_matter;

pub use blocks::{Block, BlockKind, parse_blocks};
pub use front_matter::{FrontMatter, split_front_matter, zone_offset};

use crate::diagnostics::Diagnostic;
use crate::discover::SourceFile;

/// A parsed postmortem: what its author declared and what its Markdown says.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Document {
    /// Path relative to the content folder, `/`-separated.
    pub rel_path: String,
    /// Values declared in front matter (all absent when there is none).
    pub front_matter: FrontMatter,
    /// The Markdown after the front matter.
    pub body: String,
    /// The 1-based line of the file where `body` starts, to report body lines in file terms.
    pub body_line: usize,
    /// The body's blocks in document order.
    pub blocks: Vec<Block>,
}

/// Parses one source file, returning the document and whatever was wrong with it.
pub fn parse(source: &SourceFile) -> (Document, Vec<Diagnostic>) {
    let (front_matter, body, body_line, diagnostics) =
        split_front_matter(&source.rel_path, &source.text);
    let blocks = parse_blocks(body, body_line);
    let document = Document {
        rel_path: source.rel_path.clone(),
        front_matter,
        body: body.to_owned(),
        body_line,
        blocks,
    };
    (document, diagnostics)
}
