//! Decisions, risks and verdicts: what the engine answers, and why.
//!
//! A verdict is the strictest of its findings. Each finding names the knowledge or the rule
//! that produced it and the part of the input it is about (one simple command, one SQL
//! statement, one patched file), so a user can see *which* part of `ls && rm -rf x` decided.
//! The orderings (`Allow < Ask < Deny`, `Low < … < Critical`) are the derived `Ord` of the
//! enums: "strictest wins" is `max`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What to do with an action. Ordered: `Allow < Ask < Deny`; the strictest decision wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Run it without asking.
    Allow,
    /// Ask a human first.
    Ask,
    /// Refuse.
    Deny,
}

impl Decision {
    /// The lower-case name used in JSON and TOML.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Ask => "ask",
            Decision::Deny => "deny",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad it would be if the action did the worst it can. Ordered `Low < … < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Reads only.
    Low,
    /// Writes something recoverable, or cannot be judged.
    Medium,
    /// Destroys or rewrites data, leaves the workspace, or runs code.
    High,
    /// Irreversible destruction, privilege, or arbitrary execution.
    Critical,
}

impl Risk {
    /// The lower-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Built-in knowledge (the default policy).
    Builtin,
    /// A rule from a policy file.
    Rule,
}

/// One judged part of an action and why it got its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    /// The decision for this part.
    pub decision: Decision,
    /// The risk of this part.
    pub risk: Risk,
    /// Built-in knowledge or a policy-file rule.
    pub source: Source,
    /// The knowledge entry (e.g. `shell.rm`, `sql.delete`) or rule id that decided.
    pub id: String,
    /// The part judged: a simple command, an SQL statement or a file path (secrets redacted).
    pub subject: String,
    /// Why, in a few words.
    pub reason: String,
}

/// The answer for one action: the strictest decision and risk over all findings, and the
/// findings themselves (the explanation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// The decision.
    pub decision: Decision,
    /// The highest risk found.
    pub risk: Risk,
    /// Every judged part, in input order.
    pub explanation: Vec<Judgement>,
}

impl Verdict {
    /// Fold findings into a verdict. No findings means nothing was understood: `ask`.
    pub(crate) fn from_findings(explanation: Vec<Judgement>) -> Verdict {
        if explanation.is_empty() {
            return Verdict {
                decision: Decision::Ask,
                risk: Risk::Medium,
                explanation: vec![Judgement {
                    decision: Decision::Ask,
                    risk: Risk::Medium,
                    source: Source::Builtin,
                    id: "empty".into(),
                    subject: String::new(),
                    reason: "nothing to judge".into(),
                }],
            };
        }
        let decision = explanation
            .iter()
            .map(|f| f.decision)
            .max()
            .unwrap_or(Decision::Deny);
        let risk = explanation
            .iter()
            .map(|f| f.risk)
            .max()
            .unwrap_or(Risk::High);
        Verdict {
            decision,
            risk,
            explanation,
        }
    }

    /// A deny verdict for input that could not be handled at all (bad JSON line, internal error).
    pub fn error(message: impl Into<String>) -> Verdict {
        Verdict {
            decision: Decision::Deny,
            risk: Risk::High,
            explanation: vec![Judgement {
                decision: Decision::Deny,
                risk: Risk::High,
                source: Source::Builtin,
                id: "error".into(),
                subject: String::new(),
                reason: message.into(),
            }],
        }
    }

    /// True when the decision is `allow`.
    pub fn is_allowed(&self) -> bool {
        self.decision == Decision::Allow
    }

    /// The findings that decided (those whose decision equals the verdict's).
    pub fn deciding(&self) -> impl Iterator<Item = &Judgement> {
        self.explanation
            .iter()
            .filter(move |f| f.decision == self.decision)
    }
}

impl fmt::Display for Verdict {
    /// Human-readable: the decision and risk, then one line per finding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} (risk {})", self.decision, self.risk)?;
        for finding in &self.explanation {
            let src = match finding.source {
                Source::Builtin => "builtin",
                Source::Rule => "rule",
            };
            writeln!(
                f,
                "  {:5} {:8} {src}:{} `{}`: {}",
                finding.decision.as_str(),
                finding.risk.as_str(),
                finding.id,
                finding.subject,
                finding.reason
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_and_risks_are_ordered_strictest_last() {
        assert!(Decision::Allow < Decision::Ask && Decision::Ask < Decision::Deny);
        assert!(Risk::Low < Risk::Medium && Risk::High < Risk::Critical);
    }

    #[test]
    fn no_findings_is_never_allow() {
        assert_eq!(Verdict::from_findings(vec![]).decision, Decision::Ask);
    }

    #[test]
    fn verdict_serializes_lowercase() {
        let v = Verdict::error("boom");
        let json = serde_json::to_string(&v).unwrap();
        assert!(json.contains("\"decision\":\"deny\""), "{json}");
    }
}
