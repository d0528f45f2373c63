//! The whole-build record (`.pmkb/last-build.json`): what the last completed `pmkb build`
//! was made from and what it left in the output folder, with its report. A build whose
//! inputs (content, theme and taxonomy files by path, size and modification time; every
//! setting; this pmkb executable) and output folder (every file by path, size,
//! modification and status-change time) are unchanged since that record would write the same bytes, so it
//! writes nothing and repeats the recorded report. Any difference, a missing or unreadable
//! record, or one from another pmkb, means an ordinary build.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::BuildReport;
use crate::config::Settings;
use crate::diagnostics::Diagnostic;
use crate::discover;

/// What a completed build leaves in the record file.
#[derive(Serialize, Deserialize)]
struct Record {
    format: String,
    inputs: String,
    output: String,
    files_written: usize,
    postmortems: usize,
    drafts: usize,
    diagnostics: Vec<Diagnostic>,
}

/// The fingerprint of everything a build of `settings` reads, taken before it reads it
/// (so a file changed during the build makes the next one build again).
pub fn inputs(settings: &Settings, allow_empty: bool) -> String {
    let mut parts = vec![
        super::FORMAT.to_owned(),
        crate::VERSION.to_owned(),
        super::executable_stamp(),
        format!("{settings:?}"),
        allow_empty.to_string(),
    ];
    parts.extend(discover::stamp_lines(
        &[&settings.content_dir, &settings.theme_dir],
        settings.taxonomy_file.as_deref(),
    ));
    digest(&parts)
}

/// The fingerprint of the output folder as it is now (every file, hidden ones too).
fn output(dir: &Path) -> String {
    let mut parts: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            let kind = if meta.is_dir() { "d" } else { "f" };
            let path = e.path().display();
            Some(format!(
                "{kind}\t{path}\t{}\t{modified}\t{}",
                meta.len(),
                changed(&meta)
            ))
        })
        .collect();
    parts.sort_unstable();
    digest(&parts)
}

/// When a file's metadata last changed (permissions, attributes, links), in nanoseconds:
/// a site made read-only since is written again, so the build reports what it meets.
#[cfg(unix)]
fn changed(meta: &std::fs::Metadata) -> i128 {
    use std::os::unix::fs::MetadataExt;
    i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec())
}

#[cfg(not(unix))]
fn changed(_: &std::fs::Metadata) -> i128 {
    0
}

fn digest(parts: &[String]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    format!("{:032x}", hasher.digest128())
}

/// The recorded report when the build of `inputs` into `output_dir` is the one recorded
/// at `path` and the output folder is as that build left it.
pub fn unchanged(path: &Path, inputs: &str, output_dir: &Path) -> Option<BuildReport> {
    let text = std::fs::read(path).ok()?;
    let record: Record = serde_json::from_slice(&text).ok()?;
    let same = record.format == super::FORMAT && record.inputs == inputs;
    if !same || record.output != output(output_dir) {
        return None;
    }
    Some(BuildReport {
        files_written: record.files_written,
        postmortems: record.postmortems,
        drafts: record.drafts,
        diagnostics: record.diagnostics,
    })
}

/// Records at `path` that the build of `inputs` wrote `output_dir` and reported `report`.
/// A record that cannot be written only means the next build runs in full.
pub fn remember(path: &Path, inputs: &str, output_dir: &Path, report: &BuildReport) {
    let record = Record {
        format: super::FORMAT.to_owned(),
        inputs: inputs.to_owned(),
        output: output(output_dir),
        files_written: report.files_written,
        postmortems: report.postmortems,
        drafts: report.drafts,
        diagnostics: report.diagnostics.clone(),
    };
    let text = serde_json::to_vec(&record).expect("a record always serialises");
    let temp = super::temp_beside(path);
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&temp, &text))
        .and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
        let _ = std::fs::remove_file(path);
    }
}
