//! What an output folder may be: the checks that refuse, before anything is written, an
//! output that would swallow the build's own input, a file, or a folder pmkb did not write.

use std::path::{Component, Path, PathBuf};

use super::OutputError;

/// The file pmkb writes into every site it builds. A non-empty folder without it was
/// not written by pmkb, so a build refuses to replace it unless forced.
pub const MARKER: &str = ".pmkb-site";

/// The marker's content: what the folder is, for whoever finds it.
pub(super) const MARKER_TEXT: &str =
    "This folder is a site written by pmkb; each `pmkb build` replaces it whole.\n";

/// What the build reads, which the output folder must leave alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inputs<'a> {
    /// Folders read by the build (content, theme): the output may neither hold them nor
    /// lie inside them, where each build would publish the previous site.
    pub folders: &'a [&'a Path],
    /// Other paths the build reads or keeps (the site root, the taxonomy file, the index
    /// cache): the output may lie inside them but not hold them.
    pub kept: &'a [&'a Path],
}

/// Refuses an output folder that holds or lies inside an input, that is a file, or that
/// is an existing non-empty folder without pmkb's [`MARKER`] (unless `force`).
///
/// # Errors
/// [`OutputError::InsideInput`], [`OutputError::HoldsInput`], [`OutputError::NotAFolder`]
/// or [`OutputError::Foreign`], naming the paths.
pub(super) fn check(
    output_dir: &Path,
    inputs: &Inputs<'_>,
    force: bool,
) -> Result<(), OutputError> {
    let output = absolute(output_dir);
    for input in inputs.folders {
        if output.starts_with(absolute(input)) {
            return Err(OutputError::InsideInput {
                output: output_dir.to_path_buf(),
                input: input.to_path_buf(),
            });
        }
    }
    for input in inputs.folders.iter().chain(inputs.kept) {
        if absolute(input).starts_with(&output) {
            return Err(OutputError::HoldsInput {
                output: output_dir.to_path_buf(),
                input: input.to_path_buf(),
            });
        }
    }
    let Ok(meta) = std::fs::metadata(output_dir) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(OutputError::NotAFolder(output_dir.to_path_buf()));
    }
    let empty = std::fs::read_dir(output_dir).is_ok_and(|mut entries| entries.next().is_none());
    if !force && !empty && !output_dir.join(MARKER).is_file() {
        return Err(OutputError::Foreign(output_dir.to_path_buf()));
    }
    Ok(())
}

/// The path with links resolved as far as it exists, and the rest appended with `.` and
/// `..` applied, so a folder that does not exist yet compares like one that does.
fn absolute(path: &Path) -> PathBuf {
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(resolved) = existing.canonicalize() {
            let mut out = resolved;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(name) => out.push(name),
                    _ => {}
                }
            }
            return out;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
            }
            _ => return path.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_that_do_not_exist_yet_compare_by_their_resolved_parent() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(absolute(&dir.path().join("a/./b/../c")), real.join("a/c"));
    }

    #[test]
    fn an_output_inside_or_holding_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir(&content).unwrap();
        let taxonomy = dir.path().join("shared/taxonomy.toml");
        let inputs = Inputs {
            folders: &[&content],
            kept: &[dir.path(), &taxonomy],
        };
        let refused = |out: &Path| check(out, &inputs, true).unwrap_err();
        assert!(matches!(
            refused(dir.path()),
            OutputError::HoldsInput { .. }
        ));
        assert!(matches!(refused(&content), OutputError::InsideInput { .. }));
        assert!(matches!(
            refused(&content.join("public")),
            OutputError::InsideInput { .. }
        ));
        assert!(matches!(
            refused(&dir.path().join("shared")),
            OutputError::HoldsInput { .. }
        ));
        assert!(check(&dir.path().join("public"), &inputs, false).is_ok());
    }

    #[test]
    fn a_file_or_a_foreign_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = Inputs::default();
        let file = dir.path().join("notes.txt");
        std::fs::write(&file, "mine").unwrap();
        assert!(matches!(
            check(&file, &inputs, true),
            Err(OutputError::NotAFolder(_))
        ));
        let docs = dir.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        assert!(check(&docs, &inputs, false).is_ok(), "empty");
        std::fs::write(docs.join("plan.md"), "mine").unwrap();
        assert!(matches!(
            check(&docs, &inputs, false),
            Err(OutputError::Foreign(_))
        ));
        assert!(check(&docs, &inputs, true).is_ok(), "forced");
        std::fs::write(docs.join(MARKER), MARKER_TEXT).unwrap();
        assert!(check(&docs, &inputs, false).is_ok(), "pmkb's own");
    }
}
