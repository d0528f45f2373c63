//! Build benchmark at scale, against Hugo: generates N postmortems with the shared
//! generator (`../shared/bench/gen_corpus.py`, whose documents share vocabulary the way a
//! real knowledge base does), builds each corpus from an empty output folder and an empty
//! index cache several times, and prints median wall time and peak RSS; then the second
//! build with nothing changed, and `pmkb search WORD` right after editing one file
//! (process start included). When `hugo` is on the PATH it builds the same bodies with
//! the Hugo site of `../shared/bench/hugo-site/` in the same run, alternating with pmkb,
//! and prints the ratios.
//!
//! ```sh
//! cargo build --release && cargo run --release --example build_bench -- \
//!     [--sizes 1000,10000,100000] [--runs 3] [--work /dev/shm/pmkb-bench] \
//!     [--shared ../shared/bench] [--word database]
//! ```
//!
//! Peak RSS is the child's `ru_maxrss` and CPU time its user + system time (`wait4`);
//! on a shared machine CPU time is the steadier figure, and each row prints the load
//! average it ran under. Put `--work` on tmpfs to time the programs rather than the disk.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Options {
    sizes: Vec<usize>,
    runs: usize,
    work: PathBuf,
    shared: PathBuf,
    word: String,
}

fn options() -> Options {
    let mut o = Options {
        sizes: vec![1_000, 10_000, 100_000],
        runs: 3,
        work: PathBuf::from("/dev/shm/pmkb-bench"),
        shared: PathBuf::from("../shared/bench"),
        word: "database".to_owned(),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--sizes" => {
                o.sizes = value
                    .split(',')
                    .map(|s| s.trim().parse().expect("--sizes takes numbers"))
                    .collect();
            }
            "--runs" => o.runs = value.parse().expect("--runs takes a number"),
            "--work" => o.work = PathBuf::from(value),
            "--shared" => o.shared = PathBuf::from(value),
            "--word" => o.word = value,
            other => panic!("unknown option {other}"),
        }
    }
    o
}

/// Wall time, user + system CPU time and peak RSS of one process.
#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    cpu: Duration,
    peak_bytes: u64,
}

/// A `timeval` of `rusage` as a duration.
fn duration(t: libc::timeval) -> Duration {
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let micros = u32::try_from(t.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(u64::from(micros))
}

/// Runs `command` to completion, measuring it; panics with its stderr when it fails.
// The child is reaped by `wait4`, which also reports its peak RSS (std's `wait` cannot).
#[allow(clippy::zombie_processes)]
fn measure(command: &mut Command) -> Run {
    let started = Instant::now();
    let child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut stderr = child.stderr.expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).ok();
        text
    });
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; `pid` is our own child, which
    // std does not reap since we never call its `wait`.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
    let wall = started.elapsed();
    let stderr = reader.join().unwrap_or_default();
    assert!(waited == pid, "wait4 failed for {command:?}");
    let exited_ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) <= 1;
    assert!(exited_ok, "{command:?} failed:\n{stderr}");
    Run {
        wall,
        cpu: duration(usage.ru_utime) + duration(usage.ru_stime),
        peak_bytes: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
    }
}

/// The median of each figure over `runs` (taken separately).
fn median(runs: &[Run]) -> Run {
    fn middle<T: Ord + Copy>(mut values: Vec<T>) -> T {
        values.sort_unstable();
        values[values.len() / 2]
    }
    Run {
        wall: middle(runs.iter().map(|r| r.wall).collect()),
        cpu: middle(runs.iter().map(|r| r.cpu).collect()),
        peak_bytes: middle(runs.iter().map(|r| r.peak_bytes).collect()),
    }
}

/// The 1-minute load average.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn generate(shared: &Path, n: usize, out: &Path, front_matter: bool) {
    if out.is_dir() && std::fs::read_dir(out).map_or(0, Iterator::count) == n {
        return;
    }
    let _ = std::fs::remove_dir_all(out);
    let mut command = Command::new("python3");
    command
        .arg(shared.join("gen_corpus.py"))
        .args(["--n", &n.to_string(), "--seed", "1", "--out"])
        .arg(out);
    if front_matter {
        command.args(["--front-matter", "yaml"]);
    }
    let status = command.status().expect("python3 runs");
    assert!(status.success(), "gen_corpus.py failed");
}

