//! Snapshots of explanations: what a user reads when a verdict surprises them.

use approval_policy::{classify_sql, Action, Dialect, Policy};

fn exec(argv: &[&str]) -> approval_policy::Verdict {
    Policy::builtin().evaluate(&Action::exec(
        argv.iter().map(|s| s.to_string()).collect(),
        Some("/work/app".into()),
    ))
}

#[test]
fn explanation_of_a_chain_names_the_deciding_sub_command() {
    insta::assert_json_snapshot!(exec(&[
        "bash",
        "-lc",
        "ls -la && r''m -rf build | tee out.txt"
    ]));
}

#[test]
fn explanation_of_psql_names_each_statement_and_meta_command() {
    insta::assert_json_snapshot!(exec(&[
        "psql",
        "-d",
        "shop",
        "-c",
        "SELECT 1; WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"
    ]));
    insta::assert_json_snapshot!(exec(&[
        "bash",
        "-lc",
        "psql -d shop <<'SQL'\n\\dt\nSELECT pg_terminate_backend(42);\n\\! id\nSQL"
    ]));
}

#[test]
fn explanation_of_wrappers_and_dynamic_names() {
    insta::assert_json_snapshot!(exec(&[
        "bash",
        "-lc",
        "sudo -u postgres env FOO=1 timeout 5 $(which rm) -f x"
    ]));
}

#[test]
fn explanation_of_a_patch_lists_each_file() {
    let patch = "*** Begin Patch\n*** Update File: src/lib.rs\n@@\n-a\n+b\n*** Add File: .git/hooks/pre-commit\n+#!/bin/sh\n*** Delete File: old.txt\n*** End Patch";
    insta::assert_json_snapshot!(
        Policy::builtin().evaluate(&Action::patch_text(patch, Some("/work/app".into())).unwrap())
    );
}

#[test]
fn explanation_of_sql_classification_per_dialect() {
    insta::assert_json_snapshot!(classify_sql(
        Dialect::MySql,
        "SELECT 1; /*!50000 DROP TABLE t */; SELECT * FROM t INTO OUTFILE '/tmp/x'"
    ));
    insta::assert_json_snapshot!(classify_sql(
        Dialect::ClickHouse,
        "SELECT * FROM url('http://x/a.csv', CSV); SYSTEM SHUTDOWN"
    ));
}
