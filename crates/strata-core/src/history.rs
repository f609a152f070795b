//! Changes the executor asks a driver to make to the history table.

use crate::{AppliedKind, AppliedStatus};

/// The values of one history row as the core writes it. The driver adds `applied_at` (the
/// database's clock) when it writes the row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistoryRow {
    /// Version as text; `""` for repeatable migrations.
    pub version: String,
    /// Migration name.
    pub name: String,
    /// Versioned, repeatable or baseline.
    pub kind: AppliedKind,
    /// Checksum of the up script (`sha256:...`).
    pub checksum: Option<String>,
    /// The run that wrote it.
    pub batch: i64,
    /// Applied, or dirty with the statements done.
    pub status: AppliedStatus,
    /// Who wrote it.
    pub applied_by: String,
    /// When it was applied (RFC 3339); `None`: now, by the database's clock. Set when a row is
    /// rewritten without re-applying its migration (`repair`), so the record keeps its time.
    pub applied_at: Option<String>,
    /// Execution time in milliseconds.
    pub execution_ms: i64,
    /// The down script as applied.
    pub down_script: Option<String>,
    /// A free-form note (repair reason, "marked applied", ...).
    pub note: Option<String>,
    /// The tool version writing the row.
    pub tool_version: String,
}

/// The key of an existing row: version and name exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowKey {
    /// Version as stored (`""` for repeatable rows).
    pub version: String,
    /// Name as stored.
    pub name: String,
}

/// One change to the history table.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HistoryChange {
    /// Add a row.
    Insert(HistoryRow),
    /// Overwrite the row with this key (resume progress, repeatable re-run, repair).
    Replace {
        /// The row to overwrite.
        key: RowKey,
        /// Its new values.
        row: HistoryRow,
    },
    /// Remove the row with this key (after a revert, or `repair --forget`).
    Delete(RowKey),
}

impl HistoryRow {
    /// The key this row will be stored under.
    pub fn key(&self) -> RowKey {
        RowKey {
            version: self.version.clone(),
            name: self.name.clone(),
        }
    }
}
