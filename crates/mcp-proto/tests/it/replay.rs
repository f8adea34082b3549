//! Replay every line of every transcript under `tests/fixtures/` (recorded from the real
//! `codex` by `scripts/record-transcripts.sh`, plus the shared reference recordings).
//!
//! Each line must decode (envelope, then typed params / result / event by method), the
//! envelope must re-encode to the same JSON, and what the client sent must re-encode from the
//! typed value to the same JSON (so what we write is what Codex accepted).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mcp_proto::{
    decode_event, method_info_in, EventMsg, ItemNotificationParams, Message, MethodFamily,
    MethodInfo, Notification, RequestId, ThreadItem, TurnNotificationParams, EVENT_KINDS,
    ITEM_KINDS,
};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Dir {
    C2s,
    S2c,
}

impl Dir {
    fn other(self) -> Dir {
        match self {
            Dir::C2s => Dir::S2c,
            Dir::S2c => Dir::C2s,
        }
    }
}

fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for sub in ["recorded", "reference"] {
        let dir = root.join(sub);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("fixture folder {} missing: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "jsonl") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Is this a transcript of codex 0.39 (where every event kind must be typed)?
fn is_0_39(path: &Path) -> bool {
    path.file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("0.39.")
}

/// Is this a transcript of `codex app-server` (v1 or v2)? Reference files say `app-server`,
/// recorded ones `app-v1-` / `app-v2-`.
fn is_app_server(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    name.contains("app-server") || name.contains("-app-v")
}

#[derive(Default)]
struct Stats {
    app_server_lines: usize,
    items: usize,
    unknown_items: usize,
    lines: usize,
    typed_params: usize,
    typed_results: usize,
    events: usize,
    unknown_events: usize,
    c2s_reencoded: usize,
    s2c_reencoded: usize,
}

fn json(raw: &serde_json::value::RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap()
}

fn replay_file(path: &Path, stats: &mut Stats) {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let strict = is_0_39(path);
    let protocols = if is_app_server(path) {
        MethodFamily::APP_SERVER
    } else {
        MethodFamily::MCP_SERVER
    };
    #[allow(clippy::type_complexity)]
    let mut pending: HashMap<
        (Dir, RequestId),
        (&'static MethodInfo, Option<(Option<Value>, Option<Value>)>),
    > = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let at = format!("{name}:{}", n + 1);
        let entry: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{at}: {e}"));
        let dir = match entry["dir"].as_str() {
            Some("c2s") => Dir::C2s,
            Some("s2c") => Dir::S2c,
            other => panic!("{at}: bad dir {other:?}"),
        };
        let bytes = serde_json::to_vec(&entry["msg"]).unwrap();
        let msg = Message::decode(&bytes).unwrap_or_else(|e| panic!("{at}: {e}"));
        stats.lines += 1;
        if is_app_server(path) {
            stats.app_server_lines += 1;
        }
        // 0.169 stamps every notification with a top-level `emittedAtMs`; the envelope reads
        // past unknown top-level members and does not keep them.
        let mut wire = entry["msg"].clone();
        wire.as_object_mut().unwrap().remove("emittedAtMs");
        let wire = &wire;

        // The envelope re-encodes to the same JSON (with `jsonrpc` iff the peer wrote it).
        let again: Value =
            serde_json::from_slice(&msg.encode(wire.get("jsonrpc").is_some())).unwrap();
        assert_eq!(&again, wire, "{at}: envelope round trip");

        match msg {
            Message::Request(r) => {
                let Some(info) = method_info_in(protocols, &r.method) else {
                    // The recorder probes Codex's behaviour on an unknown method on purpose.
                    assert_eq!(r.method, "noSuchMethod", "{at}: unknown request method");
                    continue;
                };
                info.check_params(r.params.as_deref())
                    .unwrap_or_else(|e| panic!("{at}: {e}"));
                stats.typed_params += 1;
                let re = info
                    .reencode_params(r.params.as_deref())
                    .unwrap()
                    .as_deref()
                    .map(json);
                let sent = r.params.as_deref().map(json);
                if dir == Dir::S2c {
                    assert!(
                        !strict || re == sent,
                        "{at}: 0.39 params re-encode differently:\n{re:?}\n{sent:?}"
                    );
                    stats.s2c_reencoded += usize::from(re == sent);
                }
                // Client params are compared once the server has accepted them (answered with a
                // result): the recorder also probes spellings 0.39 silently drops.
                pending.insert((dir, r.id), (info, (dir == Dir::C2s).then_some((sent, re))));
            }
            Message::Notification(note) => {
                let event = match decode_event(&note) {
                    Some(event) => Some(event),
                    // 0.20–0.22 repeat every event under the bare event type as method.
                    None if wire["params"]["msg"]["type"].as_str()
                        == Some(note.method.as_str()) =>
                    {
                        let as_event = Notification {
                            method: "codex/event".into(),
                            params: note.params.clone(),
                        };
                        decode_event(&as_event)
                    }
                    None => None,
                };
                if let Some(event) = event {
                    let event = event.unwrap_or_else(|e| panic!("{at}: {e}"));
                    stats.events += 1;
                    if let EventMsg::Unknown(v) = &event.msg {
                        stats.unknown_events += 1;
                        assert!(!strict, "{at}: 0.39 event decoded as unknown: {v}");
                        assert!(
                            !EVENT_KINDS.contains(&event.msg.kind()),
                            "{at}: typed kind `{}` fell back to unknown",
                            event.msg.kind()
                        );
                    }
                    if let Some(suffix) = note.method.strip_prefix("codex/event/") {
                        assert_eq!(
                            suffix,
                            event.msg.kind(),
                            "{at}: method suffix and msg type differ"
                        );
                    }
                    // 0.39 events re-encode to what the server sent.
                    if strict {
                        let re = serde_json::to_value(&event.msg).unwrap();
                        assert_eq!(&re, &wire["params"]["msg"], "{at}: event re-encode");
                        stats.s2c_reencoded += 1;
                    }
                    continue;
                }
                let info = method_info_in(protocols, &note.method)
                    .unwrap_or_else(|| panic!("{at}: unknown notification `{}`", note.method));
                if matches!(note.method.as_str(), "item/started" | "item/completed") {
                    let p: ItemNotificationParams =
                        serde_json::from_str(note.params.as_deref().unwrap().get())
                            .unwrap_or_else(|e| panic!("{at}: {e}"));
                    stats.items += 1;
                    if let ThreadItem::Unknown(v) = &p.item {
                        stats.unknown_items += 1;
                        assert!(!ITEM_KINDS.contains(&p.item.kind()), "{at}: {v}");
                    }
                }
                if matches!(note.method.as_str(), "turn/started" | "turn/completed") {
                    let p: TurnNotificationParams =
                        serde_json::from_str(note.params.as_deref().unwrap().get())
                            .unwrap_or_else(|e| panic!("{at}: {e}"));
                    assert!(
                        p.turn
                            .items
                            .iter()
                            .all(|i| !matches!(i, ThreadItem::Unknown(_))),
                        "{at}"
                    );
                }
                info.check_params(note.params.as_deref())
                    .unwrap_or_else(|e| panic!("{at}: {e}"));
                stats.typed_params += 1;
                if dir == Dir::C2s {
                    let re = info.reencode_params(note.params.as_deref()).unwrap();
                    assert_eq!(
                        re.as_deref().map(json),
                        note.params.as_deref().map(json),
                        "{at}"
                    );
                    stats.c2s_reencoded += 1;
                }
            }
            Message::Response(r) => {
                let Some((info, sent)) = pending.remove(&(dir.other(), r.id.clone())) else {
                    panic!("{at}: response to no known request (id {})", r.id);
                };
                if let Some((sent, re)) = sent {
                    assert_eq!(
                        re, sent,
                        "{at}: re-encoded params of the accepted request differ"
                    );
                    stats.c2s_reencoded += 1;
                }
                info.check_result(&r.result)
                    .unwrap()
                    .unwrap_or_else(|e| panic!("{at}: {e}"));
                stats.typed_results += 1;
                let re = info
                    .reencode_result(&r.result)
                    .unwrap()
                    .unwrap()
                    .map(|v| json(&v));
                match dir {
                    // A v1 spelling sent to a v2 approval: the server treats it as decline, and
                    // so does the typed read.
                    Dir::C2s
                        if info.family == MethodFamily::AppServerV2
                            && (r.result.get().contains("\"approved\"")
                                || r.result.get().contains("\"allow\"")) =>
                    {
                        assert_eq!(re, Some(serde_json::json!({"decision": "decline"})), "{at}");
                    }
                    Dir::C2s if r.result.get().contains("\"allow\"") => {
                        // The guide's `allow` (Codex treats it as denied) reads as approved and
                        // can only be written as `approved`.
                        assert_eq!(
                            re,
                            Some(serde_json::json!({"decision": "approved"})),
                            "{at}"
                        );
                    }
                    Dir::C2s => {
                        assert_eq!(re, Some(json(&r.result)), "{at}: re-encoded result differs");
                        stats.c2s_reencoded += 1;
                    }
                    Dir::S2c => {
                        let same = re == Some(json(&r.result));
                        assert!(
                            !strict || same,
                            "{at}: 0.39 result re-encodes differently:\n{re:?}\n{}",
                            r.result
                        );
                        stats.s2c_reencoded += usize::from(same);
                    }
                }
            }
            Message::Error(e) => {
                if let Some(id) = e.id {
                    pending.remove(&(dir.other(), id));
                }
            }
        }
    }
}

#[test]
fn every_fixture_line_decodes_typed_and_reencodes() {
    let files = fixture_files();
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().contains("/reference/")),
        "reference fixtures missing"
    );
    let mut stats = Stats::default();
    for file in &files {
        replay_file(file, &mut stats);
    }
    eprintln!(
        "app-server: {} lines, {} items ({} unknown)",
        stats.app_server_lines, stats.items, stats.unknown_items
    );
    assert!(stats.app_server_lines > 250, "{}", stats.app_server_lines);
    assert!(stats.items >= 20, "{}", stats.items);
    assert_eq!(
        stats.unknown_items, 0,
        "every item kind in the transcripts is typed"
    );
    eprintln!(
        "{} files, {} lines: {} typed params, {} typed results, {} events ({} unknown, all from newer versions), {} c2s re-encoded, {} s2c re-encoded",
        files.len(), stats.lines, stats.typed_params, stats.typed_results, stats.events,
        stats.unknown_events, stats.c2s_reencoded, stats.s2c_reencoded
    );
    assert!(stats.lines > 300);
    assert!(stats.c2s_reencoded > 50);
}

