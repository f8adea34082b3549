//! Policy-file rules: TOML, checked when loaded (regexes, globs, SQL classes, dialects, and
//! each rule's own `examples_match` / `examples_not_match`).
//!
//! ```toml
//! [[rule]]
//! id = "no-push"
//! decision = "deny"
//! priority = 10
//! reason = "we never push from an agent"
//! match = { program = "git", argv_prefix = ["git", "push"] }
//! examples_match = ["git push origin main"]
//! examples_not_match = ["git status"]
//! ```
//!
//! A rule targets one kind of part, decided by its match keys: commands (`program`,
//! `argv_prefix`), SQL statements (`sql_class`, `sql_kind`, `dialect`) or paths (`path_glob`).
//! `regex` alone matches any part's text. Mixing kinds is a load error.

use crate::assess::{Target, Unit};
use crate::catalogue::FileRule;
use crate::decision::{Decision, Risk};
use crate::error::PolicyError;
use crate::sql::{Dialect, SqlClass};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default, rename = "rule")]
    rules: Vec<RawRule>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    program: Option<OneOrMany>,
    argv_prefix: Option<Vec<String>>,
    regex: Option<String>,
    sql_class: Option<OneOrMany>,
    sql_kind: Option<OneOrMany>,
    dialect: Option<OneOrMany>,
    path_glob: Option<OneOrMany>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    decision: Decision,
    #[serde(default)]
    priority: i64,
    #[serde(default)]
    reason: String,
    risk: Option<Risk>,
    #[serde(default)]
    loosen: bool,
    #[serde(rename = "match", default)]
    matcher: RawMatch,
    #[serde(default)]
    examples_match: Vec<String>,
    #[serde(default)]
    examples_not_match: Vec<String>,
}

/// What kind of part a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Command,
    Sql,
    Path,
    Any,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: String,
    pub decision: Decision,
    pub risk: Risk,
    pub priority: i64,
    pub reason: String,
    pub loosen: bool,
    kind: Kind,
    programs: Vec<String>,
    argv_prefix: Vec<String>,
    regex: Option<regex::Regex>,
    sql_classes: Vec<SqlClass>,
    sql_kinds: Vec<String>,
    dialects: Vec<Dialect>,
    globs: Option<globset::GlobSet>,
    /// The `match` keys as written, for `policy explain`.
    described: String,
    examples_match: Vec<String>,
    examples_not_match: Vec<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Parse and check a policy file's text. `origin` names it in errors.
pub(crate) fn parse_rules(text: &str, origin: &str) -> Result<Vec<Rule>, PolicyError> {
    let file: RuleFile = toml::from_str(text).map_err(|e| PolicyError::Toml {
        path: origin.to_string(),
        line: e.span().map(|s| line_of(text, s.start)).unwrap_or(0),
        message: e.message().to_string(),
    })?;
    let mut out: Vec<Rule> = Vec::new();
    for raw in file.rules {
        if out.iter().any(|r| r.id == raw.id) {
            return Err(PolicyError::Rule {
                rule: raw.id,
                message: "duplicate rule id".into(),
            });
        }
        let rule = compile(raw)?;
        out.push(rule);
    }
    Ok(out)
}

