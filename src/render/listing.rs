//! Long lists cut into pages of [`PER_PAGE`]: the incident lists of the home and category
//! pages in three orders (newest first, longest first, most users affected first), grouped
//! by year when newest first, and the action items; with the links between the pages.

use serde::Serialize;

use super::views::{self, Summary};
use crate::kb::KnowledgeBase;

/// Rows on one page of a list: small enough for a phone, and for a page of a
/// 10,000-incident site to stay far below 3,000 DOM nodes.
pub const PER_PAGE: usize = 50;

/// An order of an incident list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Newest first, as the knowledge base is sorted.
    Date,
    /// Longest outage first; incidents without a duration last.
    Duration,
    /// Largest share of users affected first; those without a share last.
    Impact,
}

impl Order {
    /// Every order, the default first.
    pub const ALL: [Order; 3] = [Order::Date, Order::Duration, Order::Impact];

    /// The sub-folder of the list holding this order's pages.
    fn folder(self) -> &'static str {
        match self {
            Order::Date => "",
            Order::Duration => "by-duration/",
            Order::Impact => "by-impact/",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Order::Date => "Newest",
            Order::Duration => "Longest",
            Order::Impact => "Most users affected",
        }
    }

    /// `members` (indices into the knowledge base, newest first) in this order; ties keep
    /// their date order.
    pub fn sort(self, kb: &KnowledgeBase, members: &[usize]) -> Vec<usize> {
        let mut sorted = members.to_vec();
        let facts = |i: usize| &kb.postmortems[i].facts;
        match self {
            Order::Date => {}
            Order::Duration => {
                sorted.sort_by_key(|&i| std::cmp::Reverse(facts(i).duration_minutes));
            }
            Order::Impact => sorted.sort_by(|&a, &b| {
                let (a, b) = (facts(a).users_affected_pct, facts(b).users_affected_pct);
                b.unwrap_or(-1.0).total_cmp(&a.unwrap_or(-1.0))
            }),
        }
        sorted
    }
}

/// The site path (from the root, ending in `/`) of page `page` (0-based) of a list whose
/// first page is at `base`.
pub fn page_path(base: &str, folder: &str, page: usize) -> String {
    if page == 0 {
        format!("{base}{folder}")
    } else {
        format!("{base}{folder}page/{}/", page + 1)
    }
}

/// How many pages a list of `len` rows takes (one, even when empty).
pub fn page_count(len: usize) -> usize {
    len.div_ceil(PER_PAGE).max(1)
}

/// A link to a page of a list.
#[derive(Debug, Serialize)]
pub struct PageLink {
    /// Its 1-based number; 0 for the gap ("…") between distant numbers.
    number: usize,
    /// Its site path.
    path: String,
    current: bool,
}

/// A link to one order of a list.
#[derive(Debug, Serialize)]
pub struct OrderLink {
    label: &'static str,
    path: String,
    current: bool,
}

/// A year of a newest-first list: how many incidents it has and where it starts.
#[derive(Debug, Serialize)]
pub struct YearLink {
    year: i32,
    count: usize,
    path: String,
}

/// The navigation of one page of a list.
#[derive(Debug, Serialize)]
pub struct Pager {
    /// 1-based number of this page.
    current: usize,
    /// How many pages the list has.
    pages: usize,
    /// 1-based positions of the first and last row shown, and the list's length.
    first: usize,
    last: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
    /// The first, the last and the nearby pages.
    links: Vec<PageLink>,
    /// The list's orders (empty for a list with one order).
    orders: Vec<OrderLink>,
    /// Where each year starts (only newest first).
    years: Vec<YearLink>,
}

impl Pager {
    /// The pager of page `page` (0-based) of a list of `total` rows at `base` + `folder`.
    pub fn new(base: &str, folder: &str, page: usize, total: usize) -> Self {
        let pages = page_count(total);
        let path = |p: usize| page_path(base, folder, p);
        let mut links = Vec::new();
        for p in 0..pages {
            let near = p.abs_diff(page) <= 2 || p == 0 || p + 1 == pages;
            if near {
                links.push(PageLink {
                    number: p + 1,
                    path: path(p),
                    current: p == page,
                });
            } else if links.last().is_some_and(|l| l.number != 0) {
                links.push(PageLink {
                    number: 0,
                    path: String::new(),
                    current: false,
                });
            }
        }
        Self {
            current: page + 1,
            pages,
            first: (page * PER_PAGE + 1).min(total),
            last: ((page + 1) * PER_PAGE).min(total),
            total,
            prev: page.checked_sub(1).map(path),
            next: (page + 1 < pages).then(|| path(page + 1)),
            links,
            orders: Vec::new(),
            years: Vec::new(),
        }
    }

