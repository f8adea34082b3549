//! Round trip of every method's params and result: typed value → JSON (compared with the
//! expected literal) → typed value (compared with the original), through the method types.

use std::collections::BTreeMap;
use std::fmt::Debug;

use mcp_proto::*;
use serde_json::{json, Value};

/// Params of request `M`: serialize, compare, decode through `Request::params_as`, compare.
fn req<M: RequestMethod>(params: M::Params, wire: Value)
where
    M::Params: PartialEq + Debug,
{
    let request = Request::new::<M>(RequestId::Number(7), &params).unwrap();
    let got = request
        .params
        .as_deref()
        .map(|p| serde_json::from_str::<Value>(p.get()).unwrap());
    let want = (!wire.is_null()).then(|| wire.clone());
    assert_eq!(got, want, "{} params", M::METHOD);
    // Through the whole line.
    let line = Message::Request(request).encode(true);
    let Message::Request(back) = Message::decode(&line).unwrap() else {
        panic!("not a request")
    };
    assert_eq!(back.method, M::METHOD);
    assert_eq!(
        back.params_as::<M>().unwrap(),
        params,
        "{} params back",
        M::METHOD
    );
}

/// Result of request `M`.
fn res<M: RequestMethod>(result: M::Result, wire: Value)
where
    M::Result: PartialEq + Debug,
{
    let response = Response::new::<M>(RequestId::from("r-1"), &result).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(response.result.get()).unwrap(),
        wire,
        "{} result",
        M::METHOD
    );
    let line = Message::Response(response).encode(false);
    let Message::Response(back) = Message::decode(&line).unwrap() else {
        panic!("not a response")
    };
    assert_eq!(
        back.result_as::<M>().unwrap(),
        result,
        "{} result back",
        M::METHOD
    );
}

/// Params of notification `M`.
fn note<M: NotificationMethod>(params: M::Params, wire: Value)
where
    M::Params: PartialEq + Debug,
{
    let n = Notification::new::<M>(&params).unwrap();
    let got = n
        .params
        .as_deref()
        .map(|p| serde_json::from_str::<Value>(p.get()).unwrap());
    assert_eq!(
        got,
        (!wire.is_null()).then(|| wire.clone()),
        "{} params",
        M::METHOD
    );
    let line = Message::Notification(n).encode(true);
    let Message::Notification(back) = Message::decode(&line).unwrap() else {
        panic!("not a notification")
    };
    assert_eq!(
        back.params_as::<M>().unwrap(),
        params,
        "{} params back",
        M::METHOD
    );
}

const CID: &str = "01a21200-cb47-7973-96f8-e55676233796";

fn cid() -> ConversationId {
    ConversationId::from(CID)
}

