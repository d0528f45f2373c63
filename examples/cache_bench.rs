//! Cache benchmark: how the on-disk caches (`.pmkb/file-cache/`, `.pmkb/last-build.json`,
//! the search index) serve repeated commands on one corpus. Copies the corpus to a work
//! folder, then times, running the release `pmkb` binary (process start included):
//! a first build (empty caches, empty output), a second build with nothing changed, a
//! build after editing one postmortem, and `pmkb search WORD` after editing another.
//! Prints wall time and the child's user+sys CPU time (compare those under load).
//!
//! ```sh
//! cargo build --release && cargo run --release --example cache_bench -- \
//!     --content CORPUS [--dir /dev/shm/pmkb-cache-bench] [--word database]
//! # CORPUS: e.g. python3 ../shared/bench/gen_corpus.py --n 10000 --seed 1 --out CORPUS
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The value after `--name` on the command line, or `default`.
fn option(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2)
        .find(|pair| pair[0] == name)
        .map_or_else(|| default.to_owned(), |pair| pair[1].clone())
}

/// User + system CPU time of the finished children so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Runs `pmkb ARGS` in `dir`; prints and returns its wall time.
fn run(pmkb: &Path, dir: &Path, what: &str, args: &[&str]) -> Duration {
    let cpu = children_cpu();
    let started = Instant::now();
    let out = Command::new(pmkb)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let wall = started.elapsed();
    assert!(
        out.status.success() || args[0] == "search",
        "pmkb {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cpu = children_cpu() - cpu;
    println!(
        "{what:<34} {:>9.3} s wall {:>9.3} s cpu",
        wall.as_secs_f64(),
        cpu.as_secs_f64()
    );
    wall
}

/// Appends a sentence to the `n`-th postmortem (in name order) of `content`.
fn edit(content: &Path, n: usize, sentence: &str) {
    let mut names: Vec<PathBuf> = std::fs::read_dir(content)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    names.sort();
    let path = &names[n.min(names.len() - 1)];
    let mut text = std::fs::read_to_string(path).unwrap();
    text.push_str(&format!("\n{sentence}\n"));
    std::fs::write(path, text).unwrap();
}

fn main() {
    let corpus = PathBuf::from(option("--content", ""));
    assert!(corpus.is_dir(), "--content CORPUS: a folder of postmortems");
    let dir = PathBuf::from(option("--dir", "/dev/shm/pmkb-cache-bench"));
    let word = option("--word", "database");
    let exe = std::env::current_exe().unwrap();
    let pmkb = exe.ancestors().nth(2).unwrap().join("pmkb");
    assert!(
        pmkb.is_file(),
        "build the pmkb binary first: cargo build --release"
    );

    let _ = std::fs::remove_dir_all(&dir);
    let content = dir.join("content");
    std::fs::create_dir_all(&content).unwrap();
    let mut count = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            std::fs::copy(&path, content.join(path.file_name().unwrap())).unwrap();
            count += 1;
        }
    }
    println!("# pmkb caches: {count} postmortems in {}\n", dir.display());
    let build = ["build", "--content", "content", "--output", "public"];
    let first = run(&pmkb, &dir, "build, empty caches", &build);
    let second = run(&pmkb, &dir, "build, nothing changed", &build);
    edit(
        &content,
        0,
        "Later we found the zebracache shard had been evicted.",
    );
    run(&pmkb, &dir, "build after one edit", &build);
    edit(&content, 1, "The quokkalock timer fired twice.");
    let search = ["search", "--content", "content", word.as_str()];
    run(&pmkb, &dir, "search after one edit", &search);
    run(&pmkb, &dir, "search, nothing changed", &search);
    println!(
        "\nsecond build / first: {:.3}",
        second.as_secs_f64() / first.as_secs_f64()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
