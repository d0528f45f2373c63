//! Where the time went: a postmortem's timeline entries put on one clock (minutes since
//! the first timed entry, rolling over midnight), the phase segments between them, and
//! time-to-detect, time-to-identify and time-to-resolve.

use serde::Serialize;

use super::phases::{self, EntryPhases, Phase};
use crate::extract::TimelineEntry;
use crate::extract::datetime::{self, Moment};
use crate::extract::timeline::MAX_ROLLOVER_MINUTES;

/// A stretch of the incident spent in one phase: from one timed entry to the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// What the time was spent on; None when no entry so far said.
    pub phase: Option<Phase>,
    /// Minutes since the first timed entry.
    pub start: i64,
    /// Length in minutes (never zero).
    pub minutes: i64,
    /// Index of the timeline entry that starts it.
    pub entry: usize,
}

/// A postmortem's timeline analysed: phases per entry, the clock, and time-to-x.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timing {
    /// What each timeline entry says, aligned with the timeline.
    pub entries: Vec<EntryPhases>,
    /// Minutes since the first timed entry, per timeline entry; None for entries without a
    /// usable time.
    pub offsets: Vec<Option<i64>>,
    /// The phase stretches between timed entries up to the resolution, in order.
    pub segments: Vec<Segment>,
    /// From the first timed entry to the first one mentioning detection.
    pub time_to_detect: Option<i64>,
    /// From the first timed entry to the first one naming the root cause.
    pub time_to_identify: Option<i64>,
    /// From the first timed entry to the last one saying the service is back.
    pub time_to_resolve: Option<i64>,
}

impl Timing {
    /// Minutes the segments cover (first timed entry to the resolution, or the last entry).
    pub fn span(&self) -> i64 {
        self.segments.iter().map(|s| s.minutes).sum()
    }

    /// Minutes spent in `phase`.
    pub fn minutes_in(&self, phase: Phase) -> i64 {
        self.segments
            .iter()
            .filter(|s| s.phase == Some(phase))
            .map(|s| s.minutes)
            .sum()
    }
}

/// Analyses a timeline from its entries' resolved moments ([`crate::extract::Resolved`]);
/// the first timed entry is minute 0, because the timeline's own clock is the only one its
/// entries share (a summary may state another zone). An undated time earlier than the one
/// before by more than [`MAX_ROLLOVER_MINUTES`] is an entry written out of order, left off
/// the clock rather than stretching the incident by a day.
pub fn timing(timeline: &[TimelineEntry]) -> Timing {
    // The time as written is classified too: where extraction could not split a line, the
    // words sit there ("13:16 5xx alert on api").
    let entries: Vec<EntryPhases> = timeline
        .iter()
        .map(|e| phases::classify(&format!("{} {}", e.time.as_deref().unwrap_or(""), e.text)))
        .collect();
    let offsets = clock(timeline);
    let timed: Vec<usize> = (0..timeline.len())
        .filter(|&i| offsets[i].is_some())
        .collect();
    let phases = effective_phases(&entries, &timed);
    let first = |phase: Phase| {
        timed
            .iter()
            .find(|&&i| entries[i].mentions.contains(&phase))
    };
    let last_resolved = timed
        .iter()
        .rfind(|&&i| entries[i].mentions.contains(&Phase::Resolved));
    let time_to_resolve = last_resolved.and_then(|&i| offsets[i]);
    // Entries after the resolution (follow-up work, the postmortem meeting) are not part
    // of the outage's time.
    let end = time_to_resolve.unwrap_or(i64::MAX);
    let segments: Vec<Segment> = timed
        .windows(2)
        .zip(&phases)
        .filter_map(|(pair, &phase)| {
            let (start, next) = (offsets[pair[0]]?, offsets[pair[1]]?);
            (next > start && next <= end).then_some(Segment {
                phase,
                start,
                minutes: next - start,
                entry: pair[0],
            })
        })
        .collect();
    Timing {
        time_to_detect: first(Phase::Detected).and_then(|&i| offsets[i]),
        time_to_identify: first(Phase::Identified).and_then(|&i| offsets[i]),
        time_to_resolve,
        entries,
        offsets,
        segments,
    }
}

/// Minutes since the first timed entry for each entry, never going backwards: entries
/// come with their moments resolved by extraction (day carried over, midnight passed,
/// AM/PM settled), so a two-day timeline counts its days.
fn clock(timeline: &[TimelineEntry]) -> Vec<Option<i64>> {
    let mut last: Option<(Moment, i64)> = None;
    timeline
        .iter()
        .map(|entry| {
            let moment = entry.at.as_ref()?.moment();
            moment.time?;
            let Some((prev, at)) = last else {
                last = Some((moment, 0));
                return Some(0);
            };
            let step = datetime::minutes_between(&prev, &moment)?;
            let undated = prev.date.is_none() || moment.date.is_none();
            if undated && moment.time < prev.time && step > MAX_ROLLOVER_MINUTES {
                return None;
            }
            last = Some((moment, at + step));
            Some(at + step)
        })
        .collect()
}

