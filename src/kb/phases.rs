//! Timeline phases: what one timeline entry says the responders were doing — detecting,
//! investigating, following a misleading path, escalating, having identified the cause,
//! mitigating, resolving — recognised from its wording with the cue vocabulary (`src/cues/phases.toml`).

use serde::Serialize;

use crate::cues;
use crate::taxonomy::{Analysed, Phrases};

/// A phase of incident response. The order is the priority used to pick the phase an
/// entry starts when it mentions several (the later the stronger).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Time before anyone noticed. Never read from wording: given to the unclassified
    /// entries before the first detection, so time-to-detect shows in the graphic.
    Undetected,
    /// The problem was noticed (alert, report).
    Detected,
    /// Looking for the cause.
    Investigating,
    /// Escalated, paged or handed to another team.
    Escalated,
    /// The root cause is known.
    Identified,
    /// The service is back (fixed, restored, closed).
    Resolved,
    /// The impact was reduced without a full fix (rollback, workaround, partial recovery).
    Mitigated,
    /// Chasing a hypothesis that turned out wrong; strongest, because a rollback or page
    /// done for a wrong theory is part of the misleading path.
    Misleading,
}

impl Phase {
    /// Every phase, in the order of a typical incident (for legends and statistics).
    pub const ALL: [Phase; 8] = [
        Phase::Undetected,
        Phase::Detected,
        Phase::Investigating,
        Phase::Misleading,
        Phase::Escalated,
        Phase::Identified,
        Phase::Mitigated,
        Phase::Resolved,
    ];

    /// Stable name for exports, CSS classes and tests.
    pub fn slug(self) -> &'static str {
        match self {
            Phase::Undetected => "undetected",
            Phase::Detected => "detected",
            Phase::Investigating => "investigating",
            Phase::Escalated => "escalated",
            Phase::Misleading => "misleading",
            Phase::Identified => "identified",
            Phase::Resolved => "resolved",
            Phase::Mitigated => "mitigated",
        }
    }

    /// Name shown to readers.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Undetected => "Before detection",
            Phase::Detected => "Detected",
            Phase::Investigating => "Investigating",
            Phase::Escalated => "Escalated",
            Phase::Misleading => "Misleading path",
            Phase::Identified => "Root cause identified",
            Phase::Resolved => "Resolved",
            Phase::Mitigated => "Mitigated",
        }
    }
}

/// What one entry's wording says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryPhases {
    /// Every phase the entry mentions, in [`Phase`] order (time-to-x reads these).
    pub mentions: Vec<Phase>,
    /// The strongest mention: what the time after this entry was spent on.
    pub phase: Option<Phase>,
    /// The entry says an earlier hypothesis was dropped ("ruled out", "found no errors"),
    /// so the time before it was a misleading path.
    pub rules_out: bool,
}

/// The phases read from wording and their cue lists: detection and investigation are the
/// sentence roles of `src/cues/roles.toml` (the same words mark those roles in a summary or a
/// root-cause section), the rest are in `src/cues/phases.toml`.
const CUES: [(Phase, &str, &str); 6] = [
    (Phase::Detected, "roles", "detection"),
    (Phase::Investigating, "roles", "investigation"),
    (Phase::Escalated, "phases", "escalated"),
    (Phase::Misleading, "phases", "misleading"),
    (Phase::Mitigated, "phases", "mitigated"),
    (Phase::Resolved, "phases", "resolved"),
];

fn cue(name: &str) -> &'static Phrases {
    cues::list("phases", name)
}

/// Classifies one timeline entry's text.
pub fn classify(text: &str) -> EntryPhases {
    let words = Analysed::new(text);
    let rules_out = cue("rules_out").any_in(&words);
    let affirmed = without_negated(&words);
    let mut mentions: Vec<Phase> = CUES
        .iter()
        .filter(|(phase, topic, list)| {
            // Negations are what misleading wording is made of ("no effect"); elsewhere
            // they deny the cue ("no alert", "not paging").
            let words = if *phase == Phase::Misleading {
                &words
            } else {
                &affirmed
            };
            cues::list(topic, list).any_in(words)
        })
        .map(|(phase, _, _)| *phase)
        .collect();
    let doubtful = rules_out || mentions.contains(&Phase::Misleading);
    let findings = without_intentions(affirmed);
    if cue("identified_strong").any_in(&findings)
        || (!doubtful && cue("identified_weak").any_in(&findings))
    {
        mentions.push(Phase::Identified);
    }
    mentions.sort_unstable();
    mentions.dedup();
    EntryPhases {
        phase: mentions.iter().max().copied(),
        mentions,
        rules_out,
    }
}

