//! [`SqliteDriver`]: the strata primitives on one rusqlite connection.

use crate::history;
use crate::lock::FileLock;
use crate::url::{parse_url, SqliteTarget};
use rusqlite::Connection;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use strata_core::{
    AppliedMigration, ApplyFailure, Capabilities, Dialect, Driver, DriverError, DriverErrorKind,
    HistoryChange, LockOptions, DEFAULT_HISTORY_TABLE,
};

/// Commit the group transaction when it has been open this long, so progress becomes durable
/// and visible during long runs.
const GROUP_COMMIT_EVERY: Duration = Duration::from_millis(500);

/// A SQLite database opened for migrating.
pub struct SqliteDriver {
    conn: Connection,
    path: Option<PathBuf>,
    table: String,
    lock: Option<FileLock>,
    /// When the group transaction was opened, if one is open.
    open_since: Option<Instant>,
    /// `--single-transaction`: the open transaction is only committed by `commit_all`.
    all: bool,
    /// The history as read by [`SqliteDriver::read_history_early`], for the first read made
    /// without the lock; dropped by the first change or lock.
    early_history: Option<Vec<AppliedMigration>>,
}

impl std::fmt::Debug for SqliteDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteDriver")
            .field("path", &self.path)
            .field("table", &self.table)
            .finish()
    }
}

/// Turns a rusqlite error into a driver error, keeping the code and the position SQLite reports.
pub(crate) fn map_err(e: rusqlite::Error) -> DriverError {
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            let kind = match f.code {
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                    DriverErrorKind::LockNotAvailable
                }
                rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::NotADatabase => {
                    DriverErrorKind::Connect
                }
                _ => DriverErrorKind::Database,
            };
            DriverError::new(kind, msg.clone().unwrap_or_else(|| f.to_string()))
                .with_code(code_name(f.extended_code))
        }
        rusqlite::Error::SqlInputError {
            error, msg, offset, ..
        } => DriverError::new(DriverErrorKind::Database, msg.clone())
            .with_code(code_name(error.extended_code))
            .with_position((*offset >= 0).then_some(*offset as usize)),
        _ => DriverError::new(DriverErrorKind::Database, e.to_string()),
    }
}

/// The name of a SQLite result code (`SQLITE_CONSTRAINT_UNIQUE`), as in SQLite's docs.
fn code_name(extended: std::os::raw::c_int) -> String {
    let primary = match extended & 0xff {
        1 => "SQLITE_ERROR",
        2 => "SQLITE_INTERNAL",
        3 => "SQLITE_PERM",
        4 => "SQLITE_ABORT",
        5 => "SQLITE_BUSY",
        6 => "SQLITE_LOCKED",
        7 => "SQLITE_NOMEM",
        8 => "SQLITE_READONLY",
        9 => "SQLITE_INTERRUPT",
        10 => "SQLITE_IOERR",
        11 => "SQLITE_CORRUPT",
        13 => "SQLITE_FULL",
        14 => "SQLITE_CANTOPEN",
        17 => "SQLITE_SCHEMA",
        18 => "SQLITE_TOOBIG",
        19 => "SQLITE_CONSTRAINT",
        20 => "SQLITE_MISMATCH",
        21 => "SQLITE_MISUSE",
        23 => "SQLITE_AUTH",
        25 => "SQLITE_RANGE",
        26 => "SQLITE_NOTADB",
        _ => return format!("SQLITE_{extended}"),
    };
    let sub = match extended {
        275 => "_CHECK",
        531 => "_COMMITHOOK",
        787 => "_FOREIGNKEY",
        1043 => "_FUNCTION",
        1299 => "_NOTNULL",
        1555 => "_PRIMARYKEY",
        1811 => "_TRIGGER",
        2067 => "_UNIQUE",
        _ => "",
    };
    format!("{primary}{sub}")
}

