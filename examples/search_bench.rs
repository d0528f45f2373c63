//! Search benchmark at scale: generates a synthetic corpus (see `examples/synth`), builds
//! the site, and prints (a) the bytes a one-word query downloads from the static site,
//! file by file, next to Pagefind's for the same query on the same pages, (b) the whole
//! static index size next to Pagefind's, and (c) `pmkb search` latency with the index
//! built, process start included (hyperfine).
//!
//! ```sh
//! cargo build --release && cargo run --release --example search_bench -- \
//!     [--count 10000] [--seed 42] [--dir target/search-bench] \
//!     [--pagefind PATH/node_modules/.bin/pagefind] [--words database,replica,INC-10042]
//! ```
//!
//! Both searches are loaded in headless Chromium from a local server that logs every
//! file served; both show their first 10 results.

#[path = "synth/generate.rs"]
mod generate;
#[path = "../tests/site/headless.rs"]
mod headless;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Options {
    count: usize,
    seed: u64,
    dir: PathBuf,
    pagefind: Option<PathBuf>,
    words: Vec<String>,
}

fn options() -> Options {
    let mut o = Options {
        count: 10_000,
        seed: 42,
        dir: PathBuf::from("target/search-bench"),
        pagefind: None,
        words: ["database", "replica", "inc"].map(String::from).to_vec(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--count" => o.count = value.parse().expect("--count N"),
            "--seed" => o.seed = value.parse().expect("--seed N"),
            "--dir" => o.dir = value.into(),
            "--pagefind" => o.pagefind = Some(value.into()),
            "--words" => o.words = value.split(',').map(String::from).collect(),
            other => panic!("unknown option {other}"),
        }
    }
    o
}

fn main() {
    let o = options();
    let pmkb = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(Path::parent)
        .map(|release| release.join("pmkb"))
        .filter(|p| p.is_file())
        .expect("build the pmkb binary first: cargo build --release");
    let site = o.dir.join("site");
    let marker = site.join(".corpus");
    let wanted = format!("{} {}", o.count, o.seed);
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(wanted.as_str()) {
        let _ = std::fs::remove_dir_all(&site);
        generate::write_corpus(&site.join("content"), o.count, o.seed).unwrap();
        std::fs::write(&marker, &wanted).unwrap();
    }
    let _ = std::fs::remove_dir_all(site.join(".pmkb"));
    println!(
        "# pmkb search benchmark: {} synthetic postmortems (seed {})\n",
        o.count, o.seed
    );

    let started = Instant::now();
    run(Command::new(&pmkb).arg("build").current_dir(&site));
    println!(
        "pmkb build (pages + tantivy index + static index): {:.1?}",
        started.elapsed()
    );
    let public = site.join("public");
    let ours = sizes(&public.join("search"), |p| p != "index.html");
    let script = file_len(&public.join("static/search.js"));

    let pagefind = o.pagefind.as_ref().map(|cmd| {
        let started = Instant::now();
        run(Command::new(cmd)
            .args(["--site", "public", "--glob", "postmortems/**/*.html"])
            .current_dir(&site));
        println!(
            "pagefind indexing of the postmortem pages: {:.1?}",
            started.elapsed()
        );
        std::fs::write(public.join("pf-bench.html"), PAGEFIND_PAGE).unwrap();
        sizes(&public.join("pagefind"), |p| !is_code(p))
    });

    println!("\n## Whole static index (data files, code excluded)\n");
    println!(
        "pmkb:     {} in {} files (+ search.js {})",
        human(ours.0),
        ours.1,
        human(script)
    );
    if let Some((bytes, files)) = pagefind {
        let code = sizes(&public.join("pagefind"), is_code).0;
        println!(
            "Pagefind: {} in {files} files (+ JS/WASM {})",
            human(bytes),
            human(code)
        );
    }

    let Some(chromium) = headless::chromium() else {
        println!("\n(chromium not found: query downloads not measured)");
        return latency(&pmkb, &site, &o.words);
    };
    let server = headless::Server::start(&public);
    println!("\n## One-word query downloads (first 10 results shown, code excluded)");
    for word in &o.words {
        println!("\n### `{word}`\n");
        load(
            &chromium,
            &server,
            &format!("search/?q={word}"),
            "data-slug",
        );
        let data = |p: &str| p.starts_with("/search/") && p != "/search/";
        report("pmkb", &server.take_log(), data, |p| p.ends_with(".js"));
        if pagefind.is_some() {
            load(
                &chromium,
                &server,
                &format!("pf-bench.html?q={word}"),
                "results:",
            );
            let data = |p: &str| p.starts_with("/pagefind/") && !is_code(p);
            report("Pagefind", &server.take_log(), data, is_code);
        }
    }
    latency(&pmkb, &site, &o.words);
}