#[test]
fn mcp_methods() {
    req::<Initialize>(
        InitializeParams {
            protocol_version: "2025-06-18".into(),
            capabilities: ClientCapabilities {
                elicitation: Some(json!({})),
                ..Default::default()
            },
            client_info: Implementation {
                name: "probe".into(),
                version: "0".into(),
                ..Default::default()
            },
            extra: Default::default(),
        },
        json!({"protocolVersion":"2025-06-18","capabilities":{"elicitation":{}},"clientInfo":{"name":"probe","version":"0"}}),
    );
    res::<Initialize>(
        InitializeResult {
            protocol_version: "2025-06-18".into(),
            capabilities: ServerCapabilities {
                tools: Some(ToolsCapability {
                    list_changed: Some(true),
                    ..Default::default()
                }),
                ..Default::default()
            },
            server_info: Implementation {
                name: "codex-mcp-server".into(),
                title: Some("Codex".into()),
                version: "0.39.0".into(),
                user_agent: Some(
                    "codex_cli_rs/0.39.0 (Debian 12.0.0; x86_64) dumb (probe; 0)".into(),
                ),
                extra: Default::default(),
            },
            instructions: None,
            extra: Default::default(),
        },
        json!({"capabilities":{"tools":{"listChanged":true}},"protocolVersion":"2025-06-18","serverInfo":{"name":"codex-mcp-server","title":"Codex","version":"0.39.0","user_agent":"codex_cli_rs/0.39.0 (Debian 12.0.0; x86_64) dumb (probe; 0)"}}),
    );
    note::<Initialized>(None, Value::Null);
    req::<Ping>(None, Value::Null);
    req::<Ping>(Some(Empty {}), json!({}));
    res::<Ping>(Empty {}, json!({}));
    req::<ListTools>(Some(ListToolsParams::default()), json!({}));
    req::<ListTools>(
        Some(ListToolsParams {
            cursor: Some("c".into()),
        }),
        json!({"cursor":"c"}),
    );
    res::<ListTools>(
        ListToolsResult {
            tools: vec![Tool {
                name: "codex-reply".into(),
                title: Some("Codex Reply".into()),
                description: Some("Continue".into()),
                input_schema: json!({"type":"object","required":["conversationId","prompt"]}),
                output_schema: None,
                annotations: None,
                extra: Default::default(),
            }],
            next_cursor: None,
        },
        json!({"tools":[{"name":"codex-reply","title":"Codex Reply","description":"Continue","inputSchema":{"type":"object","required":["conversationId","prompt"]}}]}),
    );
    let mut args = serde_json::Map::new();
    args.insert("prompt".into(), json!("please run touch"));
    args.insert("approval-policy".into(), json!("untrusted"));
    req::<CallTool>(
        CallToolParams {
            name: "codex".into(),
            arguments: Some(args),
            extra: Default::default(),
        },
        json!({"name":"codex","arguments":{"prompt":"please run touch","approval-policy":"untrusted"}}),
    );
    let mut extra = serde_json::Map::new();
    extra.insert("_meta".into(), json!({"x":1}));
    res::<CallTool>(
        CallToolResult {
            content: vec![
                ContentBlock::Text(TextContent {
                    text: "All done.".into(),
                    annotations: None,
                }),
                ContentBlock::Image(MediaContent {
                    data: "AA==".into(),
                    mime_type: "image/png".into(),
                    annotations: None,
                }),
                ContentBlock::Unknown(json!({"type":"hologram","z":1})),
            ],
            structured_content: Some(json!({"threadId":"t","content":"All done."})),
            is_error: Some(false),
            extra,
        },
        json!({"content":[{"type":"text","text":"All done."},{"type":"image","data":"AA==","mimeType":"image/png"},{"type":"hologram","z":1}],
            "structuredContent":{"threadId":"t","content":"All done."},"isError":false,"_meta":{"x":1}}),
    );
    let mut changes = BTreeMap::new();
    changes.insert(
        "/w/hello.txt".into(),
        WireFileChange::Add {
            content: "hello\n".into(),
        },
    );
    let mut extra = serde_json::Map::new();
    extra.insert("codex_future".into(), json!([1, 2]));
    req::<Elicitation>(
        ElicitParams {
            message: "Allow Codex to apply proposed code changes?".into(),
            requested_schema: json!({"properties":{},"type":"object"}),
            codex_elicitation: Some(CodexElicitation::PatchApproval),
            codex_mcp_tool_call_id: Some("3".into()),
            codex_event_id: Some("3".into()),
            codex_call_id: Some("call_patch_2".into()),
            codex_command: None,
            codex_cwd: None,
            codex_reason: None,
            codex_changes: Some(changes),
            codex_grant_root: None,
            codex_parsed_cmd: None,
            thread_id: None,
            extra,
        },
        json!({"message":"Allow Codex to apply proposed code changes?","requestedSchema":{"properties":{},"type":"object"},
            "codex_elicitation":"patch-approval","codex_mcp_tool_call_id":"3","codex_event_id":"3","codex_call_id":"call_patch_2",
            "codex_changes":{"/w/hello.txt":{"add":{"content":"hello\n"}}},"codex_future":[1,2]}),
    );
    res::<Elicitation>(
        ElicitResult::decision(ReviewDecision::Approved),
        json!({"decision":"approved"}),
    );
    note::<Progress>(
        ProgressParams {
            progress_token: RequestId::Number(1),
            progress: 0.5,
            total: Some(1.0),
            message: None,
        },
        json!({"progressToken":1,"progress":0.5,"total":1.0}),
    );
    note::<Cancelled>(
        CancelledParams {
            request_id: RequestId::from("a"),
            reason: Some("user".into()),
        },
        json!({"requestId":"a","reason":"user"}),
    );
    req::<SetLevel>(
        SetLevelParams {
            level: LoggingLevel::Warning,
        },
        json!({"level":"warning"}),
    );
    res::<SetLevel>(Empty {}, json!({}));
    note::<LoggingMessage>(
        LoggingMessageParams {
            level: LoggingLevel::Other("trace".into()),
            logger: None,
            data: json!({"a":1}),
        },
        json!({"level":"trace","data":{"a":1}}),
    );
}

