//! Checks every step's statements before anything runs.

use crate::{Dialect, ExecuteError, Plan, Problem, Step, TransactionMode};
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

/// Splits each step's script and refuses, before anything runs, a script that cannot be split
/// and a statement that cannot run inside a transaction in a transactional script. A `BEGIN;
/// ... COMMIT;` wrapper around the whole file is accepted and left out: strata's own
/// transaction takes its place.
///
/// A transactional script made only of statements that cannot run inside a transaction (a file
/// holding just `CREATE INDEX CONCURRENTLY ...`, as golang-migrate and Flyway projects write
/// them without any directive, and as those tools run them) is not refused: its step is switched
/// to [`TransactionMode::None`] and runs statement by statement, like a `no-transaction` one.
/// So is a script with transaction control other than such a wrapper (a `COMMIT` in the middle,
/// statements before its `BEGIN`), which golang-migrate, sqlx and dbmate send as written: it
/// runs as written, and a [`Problem::OwnTransactionControl`] warning names the statement.
/// Neither within `--single-transaction` (`single`), where nothing may run outside the
/// transaction: both are refused there.
///
/// Applying an up script without statements gets a [`Problem::NoStatements`] warning. Warnings
/// go to [`Plan::warnings`].
pub(crate) fn prepare(
    plan: &mut Plan,
    dialect: Dialect,
    single: bool,
) -> Result<Vec<Prepared>, ExecuteError> {
    let Plan {
        steps, warnings, ..
    } = plan;
    steps
        .iter_mut()
        .map(|s| prepare_one(s, dialect, single, warnings))
        .collect()
}

fn prepare_one(
    step: &mut Step,
    dialect: Dialect,
    single: bool,
    notes: &mut Vec<Problem>,
) -> Result<Prepared, ExecuteError> {
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
    if statements.is_empty() && !step.action.is_revert() {
        notes.push(Problem::NoStatements {
            version: step.version_text(),
            name: step.name.clone(),
            path: script.path.clone(),
        });
    }
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
        let location = script.locate(st.span.start);
        if single {
            return Err(ExecuteError::Preflight {
                location,
                message: format!(
                    "{what}: {} controls its own transaction, so it cannot run inside the one transaction --single-transaction asked for",
                    step.label()
                ),
                help: "run without --single-transaction, or apply up to the version before it first".into(),
            });
        }
        notes.push(Problem::OwnTransactionControl {
            version: step.version_text(),
            name: step.name.clone(),
            location,
            statement: what.to_string(),
        });
        step.script.transaction = TransactionMode::None;
        return Ok(Prepared {
            statements: statements.into_iter().map(|s| s.span).collect(),
        });
    }
    let only_outside = only_statements_without_transaction(&script.sql, &statements, dialect);
    if !single && only_outside {
        step.script.transaction = TransactionMode::None;
        return Ok(Prepared {
            statements: statements.into_iter().map(|s| s.span).collect(),
        });
    }
    let body = &statements[unwrapped.body];
    for st in body {
        if let Some(reason) = strata_sql::requires_no_transaction(st.text(&script.sql), dialect) {
            // Within --single-transaction, a directive would not help: say so at once.
            // An up script that starts below line 1 comes from dbmate sections: name their
            // own switch too.
            let dbmate = if script.line_offset > 0 {
                " (in a dbmate file, `-- migrate:up transaction:false` does the same)"
            } else {
                ""
            };
            let help = match (single, only_outside) {
                (false, _) => format!(
                    "add `-- strata:no-transaction` as the first line of {file}{dbmate} (its statements then run one by one, and a failure can be resumed)"
                ),
                (true, true) => "run without --single-transaction, or apply up to the version before it first".into(),
                (true, false) => format!(
                    "run without --single-transaction, and add `-- strata:no-transaction` as the first line of {file}; or apply up to the version before it first"
                ),
            };
            let message = if single {
                format!("{reason}, so {} cannot run inside a transaction, but --single-transaction was asked for", step.label())
            } else {
                format!("{reason}, but {} runs in a transaction", step.label())
            };
            return Err(ExecuteError::Preflight {
                location: script.locate(st.span.start),
                message,
                help,
            });
        }
    }
    Ok(Prepared {
        statements: body.iter().map(|s| s.span.clone()).collect(),
    })
}

