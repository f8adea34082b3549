//! mongosh: `--eval` texts, script files, standard input; the JavaScript judged by an
//! allowlist of read calls (`find`, `aggregate` without `$out`, …).

use super::{push_directive, split_options, Client, Input, Source};
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::shell::{Cmd, Ctx};

/// The mongosh client.
pub(super) struct Mongosh;

impl Client for Mongosh {
    fn names(&self) -> &'static [&'static str] {
        &["mongosh", "mongo"]
    }

    fn sources(&self, _ctx: &mut Ctx, cmd: &Cmd, _a: &mut Assessment) -> Option<Input> {
        read_sources(cmd)
    }

    fn judge_text(&self, ctx: &mut Ctx, _input: &Input, text: &str) {
        mongo_js(ctx, text);
    }
}

fn read_sources(cmd: &Cmd) -> Option<Input> {
    let (opts, pos) = split_options(
        &cmd.argv[1..],
        "uphf",
        &[
            "eval",
            "host",
            "port",
            "username",
            "password",
            "authenticationDatabase",
            "authenticationMechanism",
            "file",
            "tlsCAFile",
            "tlsCertificateKeyFile",
            "apiVersion",
            "db",
        ],
    );
    let mut sources = Vec::new();
    let mut shell_after = false;
    for o in &opts {
        match o.name.as_str() {
            "eval" => sources.extend(o.value.clone().map(Source::Text)),
            "f" | "file" => sources.extend(o.value.clone().map(Source::File)),
            "shell" => shell_after = true,
            _ => {}
        }
    }
    for p in &pos {
        if p.text.ends_with(".js") || p.text.ends_with(".mjs") {
            sources.push(Source::File(p.clone()));
        }
    }
    if sources.is_empty() || shell_after {
        sources.push(Source::Stdin);
    }
    Some(Input::with(sources))
}

const MONGO_READ_CALLS: [&str; 62] = [
    "find",
    "findOne",
    "countDocuments",
    "estimatedDocumentCount",
    "count",
    "distinct",
    "aggregate",
    "getIndexes",
    "getIndexKeys",
    "stats",
    "getCollectionNames",
    "getCollectionInfos",
    "getName",
    "getSiblingDB",
    "getCollection",
    "explain",
    "limit",
    "skip",
    "sort",
    "toArray",
    "pretty",
    "itcount",
    "size",
    "hasNext",
    "next",
    "printjson",
    "print",
    "stringify",
    "version",
    "serverStatus",
    "hostInfo",
    "isMaster",
    "hello",
    "getMongo",
    "getDBs",
    "getDBNames",
    "dataSize",
    "storageSize",
    "totalIndexSize",
    "totalSize",
    "ObjectId",
    "ISODate",
    "Date",
    "NumberLong",
    "NumberInt",
    "NumberDecimal",
    "UUID",
    "currentOp",
    "status",
    "project",
    "max",
    "min",
    "collation",
    "hint",
    "batchSize",
    "comment",
    "maxTimeMS",
    "allowDiskUse",
    "listCollections",
    "getUsers",
    "getRoles",
    "readPref",
];

struct MongoPatterns {
    deny: Vec<regex::Regex>,
    call: Option<regex::Regex>,
}

fn mongo_patterns() -> &'static MongoPatterns {
    static P: std::sync::OnceLock<MongoPatterns> = std::sync::OnceLock::new();
    P.get_or_init(|| MongoPatterns {
        deny: [
            r"\b(require|process|child_process|runProgram|_runMongoProgram|runMongoProgram|load|writeFile|removeFile|copyFile|mkdir|cat|passwordPrompt)\s*\(",
            r"\$out\b|\$merge\b|\$function\b|\$where\b|\$accumulator\b",
            r"\.(drop|dropDatabase|dropIndex|dropIndexes|deleteOne|deleteMany|remove|findOneAndDelete|findAndModify|renameCollection|insert|insertOne|insertMany|update|updateOne|updateMany|replaceOne|findOneAndUpdate|findOneAndReplace|bulkWrite|createIndex|createIndexes|createCollection|createView|createUser|dropUser|dropAllUsers|updateUser|grantRolesToUser|revokeRolesFromUser|shutdownServer|fsyncLock|killOp|setProfilingLevel|mapReduce|compact|reIndex|repairDatabase|convertToCapped|hideIndex|setLogLevel)\s*\(",
        ]
        .iter()
        .filter_map(|r| regex::Regex::new(r).ok())
        .collect(),
        call: regex::Regex::new(r"([A-Za-z_$][A-Za-z0-9_$]*)\s*\(").ok(),
    })
}

fn mongo_js(ctx: &mut Ctx, js: &str) {
    let patterns = mongo_patterns();
    for line in js.lines() {
        let t = line.trim();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("show ")
            || lower.starts_with("use ")
            || lower == "exit"
            || lower == "quit"
            || lower.starts_with("it") && lower.len() <= 3
        {
            push_directive(ctx, "mongosh", t, |d| {
                d.read_only("mongosh.shell-command", "shell helper");
            });
        }
    }
    let body: String = js
        .lines()
        .filter(|l| {
            let lower = l.trim().to_ascii_lowercase();
            !(lower.starts_with("show ")
                || lower.starts_with("use ")
                || lower == "exit"
                || lower == "quit")
        })
        .collect::<Vec<_>>()
        .join("\n");
    if body.trim().is_empty() {
        return;
    }
    push_directive(ctx, "mongosh", &body, |d| {
        if patterns.deny.len() < 3 || patterns.call.is_none() {
            d.deny(Risk::High, "mongosh.internal", "patterns unavailable");
        }
        for (i, re) in patterns.deny.iter().enumerate() {
            if re.is_match(&body) {
                let (risk, why) = if i == 0 {
                    (Risk::Critical, "runs programs or touches files")
                } else {
                    (Risk::High, "writes or drops data")
                };
                d.deny(risk, "mongosh.write", why);
            }
        }
        if body.contains("runCommand") || body.contains("adminCommand") || body.contains("eval(") {
            d.concern(
                Decision::Ask,
                Risk::High,
                "mongosh.command",
                "runs a database command",
            );
        }
        if body.contains("=>")
            || body.contains("function")
            || body.contains('=') && !body.contains("==")
        {
            d.ask("mongosh.code", "JavaScript beyond read-only calls");
        }
        let mut all_read = true;
        if let Some(re) = &patterns.call {
            for cap in re.captures_iter(&body) {
                let name = cap.get(1).map(|m| m.as_str()).unwrap_or("");
                if !MONGO_READ_CALLS.contains(&name) {
                    all_read = false;
                    d.ask(
                        "mongosh.unknown-call",
                        format!("`{name}()` is not known to be read-only"),
                    );
                }
            }
        }
        if all_read {
            d.read_only("mongosh.read", "read-only queries");
        }
    });
}
