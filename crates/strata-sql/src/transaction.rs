//! Transaction-related checks on statements.

use crate::lexer::{Lexer, Token, TokenKind};
use crate::{Dialect, Statement, StatementKind};
use std::ops::Range;

/// Why a statement cannot run inside a transaction block, or `None` when it can.
///
/// Matches the statement's leading keywords (comments skipped, case-insensitive):
/// - PostgreSQL: `CREATE [UNIQUE] INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`,
///   `REINDEX ... CONCURRENTLY`, `REINDEX SCHEMA|DATABASE|SYSTEM`, `CREATE|DROP DATABASE`,
///   `CREATE|DROP TABLESPACE`, `CREATE|DROP SUBSCRIPTION`, `ALTER SYSTEM`,
///   `ALTER DATABASE ... SET TABLESPACE`, `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY`,
///   `VACUUM`, `CLUSTER` without a table, `DISCARD ALL`, `COMMIT|ROLLBACK PREPARED`, and
///   TimescaleDB's continuous aggregates (`CREATE MATERIALIZED VIEW ... WITH
///   (timescaledb.continuous)` unless `WITH NO DATA`, `CALL refresh_continuous_aggregate`).
///   `REFRESH MATERIALIZED VIEW CONCURRENTLY` and `ALTER TYPE ... ADD VALUE` (PostgreSQL 12+)
///   run in a transaction and are not flagged.
/// - SQLite: `VACUUM`, `ATTACH`, `DETACH`, and setting `PRAGMA foreign_keys` (a no-op inside a
///   transaction) or `PRAGMA journal_mode`.
/// - MySQL: nothing (DDL commits implicitly there; that is the driver's concern).
pub fn requires_no_transaction(statement: &str, dialect: Dialect) -> Option<&'static str> {
    let mut tokens = Lexer::new(statement, dialect)
        .without_whitespace()
        .filter(|t| !t.is_trivia());
    let first = tokens.next()?;
    let leading: &[&str] = match dialect {
        Dialect::Postgres => &[
            "CREATE", "DROP", "REINDEX", "ALTER", "VACUUM", "CLUSTER", "DISCARD", "COMMIT",
            "ROLLBACK", "CALL",
        ],
        Dialect::Sqlite => &["VACUUM", "ATTACH", "DETACH", "PRAGMA"],
        Dialect::MySql => &[],
    };
    if !leading.iter().any(|k| first.is_word(statement, k)) {
        return None;
    }
    let tokens: Vec<Token> = std::iter::once(first).chain(tokens).collect();
    let words = Words {
        src: statement,
        tokens: &tokens,
    };
    match dialect {
        Dialect::Postgres => postgres(&words),
        Dialect::Sqlite => sqlite(&words),
        Dialect::MySql => None,
    }
}

/// The significant tokens of one statement.
struct Words<'a> {
    src: &'a str,
    tokens: &'a [Token],
}

impl Words<'_> {
    /// Token `i` is the word `keyword`.
    fn is(&self, i: usize, keyword: &str) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.is_word(self.src, keyword))
    }

    /// Token `i` is the punctuation `text`.
    fn punct(&self, i: usize, text: &str) -> bool {
        self.tokens
            .get(i)
            .is_some_and(|t| t.kind != TokenKind::Word && t.text(self.src) == text)
    }

    /// Index of the first occurrence of consecutive tokens matching `words` (words, or
    /// punctuation such as `.`).
    fn find(&self, words: &[&str]) -> Option<usize> {
        (0..self.tokens.len()).find(|&i| {
            words
                .iter()
                .enumerate()
                .all(|(j, w)| self.is(i + j, w) || self.punct(i + j, w))
        })
    }

    fn len(&self) -> usize {
        self.tokens.len()
    }
}

