//! `concurrently-in-transaction`: CONCURRENTLY operations inside a transaction block.

use crate::ast::{cmd_type, cmds, inner};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::AlterTableType;
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "concurrently-in-transaction",
    severity: Severity::Error,
    summary: "CREATE/DROP/REINDEX ... CONCURRENTLY, DETACH PARTITION CONCURRENTLY or VACUUM inside a transaction block",
};

/// See the module documentation.
pub(crate) struct ConcurrentlyInTransaction;

impl Rule for ConcurrentlyInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        if !scope.in_transaction() {
            return;
        }
        let what = match stmt.node {
            NodeEnum::IndexStmt(s) if s.concurrent => "CREATE INDEX CONCURRENTLY",
            NodeEnum::DropStmt(s) if s.concurrent => "DROP INDEX CONCURRENTLY",
            NodeEnum::ReindexStmt(s) if super::reindex_nonconcurrent::is_concurrent(s) => {
                "REINDEX CONCURRENTLY"
            }
            NodeEnum::VacuumStmt(s) if s.is_vacuumcmd => "VACUUM",
            NodeEnum::AlterTableStmt(s)
                if cmds(s).any(|c| {
                    cmd_type(c) == AlterTableType::AtDetachPartition
                        && matches!(c.def.as_deref().and_then(inner), Some(NodeEnum::PartitionCmd(p)) if p.concurrent)
                }) =>
            {
                "DETACH PARTITION CONCURRENTLY"
            }
            _ => return,
        };
        let (message, help) = if scope.file.transactional {
            (
                format!("{what} cannot run inside a transaction block, and strata runs this migration in one"),
                "add `-- strata:no-transaction` as the migration's first line (keep it to the concurrent statement and what must follow it)",
            )
        } else {
            (
                format!(
                    "{what} cannot run inside a transaction block: it is between BEGIN and COMMIT"
                ),
                "move it after the COMMIT",
            )
        };
        out.push(Violation::new(&META, stmt.span.clone(), message).help(help));
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "concurrently-in-transaction";

    #[test]
    fn flags_concurrent_statements_in_a_transaction() {
        flags(
            ID,
            &[
                "CREATE INDEX CONCURRENTLY i ON t (a);",
                "CREATE TABLE t (a int); CREATE UNIQUE INDEX CONCURRENTLY i ON t (a);",
                "DROP INDEX CONCURRENTLY IF EXISTS i;",
                "REINDEX INDEX CONCURRENTLY i;",
                "ALTER TABLE p DETACH PARTITION c CONCURRENTLY;",
                "ALTER TABLE t ADD COLUMN b int; VACUUM ANALYZE t;",
            ],
        );
        flags_in(
            ID,
            &no_tx(),
            &["BEGIN; CREATE INDEX CONCURRENTLY i ON t (a); COMMIT;"],
        );
        let strata = cx().runner_skips_transaction_when_required(true);
        flags_in(
            ID,
            &strata,
            &["CREATE INDEX CONCURRENTLY i ON t (a); ALTER TABLE t ADD COLUMN b int;"],
        );
    }

    #[test]
    fn passes_files_the_runner_runs_outside_a_transaction() {
        let strata = cx().runner_skips_transaction_when_required(true);
        passes_in(
            ID,
            &strata,
            &[
                "CREATE INDEX CONCURRENTLY i ON t (a);",
                "-- why\nCREATE INDEX CONCURRENTLY i ON t (a);\nDROP INDEX CONCURRENTLY j;\nVACUUM t;",
            ],
        );
    }

    #[test]
    fn passes_outside_transactions() {
        passes_in(
            ID,
            &no_tx(),
            &[
                "CREATE INDEX CONCURRENTLY i ON t (a);",
                "BEGIN; CREATE TABLE x (a int); COMMIT; DROP INDEX CONCURRENTLY i;",
                "REINDEX TABLE CONCURRENTLY t;",
            ],
        );
        passes(
            ID,
            &[
                "CREATE INDEX i ON t (a);",
                "SELECT 'CREATE INDEX CONCURRENTLY i ON t (a)';",
                "REFRESH MATERIALIZED VIEW CONCURRENTLY mv;",
                "ALTER TABLE t ADD COLUMN b int; ANALYZE t;",
            ],
        );
    }
}
