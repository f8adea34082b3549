//! Archiving a conversation that still has a live handle in this session is refused before
//! the server is asked (on 0.169 the handle would stop getting events); once the handle is
//! dropped, the archive goes through.

use std::path::Path;
use std::time::Duration;

use codex_session::Error;
use serde_json::json;

use crate::support::{conversation, within, CONV};

#[tokio::test]
async fn archiving_an_open_conversation_is_refused_until_its_handle_is_dropped() {
    let (session, conv, mut peer) = conversation(crate::support::scripted()).await;
    let path = format!("/h/sessions/rollout-2026-11-28T00-00-00-{CONV}.jsonl");

    // By id.
    let by_id = session.archive_conversation(CONV, Path::new("")).await;
    assert!(
        matches!(&by_id, Err(Error::AlreadyOpen { conversation }) if conversation == CONV),
        "{by_id:?}"
    );
    // A path whose name carries no UUID: the id is looked up in the listing first.
    let s = session.clone();
    let p = path.clone();
    let by_path = tokio::spawn(async move { s.archive_conversation("", Path::new(&p)).await });
    let list = peer.expect_request("listConversations").await;
    peer.reply(
        &list,
        json!({"items": [{"conversationId": CONV, "path": path, "preview": "p"}]}),
    )
    .await;
    let by_path = within(by_path).await.unwrap();
    assert!(
        matches!(&by_path, Err(Error::AlreadyOpen { conversation }) if conversation == CONV),
        "{by_path:?}"
    );
    // The server was never asked.
    while let Some(msg) = peer.try_recv(Duration::from_millis(200)).await {
        assert_ne!(msg["method"], "archiveConversation", "{msg}");
    }

    drop(conv);
    let s = session.clone();
    let p = path.clone();
    let archive = tokio::spawn(async move { s.archive_conversation(CONV, Path::new(&p)).await });
    let request = peer.expect_request("archiveConversation").await;
    assert_eq!(request["params"]["conversationId"], CONV);
    assert_eq!(request["params"]["rolloutPath"], path.as_str());
    peer.reply(&request, json!({})).await;
    within(archive).await.unwrap().unwrap();
}
