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
        let mut tables = Vec::new();
        let mut system = Vec::new();
        for r in &s.relations {
            let Some(NodeEnum::RangeVar(rv)) = inner(r) else {
                continue;
            };
            if scope.is_new(rv) {
                continue;
            }
            if scope.is_system_relation(rv) {
                system.push(rel_name(rv));
            } else {
                tables.push(rel_name(rv));
            }
        }
        if !tables.is_empty() {
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
        } else if !system.is_empty() {
            // A lock on PostgreSQL's own catalog (often taken to serialize a CREATE ROLE in a
            // DO block) blocks no application table; it makes other sessions that need the
            // catalog wait, briefly, until the transaction ends.
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "LOCK TABLE {} IN {} MODE locks a system catalog, not an application table: other sessions that need it (role and permission lookups) wait until the migration's transaction ends",
                        system.join(", "),
                        lock.name()
                    ),
                )
                .help("keep the transaction after it short; CREATE ROLE and GRANT take the locks they need without it")
                .severity(Severity::Hint),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use crate::Severity;

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
    fn system_catalogs_get_a_hint_only() {
        let windmill = "DO $do$\nBEGIN\n  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'app_user') THEN\n    LOCK TABLE pg_catalog.pg_roles;\n    CREATE ROLE app_user;\n  END IF;\nEND\n$do$;";
        for sql in [
            windmill,
            "LOCK TABLE pg_roles;",
            "LOCK TABLE pg_catalog.pg_authid IN EXCLUSIVE MODE;",
        ] {
            let found: Vec<_> = lint(sql, &cx())
                .into_iter()
                .filter(|v| v.rule == ID)
                .collect();
            assert_eq!(found.len(), 1, "{sql}");
            assert_eq!(found[0].severity, Severity::Hint, "{sql}");
            assert!(found[0].message.contains("system catalog"), "{sql}");
        }
        // A user table next to the catalog, or a user table named pg_... by a migration, is a
        // warning.
        let mut known = cx();
        known.catalog.table_mut("pg_jobs");
        for (sql, cx) in [
            ("LOCK TABLE pg_catalog.pg_roles, users;", cx()),
            (
                "DO $$ BEGIN IF true THEN LOCK TABLE users; END IF; END $$;",
                cx(),
            ),
            ("LOCK TABLE pg_jobs;", known),
        ] {
            let found: Vec<_> = lint(sql, &cx)
                .into_iter()
                .filter(|v| v.rule == ID)
                .collect();
            assert_eq!(found.len(), 1, "{sql}");
            assert_eq!(found[0].severity, Severity::Warning, "{sql}");
        }
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
