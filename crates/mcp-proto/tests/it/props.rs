//! Property tests: valid messages round-trip; arbitrary bytes never panic the decoder.

use std::collections::BTreeMap;

use mcp_proto::*;
use proptest::prelude::*;
use serde_json::Value;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        // Quarters are exact in binary and decimal: serde_json (without `float_roundtrip`) may
        // change the last digit of an arbitrary float, which is not what this test is about.
        (-4_000_000i32..4_000_000).prop_map(|q| Value::from(f64::from(q) / 4.0)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn request_id() -> impl Strategy<Value = RequestId> {
    prop_oneof![
        any::<i64>().prop_map(RequestId::Number),
        ".{0,10}".prop_map(RequestId::String)
    ]
}

fn raw(v: &Value) -> Box<serde_json::value::RawValue> {
    serde_json::value::to_raw_value(v).unwrap()
}

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        (request_id(), ".{1,20}", prop::option::of(json_value())).prop_map(
            |(id, method, params)| {
                Message::Request(Request {
                    id,
                    method,
                    params: params.as_ref().map(raw),
                })
            }
        ),
        (".{1,20}", prop::option::of(json_value())).prop_map(|(method, params)| {
            Message::Notification(Notification {
                method,
                params: params.as_ref().map(raw),
            })
        }),
        (request_id(), json_value()).prop_map(|(id, result)| Message::Response(Response {
            id,
            result: raw(&result)
        })),
        (
            prop::option::of(request_id()),
            any::<i64>(),
            ".{0,20}",
            prop::option::of(json_value())
        )
            .prop_map(|(id, code, message, data)| {
                Message::Error(ErrorResponse {
                    id,
                    error: ErrorObject {
                        code,
                        message,
                        data,
                    },
                })
            }),
    ]
}

fn path() -> impl Strategy<Value = std::path::PathBuf> {
    "/[a-z./ ]{0,12}".prop_map(std::path::PathBuf::from)
}

fn file_change() -> impl Strategy<Value = WireFileChange> {
    prop_oneof![
        ".{0,20}".prop_map(|content| WireFileChange::Add { content }),
        prop::option::of(".{0,20}").prop_map(|content| WireFileChange::Delete { content }),
        (".{0,20}", prop::option::of(path())).prop_map(|(unified_diff, move_path)| {
            WireFileChange::Update {
                unified_diff,
                move_path,
            }
        }),
    ]
}

fn decision() -> impl Strategy<Value = ReviewDecision> {
    prop_oneof![
        Just(ReviewDecision::Approved),
        Just(ReviewDecision::ApprovedForSession),
        Just(ReviewDecision::Denied),
        Just(ReviewDecision::Abort),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn valid_messages_round_trip(msg in message(), jsonrpc in any::<bool>()) {
        let line = msg.encode(jsonrpc);
        let back = Message::decode(&line).unwrap();
        prop_assert_eq!(back.encode(jsonrpc), line.clone());
        let v: Value = serde_json::from_slice(&line).unwrap();
        prop_assert_eq!(v.get("jsonrpc").is_some(), jsonrpc);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(msg) = Message::decode(&bytes) {
            if let Message::Notification(n) = &msg {
                let _ = decode_event(n);
            }
            if let Some(info) = msg.method().and_then(method_info) {
                if let Message::Request(r) = &msg { let _ = info.check_params(r.params.as_deref()); }
            }
        }
    }

    #[test]
    fn arbitrary_json_objects_never_panic(v in json_value(), method in prop::sample::select(
        METHODS.iter().map(|m| m.method).chain(["codex/event/exec_command_end"]).collect::<Vec<_>>()
    )) {
        let line = serde_json::to_vec(&serde_json::json!({"id":1,"method":method,"params":v})).unwrap();
        let msg = Message::decode(&line).unwrap();
        let info = method_info(method).unwrap();
        if let Message::Request(r) = &msg {
            let _ = info.check_params(r.params.as_deref());
            let _ = info.check_result(r.params.as_deref().unwrap());
            let n = Notification { method: r.method.clone(), params: r.params.clone() };
            let _ = decode_event(&n);
        }
    }

    #[test]
    fn approval_requests_round_trip(
        id in request_id(),
        cid in "[0-9a-f-]{1,36}",
        call in ".{0,12}",
        command in prop::collection::vec(".{0,8}", 0..4),
        cwd in path(),
        reason in prop::option::of(".{0,12}"),
        changes in prop::collection::btree_map(path(), file_change(), 0..4),
        grant_root in prop::option::of(path()),
        d in decision(),
    ) {
        let exec = ExecCommandApprovalParams {
            conversation_id: ConversationId(cid.clone()), call_id: call.clone(), command, cwd,
            reason: reason.clone(), extra: Default::default(),
        };
        let line = Message::Request(Request::new::<ExecCommandApproval>(id.clone(), &exec).unwrap()).encode(true);
        let Message::Request(r) = Message::decode(&line).unwrap() else { panic!() };
        prop_assert_eq!(r.params_as::<ExecCommandApproval>().unwrap(), exec);

        let patch = ApplyPatchApprovalParams {
            conversation_id: ConversationId(cid), call_id: call, file_changes: changes.clone(), reason,
            grant_root, extra: Default::default(),
        };
        let line = Message::Request(Request::new::<ApplyPatchApproval>(id.clone(), &patch).unwrap()).encode(false);
        let Message::Request(r) = Message::decode(&line).unwrap() else { panic!() };
        prop_assert_eq!(r.params_as::<ApplyPatchApproval>().unwrap(), patch);

        let answer = Message::Response(Response::new::<ApplyPatchApproval>(id, &d.into()).unwrap()).encode(true);
        let text = String::from_utf8(answer.clone()).unwrap();
        prop_assert!(!text.contains("allow") && !text.contains("deny\""));
        let Message::Response(r) = Message::decode(&answer).unwrap() else { panic!() };
        prop_assert_eq!(r.result_as::<ApplyPatchApproval>().unwrap().decision, d);

        // The event carrying the same changes.
        let ev = EventMsg::ApplyPatchApprovalRequest(ApplyPatchApprovalRequestEvent {
            call_id: "c".into(), changes: changes.into_iter().collect::<BTreeMap<_, _>>(), reason: None, grant_root: None,
        });
        let text = serde_json::to_string(&ev).unwrap();
        let back = EventMsg::from_raw(&serde_json::value::RawValue::from_string(text).unwrap()).unwrap();
        prop_assert_eq!(back, ev);
    }

    #[test]
    fn user_messages_round_trip(text in ".{0,40}", url in ".{0,20}", p in path()) {
        let params = SendUserMessageParams {
            conversation_id: ConversationId::from("c"),
            items: vec![InputItem::text(text), InputItem::Image { image_url: url }, InputItem::LocalImage { path: p }],
        };
        let line = Message::Request(Request::new::<SendUserMessage>(RequestId::Number(4), &params).unwrap()).encode(true);
        let Message::Request(r) = Message::decode(&line).unwrap() else { panic!() };
        prop_assert_eq!(r.params_as::<SendUserMessage>().unwrap(), params);
    }
}
