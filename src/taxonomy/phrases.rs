//! The phrase engine's public face: compiled lists of phrases in the taxonomy's phrase syntax,
//! matched against analysed text by every stage that recognises wording (the cue vocabulary
//! of `crate::cues`, timeline phases), so all stages match word forms the same way as the
//! classifier: whole words, English stems, `|` alternatives, `*` prefixes, `=` exact words and
//! `~N` gaps.

use super::TaxonomyError;
use super::analyze::{Analysed, stems};
use super::classify::Pattern;
use super::english_analyzer;

/// A compiled list of phrases (`word word|alt prefix* =written~2`, see `default.toml`'s
/// header).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Phrases(Vec<Pattern>);

impl Phrases {
    /// Compiles `list`; `name` only labels errors.
    ///
    /// # Errors
    /// [`TaxonomyError::BadPhrase`] naming `name` and the phrase that does not compile.
    pub fn compile<S: AsRef<str>>(name: &str, list: &[S]) -> Result<Self, TaxonomyError> {
        let mut analyzer = english_analyzer();
        list.iter()
            .map(|p| Pattern::compile(&mut analyzer, name, p.as_ref()))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// The phrases of both lists, `self`'s first.
    pub fn with(mut self, other: &Phrases) -> Self {
        self.0.extend(other.0.iter().cloned());
        self
    }

    /// Whether any phrase occurs anywhere in `text`.
    pub fn any_in(&self, text: &Analysed) -> bool {
        self.find(text).is_some()
    }

    /// Whether a phrase occurs starting at `text`'s first word ("Resolution: …" opens with
    /// "resolution"; "The resolution …" does not).
    pub fn opens(&self, text: &Analysed) -> bool {
        self.0.iter().any(|p| p.find_in(text, 0..1).is_some())
    }

    /// The end (exclusive word index) of the longest phrase that opens `text`.
    pub fn opening(&self, text: &Analysed) -> Option<usize> {
        self.0
            .iter()
            .filter_map(|p| p.find_in(text, 0..1).map(|(_, end)| end))
            .max()
    }

    /// Whether a phrase spans all of `text`'s words ("Incident report" is all generic words;
    /// "Incident report of the login outage" is not).
    pub fn whole(&self, text: &Analysed) -> bool {
        !text.is_empty() && self.opening(text) == Some(text.len())
    }

    /// The word span of a phrase that ends at `text`'s last word ("… (done)").
    pub fn closing(&self, text: &Analysed) -> Option<(usize, usize)> {
        (0..text.len())
            .flat_map(|start| {
                self.0
                    .iter()
                    .filter_map(move |p| p.find_in(text, start..start + 1))
            })
            .find(|&(_, end)| end == text.len())
    }

    /// Whether a phrase occurs starting at word `at` of `text`.
    pub fn at(&self, text: &Analysed, at: usize) -> bool {
        self.0.iter().any(|p| p.find_in(text, at..at + 1).is_some())
    }

    /// The word span `[start, end)` of the earliest occurrence of any phrase in `text`.
    pub fn find(&self, text: &Analysed) -> Option<(usize, usize)> {
        self.0
            .iter()
            .filter_map(|p| p.find_in(text, 0..text.len()))
            .min()
    }

    /// [`Phrases::any_in`] on a text not yet analysed.
    pub fn in_text(&self, text: &str) -> bool {
        self.any_in(&Analysed::new(text))
    }

    /// [`Phrases::opens`] on a text not yet analysed.
    pub fn opens_text(&self, text: &str) -> bool {
        self.opens(&Analysed::new(text))
    }

    /// Whether the list holds no phrase.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The stems of `text` as the classifier sees them.
pub fn analyse(text: &str) -> Vec<String> {
    stems(&mut english_analyzer(), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(phrases: &[&str]) -> Phrases {
        Phrases::compile("test", phrases).unwrap()
    }

    #[test]
    fn phrases_match_word_forms_with_gaps() {
        let list = list(&["initially suspect~2", "mislead*"]);
        assert!(list.in_text("Initially, he suspected the network"));
        assert!(list.in_text("Misleadingly focused on scaling"));
        assert!(!list.in_text("The suspect was initially ignored"));
        assert!(Phrases::compile("test", &["x^nope"]).is_err());
    }

    #[test]
    fn whole_words_only() {
        assert!(!list(&["stable"]).in_text("the service was still unstable"));
        assert!(list(&["stable"]).in_text("the service was stable again"));
        assert!(!list(&["task"]).in_text("## Multitasking"));
        assert!(list(&["task"]).in_text("## Tasks"));
        assert!(!list(&["cause of"]).in_text("errors because of the cache"));
        assert!(list(&["cause of"]).in_text("the cause of the errors"));
        assert!(list(&["stab*"]).in_text("stabilised"));
        assert!(!list(&["stab*"]).in_text("unstable"));
    }

    #[test]
    fn written_words_are_not_stemmed() {
        let paged = list(&["=paged"]);
        assert!(paged.in_text("We paged the on-call"));
        assert!(!paged.in_text("the status page was updated"));
        assert!(Phrases::compile("test", &["a|=|b"]).is_err());
    }

    #[test]
    fn opening_and_position() {
        let fix = list(&["resolution", "to fix"]);
        assert!(fix.opens_text("Resolution: we restarted it"));
        assert!(!fix.opens_text("After the resolution we slept"));
        assert_eq!(fix.find(&Analysed::new("we tried to fix it")), Some((2, 4)));
    }
}
