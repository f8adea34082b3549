//! Patches: the `apply_patch` format and the path rules for file changes.
//!
//! Paths are normalized lexically against the working directory (no symlinks are resolved, as
//! in Codex's own check), then judged: outside the workspace, `..` climbing out, VCS internals
//! (`.git/`: hooks run code), agent configuration (`.codex/`) and secrets are denied; CI
//! configuration, tool configuration that runs code, migrations and lockfiles ask; deletions
//! ask; very large or binary content asks; an ordinary edit inside the workspace is allowed.

use crate::action::FileChange;
use crate::assess::{Assessment, Target};
use crate::decision::{Decision, Risk};
use crate::error::ActionError;
use crate::shell::{self, Cmd, Ctx, Stdin};

/// Content larger than this asks.
const MAX_CONTENT: usize = 1 << 20;

/// Parse `apply_patch` text into file changes.
pub(crate) fn parse_apply_patch(text: &str) -> Result<Vec<FileChange>, ActionError> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == "*** Begin Patch")
        .ok_or(ActionError::Patch {
            line: 1,
            message: "missing `*** Begin Patch`".into(),
        })?;
    let mut changes = Vec::new();
    let mut i = start + 1;
    let mut ended = false;
    while i < lines.len() {
        let line = lines[i];
        let err = |message: &str| ActionError::Patch {
            line: i + 1,
            message: message.to_string(),
        };
        if line.trim() == "*** End Patch" {
            ended = true;
            break;
        }
        if let Some(path) = line.strip_prefix("*** Add File: ") {
            let mut content = String::new();
            i += 1;
            while i < lines.len() && !lines[i].starts_with("*** ") {
                match lines[i].strip_prefix('+') {
                    Some(body) => {
                        content.push_str(body);
                        content.push('\n');
                    }
                    None => {
                        return Err(ActionError::Patch {
                            line: i + 1,
                            message: "added lines must start with `+`".into(),
                        })
                    }
                }
                i += 1;
            }
            changes.push(FileChange::Add {
                path: path.trim().to_string(),
                content,
            });
            continue;
        }
        if let Some(path) = line.strip_prefix("*** Delete File: ") {
            changes.push(FileChange::Delete {
                path: path.trim().to_string(),
            });
            i += 1;
            continue;
        }
        if let Some(path) = line.strip_prefix("*** Update File: ") {
            i += 1;
            let mut move_path = None;
            if let Some(to) = lines.get(i).and_then(|l| l.strip_prefix("*** Move to: ")) {
                move_path = Some(to.trim().to_string());
                i += 1;
            }
            let mut diff = String::new();
            while i < lines.len()
                && (!lines[i].starts_with("*** ") || lines[i].trim() == "*** End of File")
            {
                diff.push_str(lines[i]);
                diff.push('\n');
                i += 1;
            }
            changes.push(FileChange::Update {
                path: path.trim().to_string(),
                unified_diff: diff,
                move_path,
            });
            continue;
        }
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        return Err(err(
            "expected `*** Add File:`, `*** Update File:`, `*** Delete File:` or `*** End Patch`",
        ));
    }
    if !ended {
        return Err(ActionError::Patch {
            line: lines.len(),
            message: "missing `*** End Patch`".into(),
        });
    }
    Ok(changes)
}

/// Reason a workspace path must never be written automatically, if any (deny level).
pub(crate) fn protected_reason(rel: &str) -> Option<&'static str> {
    sensitivity(rel).and_then(|(d, _, why)| (d == Decision::Deny).then_some(why))
}