/// True when `statements` (the split `sql`) are one or more statements that all cannot run
/// inside a transaction on `dialect`, with no transaction control among them.
fn only_statements_without_transaction(
    sql: &str,
    statements: &[strata_sql::Statement],
    dialect: Dialect,
) -> bool {
    !statements.is_empty()
        && statements.iter().all(|st| {
            st.kind == StatementKind::Other
                && strata_sql::requires_no_transaction(st.text(sql), dialect).is_some()
        })
}

/// How `script` runs on `dialect`: [`Script::transaction`], except that a transactional script
/// made only of statements that cannot run inside a transaction (say, one `CREATE INDEX
/// CONCURRENTLY`) runs without one, statement by statement (see [`Executor::run`]). Outside
/// `--single-transaction`, which refuses such a script instead.
///
/// [`Script::transaction`]: crate::Script::transaction
/// [`Executor::run`]: crate::Executor::run
pub fn effective_transaction(script: &crate::Script, dialect: Dialect) -> TransactionMode {
    if script.transaction == TransactionMode::None {
        return TransactionMode::None;
    }
    match strata_sql::split(&script.sql, dialect) {
        Ok(statements)
            if only_statements_without_transaction(&script.sql, &statements, dialect)
                || strata_sql::unwrap_transaction(&statements).stray.is_some() =>
        {
            TransactionMode::None
        }
        _ => script.transaction,
    }
}

/// For a script run statement by statement whose statement `failed` failed: the index of the
/// `BEGIN` of the transaction the script opened itself (`BEGIN` ... `COMMIT` written in the
/// file) and had not ended before that statement, if any. Such a failure (also of the `COMMIT`)
/// ends that transaction rolled back (the driver rolls it back), so of the statements run, only
/// those before the `BEGIN` stay done, and a resumed run starts again at the `BEGIN`.
///
/// A `BEGIN` inside an open transaction does not start another one (PostgreSQL warns and goes
/// on), so the first one counts.
pub(crate) fn open_transaction(texts: &[&str], failed: usize, dialect: Dialect) -> Option<usize> {
    let mut open = None;
    for (i, text) in texts.iter().enumerate().take(failed) {
        let kind = strata_sql::split(text, dialect)
            .ok()
            .and_then(|s| s.first().map(|st| st.kind));
        match kind {
            Some(StatementKind::Begin) => {
                open.get_or_insert(i);
            }
            Some(StatementKind::Commit | StatementKind::Rollback) => open = None,
            _ => {}
        }
    }
    open
}

/// Checks every script of `migrations` (up and down) the way a run would before running it:
/// each must split, and a transactional script must not hold statements that cannot run in a
/// transaction. Returns every problem found, in migration order (`strata validate`).
pub fn check_scripts(migrations: &[crate::Migration], dialect: Dialect) -> Vec<ExecuteError> {
    check_all(migrations, dialect).0
}

/// The warnings a run applying every script of `migrations` would give (`strata validate`): up
/// scripts without statements ([`Problem::NoStatements`]) and scripts that control their own
/// transaction and so run without strata's ([`Problem::OwnTransactionControl`]), in migration
/// order.
pub fn script_notes(migrations: &[crate::Migration], dialect: Dialect) -> Vec<Problem> {
    check_all(migrations, dialect).1
}

