//! Views of what the knowledge base teaches: related incidents and where the time went on
//! a postmortem page, lessons on a root-cause page, promises on a measure page, and the
//! statistics and action-items pages.

use serde::Serialize;

use super::charts::{self, Bar, Stretch};
use super::views::{self, Chip, human_duration};
use rayon::prelude::*;

use super::{RenderError, Renderer, listing, root_of};
use crate::kb::actions::{self, Status};
use crate::kb::lessons::Lessons;
use crate::kb::phases::Phase;
use crate::kb::stats::{self, Bucket};
use crate::kb::{CategoryUse, KnowledgeBase, Postmortem};
use crate::output::OutputFile;

/// A link to another postmortem with its date.
#[derive(Serialize)]
pub struct PmLink<'a> {
    slug: &'a str,
    title: &'a str,
    date: Option<String>,
}

fn link(pm: &Postmortem) -> PmLink<'_> {
    PmLink {
        slug: &pm.slug,
        title: &pm.facts.title,
        date: pm
            .facts
            .started_at
            .and_then(|m| m.date)
            .map(|d| d.to_string()),
    }
}

/// A related incident and the categories both share.
#[derive(Serialize)]
pub struct RelatedView<'a> {
    #[serde(flatten)]
    pm: PmLink<'a>,
    root_causes: Vec<Chip<'a>>,
    measures: Vec<Chip<'a>>,
}

/// The related incidents of a postmortem.
pub fn related<'a>(kb: &'a KnowledgeBase, pm: &'a Postmortem) -> Vec<RelatedView<'a>> {
    pm.related
        .iter()
        .map(|r| RelatedView {
            pm: link(&kb.postmortems[r.index]),
            root_causes: views::root_cause_chips(kb, &r.root_causes),
            measures: views::measure_chips(kb, &r.measures),
        })
        .collect()
}

/// One stretch of a postmortem's timeline, as a table row.
#[derive(Serialize)]
struct StretchRow<'a> {
    time: Option<&'a str>,
    phase: &'static str,
    class: &'static str,
    length: String,
}

/// Where a postmortem's time went.
#[derive(Serialize)]
pub struct TimeView<'a> {
    pub(super) svg: String,
    rows: Vec<StretchRow<'a>>,
    to_detect: Option<String>,
    to_identify: Option<String>,
    to_resolve: Option<String>,
    misleading: Option<String>,
}

/// The phase strip of a postmortem; None when its timeline has fewer than two times.
pub fn time_view(pm: &Postmortem) -> Option<TimeView<'_>> {
    let timing = &pm.timing;
    let total = timing.span();
    if total == 0 {
        return None;
    }
    let stretches: Vec<Stretch> = timing
        .segments
        .iter()
        .map(|s| Stretch {
            class: phase_class(s.phase).to_owned(),
            label: format!("{}, {}", phase_label(s.phase), human_duration(s.minutes)),
            start: s.start as f64,
            length: s.minutes as f64,
        })
        .collect();
    let desc = stretches
        .iter()
        .map(|s| s.label.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let misleading = timing.minutes_in(Phase::Misleading);
    Some(TimeView {
        svg: charts::strip(
            &format!("phases-{}", pm.slug),
            "Where the time went",
            &desc,
            &stretches,
            total as f64,
        ),
        rows: timing
            .segments
            .iter()
            .map(|s| StretchRow {
                time: pm.facts.timeline[s.entry].time.as_deref(),
                phase: phase_label(s.phase),
                class: phase_class(s.phase),
                length: human_duration(s.minutes),
            })
            .collect(),
        to_detect: timing.time_to_detect.map(human_duration),
        to_identify: timing.time_to_identify.map(human_duration),
        to_resolve: timing.time_to_resolve.map(human_duration),
        misleading: (misleading > 0).then(|| {
            format!(
                "{} ({}%)",
                human_duration(misleading),
                100 * misleading / total
            )
        }),
    })
}

/// CSS class suffix of a phase; time no entry classified is "unclassified".
fn phase_class(phase: Option<Phase>) -> &'static str {
    phase.map_or("unclassified", Phase::slug)
}

/// Reader's name of a phase.
fn phase_label(phase: Option<Phase>) -> &'static str {
    phase.map_or("Unclassified", Phase::label)
}

/// Headline numbers of a group.
#[derive(Serialize)]
pub struct SummaryView {
    count: usize,
    total: Option<String>,
    median: Option<String>,
    p90: Option<String>,
    median_users_pct: Option<f64>,
}

fn summary(postmortems: &[&Postmortem]) -> SummaryView {
    let s = stats::summary(postmortems);
    SummaryView {
        count: s.count,
        total: (s.total_minutes > 0).then(|| human_duration(s.total_minutes)),
        median: s.median_minutes.map(human_duration),
        p90: s.p90_minutes.map(human_duration),
        median_users_pct: s.median_users_pct.map(|v| (v * 10.0).round() / 10.0),
    }
}

/// A measure promised for a root cause.
#[derive(Serialize)]
struct PromiseView<'a> {
    measure: Chip<'a>,
    incidents: usize,
    again: usize,
}

