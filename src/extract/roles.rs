//! Sentence roles: what each sentence of a summary, timeline, root-cause or resolution section
//! does — state the cause, describe a symptom or the impact, tell how the problem was detected
//! or investigated, rule a path out, tell the fix, or promise follow-up work — read from the
//! cue vocabulary (`src/cues/roles.toml`) and, when the wording says nothing, from the section
//! the sentence stands in.

use super::sections::SectionKind;
use crate::cues;
use crate::taxonomy::Analysed;

/// The role of one sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Why it happened.
    Cause,
    /// What users or monitors saw; the impact.
    Symptom,
    /// How the problem was noticed.
    Detection,
    /// Looking for the cause.
    Investigation,
    /// A hypothesis that was dropped, or a part that was fine.
    RuledOut,
    /// What was done to restore service.
    Fix,
    /// Work promised for later.
    Action,
    /// Nothing the vocabulary or the place tells.
    Other,
}

/// The roles the wording can give, in the order they win: a sentence that rules a part out
/// names no cause even when it says "cause" ("the database was not the cause"); a promise
/// names what will change, not what broke; a causal connective makes a cause even in a
/// sentence that also tells the fix.
const WORDED: [(&str, Role); 7] = [
    ("ruled_out", Role::RuledOut),
    ("action", Role::Action),
    ("cause", Role::Cause),
    ("fix", Role::Fix),
    ("symptom", Role::Symptom),
    ("detection", Role::Detection),
    ("investigation", Role::Investigation),
];

/// The role of `sentence`, standing in a section of kind `place`.
pub fn role(sentence: &str, place: SectionKind) -> Role {
    let text = Analysed::new(sentence);
    if cues::list("roles", "opens_fix").opens(&text) {
        return Role::Fix;
    }
    let worded = WORDED
        .iter()
        .find(|(list, _)| cues::list("roles", list).any_in(&text))
        .map(|(_, role)| *role);
    match (worded, place) {
        // Inside a section about the cause, only a dropped path, a promise or the fix is
        // not part of it: a symptom or a check there explains how the cause showed.
        (Some(r @ (Role::RuledOut | Role::Action | Role::Fix | Role::Cause)), _) => r,
        (_, SectionKind::RootCause) => Role::Cause,
        (Some(r), _) => r,
        (None, SectionKind::Resolution) => Role::Fix,
        (None, SectionKind::Measures) => Role::Action,
        (None, SectionKind::Detection) => Role::Detection,
        (None, SectionKind::Impact) => Role::Symptom,
        (None, _) => Role::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording_gives_the_role_wherever_the_sentence_stands() {
        use Role::*;
        use SectionKind as S;
        let table = [
            (
                "The deploy was triggered by a merge to main.",
                S::Summary,
                Cause,
            ),
            (
                "Checkout failed because the token had expired.",
                S::Timeline,
                Cause,
            ),
            ("Root cause: a full disk on the primary.", S::Summary, Cause),
            ("The cache was not the cause.", S::RootCause, RuledOut),
            (
                "The load balancer and the database were healthy the whole time.",
                S::RootCause,
                RuledOut,
            ),
            ("We initially suspected the network.", S::Summary, RuledOut),
            ("We will add an alert on queue depth.", S::Summary, Action),
            (
                "Going forward, releases are canaried.",
                S::RootCause,
                Action,
            ),
            ("To fix it we restarted the workers.", S::RootCause, Fix),
            ("Resolution: the flag was turned off.", S::RootCause, Fix),
            (
                "Customers could not log in for an hour.",
                S::Summary,
                Symptom,
            ),
            ("An alert fired on the error budget.", S::Summary, Detection),
            (
                "The team looked into the proxy logs.",
                S::Summary,
                Investigation,
            ),
            ("The migration dropped an index.", S::RootCause, Cause),
            ("The migration dropped an index.", S::Summary, Other),
            ("The workers were restarted.", S::Resolution, Fix),
            (
                "Users saw errors because the pool was full.",
                S::Summary,
                Cause,
            ),
            (
                "A planned upgrade caused the resolver to crash.",
                S::Summary,
                Cause,
            ),
            (
                "Rate limits were not the direct cause of the delays.",
                S::RootCause,
                RuledOut,
            ),
            (
                "A stale mirror may explain it; this has not been confirmed.",
                S::RootCause,
                RuledOut,
            ),
            (
                "A daily check has been added for certificates that expire soon.",
                S::Summary,
                Action,
            ),
            (
                "The dependency on the login API will be removed.",
                S::Summary,
                Action,
            ),
        ];
        let wrong: Vec<_> = table
            .iter()
            .filter(|(text, place, want)| role(text, *place) != *want)
            .map(|(text, place, want)| (text, role(text, *place), want))
            .collect();
        assert!(wrong.is_empty(), "(text, got, want): {wrong:#?}");
    }

    #[test]
    fn a_word_inside_another_is_no_cue() {
        // "because of" holds no "cause of"; "unstable" no "stable".
        assert_eq!(role("It was unstable.", SectionKind::Summary), Role::Other);
        assert_eq!(
            role(
                "Traffic dropped because of the holiday.",
                SectionKind::Summary
            ),
            Role::Cause
        );
    }
}