/// Does this path (split into its `/` parts) name a secret: keys, credentials, `.env` files,
/// or anything under `.ssh`, `.aws`, `.gnupg`, `.kube`? Used for patches (writing one is
/// denied) and for commands (reading one sends it to the model, so it asks).
pub(crate) fn is_secret_path(parts: &[&str]) -> bool {
    let file = parts.last().copied().unwrap_or("");
    let lower_file = file.to_ascii_lowercase();
    let lower_parts: Vec<String> = parts.iter().map(|p| p.to_ascii_lowercase()).collect();
    let under = |dirs: &[&str]| {
        lower_parts
            .windows(dirs.len())
            .any(|w| w.iter().zip(dirs).all(|(a, b)| a == b))
    };
    // dotenv files, except the documented examples that hold no values.
    let dotenv = (lower_file == ".env"
        || lower_file.starts_with(".env.")
        || lower_file.ends_with(".env")
        || lower_file == ".envrc")
        && ![".example", ".sample", ".template", ".dist", ".defaults"]
            .iter()
            .any(|e| lower_file.ends_with(e));
    // Private keys, not their `.pub` halves.
    let private_key = !lower_file.ends_with(".pub")
        && (lower_file.starts_with("id_rsa")
            || lower_file.starts_with("id_dsa")
            || lower_file.starts_with("id_ed25519")
            || lower_file.starts_with("id_ecdsa")
            || [
                ".pem",
                ".key",
                ".p12",
                ".pfx",
                ".keystore",
                ".jks",
                ".kdbx",
                ".ppk",
            ]
            .iter()
            .any(|e| lower_file.ends_with(e)));
    if lower_file.ends_with(".pub") || lower_file == "known_hosts" {
        // Public keys and host keys are meant to be shared.
        return false;
    }
    dotenv
        || private_key
        || matches!(
            lower_file.as_str(),
            ".npmrc"
                | ".yarnrc.yml"
                | ".pypirc"
                | "pip.conf"
                | ".netrc"
                | "_netrc"
                | ".pgpass"
                | "pgpass.conf"
                | ".pg_service.conf"
                | ".my.cnf"
                | "my.cnf"
                | ".mylogin.cnf"
                | "credentials"
                | "credentials.json"
                | "credentials.toml"
                | "credentials.db"
                | "access_tokens.db"
                | "application_default_credentials.json"
                | ".git-credentials"
                | ".gitcookies"
                | ".htpasswd"
                | ".vault-token"
                | ".terraformrc"
                | "terraform.rc"
                | ".boto"
                | ".s3cfg"
                | "secrets.yml"
                | "secrets.yaml"
                | "secrets.json"
                | "secrets.toml"
                | "environ"
        ) && (lower_file != "environ" || lower_parts.first().is_some_and(|p| p == "proc"))
        || lower_parts.iter().any(|p| {
            matches!(
                p.as_str(),
                ".ssh" | ".aws" | ".gnupg" | ".kube" | ".azure" | ".docker" | ".password-store"
            )
        })
        || under(&[".config", "gh"])
        || under(&[".config", "gcloud"])
        || under(&[".config", "hub"])
        || under(&[".cargo", "credentials"])
}

fn sensitivity(rel: &str) -> Option<(Decision, Risk, &'static str)> {
    let rel = rel.trim_start_matches("./");
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    let file = parts.last().copied().unwrap_or("");
    let lower_file = file.to_ascii_lowercase();
    if parts.contains(&".git") {
        return Some((
            Decision::Deny,
            Risk::Critical,
            "inside `.git/` (hooks and config run code)",
        ));
    }
    if parts
        .iter()
        .any(|p| *p == ".codex" || *p == ".claude" || *p == ".gemini")
    {
        return Some((Decision::Deny, Risk::High, "agent configuration"));
    }
    let secret = is_secret_path(&parts);
    if secret {
        return Some((Decision::Deny, Risk::High, "secrets or credentials"));
    }
    let ci = rel.starts_with(".github/workflows/")
        || rel.starts_with(".github/actions/")
        || parts
            .first()
            .is_some_and(|p| matches!(*p, ".circleci" | ".buildkite" | ".husky"))
        || matches!(
            lower_file.as_str(),
            ".gitlab-ci.yml"
                | "jenkinsfile"
                | ".travis.yml"
                | "azure-pipelines.yml"
                | "bitbucket-pipelines.yml"
                | ".drone.yml"
                | ".pre-commit-config.yaml"
        );
    if ci {
        return Some((
            Decision::Ask,
            Risk::High,
            "CI or hook configuration runs with privileges",
        ));
    }
    if matches!(
        lower_file.as_str(),
        ".gitattributes"
            | ".gitmodules"
            | ".gitconfig"
            | ".bashrc"
            | ".profile"
            | ".zshrc"
            | ".bash_profile"
            | ".envrc"
            | ".npmrc"
            | ".cargo"
            | "config.toml"
    ) && (lower_file != "config.toml" || parts.contains(&".cargo"))
        || parts
            .first()
            .is_some_and(|p| *p == ".vscode" || *p == ".devcontainer")
    {
        return Some((
            Decision::Ask,
            Risk::High,
            "tool configuration that runs code",
        ));
    }
    if parts.iter().any(|p| {
        matches!(
            *p,
            "migrations"
                | "migration"
                | "migrate"
                | "alembic"
                | "flyway"
                | "liquibase"
                | "schema_migrations"
        )
    }) {
        return Some((Decision::Ask, Risk::High, "database migration"));
    }
    if matches!(
        file,
        "Cargo.lock"
            | "package-lock.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "poetry.lock"
            | "Pipfile.lock"
            | "Gemfile.lock"
            | "go.sum"
            | "composer.lock"
            | "uv.lock"
            | "bun.lockb"
            | "flake.lock"
    ) {
        return Some((
            Decision::Ask,
            Risk::Medium,
            "lockfile (dependency versions)",
        ));
    }
    None
}

