//! git: subcommands by class (read, write, history-rewriting, network), global options that
//! run programs (`-c`, `--exec-path`, `-p`), and read subcommands' flags that write or run
//! (`--output`, `--ext-diff`, `--textconv`, `grep -O`).

mod options;

use super::getopt::{self, Opt, Parsed, Spec, Syntax, EXACT, GIT};
use super::table;
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::shell::{self, Arg, Cmd, Ctx};
use std::collections::HashMap;
use std::sync::OnceLock;

const READ: [&str; 33] = [
    "status",
    "log",
    "diff",
    "show",
    "blame",
    "annotate",
    "rev-parse",
    "rev-list",
    "ls-files",
    "ls-tree",
    "cat-file",
    "describe",
    "shortlog",
    "grep",
    "whatchanged",
    "name-rev",
    "merge-base",
    "for-each-ref",
    "show-ref",
    "count-objects",
    "fsck",
    "verify-commit",
    "verify-tag",
    "help",
    "version",
    "check-ignore",
    "check-attr",
    "var",
    "diff-tree",
    "diff-files",
    "diff-index",
    "show-branch",
    "cherry",
];

pub(super) fn git(ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) {
    // git's own options (`git.c`): exact names, and the first operand is the subcommand.
    let top = Spec {
        program: "git",
        syntax: EXACT,
        opts: options::TOP,
    };
    let parsed = getopt::parse(&top, cmd.argv.get(1..).unwrap_or_default());
    table::judge_options(ctx, a, "git.options", "git", &parsed);
    let operands: Vec<Arg> = parsed.operands().cloned().collect();
    let Some(sub) = operands.first() else {
        a.read_only("git", "prints usage");
        return;
    };
    let rest = &operands[1..];
    let sub_arg = sub;
    if let Some(p) = sub_options(sub_arg, rest) {
        judge_subcommand(ctx, a, &sub_arg.text, &p);
    }
    let sub = sub.text.as_str();
    let texts: Vec<&str> = rest.iter().map(|x| x.text.as_str()).collect();
    let has = |f: &str| {
        texts
            .iter()
            .any(|t| *t == f || t.strip_prefix(f).is_some_and(|r| r.starts_with('=')))
    };
    let positional: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|t| !t.starts_with('-'))
        .collect();

    // Flags that turn a reader into a writer or an executor.
    for o in crate::programs::option_values(rest, &[], &["--output"]) {
        shell::write_target(ctx, &o, &format!("git {sub} --output={}", o.text));
    }
    if has("--ext-diff")
        || has("--textconv")
        || has("--exec")
        || has("--upload-pack")
        || has("--receive-pack")
        || has("-u") && sub == "ls-remote"
    {
        a.concern(
            Decision::Ask,
            Risk::High,
            "git.exec-flag",
            "flag makes git run another program",
        );
    }
    if sub == "grep"
        && (has("-O") || has("--open-files-in-pager") || texts.iter().any(|t| t.starts_with("-O")))
    {
        a.concern(
            Decision::Ask,
            Risk::High,
            "git.grep-pager",
            "`-O` opens files in a program",
        );
    }

    match sub {
        _ if READ.contains(&sub) => {
            a.read_only(format!("git.{sub}"), "reads the repository");
        }
        "branch" => {
            if has("-D")
                || (has("-d") || has("--delete")) && has("--force")
                || has("-f") && has("-d")
            {
                a.deny(Risk::High, "git.branch-delete", "force-deletes a branch");
            } else if has("-d")
                || has("--delete")
                || has("-m")
                || has("-M")
                || has("-c")
                || has("-C")
                || has("--move")
                || has("--copy")
                || has("--set-upstream-to")
                || has("-u")
                || has("--unset-upstream")
                || has("--edit-description")
                || has("-f")
                || has("--force")
            {
                a.ask("git.branch-write", "changes branches");
            } else if positional.is_empty()
                || has("--list")
                || has("-l")
                || has("--contains")
                || has("--merged")
                || has("--no-merged")
                || has("--points-at")
            {
                a.read_only("git.branch", "lists branches");
            } else {
                a.ask("git.branch-create", "creates a branch");
            }
        }
        "tag" => {
            if has("-d") || has("--delete") {
                a.concern(Decision::Ask, Risk::High, "git.tag-delete", "deletes a tag");
            } else if positional.is_empty()
                || has("-l")
                || has("--list")
                || has("--contains")
                || has("--points-at")
                || has("-v")
                || has("--verify")
            {
                a.read_only("git.tag", "lists tags");
            } else {
                a.ask("git.tag-create", "creates a tag");
            }
        }
        "remote" => match positional.first().copied() {
            None | Some("show") | Some("get-url") => {
                a.read_only("git.remote", "lists remotes");
            }
            Some(other) => {
                a.ask(
                    "git.remote-write",
                    format!("`git remote {other}` changes remotes"),
                );
            }
        },
        "config" => {
            let reading = has("--get")
                || has("--get-all")
                || has("--get-regexp")
                || has("-l")
                || has("--list")
                || has("--get-urlmatch")
                || has("--show-origin") && positional.len() <= 1
                || matches!(positional.first().copied(), Some("get" | "list"))
                || (positional.len() == 1
                    && !has("--unset")
                    && !has("--unset-all")
                    && !has("--add")
                    && !has("--replace-all")
                    && !has("--remove-section")
                    && !has("--rename-section")
                    && !has("-e")
                    && !has("--edit"));
            let listing = has("-l")
                || has("--list")
                || has("--get-regexp")
                || has("--get-urlmatch")
                || positional.first().copied() == Some("list");
            let key = positional
                .iter()
                .copied()
                .find(|p| *p != "get")
                .unwrap_or("");
            if reading && listing {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "secret.git-config",
                    "prints every configuration value (URLs, credential helpers and tokens)",
                );
            } else if reading && !config_key_is_harmless(key) {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "secret.git-config",
                    format!("configuration key `{key}` is not known to hold no credential"),
                );
            } else if reading {
                a.read_only("git.config", "reads configuration");
            } else {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "git.config-write",
                    "changes git configuration (can install programs to run)",
                );
            }
        }
        "stash" => match positional.first().copied() {
            Some("list") | Some("show") => {
                a.read_only("git.stash", "lists stashes");
            }
            Some("drop") | Some("clear") => {
                a.deny(Risk::High, "git.stash-drop", "discards stashed work");
            }
            _ => {
                a.ask("git.stash", "stashes or restores work");
            }
        },
        "reflog" => match positional.first().copied() {
            Some("expire") | Some("delete") => {
                a.deny(Risk::High, "git.reflog-expire", "destroys recovery history");
            }
            _ => {
                a.read_only("git.reflog", "shows the reflog");
            }
        },
        "worktree" => match positional.first().copied() {
            Some("list") => {
                a.read_only("git.worktree", "lists worktrees");
            }
            Some("remove") | Some("prune") => {
                a.deny(Risk::High, "git.worktree-remove", "removes a worktree");
            }
            _ => {
                a.ask("git.worktree", "changes worktrees");
            }
        },
        "submodule" => match positional.first().copied() {
            None | Some("status") | Some("summary") => {
                a.read_only("git.submodule", "shows submodules");
            }
            _ => {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "git.submodule",
                    "changes submodules or runs commands in them",
                );
            }
        },
        "notes" => match positional.first().copied() {
            None | Some("list") | Some("show") => {
                a.read_only("git.notes", "shows notes");
            }
            _ => {
                a.ask("git.notes", "changes notes");
            }
        },
        "format-patch" => {
            if has("--stdout") {
                a.read_only("git.format-patch", "prints patches");
            } else {
                a.ask("git.format-patch", "writes patch files");
            }
        }
        "archive" => {
            if has("-o") || has("--output") || has("--remote") || has("--exec") {
                a.ask("git.archive", "writes an archive or contacts a remote");
            } else {
                a.read_only("git.archive", "prints an archive");
            }
        }
        "apply" => {
            if (has("--check") || has("--stat") || has("--numstat") || has("--summary"))
                && !has("--apply")
                && !has("--index")
                && !has("--cached")
            {
                a.read_only("git.apply-check", "checks a patch without applying it");
            } else {
                a.ask("git.apply", "applies a patch to files");
            }
        }
        "clean" => {
            // Read as git reads it: `-fdxenode_modules` is `-f -d -x -e node_modules`.
            let dry_run = sub_options(sub_arg, rest).is_some_and(|p| p.has("dry-run"));
            if dry_run {
                a.read_only("git.clean-dry-run", "lists what would be removed");
            } else {
                a.deny(Risk::High, "git.clean", "deletes untracked files");
            }
        }
        "reset" => {
            if has("--hard") || has("--merge") || has("--keep") {
                a.deny(Risk::High, "git.reset-hard", "discards uncommitted work");
            } else {
                a.concern(
                    Decision::Ask,
                    Risk::Medium,
                    "git.reset",
                    "moves HEAD or unstages files",
                );
            }
        }
        "checkout" | "switch" | "restore" => {
            let discards = has("-f")
                || has("--force")
                || has("--discard-changes")
                || has("--")
                || positional.contains(&".")
                || sub == "restore"
                || has("-p")
                || has("--patch")
                || has("--ours")
                || has("--theirs");
            if discards {
                a.deny(
                    Risk::High,
                    "git.checkout-discard",
                    "overwrites working-tree files (uncommitted work is lost)",
                );
            } else {
                a.ask("git.checkout", "switches branches");
            }
        }
        "push" => {
            let force = has("-f")
                || has("--force")
                || has("--force-with-lease")
                || has("--force-if-includes")
                || has("--mirror")
                || has("--delete")
                || has("-d")
                || has("--prune")
                || positional
                    .iter()
                    .any(|p| p.starts_with('+') || p.starts_with(':'));
            if force {
                a.deny(
                    Risk::Critical,
                    "git.push-force",
                    "rewrites or deletes remote history",
                );
            } else {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "git.push",
                    "publishes commits to a remote",
                );
            }
        }
        "filter-branch" | "filter-repo" | "replace" | "update-ref" | "prune" | "gc" | "repack"
        | "prune-packed" | "fast-import" => {
            a.deny(
                Risk::High,
                format!("git.{sub}").as_str(),
                "rewrites history or drops objects",
            );
        }
        "rebase" | "commit" if has("--amend") || sub == "rebase" => {
            a.concern(
                Decision::Ask,
                Risk::High,
                format!("git.{sub}"),
                "rewrites history",
            );
        }
        "fetch" | "pull" | "clone" | "ls-remote" => {
            a.concern(
                Decision::Ask,
                Risk::Medium,
                format!("git.{sub}"),
                "contacts a remote",
            );
        }
        "rm" => {
            if has("--cached") {
                a.ask("git.rm-cached", "unstages files");
            } else {
                a.concern(Decision::Ask, Risk::High, "git.rm", "removes files");
            }
        }
        "add" | "commit" | "mv" | "merge" | "cherry-pick" | "revert" | "am" | "init" | "bisect"
        | "sparse-checkout" | "lfs" | "maintenance" | "hook" => {
            a.ask(
                &format!("git.{sub}"),
                format!("`git {sub}` changes the repository"),
            );
        }
        _ => {
            // Unknown subcommands may be aliases (`!cmd` runs a shell): unknown.
            a.ask(
                "git.unknown",
                format!("`git {sub}` is not known (could be an alias)"),
            );
        }
    }
}

