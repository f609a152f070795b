//! `unique-without-index`: PRIMARY KEY or UNIQUE added to an existing table by building the
//! index under the ALTER TABLE lock.

use crate::ast::{added_column, added_constraint, cmds, column_constraints, con_type, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::ConstrType;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "unique-without-index",
    severity: Severity::Warning,
    summary: "ADD PRIMARY KEY / UNIQUE on an existing table without USING INDEX builds the index under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct UniqueWithoutIndex;

impl Rule for UniqueWithoutIndex {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let Some((alter, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        let table = rel_name(rv);
        for cmd in cmds(alter) {
            let constraints: Vec<_> = match (added_constraint(cmd), added_column(cmd)) {
                (Some(c), _) => vec![c],
                (_, Some(col)) => column_constraints(col).collect(),
                _ => continue,
            };
            for c in constraints {
                let what = match con_type(c) {
                    ConstrType::ConstrPrimary => "PRIMARY KEY",
                    ConstrType::ConstrUnique => "UNIQUE",
                    _ => continue,
                };
                if !c.indexname.is_empty() {
                    continue;
                }
                out.push(
                    Violation::new(
                        &META,
                        stmt.clause(c.location),
                        format!("adding {what} to {table} builds its unique index while holding an ACCESS EXCLUSIVE lock: reads and writes wait for the whole build"),
                    )
                    .help(format!("build the index first with CREATE UNIQUE INDEX CONCURRENTLY (in a `-- strata:no-transaction` migration), then ADD CONSTRAINT ... {what} USING INDEX <index>")),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "unique-without-index";

    #[test]
    fn flags_constraints_that_build_their_index() {
        flags(
            ID,
            &[
                "ALTER TABLE users ADD PRIMARY KEY (id);",
                "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
                "ALTER TABLE users ADD COLUMN code text UNIQUE;",
            ],
        );
    }

    #[test]
    fn passes_using_index_and_new_tables() {
        passes(
            ID,
            &[
                "ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx;",
                "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;",
                "CREATE TABLE users (id int); ALTER TABLE users ADD PRIMARY KEY (id);",
                "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);",
            ],
        );
    }
}
