//! Error types of the core, one per layer, with public kinds and structured fields.

use crate::DriverError;
use std::fmt;
use std::path::PathBuf;

/// What is wrong with a migrations directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceErrorKind {
    /// The directory or a file could not be read.
    Io,
    /// A `.sql` file whose name fits no migration pattern.
    UnrecognizedFile,
    /// Two migrations with the same version (or two repeatables with the same name).
    DuplicateVersion,
    /// A down script without its up script.
    DownWithoutUp,
    /// A file that is not valid UTF-8.
    InvalidUtf8,
    /// An up script that is still the template `strata new` wrote (not yet written). An up
    /// script without statements is otherwise a valid migration that runs nothing.
    EmptyUp,
    /// A directive comment strata does not know, or in the wrong place.
    BadDirective,
    /// Unterminated quote, dollar quote or comment.
    Syntax,
    /// A diesel `metadata.toml` that cannot be read.
    BadMetadata,
    /// Layouts mixed in one directory, or a layout that does not fit the configured format.
    Layout,
    /// A Flyway placeholder (`${name}`), which strata does not replace.
    Placeholder,
}

/// An error reading migrations: which files, where in them, what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct SourceError {
    /// What kind of problem.
    pub kind: SourceErrorKind,
    /// The files involved (two for duplicates).
    pub paths: Vec<PathBuf>,
    /// 1-based line and column, when the problem is inside a file.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl SourceError {
    /// An error about some files.
    pub fn new(kind: SourceErrorKind, paths: Vec<PathBuf>, message: impl Into<String>) -> Self {
        SourceError {
            kind,
            paths,
            position: None,
            message: message.into(),
            help: None,
        }
    }

    /// Sets the line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.position = Some((line, column));
        self
    }

    /// Sets the advice.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(first) = self.paths.first() {
            write!(f, "{}", first.display())?;
            if let Some((l, c)) = self.position {
                write!(f, ":{l}:{c}")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)?;
        for other in self.paths.iter().skip(1) {
            write!(f, " (also {})", other.display())?;
        }
        Ok(())
    }
}

/// One reason a plan cannot be carried out. Each says what to do next through [`Problem::help`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Problem {
    /// An applied migration whose file changed since.
    Modified {
        /// Version.
        version: String,
        /// Name.
        name: String,
        /// The file.
        path: Option<PathBuf>,
        /// Checksum in the history table.
        applied: String,
        /// Checksum of the file now.
        local: String,
    },
    /// Applied migrations whose files are gone.
    Missing {
        /// Version.
        version: String,
        /// Name.
        name: String,
    },
    /// A pending migration with a version below the highest applied one.
    OutOfOrder {
        /// Version.
        version: String,
        /// Name.
        name: String,
        /// The highest applied version.
        highest_applied: String,
    },
    /// A non-transactional migration that stopped part-way.
    Dirty {
        /// Version.
        version: String,
        /// Name.
        name: String,
        /// Statements completed.
        statements_done: u32,
    },
    /// A migration whose non-transactional down script stopped part-way: `strata down`
    /// resumes it; `up` and `redo` refuse until it is resolved.
    Reverting {
        /// Version.
        version: String,
        /// Name.
        name: String,
        /// Down statements that completed (and stay in effect).
        statements_done: u32,
    },
    /// A revert of a migration that has no down script.
    Irreversible {
        /// Version.
        version: String,
        /// Name.
        name: String,
    },
    /// A target version that no migration has.
    UnknownTarget {
        /// The version asked for.
        version: String,
    },
    /// A non-transactional migration in a `--single-transaction` run.
    NoTransactionInSingleTransaction {
        /// Version.
        version: String,
        /// Name.
        name: String,
    },
    /// `redo` with nothing applied, or `repair` of a version with nothing to repair.
    NothingToDo {
        /// Why.
        reason: String,
    },
    /// A warning: a migration applied without statements (its up script is empty or only
    /// comments) is recorded as applied without running anything.
    NoStatements {
        /// Version (`""` for repeatables).
        version: String,
        /// Name.
        name: String,
        /// The file.
        path: Option<PathBuf>,
    },
    /// A warning: a script that controls its own transaction (a `COMMIT` in the middle, or
    /// statements outside its `BEGIN` ... `COMMIT`) runs as written, statement by statement,
    /// without strata's transaction, like a `-- strata:no-transaction` one.
    OwnTransactionControl {
        /// Version (`""` for repeatables).
        version: String,
        /// Name.
        name: String,
        /// `file:line:col` of the first transaction statement that is not a plain wrapper.
        location: String,
        /// That statement's keyword (`BEGIN`, `COMMIT`, `ROLLBACK`).
        statement: String,
    },
}

