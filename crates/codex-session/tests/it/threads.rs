//! Stored conversations on every real Codex generation: list, resume (in the same session and
//! after a restart, by id and by rollout path), archive, and the errors of unknown ones.
//!
//! One scenario, through the public API, against 0.80.0 and 0.169.0 (app-server v2:
//! `thread/list`, `thread/resume`, `thread/archive`), 0.80.0 forced to app-server v1 and
//! 0.39.0 (`codex mcp`; both the conversation API: `listConversations`,
//! `resumeConversation`, `archiveConversation`). The fake model answers every request alike;
//! what it received proves that a resumed conversation carries its earlier turns. Scripted
//! `codex mcp` peers (`lookup`) cover what real servers rarely show: an id found on a later
//! page of the listing, and a listing that never ends.

use std::path::{Path, PathBuf};
use std::time::Duration;

use codex_session::{
    CodexSession, Conversation, ConversationOptions, ConversationPage, Error, Protocol,
    ReviewDecision, TurnEnd,
};
use xldb_testkit::fake_model::{FakeModel, Script, Step};

use crate::support::{fixed, per_target, untrusted_workspace, wait_listed, within, Rig};

/// A binary version and the protocol to speak to it.
type Target = (&'static str, Protocol);

/// What the first turn says; every later request of the conversation must carry it.
const FIRST: &str = "first question about zebra-7319";
/// A key-shaped string in a path: it must never come back in an error.
const SECRET: &str = "sk-proj-threadsSecret0123456789abcdef";

async fn rig((version, protocol): Target) -> Rig {
    let script = Script::new([]).when_exhausted(Step::new().message("noted (fake model)"));
    Rig::start(version, script, |options| {
        options
            .protocol(protocol)
            .approval_handler(fixed(ReviewDecision::Denied))
    })
    .await
}

fn conversation_options(rig: &Rig) -> ConversationOptions {
    untrusted_workspace(&rig.home, Duration::from_secs(8))
}

/// Run one turn; it must complete with the fake model's answer.
async fn turn(version: &str, conversation: &mut Conversation, text: &str) {
    let outcome = within(conversation.run_turn(text))
        .await
        .unwrap_or_else(|e| panic!("{version}: turn `{text}`: {e}"));
    assert_eq!(outcome.end, TurnEnd::Completed, "{version}: {outcome:?}");
    assert_eq!(
        outcome.final_message.as_deref(),
        Some("noted (fake model)"),
        "{version}: the turn's events reached this handle"
    );
}

/// The user texts of the model request that carried `text` (the request of that turn).
fn history_of(version: &str, model: &FakeModel, text: &str) -> Vec<String> {
    let requests = model.requests();
    let request = requests
        .iter()
        .rev()
        .find(|r| r.user_texts().iter().any(|t| t.contains(text)))
        .unwrap_or_else(|| panic!("{version}: no model request carried `{text}`"));
    request.user_texts().iter().map(|t| t.to_string()).collect()
}

/// Every stored conversation, page after page of `page_size`.
async fn list_all(session: &CodexSession, page_size: usize) -> Vec<ConversationPage> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = within(session.list_conversations(Some(page_size), cursor.as_deref()))
            .await
            .unwrap();
        let next = page.next_cursor.clone();
        pages.push(page);
        match next {
            Some(next) if pages.len() < 20 => cursor = Some(next),
            _ => return pages,
        }
    }
}

/// The ids of every stored conversation.
async fn listed_ids(session: &CodexSession) -> Vec<String> {
    list_all(session, 50)
        .await
        .into_iter()
        .flat_map(|p| p.items.into_iter().map(|c| c.id))
        .collect()
}

fn is_lookup_or_server_error(e: &Error) -> bool {
    matches!(e, Error::Server { .. } | Error::NotFound { .. })
}

