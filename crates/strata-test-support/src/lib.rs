//! Test databases for strata's suites: each test gets its own uniquely named database, dropped
//! afterwards, so tests run in parallel. A server that cannot be reached fails the test with a
//! message saying how to start it; nothing is skipped.

pub mod openssl;
mod postgres;
mod sqlite;

pub use postgres::{admin_url, with_database, DEFAULT_URL};

use std::path::{Path, PathBuf};

/// The engines a conformance scenario runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite, in a temporary file.
    Sqlite,
    /// PostgreSQL: a database of its own on the server named by `STRATA_TEST_DATABASE_URL`
    /// (default [`DEFAULT_URL`]), dropped afterwards.
    Postgres,
}

impl Engine {
    /// A short lowercase name (`sqlite`), for test and snapshot names.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// One test's own database.
pub struct TestDb {
    engine: Engine,
    url: String,
    inner: Inner,
}

enum Inner {
    Sqlite(sqlite::SqliteDb),
    Postgres(postgres::PgDb),
}

impl TestDb {
    /// A fresh database of `engine`.
    pub fn new(engine: Engine) -> TestDb {
        match engine {
            Engine::Sqlite => {
                let db = sqlite::SqliteDb::new();
                TestDb {
                    engine,
                    url: db.url(),
                    inner: Inner::Sqlite(db),
                }
            }
            Engine::Postgres => {
                let db = postgres::PgDb::new();
                TestDb {
                    engine,
                    url: db.url(),
                    inner: Inner::Postgres(db),
                }
            }
        }
    }

    /// The engine.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The URL to give strata.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A scratch directory that lives as long as the database (for migration files).
    pub fn dir(&self) -> &Path {
        match &self.inner {
            Inner::Sqlite(db) => db.dir(),
            Inner::Postgres(db) => db.dir(),
        }
    }

    /// Names of the user tables (history table included), sorted.
    pub fn tables(&self) -> Vec<String> {
        match &self.inner {
            Inner::Sqlite(db) => db.tables(),
            Inner::Postgres(db) => db.tables(),
        }
    }

    /// Names of the user indexes (the ones the database creates for constraints left out),
    /// sorted.
    pub fn indexes(&self) -> Vec<String> {
        match &self.inner {
            Inner::Sqlite(db) => db.indexes(),
            Inner::Postgres(db) => db.indexes(),
        }
    }

    /// Runs a query and returns every row, each value rendered as text (`NULL` for null).
    pub fn query_rows(&self, sql: &str) -> Vec<Vec<String>> {
        match &self.inner {
            Inner::Sqlite(db) => db.query_rows(sql),
            Inner::Postgres(db) => db.query_rows(sql),
        }
    }

    /// Runs a query returning one text column and returns the rows.
    pub fn query_strings(&self, sql: &str) -> Vec<String> {
        match &self.inner {
            Inner::Sqlite(db) => db.query_strings(sql),
            Inner::Postgres(db) => db.query_strings(sql),
        }
    }

    /// Runs SQL (several statements allowed).
    pub fn execute(&self, sql: &str) {
        match &self.inner {
            Inner::Sqlite(db) => db.execute(sql),
            Inner::Postgres(db) => db.execute(sql),
        }
    }
}

impl TestDb {
    /// Writes `contents` to `relative` under [`TestDb::dir`], creating parent directories, and
    /// returns the full path. Bytes are written as given (no newline is added).
    pub fn write_file(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir().join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        std::fs::write(&path, contents)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        path
    }

    /// Removes the file `relative` under [`TestDb::dir`].
    pub fn remove_file(&self, relative: &str) {
        let path = self.dir().join(relative);
        std::fs::remove_file(&path)
            .unwrap_or_else(|e| panic!("cannot remove {}: {e}", path.display()));
    }
}
