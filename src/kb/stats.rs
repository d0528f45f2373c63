//! Statistics over a group of postmortems: incidents per quarter, duration and
//! users-affected distributions, percentiles, and where the response time went — the
//! numbers the statistics and root-cause pages show (distributions, not MTTR averages).

use chrono::Datelike;

use super::Postmortem;
use super::phases::Phase;

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    /// Year.
    pub year: i32,
    /// 1–4.
    pub quarter: u32,
}

impl Quarter {
    /// "2024 Q1".
    pub fn label(self) -> String {
        format!("{} Q{}", self.year, self.quarter)
    }

    fn next(self) -> Self {
        if self.quarter == 4 {
            Self {
                year: self.year + 1,
                quarter: 1,
            }
        } else {
            Self {
                quarter: self.quarter + 1,
                ..self
            }
        }
    }
}

/// A labelled count, one bar of a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// What the bar stands for.
    pub label: String,
    /// How many.
    pub count: usize,
}

/// Upper bounds (exclusive, minutes) and labels of the duration buckets: an outage's length
/// spans orders of magnitude, so the buckets roughly double.
const DURATION_BUCKETS: [(i64, &str); 7] = [
    (30, "< 30 min"),
    (60, "30–60 min"),
    (120, "1–2 h"),
    (240, "2–4 h"),
    (480, "4–8 h"),
    (1440, "8–24 h"),
    (i64::MAX, "≥ 1 day"),
];

/// The headline numbers of a group of postmortems.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Postmortems in the group.
    pub count: usize,
    /// Of which with a known duration.
    pub with_duration: usize,
    /// Sum of the known durations.
    pub total_minutes: i64,
    /// Median known duration.
    pub median_minutes: Option<i64>,
    /// 90th percentile of the known durations.
    pub p90_minutes: Option<i64>,
    /// Median share of users affected, where stated.
    pub median_users_pct: Option<f64>,
}

/// Headline numbers of `postmortems`.
pub fn summary(postmortems: &[&Postmortem]) -> Summary {
    let durations: Vec<f64> = postmortems
        .iter()
        .filter_map(|p| p.facts.duration_minutes)
        .map(|m| m as f64)
        .collect();
    let users: Vec<f64> = postmortems
        .iter()
        .filter_map(|p| p.facts.users_affected_pct)
        .collect();
    let minutes = |p| percentile(&durations, p).map(|v| v.round() as i64);
    Summary {
        count: postmortems.len(),
        with_duration: durations.len(),
        total_minutes: durations.iter().sum::<f64>() as i64,
        median_minutes: minutes(50.0),
        p90_minutes: minutes(90.0),
        median_users_pct: percentile(&users, 50.0),
    }
}

/// The `p`th percentile (0–100) with linear interpolation between ranks; None when empty.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let last = sorted.len().checked_sub(1)?;
    let rank = p.clamp(0.0, 100.0) / 100.0 * last as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64))
}

/// Incidents per quarter from the first dated one to the last, empty quarters included so
/// the time axis is honest. Undated postmortems are not counted.
pub fn per_quarter(postmortems: &[&Postmortem]) -> Vec<Bucket> {
    let quarters: Vec<Quarter> = postmortems
        .iter()
        .filter_map(|p| p.facts.started_at.and_then(|m| m.date))
        .map(|d| Quarter {
            year: d.year(),
            quarter: d.month0() / 3 + 1,
        })
        .collect();
    let (Some(&first), Some(&last)) = (quarters.iter().min(), quarters.iter().max()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut q = first;
    while q <= last {
        out.push(Bucket {
            label: q.label(),
            count: quarters.iter().filter(|&&x| x == q).count(),
        });
        q = q.next();
    }
    out
}

/// How many incidents fall in each duration bucket (unknown durations left out).
pub fn duration_distribution(postmortems: &[&Postmortem]) -> Vec<Bucket> {
    let mut lower = 0;
    DURATION_BUCKETS
        .iter()
        .map(|&(upper, label)| {
            let count = postmortems
                .iter()
                .filter_map(|p| p.facts.duration_minutes)
                .filter(|m| (lower..upper).contains(m))
                .count();
            lower = upper;
            Bucket {
                label: label.to_owned(),
                count,
            }
        })
        .collect()
}

/// How many incidents affected each tenth of the users (unknown shares left out); 100%
/// counts in the last bucket.
pub fn users_distribution(postmortems: &[&Postmortem]) -> Vec<Bucket> {
    (0..10)
        .map(|tenth| {
            let count = postmortems
                .iter()
                .filter_map(|p| p.facts.users_affected_pct)
                .filter(|&pct| ((pct / 10.0).floor() as i64).clamp(0, 9) == tenth)
                .count();
            Bucket {
                label: format!("{}–{}%", tenth * 10, tenth * 10 + 10),
                count,
            }
        })
        .collect()
}

/// Where the response time went, over every postmortem with a timed timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeSpent {
    /// Postmortems whose timeline covers some time.
    pub timelines: usize,
    /// Minutes per phase, in [`Phase::ALL`] order; the last entry is unclassified time.
    pub minutes: Vec<(Option<Phase>, i64)>,
    /// All timeline minutes.
    pub total_minutes: i64,
    /// Median time-to-detect, -identify and -resolve, where known.
    pub median_to_detect: Option<i64>,
    /// See `median_to_detect`.
    pub median_to_identify: Option<i64>,
    /// See `median_to_detect`.
    pub median_to_resolve: Option<i64>,
}

impl TimeSpent {
    /// Share (0–100) of timeline time spent on misleading paths; None without timelines.
    pub fn misleading_pct(&self) -> Option<f64> {
        let misleading = self
            .minutes
            .iter()
            .find(|(p, _)| *p == Some(Phase::Misleading))
            .map_or(0, |(_, m)| *m);
        (self.total_minutes > 0).then(|| 100.0 * misleading as f64 / self.total_minutes as f64)
    }
}

/// Sums the phase segments of every timeline.
pub fn time_spent(postmortems: &[&Postmortem]) -> TimeSpent {
    let timings: Vec<_> = postmortems
        .iter()
        .map(|p| &p.timing)
        .filter(|t| t.span() > 0)
        .collect();
    let phases = Phase::ALL.iter().map(|&p| Some(p)).chain([None]);
    let minutes = phases
        .map(|phase| {
            let total = timings
                .iter()
                .flat_map(|t| &t.segments)
                .filter(|s| s.phase == phase)
                .map(|s| s.minutes)
                .sum();
            (phase, total)
        })
        .collect();
    let median = |get: fn(&super::timing::Timing) -> Option<i64>| {
        let values: Vec<f64> = postmortems
            .iter()
            .filter_map(|p| get(&p.timing))
            .map(|m| m as f64)
            .collect();
        percentile(&values, 50.0).map(|v| v.round() as i64)
    };
    TimeSpent {
        timelines: timings.len(),
        minutes,
        total_minutes: timings.iter().map(|t| t.span()).sum(),
        median_to_detect: median(|t| t.time_to_detect),
        median_to_identify: median(|t| t.time_to_identify),
        median_to_resolve: median(|t| t.time_to_resolve),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate() {
        let v = [10.0, 40.0, 20.0, 30.0];
        assert_eq!(percentile(&v, 50.0), Some(25.0));
        assert_eq!(percentile(&v, 90.0), Some(37.0));
        assert_eq!(percentile(&[5.0], 90.0), Some(5.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn quarters_roll_over_years() {
        let q = Quarter {
            year: 2023,
            quarter: 4,
        };
        assert_eq!(q.next().label(), "2024 Q1");
    }
}
