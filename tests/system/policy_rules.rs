//! `policy list` and `policy explain`: the built-in rule ids and the rules of policy files, as
//! a user looks them up from a verdict's explanation.

use crate::util::{run, run_json};

/// `policy list` names the ids verdicts carry, with their decisions, and the `--json` form
/// holds the same ids.
#[test]
fn list_names_known_ids_with_their_decisions() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = run(home.path(), ["policy", "list"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for (id, decision) in [
        ("git.push-force", "deny"),
        ("sql.select-into", "deny"),
        ("shell.unknown-value", "ask"),
        ("program.sort", "allow"),
        ("git.*", "allow|ask|deny"),
    ] {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("`{id}` missing from `policy list`:\n{text}"));
        assert!(line.contains(decision), "{line}");
    }
    let json = run_json(home.path(), ["policy", "list", "--json"]);
    let ids: Vec<&str> = json["builtin"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["id"].as_str()).collect())
        .unwrap_or_default();
    assert!(ids.len() > 250, "{} ids", ids.len());
    assert!(ids.contains(&"psql.shell") && ids.contains(&"patch.outside"));
}

/// Every id a real verdict names can be explained: the id in the explanation of a denied
/// command is looked up through `policy explain`.
#[test]
fn explain_shows_a_known_rule_and_the_verdict_of_its_example() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = run(home.path(), ["policy", "explain", "git.push-force"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("id: git.push-force"), "{text}");
    assert!(text.contains("decisions: deny"), "{text}");
    assert!(
        text.contains("rewrites or deletes remote history"),
        "{text}"
    );
    assert!(text.contains("-> deny (git.push-force)"), "{text}");

    let out = run(
        home.path(),
        ["policy", "check", "--json", "--", "git", "clean", "-fdx"],
    );
    assert_eq!(out.status.code(), Some(4));
    let verdict: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let id = verdict["explanation"][0]["id"].as_str().unwrap_or_default();
    let json = run_json(home.path(), ["policy", "explain", "--json", id]);
    assert_eq!(json["rule"]["id"], id, "{json}");
    assert_eq!(json["rule"]["decisions"][0], "deny", "{json}");

    // An id built at run time is explained by its family.
    let json = run_json(home.path(), ["policy", "explain", "--json", "sql.delete"]);
    assert_eq!(json["rule"]["id"], "sql.*", "{json}");
}

/// A typo is bad usage (exit 2) that names the nearest id, never an empty answer.
#[test]
fn explain_of_a_typo_is_a_usage_error_naming_the_near_match() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = run(home.path(), ["policy", "explain", "shell.unparseable"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("unknown rule id `shell.unparseable`")
            && stderr.contains("did you mean `shell.unparsable`"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// Rules from `--policy` files are listed and explained with their `match` keys; their ids
/// are near matches too.
#[test]
fn rules_from_policy_files_are_listed_and_explained() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = home.path().join("team.toml");
    std::fs::write(
        &file,
        r#"
[[rule]]
id = "no-push"
decision = "deny"
priority = 10
reason = "we never push from an agent"
match = { program = "git", argv_prefix = ["git", "push"] }
examples_match = ["git push origin main"]
examples_not_match = ["git status"]
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let policy = file.to_str().unwrap_or_default();
    let out = run(home.path(), ["policy", "list", "--policy", policy]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Rules from policy files (1):"), "{text}");
    assert!(text.contains("no-push"), "{text}");

    let out = run(
        home.path(),
        ["policy", "explain", "no-push", "--policy", policy],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for want in [
        "source: policy file",
        "decision: deny",
        "priority: 10",
        r#"matches: program = ["git"], argv_prefix = ["git","push"]"#,
        "  git push origin main",
    ] {
        assert!(text.contains(want), "`{want}` missing:\n{text}");
    }

    let out = run(
        home.path(),
        ["policy", "explain", "no-psuh", "--policy", policy],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("did you mean `no-push`"), "{stderr}");
}
