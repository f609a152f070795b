//! `prefer-bigint-key`: 32-bit (or smaller) primary keys.

use crate::ast::{as_column, as_constraint, column_names, con_type};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::types::ColType;
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::{ColumnDef, ConstrType};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "prefer-bigint-key",
    severity: Severity::Hint,
    summary: "A primary key of type integer or smaller, which a busy table can run out of",
};

/// See the module documentation.
pub(crate) struct PreferBigintKey;

impl Rule for PreferBigintKey {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, _: &Scope<'_>, out: &mut Findings) {
        let mut keys: Vec<&ColumnDef> = Vec::new();
        if let NodeEnum::CreateStmt(s) = stmt.node {
            let columns: Vec<&ColumnDef> = s.table_elts.iter().filter_map(as_column).collect();
            for e in &s.table_elts {
                if let Some(c) =
                    as_constraint(e).filter(|c| con_type(c) == ConstrType::ConstrPrimary)
                {
                    let names = column_names(&c.keys);
                    if names.len() == 1 {
                        keys.extend(columns.iter().filter(|d| d.colname == names[0]));
                    }
                }
            }
        }
        for col in super::column_definitions(stmt.node) {
            if col.site != super::ColumnSite::AlterType
                && col
                    .def
                    .constraints
                    .iter()
                    .filter_map(as_constraint)
                    .any(|c| con_type(c) == ConstrType::ConstrPrimary)
            {
                keys.push(col.def);
            }
        }
        for def in keys {
            let Some(t) = &def.type_name else { continue };
            let t = ColType::from_type_name(t);
            if !t.is_small_integer() {
                continue;
            }
            let wide = if t.is_serial() {
                "bigint GENERATED ... AS IDENTITY"
            } else {
                "bigint"
            };
            out.push(
                Violation::new(
                    &META,
                    stmt.clause(def.location),
                    format!("primary key {} is {t}: at 2^31 rows (or ids) inserts start failing, and widening it later rewrites the table and every referencing one", def.colname),
                )
                .help(format!("use {wide}: it costs 4 more bytes per row")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "prefer-bigint-key";

    #[test]
    fn flags_small_integer_keys() {
        flags(
            ID,
            &[
                "CREATE TABLE t (id serial PRIMARY KEY);",
                "CREATE TABLE t (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
                "CREATE TABLE t (id int, name text, PRIMARY KEY (id));",
                "CREATE TABLE t (id smallint CONSTRAINT t_pk PRIMARY KEY);",
            ],
        );
    }

    #[test]
    fn passes_bigint_and_other_keys() {
        passes(
            ID,
            &[
                "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);",
                "CREATE TABLE t (id uuid PRIMARY KEY DEFAULT gen_random_uuid());",
                "CREATE TABLE t (a int, b int, PRIMARY KEY (a, b));",
                "CREATE TABLE t (id bigserial PRIMARY KEY, n int);",
            ],
        );
    }
}
