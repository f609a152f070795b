//! `backfill-in-ddl-transaction`: a backfill in the transaction that changed an existing table's
//! schema, so the schema change's lock is held for the whole backfill.

use crate::ast::{inner, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "backfill-in-ddl-transaction",
    severity: Severity::Warning,
    summary: "UPDATE, DELETE or INSERT ... SELECT in the transaction that took a blocking lock on an existing table",
};

/// See the module documentation.
pub(crate) struct BackfillInDdlTransaction;

/// The table a statement backfills, if it is a data change that may run long: an UPDATE or
/// DELETE of an existing table, or an INSERT ... SELECT that reads tables.
pub(crate) fn backfill_target(node: &NodeEnum, scope: &Scope<'_>) -> Option<String> {
    match node {
        NodeEnum::UpdateStmt(s) => s
            .relation
            .as_ref()
            .filter(|rv| !scope.is_new(rv) && !s.where_clause.as_deref().is_some_and(picks_rows))
            .map(rel_name),
        NodeEnum::DeleteStmt(s) => s
            .relation
            .as_ref()
            .filter(|rv| !scope.is_new(rv) && !s.where_clause.as_deref().is_some_and(picks_rows))
            .map(rel_name),
        NodeEnum::InsertStmt(s) => {
            let query = s.select_stmt.as_deref().and_then(inner)?;
            let NodeEnum::SelectStmt(sel) = query else {
                return None;
            };
            // Rows computed from constants or set-returning functions (`generate_series`) are
            // seed data, not a copy of a table.
            if sel.from_clause.is_empty()
                || sel
                    .from_clause
                    .iter()
                    .all(|f| matches!(inner(f), Some(NodeEnum::RangeFunction(_))))
            {
                return None;
            }
            // Rows copied only from tables this file created (or temporary ones) are the
            // migration's own, a few at most: the first migration that creates `workspace` and
            // `group_` and fills one from the other.
            let reads_existing = query
                .nodes()
                .into_iter()
                .any(|(n, ..)| matches!(n, pg_query::NodeRef::RangeVar(rv) if !scope.is_new(rv)));
            if !reads_existing {
                return None;
            }
            s.relation.as_ref().map(rel_name)
        }
        _ => None,
    }
}