async fn list_resume_archive(target: Target) {
    let version = target.0;
    let rig = rig(target).await;

    // A conversation with one turn, and a second one (for paging).
    let mut first = rig.open(conversation_options(&rig)).await;
    turn(version, &mut first, FIRST).await;
    let id = first.id().to_owned();
    let mut other = rig.open(conversation_options(&rig)).await;
    turn(version, &mut other, "another conversation").await;
    let other_id = other.id().to_owned();
    drop(other);

    // Listed, with its transcript and the start of its first message.
    wait_listed(&rig.session, &other_id).await;
    let page = wait_listed(&rig.session, &id).await;
    let summary = page.items.iter().find(|c| c.id == id).unwrap().clone();
    assert!(summary.path.is_file(), "{version}: {summary:?}");
    if let Some(rollout) = &first.info().rollout_path {
        assert_eq!(&summary.path, rollout, "{version}");
    }
    assert!(
        summary.preview.contains("zebra-7319"),
        "{version}: {summary:?}"
    );
    assert!(summary.timestamp.is_some(), "{version}: {summary:?}");

    // While its handle lives, a second handle is refused, and the first one keeps working
    // (two handles on one id would split its events).
    let err = within(
        rig.session
            .resume_conversation_by_id(&id, conversation_options(&rig)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::AlreadyOpen { conversation } if *conversation == id),
        "{version}: {err:?}"
    );
    let err = within(
        rig.session
            .resume_conversation(&summary.path, conversation_options(&rig)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::AlreadyOpen { .. }),
        "{version}: {err:?}"
    );
    turn(version, &mut first, "still here").await;
    drop(first);

    // One per page: both are there, each once, and the cursor moves on.
    let pages = list_all(&rig.session, 1).await;
    assert!(pages.len() >= 2, "{version}: {pages:?}");
    assert!(pages.iter().all(|p| p.items.len() <= 1), "{version}");
    let ids: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|c| c.id.as_str()))
        .collect();
    for wanted in [&id, &other_id] {
        assert_eq!(
            ids.iter().filter(|i| **i == wanted.as_str()).count(),
            1,
            "{version}: {ids:?}"
        );
    }

    // Resume by id in the same session: the model sees the first turn.
    let mut resumed = within(
        rig.session
            .resume_conversation_by_id(&id, conversation_options(&rig)),
    )
    .await
    .unwrap_or_else(|e| panic!("{version}: resume by id: {e}"));
    assert_eq!(resumed.id(), id, "{version}");
    turn(version, &mut resumed, "follow-up one").await;
    let history = history_of(version, &rig.model, "follow-up one");
    assert!(
        history.iter().any(|t| t.contains(FIRST)),
        "{version}: the resumed turn lost the first one: {history:?}"
    );
    drop(resumed);

    // A new server (same CODEX_HOME): resume from the rollout path.
    within(rig.session.restart()).await.unwrap();
    let mut resumed = within(
        rig.session
            .resume_conversation(&summary.path, conversation_options(&rig)),
    )
    .await
    .unwrap_or_else(|e| panic!("{version}: resume by path after restart: {e}"));
    assert_eq!(resumed.id(), id, "{version}");
    turn(version, &mut resumed, "follow-up two").await;
    let history = history_of(version, &rig.model, "follow-up two");
    for earlier in [FIRST, "still here", "follow-up one"] {
        assert!(
            history.iter().any(|t| t.contains(earlier)),
            "{version}: `{earlier}` missing after the restart: {history:?}"
        );
    }
    drop(resumed);

    // Archived by its id alone (the conversation API looks the path up): no longer listed;
    // the other one still is. Then the other by its path alone (v2 reads the id from it).
    within(rig.session.archive_conversation(&id, Path::new("")))
        .await
        .unwrap_or_else(|e| panic!("{version}: archive by id: {e}"));
    let listed = listed_ids(&rig.session).await;
    assert!(!listed.contains(&id), "{version}: still listed: {listed:?}");
    assert!(listed.contains(&other_id), "{version}: {listed:?}");
    let other_path = list_all(&rig.session, 50)
        .await
        .into_iter()
        .flat_map(|p| p.items)
        .find(|c| c.id == other_id)
        .unwrap()
        .path;
    within(rig.session.archive_conversation("", &other_path))
        .await
        .unwrap_or_else(|e| panic!("{version}: archive by path: {e}"));
    let listed = listed_ids(&rig.session).await;
    assert!(!listed.contains(&other_id), "{version}: {listed:?}");

    // The archived one, an unknown id and an unknown path: typed errors, the session stays
    // up, and a secret in the path never comes back.
    let err = within(
        rig.session
            .resume_conversation_by_id(&id, conversation_options(&rig)),
    )
    .await
    .unwrap_err();
    assert!(is_lookup_or_server_error(&err), "{version}: {err:?}");
    let unknown = "00000000-0000-4000-8000-000000000000";
    let err = within(
        rig.session
            .resume_conversation_by_id(unknown, conversation_options(&rig)),
    )
    .await
    .unwrap_err();
    assert!(is_lookup_or_server_error(&err), "{version}: {err:?}");
    let missing: PathBuf = rig
        .home
        .root()
        .join(SECRET)
        .join(format!("rollout-2026-01-01T00-00-00-{unknown}.jsonl"));
    let err = within(
        rig.session
            .resume_conversation(&missing, conversation_options(&rig)),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Server { .. }), "{version}: {err:?}");
    assert!(!err.to_string().contains(SECRET), "{version}: {err}");
    let err = within(rig.session.resume_conversation(
        Path::new("/nowhere/notes.jsonl"),
        conversation_options(&rig),
    ))
    .await
    .unwrap_err();
    assert!(is_lookup_or_server_error(&err), "{version}: {err:?}");
    assert!(rig.session.is_available(), "{version}");
}

