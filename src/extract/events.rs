//! The outage window from the timeline's events: it starts at the first event that reports
//! impact or detection — not at a change or planned work that had no effect yet — and ends
//! at the event where service came back. Times come resolved from the timeline
//! ([`super::timeline::Resolved`]); nothing here parses a written time again.

use super::datetime::{self, Moment};
use super::provenance::{Conflict, How, Source};
use super::sections::{Section, SectionKind};
use super::timeline::{self, TimelineEntry};
use super::when::{When, end_on_start_day};
use crate::taxonomy::Analysed;

/// A list of the `window` cue topic (`src/cues/window.toml`).
fn cue(name: &str) -> &'static crate::taxonomy::Phrases {
    crate::cues::list("window", name)
}

/// Whether a text says service came back ("Search came back at 11:40 UTC.") or the
/// incident was closed.
pub fn is_restoration(text: &str) -> bool {
    restoration(text).is_some()
}

/// How an event ends the outage, when it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// It closes the incident ("Incident resolved").
    Closed,
    /// It says service came back.
    ServiceBack,
}

fn restoration(text: &str) -> Option<Ending> {
    let words = Analysed::new(text);
    if cue("not_restored").any_in(&words) {
        return None;
    }
    if cue("closed").any_in(&words) {
        Some(Ending::Closed)
    } else {
        cue("restored")
            .any_in(&words)
            .then_some(Ending::ServiceBack)
    }
}

/// Whether an event logged before the first report of the problem had no visible effect
/// yet: it says so ("tests pass", "nothing breaks"), it is planned or routine work, it is a
/// change logged an hour or more before that report (or on an earlier day) — had it
/// broken anything at once, someone would have seen it sooner — or it is a change that
/// stays in source control ("the pull request that caused the corruption was merged")
/// whatever damage it names. An event that otherwise reports a problem always counts.
fn had_no_effect_yet(event: Moment, text: &str, first_report: Option<Moment>) -> bool {
    let words = Analysed::new(text);
    let says_no_effect = cue("no_effect").any_in(&words);
    let unreleased = stays_in_source_control(&words);
    if cue("symptom").any_in(&words) && !says_no_effect && !unreleased {
        return false;
    }
    says_no_effect
        || unreleased
        || cue("planned").any_in(&words)
        || (cue("change").any_in(&words)
            && first_report.is_some_and(|report| long_before(event, report)))
}

/// Whether `a` comes an hour or more before `b`, or on an earlier day.
fn long_before(a: Moment, b: Moment) -> bool {
    match (a.date, b.date) {
        (Some(x), Some(y)) if x < y => true,
        _ => datetime::minutes_between(&a, &b).is_some_and(|m| m >= 60),
    }
}

/// Whether an event is the first report of the problem: it reports impact or detection
/// and is no change still in source control.
fn is_first_report(text: &str) -> bool {
    reports_symptom(text) && !stays_in_source_control(&Analysed::new(text))
}

/// Whether an event is a change kept in source control (`window.source_change`) that
/// says nothing of reaching users (`window.reaches_users`).
fn stays_in_source_control(words: &Analysed) -> bool {
    cue("source_change").any_in(words) && !cue("reaches_users").any_in(words)
}

/// Whether an event is logged after the outage ("postmortem meeting held", `window.aftermath`)
/// without saying service came back.
fn is_aftermath(text: &str) -> bool {
    cue("aftermath").any_in(&Analysed::new(text)) && restoration(text).is_none()
}

/// Whether an event reports the problem: impact or its detection.
fn reports_symptom(text: &str) -> bool {
    let words = Analysed::new(text);
    cue("symptom").any_in(&words) && !cue("no_effect").any_in(&words)
}

/// The index of the event that starts the outage: the first one that is not an event
/// before the first report of the problem which had no effect yet.
fn start_event(timed: &[(Moment, &TimelineEntry)]) -> usize {
    let report = timed.iter().position(|(_, e)| is_first_report(&e.text));
    let report_moment = report.map(|i| timed[i].0);
    timed[..report.unwrap_or(timed.len())]
        .iter()
        .position(|&(m, e)| !had_no_effect_yet(m, &e.text, report_moment))
        .unwrap_or(report.unwrap_or(0))
}

