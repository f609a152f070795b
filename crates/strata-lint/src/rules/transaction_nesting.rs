//! `transaction-nesting`: transaction control that does not do what it seems to.

use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::TransactionStmtKind as Tx;
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "transaction-nesting",
    severity: Severity::Error,
    summary: "BEGIN, COMMIT or ROLLBACK inside a transaction strata opens, nested, or never closed",
};

/// See the module documentation.
pub(crate) struct TransactionNesting;

impl Rule for TransactionNesting {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::TransactionStmt(t) = stmt.node else {
            return;
        };
        let kind = Tx::try_from(t.kind).unwrap_or(Tx::Undefined);
        let word = match kind {
            Tx::TransStmtBegin | Tx::TransStmtStart => "BEGIN",
            Tx::TransStmtCommit => "COMMIT",
            Tx::TransStmtRollback => "ROLLBACK",
            Tx::TransStmtPrepare => "PREPARE TRANSACTION",
            Tx::TransStmtSavepoint | Tx::TransStmtRelease | Tx::TransStmtRollbackTo => {
                if !scope.in_transaction() {
                    out.push(
                        Violation::new(
                            &META,
                            stmt.span.clone(),
                            "savepoints only work inside a transaction block: PostgreSQL rejects this",
                        )
                        .help("put it between BEGIN and COMMIT"),
                    );
                }
                return;
            }
            _ => return,
        };
        // Transactional files are judged at the end, once it is known whether a BEGIN first and
        // a COMMIT last wrap the whole file.
        if scope.file.transactional {
            return;
        }
        let opens = word == "BEGIN";
        if opens && scope.in_transaction() {
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    "BEGIN inside an open transaction: PostgreSQL ignores it, and the next COMMIT ends the outer transaction",
                )
                .help("commit the open transaction first, or drop this BEGIN")
                .severity(Severity::Warning),
            );
        } else if !opens && !scope.in_transaction() {
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "{word} with no open transaction: it does nothing (PostgreSQL only warns)"
                    ),
                )
                .help("remove it, or add the BEGIN it belongs to")
                .severity(Severity::Warning),
            );
        }
    }

    fn finish(&self, scope: &Scope<'_>, out: &mut Findings) {
        let file = scope.file;
        if file.transactional {
            let control = &file.tx_control;
            let begins = |k: Tx| matches!(k, Tx::TransStmtBegin | Tx::TransStmtStart);
            let wrapped = control.len() >= 2
                && control[0].0 == 0
                && begins(control[0].2)
                && control[control.len() - 1].0 + 1 == file.items
                && control[control.len() - 1].2 == Tx::TransStmtCommit;
            let inner = if wrapped {
                &control[1..control.len() - 1]
            } else {
                &control[..]
            };
            for (item, span, kind) in inner {
                let word = match kind {
                    k if begins(*k) => "BEGIN",
                    Tx::TransStmtCommit => "COMMIT",
                    Tx::TransStmtRollback => "ROLLBACK",
                    _ => "PREPARE TRANSACTION",
                };
                out.push_for(
                    Violation::new(
                        &META,
                        span.clone(),
                        format!("{word} inside a migration strata runs in a transaction: strata refuses to run it"),
                    )
                    .help("remove the transaction control (strata commits the migration with its history row), or add `-- strata:no-transaction` as the first line to run the file statement by statement as written"),
                    *item,
                );
            }
            return;
        }
        if let Some((item, span)) = &file.begin {
            out.push_for(
                Violation::new(
                    &META,
                    span.clone(),
                    "this BEGIN is never committed: the migration ends with its transaction open and its work is rolled back when the connection closes",
                )
                .help("add COMMIT after the statements it groups"),
                *item,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "transaction-nesting";

    #[test]
    fn flags_control_strata_cannot_honour() {
        flags(
            ID,
            &[
                "CREATE TABLE a (id int); COMMIT; CREATE TABLE b (id int);",
                "BEGIN; CREATE TABLE a (id int); COMMIT; BEGIN; CREATE TABLE b (id int); COMMIT;",
                "CREATE TABLE a (id int); ROLLBACK;",
            ],
        );
        flags_in(
            ID,
            &no_tx(),
            &[
                "BEGIN; CREATE TABLE a (id int);",
                "BEGIN; BEGIN; CREATE TABLE a (id int); COMMIT;",
                "CREATE TABLE a (id int); COMMIT;",
                "SAVEPOINT s;",
            ],
        );
    }

    #[test]
    fn passes_wrappers_and_balanced_blocks() {
        passes(
            ID,
            &[
                "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;",
                "CREATE TABLE a (id int); SAVEPOINT s; ROLLBACK TO SAVEPOINT s;",
                "DO $$ BEGIN PERFORM 1; END $$;",
            ],
        );
        passes_in(
            ID,
            &no_tx(),
            &[
                "BEGIN; CREATE TABLE a (id int); COMMIT; CREATE INDEX CONCURRENTLY i ON a (id);",
                "START TRANSACTION; SAVEPOINT s; RELEASE SAVEPOINT s; END;",
            ],
        );
    }

    #[test]
    fn strata_runs_files_with_their_own_transactions_as_written() {
        // strata's runner runs a file whose transaction control is more than a wrapper as
        // written, statement by statement: nothing to refuse, only real mistakes to report.
        let strata = cx().runner_skips_transaction_when_required(true);
        passes_in(
            ID,
            &strata,
            &[
                "BEGIN; CREATE TABLE a (id int); COMMIT; BEGIN; CREATE TABLE b (id int); COMMIT;",
                "SET lock_timeout = '2s';\nBEGIN;\nALTER TABLE a ADD COLUMN b int;\nCOMMIT;",
                "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;",
            ],
        );
        flags_in(
            ID,
            &strata,
            &[
                "BEGIN; BEGIN; CREATE TABLE a (id int); COMMIT; COMMIT;",
                "CREATE TABLE a (id int); BEGIN; CREATE TABLE b (id int);",
            ],
        );
        // As written, statements outside the blocks run on their own.
        let found = lint(
            "BEGIN;\nALTER TABLE orders ADD COLUMN c int;\nCOMMIT;\nUPDATE orders SET c = 1 WHERE id < 1000;",
            &strata,
        );
        assert!(
            !found
                .iter()
                .any(|v| v.rule == "backfill-in-ddl-transaction"),
            "{found:#?}"
        );
    }
}
