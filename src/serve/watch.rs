//! Watching the site's inputs: the content folder, the theme folder, the taxonomy file and
//! `pmkb.toml`. A debouncer (notify-debouncer-full) turns an editor's atomic save or a
//! burst of changes into one batch; changes that arrive during a rebuild are drained
//! into the next one, so a burst costs at most one rebuild after the one running.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::incremental::State;
use super::live::Live;
use super::rebuild::{Outcome, SettingsSource, rebuild};
use crate::config::Settings;

/// How long the file system must be quiet before a batch of changes is rebuilt.
const QUIET: Duration = Duration::from_millis(50);

type FileDebouncer = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

/// Folders (recursive) and files being watched, and what to ignore in them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Inputs {
    /// Paths with how they are watched; only the existing ones are.
    watched: Vec<(PathBuf, RecursiveMode)>,
    /// Where pmkb itself writes (the search index cache, the output folder).
    ignored: Vec<PathBuf>,
    root: PathBuf,
    /// The settings and taxonomy files: of the site root's files, only these are inputs
    /// (a log or scratch file beside them is not).
    files: Vec<PathBuf>,
    /// The content folder: a change elsewhere (theme, taxonomy, settings) may change
    /// what every page is built with.
    content: PathBuf,
    /// The theme folder (which a site may keep inside its content folder).
    theme: PathBuf,
}

impl Inputs {
    fn of(settings: &Settings) -> Self {
        let mut watched = vec![
            (settings.root.clone(), RecursiveMode::NonRecursive),
            (settings.content_dir.clone(), RecursiveMode::Recursive),
            (settings.theme_dir.clone(), RecursiveMode::Recursive),
        ];
        if let Some(folder) = settings.taxonomy_file.as_deref().and_then(Path::parent) {
            watched.push((folder.to_path_buf(), RecursiveMode::NonRecursive));
        }
        watched.dedup_by(|a, b| a.0 == b.0);
        Self {
            watched,
            ignored: vec![settings.index_dir.clone(), settings.output_dir.clone()],
            root: settings.root.clone(),
            files: std::iter::once(settings.settings_file.clone())
                .chain(settings.taxonomy_file.clone())
                .collect(),
            content: settings.content_dir.clone(),
            theme: settings.theme_dir.clone(),
        }
    }

    /// Whether a change at `path` is to a content file only, which an incremental
    /// rebuild handles; any other input changes what every page is built with.
    fn content_only(&self, path: &Path) -> bool {
        path.starts_with(&self.content) && !path.starts_with(&self.theme)
    }

    /// Whether a change at `path` can change the site: in the content or theme folder or
    /// one of the input files, not in a folder pmkb writes, and not hidden (the build
    /// skips hidden files; editors' swap files are hidden).
    fn matters(&self, path: &Path) -> bool {
        let input = path.starts_with(&self.content)
            || path.starts_with(&self.theme)
            || self.files.iter().any(|f| f == path);
        if !input || self.ignored.iter().any(|i| path.starts_with(i)) {
            return false;
        }
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        !rel.components().any(
            |c| matches!(c, Component::Normal(name) if name.to_string_lossy().starts_with('.')),
        )
    }
}

/// The running watcher; dropping it stops watching.
pub(super) struct Watcher {
    _thread: std::thread::JoinHandle<()>,
}

/// Starts watching the inputs of `settings` and rebuilding into `live` on change.
///
/// # Errors
/// The platform's watcher cannot start.
pub(super) fn start(
    live: Arc<Live>,
    source: SettingsSource,
    settings: &Settings,
    mut state: State,
) -> Result<Watcher, notify::Error> {
    let (sender, batches) = channel();
    let mut debouncer = new_debouncer(QUIET, None, sender)?;
    let inputs = Inputs::of(settings);
    watch_all(&mut debouncer, &inputs);
    let thread = std::thread::Builder::new()
        .name("pmkb-rebuild".into())
        .spawn(move || rebuild_loop(&live, &source, debouncer, inputs, &batches, &mut state))
        .map_err(notify::Error::io)?;
    Ok(Watcher { _thread: thread })
}

/// Watches the existing inputs. A folder that does not exist yet (a theme) is seen when
/// it is created, through the watch on the site root, and watched after the next rebuild.
fn watch_all(debouncer: &mut FileDebouncer, inputs: &Inputs) {
    for (path, mode) in &inputs.watched {
        if path.exists()
            && let Err(e) = debouncer.watch(path, *mode)
        {
            eprintln!("warning: cannot watch {}: {e}", path.display());
        }
    }
}

fn unwatch_all(debouncer: &mut FileDebouncer, inputs: &Inputs) {
    for (path, _) in &inputs.watched {
        // A folder that was deleted is no longer watched; nothing to undo.
        let _ = debouncer.unwatch(path);
    }
}

/// Waits for batches of changes and rebuilds once per burst until the watcher stops.
fn rebuild_loop(
    live: &Live,
    source: &SettingsSource,
    mut debouncer: FileDebouncer,
    mut inputs: Inputs,
    batches: &Receiver<DebounceEventResult>,
    state: &mut State,
) {
    while let Ok(first) = batches.recv() {
        let mut changed = relevant(&inputs, first);
        // Everything that arrived meanwhile goes into this rebuild.
        while let Ok(more) = batches.try_recv() {
            changed.extend(relevant(&inputs, more));
        }
        if changed.is_empty() {
            continue;
        }
        if !changed.iter().all(|p| inputs.content_only(p)) {
            state.forget();
        }
        let (outcome, settings) = rebuild(source, state);
        match outcome {
            Outcome::Good(snapshot) => live.publish(snapshot),
            Outcome::Broken(problems) => live.report(problems),
        }
        // A folder created, deleted or renamed, or new settings naming other folders:
        // watch again what exists now.
        let next = settings.as_ref().map_or_else(|| inputs.clone(), Inputs::of);
        let roots_touched = changed
            .iter()
            .any(|p| next.watched.iter().any(|(w, _)| p == w || w.starts_with(p)));
        if next != inputs || roots_touched {
            unwatch_all(&mut debouncer, &inputs);
            watch_all(&mut debouncer, &next);
            inputs = next;
        }
    }
}

/// The paths of a batch that can change the site; watcher errors are printed. Reading a
/// file (as every build does) is not a change.
fn relevant(inputs: &Inputs, batch: DebounceEventResult) -> Vec<PathBuf> {
    match batch {
        Ok(events) => events
            .into_iter()
            .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
            .flat_map(|e| e.event.paths)
            .filter(|p| inputs.matters(p))
            .collect(),
        Err(errors) => {
            for e in errors {
                eprintln!("warning: file watcher: {e}");
            }
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pmkb_own_writes_and_hidden_files_do_not_matter() {
        let settings = Settings::resolve(
            PathBuf::from("/site"),
            crate::config::Config::default(),
            crate::config::Overrides::default(),
            Path::new("/site"),
        );
        let inputs = Inputs::of(&settings);
        assert!(inputs.matters(Path::new("/site/content/a.md")));
        assert!(inputs.matters(Path::new("/site/pmkb.toml")));
        assert!(!inputs.matters(Path::new("/site/content/.a.md.swp")));
        assert!(!inputs.matters(Path::new("/site/.pmkb/index/meta.json")));
        assert!(!inputs.matters(Path::new("/site/public/index.html")));
        // Other files of the site root (a log of `pmkb serve` itself) are no input.
        assert!(!inputs.matters(Path::new("/site/serve.log")));
        assert!(!inputs.matters(Path::new("/site/notes/todo.md")));
        assert!(inputs.matters(Path::new("/site/theme/templates/base.html")));
    }
}