#[test]
fn conversation_methods() {
    req::<NewConversation>(
        NewConversationParams {
            cwd: Some("/w".into()),
            approval_policy: Some(AskForApproval::Untrusted),
            sandbox: Some(SandboxMode::WorkspaceWrite),
            ..Default::default()
        },
        json!({"cwd":"/w","approvalPolicy":"untrusted","sandbox":"workspace-write"}),
    );
    let mut config = serde_json::Map::new();
    config.insert("model_reasoning_effort".into(), json!("low"));
    req::<NewConversation>(
        NewConversationParams {
            model: Some("m".into()),
            profile: Some("p".into()),
            cwd: None,
            approval_policy: Some(AskForApproval::OnFailure),
            sandbox: Some(SandboxMode::DangerFullAccess),
            config: Some(config),
            base_instructions: Some("be careful".into()),
            include_plan_tool: Some(true),
            include_apply_patch_tool: Some(false),
        },
        json!({"model":"m","profile":"p","approvalPolicy":"on-failure","sandbox":"danger-full-access",
            "config":{"model_reasoning_effort":"low"},"baseInstructions":"be careful","includePlanTool":true,"includeApplyPatchTool":false}),
    );
    req::<NewConversation>(NewConversationParams::default(), json!({}));
    res::<NewConversation>(
        NewConversationResult {
            conversation_id: cid(),
            model: "mock-model".into(),
            reasoning_effort: Some(ReasoningEffort::High),
            rollout_path: Some("/h/r.jsonl".into()),
            extra: Default::default(),
        },
        json!({"conversationId":CID,"model":"mock-model","reasoningEffort":"high","rolloutPath":"/h/r.jsonl"}),
    );
    req::<AddConversationListener>(
        ConversationParams {
            conversation_id: cid(),
        },
        json!({"conversationId":CID}),
    );
    res::<AddConversationListener>(
        AddConversationListenerResult {
            subscription_id: "s".into(),
        },
        json!({"subscriptionId":"s"}),
    );
    req::<RemoveConversationListener>(
        RemoveConversationListenerParams {
            subscription_id: "s".into(),
        },
        json!({"subscriptionId":"s"}),
    );
    res::<RemoveConversationListener>(Empty {}, json!({}));
    req::<SendUserMessage>(
        SendUserMessageParams {
            conversation_id: cid(),
            items: vec![
                InputItem::text("please run touch"),
                InputItem::Image {
                    image_url: "data:image/png;base64,AA==".into(),
                },
                InputItem::LocalImage {
                    path: "/w/a.png".into(),
                },
            ],
        },
        json!({"conversationId":CID,"items":[{"type":"text","data":{"text":"please run touch"}},
            {"type":"image","data":{"image_url":"data:image/png;base64,AA=="}},{"type":"localImage","data":{"path":"/w/a.png"}}]}),
    );
    res::<SendUserMessage>(Empty {}, json!({}));
    req::<SendUserTurn>(
        SendUserTurnParams {
            conversation_id: cid(),
            items: vec![InputItem::text("hi")],
            cwd: "/w".into(),
            approval_policy: AskForApproval::Untrusted,
            sandbox_policy: SandboxPolicy::workspace_write(),
            model: "mock-model".into(),
            effort: None,
            summary: ReasoningSummary::Auto,
        },
        json!({"conversationId":CID,"items":[{"type":"text","data":{"text":"hi"}}],"cwd":"/w","approvalPolicy":"untrusted",
            "sandboxPolicy":{"mode":"workspace-write"},"model":"mock-model","summary":"auto"}),
    );
    req::<SendUserTurn>(
        SendUserTurnParams {
            conversation_id: cid(),
            items: vec![],
            cwd: "/w".into(),
            approval_policy: AskForApproval::Never,
            sandbox_policy: SandboxPolicy::WorkspaceWrite {
                writable_roots: vec!["/x".into()],
                network_access: true,
                exclude_tmpdir_env_var: true,
                exclude_slash_tmp: true,
            },
            model: "m".into(),
            effort: Some(ReasoningEffort::Minimal),
            summary: ReasoningSummary::None,
        },
        json!({"conversationId":CID,"items":[],"cwd":"/w","approvalPolicy":"never","sandboxPolicy":{"mode":"workspace-write",
            "writable_roots":["/x"],"network_access":true,"exclude_tmpdir_env_var":true,"exclude_slash_tmp":true},
            "model":"m","effort":"minimal","summary":"none"}),
    );
    res::<SendUserTurn>(Empty {}, json!({}));
    req::<InterruptConversation>(
        ConversationParams {
            conversation_id: cid(),
        },
        json!({"conversationId":CID}),
    );
    res::<InterruptConversation>(
        InterruptConversationResult {
            abort_reason: TurnAbortReason::Interrupted,
        },
        json!({"abortReason":"interrupted"}),
    );
    req::<ListConversations>(
        ListConversationsParams {
            page_size: Some(1),
            cursor: None,
        },
        json!({"pageSize":1}),
    );
    res::<ListConversations>(
        ListConversationsResult {
            items: vec![ConversationSummary {
                conversation_id: cid(),
                path: "/h/r.jsonl".into(),
                preview: "say hello".into(),
                timestamp: Some("2026-11-27T23:47:03.604Z".into()),
                extra: Default::default(),
            }],
            next_cursor: Some("next".into()),
        },
        json!({"items":[{"conversationId":CID,"path":"/h/r.jsonl","preview":"say hello","timestamp":"2026-11-27T23:47:03.604Z"}],"nextCursor":"next"}),
    );
    req::<ResumeConversation>(
        ResumeConversationParams {
            path: "/h/r.jsonl".into(),
            overrides: Some(NewConversationParams::default()),
        },
        json!({"path":"/h/r.jsonl","overrides":{}}),
    );
    res::<ResumeConversation>(
        ResumeConversationResult {
            conversation_id: cid(),
            model: "m".into(),
            initial_messages: Some(vec![
                EventMsg::UserMessage(UserMessageEvent {
                    message: "say hello".into(),
                    kind: Some("plain".into()),
                    images: None,
                }),
                EventMsg::AgentMessage(AgentMessageEvent {
                    message: "Hello.".into(),
                }),
            ]),
        },
        json!({"conversationId":CID,"model":"m","initialMessages":[{"type":"user_message","message":"say hello","kind":"plain"},
            {"type":"agent_message","message":"Hello."}]}),
    );
    req::<ArchiveConversation>(
        ArchiveConversationParams {
            conversation_id: cid(),
            rollout_path: "/h/r.jsonl".into(),
        },
        json!({"conversationId":CID,"rolloutPath":"/h/r.jsonl"}),
    );
    res::<ArchiveConversation>(Empty {}, json!({}));
}

