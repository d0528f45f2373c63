//! The postmortem taxonomy: the vocabulary of root-cause and measure categories, and the
//! classifier that infers those categories from text.
//!
//! The default vocabulary (`default.toml`, see TAXONOMY.md) is compiled into the binary; a site
//! may load its own file with [`Taxonomy::from_toml`] and layer it on with [`Taxonomy::merge`].

mod analyze;
mod classify;
mod phrases;
mod stem;
#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use analyze::Analysed;
use analyze::clauses;
pub use analyze::english_analyzer;
pub use analyze::stems;
use classify::{Clause, Pattern, Rules};
pub use phrases::{Phrases, analyse};
pub use stem::{MemoStemmer, stem};

/// The vocabulary shipped with pmkb, kept as data so sites can read and override it.
const DEFAULT_TOML: &str = include_str!("default.toml");

/// The cue lists (`src/cues/roles.toml`) whose clauses a root-cause statement holds but which
/// are no cause: ruled-out hypotheses (TAXONOMY.md: misleading paths are not root causes),
/// handing the incident over, the fix, and why the response was slow.
const NOT_CAUSE_ROLES: [&str; 4] = ["ruled_out", "handover", "fix", "response_delay"];

/// A set of categories: root causes (components and mechanisms) and corrective measures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Taxonomy {
    /// Root-cause categories, both facets, in file order.
    pub root_causes: Vec<Category>,
    /// Corrective / preventative measure categories, in file order.
    pub measures: Vec<Category>,
}

/// Which question a category answers; lets pages group root causes into "where" and "how".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Facet {
    /// Where it broke (database, network, ...).
    Component,
    /// How it broke (misconfiguration, traffic surge, ...).
    Mechanism,
    /// What the team will do about it.
    Measure,
}

/// One category: its page identity plus the phrase rules that infer it from text.
#[derive(Debug, Clone, Serialize)]
pub struct Category {
    /// URL slug and label value used in front matter and the export (`database`).
    pub slug: String,
    /// Human-readable name for page titles (`Database`).
    pub name: String,
    /// Component / mechanism for root causes, measure for measures.
    pub facet: Facet,
    /// What the category covers, shown on its page.
    pub description: String,
    /// Phrases whose presence votes for the category (syntax: see the `default.toml` header).
    pub phrases: Vec<String>,
    /// Phrases that cancel this category's votes in the clause where they occur.
    pub negative: Vec<String>,
    /// Multiplier applied to the summed phrase weights.
    pub weight: f32,
    /// Score the text must reach for the category to be assigned.
    pub threshold: f32,
    /// In an override file: add `phrases`/`negative` to the built-in category instead of
    /// replacing them.
    pub extend: bool,
    /// For a component: the mechanism slugs that, found with no component at all, imply this
    /// one (a code defect named without its place is in the application's own code).
    pub implied_by: Vec<String>,
    #[serde(skip)]
    given: Given,
    /// Compiled phrases, built on first use. Edit the public rule fields only before classifying
    /// (or build a new taxonomy through `from_toml`/`merge`): the cache is not invalidated.
    #[serde(skip)]
    rules: OnceLock<Rules>,
}

/// Which optional fields an override file actually set, so `merge` keeps the rest.
#[derive(Debug, Clone, Copy, Default)]
struct Given {
    name: bool,
    facet: bool,
    description: bool,
    weight: bool,
    threshold: bool,
    implied_by: bool,
}

/// Why a taxonomy file was rejected; every message names the category and phrase at fault.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// The text is not TOML of the expected shape (unknown key, wrong type, ...).
    #[error("taxonomy file is not valid: {0}")]
    Toml(#[from] toml::de::Error),
    /// A slug that cannot be used as a URL segment.
    #[error("{section} category slug {slug:?} is invalid: use lowercase letters, digits and '-'")]
    InvalidSlug {
        /// `root_cause` or `measure`.
        section: &'static str,
        /// The offending slug.
        slug: String,
    },
    /// The same slug twice in one section.
    #[error("{section} category {slug:?} is defined twice")]
    DuplicateSlug {
        /// `root_cause` or `measure`.
        section: &'static str,
        /// The repeated slug.
        slug: String,
    },
    /// A facet that does not belong in its section.
    #[error(
        "{section} category {slug:?} has facet {facet:?}, which is not allowed there ({allowed})"
    )]
    WrongFacet {
        /// `root_cause` or `measure`.
        section: &'static str,
        /// The category.
        slug: String,
        /// The facet given.
        facet: Facet,
        /// The facets allowed in that section.
        allowed: &'static str,
    },
    /// A phrase that cannot be compiled.
    #[error("category {slug:?}: phrase {phrase:?} is invalid: {reason}")]
    BadPhrase {
        /// The category.
        slug: String,
        /// The phrase as written.
        phrase: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A negative or non-finite weight or threshold.
    #[error("category {slug:?}: {field} must be a finite number >= 0, got {value}")]
    BadNumber {
        /// The category.
        slug: String,
        /// `weight` or `threshold`.
        field: &'static str,
        /// The value given.
        value: f32,
    },
}

