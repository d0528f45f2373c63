//! Site settings: `pmkb.toml` at the site root, merged with command-line flags.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The name of the settings file that marks a site root.
pub const CONFIG_FILE: &str = "pmkb.toml";

/// Largest Markdown file pmkb reads by default; bigger files are reported, not loaded,
/// so one runaway export cannot exhaust memory or stall the build.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// Largest other file (an image, a PDF) copied from the content folder by default: such
/// files are not parsed, so they may be bigger, up to the size GitHub starts to warn about.
pub const DEFAULT_MAX_ASSET_BYTES: u64 = 50 * 1024 * 1024;

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The settings file exists but could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The settings file.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
    /// The settings file is not valid TOML or has unknown or mistyped keys.
    #[error("{path} is not a valid pmkb config: {message}")]
    Invalid {
        /// The settings file.
        path: PathBuf,
        /// The parser's explanation, with line and column.
        message: String,
    },
}

/// What a `pmkb.toml` may say. Unknown keys are rejected so a typo never goes unnoticed.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The site's name, shown in every page header.
    pub title: String,
    /// One sentence about the knowledge base, for the home page and meta tags.
    pub description: String,
    /// Where the site will be published, e.g. `https://org.github.io/repo/`; used for
    /// canonical links, feeds and the sitemap. Internal links are relative and work anywhere.
    pub base_url: String,
    /// The folder of postmortems, relative to the site root.
    pub content_dir: PathBuf,
    /// Where the site is written, relative to the site root.
    pub output_dir: PathBuf,
    /// A site theme folder whose `templates/` and `static/` override the built-in theme by name.
    pub theme_dir: PathBuf,
    /// A taxonomy file (same format as the built-in one) that replaces or extends categories.
    pub taxonomy: Option<PathBuf>,
    /// Keep raw HTML in postmortems as written instead of sanitising it. Only for trusted authors.
    pub trust_html: bool,
    /// Markdown files larger than this many bytes are skipped with an error.
    pub max_file_bytes: u64,
    /// Other files (images, attachments) larger than this many bytes are skipped with an error.
    pub max_asset_bytes: u64,
    /// Where `pmkb build` and `pmkb search` keep the tantivy index, relative to the site
    /// root. It is a cache (rebuilt whenever the content changes), never published.
    pub index_dir: PathBuf,
    /// Link pages as `…/index.html` rather than `…/`, so the site can be browsed from disk
    /// (`file://`), where a folder link shows a listing instead of its page.
    pub relative_index: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            title: "Postmortems".to_owned(),
            description: "What we learned from our incidents.".to_owned(),
            base_url: String::new(),
            content_dir: PathBuf::from("content"),
            output_dir: PathBuf::from("public"),
            theme_dir: PathBuf::from("theme"),
            taxonomy: None,
            trust_html: false,
            relative_index: false,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_asset_bytes: DEFAULT_MAX_ASSET_BYTES,
            index_dir: PathBuf::from(".pmkb/index"),
        }
    }
}

/// Values given on the command line; each one that is set wins over `pmkb.toml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--config FILE`: the settings file, whose folder becomes the site root.
    pub config_file: Option<PathBuf>,
    /// `--content DIR`.
    pub content_dir: Option<PathBuf>,
    /// `--output DIR`.
    pub output_dir: Option<PathBuf>,
    /// `--base-url URL`.
    pub base_url: Option<String>,
}

/// Settings with every path resolved against the site root, ready for a build.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The folder holding `pmkb.toml`, else the current folder.
    pub root: PathBuf,
    /// The merged settings.
    pub config: Config,
    /// The content folder, resolved.
    pub content_dir: PathBuf,
    /// The output folder, resolved.
    pub output_dir: PathBuf,
    /// The site's theme folder, resolved (it may not exist).
    pub theme_dir: PathBuf,
    /// The taxonomy override file, resolved.
    pub taxonomy_file: Option<PathBuf>,
    /// The search index cache folder, resolved.
    pub index_dir: PathBuf,
}

impl Config {
    /// Parses the text of a `pmkb.toml`; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}

impl Settings {
    /// Loads `pmkb.toml` (from `--config`, else the current folder if present) and applies
    /// the command-line overrides. Paths given on the command line are relative to the
    /// current folder; paths in the file are relative to the site root.
    pub fn load(overrides: Overrides, cwd: &Path) -> Result<Self, ConfigError> {
        let config_path = overrides
            .config_file
            .clone()
            .map(|p| cwd.join(p))
            .or_else(|| Some(cwd.join(CONFIG_FILE)).filter(|p| p.is_file()));
        let (root, config) = match config_path {
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                let root = path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| cwd.to_path_buf());
                (root, Config::parse(&text, &path)?)
            }
            None => (cwd.to_path_buf(), Config::default()),
        };
        Ok(Self::resolve(root, config, overrides, cwd))
    }

    /// Applies overrides to an already parsed config rooted at `root`.
    pub fn resolve(root: PathBuf, mut config: Config, overrides: Overrides, cwd: &Path) -> Self {
        if let Some(url) = overrides.base_url {
            config.base_url = url;
        }
        if !config.base_url.is_empty() && !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        let content_dir = overrides
            .content_dir
            .map(|p| cwd.join(p))
            .unwrap_or_else(|| root.join(&config.content_dir));
        let output_dir = overrides
            .output_dir
            .map(|p| cwd.join(p))
            .unwrap_or_else(|| root.join(&config.output_dir));
        Self {
            theme_dir: root.join(&config.theme_dir),
            taxonomy_file: config.taxonomy.as_ref().map(|p| root.join(p)),
            index_dir: root.join(&config.index_dir),
            root,
            config,
            content_dir,
            output_dir,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_values_and_defaults_merge() {
        let config = Config::parse(
            "title = \"Acme incidents\"\nbase_url = \"https://acme.github.io/kb\"\n",
            Path::new("pmkb.toml"),
        )
        .unwrap();
        let settings = Settings::resolve(
            PathBuf::from("/site"),
            config,
            Overrides::default(),
            Path::new("/elsewhere"),
        );
        assert_eq!(settings.config.title, "Acme incidents");
        assert_eq!(settings.config.base_url, "https://acme.github.io/kb/");
        assert_eq!(settings.content_dir, PathBuf::from("/site/content"));
        assert_eq!(settings.output_dir, PathBuf::from("/site/public"));
        assert_eq!(settings.index_dir, PathBuf::from("/site/.pmkb/index"));
    }

    #[test]
    fn flags_win_and_are_relative_to_cwd() {
        let overrides = Overrides {
            content_dir: Some("pm".into()),
            base_url: Some("https://x.io/r/".into()),
            ..Overrides::default()
        };
        let settings = Settings::resolve(
            PathBuf::from("/site"),
            Config::default(),
            overrides,
            Path::new("/cwd"),
        );
        assert_eq!(settings.content_dir, PathBuf::from("/cwd/pm"));
        assert_eq!(settings.config.base_url, "https://x.io/r/");
    }

    #[test]
    fn unknown_keys_are_rejected_with_the_file_named() {
        let err = Config::parse("titel = \"x\"", Path::new("site/pmkb.toml")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("site/pmkb.toml"), "{text}");
        assert!(text.contains("titel"), "{text}");
    }
}
