//! Page slugs: URL-safe names derived from front matter or file paths, made unique.

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;

/// Lower-case ASCII letters, digits and single hyphens: safe in a URL and as one folder name,
/// so a slug can never climb out of the output folder. Letters of any script are
/// transliterated (deunicode: "Störung" → `storung`, "сбой" → `sboi`, "数据" → `shu-ju`), so
/// no letter is dropped and names in other scripts stay readable and distinct.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode_with_tofu(text, "-");
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug.truncate(100);
    slug
}

/// The slug a file gets without front matter: its name without extension, or for
/// `NAME/README.md` (and `index.md`) the folder's name. A name with nothing to
/// transliterate (only symbols) gets `postmortem-` and a hash of its path, so its URL
/// never depends on which other files exist.
pub fn slug_from_path(rel_path: &str) -> String {
    let mut parts: Vec<&str> = rel_path.split('/').collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let name = match (stem.to_ascii_lowercase().as_str(), parts.last()) {
        ("readme" | "index" | "_index", Some(folder)) => folder,
        _ => stem,
    };
    let slug = slugify(name);
    if slug.is_empty() {
        format!("postmortem-{:08x}", fnv1a(rel_path))
    } else {
        slug
    }
}

/// FNV-1a (32 bits) of a text: a stable, dependency-free name for a path, the same on
/// every machine and in every release (unlike std's randomly seeded hasher).
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// Chooses a slug for a file: a declared one, cleaned (with a warning if it had to change,
/// e.g. `../../etc/x`), else the path-derived one.
pub fn choose(
    rel_path: &str,
    declared: Option<&str>,
    line: Option<usize>,
) -> (String, Option<Diagnostic>) {
    let Some(declared) = declared else {
        return (slug_from_path(rel_path), None);
    };
    let cleaned = slugify(declared);
    if cleaned == declared {
        return (cleaned, None);
    }
    let fallback = if cleaned.is_empty() {
        slug_from_path(rel_path)
    } else {
        cleaned
    };
    let mut diagnostic = Diagnostic::warning(
        rel_path,
        format!("front matter slug `{declared}` is not URL-safe; using `{fallback}`"),
    )
    .with_hint("use lower-case letters, digits and hyphens only");
    diagnostic.line = line;
    (fallback, Some(diagnostic))
}

/// Makes slugs unique in input order: a later file claiming a taken slug gets `-2`, `-3`…
/// and a warning naming both files, so no page is ever silently overwritten.
pub fn make_unique(items: &mut [(String, String)]) -> Vec<Diagnostic> {
    let mut taken: HashMap<String, String> = HashMap::new();
    // The next suffix to try per clashing slug, so many files claiming one slug stay linear.
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let mut diagnostics = Vec::new();
    for (slug, path) in items.iter_mut() {
        if let Some(owner) = taken.get(slug.as_str()) {
            let base = slug.clone();
            let owner = owner.clone();
            let n = next_suffix.entry(base.clone()).or_insert(2);
            let unique = loop {
                let candidate = format!("{base}-{n}");
                *n += 1;
                if !taken.contains_key(&candidate) {
                    break candidate;
                }
            };
            diagnostics.push(
                Diagnostic::warning(
                    path.as_str(),
                    format!("slug `{base}` is already used by {owner}; this page is at `{unique}`"),
                )
                .with_hint("give one of them a distinct `slug` in front matter"),
            );
            *slug = unique;
        }
        taken.insert(slug.clone(), path.clone());
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_paths() {
        assert_eq!(slug_from_path("2024/db-outage.md"), "db-outage");
        assert_eq!(slug_from_path("2024-03-cache/README.md"), "2024-03-cache");
        assert_eq!(
            slug_from_path("Big Outage (Final).markdown"),
            "big-outage-final"
        );
    }

    #[test]
    fn names_in_any_script_are_transliterated_not_dropped() {
        assert_eq!(slug_from_path("Ärger im Büro.md"), "arger-im-buro");
        assert_eq!(slug_from_path("crème-brûlée/README.md"), "creme-brulee");
        assert_eq!(slug_from_path("отказ-кэша.md"), "otkaz-kesha");
        assert_eq!(slug_from_path("Αθήνα.md"), "athena");
        assert_eq!(slug_from_path("网络中断.md"), "wang-luo-zhong-duan");
        assert_eq!(slug_from_path("ネットワーク障害.md"), "netutowakuzhang-hai");
        assert_eq!(slugify("Ωmega: Déjà vu"), "omega-deja-vu");
    }

    #[test]
    fn a_name_of_symbols_only_gets_a_slug_of_its_own_path() {
        let a = slug_from_path("___.md");
        let b = slug_from_path("(!).md");
        assert!(a.starts_with("postmortem-") && b.starts_with("postmortem-"));
        assert_ne!(a, b);
        assert_eq!(a, slug_from_path("___.md"), "stable");
        // Adding another such file does not move the first one.
        let mut items = vec![(a.clone(), "___.md".to_owned()), (b, "(!).md".to_owned())];
        assert!(make_unique(&mut items).is_empty());
        assert_eq!(items[0].0, a);
    }

    #[test]
    fn hostile_declared_slugs_are_cleaned() {
        let (slug, warning) = choose("a.md", Some("../../etc/passwd"), Some(3));
        assert_eq!(slug, "etc-passwd");
        assert_eq!(warning.unwrap().line, Some(3));
        let (slug, _) = choose("a.md", Some("/"), None);
        assert_eq!(slug, "a");
    }

    #[test]
    fn clashes_get_suffixes_in_order() {
        let mut items = vec![
            ("x".to_owned(), "a/x.md".to_owned()),
            ("x".to_owned(), "b/x.md".to_owned()),
            ("x-2".to_owned(), "c.md".to_owned()),
        ];
        let diagnostics = make_unique(&mut items);
        let slugs: Vec<_> = items.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(slugs, ["x", "x-2", "x-2-2"]);
        assert_eq!(diagnostics.len(), 2);
        assert!(diagnostics[0].message.contains("a/x.md"));
    }

    #[test]
    fn many_clashes_stay_fast_and_unique() {
        let mut items: Vec<_> = (0..20_000)
            .map(|i| ("x".to_owned(), format!("{i}.md")))
            .collect();
        let start = std::time::Instant::now();
        assert_eq!(make_unique(&mut items).len(), 19_999);
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
        let unique: std::collections::HashSet<_> = items.iter().map(|(s, _)| s).collect();
        assert_eq!(unique.len(), items.len());
    }
}
