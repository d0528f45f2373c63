//! Accuracy harness for `pmkb export`: compares the metadata it extracts (`shared/EXPORT.md`)
//! with a hand-labelled gold file (`shared/corpus/LABELING.md`). The team runs it while
//! improving the extraction rules; CI runs it with thresholds as an accuracy gate.
//!
//! ```text
//! pmkb export --content ../shared/corpus/public > export.json
//! cargo run --release --example evaluate -- --export export.json \
//!     --gold ../shared/corpus/public-gold.json \
//!     [--min-field 0.95] [--min-root-f1 0.85] [--min-measure-f1 0.80] [--min-count 0.90] \
//!     [--verbose] [--halves | --half first|second]
//! ```
//!
//! `--export -` reads stdin. Records match gold by `source`: gold entries missing from the
//! export fail every field, export records without gold are ignored, and a gold entry
//! lacking a field is not scored on it. Reports exact-match accuracy of the five scalar
//! fields (invented / missed / wrong), the share of exact `measures` / `timeline` counts,
//! micro P/R/F1 and a per-slug table for both category sets, and empty or generic titles;
//! `--verbose` lists every mismatch by field. `--halves` prints three blocks: all documents,
//! then the first and the second half (gold `source` names sorted; 0-based even positions are
//! the first half, odd ones the second), so a rule tuned on the first half's misses can be
//! checked on the unread second half; thresholds apply to the first block only. `--half NAME`
//! scores (and with `--verbose` lists the misses of) one half only. Exit status: 0 pass or report only (no
//! thresholds given), 1 a given threshold is not met (titles must then be clean too),
//! 2 bad arguments or a missing / invalid input file.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Display;
use std::io::Read;
use std::process::ExitCode;

use serde_json::Value;

const USAGE: &str = "usage: evaluate --export FILE|- --gold FILE [--min-field R] \
[--min-root-f1 R] [--min-measure-f1 R] [--min-count R] [--verbose] \
[--halves | --half first|second]";
/// Fields scored by exact match (space-separated lists keep the tables short).
const SCALAR_FIELDS: &str = "started_at ended_at timezone duration_minutes users_affected_pct";
/// Gold count field and the export array whose length it is compared with.
const COUNT_FIELDS: [(&str, &str); 2] = [
    ("measures_count", "measures"),
    ("timeline_count", "timeline"),
];
/// Category-set field and the threshold flag for its micro F1.
const CATEGORY_FIELDS: [(&str, &str); 2] = [
    ("root_cause_categories", "--min-root-f1"),
    ("measure_categories", "--min-measure-f1"),
];
const THRESHOLD_FLAGS: &str = "--min-field --min-root-f1 --min-measure-f1 --min-count";
/// Titles that say nothing on their own, `|`-separated, compared after normalising.
const GENERIC_TITLES: &str = "postmortem|post-mortem|post mortem|issue summary|summary|\
incident|incident report|0x19. postmortem|0x19-postmortem|untitled";

#[derive(Clone)]
struct Args {
    export: String,
    gold: String,
    thresholds: HashMap<&'static str, f64>,
    verbose: bool,
    /// Print all documents and then each half (`--halves`).
    halves: bool,
    /// Score one half only (`--half first|second`): its parity of position.
    half: Option<usize>,
}

/// The names of the halves, by the parity of a document's position in the sorted gold.
const HALVES: [&str; 2] = ["first", "second"];

/// One gold document and its export record, if the export has one.
#[derive(Clone)]
struct Doc<'a> {
    source: &'a str,
    gold: &'a Value,
    got: Option<&'a Value>,
}

/// Exact-match tally of one field.
#[derive(Default)]
struct Tally {
    correct: usize,
    total: usize,
    invented: usize,
    missed: usize,
    wrong: usize,
    absent: usize,
}

/// Collects threshold failures and, per field, the mismatch lines for `--verbose`.
struct Report<'a> {
    args: &'a Args,
    reasons: Vec<String>,
    mismatches: Vec<(String, Vec<String>)>,
}

