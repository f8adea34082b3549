//! The connection to the store: a PostgreSQL URL, one shared client per process (statements
//! are pipelined on it), reconnected on the next call after the store went away, and a time
//! limit on every statement so a stalled store cannot stall a decision.
//!
//! The URL may hold a password; it is kept in the driver's configuration and only ever shown
//! redacted ([`Store::url`]).

use std::sync::Arc;
use std::time::Duration;

use tokio_postgres::{Client, NoTls};

use crate::error::{describe, StoreError};

/// Who writes: the host name and process id recorded with every audit record and approval
/// request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The host name (`XLDB_CODEX_HOST_NAME` overrides the system's).
    pub host: String,
    /// The process id.
    pub pid: u32,
}

impl Identity {
    /// This process on this machine.
    pub fn current() -> Identity {
        let host = std::env::var("XLDB_CODEX_HOST_NAME")
            .ok()
            .filter(|h| !h.trim().is_empty())
            .or_else(|| {
                std::fs::read_to_string("/proc/sys/kernel/hostname")
                    .ok()
                    .map(|h| h.trim().to_owned())
            })
            .or_else(|| std::env::var("HOSTNAME").ok())
            .unwrap_or_else(|| "unknown".to_owned());
        Identity {
            host,
            pid: std::process::id(),
        }
    }
}

/// A shared PostgreSQL store.
#[derive(Debug)]
pub struct Store {
    config: tokio_postgres::Config,
    shown: String,
    client: tokio::sync::Mutex<Option<Arc<Client>>>,
    timeout: Duration,
    identity: Identity,
}

/// The default time limit of one statement (and of connecting).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

impl Store {
    /// A store at `url` (`postgres://…` or `postgresql://…`), not connected yet.
    pub fn new(url: &str) -> Result<Store, StoreError> {
        let shown = xldb_redact::redact_text(url).into_owned();
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::BadUrl {
                url: shown,
                message: "the store must be a `postgres://` URL".into(),
            });
        }
        let mut config: tokio_postgres::Config =
            url.parse()
                .map_err(|e: tokio_postgres::Error| StoreError::BadUrl {
                    url: shown.clone(),
                    message: describe(&e),
                })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(DEFAULT_TIMEOUT);
        }
        // A record is committed only once durable, whatever the server's default: a decision
        // must never outlive its record, even when the store crashes.
        let options = match config.get_options() {
            Some(o) => format!("{o} -c synchronous_commit=on"),
            None => "-c synchronous_commit=on".to_owned(),
        };
        config.options(&options);
        if config.get_application_name().is_none() {
            config.application_name("xldb-codex");
        }
        Ok(Store {
            config,
            shown,
            client: tokio::sync::Mutex::new(None),
            timeout: DEFAULT_TIMEOUT,
            identity: Identity::current(),
        })
    }

    /// [`Store::new`], connected now and checked to be at this program's schema version: the
    /// error at start-up when the store is unreachable or not initialised.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let store = Store::new(url)?;
        crate::migrations::check(&store).await?;
        Ok(store)
    }

    /// Write as `identity` instead of this process (tests, benches).
    pub fn with_identity(mut self, identity: Identity) -> Store {
        self.identity = identity;
        self
    }

    /// The time limit of each statement.
    pub fn with_timeout(mut self, timeout: Duration) -> Store {
        self.timeout = timeout;
        self
    }

    /// The URL, with its password redacted.
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// Who this process writes as.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// A new connection of its own (the listener needs one); its driver task runs on
    /// `on_message` until the connection ends.
    pub(crate) async fn open(
        &self,
    ) -> Result<
        (
            Client,
            tokio_postgres::Connection<tokio_postgres::Socket, tokio_postgres::tls::NoTlsStream>,
        ),
        StoreError,
    > {
        match tokio::time::timeout(self.timeout, self.config.connect(NoTls)).await {
            Ok(Ok(pair)) => Ok(pair),
            Ok(Err(e)) => Err(self.unreachable(describe(&e))),
            Err(_) => Err(self.unreachable(format!(
                "no connection within {} ms",
                self.timeout.as_millis()
            ))),
        }
    }

    /// The shared client, connecting (again) if there is none or it broke.
    pub(crate) async fn client(&self) -> Result<Arc<Client>, StoreError> {
        let mut slot = self.client.lock().await;
        if let Some(client) = slot.as_ref().filter(|c| !c.is_closed()) {
            return Ok(client.clone());
        }
        let (client, connection) = self.open().await?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!(error = %describe(&e), "store connection lost");
            }
        });
        let client = Arc::new(client);
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Run `op` on the shared client within the time limit.
    pub(crate) async fn run<T, F>(&self, op: impl FnOnce(Arc<Client>) -> F) -> Result<T, StoreError>
    where
        F: std::future::Future<Output = Result<T, tokio_postgres::Error>>,
    {
        let client = self.client().await?;
        self.limit(op(client)).await
    }

    /// `fut` within the time limit, its error mapped (a closed connection is `Unreachable`).
    pub(crate) async fn limit<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) if e.is_closed() || e.as_db_error().is_none() && is_io(&e) => {
                Err(self.unreachable(describe(&e)))
            }
            Ok(Err(e)) => Err(self.query_error(describe(&e))),
            Err(_) => {
                Err(self.unreachable(format!("no answer within {} ms", self.timeout.as_millis())))
            }
        }
    }

    pub(crate) fn unreachable(&self, message: String) -> StoreError {
        StoreError::Unreachable {
            url: self.shown.clone(),
            message,
        }
    }

    pub(crate) fn query_error(&self, message: String) -> StoreError {
        StoreError::Query {
            url: self.shown.clone(),
            message,
        }
    }
}

fn is_io(e: &tokio_postgres::Error) -> bool {
    std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_postgres_urls_are_stores_and_the_password_is_never_shown() {
        let err = Store::new("mysql://u:hunter2@h/db")
            .unwrap_err()
            .to_string();
        assert!(err.contains("postgres://"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        let store = Store::new("postgres://u:hunter2@127.0.0.1:1/db").unwrap();
        assert!(!store.url().contains("hunter2"), "{}", store.url());
        assert!(!format!("{store:?}").contains("hunter2"));
        let err = Store::new("postgres://u:hunter2@h:notaport/db")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[tokio::test]
    async fn an_unreachable_store_is_a_typed_error_without_the_password() {
        let port = xldb_testkit::servers::free_port().unwrap();
        let url = format!("postgres://u:hunter2@127.0.0.1:{port}/db");
        let err = Store::connect(&url).await.unwrap_err();
        assert!(err.is_unreachable(), "{err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
