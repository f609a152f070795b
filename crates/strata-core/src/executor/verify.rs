//! `up --verify`: each step's verify script, run right after the step (for a transactional
//! step, before its commit, so a failing check leaves no trace).

use crate::verify::{failed, split_script};
use crate::{Dialect, DriverError, ExecuteError, MigrationFailure, Script, Step, VerifyOutcome};
use std::ops::Range;

/// The verify script of one step, split into statements.
pub(crate) struct Checks {
    pub script: Script,
    pub statements: Vec<Range<usize>>,
}

impl Checks {
    /// The statements' texts.
    pub fn texts(&self) -> Vec<&str> {
        self.statements
            .iter()
            .map(|r| &self.script.sql[r.clone()])
            .collect()
    }

    /// The outcome of a failure at statement `i`.
    pub fn failed(&self, i: usize, e: &DriverError) -> VerifyOutcome {
        failed(&self.script, &self.statements, i, e)
    }

    /// The outcome of a pass.
    pub fn passed(&self) -> VerifyOutcome {
        VerifyOutcome::Passed {
            statements: self.statements.len(),
        }
    }
}

/// Whether a step is verified at all: everything that runs an up script (apply, resume,
/// reapply), never a revert.
pub(crate) fn verifies(step: &Step) -> bool {
    !step.action.is_revert()
}

/// Each step's verify script, split; `None` for a step without one (or a revert). Refuses,
/// before anything runs, a verify script that cannot be split or controls the transaction.
pub(crate) fn prepare(
    steps: &[Step],
    dialect: Dialect,
) -> Result<Vec<Option<Checks>>, ExecuteError> {
    steps
        .iter()
        .map(|step| {
            let script = step
                .migration
                .as_ref()
                .filter(|_| verifies(step))
                .and_then(|m| m.verify.as_ref())
                .filter(|s| !s.is_blank());
            script
                .map(|s| {
                    Ok(Checks {
                        statements: split_script(s, &step.label(), dialect)?,
                        script: s.clone(),
                    })
                })
                .transpose()
        })
        .collect()
}

/// A failed check as a run error: the verify file's `file:line:col` and a frame of it.
pub(crate) fn error(
    step: &Step,
    checks: &Checks,
    idx: usize,
    e: DriverError,
    help: String,
) -> ExecuteError {
    let script = &checks.script;
    let span = checks.statements.get(idx).cloned().unwrap_or(0..0);
    let offset = span.start + e.position.unwrap_or(0).min(span.len());
    ExecuteError::Migration(Box::new(MigrationFailure {
        label: step.label(),
        direction: "verify",
        location: script.locate(offset),
        statement: idx + 1,
        sql: script.sql[span].to_string(),
        frame: Some((script.sql.clone(), offset, script.line_offset)),
        source: e,
        help,
    }))
}

/// The version (or label) to name in advice.
pub(crate) fn version_of(step: &Step) -> String {
    step.version
        .as_ref()
        .map(|v| v.as_str().to_string())
        .unwrap_or_else(|| step.label())
}