/// An incident of a cause that came back after measures were promised.
#[derive(Serialize)]
struct RecurrenceView<'a> {
    incident: PmLink<'a>,
    after: PmLink<'a>,
}

/// What a root-cause page teaches.
#[derive(Serialize)]
pub struct LessonsView<'a> {
    summary: SummaryView,
    quarters_svg: Option<String>,
    recurring: bool,
    promises: Vec<PromiseView<'a>>,
    /// The first [`MAX_RECURRENCES`] recurrences.
    recurrences: Vec<RecurrenceView<'a>>,
    /// How many recurrences there are in all.
    recurrence_count: usize,
}

/// Recurrences listed on a root-cause page; the rest are counted.
const MAX_RECURRENCES: usize = 10;

/// The lessons of a root-cause category.
pub fn lessons<'a>(kb: &'a KnowledgeBase, slug: &str, used: &CategoryUse) -> LessonsView<'a> {
    let members = members(kb, &used.postmortems);
    let Lessons {
        promises,
        recurrences,
    } = crate::kb::lessons::lessons(kb, used);
    let quarters = stats::per_quarter(&members);
    LessonsView {
        summary: summary(&members),
        quarters_svg: (quarters.len() > 1).then(|| {
            charts::columns(
                &format!("quarters-{slug}"),
                "Incidents per quarter",
                &count_bars(&quarters),
            )
        }),
        recurring: !recurrences.is_empty(),
        recurrence_count: recurrences.len(),
        promises: promises
            .iter()
            .filter_map(|p| {
                Some(PromiseView {
                    measure: views::measure_chips(kb, std::slice::from_ref(&p.measure)).pop()?,
                    incidents: p.incidents.len(),
                    again: p.again(),
                })
            })
            .collect(),
        recurrences: recurrences
            .iter()
            .take(MAX_RECURRENCES)
            .map(|r| RecurrenceView {
                incident: link(&kb.postmortems[r.incident]),
                after: link(&kb.postmortems[r.after]),
            })
            .collect(),
    }
}

/// An action item as listed.
#[derive(Serialize)]
struct ItemView<'a> {
    text: &'a str,
    status: Option<&'a str>,
    state: &'static str,
}

/// An incident that promised a measure, with its items for it.
#[derive(Serialize)]
pub struct PromisedBy<'a> {
    #[serde(flatten)]
    pm: PmLink<'a>,
    items: Vec<ItemView<'a>>,
}

/// The incidents `members` (that promised the measure `slug`), in their order, with their
/// item texts for it.
pub fn promised_by<'a>(
    kb: &'a KnowledgeBase,
    slug: &str,
    members: &[usize],
) -> Vec<PromisedBy<'a>> {
    members
        .iter()
        .map(|&i| {
            let pm = &kb.postmortems[i];
            PromisedBy {
                pm: link(pm),
                items: pm
                    .labelled_measures()
                    .filter(|(_, cats)| cats.iter().any(|c| c == slug))
                    .map(|(m, _)| ItemView {
                        text: &m.text,
                        status: m.status.as_deref(),
                        state: Status::of(m.status.as_deref()).slug(),
                    })
                    .collect(),
            }
        })
        .collect()
}

fn members<'a>(kb: &'a KnowledgeBase, indices: &[usize]) -> Vec<&'a Postmortem> {
    indices.iter().map(|&i| &kb.postmortems[i]).collect()
}

fn count_bars(buckets: &[Bucket]) -> Vec<Bar> {
    buckets
        .iter()
        .map(|b| Bar::count(b.label.clone(), b.count))
        .collect()
}

/// A chart with its numbers as a table.
#[derive(Serialize)]
struct ChartView {
    title: &'static str,
    svg: String,
    rows: Vec<(String, String)>,
}

fn chart(title: &'static str, svg: String, bars: &[Bar]) -> ChartView {
    ChartView {
        title,
        svg,
        rows: bars
            .iter()
            .map(|b| (b.label.clone(), b.shown.clone()))
            .collect(),
    }
}

/// One phase's share of all timeline time.
#[derive(Serialize)]
struct PhaseShare {
    class: &'static str,
    label: &'static str,
    time: String,
    pct: u32,
}

