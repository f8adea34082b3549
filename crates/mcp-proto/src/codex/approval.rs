//! Server→client approval requests and the decisions that answer them.
//!
//! Reading tolerance, writing exactness:
//! - Params: `codex mcp` 0.39 sends snake_case (`conversation_id`, `call_id`, `file_changes`,
//!   `grant_root`); app-server (0.44+) and the integration guide use camelCase. Both are read;
//!   snake_case is written. Members this crate does not know (`parsedCmd`, `risk`,
//!   `approvalId`, …) are kept in `extra`.
//! - [`WireFileChange`]: read `{"add":{"content":…}}` (≤0.58), `{"type":"add","content":…}` (0.59+)
//!   and the bare `"delete"` of 0.39's unit variant; written in the 0.39 form (`{"add":…}`,
//!   `{"update":…}`, `"delete"`).
//! - [`ReviewDecision`]: the writer can only produce `approved`, `approved_for_session`,
//!   `denied`, `abort` (the four values 0.39 accepts; anything else is silently taken as
//!   *denied* by Codex). The reader also maps the guide's `allow` → approved and `deny` → denied,
//!   so a recording of a guide-style client still decodes, but there is no way to write `allow`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::ConversationId;

/// `execCommandApproval` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecCommandApprovalParams {
    /// The conversation.
    #[serde(alias = "conversationId")]
    pub conversation_id: ConversationId,
    /// The model's tool call id; matches `exec_command_begin`/`end`.
    #[serde(alias = "callId")]
    pub call_id: String,
    /// The argv Codex wants to run.
    pub command: Vec<String>,
    /// Its working directory.
    pub cwd: PathBuf,
    /// The model's justification, when given (left out when absent, as 0.39 does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `applyPatchApproval` params.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplyPatchApprovalParams {
    /// The conversation.
    #[serde(alias = "conversationId")]
    pub conversation_id: ConversationId,
    /// The model's tool call id; matches `patch_apply_begin`/`end`.
    #[serde(alias = "callId")]
    pub call_id: String,
    /// Path → change.
    #[serde(alias = "fileChanges")]
    pub file_changes: BTreeMap<PathBuf, WireFileChange>,
    /// The model's justification, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A root the patch asks write access to for the rest of the session.
    #[serde(default, alias = "grantRoot", skip_serializing_if = "Option::is_none")]
    pub grant_root: Option<PathBuf>,
    /// Members this crate does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One file's change in a patch as the conversation API writes it, the value of a map keyed
/// by path (the session and the policy each keep their own `FileChange`, path included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireFileChange {
    /// A new file with this content.
    Add {
        /// The whole content.
        content: String,
    },
    /// The file is deleted (0.39 sends no content; later versions send the old content).
    Delete {
        /// The old content, when sent.
        content: Option<String>,
    },
    /// The file is changed (and maybe moved).
    Update {
        /// The unified diff.
        unified_diff: String,
        /// The new path of a move.
        move_path: Option<PathBuf>,
    },
}

impl Serialize for WireFileChange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Content<'a> {
            content: &'a str,
        }
        #[derive(Serialize)]
        struct Update<'a> {
            unified_diff: &'a str,
            move_path: &'a Option<PathBuf>,
        }
        if let WireFileChange::Delete { content: None } = self {
            return s.serialize_str("delete");
        }
        let mut map = s.serialize_map(Some(1))?;
        match self {
            WireFileChange::Add { content } => map.serialize_entry("add", &Content { content })?,
            WireFileChange::Delete {
                content: Some(content),
            } => {
                map.serialize_entry("delete", &Content { content })?;
            }
            // Written as 0.39's unit variant, a bare `"delete"` (above).
            WireFileChange::Delete { content: None } => {}
            WireFileChange::Update {
                unified_diff,
                move_path,
            } => {
                map.serialize_entry(
                    "update",
                    &Update {
                        unified_diff,
                        move_path,
                    },
                )?;
            }
        }
        map.end()
    }
}

/// Every member any WireFileChange shape can have; the shape is decided after reading.
#[derive(Deserialize)]
struct FileChangeBody {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    unified_diff: Option<String>,
    #[serde(default)]
    move_path: Option<PathBuf>,
}

