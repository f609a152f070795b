//! `add-column-check-scan`: ADD COLUMN with an inline CHECK constraint on an existing table.

use crate::ast::{added_column, cmds, column_constraints, con_type, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::ConstrType;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "add-column-check-scan",
    severity: Severity::Warning,
    summary:
        "ADD COLUMN with an inline CHECK scans an existing table under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct AddColumnCheckScan;

impl Rule for AddColumnCheckScan {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let Some((alter, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        for col in cmds(alter).filter_map(added_column) {
            for c in column_constraints(col) {
                if con_type(c) != ConstrType::ConstrCheck {
                    continue;
                }
                out.push(
                    Violation::new(
                        &META,
                        stmt.clause(c.location),
                        format!(
                            "ADD COLUMN {} with a CHECK constraint checks every existing row of {} while holding an ACCESS EXCLUSIVE lock",
                            col.colname,
                            rel_name(rv)
                        ),
                    )
                    .help("add the column without the CHECK, then ADD CONSTRAINT ... CHECK (...) NOT VALID and VALIDATE CONSTRAINT in a later transaction"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "add-column-check-scan";

    #[test]
    fn flags_inline_checks_on_existing_tables() {
        flags(
            ID,
            &[
                "ALTER TABLE orders ADD COLUMN qty int CHECK (qty > 0);",
                "ALTER TABLE orders ADD COLUMN a int, ADD COLUMN b int CONSTRAINT b_pos CHECK (b >= 0);",
            ],
        );
    }

    #[test]
    fn passes_separate_not_valid_checks_and_new_tables() {
        passes(
            ID,
            &[
                "ALTER TABLE orders ADD COLUMN qty int;\nALTER TABLE orders ADD CONSTRAINT qty_pos CHECK (qty > 0) NOT VALID;",
                "CREATE TABLE orders (id int); ALTER TABLE orders ADD COLUMN qty int CHECK (qty > 0);",
                "CREATE TABLE orders (qty int CHECK (qty > 0));",
            ],
        );
    }
}
