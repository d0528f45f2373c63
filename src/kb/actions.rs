//! Action items across the knowledge base: every measure item with its incident, age and
//! status, the open ones first and the oldest of those first, so forgotten promises show.

use chrono::NaiveDate;

use super::KnowledgeBase;

/// An action item's state, as far as its document says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Marked open, todo, in progress, blocked…
    Open,
    /// The document does not say.
    Unknown,
    /// Marked done, closed, completed.
    Done,
}

impl Status {
    /// Reads a status as extracted ("done", "open", a table's "in progress").
    pub fn of(status: Option<&str>) -> Self {
        match status.map(|s| s.trim().to_lowercase()) {
            None => Status::Unknown,
            Some(s) if s.is_empty() => Status::Unknown,
            Some(s) => {
                let done = [
                    "done",
                    "closed",
                    "complete",
                    "completed",
                    "fixed",
                    "resolved",
                ];
                if done.contains(&s.as_str()) || s.starts_with('✅') {
                    Status::Done
                } else {
                    Status::Open
                }
            }
        }
    }

    /// Stable name for templates.
    pub fn slug(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Unknown => "unknown",
            Status::Done => "done",
        }
    }
}

/// One action item of one postmortem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    /// Index into [`KnowledgeBase::postmortems`].
    pub postmortem: usize,
    /// Index into that postmortem's measures.
    pub item: usize,
    /// Its state.
    pub status: Status,
    /// Days from the incident's start to [`as_of`]; None when the incident is undated.
    pub age_days: Option<i64>,
}

/// The day ages are counted to: the newest postmortem's start. A build never reads the
/// clock, so the same content always gives the same page.
pub fn as_of(kb: &KnowledgeBase) -> Option<NaiveDate> {
    kb.postmortems
        .iter()
        .filter_map(|p| p.facts.started_at.and_then(|m| m.date))
        .max()
}

/// Every action item: open first, then unknown, then done; within each the oldest first
/// (undated last), then by incident slug and document order.
pub fn action_items(kb: &KnowledgeBase) -> Vec<ActionItem> {
    let as_of = as_of(kb);
    let mut items: Vec<ActionItem> = kb
        .postmortems
        .iter()
        .enumerate()
        .flat_map(|(p, pm)| {
            let start = pm.facts.started_at.and_then(|m| m.date);
            pm.facts
                .measures
                .iter()
                .enumerate()
                .map(move |(item, m)| ActionItem {
                    postmortem: p,
                    item,
                    status: Status::of(m.status.as_deref()),
                    age_days: start.zip(as_of).map(|(s, now)| (now - s).num_days()),
                })
        })
        .collect();
    items.sort_by(|a, b| {
        a.status
            .cmp(&b.status)
            .then(b.age_days.is_some().cmp(&a.age_days.is_some()))
            .then(b.age_days.cmp(&a.age_days))
            .then_with(|| {
                kb.postmortems[a.postmortem]
                    .slug
                    .cmp(&kb.postmortems[b.postmortem].slug)
            })
            .then(a.item.cmp(&b.item))
    });
    items
}

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn statuses_as_written() {
        assert_eq!(Status::of(Some("done")), Status::Done);
        assert_eq!(Status::of(Some("Completed")), Status::Done);
        assert_eq!(Status::of(Some("in progress")), Status::Open);
        assert_eq!(Status::of(Some("todo")), Status::Open);
        assert_eq!(Status::of(None), Status::Unknown);
        assert!(Status::Open < Status::Unknown && Status::Unknown < Status::Done);
    }
}
