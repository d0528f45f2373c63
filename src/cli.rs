//! The command line: clap definitions and the thin glue that calls the library,
//! prints diagnostics and chooses the exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use pmkb::config::{Overrides, Settings};
use pmkb::diagnostics::{Diagnostic, counted};
use pmkb::search::{Hit, Request};
use pmkb::timings::{Stage, Timings};

/// Build a browsable, searchable knowledge base from a folder of Markdown postmortems.
#[derive(Debug, Parser)]
#[command(name = "pmkb", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the static site into the output folder (default `public/`).
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Folder to write the site into.
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Where the site will be published, e.g. https://org.github.io/repo/.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Print wall time, items and peak memory of each stage.
        #[arg(long)]
        timings: bool,
        /// Replace an existing non-empty output folder that pmkb did not write.
        #[arg(long)]
        force: bool,
        /// Build even when the content folder holds no postmortem.
        #[arg(long)]
        allow_empty: bool,
        /// Wait for another build writing the same output folder instead of failing.
        #[arg(long)]
        wait: bool,
        /// Link pages as `…/index.html`, so the site also works opened from disk (file://).
        #[arg(long)]
        relative_index: bool,
        /// Include postmortems marked `draft: true` (left out by default).
        #[arg(long)]
        drafts: bool,
    },
    /// Print every postmortem's structured metadata as one JSON array (see EXPORT.md).
    Export {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Lint the postmortems: report what could not be found or parsed.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Treat warnings as errors (exit code 1 when any is found).
        #[arg(long)]
        strict: bool,
        /// How to print the findings: `text`, `github` (workflow annotations for pull
        /// requests) or `json` (an array, for other tools).
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
    /// Serve the site from memory on 127.0.0.1, rebuilding and reloading open tabs on change.
    Serve(ServeArgs),
    /// Start a postmortem from the template: writes CONTENT/YYYY-MM-DD-slug.md.
    New {
        /// The incident's title.
        title: String,
        #[command(flatten)]
        site: SiteArgs,
        /// The day of the incident (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<NaiveDate>,
    },
    /// Create a knowledge-base repository that publishes on GitHub Pages on its first push.
    Init {
        /// The folder to create it in (default: the current folder).
        dir: Option<PathBuf>,
        /// Add the files to a folder that is not empty (existing files are kept).
        #[arg(long)]
        force: bool,
    },
    /// Search the postmortems; the index is (re)built first when the content changed.
    Search(SearchArgs),
}

/// Output formats of `pmkb check`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    Text,
    Github,
    Json,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Port to listen on (default: 8000, or a free one when it is taken).
    #[arg(long, value_name = "N")]
    port: Option<u16>,
    /// Address to listen on; give 0.0.0.0 to serve other machines (default: 127.0.0.1).
    #[arg(long, value_name = "ADDR")]
    bind: Option<std::net::IpAddr>,
    /// Serve under this URL's path, as the site will be published (e.g.
    /// https://org.github.io/kb/ serves at /kb/).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include postmortems marked `draft: true` (left out by default).
    #[arg(long)]
    drafts: bool,
}

#[derive(Debug, Args)]
struct SearchArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// tantivy query syntax: words (all required), "a phrase", field:word (title, body,
    /// root_cause, timeline, measures, services, tags), AND / OR / NOT, +word -word.
    #[arg(required = true, value_name = "QUERY")]
    query: Vec<String>,
    /// Only postmortems with this root-cause category.
    #[arg(long, value_name = "SLUG")]
    root_cause: Option<String>,
    /// Only postmortems with this measure category.
    #[arg(long, value_name = "SLUG")]
    measure: Option<String>,
    /// Only outages that started on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    since: Option<NaiveDate>,
    /// Only outages that started on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    until: Option<NaiveDate>,
    /// Only outages that lasted at least this many minutes.
    #[arg(long, value_name = "MINUTES")]
    min_duration: Option<u64>,
    /// How many results to show (at least 1).
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = at_least_one)]
    limit: usize,
    /// Print the results as a JSON array.
    #[arg(long)]
    json: bool,
}

/// `--limit`: a count of results, 1 or more (0 would show nothing).
fn at_least_one(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(0) => Err("0 would show nothing; give 1 or more".to_owned()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("{e}; give a whole number, 1 or more")),
    }
}

