//! strata applies versioned SQL migrations and proves what it did.
//!
//! This facade re-exports the engine-neutral core and the engines compiled in (features
//! `sqlite` and `postgres`, on by default). A typical embedding:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use strata::{source, Executor, ExecutorOptions, Policy, Target};
//! let migrations = source::load_dir("migrations".as_ref(), source::Layout::Auto)?;
//! let mut driver = strata::connect("sqlite:app.db", &strata::ConnectOptions::default()).await?;
//! let report = Executor::new(driver.as_mut(), ExecutorOptions::default())
//!     .run(&migrations, &Target::Up { to: None }, &Policy::default())
//!     .await;
//! if let Some(e) = report.error { return Err(e.into()); }
//! # Ok(()) }
//! ```

pub use strata_core::*;

/// Statement splitting and directives.
pub use strata_sql as sql;

pub mod schema;

/// Measuring the locks and rewrites of migrations on a real server (`strata lint --measure`).
#[cfg(feature = "postgres")]
pub mod measure;

/// The SQLite engine.
#[cfg(feature = "sqlite")]
pub use strata_sqlite as sqlite;

/// The PostgreSQL engine.
#[cfg(feature = "postgres")]
pub use strata_postgres as postgres;

/// The PostgreSQL safety linter.
#[cfg(feature = "lint")]
pub use strata_lint as lint;

/// How the migration lock is taken (PostgreSQL; other engines have one way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LockMode {
    /// A session advisory lock on a dedicated connection (the default).
    #[default]
    Advisory,
    /// A lease row with heartbeat and expiry, for transaction-pooling PgBouncer.
    Table,
}

/// Options for [`connect`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// History table name (default [`DEFAULT_HISTORY_TABLE`]).
    pub history_table: Option<String>,
    /// Schema of the history table (PostgreSQL; default `public`, created when missing).
    pub schema: Option<String>,
    /// How to take the migration lock.
    pub lock_mode: LockMode,
    /// `lock_timeout` for migrations (PostgreSQL; default 5 s, zero turns it off).
    pub lock_timeout: Option<std::time::Duration>,
    /// `statement_timeout` for migrations (PostgreSQL; default off).
    pub statement_timeout: Option<std::time::Duration>,
    /// The migration lock is about to be taken (a run that may change something, not `status`
    /// or a dry run): PostgreSQL tries it while connecting, saving a round trip.
    pub lock_early: bool,
    /// The history is read first, before any lock (`up`, `down`, `status`): PostgreSQL sends
    /// that read as soon as it is connected, and SQLite makes it while opening the database, so
    /// that it overlaps with reading the migration files when those load on other threads.
    pub history_early: bool,
}

impl ConnectOptions {
    /// Sets the history table.
    pub fn history_table(mut self, table: Option<String>) -> Self {
        self.history_table = table;
        self
    }

    /// Sets the history table's schema.
    pub fn schema(mut self, schema: Option<String>) -> Self {
        self.schema = schema;
        self
    }

    /// Sets the lock mode.
    pub fn lock_mode(mut self, mode: LockMode) -> Self {
        self.lock_mode = mode;
        self
    }

    /// Sets `lock_timeout` (`None`: the default).
    pub fn lock_timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Sets `statement_timeout` (`None`: the default).
    pub fn statement_timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.statement_timeout = timeout;
        self
    }

    /// Sets [`ConnectOptions::lock_early`].
    pub fn lock_early(mut self, early: bool) -> Self {
        self.lock_early = early;
        self
    }

    /// Sets [`ConnectOptions::history_early`].
    pub fn history_early(mut self, early: bool) -> Self {
        self.history_early = early;
        self
    }
}

/// Opens a driver for a database URL, choosing the engine by its scheme (`sqlite:`,
/// `postgres://`, `postgresql://`). Async because network engines connect here; call it inside
/// a tokio runtime with I/O enabled.
pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Box<dyn Driver>, DriverError> {
    #[cfg(feature = "sqlite")]
    if strata_sqlite::parse_url(url).is_some() {
        let mut d = strata_sqlite::SqliteDriver::open(url, options.history_table.as_deref())?;
        if options.history_early {
            d.read_history_early();
        }
        return Ok(Box::new(d));
    }
    #[cfg(feature = "postgres")]
    if strata_postgres::is_postgres_url(url) {
        let mut o = strata_postgres::PgOptions::default()
            .lock_mode(match options.lock_mode {
                LockMode::Advisory => strata_postgres::LockMode::Advisory,
                LockMode::Table => strata_postgres::LockMode::Table,
            })
            .lock_early(options.lock_early)
            .history_early(options.history_early);
        if let Some(s) = &options.schema {
            o = o.schema(s);
        }
        if let Some(t) = &options.history_table {
            o = o.history_table(t);
        }
        if let Some(t) = options.lock_timeout {
            o = o.lock_timeout(t);
        }
        if let Some(t) = options.statement_timeout {
            o = o.statement_timeout(t);
        }
        let d = strata_postgres::PostgresDriver::connect(url, o).await?;
        return Ok(Box::new(d));
    }
    let _ = options;
    let scheme = url.split(':').next().unwrap_or("");
    let hint = if matches!(scheme, "postgres" | "postgresql" | "mysql" | "mariadb") {
        format!("the {scheme} engine is not available in this build")
    } else {
        "use a URL such as sqlite:app.db or postgres://user@host/db".to_string()
    };
    Err(DriverError::new(
        DriverErrorKind::Connect,
        format!(
            "unsupported database URL scheme `{scheme}:` in {}",
            redact_url(url)
        ),
    )
    .with_hint(Some(hint)))
}