impl Report<'_> {
    fn check(&mut self, flag: &str, what: &str, value: f64) {
        if let Some(min) = self.args.thresholds.get(flag).filter(|min| value < **min) {
            self.reasons.push(format!("{what} {value:.3} < {min}"));
        }
    }
}

fn main() -> ExitCode {
    run().unwrap_or_else(|e| {
        eprintln!("evaluate: {e}");
        ExitCode::from(2)
    })
}

fn run() -> Result<ExitCode, String> {
    let args = parse_args(std::env::args().skip(1))?;
    let (gold_items, export_items) = (load(&args.gold)?, load(&args.export)?);
    let gold = by_source(&args.gold, &gold_items)?;
    let export = by_source(&args.export, &export_items)?;
    let docs: Vec<Doc> = gold
        .iter()
        .enumerate()
        .filter(|(i, _)| args.half.is_none_or(|h| i % 2 == h))
        .map(|(_, (source, g))| Doc {
            source,
            gold: g,
            got: export.get(source).copied(),
        })
        .collect();
    let missing: Vec<&str> = docs
        .iter()
        .filter(|d| d.got.is_none())
        .map(|d| d.source)
        .collect();
    let ignored = export.keys().filter(|s| !gold.contains_key(*s)).count();
    let (total, absent) = (docs.len(), missing.len());
    println!("gold documents: {total}, missing from export: {absent}");
    if !missing.is_empty() {
        println!("  missing: {}", missing.join(", "));
    }
    println!("export records without gold (ignored): {ignored}");

    let mut report = Report {
        args: &args,
        reasons: Vec::new(),
        mismatches: Vec::new(),
    };
    report_block(&docs, &mut report);
    if args.verbose {
        print_mismatches(&report.mismatches);
    }
    if args.halves {
        // The halves are printed for reading only: thresholds and mismatches stay those of
        // the whole set.
        let quiet = Args {
            thresholds: HashMap::new(),
            ..args.clone()
        };
        for (parity, name) in HALVES.iter().enumerate() {
            let half: Vec<Doc> = docs.iter().skip(parity).step_by(2).cloned().collect();
            println!("\n===== {name} half ({} documents)", half.len());
            let mut scratch = Report {
                args: &quiet,
                reasons: Vec::new(),
                mismatches: Vec::new(),
            };
            report_block(&half, &mut scratch);
        }
    }
    Ok(verdict(&report))
}

/// Prints every score of `docs`: fields, counts, both category sets and titles.
fn report_block(docs: &[Doc], report: &mut Report) {
    report_fields(docs, report);
    report_counts(docs, report);
    for (field, flag) in CATEGORY_FIELDS {
        report_categories(docs, field, flag, report);
    }
    report_titles(docs, report);
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut export, mut gold, mut thresholds, mut verbose) = (None, None, HashMap::new(), false);
    let (mut halves, mut half) = (false, None);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--export" => export = Some(value()?),
            "--gold" => gold = Some(value()?),
            "--verbose" | "-v" => verbose = true,
            "--halves" => halves = true,
            "--half" => {
                let v = value()?;
                let parity = HALVES.iter().position(|h| *h == v);
                half = Some(parity.ok_or(format!("--half: expected first or second, got {v}"))?);
            }
            flag => {
                let Some(name) = THRESHOLD_FLAGS.split(' ').find(|f| *f == flag) else {
                    return Err(format!("unknown argument {flag}\n{USAGE}"));
                };
                let v = value()?;
                let min = v.parse().ok().filter(|m| (0.0..=1.0).contains(m));
                let min = min.ok_or(format!("{name}: expected a ratio from 0 to 1, got {v}"))?;
                thresholds.insert(name, min);
            }
        }
    }
    match (export, gold) {
        (Some(export), Some(gold)) => Ok(Args {
            export,
            gold,
            thresholds,
            verbose,
            halves: halves && half.is_none(),
            half,
        }),
        _ => Err(format!("--export and --gold are required\n{USAGE}")),
    }
}