/// Whether a WHERE clause picks a few rows by key (`id = 42`, `key = 'signup'`,
/// `code IN ('a', 'b')`): a data fix, not a backfill.
fn picks_rows(expr: &pg_query::Node) -> bool {
    use crate::ast::svals;
    use pg_query::protobuf::{AExprKind, BoolExprType};
    let key_column = |n: &Option<Box<pg_query::Node>>| match n.as_deref().and_then(inner) {
        Some(NodeEnum::ColumnRef(c)) => svals(&c.fields).last().is_some_and(|name| {
            let name = name.to_ascii_lowercase();
            name == "id"
                || name.ends_with("_id")
                || matches!(
                    name.as_str(),
                    "key" | "code" | "slug" | "name" | "email" | "uuid" | "handle" | "username"
                )
        }),
        _ => false,
    };
    let constant = |n: &Option<Box<pg_query::Node>>| match n.as_deref().and_then(inner) {
        Some(NodeEnum::AConst(_) | NodeEnum::ParamRef(_)) => true,
        Some(NodeEnum::TypeCast(c)) => {
            matches!(c.arg.as_deref().and_then(inner), Some(NodeEnum::AConst(_)))
        }
        Some(NodeEnum::List(l)) => l
            .items
            .iter()
            .all(|i| matches!(inner(i), Some(NodeEnum::AConst(_) | NodeEnum::TypeCast(_)))),
        _ => false,
    };
    match inner(expr) {
        Some(NodeEnum::BoolExpr(b)) => match BoolExprType::try_from(b.boolop) {
            Ok(BoolExprType::AndExpr) => b.args.iter().any(picks_rows),
            Ok(BoolExprType::OrExpr) => b.args.iter().all(picks_rows),
            _ => false,
        },
        Some(NodeEnum::AExpr(e)) => {
            let op = svals(&e.name).last().copied().unwrap_or_default();
            match AExprKind::try_from(e.kind) {
                Ok(AExprKind::AexprOp) if op == "=" => {
                    (key_column(&e.lexpr) && constant(&e.rexpr))
                        || (key_column(&e.rexpr) && constant(&e.lexpr))
                }
                Ok(AExprKind::AexprIn | AExprKind::AexprOpAny) if op == "=" => {
                    key_column(&e.lexpr) && constant(&e.rexpr)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

impl Rule for BackfillInDdlTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        if !scope.in_transaction() {
            return;
        }
        let Some((tx, ddl)) = &scope.file.tx_ddl else {
            return;
        };
        if *tx != scope.file.tx {
            return;
        }
        let Some(target) = backfill_target(stmt.node, scope) else {
            return;
        };
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!(
                    "this backfill of {target} runs in the transaction that already holds {} on {}: that table stays blocked until the backfill commits",
                    ddl.lock.with_article(),
                    ddl.name
                ),
            )
            .help("commit the schema change first and backfill afterwards, in batches (a separate migration, or after COMMIT in a `-- strata:no-transaction` file)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "backfill-in-ddl-transaction";

    #[test]
    fn flags_backfills_after_blocking_ddl() {
        flags(
            ID,
            &[
                "ALTER TABLE users ADD COLUMN active boolean;\nUPDATE users SET active = true WHERE id < 1000;",
                "CREATE INDEX i ON orders (user_id); DELETE FROM orders WHERE user_id IS NULL;",
                "ALTER TABLE users ADD COLUMN org int; CREATE TABLE t (a int); INSERT INTO t SELECT id FROM users;",
                // A new table filled from an existing one, directly or in a subquery.
                "ALTER TABLE audit ADD COLUMN a int; CREATE TABLE group_ (w text, name text); INSERT INTO group_ SELECT id, 'all' FROM workspace;",
                "ALTER TABLE audit ADD COLUMN a int; CREATE TABLE g (w text); INSERT INTO g SELECT w FROM (SELECT w FROM usr) AS x;",
                "ALTER TABLE audit ADD COLUMN a int; CREATE TABLE g (w text); CREATE TABLE h (w text); INSERT INTO g SELECT w FROM h WHERE EXISTS (SELECT 1 FROM users);",
                // A lock on a user table next to the catalog lock still counts.
                "DO $$ BEGIN IF true THEN LOCK TABLE pg_catalog.pg_roles; LOCK TABLE users; END IF; END $$;\nINSERT INTO group_ SELECT id, 'all' FROM workspace;",
                "ALTER TABLE orders ADD COLUMN c text; UPDATE orders SET c = 'USD' WHERE status = 'paid';",
                "ALTER TABLE orders ADD COLUMN c text; UPDATE orders SET c = 'USD' WHERE id = id;",
            ],
        );
        flags_in(
            ID,
            &no_tx(),
            &["BEGIN; ALTER TABLE users ADD COLUMN a int; UPDATE users SET a = 1 WHERE id < 10; COMMIT;"],
        );
    }

    #[test]
    fn passes_separate_transactions_and_new_tables() {
        passes_in(
            ID,
            &no_tx(),
            &["ALTER TABLE users ADD COLUMN active boolean;\nUPDATE users SET active = true WHERE id < 1000;"],
        );
        passes(
            ID,
            &[
                "UPDATE users SET active = true WHERE id < 1000; ALTER TABLE users ADD COLUMN b int;",
                "CREATE TABLE t (a int); CREATE INDEX ON t (a); INSERT INTO t SELECT id FROM users;",
                "ALTER TABLE users ADD COLUMN a int; INSERT INTO audit VALUES (1);",
                "ALTER TABLE users VALIDATE CONSTRAINT c; UPDATE users SET a = 1 WHERE id < 10;",
                // A data fix of chosen rows by key is not a backfill.
                "ALTER TABLE plans ADD COLUMN price int; UPDATE plans SET price = 1900 WHERE id = 2;",
                "ALTER TABLE settings ADD COLUMN v text; UPDATE settings SET v = 'x' WHERE key IN ('a', 'b');",
                "ALTER TABLE users ADD COLUMN a int; DELETE FROM users WHERE email = 'test@example.com';",
                "ALTER TABLE users ADD COLUMN a int; UPDATE users SET a = 1 WHERE id = ANY('{1,2,3}');",
                "ALTER TABLE slots ADD COLUMN n int; INSERT INTO slots (n) SELECT g FROM generate_series(1, 10) g;",
                // Copies between tables this file created.
                "ALTER TABLE audit ADD COLUMN a int; CREATE TABLE workspace (id text); CREATE TABLE group_ (w text, name text);\nINSERT INTO group_ SELECT id, 'all' FROM workspace;",
                "ALTER TABLE audit ADD COLUMN a int; CREATE TABLE usr (w text, u text); CREATE TABLE usr_to_group (w text, g text, u text);\nINSERT INTO usr_to_group SELECT w, 'all', u FROM (SELECT w, u FROM usr) AS x;",
                // A lock on a system catalog (a CREATE ROLE guarded in a DO block) is no lock
                // on an application table.
                "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'a') THEN LOCK TABLE pg_catalog.pg_roles; CREATE ROLE a; END IF; END $$;\nINSERT INTO group_ SELECT id, 'all' FROM workspace;",
            ],
        );
    }
}
