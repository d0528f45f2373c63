//! The theme: templates and static files embedded in the binary, overridable file by
//! file by a site's own `theme/` folder.

use include_dir::{Dir, include_dir};

use crate::discover::Asset;
use crate::output::OutputFile;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/theme");

/// Why the theme could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// A template does not parse.
    #[error("template {name} does not parse: {message}")]
    Template {
        /// Template file name.
        name: String,
        /// Tera's explanation.
        message: String,
    },
}

/// Templates compiled into a tera environment, and the static files to copy.
pub struct Theme {
    /// The template engine with every template loaded.
    pub tera: tera::Tera,
    /// Files for the site's `static/` folder.
    pub statics: Vec<OutputFile>,
    /// The ids the templates write literally (`main`, `meta-heading`…), which a page's
    /// content must not reuse.
    pub ids: std::collections::HashSet<String>,
}

impl Theme {
    /// Loads the built-in theme with `overrides` (files of a site's theme folder, paths
    /// relative to it such as `templates/base.html` or `static/style.css`) replacing
    /// built-in files of the same name.
    pub fn load(overrides: &[Asset]) -> Result<Self, ThemeError> {
        let mut files = std::collections::BTreeMap::new();
        collect_builtin(&BUILTIN, &mut files);
        for asset in overrides {
            files.insert(asset.rel_path.clone(), asset.bytes.clone());
        }
        let mut tera = tera::Tera::new();
        let mut templates = Vec::new();
        let mut statics = Vec::new();
        for (path, bytes) in files {
            if let Some(name) = path.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                templates.push((name.to_owned(), text));
            } else if let Some(name) = path.strip_prefix("static/") {
                statics.push(OutputFile {
                    path: format!("static/{name}"),
                    bytes,
                });
            }
        }
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| ThemeError::Template {
                name: "theme".into(),
                message: error_chain(&e),
            })?;
        let ids = templates
            .iter()
            .flat_map(|(_, text)| super::anchors::ids_in(text))
            .map(str::to_owned)
            .collect();
        Ok(Self { tera, statics, ids })
    }
}

/// Every embedded file, keyed by its `/`-separated path inside `theme/`.
fn collect_builtin(dir: &Dir<'static>, files: &mut std::collections::BTreeMap<String, Vec<u8>>) {
    for file in dir.files() {
        files.insert(
            file.path().to_string_lossy().replace('\\', "/"),
            file.contents().to_vec(),
        );
    }
    for sub in dir.dirs() {
        collect_builtin(sub, files);
    }
}

/// Tera's error with its causes, on one line.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
