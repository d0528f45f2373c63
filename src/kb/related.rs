//! Related incidents: for each postmortem, the most similar others by BM25 over their
//! root-cause, timeline and measure texts (stems of the English analyzer, as search uses),
//! boosted by shared root-cause and measure categories. Deterministic: ties go by slug.
//!
//! Linear in the number of postmortems: terms are interned to ids (in string order, so
//! ties between terms break as before), candidates come from an inverted index whose
//! posting lists are ordered by how much a document scores for the term and cut at
//! [`POSTINGS_PER_TERM`] (impact-ordered postings), and each postmortem's best are kept
//! in a bounded shortlist that is then scored exactly. Below that cut (every knowledge
//! base of up to a few hundred postmortems) the result is the exhaustive one.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;

use super::Postmortem;
use crate::taxonomy::analyse;

/// How many related incidents a postmortem lists.
pub const MAX_RELATED: usize = 5;
/// How many of a postmortem's most distinctive terms make up its query (like
/// More-Like-This): enough to describe an incident, few enough to ignore filler words.
const QUERY_TERMS: usize = 25;
/// How many documents of a term's posting list (those it weighs most in) yield candidates:
/// bounds the work per postmortem whatever the size of the knowledge base.
pub const POSTINGS_PER_TERM: usize = 256;
/// How many candidates, by their score over the cut posting lists, are scored exactly.
const SHORTLIST: usize = 8 * MAX_RELATED;
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

/// One postmortem's text as interned term ids with their frequencies (sorted by id), and
/// its categories as interned ids.
struct Doc {
    terms: Vec<(u32, u32)>,
    len: f64,
    categories: Vec<u32>,
}

/// Everything scoring needs, built once per knowledge base.
struct Corpus {
    docs: Vec<Doc>,
    /// Per term: its idf.
    idf: Vec<f64>,
    /// Per term: (document, term frequency), the documents it weighs most in first, cut
    /// at [`POSTINGS_PER_TERM`].
    postings: Vec<Vec<(u32, u32)>>,
    /// Per category id: its postmortems, when there are at most [`POSTINGS_PER_TERM`].
    small_categories: Vec<Vec<u32>>,
    /// Each postmortem's root-cause and measure categories as one bit set of `words`
    /// words each, side by side: counting shared categories is a few popcounts.
    labels: Vec<u64>,
    /// Words per bit set.
    words: usize,
    avg_len: f64,
    /// Each postmortem's position in slug order, for tie-breaking without strings.
    slug_rank: Vec<u32>,
}

/// The related incidents of every postmortem, in the same order, best first.
pub fn related(postmortems: &[Postmortem]) -> Vec<Vec<Related>> {
    let corpus = Corpus::new(postmortems);
    let n = postmortems.len();
    (0..n)
        .into_par_iter()
        .map_init(
            || Scratch {
                score: vec![0.0; n],
                stamp: vec![u32::MAX; n],
                touched: Vec::new(),
            },
            |scratch, a| {
                corpus
                    .best(a, scratch)
                    .into_iter()
                    .map(|(index, score)| {
                        let (pa, pb) = (&postmortems[a].labels, &postmortems[index].labels);
                        Related {
                            index,
                            score,
                            root_causes: shared(&pa.root_causes, &pb.root_causes),
                            measures: shared(&pa.measures, &pb.measures),
                        }
                    })
                    .collect()
            },
        )
        .collect()
}

/// Per-thread accumulators, reused from one postmortem to the next.
struct Scratch {
    score: Vec<f64>,
    stamp: Vec<u32>,
    touched: Vec<u32>,
}

impl Scratch {
    fn add(&mut self, epoch: u32, doc: u32, value: f64) {
        let d = doc as usize;
        if self.stamp[d] != epoch {
            self.stamp[d] = epoch;
            self.score[d] = 0.0;
            self.touched.push(doc);
        }
        self.score[d] += value;
    }
}

