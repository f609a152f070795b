//! `reindex-nonconcurrent`: `REINDEX` without CONCURRENTLY.

use crate::ast::{inner, key, rel_key, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::{ReindexObjectType, ReindexStmt};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "reindex-nonconcurrent",
    severity: Severity::Warning,
    summary: "REINDEX without CONCURRENTLY blocks writes to the table and reads through the index",
};

/// See the module documentation.
pub(crate) struct ReindexNonconcurrent;

/// Whether a REINDEX has the CONCURRENTLY option (written either way).
pub(crate) fn is_concurrent(s: &ReindexStmt) -> bool {
    s.params.iter().any(|p| match inner(p) {
        Some(NodeEnum::DefElem(d)) => {
            d.defname == "concurrently"
                && !matches!(d.arg.as_deref().and_then(crate::state::const_text), Some(v) if v == "false" || v == "0" || v == "off")
        }
        _ => false,
    })
}

impl Rule for ReindexNonconcurrent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::ReindexStmt(s) = stmt.node else {
            return;
        };
        if is_concurrent(s) {
            if scope.pg_version() < 12 {
                out.push(
                    Violation::new(
                        &META,
                        stmt.span.clone(),
                        format!(
                            "REINDEX ... CONCURRENTLY needs PostgreSQL 12 or later; the target is {}, where the statement fails",
                            scope.pg_version()
                        ),
                    )
                    .help("build a copy with CREATE INDEX CONCURRENTLY, drop the old index concurrently and rename the copy")
                    .severity(Severity::Error),
                );
            }
            return;
        }
        let kind = ReindexObjectType::try_from(s.kind).unwrap_or(ReindexObjectType::Undefined);
        let what = match (kind, &s.relation) {
            (ReindexObjectType::ReindexObjectTable, Some(rv)) => {
                if scope.is_new(rv) {
                    return;
                }
                format!("table {}", rel_name(rv))
            }
            (ReindexObjectType::ReindexObjectIndex, Some(rv)) => {
                if scope.is_new_index(&rel_key(rv)) {
                    return;
                }
                format!("index {}", rel_name(rv))
            }
            (_, _) if !s.name.is_empty() => format!("every index in {}", key("", &s.name)),
            _ => "every index".to_string(),
        };
        let help = if scope.pg_version() >= 12 {
            "use REINDEX ... CONCURRENTLY (PostgreSQL 12+) in a migration marked `-- strata:no-transaction`"
        } else {
            "before PostgreSQL 12 there is no REINDEX CONCURRENTLY: build a copy with CREATE INDEX CONCURRENTLY, drop the old index concurrently and rename the copy"
        };
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!("REINDEX of {what} locks out writes to the table (and queries using the index) until it is rebuilt"),
            )
            .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use crate::{LintContext, Severity};

    #[test]
    fn concurrently_before_12_is_an_error() {
        let sql = "REINDEX INDEX CONCURRENTLY orders_pkey;";
        let old = LintContext::default()
            .pg_version(11)
            .transaction(strata_core::TransactionMode::None);
        let found = lint(sql, &old);
        let v = found
            .iter()
            .find(|v| v.rule == "reindex-nonconcurrent")
            .unwrap();
        assert_eq!(v.severity, Severity::Error);
        passes_in("reindex-nonconcurrent", &no_tx(), &[sql]);
    }

    const ID: &str = "reindex-nonconcurrent";

    #[test]
    fn flags_blocking_reindexes() {
        flags(
            ID,
            &[
                "REINDEX INDEX users_email;",
                "REINDEX TABLE users;",
                "REINDEX (VERBOSE) TABLE users;",
            ],
        );
        flags_in(ID, &no_tx(), &["REINDEX SCHEMA public;"]);
    }

    #[test]
    fn passes_concurrent_reindexes_and_new_objects() {
        passes_in(
            ID,
            &no_tx(),
            &[
                "REINDEX INDEX CONCURRENTLY users_email;",
                "REINDEX (CONCURRENTLY) TABLE users;",
            ],
        );
        passes(
            ID,
            &[
                "CREATE TABLE t (a int); REINDEX TABLE t;",
                "CREATE TABLE t (a int); CREATE INDEX i ON t (a); REINDEX INDEX i;",
            ],
        );
    }
}
