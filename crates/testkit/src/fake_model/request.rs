//! What the fake model received: every request, parsed, for tests to inspect.

use serde_json::Value;

/// One request the fake model received (any path, any method).
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// 0-based arrival order over all requests.
    pub index: usize,
    /// The HTTP method.
    pub method: String,
    /// The request path, e.g. `/v1/responses`.
    pub path: String,
    /// The headers, names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8): search it to prove a value was, or was never, sent.
    pub raw_body: String,
    /// The body parsed as JSON (`Null` when it is not JSON).
    pub body: Value,
    /// The script step that answered it (`None`: not a `/responses` call, or script exhausted).
    pub step: Option<usize>,
}

impl RecordedRequest {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `needle` appears anywhere in the headers or the body.
    pub fn contains(&self, needle: &str) -> bool {
        self.raw_body.contains(needle)
            || self
                .headers
                .iter()
                .any(|(k, v)| k.contains(needle) || v.contains(needle))
    }

    /// The `input` items of a Responses API request (empty if there are none).
    pub fn input(&self) -> &[Value] {
        self.body
            .get("input")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The names of the tools offered to the model.
    pub fn tool_names(&self) -> Vec<&str> {
        self.body
            .get("tools")
            .and_then(Value::as_array)
            .map(|tools| {
                tools
                    .iter()
                    .filter_map(|t| {
                        t.get("name")
                            .or_else(|| t.get("type"))
                            .and_then(Value::as_str)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The `output` text of the tool output for `call_id`, if this request carries it.
    ///
    /// Codex 0.39 sends the shell result as a JSON string (`{"output":…,"metadata":…}`) or,
    /// for a denied command, as plain text; this returns the raw `output` field either way.
    pub fn tool_output(&self, call_id: &str) -> Option<&str> {
        self.input().iter().find_map(|item| {
            let kind = item.get("type").and_then(Value::as_str)?;
            let is_output = kind == "function_call_output" || kind == "custom_tool_call_output";
            (is_output && item.get("call_id").and_then(Value::as_str) == Some(call_id))
                .then(|| item.get("output").and_then(Value::as_str))
                .flatten()
        })
    }

    /// The texts of the user messages in `input` (the prompt and Codex's context messages).
    pub fn user_texts(&self) -> Vec<&str> {
        self.input()
            .iter()
            .filter(|i| i.get("type").and_then(Value::as_str) == Some("message"))
            .filter(|i| i.get("role").and_then(Value::as_str) == Some("user"))
            .filter_map(|i| i.get("content").and_then(Value::as_array))
            .flatten()
            .filter_map(|c| c.get("text").and_then(Value::as_str))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(body: Value) -> RecordedRequest {
        RecordedRequest {
            index: 0,
            method: "POST".into(),
            path: "/v1/responses".into(),
            headers: vec![("authorization".into(), "Bearer sk-1".into())],
            raw_body: body.to_string(),
            body,
            step: Some(0),
        }
    }

    #[test]
    fn helpers_read_the_request() {
        let r = req(json!({
            "tools": [{"type": "function", "name": "shell"}, {"type": "local_shell"}],
            "input": [
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]},
                {"type": "function_call", "call_id": "c1"},
                {"type": "function_call_output", "call_id": "c1", "output": "out"},
            ],
        }));
        assert_eq!(r.tool_names(), vec!["shell", "local_shell"]);
        assert_eq!(r.tool_output("c1"), Some("out"));
        assert_eq!(r.tool_output("c2"), None);
        assert_eq!(r.user_texts(), vec!["hi"]);
        assert_eq!(r.header("Authorization"), Some("Bearer sk-1"));
        assert!(r.contains("sk-1"));
        assert!(r.contains("\"out\""));
        assert!(!r.contains("absent"));
        assert!(req(Value::Null).input().is_empty());
    }
}
