//! The pages of the previous build, kept by `pmkb serve` so that a rebuild renders again
//! only the pages whose template context changed. What a page depends on is exactly what
//! its context holds (templates read nothing else), so comparing a hash of the serialised
//! context finds the pages an edit touches without a hand-kept list of dependencies.
//! Valid for one theme and one set of settings: start a new memo when they change.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, PoisonError};

/// A 128-bit hash of a page's template name and serialised context (two SipHash keys).
type ContextHash = (u64, u64);

/// Rendered pages by output path, with the hash of the context each was rendered from.
#[derive(Default)]
pub struct PageMemo {
    /// The pages of the last finished build.
    previous: HashMap<String, (ContextHash, Vec<u8>)>,
    /// The pages of the build under way.
    next: Mutex<HashMap<String, (ContextHash, Vec<u8>)>>,
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
        let hash = context_hash(template, context);
        let bytes = match self.previous.get(path) {
            Some((old, bytes)) if *old == hash => bytes.clone(),
            _ => render()?,
        };
        self.next
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_owned(), (hash, bytes.clone()));
        Ok(bytes)
    }

    /// Ends a build: its pages are the ones the next build compares with (a page no longer
    /// in the site is forgotten).
    pub fn finish(&mut self) {
        let next = std::mem::take(self.next.get_mut().unwrap_or_else(PoisonError::into_inner));
        self.previous = next;
    }

    /// Ends a build that failed: the next one compares with the last finished build.
    pub fn abandon(&mut self) {
        self.next
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// How many pages the last finished build rendered or reused.
    pub fn len(&self) -> usize {
        self.previous.len()
    }

    /// Whether no build has finished yet.
    pub fn is_empty(&self) -> bool {
        self.previous.is_empty()
    }
}

fn context_hash(template: &str, context: &[u8]) -> ContextHash {
    let half = |key: u8| {
        let mut hasher = std::hash::DefaultHasher::new();
        key.hash(&mut hasher);
        template.hash(&mut hasher);
        context.hash(&mut hasher);
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
        assert_eq!(page(&memo, "one", &mut rendered), b"<p>one</p>");
        assert_eq!(rendered, 1);
        memo.finish();
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