#[derive(Debug, Args)]
struct SiteArgs {
    /// Folder of Markdown postmortems.
    #[arg(long, value_name = "DIR")]
    content: Option<PathBuf>,
    /// Site settings file (default: ./pmkb.toml when present).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

impl SiteArgs {
    fn settings(self, output: Option<PathBuf>, base_url: Option<String>) -> Result<Settings> {
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        let overrides = Overrides {
            config_file: self.config,
            content_dir: self.content,
            output_dir: output,
            base_url,
            drafts: false,
        };
        Ok(Settings::load(overrides, &cwd)?)
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            timings,
            force,
            allow_empty,
            wait,
            relative_index,
            drafts,
        } => {
            let options = pmkb::BuildOptions {
                force,
                allow_empty,
                wait,
            };
            let mut settings = site.settings(output, base_url)?;
            settings.config.relative_index |= relative_index;
            settings.drafts = drafts;
            build(settings, options, timings)
        }
        Command::Export { site } => export(site.settings(None, None)?),
        Command::Check {
            site,
            strict,
            format,
        } => check(site.settings(None, None)?, strict, format),
        Command::Search(args) => search(args),
        Command::Serve(args) => serve(args),
        Command::New { title, site, date } => new(&title, site.settings(None, None)?, date),
        Command::Init { dir, force } => init(dir, force),
    }
}

fn build(settings: Settings, options: pmkb::BuildOptions, timed: bool) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let timings = if timed {
        Timings::enabled()
    } else {
        Timings::disabled()
    };
    let report = pmkb::build_with(&settings, options, &timings)?;
    print_timings(&timings.stages());
    let errors = print_diagnostics(&report.diagnostics);
    eprintln!(
        "built {} ({} files) into {} in {:.2?}",
        counted(report.postmortems, "postmortem"),
        report.files_written,
        settings.output_dir.display(),
        started.elapsed()
    );
    Ok(exit_code(errors > 0))
}

fn export(settings: Settings) -> Result<ExitCode> {
    let loaded = pmkb::load(&settings)?;
    let errors = print_diagnostics(&loaded.diagnostics);
    let records = pmkb::export::records(&loaded.kb);
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &records)?;
    writeln!(stdout)?;
    Ok(exit_code(errors > 0))
}

fn check(settings: Settings, strict: bool, format: CheckFormat) -> Result<ExitCode> {
    let report = pmkb::check_site(&settings)?;
    let diagnostics = &report.diagnostics;
    let errors = match format {
        CheckFormat::Text => print_diagnostics(diagnostics),
        CheckFormat::Github => {
            // Annotations name files from the repository root, where the workflow runs.
            let cwd = std::env::current_dir().context("cannot read the current folder")?;
            let content = settings
                .content_dir
                .strip_prefix(&cwd)
                .unwrap_or(&settings.content_dir);
            let prefix = format!("{}/", content.display()).replace('\\', "/");
            let prefix = if prefix == "/" { String::new() } else { prefix };
            let mut stdout = std::io::stdout().lock();
            for d in diagnostics {
                writeln!(stdout, "{}", pmkb::annotations::github(d, &prefix))?;
            }
            diagnostics.iter().filter(|d| d.is_error()).count()
        }
        CheckFormat::Json => {
            let mut stdout = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut stdout, diagnostics)?;
            writeln!(stdout)?;
            diagnostics.iter().filter(|d| d.is_error()).count()
        }
    };
    let warnings = diagnostics.len() - errors;
    let drafts = match report.drafts {
        0 => String::new(),
        n => format!(" ({})", counted(n, "draft")),
    };
    eprintln!(
        "checked {}{drafts}: {}, {}",
        counted(report.postmortems, "postmortem"),
        counted(errors, "error"),
        counted(warnings, "warning")
    );
    Ok(exit_code(errors > 0 || (strict && warnings > 0)))
}

fn serve(args: ServeArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    let overrides = Overrides {
        config_file: args.site.config,
        content_dir: args.site.content,
        output_dir: None,
        base_url: args.base_url,
        drafts: args.drafts,
    };
    let mut options = pmkb::serve::Options::new(overrides, cwd);
    options.port = args.port;
    options.bind = args.bind;
    options.open = args.open;
    pmkb::serve::run(options)?;
    Ok(ExitCode::SUCCESS)
}

fn new(title: &str, settings: Settings, date: Option<NaiveDate>) -> Result<ExitCode> {
    let request = pmkb::scaffold::NewPostmortem {
        title,
        date: date.unwrap_or_else(today),
        content_dir: &settings.content_dir,
        theme_dir: &settings.theme_dir,
    };
    let path = pmkb::scaffold::new_postmortem(&request)?;
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// Today's date in UTC.
fn today() -> NaiveDate {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(now).unwrap_or(0), 0)
        .unwrap_or_default()
        .date_naive()
}

