//! PostgreSQL-specific tests of the driver, through the core's executor, on a real server (the
//! one `STRATA_TEST_DATABASE_URL` names; each test gets a database of its own). A server that
//! cannot be reached fails the tests; nothing is skipped.

mod client_cert;
mod connect;
mod errors;
mod locks;
mod lost;
mod measure;
mod schema;
mod sql_features;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use strata_core::source::{load_dir, Layout};
use strata_core::{
    Event, ExecuteError, Executor, ExecutorOptions, Migration, Policy, Report, Target,
};
use strata_postgres::{PgOptions, PostgresDriver};
use strata_test_support::{Engine, TestDb};

/// A fresh database and a migrations directory beside it.
pub struct Setup {
    pub db: TestDb,
}

impl Default for Setup {
    fn default() -> Self {
        Setup::new()
    }
}

impl Setup {
    pub fn new() -> Setup {
        Setup {
            db: TestDb::new(Engine::Postgres),
        }
    }

    /// Writes `migrations/<name>`.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        self.db.write_file(&format!("migrations/{name}"), text)
    }

    pub fn migrations(&self) -> Vec<Migration> {
        load_dir(&self.db.dir().join("migrations"), Layout::Auto).expect("migrations load")
    }

    pub async fn driver(&self) -> PostgresDriver {
        self.driver_with(PgOptions::default()).await
    }

    pub async fn driver_with(&self, options: PgOptions) -> PostgresDriver {
        PostgresDriver::connect(self.db.url(), options)
            .await
            .expect("connect")
    }

    /// `up` with default options; returns the report and the events.
    pub async fn up(&self) -> (Report, Vec<Event>) {
        let mut d = self.driver().await;
        self.up_on(&mut d).await
    }

    /// `up` of every migration on the driver `d`, with default options.
    pub async fn up_on(&self, d: &mut PostgresDriver) -> (Report, Vec<Event>) {
        run(
            d,
            &self.migrations(),
            &Target::Up { to: None },
            ExecutorOptions::default(),
        )
        .await
    }

    /// `down` of the last `count` migrations on a driver of its own, with default options.
    pub async fn down(&self, count: usize) -> (Report, Vec<Event>) {
        let mut d = self.driver().await;
        run(
            &mut d,
            &self.migrations(),
            &Target::DownCount(count),
            ExecutorOptions::default(),
        )
        .await
    }

    /// The history rows as `version:status:statements_done`.
    pub fn history(&self) -> Vec<String> {
        self.db.query_strings(
            "SELECT version || ':' || status || ':' || coalesce(statements_done::text, '-') \
             FROM strata_migrations ORDER BY version",
        )
    }
}

/// Runs a plan and collects the events.
pub async fn run(
    driver: &mut PostgresDriver,
    migrations: &[Migration],
    target: &Target,
    options: ExecutorOptions,
) -> (Report, Vec<Event>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let report = Executor::new(driver, options)
        .with_events(move |e| sink.lock().unwrap().push(e))
        .run(migrations, target, &Policy::default())
        .await;
    let events = events.lock().unwrap().clone();
    (report, events)
}

/// The migration failure of a report, or a panic saying what the report held.
pub fn failure(report: &Report) -> &strata_core::MigrationFailure {
    match &report.error {
        Some(ExecuteError::Migration(m)) => m,
        other => panic!("expected a migration failure, got {other:?}"),
    }
}