/// Reads a JSON array from `path` (`-` is stdin); errors name the file.
fn load(path: &str) -> Result<Vec<Value>, String> {
    let name = if path == "-" { "<stdin>" } else { path };
    let mut text = String::new();
    let read = if path == "-" {
        std::io::stdin().read_to_string(&mut text).map(drop)
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| format!("{name}: cannot read: {e}"))?;
    match serde_json::from_str(&text) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(_) => Err(format!("{name}: expected a JSON array of records")),
        Err(e) => Err(format!("{name}: invalid JSON: {e}")),
    }
}

fn by_source<'a>(path: &str, items: &'a [Value]) -> Result<BTreeMap<&'a str, &'a Value>, String> {
    items
        .iter()
        .enumerate()
        .map(
            |(i, item)| match item.get("source").and_then(Value::as_str) {
                Some(source) => Ok((source, item)),
                None => Err(format!("{path}: record {i} has no string `source`")),
            },
        )
        .collect()
}

/// The export's value for a gold field: count fields become the length of their array.
fn exported(record: &Value, field: &str) -> Value {
    match COUNT_FIELDS.iter().find(|(count, _)| *count == field) {
        Some((_, list)) => record
            .get(list)
            .and_then(Value::as_array)
            .map_or(Value::Null, |a| a.len().into()),
        None => record.get(field).cloned().unwrap_or(Value::Null),
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

fn mismatch(doc: &Doc, field: &str, got: impl Display, want: impl Display) -> String {
    match doc.got {
        Some(_) => format!("{} {field}: got {got}, want {want}", doc.source),
        None => format!("{} {field}: missing from export, want {want}", doc.source),
    }
}

/// The documents whose gold entry has `field`, with the gold value.
fn with_gold<'a>(docs: &'a [Doc], field: &str) -> impl Iterator<Item = (&'a Doc<'a>, &'a Value)> {
    docs.iter()
        .filter_map(move |doc| Some((doc, doc.gold.get(field)?)))
}

/// Exact-match scoring of one field (scalar or count) over all documents.
fn score_field(docs: &[Doc], field: &str, log: &mut Vec<String>) -> Tally {
    let mut t = Tally::default();
    for (doc, want) in with_gold(docs, field) {
        t.total += 1;
        let got = doc.got.map_or(Value::Null, |r| exported(r, field));
        if doc.got.is_some() && same(&got, want) {
            t.correct += 1;
            continue;
        }
        match (doc.got.is_none(), got.is_null(), want.is_null()) {
            (true, _, _) => t.absent += 1,
            (_, false, true) => t.invented += 1,
            (_, true, false) => t.missed += 1,
            _ => t.wrong += 1,
        }
        log.push(mismatch(doc, field, &got, want));
    }
    t
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 1.0 } else { n as f64 / d as f64 }
}

/// Scores `field`, prints its accuracy line (with the mismatch split when `split`) and
/// checks it against `flag`.
fn report_field(docs: &[Doc], field: &str, flag: &str, split: bool, report: &mut Report) {
    let mut log = Vec::new();
    let t = score_field(docs, field, &mut log);
    let share = ratio(t.correct, t.total);
    let (ok, total, pct) = (t.correct, t.total, 100.0 * share);
    let mut line = format!("  {field:<20} {ok:>4}/{total:<4} {pct:>6.1}%");
    if split {
        let (i, m, w) = (t.invented, t.missed, t.wrong);
        line += &format!("   invented {i}, missed {m}, wrong {w}");
    }
    if t.absent > 0 {
        let sep = if split { ", " } else { "   " };
        line += &format!("{sep}not exported {}", t.absent);
    }
    println!("{line}");
    report.check(flag, field, share);
    report.mismatches.push((field.to_string(), log));
}

fn report_fields(docs: &[Doc], report: &mut Report) {
    println!("\nfields (exact match)");
    for field in SCALAR_FIELDS.split(' ') {
        report_field(docs, field, "--min-field", true, report);
    }
}

