//! `set-access-method`: changing the table access method of an existing table.

use crate::ast::{cmd_type, cmds, object_type, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::{AlterTableType, ObjectType};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "set-access-method",
    severity: Severity::Warning,
    summary: "SET ACCESS METHOD rewrites an existing table under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct SetAccessMethod;

impl Rule for SetAccessMethod {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::AlterTableStmt(s) = stmt.node else {
            return;
        };
        if !matches!(
            object_type(s.objtype),
            ObjectType::ObjectTable | ObjectType::ObjectMatview
        ) {
            return;
        }
        let Some(rv) = &s.relation else { return };
        if scope.is_new(rv) {
            return;
        }
        for cmd in cmds(s) {
            if cmd_type(cmd) != AlterTableType::AtSetAccessMethod {
                continue;
            }
            let to = if cmd.name.is_empty() {
                "the default access method".to_string()
            } else {
                cmd.name.clone()
            };
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "SET ACCESS METHOD {to} rewrites every row of {} and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the whole rewrite",
                        rel_name(rv)
                    ),
                )
                .help("choose the access method when creating the table (CREATE TABLE ... USING); for a table in use, create a new table with it, copy the rows over in batches and switch"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "set-access-method";

    #[test]
    fn flags_access_method_changes() {
        flags(
            ID,
            &[
                "ALTER TABLE events_archive SET ACCESS METHOD columnar;",
                "ALTER MATERIALIZED VIEW totals SET ACCESS METHOD heap;",
            ],
        );
    }

    #[test]
    fn passes_new_tables() {
        passes(
            ID,
            &[
                "CREATE TABLE events_archive (id bigint) USING columnar;",
                "CREATE TABLE events_archive (id bigint); ALTER TABLE events_archive SET ACCESS METHOD columnar;",
                "ALTER TABLE events_archive SET (autovacuum_enabled = off);",
            ],
        );
    }
}
