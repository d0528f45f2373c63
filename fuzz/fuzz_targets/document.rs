//! Fuzz target: a whole postmortem — front matter, Markdown blocks, extraction and
//! classification — never panics, whatever the file holds.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pmkb::discover::SourceFile;
use pmkb::taxonomy::Taxonomy;

fuzz_target!(|text: &str| {
    static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();
    let taxonomy = TAXONOMY.get_or_init(Taxonomy::builtin);
    let source = SourceFile {
        rel_path: "fuzz/README.md".to_owned(),
        text: text.to_owned(),
    };
    let (document, _) = pmkb::parse::parse(&source);
    let (facts, _) = pmkb::extract::extract(&document);
    let _ = pmkb::classify::classify(&source.rel_path, &document.front_matter, &facts, taxonomy);
    assert!(!facts.title.is_empty());
});
