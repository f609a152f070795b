//! `truncate-table`: TRUNCATE of an existing table.

use crate::ast::{inner, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "truncate-table",
    severity: Severity::Warning,
    summary: "TRUNCATE of an existing table deletes its rows under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct TruncateTable;

impl Rule for TruncateTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::TruncateStmt(s) = stmt.node else {
            return;
        };
        for r in &s.relations {
            let Some(NodeEnum::RangeVar(rv)) = inner(r) else {
                continue;
            };
            if scope.is_new(rv) {
                continue;
            }
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "TRUNCATE {} deletes every row (and with CASCADE, rows of referencing tables) under an ACCESS EXCLUSIVE lock; running code loses its data",
                        rel_name(rv)
                    ),
                )
                .help("make sure nothing still depends on the data; to empty a table in use, DELETE in batches instead"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "truncate-table";

    #[test]
    fn flags_truncating_existing_tables() {
        flags(
            ID,
            &[
                "TRUNCATE users;",
                "TRUNCATE TABLE a, b RESTART IDENTITY CASCADE;",
            ],
        );
    }

    #[test]
    fn passes_new_and_temporary_tables() {
        passes(
            ID,
            &[
                "CREATE TABLE staging (a int); TRUNCATE staging;",
                "CREATE TEMPORARY TABLE s (a int); TRUNCATE s;",
                "SELECT 'TRUNCATE users';",
            ],
        );
    }
}