fn check_all(
    migrations: &[crate::Migration],
    dialect: Dialect,
) -> (Vec<ExecuteError>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    for m in migrations {
        let scripts = std::iter::once((crate::Action::Apply, &m.up))
            .chain(m.down.iter().map(|d| (crate::Action::Revert, d)));
        for (action, script) in scripts {
            let mut step = Step {
                action,
                version: m.version.clone(),
                name: m.name.clone(),
                kind: m.kind,
                script: script.clone(),
                migration: None,
                applied: None,
            };
            if let Err(e) = prepare_one(&mut step, dialect, false, &mut notes) {
                problems.push(e);
            }
        }
    }
    (problems, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, Script};

    fn mode(sql: &str) -> TransactionMode {
        effective_transaction(&Script::new(sql, None, 0), Dialect::Postgres)
    }

    #[test]
    fn the_transaction_a_script_opened_itself() {
        let texts = [
            "CREATE TABLE a (id int)",
            "BEGIN",
            "INSERT INTO a VALUES (1)",
            "COMMIT",
            "START TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "BEGIN",
            "INSERT INTO a VALUES ('x')",
            "END",
            "DO $$ BEGIN PERFORM 1; END $$",
            "ROLLBACK",
        ];
        let at = |i| open_transaction(&texts, i, Dialect::Postgres);
        assert_eq!(at(0), None);
        assert_eq!(at(1), None);
        assert_eq!(at(2), Some(1));
        // Its COMMIT failing (a deferred constraint) rolls it back too.
        assert_eq!(at(3), Some(1));
        assert_eq!(at(4), None);
        assert_eq!(at(6), Some(4));
        assert_eq!(at(7), Some(4));
        assert_eq!(at(8), None);
        assert_eq!(at(9), None);
    }

    #[test]
    fn a_script_of_only_statements_that_need_no_transaction_runs_without_one() {
        use TransactionMode::{None as Outside, Transactional};
        assert_eq!(mode("CREATE INDEX CONCURRENTLY i ON t (a)"), Outside);
        assert_eq!(
            mode("-- why\nDROP INDEX CONCURRENTLY IF EXISTS i;\nCREATE INDEX CONCURRENTLY j ON t (b);\n"),
            Outside
        );
        // Mixed with ordinary statements it stays transactional (and is refused when run).
        assert_eq!(
            mode("CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);"),
            Transactional
        );
        // A file that asks for a transaction keeps it (and is refused when run).
        assert_eq!(
            mode("BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;"),
            Transactional
        );
        assert_eq!(mode("CREATE INDEX i ON t (a);"), Transactional);
        assert_eq!(mode("-- nothing"), Transactional);
        // VACUUM needs no transaction on SQLite too; CONCURRENTLY means nothing there.
        let vacuum = Script::new("VACUUM;", None, 0);
        assert_eq!(effective_transaction(&vacuum, Dialect::Sqlite), Outside);
        let cic = Script::new("CREATE INDEX CONCURRENTLY i ON t (a);", None, 0);
        assert_eq!(effective_transaction(&cic, Dialect::Sqlite), Transactional);
    }

    fn migration(version: &str, sql: &str) -> crate::Migration {
        let path = std::path::PathBuf::from(format!("m/{version}_x.up.sql"));
        crate::Migration::versioned(
            crate::Version::parse(version).unwrap(),
            "x",
            Script::new(sql, Some(path), 0),
        )
    }

    fn step(sql: &str) -> Step {
        let m = migration("7", sql);
        Step {
            action: Action::Apply,
            version: m.version.clone(),
            name: m.name.clone(),
            kind: m.kind,
            script: m.up.clone(),
            migration: None,
            applied: None,
        }
    }

    #[test]
    fn own_transaction_control_runs_as_written_with_a_warning() {
        use TransactionMode::{None as Outside, Transactional};
        for (sql, line, what) in [
            // golang-migrate's idiom: commit so the new enum value can be used.
            (
                "ALTER TYPE mood ADD VALUE 'b';\nCOMMIT;\nUPDATE t SET m = 'b';\n",
                2,
                "COMMIT",
            ),
            // A setting before the transaction.
            (
                "SET statement_timeout = 0;\nBEGIN;\nALTER TABLE t ADD c int;\nCOMMIT;\n",
                2,
                "BEGIN",
            ),
            (
                "BEGIN; SELECT 1; COMMIT;\nBEGIN; SELECT 2; COMMIT;",
                1,
                "COMMIT",
            ),
        ] {
            assert_eq!(mode(sql), Outside, "{sql}");
            let mut s = step(sql);
            let mut notes = Vec::new();
            let prepared = prepare_one(&mut s, Dialect::Postgres, false, &mut notes).unwrap();
            assert_eq!(s.transaction(), Outside, "{sql}");
            // Every statement runs, the transaction control included.
            let all = strata_sql::split(sql, Dialect::Postgres).unwrap().len();
            assert_eq!(prepared.statements.len(), all, "{sql}");
            match &notes[..] {
                [Problem::OwnTransactionControl {
                    location,
                    statement,
                    ..
                }] => {
                    assert!(
                        location.starts_with(&format!("m/7_x.up.sql:{line}:")),
                        "{location}"
                    );
                    assert_eq!(statement, what);
                }
                other => panic!("{sql}: {other:?}"),
            }
            let shown = notes[0].to_string();
            assert!(shown.contains("statement by statement"), "{shown}");
            // Within --single-transaction it is refused, with the advice that works.
            let Err(err) = prepare_one(&mut step(sql), Dialect::Postgres, true, &mut Vec::new())
            else {
                panic!("{sql}: not refused")
            };
            let ExecuteError::Preflight { help, .. } = &err else {
                panic!("{err:?}")
            };
            assert!(
                help.starts_with("run without --single-transaction"),
                "{help}"
            );
        }
        // A plain wrapper is still unwrapped into strata's own transaction, without a note.
        let sql = "BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;\n";
        let mut s = step(sql);
        let mut notes = Vec::new();
        let prepared = prepare_one(&mut s, Dialect::Postgres, false, &mut notes).unwrap();
        assert_eq!(
            (s.transaction(), prepared.statements.len()),
            (Transactional, 1)
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn single_transaction_refuses_with_the_advice_that_works() {
        // Only statements that need no transaction: no directive would help.
        let Err(err) = prepare_one(
            &mut step("DROP INDEX CONCURRENTLY i;"),
            Dialect::Postgres,
            true,
            &mut Vec::new(),
        ) else {
            panic!("not refused")
        };
        let ExecuteError::Preflight { message, help, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(
            message.contains("--single-transaction was asked for"),
            "{message}"
        );
        assert_eq!(
            help,
            "run without --single-transaction, or apply up to the version before it first"
        );
        assert!(!help.contains("strata:no-transaction"));
        // Mixed: both are needed.
        let Err(err) = prepare_one(
            &mut step("CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY i ON t (a);"),
            Dialect::Postgres,
            true,
            &mut Vec::new(),
        ) else {
            panic!("not refused")
        };
        let ExecuteError::Preflight { help, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(help.contains("without --single-transaction"), "{help}");
        assert!(help.contains("strata:no-transaction"), "{help}");
    }

    #[test]
    fn script_notes_name_up_scripts_without_statements() {
        let ms = [
            migration("1", "CREATE TABLE a (id int);"),
            migration("2", "-- Replaced by 3\n"),
            migration("3", "ALTER TYPE mood ADD VALUE 'b';\nCOMMIT;\nSELECT 1;"),
        ];
        let notes = script_notes(&ms, Dialect::Postgres);
        assert!(check_scripts(&ms, Dialect::Postgres).is_empty());
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(
            notes[0].to_string(),
            "migration 2 (x) in m/2_x.up.sql has no statements; it will be recorded as applied without running anything"
        );
        assert!(
            matches!(&notes[1], Problem::OwnTransactionControl { version, .. } if version == "3")
        );
    }
}
