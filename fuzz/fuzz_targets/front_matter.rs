//! Fuzz target: splitting front matter from any text never panics, and the body it returns
//! is the end of the text, starting on the line it reports.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (_, body, body_line, _) = pmkb::parse::split_front_matter("fuzz.md", text);
    assert!(text.ends_with(body));
    let before = &text[..text.len() - body.len()];
    let lines_before = before.matches('\n').count();
    assert!(body_line == 1 || body_line == lines_before + 1);
});