    /// Adds links to the list's orders, `order` being this page's.
    pub fn with_orders(mut self, base: &str, order: Order) -> Self {
        self.orders = Order::ALL
            .iter()
            .map(|&o| OrderLink {
                label: o.label(),
                path: format!("{base}{}", o.folder()),
                current: o == order,
            })
            .collect();
        self
    }

    /// Adds the years of a newest-first list with their counts and first pages.
    pub fn with_years(mut self, base: &str, years: &[YearRun]) -> Self {
        self.years = years
            .iter()
            .map(|y| YearLink {
                year: y.year,
                count: y.count,
                path: page_path(base, "", y.start / PER_PAGE),
            })
            .collect();
        self
    }
}

/// A year's run in a newest-first list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearRun {
    /// The year.
    pub year: i32,
    /// Position of its first incident in the list.
    pub start: usize,
    /// How many incidents it has.
    pub count: usize,
}

/// The runs of years in a newest-first list; incidents without a date are in no run.
pub fn year_runs(kb: &KnowledgeBase, members: &[usize]) -> Vec<YearRun> {
    let mut runs: Vec<YearRun> = Vec::new();
    for (pos, &i) in members.iter().enumerate() {
        let Some(year) = kb.postmortems[i].year() else {
            continue;
        };
        match runs.last_mut() {
            Some(run) if run.year == year => run.count += 1,
            _ => runs.push(YearRun {
                year,
                start: pos,
                count: 1,
            }),
        }
    }
    runs
}

/// Incidents of one year on a page, or all of the page's incidents when not by date.
#[derive(Serialize)]
struct Group<'a> {
    /// The year (newest first only).
    year: Option<i32>,
    /// How many incidents the whole list has in that year.
    count: usize,
    rows: Vec<Summary<'a>>,
}

/// What a page of an incident list shows.
#[derive(Serialize)]
pub struct ListView<'a> {
    pager: Pager,
    groups: Vec<Group<'a>>,
}

/// One page of an incident list.
pub struct ListPage<'a> {
    /// Its site path, ending in `/`.
    pub path: String,
    /// Its order.
    pub order: Order,
    /// 0-based page number.
    pub page: usize,
    /// The indices of the incidents it shows.
    pub members: Vec<usize>,
    /// What it shows.
    pub view: ListView<'a>,
}

/// Every page of the incident list at `base` of `members` (newest first), in each order.
pub fn incident_pages<'a>(
    kb: &'a KnowledgeBase,
    base: &str,
    members: &[usize],
) -> Vec<ListPage<'a>> {
    let runs = year_runs(kb, members);
    let count_of = |year| {
        runs.iter()
            .filter(|r| r.year == year)
            .map(|r| r.count)
            .sum()
    };
    let mut out = Vec::new();
    for order in Order::ALL {
        let sorted = order.sort(kb, members);
        for page in 0..page_count(sorted.len()) {
            let slice = &sorted
                [(page * PER_PAGE).min(sorted.len())..((page + 1) * PER_PAGE).min(sorted.len())];
            let mut groups: Vec<Group<'a>> = Vec::new();
            for &i in slice {
                let pm = &kb.postmortems[i];
                let year = (order == Order::Date).then(|| pm.year()).flatten();
                match groups.last_mut() {
                    Some(g) if g.year == year => g.rows.push(views::summary(kb, pm)),
                    _ => groups.push(Group {
                        year,
                        count: year.map_or(0, count_of),
                        rows: vec![views::summary(kb, pm)],
                    }),
                }
            }
            let mut pager =
                Pager::new(base, order.folder(), page, sorted.len()).with_orders(base, order);
            if order == Order::Date {
                pager = pager.with_years(base, &runs);
            }
            out.push(ListPage {
                path: page_path(base, order.folder(), page),
                order,
                page,
                members: slice.to_vec(),
                view: ListView { pager, groups },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_link_first_last_and_nearby() {
        let pager = Pager::new("root-causes/dns/", "by-duration/", 5, 1000);
        let numbers: Vec<usize> = pager.links.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 0, 4, 5, 6, 7, 8, 0, 20]);
        assert_eq!(pager.links[0].path, "root-causes/dns/by-duration/");
        assert_eq!(pager.links[2].path, "root-causes/dns/by-duration/page/4/");
        assert_eq!((pager.first, pager.last, pager.total), (251, 300, 1000));
        assert_eq!(
            pager.prev.as_deref(),
            Some("root-causes/dns/by-duration/page/5/")
        );
        let one = Pager::new("", "", 0, 0);
        assert_eq!((one.pages, one.first, one.last), (1, 0, 0));
        assert!(one.prev.is_none() && one.next.is_none());
    }
}
