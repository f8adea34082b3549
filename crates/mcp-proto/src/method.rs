//! Methods are types.
//!
//! Each wire method is an uninhabited marker type that implements [`RequestMethod`] or
//! [`NotificationMethod`], naming its wire string and its payload types (the lsp-types
//! pattern). A response is decoded with the `Result` type of the request it answers, which the
//! caller knows from the id it sent, never by guessing between shapes.
//!
//! All marker types come out of one table ([`METHODS`], declared once in `table.rs` with the
//! `method_table!` macro), so the list of methods, their direction and their payload types
//! cannot drift apart. A later protocol generation (`codex app-server` v2) adds rows and a
//! [`MethodFamily`] variant; nothing existing changes.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::error::{detail, truncate, DecodeError, EncodeError};
use crate::jsonrpc::{Notification, Request, RequestId, Response};

/// A request method: wire name, params type and result type.
pub trait RequestMethod {
    /// The wire name (`"newConversation"`, `"tools/call"`, …).
    const METHOD: &'static str;
    /// The `params` payload.
    type Params: Serialize + DeserializeOwned + Send + 'static;
    /// The `result` payload of a successful response.
    type Result: Serialize + DeserializeOwned + Send + 'static;
}

/// A notification method: wire name and params type.
pub trait NotificationMethod {
    /// The wire name (`"notifications/initialized"`, `"codex/event"`, …).
    const METHOD: &'static str;
    /// The `params` payload.
    type Params: Serialize + DeserializeOwned + Send + 'static;

    /// Whether a notification with this wire name is one of this type (exact match, except
    /// for families such as `codex/event/<type>`).
    fn matches(method: &str) -> bool {
        method == Self::METHOD
            || (Self::METHOD == crate::codex::EVENT_METHOD
                && method.starts_with(crate::codex::EVENT_METHOD_PREFIX))
    }
}

/// Which family of wire methods a method belongs to: the rows one kind of Codex server knows.
///
/// A family is not a protocol generation (those are `codex_session::Protocol`): a generation
/// speaks several families (the MCP handshake plus the conversation API, the app-server
/// handshake plus v2), and one family serves several generations (the conversation API rows
/// are spoken by `codex mcp` and by app-server v1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MethodFamily {
    /// Standard Model Context Protocol (what every MCP server speaks, `codex mcp` included).
    Mcp,
    /// The Codex conversation API and events of `codex mcp` 0.22–0.42 (v1); also what
    /// `codex app-server` 0.44–0.107 accepts from the client for v1.
    Conversation,
    /// `codex app-server` handshake (v1 and v2): `initialize` with `clientInfo`, `initialized`.
    AppServer,
    /// `codex app-server` v1 (0.44–0.107): camelCase approval requests, `type`-tagged
    /// `sendUserTurn`.
    AppServerV1,
    /// `codex app-server` v2 (0.57+): `thread/*`, `turn/*`, `item/*`.
    AppServerV2,
}

impl MethodFamily {
    /// Families a `codex mcp` / `codex mcp-server` connection speaks, in lookup order.
    pub const MCP_SERVER: &'static [MethodFamily] =
        &[MethodFamily::Mcp, MethodFamily::Conversation];
    /// Families a `codex app-server` connection speaks, in lookup order: a wire name both
    /// app-server and `codex mcp` know (`initialize`, `execCommandApproval`) finds the
    /// app-server row.
    pub const APP_SERVER: &'static [MethodFamily] = &[
        MethodFamily::AppServer,
        MethodFamily::AppServerV2,
        MethodFamily::AppServerV1,
        MethodFamily::Conversation,
    ];
}

/// Who sends a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The client (we) sends it to the server (Codex).
    ClientToServer,
    /// The server sends it to the client.
    ServerToClient,
    /// Either side may send it.
    Both,
}

/// Request or notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MethodKind {
    /// Has an id and a response.
    Request,
    /// Fire and forget.
    Notification,
}

type CheckFn = fn(&str, Option<&RawValue>) -> Result<(), DecodeError>;
type ReencodeFn = fn(&str, Option<&RawValue>) -> Result<Option<Box<RawValue>>, DecodeError>;

/// One row of the method table.
#[derive(Debug, Clone, Copy)]
pub struct MethodInfo {
    /// The wire name.
    pub method: &'static str,
    /// Request or notification.
    pub kind: MethodKind,
    /// Who sends it.
    pub direction: Direction,
    /// Which family it belongs to.
    pub family: MethodFamily,
    /// The Rust marker type.
    pub type_name: &'static str,
    /// The Rust params type.
    pub params: &'static str,
    /// The Rust result type (requests only).
    pub result: Option<&'static str>,
    pub(crate) check_params: CheckFn,
    pub(crate) check_result: Option<CheckFn>,
    pub(crate) reencode_params: ReencodeFn,
    pub(crate) reencode_result: Option<ReencodeFn>,
}

