//! The state the server shares between the rebuild thread and the request handlers: the
//! last good site, the problems of the latest build, and a channel that tells every open
//! tab to reload or to show those problems.

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tokio::sync::broadcast;

use super::rebuild::Snapshot;

/// What open tabs are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Notice {
    /// A new site is served: reload (which also clears an overlay).
    Reload,
    /// The latest build is broken: show these findings over the page.
    Problems(Arc<[String]>),
}

/// The served site and its news, shared by reference (never global).
pub(super) struct Live {
    current: RwLock<Arc<Snapshot>>,
    problems: Mutex<Arc<[String]>>,
    notices: broadcast::Sender<Notice>,
}

impl Live {
    /// Starts with the first build and its error-level findings (shown until fixed).
    pub(super) fn new(first: Snapshot, problems: Vec<String>) -> Self {
        Self {
            current: RwLock::new(Arc::new(first)),
            problems: Mutex::new(problems.into()),
            notices: broadcast::channel(16).0,
        }
    }

    /// The site being served.
    pub(super) fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The latest build's problems (empty when it was good).
    pub(super) fn problems(&self) -> Arc<[String]> {
        Arc::clone(&self.problems.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Serves `snapshot` from now on and tells tabs to reload.
    pub(super) fn publish(&self, snapshot: Snapshot) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(snapshot);
        *self.problems.lock().unwrap_or_else(PoisonError::into_inner) = Arc::new([]);
        // No receiver means no open tab; nothing to tell.
        let _ = self.notices.send(Notice::Reload);
    }

    /// Keeps the current site and tells tabs what broke.
    pub(super) fn report(&self, problems: Vec<String>) {
        let problems: Arc<[String]> = problems.into();
        *self.problems.lock().unwrap_or_else(PoisonError::into_inner) = Arc::clone(&problems);
        let _ = self.notices.send(Notice::Problems(problems));
    }

    /// A receiver of the notices sent from now on.
    pub(super) fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }
}