#[test]
fn auth_and_utility_methods() {
    req::<GitDiffToRemote>(
        GitDiffToRemoteParams { cwd: "/w".into() },
        json!({"cwd":"/w"}),
    );
    res::<GitDiffToRemote>(
        GitDiffToRemoteResult {
            sha: "abc".into(),
            diff: "@@".into(),
        },
        json!({"sha":"abc","diff":"@@"}),
    );
    req::<LoginApiKey>(
        LoginApiKeyParams {
            api_key: "sk-test".into(),
        },
        json!({"apiKey":"sk-test"}),
    );
    assert!(!format!(
        "{:?}",
        LoginApiKeyParams {
            api_key: "sk-secret".into()
        }
    )
    .contains("sk-secret"));
    res::<LoginApiKey>(Empty {}, json!({}));
    req::<LoginChatGpt>(None, Value::Null);
    res::<LoginChatGpt>(
        LoginChatGptResult {
            login_id: "l".into(),
            auth_url: "http://127.0.0.1:1455/x".into(),
        },
        json!({"loginId":"l","authUrl":"http://127.0.0.1:1455/x"}),
    );
    req::<CancelLoginChatGpt>(
        CancelLoginChatGptParams {
            login_id: "l".into(),
        },
        json!({"loginId":"l"}),
    );
    res::<CancelLoginChatGpt>(Empty {}, json!({}));
    req::<LogoutChatGpt>(None, Value::Null);
    res::<LogoutChatGpt>(Empty {}, json!({}));
    req::<GetAuthStatus>(
        GetAuthStatusParams {
            include_token: Some(false),
            refresh_token: None,
        },
        json!({"includeToken":false}),
    );
    let status = GetAuthStatusResult {
        auth_method: Some(AuthMode::ApiKey),
        auth_token: Some("tok-secret".into()),
        requires_openai_auth: Some(true),
    };
    assert!(!format!("{status:?}").contains("tok-secret"));
    res::<GetAuthStatus>(
        status,
        json!({"authMethod":"apikey","authToken":"tok-secret","requiresOpenaiAuth":true}),
    );
    req::<GetUserSavedConfig>(None, Value::Null);
    let mut config = serde_json::Map::new();
    config.insert("approvalPolicy".into(), json!("on-request"));
    res::<GetUserSavedConfig>(
        GetUserSavedConfigResult { config },
        json!({"config":{"approvalPolicy":"on-request"}}),
    );
    req::<SetDefaultModel>(
        SetDefaultModelParams {
            model: Some("o3".into()),
            reasoning_effort: None,
        },
        json!({"model":"o3","reasoningEffort":null}),
    );
    res::<SetDefaultModel>(Empty {}, json!({}));
    req::<GetUserAgent>(None, Value::Null);
    res::<GetUserAgent>(
        GetUserAgentResult {
            user_agent: "codex_cli_rs/0.39.0".into(),
        },
        json!({"userAgent":"codex_cli_rs/0.39.0"}),
    );
    req::<UserInfo>(None, Value::Null);
    res::<UserInfo>(
        UserInfoResult {
            alleged_user_email: None,
        },
        json!({"allegedUserEmail":null}),
    );
    req::<ExecOneOffCommand>(
        ExecOneOffCommandParams {
            command: vec!["ls".into()],
            timeout_ms: Some(1000),
            cwd: None,
            sandbox_policy: Some(SandboxPolicy::ReadOnly),
        },
        json!({"command":["ls"],"timeoutMs":1000,"sandboxPolicy":{"mode":"read-only"}}),
    );
    res::<ExecOneOffCommand>(
        ExecOneOffCommandResult {
            exit_code: 0,
            stdout: "a\n".into(),
            stderr: String::new(),
        },
        json!({"exitCode":0,"stdout":"a\n","stderr":""}),
    );
    note::<LoginChatGptComplete>(
        LoginChatGptCompleteParams {
            login_id: "l".into(),
            success: false,
            error: Some("closed".into()),
        },
        json!({"loginId":"l","success":false,"error":"closed"}),
    );
    note::<AuthStatusChange>(
        AuthStatusChangeParams {
            auth_method: Some(AuthMode::ChatGpt),
        },
        json!({"authMethod":"chatgpt"}),
    );
    note::<AuthStatusChange>(AuthStatusChangeParams { auth_method: None }, json!({}));
}

