//! `add-column-not-null`: ADD COLUMN ... NOT NULL with no default on an existing table.

use crate::ast::{added_column, cmds, column_constraints, con_type, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::types::ColType;
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::ConstrType;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "add-column-not-null",
    severity: Severity::Warning,
    summary: "ADD COLUMN ... NOT NULL without a DEFAULT fails on any existing table that has rows",
};

/// See the module documentation.
pub(crate) struct AddColumnNotNull;

impl Rule for AddColumnNotNull {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let Some((alter, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        for col in cmds(alter).filter_map(added_column) {
            let mut not_null = col.is_not_null;
            let mut filled = col.raw_default.is_some() || !col.identity.is_empty();
            for c in column_constraints(col) {
                match con_type(c) {
                    ConstrType::ConstrNotnull | ConstrType::ConstrPrimary => not_null = true,
                    ConstrType::ConstrDefault
                    | ConstrType::ConstrIdentity
                    | ConstrType::ConstrGenerated => filled = true,
                    _ => {}
                }
            }
            let serial = col
                .type_name
                .as_ref()
                .is_some_and(|t| ColType::from_type_name(t).is_serial());
            if !not_null || filled || serial {
                continue;
            }
            out.push(
                Violation::new(
                    &META,
                    stmt.clause(col.location),
                    format!(
                        "ADD COLUMN {} NOT NULL has no DEFAULT: existing rows of {} would get NULL, so PostgreSQL rejects it unless the table is empty",
                        col.colname,
                        rel_name(rv)
                    ),
                )
                .help("give it a constant DEFAULT (cheap since PostgreSQL 11), or add it nullable, backfill in batches, and SET NOT NULL later"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "add-column-not-null";

    #[test]
    fn flags_required_columns_without_a_default() {
        flags(
            ID,
            &[
                "ALTER TABLE users ADD COLUMN tenant_id uuid NOT NULL;",
                "ALTER TABLE users ADD COLUMN a int, ADD COLUMN b text NOT NULL;",
            ],
        );
    }

    #[test]
    fn passes_defaults_and_new_tables() {
        passes(
            ID,
            &[
                "ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;",
                "ALTER TABLE users ADD COLUMN tenant_id uuid;",
                "ALTER TABLE users ADD COLUMN id2 bigserial NOT NULL;",
                "ALTER TABLE users ADD COLUMN n bigint NOT NULL GENERATED ALWAYS AS IDENTITY;",
                "CREATE TABLE users (id int); ALTER TABLE users ADD COLUMN tenant_id uuid NOT NULL;",
            ],
        );
    }
}
