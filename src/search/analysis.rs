//! Search text analysis for any language, shared by the index, `pmkb search` and (ported
//! line by line) the search page's `search.js`:
//!
//! 1. Folding, character by character: compatibility decomposition (NFKD), combining marks
//!    dropped, lower case. `Zürich`, NFD-encoded `Zu\u{308}rich` and `zurich` are one word;
//!    `café` is `cafe`; full-width `ＤＮＳ` is `dns`.
//! 2. Words: runs of letters, digits and combining marks; an apostrophe (`'`, `’`, `ʼ`)
//!    between two such characters stays inside the word (`didn't`, `vendor's`). Hyphens
//!    and other punctuation separate words (`anti-virus` is `anti`, `virus`).
//! 3. Chinese, Japanese and Korean, written without spaces, are cut into overlapping
//!    character pairs (`数据库` → `数据`, `据库`), so a word is found inside a sentence.
//! 4. Words of 40 bytes or more are dropped (hashes, base64), and English stemming
//!    (Snowball, as in the taxonomy's analyzer) makes `outages` find `outage`.
//!
//! The taxonomy keeps its own English analyzer (`taxonomy::english_analyzer`) for
//! classification; this one is only for search.

use tantivy::tokenizer::{RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer};
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// Tokens of this many bytes or more are dropped: they are hashes, URLs or base64.
const MAX_TOKEN_LEN: usize = 40;

/// The analyzer of every searchable text field and of every query.
pub fn search_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(FoldingTokenizer)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .filter(crate::taxonomy::MemoStemmer)
        .build()
}

/// [`search_analyzer`] without stemming: the folded word forms, for the static index's
/// word lists and for highlighting.
pub fn form_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(FoldingTokenizer)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_LEN))
        .build()
}

/// Whether a query is plain words, with none of tantivy's syntax (phrases in quotes,
/// `field:`, brackets, `+`/`-` prefixes, `AND`/`OR`/`NOT`, `^`, `*`): such a query never
/// fails to parse. An apostrophe inside a word (`didn't`) is plain.
pub fn is_plain(query: &str) -> bool {
    query.split_whitespace().all(|word| {
        let chars: Vec<char> = word.chars().collect();
        let syntax = chars.iter().enumerate().any(|(i, &c)| match c {
            '"' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '^' | '*' | '\\' | '`' => true,
            '\'' => !(i > 0 && i + 1 < chars.len() && is_word_char(chars[i - 1])),
            '+' | '-' => i == 0,
            _ => false,
        });
        !syntax && !matches!(word, "AND" | "OR" | "NOT")
    })
}

/// A plain query as tantivy terms: its folded words, space-separated and escaped, so each
/// is one required term (a CJK pair or half of `anti-virus` too, as on the search page).
pub fn plain_terms(query: &str) -> String {
    let mut words = Vec::new();
    let mut stream = FoldingTokenizer.token_stream(query);
    while stream.advance() {
        words.push(stream.token().text.replace('\'', "\\'"));
    }
    words.join(" ")
}

/// Splits and folds text as the module documentation describes.
#[derive(Clone, Copy, Debug, Default)]
pub struct FoldingTokenizer;

/// The tokens of one text, produced up front.
pub struct Tokens {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for FoldingTokenizer {
    type TokenStream<'a> = Tokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        Tokens {
            tokens: tokens(text),
            next: 0,
        }
    }
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Letters, digits and combining marks make up words.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Han, kana and Hangul: scripts written without spaces between words. The same ranges
/// are in `search.js`.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x2FDF | 0x3040..=0x30FF | 0x3130..=0x318F
        | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x2FFFF)
}

/// A character folded: NFKD, combining marks dropped, lower case.
fn fold(c: char, out: &mut String) {
    if c.is_ascii() {
        // The common case, and its own decomposition.
        out.push(c.to_ascii_lowercase());
        return;
    }
    decompose_compatible(c, |d| {
        if !is_combining_mark(d) {
            out.extend(d.to_lowercase());
        }
    });
}

fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |&(at, _)| at);
    let mut tokens = Vec::new();
    let mut push = |from: usize, to: usize, folded: String| {
        if !folded.is_empty() {
            tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position: tokens.len(),
                text: folded,
                position_length: 1,
            });
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if is_cjk(c) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i].1) {
                i += 1;
            }
            if i - start == 1 {
                push(chars[start].0, end_of(i), c.to_string());
            }
            for pair in start..i.saturating_sub(1) {
                let folded: String = [chars[pair].1, chars[pair + 1].1].iter().collect();
                push(chars[pair].0, end_of(pair + 2), folded);
            }
        } else if is_word_char(c) {
            let start = i;
            let mut folded = String::new();
            while i < chars.len() {
                let c = chars[i].1;
                let inner_apostrophe = is_apostrophe(c)
                    && chars
                        .get(i + 1)
                        .is_some_and(|&(_, n)| is_word_char(n) && !is_cjk(n));
                if inner_apostrophe {
                    folded.push('\'');
                } else if is_word_char(c) && !is_cjk(c) {
                    fold(c, &mut folded);
                } else {
                    break;
                }
                i += 1;
            }
            push(chars[start].0, end_of(i), folded);
        } else {
            i += 1;
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::stems;

    fn analysed(text: &str) -> Vec<String> {
        stems(&mut search_analyzer(), text)
    }

    #[test]
    fn diacritics_case_and_encodings_fold_to_one_word() {
        let nfd = "Mu\u{308}nchen";
        assert_eq!(analysed("München"), analysed("munchen"));
        assert_eq!(analysed(nfd), analysed("MÜNCHEN"));
        assert_eq!(analysed("Ωmega ＤＮＳ crème"), ["ωmega", "dns", "creme"]);
        assert_eq!(analysed("São Paulo"), ["sao", "paulo"]);
    }

    #[test]
    fn apostrophes_stay_inside_words_and_hyphens_split() {
        assert_eq!(analysed("wasn't"), analysed("wasn’t"));
        assert_eq!(analysed("the provider's DNS"), ["the", "provid", "dns"]);
        assert_eq!(analysed("'quoted' teams’"), ["quot", "team"]);
        assert_eq!(
            analysed("read-only v1.2-beta"),
            ["read", "onli", "v1", "2", "beta"]
        );
    }

    #[test]
    fn cjk_runs_become_pairs_inside_sentences() {
        assert_eq!(analysed("支付网关"), ["支付", "付网", "网关"]);
        assert_eq!(
            analysed("認証サーバー停止"),
            ["認証", "証サ", "サー", "ーバ", "バー", "ー停", "停止"]
        );
        assert_eq!(analysed("DB 库 down"), ["db", "库", "down"]);
        let offsets: Vec<(usize, usize)> = FoldingTokenizer
            .token_stream("网关x")
            .tokens
            .iter()
            .map(|t| (t.offset_from, t.offset_to))
            .collect();
        assert_eq!(offsets, [(0, 6), (6, 7)]);
    }

    #[test]
    fn plain_queries_are_recognised_and_escaped() {
        for plain in [
            "didn't",
            "provider’s outage",
            "数据库",
            "anti-virus",
            "v2.1",
        ] {
            assert!(is_plain(plain), "{plain}");
        }
        for syntax in [
            "\"a phrase\"",
            "title:dns",
            "-rollback",
            "a OR b",
            "'quoted'",
            "(a",
        ] {
            assert!(!is_plain(syntax), "{syntax}");
        }
        assert_eq!(
            plain_terms("Didn’t 网关 anti-virus"),
            "didn\\'t 网关 anti virus"
        );
    }
}
