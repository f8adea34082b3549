//! The JSON-RPC 2.0 envelope, separate from every payload.
//!
//! A line is parsed once into [`Message`]: the envelope keys are read, and `params` / `result`
//! are kept as raw JSON text ([`RawValue`]) until the caller knows which method they belong to.
//! The typed payload is then decoded exactly once from that text (see
//! [`Request::params_as`](crate::Request::params_as)), never through an intermediate
//! `serde_json::Value`.
//!
//! Reading is lenient where the peers differ: `jsonrpc` may be missing (Codex app-server never
//! writes it), ids are numbers or strings, and requests are told from responses by the presence
//! of `method`, never by the id (Codex numbers its own requests from 0, in the same space as the
//! client's). Writing is exact: `jsonrpc` is written or not by a per-connection choice.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::error::{detail, DecodeError};

/// A JSON-RPC request id: a number or a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RequestId {
    /// An integer id (what Codex and most clients use).
    Number(i64),
    /// A string id (echoed back verbatim by Codex).
    String(String),
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestId::Number(n) => write!(f, "{n}"),
            RequestId::String(s) => f.write_str(s),
        }
    }
}

impl From<i64> for RequestId {
    fn from(n: i64) -> Self {
        RequestId::Number(n)
    }
}

impl From<String> for RequestId {
    fn from(s: String) -> Self {
        RequestId::String(s)
    }
}

impl From<&str> for RequestId {
    fn from(s: &str) -> Self {
        RequestId::String(s.to_owned())
    }
}

impl Serialize for RequestId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RequestId::Number(n) => serializer.serialize_i64(*n),
            RequestId::String(s) => serializer.serialize_str(s),
        }
    }
}

