//! Test databases for strata's suites: each test gets its own uniquely named database, dropped
//! afterwards, so tests run in parallel. A server that cannot be reached fails the test with a
//! message saying how to start it; nothing is skipped.

mod sqlite;

use std::path::Path;

/// The engines a conformance scenario runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite, in a temporary file.
    Sqlite,
}

/// One test's own database.
pub struct TestDb {
    engine: Engine,
    url: String,
    inner: Inner,
}

enum Inner {
    Sqlite(sqlite::SqliteDb),
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
        }
    }

    /// Names of the user tables (history table included), sorted.
    pub fn tables(&self) -> Vec<String> {
        match &self.inner {
            Inner::Sqlite(db) => db.tables(),
        }
    }

    /// Runs a query returning one text column and returns the rows.
    pub fn query_strings(&self, sql: &str) -> Vec<String> {
        match &self.inner {
            Inner::Sqlite(db) => db.query_strings(sql),
        }
    }

    /// Runs SQL (several statements allowed).
    pub fn execute(&self, sql: &str) {
        match &self.inner {
            Inner::Sqlite(db) => db.execute(sql),
        }
    }
}
