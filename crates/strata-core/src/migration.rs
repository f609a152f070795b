//! One migration: its version, name, up and down scripts, and how it must run.

use crate::{Checksum, Version};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Versioned migrations run once, in version order; repeatable ones (Flyway `R__`) run after
/// them whenever their checksum changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum MigrationKind {
    /// Runs once, ordered by version.
    Versioned,
    /// Runs again whenever its text changes, after all versioned migrations.
    Repeatable,
}

impl MigrationKind {
    /// The name stored in the history table.
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationKind::Versioned => "versioned",
            MigrationKind::Repeatable => "repeatable",
        }
    }
}

/// Whether a migration runs in one transaction with its history row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum TransactionMode {
    /// The default: all statements and the history row commit together or not at all.
    Transactional,
    /// Marked `-- strata:no-transaction` (or dbmate's `transaction:false`, sqlx's
    /// `-- no-transaction`, diesel's `run_in_transaction = false`): statements run one by one
    /// and the history row records how many are done, so a failed run can resume.
    None,
}

/// Where a migration's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// Read from files.
    Files {
        /// The file holding the up script.
        up: PathBuf,
        /// The file holding the down script, when it is a separate file.
        down: Option<PathBuf>,
    },
    /// Compiled into a binary or built in memory.
    Embedded,
}

/// Timeouts a script sets for its own statements (`-- strata:lock-timeout`,
/// `-- strata:statement-timeout`), in place of the ones the project configures. `None` keeps
/// the project's; zero turns the timeout off. Engines without such settings ignore them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Timeouts {
    /// How long a statement waits for a lock (PostgreSQL `lock_timeout`).
    pub lock: Option<Duration>,
    /// How long a statement may run (PostgreSQL `statement_timeout`).
    pub statement: Option<Duration>,
}

impl Timeouts {
    /// Timeouts; `None` keeps the project's.
    pub fn new(lock: Option<Duration>, statement: Option<Duration>) -> Timeouts {
        Timeouts { lock, statement }
    }

    /// True when the script sets neither timeout.
    pub fn is_unset(&self) -> bool {
        self.lock.is_none() && self.statement.is_none()
    }
}

/// One script (the up, down or verify part of a migration).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Script {
    /// The SQL, normalized (no byte-order mark, LF line endings).
    pub sql: String,
    /// The file it was read from, for error messages.
    pub path: Option<PathBuf>,
    /// Lines of the file before this script starts (a dbmate `-- migrate:down` section starts
    /// part-way through its file); added to line numbers when reporting positions.
    pub line_offset: usize,
    /// Whether this script runs in a transaction (each script may carry its own directive).
    pub transaction: TransactionMode,
    /// Timeouts for this script's statements, from its directives.
    pub timeouts: Timeouts,
}

impl Script {
    /// A transactional script with its text and the file it came from.
    pub fn new(sql: impl Into<String>, path: Option<PathBuf>, line_offset: usize) -> Script {
        Script {
            sql: sql.into(),
            path,
            line_offset,
            transaction: TransactionMode::Transactional,
            timeouts: Timeouts::default(),
        }
    }

    /// A script as stored in a history table (a down script kept for reverting without its
    /// file): its own directives say how it runs. Directives that cannot be read are ignored;
    /// the text was read from a file once, where they were checked.
    pub fn stored(sql: impl Into<String>) -> Script {
        let sql = sql.into();
        let (mode, timeouts) = match strata_sql::parse_directives(&sql) {
            Ok(d) => (
                if d.no_transaction {
                    TransactionMode::None
                } else {
                    TransactionMode::Transactional
                },
                Timeouts::new(d.lock_timeout, d.statement_timeout),
            ),
            Err(_) => (TransactionMode::Transactional, Timeouts::default()),
        };
        Script::new(sql, None, 0)
            .with_transaction(mode)
            .with_timeouts(timeouts)
    }

    /// Sets the transaction mode.
    pub fn with_transaction(mut self, mode: TransactionMode) -> Script {
        self.transaction = mode;
        self
    }

