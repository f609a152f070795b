//! What the history table says was applied.

use crate::{Checksum, Version};

/// The kind of a history row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AppliedKind {
    /// A versioned migration.
    Versioned,
    /// A repeatable migration (one row, updated each time it re-runs).
    Repeatable,
    /// `strata baseline V`: every version up to V counts as applied.
    Baseline,
}

impl AppliedKind {
    /// The name stored in the history table.
    pub fn as_str(self) -> &'static str {
        match self {
            AppliedKind::Versioned => "versioned",
            AppliedKind::Repeatable => "repeatable",
            AppliedKind::Baseline => "baseline",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<AppliedKind> {
        Some(match s {
            "versioned" => AppliedKind::Versioned,
            "repeatable" => AppliedKind::Repeatable,
            "baseline" => AppliedKind::Baseline,
            _ => return None,
        })
    }
}

/// Whether a migration finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
#[non_exhaustive]
pub enum AppliedStatus {
    /// Completely applied.
    Applied,
    /// A non-transactional migration that stopped part-way: `statements_done` statements of its
    /// up script completed.
    Dirty {
        /// Statements that completed before it stopped.
        statements_done: u32,
    },
    /// A non-transactional down script that stopped part-way: `statements_done` statements of
    /// it completed and stay in effect; `strata down` resumes after them. Stored as status
    /// `reverting` (older rows never have it, so they read as before).
    Reverting {
        /// Down statements that completed before it stopped.
        statements_done: u32,
    },
}

impl AppliedStatus {
    /// The name stored in the history table's `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            AppliedStatus::Applied => "applied",
            AppliedStatus::Dirty { .. } => "dirty",
            AppliedStatus::Reverting { .. } => "reverting",
        }
    }

    /// Parses the stored `status` and `statements_done` columns.
    pub fn parse(status: &str, statements_done: Option<i64>) -> Option<AppliedStatus> {
        let statements_done = statements_done.unwrap_or(0).clamp(0, u32::MAX as i64) as u32;
        Some(match status {
            "applied" => AppliedStatus::Applied,
            "dirty" => AppliedStatus::Dirty { statements_done },
            "reverting" => AppliedStatus::Reverting { statements_done },
            _ => return None,
        })
    }

    /// The stored `statements_done` column: the statements done of a dirty or reverting row.
    pub fn statements_done(self) -> Option<u32> {
        match self {
            AppliedStatus::Applied => None,
            AppliedStatus::Dirty { statements_done }
            | AppliedStatus::Reverting { statements_done } => Some(statements_done),
        }
    }
}

/// One row of the history table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct AppliedMigration {
    /// The version as stored (`None` for repeatable rows).
    pub version: Option<Version>,
    /// The name at the time it was applied.
    pub name: String,
    /// Versioned, repeatable or baseline.
    pub kind: AppliedKind,
    /// Checksum of the up script as applied (`None` for baseline and mark-applied rows without
    /// a file).
    pub checksum: Option<Checksum>,
    /// The `up` run that applied it; `down --batch` reverts the highest batch.
    pub batch: i64,
    /// Applied or dirty.
    pub status: AppliedStatus,
    /// When it was applied, RFC 3339 UTC.
    pub applied_at: String,
    /// Who applied it (database user and OS user).
    pub applied_by: String,
    /// How long it took, in milliseconds.
    pub execution_ms: i64,
    /// The down script as it was when applied, so a rollback works from any checkout.
    pub down_script: Option<String>,
    /// The strata version that wrote the row.
    pub tool_version: String,
    /// Notes such as `repaired by alice: fixed by hand` or `marked applied`.
    pub note: Option<String>,
}

impl AppliedMigration {
    /// A row for tests and drivers; the remaining fields take neutral values.
    pub fn new(version: Option<Version>, name: impl Into<String>, kind: AppliedKind) -> Self {
        AppliedMigration {
            version,
            name: name.into(),
            kind,
            checksum: None,
            batch: 1,
            status: AppliedStatus::Applied,
            applied_at: String::new(),
            applied_by: String::new(),
            execution_ms: 0,
            down_script: None,
            tool_version: String::new(),
            note: None,
        }
    }

    /// Sets the checksum.
    pub fn with_checksum(mut self, c: Checksum) -> Self {
        self.checksum = Some(c);
        self
    }

    /// Sets the batch.
    pub fn with_batch(mut self, batch: i64) -> Self {
        self.batch = batch;
        self
    }

    /// Sets the status.
    pub fn with_status(mut self, status: AppliedStatus) -> Self {
        self.status = status;
        self
    }

    /// Sets the stored down script.
    pub fn with_down_script(mut self, down: Option<String>) -> Self {
        self.down_script = down;
        self
    }

    /// The version as text (`""` for repeatable rows).
    pub fn version_str(&self) -> &str {
        self.version.as_ref().map(Version::as_str).unwrap_or("")
    }

    /// True when the row is dirty: its up script (or, when [reverting](Self::is_reverting),
    /// its down script) stopped part-way.
    pub fn is_dirty(&self) -> bool {
        !matches!(self.status, AppliedStatus::Applied)
    }

    /// True when its down script stopped part-way ([`AppliedStatus::Reverting`]).
    pub fn is_reverting(&self) -> bool {
        matches!(self.status, AppliedStatus::Reverting { .. })
    }
}
