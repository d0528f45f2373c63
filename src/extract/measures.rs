//! Corrective and preventative measures: one item per action, from lists, lines,
//! `Task N:` lines and action-item tables, with a status where the document gives one.

use serde::Serialize;

use super::sections::{Entry, EntryKind, Section, SectionKind};
use super::sentences;
use crate::cues;
use crate::taxonomy::{Analysed, Phrases};

/// A list of the `measures` cue topic (`src/cues/measures.toml`).
fn cue(name: &str) -> &'static Phrases {
    cues::list("measures", name)
}

/// One promised action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct MeasureItem {
    /// The action as written (plain text).
    pub text: String,
    /// "done", "open" or the table's status text, where the document says.
    pub status: Option<String>,
    /// 1-based source line.
    pub line: usize,
}

/// Every action item of the measures sections, in document order. A document without
/// such a section often states its actions as lessons ("We need to document the deploy
/// process"): those promises are its measures then.
pub fn measures(sections: &[Section]) -> Vec<MeasureItem> {
    let items: Vec<MeasureItem> = sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == SectionKind::Measures)
        .flat_map(|(i, s)| section_items(&s.entries, lists_below(sections, i)))
        .collect();
    if !items.is_empty() {
        return items;
    }
    let introduced = introduced_actions(sections);
    if introduced.is_empty() {
        lessons_that_promise_actions(sections)
    } else {
        introduced
    }
}

/// Whether the section at `index` is followed by deeper sub-sections that list items
/// ("## Action items" over "### Process improvements" and its list): its own prose then
/// only introduces them.
fn lists_below(sections: &[Section], index: usize) -> bool {
    let level = sections[index].level;
    sections[index + 1..]
        .iter()
        .take_while(|s| s.level > level)
        .any(|s| s.entries.iter().any(is_listed))
}

/// Whether an entry is a list item or a table body row.
fn is_listed(entry: &Entry) -> bool {
    matches!(
        entry.kind,
        EntryKind::Item { .. } | EntryKind::Row { header: false, .. }
    )
}

/// Lists of future work under any other heading: a list right after a line that announces
/// it ("To prevent this from happening again, we will:", "Going forward:") is a measures
/// list, whatever the section is called; so are the paragraphs that each promise an action
/// right after a paragraph announcing changes ("We'll be making several changes so this
/// does not happen again."), one item per paragraph. Timelines are left alone: their rows
/// are events.
fn introduced_actions(sections: &[Section]) -> Vec<MeasureItem> {
    let mut out = Vec::new();
    for section in sections.iter().filter(|s| s.kind != SectionKind::Timeline) {
        let entries = &section.entries;
        for (i, entry) in entries.iter().enumerate() {
            if !matches!(entry.kind, EntryKind::Line | EntryKind::Label) {
                continue;
            }
            let rest = &entries[i + 1..];
            if is_label_text(&entry.text) && cue("actions_intro").in_text(&entry.text) {
                let list = rest
                    .iter()
                    .take_while(|e| matches!(e.kind, EntryKind::Item { .. }))
                    .count();
                out.extend(section_items(&rest[..list], false));
            } else if announces_changes(&entry.text) {
                rest.iter()
                    .take_while(|e| {
                        e.kind == EntryKind::Line
                            && promises_any(&e.text)
                            && !announces_changes(&e.text)
                    })
                    .for_each(|e| push_text(&mut out, e, None));
            }
        }
    }
    out
}

/// Whether a paragraph ends by announcing the changes that follow it ("… we'll be making
/// several changes to make sure this doesn't happen again.").
fn announces_changes(text: &str) -> bool {
    sentences(text).last().is_some_and(|last| {
        cue("changes_intro").in_text(last) && cue("actions_intro").in_text(last)
    })
}

/// Whether any sentence of a text promises an action.
fn promises_any(text: &str) -> bool {
    sentences(text).iter().any(|s| promises_action(s))
}

