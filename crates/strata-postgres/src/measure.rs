//! Measuring what a migration's statements really do: the locks each one takes on relations
//! that existed before it and the relations it rewrites, read from the server itself
//! (`pg_locks` and `pg_class.relfilenode`), as ground truth beside the linter's findings.
//!
//! How, and why this way:
//! - **Nothing is committed.** The whole script runs in one transaction that is rolled back at
//!   the end, each statement in a savepoint of its own. Committing statement by statement would
//!   give each statement a clean lock table, but a migration can change what the whole server
//!   shares (roles, `ALTER DATABASE`, grants), and the server measured on is often the
//!   production one: what is measured must never take effect.
//! - **Locks are differences.** After a statement, the relation locks of the connection's own
//!   backend are read; those not held before the statement are its locks. A lock mode that an
//!   earlier statement of the script already took on a relation cannot show again, since the
//!   transaction still holds it: such locks are listed in [`Observed::held_before`]. In a
//!   transactional migration this is exactly what happens for real (the statement waits for no
//!   lock its transaction holds); in a no-transaction migration each statement would take them
//!   again itself.
//! - **Only relations that existed before the statement** count (one that it creates is
//!   invisible to other sessions until commit), and neither system catalogs, TOAST tables nor
//!   temporary relations. A relation created by an earlier statement of the same script is
//!   marked ([`RelationLock::created_by_script`]): in a transactional migration no other
//!   session can see it either.
//! - **Rewrites** are relations whose `relfilenode` changed: a table rewritten with a new data
//!   file (`ALTER COLUMN TYPE`, `VACUUM FULL`, `CLUSTER`, `TRUNCATE`, `SET TABLESPACE`) or an
//!   index rebuilt.
//! - **Dependencies.** Every statement runs after the ones before it (released savepoints), so
//!   `ALTER TABLE new_table ...` finds the table an earlier statement created. A statement
//!   that fails is rolled back to its savepoint, reported with the server's error, and the
//!   next statements run as if it had not been there.
//! - **Statements that cannot run in a transaction block** (`CREATE INDEX CONCURRENTLY`,
//!   `VACUUM`, `ALTER TYPE ... ADD VALUE` before PostgreSQL 12, ...) are not measured and not
//!   run as written. `CREATE INDEX CONCURRENTLY` and `DROP INDEX CONCURRENTLY` are replayed
//!   without `CONCURRENTLY` (not measured either) so that later statements find or miss the
//!   index as they would for real.
//! - **Transaction control** (`BEGIN`, `COMMIT`, `SAVEPOINT`, ...) is never sent: it would end
//!   the transaction that keeps everything from taking effect. A `BEGIN ... COMMIT` around the
//!   whole file is left out as strata leaves it out when applying.
//!
//! Functions with effects outside the transaction (`pg_terminate_backend`, `dblink`, `COPY
//! ... TO` a server file, sequence values) do act; run the measurement on a server of its own
//! when migrations call them.

use crate::conn::{exec, rows, Connector};
use crate::sql::char_to_byte;
use crate::{error, url};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use strata_core::{DriverError, Script};
use strata_sql::{requires_no_transaction, split, unwrap_transaction, Dialect, StatementKind};

/// What measuring one script found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScriptMeasurement {
    /// The server's version (`15.4 (Debian 15.4-1.pgdg120+2)`): the locks taken can depend on
    /// it.
    pub server_version: String,
    /// One entry per statement, in order (a `BEGIN ... COMMIT` wrapper around the whole script
    /// has none).
    pub statements: Vec<StatementMeasurement>,
}

/// One statement and what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatementMeasurement {
    /// Byte range of the statement in the script (its first token to its end, without `;`).
    pub span: Range<usize>,
    /// What happened.
    pub outcome: Outcome,
}

/// What happened to a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// It ran (and was rolled back); what it took.
    Measured(Observed),
    /// It was not run as written.
    NotMeasured(NotMeasured),
    /// The server rejected it.
    Failed(StatementError),
}

