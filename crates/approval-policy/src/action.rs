//! Actions: what an agent wants to do. A command (argv as Codex sends it, with its working
//! directory) or a patch (file changes).

use crate::error::ActionError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One file change of a patch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FileChange {
    /// Create a file.
    Add {
        /// Path as given (relative to the working directory unless absolute).
        path: String,
        /// New content.
        content: String,
    },
    /// Delete a file.
    Delete {
        /// Path as given.
        path: String,
    },
    /// Change a file, optionally moving it.
    Update {
        /// Path as given.
        path: String,
        /// The change as a unified diff (or `apply_patch` hunks).
        unified_diff: String,
        /// New path when the file is moved.
        move_path: Option<String>,
    },
}

/// Something an agent wants to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Run a command.
    Exec {
        /// The argv, e.g. `["bash", "-lc", "ls"]` or `["psql", "-c", "SELECT 1"]`.
        argv: Vec<String>,
        /// Working directory (the workspace root for path rules).
        cwd: Option<PathBuf>,
    },
    /// Apply file changes.
    Patch {
        /// The changes.
        changes: Vec<FileChange>,
        /// Working directory (the workspace root for path rules).
        cwd: Option<PathBuf>,
    },
}

impl Action {
    /// A command action.
    pub fn exec(argv: Vec<String>, cwd: Option<PathBuf>) -> Action {
        Action::Exec { argv, cwd }
    }

    /// A patch action from `apply_patch` text (`*** Begin Patch` … `*** End Patch`).
    pub fn patch_text(text: &str, cwd: Option<PathBuf>) -> Result<Action, ActionError> {
        Ok(Action::Patch {
            changes: crate::patch::parse_apply_patch(text)?,
            cwd,
        })
    }

    /// An action from JSON: `{"argv": […], "cwd": …}`, `{"patch": "<apply_patch text>", "cwd": …}`
    /// or `{"changes": {path: {"add": {"content": …}} | {"delete": {}} | {"update":
    /// {"unified_diff": …, "move_path": …}}}, "cwd": …}` (Codex's `file_changes` map; `type`-tagged
    /// entries are accepted too). Other fields are ignored.
    pub fn from_json(value: &serde_json::Value) -> Result<Action, ActionError> {
        let obj = value
            .as_object()
            .ok_or_else(|| ActionError::Invalid("expected a JSON object".into()))?;
        let cwd = match obj.get("cwd") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(PathBuf::from(s)),
            Some(_) => return Err(ActionError::Invalid("`cwd` must be a string".into())),
        };
        if let Some(argv) = obj.get("argv").or_else(|| obj.get("command")) {
            let argv = argv
                .as_array()
                .ok_or_else(|| ActionError::Invalid("`argv` must be an array of strings".into()))?
                .iter()
                .map(|v| {
                    v.as_str().map(str::to_string).ok_or_else(|| {
                        ActionError::Invalid("`argv` must be an array of strings".into())
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Action::Exec { argv, cwd });
        }
        if let Some(patch) = obj.get("patch") {
            let text = patch
                .as_str()
                .ok_or_else(|| ActionError::Invalid("`patch` must be a string".into()))?;
            return Action::patch_text(text, cwd);
        }
        if let Some(changes) = obj.get("changes").or_else(|| obj.get("file_changes")) {
            return Ok(Action::Patch {
                changes: changes_from_map(changes)?,
                cwd,
            });
        }
        Err(ActionError::Invalid(
            "expected `argv`, `patch` or `changes`".into(),
        ))
    }
}

fn changes_from_map(value: &serde_json::Value) -> Result<Vec<FileChange>, ActionError> {
    let map = value
        .as_object()
        .ok_or_else(|| ActionError::Invalid("`changes` must be an object keyed by path".into()))?;
    let mut out = Vec::new();
    for (path, change) in map {
        let bad = || ActionError::Invalid(format!("change for `{path}` not understood"));
        let c = change.as_object().ok_or_else(bad)?;
        let (kind, body) = if let Some(t) = c.get("type").and_then(|t| t.as_str()) {
            (t.to_string(), change)
        } else {
            let (k, v) = c.iter().next().ok_or_else(bad)?;
            (k.clone(), v)
        };
        let field = |name: &str| body.get(name).and_then(|v| v.as_str()).map(str::to_string);
        out.push(match kind.as_str() {
            "add" => FileChange::Add {
                path: path.clone(),
                content: field("content").unwrap_or_default(),
            },
            "delete" => FileChange::Delete { path: path.clone() },
            "update" => FileChange::Update {
                path: path.clone(),
                unified_diff: field("unified_diff").unwrap_or_default(),
                move_path: field("move_path"),
            },
            _ => return Err(bad()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shapes_are_read() {
        let a =
            Action::from_json(&serde_json::json!({"argv": ["ls"], "cwd": "/w", "x": 1})).unwrap();
        assert_eq!(a, Action::exec(vec!["ls".into()], Some("/w".into())));
        let p = Action::from_json(&serde_json::json!({"changes": {"a.txt": {"add": {"content": "x"}}, "b": {"type": "delete"}}})).unwrap();
        assert!(matches!(p, Action::Patch { ref changes, .. } if changes.len() == 2));
        assert!(Action::from_json(&serde_json::json!({"argv": "ls"})).is_err());
        assert!(Action::from_json(&serde_json::json!([1])).is_err());
    }
}
