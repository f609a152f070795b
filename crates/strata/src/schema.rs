//! Knowing the schema: the catalog model and its diff and renderers (re-exported from
//! `strata-schema`), introspection of a live database, scratch databases, and the checks built
//! on them: [`drift`] (migrations vs the live database) and [`roundtrip`] (every down restores
//! the schema its up started from).

mod drift;
mod roundtrip;

pub use drift::{drift, DriftReport};
pub use roundtrip::{roundtrip, RoundtripFailure, RoundtripPhase, RoundtripReport, RoundtripStep};
pub use strata_schema::*;

use crate::{
    ConnectOptions, DriverError, DriverErrorKind, ExecuteError, Executor, ExecutorOptions,
};
use crate::{Migration, Policy as PlanPolicy, Target};

fn unsupported(url: &str) -> DriverError {
    DriverError::new(
        DriverErrorKind::Connect,
        format!(
            "schema introspection supports PostgreSQL only so far, not {}",
            crate::redact_url(url)
        ),
    )
    .with_hint(Some("use a postgres:// URL".into()))
}

/// Reads the schema of the database at `url`, limited by `filter`.
pub async fn introspect(url: &str, filter: &Filter) -> Result<Schema, DriverError> {
    #[cfg(feature = "postgres")]
    if strata_postgres::is_postgres_url(url) {
        return strata_postgres::introspect::introspect(url, filter).await;
    }
    let _ = filter;
    Err(unsupported(url))
}

/// `filter` plus strata's own tables (the history table and its lease-lock sibling) left out.
pub fn without_history(filter: Filter, options: &ConnectOptions) -> Filter {
    let schema = options.schema.clone().unwrap_or_else(|| "public".into());
    let table = options
        .history_table
        .clone()
        .unwrap_or_else(|| crate::DEFAULT_HISTORY_TABLE.into());
    filter
        .exclude_table(QualifiedName::new(&schema, &table))
        .exclude_table(QualifiedName::new(&schema, format!("{table}_lock")))
}

/// A database created for one job on a server and dropped afterwards: see
/// [`strata_postgres::scratch`] for how it is dropped on every exit path. Shared by the schema
/// checks and anything else that needs a throw-away database (the linter's measurements).
#[derive(Debug)]
pub struct Scratch {
    #[cfg(feature = "postgres")]
    inner: strata_postgres::scratch::ScratchDatabase,
}

impl Scratch {
    /// Creates a scratch database on the server that `server_url` points at.
    pub async fn create(server_url: &str) -> Result<Scratch, DriverError> {
        #[cfg(feature = "postgres")]
        if strata_postgres::is_postgres_url(server_url) {
            let inner = strata_postgres::scratch::ScratchDatabase::create(server_url).await?;
            return Ok(Scratch { inner });
        }
        Err(unsupported(server_url))
    }

    /// Its URL.
    pub fn url(&self) -> &str {
        #[cfg(feature = "postgres")]
        return self.inner.url();
        #[cfg(not(feature = "postgres"))]
        unreachable!()
    }

    /// Drops it now (it is also dropped when the value is dropped).
    pub async fn drop_now(self) -> Result<(), DriverError> {
        #[cfg(feature = "postgres")]
        return self.inner.drop_now().await;
        #[cfg(not(feature = "postgres"))]
        unreachable!()
    }

    /// Runs `job` with a fresh scratch database on `server_url`, and drops the database
    /// afterwards whatever the job returned.
    pub async fn with<T, E: From<DriverError>>(
        server_url: &str,
        job: impl AsyncFnOnce(&Scratch) -> Result<T, E>,
    ) -> Result<T, E> {
        let scratch = Scratch::create(server_url).await?;
        let out = job(&scratch).await;
        let dropped = scratch.drop_now().await;
        let out = out?;
        dropped?;
        Ok(out)
    }
}

/// Applies `migrations` (all of them, in order) to the database at `url`.
pub async fn apply(
    url: &str,
    migrations: &[Migration],
    target: &Target,
    options: &ConnectOptions,
) -> Result<(), ExecuteError> {
    let mut driver = crate::connect(url, options).await?;
    let report = Executor::new(driver.as_mut(), ExecutorOptions::default())
        .run(
            migrations,
            target,
            &PlanPolicy::default().allow_out_of_order(true),
        )
        .await;
    match report.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The schema that `migrations` build: applied to a scratch database on the server of
/// `server_url`, then read back.
pub async fn build(
    server_url: &str,
    migrations: &[Migration],
    options: &ConnectOptions,
    filter: &Filter,
) -> Result<Schema, ExecuteError> {
    let filter = without_history(filter.clone(), options);
    Scratch::with(server_url, async |scratch: &Scratch| {
        apply(scratch.url(), migrations, &Target::Up { to: None }, options).await?;
        Ok::<_, ExecuteError>(introspect(scratch.url(), &filter).await?)
    })
    .await
}
