//! Timeline phases: what one timeline entry says the responders were doing — detecting,
//! investigating, following a misleading path, escalating, having identified the cause,
//! mitigating, resolving — recognised from its wording with the taxonomy's phrase matcher.

use std::sync::OnceLock;

use serde::Serialize;

use crate::taxonomy::{Phrases, analyse};

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

/// Cue phrases per phase, in the taxonomy phrase syntax (`*` prefix, `|` alternatives,
/// `~N` gap).
const CUES: &[(Phase, &[&str])] = &[
    (
        Phase::Detected,
        &[
            "detect*",
            "alert*",
            "alarm*",
            "notic*",
            "pager|pagerduty",
            "page|pages on call~1",
            "user|customer|merchant|support|client report*~2",
            "user|customer|merchant|client complain*~2",
            "first customer*|user*|report*|ticket*|complain*~1",
        ],
    ),
    (
        Phase::Investigating,
        &[
            "investig*",
            "troubleshoot*",
            "look|looked|looking|looks into|at|for~1",
            "diagnos*",
            "analy*",
            "review*",
            "examin*",
            "check|checked|checking|checks",
            "inspect*",
            "bisect*",
        ],
    ),
    (
        Phase::Escalated,
        &[
            "escalat*",
            "page|pages on call~1",
            "notified",
            "call|called in",
            "brought|bring in",
            "loop|looped in",
            "engag*",
            "hand|handed over",
            "war room",
            "incident declar*~1",
            "declar* incident~2",
        ],
    ),
    (
        Phase::Misleading,
        &[
            "mislead*",
            "misled",
            "red herring",
            "wrong|false path|lead|track|direction|assumption",
            "initial|initially|first suspect*~3",
            "was|were suspected",
            "initial|initially assum*~3",
            "assum*",
            "wrongly|incorrectly|mistakenly",
            "initial|initially focus*~3",
            "first|initial hypothes*~1",
            "no effect|improvement|change",
            "did not help",
            "dead end",
        ],
    ),
    (
        Phase::Mitigated,
        &[
            "mitig*",
            "workaround",
            "temporar*",
            "roll|rolled|rolling back",
            "rollback",
            "revert*",
            "failover",
            "fail|failed|failing over",
            "rate limit*",
            "shed load|traffic|requests",
            "partial* restor*|recover*~2",
            "still fail*|degrad*|down~2",
            "stabili*",
            "relief|reliev*",
            "scale|scaled|scaling down|to|up|out~1",
        ],
    ),
    (
        Phase::Resolved,
        &[
            "fully operational|restored|recovered",
            "back to normal",
            "return* to normal",
            "normal level*",
            "baseline",
            "restor*",
            "service|services|system|systems recover*~2",
            "incident|ticket close*~2",
            "close* incident|ticket~2",
            "all clear",
            "fix|fixed the problem|issue|outage~2",
        ],
    ),
];

/// Cue words matched as written, because the stemmer gives them the stem of a noun that
/// says nothing about the phase ("paged" and "status page", "resolved" and "DNS resolver").
const AS_WRITTEN: &[(Phase, &[&str])] = &[
    (Phase::Detected, &["paged"]),
    (Phase::Escalated, &["paged", "paging"]),
    (
        Phase::Resolved,
        &["resolved", "resolve", "resolves", "resolving"],
    ),
];

/// Wording that names the root cause outright; it counts even beside a misleading cue.
const IDENTIFIED_STRONG: &[&str] = &[
    "root cause identif*~3",
    "cause identif*",
    "identif*|found|determin*|discover*|pinpoint*|confirm*|trace*|isolat* root|actual|real cause~3",
    "identif*|found|determin*|discover*|pinpoint*|confirm*|isolat* the cause~2",
    "root of the problem|issue",
    "culprit",
    "trace* to|back~2",
];

