//! The per-conversation event queue and its slow-consumer policy.
//!
//! One reader task serves every conversation, so a consumer that does not keep up must not
//! stall the others (nor approvals) for long, and must never make memory grow without bound.
//! The policy is *bounded backpressure, then drop with a marker*:
//!
//! - below `soft` queued events, everything is queued;
//! - when a conversation's queue is full (`soft` for droppable events: streaming deltas,
//!   output chunks, token counts, diffs, unknown events; `hard` = 2 × `soft` for the rest), the
//!   reader waits for the consumer, up to the session's slow-consumer grace (1 s by default).
//!   A consumer that is merely slower than a burst thus throttles the server through the pipe
//!   and loses nothing;
//! - if the grace runs out the consumer is considered stuck: its events are dropped and
//!   counted, without further waiting, until it takes a batch again; the count is delivered
//!   in order as [`Event::Lagged`] and logged;
//! - events a consumer dropped its handle for are discarded at once.
//!
//! The consumer takes everything queued in one batch (one lock), so at most one more batch
//! is in its hands: memory stays bounded by `3 × soft` events per conversation.
//!
//! Approval requests are not events: they go to the handler on their own task and are always
//! answered, so a slow or absent consumer can never lose one (it can delay one by at most the
//! grace, once).

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::sync::Notify;

use crate::event::Event;

#[derive(Debug)]
struct State {
    items: VecDeque<Event>,
    lagged: u64,
    closed: bool,
    consumer_gone: bool,
    /// The consumer let the grace run out and has not taken a batch since.
    stuck: bool,
}

/// A bounded single-consumer event queue.
#[derive(Debug)]
pub(crate) struct EventQueue {
    state: Mutex<State>,
    /// Wakes the consumer.
    notify: Notify,
    /// Wakes a reader waiting for room.
    space: Notify,
    soft: usize,
    hard: usize,
}

impl EventQueue {
    pub(crate) fn new(soft: usize) -> EventQueue {
        let soft = soft.max(1);
        EventQueue {
            state: Mutex::new(State {
                items: VecDeque::with_capacity(soft.min(1024)),
                lagged: 0,
                closed: false,
                consumer_gone: false,
                stuck: false,
            }),
            notify: Notify::new(),
            space: Notify::new(),
            soft,
            hard: soft.saturating_mul(2),
        }
    }

    /// Queue an event and wake the consumer, never waiting: a full queue drops it (counted).
    /// For events produced off the reader (approval decisions).
    pub(crate) fn push(&self, event: Event) {
        if let Err(_dropped) = self.try_push(event, true) {
            // `force` never hands the event back.
        }
        self.wake();
    }

    /// Wake the consumer (after one or more [`EventQueue::try_push`]).
    pub(crate) fn wake(&self) {
        self.notify.notify_one();
    }

    /// Queue an event without waking the consumer. When the queue is full and the consumer is
    /// not known to be stuck, the event is handed back for [`EventQueue::push_waiting`] unless
    /// `force`, in which case it is dropped and counted.
    pub(crate) fn try_push(&self, event: Event, force: bool) -> Result<(), Event> {
        let Ok(mut s) = self.state.lock() else {
            return Ok(());
        };
        if s.consumer_gone || s.closed {
            return Ok(());
        }
        let len = s.items.len();
        if len >= self.hard || (len >= self.soft && event.is_droppable()) {
            if !(force || s.stuck) {
                return Err(event);
            }
            s.lagged += 1;
            if s.lagged == 1 {
                tracing::warn!(queued = len, "event consumer is stuck; dropping its events");
            }
            return Ok(());
        }
        if s.lagged > 0 {
            let missed = std::mem::take(&mut s.lagged);
            s.items.push_back(Event::Lagged { missed });
        }
        s.items.push_back(event);
        Ok(())
    }

    /// Wait up to `grace` for room, then queue `event`; past the grace mark the consumer stuck
    /// and drop the event (counted). Returns early when `cancel` fires.
    pub(crate) async fn push_waiting(
        &self,
        mut event: Event,
        grace: std::time::Duration,
        cancel: &tokio_util::sync::CancellationToken,
    ) {
        let deadline = tokio::time::Instant::now() + grace;
        loop {
            let space = self.space.notified();
            tokio::pin!(space);
            space.as_mut().enable();
            event = match self.try_push(event, false) {
                Ok(()) => return,
                Err(event) => event,
            };
            self.wake();
            tokio::select! {
                _ = &mut space => {}
                _ = tokio::time::sleep_until(deadline) => {
                    if let Ok(mut s) = self.state.lock() {
                        s.stuck = true;
                    }
                    let _ = self.try_push(event, true);
                    return;
                }
                _ = cancel.cancelled() => return,
            }
        }
    }

    /// Push a final event and refuse any later one.
    pub(crate) fn close_with(&self, last: Option<Event>) {
        if let Ok(mut s) = self.state.lock() {
            if s.closed {
                return;
            }
            if let Some(last) = last {
                if s.lagged > 0 {
                    let missed = std::mem::take(&mut s.lagged);
                    s.items.push_back(Event::Lagged { missed });
                }
                // Always room for the last word, whatever the bounds.
                s.items.push_back(last);
            }
            s.closed = true;
        }
        self.notify.notify_one();
        self.space.notify_one();
    }

