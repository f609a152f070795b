//! `add-column-rewrite`: ADD COLUMN forms that rewrite an existing table.

use crate::ast::{added_column, cmds, column_constraints, con_type, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::types::ColType;
use crate::volatility::{volatility, Volatility};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::{ColumnDef, ConstrType};

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "add-column-rewrite",
    severity: Severity::Warning,
    summary: "ADD COLUMN that rewrites an existing table: volatile default, any default before PostgreSQL 11, STORED generated, serial or identity",
};

/// See the module documentation.
pub(crate) struct AddColumnRewrite;

impl Rule for AddColumnRewrite {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let Some((alter, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        let table = rel_name(rv);
        for col in cmds(alter).filter_map(added_column) {
            let Some((why, certain)) = rewrite_reason(col, stmt, scope) else {
                continue;
            };
            let message = format!(
                "ADD COLUMN {} {why}: PostgreSQL rewrites every row of {table} while holding an ACCESS EXCLUSIVE lock",
                col.colname
            );
            let mut v = Violation::new(&META, stmt.clause(col.location), message).help(
                "add the column with no default (or a constant one), then SET DEFAULT for new rows and fill existing rows in batches",
            );
            if !certain {
                v.message = format!(
                    "ADD COLUMN {} {why}: if it is VOLATILE (the default for user functions), PostgreSQL rewrites every row of {table} under an ACCESS EXCLUSIVE lock",
                    col.colname
                );
                v = v.severity(Severity::Hint);
            }
            out.push(v);
        }
    }
}

/// Why adding this column rewrites the table (and whether that is certain), if it does.
fn rewrite_reason(
    col: &ColumnDef,
    stmt: &Statement<'_>,
    scope: &Scope<'_>,
) -> Option<(String, bool)> {
    if let Some(t) = &col.type_name {
        let t = ColType::from_type_name(t);
        if t.is_serial() {
            return Some((
                format!(
                    "of type {t} adds a nextval() default that is computed for every existing row"
                ),
                true,
            ));
        }
    }
    if !col.identity.is_empty() {
        return Some((
            "as an identity column fills every existing row".into(),
            true,
        ));
    }
    let mut default = col.raw_default.as_deref();
    for c in column_constraints(col) {
        match con_type(c) {
            ConstrType::ConstrIdentity => {
                return Some((
                    "as an identity column fills every existing row".into(),
                    true,
                ))
            }
            ConstrType::ConstrGenerated => {
                let written_virtual = stmt.text().to_ascii_lowercase().contains("virtual");
                let stored = c.generated_kind == "s"
                    || (scope.pg_version() < 18 && !written_virtual)
                    || c.generated_kind.is_empty();
                if stored {
                    return Some((
                        "as a STORED generated column computes it for every existing row".into(),
                        true,
                    ));
                }
            }
            ConstrType::ConstrDefault => default = c.raw_expr.as_deref(),
            _ => {}
        }
    }
    let default = default?;
    if is_null(default) {
        return None;
    }
    if scope.pg_version() < 11 {
        return Some((
            "with a DEFAULT before PostgreSQL 11 stores the default in every existing row".into(),
            true,
        ));
    }
    let known = |name: &str| scope.catalog.functions.get(name).copied();
    match volatility(default, &known) {
        Volatility::Fixed => None,
        Volatility::Volatile(f) => Some((
            format!("with a volatile DEFAULT ({f}()) computes a value for every existing row"),
            true,
        )),
        Volatility::Unknown(f) if f.contains(' ') => Some((
            format!("with a DEFAULT using {f} the linter cannot classify"),
            false,
        )),
        Volatility::Unknown(f) => Some((format!("with DEFAULT calling {f}()"), false)),
    }
}

fn is_null(n: &pg_query::Node) -> bool {
    matches!(crate::ast::inner(n), Some(pg_query::NodeEnum::AConst(c)) if c.isnull)
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use crate::{LintContext, Severity};

    const ID: &str = "add-column-rewrite";

    #[test]
    fn flags_rewriting_additions() {
        flags(
            ID,
            &[
                "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();",
                "ALTER TABLE users ADD COLUMN r float8 NOT NULL DEFAULT random();",
                "ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT clock_timestamp();",
                "ALTER TABLE users ADD COLUMN n bigint DEFAULT (random() * 10)::bigint;",
                "ALTER TABLE users ADD COLUMN id2 bigserial;",
                "ALTER TABLE users ADD COLUMN id2 bigint GENERATED ALWAYS AS IDENTITY;",
                "ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first || ' ' || last) STORED;",
                "ALTER TABLE users ADD COLUMN a int, ADD COLUMN t uuid DEFAULT extensions.uuid_generate_v4();",
                "CREATE FUNCTION mk() RETURNS int LANGUAGE sql AS 'select 1'; ALTER TABLE users ADD COLUMN x int DEFAULT mk();",
            ],
        );
        flags_in(
            ID,
            &LintContext::default().pg_version(10),
            &["ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;"],
        );
    }

    #[test]
    fn unknown_functions_are_hints() {
        let found = lint("ALTER TABLE t ADD COLUMN x int DEFAULT my_fn();", &cx());
        let v = found.iter().find(|v| v.rule == ID).unwrap();
        assert_eq!(v.severity, Severity::Hint);
    }

    #[test]
    fn passes_catalog_only_defaults() {
        passes(
            ID,
            &[
                "ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;",
                "ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();",
                "ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT CURRENT_TIMESTAMP;",
                "ALTER TABLE users ADD COLUMN meta jsonb NOT NULL DEFAULT '{}'::jsonb;",
                "ALTER TABLE users ADD COLUMN note text DEFAULT NULL;",
                "ALTER TABLE users ADD COLUMN tags text[] DEFAULT ARRAY[]::text[];",
                "ALTER TABLE users ADD COLUMN owner uuid DEFAULT auth.uid();",
                "CREATE FUNCTION mk() RETURNS int LANGUAGE sql STABLE AS 'select 1'; ALTER TABLE users ADD COLUMN x int DEFAULT mk();",
                "CREATE TABLE users (id int); ALTER TABLE users ADD COLUMN t uuid DEFAULT gen_random_uuid();",
                "ALTER TABLE users ALTER COLUMN t SET DEFAULT gen_random_uuid();",
            ],
        );
        passes_in(
            ID,
            &LintContext::default().pg_version(18),
            &["ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first || last);"],
        );
    }
}