impl MethodInfo {
    /// Decode `params` with this method's params type and drop the value: `Ok` when a typed
    /// decode would succeed. For replay tools, fuzzing and diagnostics.
    pub fn check_params(&self, params: Option<&RawValue>) -> Result<(), DecodeError> {
        (self.check_params)(self.method, params)
    }

    /// Decode a `result` with this method's result type and drop it. `None` for notifications.
    pub fn check_result(&self, result: &RawValue) -> Option<Result<(), DecodeError>> {
        self.check_result
            .map(|check| check(self.method, Some(result)))
    }

    /// Decode `params` with the typed params and encode the value again: what this crate
    /// would write for the same content (`None` = no params key). Replay tests compare it with
    /// what a peer sent.
    pub fn reencode_params(
        &self,
        params: Option<&RawValue>,
    ) -> Result<Option<Box<RawValue>>, DecodeError> {
        (self.reencode_params)(self.method, params)
    }

    /// Decode a `result` with the typed result and encode it again. `None` for notifications.
    pub fn reencode_result(
        &self,
        result: &RawValue,
    ) -> Option<Result<Option<Box<RawValue>>, DecodeError>> {
        self.reencode_result.map(|f| f(self.method, Some(result)))
    }
}

fn table_key(method: &str) -> &str {
    if method.starts_with(crate::codex::EVENT_METHOD_PREFIX) {
        crate::codex::EVENT_METHOD
    } else {
        method
    }
}

/// Look a wire method up in [`METHODS`]: the first row with that name (the `codex mcp` one
/// for names app-server reuses; see [`method_info_in`]). `codex/event/<type>` finds the
/// `codex/event` row.
pub fn method_info(method: &str) -> Option<&'static MethodInfo> {
    let key = table_key(method);
    crate::table::METHODS.iter().find(|m| m.method == key)
}

/// Look a wire method up among the rows of `families`, trying them in order
/// ([`MethodFamily::MCP_SERVER`], [`MethodFamily::APP_SERVER`]). The same wire name can mean different
/// shapes on different servers (`initialize`, `execCommandApproval`).
pub fn method_info_in(families: &[MethodFamily], method: &str) -> Option<&'static MethodInfo> {
    let key = table_key(method);
    families.iter().find_map(|p| {
        crate::table::METHODS
            .iter()
            .find(|m| m.family == *p && m.method == key)
    })
}

pub use crate::table::METHODS;

/// Decode params text (absent params decode as `null`).
pub(crate) fn decode_params<T: DeserializeOwned>(
    method: &str,
    raw: Option<&RawValue>,
) -> Result<T, DecodeError> {
    serde_json::from_str(raw.map_or("null", RawValue::get)).map_err(|e| DecodeError::Params {
        method: truncate(method),
        detail: detail(&e),
    })
}

pub(crate) fn decode_result<T: DeserializeOwned>(
    method: &str,
    raw: Option<&RawValue>,
) -> Result<T, DecodeError> {
    serde_json::from_str(raw.map_or("null", RawValue::get)).map_err(|e| DecodeError::Result {
        method: truncate(method),
        detail: detail(&e),
    })
}

pub(crate) fn check_params<T: DeserializeOwned>(
    method: &str,
    raw: Option<&RawValue>,
) -> Result<(), DecodeError> {
    decode_params::<T>(method, raw).map(drop)
}

pub(crate) fn check_result<T: DeserializeOwned>(
    method: &str,
    raw: Option<&RawValue>,
) -> Result<(), DecodeError> {
    decode_result::<T>(method, raw).map(drop)
}

pub(crate) fn reencode_params<T: DeserializeOwned + Serialize>(
    method: &str,
    raw: Option<&RawValue>,
) -> Result<Option<Box<RawValue>>, DecodeError> {
    let value: T = decode_params(method, raw)?;
    let raw = serde_json::value::to_raw_value(&value).map_err(|e| DecodeError::Params {
        method: truncate(method),
        detail: detail(&e),
    })?;
    Ok((raw.get() != "null").then_some(raw))
}

pub(crate) fn reencode_result<T: DeserializeOwned + Serialize>(
    method: &str,
    raw: Option<&RawValue>,
) -> Result<Option<Box<RawValue>>, DecodeError> {
    let value: T = decode_result(method, raw)?;
    serde_json::value::to_raw_value(&value)
        .map(Some)
        .map_err(|e| DecodeError::Result {
            method: truncate(method),
            detail: detail(&e),
        })
}

/// Serialize params; `null` means "no params key".
fn encode_params<T: Serialize>(
    method: &'static str,
    params: &T,
) -> Result<Option<Box<RawValue>>, EncodeError> {
    let raw = serde_json::value::to_raw_value(params).map_err(|e| EncodeError::Params {
        method,
        detail: detail(&e),
    })?;
    Ok((raw.get() != "null").then_some(raw))
}

