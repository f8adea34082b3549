//! What the fake model answers: a [`Script`] of [`Step`]s, each one model response.
//!
//! A step is a list of parts played in order inside one SSE stream: output items (a `shell`
//! call, an apply_patch, an assistant message, any function call, a raw item), pauses
//! ([`Step::delay`]) and a [`Step::hang`] that holds the stream open until the test releases
//! it or the client goes away. A step can instead be a whole-response failure: an HTTP error
//! status or a `response.failed` event.
//!
//! Items are rendered against the `tools` array of the request that asked for them, because
//! the tool the model must call changes with the Codex version (see
//! `shared/reference/codex-protocol.md`, surprise 8): codex ≤0.90 offers `shell` with an argv
//! `command`, newer versions `exec_command` with a string `cmd`; apply_patch goes through the
//! shell tool as `["apply_patch", PATCH]` unless the request offers an `apply_patch` tool.
//! [`Step::event`] sends any other SSE event as given (deltas, reasoning).

use std::time::Duration;

use serde_json::{json, Map, Value};

/// How the fake model picks the step that answers a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Selection {
    /// Step `n` answers the `n`-th request to `/responses` (0-based), whatever it contains.
    #[default]
    Sequence,
    /// Step `n` answers a request whose `input` carries `n` tool outputs
    /// (`function_call_output` / `custom_tool_call_output` items). Robust to retries and to
    /// several conversations running the same script in parallel, as long as every step but
    /// the last makes exactly one call.
    ByToolOutputs,
}

/// The scripted responses of one fake model (see the module docs).
#[derive(Debug, Clone)]
pub struct Script {
    pub(crate) steps: Vec<Step>,
    pub(crate) selection: Selection,
    pub(crate) exhausted: Step,
}

impl Script {
    /// A script that answers the `n`-th request with the `n`-th step.
    ///
    /// Call ids left unset are numbered over the whole script: `call_exec_1`, `call_patch_2`,
    /// `call_fn_3`, … (the n-th call item of the script gets suffix n), so a test knows them
    /// in advance.
    pub fn new(steps: impl IntoIterator<Item = Step>) -> Script {
        let mut steps: Vec<Step> = steps.into_iter().collect();
        let mut n = 0;
        for step in &mut steps {
            for part in &mut step.parts {
                if let Part::Item(item) = part {
                    item.number_call(&mut n);
                }
            }
        }
        Script {
            steps,
            selection: Selection::Sequence,
            exhausted: Step::new().message("fake model: script exhausted"),
        }
    }

    /// Picks steps by counting the tool outputs in the request (see [`Selection::ByToolOutputs`]).
    pub fn select_by_tool_outputs(mut self) -> Script {
        self.selection = Selection::ByToolOutputs;
        self
    }

    /// The step served when the script has no step for a request (default: an assistant
    /// message `fake model: script exhausted`, which ends the turn visibly).
    pub fn when_exhausted(mut self, step: Step) -> Script {
        self.exhausted = step;
        self
    }

    /// The number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the script has no step at all.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The step index for a request (`seq` = 0-based request number), or `None` when exhausted.
    pub(crate) fn select(&self, seq: usize, body: &Value) -> Option<usize> {
        let n = match self.selection {
            Selection::Sequence => seq,
            Selection::ByToolOutputs => count_tool_outputs(body),
        };
        (n < self.steps.len()).then_some(n)
    }
}

fn count_tool_outputs(body: &Value) -> usize {
    body.get("input")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter(|i| {
                    matches!(
                        i.get("type").and_then(Value::as_str),
                        Some("function_call_output" | "custom_tool_call_output")
                    )
                })
                .count()
        })
        .unwrap_or(0)
}

/// One model response (see the module docs). Build it with the chained methods.
#[derive(Debug, Clone, Default)]
pub struct Step {
    pub(crate) parts: Vec<Part>,
    pub(crate) failure: Option<Failure>,
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    Item(Item),
    Event(Value),
    Delay(Duration),
    Hang,
}

#[derive(Debug, Clone)]
pub(crate) enum Failure {
    Http { status: u16, body: String },
    RawBody(String),
    ResponseFailed { code: String, message: String },
}

impl Step {
    /// An empty response (only `response.created` and `response.completed`).
    pub fn new() -> Step {
        Step::default()
    }

    /// Adds an output item.
    pub fn item(mut self, item: Item) -> Step {
        self.parts.push(Part::Item(item));
        self
    }

    /// Adds a `shell` call running `argv` (see [`Item::shell`]).
    pub fn shell<S: Into<String>>(self, argv: impl IntoIterator<Item = S>) -> Step {
        self.item(Item::shell(argv))
    }