#[test]
fn approval_methods() {
    let mut extra = serde_json::Map::new();
    extra.insert(
        "parsedCmd".into(),
        json!([{"type":"unknown","cmd":"touch x"}]),
    );
    req::<ExecCommandApproval>(
        ExecCommandApprovalParams {
            conversation_id: cid(),
            call_id: "call_exec_1".into(),
            command: vec!["bash".into(), "-lc".into(), "touch x".into()],
            cwd: "/w".into(),
            reason: Some("needs write".into()),
            extra,
        },
        json!({"conversation_id":CID,"call_id":"call_exec_1","command":["bash","-lc","touch x"],"cwd":"/w","reason":"needs write",
            "parsedCmd":[{"type":"unknown","cmd":"touch x"}]}),
    );
    for d in [
        ReviewDecision::Approved,
        ReviewDecision::ApprovedForSession,
        ReviewDecision::Denied,
        ReviewDecision::Abort,
    ] {
        res::<ExecCommandApproval>(
            ReviewDecisionResponse { decision: d },
            json!({"decision": d.as_str()}),
        );
        res::<ApplyPatchApproval>(d.into(), json!({"decision": d.as_str()}));
    }
    let mut changes = BTreeMap::new();
    changes.insert(
        "/w/a".into(),
        WireFileChange::Add {
            content: "x".into(),
        },
    );
    changes.insert("/w/b".into(), WireFileChange::Delete { content: None });
    changes.insert(
        "/w/c".into(),
        WireFileChange::Update {
            unified_diff: "@@ -1 +1 @@".into(),
            move_path: Some("/w/d".into()),
        },
    );
    req::<ApplyPatchApproval>(
        ApplyPatchApprovalParams {
            conversation_id: cid(),
            call_id: "call_patch_2".into(),
            file_changes: changes,
            reason: None,
            grant_root: Some("/w".into()),
            extra: Default::default(),
        },
        json!({"conversation_id":CID,"call_id":"call_patch_2","file_changes":{"/w/a":{"add":{"content":"x"}},"/w/b":"delete",
            "/w/c":{"update":{"unified_diff":"@@ -1 +1 @@","move_path":"/w/d"}}},"grant_root":"/w"}),
    );
}