/// The top-level list items of the lessons — a "Lessons learned" section, or a list after
/// a line such as "The lessons we take away are:" — that each promise an action.
fn lessons_that_promise_actions(sections: &[Section]) -> Vec<MeasureItem> {
    let mut out = Vec::new();
    for section in sections {
        let mut in_lessons = section.kind == SectionKind::Lessons;
        for entry in &section.entries {
            match entry.kind {
                EntryKind::Line | EntryKind::Label if section.kind != SectionKind::Lessons => {
                    in_lessons =
                        is_label_text(&entry.text) && cue("lesson_intro").in_text(&entry.text);
                }
                EntryKind::Item { depth: 0, .. } if in_lessons && promises_any(&entry.text) => {
                    push_text(&mut out, entry, None);
                }
                // A lessons section told as paragraphs: each paragraph that commits to an
                // action is one item ("We also learnt that we need a staging copy …").
                EntryKind::Line
                    if section.kind == SectionKind::Lessons
                        && !section.entries.iter().any(is_listed)
                        && promises_any(&entry.text) =>
                {
                    push_text(&mut out, entry, None);
                }
                _ => {}
            }
        }
    }
    out
}

/// The items of one measures section; `lists_below` says its sub-sections list the items.
fn section_items(entries: &[Entry], lists_below: bool) -> Vec<MeasureItem> {
    let mut out = Vec::new();
    // Where a section lists its actions, the paragraphs around the list only introduce or
    // comment on them.
    let has_list = lists_below || entries.iter().any(is_listed);
    let mut status_column = None;
    let mut text_column = 0;
    let mut labels: Vec<bool> = Vec::new();
    for entry in entries {
        match &entry.kind {
            EntryKind::Row {
                header: true,
                cells,
            } => {
                status_column = cells.iter().position(|c| cue("status_column").in_text(c));
                text_column = cells
                    .iter()
                    .position(|c| cue("text_column").in_text(c))
                    .unwrap_or(0);
            }
            EntryKind::Row {
                header: false,
                cells,
            } => {
                let text = cells.get(text_column).cloned().unwrap_or_default();
                if !text.trim().is_empty() {
                    let status = status_column
                        .and_then(|i| cells.get(i))
                        .map(|s| s.trim().to_lowercase());
                    out.push(MeasureItem {
                        text,
                        status: status.filter(|s| !s.is_empty()),
                        line: entry.line,
                    });
                }
            }
            EntryKind::Item { depth, checked } => {
                // Whether the item at each depth above this one only labels a group; a
                // parent not seen in this list (it was a heading or label line such as
                // "**Immediate:**") counts as a label.
                labels.truncate(*depth);
                let seen = labels.len();
                labels.resize(*depth, true);
                let under_label = depth.checked_sub(1).is_some_and(|d| d >= seen || labels[d]);
                if is_group_label(entry) {
                    labels.push(true);
                    continue;
                }
                labels.push(false);
                // A sub-point under an action only explains it, unless it opens with an
                // action verb of its own; under a group label every sub-point is an action.
                if *depth > 0 && !under_label && !opens_action(&entry.text) {
                    continue;
                }
                let status = checked.map(|c| if c { "done" } else { "open" }.to_owned());
                let lines: Vec<&str> = entry.text.lines().collect();
                if lines.len() > 1 && is_label_text(lines[0]) {
                    // "- Monitoring:\n  — add alerts\n  — add dashboards": one action per line.
                    for line in &lines[1..] {
                        push_line(&mut out, line, entry.line, status.clone());
                    }
                } else {
                    push_text(&mut out, entry, status);
                }
            }
            EntryKind::Line => {
                if !has_list && !is_group_label(entry) && !is_commentary(&entry.text) {
                    push_prose(&mut out, entry);
                }
            }
            EntryKind::Label => labels.clear(),
            EntryKind::Code | EntryKind::Heading(_) => {}
        }
    }
    out
}