per_target! {
    [list_resume_archive]
    v0_39_0 => ("0.39.0", Protocol::Auto),
    v0_80_0 => ("0.80.0", Protocol::Auto),
    v0_169_0 => ("0.169.0", Protocol::Auto),
    // The conversation API on `codex app-server`, forced (Auto prefers v2 from 0.63).
    v0_80_0_app_server_v1 => ("0.80.0", Protocol::AppServerV1),
}

/// Scripted `codex mcp` peers: how the conversation API finds the rollout path of an id.
mod lookup {
    use std::path::Path;

    use codex_session::{ConversationOptions, Error};
    use serde_json::json;

    use crate::support::{connect, within};

    fn item(id: &str) -> serde_json::Value {
        json!({"conversationId": id, "path": format!("/h/sessions/rollout-{id}.jsonl"),
            "preview": "p", "timestamp": null})
    }

    /// The id is on the second page: the client follows the cursor, then resumes from the
    /// path it found and subscribes.
    #[tokio::test]
    async fn an_id_is_found_on_a_later_page_of_the_listing() {
        let (session, mut peer) = connect(crate::support::scripted()).await;
        let s = session.clone();
        let resume = tokio::spawn(async move {
            s.resume_conversation_by_id("c-3", ConversationOptions::new())
                .await
        });
        let list = peer.expect_request("listConversations").await;
        assert_eq!(list["params"].get("cursor"), None);
        peer.reply(
            &list,
            json!({"items": [item("c-1"), item("c-2")], "nextCursor": "k1"}),
        )
        .await;
        let list = peer.expect_request("listConversations").await;
        assert_eq!(list["params"]["cursor"], "k1");
        peer.reply(&list, json!({"items": [item("c-3")], "nextCursor": null}))
            .await;
        let r = peer.expect_request("resumeConversation").await;
        assert_eq!(r["params"]["path"], "/h/sessions/rollout-c-3.jsonl");
        peer.reply(&r, json!({"conversationId": "c-3", "model": "m"}))
            .await;
        let listen = peer.expect_request("addConversationListener").await;
        assert_eq!(listen["params"]["conversationId"], "c-3");
        peer.reply(&listen, json!({"subscriptionId": "s"})).await;
        let conversation = within(resume).await.unwrap().unwrap();
        assert_eq!(conversation.id(), "c-3");
        assert_eq!(
            conversation.info().rollout_path.as_deref(),
            Some(Path::new("/h/sessions/rollout-c-3.jsonl"))
        );
    }

    /// A server that hands back the cursor it was given would loop the lookup forever: it
    /// stops, and the id is not found.
    #[tokio::test]
    async fn a_listing_that_repeats_its_cursor_ends_in_not_found() {
        let (session, mut peer) = connect(crate::support::scripted()).await;
        let s = session.clone();
        let archive =
            tokio::spawn(async move { s.archive_conversation("c-9", Path::new("")).await });
        for _ in 0..2 {
            let list = peer.expect_request("listConversations").await;
            peer.reply(&list, json!({"items": [item("c-1")], "nextCursor": "same"}))
                .await;
        }
        let err = within(archive).await.unwrap().unwrap_err();
        assert!(
            matches!(&err, Error::NotFound { conversation } if conversation.contains("c-9")),
            "{err:?}"
        );
        assert!(session.is_available());
    }
}
