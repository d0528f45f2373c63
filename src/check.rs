//! `pmkb check`: what could not be found in each postmortem, as diagnostics with a file,
//! a line and a hint — what a team runs in CI on its postmortem repository.

use std::collections::HashSet;

use crate::diagnostics::Diagnostic;
use crate::discover::Asset;
use crate::extract::provenance::Window;
use crate::extract::{Origin, SectionKind, TimelineEntry};
use crate::kb::{KnowledgeBase, Postmortem};
use crate::output::OutputFile;

/// Files of the content folder that no postmortem links, so the rendered site (`site`)
/// does not publish them under `files/`: a warning each, so a stray secret or a broken link
/// is noticed.
pub fn unlinked(assets: &[Asset], site: &[OutputFile]) -> Vec<Diagnostic> {
    let published: HashSet<&str> = site
        .iter()
        .filter_map(|f| f.path.strip_prefix("files/"))
        .collect();
    assets
        .iter()
        .filter(|a| !published.contains(a.rel_path.as_str()))
        .map(|a| {
            Diagnostic::warning(&a.rel_path, "no postmortem links this file; it is not published")
                .with_hint("link it from a postmortem to publish it, or remove it; files to publish as they are go in the theme folder's static/")
        })
        .collect()
}

/// Findings about missing or doubtful facts, for every postmortem, sorted.
pub fn lint(kb: &KnowledgeBase) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = kb.postmortems.iter().flat_map(lint_one).collect();
    crate::diagnostics::sort(&mut out);
    out
}

fn lint_one(pm: &Postmortem) -> Vec<Diagnostic> {
    let facts = &pm.facts;
    let section_line = |kind| {
        facts
            .sections
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map(|&(_, _, line)| line)
    };
    // Missing summary facts point at the summary, else at the top of the file.
    let summary_line = section_line(SectionKind::Summary).unwrap_or(pm.document.body_line);
    let mut out = Vec::new();
    let mut warn = |line: usize, message: &str, hint: &str| {
        out.push(
            Diagnostic::warning(&pm.source, message)
                .at_line(line)
                .with_hint(hint),
        );
    };
    if facts.title_guessed {
        warn(
            pm.document.body_line,
            &format!(
                "no title heading found; the title {:?} was made from the text",
                facts.title
            ),
            "start the file with a `# Title` heading, or set `title` in front matter",
        );
    }
    if facts.started_at.is_none_or(|m| m.date.is_none()) {
        warn(
            summary_line,
            "no start date found",
            "state when the outage began, e.g. `Duration: June 8, 2023, 10:00 AM - 1:00 PM UTC`, or set `started_at` in front matter",
        );
    }
    if facts.duration_minutes.is_none() {
        warn(
            summary_line,
            "no duration found",
            "state how long it lasted (\"Duration: 2 hours\") or give start and end times",
        );
    }
    if facts.timezone.is_none() && facts.started_at.is_some_and(|m| m.time.is_some()) {
        warn(
            summary_line,
            "times are given without a time zone",
            "add the zone to the times, e.g. `10:00 AM UTC`, or set `timezone` in front matter",
        );
    }
    let written_zone = |e: &TimelineEntry| match e.at.as_ref()?.zone.as_ref()? {
        (zone, Origin::Written) => Some(zone.clone()),
        (_, Origin::Carried) => None,
    };
    if let Some(zone) = &facts.timezone
        && let Some((entry, other)) = facts
            .timeline
            .iter()
            .find_map(|e| written_zone(e).filter(|z| z != zone).map(|z| (e, z)))
    {
        warn(
            entry.line,
            &format!("timeline times are in {other} but the summary says {zone}; pmkb uses {zone}"),
            "write all times in one zone, or say which one the timeline uses",
        );
    }
    window_findings(&facts.window, facts, &mut warn);
    if facts.users_affected_pct.is_none() {
        warn(
            section_line(SectionKind::Impact).unwrap_or(summary_line),
            "no share of users affected found",
            "state it, e.g. \"about 40% of users were affected\", or set `users_affected` in front matter",
        );
    }
    if section_line(SectionKind::RootCause).is_none() && facts.root_cause.is_none() {
        warn(
            pm.document.body_line,
            "no root cause section",
            "add a `## Root cause` section",
        );
    }
    if pm.labels.root_causes.is_empty() {
        warn(
            section_line(SectionKind::RootCause).unwrap_or(pm.document.body_line),
            "root cause could not be classified",
            "name the component and mechanism, or set `root_causes` in front matter",
        );
    }
    if facts.measures.is_empty() {
        warn(
            section_line(SectionKind::Measures).unwrap_or(pm.document.body_line),
            "no corrective measures found",
            "add a `## Corrective and preventative measures` or `## Action items` section with one item per line",
        );
    }
    if section_line(SectionKind::Timeline).is_none() {
        warn(
            pm.document.body_line,
            "no timeline section",
            "add a `## Timeline` with one timed entry per line",
        );
    }
    out
}

/// The outage window's guessed values (read off the timeline's shape, or computed) and the
/// values stated elsewhere that disagree, each at its line, so a team can pin them in front
/// matter.
fn window_findings(
    window: &Window,
    facts: &crate::extract::Extracted,
    warn: &mut impl FnMut(usize, &str, &str),
) {
    let values = [
        ("started_at", facts.started_at.and_then(|m| m.to_export())),
        ("ended_at", facts.ended_at.and_then(|m| m.to_export())),
        (
            "duration_minutes",
            facts.duration_minutes.map(|m| m.to_string()),
        ),
    ];
    for (field, value) in &values {
        let (Some(value), Some(source)) = (value, window.source_of(field)) else {
            continue;
        };
        let Some(line) = source.line.filter(|_| source.how.is_guess()) else {
            continue;
        };
        let key = field.trim_end_matches("_minutes");
        warn(
            line,
            &format!("{field} {value} was guessed {}", source.how.describe()),
            &format!("check it, and pin it with `{key}:` in front matter if it is wrong"),
        );
    }
    for conflict in &window.conflicts {
        let kept = values
            .iter()
            .find(|(f, _)| *f == conflict.field)
            .and_then(|(_, v)| v.as_deref())
            .unwrap_or("none");
        warn(
            conflict.line,
            &format!(
                "{} here says {} but pmkb uses {kept}",
                conflict.field, conflict.value
            ),
            &format!(
                "correct the text, or pin `{}:` in front matter",
                conflict.field.trim_end_matches("_minutes")
            ),
        );
    }
}
