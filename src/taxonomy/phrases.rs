//! Phrase lists in the taxonomy's phrase syntax for other stages that recognise wording
//! (timeline phases), so every stage matches word forms the same way as the classifier.

use super::TaxonomyError;
use super::analyze::stems;
use super::classify::Pattern;
use super::english_analyzer;

/// A compiled list of phrases (`word word|alt prefix*~2`, see `default.toml`'s header).
#[derive(Debug, Clone, PartialEq)]
pub struct Phrases(Vec<Pattern>);

impl Phrases {
    /// Compiles `list`; `name` only labels errors.
    pub fn compile(name: &str, list: &[&str]) -> Result<Self, TaxonomyError> {
        let mut analyzer = english_analyzer();
        list.iter()
            .map(|p| Pattern::compile(&mut analyzer, name, p))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// Whether any phrase occurs in `tokens` (stems from [`analyse`]).
    pub fn any_in(&self, tokens: &[String]) -> bool {
        self.0.iter().any(|p| p.occurs_in(tokens))
    }
}

/// The stems of `text` as the classifier sees them, for [`Phrases::any_in`].
pub fn analyse(text: &str) -> Vec<String> {
    stems(&mut english_analyzer(), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_word_forms_with_gaps() {
        let list = Phrases::compile("test", &["initially suspect~2", "mislead*"]).unwrap();
        assert!(list.any_in(&analyse("Initially, he suspected the network")));
        assert!(list.any_in(&analyse("Misleadingly focused on scaling")));
        assert!(!list.any_in(&analyse("The suspect was initially ignored")));
        assert!(Phrases::compile("test", &["x^nope"]).is_err());
    }
}