/// Completes `when` from the timeline: the zone its times are in, the start at its first
/// event that reports the problem, and (without a stated end or length) the end at the
/// event where service came back, else its last event.
pub fn fill_from_timeline(when: &mut When, sections: &[Section], timeline: &[TimelineEntry]) {
    if when.zone.is_none() && (when.start.is_some() || !timeline.is_empty()) {
        when.zone = sections
            .iter()
            .filter(|s| s.kind == SectionKind::Timeline)
            .find_map(timeline::stated_zone)
            .or_else(|| {
                timeline
                    .iter()
                    .find_map(|e| e.at.as_ref()?.zone_name().map(str::to_owned))
            });
    }
    let timed: Vec<(Moment, &TimelineEntry)> = timeline
        .iter()
        .filter_map(|e| Some((e.at.as_ref()?.moment(), e)))
        .collect();
    if timed.is_empty() {
        return;
    }
    let day = when.start.and_then(|s| s.date).or_else(|| {
        sections
            .iter()
            .filter(|s| s.kind == SectionKind::Timeline)
            .find_map(|s| datetime::find_span(&s.heading).and_then(|sp| sp.start.date))
    });
    let (first, first_entry) = timed[start_event(&timed)];
    let from_first = Some(Source::at(first_entry.line, How::FirstEvent));
    match when.start.as_mut() {
        None => {
            when.start = Some(Moment {
                date: first.date.or(day),
                time: first.time,
            });
            when.start_from = from_first;
        }
        // The summary gave the time only ("between 2 AM and 2:30 AM on 1/20", no year):
        // the timeline's first dated event gives the day.
        Some(start) if start.date.is_none() && start.time.is_some() => {
            start.date = first
                .date
                .or_else(|| timed.iter().find_map(|(m, _)| m.date))
                .or(day);
        }
        // The summary gave the day only: the timeline's first event gives the time.
        Some(start) if start.time.is_none() && first.date.is_none_or(|d| Some(d) == start.date) => {
            start.time = first.time;
            when.start_from = from_first;
        }
        // A day that comes after the timeline's dated first event is when the postmortem
        // was written ("Login failures — 2024-05-06" over a March timeline).
        Some(start)
            if start.time.is_none()
                && first
                    .date
                    .is_some_and(|d| start.date.is_some_and(|s| d < s)) =>
        {
            *start = first;
            when.start_from = from_first;
        }
        Some(_) => {}
    }
    // A summary that states the start and the length gives the end (start + length); a
    // start read off the timeline takes its end from the timeline too.
    let start_from_timeline = when.start_from.is_some_and(|f| f.how == How::FirstEvent);
    if when.end.is_none() && (when.stated_minutes.is_none() || start_from_timeline) {
        // The last event that says service came back, else the last that closes the
        // incident; without either (and no stated length) the last event.
        let endings: Vec<(usize, Ending)> = timed
            .iter()
            .enumerate()
            .filter_map(|(i, (_, e))| restoration(&e.text).map(|r| (i, r)))
            .collect();
        let restored = [Ending::ServiceBack, Ending::Closed]
            .iter()
            .find_map(|kind| endings.iter().rev().find(|(_, r)| r == kind))
            .map(|&(i, _)| (&timed[i], How::Restored));
        // A day-only last event is no end: a day-only timeline often stops while the
        // problem lasts ("2023-03-21: tests still failing").
        let last = timed
            .iter()
            .rev()
            .find(|(_, e)| !is_aftermath(&e.text))
            .filter(|(m, _)| timed.len() > 1 && m.time.is_some() && when.stated_minutes.is_none())
            .map(|l| (l, How::LastEvent));
        if let Some((&(moment, entry), how)) = restored.or(last) {
            let start = when.start.unwrap_or(moment);
            when.end = Some(end_on_start_day(&start, moment));
            when.end_from = Some(Source::at(entry.line, how));
        }
    }
    fix_noon_written_as_midnight(when);
    // An "end" at the very moment of the start is the same event seen twice.
    if when.end.is_some() && when.end == when.start {
        when.end = None;
        when.end_from = None;
    }
    distrust_end_before_start(when);
}

