//! Related incidents: for each postmortem, the most similar others by BM25 over their
//! root-cause, timeline and measure texts (stems of the English analyzer, as search uses),
//! boosted by shared root-cause and measure categories. Deterministic: ties go by slug.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::Postmortem;
use crate::taxonomy::analyse;

/// How many related incidents a postmortem lists.
pub const MAX_RELATED: usize = 5;
/// How many of a postmortem's most distinctive terms make up its query (like
/// More-Like-This): enough to describe an incident, few enough to ignore filler words.
const QUERY_TERMS: usize = 25;
/// BM25 term-frequency saturation.
const K1: f64 = 1.2;
/// BM25 length normalisation.
const B: f64 = 0.75;
/// Added to the (self-normalised, at most about 1) text score per shared root-cause category:
/// the same cause is the strongest sign of the same lesson.
const ROOT_CAUSE_BOOST: f64 = 0.3;
/// Added per shared measure category.
const MEASURE_BOOST: f64 = 0.1;

/// One related incident and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    /// Index into [`super::KnowledgeBase::postmortems`].
    pub index: usize,
    /// Text similarity plus category boosts.
    pub score: f64,
    /// Root-cause categories both share.
    pub root_causes: Vec<String>,
    /// Measure categories both share.
    pub measures: Vec<String>,
}

/// Term frequencies and length of one postmortem's text.
struct Doc {
    tf: BTreeMap<String, u32>,
    len: f64,
}

/// The related incidents of every postmortem, in the same order, best first.
pub fn related(postmortems: &[Postmortem]) -> Vec<Vec<Related>> {
    let docs: Vec<Doc> = postmortems.par_iter().map(doc).collect();
    let n = docs.len() as f64;
    let mut df: BTreeMap<&str, u32> = BTreeMap::new();
    for d in &docs {
        for term in d.tf.keys() {
            *df.entry(term).or_default() += 1;
        }
    }
    let idf = |term: &str| {
        let k = f64::from(df.get(term).copied().unwrap_or(0));
        (1.0 + (n - k + 0.5) / (k + 0.5)).ln()
    };
    let avg_len = (docs.iter().map(|d| d.len).sum::<f64>() / n.max(1.0)).max(1.0);
    let bm25 = |query: &[(&str, f64)], d: &Doc| -> f64 {
        query
            .iter()
            .map(|(term, weight)| {
                let tf = f64::from(d.tf.get(*term).copied().unwrap_or(0));
                weight * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * d.len / avg_len))
            })
            .sum()
    };
    (0..postmortems.len())
        .into_par_iter()
        .map(|a| {
            let query = query_terms(&docs[a], &idf);
            let own = bm25(&query, &docs[a]);
            let mut found: Vec<Related> = (0..postmortems.len())
                .filter(|&b| b != a)
                .filter_map(|b| {
                    let text = if own > 0.0 {
                        bm25(&query, &docs[b]) / own
                    } else {
                        0.0
                    };
                    let (pa, pb) = (&postmortems[a].labels, &postmortems[b].labels);
                    let root_causes = shared(&pa.root_causes, &pb.root_causes);
                    let measures = shared(&pa.measures, &pb.measures);
                    let score = text
                        + ROOT_CAUSE_BOOST * root_causes.len() as f64
                        + MEASURE_BOOST * measures.len() as f64;
                    (score > 0.0).then_some(Related {
                        index: b,
                        score,
                        root_causes,
                        measures,
                    })
                })
                .collect();
            found.sort_by(|x, y| {
                y.score
                    .total_cmp(&x.score)
                    .then_with(|| postmortems[x.index].slug.cmp(&postmortems[y.index].slug))
            });
            found.truncate(MAX_RELATED);
            found
        })
        .collect()
}

/// The text that says what an incident was about: why, what happened, what will change.
fn doc(pm: &Postmortem) -> Doc {
    let facts = &pm.facts;
    let mut text = facts.root_cause_text.clone();
    for entry in &facts.timeline {
        text.push('\n');
        text.push_str(&entry.text);
    }
    for item in &facts.measures {
        text.push('\n');
        text.push_str(&item.text);
    }
    let mut tf: BTreeMap<String, u32> = BTreeMap::new();
    let mut len = 0.0;
    for stem in analyse(&text) {
        // Numbers and short stems (times, "db", "to") say little about the incident.
        if stem.len() < 3 || !stem.chars().any(char::is_alphabetic) {
            continue;
        }
        *tf.entry(stem).or_default() += 1;
        len += 1.0;
    }
    Doc { tf, len }
}

/// A document's most distinctive terms with their idf as weight, in a fixed order.
fn query_terms<'d>(d: &'d Doc, idf: &dyn Fn(&str) -> f64) -> Vec<(&'d str, f64)> {
    let mut terms: Vec<(&str, f64, f64)> =
        d.tf.iter()
            .map(|(t, &tf)| (t.as_str(), idf(t), f64::from(tf) * idf(t)))
            .collect();
    terms.sort_by(|x, y| y.2.total_cmp(&x.2).then_with(|| x.0.cmp(y.0)));
    terms.truncate(QUERY_TERMS);
    terms.into_iter().map(|(t, w, _)| (t, w)).collect()
}

/// The slugs of `a` that are also in `b`, in `a`'s order.
fn shared(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|s| b.contains(s)).cloned().collect()
}
