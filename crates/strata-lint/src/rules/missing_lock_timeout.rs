//! `missing-lock-timeout`: a blocking lock requested with no `lock_timeout` in effect.

use crate::locks::blocking;
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "missing-lock-timeout",
    severity: Severity::Warning,
    summary:
        "A statement waits for a write-blocking lock on an existing table with no lock_timeout set",
};

/// Reported once per file, at the first such statement.
pub(crate) struct MissingLockTimeout;

impl Rule for MissingLockTimeout {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        if scope.lock_timeout_set() || scope.file.blocking_seen {
            return;
        }
        // `-- strata:lock-timeout 30s` bounds the waits as its author chose; `0` turns the
        // runner's off.
        let runner = match scope.cx.file_lock_timeout {
            Some(d) if !d.is_zero() => return,
            Some(_) => false,
            None => scope.cx.runner_sets_lock_timeout,
        };
        let Some(b) = blocking(stmt.node, scope) else {
            return;
        };
        let queue = format!(
            "this statement needs {} on {} ({}); while it waits for a long-running query, every query on {} queues behind it",
            b.lock.with_article(),
            b.name,
            b.lock.blocks(),
            b.name
        );
        let v = if runner {
            Violation::new(
                &META,
                stmt.span.clone(),
                format!("{queue}; strata's own lock_timeout bounds the wait, since the file sets none"),
            )
            .help("set one explicitly (`SET lock_timeout = '5s';` at the top, or SET LOCAL inside the transaction) if this table needs a different bound")
            .severity(Severity::Hint)
        } else {
            Violation::new(&META, stmt.span.clone(), format!("{queue}, with no lock_timeout to end the wait"))
                .help("start the migration with `SET lock_timeout = '5s';` (SET LOCAL inside a transaction) and retry it if it times out")
        };
        out.push(v);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use crate::Severity;

    const ID: &str = "missing-lock-timeout";

    #[test]
    fn follows_the_files_own_lock_timeout_directive() {
        use std::time::Duration;
        let sql = "ALTER TABLE users ADD COLUMN note text;";
        let severity = |file: Option<Duration>| {
            let cx = cx().runner_sets_lock_timeout(true).file_lock_timeout(file);
            lint(sql, &cx)
                .into_iter()
                .filter(|v| v.rule == ID)
                .map(|v| v.severity)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            severity(None),
            [Severity::Hint],
            "the runner's bounds the wait"
        );
        assert_eq!(
            severity(Some(Duration::ZERO)),
            [Severity::Warning],
            "`-- strata:lock-timeout 0` turns the runner's off"
        );
        assert!(
            severity(Some(Duration::from_secs(30))).is_empty(),
            "the file chose its own"
        );
    }

    #[test]
    fn flags_the_first_blocking_statement_once() {
        let sql =
            "ALTER TABLE users ADD COLUMN note text;\nALTER TABLE users ADD COLUMN other text;";
        let found: Vec<_> = lint(sql, &cx())
            .into_iter()
            .filter(|v| v.rule == ID)
            .collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        flags(
            ID,
            &[
                "CREATE INDEX i ON t (a);",
                "SET lock_timeout = '5s'; RESET lock_timeout; ALTER TABLE t DROP COLUMN a;",
                "SET lock_timeout = 0; ALTER TABLE t ADD COLUMN a int;",
                "CREATE TABLE child (id int, p int REFERENCES parent (id));",
                "CREATE TRIGGER tr BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();",
            ],
        );
        flags_in(
            ID,
            &no_tx(),
            &["SET LOCAL lock_timeout = '5s'; ALTER TABLE t ADD COLUMN a int;"],
        );
    }

    #[test]
    fn is_a_hint_when_the_runner_sets_a_timeout() {
        let found = lint(
            "ALTER TABLE t ADD COLUMN a int;",
            &cx().runner_sets_lock_timeout(true),
        );
        let v = found.iter().find(|v| v.rule == ID).unwrap();
        assert_eq!(v.severity, Severity::Hint);
    }

    #[test]
    fn passes_with_a_timeout_or_nothing_to_wait_for() {
        passes(
            ID,
            &[
                "SET lock_timeout = '5s'; ALTER TABLE t ADD COLUMN a int;",
                "SET LOCAL lock_timeout TO '2s'; CREATE INDEX i ON t (a);",
                "SELECT set_config('lock_timeout', '3s', true); ALTER TABLE t DROP COLUMN a;",
                "CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN b int; CREATE INDEX i ON t (a);",
                "CREATE TEMP TABLE t (a int); ALTER TABLE t ADD COLUMN b int;",
                "ALTER TABLE t VALIDATE CONSTRAINT c;",
                "INSERT INTO t VALUES (1);",
                "CREATE VIEW v AS SELECT * FROM t;",
            ],
        );
        passes_in(ID, &no_tx(), &["CREATE INDEX CONCURRENTLY i ON t (a);"]);
    }
}
