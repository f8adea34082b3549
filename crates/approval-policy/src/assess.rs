//! The fail-closed core: an [`Assessment`] of one part of an action.
//!
//! An assessment starts *unknown* (which finishes as `ask`). Only an explicit read-only fact
//! ([`Assessment::read_only`]) can lower it to `allow`, and any concern raised at any point
//! ([`Assessment::concern`]) wins over that fact. So a code path that forgets to look at
//! something cannot produce `allow`: forgetting leaves the part unknown, and unknown asks.

use crate::decision::{Decision, Judgement, Risk, Source};

/// What a finding is about, for rule matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A simple command after unwrapping: the program's base name and its literal argv.
    Command { program: String, argv: Vec<String> },
    /// One SQL statement.
    Sql {
        dialect: crate::sql::Dialect,
        class: crate::sql::SqlClass,
        kind: String,
    },
    /// A file touched by a patch or a redirect, relative to the workspace when inside it.
    Path { path: String },
    /// Anything else (parse errors, shell structure).
    Other,
}

/// A judged part with what rules can match on.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub target: Target,
    pub finding: Judgement,
}

#[derive(Debug, Clone)]
struct Concern {
    decision: Decision,
    risk: Risk,
    id: String,
    reason: String,
}

/// The judgement of one part, built from facts and concerns.
#[derive(Debug, Clone)]
pub(crate) struct Assessment {
    subject: String,
    read_only: Option<(String, String)>,
    concerns: Vec<Concern>,
}

impl Assessment {
    pub fn new(subject: impl Into<String>) -> Self {
        Assessment {
            subject: crate::redact::redact(subject.into()),
            read_only: None,
            concerns: Vec::new(),
        }
    }

    /// Record that this part is known to be read-only. Only lowers an assessment with no concern.
    pub fn read_only(&mut self, id: impl Into<String>, reason: impl Into<String>) -> &mut Self {
        if self.read_only.is_none() {
            self.read_only = Some((id.into(), reason.into()));
        }
        self
    }

    /// Raise a concern. A concern is never `allow`: an `Allow` passed here counts as `Ask`.
    pub fn concern(
        &mut self,
        decision: Decision,
        risk: Risk,
        id: impl Into<String>,
        reason: impl Into<String>,
    ) -> &mut Self {
        self.concerns.push(Concern {
            decision: decision.max(Decision::Ask),
            risk: risk.max(Risk::Medium),
            id: id.into(),
            reason: reason.into(),
        });
        self
    }

    pub fn ask(&mut self, id: &str, reason: impl Into<String>) -> &mut Self {
        self.concern(Decision::Ask, Risk::Medium, id, reason)
    }

    pub fn deny(&mut self, risk: Risk, id: &str, reason: impl Into<String>) -> &mut Self {
        self.concern(Decision::Deny, risk, id, reason)
    }

    pub fn has_concerns(&self) -> bool {
        !self.concerns.is_empty()
    }

    /// The strictest of the concerns, else the read-only fact, else unknown (`ask`).
    pub fn finish(self) -> Judgement {
        let subject = self.subject;
        let concerns = self.concerns;
        // The last of the strictest concerns (what `max_by_key` picks).
        let mut worst_at: Option<usize> = None;
        for (i, c) in concerns.iter().enumerate() {
            let better = match worst_at.and_then(|w| concerns.get(w)) {
                Some(w) => (c.decision, c.risk) >= (w.decision, w.risk),
                None => true,
            };
            if better {
                worst_at = Some(i);
            }
        }
        if let Some(worst) = worst_at.and_then(|w| concerns.get(w)) {
            let mut reason = worst.reason.clone();
            for other in &concerns {
                if other.id != worst.id && !reason.contains(&other.reason) {
                    reason.push_str("; ");
                    reason.push_str(&other.reason);
                }
            }
            return Judgement {
                decision: worst.decision,
                risk: worst.risk,
                source: Source::Builtin,
                id: worst.id.clone(),
                subject,
                reason,
            };
        }
        match self.read_only {
            Some((id, reason)) => Judgement {
                decision: Decision::Allow,
                risk: Risk::Low,
                source: Source::Builtin,
                id,
                subject,
                reason,
            },
            None => Judgement {
                decision: Decision::Ask,
                risk: Risk::Medium,
                source: Source::Builtin,
                id: "unknown".into(),
                subject,
                reason: "not known to be read-only".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_asks() {
        assert_eq!(Assessment::new("x").finish().decision, Decision::Ask);
    }

    #[test]
    fn concern_beats_read_only_fact() {
        let mut a = Assessment::new("x");
        a.read_only("r", "reads").ask("w", "writes");
        assert_eq!(a.finish().decision, Decision::Ask);
    }

    #[test]
    fn allow_passed_as_concern_still_asks() {
        let mut a = Assessment::new("x");
        a.concern(Decision::Allow, Risk::Low, "c", "oops");
        assert_eq!(a.finish().decision, Decision::Ask);
    }
}