    /// Adds an apply_patch call with `patch` (`*** Begin Patch` … `*** End Patch`).
    pub fn patch(self, patch: impl Into<String>) -> Step {
        self.item(Item::patch(patch))
    }

    /// Adds an assistant message.
    pub fn message(self, text: impl Into<String>) -> Step {
        self.item(Item::message(text))
    }

    /// Adds a call of the function `name` with JSON `arguments` (e.g. an MCP tool).
    pub fn function_call(self, name: impl Into<String>, arguments: Value) -> Step {
        self.item(Item::function_call(name, arguments))
    }

    /// Sends a raw SSE event (its `type` names the event), e.g. a
    /// `response.output_text.delta` that makes Codex stream `agent_message_delta`s.
    pub fn event(mut self, event: Value) -> Step {
        self.parts.push(Part::Event(event));
        self
    }

    /// Pauses the stream for `duration` at this point.
    pub fn delay(mut self, duration: Duration) -> Step {
        self.parts.push(Part::Delay(duration));
        self
    }

    /// Holds the stream open at this point until [`FakeModel::release_hangs`] is called or
    /// the client disconnects; after a release the remaining parts are played.
    ///
    /// [`FakeModel::release_hangs`]: super::FakeModel::release_hangs
    pub fn hang(mut self) -> Step {
        self.parts.push(Part::Hang);
        self
    }

    /// Answers with HTTP `status` and a JSON error body carrying `message` (no stream).
    pub fn http_error(status: u16, message: impl Into<String>) -> Step {
        let body = json!({"error": {"message": message.into(), "type": "fake_model_error"}});
        Step {
            parts: Vec::new(),
            failure: Some(Failure::Http {
                status,
                body: body.to_string(),
            }),
        }
    }

    /// Answers `200 text/event-stream` with exactly `body`, then closes: for malformed or
    /// truncated streams (nothing is added, not even `response.created`).
    pub fn raw_sse(body: impl Into<String>) -> Step {
        Step {
            parts: Vec::new(),
            failure: Some(Failure::RawBody(body.into())),
        }
    }

    /// Streams `response.created` then `response.failed` with `code` and `message`.
    pub fn response_failed(code: impl Into<String>, message: impl Into<String>) -> Step {
        Step {
            parts: Vec::new(),
            failure: Some(Failure::ResponseFailed {
                code: code.into(),
                message: message.into(),
            }),
        }
    }
}

/// One output item of a model response.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A command run through the shell tool.
    Shell(ShellCall),
    /// A patch in the apply_patch format.
    ApplyPatch {
        /// The patch text, `*** Begin Patch` … `*** End Patch`.
        patch: String,
        /// The call id (`call_patch_<n>` when `None`).
        call_id: Option<String>,
    },
    /// An assistant message.
    Message(String),
    /// A call of any function tool, e.g. an MCP tool Codex exposes to the model.
    FunctionCall {
        /// The tool name.
        name: String,
        /// The arguments (sent as a JSON string, as the Responses API does).
        arguments: Value,
        /// The call id (`call_fn_<n>` when `None`).
        call_id: Option<String>,
    },
    /// An output item sent exactly as given.
    Raw(Value),
}

/// A `shell` call (see [`Item::shell`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShellCall {
    /// The command as argv.
    pub command: Vec<String>,
    /// The `workdir` argument.
    pub workdir: Option<String>,
    /// The `justification` argument (the model's reason, shown in approval requests).
    pub justification: Option<String>,
    /// The `timeout_ms` argument.
    pub timeout_ms: Option<u64>,
    /// The call id (`call_exec_<n>` when `None`).
    pub call_id: Option<String>,
}

impl Item {
    /// A shell call running `argv`; refine it with [`Item::workdir`], [`Item::justification`].
    pub fn shell<S: Into<String>>(argv: impl IntoIterator<Item = S>) -> Item {
        Item::Shell(ShellCall {
            command: argv.into_iter().map(Into::into).collect(),
            ..ShellCall::default()
        })
    }

    /// An apply_patch call.
    pub fn patch(patch: impl Into<String>) -> Item {
        Item::ApplyPatch {
            patch: patch.into(),
            call_id: None,
        }
    }

    /// An assistant message.
    pub fn message(text: impl Into<String>) -> Item {
        Item::Message(text.into())
    }

    /// A call of the function tool `name`.
    pub fn function_call(name: impl Into<String>, arguments: Value) -> Item {
        Item::FunctionCall {
            name: name.into(),
            arguments,
            call_id: None,
        }
    }