/// The locks a statement took and the relations it rewrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Observed {
    /// Relation locks the statement acquired, on relations that existed before it; by relation
    /// name, strongest mode first.
    pub locks: Vec<RelationLock>,
    /// Relations that got a new data file (`relfilenode` changed), by name.
    pub rewrites: Vec<Rewrite>,
    /// Locks on relations that existed before the statement which earlier statements of the
    /// script already held when it started: a mode held already cannot show up in
    /// [`Observed::locks`] again.
    pub held_before: Vec<RelationLock>,
}

/// A lock on a relation, as `pg_locks` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RelationLock {
    /// `schema.name`, quoted where SQL needs it.
    pub relation: String,
    /// What the relation is.
    pub kind: RelationKind,
    /// The lock mode as PostgreSQL names it (`AccessExclusiveLock`, `ShareLock`, ...).
    pub mode: String,
    /// Granted (always, unless the statement was waiting, which a measurement cannot see).
    pub granted: bool,
    /// The relation was created by an earlier statement of the same script.
    pub created_by_script: bool,
}

/// A relation that got a new data file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rewrite {
    /// `schema.name`.
    pub relation: String,
    /// What the relation is.
    pub kind: RelationKind,
    /// The relation was created by an earlier statement of the same script.
    pub created_by_script: bool,
}

/// `pg_class.relkind`, named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RelationKind {
    /// `r`
    Table,
    /// `p`
    PartitionedTable,
    /// `i`
    Index,
    /// `I`
    PartitionedIndex,
    /// `S`
    Sequence,
    /// `v`
    View,
    /// `m`
    MaterializedView,
    /// `f`
    ForeignTable,
    /// Anything else (composite types, TOAST).
    Other,
}

impl RelationKind {
    fn from_relkind(k: &str) -> RelationKind {
        match k {
            "r" => RelationKind::Table,
            "p" => RelationKind::PartitionedTable,
            "i" => RelationKind::Index,
            "I" => RelationKind::PartitionedIndex,
            "S" => RelationKind::Sequence,
            "v" => RelationKind::View,
            "m" => RelationKind::MaterializedView,
            "f" => RelationKind::ForeignTable,
            _ => RelationKind::Other,
        }
    }

    /// `table`, `partitioned table`, `index`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Table => "table",
            RelationKind::PartitionedTable => "partitioned table",
            RelationKind::Index => "index",
            RelationKind::PartitionedIndex => "partitioned index",
            RelationKind::Sequence => "sequence",
            RelationKind::View => "view",
            RelationKind::MaterializedView => "materialized view",
            RelationKind::ForeignTable => "foreign table",
            RelationKind::Other => "relation",
        }
    }
}

/// Why a statement was not measured.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotMeasured {
    /// It cannot run inside a transaction block, so running it would make it take effect.
    CannotRunInTransaction {
        /// What it is (`CREATE INDEX CONCURRENTLY`), or the server's message when the server
        /// refused it in a transaction block.
        what: String,
        /// It was replayed without `CONCURRENTLY` (unmeasured) so that later statements see
        /// its effect.
        replayed: bool,
    },
    /// `BEGIN`, `COMMIT`, `SAVEPOINT` and the like: never sent.
    TransactionControl,
}

/// The server's error for a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatementError {
    /// The message.
    pub message: String,
    /// SQLSTATE.
    pub code: Option<String>,
    /// The detail line.
    pub detail: Option<String>,
    /// The hint.
    pub hint: Option<String>,
    /// Byte offset into the script where the server located the error.
    pub position: Option<usize>,
}

/// The lock modes from weakest to strongest.
const MODES: [&str; 8] = [
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
];

/// How strong a lock mode is: 1 (`AccessShareLock`) to 8 (`AccessExclusiveLock`), 0 for a
/// name PostgreSQL does not use for relation locks.
pub fn mode_strength(mode: &str) -> usize {
    MODES.iter().position(|m| *m == mode).map_or(0, |i| i + 1)
}