/// The phase each timed entry starts, in order: its strongest mention; an unclassified
/// entry continues the phase before it (or is "before detection" when a later entry
/// detects, or investigation when it rules a hypothesis out); a second "detected" is
/// investigation; and the stretch before an entry that rules a hypothesis out was a
/// misleading path.
fn effective_phases(entries: &[EntryPhases], timed: &[usize]) -> Vec<Option<Phase>> {
    let first_detection = timed
        .iter()
        .position(|&i| entries[i].mentions.contains(&Phase::Detected));
    let mut out: Vec<Option<Phase>> = Vec::with_capacity(timed.len());
    for (k, &i) in timed.iter().enumerate() {
        let entry = &entries[i];
        if entry.rules_out
            && let Some(prev) = out.last_mut()
            && matches!(
                prev,
                Some(Phase::Detected | Phase::Investigating | Phase::Escalated)
            )
        {
            *prev = Some(Phase::Misleading);
        }
        let phase = match entry.phase {
            Some(Phase::Detected) if first_detection.is_some_and(|d| d < k) => {
                Some(Phase::Investigating)
            }
            Some(phase) => Some(phase),
            None if entry.rules_out => Some(Phase::Investigating),
            None if first_detection.is_some_and(|d| k < d) => Some(Phase::Undetected),
            None => out.last().copied().flatten(),
        };
        out.push(phase);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::SourceFile;

    /// The timeline extraction finds in a `## Timeline` section of our own writing.
    fn timeline(lines: &str) -> Vec<TimelineEntry> {
        let source = SourceFile {
            rel_path: "night.md".into(),
            text: format!("# Export outage\n\n## Timeline\n{lines}"),
        };
        let (document, _) = crate::parse::parse(&source);
        crate::extract::extract(&document).0.timeline
    }

    /// A night incident: the clock passes midnight, an out-of-order entry is left off, and
    /// a hypothesis is ruled out.
    const NIGHT: &str = "\
- 22:40: Nightly export job starts on the reporting cluster.
- 22:55: Alert: export queue depth above 10,000.
- 23:05: On-call assumes a slow storage volume and resizes it.
- 22:50: (added later) Export traffic had doubled by now.
- 23:35: Storage ruled out; paged the data team.
- 00:10: Root cause identified: a retry loop in the exporter.
- 00:25: Exporter rolled back to the previous release.
- 01:05: Queue depth back to normal. Incident closed.
- 09:30: Follow-up review scheduled.
";

    #[test]
    fn time_to_x_on_a_night_incident() {
        let t = timing(&timeline(NIGHT));
        assert_eq!(
            t.offsets,
            [
                Some(0),
                Some(15),
                Some(25),
                None,
                Some(55),
                Some(90),
                Some(105),
                Some(145),
                Some(650)
            ]
        );
        assert_eq!(t.time_to_detect, Some(15));
        assert_eq!(t.time_to_identify, Some(90));
        assert_eq!(t.time_to_resolve, Some(145));
        assert_eq!(t.span(), 145, "time after the resolution is not counted");
        let phases: Vec<_> = t.segments.iter().map(|s| (s.phase, s.minutes)).collect();
        assert_eq!(
            phases,
            [
                (Some(Phase::Undetected), 15),
                (Some(Phase::Detected), 10),
                (Some(Phase::Misleading), 30),
                (Some(Phase::Escalated), 35),
                (Some(Phase::Identified), 15),
                (Some(Phase::Mitigated), 40),
            ]
        );
        assert_eq!(t.minutes_in(Phase::Misleading), 30);
    }

    #[test]
    fn dated_entries_and_untimed_timelines() {
        let dated = timing(&timeline(
            "- March 9th, 2024, 11:50 PM (WAT): Alert fired.\n- March 10th, 2024, 12:20 AM (WAT): Service restored.\n",
        ));
        assert_eq!(dated.time_to_resolve, Some(30));
        let untimed = timing(&timeline("- Alert fired.\n- Service restored.\n"));
        assert_eq!(untimed.time_to_detect, None);
        assert!(untimed.segments.is_empty());
        assert_eq!(untimed.entries[1].phase, Some(Phase::Resolved));
    }

    #[test]
    fn a_two_day_timeline_counts_its_days() {
        // The second day is written once; the entries after it keep that day.
        let t = timing(&timeline(
            "- 2024-07-01 20:00: Replication lag alert fired.\n- 23:00: Replica rebuilt.\n- 2024-07-02 06:00: Lag back, alert fired again.\n- 07:00: Service restored.\n",
        ));
        assert_eq!(t.offsets, [Some(0), Some(180), Some(600), Some(660)]);
        assert_eq!(t.time_to_resolve, Some(660));
    }
}