impl<'de> Deserialize<'de> for WireFileChange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WireFileChange;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a file change (`add`, `delete` or `update`)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WireFileChange, E> {
                match v {
                    "delete" => Ok(WireFileChange::Delete { content: None }),
                    other => Err(E::unknown_variant(other, &["add", "delete", "update"])),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WireFileChange, A::Error> {
                // Either one key naming the kind (`{"add":{…}}`) or a `type` tag among the
                // members (`{"type":"add","content":…}`).
                let mut tag: Option<String> = None;
                let mut flat = FlatFields::default();
                let mut nested: Option<(String, FileChangeBody)> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "add" | "delete" | "update" => {
                            let body: Option<FileChangeBody> = map.next_value()?;
                            let body = body.unwrap_or(FileChangeBody {
                                content: None,
                                unified_diff: None,
                                move_path: None,
                            });
                            nested = Some((key, body));
                        }
                        "type" => tag = Some(map.next_value()?),
                        "content" => flat.content = map.next_value()?,
                        "unified_diff" | "unifiedDiff" => flat.unified_diff = map.next_value()?,
                        "move_path" | "movePath" => flat.move_path = map.next_value()?,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                let (kind, body) = match (nested, tag) {
                    (Some((kind, body)), _) => (kind, body),
                    (None, Some(kind)) => (
                        kind,
                        FileChangeBody {
                            content: flat.content,
                            unified_diff: flat.unified_diff,
                            move_path: flat.move_path,
                        },
                    ),
                    (None, None) => return Err(de::Error::missing_field("type")),
                };
                match kind.as_str() {
                    "add" => Ok(WireFileChange::Add {
                        content: body
                            .content
                            .ok_or_else(|| de::Error::missing_field("content"))?,
                    }),
                    "delete" => Ok(WireFileChange::Delete {
                        content: body.content,
                    }),
                    "update" => Ok(WireFileChange::Update {
                        unified_diff: body
                            .unified_diff
                            .ok_or_else(|| de::Error::missing_field("unified_diff"))?,
                        move_path: body.move_path,
                    }),
                    other => Err(de::Error::unknown_variant(
                        other,
                        &["add", "delete", "update"],
                    )),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Default)]
struct FlatFields {
    content: Option<String>,
    unified_diff: Option<String>,
    move_path: Option<PathBuf>,
}

/// The answer to an approval request.
///
/// Only the four values `codex mcp` 0.39 accepts exist, so a client cannot write anything
/// else. Reading also accepts the integration guide's `allow` (→ [`Approved`]) and `deny`
/// (→ [`Denied`]).
///
/// [`Approved`]: ReviewDecision::Approved
/// [`Denied`]: ReviewDecision::Denied
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// `approved`: run it once.
    Approved,
    /// `approved_for_session`: run it, and don't ask again for the same command this session.
    ApprovedForSession,
    /// `denied`: don't run it; the model is told and the turn continues.
    Denied,
    /// `abort`: don't run it and end the turn (`turn_aborted`).
    Abort,
}

impl ReviewDecision {
    /// True for the two approving decisions.
    pub fn is_approval(self) -> bool {
        matches!(
            self,
            ReviewDecision::Approved | ReviewDecision::ApprovedForSession
        )
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Approved => "approved",
            ReviewDecision::ApprovedForSession => "approved_for_session",
            ReviewDecision::Denied => "denied",
            ReviewDecision::Abort => "abort",
        }
    }
}

impl fmt::Display for ReviewDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ReviewDecision {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        match s.as_ref() {
            "approved" | "allow" => Ok(ReviewDecision::Approved),
            "approved_for_session" => Ok(ReviewDecision::ApprovedForSession),
            "denied" | "deny" => Ok(ReviewDecision::Denied),
            "abort" => Ok(ReviewDecision::Abort),
            other => Err(de::Error::unknown_variant(
                other,
                &["approved", "approved_for_session", "denied", "abort"],
            )),
        }
    }
}