/// Measures `script` in the database at `url`: every statement runs, in order, in one
/// transaction that is rolled back at the end (see the module documentation). The database
/// should be a scratch database holding what the migrations before the script built.
///
/// # Errors
/// Connecting, or the measuring queries themselves failing; a statement the server rejects is
/// a [`Outcome::Failed`] entry, not an error.
pub async fn measure_script(url: &str, script: &Script) -> Result<ScriptMeasurement, DriverError> {
    let params = url::parse(url, &url::process_env)?;
    let connector = Connector::new(params)?;
    // A measured statement can wait on what the server shares (roles, the catalogs of shared
    // objects); it must not hang behind another session.
    let (client, server_version) = connector
        .open_reporting(Some("-c lock_timeout=10000"))
        .await?;
    let statements = match split(&script.sql, Dialect::Postgres) {
        Ok(s) => s,
        Err(e) => {
            let at = offset_of(&script.sql, e.line, e.column);
            return Ok(ScriptMeasurement {
                server_version,
                statements: vec![StatementMeasurement {
                    span: at..script.sql.len(),
                    outcome: Outcome::Failed(StatementError {
                        message: format!("cannot split the script: {e}"),
                        code: None,
                        detail: None,
                        hint: None,
                        position: Some(at),
                    }),
                }],
            });
        }
    };
    let body = unwrap_transaction(&statements).body;
    exec(&client, "BEGIN").await?;
    let measured = measure_statements(&client, &script.sql, &statements[body]).await;
    // Whatever happened, nothing stays: the transaction is rolled back (and the connection
    // closed, which would roll it back as well).
    let rolled_back = exec(&client, "ROLLBACK").await;
    let statements = measured?;
    rolled_back?;
    Ok(ScriptMeasurement {
        server_version,
        statements,
    })
}

async fn measure_statements(
    client: &tokio_postgres::Client,
    sql: &str,
    statements: &[strata_sql::Statement],
) -> Result<Vec<StatementMeasurement>, DriverError> {
    let mut before = State::read(client).await?;
    let at_start: HashSet<u32> = before.relations.keys().copied().collect();
    let mut out = Vec::with_capacity(statements.len());
    for statement in statements {
        let text = statement.text(sql);
        let span = statement.span.clone();
        let mut push = |outcome| {
            out.push(StatementMeasurement {
                span: span.clone(),
                outcome,
            })
        };
        if statement.kind != StatementKind::Other || is_transaction_control(text) {
            push(Outcome::NotMeasured(NotMeasured::TransactionControl));
            continue;
        }
        if let Some(what) = requires_no_transaction(text, Dialect::Postgres) {
            let mut replayed = false;
            if let Some(substitute) = without_concurrently(text) {
                if in_savepoint(client, &substitute).await?.is_ok() {
                    replayed = true;
                    before = State::read(client).await?;
                }
            }
            push(Outcome::NotMeasured(NotMeasured::CannotRunInTransaction {
                what: what.to_string(),
                replayed,
            }));
            continue;
        }
        exec(client, "SAVEPOINT strata_measure").await?;
        match client.batch_execute(text).await {
            Ok(()) => {
                let after = State::read(client).await?;
                exec(client, "RELEASE SAVEPOINT strata_measure").await?;
                push(Outcome::Measured(observe(&before, &after, &at_start)));
                before = after;
            }
            Err(e) => {
                let mapped = error::map(&e);
                if e.as_db_error().is_none() {
                    return Err(mapped);
                }
                exec(client, "ROLLBACK TO SAVEPOINT strata_measure").await?;
                // 25001 active_sql_transaction: the server itself says it cannot run in a
                // transaction block (ALTER TYPE ... ADD VALUE before 12, and anything the
                // keyword check does not know).
                if mapped.code.as_deref() == Some("25001") {
                    push(Outcome::NotMeasured(NotMeasured::CannotRunInTransaction {
                        what: mapped.message,
                        replayed: false,
                    }));
                    continue;
                }
                let position = error::position(&e).map(|p| span.start + char_to_byte(text, p));
                push(Outcome::Failed(StatementError {
                    message: mapped.message,
                    code: mapped.code,
                    detail: mapped.detail,
                    hint: mapped.hint,
                    position,
                }));
            }
        }
    }
    Ok(out)
}