impl SqliteDriver {
    /// Opens (creating when missing) the database a `sqlite:` URL names, with history in
    /// `table` (default [`DEFAULT_HISTORY_TABLE`]).
    pub fn open(url: &str, table: Option<&str>) -> Result<SqliteDriver, DriverError> {
        let target = parse_url(url).ok_or_else(|| {
            DriverError::new(
                DriverErrorKind::Connect,
                format!("`{url}` is not a sqlite: URL"),
            )
        })?;
        let (conn, path) = match target {
            SqliteTarget::Memory => (Connection::open_in_memory(), None),
            SqliteTarget::File(p) => {
                if let Some(parent) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                    if !parent.is_dir() {
                        return Err(DriverError::new(
                            DriverErrorKind::Connect,
                            format!(
                                "cannot open {}: directory {} does not exist",
                                p.display(),
                                parent.display()
                            ),
                        ));
                    }
                }
                (Connection::open(&p), Some(p))
            }
        };
        let conn = conn.map_err(|e| {
            let mut d = map_err(e);
            d.kind = DriverErrorKind::Connect;
            d
        })?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(map_err)?;
        Ok(SqliteDriver {
            conn,
            path,
            table: table.unwrap_or(DEFAULT_HISTORY_TABLE).to_string(),
            lock: None,
            open_since: None,
            all: false,
            early_history: None,
        })
    }

    /// Reads the history now and keeps it for the first read made without the lock: opened
    /// while the migration files load on other threads, the two overlap (with 10,000 applied
    /// migrations, reading the history is a fifth of a no-op run). A failed read keeps nothing;
    /// the next read reports it.
    pub fn read_history_early(&mut self) {
        self.early_history = match history::exists(&self.conn, &self.table) {
            Ok(true) => history::read(&self.conn, &self.table).ok(),
            Ok(false) => Some(Vec::new()),
            Err(_) => None,
        };
    }

    /// Before a change: a history read early no longer holds.
    fn changing(&mut self) {
        self.early_history = None;
    }

    /// The history table's name.
    pub fn history_table(&self) -> &str {
        &self.table
    }

    fn begin_group(&mut self) -> Result<(), DriverError> {
        if self.open_since.is_none() {
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(map_err)?;
            self.open_since = Some(Instant::now());
        }
        Ok(())
    }

    fn commit_group(&mut self) -> Result<(), DriverError> {
        if self.open_since.take().is_some() {
            if let Err(e) = self.conn.execute_batch("COMMIT") {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(map_err(e));
            }
        }
        Ok(())
    }

    fn run_all(&self, statements: &[&str]) -> Result<(), (usize, DriverError)> {
        for (i, s) in statements.iter().enumerate() {
            self.conn.execute_batch(s).map_err(|e| (i, map_err(e)))?;
        }
        Ok(())
    }

    /// Runs verify statements in a savepoint that is always rolled back (inside whatever
    /// transaction is open, or one of its own). SQLite has no boolean type: a statement that
    /// returns a single row holding a single value fails when that value is the integer 0
    /// (what `count(*) = 4` gives when false).
    fn check_all(&self, statements: &[&str]) -> Result<(), (usize, DriverError)> {
        self.conn
            .execute_batch("SAVEPOINT strata_verify")
            .map_err(|e| (0, map_err(e)))?;
        let outcome = statements
            .iter()
            .enumerate()
            .try_for_each(|(i, s)| check_one(&self.conn, s).map_err(|e| (i, e)));
        // Always rolled back: a verify script never changes the database.
        let _ = self
            .conn
            .execute_batch("ROLLBACK TO strata_verify; RELEASE strata_verify");
        outcome
    }

    /// [`Driver::apply_atomic`], and with `verify`, [`Driver::apply_verified`]: the step in a
    /// savepoint of the group transaction, its checks nested in a savepoint of their own.
    fn apply(
        &mut self,
        statements: &[&str],
        verify: Option<&[&str]>,
        change: &HistoryChange,
    ) -> Result<(), ApplyFailure> {
        self.changing();
        let n = statements.len();
        let failed = |(i, e)| ApplyFailure::Statement(i, e);
        self.begin_group()
            .map_err(|e| ApplyFailure::Statement(0, e))?;
        self.conn
            .execute_batch("SAVEPOINT strata_step")
            .map_err(|e| ApplyFailure::Statement(0, map_err(e)))?;
        let started = Instant::now();
        let result = self
            .run_all(statements)
            .map_err(failed)
            .and_then(|()| match verify {
                Some(v) => self
                    .check_all(v)
                    .map_err(|(i, e)| ApplyFailure::Verify(i, e)),
                None => Ok(()),
            })
            .and_then(|()| {
                let ms = started.elapsed().as_millis() as i64;
                history::write(&self.conn, &self.table, change, Some(ms))
                    .map_err(|e| ApplyFailure::Statement(n, map_err(e)))
            });
        match result {
            Ok(()) => {
                self.conn
                    .execute_batch("RELEASE strata_step")
                    .map_err(|e| ApplyFailure::Statement(n, map_err(e)))?;
                if !self.all
                    && self
                        .open_since
                        .is_some_and(|t| t.elapsed() >= GROUP_COMMIT_EVERY)
                {
                    self.commit_group()
                        .map_err(|e| ApplyFailure::Statement(n, e))?;
                }
                Ok(())
            }
            Err(err) => {
                // A statement may have ended the transaction itself (e.g. a stray COMMIT that
                // preflight could not see); only roll back what is still open.
                if !self.conn.is_autocommit() {
                    let _ = self
                        .conn
                        .execute_batch("ROLLBACK TO strata_step; RELEASE strata_step");
                } else {
                    self.open_since = None;
                }
                Err(err)
            }
        }
    }
}