#[test]
fn guide_spellings_are_read_but_never_written() {
    // The integration guide's camelCase params and `allow` decision.
    let line = format!(
        r#"{{"id":0,"method":"applyPatchApproval","params":{{"conversationId":"{CID}","callId":"k","fileChanges":{{"/w/a":{{"type":"add","content":"x"}}}},"reason":null,"grantRoot":null}}}}"#
    );
    let Message::Request(r) = Message::decode(line.as_bytes()).unwrap() else {
        panic!()
    };
    let p = r.params_as::<ApplyPatchApproval>().unwrap();
    assert_eq!(
        p.file_changes.values().next(),
        Some(&WireFileChange::Add {
            content: "x".into()
        })
    );
    let out = Request::new::<ApplyPatchApproval>(r.id, &p).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(out.params.unwrap().get()).unwrap(),
        json!({"conversation_id":CID,"call_id":"k","file_changes":{"/w/a":{"add":{"content":"x"}}}})
    );
    let Message::Response(resp) =
        Message::decode(br#"{"id":0,"result":{"decision":"allow"}}"#).unwrap()
    else {
        panic!()
    };
    let d = resp.result_as::<ExecCommandApproval>().unwrap();
    assert_eq!(d.decision, ReviewDecision::Approved);
    let written =
        Message::Response(Response::new::<ExecCommandApproval>(resp.id, &d).unwrap()).encode(true);
    assert!(!String::from_utf8(written).unwrap().contains("allow"));
    // Flat text items are read, and written back in the `data` form 0.39 requires.
    let items: Vec<InputItem> = serde_json::from_value(json!([{"type":"text","text":"hi"},{"type":"image","imageUrl":"u"},{"type":"local_image","path":"/p"}])).unwrap();
    assert_eq!(
        items,
        vec![
            InputItem::text("hi"),
            InputItem::Image {
                image_url: "u".into()
            },
            InputItem::LocalImage { path: "/p".into() }
        ]
    );
    // sandboxPolicy with the 0.59+ `type` tag.
    let p: SandboxPolicy = serde_json::from_value(json!({"type":"read-only"})).unwrap();
    assert_eq!(
        serde_json::to_value(p).unwrap(),
        json!({"mode":"read-only"})
    );
}

#[test]
fn events_round_trip() {
    let cases = [
        json!({"type":"task_started","model_context_window":null}),
        json!({"type":"task_complete","last_agent_message":"done"}),
        json!({"type":"error","message":"boom"}),
        json!({"type":"stream_error","message":"retrying"}),
        json!({"type":"background_event","message":"note"}),
        json!({"type":"agent_message_delta","delta":"Hel"}),
        json!({"type":"agent_reasoning","text":"thinking"}),
        json!({"type":"agent_reasoning_raw_content_delta","delta":"raw"}),
        json!({"type":"agent_reasoning_section_break"}),
        json!({"type":"shutdown_complete"}),
        json!({"type":"session_configured","session_id":CID,"model":"m","reasoning_effort":"medium","history_log_id":1,"history_entry_count":2,"rollout_path":"/r"}),
        json!({"type":"mcp_tool_call_begin","call_id":"c","invocation":{"server":"db","tool":"query","arguments":{"sql":"select 1"}}}),
        json!({"type":"mcp_tool_call_end","call_id":"c","invocation":{"server":"db","tool":"query","arguments":null},"duration":{"secs":1,"nanos":5},
            "result":{"Ok":{"content":[{"type":"text","text":"1"}]}}}),
        json!({"type":"mcp_tool_call_end","call_id":"c","invocation":{"server":"db","tool":"query","arguments":null},"duration":{"secs":0,"nanos":0},
            "result":{"Err":"no such tool"}}),
        json!({"type":"web_search_begin","call_id":"w"}),
        json!({"type":"web_search_end","call_id":"w","query":"rust"}),
        json!({"type":"exec_command_output_delta","call_id":"c","stream":"stderr","chunk":"d2FybmluZwo="}),
        json!({"type":"exec_approval_request","call_id":"c","command":["ls"],"cwd":"/w","reason":"why"}),
        json!({"type":"apply_patch_approval_request","call_id":"p","changes":{"/w/a":"delete"},"grant_root":"/w"}),
        json!({"type":"get_history_entry_response","offset":1,"log_id":2,"entry":null}),
        json!({"type":"mcp_list_tools_response","tools":{"db__query":{"name":"query","inputSchema":{"type":"object"}}}}),
        json!({"type":"list_custom_prompts_response","custom_prompts":[{"name":"x"}]}),
        json!({"type":"plan_update","explanation":null,"plan":[{"step":"a","status":"pending"}]}),
        json!({"type":"turn_aborted","reason":"replaced"}),
        json!({"type":"conversation_path","conversation_id":CID,"path":"/r"}),
        json!({"type":"entered_review_mode","prompt":"review","user_facing_hint":"h"}),
        json!({"type":"exited_review_mode","review_output":null}),
    ];
    for wire in cases {
        let params = json!({"id":"0","msg":wire,"conversationId":CID});
        let n = Notification {
            method: format!("codex/event/{}", wire["type"].as_str().unwrap()),
            params: Some(serde_json::value::to_raw_value(&params).unwrap()),
        };
        let event = decode_event(&n).unwrap().unwrap();
        assert!(!matches!(event.msg, EventMsg::Unknown(_)), "{wire}");
        assert_eq!(event.msg.kind(), wire["type"].as_str().unwrap());
        assert_eq!(serde_json::to_value(&event).unwrap(), params, "{wire}");
        // The same through the generic typed path.
        assert_eq!(n.params_as::<CodexEvent>().unwrap(), event);
    }
}

