//! `approvals watch`: the requests as they are queued, through `LISTEN` on the requests
//! channel (the pending ones first, so nothing queued before the watch began is missed).

use tokio::sync::broadcast::error::RecvError;

use crate::approvals::{self, ApprovalEntry, REQUESTS_CHANNEL};
use crate::connection::Store;
use crate::error::StoreError;
use crate::listener::{Listener, Signal};

/// A stream of queued approval requests.
#[derive(Debug)]
pub struct Watch {
    // Kept for its connection: dropping it ends the LISTEN.
    _listener: Listener,
    signals: tokio::sync::broadcast::Receiver<Signal>,
    backlog: std::collections::VecDeque<ApprovalEntry>,
}

impl Watch {
    /// Start listening, with the requests pending now as the first ones.
    pub async fn start(store: &Store) -> Result<Watch, StoreError> {
        let listener = Listener::start(store, REQUESTS_CHANNEL, false).await?;
        let signals = listener.subscribe();
        let backlog = approvals::list(store, false).await?.into();
        Ok(Watch {
            _listener: listener,
            signals,
            backlog,
        })
    }

    /// The next request (waits for one); an error when the store is lost.
    pub async fn next(&mut self, store: &Store) -> Result<ApprovalEntry, StoreError> {
        if let Some(e) = self.backlog.pop_front() {
            return Ok(e);
        }
        loop {
            match self.signals.recv().await {
                Ok(Signal::Notified(id)) => {
                    if let Ok(id) = id.parse::<i64>() {
                        return approvals::show(store, id).await;
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Ok(Signal::Lost) | Err(RecvError::Closed) => {
                    return Err(store.unreachable("the watch connection was lost".into()))
                }
            }
        }
    }
}