/// Wording that finds something; it names the cause only when nothing in the same entry
/// says the lead was wrong ("identified high latency; initially suspected the disks").
const IDENTIFIED_WEAK: &[&str] = &[
    "identif*",
    "spot*",
    "recogni*",
    "discover*",
    "reveal*",
    "found",
    "pinpoint*",
    "determin*",
];

/// Stems of finding verbs that, after "to", state an intention ("initiated to identify the
/// root cause"), not a finding.
const FINDING_VERBS: &[&str] = &[
    "identifi", "find", "determin", "pinpoint", "discov", "isol", "trace", "confirm",
];

/// Wording that drops an earlier hypothesis.
const RULES_OUT: &[&str] = &[
    "rule|ruled|ruling out",
    "found|discovered|showed no~1",
    "no anomal*",
    "not the cause|culprit|problem|issue",
    "turn* out not~1",
];

struct Compiled {
    cues: Vec<(Phase, Phrases)>,
    strong: Phrases,
    weak: Phrases,
    rules_out: Phrases,
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let compile = |list: &[&str]| Phrases::compile("timeline phases", list).expect("valid");
        Compiled {
            cues: CUES.iter().map(|(p, l)| (*p, compile(l))).collect(),
            strong: compile(IDENTIFIED_STRONG),
            weak: compile(IDENTIFIED_WEAK),
            rules_out: compile(RULES_OUT),
        }
    })
}

/// Classifies one timeline entry's text.
pub fn classify(text: &str) -> EntryPhases {
    let c = compiled();
    let tokens = analyse(text);
    let lower = text.to_lowercase();
    let words = affirmed_words(&lower);
    let rules_out = c.rules_out.any_in(&tokens);
    let affirmed = without_negated(&tokens);
    let mut mentions: Vec<Phase> = c
        .cues
        .iter()
        .filter(|(phase, phrases)| {
            // Negations are what misleading wording is made of ("no effect"); elsewhere
            // they deny the cue ("no alert", "not paging").
            let tokens = if *phase == Phase::Misleading {
                &tokens
            } else {
                &affirmed
            };
            phrases.any_in(tokens)
        })
        .map(|(phase, _)| *phase)
        .chain(
            AS_WRITTEN
                .iter()
                .filter(|(_, cues)| words.iter().any(|w| cues.contains(w)))
                .map(|(phase, _)| *phase),
        )
        .collect();
    let doubtful = rules_out || mentions.contains(&Phase::Misleading);
    let findings = without_intentions(affirmed);
    if c.strong.any_in(&findings) || (!doubtful && c.weak.any_in(&findings)) {
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

/// Words that deny the word after them.
const NEGATIONS: &[&str] = &["no", "not", "without", "never"];

/// The stems with every word right after a negation blanked out, and its other
/// occurrences too: "No alert: the cart alert watches completions" has no alert at all.
fn without_negated(tokens: &[String]) -> Vec<String> {
    let denied: Vec<&str> = tokens
        .windows(2)
        .filter(|w| NEGATIONS.contains(&w[0].as_str()))
        .map(|w| w[1].as_str())
        .collect();
    tokens
        .iter()
        .map(|t| {
            if denied.contains(&t.as_str()) {
                String::new()
            } else {
                t.clone()
            }
        })
        .collect()
}

/// The lower-cased words of a text that are not right after a negation ("not paging").
fn affirmed_words(lower: &str) -> Vec<&str> {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    (0..words.len())
        .filter(|&i| i == 0 || !NEGATIONS.contains(&words[i - 1]))
        .map(|i| words[i])
        .collect()
}

/// The stems with every "to <finding verb>" verb blanked out.
fn without_intentions(mut tokens: Vec<String>) -> Vec<String> {
    for i in 1..tokens.len() {
        if tokens[i - 1] == "to" && FINDING_VERBS.iter().any(|v| tokens[i].starts_with(v)) {
            tokens[i].clear();
        }
    }
    tokens
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
