//! TEMPORARY stand-in for `mcp-proto`'s envelope (same names as its CONTRACT.md), used until
//! that crate's first commit lands; then this file goes and `use crate::wire` becomes
//! `use mcp_proto`.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// A JSON-RPC id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum RequestId {
    Number(i64),
    String(String),
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RequestId::Number(n) => write!(f, "{n}"),
            RequestId::String(s) => f.write_str(s),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) id: RequestId,
    pub(crate) method: String,
    pub(crate) params: Option<Box<RawValue>>,
}

#[derive(Debug)]
pub(crate) struct Notification {
    pub(crate) method: String,
    pub(crate) params: Option<Box<RawValue>>,
}

#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) id: RequestId,
    pub(crate) result: Box<RawValue>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ErrorObject {
    pub(crate) code: i64,
    pub(crate) message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) data: Option<serde_json::Value>,
}

#[derive(Debug)]
pub(crate) struct ErrorResponse {
    pub(crate) id: Option<RequestId>,
    pub(crate) error: ErrorObject,
}

#[derive(Debug)]
pub(crate) enum Message {
    Request(Request),
    Notification(Notification),
    Response(Response),
    Error(ErrorResponse),
}

#[derive(Deserialize)]
struct Raw<'a> {
    #[serde(default)]
    id: Option<RequestId>,
    #[serde(default, borrow)]
    method: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    params: Option<Box<RawValue>>,
    #[serde(default)]
    result: Option<Box<RawValue>>,
    #[serde(default)]
    error: Option<ErrorObject>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct DecodeError(String);

impl Message {
    pub(crate) fn decode(line: &[u8]) -> Result<Message, DecodeError> {
        let raw: Raw<'_> = serde_json::from_slice(line).map_err(|e| DecodeError(e.to_string()))?;
        match (raw.method, raw.id, raw.result, raw.error) {
            (Some(method), Some(id), _, _) => Ok(Message::Request(Request {
                id,
                method: method.into_owned(),
                params: raw.params,
            })),
            (Some(method), None, _, _) => Ok(Message::Notification(Notification {
                method: method.into_owned(),
                params: raw.params,
            })),
            (None, id, _, Some(error)) => Ok(Message::Error(ErrorResponse { id, error })),
            (None, Some(id), Some(result), None) => Ok(Message::Response(Response { id, result })),
            _ => Err(DecodeError(
                "neither a request, a notification nor a response".into(),
            )),
        }
    }

    pub(crate) fn encode(&self, jsonrpc: bool) -> Vec<u8> {
        #[derive(Serialize)]
        struct Out<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            jsonrpc: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            id: Option<&'a RequestId>,
            #[serde(skip_serializing_if = "Option::is_none")]
            method: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            params: Option<&'a RawValue>,
            #[serde(skip_serializing_if = "Option::is_none")]
            result: Option<&'a RawValue>,
            #[serde(skip_serializing_if = "Option::is_none")]
            error: Option<&'a ErrorObject>,
        }
        let v = jsonrpc.then_some("2.0");
        let out = match self {
            Message::Request(r) => Out {
                jsonrpc: v,
                id: Some(&r.id),
                method: Some(&r.method),
                params: r.params.as_deref(),
                result: None,
                error: None,
            },
            Message::Notification(n) => Out {
                jsonrpc: v,
                id: None,
                method: Some(&n.method),
                params: n.params.as_deref(),
                result: None,
                error: None,
            },
            Message::Response(r) => Out {
                jsonrpc: v,
                id: Some(&r.id),
                method: None,
                params: None,
                result: Some(&r.result),
                error: None,
            },
            Message::Error(e) => Out {
                jsonrpc: v,
                id: e.id.as_ref(),
                method: None,
                params: None,
                result: None,
                error: Some(&e.error),
            },
        };
        serde_json::to_vec(&out).unwrap_or_default()
    }
}
