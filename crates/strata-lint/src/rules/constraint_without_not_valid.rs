//! `constraint-without-not-valid`: a foreign key or CHECK added to an existing table and
//! validated in the same step.

use crate::ast::{added_column, added_constraint, cmds, column_constraints, con_type, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::{ConstrType, Constraint};

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "constraint-without-not-valid",
    severity: Severity::Warning,
    summary: "A FOREIGN KEY or CHECK constraint added to an existing table without NOT VALID checks every row under lock",
};

/// See the module documentation.
pub(crate) struct ConstraintWithoutNotValid;

impl Rule for ConstraintWithoutNotValid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let Some((alter, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        let table = rel_name(rv);
        for cmd in cmds(alter) {
            if let Some(c) = added_constraint(cmd) {
                if c.skip_validation {
                    continue;
                }
                match con_type(c) {
                    ConstrType::ConstrForeign => out.push(foreign_key(stmt, c, &table, false)),
                    ConstrType::ConstrCheck => out.push(
                        Violation::new(
                            &META,
                            stmt.clause(c.location),
                            format!(
                                "adding CHECK constraint {} checks every row of {table} while holding an ACCESS EXCLUSIVE lock",
                                name(c)
                            ),
                        )
                        .help("add it with NOT VALID (new rows are checked at once), then VALIDATE CONSTRAINT in a later transaction, which only takes a SHARE UPDATE EXCLUSIVE lock"),
                    ),
                    _ => {}
                }
            } else if let Some(col) = added_column(cmd) {
                for c in column_constraints(col) {
                    if con_type(c) == ConstrType::ConstrForeign {
                        out.push(foreign_key(stmt, c, &table, true));
                    }
                }
            }
        }
    }
}

fn name(c: &Constraint) -> String {
    if c.conname.is_empty() {
        "(unnamed)".to_string()
    } else {
        c.conname.clone()
    }
}

fn foreign_key(stmt: &Statement<'_>, c: &Constraint, table: &str, inline: bool) -> Violation {
    let parent = c.pktable.as_ref().map(rel_name).unwrap_or_default();
    let what = if inline {
        "adding a column with REFERENCES".to_string()
    } else {
        format!("adding foreign key {}", name(c))
    };
    let help = if inline {
        "add the column first, then ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, and VALIDATE CONSTRAINT in a later transaction"
    } else {
        "add it with NOT VALID (new rows are checked at once), then VALIDATE CONSTRAINT in a later transaction, which does not block writes"
    };
    Violation::new(
        &META,
        stmt.clause(c.location),
        format!(
            "{what} scans {table} to validate it, holding a lock that blocks writes to {table} and {parent} until the scan ends"
        ),
    )
    .help(help)
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "constraint-without-not-valid";

    #[test]
    fn flags_validating_adds_on_existing_tables() {
        flags(
            ID,
            &[
                "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
                "ALTER TABLE orders ADD CONSTRAINT positive CHECK (amount > 0);",
                "ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE SET NULL;",
                "ALTER TABLE orders ADD COLUMN a int, ADD FOREIGN KEY (a) REFERENCES x (id) NOT VALID, ADD CHECK (a > 0);",
            ],
        );
    }

    #[test]
    fn passes_not_valid_and_new_tables() {
        passes(
            ID,
            &[
                "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
                "ALTER TABLE orders ADD CONSTRAINT positive CHECK (amount > 0) NOT VALID;",
                "CREATE TABLE orders (id int, user_id int); ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);",
                "CREATE TABLE orders (id int, user_id int REFERENCES users (id), CHECK (id > 0));",
                "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;",
                "ALTER TABLE orders ADD CONSTRAINT u UNIQUE USING INDEX orders_u;",
            ],
        );
    }
}