impl Problem {
    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            Problem::Modified { version, .. } => format!(
                "restore the file as it was applied, or accept the new text with `strata repair {version} --accept-checksum --reason \"...\"`"
            ),
            Problem::Missing { .. } => "restore the file (e.g. switch back to the branch that has it), or pass --allow-missing; `strata down` can still revert it from the stored down script".into(),
            Problem::OutOfOrder { .. } => "give the file a version above the highest applied one, or pass --allow-out-of-order to apply it anyway".into(),
            Problem::Dirty { version, .. } => format!(
                "fix the failing statement and run `strata up` to resume at it, or finish or undo it by hand and run `strata repair {version}` (add --forget if you undid it)"
            ),
            Problem::Reverting { version, statements_done, .. } => format!(
                "finish reverting with `strata down` (fix the failing down statement first; it resumes at down statement {}), or `strata repair {version}` if you redid the completed down statements by hand (it is applied again), or `strata repair {version} --forget` if you finished the revert by hand",
                statements_done + 1
            ),
            Problem::Irreversible { version, .. } => format!(
                "write a down script for {version}, or undo it by hand and remove its history row with `strata repair {version} --forget`"
            ),
            Problem::UnknownTarget { .. } => "run `strata status` to see the known versions".into(),
            Problem::NoTransactionInSingleTransaction { .. } => {
                "run without --single-transaction, or apply up to the version before it first".into()
            }
            Problem::NothingToDo { .. } => "run `strata status` to see what is applied".into(),
            Problem::NoStatements { .. } => "nothing to do if it is meant to do nothing; otherwise write its statements before applying it".into(),
            Problem::OwnTransactionControl { .. } => "nothing to do if that is intended (a failure stops at the failing statement and `strata up` resumes there); to run it in strata's transaction instead, remove its transaction statements".into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Modified { version, name, path, applied, local } => {
                write!(f, "migration {version} ({name}) was changed after it was applied")?;
                if let Some(p) = path {
                    write!(f, ": {}", p.display())?;
                }
                write!(f, " now has checksum {local}, the history has {applied}")
            }
            Problem::Missing { version, name } if version.is_empty() => {
                write!(f, "repeatable migration R__{name} is applied but its file is missing")
            }
            Problem::Missing { version, name } => {
                write!(f, "migration {version} ({name}) is applied but its file is missing")
            }
            Problem::OutOfOrder { version, name, highest_applied } => write!(
                f,
                "migration {version} ({name}) is pending but {highest_applied} is already applied"
            ),
            Problem::Dirty { version, name, statements_done } => write!(
                f,
                "migration {version} ({name}) is dirty: it failed after {statements_done} statement(s) completed"
            ),
            Problem::Reverting { version, name, statements_done } => write!(
                f,
                "migration {version} ({name}) is dirty: its down script failed after {statements_done} statement(s) completed, so it is partly reverted"
            ),
            Problem::Irreversible { version, name } => {
                write!(f, "migration {version} ({name}) has no down script")
            }
            Problem::UnknownTarget { version } => write!(f, "no migration has version {version}"),
            Problem::NoTransactionInSingleTransaction { version, name } => write!(
                f,
                "migration {version} ({name}) cannot run inside a transaction, but --single-transaction was asked for"
            ),
            Problem::NothingToDo { reason } => f.write_str(reason),
            Problem::NoStatements { version, name, path } => {
                let what = match version.as_str() {
                    "" => format!("repeatable migration R__{name}"),
                    v => format!("migration {v} ({name})"),
                };
                write!(f, "{what}")?;
                if let Some(p) = path {
                    write!(f, " in {}", p.display())?;
                }
                f.write_str(" has no statements; it will be recorded as applied without running anything")
            }
            Problem::OwnTransactionControl { version, name, location, statement } => {
                let what = match version.as_str() {
                    "" => format!("repeatable migration R__{name}"),
                    v => format!("migration {v} ({name})"),
                };
                write!(
                    f,
                    "{location}: {what} controls its own transaction ({statement} here), so it runs as written, statement by statement, outside strata's transaction, like a `-- strata:no-transaction` file"
                )
            }
        }
    }
}

/// The plan cannot be carried out; every problem found is listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct PlanError {
    /// All problems, in version order.
    pub problems: Vec<Problem>,
}

impl PlanError {
    /// A plan error from problems.
    pub fn new(problems: Vec<Problem>) -> Self {
        PlanError { problems }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// A run failed. The [`Report`](crate::Report) returned beside it says what was done before.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExecuteError {
    /// The migrations could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The plan has problems; nothing was run.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A statement cannot run where it would run (e.g. `VACUUM` inside a transaction); nothing
    /// was run.
    #[error("{location}: {message}")]
    Preflight {
        /// `file:line:col` of the statement.
        location: String,
        /// What is wrong.
        message: String,
        /// What to do.
        help: String,
    },
    /// The database failed outside a migration (connect, lock, history).
    #[error(transparent)]
    Driver(#[from] DriverError),
    /// A migration failed.
    #[error(transparent)]
    Migration(Box<MigrationFailure>),
}

impl ExecuteError {
    /// What to do next, when there is advice.
    pub fn help(&self) -> Option<String> {
        match self {
            ExecuteError::Source(e) => e.help.clone(),
            ExecuteError::Plan(e) => Some(
                e.problems
                    .iter()
                    .map(Problem::help)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            ExecuteError::Preflight { help, .. } => Some(help.clone()),
            ExecuteError::Migration(m) => Some(m.help.clone()),
            ExecuteError::Driver(e) => e.hint.clone(),
        }
    }
}

/// Where and how a migration failed, with what it left behind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{label} failed at {location}: {source}")]
#[non_exhaustive]
pub struct MigrationFailure {
    /// `0003_add_users` or `R__views`.
    pub label: String,
    /// `up` or `down`.
    pub direction: &'static str,
    /// `file:line:col` of the failing statement (or of the error position within it).
    pub location: String,
    /// 1-based index of the failing statement in its script.
    pub statement: usize,
    /// The text of the failing statement.
    pub sql: String,
    /// The full script text, the byte offset of the error in it, and the script's line offset
    /// in its file, for a code frame.
    pub frame: Option<(String, usize, usize)>,
    /// The database's error.
    pub source: DriverError,
    /// What state it was left in and what to do next.
    pub help: String,
}