/// Configuration keys known to hold no credential (remote URLs can carry tokens, and
/// `credential.*`, `http.*` headers do).
fn config_key_is_harmless(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    let (section, rest) = key.split_once('.').unwrap_or((key.as_str(), ""));
    match section {
        "user" => matches!(rest, "name" | "email"),
        "core" | "init" | "pull" | "push" | "merge" | "color" | "alias" | "diff" | "log"
        | "format" | "status" | "rebase" | "fetch" | "advice" | "gc" | "commit" | "tag" => true,
        "branch" => rest.ends_with(".remote") || rest.ends_with(".merge"),
        "remote" => rest.ends_with(".fetch"),
        _ => false,
    }
}

/// A subcommand's option table: its own options first, then the shared ones.
fn table_for(sub: &str) -> Option<&'static [Opt]> {
    static TABLES: OnceLock<HashMap<&'static str, Vec<Opt>>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let mut map = HashMap::new();
        for sub in SUBCOMMANDS_WITH_TABLES {
            if let Some(parts) = options::tables(sub) {
                map.insert(sub, parts.iter().flat_map(|t| t.iter().copied()).collect());
            }
        }
        map
    });
    tables.get(sub).map(Vec::as_slice)
}

const SUBCOMMANDS_WITH_TABLES: [&str; 37] = [
    "status",
    "log",
    "whatchanged",
    "reflog",
    "rev-list",
    "cherry",
    "show",
    "diff",
    "diff-tree",
    "diff-files",
    "diff-index",
    "shortlog",
    "blame",
    "annotate",
    "rev-parse",
    "ls-files",
    "ls-tree",
    "cat-file",
    "describe",
    "grep",
    "branch",
    "tag",
    "clean",
    "remote",
    "merge-base",
    "count-objects",
    "name-rev",
    "for-each-ref",
    "show-ref",
    "worktree",
    "format-patch",
    "apply",
    "stash",
    "version",
    "help",
    "var",
    "check-ignore",
];