fn compile(raw: RawRule) -> Result<Rule, PolicyError> {
    let id = raw.id.clone();
    let rule_err = |message: String| PolicyError::Rule {
        rule: id.clone(),
        message,
    };
    if id.trim().is_empty() {
        return Err(rule_err("empty id".into()));
    }
    let m = raw.matcher;
    let described = describe(&m);
    let command_keys = m.program.is_some() || m.argv_prefix.is_some();
    let sql_keys = m.sql_class.is_some() || m.sql_kind.is_some() || m.dialect.is_some();
    let path_keys = m.path_glob.is_some();
    let kind = match (command_keys, sql_keys, path_keys) {
        (true, false, false) => Kind::Command,
        (false, true, false) => Kind::Sql,
        (false, false, true) => Kind::Path,
        (false, false, false) if m.regex.is_some() => Kind::Any,
        (false, false, false) => return Err(rule_err("`match` is empty".into())),
        _ => return Err(rule_err("`match` mixes command, sql and path keys".into())),
    };
    let regex = m
        .regex
        .as_deref()
        .map(regex::Regex::new)
        .transpose()
        .map_err(|e| PolicyError::Regex {
            rule: id.clone(),
            message: e.to_string(),
        })?;
    let sql_classes = m
        .sql_class
        .map(OneOrMany::into_vec)
        .unwrap_or_default()
        .iter()
        .map(|s| s.parse::<SqlClass>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(rule_err)?;
    let dialects = m
        .dialect
        .map(OneOrMany::into_vec)
        .unwrap_or_default()
        .iter()
        .map(|s| s.parse::<Dialect>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(rule_err)?;
    let globs = match m.path_glob {
        None => None,
        Some(g) => {
            let mut b = globset::GlobSetBuilder::new();
            for glob in g.into_vec() {
                let compiled = globset::GlobBuilder::new(&glob)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| PolicyError::Glob {
                        rule: id.clone(),
                        glob: glob.clone(),
                        message: e.kind().to_string(),
                    })?;
                b.add(compiled);
            }
            Some(b.build().map_err(|e| PolicyError::Glob {
                rule: id.clone(),
                glob: String::new(),
                message: e.to_string(),
            })?)
        }
    };
    let rule = Rule {
        id: id.clone(),
        decision: raw.decision,
        risk: raw.risk.unwrap_or(match raw.decision {
            Decision::Allow => Risk::Low,
            Decision::Ask => Risk::Medium,
            Decision::Deny => Risk::High,
        }),
        priority: raw.priority,
        reason: if raw.reason.is_empty() {
            format!("policy rule `{id}`")
        } else {
            raw.reason
        },
        loosen: raw.loosen,
        kind,
        programs: m.program.map(OneOrMany::into_vec).unwrap_or_default(),
        argv_prefix: m.argv_prefix.unwrap_or_default(),
        regex,
        sql_classes,
        sql_kinds: m
            .sql_kind
            .map(OneOrMany::into_vec)
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.to_ascii_lowercase())
            .collect(),
        dialects,
        globs,
        described,
        examples_match: raw.examples_match,
        examples_not_match: raw.examples_not_match,
    };
    for ex in &rule.examples_match {
        if !rule.matches_example(ex)? {
            return Err(PolicyError::Example {
                rule: id.clone(),
                example: ex.clone(),
                expected: "match",
            });
        }
    }
    for ex in &rule.examples_not_match {
        if rule.matches_example(ex)? {
            return Err(PolicyError::Example {
                rule: id.clone(),
                example: ex.clone(),
                expected: "not match",
            });
        }
    }
    Ok(rule)
}

/// The `match` keys of a rule in TOML-like text: `program = ["git"], regex = "push"`.
fn describe(m: &RawMatch) -> String {
    let lists = [
        ("program", m.program.clone().map(OneOrMany::into_vec)),
        ("argv_prefix", m.argv_prefix.clone()),
        ("sql_class", m.sql_class.clone().map(OneOrMany::into_vec)),
        ("sql_kind", m.sql_kind.clone().map(OneOrMany::into_vec)),
        ("dialect", m.dialect.clone().map(OneOrMany::into_vec)),
        ("path_glob", m.path_glob.clone().map(OneOrMany::into_vec)),
    ];
    let mut parts: Vec<String> = lists
        .into_iter()
        .filter_map(|(key, v)| Some(format!("{key} = {}", serde_json::to_string(&v?).ok()?)))
        .collect();
    if let Some(r) = &m.regex {
        parts.push(format!(
            "regex = {}",
            serde_json::to_string(r).unwrap_or_default()
        ));
    }
    parts.join(", ")
}

