//! Text analysis shared by the classifier and the search index: word splitting, stemming, clause splitting.

use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};

use super::stem::{MemoStemmer, stem_id, stem_with_id};

/// Tokens longer than this (bytes) are dropped: they are hashes, URLs or base64, never words.
const MAX_TOKEN_LEN: usize = 40;

/// The English analyzer (simple tokenizer, lowercase, stemmer) shared with the search index
/// so labels and search agree on word forms.
///
/// Register it in tantivy under a name of your choice, e.g.
/// `index.tokenizers().register("en_pmkb", english_analyzer())`.
pub fn english_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .filter(MemoStemmer)
        .build()
}

/// The analyzer of words as written: the English analyzer without the stemmer, so its
/// tokens line up with the stems one for one.
fn word_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(LowerCaser)
        .build()
}

/// A text as the phrase engine sees it: its words, lowercased, and their stems, position for
/// position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysed {
    /// The words as written, lowercased (`paged`).
    pub words: Vec<String>,
    /// Their English stems (`page`).
    pub stems: Vec<String>,
    /// Where each word stands in the text (byte range).
    pub spans: Vec<std::ops::Range<usize>>,
    /// The [`stem_id`] of each stem, which the phrase engine compares.
    stem_ids: Vec<u32>,
}

impl Analysed {
    /// Analyses `text` with this thread's word analyzer (built once per thread: extraction
    /// analyses every sentence several times), stemming each word as [`english_analyzer`]
    /// does (with its memo, so the text is split only once).
    pub fn new(text: &str) -> Self {
        thread_local! {
            static ANALYZER: std::cell::RefCell<TextAnalyzer> =
                std::cell::RefCell::new(word_analyzer());
        }
        ANALYZER.with_borrow_mut(|word| {
            let mut words = Vec::new();
            let mut spans = Vec::new();
            let mut stream = word.token_stream(text);
            while stream.advance() {
                let token = stream.token();
                words.push(token.text.clone());
                spans.push(token.offset_from..token.offset_to);
            }
            drop(stream);
            let (stems, stem_ids) = words.iter().map(|w| stem_with_id(w)).unzip();
            Self {
                words,
                stems,
                spans,
                stem_ids,
            }
        })
    }

    /// The byte offset in the text where word `at` ends (the text's length past the last).
    pub fn end_of(&self, at: usize, text: &str) -> usize {
        at.checked_sub(1)
            .and_then(|i| self.spans.get(i))
            .map_or(if at == 0 { 0 } else { text.len() }, |s| s.end)
    }

    /// The [`stem_id`] of word `at`'s stem.
    pub(crate) fn stem_id(&self, at: usize) -> u32 {
        self.stem_ids[at]
    }

    /// Blanks word `at` out (its word and stem become empty): it then matches no phrase.
    pub fn blank(&mut self, at: usize) {
        self.words[at].clear();
        self.stems[at].clear();
        self.stem_ids[at] = stem_id("");
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.stems.len()
    }

    /// Whether the text has no words.
    pub fn is_empty(&self) -> bool {
        self.stems.is_empty()
    }
}

/// Runs `analyzer` over `text` and returns the stems in order.
///
/// Takes the analyzer by `&mut` so callers analysing many strings build it only once.
pub fn stems(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Splits text into clauses: sentences (ended by `.`, `!`, `?`, `;` before whitespace, or a line
/// break) further cut at contrastive conjunctions ("but", "however", "whereas", "although").
///
/// The classifier scores clauses so that a ruled-out hypothesis in one clause
/// ("the network was first suspected, but ...") can be dropped without losing the rest.
pub fn clauses(text: &str) -> Vec<String> {
    let text = strip_urls(text);
    let mut sentences = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let ends = match c {
            '\n' | '\r' => true,
            '.' | '!' | '?' | ';' => next.is_none_or(char::is_whitespace),
            _ => false,
        };
        if ends {
            if c != '\n' && c != '\r' {
                current.push(c);
            }
            push_nonblank(&mut sentences, &mut current);
        } else {
            current.push(c);
        }
    }
    push_nonblank(&mut sentences, &mut current);

    let mut out = Vec::new();
    for sentence in sentences {
        let mut rest = sentence.as_str();
        while let Some(at) = find_conjunction(rest) {
            let (head, tail) = rest.split_at(at);
            if !head.trim().is_empty() {
                out.push(head.trim().to_string());
            }
            rest = tail;
        }
        if !rest.trim().is_empty() {
            out.push(rest.trim().to_string());
        }
    }
    out
}

/// Removes URLs (`http://`, `https://`, `www.`): their words ("github.com/...", "https") say
/// where a link points, not what happened.
fn strip_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = ["http://", "https://", "www."]
            .iter()
            .filter_map(|m| rest.find(m))
            .min();
        let Some(at) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | ']' | '>' | '"' | '\'' | '`'))
            .unwrap_or(tail.len());
        out.push(' ');
        rest = &tail[end..];
    }
}

/// Byte offset (> 0) of the first contrastive conjunction in `s` ("but", "however": cue
/// list `roles.contrast`), if any.
fn find_conjunction(s: &str) -> Option<usize> {
    let words = Analysed::new(s);
    let contrast = crate::cues::list("roles", "contrast");
    (1..words.len())
        .find(|&i| contrast.at(&words, i))
        .map(|i| words.spans[i].start)
}

fn push_nonblank(out: &mut Vec<String>, current: &mut String) {
    let s = current.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
    current.clear();
}
