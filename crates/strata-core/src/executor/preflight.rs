//! Checks every step's statements before anything runs.

use crate::{Dialect, ExecuteError, Step, TransactionMode};
use std::ops::Range;
use strata_sql::StatementKind;

/// A step with its script split into the statements to run.
pub(crate) struct Prepared {
    /// Byte ranges of the statements to run, in the step's script.
    pub statements: Vec<Range<usize>>,
}

impl Prepared {
    /// The statements' texts.
    pub fn texts<'a>(&self, sql: &'a str) -> Vec<&'a str> {
        self.statements.iter().map(|r| &sql[r.clone()]).collect()
    }
}

/// Splits each step's script and refuses, before anything runs, a script that cannot be split,
/// a statement that cannot run inside a transaction in a transactional script, and transaction
/// control inside a transactional script (a `BEGIN; ... COMMIT;` wrapper around the whole file
/// is accepted and left out: strata's own transaction takes its place).
pub(crate) fn prepare(steps: &[Step], dialect: Dialect) -> Result<Vec<Prepared>, ExecuteError> {
    steps.iter().map(|s| prepare_one(s, dialect)).collect()
}

fn prepare_one(step: &Step, dialect: Dialect) -> Result<Prepared, ExecuteError> {
    let script = &step.script;
    let statements = strata_sql::split(&script.sql, dialect).map_err(|e| {
        let mut location = script.locate(0);
        if let Some(p) = &script.path {
            location = format!(
                "{}:{}:{}",
                p.display(),
                e.line + script.line_offset,
                e.column
            );
        }
        ExecuteError::Preflight {
            location,
            message: format!("{} is never closed", e.what),
            help: "close it (a quote, dollar quote or comment runs to the end of the file)".into(),
        }
    })?;
    let file = script
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| format!("the script of {}", step.label()));
    if step.transaction() == TransactionMode::None {
        return Ok(Prepared {
            statements: statements.into_iter().map(|s| s.span).collect(),
        });
    }
    let unwrapped = strata_sql::unwrap_transaction(&statements);
    if let Some(i) = unwrapped.stray {
        let st = &statements[i];
        let what = match st.kind {
            StatementKind::Begin => "BEGIN",
            StatementKind::Commit => "COMMIT",
            _ => "ROLLBACK",
        };
        return Err(ExecuteError::Preflight {
            location: script.locate(st.span.start),
            message: format!(
                "{what} inside a migration that runs in a transaction: strata wraps each migration in its own transaction"
            ),
            help: format!(
                "remove the transaction control from {file}, or add `-- strata:no-transaction` as its first line to run its statements one by one as written"
            ),
        });
    }
    let body = &statements[unwrapped.body];
    for st in body {
        if let Some(reason) = strata_sql::requires_no_transaction(st.text(&script.sql), dialect) {
            return Err(ExecuteError::Preflight {
                location: script.locate(st.span.start),
                message: format!("{reason}, but {} runs in a transaction", step.label()),
                help: format!(
                    "add `-- strata:no-transaction` as the first line of {file} (its statements then run one by one, and a failure can be resumed)"
                ),
            });
        }
    }
    Ok(Prepared {
        statements: body.iter().map(|s| s.span.clone()).collect(),
    })
}

/// Checks every script of `migrations` (up and down) the way a run would before running it:
/// each must split, and a transactional script must not hold statements that cannot run in a
/// transaction. Returns every problem found, in migration order (`strata validate`).
pub fn check_scripts(migrations: &[crate::Migration], dialect: Dialect) -> Vec<ExecuteError> {
    let mut problems = Vec::new();
    for m in migrations {
        let scripts = std::iter::once((crate::Action::Apply, &m.up))
            .chain(m.down.iter().map(|d| (crate::Action::Revert, d)));
        for (action, script) in scripts {
            let step = Step {
                action,
                version: m.version.clone(),
                name: m.name.clone(),
                kind: m.kind,
                script: script.clone(),
                migration: None,
                applied: None,
            };
            if let Err(e) = prepare_one(&step, dialect) {
                problems.push(e);
            }
        }
    }
    problems
}
