//! `pmkb check`: what could not be found in each postmortem, as diagnostics with a file,
//! a line and a hint — what a team runs in CI on its postmortem repository.

use crate::diagnostics::Diagnostic;
use crate::extract::SectionKind;
use crate::kb::{KnowledgeBase, Postmortem};

/// Findings about missing or doubtful facts, for every postmortem, sorted.
pub fn lint(kb: &KnowledgeBase) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = kb.postmortems.iter().flat_map(lint_one).collect();
    crate::diagnostics::sort(&mut out);
    out
}

fn lint_one(pm: &Postmortem) -> Vec<Diagnostic> {
    let facts = &pm.facts;
    let path = pm.source.as_str();
    let has_section = |kind| facts.sections.iter().any(|(k, _, _)| *k == kind);
    let mut out = Vec::new();
    let mut warn = |message: &str, hint: &str| {
        out.push(
            Diagnostic::warning(path, message)
                .at_line(1)
                .with_hint(hint),
        )
    };
    if facts.started_at.is_none_or(|m| m.date.is_none()) {
        warn(
            "no start date found",
            "state when the outage began, e.g. `Duration: June 8, 2023, 10:00 AM - 1:00 PM UTC`, or set `started_at` in front matter",
        );
    }
    if facts.duration_minutes.is_none() {
        warn(
            "no duration found",
            "state how long it lasted (\"Duration: 2 hours\") or give start and end times",
        );
    }
    if facts.timezone.is_none() && facts.started_at.is_some_and(|m| m.time.is_some()) {
        warn(
            "times are given without a time zone",
            "add the zone to the times, e.g. `10:00 AM UTC`, or set `timezone` in front matter",
        );
    }
    if facts.users_affected_pct.is_none() {
        warn(
            "no share of users affected found",
            "state it, e.g. \"about 40% of users were affected\", or set `users_affected` in front matter",
        );
    }
    if !has_section(SectionKind::RootCause) && facts.root_cause.is_none() {
        warn("no root cause section", "add a `## Root cause` section");
    }
    if pm.labels.root_causes.is_empty() {
        warn(
            "root cause could not be classified",
            "name the component and mechanism, or set `root_causes` in front matter",
        );
    }
    if facts.measures.is_empty() {
        warn(
            "no corrective measures found",
            "add a `## Corrective and preventative measures` or `## Action items` section with one item per line",
        );
    }
    if !has_section(SectionKind::Timeline) {
        warn(
            "no timeline section",
            "add a `## Timeline` with one timed entry per line",
        );
    }
    out
}
