//! The boundary between the engine-neutral core and one database engine.
//!
//! A driver implements a few primitives: lock, history, and running SQL atomically together with
//! a history change. Planning, validation, ordering, retries and reporting live in the core, once.

use crate::{AppliedMigration, Dialect, HistoryChange, Timeouts};
use std::time::Duration;

/// What an engine can do; the core adapts its plan to it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Capabilities {
    /// Engine name for messages (`sqlite`, `postgres`).
    pub engine: &'static str,
    /// How to split statements for this engine.
    pub dialect: Dialect,
    /// DDL rolls back with the transaction (true for SQLite and PostgreSQL, false for MySQL).
    pub transactional_ddl: bool,
    /// Server version, when there is one (`15.4`).
    pub server_version: Option<String>,
}

impl Capabilities {
    /// Capabilities of an engine.
    pub fn new(engine: &'static str, dialect: Dialect, transactional_ddl: bool) -> Self {
        Capabilities {
            engine,
            dialect,
            transactional_ddl,
            server_version: None,
        }
    }
}

/// How to take the migration lock.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockOptions {
    /// How long to wait for another runner to finish before giving up.
    pub wait: Duration,
}

impl Default for LockOptions {
    fn default() -> Self {
        LockOptions {
            wait: Duration::from_secs(60),
        }
    }
}

/// What went wrong in a driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DriverErrorKind {
    /// Could not connect or open the database.
    Connect,
    /// The migration lock is held by another runner and did not come free in time.
    LockTimeout,
    /// The database rejected a statement.
    Database,
    /// A lock inside the database timed out (retryable).
    LockNotAvailable,
    /// The connection was lost.
    ConnectionLost,
    /// The history table is not in the shape strata expects.
    History,
    /// Anything else.
    Other,
}

/// An error from the database or the driver, with what the server said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct DriverError {
    /// The kind, for callers that react to it.
    pub kind: DriverErrorKind,
    /// The server's (or driver's) message.
    pub message: String,
    /// SQLSTATE or the engine's error code.
    pub code: Option<String>,
    /// The server's detail line.
    pub detail: Option<String>,
    /// The server's hint.
    pub hint: Option<String>,
    /// Byte offset into the SQL that was sent, when the server reports a position.
    pub position: Option<usize>,
}

impl DriverError {
    /// An error of a kind with a message.
    pub fn new(kind: DriverErrorKind, message: impl Into<String>) -> DriverError {
        DriverError {
            kind,
            message: message.into(),
            code: None,
            detail: None,
            hint: None,
            position: None,
        }
    }

    /// Sets the engine's error code.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Sets the detail.
    pub fn with_detail(mut self, detail: Option<String>) -> Self {
        self.detail = detail;
        self
    }

    /// Sets the hint.
    pub fn with_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// Sets the byte position into the SQL sent.
    pub fn with_position(mut self, position: Option<usize>) -> Self {
        self.position = position;
        self
    }
}

/// Where [`Driver::apply_verified`] failed; either way nothing of the step took effect.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApplyFailure {
    /// A statement of the migration failed: its index, and the error (positions relative to
    /// that statement, as for [`Driver::apply_atomic`]).
    Statement(usize, DriverError),
    /// A statement of the verify script failed or a check was false: its index in the verify
    /// script, and the error (positions relative to that statement).
    Verify(usize, DriverError),
}

impl ApplyFailure {
    /// The index of the failing statement (in its script) and the error.
    pub fn into_parts(self) -> (usize, DriverError) {
        match self {
            ApplyFailure::Statement(i, e) | ApplyFailure::Verify(i, e) => (i, e),
        }
    }
}

/// One database engine. Implementations hold one connection (plus whatever the lock needs).
///
/// The executor calls these in this order: [`lock`](Driver::lock), [`ensure_history`]
/// (Driver::ensure_history), [`read_history`](Driver::read_history), then for each step either
/// [`apply_atomic`](Driver::apply_atomic) or [`execute`](Driver::execute) +
/// [`record`](Driver::record), then [`flush`](Driver::flush) and [`unlock`](Driver::unlock),
/// which it also calls on every error path.
#[async_trait::async_trait]
pub trait Driver: Send {
    /// What this engine can do.
    fn capabilities(&self) -> Capabilities;

    /// Takes the migration lock, waiting up to `opts.wait` for another runner.
    async fn lock(&mut self, opts: &LockOptions) -> Result<(), DriverError>;