/// A paragraph of prose: each sentence that promises an action ("… will be …", "we need
/// to …") is one item when there are several; otherwise the paragraph is one item.
fn push_prose(out: &mut Vec<MeasureItem>, entry: &Entry) {
    let sentences = sentences(&entry.text);
    let promises: Vec<&str> = sentences
        .iter()
        .copied()
        .filter(|s| promises_action(s))
        .flat_map(coordinated_actions)
        .collect();
    if promises.len() > 1 {
        for sentence in promises {
            push_line(out, sentence, entry.line, None);
        }
    } else {
        push_text(out, entry, None);
    }
}

/// "…implementing log rotation, and creating an alarm": one sentence, two actions joined
/// by ", and" before a verb, by "and make sure"/"and be sure", or by "and" before a new
/// subject with its own modal ("SRE to add tests and the QA team to run them").
fn coordinated_actions(sentence: &str) -> Vec<&str> {
    let lower = sentence.to_ascii_lowercase();
    let split = lower.match_indices(" and ").find_map(|(i, _)| {
        let comma = lower[..i].ends_with(',');
        let second = &lower[i + " and ".len()..];
        let verb = second.split_whitespace().next().unwrap_or("");
        let opens_action = verb.ends_with("ing") || opens_action(second);
        let makes_sure = cue("makes_sure").opens_text(second);
        let promises = reports_own_work(second);
        ((comma && (opens_action || promises)) || makes_sure || assigns_action(second)).then_some(i)
    });
    match split {
        Some(i) => vec![
            sentence[..i].trim_end_matches(','),
            &sentence[i + " and ".len()..],
        ],
        None => vec![sentence],
    }
}

/// Whether a text opens by handing an action to someone ("SRE team to have …", "the QA
/// team will add …"): an actor, then a modal within the first four words.
fn assigns_action(text: &str) -> bool {
    cue("assigns")
        .find(&Analysed::new(text))
        .is_some_and(|(_, end)| end <= 4)
}

/// Whether a sentence commits to doing something.
fn promises_action(sentence: &str) -> bool {
    opens_action(sentence)
        || assigns_action(sentence)
        || reports_own_work(sentence)
        || cue("promise").in_text(sentence)
}

/// "we're adding …", "we have also scheduled …": the team reporting work it is doing or
/// has done.
fn reports_own_work(text: &str) -> bool {
    let words = Analysed::new(text);
    let (subject, skip, not_work) = (
        cue("own_work_subject"),
        cue("own_work_skip"),
        cue("not_work"),
    );
    (0..words.len()).any(|i| {
        if !subject.at(&words, i) {
            return false;
        }
        // The subject is two words ("we are", "we 're").
        let verb = (i + 2..words.len()).find(|&k| !skip.at(&words, k));
        verb.is_some_and(|k| {
            let w = &words.words[k];
            w.len() > 4 && (w.ends_with("ing") || w.ends_with("ed")) && !not_work.at(&words, k)
        })
    })
}

fn push_text(out: &mut Vec<MeasureItem>, entry: &Entry, status: Option<String>) {
    push_line(out, &entry.text, entry.line, status);
}

fn push_line(out: &mut Vec<MeasureItem>, text: &str, line: usize, status: Option<String>) {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.trim_start_matches(['—', '–', '-', '*', '•', ' ']);
    if text.is_empty() || is_placeholder(text) || points_elsewhere(text) {
        return;
    }
    let status = status.or_else(|| inline_status(text));
    for action in separate_actions(text) {
        out.push(MeasureItem {
            text: action.to_owned(),
            status: status.clone(),
            line,
        });
    }
}

/// A template's unfilled field ("{{ summary }} [link to issue]"): one word in braces.
fn is_placeholder(text: &str) -> bool {
    let Some((_, inner)) = text.split_once("{{") else {
        return false;
    };
    let inner = inner.split_once("}}").map_or(inner, |(field, _)| field);
    inner.split_whitespace().count() <= 1
}

/// A line that only points to where more is written ("More details can be found in the
/// PR"), promising nothing itself.
fn points_elsewhere(text: &str) -> bool {
    cue("pointer").in_text(text) && !promises_action(text)
}

/// Whether a text opens with an action verb ("Implement …", "Review …").
fn opens_action(text: &str) -> bool {
    cue("action_verbs").opens_text(text)
}

