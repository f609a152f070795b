//! `lock-table`: an explicit LOCK TABLE in a write-blocking mode.

use crate::ast::{inner, rel_name};
use crate::locks::Lock;
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "lock-table",
    severity: Severity::Warning,
    summary: "LOCK TABLE in a mode that blocks writes, held until the transaction ends",
};

/// See the module documentation.
pub(crate) struct LockTable;

impl Rule for LockTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::LockStmt(s) = stmt.node else {
            return;
        };
        if !scope.in_transaction() {
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    "LOCK TABLE outside a transaction block: PostgreSQL rejects it",
                )
                .help("put it after BEGIN, with the statements it protects, before COMMIT")
                .severity(Severity::Error),
            );
            return;
        }
        let Some(lock) = Lock::from_mode(s.mode).filter(|l| *l >= Lock::Share) else {
            return;
        };
        let tables: Vec<String> = s
            .relations
            .iter()
            .filter_map(|r| match inner(r) {
                Some(NodeEnum::RangeVar(rv)) if !scope.is_new(rv) => Some(rel_name(rv)),
                _ => None,
            })
            .collect();
        if tables.is_empty() {
            return;
        }
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!(
                    "LOCK TABLE {} IN {} MODE {} until the migration's transaction ends",
                    tables.join(", "),
                    lock.name(),
                    lock.blocks()
                ),
            )
            .help("keep the transaction after it short, set lock_timeout first, or take the weakest mode that protects what follows"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "lock-table";

    #[test]
    fn flags_blocking_locks() {
        flags(
            ID,
            &[
                "LOCK TABLE users;",
                "LOCK users IN SHARE ROW EXCLUSIVE MODE;",
                "LOCK TABLE a, b IN EXCLUSIVE MODE NOWAIT;",
            ],
        );
        flags_in(ID, &no_tx(), &["LOCK TABLE users IN ACCESS SHARE MODE;"]);
    }

    #[test]
    fn passes_weak_locks_and_new_tables() {
        passes(
            ID,
            &[
                "LOCK TABLE users IN ACCESS SHARE MODE;",
                "LOCK TABLE users IN ROW EXCLUSIVE MODE;",
                "CREATE TABLE t (a int); LOCK TABLE t;",
            ],
        );
    }
}
