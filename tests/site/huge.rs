//! Huge documents build whole: 100,000 headings, list items, nested quotes and nested raw
//! `<div>`s, each under the size limit, in one site. Their build time is a benchmark figure
//! (README "Bad input"), not asserted here: a timed test fails on a busy machine, and a
//! quadratic cost at this size would not finish at all.

use std::time::Instant;

use crate::support::build;

#[test]
fn documents_with_100_000_blocks_build_in_reasonable_time() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir(&content).unwrap();
    let n = 100_000;
    let write = |name: &str, text: String| std::fs::write(content.join(name), text).unwrap();
    write(
        "headings.md",
        (0..n).map(|i| format!("## Heading {i}\n\n")).collect(),
    );
    write(
        "items.md",
        "## Action items\n\n".to_owned()
            + &(0..n).map(|i| format!("- item {i}\n")).collect::<String>(),
    );
    write("quotes.md", format!("# Quotes\n\n{} deep\n", ">".repeat(n)));
    write(
        "divs.md",
        format!(
            "# Divs\n\n{}deep{}\n",
            "<div>".repeat(n),
            "</div>".repeat(n)
        ),
    );
    let start = Instant::now();
    let site = build(dir.path(), Some(&content), None);
    let took = start.elapsed();
    println!("built 4 documents of {n} blocks in {took:?}");
    assert_eq!(site.report.postmortems, 4);
    assert!(
        site.report.diagnostics.is_empty(),
        "{:?}",
        site.report.diagnostics
    );
    let items = std::fs::read_to_string(site.out.join("postmortems/items/index.html")).unwrap();
    assert!(items.contains("item 99999"));
}