fn postgres(w: &Words<'_>) -> Option<&'static str> {
    if w.is(0, "CREATE") {
        let index = if w.is(1, "UNIQUE") { 2 } else { 1 };
        if w.is(index, "INDEX") && w.is(index + 1, "CONCURRENTLY") {
            return Some("CREATE INDEX CONCURRENTLY cannot run inside a transaction block");
        }
        if w.is(1, "DATABASE") {
            return Some("CREATE DATABASE cannot run inside a transaction block");
        }
        if w.is(1, "TABLESPACE") {
            return Some("CREATE TABLESPACE cannot run inside a transaction block");
        }
        if w.is(1, "SUBSCRIPTION") {
            return Some("CREATE SUBSCRIPTION cannot run inside a transaction block when it creates a replication slot");
        }
        let n = w.len();
        let no_data = n >= 3 && w.is(n - 3, "WITH") && w.is(n - 2, "NO") && w.is(n - 1, "DATA");
        if w.find(&["MATERIALIZED", "VIEW"]).is_some()
            && w.find(&["timescaledb", ".", "continuous"]).is_some()
            && !no_data
        {
            return Some("creating a TimescaleDB continuous aggregate WITH DATA cannot run inside a transaction block");
        }
    } else if w.is(0, "DROP") {
        if w.is(1, "INDEX") && w.is(2, "CONCURRENTLY") {
            return Some("DROP INDEX CONCURRENTLY cannot run inside a transaction block");
        }
        if w.is(1, "DATABASE") {
            return Some("DROP DATABASE cannot run inside a transaction block");
        }
        if w.is(1, "TABLESPACE") {
            return Some("DROP TABLESPACE cannot run inside a transaction block");
        }
        if w.is(1, "SUBSCRIPTION") {
            return Some("DROP SUBSCRIPTION cannot run inside a transaction block when the subscription has a replication slot");
        }
    } else if w.is(0, "REINDEX") {
        // `REINDEX [ ( options ) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM } [ CONCURRENTLY ] name`
        let mut i = 1;
        if w.punct(1, "(") {
            i = (1..w.len())
                .find(|&j| w.punct(j, ")"))
                .map_or(w.len(), |j| j + 1);
        }
        if w.is(i + 1, "CONCURRENTLY") {
            return Some("REINDEX CONCURRENTLY cannot run inside a transaction block");
        }
        if w.is(i, "SCHEMA") || w.is(i, "DATABASE") || w.is(i, "SYSTEM") {
            return Some(
                "REINDEX SCHEMA, DATABASE or SYSTEM cannot run inside a transaction block",
            );
        }
    } else if w.is(0, "ALTER") {
        if w.is(1, "SYSTEM") {
            return Some("ALTER SYSTEM cannot run inside a transaction block");
        }
        if w.is(1, "DATABASE") && w.find(&["SET", "TABLESPACE"]).is_some() {
            return Some("ALTER DATABASE ... SET TABLESPACE cannot run inside a transaction block");
        }
        if w.is(1, "TABLE") {
            if let Some(i) = w.find(&["DETACH", "PARTITION"]) {
                if (i + 2..w.len()).any(|j| w.is(j, "CONCURRENTLY")) {
                    return Some(
                        "DETACH PARTITION ... CONCURRENTLY cannot run inside a transaction block",
                    );
                }
            }
        }
    } else if w.is(0, "VACUUM") {
        return Some("VACUUM cannot run inside a transaction block");
    } else if w.is(0, "CLUSTER") && (w.len() == 1 || (w.len() == 2 && w.is(1, "VERBOSE"))) {
        return Some("CLUSTER without a table cannot run inside a transaction block");
    } else if w.is(0, "DISCARD") && w.is(1, "ALL") {
        return Some("DISCARD ALL cannot run inside a transaction block");
    } else if w.is(0, "COMMIT") && w.is(1, "PREPARED") {
        return Some("COMMIT PREPARED cannot run inside a transaction block");
    } else if w.is(0, "ROLLBACK") && w.is(1, "PREPARED") {
        return Some("ROLLBACK PREPARED cannot run inside a transaction block");
    } else if w.is(0, "CALL") && w.find(&["refresh_continuous_aggregate"]).is_some() {
        return Some("refresh_continuous_aggregate() cannot run inside a transaction block");
    }
    None
}

fn sqlite(w: &Words<'_>) -> Option<&'static str> {
    if w.is(0, "VACUUM") {
        return Some("VACUUM cannot run inside a transaction");
    }
    if w.is(0, "ATTACH") {
        return Some("ATTACH cannot run inside a transaction");
    }
    if w.is(0, "DETACH") {
        return Some("DETACH cannot run inside a transaction");
    }
    if w.is(0, "PRAGMA") {
        // `PRAGMA [schema.]name = value` or `PRAGMA [schema.]name(value)`; reading is harmless.
        let name = if w.punct(2, ".") { 3 } else { 1 };
        let sets = w.punct(name + 1, "=") || w.punct(name + 1, "(");
        if sets && w.is(name, "foreign_keys") {
            return Some("PRAGMA foreign_keys has no effect inside a transaction");
        }
        if sets && w.is(name, "journal_mode") {
            return Some("PRAGMA journal_mode cannot be changed inside a transaction");
        }
    }
    None
}

/// The statements of a file that wraps itself in `BEGIN; ... COMMIT;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwrapped {
    /// Indices of the statements between the wrapper (all of them when there is none).
    pub body: Range<usize>,
    /// True when a leading `BEGIN` and trailing `COMMIT` were found and excluded.
    pub wrapped: bool,
    /// Index of a transaction-control statement left inside the body, if any (a file with
    /// several transactions, or a `ROLLBACK`): it cannot run inside strata's transaction.
    pub stray: Option<usize>,
}

/// Finds a `BEGIN ... COMMIT` wrapper around the whole file.
///
/// The wrapper is a first statement of kind [`StatementKind::Begin`] and a last one of kind
/// [`StatementKind::Commit`]. Any other transaction control in the body (or anywhere, without
/// a wrapper) is reported in [`Unwrapped::stray`].
pub fn unwrap_transaction(statements: &[Statement]) -> Unwrapped {
    let n = statements.len();
    let wrapped = n >= 2
        && statements[0].kind == StatementKind::Begin
        && statements[n - 1].kind == StatementKind::Commit;
    let body = if wrapped { 1..n - 1 } else { 0..n };
    let stray = body
        .clone()
        .find(|&i| statements[i].kind != StatementKind::Other);
    Unwrapped {
        body,
        wrapped,
        stray,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split;
    use Dialect::{MySql, Postgres, Sqlite};

    #[test]
    fn postgres_statements_that_need_no_transaction() {
        let flagged = [
            ("CREATE INDEX CONCURRENTLY i ON t (a)", "CREATE INDEX CONCURRENTLY"),
            ("create unique index concurrently if not exists i on t (a)", "CREATE INDEX CONCURRENTLY"),
            ("-- why\n/* c */ CREATE INDEX CONCURRENTLY i ON t (a)", "CREATE INDEX CONCURRENTLY"),
            ("DROP INDEX CONCURRENTLY IF EXISTS i", "DROP INDEX CONCURRENTLY"),
            ("REINDEX INDEX CONCURRENTLY i", "REINDEX CONCURRENTLY"),
            ("REINDEX (VERBOSE) TABLE CONCURRENTLY t", "REINDEX CONCURRENTLY"),
            ("REINDEX SCHEMA public", "REINDEX SCHEMA"),
            ("REINDEX DATABASE d", "REINDEX SCHEMA, DATABASE"),
            ("CREATE DATABASE d", "CREATE DATABASE"),
            ("DROP DATABASE IF EXISTS d", "DROP DATABASE"),
            ("CREATE TABLESPACE s LOCATION '/x'", "CREATE TABLESPACE"),
            ("DROP TABLESPACE s", "DROP TABLESPACE"),
            ("ALTER SYSTEM SET work_mem = '64MB'", "ALTER SYSTEM"),
            ("VACUUM", "VACUUM"),
            ("vacuum (analyze) t", "VACUUM"),
            ("CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p", "CREATE SUBSCRIPTION"),
            ("DROP SUBSCRIPTION s", "DROP SUBSCRIPTION"),
            ("ALTER DATABASE d SET TABLESPACE s", "ALTER DATABASE"),
            ("ALTER TABLE p DETACH PARTITION c CONCURRENTLY", "DETACH PARTITION"),
            ("CLUSTER", "CLUSTER"),
            ("DISCARD ALL", "DISCARD ALL"),
            ("COMMIT PREPARED 'x'", "COMMIT PREPARED"),
            ("ROLLBACK PREPARED 'x'", "ROLLBACK PREPARED"),
            (
                "CREATE MATERIALIZED VIEW m WITH (timescaledb.continuous) AS SELECT time_bucket('1 day', t) FROM x GROUP BY 1",
                "continuous aggregate",
            ),
            ("CALL refresh_continuous_aggregate('m', NULL, NULL)", "refresh_continuous_aggregate"),
        ];
        for (sql, reason) in flagged {
            let got = requires_no_transaction(sql, Postgres);
            assert!(
                got.is_some_and(|r| r.starts_with(reason) || r.contains(reason)),
                "{sql}: {got:?}"
            );
            assert!(got.unwrap().contains("transaction block"), "{sql}");
        }
    }

    #[test]
    fn postgres_statements_fine_in_a_transaction() {
        let fine = [
            "CREATE INDEX i ON t (a)",
            "CREATE UNIQUE INDEX i ON t (concurrently)",
            "DROP INDEX i",
            "REINDEX TABLE t",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY m",
            "ALTER TYPE mood ADD VALUE 'ok'",
            "ALTER DATABASE d SET work_mem = '1MB'",
            "ALTER TABLE p DETACH PARTITION c",
            "CLUSTER t USING i",
            "DISCARD PLANS",
            "COMMIT",
            "CREATE MATERIALIZED VIEW m WITH (timescaledb.continuous) AS SELECT 1 WITH NO DATA",
            "CREATE MATERIALIZED VIEW m AS SELECT 1",
            "SELECT 'VACUUM'",
            "-- VACUUM\nSELECT 1",
            "CREATE TABLE database (a int)",
            "",
            "-- only a comment",
        ];
        for sql in fine {
            assert_eq!(requires_no_transaction(sql, Postgres), None, "{sql}");
        }
    }

    #[test]
    fn sqlite_statements_that_need_no_transaction() {
        for (sql, reason) in [
            ("VACUUM", "VACUUM"),
            ("vacuum into 'x.db'", "VACUUM"),
            ("PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys"),
            ("pragma FOREIGN_KEYS=on", "PRAGMA foreign_keys"),
            ("PRAGMA journal_mode = WAL", "PRAGMA journal_mode"),
            ("PRAGMA main.journal_mode=WAL", "PRAGMA journal_mode"),
            ("PRAGMA journal_mode(WAL)", "PRAGMA journal_mode"),
            ("ATTACH DATABASE 'x.db' AS x", "ATTACH"),
            ("DETACH x", "DETACH"),
        ] {
            let got = requires_no_transaction(sql, Sqlite);
            assert!(got.is_some_and(|r| r.starts_with(reason)), "{sql}: {got:?}");
        }
        for sql in [
            "PRAGMA foreign_keys",
            "PRAGMA user_version = 3",
            "CREATE INDEX i ON t (a)",
            "SELECT 'VACUUM'",
        ] {
            assert_eq!(requires_no_transaction(sql, Sqlite), None, "{sql}");
        }
        // PostgreSQL rules do not apply to SQLite.
        assert_eq!(requires_no_transaction("CREATE DATABASE d", Sqlite), None);
    }

    #[test]
    fn mysql_flags_nothing() {
        for sql in [
            "VACUUM",
            "CREATE DATABASE d",
            "CREATE INDEX i ON t (a)",
            "ALTER TABLE t ADD c INT",
        ] {
            assert_eq!(requires_no_transaction(sql, MySql), None, "{sql}");
        }
    }

    fn unwrap(sql: &str) -> Unwrapped {
        unwrap_transaction(&split(sql, Postgres).unwrap())
    }

    #[test]
    fn unwraps_a_begin_commit_wrapper() {
        let u = unwrap("BEGIN;\nCREATE TABLE t (a int);\nCREATE INDEX i ON t (a);\nCOMMIT;\n");
        assert_eq!(
            u,
            Unwrapped {
                body: 1..3,
                wrapped: true,
                stray: None
            }
        );
        let u = unwrap("START TRANSACTION; SELECT 1; END");
        assert_eq!(
            u,
            Unwrapped {
                body: 1..2,
                wrapped: true,
                stray: None
            }
        );
        let u = unwrap("BEGIN; COMMIT;");
        assert_eq!(
            u,
            Unwrapped {
                body: 1..1,
                wrapped: true,
                stray: None
            }
        );
    }

    #[test]
    fn no_wrapper_keeps_everything() {
        assert_eq!(
            unwrap("SELECT 1; SELECT 2"),
            Unwrapped {
                body: 0..2,
                wrapped: false,
                stray: None
            }
        );
        assert_eq!(
            unwrap(""),
            Unwrapped {
                body: 0..0,
                wrapped: false,
                stray: None
            }
        );
        assert_eq!(
            unwrap("-- nothing"),
            Unwrapped {
                body: 0..0,
                wrapped: false,
                stray: None
            }
        );
    }

    #[test]
    fn finds_stray_transaction_control() {
        // Two transactions in one file.
        let u = unwrap("BEGIN; SELECT 1; COMMIT; BEGIN; SELECT 2; COMMIT;");
        assert_eq!((u.body, u.wrapped, u.stray), (1..5, true, Some(2)));
        // A ROLLBACK inside the wrapper.
        assert_eq!(unwrap("BEGIN; SELECT 1; ROLLBACK; COMMIT").stray, Some(2));
        // BEGIN without COMMIT: no wrapper, the BEGIN is stray.
        assert_eq!(
            unwrap("BEGIN; SELECT 1;"),
            Unwrapped {
                body: 0..2,
                wrapped: false,
                stray: Some(0)
            }
        );
        assert_eq!(unwrap("BEGIN; SELECT 1; ROLLBACK").stray, Some(0));
        assert_eq!(unwrap("SELECT 1; COMMIT").stray, Some(1));
        // Savepoints are not transaction control for this purpose.
        let u = unwrap("BEGIN; SAVEPOINT a; SELECT 1; ROLLBACK TO SAVEPOINT a; RELEASE a; COMMIT;");
        assert_eq!((u.wrapped, u.stray), (true, None));
        // Nor are BEGIN ATOMIC bodies.
        let u = unwrap("CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END; SELECT f()");
        assert_eq!((u.body, u.stray), (0..2, None));
    }
}