#[test]
fn recorded_0_39_fixtures_exist() {
    // The testkit engineer records these from the real codex 0.39 (scripts/record-transcripts.sh).
    let recorded = fixture_files()
        .into_iter()
        .filter(|f| f.to_string_lossy().contains("/recorded/"))
        .count();
    assert!(recorded >= 10, "expected the recorded 0.39 transcripts in tests/fixtures/recorded, found {recorded}; run scripts/record-transcripts.sh");
}

#[test]
fn every_event_kind_seen_in_0_39_recordings_is_typed() {
    let mut seen = std::collections::BTreeSet::new();
    for file in fixture_files().iter().filter(|f| is_0_39(f)) {
        for line in std::fs::read_to_string(file).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            if let Some(kind) = v["msg"]["params"]["msg"]["type"].as_str() {
                seen.insert(kind.to_owned());
            }
        }
    }
    assert!(seen.len() >= 20, "{seen:?}");
    for kind in &seen {
        assert!(
            EVENT_KINDS.contains(&kind.as_str()),
            "`{kind}` is not typed"
        );
    }
}

#[test]
fn recorded_fixtures_of_every_generation_exist() {
    // Recorded by scripts/record-transcripts.sh --version 0.80.0 / 0.169.0.
    let names: Vec<String> = fixture_files()
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "0.80.0-app-v1-approved.jsonl",
        "0.80.0-app-v2-approved.jsonl",
        "0.80.0-app-v2-decline.jsonl",
        "0.80.0-app-v2-cancel.jsonl",
        "0.80.0-app-v2-interrupt.jsonl",
        "0.80.0-mcp-server-tool-call.jsonl",
        "0.169.0-app-v2-approved.jsonl",
        "0.169.0-app-v2-decline.jsonl",
        "0.169.0-app-v2-cancel.jsonl",
        "0.169.0-app-v2-interrupt.jsonl",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing; run `scripts/record-transcripts.sh --version {}`",
            expected.split('-').next().unwrap()
        );
    }
}