    /// Sets the `workdir` of a shell call (no effect on other items).
    pub fn workdir(mut self, dir: impl Into<String>) -> Item {
        if let Item::Shell(call) = &mut self {
            call.workdir = Some(dir.into());
        }
        self
    }

    /// Sets the `justification` of a shell call (no effect on other items).
    pub fn justification(mut self, why: impl Into<String>) -> Item {
        if let Item::Shell(call) = &mut self {
            call.justification = Some(why.into());
        }
        self
    }

    /// Sets the call id of a call item (no effect on messages and raw items).
    pub fn call_id(mut self, id: impl Into<String>) -> Item {
        let id = Some(id.into());
        match &mut self {
            Item::Shell(call) => call.call_id = id,
            Item::ApplyPatch { call_id, .. } | Item::FunctionCall { call_id, .. } => *call_id = id,
            Item::Message(_) | Item::Raw(_) => {}
        }
        self
    }

    fn number_call(&mut self, n: &mut usize) {
        let (slot, kind) = match self {
            Item::Shell(call) => (&mut call.call_id, "exec"),
            Item::ApplyPatch { call_id, .. } => (call_id, "patch"),
            Item::FunctionCall { call_id, .. } => (call_id, "fn"),
            Item::Message(_) | Item::Raw(_) => return,
        };
        *n += 1;
        if slot.is_none() {
            *slot = Some(format!("call_{kind}_{n}"));
        }
    }

    /// The output item JSON for a request that offered `tools`; `msg_id` names messages.
    pub(crate) fn render(&self, tools: &Tools, msg_id: &str) -> Value {
        match self {
            Item::Shell(call) => {
                let call_id = call.call_id.clone().unwrap_or_else(|| "call_exec".into());
                let mut args = Map::new();
                let name = if tools.exec_command && !tools.shell {
                    args.insert("cmd".into(), Value::String(shell_join(&call.command)));
                    "exec_command"
                } else {
                    args.insert("command".into(), json!(call.command));
                    "shell"
                };
                if let Some(w) = &call.workdir {
                    args.insert("workdir".into(), json!(w));
                }
                if let Some(j) = &call.justification {
                    args.insert("justification".into(), json!(j));
                }
                if let Some(t) = call.timeout_ms {
                    args.insert("timeout_ms".into(), json!(t));
                }
                function_call(name, &Value::Object(args), &call_id)
            }
            Item::ApplyPatch { patch, call_id } => {
                let call_id = call_id.clone().unwrap_or_else(|| "call_patch".into());
                match tools.apply_patch {
                    Some(ApplyPatchTool::Custom) => json!({
                        "type": "custom_tool_call", "name": "apply_patch",
                        "input": patch, "call_id": call_id,
                    }),
                    Some(ApplyPatchTool::Function) => {
                        function_call("apply_patch", &json!({ "input": patch }), &call_id)
                    }
                    None if tools.exec_command && !tools.shell => {
                        let cmd = format!("apply_patch <<'EOF'\n{patch}\nEOF\n");
                        function_call("exec_command", &json!({ "cmd": cmd }), &call_id)
                    }
                    None => function_call(
                        "shell",
                        &json!({ "command": ["apply_patch", patch] }),
                        &call_id,
                    ),
                }
            }
            Item::Message(text) => json!({
                "type": "message", "role": "assistant", "id": msg_id,
                "content": [{"type": "output_text", "text": text}],
            }),
            Item::FunctionCall {
                name,
                arguments,
                call_id,
            } => {
                let call_id = call_id.clone().unwrap_or_else(|| "call_fn".into());
                function_call(name, arguments, &call_id)
            }
            Item::Raw(v) => v.clone(),
        }
    }
}

fn function_call(name: &str, arguments: &Value, call_id: &str) -> Value {
    json!({
        "type": "function_call",
        "name": name,
        "arguments": arguments.to_string(),
        "call_id": call_id,
    })
}

/// Quotes argv for a POSIX shell (only for the string-command tools of newer Codex versions).
fn shell_join(argv: &[String]) -> String {
    let quote = |a: &String| {
        let safe = !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
        if safe {
            a.clone()
        } else {
            format!("'{}'", a.replace('\'', r"'\''"))
        }
    };
    argv.iter().map(quote).collect::<Vec<_>>().join(" ")
}

/// How the request lets the model call tools (read from its `tools` array).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tools {
    pub(crate) shell: bool,
    pub(crate) exec_command: bool,
    pub(crate) apply_patch: Option<ApplyPatchTool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApplyPatchTool {
    Custom,
    Function,
}

