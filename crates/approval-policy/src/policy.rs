//! The policy: built-in knowledge plus rules from files, and `evaluate`.
//!
//! Evaluation first judges every part of the action with the built-in knowledge (one finding
//! per simple command, SQL statement, written file, …), then applies the rules to each part:
//! among matching rules the highest priority wins, strictest first. A rule stricter than the
//! built-in finding replaces it. A looser rule replaces it only if it says `loosen = true`, and
//! the finding then records the built-in verdict it overrode; without `loosen` the built-in
//! finding stays and notes the rule it ignored. The verdict is the strictest finding. A panic
//! anywhere inside (a bug) yields `deny`.

use crate::action::Action;
use crate::assess::Unit;
use crate::catalogue::FileRule;
use crate::decision::{Judgement, Source, Verdict};
use crate::error::PolicyError;
use crate::rule::{parse_rules, Rule};
use crate::shell::{Cmd, Ctx};
use crate::sql::Dialect;
use std::path::Path;

/// Built-in knowledge plus the rules of zero or more policy files.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    rules: Vec<Rule>,
}

/// Commands larger than this are not parsed (they ask): the parsers are fast on real input,
/// but a bound keeps an adversary from buying time with size.
const MAX_COMMAND_BYTES: usize = 1 << 20;

/// Judge an action with built-in knowledge only.
pub(crate) fn builtin_units(action: &Action) -> Vec<Unit> {
    match action {
        Action::Exec { argv, cwd } => {
            let mut ctx = Ctx::new(cwd.clone());
            if argv.is_empty() {
                return Vec::new();
            }
            let size: usize = argv.iter().map(String::len).sum();
            if size > MAX_COMMAND_BYTES {
                let mut a = crate::assess::Assessment::new(format!("({size} bytes)"));
                a.ask("too-large", "command too large to judge");
                ctx.push_other(a);
                return ctx.units;
            }
            crate::programs::judge(&mut ctx, Cmd::from_argv(argv), 0);
            ctx.units
        }
        Action::Patch { changes, cwd } => {
            let mut ctx = Ctx::new(cwd.clone());
            crate::patch::judge_changes(&mut ctx, changes);
            ctx.units
        }
    }
}

impl Policy {
    /// The built-in policy alone (same as `Policy::default()`).
    pub fn builtin() -> Policy {
        Policy::default()
    }

    /// Add the rules of a policy file given as text; `origin` names it in errors.
    pub fn with_rules_str(mut self, text: &str, origin: &str) -> Result<Policy, PolicyError> {
        let rules = parse_rules(text, origin)?;
        for r in &rules {
            if self.rules.iter().any(|old| old.id == r.id) {
                return Err(PolicyError::Rule {
                    rule: r.id.clone(),
                    message: format!("duplicate rule id (also in an earlier file than `{origin}`)"),
                });
            }
        }
        self.rules.extend(rules);
        Ok(self)
    }

    /// Add the rules of a policy file.
    pub fn with_file(self, path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Io {
            path: path.display().to_string(),
            message: e.kind().to_string(),
        })?;
        self.with_rules_str(&text, &path.display().to_string())
    }

    /// The rules the policy files added, in file order.
    pub fn file_rules(&self) -> Vec<FileRule> {
        self.rules.iter().map(Rule::info).collect()
    }

    /// How many rules the policy files added.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Decide an action.
    pub fn evaluate(&self, action: &Action) -> Verdict {
        self.guarded(|| builtin_units(action))
    }

    /// Decide SQL text that will run on `dialect` (e.g. an MCP `execute_query` call).
    pub fn evaluate_sql(&self, dialect: Dialect, sql: &str) -> Verdict {
        self.guarded(|| crate::sql::units(dialect, sql))
    }

    fn guarded(&self, units: impl FnOnce() -> Vec<Unit>) -> Verdict {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let units = units();
            Verdict::from_findings(units.into_iter().map(|u| self.apply_rules(u)).collect())
        })) {
            Ok(v) => v,
            Err(_) => Verdict::error("internal error while judging; denied"),
        }
    }

    fn apply_rules(&self, unit: Unit) -> Judgement {
        if self.rules.is_empty() {
            return unit.finding;
        }
        let matching: Vec<&Rule> = self.rules.iter().filter(|r| r.matches(&unit)).collect();
        let builtin = &unit.finding;
        let Some(top) = matching.iter().map(|r| r.priority).max() else {
            return unit.finding;
        };
        let Some(winner) = matching
            .iter()
            .filter(|r| r.priority == top)
            .max_by_key(|r| r.decision)
        else {
            return builtin.clone();
        };
        if winner.decision >= builtin.decision || winner.loosen {
            let reason = if winner.decision < builtin.decision {
                format!(
                    "{} (loosens built-in {} `{}`: {})",
                    winner.reason, builtin.decision, builtin.id, builtin.reason
                )
            } else {
                winner.reason.clone()
            };
            Judgement {
                decision: winner.decision,
                risk: if winner.decision < builtin.decision {
                    winner.risk
                } else {
                    winner.risk.max(builtin.risk)
                },
                source: Source::Rule,
                id: winner.id.clone(),
                subject: builtin.subject.clone(),
                reason,
            }
        } else {
            let mut kept = builtin.clone();
            kept.reason = format!(
                "{} (rule `{}` would {} but does not set `loosen = true`)",
                kept.reason, winner.id, winner.decision
            );
            kept
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Decision;

    fn exec(s: &str) -> Action {
        Action::exec(shlex::split(s).unwrap(), None)
    }

    #[test]
    fn rules_tighten_without_ceremony_and_loosen_only_explicitly() {
        let p = Policy::builtin()
            .with_rules_str(
                "[[rule]]\nid = \"no-log\"\ndecision = \"deny\"\nmatch = { argv_prefix = [\"git\", \"log\"] }\n\
                 [[rule]]\nid = \"mkdir-ok\"\ndecision = \"allow\"\nmatch = { program = \"mkdir\" }\n\
                 [[rule]]\nid = \"touch-ok\"\ndecision = \"allow\"\nloosen = true\nmatch = { program = \"touch\" }\n",
                "t",
            )
            .unwrap();
        let v = p.evaluate(&exec("git log"));
        assert_eq!(v.decision, Decision::Deny);
        assert_eq!(v.explanation[0].id, "no-log");
        let v = p.evaluate(&exec("mkdir x"));
        assert_eq!(v.decision, Decision::Ask);
        assert!(v.explanation[0].reason.contains("loosen"), "{v}");
        let v = p.evaluate(&exec("touch x"));
        assert_eq!(v.decision, Decision::Allow);
        assert!(
            v.explanation[0].reason.contains("loosens built-in ask"),
            "{v}"
        );
        // Loosening one part does not loosen the others.
        assert_eq!(
            p.evaluate(&exec("bash -lc 'touch x && rm -rf y'")).decision,
            Decision::Deny
        );
    }

    #[test]
    fn priority_beats_strictness_across_levels() {
        let p = Policy::builtin()
            .with_rules_str(
                "[[rule]]\nid = \"low\"\ndecision = \"deny\"\nmatch = { program = \"ls\" }\n\
                 [[rule]]\nid = \"high\"\ndecision = \"ask\"\npriority = 5\nmatch = { program = \"ls\" }\n",
                "t",
            )
            .unwrap();
        assert_eq!(p.evaluate(&exec("ls")).decision, Decision::Ask);
    }
}