/// Runs one verify statement and checks its result.
fn check_one(conn: &Connection, sql: &str) -> Result<(), DriverError> {
    let mut stmt = conn.prepare(sql).map_err(map_err)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).map_err(map_err)?;
    let mut count = 0;
    let mut single = None;
    while let Some(row) = rows.next().map_err(map_err)? {
        count += 1;
        if count == 1 && columns == 1 {
            single = Some(row.get_ref(0).map_err(map_err)?.as_i64_or_null().ok());
        }
    }
    if count == 1 && single == Some(Some(Some(0))) {
        return Err(DriverError::new(
            DriverErrorKind::Other,
            "the check returned false (0)",
        ));
    }
    Ok(())
}

#[async_trait::async_trait]
impl Driver for SqliteDriver {
    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::new("sqlite", Dialect::Sqlite, true);
        c.server_version = Some(rusqlite::version().to_string());
        c
    }

    async fn lock(&mut self, opts: &LockOptions) -> Result<(), DriverError> {
        self.lock_reporting(opts, &mut |_| {}).await
    }

    async fn lock_reporting(
        &mut self,
        opts: &LockOptions,
        waiting: &mut (dyn FnMut(String) + Send),
    ) -> Result<(), DriverError> {
        self.changing();
        if let (Some(path), None) = (&self.path, &self.lock) {
            self.lock = Some(FileLock::acquire(path, opts.wait, waiting)?);
        }
        Ok(())
    }

    async fn unlock(&mut self) -> Result<(), DriverError> {
        // Never leave a transaction open behind the lock.
        if self.open_since.is_some() && !self.all {
            let r = self.commit_group();
            self.lock = None;
            return r;
        }
        self.lock = None;
        Ok(())
    }

    async fn ensure_history(&mut self) -> Result<(), DriverError> {
        self.changing();
        if !history::exists(&self.conn, &self.table).map_err(map_err)? {
            self.conn
                .execute_batch(&history::create_sql(&self.table))
                .map_err(map_err)?;
        }
        Ok(())
    }

    async fn read_history(&mut self) -> Result<Vec<AppliedMigration>, DriverError> {
        if let (None, Some(early)) = (&self.lock, self.early_history.take()) {
            return Ok(early);
        }
        if !history::exists(&self.conn, &self.table).map_err(map_err)? {
            return Ok(Vec::new());
        }
        history::read(&self.conn, &self.table)
    }

    async fn apply_atomic(
        &mut self,
        statements: &[&str],
        change: &HistoryChange,
    ) -> Result<(), (usize, DriverError)> {
        self.apply(statements, None, change)
            .map_err(ApplyFailure::into_parts)
    }

    async fn apply_verified(
        &mut self,
        statements: &[&str],
        verify: &[&str],
        change: &HistoryChange,
    ) -> Result<(), ApplyFailure> {
        self.apply(statements, Some(verify), change)
    }

    /// Outside a run the checks get a transaction of their own; within one (after a
    /// non-transactional step) the group transaction is committed first, so rolling the checks
    /// back can never touch what the run did.
    async fn verify(&mut self, statements: &[&str]) -> Result<(), (usize, DriverError)> {
        if !self.all {
            self.commit_group().map_err(|e| (0, e))?;
        }
        self.check_all(statements)
    }

    /// One statement of a non-transactional script. When it fails inside a transaction the
    /// script opened itself (`BEGIN` ... `COMMIT` written in the file, or a `COMMIT` that
    /// failed), SQLite leaves that transaction open; it is rolled back here, as the executor
    /// reports, so that the statements since the `BEGIN` (and the progress recorded inside it)
    /// are undone now and not whenever the connection closes, and the connection is usable
    /// for the next run.
    async fn execute(&mut self, statement: &str) -> Result<(), DriverError> {
        self.changing();
        self.commit_group()?;
        let result = self.conn.execute_batch(statement).map_err(map_err);
        if result.is_err() && !self.all && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        result
    }

    async fn record(&mut self, change: &HistoryChange) -> Result<(), DriverError> {
        self.changing();
        if !self.all {
            self.commit_group()?;
        }
        history::write(&self.conn, &self.table, change, None).map_err(map_err)
    }

    async fn begin_all(&mut self) -> Result<(), DriverError> {
        self.changing();
        self.commit_group()?;
        self.begin_group()?;
        self.all = true;
        Ok(())
    }

    async fn commit_all(&mut self) -> Result<(), DriverError> {
        self.all = false;
        self.commit_group()
    }

    async fn rollback_all(&mut self) -> Result<(), DriverError> {
        self.all = false;
        if self.open_since.take().is_some() {
            self.conn.execute_batch("ROLLBACK").map_err(map_err)?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), DriverError> {
        if self.all {
            return Ok(());
        }
        self.commit_group()
    }
}