impl Tools {
    pub(crate) fn of(body: &Value) -> Tools {
        let mut tools = Tools::default();
        let Some(list) = body.get("tools").and_then(Value::as_array) else {
            return tools;
        };
        for tool in list {
            let name = tool.get("name").and_then(Value::as_str).unwrap_or("");
            let kind = tool.get("type").and_then(Value::as_str).unwrap_or("");
            match (name, kind) {
                ("shell", _) | ("", "local_shell") => tools.shell = true,
                ("exec_command", _) => tools.exec_command = true,
                ("apply_patch", "custom") => tools.apply_patch = Some(ApplyPatchTool::Custom),
                ("apply_patch", _) => tools.apply_patch = Some(ApplyPatchTool::Function),
                _ => {}
            }
        }
        tools
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &Value) -> Value {
        serde_json::from_str(v["arguments"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn call_ids_are_numbered_over_the_script() {
        let script = Script::new([
            Step::new().shell(["touch", "x"]),
            Step::new().patch("p"),
            Step::new().message("done"),
        ]);
        let tools = Tools {
            shell: true,
            ..Tools::default()
        };
        let ids: Vec<Value> = script
            .steps
            .iter()
            .flat_map(|s| s.parts.iter())
            .filter_map(|p| match p {
                Part::Item(i) => Some(i.render(&tools, "m")),
                _ => None,
            })
            .map(|v| v["call_id"].clone())
            .collect();
        assert_eq!(
            ids,
            vec![json!("call_exec_1"), json!("call_patch_2"), Value::Null]
        );
    }

    #[test]
    fn explicit_call_id_wins() {
        let script = Script::new([Step::new().item(Item::shell(["ls"]).call_id("mine"))]);
        let Part::Item(item) = &script.steps[0].parts[0] else {
            panic!()
        };
        assert_eq!(item.render(&Tools::default(), "m")["call_id"], "mine");
    }

    #[test]
    fn shell_argv_tool_gets_argv_and_patch_through_shell() {
        let body = json!({"tools": [{"type": "function", "name": "shell"}]});
        let tools = Tools::of(&body);
        let shell = Item::shell(["touch", "a b"])
            .workdir("/w")
            .justification("why")
            .call_id("c");
        let v = shell.render(&tools, "m");
        assert_eq!(v["name"], "shell");
        assert_eq!(
            args(&v),
            json!({"command": ["touch", "a b"], "workdir": "/w", "justification": "why"})
        );
        let v = Item::patch("PATCH").call_id("p").render(&tools, "m");
        assert_eq!(v["name"], "shell");
        assert_eq!(args(&v), json!({"command": ["apply_patch", "PATCH"]}));
    }

    #[test]
    fn newer_exec_command_tool_gets_a_quoted_string() {
        let body = json!({"tools": [{"type": "function", "name": "exec_command"}]});
        let tools = Tools::of(&body);
        let v = Item::shell(["echo", "it's", "ok"])
            .call_id("c")
            .render(&tools, "m");
        assert_eq!(v["name"], "exec_command");
        assert_eq!(args(&v)["cmd"], r"echo 'it'\''s' ok");
        let v = Item::patch("P").call_id("p").render(&tools, "m");
        assert_eq!(args(&v)["cmd"], "apply_patch <<'EOF'\nP\nEOF\n");
    }

    #[test]
    fn apply_patch_tool_is_used_when_offered() {
        let custom = Tools::of(&json!({"tools": [{"type": "custom", "name": "apply_patch"}]}));
        let v = Item::patch("P").call_id("p").render(&custom, "m");
        assert_eq!(v["type"], "custom_tool_call");
        assert_eq!(v["input"], "P");
        let func = Tools::of(&json!({"tools": [{"type": "function", "name": "apply_patch"}]}));
        let v = Item::patch("P").call_id("p").render(&func, "m");
        assert_eq!(args(&v), json!({"input": "P"}));
    }

    #[test]
    fn selection_by_tool_outputs_counts_outputs() {
        let script = Script::new([Step::new(), Step::new()]).select_by_tool_outputs();
        let none = json!({"input": [{"type": "message"}]});
        let one = json!({"input": [{"type": "function_call"}, {"type": "function_call_output"}]});
        let two = json!({"input": [{"type": "function_call_output"}, {"type": "custom_tool_call_output"}]});
        assert_eq!(script.select(7, &none), Some(0));
        assert_eq!(script.select(0, &one), Some(1));
        assert_eq!(script.select(0, &two), None);
        let seq = Script::new([Step::new(), Step::new()]);
        assert_eq!(seq.select(1, &none), Some(1));
        assert_eq!(seq.select(2, &none), None);
    }
}
