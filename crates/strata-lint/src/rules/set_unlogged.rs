//! `set-unlogged`: SET UNLOGGED / SET LOGGED rewrite the table.

use crate::ast::{cmd_type, cmds, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::AlterTableType;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "set-unlogged",
    severity: Severity::Warning,
    summary: "ALTER TABLE ... SET UNLOGGED or SET LOGGED rewrites the table under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct SetUnlogged;

impl Rule for SetUnlogged {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let Some((alter, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        for cmd in cmds(alter) {
            let message = match cmd_type(cmd) {
                AlterTableType::AtSetUnLogged => format!(
                    "SET UNLOGGED rewrites {} under an ACCESS EXCLUSIVE lock; afterwards it is emptied after a crash and no longer replicated",
                    rel_name(rv)
                ),
                AlterTableType::AtSetLogged => format!(
                    "SET LOGGED rewrites {} into the write-ahead log under an ACCESS EXCLUSIVE lock",
                    rel_name(rv)
                ),
                _ => continue,
            };
            out.push(Violation::new(&META, stmt.span.clone(), message).help(
                "avoid changing persistence of a table in use; create a new table with the wanted persistence and move the data over in batches",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "set-unlogged";

    #[test]
    fn flags_persistence_changes() {
        flags(
            ID,
            &[
                "ALTER TABLE events SET UNLOGGED;",
                "ALTER TABLE events SET LOGGED;",
            ],
        );
    }

    #[test]
    fn passes_new_tables() {
        passes(
            ID,
            &[
                "CREATE UNLOGGED TABLE events (a int);",
                "CREATE TABLE events (a int); ALTER TABLE events SET UNLOGGED;",
            ],
        );
    }
}
