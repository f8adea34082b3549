//! `xldb-codex demo`: the whole tool on an embedded SQLite shop, without a server, an API key
//! or a network.

use crate::render;
use crate::settings::{data_dir, Format, OutputArgs};
use anyhow::Context as _;
use std::path::PathBuf;
use xldb_workflows::{
    analyze_query, analyze_schema, create_demo_database, schema_facts, Dialect, QueryLintOptions,
    SchemaLintOptions, DEMO_COMMANDS, DEMO_QUERIES,
};

use crate::exit::Exit;

/// Arguments of `xldb-codex demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Folder for the demo database (default: the user's data folder, `…/xldb-codex/demo`).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Run the demo.
pub fn run(args: DemoArgs) -> anyhow::Result<Exit> {
    let format = args.output.format();
    let dir = args.dir.unwrap_or_else(|| data_dir().join("demo"));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let db = dir.join("shop.db");
    create_demo_database(&db).map_err(|e| match e {
        xldb_workflows::WorkflowError::WouldOverwrite { .. } => anyhow::Error::new(
            crate::exit::UsageError(format!("{e}; `--dir DIR` picks the folder")),
        ),
        other => other.into(),
    })?;
    let url = format!("sqlite://{}", db.display());

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let schema = rt
        .block_on(db_schema::extract_url(
            &url,
            &db_schema::Options::default(),
            &(),
        ))
        .context("extracting the demo schema")?;
    let schema_findings = analyze_schema(&schema, SchemaLintOptions::for_schema(&schema));
    let facts = schema_facts(&schema);
    let mut query_results = Vec::new();
    for q in DEMO_QUERIES {
        let a = analyze_query(Dialect::Sqlite, q, &facts, QueryLintOptions::default())?;
        query_results.push((q.to_string(), a.findings));
    }
    let db_text = db.display().to_string();
    let policy = crate::policy_bridge::load_policy(&[])?;
    let verdicts: Vec<(String, crate::policy_bridge::Judgement)> = DEMO_COMMANDS
        .iter()
        .map(|c| {
            let command = c.replace("{db}", &db_text);
            let j = crate::policy_bridge::judge_shell(&policy, &command, &dir);
            (command, j)
        })
        .collect();

    if format == Format::Json {
        let doc = serde_json::json!({
            "database": db_text,
            "url": url,
            "schema": schema,
            "schema_findings": schema_findings,
            "queries": query_results.iter().map(|(q, f)| serde_json::json!({"sql": q, "findings": f})).collect::<Vec<_>>(),
            "policy": verdicts.iter().map(|(c, j)| serde_json::json!({"command": c, "decision": j.decision, "reason": j.reason, "verdict": j.raw})).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
        return Ok(Exit::Ok);
    }

    let mut out = String::new();
    out.push_str(&format!(
        "xldb-codex demo: a small shop database at {db_text}\n"
    ));
    out.push_str(&render::heading(
        "1. Schema (extracted by db-schema)",
        format,
    ));
    let rows: Vec<Vec<String>> = schema
        .tables
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.columns
                    .iter()
                    .map(|c| {
                        format!(
                            "{} {}{}",
                            c.name,
                            c.data_type,
                            if c.nullable { "" } else { " not null" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                t.primary_key
                    .as_ref()
                    .map(|p| p.columns.join(", "))
                    .unwrap_or_else(|| "—".into()),
                t.foreign_keys
                    .iter()
                    .map(|f| {
                        format!(
                            "({}) → {}({})",
                            f.columns.join(", "),
                            f.referenced_table,
                            f.referenced_columns.join(", ")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                t.indexes
                    .iter()
                    .map(|i| {
                        format!(
                            "{}({})",
                            i.name,
                            i.columns
                                .iter()
                                .filter_map(|c| c.column.clone())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ]
        })
        .collect();
    let header = ["table", "columns", "primary key", "foreign keys", "indexes"];
    out.push_str(&match format {
        Format::Markdown => render::markdown_table(&header, &rows),
        _ => render::table(&header, rows) + "\n",
    });
    out.push_str(&render::heading("2. Local schema analysis", format));
    out.push_str(&render::findings(&schema_findings, format));
    out.push_str(&render::heading("3. Local query analysis", format));
    for (q, f) in &query_results {
        out.push_str(&format!("\n{q}\n"));
        out.push_str(&render::findings(f, format));
    }
    out.push_str(&render::heading(
        "4. The approval policy on commands Codex might ask to run",
        format,
    ));
    let rows: Vec<Vec<String>> = verdicts
        .iter()
        .map(|(c, j)| vec![j.decision.clone(), c.clone(), j.reason.clone()])
        .collect();
    let header = ["decision", "command", "why"];
    out.push_str(&match format {
        Format::Markdown => render::markdown_table(&header, &rows),
        _ => render::table(&header, rows) + "\n",
    });
    out.push_str(&render::heading("5. The same against Codex", format));
    out.push_str(&format!(
        "Install Codex (`npm install -g @openai/codex`) and log in (`codex login`) or set OPENAI_API_KEY, then:\n\
         \n  xldb-codex analyze schema --db {url}\
         \n  xldb-codex analyze query --db {url} --sql \"SELECT * FROM orders WHERE lower(status) = 'paid'\"\
         \n  xldb-codex mcp serve --db {url}      # the database tools, for Codex or any MCP client\n\
         \nEvery command Codex asks to run goes through the policy above; `--audit-log FILE` records each decision.\n\
         Without Codex the analyze commands fall back to the local analysis shown here (`--offline` asks for it directly).\n"
    ));
    print!("{out}");
    Ok(Exit::Ok)
}