    /// The text to store in a history table for this script, so that [`Script::stored`] reads
    /// it back running the same way: directives that came from elsewhere (dbmate's
    /// `transaction:false` on the up marker, diesel's metadata, a timeout directive in the other
    /// section of a single file) are written into it.
    pub fn stored_text(&self) -> String {
        let own = strata_sql::parse_directives(&self.sql).unwrap_or_default();
        let mut head = String::new();
        if self.transaction == TransactionMode::None && !own.no_transaction {
            head.push_str("-- strata:no-transaction\n");
        }
        for (name, value, written) in [
            ("lock-timeout", self.timeouts.lock, own.lock_timeout),
            (
                "statement-timeout",
                self.timeouts.statement,
                own.statement_timeout,
            ),
        ] {
            if let (Some(v), None) = (value, written) {
                head.push_str(&format!("-- strata:{name} {}ms\n", v.as_millis()));
            }
        }
        head + &self.sql
    }

    /// Sets the timeouts.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Script {
        self.timeouts = timeouts;
        self
    }

    /// True when the script holds nothing but whitespace and comments.
    pub fn is_blank(&self) -> bool {
        strata_sql::is_blank(&self.sql)
    }

    /// `file:line:col` (or `line:col` with no file) of a byte offset into [`Script::sql`].
    pub fn locate(&self, offset: usize) -> String {
        let lc = strata_sql::line_col(&self.sql, offset);
        let line = lc.line + self.line_offset;
        match &self.path {
            Some(p) => format!("{}:{}:{}", p.display(), line, lc.column),
            None => format!("{}:{}", line, lc.column),
        }
    }
}

/// One migration: a versioned or repeatable unit with its up script and optional down and verify
/// scripts. Up and down are parts of one value, never two entries in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Migration {
    /// The version; `None` for repeatable migrations.
    pub version: Option<Version>,
    /// The descriptive name (`create_users`).
    pub name: String,
    /// Versioned or repeatable.
    pub kind: MigrationKind,
    /// The script that applies it.
    pub up: Script,
    /// The script that reverts it; `None` when none was written. A blank down means "nothing to
    /// undo" and reverts successfully.
    pub down: Option<Script>,
    /// Checks to run after applying it (`-- strata:verify` section or `.verify.sql` file).
    pub verify: Option<Script>,
    /// Checksum of the up script.
    pub checksum: Checksum,
    /// Where it came from.
    pub origin: Origin,
}

impl Migration {
    /// A versioned migration; the checksum is computed from `up`.
    pub fn versioned(version: Version, name: impl Into<String>, up: Script) -> Migration {
        Migration::build(Some(version), name.into(), up)
    }

    /// A repeatable migration; the checksum is computed from `up`.
    pub fn repeatable(name: impl Into<String>, up: Script) -> Migration {
        Migration::build(None, name.into(), up)
    }

    fn build(version: Option<Version>, name: String, up: Script) -> Migration {
        let checksum = Checksum::of(&up.sql);
        Migration::with_checksum(version, name, up, checksum)
    }

    /// A migration whose up script's checksum is already known (`Checksum::of(&up.sql)`):
    /// versioned with a version, repeatable without.
    pub(crate) fn with_checksum(
        version: Option<Version>,
        name: String,
        up: Script,
        checksum: Checksum,
    ) -> Migration {
        let kind = match version {
            Some(_) => MigrationKind::Versioned,
            None => MigrationKind::Repeatable,
        };
        let origin = match &up.path {
            Some(p) => Origin::Files {
                up: p.clone(),
                down: None,
            },
            None => Origin::Embedded,
        };
        Migration {
            version,
            name,
            kind,
            up,
            down: None,
            verify: None,
            checksum,
            origin,
        }
    }

    /// Sets the down script.
    pub fn with_down(mut self, down: Option<Script>) -> Migration {
        if let (Origin::Files { down: d, .. }, Some(Script { path: Some(p), .. })) =
            (&mut self.origin, &down)
        {
            *d = Some(p.clone());
        }
        self.down = down;
        self
    }

    /// Sets the verify script.
    pub fn with_verify(mut self, verify: Option<Script>) -> Migration {
        self.verify = verify;
        self
    }

    /// Whether the up script runs in a transaction.
    pub fn transaction(&self) -> TransactionMode {
        self.up.transaction
    }

    /// The version as text, or `""` for repeatable migrations (as stored in the history table).
    pub fn version_str(&self) -> &str {
        self.version.as_ref().map(Version::as_str).unwrap_or("")
    }

    /// The file holding the up script, if any.
    pub fn path(&self) -> Option<&Path> {
        self.up.path.as_deref()
    }

    /// A label for messages: `0003_add_users` or `R__views`.
    pub fn label(&self) -> String {
        match &self.version {
            Some(v) => format!("{}_{}", v, self.name),
            None => format!("R__{}", self.name),
        }
    }
}
