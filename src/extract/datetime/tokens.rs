//! The token stream every parser here works on: numbers, words and single symbols, with
//! their byte offsets and whether whitespace or a line break precedes them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Num,
    Word,
    Sym(char),
}

#[derive(Debug, Clone)]
pub(super) struct Tok {
    pub(super) kind: Kind,
    /// Lower-cased text for words, the digits for numbers, the symbol otherwise.
    pub(super) low: String,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Whitespace directly before this token.
    pub(super) space: bool,
    /// A line break directly before this token.
    pub(super) newline: bool,
    /// Numeric value (saturating) for numbers.
    pub(super) val: u64,
}

pub(super) struct Toks<'a> {
    pub(super) src: &'a str,
    pub(super) t: Vec<Tok>,
}

pub(super) fn tokenize(src: &str) -> Toks<'_> {
    let mut t = Vec::new();
    let mut it = src.char_indices().peekable();
    let (mut space, mut newline) = (false, false);
    while let Some((s, c)) = it.next() {
        if c.is_whitespace() {
            space = true;
            newline |= c == '\n';
            continue;
        }
        let mut e = s + c.len_utf8();
        let kind = if c.is_ascii_digit() {
            Kind::Num
        } else if c.is_alphabetic() {
            Kind::Word
        } else {
            Kind::Sym(c)
        };
        if kind != Kind::Sym(c) {
            while let Some(&(i2, c2)) = it.peek() {
                let same = if kind == Kind::Num {
                    c2.is_ascii_digit()
                } else {
                    c2.is_alphabetic()
                };
                if !same {
                    break;
                }
                e = i2 + c2.len_utf8();
                it.next();
            }
        }
        let text = src.get(s..e).unwrap_or("");
        let val = if kind == Kind::Num {
            text.bytes().fold(0u64, |a, b| {
                a.saturating_mul(10)
                    .saturating_add(u64::from(b.wrapping_sub(b'0')))
            })
        } else {
            0
        };
        let low = if kind == Kind::Word {
            text.to_lowercase()
        } else {
            text.to_string()
        };
        t.push(Tok {
            kind,
            low,
            start: s,
            end: e,
            space,
            newline,
            val,
        });
        space = false;
        newline = false;
    }
    Toks { src, t }
}

impl Toks<'_> {
    pub(super) fn len(&self) -> usize {
        self.t.len()
    }
    pub(super) fn word(&self, i: usize) -> Option<&str> {
        self.t
            .get(i)
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.low.as_str())
    }
    pub(super) fn is_word(&self, i: usize, w: &str) -> bool {
        self.word(i) == Some(w)
    }
    pub(super) fn is_word_in(&self, i: usize, ws: &[&str]) -> bool {
        self.word(i).is_some_and(|w| ws.contains(&w))
    }
    pub(super) fn sym(&self, i: usize) -> Option<char> {
        match self.t.get(i)?.kind {
            Kind::Sym(c) => Some(c),
            _ => None,
        }
    }
    pub(super) fn is_sym(&self, i: usize, c: char) -> bool {
        self.sym(i) == Some(c)
    }
    /// Value and digit count of a number token.
    pub(super) fn num(&self, i: usize) -> Option<(u64, usize)> {
        self.t
            .get(i)
            .filter(|t| t.kind == Kind::Num)
            .map(|t| (t.val, t.low.len()))
    }
    /// Token `i` exists and touches the token before it.
    pub(super) fn adj(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| !t.space)
    }
    /// Token `i` touches its predecessor, which is one of `cs`.
    pub(super) fn after_sym(&self, i: usize, cs: &[char]) -> bool {
        i > 0 && self.adj(i) && self.sym(i - 1).is_some_and(|c| cs.contains(&c))
    }
    pub(super) fn raw(&self, i: usize) -> &str {
        self.t
            .get(i)
            .and_then(|t| self.src.get(t.start..t.end))
            .unwrap_or("")
    }
    /// A line break before any of tokens `a..=b`.
    pub(super) fn line_break(&self, a: usize, b: usize) -> bool {
        (a..=b).any(|k| self.t.get(k).is_some_and(|t| t.newline))
    }
    /// Source text from the start of token `a` to the end of token `b - 1`.
    pub(super) fn slice(&self, a: usize, b: usize) -> &str {
        match (self.t.get(a), b.checked_sub(1).and_then(|l| self.t.get(l))) {
            (Some(x), Some(y)) if y.end >= x.start => self.src.get(x.start..y.end).unwrap_or(""),
            _ => "",
        }
    }
}
