//! Small serialisable views of the knowledge base for templates: each page gets only
//! what it shows, borrowed, so tera never clones the model.

use serde::Serialize;

use crate::kb::{CategoryUse, KnowledgeBase, Postmortem};
use crate::taxonomy::{Category, Facet};

/// Site-wide values every page shows.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Absolute base URL ending in `/`, or empty.
    pub base_url: String,
    /// "pmkb VERSION".
    pub generator: String,
    /// What internal links add after a folder's `/`: `index.html` for a site browsed
    /// from disk, else nothing.
    pub index: &'static str,
}

/// A link to a category.
#[derive(Serialize)]
pub struct Chip<'a> {
    slug: &'a str,
    name: &'a str,
    facet: Option<&'static str>,
}

impl<'a> Chip<'a> {
    fn of(category: &'a Category) -> Self {
        let facet = match category.facet {
            Facet::Component => Some("component"),
            Facet::Mechanism => Some("mechanism"),
            Facet::Measure => None,
        };
        Self {
            slug: &category.slug,
            name: &category.name,
            facet,
        }
    }
}

/// Root-cause chips for a list of slugs (unknown slugs are skipped).
pub fn root_cause_chips<'a>(kb: &'a KnowledgeBase, slugs: &[String]) -> Vec<Chip<'a>> {
    slugs
        .iter()
        .filter_map(|s| kb.taxonomy.root_cause(s))
        .map(Chip::of)
        .collect()
}

/// Measure chips for a list of slugs (unknown slugs are skipped).
pub fn measure_chips<'a>(kb: &'a KnowledgeBase, slugs: &[String]) -> Vec<Chip<'a>> {
    slugs
        .iter()
        .filter_map(|s| kb.taxonomy.measure(s))
        .map(Chip::of)
        .collect()
}

/// One row of an incident list.
#[derive(Serialize)]
pub struct Summary<'a> {
    slug: &'a str,
    title: &'a str,
    date: Option<String>,
    started_at: Option<String>,
    duration: Option<String>,
    duration_minutes: Option<i64>,
    users_affected_pct: Option<f64>,
    severity: Option<&'a str>,
    timezone: Option<&'a str>,
    root_causes: Vec<Chip<'a>>,
}

/// The list row of a postmortem.
pub fn summary<'a>(kb: &'a KnowledgeBase, pm: &'a Postmortem) -> Summary<'a> {
    let started_at = pm.facts.started_at.and_then(|m| m.to_export());
    Summary {
        slug: &pm.slug,
        title: &pm.facts.title,
        date: started_at.as_ref().map(|s| s.chars().take(10).collect()),
        started_at,
        duration: pm.facts.duration_minutes.map(human_duration),
        duration_minutes: pm.facts.duration_minutes,
        users_affected_pct: pm.facts.users_affected_pct,
        severity: pm.facts.severity.as_deref(),
        timezone: pm.facts.timezone.as_deref(),
        root_causes: root_cause_chips(kb, &pm.labels.root_causes),
    }
}

/// A taxonomy category with its use, for index and category pages.
#[derive(Serialize)]
pub struct CategoryView<'a> {
    slug: &'a str,
    name: &'a str,
    description: &'a str,
    facet: Option<&'static str>,
    count: usize,
    total_duration: Option<String>,
}

/// The view of one category.
pub fn category<'a>(category: &'a Category, used: &CategoryUse) -> CategoryView<'a> {
    CategoryView {
        slug: &category.slug,
        name: &category.name,
        description: &category.description,
        facet: Chip::of(category).facet,
        count: used.postmortems.len(),
        total_duration: (used.total_minutes > 0).then(|| human_duration(used.total_minutes)),
    }
}

/// "45 min", "1 h 30 min", "3 h", "2 d 4 h": short enough for a table cell.
pub fn human_duration(minutes: i64) -> String {
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::human_duration;

    #[test]
    fn durations_read_naturally() {
        let table = [
            (45, "45 min"),
            (60, "1 h"),
            (90, "1 h 30 min"),
            (900, "15 h"),
            (3375, "2 d 8 h"),
            (2880, "2 d"),
        ];
        for (minutes, want) in table {
            assert_eq!(human_duration(minutes), want);
        }
    }
}
