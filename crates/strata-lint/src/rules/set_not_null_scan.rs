//! `set-not-null-scan`: SET NOT NULL on an existing table without a validated CHECK to prove it.

use crate::ast::{cmd_type, cmds, rel_key, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::AlterTableType;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "set-not-null-scan",
    severity: Severity::Warning,
    summary: "ALTER COLUMN ... SET NOT NULL scans an existing table under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct SetNotNullScan;

impl Rule for SetNotNullScan {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let Some((alter, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        let modern = scope.pg_version() >= 12;
        for cmd in cmds(alter) {
            if cmd_type(cmd) != AlterTableType::AtSetNotNull {
                continue;
            }
            if modern
                && scope
                    .catalog
                    .has_valid_not_null_check(&rel_key(rv), &cmd.name)
            {
                continue;
            }
            let help = if modern {
                format!(
                    "first ADD CONSTRAINT {0}_not_null CHECK ({0} IS NOT NULL) NOT VALID, VALIDATE it in a later transaction, then SET NOT NULL (PostgreSQL 12+ uses the valid check and skips the scan) and drop the check",
                    cmd.name
                )
            } else {
                "before PostgreSQL 12 every SET NOT NULL scans the table: run it when the table is quiet, or keep a validated CHECK (col IS NOT NULL) instead".to_string()
            };
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "SET NOT NULL on {}.{} reads every row to prove it while holding an ACCESS EXCLUSIVE lock",
                        rel_name(rv),
                        cmd.name
                    ),
                )
                .help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use crate::LintContext;

    const ID: &str = "set-not-null-scan";

    #[test]
    fn flags_set_not_null_without_a_valid_check() {
        flags(
            ID,
            &[
                "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
                "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID; ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
                "ALTER TABLE users ADD CONSTRAINT c CHECK (name IS NOT NULL); ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
            ],
        );
        flags_in(
            ID,
            &LintContext::default().pg_version(11),
            &["ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL); ALTER TABLE users ALTER COLUMN email SET NOT NULL;"],
        );
    }

    #[test]
    fn passes_with_a_validated_check_or_a_new_table() {
        passes(
            ID,
            &[
                "ALTER TABLE users VALIDATE CONSTRAINT c;",
                "CREATE TABLE users (email text); ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
                "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
                "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
            ],
        );
        let mut earlier = LintContext::default();
        crate::learn(
            "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT c;",
            &mut earlier,
        );
        passes_in(
            ID,
            &earlier,
            &["ALTER TABLE users ALTER COLUMN email SET NOT NULL;"],
        );
    }
}
