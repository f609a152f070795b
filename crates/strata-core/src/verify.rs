//! Verify scripts (Sqitch's idea): checks that a migration did what it says, run against the
//! database after it was applied.

use crate::{AppliedStatus, Driver, ExecuteError, Migration, Version};
use serde::Serialize;

/// What running one migration's verify script gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum VerifyOutcome {
    /// Every statement succeeded (and every boolean check was true).
    Passed {
        /// Statements run.
        statements: usize,
    },
    /// A statement failed or a boolean check was false.
    Failed {
        /// 1-based number of the failing statement in the script.
        statement: usize,
        /// `file:line:col` of the statement (or of the error inside it).
        location: String,
        /// What the database said.
        message: String,
        /// SQLSTATE, when the database raised an error.
        code: Option<String>,
        /// The server's detail and hint.
        detail: Option<String>,
    },
    /// The migration has no verify script.
    NoScript,
    /// The migration is not applied, so there is nothing to verify.
    NotApplied,
}

/// One migration's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VerifyResult {
    /// Its version.
    pub version: String,
    /// Its name.
    pub name: String,
    /// What happened.
    #[serde(flatten)]
    pub outcome: VerifyOutcome,
}

/// The results of [`verify`], one per versioned migration, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VerifyReport {
    /// One entry per migration considered.
    pub results: Vec<VerifyResult>,
}

impl VerifyReport {
    /// How many verify scripts failed.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, VerifyOutcome::Failed { .. }))
    }

    /// How many passed.
    pub fn passed(&self) -> usize {
        self.count(|o| matches!(o, VerifyOutcome::Passed { .. }))
    }

    fn count(&self, f: impl Fn(&VerifyOutcome) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.outcome)).count()
    }
}

/// Runs the verify script of every applied versioned migration (or only of `only`), each in a
/// transaction that is always rolled back. Takes no lock and writes nothing.
pub async fn verify(
    driver: &mut dyn Driver,
    migrations: &[Migration],
    only: Option<&Version>,
) -> Result<VerifyReport, ExecuteError> {
    let applied = driver.read_history().await?;
    let dialect = driver.capabilities().dialect;
    let mut report = VerifyReport::default();
    for m in migrations {
        let Some(version) = &m.version else { continue };
        if only.is_some_and(|v| v != version) {
            continue;
        }
        let is_applied = applied.iter().any(|a| {
            a.version.as_ref() == Some(version) && matches!(a.status, AppliedStatus::Applied)
        });
        let outcome = match (&m.verify, is_applied) {
            (None, _) => VerifyOutcome::NoScript,
            (Some(_), false) => VerifyOutcome::NotApplied,
            (Some(script), true) => {
                let statements = strata_sql::split(&script.sql, dialect).map_err(|e| {
                    ExecuteError::from(crate::DriverError::new(
                        crate::DriverErrorKind::Other,
                        format!("cannot split the verify script of {}: {e}", m.label()),
                    ))
                })?;
                let texts: Vec<&str> = statements.iter().map(|s| s.text(&script.sql)).collect();
                match driver.verify(&texts).await {
                    Ok(()) => VerifyOutcome::Passed {
                        statements: texts.len(),
                    },
                    Err((i, e)) => {
                        let start = statements.get(i).map_or(0, |s| s.span.start);
                        let at = start + e.position.unwrap_or(0);
                        let detail = match (&e.detail, &e.hint) {
                            (Some(d), Some(h)) => Some(format!("{d}\nhint: {h}")),
                            (Some(d), None) => Some(d.clone()),
                            (None, Some(h)) => Some(format!("hint: {h}")),
                            (None, None) => None,
                        };
                        VerifyOutcome::Failed {
                            statement: i + 1,
                            location: script.locate(at.min(script.sql.len())),
                            message: e.message,
                            code: e.code,
                            detail,
                        }
                    }
                }
            }
        };
        report.results.push(VerifyResult {
            version: version.to_string(),
            name: m.name.clone(),
            outcome,
        });
    }
    Ok(report)
}
