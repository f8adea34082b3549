//! Ctrl-C and SIGTERM during `analyze`: stop cleanly, leave nothing behind.
//!
//! On the first signal:
//! - database work run through [`cancellable`] is dropped and its statement cancelled on the
//!   server (a PostgreSQL cancel request, MariaDB `KILL QUERY`, a SQLite interrupt), so a slow
//!   `EXPLAIN ANALYZE` does not run on until its statement timeout;
//! - the watch of [`receiver`] turns `true`: `ask_codex` interrupts the turn and shuts Codex
//!   down, which writes the audit log's `shutdown` record;
//! - the command stops at its next [`check`] with [`Interrupted`], which `main` prints as
//!   "interrupted" and turns into exit code 130.
//!
//! A second signal, or a command that has not stopped within [`GRACE`], exits at once (130).
//! Codex, whose standard input then closes, exits on its own. No file holds a secret meanwhile:
//! the database URL reaches the MCP server over a private socket (`UrlHandoff`), whose folder
//! is removed on every way out, this one included ([`remove_on_exit`]).

use db_schema::CancelQuery;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::watch;

/// How long the command may take to stop after the first signal.
const GRACE: Duration = Duration::from_secs(10);

/// The exit code of an interrupted run (128 + SIGINT, as shells report it).
pub const EXIT_CODE: u8 = 130;

/// The error of a command stopped by a signal.
#[derive(Debug, Clone, Copy)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

struct State {
    tx: watch::Sender<bool>,
}

static STATE: OnceLock<State> = OnceLock::new();

fn state() -> &'static State {
    STATE.get_or_init(|| State {
        tx: watch::channel(false).0,
    })
}

/// Listen for SIGINT and SIGTERM on the current Tokio runtime (call once, inside it).
pub fn install() -> anyhow::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    tokio::spawn(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
        state().tx.send_replace(true);
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
            () = tokio::time::sleep(GRACE) => {}
        }
        exit_now();
    });
    Ok(())
}

/// Folders removed if the process exits at once (a second signal), when destructors do not run.
static LEFT_BEHIND: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Remove `dir` (if it still exists) when a second signal ends the process at once.
pub fn remove_on_exit(dir: &std::path::Path) {
    if let Ok(mut dirs) = LEFT_BEHIND.lock() {
        dirs.push(dir.to_owned());
    }
}

fn exit_now() -> ! {
    if let Ok(dirs) = LEFT_BEHIND.lock() {
        for d in dirs.iter() {
            let _ = std::fs::remove_dir_all(d);
        }
    }
    eprintln!("interrupted");
    std::process::exit(i32::from(EXIT_CODE))
}

/// The watch that turns `true` on the first signal (for `ask_codex`).
pub fn receiver() -> watch::Receiver<bool> {
    state().tx.subscribe()
}

/// `Err(Interrupted)` once a signal came: the command stops here.
pub fn check() -> Result<(), Interrupted> {
    if *state().tx.borrow() {
        Err(Interrupted)
    } else {
        Ok(())
    }
}

/// Run `work`, which queries the database `canceller` belongs to, until it ends or a signal
/// comes: then `work` is dropped, whatever statement runs is cancelled on the server, and the
/// result is [`Interrupted`].
pub async fn cancellable<T>(
    canceller: Option<Arc<dyn CancelQuery>>,
    work: impl std::future::Future<Output = T>,
) -> Result<T, Interrupted> {
    check()?;
    let mut rx = receiver();
    tokio::select! {
        done = work => {
            check()?;
            Ok(done)
        }
        _ = rx.wait_for(|i| *i) => {
            if let Some(c) = canceller {
                // Best effort, and never longer than a moment.
                let _ = tokio::time::timeout(Duration::from_secs(2), c.cancel()).await;
            }
            Err(Interrupted)
        }
    }
}
