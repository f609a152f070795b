//! How the driver connects and locks, beyond the URL.

use std::time::Duration;

/// How the migration lock is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LockMode {
    /// A session advisory lock held on a dedicated connection (the default). The server releases
    /// it when that connection ends, so a killed runner never leaves it behind.
    #[default]
    Advisory,
    /// A lease row in `<history table>_lock` with an owner, a heartbeat and an expiry, for servers
    /// reached through a transaction-pooling PgBouncer, where session state (advisory locks,
    /// `SET`) does not stick to one server connection. Another runner takes it over only once it
    /// has expired, so a killed runner blocks others until then.
    Table,
}

/// Options of a PostgreSQL connection for migrating.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PgOptions {
    /// Schema of the history table (created when missing). Default `public`.
    pub schema: String,
    /// History table name. Default [`strata_core::DEFAULT_HISTORY_TABLE`].
    pub history_table: String,
    /// How to take the migration lock.
    pub lock_mode: LockMode,
    /// `lock_timeout` on migration sessions; zero turns it off. Default 5 s.
    pub lock_timeout: Duration,
    /// `statement_timeout` on migration sessions; zero (the default) turns it off.
    pub statement_timeout: Duration,
    /// How long a lease lasts without a heartbeat in [`LockMode::Table`]. Default 30 s.
    pub lease_ttl: Duration,
    /// The caller is about to take the migration lock ([`LockMode::Advisory`]): try it as soon
    /// as the lock's connection is open, while the migration connection is set up, instead of
    /// one round trip later. A history read made once it is held is kept until the next change
    /// (see `read_history`). Default off: read-only commands never lock.
    pub lock_early: bool,
    /// The caller reads the history first (before taking the lock): send that read as soon as
    /// the connection is open, so it travels while the caller does other work (reads the
    /// migration files), and answer the first unlocked `read_history` with it: a read made
    /// when it was sent. Default off.
    pub history_early: bool,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions {
            schema: "public".into(),
            history_table: strata_core::DEFAULT_HISTORY_TABLE.into(),
            lock_mode: LockMode::Advisory,
            lock_timeout: Duration::from_secs(5),
            statement_timeout: Duration::ZERO,
            lease_ttl: Duration::from_secs(30),
            lock_early: false,
            history_early: false,
        }
    }
}

impl PgOptions {
    /// Sets the schema of the history table.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = schema.into();
        self
    }

    /// Sets the history table's name.
    pub fn history_table(mut self, table: impl Into<String>) -> Self {
        self.history_table = table.into();
        self
    }

    /// Sets the lock mode.
    pub fn lock_mode(mut self, mode: LockMode) -> Self {
        self.lock_mode = mode;
        self
    }

    /// Sets `lock_timeout` (zero: off).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Sets `statement_timeout` (zero: off).
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = timeout;
        self
    }

    /// Sets [`PgOptions::lock_early`].
    pub fn lock_early(mut self, early: bool) -> Self {
        self.lock_early = early;
        self
    }

    /// Sets [`PgOptions::history_early`].
    pub fn history_early(mut self, early: bool) -> Self {
        self.history_early = early;
        self
    }

    /// Sets the lease duration of [`LockMode::Table`].
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl.max(Duration::from_secs(3));
        self
    }
}

/// Milliseconds for a PostgreSQL time setting (`0` = off).
pub(crate) fn millis(d: Duration) -> u128 {
    d.as_millis()
}
