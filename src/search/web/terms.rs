//! The words of the static index: every word form of the corpus with its stem, from the
//! very analyzer the tantivy index uses, and every stem's postings with the scores
//! tantivy gives them — so the search page needs neither a stemmer nor BM25.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use tantivy::tokenizer::TextAnalyzer;

use super::super::SearchError;
use super::super::document::SearchText;
use super::super::store::SearchIndex;
use super::encode::{ids, string, varint};
use crate::search::analysis::form_analyzer;

/// Stem → the folded word forms that analyse to it.
pub type Vocabulary = BTreeMap<String, BTreeSet<String>>;

/// Every stem of `texts` with its word forms.
pub fn vocabulary(texts: &[SearchText]) -> Vocabulary {
    texts
        .par_iter()
        .fold(
            || (form_analyzer(), Vocabulary::new()),
            |(mut forms, mut vocabulary), text| {
                for field in text.fields() {
                    add_words(&mut forms, field, &mut vocabulary);
                }
                (forms, vocabulary)
            },
        )
        .map(|(_, vocabulary)| vocabulary)
        .reduce(Vocabulary::new, |mut a, b| {
            for (stem, forms) in b {
                a.entry(stem).or_default().extend(forms);
            }
            a
        })
}

/// Each token's stem with its folded form: the form analyzer's tokens stemmed as the
/// search analyzer does (`form_analyzer` is `search_analyzer` without its stemmer).
fn add_words(forms: &mut TextAnalyzer, text: &str, vocabulary: &mut Vocabulary) {
    for form in crate::taxonomy::stems(forms, text) {
        let stem = crate::taxonomy::stem(&form);
        vocabulary.entry(stem).or_default().insert(form);
    }
}

/// Word-shard entries, keyed by form: the form and its stem.
pub fn word_entries(vocabulary: &Vocabulary) -> Vec<(String, Vec<u8>)> {
    let mut entries: Vec<(String, Vec<u8>)> = vocabulary
        .iter()
        .flat_map(|(stem, forms)| {
            forms.iter().map(move |form| {
                let mut entry = Vec::new();
                string(&mut entry, form);
                string(&mut entry, stem);
                (form.clone(), entry)
            })
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries
}

/// Stem-shard entries, keyed by stem: forms, distinct scores, postings. Each stem is
/// scored by running one of its forms as a `pmkb search` query.
pub fn stem_entries(
    index: &SearchIndex,
    vocabulary: &Vocabulary,
) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    let entries: Vec<Option<(String, Vec<u8>)>> = vocabulary
        .par_iter()
        .map(|(stem, forms)| {
            let Some(form) = forms.first() else {
                return Ok(None);
            };
            let Ok(query) = index.parse(form) else {
                return Ok(None);
            };
            let mut found: Vec<(u32, f32)> = index
                .matches(&*query, Vec::new())?
                .into_iter()
                .map(|s| (s.ord, s.score))
                .collect();
            found.sort_by_key(|&(ord, _)| ord);
            Ok(Some((stem.clone(), stem_entry(stem, forms, &found))))
        })
        .collect::<Result<_, SearchError>>()?;
    Ok(entries.into_iter().flatten().collect())
}

fn stem_entry(stem: &str, forms: &BTreeSet<String>, postings: &[(u32, f32)]) -> Vec<u8> {
    let mut entry = Vec::new();
    string(&mut entry, stem);
    varint(&mut entry, forms.len() as u64);
    forms.iter().for_each(|f| string(&mut entry, f));
    let mut scores: Vec<f32> = postings.iter().map(|&(_, s)| s).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    scores.dedup_by(|a, b| a.to_bits() == b.to_bits());
    varint(&mut entry, scores.len() as u64);
    scores
        .iter()
        .for_each(|s| entry.extend_from_slice(&s.to_le_bytes()));
    let ords: Vec<u32> = postings.iter().map(|&(ord, _)| ord).collect();
    ids(&mut entry, &ords);
    if scores.len() > 1 {
        for &(_, score) in postings {
            // `scores` is sorted by descending `total_cmp`, so search with the reverse order.
            let at = scores.binary_search_by(|s| score.total_cmp(s));
            varint(&mut entry, at.unwrap_or(0) as u64);
        }
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_folded_and_share_a_stem() {
        let mut vocabulary = Vocabulary::new();
        add_words(
            &mut form_analyzer(),
            "Outages: the outage, OUTAGED! Zürich, Zu\u{308}rich",
            &mut vocabulary,
        );
        let forms: Vec<&str> = vocabulary["outag"].iter().map(String::as_str).collect();
        assert_eq!(forms, ["outage", "outaged", "outages"]);
        assert_eq!(vocabulary["zurich"].len(), 1);
    }
}
