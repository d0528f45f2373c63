//! Ids for what a postmortem body links to inside itself: every heading gets the
//! GitHub-style slug of its text (`Root cause` → `root-cause`, repeats `-1`, `-2`), an
//! explicit `{#custom}` id is honoured, and footnotes get `fn-LABEL`. Every id is unique on
//! the page, including against the ids the theme itself puts there.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// The ids claimed on one page: the theme's own and those given to content so far.
pub struct Ids<'a> {
    reserved: &'a HashSet<String>,
    taken: HashSet<String>,
    /// Per wanted id, the next number to try, so a heading repeated many times stays linear.
    next: std::collections::HashMap<String, usize>,
}

impl<'a> Ids<'a> {
    /// A page whose theme already uses `reserved`.
    pub fn new(reserved: &'a HashSet<String>) -> Self {
        Self {
            reserved,
            taken: HashSet::new(),
            next: std::collections::HashMap::new(),
        }
    }

    /// Claims `wanted`, or the first free `wanted-1`, `wanted-2`… (GitHub's numbering).
    pub fn claim(&mut self, wanted: &str) -> String {
        let wanted = if wanted.is_empty() { "section" } else { wanted };
        let free = |id: &str| !self.reserved.contains(id) && !self.taken.contains(id);
        let id = if free(wanted) {
            wanted.to_owned()
        } else {
            let n = self.next.entry(wanted.to_owned()).or_insert(1);
            loop {
                let candidate = format!("{wanted}-{n}");
                *n += 1;
                if !self.reserved.contains(&candidate) && !self.taken.contains(&candidate) {
                    break candidate;
                }
            }
        };
        self.taken.insert(id.clone());
        id
    }

    /// The ids content was given.
    pub fn given(&self) -> &HashSet<String> {
        &self.taken
    }

    /// The ids the theme uses on the page.
    pub fn reserved(&self) -> &HashSet<String> {
        self.reserved
    }
}

/// GitHub's heading anchor: lower case, letters and digits of any script kept, spaces to
/// hyphens, other punctuation dropped (`Follow-up: DNS (EU)` → `follow-up-dns-eu`).
pub fn github_slug(text: &str) -> String {
    text.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

/// Gives every heading and footnote in `events` a unique id: explicit `{#id}`s first, so a
/// generated id never takes one the author chose, then the others in document order.
pub fn assign(events: &mut [Event<'_>], ids: &mut Ids<'_>) {
    for event in events.iter_mut() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            *id = CowStr::from(ids.claim(id));
        }
    }
    let mut footnotes: std::collections::HashMap<String, String> = Default::default();
    let mut footnote_id = |label: &str, ids: &mut Ids<'_>| {
        footnotes
            .entry(label.to_owned())
            .or_insert_with(|| ids.claim(&format!("fn-{}", github_slug(label))))
            .clone()
    };
    for at in 0..events.len() {
        match &events[at] {
            Event::Start(Tag::Heading { id: None, .. }) => {
                let text = heading_text(&events[at + 1..]);
                let claimed = CowStr::from(ids.claim(&github_slug(&text)));
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[at] {
                    *id = Some(claimed);
                }
            }
            Event::FootnoteReference(label) => {
                let id = footnote_id(label, ids);
                events[at] = Event::FootnoteReference(id.into());
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let id = footnote_id(label, ids);
                events[at] = Event::Start(Tag::FootnoteDefinition(id.into()));
            }
            _ => {}
        }
    }
}

/// The literal `id="…"` values in a template or an HTML fragment (ids built from template
/// expressions are skipped: they are not known before rendering).
pub fn ids_in(html: &str) -> impl Iterator<Item = &str> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(id, _)| id))
        .filter(|id| !id.contains('{'))
}

/// The plain text of a heading whose events follow.
fn heading_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_slugs_keep_letters_of_any_script() {
        assert_eq!(github_slug("Root cause"), "root-cause");
        assert_eq!(github_slug("Follow-up: DNS (EU)"), "follow-up-dns-eu");
        assert_eq!(
            github_slug("Störung im Rechenzentrum"),
            "störung-im-rechenzentrum"
        );
        assert_eq!(github_slug("根本原因"), "根本原因");
        assert_eq!(github_slug("`v2.1` rollout"), "v21-rollout");
    }

    #[test]
    fn literal_ids_of_a_template_are_found() {
        let template = r#"<main id="main"><h2 id="chart-{{ i }}">x</h2><svg id="phases-a"></svg>"#;
        assert_eq!(ids_in(template).collect::<Vec<_>>(), ["main", "phases-a"]);
    }

    #[test]
    fn repeats_are_numbered_and_reserved_ids_skipped() {
        let reserved: HashSet<String> = ["main".to_owned()].into();
        let mut ids = Ids::new(&reserved);
        assert_eq!(ids.claim("main"), "main-1");
        assert_eq!(ids.claim("notes"), "notes");
        assert_eq!(ids.claim("notes"), "notes-1");
        assert_eq!(ids.claim("notes-1"), "notes-1-1");
        assert_eq!(ids.claim(""), "section");
    }
}
