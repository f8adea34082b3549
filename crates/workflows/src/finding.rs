//! Findings: what every local analyzer (query, schema, config) reports.
//!
//! One shape for all three analyzers so the CLI prints, sorts and serializes them the same way,
//! and so the prompts can hand the local findings to Codex as a starting point. A finding names
//! its rule (a stable kebab-case id users can grep for), a severity, where it is, what is wrong
//! and how to fix it.

use serde::Serialize;
use std::fmt;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; often a style or maintainability point.
    Info,
    /// Likely a performance or correctness problem.
    Warning,
    /// Almost certainly wrong or dangerous (data loss, plaintext secrets).
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    /// A position in a SQL text (1-based line and column; `0` when unknown).
    Sql {
        /// Number of the statement in the text, from 1 (as in the text output).
        statement: usize,
        /// Line, from 1.
        line: u64,
        /// Column, from 1.
        column: u64,
    },
    /// A table, or a column of it.
    Table {
        /// Table name (qualified with its schema when not the default one).
        table: String,
        /// Column name, when the finding is about one column.
        #[serde(skip_serializing_if = "Option::is_none")]
        column: Option<String>,
    },
    /// An index of a table.
    Index {
        /// Table name.
        table: String,
        /// Index name.
        index: String,
    },
    /// A dotted key path in a TOML configuration, e.g. `connections.orders.password`.
    ConfigKey {
        /// The key path.
        key: String,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sql {
                statement,
                line,
                column,
            } => {
                if *line == 0 {
                    write!(f, "statement {statement}")
                } else {
                    write!(f, "statement {statement}, line {line}, column {column}")
                }
            }
            Location::Table {
                table,
                column: None,
            } => write!(f, "table `{table}`"),
            Location::Table {
                table,
                column: Some(c),
            } => write!(f, "column `{table}.{c}`"),
            Location::Index { table, index } => write!(f, "index `{index}` on `{table}`"),
            Location::ConfigKey { key } => write!(f, "key `{key}`"),
        }
    }
}

/// One problem found by a local analyzer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, kebab-case (e.g. `select-star`).
    pub rule: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// Where it is.
    pub location: Location,
    /// What is wrong, one sentence.
    pub message: String,
    /// How to fix it, one or two sentences (may contain SQL).
    pub suggestion: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] {}: {} (fix: {})",
            self.severity, self.rule, self.location, self.message, self.suggestion
        )
    }
}

/// Sort findings the way they are shown: most severe first, then by location text, then rule.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.location.to_string().cmp(&b.location.to_string()))
            .then_with(|| a.rule.cmp(b.rule))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_are_ordered_and_sorting_puts_errors_first() {
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
        let mk = |rule, severity| Finding {
            rule,
            severity,
            location: Location::ConfigKey { key: "a".into() },
            message: String::new(),
            suggestion: String::new(),
        };
        let mut v = vec![mk("b", Severity::Info), mk("a", Severity::Error)];
        sort_findings(&mut v);
        assert_eq!(v[0].rule, "a");
    }

    #[test]
    fn locations_render_for_people() {
        let l = Location::Table {
            table: "orders".into(),
            column: Some("customer_id".into()),
        };
        assert_eq!(l.to_string(), "column `orders.customer_id`");
        let s = Location::Sql {
            statement: 1,
            line: 1,
            column: 8,
        };
        assert_eq!(s.to_string(), "statement 1, line 1, column 8");
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["kind"], "sql");
        // Regression: JSON said statement 0 where the text said statement 1.
        assert_eq!(json["statement"], 1);
    }
}
