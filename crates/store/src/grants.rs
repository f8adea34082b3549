//! The roles of a fleet and their privileges, as the SQL `xldb-codex store init` prints for an
//! administrator to run.
//!
//! - The **host** role (every proxy host) may read and append the audit trail and the approval
//!   queue, and may record only that its own wait `expired` (row-level security on
//!   `approval_decisions`); it may neither update nor delete audit records, requests or
//!   decisions. It owns the suggestion cache's rows (insert, refresh, purge).
//! - The **approver** role (people deciding from their laptops) may read everything and insert
//!   decisions; each decision is also an audit record, so it may append to the audit trail.
//!   It cannot change a decision either: there is no UPDATE or DELETE to grant.

use crate::error::StoreError;

/// Role names of a fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roles {
    /// The role the proxy hosts log in as.
    pub host: String,
    /// The role approvers log in as.
    pub approver: String,
}

impl Default for Roles {
    fn default() -> Self {
        Roles {
            host: "xldb_codex_host".into(),
            approver: "xldb_codex_approver".into(),
        }
    }
}

/// A role name as an SQL identifier (plain lower-case identifiers only: no quoting games).
fn ident(name: &str) -> Result<&str, StoreError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(StoreError::BadRoleName {
            name: name.to_owned(),
        })
    }
}

/// The SQL that creates nothing but grants `roles` their privileges (the roles must exist:
/// `CREATE ROLE … LOGIN PASSWORD …` is the administrator's, and is shown as a comment).
pub fn grants_sql(roles: &Roles) -> Result<String, StoreError> {
    let host = ident(&roles.host)?;
    let approver = ident(&roles.approver)?;
    Ok(format!(
        "-- Run as the owner of schema xldb_codex (the role that ran `store init`).
-- CREATE ROLE {host} LOGIN PASSWORD '…';
-- CREATE ROLE {approver} LOGIN PASSWORD '…';
GRANT USAGE ON SCHEMA xldb_codex TO {host}, {approver};
GRANT SELECT ON xldb_codex.schema_migrations TO {host}, {approver};
-- hosts: append and read, never update or delete
GRANT SELECT, INSERT ON xldb_codex.audit, xldb_codex.approval_requests TO {host};
GRANT USAGE ON SEQUENCE xldb_codex.audit_id_seq, xldb_codex.approval_requests_id_seq TO {host};
GRANT SELECT, INSERT ON xldb_codex.approval_decisions TO {host};
GRANT SELECT, INSERT, UPDATE, DELETE ON xldb_codex.suggestions TO {host};
-- approvers: read everything, decide, and leave an audit record of each decision
GRANT SELECT ON xldb_codex.approval_requests TO {approver};
GRANT SELECT, INSERT ON xldb_codex.audit, xldb_codex.approval_decisions TO {approver};
GRANT USAGE ON SEQUENCE xldb_codex.audit_id_seq TO {approver};
-- decisions: everyone reads; a host may only record that its wait expired
DROP POLICY IF EXISTS decisions_read ON xldb_codex.approval_decisions;
CREATE POLICY decisions_read ON xldb_codex.approval_decisions FOR SELECT TO {host}, {approver} USING (true);
DROP POLICY IF EXISTS decisions_host_expire ON xldb_codex.approval_decisions;
CREATE POLICY decisions_host_expire ON xldb_codex.approval_decisions FOR INSERT TO {host} WITH CHECK (decision = 'expired');
DROP POLICY IF EXISTS decisions_approve ON xldb_codex.approval_decisions;
CREATE POLICY decisions_approve ON xldb_codex.approval_decisions FOR INSERT TO {approver} WITH CHECK (true);
"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_are_plain_identifiers() {
        let sql = grants_sql(&Roles::default()).unwrap();
        assert!(sql.contains("TO xldb_codex_host"), "{sql}");
        assert!(!sql
            .to_uppercase()
            .contains("GRANT UPDATE ON XLDB_CODEX.AUDIT"));
        for bad in ["Robert", "x; DROP TABLE y", "", "a\"b"] {
            let roles = Roles {
                host: bad.into(),
                approver: "ok".into(),
            };
            assert!(grants_sql(&roles).is_err(), "{bad}");
        }
    }
}