/// Splits an item into its sentences when every sentence after the first is an action of
/// its own; otherwise the item is one action with its explanation.
fn separate_actions(text: &str) -> Vec<&str> {
    let sentences = sentences(text);
    if sentences.len() > 1 && sentences[1..].iter().all(|s| opens_action(s)) {
        sentences
    } else {
        vec![text]
    }
}

/// `TODO:`/`DONE`/`[done]` markers written in the text: at its start, or in brackets at
/// its end.
fn inline_status(text: &str) -> Option<String> {
    let words = Analysed::new(text);
    let markers = cue("status_markers");
    let bracketed = text.trim_end().ends_with([')', ']']);
    let span = markers
        .opening(&words)
        .map(|end| (0, end))
        .or_else(|| markers.closing(&words).filter(|_| bracketed))?;
    Some(words.words[span.0..span.1].join(" "))
}

/// A line that only introduces the items below it ("Short term:", "**Improvements/Fixes:**").
fn is_group_label(entry: &Entry) -> bool {
    let text = entry.text.trim();
    let bold_only = entry.lead.as_deref().is_some_and(|lead| {
        text.strip_prefix(lead)
            .unwrap_or(text)
            .trim_matches([':', '.', ' '])
            .is_empty()
    });
    bold_only || (text.lines().count() == 1 && is_label_text(text))
}

/// A short text that ends with a colon: it introduces what follows.
fn is_label_text(text: &str) -> bool {
    let text = text.trim();
    text.ends_with(':') && text.split_whitespace().count() <= 25
}

