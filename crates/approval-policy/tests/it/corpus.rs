//! The corpora (`tests/data/*.jsonl`, one `{"argv": […] | "patch": …, "cwd"?, "expect":
//! "allow" | "never_allow" | "deny" | "ask"}` per line) run against the library. The CLI runs
//! the same files through `policy check --jsonl` in its own tests.

use approval_policy::{Action, Decision, Policy};

fn run(file: &str) -> (usize, Vec<String>) {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let policy = Policy::builtin();
    let mut failures = Vec::new();
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        n += 1;
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{file}:{}: {e}", i + 1));
        let expect = value["expect"]
            .as_str()
            .unwrap_or_else(|| panic!("{file}:{}: no expect", i + 1))
            .to_string();
        // An input that is not an action gets `deny`, as the CLI's `--jsonl` does.
        let v = match Action::from_json(&value) {
            Ok(action) => policy.evaluate(&action),
            Err(e) => approval_policy::Verdict::error(e.to_string()),
        };
        let ok = match expect.as_str() {
            "allow" => v.decision == Decision::Allow,
            "never_allow" => v.decision != Decision::Allow,
            "deny" => v.decision == Decision::Deny,
            "ask" => v.decision == Decision::Ask,
            other => panic!("{file}:{}: unknown expect `{other}`", i + 1),
        };
        if !ok {
            let what = value
                .get("argv")
                .or_else(|| value.get("patch"))
                .cloned()
                .unwrap_or_default();
            failures.push(format!(
                "{file}:{}: expected {expect}, got {}: {what}\n{v}",
                i + 1,
                v.decision
            ));
        }
    }
    (n, failures)
}

#[test]
fn public_corpus_is_judged_right() {
    let (n, failures) = run("public.jsonl");
    assert!(n >= 100, "public corpus too small: {n}");
    assert!(
        failures.is_empty(),
        "{} of {n} wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn own_corpus_is_judged_right() {
    let (n, failures) = run("own.jsonl");
    assert!(n >= 1000, "own corpus too small: {n}");
    assert!(
        failures.is_empty(),
        "{} of {n} wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn handwritten_corpus_is_judged_right() {
    let (n, failures) = run("handwritten.jsonl");
    assert!(n >= 90, "handwritten corpus too small: {n}");
    assert!(
        failures.is_empty(),
        "{} of {n} wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Passwords in every place a command can carry one never reach the explanation.
#[test]
fn secrets_never_reach_explanations() {
    let lines = [
        vec!["psql", "postgres://app:hunter2@127.0.0.1/shop", "-c", "SELECT 1"],
        vec!["bash", "-lc", "PGPASSWORD=hunter2 psql -h 127.0.0.1 -c 'SELECT 1'"],
        vec!["mysql", "-uroot", "-phunter2", "-e", "SELECT 1"],
        vec!["mysql", "--password=hunter2", "-e", "DROP TABLE t"],
        vec!["bash", "-lc", "sqlplus -s shop/hunter2@XE <<'EOF'\nSELECT 1 FROM dual;\nEOF"],
        vec!["sqlcmd", "-S", "db", "-U", "sa", "-P", "hunter2", "-Q", "SELECT 1"],
        vec!["redis-cli", "-a", "hunter2", "FLUSHALL"],
        vec!["psql", "-c", "ALTER USER app PASSWORD 'hunter2'"],
        vec!["bash", "-lc", "export API_TOKEN=hunter2 && curl -H \"Authorization: Bearer $API_TOKEN\" http://127.0.0.1"],
        vec!["mongosh", "mongodb://app:hunter2@127.0.0.1/shop", "--eval", "db.stats()"],
    ];
    for argv in lines {
        let v = Policy::builtin().evaluate(&Action::exec(
            argv.iter().map(|s| s.to_string()).collect(),
            None,
        ));
        let json = serde_json::to_string(&v).unwrap();
        assert!(
            !json.contains("hunter2"),
            "secret leaked for {argv:?}: {json}"
        );
        assert!(
            !v.to_string().contains("hunter2"),
            "secret leaked in text for {argv:?}"
        );
    }
}
