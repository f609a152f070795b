//! `rename-table`: renaming a table running code may still use.

use crate::ast::{object_type, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "rename-table",
    severity: Severity::Warning,
    summary: "Renaming an existing table breaks code that still uses the old name",
};

/// See the module documentation.
pub(crate) struct RenameTable;

impl Rule for RenameTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::RenameStmt(s) = stmt.node else {
            return;
        };
        if object_type(s.rename_type) != ObjectType::ObjectTable {
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
                    "renaming table {} to {} is not backward compatible: instances running the previous release fail as soon as they query the old name",
                    rel_name(rv),
                    s.newname
                ),
            )
            .help("create the new name alongside (for example a view with the old name over the renamed table) until no running code uses the old one"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "rename-table";

    #[test]
    fn flags_renaming_existing_tables() {
        flags(
            ID,
            &[
                "ALTER TABLE users RENAME TO accounts;",
                "ALTER TABLE IF EXISTS app.users RENAME TO people;",
            ],
        );
    }

    #[test]
    fn passes_new_tables_and_other_renames() {
        passes(
            ID,
            &[
                "CREATE TABLE users_new (id int); ALTER TABLE users_new RENAME TO users2;",
                "ALTER INDEX users_idx RENAME TO users_email_idx;",
                "ALTER TABLE users RENAME CONSTRAINT a TO b;",
            ],
        );
    }
}
