//! Scaffolding: `pmkb new` starts a postmortem from the theme's template, and `pmkb init`
//! writes a knowledge-base repository that publishes itself on GitHub Pages. Both only
//! create files, and never overwrite one.

mod init;
mod new;

pub use init::{Initialised, init};
pub use new::{NewPostmortem, TEMPLATE_PATH, new_postmortem};

use std::path::{Path, PathBuf};

/// Why a file could not be scaffolded.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The file to write is already there.
    #[error(
        "{0} already exists; pmkb never overwrites it (choose another title or date, or move it)"
    )]
    Exists(PathBuf),
    /// The folder to initialise holds files.
    #[error(
        "{0} is not empty; run `pmkb init` in an empty folder, or add --force to add the files beside what is there"
    )]
    NotEmpty(PathBuf),
    /// The title gives no usable file name.
    #[error("the title `{0}` has no letters or digits to name the file after")]
    EmptySlug(String),
    /// The file system refused.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ScaffoldError + '_ {
    move |source| ScaffoldError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `text` to a new file at `path` (creating its folder), failing if it exists.
fn create(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut file = match std::fs::File::create_new(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(ScaffoldError::Exists(path.to_path_buf()));
        }
        Err(e) => return Err(io(path)(e)),
    };
    file.write_all(text.as_bytes()).map_err(io(path))
}
