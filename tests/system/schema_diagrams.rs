//! `schema --format mermaid|dot|svg|png` and `schema doc`: the diagrams are checked by the
//! real tools, Graphviz's `dot` and the npm `mermaid` parser (scripts/deps.sh installs both),
//! on small made-up schemas and on the real Zabbix 6.0 schema (Debian's packages, see
//! `xldb_testkit::real_schemas`).

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::{all_output, assert_success, demo_db, run, xldb};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Parse each diagram with the real Mermaid parser: `Ok(type)` or `Err(message)` per diagram.
fn mermaid_parse(diagrams: &[String]) -> Vec<Result<String, String>> {
    let modules = std::env::var("XLDB_MERMAID_MODULES").expect(
        "XLDB_MERMAID_MODULES is not set: run `source scripts/deps.sh; install_mermaid; export_deps` \
         (npm mermaid and jsdom into .deps/mermaid)",
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("system/data/mermaid_parse.mjs");
    let mut child = Command::new("node")
        .arg(script)
        .arg(modules)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node is needed for the Mermaid parser (Debian package `nodejs`)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(diagrams).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    results
        .into_iter()
        .map(|r| match r["ok"].as_bool() {
            Some(true) => Ok(r["type"].as_str().unwrap_or_default().to_owned()),
            _ => Err(r["error"].as_str().unwrap_or_default().to_owned()),
        })
        .collect()
}

/// Mermaid text holding one or more diagrams (each starts with its `%%` title line).
fn split_mermaid(text: &str) -> Vec<String> {
    let mut diagrams: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with("%% ") || diagrams.is_empty() {
            diagrams.push(String::new());
        }
        let last = diagrams.last_mut().unwrap();
        last.push_str(line);
        last.push('\n');
    }
    diagrams
        .into_iter()
        .filter(|d| !d.trim().is_empty())
        .collect()
}

/// Render DOT with the real `dot`; its SVG.
fn dot_svg(dot: &[u8]) -> String {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("graphviz's `dot` is needed: install the Debian package `graphviz`");
    child.stdin.take().unwrap().write_all(dot).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "dot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A SQLite database of `chains` separate chains `cK_0 <- cK_1 <- cK_2` (foreign keys), plus
/// a table with awkward names.
fn chains_db(dir: &Path, chains: usize) -> String {
    let path = dir.join("chains.db");
    let db = rusqlite::Connection::open(&path).unwrap();
    let mut sql = String::new();
    for k in 0..chains {
        sql.push_str(&format!(
            "CREATE TABLE c{k}_0 (id INTEGER PRIMARY KEY, name TEXT);
             CREATE TABLE c{k}_1 (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES c{k}_0(id));
             CREATE TABLE c{k}_2 (id INTEGER PRIMARY KEY, parent INTEGER UNIQUE REFERENCES c{k}_1(id));"
        ));
    }
    sql.push_str(
        r#"CREATE TABLE "odd ""name"" <x>" ("a b" NUMERIC(10,2) PRIMARY KEY, "1st" TEXT REFERENCES c0_0(id));"#,
    );
    db.execute_batch(&sql).unwrap();
    format!("sqlite://{}", path.display())
}

/// Run `schema doc` on `url` into `home/doc`; the folder.
fn schema_doc(home: &Path, url: &str) -> std::path::PathBuf {
    let dir = home.join("doc");
    let out = run(
        home,
        ["schema", "doc", "--db", url, "--out", dir.to_str().unwrap()],
    );
    assert_success(&out);
    dir
}

#[test]
fn demo_diagrams_render_with_dot_and_parse_with_mermaid() {
    let home = tempfile::tempdir().unwrap();
    let (_, url) = demo_db(home.path());

    let dot = run(home.path(), ["schema", "--db", &url, "--format", "dot"]);
    assert_success(&dot);
    let svg = dot_svg(&dot.stdout);
    for table in ["customers", "orders", "order_items", "products"] {
        assert!(svg.contains(table), "{table} missing from the SVG");
    }

    let mermaid = run(home.path(), ["schema", "--db", &url, "--format", "mermaid"]);
    assert_success(&mermaid);
    let text = String::from_utf8(mermaid.stdout).unwrap();
    assert!(text.contains("||..o{"), "{text}");
    assert_eq!(
        mermaid_parse(std::slice::from_ref(&text)),
        vec![Ok("er".to_owned())]
    );
    // the parser is a real check: a broken relationship is refused
    let broken = text.replace(" : \"", " :: \"");
    assert!(mermaid_parse(&[broken])[0].is_err());

    let svg = run(home.path(), ["schema", "--db", &url, "--format", "svg"]);
    assert_success(&svg);
    assert!(String::from_utf8_lossy(&svg.stdout).contains("<svg"));
    let png = run(home.path(), ["schema", "--db", &url, "--format", "png"]);
    assert_success(&png);
    assert!(png.stdout.starts_with(b"\x89PNG\r\n"), "not a PNG");
}

#[test]
fn without_graphviz_the_error_names_the_debian_package() {
    let home = tempfile::tempdir().unwrap();
    let (_, url) = demo_db(home.path());
    let out = xldb(home.path())
        .env("PATH", home.path())
        .args(["schema", "--db", &url, "--format", "svg"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));
    assert!(
        all_output(&out).contains("install the Debian package `graphviz`"),
        "{}",
        all_output(&out)
    );
}

#[test]
fn a_big_schema_is_split_into_legible_diagrams_and_says_so() {
    let home = tempfile::tempdir().unwrap();
    let url = chains_db(home.path(), 20); // 61 tables in 20 components
    let out = run(home.path(), ["schema", "--db", &url, "--format", "mermaid"]);
    assert_success(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("61 tables in 2 diagrams along foreign-key components"),
        "{stderr}"
    );
    let diagrams = split_mermaid(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(diagrams.len(), 2);
    for (d, parsed) in diagrams.iter().zip(mermaid_parse(&diagrams)) {
        assert_eq!(parsed, Ok("er".to_owned()), "{d}");
        let entities = d
            .lines()
            .filter(|l| l.starts_with("  t") && l.contains("[\""))
            .count();
        assert!(entities <= 50, "{entities} tables in one diagram");
    }

    // SVG of several diagrams: one file each, only into a folder
    let refused = run(home.path(), ["schema", "--db", &url, "--format", "svg"]);
    assert_eq!(refused.status.code(), Some(2), "{}", all_output(&refused));
    let dir = home.path().join("pictures");
    let files = run(
        home.path(),
        [
            "schema",
            "--db",
            &url,
            "--format",
            "svg",
            "--out",
            dir.to_str().unwrap(),
        ],
    );
    assert_success(&files);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["main-1.svg", "main-2.svg"]);
}

#[test]
fn depth_draws_the_foreign_key_neighbourhood_of_the_chosen_tables() {
    let home = tempfile::tempdir().unwrap();
    let url = chains_db(home.path(), 3);
    let entities = |depth: &str| {
        let out = run(
            home.path(),
            [
                "schema", "--db", &url, "--format", "mermaid", "--tables", "c1_1", "--depth", depth,
            ],
        );
        assert_success(&out);
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            mermaid_parse(std::slice::from_ref(&text)),
            vec![Ok("er".to_owned())]
        );
        let mut names: Vec<String> = text
            .lines()
            .filter(|l| l.contains(" {"))
            .filter_map(|l| l.split('"').nth(1).map(str::to_owned))
            .collect();
        names.sort();
        names
    };
    assert_eq!(entities("1"), ["c1_0", "c1_1", "c1_2"]);
    // unknown names are a usage error with a suggestion
    let typo = run(
        home.path(),
        [
            "schema", "--db", &url, "--format", "dot", "--tables", "c1_9", "--depth", "1",
        ],
    );
    assert_eq!(typo.status.code(), Some(2), "{}", all_output(&typo));
}