// Hand-written instead of `#[serde(untagged)]`: untagged enums buffer the input first, and the
// id is read on every line.
impl<'de> Deserialize<'de> for RequestId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = RequestId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string id")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RequestId, E> {
                Ok(RequestId::Number(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RequestId, E> {
                i64::try_from(v)
                    .map(RequestId::Number)
                    .map_err(|_| E::custom("id out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RequestId, E> {
                Ok(RequestId::String(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<RequestId, E> {
                Ok(RequestId::String(v))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// A request: it has an id and expects a response.
#[derive(Debug, Clone)]
pub struct Request {
    /// The id the response will carry.
    pub id: RequestId,
    /// The wire method name.
    pub method: String,
    /// The params as raw JSON, `None` when the key is absent.
    pub params: Option<Box<RawValue>>,
}

/// A notification: no id, no response.
#[derive(Debug, Clone)]
pub struct Notification {
    /// The wire method name.
    pub method: String,
    /// The params as raw JSON, `None` when the key is absent.
    pub params: Option<Box<RawValue>>,
}

/// A successful response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The id of the request this answers.
    pub id: RequestId,
    /// The result as raw JSON (may be the text `null`).
    pub result: Box<RawValue>,
}

/// The `error` member of an error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorObject {
    /// The JSON-RPC error code (`-32601` method not found, `-32600` invalid request, …).
    pub code: i64,
    /// The peer's message.
    pub message: String,
    /// Extra data, when the peer sent any (`Some(Null)` for an explicit `"data":null`).
    #[serde(
        default,
        deserialize_with = "present_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub data: Option<serde_json::Value>,
}

/// An error response.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    /// The id of the request this answers; `None` when the peer could not read the id.
    pub id: Option<RequestId>,
    /// What went wrong.
    pub error: ErrorObject,
}

/// One JSON-RPC message (one line of the stdio stream).
#[derive(Debug, Clone)]
pub enum Message {
    /// A request (has `method` and `id`).
    Request(Request),
    /// A notification (has `method`, no `id`).
    Notification(Notification),
    /// A successful response (has `result`).
    Response(Response),
    /// An error response (has `error`).
    Error(ErrorResponse),
}

/// `Some(raw)` whenever the key is present, even when its value is `null` (a plain
/// `Option<Box<RawValue>>` would turn `"result":null` into "no result").
fn present_raw<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Box<RawValue>>, D::Error> {
    Box::<RawValue>::deserialize(d).map(Some)
}

fn present_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

/// `Some(None)` for `"id":null`, `None` for no `id` key.
fn present_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<RequestId>>, D::Error> {
    Option::<RequestId>::deserialize(d).map(Some)
}

/// The envelope as read: every key optional, payloads kept raw.
#[derive(Deserialize)]
struct WireIn {
    #[serde(default, deserialize_with = "present_id")]
    id: Option<Option<RequestId>>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default, deserialize_with = "present_raw")]
    params: Option<Box<RawValue>>,
    #[serde(default, deserialize_with = "present_raw")]
    result: Option<Box<RawValue>>,
    #[serde(default)]
    error: Option<ErrorObject>,
}

impl Message {
    /// Decode one line (a trailing newline is allowed).
    ///
    /// `jsonrpc` is optional. A message with `method` is a request when it has a non-null `id`
    /// and a notification otherwise; without `method` it is an error response when it has
    /// `error`, and a response when it has `result` and an `id`. Any other object, any non-object
    /// and any invalid JSON is a [`DecodeError`]; no input panics.
    pub fn decode(line: &[u8]) -> Result<Message, DecodeError> {
        // A derived struct also accepts a JSON array (fields by position): refuse it up front.
        match line.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => {}
            Some(_) => {
                return Err(DecodeError::Syntax {
                    detail: "expected a json object".into(),
                });
            }
            None => {
                return Err(DecodeError::Syntax {
                    detail: "empty line".into(),
                })
            }
        }
        // Validate UTF-8 once up front (fast), then parse as `str`: serde_json's slice reader
        // would re-validate every string and the raw params again.
        let text = std::str::from_utf8(line).map_err(|e| DecodeError::Syntax {
            detail: format!("invalid utf-8 at byte {}", e.valid_up_to()),
        })?;
        let wire: WireIn = serde_json::from_str(text).map_err(|e| classify_error(&e))?;
        match wire.method {
            Some(method) => match wire.id {
                Some(Some(id)) => Ok(Message::Request(Request {
                    id,
                    method,
                    params: wire.params,
                })),
                _ => Ok(Message::Notification(Notification {
                    method,
                    params: wire.params,
                })),
            },
            None => match (wire.result, wire.error) {
                (Some(_), Some(_)) => Err(DecodeError::Envelope {
                    detail: "both `result` and `error` are present".into(),
                }),
                (None, Some(error)) => Ok(Message::Error(ErrorResponse {
                    id: wire.id.flatten(),
                    error,
                })),
                (Some(result), None) => match wire.id.flatten() {
                    Some(id) => Ok(Message::Response(Response { id, result })),
                    None => Err(DecodeError::Envelope {
                        detail: "a response without an `id`".into(),
                    }),
                },
                (None, None) => Err(DecodeError::Envelope {
                    detail: "none of `method`, `result` or `error` is present".into(),
                }),
            },
        }
    }

    /// Encode as one line of JSON without the trailing newline.
    ///
    /// `jsonrpc: true` writes `"jsonrpc":"2.0"` (MCP servers, `codex mcp`); `false` leaves it
    /// out (Codex app-server's "JSON-RPC lite"). Keys are written in the order
    /// `jsonrpc, id, method, params` / `jsonrpc, id, result|error`.
    pub fn encode(&self, jsonrpc: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len_hint());
        out.push(b'{');
        if jsonrpc {
            out.extend_from_slice(br#""jsonrpc":"2.0","#);
        }
        match self {
            Message::Request(r) => {
                out.extend_from_slice(br#""id":"#);
                write_id(&mut out, &r.id);
                out.extend_from_slice(br#","method":"#);
                write_str(&mut out, &r.method);
                if let Some(p) = &r.params {
                    out.extend_from_slice(br#","params":"#);
                    out.extend_from_slice(p.get().as_bytes());
                }
            }
            Message::Notification(n) => {
                out.extend_from_slice(br#""method":"#);
                write_str(&mut out, &n.method);
                if let Some(p) = &n.params {
                    out.extend_from_slice(br#","params":"#);
                    out.extend_from_slice(p.get().as_bytes());
                }
            }
            Message::Response(r) => {
                out.extend_from_slice(br#""id":"#);
                write_id(&mut out, &r.id);
                out.extend_from_slice(br#","result":"#);
                out.extend_from_slice(r.result.get().as_bytes());
            }
            Message::Error(e) => {
                out.extend_from_slice(br#""id":"#);
                match &e.id {
                    Some(id) => write_id(&mut out, id),
                    None => out.extend_from_slice(b"null"),
                }
                out.extend_from_slice(br#","error":{"code":"#);
                out.extend_from_slice(e.error.code.to_string().as_bytes());
                out.extend_from_slice(br#","message":"#);
                write_str(&mut out, &e.error.message);
                if let Some(data) = &e.error.data {
                    out.extend_from_slice(br#","data":"#);
                    // `Value`'s Display writes compact JSON and cannot fail.
                    out.extend_from_slice(data.to_string().as_bytes());
                }
                out.push(b'}');
            }
        }
        out.push(b'}');
        out
    }

    fn encoded_len_hint(&self) -> usize {
        48 + match self {
            Message::Request(r) => r.method.len() + r.params.as_ref().map_or(0, |p| p.get().len()),
            Message::Notification(n) => {
                n.method.len() + n.params.as_ref().map_or(0, |p| p.get().len())
            }
            Message::Response(r) => r.result.get().len(),
            Message::Error(e) => e.error.message.len() + 32,
        }
    }

    /// The method name for requests and notifications.
    pub fn method(&self) -> Option<&str> {
        match self {
            Message::Request(r) => Some(&r.method),
            Message::Notification(n) => Some(&n.method),
            Message::Response(_) | Message::Error(_) => None,
        }
    }
}

/// Tell a JSON syntax error from a well-formed object with an ill-typed envelope key.
fn classify_error(err: &serde_json::Error) -> DecodeError {
    match err.classify() {
        serde_json::error::Category::Data => DecodeError::Envelope {
            detail: detail(err),
        },
        _ => DecodeError::Syntax {
            detail: detail(err),
        },
    }
}

fn write_id(out: &mut Vec<u8>, id: &RequestId) {
    match id {
        RequestId::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        RequestId::String(s) => write_str(out, s),
    }
}

/// Write a JSON string literal (infallible, unlike going through a `Serializer`).
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&[u8]> = match b {
            b'"' => Some(br#"\""#),
            b'\\' => Some(br"\\"),
            b'\n' => Some(br"\n"),
            b'\r' => Some(br"\r"),
            b'\t' => Some(br"\t"),
            0x08 => Some(br"\b"),
            0x0c => Some(br"\f"),
            0..=0x1f => None,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        match escape {
            Some(e) => out.extend_from_slice(e),
            None => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> Message {
        Message::decode(s.as_bytes()).unwrap()
    }

    #[test]
    fn request_and_response_are_told_apart_by_method_not_id() {
        let req = decode(r#"{"id":1,"jsonrpc":"2.0","method":"execCommandApproval","params":{}}"#);
        assert!(matches!(req, Message::Request(ref r) if r.id == RequestId::Number(1)));
        let resp = decode(r#"{"id":1,"jsonrpc":"2.0","result":{}}"#);
        assert!(matches!(resp, Message::Response(_)));
    }

    #[test]
    fn jsonrpc_is_optional_and_ids_may_be_strings() {
        let m = decode(r#"{"id":"str-id-1","method":"ping"}"#);
        assert!(matches!(m, Message::Request(ref r) if r.id == RequestId::from("str-id-1")));
        let n = decode(r#"{"method":"codex/event/task_started","params":{"id":"0"}}"#);
        assert!(matches!(n, Message::Notification(ref n) if n.params.is_some()));
    }

    #[test]
    fn null_result_is_kept_as_a_result() {
        let m = decode(r#"{"id":3,"result":null}"#);
        match m {
            Message::Response(r) => assert_eq!(r.result.get(), "null"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_with_null_id() {
        let m = decode(r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse"}}"#);
        assert!(matches!(m, Message::Error(ErrorResponse { id: None, .. })));
    }

    #[test]
    fn rejects_non_messages_with_typed_errors() {
        for bad in [
            "",
            "   ",
            "[1,2]",
            "42",
            "{",
            r#"{"id":1}"#,
            r#"{"result":{}}"#,
            r#"{"id":1,"result":{},"error":{"code":1,"message":"x"}}"#,
            r#"{"id":1.5,"method":"x"}"#,
            r#"{"id":true,"method":"x"}"#,
        ] {
            assert!(Message::decode(bad.as_bytes()).is_err(), "{bad}");
        }
        assert!(matches!(
            Message::decode(b"nope"),
            Err(DecodeError::Syntax { .. })
        ));
        assert!(matches!(
            Message::decode(br#"{"id":1}"#),
            Err(DecodeError::Envelope { .. })
        ));
    }

    #[test]
    fn trailing_newlines_are_fine_and_invalid_utf8_is_a_syntax_error() {
        assert!(Message::decode(b"{\"method\":\"ping\"}\r\n").is_ok());
        let err = Message::decode(b"{\"method\":\"p\xffing\"}").unwrap_err();
        assert_eq!(
            err,
            DecodeError::Syntax {
                detail: "invalid utf-8 at byte 12".into()
            }
        );
    }

    #[test]
    fn encode_writes_jsonrpc_only_when_asked() {
        let m = decode(r#"{"id":0,"result":{"decision":"approved"}}"#);
        assert_eq!(
            m.encode(true),
            br#"{"jsonrpc":"2.0","id":0,"result":{"decision":"approved"}}"#
        );
        assert_eq!(
            m.encode(false),
            br#"{"id":0,"result":{"decision":"approved"}}"#
        );
    }

    #[test]
    fn encode_escapes_strings() {
        let m = Message::Error(ErrorResponse {
            id: Some(RequestId::String("a\"b\u{1}".into())),
            error: ErrorObject {
                code: -1,
                message: "line\nbreak\\".into(),
                data: None,
            },
        });
        let line = m.encode(true);
        let v: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(v["id"], "a\"b\u{1}");
        assert_eq!(v["error"]["message"], "line\nbreak\\");
    }
}
