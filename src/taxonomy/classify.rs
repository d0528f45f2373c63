//! Rule matching: compiles a category's phrases into stem patterns and scores text against them.

use rustc_hash::FxHashSet;
use tantivy::tokenizer::TextAnalyzer;

use super::TaxonomyError;
use super::analyze::{Analysed, stems};
use super::stem::stem_id;

/// One compiled phrase: a sequence of positions, each accepting any of a few stems.
///
/// Phrase syntax (all parts optional but the words):
/// `word word|alt prefix*~2^0.5`
/// - words are analysed with the English analyzer, so "configurations" matches "configured";
/// - `a|b` at one position accepts either word (each alternative must be one word);
/// - `word*` matches any word whose stem starts with `word` (lowercased, not stemmed), or whose
///   stem (5+ letters) is the start of `word`;
/// - `=word` matches the word exactly as written (lowercased, not stemmed): "=paged" does
///   not match "page", whose stem it shares;
/// - `~N` lets up to N other words sit between the phrase's words (in order);
/// - `^W` gives the phrase weight W (default 1.0).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern {
    positions: Vec<Vec<Alt>>,
    slop: usize,
    /// Score this phrase adds when it occurs.
    pub(crate) weight: f32,
}

/// Shortest stem accepted as a cut-down form of a `word*` prefix (it must also miss at most
/// three of the prefix's letters).
const MIN_CUT_STEM: usize = 5;

#[derive(Debug, Clone, PartialEq)]
enum Alt {
    /// A stem, by its [`stem_id`].
    Exact(u32),
    Prefix(String),
    Written(String),
}

impl Alt {
    /// Whether the word at `at` of `text` fits this alternative.
    fn accepts(&self, text: &Analysed, at: usize) -> bool {
        match self {
            Alt::Exact(id) => *id == text.stem_id(at),
            Alt::Written(w) => text.words.get(at).is_some_and(|word| word == w),
            // The stemmer may cut inside the prefix ("autoscaling" -> "autosc"), so a stem that is
            // itself a long-enough start of the prefix also counts.
            Alt::Prefix(p) => {
                let stem = text.stems[at].as_str();
                stem.starts_with(p.as_str())
                    || (stem.len() >= MIN_CUT_STEM
                        && stem.len() + 3 >= p.len()
                        && p.starts_with(stem))
            }
        }
    }
}

impl Pattern {
    /// Parses and analyses one phrase of category `slug`.
    pub(crate) fn compile(
        analyzer: &mut TextAnalyzer,
        slug: &str,
        phrase: &str,
    ) -> Result<Pattern, TaxonomyError> {
        let bad = |reason: &str| TaxonomyError::BadPhrase {
            slug: slug.to_string(),
            phrase: phrase.to_string(),
            reason: reason.to_string(),
        };
        let mut body = phrase.trim();
        let mut weight = 1.0f32;
        if let Some((head, w)) = body.rsplit_once('^') {
            weight = w
                .trim()
                .parse()
                .map_err(|_| bad("the weight after '^' is not a number"))?;
            if !weight.is_finite() {
                return Err(bad("the weight after '^' is not finite"));
            }
            body = head;
        }
        let mut slop = 0usize;
        if let Some((head, s)) = body.rsplit_once('~') {
            slop = s
                .trim()
                .parse()
                .map_err(|_| bad("the gap after '~' is not a whole number"))?;
            body = head;
        }
        let mut positions = Vec::new();
        for word in body.split_whitespace() {
            if word.contains('|') {
                let mut alts = Vec::new();
                for alt in word.split('|') {
                    let mut got = compile_word(analyzer, alt);
                    if alt.is_empty() || got.len() != 1 || got[0].len() != 1 {
                        return Err(bad(&format!(
                            "alternative '{alt}' must be exactly one word"
                        )));
                    }
                    alts.push(got.remove(0).remove(0));
                }
                positions.push(alts);
            } else {
                positions.extend(compile_word(analyzer, word));
            }
        }
        if positions.is_empty() {
            return Err(bad("the phrase has no words"));
        }
        Ok(Pattern {
            positions,
            slop,
            weight,
        })
    }

