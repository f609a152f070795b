//! `rename-column`: renaming a column running code may still use.

use crate::ast::{object_type, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "rename-column",
    severity: Severity::Warning,
    summary: "Renaming a column of an existing table breaks code that still uses the old name",
};

/// See the module documentation.
pub(crate) struct RenameColumn;

impl Rule for RenameColumn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::RenameStmt(s) = stmt.node else {
            return;
        };
        if object_type(s.rename_type) != ObjectType::ObjectColumn
            || object_type(s.relation_type) != ObjectType::ObjectTable
        {
            return;
        }
        let Some(rv) = &s.relation else { return };
        if scope.is_new(rv) {
            return;
        }
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!(
                    "renaming {}.{} to {} is not backward compatible: instances running the previous release fail as soon as they use the old name",
                    rel_name(rv),
                    s.subname,
                    s.newname
                ),
            )
            .help("add the new column, write to both and backfill, move readers over, then drop the old column in a later release"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "rename-column";

    #[test]
    fn flags_renaming_columns_of_existing_tables() {
        flags(
            ID,
            &[
                "ALTER TABLE users RENAME COLUMN name TO full_name;",
                "ALTER TABLE users RENAME name TO full_name;",
            ],
        );
    }

    #[test]
    fn passes_new_tables_and_views() {
        passes(
            ID,
            &[
                "CREATE TABLE users (name text); ALTER TABLE users RENAME COLUMN name TO full_name;",
                "ALTER TABLE users RENAME TO people;",
            ],
        );
    }
}
