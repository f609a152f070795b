//! `exclusion-constraint`: adding an EXCLUDE constraint to an existing table.

use crate::ast::{added_constraint, cmds, con_type, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::ConstrType;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "exclusion-constraint",
    severity: Severity::Warning,
    summary: "ADD CONSTRAINT ... EXCLUDE builds its index on an existing table under an ACCESS EXCLUSIVE lock, with no concurrent form",
};

/// See the module documentation.
pub(crate) struct ExclusionConstraint;

impl Rule for ExclusionConstraint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let Some((alter, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        for con in cmds(alter).filter_map(added_constraint) {
            if con_type(con) != ConstrType::ConstrExclusion {
                continue;
            }
            let name = if con.conname.is_empty() {
                String::new()
            } else {
                format!(" {}", con.conname)
            };
            out.push(
                Violation::new(
                    &META,
                    stmt.clause(con.location),
                    format!(
                        "adding exclusion constraint{name} builds its index over every row of {} while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the whole build, and there is no CONCURRENTLY form",
                        rel_name(rv)
                    ),
                )
                .help("declare exclusion constraints when the table is created; on a table in use, run this in a maintenance window (with a lock_timeout), or build a new table with the constraint and move the rows over"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "exclusion-constraint";

    #[test]
    fn flags_exclusion_constraints_on_existing_tables() {
        flags(
            ID,
            &[
                "ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);",
                "ALTER TABLE bookings ADD COLUMN note text, ADD EXCLUDE USING gist (during WITH &&);",
                "DO $$ BEGIN ALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&); END $$;",
            ],
        );
    }

    #[test]
    fn passes_new_tables_and_other_constraints() {
        passes(
            ID,
            &[
                "CREATE TABLE bookings (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));",
                "CREATE TABLE bookings (room int, during tstzrange); ALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&);",
                "CREATE TEMP TABLE b (during tstzrange); ALTER TABLE b ADD EXCLUDE USING gist (during WITH &&);",
                "ALTER TABLE bookings ADD CONSTRAINT c CHECK (room > 0) NOT VALID;",
                "ALTER TABLE bookings DROP CONSTRAINT no_overlap;",
            ],
        );
    }
}