/// A scored candidate, ordered best first (higher score, then earlier slug).
#[derive(PartialEq)]
struct Candidate {
    score: f64,
    slug_rank: u32,
    index: u32,
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.slug_rank.cmp(&other.slug_rank))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Corpus {
    fn new<'p>(postmortems: &'p [Postmortem]) -> Self {
        let (interned, terms) = intern_terms(postmortems);
        let mut categories: HashMap<&'p str, u32> = HashMap::default();
        let mut intern = |slugs: &'p [String]| -> Vec<u32> {
            slugs
                .iter()
                .map(|s| {
                    let next = categories.len() as u32;
                    *categories.entry(s.as_str()).or_insert(next)
                })
                .collect()
        };
        let mut docs = Vec::with_capacity(postmortems.len());
        let mut kinds: Vec<(Vec<u32>, Vec<u32>)> = Vec::with_capacity(postmortems.len());
        for ((terms, len), pm) in interned.into_iter().zip(postmortems) {
            let causes = intern(&pm.labels.root_causes);
            let measures = intern(&pm.labels.measures);
            docs.push(Doc {
                terms,
                len,
                categories: causes.iter().chain(&measures).copied().collect(),
            });
            kinds.push((causes, measures));
        }
        let category_count = categories.len();
        let words = category_count.div_ceil(64).max(1);
        let mut labels = vec![0u64; kinds.len() * 2 * words];
        for (i, (causes, measures)) in kinds.iter().enumerate() {
            for (k, ids) in [causes, measures].into_iter().enumerate() {
                let set = &mut labels[(2 * i + k) * words..(2 * i + k + 1) * words];
                for &id in ids {
                    set[id as usize / 64] |= 1 << (id % 64);
                }
            }
        }
        let n = docs.len() as f64;
        let avg_len = (docs.iter().map(|d| d.len).sum::<f64>() / n.max(1.0)).max(1.0);
        let mut postings: Vec<Vec<(u32, u32)>> = vec![Vec::new(); terms];
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); category_count];
        for (i, d) in docs.iter().enumerate() {
            for &(term, tf) in &d.terms {
                postings[term as usize].push((i as u32, tf));
            }
            for &c in &d.categories {
                members[c as usize].push(i as u32);
            }
        }
        let idf = postings
            .iter()
            .map(|list| {
                let k = list.len() as f64;
                (1.0 + (n - k + 0.5) / (k + 0.5)).ln()
            })
            .collect();
        postings.par_iter_mut().for_each(|list| {
            if list.len() > POSTINGS_PER_TERM {
                let weight = |&(doc, tf): &(u32, u32)| {
                    saturation(f64::from(tf), docs[doc as usize].len, avg_len)
                };
                list.sort_by(|x, y| weight(y).total_cmp(&weight(x)).then(x.0.cmp(&y.0)));
                list.truncate(POSTINGS_PER_TERM);
                list.shrink_to_fit();
            }
        });
        for list in &mut members {
            if list.len() > POSTINGS_PER_TERM {
                *list = Vec::new();
            }
        }
        let mut by_slug: Vec<u32> = (0..postmortems.len() as u32).collect();
        by_slug.par_sort_by(|&x, &y| {
            postmortems[x as usize]
                .slug
                .cmp(&postmortems[y as usize].slug)
        });
        let mut slug_rank = vec![0; postmortems.len()];
        for (rank, &i) in by_slug.iter().enumerate() {
            slug_rank[i as usize] = rank as u32;
        }
        Self {
            docs,
            idf,
            postings,
            small_categories: members,
            labels,
            words,
            avg_len,
            slug_rank,
        }
    }

    /// The related incidents of postmortem `a` with their scores, best first.
    fn best(&self, a: usize, scratch: &mut Scratch) -> Vec<(usize, f64)> {
        let doc = &self.docs[a];
        let query = self.query(doc);
        let own = self.text_score(&query, doc);
        let epoch = a as u32;
        scratch.touched.clear();
        for &(term, weight) in &query {
            for &(b, tf) in &self.postings[term as usize] {
                let len = self.docs[b as usize].len;
                scratch.add(
                    epoch,
                    b,
                    weight * saturation(f64::from(tf), len, self.avg_len),
                );
            }
        }
        for &c in &doc.categories {
            for &b in &self.small_categories[c as usize] {
                scratch.add(epoch, b, 0.0);
            }
        }
        // The best candidates by their score over the cut lists, then exactly.
        let mut shortlist: BinaryHeap<Candidate> = BinaryHeap::with_capacity(SHORTLIST + 1);
        for &b in &scratch.touched {
            if b as usize == a {
                continue;
            }
            let text = if own > 0.0 {
                scratch.score[b as usize] / own
            } else {
                0.0
            };
            let candidate = self.candidate(a, b, text);
            if shortlist.len() < SHORTLIST {
                shortlist.push(candidate);
            } else if shortlist.peek().is_some_and(|worst| candidate < *worst) {
                shortlist.pop();
                shortlist.push(candidate);
            }
        }
        let mut found: Vec<Candidate> = shortlist
            .into_iter()
            .map(|c| {
                let other = &self.docs[c.index as usize];
                let text = if own > 0.0 {
                    self.text_score(&query, other) / own
                } else {
                    0.0
                };
                self.candidate(a, c.index, text)
            })
            .filter(|c| c.score > 0.0)
            .collect();
        found.sort_unstable();
        found.truncate(MAX_RELATED);
        found
            .into_iter()
            .map(|c| (c.index as usize, c.score))
            .collect()
    }

    /// Candidate `b` for postmortem `a` with its text score and category boosts.
    fn candidate(&self, a: usize, b: u32, text: f64) -> Candidate {
        let score = text
            + ROOT_CAUSE_BOOST * self.common(a, b as usize, 0) as f64
            + MEASURE_BOOST * self.common(a, b as usize, 1) as f64;
        Candidate {
            score,
            slug_rank: self.slug_rank[b as usize],
            index: b,
        }
    }

    /// How many categories of kind `kind` (0 root causes, 1 measures) `a` and `b` share.
    fn common(&self, a: usize, b: usize, kind: usize) -> u32 {
        let set = |i: usize| &self.labels[(2 * i + kind) * self.words..][..self.words];
        set(a)
            .iter()
            .zip(set(b))
            .map(|(x, y)| (x & y).count_ones())
            .sum()
    }

    /// A document's most distinctive terms with their idf as weight, most distinctive
    /// first (ties by term, which ids follow).
    fn query(&self, doc: &Doc) -> Vec<(u32, f64)> {
        let mut terms: Vec<(u32, f64, f64)> = doc
            .terms
            .iter()
            .map(|&(t, tf)| {
                let idf = self.idf[t as usize];
                (t, idf, f64::from(tf) * idf)
            })
            .collect();
        terms.sort_by(|x, y| y.2.total_cmp(&x.2).then(x.0.cmp(&y.0)));
        terms.truncate(QUERY_TERMS);
        terms.into_iter().map(|(t, w, _)| (t, w)).collect()
    }

    /// BM25 of `doc` for `query`.
    fn text_score(&self, query: &[(u32, f64)], doc: &Doc) -> f64 {
        query
            .iter()
            .map(|&(term, weight)| {
                let tf = doc
                    .terms
                    .binary_search_by_key(&term, |&(t, _)| t)
                    .map_or(0, |i| doc.terms[i].1);
                weight * saturation(f64::from(tf), doc.len, self.avg_len)
            })
            .sum()
    }
}