/// The file format, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    root_cause: Vec<RawCategory>,
    #[serde(default)]
    measure: Vec<RawCategory>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    slug: String,
    name: Option<String>,
    facet: Option<Facet>,
    description: Option<String>,
    #[serde(default)]
    phrases: Vec<String>,
    #[serde(default)]
    negative: Vec<String>,
    weight: Option<f32>,
    threshold: Option<f32>,
    #[serde(default)]
    extend: bool,
    implied_by: Option<Vec<String>>,
}

impl Taxonomy {
    /// The vocabulary shipped with pmkb (TAXONOMY.md), parsed from the embedded default.toml.
    pub fn builtin() -> Taxonomy {
        Taxonomy::from_toml(DEFAULT_TOML).expect("embedded default.toml is valid (tested)")
    }

    /// Parses a taxonomy file's text (same format as default.toml).
    pub fn from_toml(text: &str) -> Result<Taxonomy, TaxonomyError> {
        let raw: RawFile = toml::from_str(text)?;
        let mut analyzer = english_analyzer();
        let root_causes = convert(&mut analyzer, raw.root_cause, "root_cause")?;
        let measures = convert(&mut analyzer, raw.measure, "measure")?;
        Ok(Taxonomy {
            root_causes,
            measures,
        })
    }

    /// Site override: categories in `other` with a known slug replace that category's
    /// fields/phrases (or, with `extend = true` on the category, add phrases); new slugs are
    /// appended.
    pub fn merge(self, other: Taxonomy) -> Taxonomy {
        Taxonomy {
            root_causes: merge_section(self.root_causes, other.root_causes),
            measures: merge_section(self.measures, other.measures),
        }
    }

    /// The root-cause category (either facet) with this slug.
    pub fn root_cause(&self, slug: &str) -> Option<&Category> {
        self.root_causes.iter().find(|c| c.slug == slug)
    }

    /// The measure category with this slug.
    pub fn measure(&self, slug: &str) -> Option<&Category> {
        self.measures.iter().find(|c| c.slug == slug)
    }

    /// Root-cause slugs (components and mechanisms together) for a root-cause statement, sorted,
    /// deduplicated. Clauses that describe a ruled-out or misleading hypothesis are ignored.
    /// A mechanism found without any component adds the components it implies
    /// ([`Category::implied_by`]).
    pub fn classify_root_cause(&self, text: &str) -> Vec<String> {
        let analysed: Vec<Clause> = clauses(text)
            .iter()
            .map(|c| Analysed::new(c))
            .filter(|c| {
                !NOT_CAUSE_ROLES
                    .iter()
                    .any(|role| crate::cues::list("roles", role).any_in(c))
            })
            .map(Clause::new)
            .collect();
        let mut slugs = assign(&self.root_causes, &analysed);
        let is_component = |slug: &String| {
            self.root_cause(slug)
                .is_some_and(|c| c.facet == Facet::Component)
        };
        if !slugs.iter().any(is_component) {
            let implied: Vec<String> = self
                .root_causes
                .iter()
                .filter(|c| c.facet == Facet::Component)
                .filter(|c| c.implied_by.iter().any(|m| slugs.contains(m)))
                .map(|c| c.slug.clone())
                .collect();
            slugs.extend(implied);
            slugs.sort();
        }
        slugs
    }

    /// Measure slugs for one measure/action item text, sorted, deduplicated.
    pub fn classify_measure(&self, text: &str) -> Vec<String> {
        let analysed: Vec<Clause> = clauses(text)
            .iter()
            .map(|c| Clause::new(Analysed::new(c)))
            .collect();
        assign(&self.measures, &analysed)
    }
}

