//! No rendered prompt carries a secret, whatever input field it hides in.

use xldb_workflows::{
    analyze_caching, caching_prompt, config_review_prompt, parse_query_log,
    query_optimization_prompt, review_config, schema_analysis_prompt, Dialect, QueryPrompt,
    SchemaPrompt, DEFAULT_PROMPT_BUDGET,
};

const SECRETS: &[&str] = &[
    "Hunter2Secret",
    "sk-live0123456789abcdefghij",
    "AKIAABCDEFGHIJKLMNOP",
    "ghp_abcdefghijklmnopqrstuvwxyz012345",
];

#[test]
fn every_prompt_is_redacted() {
    let sql = "SELECT * FROM users WHERE password = 'x' -- postgres://app:Hunter2Secret@db/x token=sk-live0123456789abcdefghij";
    let mut table = db_schema::Table::new(None, "users", db_schema::TableKind::Table);
    table.comment = Some("api_key=AKIAABCDEFGHIJKLMNOP".into());
    table.columns.push(db_schema::Column {
        name: "auth".into(),
        position: 1,
        data_type: "text".into(),
        nullable: true,
        default: Some("'Bearer ghp_abcdefghijklmnopqrstuvwxyz012345'".into()),
        comment: None,
        extra: Default::default(),
    });
    let schema = db_schema::Schema::new("postgres", vec![table.clone()]);
    let mut prompts = vec![
        query_optimization_prompt(&QueryPrompt {
            engine: Dialect::Postgres,
            sql,
            plan: Some("password=Hunter2Secret"),
            elapsed_ms: None,
            rows: None,
            tables: &[&table],
            findings: &[],
            tools: true,
            budget: DEFAULT_PROMPT_BUDGET,
        })
        .text,
        schema_analysis_prompt(&SchemaPrompt {
            engine: Dialect::Postgres,
            schema: &schema,
            focus_tables: &[],
            findings: &[],
            tools: false,
            budget: DEFAULT_PROMPT_BUDGET,
            part: None,
        })
        .text,
    ];
    let log = "3\tSELECT a FROM t WHERE k = 'postgres://u:Hunter2Secret@h/d'\n";
    prompts.push(
        caching_prompt(
            &analyze_caching(Dialect::Postgres, &parse_query_log(log).unwrap()),
            false,
            DEFAULT_PROMPT_BUDGET,
        )
        .text,
    );
    let review = review_config("[c]\nengine = \"mysql\"\nhost = \"h\"\npassword = \"Hunter2Secret\"\naws = { secret_key = \"AKIAABCDEFGHIJKLMNOP\" }\n").unwrap();
    prompts.push(config_review_prompt(&review, DEFAULT_PROMPT_BUDGET).text);
    for p in &prompts {
        for s in SECRETS {
            assert!(!p.contains(s), "`{s}` in:\n{p}");
        }
    }
}
