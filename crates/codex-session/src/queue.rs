//! The per-conversation event queue and its slow-consumer policy.
//!
//! The reader task must never wait for a consumer: while it waits it reads nothing, so
//! responses and approval requests for every other conversation would stall behind one slow
//! event loop. So the queue is bounded and the reader only ever pushes:
//!
//! - below `soft` queued events, everything is queued;
//! - from `soft` on, *droppable* events (streaming deltas, output chunks, token counts, diffs,
//!   unknown events; their content arrives again whole or is superseded) are dropped and
//!   counted;
//! - from `hard` on, everything is dropped and counted;
//! - the count is delivered in order as [`Event::Lagged`] as soon as there is room, and logged.
//!
//! Approval requests are not events: they go to the handler on their own task and are always
//! answered, so a slow or absent consumer can never lose one. When the consumer is dropped,
//! its events are discarded at once.

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
}

/// A bounded single-consumer event queue.
#[derive(Debug)]
pub(crate) struct EventQueue {
    state: Mutex<State>,
    notify: Notify,
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
            }),
            notify: Notify::new(),
            soft,
            hard: soft.saturating_mul(2),
        }
    }

    /// Queue an event (or count it as dropped). Never waits.
    pub(crate) fn push(&self, event: Event) {
        let Ok(mut s) = self.state.lock() else { return };
        if s.consumer_gone || s.closed {
            return;
        }
        let len = s.items.len();
        if len >= self.hard || (len >= self.soft && event.is_droppable()) {
            s.lagged += 1;
            if s.lagged == 1 {
                tracing::warn!(
                    queued = len,
                    "event consumer is slow; dropping streaming events"
                );
            }
            return;
        }
        if s.lagged > 0 {
            let missed = std::mem::take(&mut s.lagged);
            s.items.push_back(Event::Lagged { missed });
        }
        s.items.push_back(event);
        drop(s);
        self.notify.notify_one();
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
    }

    /// The consumer is gone: drop what is queued and everything that comes.
    pub(crate) fn consumer_gone(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.consumer_gone = true;
            s.items.clear();
        }
    }

    /// The next event, waiting for one; `None` once closed and empty.
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
        self.state.lock().ok()?.items.pop_front()
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
    async fn a_slow_consumer_loses_deltas_with_a_marker_but_never_the_turn_end() {
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
