//! `drop-column`: dropping a column running code may still use.

use crate::ast::{cmd_type, cmds, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::AlterTableType;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "drop-column",
    severity: Severity::Warning,
    summary:
        "DROP COLUMN on an existing table breaks application code that still reads or writes it",
};

/// See the module documentation.
pub(crate) struct DropColumn;

impl Rule for DropColumn {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let Some((alter, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        for cmd in cmds(alter) {
            if cmd_type(cmd) != AlterTableType::AtDropColumn {
                continue;
            }
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "dropping {}.{} is not backward compatible: application instances still running the previous release fail as soon as they name it",
                        rel_name(rv),
                        cmd.name
                    ),
                )
                .help("release code that no longer uses the column first, then drop it in a later migration (with -- strata:ignore drop-column once that is true)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "drop-column";

    #[test]
    fn flags_drops_on_existing_tables() {
        flags(
            ID,
            &[
                "ALTER TABLE users DROP COLUMN legacy;",
                "ALTER TABLE users DROP COLUMN IF EXISTS legacy CASCADE, ADD COLUMN x int;",
            ],
        );
    }

    #[test]
    fn passes_new_tables_and_suppressed_drops() {
        passes(
            ID,
            &[
                "CREATE TABLE users (legacy int); ALTER TABLE users DROP COLUMN legacy;",
                "-- strata:ignore drop-column -- unused since v3\nALTER TABLE users DROP COLUMN legacy;",
                "ALTER TABLE users DROP CONSTRAINT legacy_check;",
            ],
        );
    }
}