/// git's parse-options: unique prefixes, `--no-`, options after operands, `-NUM` (log).
const GIT_NUMERIC: Syntax = Syntax {
    numeric: true,
    ..GIT
};

/// The subcommand's arguments read with its option table, if it has one.
fn sub_options(sub: &Arg, rest: &[Arg]) -> Option<Parsed> {
    let opts = table_for(&sub.text)?;
    let program = format!("git {}", sub.text);
    let spec = Spec {
        program: &program,
        syntax: GIT_NUMERIC,
        opts,
    };
    Some(getopt::parse(&spec, rest))
}

/// Unknown options ask; effects are judged; then what a read would show from history or
/// configuration that can hold credentials.
fn judge_subcommand(ctx: &mut Ctx, a: &mut Assessment, sub: &str, p: &Parsed) {
    let id = format!("git.{sub}");
    table::judge_options(ctx, a, &id, &format!("git {sub}"), p);
    // Operands before `--` are revisions (or paths); `REV:PATH` names a file in history.
    for o in p.operands() {
        if let Some((_, path)) = o.text.split_once(':') {
            if crate::programs::names_secret(path)
                || crate::programs::names_secret(&format!("./{path}"))
            {
                a.concern(
                    Decision::Ask,
                    Risk::High,
                    "path.secret",
                    format!("`{}` reads a secret file from history", o.text),
                );
            }
        }
    }
    if shows_history_content(sub, p) {
        a.concern(
            Decision::Ask,
            Risk::High,
            "secret.git-history",
            format!("`git {sub}` shows file contents from history before HEAD, where removed secrets live (limit it with `-- PATH`)"),
        );
    }
}