#[test]
fn schema_doc_writes_pages_with_diagrams_that_render() {
    let home = tempfile::tempdir().unwrap();
    let url = chains_db(home.path(), 2);
    let dir = schema_doc(home.path(), &url);
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(
        readme.contains("| [`main.c0_1`](main.c0_1.md) | table | 2 |"),
        "{readme}"
    );
    let page = std::fs::read_to_string(dir.join("main.c0_1.md")).unwrap();
    assert!(
        page.contains("## Referenced tables\n\n- [`main.c0_0`](main.c0_0.md) by `parent`"),
        "{page}"
    );
    assert!(
        page.contains("## Referencing tables\n\n- [`main.c0_2`](main.c0_2.md)"),
        "{page}"
    );
    assert!(
        page.contains("![main.c0_1 and its foreign-key neighbours](diagrams/main.c0_1.svg)"),
        "{page}"
    );
    for svg in ["diagrams/main.c0_1.svg", "diagrams/overview-schema.svg"] {
        let svg = std::fs::read_to_string(dir.join(svg)).unwrap();
        assert!(svg.contains("<svg"));
    }
    // every Mermaid block of every page parses
    let mut blocks = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            for block in text.split("```mermaid\n").skip(1) {
                blocks.push(block.split("```").next().unwrap().to_owned());
            }
        }
    }
    assert_eq!(blocks.len(), 8, "a README diagram and one per table");
    for (b, parsed) in blocks.iter().zip(mermaid_parse(&blocks)) {
        assert_eq!(parsed, Ok("er".to_owned()), "{b}");
    }
    // `doc` needs a folder
    let no_out = run(home.path(), ["schema", "doc", "--db", &url]);
    assert_eq!(no_out.status.code(), Some(2));
}