/// The text with every word right after a negation blanked out, and its other occurrences
/// too: "No alert: the cart alert watches completions" has no alert at all.
fn without_negated(text: &Analysed) -> Analysed {
    let negations = cue("negations");
    let denied: Vec<&str> = (1..text.len())
        .filter(|&i| negations.at(text, i - 1))
        .map(|i| text.stems[i].as_str())
        .collect();
    let mut out = text.clone();
    for i in 0..out.len() {
        if denied.contains(&text.stems[i].as_str()) {
            out.blank(i);
        }
    }
    out
}

/// The text with every finding verb after "to" blanked out.
fn without_intentions(mut text: Analysed) -> Analysed {
    let (intention, verbs) = (cue("intention"), cue("finding_verbs"));
    for i in 1..text.len() {
        if intention.at(&text, i - 1) && verbs.at(&text, i) {
            text.blank(i);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_get_the_phase_they_describe() {
        use Phase::*;
        let table: &[(&str, Option<Phase>)] = &[
            ("Pager alert: checkout 5xx above 3%.", Some(Detected)),
            (
                "A customer reported blank invoices by email.",
                Some(Detected),
            ),
            (
                "Ana starts looking into the worker logs.",
                Some(Investigating),
            ),
            ("Paged the storage on-call.", Some(Escalated)),
            ("Handed over to the network team.", Some(Escalated)),
            (
                "We initially suspected the new load balancer.",
                Some(Misleading),
            ),
            (
                "Assuming a DNS problem, the team flushed caches.",
                Some(Misleading),
            ),
            (
                "The disk theory turned out to be a red herring.",
                Some(Misleading),
            ),
            ("Wrong path: the queue was healthy.", Some(Misleading)),
            (
                "Root cause identified: the cron job deleted the index.",
                Some(Identified),
            ),
            (
                "Tracked it down: the culprit was a stale feature flag.",
                Some(Identified),
            ),
            ("Found that the TLS bundle had expired.", Some(Identified)),
            (
                "Rolled back release 41 to stop the errors.",
                Some(Mitigated),
            ),
            (
                "Traffic partially restored through the backup region.",
                Some(Mitigated),
            ),
            (
                "Error rate back to normal. Incident closed.",
                Some(Resolved),
            ),
            ("Service fully operational again.", Some(Resolved)),
            ("The nightly batch starts as planned.", None),
            ("Team assembled to identify the root cause.", None),
            (
                "Checkout errors at 4x. No alert: the cart alert watches completions.",
                None,
            ),
            (
                "Uptime probe fails; posted to a channel (not paging anyone).",
                None,
            ),
            (
                "On-call checks the shop through a cached resolver.",
                Some(Investigating),
            ),
            (
                "Pods scaled from 8 to 20. No improvement.",
                Some(Misleading),
            ),
            (
                "Initially suspected the proxy; rolled back one node.",
                Some(Misleading),
            ),
            ("Pager: orders API availability below 90%.", Some(Detected)),
            (
                "First support ticket about grey thumbnails.",
                Some(Detected),
            ),
        ];
        let wrong: Vec<_> = table
            .iter()
            .map(|(text, want)| (text, classify(text).phase, want))
            .filter(|(_, got, want)| got != *want)
            .collect();
        assert!(wrong.is_empty(), "(text, got, want): {wrong:#?}");
    }

    #[test]
    fn a_finding_next_to_a_wrong_lead_is_not_the_cause() {
        let found = classify("Found high queue latency; initially suspected the brokers.");
        assert_eq!(found.phase, Some(Phase::Misleading));
        assert!(!found.mentions.contains(&Phase::Identified));
        let ruled = classify("Escalated to the DBA after ruling out the app servers.");
        assert_eq!(ruled.phase, Some(Phase::Escalated));
        assert!(ruled.rules_out);
        let strong = classify("Root cause identified; the cache theory was misleading.");
        assert!(strong.mentions.contains(&Phase::Identified));
        assert_eq!(strong.phase, Some(Phase::Misleading));
    }

    #[test]
    fn several_mentions_are_all_kept() {
        let found = classify("Root cause identified and the fix rolled out; issue resolved.");
        assert!(found.mentions.contains(&Phase::Identified));
        assert_eq!(found.phase, Some(Phase::Resolved));
    }
}
