//! The per-postmortem parts of the static index: what a result shows (fetched only for
//! the results on screen), the category filters and the year ranges.

use rayon::prelude::*;
use serde::Serialize;

use super::super::document::SearchText;
use super::encode::{gzip, ids};
use crate::kb::{CategoryUse, KnowledgeBase};

/// What the search page shows for one result.
#[derive(Serialize)]
struct Record<'a> {
    slug: &'a str,
    title: &'a str,
    date: Option<String>,
    /// `[slug, name]` of each root-cause category.
    root_causes: Vec<[&'a str; 2]>,
    /// `[slug, name]` of each measure category.
    measures: Vec<[&'a str; 2]>,
    /// The body, for the snippet.
    text: &'a str,
}

/// `d/N.bin`: the gzipped JSON record of postmortem N.
pub fn doc_files(kb: &KnowledgeBase, texts: &[SearchText]) -> Vec<(String, Vec<u8>)> {
    kb.postmortems
        .par_iter()
        .zip(texts)
        .enumerate()
        .map(|(ord, (pm, text))| {
            let record = Record {
                slug: &pm.slug,
                title: &pm.facts.title,
                date: pm
                    .facts
                    .started_at
                    .and_then(|m| m.to_export())
                    .map(|s| s.chars().take(10).collect()),
                root_causes: pairs(&pm.labels.root_causes, |s| {
                    kb.taxonomy.root_cause(s).map(|c| c.name.as_str())
                }),
                measures: pairs(&pm.labels.measures, |s| {
                    kb.taxonomy.measure(s).map(|c| c.name.as_str())
                }),
                text: &text.body,
            };
            let json = serde_json::to_vec(&record).expect("a record always serialises");
            (format!("d/{ord}.bin"), gzip(&json))
        })
        .collect()
}

/// `[slug, name]` of each slug that `name` knows.
fn pairs<'a>(slugs: &'a [String], name: impl Fn(&str) -> Option<&'a str>) -> Vec<[&'a str; 2]> {
    slugs
        .iter()
        .filter_map(|s| name(s).map(|n| [s.as_str(), n]))
        .collect()
}

/// The slugs of the categories in use, and `f/KEY/SLUG.bin` files listing their
/// postmortems (count, id gaps), for the page's category filters.
pub fn facet_files(key: &str, uses: &[CategoryUse]) -> (Vec<String>, Vec<(String, Vec<u8>)>) {
    let used: Vec<&CategoryUse> = uses.iter().filter(|u| !u.postmortems.is_empty()).collect();
    let files = used
        .iter()
        .map(|u| {
            let members: Vec<u32> = u.postmortems.iter().map(|&i| i as u32).collect();
            let mut bytes = Vec::new();
            ids(&mut bytes, &members);
            (format!("f/{key}/{}.bin", u.slug), bytes)
        })
        .collect();
    (used.iter().map(|u| u.slug.clone()).collect(), files)
}

/// `[year, first id, end id)` of each year: the knowledge base is sorted newest first,
/// so the postmortems of a year are a contiguous run of ids.
pub fn years(kb: &KnowledgeBase) -> Vec<[u32; 3]> {
    let mut years: Vec<[u32; 3]> = Vec::new();
    for (ord, pm) in kb.postmortems.iter().enumerate() {
        let Some(year) = pm.year().and_then(|y| u32::try_from(y).ok()) else {
            continue;
        };
        match years.last_mut() {
            Some(last) if last[0] == year => last[2] = ord as u32 + 1,
            _ => years.push([year, ord as u32, ord as u32 + 1]),
        }
    }
    years
}