/// The PostgreSQL catalog fixture: `audit_events` reaches `users` only through a key of its
/// partition `audit_events_202601`. The diagram draws it from `audit_events` (labelled with
/// the partition), `--depth` follows it, the real `dot` and Mermaid parser accept the output,
/// and `schema doc` lists it on both tables' pages.
#[test]
fn postgres_partition_keys_are_drawn_followed_and_documented() {
    let pg = xldb_testkit::servers::Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = pg.create_database("diagram_partitions").unwrap();
    pg.psql(
        "diagram_partitions",
        include_str!("../../crates/db-schema/tests/it/fixtures/postgres_catalog.sql"),
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();

    let mermaid = run(home.path(), ["schema", "--db", &url, "--format", "mermaid"]);
    assert_success(&mermaid);
    let text = String::from_utf8(mermaid.stdout).unwrap();
    assert!(
        text.contains(" |o..o{ t1 : \"author_id (partition audit_events_202601)\"\n"),
        "{text}"
    );
    assert!(text.contains("    bigint author_id FK\n"), "{text}");
    assert_eq!(
        mermaid_parse(std::slice::from_ref(&text)),
        vec![Ok("er".to_owned())]
    );

    let dot = run(home.path(), ["schema", "--db", &url, "--format", "dot"]);
    assert_success(&dot);
    // dot_svg also fails on any warning (an edge from a port the node lacks)
    let svg = dot_svg(&dot.stdout);
    assert!(svg.contains("partition audit_events_202601"), "{svg}");

    let near = run(
        home.path(),
        [
            "schema", "--db", &url, "--format", "mermaid", "--tables", "users", "--depth", "1",
        ],
    );
    assert_success(&near);
    let near = String::from_utf8(near.stdout).unwrap();
    assert!(near.contains("[\"audit_events\"] {"), "{near}");
    // a partition's neighbourhood: its table's, said on stderr
    let part = run(
        home.path(),
        [
            "schema",
            "--db",
            &url,
            "--format",
            "mermaid",
            "--tables",
            "audit_events_202601",
            "--depth",
            "1",
        ],
    );
    assert_success(&part);
    assert!(
        String::from_utf8_lossy(&part.stderr).contains(
            "note: `audit_events_202601` is a partition of `audit_events`: drawing `audit_events`"
        ),
        "{}",
        all_output(&part)
    );
    let part = String::from_utf8(part.stdout).unwrap();
    assert!(
        part.contains("[\"audit_events\"] {") && part.contains("[\"users\"] {"),
        "{part}"
    );

    let dir = schema_doc(home.path(), &url);
    let audit = std::fs::read_to_string(dir.join("public.audit_events.md")).unwrap();
    assert!(
        audit.contains("- [`public.users`](public.users.md) by `author_id` (`fk_audit_202601_author`) in partition audit_events_202601"),
        "{audit}"
    );
    let users = std::fs::read_to_string(dir.join("public.users.md")).unwrap();
    assert!(
        users.contains("- [`public.audit_events`](public.audit_events.md)"),
        "{users}"
    );
}

#[test]
fn the_real_zabbix_schema_on_postgres_draws_diagrams_that_render_and_parse() {
    let ddl = xldb_testkit::real_schemas::RealSchema::Zabbix
        .ddl("postgresql")
        .unwrap_or_else(|e| panic!("{e:#}"));
    let pg = xldb_testkit::servers::Postgres::shared().unwrap_or_else(|e| panic!("{e:#}"));
    let url = pg.create_database("zabbix_diagrams").unwrap();
    pg.psql("zabbix_diagrams", &ddl).unwrap();
    let home = tempfile::tempdir().unwrap();

    let dot = run(home.path(), ["schema", "--db", &url, "--format", "dot"]);
    assert_success(&dot);
    let note = String::from_utf8_lossy(&dot.stderr);
    assert!(
        note.contains("173 tables in 2 diagrams along foreign-key components"),
        "{note}"
    );
    let svg = dot_svg(&dot.stdout);
    assert_eq!(svg.matches("<svg").count(), 2, "one SVG per diagram");
    for table in ["hosts", "items", "triggers", "events", "users", "dbversion"] {
        assert!(
            svg.contains(&format!(">{table}<")),
            "{table} missing from the SVG"
        );
    }

    let mermaid = run(home.path(), ["schema", "--db", &url, "--format", "mermaid"]);
    assert_success(&mermaid);
    let diagrams = split_mermaid(&String::from_utf8(mermaid.stdout).unwrap());
    assert_eq!(diagrams.len(), 2);
    for (d, parsed) in diagrams.iter().zip(mermaid_parse(&diagrams)) {
        assert_eq!(parsed, Ok("er".to_owned()), "{d}");
    }
    // each of the 226 foreign keys is one relationship (`t28 ||..o{ t0 : "eventid"`)
    let relationships: usize = diagrams
        .iter()
        .flat_map(|d| d.lines())
        .filter(|l| l.contains(" : \"") && (l.contains("..") || l.contains("--")))
        .count();
    assert_eq!(relationships, 226);
}