fn init(dir: Option<PathBuf>, force: bool) -> Result<ExitCode> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    let done = pmkb::scaffold::init(&dir, force)?;
    for path in &done.written {
        println!("wrote {}", path.display());
    }
    for path in &done.kept {
        println!("kept {} (already there)", path.display());
    }
    eprintln!(
        "next: set base_url in pmkb.toml, run `pmkb serve` to preview, push to GitHub and \
         choose Settings → Pages → Source: GitHub Actions"
    );
    Ok(ExitCode::SUCCESS)
}

fn search(args: SearchArgs) -> Result<ExitCode> {
    let settings = args.site.settings(None, None)?;
    let (index, rebuilt) = pmkb::search_index(&settings)?;
    if let Some(diagnostics) = rebuilt {
        // Errors in the content, and what was wrong with the index cache itself.
        let index_dir = settings.index_dir.display().to_string();
        let errors: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter(|d| d.is_error() || d.path == index_dir)
            .collect();
        print_diagnostics(&errors);
        eprintln!(
            "indexed the postmortems into {}",
            settings.index_dir.display()
        );
    }
    let request = Request {
        query: args.query.join(" "),
        root_cause: args.root_cause,
        measure: args.measure,
        since: args.since,
        until: args.until,
        min_duration: args.min_duration,
        limit: args.limit,
    };
    request.check(&pmkb::load_taxonomy(&settings)?)?;
    let hits = index.search(&request)?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &hits)?;
        writeln!(stdout)?;
    } else {
        let color = stdout.is_terminal();
        for (rank, hit) in hits.iter().enumerate() {
            print_hit(&mut stdout, rank + 1, hit, color)?;
        }
        if hits.is_empty() {
            eprintln!("no postmortem matches `{}`", request.query);
        }
    }
    Ok(exit_code(hits.is_empty()))
}

/// One result: rank, title, date, page, categories, and the snippet with its matches in
/// bold (when writing to a terminal).
fn print_hit(out: &mut impl Write, rank: usize, hit: &Hit, color: bool) -> std::io::Result<()> {
    let (bold, plain) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let date = hit.started_at.as_deref().map(|d| &d[..d.len().min(10)]);
    writeln!(
        out,
        "{rank}. {bold}{}{plain}{}",
        hit.title,
        date.map(|d| format!("  ({d})")).unwrap_or_default()
    )?;
    let mut about = format!("postmortems/{}/", hit.slug);
    if !hit.root_causes.is_empty() {
        about.push_str(&format!("  root causes: {}", hit.root_causes.join(", ")));
    }
    writeln!(out, "   {about}")?;
    let snippet = &hit.snippet;
    if !snippet.text.is_empty() {
        let mut line = String::new();
        let mut at = 0;
        for &(start, end) in &snippet.highlighted {
            line.push_str(&snippet.text[at..start]);
            line.push_str(bold);
            line.push_str(&snippet.text[start..end]);
            line.push_str(plain);
            at = end;
        }
        line.push_str(&snippet.text[at..]);
        writeln!(out, "   {}", line.replace('\n', " "))?;
    }
    writeln!(out)
}

/// One line per stage on stderr: name, wall time, items, peak memory.
fn print_timings(stages: &[Stage]) {
    if stages.is_empty() {
        return;
    }
    eprintln!(
        "{:<18} {:>10} {:>8} {:>10}",
        "stage", "wall", "items", "peak RSS"
    );
    for stage in stages {
        let peak = stage.peak_bytes.map_or_else(
            || "-".to_owned(),
            |b| format!("{:.0} MiB", b as f64 / (1024.0 * 1024.0)),
        );
        eprintln!(
            "{:<18} {:>8.3} s {:>8} {:>10}",
            stage.name,
            stage.wall.as_secs_f64(),
            stage.items,
            peak
        );
    }
}

/// Prints diagnostics to stderr and returns how many are errors.
fn print_diagnostics(diagnostics: &[Diagnostic]) -> usize {
    for d in diagnostics {
        eprintln!("{d}");
    }
    diagnostics.iter().filter(|d| d.is_error()).count()
}

/// An error with its causes, each printed once: a message that already quotes its
/// cause (`cannot write X: Permission denied`) is not followed by that cause again.
pub fn error_chain(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&cause);
        }
    }
    text
}

fn exit_code(failed: bool) -> ExitCode {
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
