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

/// Largest `pmkb.toml` (and site taxonomy file, see `load_taxonomy`) pmkb reads: a
/// settings file is a few hundred bytes, so anything near this is not one.
pub const MAX_SETTINGS_BYTES: u64 = 1024 * 1024;

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The settings file could not be read, is not a regular file or is too big.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The settings file.
        path: PathBuf,
        /// The failure.
        source: crate::discover::ReadError,
    },
    /// The settings file is not valid TOML or has unknown or mistyped keys.
    #[error("{path} is not a valid pmkb config: {message}")]
    Invalid {
        /// The settings file.
        path: PathBuf,
        /// The parser's explanation, with line and column.
        message: String,
    },
    /// `base_url` is not an absolute `http(s)://host/…` address.
    #[error(
        "base_url `{url}` (from {origin}) needs http:// or https:// and a host; \
         write it as `https://{suggestion}`"
    )]
    BaseUrl {
        /// The value as given.
        url: String,
        /// Where it came from: `--base-url` or the settings file.
        origin: String,
        /// The value with `https://` in front, as a hint.
        suggestion: String,
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
    /// `--drafts`: postmortems marked `draft: true` are part of the site.
    pub drafts: bool,
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
    /// Whether postmortems marked `draft: true` are loaded (`--drafts`, and always for
    /// `pmkb check`); otherwise they are left out of everything.
    pub drafts: bool,
    /// The settings file: the one read, else where `pmkb.toml` would be in the site root.
    pub settings_file: PathBuf,
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
        let file = config_path.as_ref().map(|p| p.display().to_string());
        let (root, config) = match &config_path {
            Some(path) => {
                let text =
                    crate::discover::read_text(path, MAX_SETTINGS_BYTES).map_err(|source| {
                        ConfigError::Read {
                            path: path.clone(),
                            source,
                        }
                    })?;
                let root = path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| cwd.to_path_buf());
                (root, Config::parse(&text, path)?)
            }
            None => (cwd.to_path_buf(), Config::default()),
        };
        let origin = match (&overrides.base_url, file) {
            (Some(_), _) | (None, None) => "--base-url".to_owned(),
            (None, Some(file)) => file,
        };
        let mut settings = Self::resolve(root, config, overrides, cwd);
        if let Some(path) = config_path {
            settings.settings_file = path;
        }
        check_base_url(&settings.config.base_url, &origin)?;
        Ok(settings)
    }

    /// The per-file cache folder (see [`crate::cache`]): `file-cache` beside the search
    /// index folder, so `.pmkb/file-cache/` by default.
    pub fn file_cache_dir(&self) -> PathBuf {
        self.index_dir.with_file_name("file-cache")
    }

    /// The record of the last complete build (see [`crate::cache::site`]):
    /// `last-build.json` beside the search index folder.
    pub fn build_record(&self) -> PathBuf {
        self.index_dir.with_file_name("last-build.json")
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
            drafts: overrides.drafts,
            settings_file: root.join(CONFIG_FILE),
            root,
            config,
            content_dir,
            output_dir,
        }
    }
}

/// Checks that a (non-empty) base URL is absolute: `http` or `https` with a host. Feeds,
/// the sitemap and canonical links put it in front of every path, so `example.org/kb/`
/// would make them relative URLs that point nowhere.
///
/// # Errors
///
/// [`ConfigError::BaseUrl`] naming `origin` (the flag or the file it came from).
pub fn check_base_url(base_url: &str, origin: &str) -> Result<(), ConfigError> {
    if base_url.is_empty() {
        return Ok(());
    }
    // Checked as written, since it is used as written: the URL parser would quietly
    // repair `https:/x.org` or `https:///kb` into another address.
    let lower = base_url.to_ascii_lowercase();
    let written = ["http://", "https://"].iter().any(|scheme| {
        lower
            .strip_prefix(scheme)
            .is_some_and(|rest| !rest.starts_with('/'))
    });
    let absolute = written
        && url::Url::parse(base_url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    if absolute {
        return Ok(());
    }
    let bare = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    Err(ConfigError::BaseUrl {
        url: base_url.to_owned(),
        origin: origin.to_owned(),
        suggestion: bare.trim_start_matches('/').to_owned(),
    })
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
    fn a_base_url_needs_a_scheme_and_a_host() {
        for good in [
            "",
            "https://acme.github.io/kb/",
            "http://localhost:8000/",
            "https://[::1]/",
        ] {
            assert!(check_base_url(good, "--base-url").is_ok(), "{good}");
        }
        for bad in [
            "acme.github.io/kb/",
            "/kb/",
            "ftp://acme.org/",
            "https:///kb",
            "https:/x.org/",
            "//cdn.org/kb/",
        ] {
            let err = check_base_url(bad, "pmkb.toml").unwrap_err().to_string();
            assert!(err.contains("needs http:// or https://"), "{bad}: {err}");
            assert!(err.contains("pmkb.toml"), "{err}");
        }
        let hint = check_base_url("www.example.org/kb/", "--base-url").unwrap_err();
        assert!(
            hint.to_string().contains("`https://www.example.org/kb/`"),
            "{hint}"
        );
    }

    #[test]
    fn a_bad_base_url_in_the_file_or_the_flag_stops_loading() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "base_url = \"kb.example.org\"\n",
        )
        .unwrap();
        let err = Settings::load(Overrides::default(), dir.path()).unwrap_err();
        assert!(err.to_string().contains(CONFIG_FILE), "{err}");
        let overrides = Overrides {
            base_url: Some("https://kb.example.org".into()),
            ..Overrides::default()
        };
        assert!(
            Settings::load(overrides, dir.path()).is_ok(),
            "the flag wins"
        );
        let overrides = Overrides {
            base_url: Some("example.org/kb/".into()),
            ..Overrides::default()
        };
        let err = Settings::load(overrides, dir.path()).unwrap_err();
        assert!(err.to_string().contains("--base-url"), "{err}");
    }

    #[test]
    fn unknown_keys_are_rejected_with_the_file_named() {
        let err = Config::parse("titel = \"x\"", Path::new("site/pmkb.toml")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("site/pmkb.toml"), "{text}");
        assert!(text.contains("titel"), "{text}");
    }
}
