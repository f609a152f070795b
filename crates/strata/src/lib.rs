//! strata applies versioned SQL migrations and proves what it did.
//!
//! This facade re-exports the engine-neutral core and the engines compiled in (features
//! `sqlite`, on by default). A typical embedding:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use strata::{source, Executor, ExecutorOptions, Policy, Target};
//! let migrations = source::load_dir("migrations".as_ref(), source::Layout::Auto)?;
//! let mut driver = strata::connect("sqlite:app.db", &strata::ConnectOptions::default())?;
//! let report = Executor::new(driver.as_mut(), ExecutorOptions::default())
//!     .run(&migrations, &Target::Up { to: None }, &Policy::default())
//!     .await;
//! if let Some(e) = report.error { return Err(e.into()); }
//! # Ok(()) }
//! ```

pub use strata_core::*;

/// Statement splitting and directives.
pub use strata_sql as sql;

/// The SQLite engine.
#[cfg(feature = "sqlite")]
pub use strata_sqlite as sqlite;

/// Options for [`connect`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ConnectOptions {
    /// History table name (default [`DEFAULT_HISTORY_TABLE`]).
    pub history_table: Option<String>,
}

impl ConnectOptions {
    /// Sets the history table.
    pub fn history_table(mut self, table: Option<String>) -> Self {
        self.history_table = table;
        self
    }
}

/// Opens a driver for a database URL, choosing the engine by its scheme (`sqlite:`).
pub fn connect(url: &str, options: &ConnectOptions) -> Result<Box<dyn Driver>, DriverError> {
    #[cfg(feature = "sqlite")]
    if strata_sqlite::parse_url(url).is_some() {
        let d = strata_sqlite::SqliteDriver::open(url, options.history_table.as_deref())?;
        return Ok(Box::new(d));
    }
    let _ = options;
    let scheme = url.split(':').next().unwrap_or("");
    let hint = if matches!(scheme, "postgres" | "postgresql" | "mysql" | "mariadb") {
        format!("the {scheme} engine is not available in this build yet")
    } else {
        "use a URL such as sqlite:app.db".to_string()
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

/// Replaces the password in a URL with `***`, for every message and log line.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &authority[..colon],
            &rest[at..]
        ),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite:app.db"), "sqlite:app.db");
        assert_eq!(
            redact_url("postgres://u:p%40ss@h/db?x=1"),
            "postgres://u:***@h/db?x=1"
        );
    }
}