    /// The consumer is gone: drop what is queued and everything that comes.
    pub(crate) fn consumer_gone(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.consumer_gone = true;
            s.items.clear();
        }
        self.space.notify_one();
    }

    /// The next event, waiting for one; `None` once closed and empty.
    #[cfg(test)]
    pub(crate) async fn pop(&self) -> Option<Event> {
        loop {
            {
                let Ok(mut s) = self.state.lock() else {
                    return None;
                };
                if let Some(e) = s.items.pop_front() {
                    return Some(e);
                }
                if s.closed {
                    if s.lagged > 0 {
                        let missed = std::mem::take(&mut s.lagged);
                        return Some(Event::Lagged { missed });
                    }
                    return None;
                }
            }
            // Single consumer: `notify_one` stores a permit when nobody waits, so a push
            // between the check above and this await is not lost.
            self.notify.notified().await;
        }
    }

    /// The next event if one is queued, without waiting.
    pub(crate) fn try_pop(&self) -> Option<Event> {
        let event = self.state.lock().ok()?.items.pop_front();
        self.space.notify_one();
        event
    }

    /// Move every queued event to `into` (which must be empty), waiting for at least one;
    /// `false` once closed and empty. One lock per batch instead of per event.
    pub(crate) async fn pop_all(&self, into: &mut VecDeque<Event>) -> bool {
        loop {
            {
                let Ok(mut s) = self.state.lock() else {
                    return false;
                };
                if !s.items.is_empty() {
                    std::mem::swap(&mut s.items, into);
                    s.stuck = false;
                    drop(s);
                    self.space.notify_one();
                    return true;
                }
                if s.closed {
                    if s.lagged > 0 {
                        let missed = std::mem::take(&mut s.lagged);
                        into.push_back(Event::Lagged { missed });
                        return true;
                    }
                    return false;
                }
            }
            self.notify.notified().await;
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.state.lock().map(|s| s.items.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delta(i: usize) -> Event {
        Event::AgentMessageDelta {
            delta: i.to_string(),
        }
    }

    #[tokio::test]
    async fn a_full_queue_hands_the_event_back_until_the_consumer_is_stuck() {
        let q = EventQueue::new(2);
        assert!(q.try_push(delta(0), false).is_ok());
        assert!(q.try_push(delta(1), false).is_ok());
        assert_eq!(q.try_push(delta(2), false), Err(delta(2)));
        // The reader waits for room; the consumer takes a batch; the event goes in.
        let q = std::sync::Arc::new(q);
        let cancel = tokio_util::sync::CancellationToken::new();
        let (q2, c2) = (q.clone(), cancel.clone());
        let reader = tokio::spawn(async move {
            q2.push_waiting(delta(2), std::time::Duration::from_secs(5), &c2)
                .await
        });
        let mut batch = VecDeque::new();
        assert!(q.pop_all(&mut batch).await);
        reader.await.unwrap();
        assert_eq!(q.try_pop(), Some(delta(2)));
        // A consumer that never reads: after the grace, drops without waiting again.
        q.try_push(delta(3), false).unwrap();
        q.try_push(delta(4), false).unwrap();
        let started = std::time::Instant::now();
        q.push_waiting(delta(5), std::time::Duration::from_millis(50), &cancel)
            .await;
        for i in 6..100 {
            q.push_waiting(delta(i), std::time::Duration::from_secs(5), &cancel)
                .await;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(q.len(), 2);
    }

    #[tokio::test]
    async fn a_stuck_consumer_loses_deltas_with_a_marker_but_never_the_turn_end() {
        let q = EventQueue::new(4);
        for i in 0..10 {
            q.push(delta(i));
        }
        q.push(Event::TurnComplete {
            last_agent_message: None,
        });
        assert_eq!(q.len(), 6, "4 deltas, the lag marker, the turn end");
        let mut kinds = Vec::new();
        while let Some(e) = q.try_pop() {
            kinds.push(e);
        }
        assert_eq!(kinds[3], delta(3));
        assert_eq!(kinds[4], Event::Lagged { missed: 6 });
        assert_eq!(
            kinds[5],
            Event::TurnComplete {
                last_agent_message: None
            }
        );
    }

    #[tokio::test]
    async fn memory_is_bounded_even_for_essential_events() {
        let q = EventQueue::new(4);
        for _ in 0..1000 {
            q.push(Event::Error {
                message: "x".into(),
            });
        }
        assert!(q.len() <= 8);
        q.close_with(Some(Event::TurnAborted { reason: "r".into() }));
        let mut last = None;
        while let Some(e) = q.pop().await {
            last = Some(e);
        }
        assert_eq!(last, Some(Event::TurnAborted { reason: "r".into() }));
    }

    #[tokio::test]
    async fn pop_wakes_on_push_and_ends_on_close() {
        let q = std::sync::Arc::new(EventQueue::new(8));
        let q2 = q.clone();
        let consumer = tokio::spawn(async move {
            let mut n = 0;
            while q2.pop().await.is_some() {
                n += 1;
            }
            n
        });
        for i in 0..5 {
            q.push(delta(i));
            tokio::task::yield_now().await;
        }
        q.close_with(None);
        assert_eq!(consumer.await.unwrap(), 5);
    }

    #[test]
    fn a_gone_consumer_drops_everything() {
        let q = EventQueue::new(8);
        q.push(delta(0));
        q.consumer_gone();
        q.push(delta(1));
        assert_eq!(q.len(), 0);
    }
}
