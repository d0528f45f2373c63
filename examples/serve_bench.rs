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
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// The value after `--name` on the command line, parsed, or `default`.
fn option<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2)
        .find(|pair| pair[0] == name)
        .map_or(default, |pair| {
            pair[1]
                .parse()
                .unwrap_or_else(|_| panic!("{name}: cannot read {}", pair[1]))
        })
}

/// CPU time (user, system) the process `pid` has used so far, from `/proc/PID/stat`
/// (Linux; zero elsewhere).
fn cpu_time(pid: u32) -> (Duration, Duration) {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return (Duration::ZERO, Duration::ZERO);
    };
    // Fields after the command name (which may hold spaces) start at state, field 3.
    let after = &stat[stat.rfind(')').map_or(0, |i| i + 2)..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime (fields 14 and 15) in clock ticks, 100 per second on Linux.
    let ticks = |i: usize| {
        fields
            .get(i - 3)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let tick = Duration::from_millis(10);
    (tick * ticks(14) as u32, tick * ticks(15) as u32)
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
    let count: usize = option("--count", 10_000);
    let seed: u64 = option("--seed", 42);
    let dir: PathBuf = option("--dir", PathBuf::from("target/serve-bench"));
    let edits: usize = option("--edits", 5);
    let corpus = std::env::args()
        .skip_while(|a| a != "--content")
        .nth(1)
        .map(PathBuf::from);
    // The release binary beside this example's folder (target/release/pmkb).
    let exe = std::env::current_exe().unwrap();
    let pmkb = exe.ancestors().nth(2).unwrap().join("pmkb");
    assert!(
        pmkb.is_file(),
        "build the pmkb binary first: cargo build --release"
    );
    let site = dir.join("site");
    let content = match &corpus {
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
            generate::write_corpus(&site.join("content"), count, seed).unwrap();
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
    let pid = child.id();
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
    let mut cpu_times = Vec::new();
    for edit in 0..edits {
        let file = &files[(edit * 7919) % files.len()];
        let mut text = std::fs::read_to_string(file).unwrap();
        text.push_str(&format!("\nEdited by the benchmark, pass {edit}.\n"));
        let temp = file.with_extension("md.tmp~");
        std::fs::write(&temp, &text).unwrap();
        let (user, system) = cpu_time(pid);
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
        let (user_after, system_after) = cpu_time(pid);
        let (user, system) = (user_after - user, system_after - system);
        println!(
            "edit {} ({}): {took:.2?} (server CPU: user {user:.2?}, system {system:.2?})",
            edit + 1,
            file.file_name().unwrap().to_string_lossy()
        );
        times.push(took);
        cpu_times.push(user + system);
    }
    times.sort();
    cpu_times.sort();
    println!(
        "\nedit-to-reload over {} edits: median {:.2?}, min {:.2?}, max {:.2?}",
        times.len(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    println!(
        "server CPU (user + system) per edit: median {:.2?}, min {:.2?}, max {:.2?}",
        cpu_times[cpu_times.len() / 2],
        cpu_times[0],
        cpu_times[cpu_times.len() - 1]
    );
}
