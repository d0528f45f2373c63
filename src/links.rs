//! Link checking: every internal link, image and `#anchor` in a postmortem's Markdown is
//! resolved against the built site, and each one that leads nowhere becomes a warning
//! naming the page, the line and the target.
//!
//! A link resolves when it names a file of the content folder that the site publishes
//! (another postmortem, an image), or a page or file of the built site (relative to the
//! page, or absolute under the base URL's path). An anchor resolves when the target page
//! has an element with that `id`; the ids are read from the rendered pages, so the check
//! follows whatever ids the renderer gives headings.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use percent_encoding::percent_decode_str;
use pulldown_cmark::{Event, Options, Parser, Tag};
use rayon::prelude::*;
use regex::Regex;

use crate::diagnostics::{Diagnostic, line_of};
use crate::discover::Asset;
use crate::kb::{KnowledgeBase, Postmortem};
use crate::output::OutputFile;

/// The built site as the checker sees it: which paths exist, where each postmortem's
/// source and the content assets are published, and the `id`s of each page.
struct SiteMap<'a> {
    files: HashMap<&'a str, &'a [u8]>,
    /// Content-relative source path → published site path (`postmortems/<slug>/`,
    /// `files/<path>`).
    published: HashMap<String, String>,
    /// The path the site is served under, e.g. `/kb/` (`/` without a base URL).
    base_path: String,
    ids: HashMap<String, OnceLock<HashSet<String>>>,
}

impl<'a> SiteMap<'a> {
    /// The map of a site built from `kb` and `assets` into `files`, published at `base_url`
    /// (empty when unknown).
    fn new(kb: &KnowledgeBase, assets: &[Asset], files: &'a [OutputFile], base_url: &str) -> Self {
        let pages = kb
            .postmortems
            .iter()
            .map(|p| (p.source.clone(), format!("postmortems/{}/", p.slug)));
        let assets = assets
            .iter()
            .map(|a| (a.rel_path.clone(), format!("files/{}", a.rel_path)));
        let ids = files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .map(|f| (f.path.clone(), OnceLock::new()))
            .collect();
        Self {
            files: files
                .iter()
                .map(|f| (f.path.as_str(), &f.bytes[..]))
                .collect(),
            published: pages.chain(assets).collect(),
            base_path: base_path(base_url),
            ids,
        }
    }

    /// The site file a path names: itself, or the `index.html` of the folder it names.
    fn file(&self, path: &str) -> Option<&'a str> {
        if let Some((key, _)) = self.files.get_key_value(path) {
            return Some(key);
        }
        let folder = path.trim_end_matches('/');
        let index = if folder.is_empty() {
            "index.html".to_owned()
        } else {
            format!("{folder}/index.html")
        };
        self.files.get_key_value(index.as_str()).map(|(k, _)| *k)
    }

    /// Whether the HTML file at `path` has an element with `id`.
    fn has_id(&self, path: &str, id: &str) -> bool {
        let Some(cell) = self.ids.get(path) else {
            return false;
        };
        let ids = cell.get_or_init(|| ids_of(self.files.get(path).copied().unwrap_or_default()));
        ids.contains(id)
    }
}

/// The path part of a base URL, with slashes at both ends: `https://o.github.io/kb` → `/kb/`.
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_matches('/');
    if path.is_empty() {
        "/".to_owned()
    } else {
        format!("/{path}/")
    }
}