/// Does the command print patches or file contents of commits before HEAD, over all paths?
fn shows_history_content(sub: &str, p: &Parsed) -> bool {
    // A `--` pathspec limits what is shown (secret paths are asked about on their own).
    let texts: Vec<&str> = match p.before_double_dash {
        Some(n) if p.operands().count() > n => return false,
        Some(n) => p.operands().take(n).map(|o| o.text.as_str()).collect(),
        None => p.operands().map(|o| o.text.as_str()).collect(),
    };
    let revs_beyond_head = texts
        .iter()
        .any(|t| !matches!(*t, "HEAD" | "@") && !t.contains(':'))
        || p.has("all")
        || p.has("branches")
        || p.has("tags")
        || p.has("remotes")
        || p.has("reflog")
        || p.has("walk-reflogs");
    let patch_flag = p.has("patch")
        || p.has("unified")
        || p.has("patch-with-stat")
        || p.has("patch-with-raw")
        || p.has("cc")
        || p.has("remerge-diff");
    let summary_only = p.has("stat")
        || p.has("numstat")
        || p.has("shortstat")
        || p.has("name-only")
        || p.has("name-status")
        || p.has("check")
        || p.has("summary")
        || p.has("dirstat")
        || p.has("raw")
        || p.has("no-patch")
        || p.has("compact-summary")
        || p.has("quiet")
        || p.has("exit-code");
    let one_commit =
        p.values("max-count").any(|v| v.text == "1") || p.numbers.iter().any(|n| n == "1");
    match sub {
        "log" | "whatchanged" | "reflog" => patch_flag && (revs_beyond_head || !one_commit),
        "show" | "diff" | "diff-tree" => (patch_flag || !summary_only) && revs_beyond_head,
        "format-patch" => revs_beyond_head || !one_commit,
        "stash" => false,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::{Action, Decision, Policy};

    fn d(argv: &[&str]) -> Decision {
        Policy::default()
            .evaluate(&Action::exec(
                argv.iter().map(|s| s.to_string()).collect(),
                None,
            ))
            .decision
    }

    #[test]
    fn git_reads_are_allowed_and_writes_are_not() {
        assert_eq!(d(&["git", "status", "--short"]), Decision::Allow);
        assert_eq!(d(&["git", "log", "-n", "5", "--stat"]), Decision::Allow);
        assert_eq!(d(&["git", "branch", "--list"]), Decision::Allow);
        assert_eq!(d(&["git", "-C", "sub", "diff"]), Decision::Allow);
        assert_ne!(d(&["git", "-c", "core.pager=sh", "log"]), Decision::Allow);
        assert_ne!(d(&["git", "diff", "--output=x.patch"]), Decision::Allow);
        assert_eq!(d(&["git", "push", "--force"]), Decision::Deny);
        assert_eq!(d(&["git", "reset", "--hard"]), Decision::Deny);
        assert_ne!(d(&["git", "commit", "-m", "x"]), Decision::Allow);
        assert_ne!(d(&["git", "frobnicate"]), Decision::Allow);
    }
}
