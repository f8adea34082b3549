//! The approval queue: queued redacted with its explanation, decided exactly once, woken by
//! LISTEN, expired, withdrawn, and the roles' grants.

use std::sync::Arc;
use std::time::{Duration, Instant};

use codex_session::{
    ApprovalDecision, ApprovalHandler, ApprovalRequest, ExecApproval, ReviewDecision,
};
use xldb_store::{
    approval_show, approvals_list, decide, grants_sql, Answer, Roles, State, Store, StoreApprover,
    StoreError,
};
use xldb_testkit::servers::Postgres;

use crate::{fresh_url, store_as};

fn exec(conversation: &str, argv: &[&str]) -> ApprovalRequest {
    ApprovalRequest::Exec(ExecApproval {
        conversation_id: conversation.into(),
        call_id: "call-1".into(),
        command: argv.iter().map(|a| a.to_string()).collect(),
        cwd: "/w".into(),
        reason: None,
    })
}

fn approver(store: Arc<Store>, wait: Duration) -> Arc<StoreApprover> {
    Arc::new(
        StoreApprover::new(store, wait).with_explainer(|_| {
            serde_json::json!({"decision": "ask", "explanation": [{"reason": "`frobnicate` is not a known program",
                "subject": "frobnicate --url postgres://u:hunter2@db/x"}]})
        }),
    )
}

