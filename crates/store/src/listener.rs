//! A connection of its own that `LISTEN`s on a channel and hands each notification to every
//! subscriber, and tells them when the connection is lost (the store stopped, the network
//! broke): waiting hosts then deny at once instead of waiting for an answer that cannot come.
//!
//! The waiting host's listener also holds a session advisory lock with a random key for as
//! long as it lives; its requests carry the key, so the store can tell a waiting host from a
//! dead one (see the approval queue).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::StreamExt as _;
use tokio::sync::broadcast;
use tokio_postgres::{AsyncMessage, Client};

use crate::connection::Store;
use crate::error::{describe, StoreError};

/// What a subscriber hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Signal {
    /// A notification's payload.
    Notified(String),
    /// The connection is gone; nothing more will come.
    Lost,
}

/// A listening connection.
#[derive(Debug)]
pub(crate) struct Listener {
    pub(crate) client: Client,
    pub(crate) lock_key: Option<i64>,
    signals: broadcast::Sender<Signal>,
    alive: Arc<AtomicBool>,
    driver: tokio::task::JoinHandle<()>,
}

impl Listener {
    /// Connect, start delivering, `LISTEN channel`, and with `hold_lock` take a random
    /// session advisory lock.
    pub(crate) async fn start(
        store: &Store,
        channel: &str,
        hold_lock: bool,
    ) -> Result<Listener, StoreError> {
        let (client, mut connection) = store.open().await?;
        let (signals, _) = broadcast::channel(4096);
        let alive = Arc::new(AtomicBool::new(true));
        let driver = {
            let signals = signals.clone();
            let alive = alive.clone();
            tokio::spawn(async move {
                let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
                while let Some(message) = messages.next().await {
                    match message {
                        Ok(AsyncMessage::Notification(n)) => {
                            let _ = signals.send(Signal::Notified(n.payload().to_owned()));
                        }
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(error = %describe(&e), "store listener lost");
                            break;
                        }
                    }
                }
                alive.store(false, Ordering::SeqCst);
                let _ = signals.send(Signal::Lost);
            })
        };
        let listener = Listener {
            client,
            lock_key: None,
            signals,
            alive,
            driver,
        };
        // Channel names are ours (constants), never user input. The application name lets an
        // administrator tell waiting hosts and watchers in `pg_stat_activity`.
        store
            .limit(listener.client.batch_execute(&format!(
                "SET application_name = 'xldb-codex {}'; LISTEN {channel}",
                if hold_lock { "waiter" } else { "watcher" }
            )))
            .await?;
        let mut listener = listener;
        if hold_lock {
            let key = random_key();
            store
                .limit(
                    listener
                        .client
                        .execute("SELECT pg_advisory_lock($1)", &[&key]),
                )
                .await?;
            listener.lock_key = Some(key);
        }
        Ok(listener)
    }

    /// Hear what comes from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.signals.subscribe()
    }

    /// Whether the connection still lives.
    pub(crate) fn is_alive(&self) -> bool {
        self.alive.load(Ordering::SeqCst) && !self.client.is_closed()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

/// A random 64-bit key (std's randomly seeded hasher: no extra dependency for 8 bytes that
/// only need to differ between hosts).
fn random_key() -> i64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish() as i64
}