/// Loads a page until its results are in the DOM (a loaded machine can run out of
/// virtual time first); the server's log then holds one complete load.
fn load(chromium: &Path, server: &headless::Server, path: &str, done: &str) {
    for _ in 0..3 {
        server.take_log();
        if headless::dump_dom(chromium, &server.url(path)).contains(done) {
            return;
        }
    }
    panic!("{path} did not show results");
}

/// Loads Pagefind's JS API, searches, and loads the first 10 results' data, as its UI does.
const PAGEFIND_PAGE: &str = r#"<!doctype html><meta charset="utf-8"><body><script type="module">
const pagefind = await import("/pagefind/pagefind.js");
await pagefind.options({ noWorker: true }); // same downloads; workers stall in headless virtual time
const q = new URLSearchParams(location.search).get("q");
const search = await pagefind.search(q);
const shown = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
document.body.textContent = `${search.results.length} results: ` + shown.map((d) => d.url).join(" ");
</script>"#;

/// Pagefind's scripts, styles and WASM (`wasm.en.pagefind`), as opposed to its index.
fn is_code(path: &str) -> bool {
    [".js", ".css", ".pagefind"]
        .iter()
        .any(|e| path.ends_with(e))
}

fn run(command: &mut Command) {
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(status.success(), "{command:?} failed");
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Total bytes and count of the files under `dir` whose relative path `keep` accepts.
fn sizes(dir: &Path, keep: impl Fn(&str) -> bool) -> (u64, usize) {
    let mut total = (0, 0);
    for entry in walk(dir) {
        let rel = entry
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if keep(&rel) {
            total.0 += file_len(&entry);
            total.1 += 1;
        }
    }
    total
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Prints the index files a page load fetched, and the bytes of code it fetched.
fn report(
    name: &str,
    log: &[(String, usize)],
    data: impl Fn(&str) -> bool,
    code: impl Fn(&str) -> bool,
) {
    let mut fetched: BTreeMap<String, usize> = BTreeMap::new();
    let mut code_bytes = 0;
    for (path, bytes) in log {
        if code(path) {
            code_bytes += bytes;
        } else if data(path) {
            *fetched.entry(path.clone()).or_default() += bytes;
        }
    }
    let total: usize = fetched.values().sum();
    println!(
        "{name}: {} in {} files (+ code {})",
        human(total as u64),
        fetched.len(),
        human(code_bytes as u64)
    );
    for (path, bytes) in &fetched {
        println!("    {bytes:>8}  {path}");
    }
}

/// `pmkb search WORD` with the index built, process start included, via hyperfine.
fn latency(pmkb: &Path, site: &Path, words: &[String]) {
    println!("\n## pmkb search latency (index built; process start included)\n");
    let json = site.join("hyperfine.json");
    let mut command = Command::new("hyperfine");
    command
        .args(["-N", "--warmup", "5", "--runs", "50", "--export-json"])
        .arg(&json)
        .current_dir(site);
    for word in words {
        command.arg(format!("{} search {word}", pmkb.display()));
    }
    match command.output() {
        Ok(out) if out.status.success() => {
            let results: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
            for r in results["results"].as_array().unwrap() {
                println!(
                    "{:<50} mean {:.1} ms ± {:.1} ms (min {:.1}, max {:.1})",
                    r["command"].as_str().unwrap().rsplit('/').next().unwrap(),
                    r["mean"].as_f64().unwrap() * 1e3,
                    r["stddev"].as_f64().unwrap() * 1e3,
                    r["min"].as_f64().unwrap() * 1e3,
                    r["max"].as_f64().unwrap() * 1e3,
                );
            }
        }
        _ => println!("(hyperfine not found or failed: apt-get install hyperfine)"),
    }
}

fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.2} MiB ({b} B)", b as f64 / (1 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB ({b} B)", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}