    /// Like [`lock`](Driver::lock), and calls `waiting` once with a description of the holder
    /// (who, since when) when another runner holds the lock and this one starts to wait. The
    /// executor turns that into [`Event::LockWaiting`](crate::Event::LockWaiting). The default
    /// ignores `waiting`.
    async fn lock_reporting(
        &mut self,
        opts: &LockOptions,
        waiting: &mut (dyn FnMut(String) + Send),
    ) -> Result<(), DriverError> {
        let _ = waiting;
        self.lock(opts).await
    }

    /// Releases the migration lock. Must be safe to call when the lock is not held.
    async fn unlock(&mut self) -> Result<(), DriverError>;

    /// Creates the history table if it does not exist.
    async fn ensure_history(&mut self) -> Result<(), DriverError>;

    /// Reads every history row; an absent table reads as no rows (and is not created).
    async fn read_history(&mut self) -> Result<Vec<AppliedMigration>, DriverError>;

    /// Runs `statements` (pieces of one script, in order) and the history change atomically:
    /// either all of it takes effect or none of it. The driver may delay durability until
    /// [`flush`](Driver::flush) (group commit), but a later failure must never undo a step that
    /// returned `Ok` unless the whole run is in one transaction.
    ///
    /// On a database error, `DriverError::position` is relative to the statement given by the
    /// returned index: errors are reported as `(index, error)`.
    async fn apply_atomic(
        &mut self,
        statements: &[&str],
        change: &HistoryChange,
    ) -> Result<(), (usize, DriverError)>;

    /// Like [`apply_atomic`](Driver::apply_atomic), with a verify script: after `statements`
    /// and before the history change, inside the same transaction, the `verify` statements run
    /// as [`verify`](Driver::verify) runs them (each must succeed, a single boolean must be
    /// true), nested so that their own effects are always rolled back (a savepoint). A failing
    /// check rolls back the whole step, like a failing statement: nothing of it takes effect
    /// (inside [`begin_all`](Driver::begin_all), the caller rolls back the whole run).
    ///
    /// The default: the engine cannot verify inside a migration's transaction; nothing is run.
    async fn apply_verified(
        &mut self,
        statements: &[&str],
        verify: &[&str],
        change: &HistoryChange,
    ) -> Result<(), ApplyFailure> {
        let _ = (statements, verify, change);
        Err(ApplyFailure::Verify(
            0,
            DriverError::new(
                DriverErrorKind::Other,
                format!(
                    "verify scripts are not supported by the {} engine yet",
                    self.capabilities().engine
                ),
            ),
        ))
    }

    /// Runs one statement outside any transaction (for non-transactional migrations).
    async fn execute(&mut self, statement: &str) -> Result<(), DriverError>;

    /// The timeouts the next step's script sets for its statements (`-- strata:lock-timeout`,
    /// `-- strata:statement-timeout`; a `None` field keeps the connection's own). Called before
    /// each step, and with [`Timeouts::default`] after the last one, so none outlives its step.
    /// The default ignores them: for engines without such settings.
    async fn set_timeouts(&mut self, timeouts: &Timeouts) -> Result<(), DriverError> {
        let _ = timeouts;
        Ok(())
    }

    /// Writes one history change on its own (committed immediately).
    async fn record(&mut self, change: &HistoryChange) -> Result<(), DriverError>;

    /// Starts one transaction around everything that follows (`--single-transaction`):
    /// [`apply_atomic`](Driver::apply_atomic) calls nest inside it until
    /// [`commit_all`](Driver::commit_all) or [`rollback_all`](Driver::rollback_all).
    async fn begin_all(&mut self) -> Result<(), DriverError>;

    /// Commits the transaction opened by [`begin_all`](Driver::begin_all).
    async fn commit_all(&mut self) -> Result<(), DriverError>;

    /// Rolls back the transaction opened by [`begin_all`](Driver::begin_all).
    async fn rollback_all(&mut self) -> Result<(), DriverError>;

    /// Makes everything applied so far durable.
    async fn flush(&mut self) -> Result<(), DriverError>;

    /// Runs the statements of a verify script in a transaction that is always rolled back,
    /// so a check can never change the database. Each statement must succeed, and one that
    /// returns a single row holding a single boolean must return true. Errors are reported as
    /// `(index of the statement, error)`. The default: the engine cannot verify yet.
    async fn verify(&mut self, statements: &[&str]) -> Result<(), (usize, DriverError)> {
        let _ = statements;
        Err((
            0,
            DriverError::new(
                DriverErrorKind::Other,
                format!(
                    "verify scripts are not supported by the {} engine yet",
                    self.capabilities().engine
                ),
            ),
        ))
    }
}