impl Request {
    /// A request for method `M` with typed params. Params that serialize to `null` (for
    /// example `None`) leave the `params` key out.
    pub fn new<M: RequestMethod>(
        id: RequestId,
        params: &M::Params,
    ) -> Result<Request, EncodeError> {
        Ok(Request {
            id,
            method: M::METHOD.to_owned(),
            params: encode_params(M::METHOD, params)?,
        })
    }

    /// Decode the params as method `M`'s params type (absent params decode as `null`).
    pub fn params_as<M: RequestMethod>(&self) -> Result<M::Params, DecodeError> {
        if self.method != M::METHOD {
            return Err(DecodeError::MethodMismatch {
                expected: M::METHOD,
                found: truncate(&self.method),
            });
        }
        decode_params(M::METHOD, self.params.as_deref())
    }
}

impl Response {
    /// A response to a request of method `M`.
    pub fn new<M: RequestMethod>(
        id: RequestId,
        result: &M::Result,
    ) -> Result<Response, EncodeError> {
        let result = serde_json::value::to_raw_value(result).map_err(|e| EncodeError::Result {
            method: M::METHOD,
            detail: detail(&e),
        })?;
        Ok(Response { id, result })
    }

    /// Decode the result as the result type of `M`, the method of the request this answers.
    pub fn result_as<M: RequestMethod>(&self) -> Result<M::Result, DecodeError> {
        decode_result(M::METHOD, Some(&self.result))
    }
}

impl Notification {
    /// A notification of method `M` with typed params.
    pub fn new<M: NotificationMethod>(params: &M::Params) -> Result<Notification, EncodeError> {
        Ok(Notification {
            method: M::METHOD.to_owned(),
            params: encode_params(M::METHOD, params)?,
        })
    }

    /// Decode the params as method `M`'s params type.
    pub fn params_as<M: NotificationMethod>(&self) -> Result<M::Params, DecodeError> {
        if !M::matches(&self.method) {
            return Err(DecodeError::MethodMismatch {
                expected: M::METHOD,
                found: truncate(&self.method),
            });
        }
        decode_params(&self.method, self.params.as_deref())
    }
}

/// Declares the method table: one marker type per row plus the [`METHODS`] const.
///
/// Row syntax: `/// docs` then
/// `Name = request "wire", MethodFamily, Direction, Params => Result;` or
/// `Name = notification "wire", MethodFamily, Direction, Params;`.
macro_rules! method_table {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident = $kind:ident $wire:literal, $proto:ident, $dir:ident, $params:ty $(=> $result:ty)?;
    )*) => {
        $(
            $(#[doc = $doc])*
            #[doc = ""]
            #[doc = concat!("Wire name `", $wire, "`, ", stringify!($kind), ", ",
                stringify!($dir), ".")]
            #[derive(Debug)]
            pub enum $name {}
            method_table!(@impl $kind $name $wire, $params $(, $result)?);
        )*

        /// Every method this crate knows, once: wire name, kind, direction, family, types.
        pub const METHODS: &[$crate::method::MethodInfo] = &[
            $(
                $crate::method::MethodInfo {
                    method: $wire,
                    kind: method_table!(@kind $kind),
                    direction: $crate::method::Direction::$dir,
                    family: $crate::method::MethodFamily::$proto,
                    type_name: stringify!($name),
                    params: stringify!($params),
                    result: method_table!(@result_name $($result)?),
                    check_params: $crate::method::check_params::<$params>,
                    check_result: method_table!(@result_check $($result)?),
                    reencode_params: $crate::method::reencode_params::<$params>,
                    reencode_result: method_table!(@result_reencode $($result)?),
                },
            )*
        ];
    };
    (@impl request $name:ident $wire:literal, $params:ty, $result:ty) => {
        impl $crate::method::RequestMethod for $name {
            const METHOD: &'static str = $wire;
            type Params = $params;
            type Result = $result;
        }
    };
    (@impl notification $name:ident $wire:literal, $params:ty) => {
        impl $crate::method::NotificationMethod for $name {
            const METHOD: &'static str = $wire;
            type Params = $params;
        }
    };
    (@kind request) => { $crate::method::MethodKind::Request };
    (@kind notification) => { $crate::method::MethodKind::Notification };
    (@result_name $result:ty) => { Some(stringify!($result)) };
    (@result_name) => { None };
    (@result_check $result:ty) => { Some($crate::method::check_result::<$result>) };
    (@result_check) => { None };
    (@result_reencode $result:ty) => { Some($crate::method::reencode_result::<$result>) };
    (@result_reencode) => { None };
}
pub(crate) use method_table;