/// A postmortem's (term id, frequency) pairs sorted by id, and its length in terms.
type TermCounts = (Vec<(u32, u32)>, f64);

/// Each postmortem's terms as (term id, frequency) sorted by id, with its length; and how
/// many distinct terms there are. Ids follow the terms' string order.
fn intern_terms(postmortems: &[Postmortem]) -> (Vec<TermCounts>, usize) {
    let texts: Vec<HashMap<String, u32>> = postmortems.par_iter().map(term_counts).collect();
    let mut vocabulary: Vec<&str> = {
        let mut seen: HashSet<&str> = HashSet::default();
        for counts in &texts {
            seen.extend(counts.keys().map(String::as_str));
        }
        seen.into_iter().collect()
    };
    vocabulary.par_sort_unstable();
    let ids: HashMap<&str, u32> = vocabulary
        .iter()
        .enumerate()
        .map(|(id, t)| (*t, id as u32))
        .collect();
    let docs = texts
        .par_iter()
        .map(|counts| {
            let mut terms: Vec<(u32, u32)> = counts
                .iter()
                .map(|(t, &tf)| (ids[t.as_str()], tf))
                .collect();
            terms.sort_unstable();
            let len = f64::from(terms.iter().map(|&(_, tf)| tf).sum::<u32>());
            (terms, len)
        })
        .collect();
    (docs, vocabulary.len())
}

/// BM25's per-term factor for term frequency `tf` in a document of `len` terms.
fn saturation(tf: f64, len: f64, avg_len: f64) -> f64 {
    tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg_len))
}

/// The text that says what an incident was about (why, what happened, what will change),
/// as stem counts.
fn term_counts(pm: &Postmortem) -> HashMap<String, u32> {
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
    let mut tf: HashMap<String, u32> = HashMap::default();
    for stem in analyse(&text) {
        // Numbers and short stems (times, "db", "to") say little about the incident.
        if stem.len() < 3 || !stem.chars().any(char::is_alphabetic) {
            continue;
        }
        *tf.entry(stem).or_default() += 1;
    }
    tf
}

/// Whether [`related`] gives the same result for `a` as for `b`: the same postmortems in
/// the same order as far as it reads them (slug, labels and the texts of
/// [`term_counts`]), so `pmkb serve` keeps the related incidents of the last build after
/// an edit that does not touch them.
pub fn same_inputs(a: &[Postmortem], b: &[Postmortem]) -> bool {
    fn texts(pm: &Postmortem) -> Vec<&str> {
        let facts = &pm.facts;
        let timeline = facts.timeline.iter().map(|e| e.text.as_str());
        let measures = facts.measures.iter().map(|m| m.text.as_str());
        std::iter::once(facts.root_cause_text.as_str())
            .chain(timeline)
            .chain(std::iter::once("\0"))
            .chain(measures)
            .collect()
    }
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.slug == y.slug
                && x.labels.root_causes == y.labels.root_causes
                && x.labels.measures == y.labels.measures
                && texts(x) == texts(y)
        })
}

/// The slugs of `a` that are also in `b`, in `a`'s order.
fn shared(a: &[String], b: &[String]) -> Vec<String> {
    a.iter().filter(|s| b.contains(s)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_order_best_first_then_by_slug() {
        let c = |score, slug_rank| Candidate {
            score,
            slug_rank,
            index: 0,
        };
        let mut list = [c(0.5, 2), c(0.9, 3), c(0.5, 1)];
        list.sort();
        let order: Vec<u32> = list.iter().map(|c| c.slug_rank).collect();
        assert_eq!(order, [3, 1, 2]);
    }
}