fn report_counts(docs: &[Doc], report: &mut Report) {
    println!("\ncounts (share of documents exact)");
    for (field, _) in COUNT_FIELDS {
        report_field(docs, field, "--min-count", false, report);
    }
}

fn slugs(value: Option<&Value>) -> BTreeSet<String> {
    let items = value.and_then(Value::as_array).into_iter().flatten();
    items.filter_map(Value::as_str).map(str::to_owned).collect()
}

/// Micro precision / recall / F1 plus a per-slug table for one category-set field.
fn report_categories(docs: &[Doc], field: &str, flag: &str, report: &mut Report) {
    let (mut per_slug, mut log) = (BTreeMap::<String, [usize; 3]>::new(), Vec::new());
    for (doc, want) in with_gold(docs, field) {
        let (want, got) = (slugs(Some(want)), slugs(doc.got.and_then(|r| r.get(field))));
        for slug in want.union(&got) {
            let kind = match (got.contains(slug), want.contains(slug)) {
                (true, true) => 0,
                (true, false) => 1,
                _ => 2,
            };
            per_slug.entry(slug.clone()).or_default()[kind] += 1;
        }
        if doc.got.is_none() || got != want {
            log.push(mismatch(
                doc,
                field,
                Value::from_iter(got),
                Value::from_iter(want),
            ));
        }
    }
    let [tp, fp, fn_] = per_slug
        .values()
        .fold([0; 3], |a, c| [a[0] + c[0], a[1] + c[1], a[2] + c[2]]);
    let (p, r) = (ratio(tp, tp + fp), ratio(tp, tp + fn_));
    let f1 = (2.0 * p * r / (p + r)).max(0.0); // 0/0 is NaN, and NaN.max(0.0) is 0
    println!(
        "\n{field}: precision {p:.3}  recall {r:.3}  F1 {f1:.3}  (tp {tp}, fp {fp}, fn {fn_})"
    );
    println!("  slug                           tp   fp   fn precision  recall");
    for (slug, [tp, fp, fn_]) in &per_slug {
        let (p, r) = (ratio(*tp, tp + fp), ratio(*tp, tp + fn_));
        println!("  {slug:<28} {tp:>4} {fp:>4} {fn_:>4} {p:>9.3} {r:>7.3}");
    }
    report.check(flag, &format!("{field} F1"), f1);
    report.mismatches.push((field.to_string(), log));
}

fn is_bad_title(title: &str) -> bool {
    let norm = |s: &str| {
        let s = s
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let title = norm(title);
    title.is_empty() || GENERIC_TITLES.split('|').any(|g| norm(g) == title)
}

fn report_titles(docs: &[Doc], report: &mut Report) {
    let mut log = Vec::new();
    for (doc, record) in docs.iter().filter_map(|doc| Some((doc, doc.got?))) {
        let title = record.get("title").and_then(Value::as_str).unwrap_or("");
        if is_bad_title(title) {
            log.push(mismatch(
                doc,
                "title",
                format!("{title:?}"),
                "a specific title",
            ));
        }
    }
    println!("\ntitles empty or generic: {} (must be 0)", log.len());
    if !log.is_empty() && !report.args.thresholds.is_empty() {
        let reason = format!("{} empty or generic titles", log.len());
        report.reasons.push(reason);
    }
    report.mismatches.push(("title".to_string(), log));
}

fn print_mismatches(mismatches: &[(String, Vec<String>)]) {
    println!("\nmismatches");
    for (field, lines) in mismatches.iter().filter(|(_, lines)| !lines.is_empty()) {
        println!("  {field} ({})", lines.len());
        for line in lines {
            println!("    {line}");
        }
    }
}

fn verdict(report: &Report) -> ExitCode {
    if report.reasons.is_empty() {
        let note = if report.args.thresholds.is_empty() {
            " (no thresholds given: report only)"
        } else {
            ""
        };
        println!("\naccuracy: PASS{note}");
        ExitCode::SUCCESS
    } else {
        println!("\naccuracy: FAIL ({})", report.reasons.join("; "));
        ExitCode::FAILURE
    }
}
