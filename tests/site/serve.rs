//! `pmkb serve` over HTTP: pages under a sub-path base URL, paths that try to leave the
//! site, and the live-reload loop (an edit reloads open tabs, a broken file keeps the
//! last good site and shows the overlay, the fix reloads). Every wait is bounded and the
//! server is killed when a test ends, even when it fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use crate::support::{copy_site, example_content, fixture};

/// Longest wait for the server to start or a rebuild to finish: a debug build on a busy
/// 2-core machine takes seconds; a hang fails the test instead of blocking the suite.
const PATIENCE: Duration = Duration::from_secs(90);

/// A running `pmkb serve`, killed on drop.
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT` (no path).
    origin: String,
    /// The site's path, `/` or the base URL's.
    base: String,
}

impl Server {
    fn start(dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pmkb"))
            .args(["serve", "--port", "0"])
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut server = Self {
            child,
            origin: String::new(),
            base: String::new(),
        };
        let line = rx
            .recv_timeout(PATIENCE)
            .expect("pmkb serve printed its address");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        let path_at = url["http://".len()..].find('/').unwrap() + "http://".len();
        server.origin = url[..path_at].to_owned();
        server.base = url[path_at..].to_owned();
        assert!(server.origin.starts_with("http://127.0.0.1:"), "{line}");
        server
    }

    /// GET a path (relative to the site's path unless it starts with `/`): status,
    /// `Location` header and body.
    fn get(&self, path: &str) -> (u16, Option<String>, String) {
        let (status, location, body) = self.get_bytes(path);
        (status, location, String::from_utf8(body).unwrap())
    }

    /// [`Self::get`] with the body as bytes.
    fn get_bytes(&self, path: &str) -> (u16, Option<String>, Vec<u8>) {
        let url = if path.starts_with('/') {
            format!("{}{path}", self.origin)
        } else {
            format!("{}{}{path}", self.origin, self.base)
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(20)))
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent.get(&url).call().unwrap();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .unwrap();
        (response.status().as_u16(), location, body)
    }

    /// The status line's code for a raw request target, sent as written (no client
    /// normalises its dots or escapes).
    fn raw_status(&self, target: &str) -> u16 {
        let host = self.origin.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        response
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("{target}: no status in {response:?}"))
    }

    /// The live-reload event stream, read on a thread: `(event, data)` pairs.
    fn events(&self) -> Events {
        let url = format!("{}/__pmkb/events", self.origin);
        let response = ureq::get(&url).call().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let reader = BufReader::new(response.into_body().into_reader());
            // Server-sent events: `event:` and `data:` lines, dispatched at a blank line.
            let (mut name, mut data) = (String::new(), String::new());
            for line in reader.lines().map_while(Result::ok) {
                if let Some(value) = line.strip_prefix("event:") {
                    name = value.trim().to_owned();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push_str(value.trim());
                } else if line.is_empty() && !name.is_empty() {
                    let event = (std::mem::take(&mut name), std::mem::take(&mut data));
                    if tx.send(event).is_err() {
                        break;
                    }
                }
            }
        });
        let events = Events(rx);
        events.next_named("ready");
        events
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Events(Receiver<(String, String)>);

impl Events {
    /// The data of the next event called `name`, skipping others; panics after PATIENCE.
    fn next_named(&self, name: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.0.recv_timeout(left) {
                Ok((event, data)) if event == name => return data,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("no `{name}` event within {PATIENCE:?}"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("event stream closed before `{name}`")
                }
            }
        }
    }
}

/// Replaces a file the way editors save: write a temporary file, rename it over.
fn atomic_save(path: &Path, text: &str) {
    let temp = path.with_extension("md.tmp~");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

#[test]
fn serves_under_the_base_path_and_only_files_of_the_site() {
    let site = copy_site(&fixture("basic"), None);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.png"), "SECRET").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.png"),
        site.path().join("content/leak.png"),
    )
    .unwrap();
    let server = Server::start(site.path(), &["--base-url", "https://org.github.io/kb/"]);
    assert_eq!(server.base, "/kb/");

    let (status, _, home) = server.get("");
    assert_eq!(status, 200);
    assert!(home.contains("Ledger API outage"), "{home}");
    assert!(
        home.contains("/__pmkb/live.js"),
        "the live-reload script is injected"
    );
    let (status, _, page) = server.get("postmortems/ledger-db-pool/");
    assert_eq!(status, 200);
    assert!(page.contains("database connection pool exhausted"));
    let (status, location, _) = server.get("/");
    assert_eq!((status, location.as_deref()), (307, Some("/kb/")));
    let (status, location, _) = server.get("postmortems/ledger-db-pool");
    assert_eq!(
        (status, location.as_deref()),
        (307, Some("/kb/postmortems/ledger-db-pool/"))
    );
    assert_eq!(server.get("static/style.css").0, 200);
    assert_eq!(server.get("/static/style.css").0, 404, "only under /kb/");
    let (status, _, not_found) = server.get("no/such/page/");
    assert_eq!(status, 404);
    assert!(not_found.contains("<html"), "the site's 404 page");

    for target in [
        "/kb/../kb/index.html",
        "/kb/postmortems/../../../etc/passwd",
        "/kb/%2e%2e/%2e%2e/etc/passwd",
        "/kb/postmortems%2F..%2F..%2Fetc%2Fpasswd",
        "/kb/..%5C..%5Cetc%5Cpasswd",
        "/kb/files/leak.png",
        "/kb//etc/passwd",
    ] {
        assert_eq!(server.raw_status(target), 404, "{target}");
    }
    assert_eq!(server.raw_status("/kb/static/style.css"), 200);
}

#[test]
fn edits_reload_open_tabs_and_broken_files_keep_the_last_good_site() {
    let site = copy_site(&fixture("basic"), None);
    let file = site.path().join("content/ledger-db-pool.md");
    let original = std::fs::read_to_string(&file).unwrap();
    let server = Server::start(site.path(), &[]);
    let events = server.events();
    let page = "postmortems/ledger-db-pool/";

    // An edit (saved atomically) is rebuilt, tabs are told to reload, and the new text
    // is what the server answers from then on.
    let edited = original.replace("connection pool exhausted", "connection pool drained dry");
    assert_ne!(edited, original);
    let saved = Instant::now();
    atomic_save(&file, &edited);
    events.next_named("reload");
    eprintln!("edit to reload event: {:?}", saved.elapsed());
    let (status, _, body) = server.get(page);
    assert_eq!(status, 200);
    assert!(body.contains("connection pool drained dry"), "{body}");

    // Broken front matter: the overlay event names the file and line; the last good
    // page is still served.
    let broken = format!("---\ntitle: [never closed\n---\n{edited}");
    atomic_save(&file, &broken);
    let problems: Vec<String> = serde_json::from_str(&events.next_named("problems")).unwrap();
    assert!(
        problems.iter().any(|p| p.contains("ledger-db-pool.md:2")),
        "{problems:?}"
    );
    let (_, _, body) = server.get(page);
    assert!(
        body.contains("connection pool drained dry"),
        "the last good site"
    );
    assert!(!body.contains("never closed"));
    // A tab opened now is shown the problems at once.
    let late = server.events();
    assert_eq!(
        serde_json::from_str::<Vec<String>>(&late.next_named("problems")).unwrap(),
        problems
    );

    // The fix reloads (clearing the overlay) and is served.
    atomic_save(&file, &original);
    events.next_named("reload");
    let (_, _, body) = server.get(page);
    assert!(body.contains("connection pool exhausted"), "{body}");
}

#[test]
fn folders_created_renamed_and_deleted_and_bursts_are_followed() {
    let site = copy_site(&fixture("basic"), None);
    let content = site.path().join("content");
    let server = Server::start(site.path(), &[]);
    let events = server.events();

    // A new folder holding a postmortem, created while the server runs.
    let folder = content.join("new-incident");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("README.md"),
        "# Queue backlog after a broker restart\n\nThe broker restarted and the queue grew.\n",
    )
    .unwrap();
    events.next_named("reload");
    let (status, _, body) = server.get("postmortems/new-incident/");
    assert_eq!(status, 200);
    assert!(body.contains("Queue backlog after a broker restart"));

    // Renamed: the old page is gone, the new one is there.
    std::fs::rename(&folder, content.join("broker-restart")).unwrap();
    events.next_named("reload");
    assert_eq!(server.get("postmortems/new-incident/").0, 404);
    assert_eq!(server.get("postmortems/broker-restart/").0, 200);

    // Deleted.
    std::fs::remove_dir_all(content.join("broker-restart")).unwrap();
    events.next_named("reload");
    assert_eq!(server.get("postmortems/broker-restart/").0, 404);

    // A burst of twenty saves (a `git checkout`) is one rebuild, or two when the burst
    // straddles the start of a rebuild, never one per file.
    for i in 0..20 {
        std::fs::write(
            content.join(format!("burst-{i:02}.md")),
            format!("# Burst incident {i}\n\nA short outage.\n"),
        )
        .unwrap();
    }
    events.next_named("reload");
    let mut rebuilds = 1;
    if server.get("postmortems/burst-19/").0 != 200 {
        events.next_named("reload");
        rebuilds += 1;
    }
    assert_eq!(server.get("postmortems/burst-19/").0, 200);
    while let Ok((event, _)) = events.0.recv_timeout(Duration::from_secs(3)) {
        rebuilds += usize::from(event == "reload");
    }
    assert!(rebuilds <= 2, "{rebuilds} rebuilds for one burst");
}

/// Every file a full build of the site's current content gives is served with the same
/// bytes (HTML pages with the live-reload script added), and no other file of the
/// `previous` build is served any more. Returns the paths of this build.
fn assert_serves_a_full_build(
    server: &Server,
    root: &Path,
    previous: &[String],
    step: &str,
) -> Vec<String> {
    let mut settings =
        pmkb::config::Settings::load(pmkb::config::Overrides::default(), root).unwrap();
    let cache = tempfile::tempdir().unwrap();
    settings.index_dir = cache.path().join("index");
    let timings = pmkb::timings::Timings::disabled();
    let (files, _) = pmkb::build_files(&settings, true, &timings).unwrap();
    let script = "<script src=\"/__pmkb/live.js\"></script>";
    for file in &files {
        let (status, _, mut served) = server.get_bytes(&file.path);
        assert_eq!(status, 200, "{step}: {}", file.path);
        if file.path.ends_with(".html") {
            let text = String::from_utf8(served).unwrap();
            let at = text.rfind(script).expect("the live-reload script");
            served = format!("{}{}", &text[..at], &text[at + script.len()..]).into_bytes();
        }
        assert!(served == file.bytes, "{step}: {} differs", file.path);
    }
    let paths: Vec<String> = files.into_iter().map(|f| f.path).collect();
    for path in previous.iter().filter(|p| !paths.contains(p)) {
        assert_eq!(server.get(path).0, 404, "{step}: {path} is gone");
    }
    paths
}

#[test]
fn after_edits_adds_renames_and_deletes_every_served_file_is_a_full_build() {
    let site = copy_site(&fixture("basic"), Some(&example_content()));
    let root = site.path();
    let content = root.join("content");
    let server = Server::start(root, &[]);
    let events = server.events();
    let mut paths = assert_serves_a_full_build(&server, root, &[], "first build");
    let mut step = |change: &dyn Fn(), name: &str| {
        change();
        events.next_named("reload");
        paths = assert_serves_a_full_build(&server, root, &paths, name);
    };

    let cert = content.join("2022-03-15-checkout-cert-expiry.md");
    let text = std::fs::read_to_string(&cert).unwrap();
    let edited = format!("{text}\nThe renewal job now pages on failure.\n");
    step(&|| atomic_save(&cert, &edited), "body edited");
    let root_cause = "\n## Root cause\n\nA database connection pool was exhausted by retries.\n";
    let edited = format!("{text}{root_cause}");
    step(&|| atomic_save(&cert, &edited), "root cause edited");
    let copy = content.join("2025-01-02-cert-again.md");
    step(&|| std::fs::write(&copy, &text).unwrap(), "file added");
    let renamed = content.join("cert-renamed.md");
    step(
        &|| std::fs::rename(&copy, &renamed).unwrap(),
        "file renamed",
    );
    step(&|| std::fs::remove_file(&cert).unwrap(), "file deleted");
}