    /// Whether every word of the phrase that must match exactly is among `present` (the
    /// [`stem_id`]s of a clause): a phrase that cannot occur is skipped without scanning a
    /// (possibly huge) clause.
    fn may_occur(&self, present: &FxHashSet<u32>) -> bool {
        self.positions.iter().all(|alts| {
            alts.iter().any(|a| match a {
                Alt::Exact(id) => present.contains(id),
                Alt::Prefix(_) | Alt::Written(_) => true,
            })
        })
    }

    /// Whether the phrase occurs in the clause.
    pub(crate) fn occurs_in_clause(&self, clause: &Clause) -> bool {
        self.may_occur(&clause.present)
            && self.find_in(&clause.text, 0..clause.text.len()).is_some()
    }

    /// The word span `[first, last + 1)` of the phrase's first occurrence in `text` that
    /// starts within `starts` (in order, with at most `slop` words in between).
    pub(crate) fn find_in(
        &self,
        text: &Analysed,
        starts: std::ops::Range<usize>,
    ) -> Option<(usize, usize)> {
        let len = text.stems.len();
        let first = &self.positions[0];
        'start: for start in starts.start..starts.end.min(len) {
            if !first.iter().any(|a| a.accepts(text, start)) {
                continue;
            }
            let mut at = start;
            let mut gaps = 0usize;
            for pos in &self.positions[1..] {
                let mut next = at + 1;
                loop {
                    if next >= len || gaps + (next - at - 1) > self.slop {
                        continue 'start;
                    }
                    if pos.iter().any(|a| a.accepts(text, next)) {
                        break;
                    }
                    next += 1;
                }
                gaps += next - at - 1;
                at = next;
            }
            return Some((start, at + 1));
        }
        None
    }
}

/// One word of a phrase: a prefix pattern, or the stems the analyzer makes of it
/// ("ci/cd" gives two positions).
fn compile_word(analyzer: &mut TextAnalyzer, word: &str) -> Vec<Vec<Alt>> {
    if let Some(written) = word.strip_prefix('=') {
        let w = written.to_lowercase();
        if !w.is_empty() && w.chars().all(char::is_alphanumeric) {
            return vec![vec![Alt::Written(w)]];
        }
    }
    if let Some(prefix) = word.strip_suffix('*') {
        let p = prefix.to_lowercase();
        if !p.is_empty() && p.chars().all(char::is_alphanumeric) {
            return vec![vec![Alt::Prefix(p)]];
        }
    }
    stems(analyzer, word)
        .into_iter()
        .map(|s| vec![Alt::Exact(stem_id(&s))])
        .collect()
}

/// One analysed clause: its words and stems in order, and the set of the stems'
/// [`stem_id`]s (numbers, so building the set allocates nothing per word and a lookup
/// compares no string).
pub(crate) struct Clause {
    text: Analysed,
    present: FxHashSet<u32>,
}

impl Clause {
    pub(crate) fn new(text: Analysed) -> Self {
        let present = (0..text.len()).map(|at| text.stem_id(at)).collect();
        Self { text, present }
    }
}

/// A category's compiled rules.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rules {
    pub(crate) phrases: Vec<Pattern>,
    pub(crate) negative: Vec<Pattern>,
}

impl Rules {
    /// Score of the clauses (already analysed) for this category: the sum of the weights of the
    /// distinct phrases found, ignoring clauses where one of the negative phrases occurs.
    pub(crate) fn score(&self, clauses: &[Clause]) -> f32 {
        let mut found = vec![false; self.phrases.len()];
        for clause in clauses {
            if self.negative.iter().any(|n| n.occurs_in_clause(clause)) {
                continue;
            }
            for (i, p) in self.phrases.iter().enumerate() {
                if !found[i] && p.occurs_in_clause(clause) {
                    found[i] = true;
                }
            }
        }
        self.phrases
            .iter()
            .zip(found)
            .filter(|(_, f)| *f)
            .map(|(p, _)| p.weight)
            .sum()
    }
}
