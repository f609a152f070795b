//! `unbatched-backfill`: UPDATE or DELETE of a whole existing table in one statement.

use crate::ast::rel_name;
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "unbatched-backfill",
    severity: Severity::Warning,
    summary:
        "UPDATE or DELETE without WHERE changes every row of an existing table in one transaction",
};

/// See the module documentation.
pub(crate) struct UnbatchedBackfill;

impl Rule for UnbatchedBackfill {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let (verb, rv) = match stmt.node {
            NodeEnum::UpdateStmt(s) if s.where_clause.is_none() => ("UPDATE", &s.relation),
            NodeEnum::DeleteStmt(s) if s.where_clause.is_none() => ("DELETE", &s.relation),
            _ => return,
        };
        let Some(rv) = rv else { return };
        if scope.is_new(rv) {
            return;
        }
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!(
                    "{verb} without WHERE touches every row of {} in one transaction: each row stays locked until it commits, and the dead rows bloat the table",
                    rel_name(rv)
                ),
            )
            .help("work in batches of a few thousand rows by key range, each committed on its own (a `-- strata:no-transaction` migration, or a job outside migrations)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "unbatched-backfill";

    #[test]
    fn flags_whole_table_changes() {
        flags(
            ID,
            &[
                "UPDATE users SET active = true;",
                "UPDATE users u SET org = o.id FROM orgs o;",
                "DELETE FROM sessions;",
            ],
        );
    }

    #[test]
    fn passes_batches_and_new_tables() {
        passes(
            ID,
            &[
                "UPDATE users SET active = true WHERE id BETWEEN 1 AND 5000;",
                "DELETE FROM sessions WHERE expires_at < now();",
                "CREATE TABLE t (a int); INSERT INTO t VALUES (1); UPDATE t SET a = 2;",
                "CREATE TEMP TABLE t AS SELECT 1 AS a; DELETE FROM t;",
            ],
        );
    }
}