/// Wait until exactly one request is pending; returns it.
async fn pending_one(store: &Store) -> xldb_store::ApprovalEntry {
    let start = Instant::now();
    loop {
        let pending = approvals_list(store, false).await.unwrap();
        if let [one] = pending.as_slice() {
            return one.clone();
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{pending:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

type Waiting = tokio::task::JoinHandle<Result<ApprovalDecision, codex_session::HandlerError>>;

/// A fresh store with host A waiting on one request (`frobnicate`, conversation `c`): the
/// store's URL, host A's approver, its wait, an approver's store and the request's id.
async fn one_waiting() -> (String, Arc<StoreApprover>, Waiting, Arc<Store>, i64) {
    let url = fresh_url().await;
    let host = approver(store_as(&url, "host-a").await, Duration::from_secs(60));
    let waiting = {
        let host = host.clone();
        tokio::spawn(async move { host.decide(&exec("c", &["frobnicate"])).await })
    };
    let laptop = store_as(&url, "laptop").await;
    let id = pending_one(&laptop).await.id;
    (url, host, waiting, laptop, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_from_another_machine_wakes_the_waiting_host_at_once() {
    let url = fresh_url().await;
    let host = approver(store_as(&url, "host-a").await, Duration::from_secs(60));
    let laptop = store_as(&url, "laptop").await;
    let waiting = {
        let host = host.clone();
        tokio::spawn(async move {
            host.decide(&exec(
                "conv-1",
                &["frobnicate", "--url", "postgres://u:hunter2@db/x"],
            ))
            .await
        })
    };
    let entry = pending_one(&laptop).await;
    assert_eq!(entry.state, State::Pending);
    assert_eq!(entry.host, "host-a");
    assert_eq!(entry.conversation, "conv-1");
    assert_eq!(entry.kind, "exec");
    assert!(entry.subject.contains("frobnicate"), "{entry:?}");
    assert!(!serde_json::to_string(&entry).unwrap().contains("hunter2"));
    assert!(entry
        .explanation
        .to_string()
        .contains("not a known program"));

    let asked = Instant::now();
    let decided = decide(&laptop, entry.id, &Answer::Approve, "alice@laptop")
        .await
        .unwrap();
    assert_eq!(decided.state, State::Approved);
    let answer = waiting.await.unwrap().unwrap();
    let took = asked.elapsed();
    assert_eq!(answer.decision, ReviewDecision::Approved);
    assert!(answer.decided_by.contains("alice@laptop"), "{answer:?}");
    assert!(took < Duration::from_millis(900), "woken after {took:?}");

    // Decided: it cannot change, and the second approver is told who won.
    let again = decide(&laptop, entry.id, &Answer::Deny { reason: None }, "bob")
        .await
        .unwrap_err();
    match again {
        StoreError::Closed { state, by, .. } => {
            assert_eq!(state, "approved");
            assert_eq!(by.as_deref(), Some("alice@laptop"));
        }
        other => panic!("{other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denial_carries_its_reason_and_racing_approvers_get_one_winner() {
    let (url, _host, waiting, _laptop, id) = one_waiting().await;
    let racers = (0..8).map(|i| {
        let url = url.clone();
        tokio::spawn(async move {
            let store = store_as(&url, &format!("approver-{i}")).await;
            let answer = if i % 2 == 0 {
                Answer::Approve
            } else {
                Answer::Deny {
                    reason: Some(format!("no, says {i}")),
                }
            };
            decide(&store, id, &answer, &format!("approver-{i}")).await
        })
    });
    let mut winners = Vec::new();
    for r in racers {
        match r.await.unwrap() {
            Ok(e) => winners.push(e),
            Err(StoreError::Closed { .. }) => {}
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    let answer = waiting.await.unwrap().unwrap();
    let won = &winners[0];
    let expected = if won.state == State::Approved {
        ReviewDecision::Approved
    } else {
        ReviewDecision::Denied
    };
    assert_eq!(answer.decision, expected);
    assert!(
        answer
            .decided_by
            .contains(won.decided_by.as_deref().unwrap()),
        "{answer:?}"
    );
    if expected == ReviewDecision::Denied {
        assert!(answer.explanation["reason"]
            .as_str()
            .unwrap()
            .starts_with("no, says"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_deciding_in_time_denies_and_the_request_stays_expired() {
    let url = fresh_url().await;
    let host = approver(store_as(&url, "host-a").await, Duration::from_millis(800));
    let answer = host.decide(&exec("c", &["frobnicate"])).await.unwrap();
    assert_eq!(answer.decision, ReviewDecision::Denied);
    assert_eq!(answer.explanation["decision"], "expired");
    let laptop = store_as(&url, "laptop").await;
    let all = approvals_list(&laptop, true).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].state, State::Expired);
    let err = decide(&laptop, all[0].id, &Answer::Approve, "late")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Closed { state, .. } if state == "expired"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deny_verdict_is_never_queued() {
    let url = fresh_url().await;
    let store = store_as(&url, "host-a").await;
    let host = StoreApprover::new(store.clone(), Duration::from_secs(60))
        .with_explainer(|_| serde_json::json!({"decision": "deny"}));
    let answer = host.decide(&exec("c", &["rm", "-rf", "/"])).await.unwrap();
    assert_eq!(answer.decision, ReviewDecision::Denied);
    assert!(approvals_list(&store, true).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_the_session_abandons_is_withdrawn_and_cannot_be_approved() {
    let (url, host, waiting, laptop, id) = one_waiting().await;
    waiting.abort();
    let start = Instant::now();
    loop {
        let e = approval_show(&laptop, id).await.unwrap();
        if e.state != State::Pending {
            assert_eq!(e.state, State::Expired, "{e:?}");
            break;
        }
        // The withdrawal is written by a task the dropped wait spawns: quick, but a loaded CI
        // machine may take seconds. A withdrawal that never lands still fails here.
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the abandoned wait was never withdrawn"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(decide(&laptop, id, &Answer::Approve, "late").await.is_err());
    // A host whose connection is gone: its request is abandoned.
    let waiting = {
        let host = host.clone();
        tokio::spawn(async move { host.decide(&exec("c2", &["frobnicate"])).await })
    };
    let id = pending_one(&laptop).await.id;
    let pg = Postgres::shared().unwrap();
    let db = url.rsplit('/').next().unwrap().to_owned();
    pg.psql(
        &db,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = 'xldb-codex waiter' AND datname = current_database()",
    )
    .unwrap();
    let answer = waiting.await.unwrap();
    assert!(answer.is_err(), "{answer:?}");
    // The lock goes when the terminated backend has exited.
    let start = Instant::now();
    while approval_show(&laptop, id).await.unwrap().state == State::Pending {
        assert!(start.elapsed() < Duration::from_secs(30));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let e = approval_show(&laptop, id).await.unwrap();
    assert_eq!(e.state, State::Abandoned, "{e:?}");
    assert!(decide(&laptop, id, &Answer::Approve, "late").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_grants_let_hosts_append_but_never_change_the_trail() {
    let url = fresh_url().await;
    let pg = Postgres::shared().unwrap();
    let db = url.rsplit('/').next().unwrap().to_owned();
    let roles = Roles {
        host: format!("h_{db}"),
        approver: format!("a_{db}"),
    };
    pg.psql(
        &db,
        &format!(
            "DO $$ BEGIN CREATE ROLE {h} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
             DO $$ BEGIN CREATE ROLE {a} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
             GRANT CONNECT ON DATABASE {db} TO {h}, {a};\n{}",
            grants_sql(&roles).unwrap(),
            h = roles.host,
            a = roles.approver
        ),
    )
    .unwrap();
    let as_role = |role: &str| url.replace("postgres@", &format!("{role}@"));
    let host_store = store_as(&as_role(&roles.host), "host-a").await;
    let approver_store = store_as(&as_role(&roles.approver), "laptop").await;
    codex_session::AuditSink::append(
        &xldb_store::StoreAuditSink::new(host_store.clone()),
        &codex_session::AuditRecord::new("shutdown", serde_json::json!({})),
    )
    .await
    .unwrap();
    let as_host = |sql: &str| {
        std::process::Command::new("psql")
            .args(["-X", "-At", "-d", &as_role(&roles.host), "-c", sql])
            .output()
            .unwrap()
    };
    for sql in [
        "UPDATE xldb_codex.audit SET kind = 'x'",
        "DELETE FROM xldb_codex.audit",
        "DELETE FROM xldb_codex.approval_requests",
        "UPDATE xldb_codex.approval_decisions SET decision = 'approved'",
    ] {
        let out = as_host(sql);
        assert!(!out.status.success(), "the host could run `{sql}`");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("permission denied"),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The host queues; it cannot approve its own request, an approver can.
    let host = approver(host_store.clone(), Duration::from_secs(60));
    let waiting = {
        let host = host.clone();
        tokio::spawn(async move { host.decide(&exec("c", &["frobnicate"])).await })
    };
    let id = pending_one(&approver_store).await.id;
    let err = decide(&host_store, id, &Answer::Approve, "myself")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    decide(&approver_store, id, &Answer::Approve, "alice")
        .await
        .unwrap();
    assert_eq!(
        waiting.await.unwrap().unwrap().decision,
        ReviewDecision::Approved
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approving_for_the_session_reaches_the_host_as_such() {
    let (_url, _host, waiting, laptop, id) = one_waiting().await;
    let mut watch = xldb_store::Watch::start(&laptop).await.unwrap();
    let entry = tokio::time::timeout(Duration::from_secs(20), watch.next(&laptop))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((entry.id, entry.state), (id, State::Pending));
    decide(&laptop, entry.id, &Answer::ApproveForSession, "alice")
        .await
        .unwrap();
    let answer = waiting.await.unwrap().unwrap();
    assert_eq!(answer.decision, ReviewDecision::ApprovedForSession);
}
