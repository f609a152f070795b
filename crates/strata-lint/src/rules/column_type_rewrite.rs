//! `column-type-rewrite`: ALTER COLUMN ... TYPE that rewrites an existing table.

use crate::ast::{rel_key, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::types::{likely_free_target, type_change_rewrites, ColType};
use crate::{RuleMeta, Severity, Violation};

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "column-type-rewrite",
    severity: Severity::Warning,
    summary: "ALTER COLUMN ... TYPE that is not binary coercible rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct ColumnTypeRewrite;

impl Rule for ColumnTypeRewrite {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let Some((_, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        for col in super::column_definitions(stmt.node) {
            if col.site != super::ColumnSite::AlterType {
                continue;
            }
            let Some(t) = &col.def.type_name else {
                continue;
            };
            let new = ColType::from_type_name(t);
            let using = col
                .def
                .raw_default
                .as_deref()
                .is_some_and(|e| !is_plain_cast_of(e, col.name));
            let old = scope.catalog.column_type(&rel_key(rv), col.name);
            let rewrites = match (using, old) {
                (true, _) => true,
                (false, Some(old)) => type_change_rewrites(old, &new),
                (false, None) => !likely_free_target(&new),
            };
            if !rewrites {
                continue;
            }
            let from = old.map(|o| format!(" from {o}")).unwrap_or_default();
            let mut message = format!(
                "changing {}.{} to {new}{from} rewrites the table and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock",
                rel_name(rv),
                col.name
            );
            if new.name == "timestamptz" && old.is_some_and(|o| o.name == "timestamp") {
                message.push_str(
                    " (PostgreSQL 12+ skips the rewrite only when the session time zone is UTC)",
                );
            }
            out.push(
                Violation::new(&META, stmt.span.clone(), message).help(
                    "add a new column of the new type, keep it in sync with a trigger, backfill it in batches, switch reads over, then drop the old column",
                ),
            );
        }
    }
}

/// Whether a USING expression is just the column, or the column cast to a type: PostgreSQL
/// then decides on a rewrite as if there were no USING.
fn is_plain_cast_of(expr: &pg_query::Node, column: &str) -> bool {
    use crate::ast::{inner, svals};
    use pg_query::NodeEnum;
    match inner(expr) {
        Some(NodeEnum::TypeCast(c)) => c
            .arg
            .as_deref()
            .is_some_and(|a| is_plain_cast_of(a, column)),
        Some(NodeEnum::ColumnRef(c)) => svals(&c.fields).last() == Some(&column),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "column-type-rewrite";

    #[test]
    fn flags_rewriting_type_changes() {
        flags(
            ID,
            &[
                "ALTER TABLE users ALTER COLUMN id TYPE bigint;",
                "ALTER TABLE users ALTER COLUMN created_at SET DATA TYPE timestamptz;",
                "ALTER TABLE users ALTER COLUMN code TYPE text USING trim(code);",
                "ALTER TABLE users ALTER COLUMN n TYPE bigint USING n::bigint;",
                "CREATE TABLE t0 (x int); ALTER TABLE users ALTER COLUMN n TYPE int8;",
            ],
        );
        let mut earlier = cx();
        crate::learn(
            "CREATE TABLE users (name varchar(100), price numeric(10,2), n integer, s text);",
            &mut earlier,
        );
        flags_in(
            ID,
            &earlier,
            &[
                "ALTER TABLE users ALTER COLUMN name TYPE varchar(50);",
                "ALTER TABLE users ALTER COLUMN price TYPE numeric(12,4);",
                "ALTER TABLE users ALTER COLUMN n TYPE text;",
                "ALTER TABLE users ALTER COLUMN s TYPE varchar(20);",
            ],
        );
    }

    #[test]
    fn passes_binary_coercible_changes() {
        let mut earlier = cx();
        crate::learn(
            "CREATE TABLE users (name varchar(100), price numeric(10,2), n integer);",
            &mut earlier,
        );
        passes_in(
            ID,
            &earlier,
            &[
                "ALTER TABLE users ALTER COLUMN name TYPE text;",
                "ALTER TABLE users ALTER COLUMN name TYPE varchar(200);",
                "ALTER TABLE users ALTER COLUMN name TYPE varchar;",
                "ALTER TABLE users ALTER COLUMN price TYPE numeric(14,2);",
                "ALTER TABLE users ALTER COLUMN name TYPE text USING name::text;",
            ],
        );
        passes(
            ID,
            &[
                "ALTER TABLE users ALTER COLUMN name TYPE text;",
                "ALTER TABLE users ALTER COLUMN name TYPE varchar(255);",
                "CREATE TABLE users (id int); ALTER TABLE users ALTER COLUMN id TYPE bigint;",
                "ALTER TABLE users ALTER COLUMN id SET DEFAULT 0;",
            ],
        );
    }
}