impl Category {
    /// The compiled rules; phrases that fail to compile (only possible after editing the public
    /// fields by hand) are skipped.
    fn rules(&self) -> &Rules {
        self.rules.get_or_init(|| {
            let mut analyzer = english_analyzer();
            let compile = |list: &[String], analyzer: &mut tantivy::tokenizer::TextAnalyzer| {
                list.iter()
                    .filter_map(|p| Pattern::compile(analyzer, &self.slug, p).ok())
                    .collect()
            };
            Rules {
                phrases: compile(&self.phrases, &mut analyzer),
                negative: compile(&self.negative, &mut analyzer),
            }
        })
    }

    /// Whether the analysed clauses reach this category's threshold.
    fn matches(&self, clauses: &[Clause]) -> bool {
        let score = self.rules().score(clauses) * self.weight;
        score > 0.0 && score >= self.threshold
    }
}

fn assign(categories: &[Category], clauses: &[Clause]) -> Vec<String> {
    let mut out: Vec<String> = categories
        .iter()
        .filter(|c| c.matches(clauses))
        .map(|c| c.slug.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn convert(
    analyzer: &mut tantivy::tokenizer::TextAnalyzer,
    raw: Vec<RawCategory>,
    section: &'static str,
) -> Result<Vec<Category>, TaxonomyError> {
    let mut out: Vec<Category> = Vec::with_capacity(raw.len());
    for r in raw {
        let slug = r.slug.trim().to_string();
        let slug_ok = !slug.is_empty()
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !slug_ok {
            return Err(TaxonomyError::InvalidSlug { section, slug });
        }
        if out.iter().any(|c| c.slug == slug) {
            return Err(TaxonomyError::DuplicateSlug { section, slug });
        }
        let (default_facet, allowed) = if section == "measure" {
            (Facet::Measure, "measure")
        } else {
            (Facet::Mechanism, "component or mechanism")
        };
        let facet = r.facet.unwrap_or(default_facet);
        let facet_ok = (section == "measure") == (facet == Facet::Measure);
        if !facet_ok {
            return Err(TaxonomyError::WrongFacet {
                section,
                slug,
                facet,
                allowed,
            });
        }
        for (field, value) in [("weight", r.weight), ("threshold", r.threshold)] {
            if let Some(v) = value
                && !(v.is_finite() && v >= 0.0)
            {
                return Err(TaxonomyError::BadNumber {
                    slug,
                    field,
                    value: v,
                });
            }
        }
        let mut phrases = Vec::new();
        for p in r.phrases.iter() {
            phrases.push(Pattern::compile(analyzer, &slug, p)?);
        }
        let mut negative = Vec::new();
        for p in r.negative.iter() {
            negative.push(Pattern::compile(analyzer, &slug, p)?);
        }
        let given = Given {
            name: r.name.is_some(),
            facet: r.facet.is_some(),
            description: r.description.is_some(),
            weight: r.weight.is_some(),
            threshold: r.threshold.is_some(),
            implied_by: r.implied_by.is_some(),
        };
        out.push(Category {
            name: r.name.unwrap_or_else(|| slug.clone()),
            slug,
            facet,
            description: r.description.unwrap_or_default(),
            phrases: r.phrases,
            negative: r.negative,
            weight: r.weight.unwrap_or(1.0),
            threshold: r.threshold.unwrap_or(1.0),
            extend: r.extend,
            implied_by: r.implied_by.unwrap_or_default(),
            given,
            rules: OnceLock::from(Rules { phrases, negative }),
        });
    }
    Ok(out)
}

fn merge_section(mut base: Vec<Category>, overrides: Vec<Category>) -> Vec<Category> {
    for o in overrides {
        let Some(b) = base.iter_mut().find(|b| b.slug == o.slug) else {
            base.push(o);
            continue;
        };
        if o.given.name {
            b.name = o.name;
        }
        if o.given.facet {
            b.facet = o.facet;
        }
        if o.given.description {
            b.description = o.description;
        }
        if o.given.weight {
            b.weight = o.weight;
        }
        if o.given.threshold {
            b.threshold = o.threshold;
        }
        if o.given.implied_by {
            b.implied_by = o.implied_by;
        }
        if o.extend {
            for p in o.phrases {
                if !b.phrases.contains(&p) {
                    b.phrases.push(p);
                }
            }
            for p in o.negative {
                if !b.negative.contains(&p) {
                    b.negative.push(p);
                }
            }
        } else {
            b.phrases = o.phrases;
            b.negative = o.negative;
        }
        b.rules = OnceLock::new();
    }
    base
}
