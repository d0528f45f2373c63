//! `pmkb new "Title"`: a new postmortem `YYYY-MM-DD-slug.md` from the template
//! `scaffold/postmortem.md` of the site's theme folder, else the built-in one.
//!
//! The template's placeholders: `{{title}}` (as written), `{{title_quoted}}` (a quoted
//! string, for front matter) and `{{date}}` (`YYYY-MM-DD`).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{ScaffoldError, create, io};
use crate::kb::slugify;

/// Where a site's theme folder may override the template.
pub const TEMPLATE_PATH: &str = "scaffold/postmortem.md";

const BUILTIN: &str = include_str!("../../theme/scaffold/postmortem.md");

/// What `pmkb new` is asked to write.
#[derive(Debug, Clone)]
pub struct NewPostmortem<'a> {
    /// The incident's title.
    pub title: &'a str,
    /// The day it happened (the file name's prefix and the template's `{{date}}`).
    pub date: NaiveDate,
    /// The content folder to write into.
    pub content_dir: &'a Path,
    /// The site's theme folder, which may hold its own template.
    pub theme_dir: &'a Path,
}

/// Writes the new postmortem and returns its path.
///
/// # Errors
/// [`ScaffoldError::Exists`] if the file is already there (it is left untouched),
/// [`ScaffoldError::EmptySlug`] for a title without letters or digits, and I/O failures.
pub fn new_postmortem(request: &NewPostmortem<'_>) -> Result<PathBuf, ScaffoldError> {
    let slug = slugify(request.title);
    if slug.is_empty() {
        return Err(ScaffoldError::EmptySlug(request.title.to_owned()));
    }
    let date = request.date.format("%Y-%m-%d").to_string();
    let path = request.content_dir.join(format!("{date}-{slug}.md"));
    let site_template = request.theme_dir.join(TEMPLATE_PATH);
    let template = if site_template.is_file() {
        std::fs::read_to_string(&site_template).map_err(io(&site_template))?
    } else {
        BUILTIN.to_owned()
    };
    let quoted = serde_json::Value::from(request.title).to_string();
    let text = template
        .replace("{{title_quoted}}", &quoted)
        .replace("{{title}}", request.title)
        .replace("{{date}}", &date);
    create(&path, &text)?;
    Ok(path)
}
