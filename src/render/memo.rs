//! The pages of the previous build, kept by `pmkb serve` so that a rebuild renders again
//! only the pages whose template context changed. What a page depends on is exactly what
//! its context holds (templates read nothing else), so comparing a hash of the serialised
//! context finds the pages an edit touches without a hand-kept list of dependencies.
//! Valid for one theme and one set of settings: start a new memo when they change.

use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use super::markdown::Body;

/// A 128-bit hash of what a value was computed from (two SipHash keys).
type InputHash = (u64, u64);

/// Values computed by the last build, by key (an output path, a source path), with the
/// hash of the inputs each was computed from.
struct Memo<V> {
    /// The values of the last finished build.
    previous: HashMap<String, (InputHash, V)>,
    /// The values of the build under way.
    next: Mutex<HashMap<String, (InputHash, V)>>,
    /// How many values the build under way computed (not re-used).
    computing: AtomicUsize,
    /// How many values the last finished build computed.
    computed: usize,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Self {
            previous: HashMap::new(),
            next: Mutex::default(),
            computing: AtomicUsize::new(0),
            computed: 0,
        }
    }
}

impl<V: Clone> Memo<V> {
    /// The value at `key` if the last build computed it from the same `inputs`; else
    /// `compute`d. Either way it is kept for the next build.
    fn get<E>(
        &self,
        key: &str,
        inputs: impl Hash,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        let hash = input_hash(inputs);
        let value = match self.previous.get(key) {
            Some((old, value)) if *old == hash => value.clone(),
            _ => {
                self.computing.fetch_add(1, Ordering::Relaxed);
                compute()?
            }
        };
        self.next
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.to_owned(), (hash, value.clone()));
        Ok(value)
    }

    fn finish(&mut self) {
        self.previous = std::mem::take(self.next.get_mut().unwrap_or_else(PoisonError::into_inner));
        self.computed = std::mem::take(self.computing.get_mut());
    }

    fn abandon(&mut self) {
        self.next
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        *self.computing.get_mut() = 0;
    }

    /// (values computed, values kept) by the last finished build.
    fn counts(&self) -> (usize, usize) {
        (self.computed, self.previous.len())
    }
}

/// What the last build rendered: pages by output path (with their template context) and
/// postmortem bodies by source path (with the Markdown and everything its links resolve
/// against).
#[derive(Default)]
pub struct PageMemo {
    pages: Memo<Vec<u8>>,
    bodies: Memo<(Body, BTreeSet<String>)>,
}

impl PageMemo {
    /// The page at `path` if the previous build rendered it from the same `template` and
    /// `context` (JSON bytes); else `render`s it. Either way it is kept for the next build.
    ///
    /// # Errors
    /// `render`'s.
    pub(super) fn page<E>(
        &self,
        path: &str,
        template: &str,
        context: &[u8],
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        self.pages.get(path, (template, context), render)
    }

    /// The body of the postmortem at `source` with the assets it links, if the previous
    /// build rendered it from the same `inputs`; else `render`ed.
    pub(super) fn body(
        &self,
        source: &str,
        inputs: impl Hash,
        render: impl FnOnce() -> (Body, BTreeSet<String>),
    ) -> (Body, BTreeSet<String>) {
        let Ok(body) = self
            .bodies
            .get::<std::convert::Infallible>(source, inputs, || Ok(render()));
        body
    }

    /// Ends a build: its pages are the ones the next build compares with (a page no longer
    /// in the site is forgotten).
    pub fn finish(&mut self) {
        self.pages.finish();
        self.bodies.finish();
    }

    /// Ends a build that failed: the next one compares with the last finished build.
    pub fn abandon(&mut self) {
        self.pages.abandon();
        self.bodies.abandon();
    }

    /// How many of its pages the last finished build rendered (the others were re-used),
    /// and how many pages it had.
    pub fn pages_rendered(&self) -> (usize, usize) {
        self.pages.counts()
    }
}

fn input_hash(inputs: impl Hash) -> InputHash {
    let half = |key: u8| {
        let mut hasher = std::hash::DefaultHasher::new();
        key.hash(&mut hasher);
        inputs.hash(&mut hasher);
        hasher.finish()
    };
    (half(0), half(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(memo: &PageMemo, context: &str, rendered: &mut usize) -> Vec<u8> {
        memo.page("a/index.html", "page.html", context.as_bytes(), || {
            *rendered += 1;
            Ok::<_, ()>(format!("<p>{context}</p>").into_bytes())
        })
        .unwrap()
    }

    #[test]
    fn renders_again_only_when_the_context_changed() {
        let mut memo = PageMemo::default();
        let mut rendered = 0;
        assert_eq!(page(&memo, "one", &mut rendered), b"<p>one</p>");
        memo.finish();
        assert_eq!(memo.pages_rendered(), (1, 1));
        assert_eq!(page(&memo, "one", &mut rendered), b"<p>one</p>");
        assert_eq!(rendered, 1);
        memo.finish();
        assert_eq!(memo.pages_rendered(), (0, 1));
        assert_eq!(page(&memo, "two", &mut rendered), b"<p>two</p>");
        assert_eq!(rendered, 2);
        memo.abandon();
        assert_eq!(page(&memo, "one", &mut rendered), b"<p>one</p>");
        assert_eq!(
            rendered, 2,
            "an abandoned build leaves the last finished one"
        );
    }
}
