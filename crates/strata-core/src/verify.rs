//! Verify scripts (Sqitch's idea): checks that a migration did what it says, run against the
//! database after it was applied.

use crate::{
    AppliedStatus, Dialect, Driver, DriverError, ExecuteError, Migration, Script, Version,
};
use serde::Serialize;
use std::ops::Range;
use strata_sql::StatementKind;

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
                let spans = split_script(script, &m.label(), dialect)?;
                let texts: Vec<&str> = spans.iter().map(|r| &script.sql[r.clone()]).collect();
                match driver.verify(&texts).await {
                    Ok(()) => VerifyOutcome::Passed {
                        statements: texts.len(),
                    },
                    Err((i, e)) => failed(script, &spans, i, &e),
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

/// The statements of a verify script (byte ranges in its text). Refused, before anything runs,
/// when the script cannot be split or controls the transaction itself: it runs inside one that
/// strata rolls back (and with `up --verify`, inside the migration's own).
pub(crate) fn split_script(
    script: &Script,
    label: &str,
    dialect: Dialect,
) -> Result<Vec<Range<usize>>, ExecuteError> {
    let statements = strata_sql::split(&script.sql, dialect).map_err(|e| {
        let location = match &script.path {
            Some(p) => format!(
                "{}:{}:{}",
                p.display(),
                e.line + script.line_offset,
                e.column
            ),
            None => script.locate(0),
        };
        ExecuteError::Preflight {
            location,
            message: format!("{} is never closed in the verify script of {label}", e.what),
            help: "close it (a quote, dollar quote or comment runs to the end of the script)"
                .into(),
        }
    })?;
    if let Some(st) = statements.iter().find(|s| s.kind != StatementKind::Other) {
        return Err(ExecuteError::Preflight {
            location: script.locate(st.span.start),
            message: format!(
                "transaction control in the verify script of {label}: verify scripts run in a transaction that strata always rolls back"
            ),
            help: "remove the BEGIN, COMMIT or ROLLBACK from the verify script".into(),
        });
    }
    Ok(statements.into_iter().map(|s| s.span).collect())
}

/// The outcome of a verify script whose statement `i` (of `spans`) failed with `e`.
pub(crate) fn failed(
    script: &Script,
    spans: &[Range<usize>],
    i: usize,
    e: &DriverError,
) -> VerifyOutcome {
    let span = spans.get(i).cloned().unwrap_or(0..0);
    let at = span.start + e.position.unwrap_or(0).min(span.len());
    let detail = match (&e.detail, &e.hint) {
        (Some(d), Some(h)) => Some(format!("{d}\nhint: {h}")),
        (Some(d), None) => Some(d.clone()),
        (None, Some(h)) => Some(format!("hint: {h}")),
        (None, None) => None,
    };
    VerifyOutcome::Failed {
        statement: i + 1,
        location: script.locate(at.min(script.sql.len())),
        message: e.message.clone(),
        code: e.code.clone(),
        detail,
    }
}