/// A dated end before its dated start is a typo in one of them: the end is dropped (and
/// reported as a conflict) rather than giving a negative or day-long outage.
fn distrust_end_before_start(when: &mut When) {
    let (Some(start), Some(end)) = (when.start, when.end) else {
        return;
    };
    let (Some(start_day), Some(end_day)) = (start.date, end.date) else {
        return;
    };
    let backwards = end_day < start_day
        || (end_day == start_day && matches!((start.time, end.time), (Some(s), Some(e)) if e < s));
    if backwards {
        if let (Some(value), Some(line)) = (end.to_export(), when.end_from.and_then(|f| f.line)) {
            when.conflicts.push(Conflict {
                field: "ended_at",
                value,
                line,
            });
        }
        when.end = None;
        when.end_from = None;
    }
}

/// "From 11 AM to 12:30 AM" almost always means half past noon: an end just after
/// midnight following a morning start is read as just after noon the same day.
fn fix_noon_written_as_midnight(when: &mut When) {
    use chrono::Timelike;
    let (Some(start), Some(end)) = (when.start, when.end.as_mut()) else {
        return;
    };
    let (Some(sd), Some(st), Some(ed), Some(et)) = (start.date, start.time, end.date, end.time)
    else {
        return;
    };
    if et.hour() == 0 && (6..12).contains(&st.hour()) && sd.succ_opt() == Some(ed) {
        end.date = Some(sd);
        end.time = et.with_hour(12);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::SourceFile;

    /// The exported window (start, end, duration) of a postmortem of our own writing.
    fn window_of(md: &str) -> (Option<String>, Option<String>, Option<i64>) {
        let source = SourceFile {
            rel_path: "w.md".into(),
            text: md.into(),
        };
        let (x, _) = crate::extract::extract(&crate::parse::parse(&source).0);
        (
            x.started_at.and_then(|m| m.to_export()),
            x.ended_at.and_then(|m| m.to_export()),
            x.duration_minutes,
        )
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn a_change_with_no_effect_yet_does_not_start_the_outage() {
        let md = "# Webhooks\n\n## Timeline\n\n| When | What |\n|--|--|\n| 2024-03-01 22:00 | A config change is merged; nothing breaks |\n| 2024-03-02 06:10 | First customer reports failed webhooks |\n| 2024-03-02 07:00 | Webhooks delivered again |\n";
        assert_eq!(
            window_of(md),
            (some("2024-03-02T06:10"), some("2024-03-02T07:00"), Some(50))
        );
        // Code merged weeks before a release starts nothing; the release does.
        let md = "# Corruption\n\n## Timeline\n| Day | Event |\n|--|--|\n| 2021-05-08 | Pull request that caused data corruption was merged |\n| 2021-06-16 | Release 3.5.0 with the corruption was published |\n| 2021-12-01 | Report of data corruption |\n";
        assert_eq!(window_of(md).0, some("2021-06-16"));
        // A change whose own entry reports the breakage is the start.
        let md = "# Login\n\n## Timeline\n- 2024-05-01 10:00: Deploy of v2; login errors spike\n- 2024-05-01 10:20: Rolled back, logins working again\n";
        assert_eq!(window_of(md).0, some("2024-05-01T10:00"));
    }

    #[test]
    fn restoration_in_the_summary_ends_the_outage() {
        let md = "# Search down\n\n## Summary\nOn 2024-06-03 at 10:15 UTC search stopped answering. Search came back at 11:40 UTC.\n";
        assert_eq!(
            window_of(md),
            (some("2024-06-03T10:15"), some("2024-06-03T11:40"), Some(85))
        );
    }

    #[test]
    fn a_range_over_a_weekend_counts_its_days() {
        // The year comes from the front matter's publication date.
        let md = "---\ndate: 2023-03-10\n---\n# Billing\n\n## Summary\nInvoices failed from Friday, March 3rd at 22:00 UTC until Monday, March 6th at 08:00 UTC.\n";
        assert_eq!(
            window_of(md),
            (
                some("2023-03-03T22:00"),
                some("2023-03-06T08:00"),
                Some(3480)
            )
        );
        // Without any year the days still count, though they cannot be exported.
        let md = "# Billing\n\n## Summary\nInvoices failed from Friday, March 3rd at 22:00 UTC until Monday, March 6th at 08:00 UTC.\n";
        assert_eq!(window_of(md), (None, None, Some(3480)));
    }

    #[test]
    fn a_summary_time_without_a_day_takes_the_timelines_day() {
        let md = "# Hubs\n\n## Summary\nTwo changes were merged to prod at 2 AM PST and broke the hubs.\n\n## Timeline\n- 2022-01-20 06:10 PST: an instructor reports failing hubs\n- 12:33 PST: the last hub works again\n";
        assert_eq!(
            window_of(md),
            (
                some("2022-01-20T02:00"),
                some("2022-01-20T12:33"),
                Some(633)
            )
        );
    }

    #[test]
    fn a_time_keeps_its_own_day_across_midnight() {
        let md = "# Queue\n\n## Timeline\n- 2024-02-10 21:00: queue stalls, alerts fire\n- 23:30: workers restarted\n- 02:15: backlog drained, processing again\n";
        assert_eq!(
            window_of(md),
            (
                some("2024-02-10T21:00"),
                some("2024-02-11T02:15"),
                Some(315)
            )
        );
    }

    #[test]
    fn service_back_wins_over_closing_the_incident() {
        let md = "# Scans\n\n## Timeline\n- 2025-01-10 09:15 UTC: scans fail, monitoring alerts\n- 10:40 UTC: provider systems recovered\n- 10:45 UTC: all services confirmed operational\n- 11:51 UTC: incident formally closed\n";
        assert_eq!(window_of(md).1, some("2025-01-10T10:45"));
        // A stated length keeps its value; with the start read off the timeline, the end
        // is still the event.
        let md = "# Scans\n\n## Summary\nScans failed for about 2 hours.\n\n## Timeline\n- 2025-01-10 09:15 UTC: scans fail, monitoring alerts\n- 10:45 UTC: all services confirmed operational\n";
        assert_eq!(
            window_of(md),
            (
                some("2025-01-10T09:15"),
                some("2025-01-10T10:45"),
                Some(120)
            )
        );
        // A summary stating both the start and the length gives the end itself.
        let md = "# Scans\n\n## Summary\nScans failed at 09:00 UTC on 2025-01-10 for 1 hour.\n\n## Timeline\n- 09:02 UTC: scans fail, monitoring alerts\n- 09:53 UTC: scans running again\n";
        assert_eq!(
            window_of(md),
            (some("2025-01-10T09:00"), some("2025-01-10T10:00"), Some(60))
        );
    }

    #[test]
    fn a_last_row_logged_after_the_outage_is_not_its_end() {
        let md = "# Login\n\n## Timeline\n- 2024-05-01 10:00 UTC: login errors spike\n- 10:20 UTC: config reverted by the on-call engineer\n- 14:00 UTC: postmortem meeting held\n";
        assert_eq!(window_of(md).1, some("2024-05-01T10:20"));
        assert!(is_aftermath("We continue to monitor the queue"));
        assert!(!is_aftermath("Monitoring shows error rates back to normal"));
        assert!(!is_aftermath("Login errors spike"));
    }

    #[test]
    fn day_only_events_stay_day_only() {
        let md = "# Corruption\n\n## Timeline\n| Day | Event |\n|--|--|\n| 2023-05-02 | Release 1.4 with the corrupting change is published; users report bad reads |\n| 2023-05-20 | Release 1.4.1 with the fix was published |\n";
        assert_eq!(
            window_of(md),
            (some("2023-05-02"), some("2023-05-20"), Some(18 * 24 * 60))
        );
        // A day-only timeline that stops while the problem lasts has no end.
        let md = "# Flaky tests\n\n## Timeline\n- **2023-03-20**: test suite degradation.\n- **2023-03-21**: test suite failing on every run.\n";
        assert_eq!(window_of(md), (some("2023-03-20"), None, None));
    }

    #[test]
    fn an_end_before_its_start_is_not_trusted() {
        let md = "# Cache\n\n## Timeline\n- 2024-04-09 14:00: cache errors reported\n- 2024-04-08 15:00: service restored\n";
        assert_eq!(window_of(md), (some("2024-04-09T14:00"), None, None));
    }

    #[test]
    fn restoration_wording() {
        for yes in [
            "Search came back at 11:40 UTC.",
            "Webhooks delivered again",
            "Error rates returned to normal",
            "CoreDNS downgraded, which solved the issue",
            "All systems verified operational",
            "Service restored for all regions",
            "After the fix we were back online at 09:47.",
            "Release 2.4.1 with the fix was published",
            "Engineer declares the hub online",
            "Incident formally closed",
            "The share price is fixed",
            "Error rates subsided after the failover",
            "Alerts cleared at 10:40",
            "We are no longer seeing failed payments",
            "Latency returned to baseline",
            "After the revert, everything is okay again",
        ] {
            assert!(is_restoration(yes), "{yes}");
        }
        for no in [
            "Checkout failed again after the retry",
            "The cluster is still unstable",
            "Engineers began restoring the database from backup",
            "Restoration partially complete; EU still down",
            "Unstable writes on the primary",
            "A war room is opened to mitigate the issue",
            "The operator starts the recovery procedure",
            "Engineers work to resolve the problem",
            "We watch the batch workload stabilise",
            "The deploy succeeds, but the memory leak is not fixed",
            "The server no longer answered health checks",
            "Errors started at 10:05",
            "An engineer is fixing the parser",
            "The hotfix release build was started",
        ] {
            assert!(!is_restoration(no), "{no}");
        }
    }

    #[test]
    fn changes_before_the_first_report_and_symptoms() {
        let t = |h, m| Moment {
            date: None,
            time: chrono::NaiveTime::from_hms_opt(h, m, 0),
        };
        let report = Some(t(10, 0));
        // Said to have no effect, planned, or a change long before the first report.
        assert!(had_no_effect_yet(
            t(9, 58),
            "A config change is merged; nothing breaks",
            report
        ));
        assert!(had_no_effect_yet(
            t(9, 58),
            "Routine maintenance on the replica",
            report
        ));
        assert!(had_no_effect_yet(
            t(7, 0),
            "Branch master renamed to main",
            report
        ));
        // Code merged is not yet running, whatever it later broke.
        assert!(had_no_effect_yet(
            t(9, 58),
            "The pull request that caused the data corruption was merged",
            report
        ));
        assert!(!is_first_report(
            "The pull request that caused the data corruption was merged"
        ));
        // A change minutes before the first report may well have caused it at once.
        assert!(!had_no_effect_yet(
            t(9, 58),
            "Branch master renamed to main",
            report
        ));
        // A change whose own entry reports the breakage, or a merge that reached users.
        assert!(!had_no_effect_yet(
            t(7, 0),
            "Deploy of v2.3; error rates spike",
            report
        ));
        assert!(!had_no_effect_yet(
            t(7, 0),
            "Two pull requests merged to production; builds fail",
            report
        ));
        assert!(reports_symptom("First customer reports failed webhooks"));
        assert!(reports_symptom("Site is hard down, on-call paged"));
        assert!(!reports_symptom(
            "A config change is merged; nothing breaks"
        ));
    }
}
