//! The local analyses from the command line: `--offline`, `config generate`, exit codes.

// Tests and their helpers fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::util::{all_output, analyze_query_offline, assert_success, demo_db, run, run_json};

#[test]
fn analyze_query_offline_reports_findings_as_json() {
    let home = tempfile::tempdir().unwrap();
    let v = run_json(
        home.path(),
        [
            "analyze",
            "query",
            "--offline",
            "--engine",
            "mysql",
            "--json",
            "--sql",
            "SELECT * FROM orders ORDER BY RAND() LIMIT 10000, 20",
        ],
    );
    assert_eq!(v["source"], "local");
    let rules: Vec<&str> = v["local"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules.len(), 3, "{rules:?}");
    for r in ["select-star", "order-by-random", "deep-offset"] {
        assert!(rules.contains(&r), "{rules:?}");
    }
    assert_eq!(
        v["local"]["fingerprint"]["normalized"],
        "SELECT * FROM orders ORDER BY rand() LIMIT ?, ?"
    );
}

#[test]
fn analyze_query_with_a_database_collects_the_plan_and_timing() {
    let home = tempfile::tempdir().unwrap();
    let (_, url) = demo_db(home.path());
    let v = analyze_query_offline(
        home.path(),
        &url,
        "SELECT id FROM orders WHERE customer_id = 1",
    );
    let m = &v["local"]["measured"];
    assert!(m["plan"].as_str().unwrap().contains("orders"), "{m}");
    assert_eq!(m["rows"], 2);
}

#[test]
fn a_bad_query_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let out = run(
        home.path(),
        [
            "analyze",
            "query",
            "--offline",
            "--engine",
            "postgres",
            "--sql",
            "SELEC 1",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not parse"));
}

#[test]
fn analyze_config_never_prints_the_secrets() {
    let home = tempfile::tempdir().unwrap();
    let cfg = home.path().join("proxy.toml");
    std::fs::write(
        &cfg,
        "[connections.main]\nengine = \"postgres\"\nurl = \"postgres://app:Sup3rS3cret@10.0.0.9/db\"\n[connections.ch]\nengine = \"clickhouse\"\nhost = \"ch.internal\"\npassword = \"hunter2hunter2\"\n",
    )
    .unwrap();
    for extra in [&[][..], &["--json"][..], &["--format", "markdown"][..]] {
        let cfg = cfg.to_str().unwrap();
        let out = run(
            home.path(),
            ["analyze", "config", "--offline"]
                .iter()
                .chain(extra)
                .chain([&cfg]),
        );
        assert!(out.status.success());
        let all = all_output(&out);
        assert!(
            all.contains("plaintext-secret") && all.contains("password-in-url"),
            "{all}"
        );
        assert!(
            !all.contains("Sup3rS3cret") && !all.contains("hunter2hunter2"),
            "{all}"
        );
    }
}

#[test]
fn config_generate_writes_toml_that_parses_and_reviews_clean() {
    let home = tempfile::tempdir().unwrap();
    let out = run(
        home.path(),
        [
            "config",
            "generate",
            "--requirements",
            "environment=production;load=high",
            "--requirements",
            "databases=postgres,mysql,sqlite",
        ],
    );
    assert_success(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    let doc: toml::Table = toml::from_str(&text).expect("generated TOML parses");
    assert_eq!(doc["connections"].as_table().unwrap().len(), 3);
    let file = home.path().join("gen.toml");
    std::fs::write(&file, &text).unwrap();
    let review = run(
        home.path(),
        [
            "analyze",
            "config",
            "--offline",
            "--json",
            file.to_str().unwrap(),
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&review.stdout).unwrap();
    assert!(
        v["local"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "error"),
        "{v}"
    );
    let bad = run(
        home.path(),
        ["config", "generate", "--requirements", "load=enormous"],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn analyze_caching_ranks_a_query_log() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("queries.log");
    std::fs::write(&log, "100\tSELECT title FROM products WHERE id = 1\n50\tSELECT title FROM products WHERE id = 2\n10\tUPDATE products SET price_cents = 1 WHERE id = 3\n3\tSELECT id FROM orders WHERE created_at > now()\n").unwrap();
    let v = run_json(
        home.path(),
        [
            "analyze",
            "caching",
            "--offline",
            "--engine",
            "postgres",
            "--json",
            "--queries",
            log.to_str().unwrap(),
        ],
    );
    let first = &v["local"]["groups"][0];
    assert_eq!(first["frequency"], 150);
    assert_eq!(first["advice"]["advice"], "cache");
    assert_eq!(first["advice"]["invalidate_on_writes_to"][0], "products");
}

#[test]
fn an_unreachable_database_is_a_failure_without_the_password() {
    let home = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://app:NotToBePrinted@127.0.0.1:{port}/shop");
    let out = run(
        home.path(),
        ["analyze", "schema", "--offline", "--db", &url],
    );
    assert_eq!(out.status.code(), Some(1));
    let all = all_output(&out);
    assert!(!all.contains("NotToBePrinted"), "{all}");
    assert!(all.contains("error:"), "{all}");
}

#[test]
fn the_settings_file_is_read_and_checked() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/xldb-codex");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "codex_bin = \"/opt/no-such-codex-from-settings\"\n",
    )
    .unwrap();
    const QUERY: [&str; 7] = [
        "analyze",
        "query",
        "--engine",
        "sqlite",
        "--no-cache",
        "--sql",
        "SELECT 1",
    ];
    let out = run(home.path(), QUERY);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no-such-codex-from-settings") && stderr.contains("Codex unavailable"),
        "{stderr}"
    );
    // a flag wins over the file
    let out = run(
        home.path(),
        QUERY.iter().chain(&["--codex-bin", "/opt/from-flag"]),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("/opt/from-flag"));
    std::fs::write(dir.join("config.toml"), "colour = \"blue\"\n").unwrap();
    let out = run(
        home.path(),
        [
            "analyze", "query", "--engine", "sqlite", "--sql", "SELECT 1",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Regression: a typo, a capital letter, a space after a comma or a schema qualifier in
/// `--tables` used to extract nothing and print "No findings" with exit 0.
#[test]
fn tables_typed_as_people_type_them_are_found_or_named_as_unknown() {
    let home = tempfile::tempdir().unwrap();
    let (_, url) = crate::util::demo_db(home.path());
    let found = crate::util::run_json(
        home.path(),
        ["schema", "--db", &url, "--tables", "Orders, main.customers"],
    );
    let names: Vec<&str> = found["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["customers", "orders"]);
    for args in [
        vec!["schema", "--db", &url, "--tables", "ordres"],
        vec![
            "analyze",
            "schema",
            "--offline",
            "--db",
            &url,
            "--tables",
            "ordres",
        ],
    ] {
        let out = crate::util::run(home.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded: {stderr}");
        assert!(
            stderr.contains("no such table: `ordres` (did you mean `orders`?)"),
            "{args:?}: {stderr}"
        );
    }
}