/// Runs `sql` in a savepoint, keeping its effects when it succeeds and undoing them when it
/// fails. The outer result is for the connection, the inner one for the statement.
async fn in_savepoint(
    client: &tokio_postgres::Client,
    sql: &str,
) -> Result<Result<(), DriverError>, DriverError> {
    exec(client, "SAVEPOINT strata_measure").await?;
    match exec(client, sql).await {
        Ok(()) => {
            exec(client, "RELEASE SAVEPOINT strata_measure").await?;
            Ok(Ok(()))
        }
        Err(e) => {
            exec(client, "ROLLBACK TO SAVEPOINT strata_measure").await?;
            Ok(Err(e))
        }
    }
}

/// A relation as the catalog shows it.
#[derive(Debug, Clone)]
struct Relation {
    relfilenode: u32,
    kind: RelationKind,
    name: String,
}

/// The user relations of the database and the relation locks the backend holds.
#[derive(Debug, Clone, Default)]
struct State {
    relations: HashMap<u32, Relation>,
    /// `(relation oid, mode, granted)`.
    locks: BTreeSet<(u32, String, bool)>,
}

/// Both in one round trip. The query's own locks are on system catalogs, which are left out.
const STATE_SQL: &str = "\
SELECT 'r', c.oid::text, c.relfilenode::text, c.relkind::text, \
  pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) \
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
  AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'; \
SELECT 'l', l.relation::text, l.mode, l.granted::text, '' FROM pg_catalog.pg_locks l \
WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' \
  AND l.database = (SELECT oid FROM pg_catalog.pg_database \
                    WHERE datname = pg_catalog.current_database())";

impl State {
    async fn read(client: &tokio_postgres::Client) -> Result<State, DriverError> {
        let mut state = State::default();
        for row in rows(client, STATE_SQL).await? {
            let field = |i| row.get(i).unwrap_or_default();
            let oid: u32 = field(1).parse().unwrap_or(0);
            match field(0) {
                "r" => {
                    state.relations.insert(
                        oid,
                        Relation {
                            relfilenode: field(2).parse().unwrap_or(0),
                            kind: RelationKind::from_relkind(field(3)),
                            name: field(4).to_string(),
                        },
                    );
                }
                _ => {
                    state
                        .locks
                        .insert((oid, field(2).to_string(), field(3) == "true"));
                }
            }
        }
        Ok(state)
    }
}

/// What changed from `before` to `after`, on relations that existed before.
fn observe(before: &State, after: &State, at_start: &HashSet<u32>) -> Observed {
    let lock = |(oid, mode, granted): &(u32, String, bool)| {
        before.relations.get(oid).map(|r| RelationLock {
            relation: r.name.clone(),
            kind: r.kind,
            mode: mode.clone(),
            granted: *granted,
            created_by_script: !at_start.contains(oid),
        })
    };
    let sort = |mut locks: Vec<RelationLock>| {
        locks.sort_by(|a, b| {
            a.relation
                .cmp(&b.relation)
                .then(mode_strength(&b.mode).cmp(&mode_strength(&a.mode)))
        });
        locks
    };
    let locks = sort(
        after
            .locks
            .difference(&before.locks)
            .filter_map(lock)
            .collect(),
    );
    let held_before = sort(before.locks.iter().filter_map(lock).collect());
    let mut rewrites: Vec<Rewrite> = before
        .relations
        .iter()
        .filter(|(oid, r)| {
            r.relfilenode != 0
                && after
                    .relations
                    .get(oid)
                    .is_some_and(|a| a.relfilenode != r.relfilenode)
        })
        .map(|(oid, r)| Rewrite {
            relation: r.name.clone(),
            kind: r.kind,
            created_by_script: !at_start.contains(oid),
        })
        .collect();
    rewrites.sort_by(|a, b| a.relation.cmp(&b.relation));
    Observed {
        locks,
        rewrites,
        held_before,
    }
}

