//! HTTP: requests answered from the site in memory, under the base URL's path exactly as
//! the published site is (`/kb/…` for `https://org.github.io/kb/`; `/` redirects there),
//! with the live-reload script injected into HTML pages and its event stream.
//!
//! A request path is split into segments before percent-decoding, and a segment that
//! decodes to `.`, `..` or something holding a slash is refused, so `..`, `%2e%2e` and
//! `%2f` never name anything; and since only the built files are in memory, no request
//! can reach a file outside the site.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use percent_encoding::percent_decode_str;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::live::{Live, Notice};
use crate::output::MemorySite;

/// Where the live-reload script and its event stream are served (outside any site path
/// the build writes, which are all under the base path and never start with `__`).
const EVENTS: &str = "/__pmkb/events";
const SCRIPT: &str = "/__pmkb/live.js";
const SCRIPT_TAG: &str = "<script src=\"/__pmkb/live.js\"></script>";

/// The server's routes over the shared state.
pub(super) fn router(live: Arc<Live>) -> Router {
    Router::new()
        .route(EVENTS, get(events))
        .route(SCRIPT, get(script))
        .fallback(get(page))
        .with_state(live)
}

/// What a request path names in the site.
#[derive(Debug, PartialEq, Eq)]
enum Located {
    /// A file of the site, by its path in the site.
    File(String),
    /// A folder asked for without its slash, or the root outside the base path.
    Redirect(String),
    NotFound,
}

/// Resolves the raw (still percent-encoded) request `path` against a site served at `base`.
fn locate(site: &MemorySite, base: &str, path: &str) -> Located {
    let Some(rest) = path.strip_prefix(base) else {
        return if path == "/" || path == base.trim_end_matches('/') {
            Located::Redirect(base.to_owned())
        } else {
            Located::NotFound
        };
    };
    let mut segments = Vec::new();
    let parts: Vec<&str> = rest.split('/').collect();
    for (i, raw) in parts.iter().enumerate() {
        let Ok(segment) = percent_decode_str(raw).decode_utf8() else {
            return Located::NotFound;
        };
        let last = i + 1 == parts.len();
        let bad = segment == "."
            || segment == ".."
            || segment.contains(['/', '\\', '\0'])
            || (segment.is_empty() && !last);
        if bad {
            return Located::NotFound;
        }
        segments.push(segment);
    }
    let key = segments.join("/");
    if key.is_empty() || key.ends_with('/') {
        let index = format!("{key}index.html");
        return match site.get(&index) {
            Some(_) => Located::File(index),
            None => Located::NotFound,
        };
    }
    if site.get(&key).is_some() {
        Located::File(key)
    } else if site.get(&format!("{key}/index.html")).is_some() {
        Located::Redirect(format!("{path}/"))
    } else {
        Located::NotFound
    }
}

/// A page, file or redirect of the site; unknown paths get the site's 404 page.
async fn page(State(live): State<Arc<Live>>, uri: Uri) -> Response {
    let snapshot = live.snapshot();
    match locate(&snapshot.site, &snapshot.base_path, uri.path()) {
        Located::File(path) => file(&snapshot.site, &path, StatusCode::OK),
        Located::Redirect(to) => Redirect::temporary(&to).into_response(),
        Located::NotFound => file(&snapshot.site, "404.html", StatusCode::NOT_FOUND),
    }
}

/// The response for the site file `path`, with the live-reload script in HTML pages.
fn file(site: &MemorySite, path: &str, status: StatusCode) -> Response {
    let Some(bytes) = site.get(path) else {
        return (status, "not found").into_response();
    };
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let body = if is_html {
        with_script(&bytes)
    } else {
        bytes.to_vec()
    };
    let content_type = if is_html || mime.type_() == "text" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_owned()
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The page with the live-reload script before its last `</body>` (or at its end).
fn with_script(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + SCRIPT_TAG.len());
    out.push_str(&text[..at]);
    out.push_str(SCRIPT_TAG);
    out.push_str(&text[at..]);
    out.into_bytes()
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("live.js"),
    )
}

/// The event stream: `ready` at once, the current `problems` if the latest build broke,
/// then `reload` after every good rebuild and `problems` after every broken one.
async fn events(
    State(live): State<Arc<Live>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let notices = BroadcastStream::new(live.subscribe()).filter_map(Result::ok);
    let problems = live.problems();
    let current = (!problems.is_empty()).then_some(Notice::Problems(problems));
    let ready = Event::default().event("ready").data("");
    let stream = tokio_stream::once(ready)
        .chain(tokio_stream::iter(current.map(event)))
        .chain(notices.map(event))
        .map(Ok);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn event(notice: Notice) -> Event {
    match notice {
        Notice::Reload => Event::default().event("reload").data(""),
        Notice::Problems(problems) => Event::default()
            .event("problems")
            .data(serde_json::to_string(&*problems).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputFile;

    fn site() -> MemorySite {
        MemorySite::new(vec![
            OutputFile::text("index.html", "<html><body>home</body></html>".into()),
            OutputFile::text("postmortems/a/index.html", "a".into()),
            OutputFile::text("static/style.css", "b".into()),
        ])
        .unwrap()
    }

    #[test]
    fn paths_resolve_under_the_base_path() {
        let site = site();
        let file = |p: &str| Located::File(p.to_owned());
        assert_eq!(locate(&site, "/kb/", "/kb/"), file("index.html"));
        assert_eq!(locate(&site, "/kb/", "/"), Located::Redirect("/kb/".into()));
        assert_eq!(
            locate(&site, "/kb/", "/kb"),
            Located::Redirect("/kb/".into())
        );
        assert_eq!(
            locate(&site, "/kb/", "/kb/postmortems/a"),
            Located::Redirect("/kb/postmortems/a/".into())
        );
        assert_eq!(
            locate(&site, "/", "/static/style.css"),
            file("static/style.css")
        );
        assert_eq!(
            locate(&site, "/kb/", "/static/style.css"),
            Located::NotFound
        );
    }

    #[test]
    fn climbing_and_encoded_separators_are_not_found() {
        let site = site();
        for bad in [
            "/kb/../kb/index.html",
            "/kb/%2e%2e/kb/index.html",
            "/kb/postmortems%2Fa/index.html",
            "/kb/postmortems/a/..%2F..%2Findex.html",
            "/kb/postmortems//a/index.html",
            "/kb/%5C..%5Cindex.html",
        ] {
            assert_eq!(locate(&site, "/kb/", bad), Located::NotFound, "{bad}");
        }
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let html = with_script(b"<html><body>x</body></html>");
        assert_eq!(
            String::from_utf8(html).unwrap(),
            format!("<html><body>x{SCRIPT_TAG}</body></html>")
        );
    }
}
