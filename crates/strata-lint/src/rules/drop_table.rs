//! `drop-table`: dropping a table running code may still use.

use crate::ast::{inner, names_key, object_type, svals};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "drop-table",
    severity: Severity::Warning,
    summary: "DROP TABLE (or DROP MATERIALIZED VIEW) of an existing one breaks code that still uses it and loses its data",
};

/// See the module documentation.
pub(crate) struct DropTable;

impl Rule for DropTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::DropStmt(s) = stmt.node else {
            return;
        };
        let what = match object_type(s.remove_type) {
            ObjectType::ObjectTable => "table",
            ObjectType::ObjectMatview => "materialized view",
            _ => return,
        };
        for o in &s.objects {
            let Some(NodeEnum::List(l)) = inner(o) else {
                continue;
            };
            if scope.is_new_key(&names_key(&l.items)) {
                continue;
            }
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "dropping {what} {} is not backward compatible and cannot be undone: running code that uses it fails, and its rows are gone",
                        svals(&l.items).join(".")
                    ),
                )
                .help("stop using the table in a release first; consider renaming it aside for a while before dropping it in a later migration"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "drop-table";

    #[test]
    fn flags_drops_of_existing_tables() {
        flags(
            ID,
            &[
                "DROP TABLE users;",
                "DROP TABLE IF EXISTS app.audit, other CASCADE;",
                "DROP MATERIALIZED VIEW IF EXISTS sales_by_region;",
            ],
        );
    }

    #[test]
    fn passes_tables_created_here() {
        passes(
            ID,
            &[
                "CREATE TABLE tmp_import (a int); DROP TABLE tmp_import;",
                "CREATE TEMP TABLE scratch (a int); DROP TABLE scratch;",
                "DROP VIEW users_view;",
                "CREATE MATERIALIZED VIEW mv AS SELECT 1; DROP MATERIALIZED VIEW mv;",
                "DROP INDEX CONCURRENTLY i;",
            ],
        );
    }
}