/// Sentences around the list that state no action ("By implementing these measures, …").
fn is_commentary(text: &str) -> bool {
    cue("commentary").opens_text(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::sections::sections;
    use crate::parse::parse_blocks;

    fn items(md: &str) -> Vec<(String, Option<String>)> {
        measures(&sections(&parse_blocks(md, 1)))
            .into_iter()
            .map(|m| (m.text, m.status))
            .collect()
    }

    #[test]
    fn lines_skip_intro_and_closing_commentary() {
        let found = items(
            "## Corrective and Preventative Measures:\nTo prevent this, we will:\n\nAdd alerts on pool usage.\n\nDocument the failover runbook.\n\nBy implementing these measures, we aim to improve.\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn group_labels_and_their_items() {
        let found = items(
            "## Action items\n- Short term:\n  - add an alert\n  - fix the config\n- Write a runbook\n  - covering failover steps\n",
        );
        let texts: Vec<_> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["add an alert", "fix the config", "Write a runbook"]);
    }

    #[test]
    fn checkboxes_and_tables_carry_status() {
        let found = items("## Tasks\n- [x] rotate keys\n- [ ] add WAF rules\n");
        assert_eq!(found[0].1.as_deref(), Some("done"));
        assert_eq!(found[1].1.as_deref(), Some("open"));
        let table = items(
            "## Action Items\n| Action Item | Type | Owner | Status |\n|--|--|--|--|\n| Alert on expiry | prevent | ana | DONE |\n| Automate renewal | prevent | bo | TODO |\n",
        );
        assert_eq!(
            table,
            [
                ("Alert on expiry".into(), Some("done".into())),
                ("Automate renewal".into(), Some("todo".into()))
            ]
        );
    }

    #[test]
    fn prose_paragraphs_count_each_promised_action() {
        let found = items(
            "## Prevention\nThe team created a restart script for the worker. We could also run the migration on a staging copy first.\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        let found = items(
            "## Prevention\nWe should consider adding disk alerts, and rotating logs daily.\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        let found = items("## Prevention\nMonitoring of the pool will be improved.\n");
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn without_a_measures_section_lessons_that_promise_actions_are_the_measures() {
        let md = "## Postmortem\n\nThe lessons we take away are as follows:\n\n- We need to document how a release commit is picked.\n- Staging drifted from production for months.\n- When changes merge, we need to deploy them the same week.\n\n## Lessons learned\n\n- Caches hid the outage from some users.\n";
        let found = items(md);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[1].0.starts_with("When changes merge"), "{found:?}");
        // With a measures section, lessons stay lessons.
        let found = items(&format!(
            "{md}\n## Action items\n\n- Add a deploy checklist\n"
        ));
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn a_list_announced_as_future_work_is_a_measures_list_under_any_heading() {
        let found = items(
            "## What happened\nThe queue stalled.\n\nTo stop this from happening again, we will:\n\n- add an alert on queue depth\n- write a runbook for draining the queue\n\nThe team was tired.\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        // A list after a line that announces something else is no measures list.
        let found =
            items("## What happened\nThe services involved were:\n\n- the queue\n- the API\n");
        assert!(found.is_empty(), "{found:?}");
        // Nor is a timeline.
        let found = items("## Timeline\nAt 10:00 we will try:\n\n- 10:05 add capacity\n");
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn paragraphs_after_an_announcement_of_changes_are_the_measures() {
        let found = items(
            "We took far too long to find the fault, and we'll be making a few changes so that this doesn't happen again.\n\nFirst, the clients will stop retrying config requests. This already shipped.\n\nSecond, we'll add a manual switch to the health checks.\n\nLater this year, we'll move config serving to its own service.\n\nThanks for bearing with us.\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[2].0.starts_with("Later this year"), "{found:?}");
        // An announcement followed by narrative announces nothing here.
        let found =
            items("We will make changes to prevent this.\n\nThe database recovered at noon.\n");
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_lessons_section_in_paragraphs_counts_its_commitments() {
        let found = items(
            "## Lessons\n\nWe learnt a lot about our proxy setup.\n\nWe also learnt that we need a staging copy of the proxy.\n\nWe're looking at linting the proxy config in CI.\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn pointers_and_template_fields_are_not_actions() {
        let found = items(
            "## Action items\n- Pin the gem versions in the package spec\n- More details can be found in the tracking issue\n- {{ summary }} [link to issue]\n- {{ Add alerts on 5xx errors }} [link to issue]\n",
        );
        let texts: Vec<_> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(texts[1].contains("Add alerts"), "{texts:?}");
        // An action asking for more detailed information is no pointer.
        let found = items(
            "## Action items\n- Error handling: log more detailed information about each failure\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn prose_over_sub_sections_with_lists_only_introduces_them() {
        let found = items(
            "## Action items\nEvery action item should get an issue, so it is not forgotten.\n\n### Process improvements\n1. Write a policy for new hubs\n\n### Technical improvements\n1. Add logging to all hubs\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn the_team_reporting_its_work_promises_actions() {
        let found = items(
            "## What we'll do\nWe're adding a circuit breaker in front of payments, and we're moving retries into a shared library. We've also scheduled a load test. We have learned a lot.\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[1].0.starts_with("we're moving"), "{found:?}");
    }

    #[test]
    fn actions_joined_by_and_split_only_at_a_new_actor_or_make_sure() {
        let found = items(
            "## Prevention\nThe proxy was never tested. Ops team to add encoded URLs to the smoke test and the QA team to include the proxy in end-to-end runs.\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[1].0.starts_with("the QA team"), "{found:?}");
        let found = items(
            "## Prevention\nWe need to keep nightly backups and make sure nobody deletes the replica by hand.\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        // "and" inside one action: purpose clauses and paired nouns stay together.
        let found = items(
            "## Prevention\nWe will run quarterly drills and incident response exercises to improve coordination.\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn sub_points_that_are_actions_count_and_explanations_do_not() {
        let found = items(
            "## Action items\n- Add a backup plan\n  - Review the architecture for single points of failure\n  - because the last plan was lost\n",
        );
        let texts: Vec<_> = found.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Add a backup plan",
                "Review the architecture for single points of failure"
            ]
        );
    }

    #[test]
    fn items_with_several_action_sentences_split() {
        let found = items(
            "## Measures\n- Review all slow queries. Implement query timing alerts.\n- Scale the pool. It was too small.\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
    }
}