/// Judge one path of a change. Pushes a unit for it.
fn judge_path(ctx: &mut Ctx, path: &str, verb: &str, a: &mut Assessment) {
    if path.trim().is_empty() {
        a.deny(Risk::High, "patch.empty-path", "empty path");
        return;
    }
    let cwd = ctx.cwd.clone();
    match shell::normalize(cwd.as_deref(), path) {
        None => {
            a.deny(
                Risk::High,
                "patch.outside",
                format!("`{path}` climbs out of the workspace"),
            );
        }
        Some(norm) => {
            let inside = match &cwd {
                Some(c) => norm.starts_with(c),
                None => !std::path::Path::new(path).is_absolute() && !path.starts_with('~'),
            };
            if !inside || path.starts_with('~') {
                a.deny(
                    Risk::High,
                    "patch.outside",
                    format!("{verb} `{path}` outside the workspace"),
                );
                return;
            }
            let rel = match &cwd {
                Some(c) => norm
                    .strip_prefix(c)
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                None => norm.to_string_lossy().into_owned(),
            };
            if let Some((d, r, why)) = sensitivity(&rel) {
                a.concern(d, r, "patch.sensitive", format!("{verb} `{rel}`: {why}"));
            }
        }
    }
}

/// Judge file changes; one unit per changed file.
pub(crate) fn judge_changes(ctx: &mut Ctx, changes: &[FileChange]) {
    if changes.is_empty() {
        let mut a = Assessment::new("(empty patch)");
        a.ask("patch.empty", "empty patch");
        ctx.push_other(a);
        return;
    }
    for change in changes {
        let (path, subject) = match change {
            FileChange::Add { path, .. } => (path.clone(), format!("add {path}")),
            FileChange::Delete { path } => (path.clone(), format!("delete {path}")),
            FileChange::Update {
                path,
                move_path: Some(to),
                ..
            } => (path.clone(), format!("move {path} → {to}")),
            FileChange::Update { path, .. } => (path.clone(), format!("update {path}")),
        };
        let mut a = Assessment::new(subject);
        match change {
            FileChange::Add { path, content } => {
                judge_path(ctx, path, "adds", &mut a);
                content_checks(content, &mut a);
            }
            FileChange::Delete { path } => {
                judge_path(ctx, path, "deletes", &mut a);
                a.ask("patch.delete", format!("deletes `{path}`"));
            }
            FileChange::Update {
                path,
                unified_diff,
                move_path,
            } => {
                judge_path(ctx, path, "changes", &mut a);
                if let Some(to) = move_path {
                    judge_path(ctx, to, "moves to", &mut a);
                }
                content_checks(unified_diff, &mut a);
            }
        }
        a.read_only("patch.workspace", "edits a file inside the workspace");
        ctx.push(Target::Path { path }, a);
    }
}

fn content_checks(content: &str, a: &mut Assessment) {
    if content.len() > MAX_CONTENT {
        a.ask(
            "patch.large",
            format!("large change ({} bytes)", content.len()),
        );
    }
    if content.contains('\0') {
        a.ask("patch.binary", "binary content");
    }
}

/// `apply_patch '<patch>'` or `apply_patch <<'EOF' … EOF` run as a command.
pub(crate) fn apply_patch_command(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) {
    let text = match (cmd.argv.get(1), &cmd.stdin) {
        (Some(arg), _) if !arg.dynamic => Some(arg.text.clone()),
        (Some(_), _) => None,
        (
            None,
            Stdin::Text {
                text,
                dynamic: false,
                ..
            },
        ) => Some(text.clone()),
        _ => None,
    };
    match text {
        None => {
            a.ask("patch.unknown", "patch text is not visible");
        }
        Some(t) => match parse_apply_patch(&t) {
            Ok(changes) => {
                judge_changes(ctx, &changes);
                a.read_only("patch.apply", "applies the judged patch");
            }
            Err(e) => {
                a.ask("patch.unparsable", e.to_string());
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_patch_text_is_parsed() {
        let p = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** Update File: b.rs\n*** Move to: c.rs\n@@\n-x\n+y\n*** Delete File: d\n*** End Patch\n";
        let c = parse_apply_patch(p).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(
            c[0],
            FileChange::Add {
                path: "a.txt".into(),
                content: "hi\n".into()
            }
        );
        assert!(matches!(&c[1], FileChange::Update { move_path: Some(m), .. } if m == "c.rs"));
        assert!(parse_apply_patch("*** Add File: x").is_err());
        assert!(parse_apply_patch("*** Begin Patch\n*** Add File: x\n+a\n").is_err());
    }

    #[test]
    fn sensitive_paths_are_recognized() {
        assert!(sensitivity(".git/hooks/pre-commit").is_some());
        assert!(sensitivity(".env").is_some());
        assert!(sensitivity("db/migrations/001.sql").is_some());
        assert!(sensitivity(".github/workflows/ci.yml").is_some());
        assert!(sensitivity("src/main.rs").is_none());
    }
}