/// The result of `execCommandApproval` / `applyPatchApproval` (and what Codex reads from an
/// `elicitation/create` answer): `{"decision":…}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReviewDecisionResponse {
    /// The decision.
    pub decision: ReviewDecision,
}

impl From<ReviewDecision> for ReviewDecisionResponse {
    fn from(decision: ReviewDecision) -> Self {
        ReviewDecisionResponse { decision }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decisions_write_the_four_real_values_and_read_the_guide_spellings() {
        for (d, s) in [
            (ReviewDecision::Approved, "approved"),
            (ReviewDecision::ApprovedForSession, "approved_for_session"),
            (ReviewDecision::Denied, "denied"),
            (ReviewDecision::Abort, "abort"),
        ] {
            assert_eq!(serde_json::to_value(d).unwrap(), json!(s));
            assert_eq!(
                serde_json::from_value::<ReviewDecision>(json!(s)).unwrap(),
                d
            );
        }
        let allow: ReviewDecision = serde_json::from_value(json!("allow")).unwrap();
        assert_eq!(allow, ReviewDecision::Approved);
        // Read "allow", write what Codex accepts.
        assert_eq!(serde_json::to_value(allow).unwrap(), json!("approved"));
        let deny: ReviewDecision = serde_json::from_value(json!("deny")).unwrap();
        assert_eq!(serde_json::to_value(deny).unwrap(), json!("denied"));
        assert!(serde_json::from_value::<ReviewDecision>(json!("maybe")).is_err());
    }

    #[test]
    fn file_change_reads_every_shape_and_writes_the_0_39_form() {
        let cases = [
            (
                json!({"add":{"content":"x\n"}}),
                WireFileChange::Add {
                    content: "x\n".into(),
                },
            ),
            (
                json!({"type":"add","content":"x\n"}),
                WireFileChange::Add {
                    content: "x\n".into(),
                },
            ),
            (json!("delete"), WireFileChange::Delete { content: None }),
            (
                json!({"delete":{}}),
                WireFileChange::Delete { content: None },
            ),
            (
                json!({"type":"delete","content":"old"}),
                WireFileChange::Delete {
                    content: Some("old".into()),
                },
            ),
            (
                json!({"update":{"unified_diff":"@@","move_path":null}}),
                WireFileChange::Update {
                    unified_diff: "@@".into(),
                    move_path: None,
                },
            ),
            (
                json!({"type":"update","unified_diff":"@@","move_path":"/b"}),
                WireFileChange::Update {
                    unified_diff: "@@".into(),
                    move_path: Some("/b".into()),
                },
            ),
        ];
        for (wire, want) in cases {
            let got: WireFileChange = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(got, want, "{wire}");
            let again: WireFileChange =
                serde_json::from_value(serde_json::to_value(&got).unwrap()).unwrap();
            assert_eq!(again, want);
        }
        assert_eq!(
            serde_json::to_value(WireFileChange::Update {
                unified_diff: "@@".into(),
                move_path: None
            })
            .unwrap(),
            json!({"update":{"unified_diff":"@@","move_path":null}})
        );
        assert!(serde_json::from_value::<WireFileChange>(json!({"type":"rename"})).is_err());
        assert!(serde_json::from_value::<WireFileChange>(json!({"add":{}})).is_err());
    }

    #[test]
    fn approval_params_read_camel_case_and_write_snake_case() {
        let guide = json!({"conversationId":"c","callId":"k","command":["ls"],"cwd":"/w",
            "parsedCmd":[{"type":"unknown"}]});
        let p: ExecCommandApprovalParams = serde_json::from_value(guide).unwrap();
        assert_eq!(p.call_id, "k");
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"conversation_id":"c","call_id":"k","command":["ls"],"cwd":"/w",
                "parsedCmd":[{"type":"unknown"}]})
        );
        let guide = json!({"conversationId":"c","callId":"k","fileChanges":{"/w/a":{"type":"add","content":"x"}},
            "reason":null,"grantRoot":"/w"});
        let p: ApplyPatchApprovalParams = serde_json::from_value(guide).unwrap();
        assert_eq!(p.grant_root.as_deref(), Some(std::path::Path::new("/w")));
        assert_eq!(p.reason, None);
    }
}