impl Renderer<'_> {
    /// The statistics page.
    pub(super) fn stats_page(&self) -> Result<OutputFile, RenderError> {
        #[derive(Serialize)]
        struct StatsPage {
            summary: SummaryView,
            charts: Vec<ChartView>,
            timelines: usize,
            misleading_pct: Option<u32>,
            to_detect: Option<String>,
            to_identify: Option<String>,
            to_resolve: Option<String>,
            phases: Vec<PhaseShare>,
        }
        let kb = self.kb;
        let all: Vec<&Postmortem> = kb.postmortems.iter().collect();
        let mut charts = Vec::new();
        let over_time = count_bars(&stats::per_quarter(&all));
        if !over_time.is_empty() {
            let svg = charts::columns("incidents-over-time", "Incidents per quarter", &over_time);
            charts.push(chart("Incidents over time", svg, &over_time));
        }
        let durations = count_bars(&stats::duration_distribution(&all));
        let svg = charts::columns("durations", "Incidents by duration", &durations);
        charts.push(chart("Duration distribution", svg, &durations));
        let users = count_bars(&stats::users_distribution(&all));
        let svg = charts::columns("users", "Incidents by share of users affected", &users);
        charts.push(chart("Users affected", svg, &users));
        for (title, id, uses, categories) in [
            (
                "Incidents by root cause",
                "by-root-cause",
                &kb.root_causes,
                &kb.taxonomy.root_causes,
            ),
            (
                "Incidents by measure",
                "by-measure",
                &kb.measures,
                &kb.taxonomy.measures,
            ),
        ] {
            let mut bars: Vec<Bar> = uses
                .iter()
                .zip(categories)
                .filter(|(u, _)| !u.postmortems.is_empty())
                .map(|(u, c)| Bar::count(c.name.clone(), u.postmortems.len()))
                .collect();
            bars.sort_by(|a, b| b.value.total_cmp(&a.value));
            if !bars.is_empty() {
                charts.push(chart(title, charts::bars(id, title, &bars), &bars));
            }
        }
        let spent = stats::time_spent(&all);
        let phases: Vec<PhaseShare> = spent
            .minutes
            .iter()
            .filter(|(_, m)| *m > 0)
            .map(|&(p, m)| PhaseShare {
                class: phase_class(p),
                label: phase_label(p),
                time: human_duration(m),
                pct: (100.0 * m as f64 / spent.total_minutes.max(1) as f64).round() as u32,
            })
            .collect();
        if !phases.is_empty() {
            let bars: Vec<Bar> = phases
                .iter()
                .map(|p| Bar {
                    label: p.label.to_owned(),
                    value: f64::from(p.pct),
                    shown: format!("{}%", p.pct),
                })
                .collect();
            let svg = charts::bars("time-spent", "Share of timeline time per phase", &bars);
            charts.push(chart("Share of timeline time per phase", svg, &bars));
        }
        let page = StatsPage {
            summary: summary(&all),
            charts,
            timelines: spent.timelines,
            misleading_pct: spent.misleading_pct().map(|p| p.round() as u32),
            to_detect: spent.median_to_detect.map(human_duration),
            to_identify: spent.median_to_identify.map(human_duration),
            to_resolve: spent.median_to_resolve.map(human_duration),
            phases,
        };
        self.page("stats.html", "stats/", "../", page)
    }

    /// The action-items pages: every item, open ones first, a page at a time.
    pub(super) fn action_items_pages(&self) -> Result<Vec<OutputFile>, RenderError> {
        #[derive(Serialize)]
        struct Row<'a> {
            #[serde(flatten)]
            item: ItemView<'a>,
            age_days: Option<i64>,
            pm: PmLink<'a>,
            categories: Vec<Chip<'a>>,
        }
        /// A status group: its count and the page where it starts.
        #[derive(Serialize)]
        struct StatusCount {
            count: usize,
            path: String,
        }
        #[derive(Serialize)]
        struct ActionsPage<'a> {
            as_of: Option<&'a str>,
            open: &'a StatusCount,
            unknown: &'a StatusCount,
            done: &'a StatusCount,
            items: Vec<Row<'a>>,
            pager: listing::Pager,
        }
        const BASE: &str = "action-items/";
        let kb = self.kb;
        let items = actions::action_items(kb);
        let as_of = actions::as_of(kb).map(|d| d.to_string());
        let mut before = 0;
        let mut group = |s: Status| {
            let count = items.iter().filter(|i| i.status == s).count();
            let path = listing::page_path(BASE, "", before / listing::PER_PAGE);
            before += count;
            StatusCount { count, path }
        };
        let (open, unknown, done) = (
            group(Status::Open),
            group(Status::Unknown),
            group(Status::Done),
        );
        (0..listing::page_count(items.len()))
            .into_par_iter()
            .map(|page| {
                let rows = items
                    .iter()
                    .skip(page * listing::PER_PAGE)
                    .take(listing::PER_PAGE)
                    .map(|a| {
                        let pm = &kb.postmortems[a.postmortem];
                        let m = &pm.facts.measures[a.item];
                        Row {
                            item: ItemView {
                                text: &m.text,
                                status: m.status.as_deref(),
                                state: a.status.slug(),
                            },
                            age_days: a.age_days,
                            pm: link(pm),
                            categories: views::measure_chips(
                                kb,
                                pm.labels
                                    .item_measures
                                    .get(a.item)
                                    .map_or(&[], Vec::as_slice),
                            ),
                        }
                    })
                    .collect();
                let path = listing::page_path(BASE, "", page);
                let view = ActionsPage {
                    as_of: as_of.as_deref(),
                    open: &open,
                    unknown: &unknown,
                    done: &done,
                    items: rows,
                    pager: listing::Pager::new(BASE, "", page, items.len()),
                };
                self.page("action_items.html", &path, &root_of(&path), view)
            })
            .collect()
    }
}
