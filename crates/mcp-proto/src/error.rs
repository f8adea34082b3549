//! Decode and encode errors.
//!
//! Messages are one lower-case line that name the method (when one is known) and never echo
//! the raw input: lines can be megabytes long and can carry tokens (`getAuthStatus` with
//! `includeToken`). The detail that serde_json gives (line, column, what was expected) is kept,
//! cut to [`MAX_DETAIL`] characters.

/// How many characters of an underlying parser message an error keeps.
pub const MAX_DETAIL: usize = 200;

/// A line or a payload could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The line is not one JSON object.
    #[error("line is not a json object: {detail}")]
    Syntax {
        /// What the JSON parser reported (truncated).
        detail: String,
    },
    /// The line is JSON but not a JSON-RPC request, notification, response or error.
    #[error("line is not a json-rpc message: {detail}")]
    Envelope {
        /// What is missing or contradictory.
        detail: String,
    },
    /// The params of a known method do not have the expected shape.
    #[error("invalid params for `{method}`: {detail}")]
    Params {
        /// The wire method name.
        method: String,
        /// What the JSON parser reported (truncated).
        detail: String,
    },
    /// The result of a known method does not have the expected shape.
    #[error("invalid result for `{method}`: {detail}")]
    Result {
        /// The wire method name of the request this result answers.
        method: String,
        /// What the JSON parser reported (truncated).
        detail: String,
    },
    /// A typed decode was asked for one method but the message carries another.
    #[error("expected method `{expected}`, found `{found}`")]
    MethodMismatch {
        /// The method of the type asked for.
        expected: &'static str,
        /// The method on the wire (truncated).
        found: String,
    },
    /// A Codex event of a known kind does not have the expected shape.
    #[error("invalid `{kind}` event: {detail}")]
    Event {
        /// The event's wire `type`.
        kind: String,
        /// What the JSON parser reported (truncated).
        detail: String,
    },
}

/// A typed value could not be written as JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The params could not be serialized (for example a path that is not UTF-8).
    #[error("cannot encode params for `{method}`: {detail}")]
    Params {
        /// The wire method name.
        method: &'static str,
        /// What the serializer reported (truncated).
        detail: String,
    },
    /// The result could not be serialized.
    #[error("cannot encode result for `{method}`: {detail}")]
    Result {
        /// The wire method name.
        method: &'static str,
        /// What the serializer reported (truncated).
        detail: String,
    },
}

/// Cut `text` to at most [`MAX_DETAIL`] characters (on a char boundary), marking the cut.
pub(crate) fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_DETAIL) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}…", &text[..at]),
    }
}

/// The truncated one-line text of a serde_json error.
pub(crate) fn detail(err: &serde_json::Error) -> String {
    truncate(&err.to_string().replace(['\n', '\r'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_keeps_short_text_and_cuts_long_text_on_a_char_boundary() {
        assert_eq!(truncate("short"), "short");
        let long = "é".repeat(500);
        let cut = truncate(&long);
        assert_eq!(cut.chars().count(), MAX_DETAIL + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn messages_are_lower_case_and_name_the_method() {
        let e = DecodeError::Params {
            method: "newConversation".into(),
            detail: "missing field `x`".into(),
        };
        assert_eq!(
            e.to_string(),
            "invalid params for `newConversation`: missing field `x`"
        );
    }
}