/// The Hugo site of the shared benchmark with the corpus of size `n`.
fn hugo_site(shared: &Path, work: &Path, n: usize) -> PathBuf {
    let site = work.join(format!("hugo-{n}"));
    let template = shared.join("hugo-site");
    for entry in walk(&template) {
        let rel = entry.strip_prefix(&template).expect("under the template");
        let target = site.join(rel);
        if entry.is_dir() {
            std::fs::create_dir_all(&target).expect("create folder");
        } else {
            std::fs::copy(&entry, &target).expect("copy Hugo site file");
        }
    }
    generate(shared, n, &site.join("content/pm"), true);
    site
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    let mut at = 0;
    while at < out.len() {
        if out[at].is_dir() {
            let mut children: Vec<PathBuf> = std::fs::read_dir(&out[at])
                .expect("read folder")
                .map(|e| e.expect("entry").path())
                .collect();
            children.sort();
            out.extend(children);
        }
        at += 1;
    }
    out
}

fn main() {
    let o = options();
    assert!(
        o.shared.join("gen_corpus.py").is_file(),
        "{} has no gen_corpus.py: pass --shared PATH/TO/shared/bench",
        o.shared.display()
    );
    let pmkb = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("pmkb")))
        .filter(|p| p.is_file())
        .expect("build the pmkb binary first (cargo build --release)");
    let hugo = Command::new("hugo").arg("version").output().is_ok();
    std::fs::create_dir_all(&o.work).expect("create the work folder");
    println!(
        "pmkb {} · {} runs · work {} · load {}",
        pmkb.display(),
        o.runs,
        o.work.display(),
        load()
    );
    println!(
        "| postmortems | load | pmkb build | CPU | peak RSS | Hugo | Hugo CPU | Hugo peak | time ratio | CPU ratio | RSS ratio | 2nd build | search after edit |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for &n in &o.sizes {
        let site = o.work.join(format!("pmkb-{n}"));
        let content = site.join("content");
        generate(&o.shared, n, &content, false);
        let hugo_dir = hugo.then(|| hugo_site(&o.shared, &o.work, n));
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let out = o.work.join(format!("out-{n}"));
        for _ in 0..o.runs {
            let _ = std::fs::remove_dir_all(&out);
            let _ = std::fs::remove_dir_all(site.join(".pmkb"));
            ours.push(measure(
                Command::new(&pmkb)
                    .args(["build", "--content", "content", "--output"])
                    .arg(&out)
                    .current_dir(&site),
            ));
            if let Some(hugo_dir) = &hugo_dir {
                let hugo_out = o.work.join(format!("hugo-out-{n}"));
                let _ = std::fs::remove_dir_all(&hugo_out);
                theirs.push(measure(
                    Command::new("hugo")
                        .args(["--quiet", "-s"])
                        .arg(hugo_dir)
                        .arg("-d")
                        .arg(&hugo_out),
                ));
            }
        }
        let ours = median(&ours);
        let second = measure(
            Command::new(&pmkb)
                .args(["build", "--content", "content", "--output"])
                .arg(&out)
                .current_dir(&site),
        );
        let edited = std::fs::read_dir(&content)
            .expect("corpus")
            .map(|e| e.expect("entry").path())
            .min()
            .expect("a postmortem");
        let mut text = std::fs::read_to_string(&edited).expect("read postmortem");
        text.push_str("\nEdited for the benchmark.\n");
        std::fs::write(&edited, text).expect("edit postmortem");
        let search = measure(
            Command::new(&pmkb)
                .args(["search", "--content", "content", &o.word])
                .current_dir(&site),
        );
        let hugo = if theirs.is_empty() {
            ["not installed", "-", "-", "-", "-", "-"].map(str::to_owned)
        } else {
            let theirs = median(&theirs);
            let ratio = |a: f64, b: f64| format!("{:.2}×", a / b);
            [
                format!("{:.2} s", theirs.wall.as_secs_f64()),
                format!("{:.2} s", theirs.cpu.as_secs_f64()),
                format!("{:.0} MiB", mib(theirs.peak_bytes)),
                ratio(ours.wall.as_secs_f64(), theirs.wall.as_secs_f64()),
                ratio(ours.cpu.as_secs_f64(), theirs.cpu.as_secs_f64()),
                ratio(mib(ours.peak_bytes), mib(theirs.peak_bytes)),
            ]
        };
        let [
            hugo_wall,
            hugo_cpu,
            hugo_peak,
            time_ratio,
            cpu_ratio,
            rss_ratio,
        ] = hugo;
        println!(
            "| {n} | {} | {:.2} s | {:.2} s | {:.0} MiB | {hugo_wall} | {hugo_cpu} | {hugo_peak} | {time_ratio} | {cpu_ratio} | {rss_ratio} | {:.2} s ({:.2}×) | {:.0} ms |",
            load(),
            ours.wall.as_secs_f64(),
            ours.cpu.as_secs_f64(),
            mib(ours.peak_bytes),
            second.wall.as_secs_f64(),
            second.wall.as_secs_f64() / ours.wall.as_secs_f64(),
            search.wall.as_secs_f64() * 1000.0,
        );
    }
}
