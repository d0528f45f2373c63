//! Classification: a postmortem's root causes and measures as taxonomy slugs. Front
//! matter wins; otherwise the labels are inferred from the root-cause text and from each
//! action item.

use crate::diagnostics::Diagnostic;
use crate::extract::Extracted;
use crate::parse::FrontMatter;
use crate::taxonomy::Taxonomy;

/// A postmortem's taxonomy labels.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Labels {
    /// Root-cause slugs (components and mechanisms), sorted.
    pub root_causes: Vec<String>,
    /// Whether `root_causes` came from front matter.
    pub root_causes_declared: bool,
    /// Measure slugs of each action item, in item order (only declared ones when the front
    /// matter lists the measures).
    pub item_measures: Vec<Vec<String>>,
    /// The union of the measure slugs (or the declared ones), sorted.
    pub measures: Vec<String>,
    /// Whether `measures` came from front matter.
    pub measures_declared: bool,
}

/// Labels one postmortem. Unknown declared slugs are dropped with a warning at their line.
pub fn classify(
    rel_path: &str,
    front_matter: &FrontMatter,
    extracted: &Extracted,
    taxonomy: &Taxonomy,
) -> (Labels, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut known = |key: &str, slugs: &[String], exists: &dyn Fn(&str) -> bool| -> Vec<String> {
        let mut kept: Vec<String> = Vec::new();
        for slug in slugs {
            if exists(slug) {
                kept.push(slug.clone());
            } else {
                let mut d = Diagnostic::warning(
                    rel_path,
                    format!("`{slug}` in front matter `{key}` is not in the taxonomy; ignored"),
                )
                .with_hint("use a slug from the taxonomy, or add it to the site's taxonomy file");
                d.line = front_matter.line_of(key);
                diagnostics.push(d);
            }
        }
        kept.sort();
        kept.dedup();
        kept
    };
    let declared_causes = known("root_causes", &front_matter.root_causes, &|s| {
        taxonomy.root_cause(s).is_some()
    });
    let declared_measures = known("measures", &front_matter.measures, &|s| {
        taxonomy.measure(s).is_some()
    });
    // Where the front matter lists the measures, an item keeps only the declared ones
    // its text names: the author's list wins, and every item links to a page that exists.
    let item_measures: Vec<Vec<String>> = extracted
        .measures
        .iter()
        .map(|m| {
            let mut slugs = taxonomy.classify_measure(&m.text);
            if !declared_measures.is_empty() {
                slugs.retain(|s| declared_measures.contains(s));
            }
            slugs
        })
        .collect();
    let root_causes_declared = !declared_causes.is_empty();
    let root_causes = if root_causes_declared {
        declared_causes
    } else {
        taxonomy.classify_root_cause(&extracted.root_cause_text)
    };
    let measures_declared = !declared_measures.is_empty();
    let measures = if measures_declared {
        declared_measures
    } else {
        let mut union: Vec<String> = item_measures.iter().flatten().cloned().collect();
        union.sort();
        union.dedup();
        union
    };
    let labels = Labels {
        root_causes,
        root_causes_declared,
        item_measures,
        measures,
        measures_declared,
    };
    (labels, diagnostics)
}

#[cfg(test)]
mod tests {
    //! The failing inputs of issue 13, written in our own words: each must come out right
    //! through extraction and classification.
    use super::*;
    use crate::discover::SourceFile;

    fn labels(md: &str) -> (Extracted, Labels) {
        let source = SourceFile {
            rel_path: "t.md".into(),
            text: md.into(),
        };
        let (doc, _) = crate::parse::parse(&source);
        let (facts, _) = crate::extract::extract(&doc);
        let (labels, _) = classify("t.md", &doc.front_matter, &facts, &Taxonomy::builtin());
        (facts, labels)
    }

    #[test]
    fn a_cause_beside_parts_that_were_healthy() {
        let (_, l) = labels(
            "# Certificate outage\n\n## Root cause\n\nThe renewal job for our TLS certificate was switched off during last month's migration, so the certificate expired. The load balancer and the database were healthy the whole time.\n",
        );
        for want in ["certificate", "expiry", "bad-change"] {
            assert!(
                l.root_causes.contains(&want.to_string()),
                "{:?}",
                l.root_causes
            );
        }
        for not in ["load-balancer", "database"] {
            assert!(
                !l.root_causes.contains(&not.to_string()),
                "{:?}",
                l.root_causes
            );
        }
    }

    #[test]
    fn a_cause_under_a_question_heading() {
        let (facts, l) = labels(
            "# Orders down\n\n## Why did it happen?\n\nA release on Tuesday shipped a function that divided by zero when a cart was empty, which crashed the order service.\n",
        );
        assert!(facts.root_cause.is_some());
        for want in ["application", "software-bug", "bad-change"] {
            assert!(
                l.root_causes.contains(&want.to_string()),
                "{:?}",
                l.root_causes
            );
        }
    }

    #[test]
    fn an_audit_of_the_rotation_is_incident_response_only() {
        let (_, l) = labels(
            "# Paging gap\n\n## Action items\n\n- Audit the on-call rotation so that every engineer has a named backup.\n",
        );
        assert_eq!(l.measures, ["incident-response"]);
    }

    #[test]
    fn a_list_of_future_actions_under_a_question_heading() {
        let (facts, _) = labels(
            "# Queue stall\n\n## What are we doing about it?\n\nWe will add an alert on queue depth.\n\nWe will write a runbook for draining the queue.\n",
        );
        assert_eq!(facts.measures.len(), 2, "{:?}", facts.measures);
    }
}