#[test]
fn decode_event_is_none_for_other_methods_and_names_the_method_on_bad_params() {
    let n = Notification {
        method: "authStatusChange".into(),
        params: None,
    };
    assert!(decode_event(&n).is_none());
    let n = Notification {
        method: "codex/event".into(),
        params: None,
    };
    let err = decode_event(&n).unwrap().unwrap_err();
    assert!(err.to_string().contains("`codex/event`"), "{err}");
    let bad = serde_json::value::to_raw_value(
        &json!({"id":"0","msg":{"type":"exec_command_end","call_id":1}}),
    )
    .unwrap();
    let n = Notification {
        method: "codex/event/exec_command_end".into(),
        params: Some(bad),
    };
    let err = decode_event(&n).unwrap().unwrap_err();
    assert!(
        matches!(err, DecodeError::Event { ref kind, .. } if kind == "exec_command_end"),
        "{err}"
    );
}

#[test]
fn typed_decode_checks_the_method() {
    let Message::Request(r) =
        Message::decode(br#"{"id":1,"method":"newConversation","params":{}}"#).unwrap()
    else {
        panic!()
    };
    let err = r.params_as::<SendUserMessage>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected method `sendUserMessage`, found `newConversation`"
    );
    let Message::Request(r) = Message::decode(br#"{"id":1,"method":"sendUserMessage","params":{"conversationId":"c","items":[{"type":"text"}]}}"#).unwrap() else { panic!() };
    let err = r.params_as::<SendUserMessage>().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid params for `sendUserMessage`: missing field `text`"),
        "{err}"
    );
}

#[test]
fn errors_never_echo_huge_input() {
    let huge = format!(
        r#"{{"id":1,"method":"sendUserMessage","params":{{"conversationId":"c","items":"{}"}}}}"#,
        "x".repeat(100_000)
    );
    let Message::Request(r) = Message::decode(huge.as_bytes()).unwrap() else {
        panic!()
    };
    let err = r.params_as::<SendUserMessage>().unwrap_err().to_string();
    assert!(err.len() < 400, "{}", err.len());
    let err = Message::decode(format!("{{\"id\":{}", "9".repeat(100_000)).as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.len() < 400);
}

#[test]
fn encode_errors_are_typed() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::path::PathBuf::from(std::ffi::OsStr::from_bytes(b"/w/\xff"));
    let mut changes = BTreeMap::new();
    changes.insert(
        bad,
        WireFileChange::Add {
            content: String::new(),
        },
    );
    let params = ApplyPatchApprovalParams {
        conversation_id: cid(),
        call_id: "k".into(),
        file_changes: changes,
        reason: None,
        grant_root: None,
        extra: Default::default(),
    };
    let err = Request::new::<ApplyPatchApproval>(RequestId::Number(0), &params).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot encode params for `applyPatchApproval`"),
        "{err}"
    );
}
