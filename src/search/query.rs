//! Queries: tantivy query syntax with the category, date and duration filters of
//! `pmkb search`, ranked by BM25 (title and root cause boosted), with snippets.

use std::ops::Bound;

use chrono::NaiveDate;
use serde::Serialize;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Score, TantivyDocument, Term};

use super::collect::{AllScores, Scored, rank};
use super::index::day;
use super::store::SearchIndex;
use super::{SearchError, analysis};
use crate::taxonomy::{Category, Taxonomy};

/// Longest snippet, in characters.
const SNIPPET_CHARS: usize = 160;

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// tantivy query syntax: words (all required), `"phrases"`, `field:word`, `AND`/`OR`/`NOT`.
    pub query: String,
    /// Only postmortems with this root-cause category.
    pub root_cause: Option<String>,
    /// Only postmortems with this measure category.
    pub measure: Option<String>,
    /// Only postmortems that started on or after this day.
    pub since: Option<NaiveDate>,
    /// Only postmortems that started on or before this day.
    pub until: Option<NaiveDate>,
    /// Only outages at least this long.
    pub min_duration: Option<u64>,
    /// How many hits to return.
    pub limit: usize,
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The postmortem's slug (its page is `postmortems/SLUG/`).
    pub slug: String,
    /// Its title.
    pub title: String,
    /// BM25 score; higher is better.
    pub score: Score,
    /// Start as written, if known.
    pub started_at: Option<String>,
    /// Root-cause category slugs.
    pub root_causes: Vec<String>,
    /// Measure category slugs.
    pub measures: Vec<String>,
    /// The best passage of the body.
    pub snippet: Snippet,
}

/// A passage with the matched words marked.
#[derive(Debug, Clone, Serialize)]
pub struct Snippet {
    /// The passage.
    pub text: String,
    /// Byte ranges of `text` that matched the query.
    pub highlighted: Vec<(usize, usize)>,
}

impl Request {
    /// Checks the request against the site's categories before anything is searched.
    ///
    /// # Errors
    ///
    /// [`SearchError::Usage`] for a `limit` of 0 or a category slug the taxonomy does not
    /// have (the message lists the known ones).
    pub fn check(&self, taxonomy: &Taxonomy) -> Result<(), SearchError> {
        if self.limit == 0 {
            return Err(SearchError::Usage(
                "--limit 0 would show nothing; give 1 or more".to_owned(),
            ));
        }
        let known = |flag: &str, slug: &Option<String>, categories: &[Category]| match slug {
            Some(slug) if !categories.iter().any(|c| &c.slug == slug) => {
                let slugs: Vec<&str> = categories.iter().map(|c| c.slug.as_str()).collect();
                Err(SearchError::Usage(format!(
                    "{flag} `{slug}` is not a category of this site; known: {}",
                    slugs.join(", ")
                )))
            }
            _ => Ok(()),
        };
        known("--root-cause", &self.root_cause, &taxonomy.root_causes)?;
        known("--measure", &self.measure, &taxonomy.measures)
    }
}

impl SearchIndex {
    /// Runs a request: every match scored, ranked best first, the first `limit` returned
    /// with their stored fields and a snippet.
    pub fn search(&self, request: &Request) -> Result<Vec<Hit>, SearchError> {
        let user = self.parse(&request.query)?;
        let mut found = self.matches(&*user, self.filters(request))?;
        rank(&mut found);
        let mut snippets = SnippetGenerator::create(&self.searcher, &*user, self.fields.body)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        found
            .iter()
            .take(request.limit)
            .map(|scored| self.hit(scored, &snippets))
            .collect()
    }

    /// Parses a query. Plain words (`didn't`, `vendor's`, `数据库`, `anti-virus`) are never
    /// a syntax error: each of their analysed words becomes one required term, the way the
    /// search page reads them. Anything else is tantivy query syntax; an error names the
    /// column where it goes wrong.
    pub(super) fn parse(&self, query: &str) -> Result<Box<dyn Query>, SearchError> {
        let text = if analysis::is_plain(query) {
            analysis::plain_terms(query)
        } else {
            query.to_owned()
        };
        self.parser.parse_query(&text).map_err(|e| {
            let (_, errors) = tantivy::query_grammar::parse_query_lenient(query);
            let column = errors
                .first()
                .map_or(1, |e| query[..e.pos.min(query.len())].chars().count() + 1);
            SearchError::Query {
                query: query.to_owned(),
                message: format!("column {column}: {e}"),
            }
        })
    }

    /// Every document matching `user` and all `filters`, with its score, in no particular
    /// order. Filters select without changing the score, so a filtered search ranks like
    /// the static search page filtering the same matches.
    pub(super) fn matches(
        &self,
        user: &dyn Query,
        filters: Vec<Box<dyn Query>>,
    ) -> Result<Vec<Scored>, SearchError> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user.box_clone())];
        clauses.extend(filters.into_iter().map(|q| {
            let filter: Box<dyn Query> = Box::new(ConstScoreQuery::new(q, 0.0));
            (Occur::Must, filter)
        }));
        Ok(self
            .searcher
            .search(&BooleanQuery::new(clauses), &AllScores)?)
    }

    fn filters(&self, request: &Request) -> Vec<Box<dyn Query>> {
        let f = &self.fields;
        let facet = |field: Field, slug: &String| -> Box<dyn Query> {
            let term = Term::from_facet(field, &Facet::from_path([slug.as_str()]));
            Box::new(TermQuery::new(term, IndexRecordOption::Basic))
        };
        let mut filters = Vec::new();
        filters.extend(
            request
                .root_cause
                .iter()
                .map(|s| facet(f.root_cause_facet, s)),
        );
        filters.extend(request.measure.iter().map(|s| facet(f.measure_facet, s)));
        if request.since.is_some() || request.until.is_some() {
            let bound = |date: Option<NaiveDate>, inclusive: fn(Term) -> Bound<Term>| {
                date.map_or(Bound::Unbounded, |d| {
                    inclusive(Term::from_field_date(f.started, day(d)))
                })
            };
            filters.push(Box::new(RangeQuery::new(
                bound(request.since, Bound::Included),
                bound(request.until, Bound::Included),
            )));
        }
        if let Some(minutes) = request.min_duration {
            filters.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(f.duration, minutes)),
                Bound::Unbounded,
            )));
        }
        filters
    }

    fn hit(&self, scored: &Scored, snippets: &SnippetGenerator) -> Result<Hit, SearchError> {
        let doc: TantivyDocument = self.searcher.doc(scored.address)?;
        let f = &self.fields;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let facets = |field: Field| {
            doc.get_all(field)
                .filter_map(|v| v.as_facet())
                .map(str::to_owned)
                .collect()
        };
        let snippet = snippets.snippet_from_doc(&doc);
        Ok(Hit {
            slug: text(f.slug).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            score: scored.score,
            started_at: text(f.started_at),
            root_causes: facets(f.root_cause_facet),
            measures: facets(f.measure_facet),
            snippet: Snippet {
                text: snippet.fragment().to_owned(),
                highlighted: snippet
                    .highlighted()
                    .iter()
                    .map(|r| (r.start, r.end))
                    .collect(),
            },
        })
    }
}