/// The statement's leading words, upper-cased (comments between them are not expected: a
/// statement's span starts at its first token).
fn leading_words(text: &str, n: usize) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .take(n)
        .map(str::to_ascii_uppercase)
        .collect()
}

/// Transaction control that the splitter's statement kinds do not cover: `SAVEPOINT`,
/// `RELEASE`, `ROLLBACK TO`, `PREPARE TRANSACTION`, `COMMIT PREPARED` (and, as a second guard,
/// the ones it does).
fn is_transaction_control(text: &str) -> bool {
    let first = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    match first.as_str() {
        "BEGIN" | "START" | "COMMIT" | "END" | "ROLLBACK" | "ABORT" | "SAVEPOINT" | "RELEASE" => {
            true
        }
        "PREPARE" => leading_words(text, 2).get(1).map(String::as_str) == Some("TRANSACTION"),
        _ => false,
    }
}

/// `CREATE [UNIQUE] INDEX CONCURRENTLY ...` or `DROP INDEX CONCURRENTLY ...` without the
/// keyword, when the statement starts with exactly those words separated by whitespace.
fn without_concurrently(text: &str) -> Option<String> {
    let mut words = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    while words.len() < 4 {
        let start = rest.len() - rest.trim_start().len();
        let word_len = rest[start..]
            .find(|c: char| c.is_whitespace())
            .unwrap_or(rest.len() - start);
        if word_len == 0 {
            break;
        }
        words.push((
            offset + start,
            rest[start..start + word_len].to_ascii_uppercase(),
        ));
        offset += start + word_len;
        rest = &rest[start + word_len..];
    }
    let names: Vec<&str> = words.iter().map(|(_, w)| w.as_str()).collect();
    let at = match names.as_slice() {
        ["CREATE", "INDEX", "CONCURRENTLY", ..] | ["DROP", "INDEX", "CONCURRENTLY", ..] => 2,
        ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", ..] => 3,
        _ => return None,
    };
    let start = words[at].0;
    Some(format!(
        "{}{}",
        &text[..start],
        &text[start + "CONCURRENTLY".len()..]
    ))
}

/// Byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    text[line_start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| line_start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measure_recognises_transaction_control() {
        for t in [
            "BEGIN",
            "commit",
            "END",
            "SAVEPOINT a",
            "release a",
            "ROLLBACK TO SAVEPOINT a",
            "PREPARE TRANSACTION 'x'",
            "COMMIT PREPARED 'x'",
            "start transaction",
        ] {
            assert!(is_transaction_control(t), "{t}");
        }
        for t in [
            "PREPARE q AS SELECT 1",
            "CREATE TABLE begin_log (id int)",
            "ENDPOINTS",
            "SELECT 1",
        ] {
            assert!(!is_transaction_control(t), "{t}");
        }
    }

    #[test]
    fn measure_replays_index_statements_without_concurrently() {
        assert_eq!(
            without_concurrently("CREATE INDEX CONCURRENTLY i ON t (a)").as_deref(),
            Some("CREATE INDEX  i ON t (a)")
        );
        assert_eq!(
            without_concurrently("create unique index\n  concurrently if not exists i on t (a)")
                .as_deref(),
            Some("create unique index\n   if not exists i on t (a)")
        );
        assert_eq!(
            without_concurrently("DROP INDEX CONCURRENTLY i").as_deref(),
            Some("DROP INDEX  i")
        );
        assert_eq!(without_concurrently("REINDEX INDEX CONCURRENTLY i"), None);
        assert_eq!(
            without_concurrently("CREATE /* x */ INDEX CONCURRENTLY i ON t (a)"),
            None
        );
    }

    #[test]
    fn measure_orders_lock_modes() {
        assert!(mode_strength("AccessExclusiveLock") > mode_strength("ShareLock"));
        assert_eq!(mode_strength("AccessShareLock"), 1);
        assert_eq!(mode_strength("SIReadLock"), 0);
        assert_eq!(offset_of("ab\ncd", 2, 2), 4);
        assert_eq!(offset_of("ab\ncd", 1, 1), 0);
    }
}
