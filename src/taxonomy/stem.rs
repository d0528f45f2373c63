//! English stemming, memoised: the Snowball English stemmer (tantivy's `Stemmer`) run once
//! per distinct word and thread, since a knowledge base repeats the same few thousand
//! words in every postmortem (stemming was a tenth of a build's CPU time before).
//!
//! [`stem`] and the [`MemoStemmer`] token filter give exactly what `Stemmer::new(English)`
//! gives: a word not seen yet is stemmed by tantivy's own stemmer.
//!
//! Each distinct stem also gets a number ([`stem_id`], the same in every thread for the
//! life of the process), so the phrase engine compares numbers, not strings.

use std::cell::RefCell;
use std::sync::{LazyLock, Mutex};

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Distinct words remembered per thread before the memo starts over (about 100 MB at
/// most; a real knowledge base has far fewer distinct words).
const MEMO_WORDS: usize = 1 << 20;

/// Every stem numbered so far.
static STEM_IDS: LazyLock<Mutex<FxHashMap<String, u32>>> = LazyLock::new(Mutex::default);

/// The number of `stem`: the same for the same stem in every thread (numbered on first
/// sight, under a lock; [`stem_in_place`]'s memo keeps the numbers of the words it saw).
pub fn stem_id(stem: &str) -> u32 {
    let mut ids = STEM_IDS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(&id) = ids.get(stem) {
        return id;
    }
    let id = u32::try_from(ids.len()).expect("fewer than 2^32 distinct stems");
    ids.insert(stem.to_owned(), id);
    id
}

/// A thread's stemmer and what it stemmed: word → (stem, [`stem_id`]).
type Memo = (TextAnalyzer, FxHashMap<String, (String, u32)>);

/// Replaces `word` (lowercase) by its English stem; returns the stem's [`stem_id`].
pub fn stem_in_place(word: &mut String) -> u32 {
    thread_local! {
        static MEMO: RefCell<Memo> = RefCell::new((
            TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
            FxHashMap::default(),
        ));
    }
    MEMO.with_borrow_mut(|(stemmer, memo)| {
        if let Some((stem, id)) = memo.get(word.as_str()) {
            word.clear();
            word.push_str(stem);
            return *id;
        }
        let mut stream = stemmer.token_stream(word);
        let stem = if stream.advance() {
            stream.token().text.clone()
        } else {
            String::new()
        };
        drop(stream);
        if memo.len() >= MEMO_WORDS {
            memo.clear();
        }
        let id = stem_id(&stem);
        memo.insert(std::mem::replace(word, stem.clone()), (stem, id));
        id
    })
}

/// The English stem of `word` (lowercase).
pub fn stem(word: &str) -> String {
    stem_with_id(word).0
}

/// The English stem of `word` (lowercase) with its [`stem_id`].
pub fn stem_with_id(word: &str) -> (String, u32) {
    let mut out = word.to_owned();
    let id = stem_in_place(&mut out);
    (out, id)
}

/// A token filter stemming each token with [`stem_in_place`]: tantivy's English `Stemmer`
/// with a memo.
#[derive(Clone, Copy, Debug, Default)]
pub struct MemoStemmer;

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter { inner: tokenizer }
    }
}

/// The tokenizer [`MemoStemmer`] makes of another one.
#[derive(Clone, Debug)]
pub struct MemoStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// The tokens of [`MemoStemmerFilter`], stemmed.
pub struct MemoStemmerStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for MemoStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        stem_in_place(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};

    fn all(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        crate::taxonomy::stems(analyzer, text)
    }

    #[test]
    fn the_memo_stems_as_tantivys_stemmer_does() {
        let text = "Outages outage OUTAGED configurations configured autoscaling \
                    paged pages the provider's ran running runs generously";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut memo = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(MemoStemmer)
            .build();
        let want = all(&mut plain, text);
        assert_eq!(all(&mut memo, text), want);
        // A second time, every word comes from the memo.
        assert_eq!(all(&mut memo, text), want);
        assert_eq!(stem("outages"), "outag");
        assert_eq!(stem(""), "");
        let (outag, id) = stem_with_id("outaged");
        assert_eq!((outag.as_str(), id), ("outag", stem_id("outag")));
        assert_ne!(stem_id("outag"), stem_id("outage"));
        let other_thread = std::thread::spawn(|| stem_with_id("outages").1);
        assert_eq!(other_thread.join().unwrap(), id);
    }
}
