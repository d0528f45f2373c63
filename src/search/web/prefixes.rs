//! Prefix shards of the static index, for the search page's matching while typing
//! (`datab` finds `database`): the word forms that begin with each three characters.

use super::encode::{string, varint};
use super::terms::Vocabulary;

/// How many leading characters key a prefix shard entry; the page matches prefixes of at
/// least this length.
const PREFIX_CHARS: usize = 3;

/// The forms kept per key, shortest first: a prefix being typed looks for whole words
/// soon after, and ticket numbers or host names must not crowd them out.
const FORMS_PER_PREFIX: usize = 64;

/// Prefix-shard entries, keyed by the first [`PREFIX_CHARS`] characters of a form (shorter
/// forms are found exactly and skipped): the key, then a count and per form (shortest,
/// then alphabetical) the form and its stem.
pub fn prefix_entries(vocabulary: &Vocabulary) -> Vec<(String, Vec<u8>)> {
    let mut by_key: std::collections::BTreeMap<String, Vec<(&str, &str)>> =
        std::collections::BTreeMap::new();
    for (stem, forms) in vocabulary {
        for form in forms {
            if form.chars().count() <= PREFIX_CHARS {
                continue;
            }
            let key: String = form.chars().take(PREFIX_CHARS).collect();
            by_key.entry(key).or_default().push((form, stem));
        }
    }
    by_key
        .into_iter()
        .map(|(key, mut forms)| {
            forms.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then(a.0.cmp(b.0)));
            forms.truncate(FORMS_PER_PREFIX);
            let mut entry = Vec::new();
            string(&mut entry, &key);
            varint(&mut entry, forms.len() as u64);
            for (form, stem) in forms {
                string(&mut entry, form);
                string(&mut entry, stem);
            }
            (key, entry)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_keyed_by_their_first_three_characters_shortest_first() {
        let mut vocabulary = Vocabulary::new();
        for (stem, forms) in [
            ("databas", &["database", "databases"][..]),
            ("data", &["data"]),
            ("db", &["db"]),
        ] {
            vocabulary.insert(stem.into(), forms.iter().map(|f| f.to_string()).collect());
        }
        let entries = prefix_entries(&vocabulary);
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["dat"]);
        let mut want = Vec::new();
        string(&mut want, "dat");
        varint(&mut want, 3);
        for (form, stem) in [
            ("data", "data"),
            ("database", "databas"),
            ("databases", "databas"),
        ] {
            string(&mut want, form);
            string(&mut want, stem);
        }
        assert_eq!(entries[0].1, want);
    }
}
