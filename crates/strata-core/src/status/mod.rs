//! The state of every migration, local or applied, for `status` and `validate`.

mod matching;
#[cfg(test)]
mod tests;

pub(crate) use matching::{analyze, Analysis, Item, Order};

use crate::{AppliedMigration, Migration, MigrationKind};
use std::path::PathBuf;

/// The state of one migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum MigrationState {
    /// Applied, and the file matches (also versions covered by a baseline).
    Applied,
    /// Not applied yet (or a repeatable whose text changed).
    Pending,
    /// Applied, but the file changed since.
    Modified,
    /// Applied, but the file is gone.
    Missing,
    /// A non-transactional migration that stopped part-way.
    Dirty,
    /// Pending, with a version below the highest applied one.
    OutOfOrder,
}

impl MigrationState {
    /// The name used in output (`out-of-order`).
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationState::Applied => "applied",
            MigrationState::Pending => "pending",
            MigrationState::Modified => "modified",
            MigrationState::Missing => "missing",
            MigrationState::Dirty => "dirty",
            MigrationState::OutOfOrder => "out-of-order",
        }
    }
}

/// One line of `status`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct StatusEntry {
    /// Version as text (`""` for repeatables).
    pub version: String,
    /// Name.
    pub name: String,
    /// Versioned or repeatable (baseline rows are listed as versioned with a note).
    pub kind: MigrationKind,
    /// The state.
    pub status: MigrationState,
    /// Batch, when applied.
    pub batch: Option<i64>,
    /// When applied.
    pub applied_at: Option<String>,
    /// Who applied it.
    pub applied_by: Option<String>,
    /// The local file, when there is one.
    pub path: Option<PathBuf>,
    /// For dirty migrations: statements done (of the down script when `reverting`).
    pub statements_done: Option<u32>,
    /// A dirty migration whose down script stopped part-way: `strata down` resumes it.
    /// Serialized only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reverting: bool,
    /// Extra information (`covered by baseline 20`, `changed since applied`, `baseline`).
    pub note: Option<String>,
}

/// The state of every migration, sorted: versioned by version, then repeatables by name.
///
/// Each local migration appears once, each history row without a local file appears once (as
/// `missing`, or as `applied` with a `baseline` note for baseline rows). Local versions at or
/// below a baseline count as applied. A baseline row is never matched with a file, so a file at
/// exactly the baseline version is listed too (covered by it), just before the baseline row.
///
/// A dirty row is `dirty` whether or not its file exists or changed, also when it is its down
/// script that stopped part-way (`reverting`). A repeatable row without a
/// file is `missing`, like a versioned one. When strata has no note of its own for an entry,
/// the note of its history row (`marked applied`, a repair reason) is shown.
pub fn status(local: &[Migration], applied: &[AppliedMigration]) -> Vec<StatusEntry> {
    analyze(local, applied).items.iter().map(entry).collect()
}

fn entry(item: &Item<'_>) -> StatusEntry {
    // The row that says when and by whom: its own, or the baseline covering it.
    let row = item.row.or(item.baseline);
    StatusEntry {
        version: item.version_str().to_string(),
        name: item.name().to_string(),
        kind: item.kind(),
        status: item.state,
        batch: row.map(|r| r.batch),
        applied_at: row.map(|r| r.applied_at.clone()),
        applied_by: row.map(|r| r.applied_by.clone()),
        path: item.local.and_then(Migration::path).map(PathBuf::from),
        statements_done: item.statements_done(),
        reverting: item.reverting(),
        note: item
            .note
            .clone()
            .or_else(|| item.row.and_then(|r| r.note.clone())),
    }
}
