//! Edit-to-reload benchmark for `pmkb serve`: starts the server on a large corpus, edits
//! one postmortem the way an editor saves it (temporary file + rename), and times each
//! edit from the rename to the `reload` event on the live-reload stream, which is sent
//! once the rebuilt site is being served.
//!
//! ```sh
//! cargo build --release && cargo run --release --example serve_bench -- \
//!     [--count 10000] [--seed 42] [--dir target/serve-bench] [--edits 5] \
//!     [--content DIR]   # e.g. a corpus from ../shared/bench/gen_corpus.py
//! ```

#[path = "synth/generate.rs"]
mod generate;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

struct Options {
    count: usize,
    seed: u64,
    dir: PathBuf,
    edits: usize,
    content: Option<PathBuf>,
}

fn options() -> Options {
    let mut o = Options {
        count: 10_000,
        seed: 42,
        dir: PathBuf::from("target/serve-bench"),
        edits: 5,
        content: None,
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
            "--edits" => o.edits = value.parse().expect("--edits N"),
            "--content" => o.content = Some(value.into()),
            other => panic!("unknown option {other}"),
        }
    }
    o
}

/// The server, killed on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The names of the live-reload events, as they arrive.
fn events(origin: &str) -> Receiver<String> {
    let response = ureq::get(&format!("{origin}/__pmkb/events"))
        .call()
        .unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let reader = BufReader::new(response.into_body().into_reader());
        for line in reader.lines().map_while(Result::ok) {
            if let Some(name) = line.strip_prefix("event:")
                && tx.send(name.trim().to_owned()).is_err()
            {
                break;
            }
        }
    });
    rx
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
    let content = match &o.content {
        Some(dir) => {
            // The edits change the corpus: work on a copy.
            let _ = std::fs::remove_dir_all(&site);
            std::fs::create_dir_all(site.join("content")).unwrap();
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_file() {
                    std::fs::copy(&path, site.join("content").join(path.file_name().unwrap()))
                        .unwrap();
                }
            }
            site.join("content")
        }
        None => {
            let _ = std::fs::remove_dir_all(&site);
            generate::write_corpus(&site.join("content"), o.count, o.seed).unwrap();
            site.join("content")
        }
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&content)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    println!(
        "# pmkb serve edit-to-reload: {} postmortems in {}\n",
        files.len(),
        content.display()
    );

    let started = Instant::now();
    let mut child = Command::new(&pmkb)
        .args(["serve", "--port", "0"])
        .current_dir(&site)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _server = Server(child);
    let line = BufReader::new(stdout).lines().next().unwrap().unwrap();
    println!("first build and start: {:.1?}", started.elapsed());
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap();
    let origin = url.trim_end_matches('/');
    let events = events(origin);
    assert_eq!(
        events.recv_timeout(Duration::from_secs(30)).unwrap(),
        "ready"
    );

    let mut times = Vec::new();
    for edit in 0..o.edits {
        let file = &files[(edit * 7919) % files.len()];
        let mut text = std::fs::read_to_string(file).unwrap();
        text.push_str(&format!("\nEdited by the benchmark, pass {edit}.\n"));
        let temp = file.with_extension("md.tmp~");
        std::fs::write(&temp, &text).unwrap();
        let saved = Instant::now();
        std::fs::rename(&temp, file).unwrap();
        loop {
            let event = events
                .recv_timeout(Duration::from_secs(600))
                .expect("a reload within 10 minutes");
            if event == "reload" {
                break;
            }
            assert_ne!(event, "problems", "the edit broke the build");
        }
        let took = saved.elapsed();
        println!(
            "edit {} ({}): {took:.2?}",
            edit + 1,
            file.file_name().unwrap().to_string_lossy()
        );
        times.push(took);
    }
    times.sort();
    println!(
        "\nedit-to-reload over {} edits: median {:.2?}, min {:.2?}, max {:.2?}",
        times.len(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