/// The v2 exec approval names its item; before 0.89 only the earlier `item/started` carries
/// the command, from 0.89 the request has it too. Both must agree.
#[test]
fn v2_exec_approval_command_comes_from_the_started_item() {
    use mcp_proto::{
        CommandExecutionRequestApproval, FileChangeRequestApproval, ItemStarted, RequestMethod,
    };
    for (file, has_command) in [
        ("recorded/0.80.0-app-v2-approved.jsonl", false),
        ("recorded/0.169.0-app-v2-approved.jsonl", true),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(file);
        let mut started: HashMap<String, ThreadItem> = HashMap::new();
        let (mut execs, mut patches) = (0, 0);
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let entry: Value = serde_json::from_str(line).unwrap();
            let bytes = serde_json::to_vec(&entry["msg"]).unwrap();
            match Message::decode(&bytes).unwrap() {
                Message::Notification(n) if n.method == "item/started" => {
                    let p = n.params_as::<ItemStarted>().unwrap();
                    started.insert(p.item.id().unwrap().to_owned(), p.item);
                }
                Message::Request(r) if r.method == CommandExecutionRequestApproval::METHOD => {
                    let p = r.params_as::<CommandExecutionRequestApproval>().unwrap();
                    let Some(ThreadItem::CommandExecution(item)) = started.get(&p.item_id) else {
                        panic!("{file}: no started commandExecution item {}", p.item_id)
                    };
                    assert!(item.command.contains("touch created_by_exec.txt"));
                    assert_eq!(p.command.is_some(), has_command, "{file}");
                    if let Some(command) = &p.command {
                        assert_eq!(command, &item.command);
                    }
                    execs += 1;
                }
                Message::Request(r) if r.method == FileChangeRequestApproval::METHOD => {
                    let p = r.params_as::<FileChangeRequestApproval>().unwrap();
                    let Some(ThreadItem::FileChange(item)) = started.get(&p.item_id) else {
                        panic!("{file}: no started fileChange item {}", p.item_id)
                    };
                    assert_eq!(item.changes[0].diff, "hello from patch\n");
                    assert!(item.changes[0].path.ends_with("hello.txt"));
                    patches += 1;
                }
                _ => {}
            }
        }
        assert_eq!((execs, patches), (1, 1), "{file}");
    }
}
