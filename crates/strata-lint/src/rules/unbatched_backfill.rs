//! `unbatched-backfill`: UPDATE or DELETE of a whole existing table in one statement.

use crate::ast::{inner, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "unbatched-backfill",
    severity: Severity::Warning,
    summary: "UPDATE or DELETE that can change every row of an existing table in one transaction (no WHERE, or one that only tests NULLs)",
};

/// See the module documentation.
pub(crate) struct UnbatchedBackfill;

impl Rule for UnbatchedBackfill {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let (verb, rv, filter) = match stmt.node {
            NodeEnum::UpdateStmt(s) => ("UPDATE", &s.relation, s.where_clause.as_deref()),
            NodeEnum::DeleteStmt(s) => ("DELETE", &s.relation, s.where_clause.as_deref()),
            _ => return,
        };
        let Some(rv) = rv else { return };
        if scope.is_new(rv) || filter.is_some_and(bounded) {
            return;
        }
        let how = if filter.is_none() {
            "without WHERE"
        } else {
            "with a WHERE that only tests for NULLs or flags (no key range, LIMIT or value match)"
        };
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!(
                    "{verb} {how} can touch every row of {} in one transaction: each row stays locked until it commits, and the dead rows bloat the table",
                    rel_name(rv)
                ),
            )
            .help("work in batches of a few thousand rows by key range, each committed on its own (a `-- strata:no-transaction` migration, or a job outside migrations)"),
        );
    }
}

/// Whether a WHERE clause limits the statement to a batch or to chosen rows: a comparison of a
/// column with a value (`id < 10000`, `id BETWEEN ...`, `status = 'x'`, `id IN (...)`), a
/// pattern match against a constant that names something (`name LIKE 'admin'`, `email ILIKE
/// '%@example.com'`), or a subquery. `col IS NULL`, bare boolean columns and patterns of
/// wildcards only (`LIKE '%'`) do not.
fn bounded(expr: &pg_query::Node) -> bool {
    use pg_query::protobuf::{AExprKind, BoolExprType};
    match inner(expr) {
        Some(NodeEnum::BoolExpr(b)) => match BoolExprType::try_from(b.boolop) {
            Ok(BoolExprType::AndExpr) => b.args.iter().any(bounded),
            Ok(BoolExprType::OrExpr) => b.args.iter().all(bounded),
            _ => false,
        },
        Some(NodeEnum::AExpr(e)) => {
            let column = |n: &Option<Box<pg_query::Node>>| {
                matches!(n.as_deref().and_then(inner), Some(NodeEnum::ColumnRef(_)))
            };
            match AExprKind::try_from(e.kind) {
                Ok(AExprKind::AexprIn | AExprKind::AexprBetween | AExprKind::AexprBetweenSym) => {
                    true
                }
                Ok(AExprKind::AexprOp | AExprKind::AexprOpAny) => {
                    let op = crate::ast::svals(&e.name)
                        .last()
                        .copied()
                        .unwrap_or_default();
                    matches!(op, "=" | "<" | "<=" | ">" | ">=")
                        && column(&e.lexpr) != column(&e.rexpr)
                }
                // `~~` is LIKE, `~~*` ILIKE; `!~~` (NOT LIKE) keeps almost every row.
                Ok(AExprKind::AexprLike | AExprKind::AexprIlike) => {
                    let op = crate::ast::svals(&e.name)
                        .last()
                        .copied()
                        .unwrap_or_default();
                    matches!(op, "~~" | "~~*")
                        && column(&e.lexpr)
                        && e.rexpr
                            .as_deref()
                            .and_then(crate::state::const_text)
                            .is_some_and(|p| p.chars().any(|c| !matches!(c, '%' | '_')))
                }
                _ => false,
            }
        }
        Some(NodeEnum::SubLink(_)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "unbatched-backfill";

    #[test]
    fn flags_whole_table_changes() {
        flags(
            ID,
            &[
                "UPDATE users SET active = true;",
                "UPDATE users u SET org = o.id FROM orgs o;",
                "DELETE FROM sessions;",
                "UPDATE users SET plan = 'free' WHERE plan IS NULL;",
                "UPDATE users SET active = true WHERE NOT active OR active IS NULL;",
                // Patterns that match (nearly) every row.
                "DELETE FROM user_ WHERE name LIKE '%';",
                "DELETE FROM user_ WHERE name NOT LIKE 'admin';",
                "DELETE FROM user_ WHERE name ILIKE other_name;",
            ],
        );
    }

    #[test]
    fn passes_batches_and_new_tables() {
        passes(
            ID,
            &[
                "UPDATE users SET active = true WHERE id BETWEEN 1 AND 5000;",
                "DELETE FROM sessions WHERE expires_at < now();",
                "UPDATE users SET plan = 'free' WHERE plan IS NULL AND id < 10000;",
                "UPDATE users SET plan = 'free' WHERE id IN (SELECT id FROM users WHERE plan IS NULL LIMIT 1000);",
                "UPDATE users SET plan = 'pro' WHERE email = 'a@b.c';",
                // A pattern against a constant picks rows by value.
                "delete from user_ where name like 'admin';",
                "DELETE FROM user_ WHERE name ILIKE 'admin%';",
                "UPDATE accounts SET plan = 'test' WHERE email LIKE '%@example.com';",
                "CREATE TABLE t (a int); INSERT INTO t VALUES (1); UPDATE t SET a = 2;",
                "CREATE TEMP TABLE t AS SELECT 1 AS a; DELETE FROM t;",
            ],
        );
    }
}