/// Every `id="…"` of an HTML page, with character references decoded.
fn ids_of(html: &[u8]) -> HashSet<String> {
    static ID: OnceLock<Regex> = OnceLock::new();
    let id = ID.get_or_init(|| Regex::new(r#"\sid="([^"]*)""#).expect("valid pattern"));
    let html = String::from_utf8_lossy(html);
    id.captures_iter(&html).map(|c| unescape(&c[1])).collect()
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Warnings for every link, image or anchor of every postmortem of `kb` that does not
/// resolve in the site built from it and `assets` into `files` (sorted by path), published
/// at `base_url` (empty when unknown); sorted by file and line.
pub fn check(
    kb: &KnowledgeBase,
    assets: &[Asset],
    files: &[OutputFile],
    base_url: &str,
) -> Vec<Diagnostic> {
    let site = &SiteMap::new(kb, assets, files, base_url);
    let mut out: Vec<Diagnostic> = kb
        .postmortems
        .par_iter()
        .flat_map_iter(|pm| check_page(pm, site))
        .collect();
    crate::diagnostics::sort(&mut out);
    out
}

/// What a link in a Markdown body points at.
#[derive(Debug, PartialEq, Eq)]
struct Link {
    /// 1-based line in the source file.
    line: usize,
    /// The destination as written.
    dest: String,
    image: bool,
}

/// The links and images of a body, with file lines (`body_line` is the body's first line).
fn links_of(body: &str, body_line: usize) -> Vec<Link> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES;
    Parser::new_ext(body, options)
        .into_offset_iter()
        .filter_map(|(event, range)| {
            let (dest, image) = match event {
                Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
                Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
                _ => return None,
            };
            Some(Link {
                line: body_line + line_of(body, range.start) - 1,
                dest: dest.into_string(),
                image,
            })
        })
        .collect()
}

fn check_page(pm: &Postmortem, site: &SiteMap<'_>) -> Vec<Diagnostic> {
    let page = format!("postmortems/{}/", pm.slug);
    links_of(&pm.document.body, pm.document.body_line)
        .into_iter()
        .filter_map(|link| {
            let problem = problem(&pm.source, &page, &link.dest, site)?;
            let what = if link.image { "image" } else { "link" };
            Some(
                Diagnostic::warning(&pm.source, format!("{what} `{}` {problem}", link.dest))
                    .at_line(link.line)
                    .with_hint(
                        "link to a file of the content folder by its relative path, to a page of the site, or to a heading's id",
                    ),
            )
        })
        .collect()
}

/// Why `dest`, written in the source `source` of the page at `page`, leads nowhere; None
/// when it resolves or is external.
fn problem(source: &str, page: &str, dest: &str, site: &SiteMap<'_>) -> Option<String> {
    if dest.is_empty() || dest.starts_with("//") || has_scheme(dest) {
        return None;
    }
    let (path, fragment) = dest.split_once('#').unwrap_or((dest, ""));
    let path = path.split('?').next().unwrap_or_default();
    let path = percent_decode_str(path).decode_utf8_lossy();
    let fragment = percent_decode_str(fragment).decode_utf8_lossy();
    let target = if path.is_empty() {
        Some(format!("{page}index.html"))
    } else if let Some(absolute) = path.strip_prefix('/') {
        format!("/{absolute}")
            .strip_prefix(site.base_path.as_str())
            .and_then(|p| site.file(p))
            .map(str::to_owned)
    } else {
        let in_content = join(source.rsplit_once('/').map_or("", |(dir, _)| dir), &path)
            .and_then(|p| site.published.get(&p).cloned());
        in_content
            .or_else(|| join(page.trim_end_matches('/'), &path))
            .and_then(|p| site.file(&p).map(str::to_owned))
    };
    let Some(target) = target else {
        return Some("does not lead to a file or page of the site".to_owned());
    };
    if fragment.is_empty() || !target.ends_with(".html") || site.has_id(&target, &fragment) {
        return None;
    }
    Some(format!(
        "points at `#{fragment}`, which is not an id on its target page"
    ))
}

/// Whether `dest` starts with a URL scheme (`https:`, `mailto:`…).
fn has_scheme(dest: &str) -> bool {
    let Some((scheme, _)) = dest.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
}

/// `rel` followed from the folder `dir` (both `/`-separated, relative to one root); None
/// when it climbs above the root.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    let trailing = rel.ends_with('/');
    for part in rel.split('/') {
        if part == ".." {
            parts.pop()?;
        } else if !part.is_empty() && part != "." {
            parts.push(part);
        }
    }
    let mut path = parts.join("/");
    if trailing && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths_keep_only_the_path() {
        assert_eq!(base_path(""), "/");
        assert_eq!(base_path("https://org.github.io/"), "/");
        assert_eq!(base_path("https://org.github.io/kb"), "/kb/");
        assert_eq!(base_path("https://x.io/a/b/?q#f"), "/a/b/");
    }

    #[test]
    fn links_carry_file_lines() {
        let body = "# T\n\nSee [a](other.md#x) and\n![g](img/g.png).\n";
        let links = links_of(body, 5);
        assert_eq!(
            links,
            [
                Link {
                    line: 7,
                    dest: "other.md#x".into(),
                    image: false
                },
                Link {
                    line: 8,
                    dest: "img/g.png".into(),
                    image: true
                },
            ]
        );
    }

    #[test]
    fn joins_stay_under_the_root() {
        assert_eq!(join("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join("", "./x/").as_deref(), Some("x/"));
        assert_eq!(join("a", "../../x"), None);
        assert!(has_scheme("https://x") && has_scheme("mailto:a@b") && !has_scheme("a/b:c"));
    }
}
