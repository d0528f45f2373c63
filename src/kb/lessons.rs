//! What a root cause teaches: the measures promised for it (and how often each was
//! promised again), and whether the cause came back after measures had been promised.

use super::{CategoryUse, KnowledgeBase, Postmortem};

/// One measure category promised by incidents of a root cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promise {
    /// The measure category's slug.
    pub measure: String,
    /// Indices of the incidents that promised it, oldest first.
    pub incidents: Vec<usize>,
}

impl Promise {
    /// How often it was promised after the first time.
    pub fn again(&self) -> usize {
        self.incidents.len().saturating_sub(1)
    }
}

/// An incident of a cause that came after an earlier one had promised measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recurrence {
    /// The later incident.
    pub incident: usize,
    /// The latest earlier incident of the same cause that promised measures.
    pub after: usize,
}

/// The lessons of one root-cause category.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lessons {
    /// Measures promised for this cause, most often promised first (then taxonomy order).
    pub promises: Vec<Promise>,
    /// Every return of the cause after measures were promised, oldest first.
    pub recurrences: Vec<Recurrence>,
}

impl Lessons {
    /// Whether the cause came back after measures were promised.
    pub fn recurring(&self) -> bool {
        !self.recurrences.is_empty()
    }
}

/// The lessons of a root-cause category's incidents.
pub fn lessons(kb: &KnowledgeBase, used: &CategoryUse) -> Lessons {
    let by_date = oldest_first(kb, &used.postmortems);
    let mut promises: Vec<Promise> = kb
        .taxonomy
        .measures
        .iter()
        .map(|m| Promise {
            measure: m.slug.clone(),
            incidents: by_date
                .iter()
                .copied()
                .filter(|&i| kb.postmortems[i].labels.measures.contains(&m.slug))
                .collect(),
        })
        .filter(|p| !p.incidents.is_empty())
        .collect();
    promises.sort_by_key(|p| std::cmp::Reverse(p.incidents.len()));
    let dated: Vec<usize> = by_date
        .iter()
        .copied()
        .filter(|&i| sort_moment(&kb.postmortems[i]).is_some())
        .collect();
    // One pass, oldest first: the latest earlier incident with measures, among those that
    // started strictly before the current one (same-moment incidents do not count).
    let mut recurrences = Vec::new();
    let mut before: Option<usize> = None;
    let mut group: Option<usize> = None;
    for (k, &later) in dated.iter().enumerate() {
        let start = sort_moment(&kb.postmortems[later]);
        if k > 0 && sort_moment(&kb.postmortems[dated[k - 1]]) < start {
            before = group.or(before);
            group = None;
        }
        if let Some(after) = before {
            recurrences.push(Recurrence {
                incident: later,
                after,
            });
        }
        if !kb.postmortems[later].facts.measures.is_empty() {
            group = Some(later);
        }
    }
    Lessons {
        promises,
        recurrences,
    }
}

/// Indices sorted oldest first (the knowledge base is newest first, undated last; undated
/// ones stay last).
fn oldest_first(kb: &KnowledgeBase, indices: &[usize]) -> Vec<usize> {
    let mut out = indices.to_vec();
    out.sort_by(|&a, &b| {
        let (ma, mb) = (
            sort_moment(&kb.postmortems[a]),
            sort_moment(&kb.postmortems[b]),
        );
        match (ma, mb) {
            (Some(x), Some(y)) => x.cmp(&y).then(b.cmp(&a)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.cmp(&b),
        }
    });
    out
}

/// When a postmortem started, as a sortable value; None when undated.
fn sort_moment(pm: &Postmortem) -> Option<(chrono::NaiveDate, Option<chrono::NaiveTime>)> {
    let m = pm.facts.started_at?;
    Some((m.date?, m.time))
}