fn base_name(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

impl Rule {
    /// What `policy list` and `policy explain` show of this rule.
    pub fn info(&self) -> FileRule {
        FileRule {
            id: self.id.clone(),
            decision: self.decision,
            priority: self.priority,
            loosen: self.loosen,
            reason: self.reason.clone(),
            matches: self.described.clone(),
            examples_match: self.examples_match.clone(),
            examples_not_match: self.examples_not_match.clone(),
        }
    }

    /// Does the rule match this judged part?
    pub fn matches(&self, unit: &Unit) -> bool {
        let text_ok = |t: &str| self.regex.as_ref().is_none_or(|r| r.is_match(t));
        match (&unit.target, self.kind) {
            (Target::Command { program, argv }, Kind::Command) => {
                let prog_ok = self.programs.is_empty()
                    || self
                        .programs
                        .iter()
                        .any(|p| p == program || base_name(p) == program);
                let prefix_ok = self.argv_prefix.len() <= argv.len()
                    && self.argv_prefix.iter().zip(argv.iter()).enumerate().all(
                        |(i, (want, got))| {
                            if i == 0 {
                                base_name(want) == base_name(got)
                            } else {
                                want == got
                            }
                        },
                    );
                prog_ok && prefix_ok && text_ok(&unit.finding.subject)
            }
            (
                Target::Sql {
                    dialect,
                    class,
                    kind,
                },
                Kind::Sql,
            ) => {
                (self.dialects.is_empty() || self.dialects.contains(dialect))
                    && (self.sql_classes.is_empty() || self.sql_classes.contains(class))
                    && (self.sql_kinds.is_empty() || self.sql_kinds.iter().any(|k| k == kind))
                    && text_ok(&unit.finding.subject)
            }
            (Target::Path { path }, Kind::Path) => {
                let p = path.trim_start_matches("./");
                self.globs.as_ref().is_some_and(|g| g.is_match(p)) && text_ok(path)
            }
            (_, Kind::Any) => text_ok(&unit.finding.subject),
            _ => false,
        }
    }

    /// Judge an example the way the rule's kind sees the world, and test the rule on it.
    fn matches_example(&self, example: &str) -> Result<bool, PolicyError> {
        let units: Vec<Unit> = match self.kind {
            Kind::Path => vec![Unit {
                target: Target::Path {
                    path: example.to_string(),
                },
                finding: crate::assess::Assessment::new(example).finish(),
            }],
            Kind::Sql => crate::sql::units(
                self.dialects.first().copied().unwrap_or(Dialect::Generic),
                example,
            ),
            Kind::Command | Kind::Any => {
                let argv = shlex::split(example).ok_or_else(|| PolicyError::Rule {
                    rule: self.id.clone(),
                    message: format!("example `{example}` is not a valid command line"),
                })?;
                crate::policy::builtin_units(&crate::action::Action::exec(argv, None))
            }
        };
        Ok(units.iter().any(|u| self.matches(u)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_files_name_the_line_or_rule() {
        let e = parse_rules("[[rule]]\nid = \"x\"\ndecision = \"maybe\"\n", "p.toml").unwrap_err();
        assert!(matches!(e, PolicyError::Toml { line: 3, .. }), "{e}");
        let e = parse_rules(
            "[[rule]]\nid = \"r1\"\ndecision = \"deny\"\nmatch = { regex = \"(\" }\n",
            "p",
        )
        .unwrap_err();
        assert!(
            matches!(e, PolicyError::Regex { ref rule, .. } if rule == "r1"),
            "{e}"
        );
        let e = parse_rules(
            "[[rule]]\nid = \"g\"\ndecision = \"deny\"\nmatch = { path_glob = \"a[\" }\n",
            "p",
        )
        .unwrap_err();
        assert!(matches!(e, PolicyError::Glob { .. }), "{e}");
        let e = parse_rules("[[rule]]\nid = \"m\"\ndecision = \"deny\"\nmatch = { program = \"git\", path_glob = \"*\" }\n", "p").unwrap_err();
        assert!(matches!(e, PolicyError::Rule { .. }), "{e}");
    }

    #[test]
    fn examples_are_checked_at_load() {
        let ok = "[[rule]]\nid = \"push\"\ndecision = \"deny\"\nmatch = { argv_prefix = [\"git\", \"push\"] }\nexamples_match = [\"git push origin main\", \"bash -lc 'ls && git push'\"]\nexamples_not_match = [\"git status\"]\n";
        assert_eq!(parse_rules(ok, "p").unwrap().len(), 1);
        let bad = "[[rule]]\nid = \"push\"\ndecision = \"deny\"\nmatch = { argv_prefix = [\"git\", \"push\"] }\nexamples_match = [\"git pull\"]\n";
        let e = parse_rules(bad, "p").unwrap_err();
        assert!(
            matches!(e, PolicyError::Example { ref rule, expected: "match", .. } if rule == "push"),
            "{e}"
        );
        let sql = "[[rule]]\nid = \"ins\"\ndecision = \"allow\"\nloosen = true\nmatch = { sql_kind = \"insert\", dialect = \"postgres\" }\nexamples_match = [\"INSERT INTO t VALUES (1)\"]\nexamples_not_match = [\"DELETE FROM t\"]\n";
        assert_eq!(parse_rules(sql, "p").unwrap().len(), 1);
    }

    #[test]
    fn info_shows_the_match_keys_as_written() {
        let rules = parse_rules(
            "[[rule]]\nid = \"no-push\"\ndecision = \"deny\"\nmatch = { program = \"git\", argv_prefix = [\"git\", \"push\"] }\nexamples_match = [\"git push\"]\n",
            "p.toml",
        )
        .unwrap();
        let info = rules[0].info();
        assert_eq!(
            info.matches,
            r#"program = ["git"], argv_prefix = ["git","push"]"#
        );
        assert_eq!(info.examples_match, vec!["git push".to_string()]);
        assert_eq!(info.reason, "policy rule `no-push`");
    }
}
