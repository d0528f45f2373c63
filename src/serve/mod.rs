//! `pmkb serve`: the site built into memory, served over HTTP on loopback, rebuilt when
//! the content, theme, taxonomy or settings change, with open tabs reloaded (or shown the
//! new build's errors) over server-sent events.
//!
//! The parts: [`live`] holds the last good site and tells tabs what happened, [`rebuild`]
//! turns the settings into a new site, recomputing only what changed ([`incremental`]),
//! [`watch`] runs a rebuild per burst of file changes, and [`http`] answers requests from
//! the site in memory. There is no global state: each part gets the shared [`live::Live`].

mod http;
mod incremental;
mod live;
mod rebuild;
mod watch;

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::{ConfigError, Overrides};

pub use rebuild::SettingsSource;

/// The port tried first when none is given; a free one is chosen when it is taken.
pub const DEFAULT_PORT: u16 = 8000;

/// How `pmkb serve` was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the settings come from (re-read on every rebuild).
    pub source: SettingsSource,
    /// The port to listen on; `None` tries [`DEFAULT_PORT`], then any free port.
    pub port: Option<u16>,
    /// The address to listen on; loopback unless given.
    pub bind: Option<IpAddr>,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

impl Options {
    /// Options for the site described by `overrides`, with paths relative to `cwd`.
    pub fn new(overrides: Overrides, cwd: PathBuf) -> Self {
        Self {
            source: SettingsSource { overrides, cwd },
            port: None,
            bind: None,
            open: false,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The settings do not load.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The first build failed as a whole (a theme that does not parse, an unreadable
    /// taxonomy).
    #[error(transparent)]
    Build(#[from] crate::Error),
    /// Nothing can listen on the address.
    #[error("cannot listen on {addr}: {source}; choose another port with --port")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The failure.
        source: std::io::Error,
    },
    /// The file watcher could not start.
    #[error("cannot watch the site's files for changes: {0}")]
    Watch(#[from] notify::Error),
    /// The async runtime could not start.
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
}

/// Builds the site, serves it until Ctrl-C, and rebuilds it on every change. The URL is
/// printed on standard output as `serving … at URL` once requests are answered.
///
/// # Errors
/// See [`ServeError`]; once serving, build problems are reported, never returned.
pub fn run(options: Options) -> Result<(), ServeError> {
    let settings = options.source.load()?;
    let mut state = incremental::State::default();
    let timings = crate::timings::Timings::disabled();
    let first = rebuild::build(&settings, &mut state, &timings)?;
    for d in &first.diagnostics {
        eprintln!("{d}");
    }
    let postmortems = first.postmortems;
    let live = Arc::new(live::Live::new(
        first.snapshot,
        rebuild::problems(&first.diagnostics),
    ));
    let _watcher = watch::start(Arc::clone(&live), options.source.clone(), &settings, state)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let listener = listen(options.bind, options.port).await?;
        let addr = listener.local_addr().map_err(ServeError::Runtime)?;
        let url = format!("http://{addr}{}", live.snapshot().base_path);
        println!("serving {postmortems} postmortems at {url} (Ctrl-C to stop)");
        let _ = std::io::stdout().flush();
        if options.open
            && let Err(e) = opener::open_browser(&url)
        {
            eprintln!("warning: cannot open a browser: {e}");
        }
        let server = axum::serve(listener, http::router(live));
        tokio::select! {
            result = server => result.map_err(ServeError::Runtime),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
}

/// Listens on `bind` (loopback by default) and `port`; without a port, on
/// [`DEFAULT_PORT`] or, when that is taken, on a free port the system picks.
async fn listen(
    bind: Option<IpAddr>,
    port: Option<u16>,
) -> Result<tokio::net::TcpListener, ServeError> {
    let ip = bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let attempt = |port| async move {
        let addr = SocketAddr::new(ip, port);
        tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })
    };
    match port {
        Some(port) => attempt(port).await,
        None => match attempt(DEFAULT_PORT).await {
            Err(ServeError::Bind { source, .. })
                if source.kind() == std::io::ErrorKind::AddrInUse =>
            {
                attempt(0).await
            }
            other => other,
        },
    }
}
