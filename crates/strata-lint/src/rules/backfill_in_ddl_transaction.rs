//! `backfill-in-ddl-transaction`: a backfill in the transaction that changed an existing table's
//! schema, so the schema change's lock is held for the whole backfill.

use crate::ast::{inner, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "backfill-in-ddl-transaction",
    severity: Severity::Warning,
    summary: "UPDATE, DELETE or INSERT ... SELECT in the transaction that took a blocking lock on an existing table",
};

/// See the module documentation.
pub(crate) struct BackfillInDdlTransaction;

/// The table a statement backfills, if it is a data change that may run long: an UPDATE or
/// DELETE of an existing table, or an INSERT ... SELECT that reads tables.
pub(crate) fn backfill_target(node: &NodeEnum, scope: &Scope<'_>) -> Option<String> {
    match node {
        NodeEnum::UpdateStmt(s) => s
            .relation
            .as_ref()
            .filter(|rv| !scope.is_new(rv))
            .map(rel_name),
        NodeEnum::DeleteStmt(s) => s
            .relation
            .as_ref()
            .filter(|rv| !scope.is_new(rv))
            .map(rel_name),
        NodeEnum::InsertStmt(s) => {
            let Some(NodeEnum::SelectStmt(sel)) = s.select_stmt.as_deref().and_then(inner) else {
                return None;
            };
            if sel.from_clause.is_empty() {
                return None;
            }
            s.relation.as_ref().map(rel_name)
        }
        _ => None,
    }
}

impl Rule for BackfillInDdlTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        if !scope.in_transaction() {
            return;
        }
        let Some((tx, ddl)) = &scope.file.tx_ddl else {
            return;
        };
        if *tx != scope.file.tx {
            return;
        }
        let Some(target) = backfill_target(stmt.node, scope) else {
            return;
        };
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!(
                    "this backfill of {target} runs in the transaction that already holds {} on {}: that table stays blocked until the backfill commits",
                    ddl.lock.with_article(),
                    ddl.name
                ),
            )
            .help("commit the schema change first and backfill afterwards, in batches (a separate migration, or after COMMIT in a `-- strata:no-transaction` file)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "backfill-in-ddl-transaction";

    #[test]
    fn flags_backfills_after_blocking_ddl() {
        flags(
            ID,
            &[
                "ALTER TABLE users ADD COLUMN active boolean;\nUPDATE users SET active = true WHERE id < 1000;",
                "CREATE INDEX i ON orders (user_id); DELETE FROM orders WHERE user_id IS NULL;",
                "ALTER TABLE users ADD COLUMN org int; CREATE TABLE t (a int); INSERT INTO t SELECT id FROM users;",
            ],
        );
        flags_in(
            ID,
            &no_tx(),
            &["BEGIN; ALTER TABLE users ADD COLUMN a int; UPDATE users SET a = 1 WHERE id < 10; COMMIT;"],
        );
    }

    #[test]
    fn passes_separate_transactions_and_new_tables() {
        passes_in(
            ID,
            &no_tx(),
            &["ALTER TABLE users ADD COLUMN active boolean;\nUPDATE users SET active = true WHERE id < 1000;"],
        );
        passes(
            ID,
            &[
                "UPDATE users SET active = true WHERE id < 1000; ALTER TABLE users ADD COLUMN b int;",
                "CREATE TABLE t (a int); CREATE INDEX ON t (a); INSERT INTO t SELECT id FROM users;",
                "ALTER TABLE users ADD COLUMN a int; INSERT INTO audit VALUES (1);",
                "ALTER TABLE users VALIDATE CONSTRAINT c; UPDATE users SET a = 1 WHERE id < 10;",
            ],
        );
    }
}
