//! Operations that change the history without running migrations: baseline, mark-applied,
//! repair. Each takes the lock like a run does.

use super::Executor;
use crate::{
    AppliedKind, AppliedMigration, AppliedStatus, ExecuteError, HistoryChange, HistoryRow,
    Migration, PlanError, Problem, RowKey, Version, TOOL_VERSION,
};

/// What `repair` did to one row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RepairAction {
    /// A dirty migration was marked applied (the operator finished it by hand).
    Resolved,
    /// A dirty migration's row was removed (the operator undid it by hand).
    Forgotten,
    /// The stored checksum was replaced by the file's.
    ChecksumAccepted,
}

/// One row changed by `repair`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Repair {
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
    /// What was done.
    pub action: RepairAction,
}

pub(super) fn key_of(a: &AppliedMigration) -> RowKey {
    RowKey {
        version: a.version_str().to_string(),
        name: a.name.clone(),
    }
}

/// The row `a` as stored, with a new status: who applied it, when, its checksum and its
/// stored down script stay (a partly reverted migration keeps the down script it was applied
/// with, so `down` can resume from it when the file is gone).
pub(super) fn kept_row(a: &AppliedMigration, status: AppliedStatus) -> HistoryRow {
    HistoryRow {
        version: a.version_str().to_string(),
        name: a.name.clone(),
        kind: a.kind,
        checksum: a.checksum.as_ref().map(|c| c.as_str().to_string()),
        batch: a.batch,
        status,
        applied_by: a.applied_by.clone(),
        applied_at: Some(a.applied_at.clone()).filter(|t| !t.is_empty()),
        execution_ms: a.execution_ms,
        down_script: a.down_script.clone(),
        note: a.note.clone(),
        tool_version: a.tool_version.clone(),
    }
}

fn nothing(reason: String) -> ExecuteError {
    PlanError::new(vec![Problem::NothingToDo { reason }]).into()
}

impl Executor<'_> {
    fn row(&self, version: &str, name: &str, kind: AppliedKind) -> HistoryRow {
        HistoryRow {
            version: version.to_string(),
            name: name.to_string(),
            kind,
            checksum: None,
            batch: 0,
            status: AppliedStatus::Applied,
            applied_by: self.options.applied_by.clone(),
            applied_at: None,
            execution_ms: 0,
            down_script: None,
            note: None,
            tool_version: TOOL_VERSION.to_string(),
        }
    }

    async fn with_lock<T>(
        &mut self,
        f: impl AsyncFnOnce(&mut Self, Vec<AppliedMigration>) -> Result<T, ExecuteError>,
    ) -> Result<T, ExecuteError> {
        let history = self.locked_history().await?;
        let r = f(self, history).await;
        let unlocked = self.driver.unlock().await;
        let r = r?;
        unlocked?;
        Ok(r)
    }

    /// `strata baseline V`: records that the database already has everything up to `version`
    /// (adopting an existing database). Refused when the history already has migrations.
    pub async fn baseline(
        &mut self,
        version: &Version,
        reason: Option<&str>,
    ) -> Result<(), ExecuteError> {
        self.with_lock(async |this, history| {
            if let Some(a) = history.iter().find(|a| a.kind != AppliedKind::Repeatable) {
                return Err(nothing(format!(
                    "the history already has {} ({}); a baseline only starts a history",
                    a.version_str(),
                    a.name
                )));
            }
            let mut row = this.row(version.as_str(), "baseline", AppliedKind::Baseline);
            row.batch = 1;
            row.note = Some(note("baseline", &this.options.applied_by, reason));
            this.driver.record(&HistoryChange::Insert(row)).await?;
            Ok(())
        })
        .await
    }

    /// `strata mark-applied V`: records the local migration `version` as applied without running
    /// it (it was applied by hand or by another tool). Its down script is stored as usual.
    pub async fn mark_applied(
        &mut self,
        local: &[Migration],
        version: &Version,
        reason: Option<&str>,
    ) -> Result<(), ExecuteError> {
        // The migration whose version is written as given, else one with its value (diesel keeps
        // `0` and `00` as two migrations).
        let m = local
            .iter()
            .find(|m| m.version_str() == version.as_str())
            .or_else(|| local.iter().find(|m| m.version.as_ref() == Some(version)))
            .ok_or_else(|| {
                ExecuteError::from(PlanError::new(vec![Problem::UnknownTarget {
                    version: version.to_string(),
                }]))
            })?;
        self.with_lock(async |this, history| {
            // A row is this migration's when written the same way, or with the same value unless
            // another local migration is written like the row.
            let taken = history.iter().find(|a| {
                a.version_str() == m.version_str()
                    || (a.version == m.version
                        && !local.iter().any(|o| o.version_str() == a.version_str()))
            });
            if let Some(a) = taken {
                return Err(nothing(format!(
                    "{} ({}) is already in the history",
                    a.version_str(),
                    a.name
                )));
            }
            let mut row = this.row(m.version_str(), &m.name, AppliedKind::Versioned);
            row.checksum = Some(m.checksum.as_str().to_string());
            row.batch = history.iter().map(|a| a.batch).max().unwrap_or(0) + 1;
            row.down_script = m.down.as_ref().map(super::stored_down);
            row.note = Some(note(
                "marked applied without running",
                &this.options.applied_by,
                reason,
            ));
            this.driver.record(&HistoryChange::Insert(row)).await?;
            Ok(())
        })
        .await
    }

    /// `strata repair [V]`: resolves a dirty migration (marks it applied, or with `forget`
    /// removes its row) and, with `accept_checksum`, stores the file's checksum for a modified
    /// one. Without `version`, repairs every dirty row (and every modified one when accepting).
    /// `forget` with a `version` removes that row whatever its state (the operator undid the
    /// migration by hand, or a `mark-applied`/`baseline` row was a mistake); nothing is run.
    pub async fn repair(
        &mut self,
        local: &[Migration],
        version: Option<&Version>,
        accept_checksum: bool,
        forget: bool,
        reason: Option<&str>,
    ) -> Result<Vec<Repair>, ExecuteError> {
        self.with_lock(async |this, history| {
            let mut done = Vec::new();
            // A version given as written selects the row written so when there is one (diesel
            // keeps `0` and `00` as two migrations); else every row with its value.
            let exact =
                version.is_some_and(|v| history.iter().any(|a| a.version_str() == v.as_str()));
            let rows: Vec<&AppliedMigration> = history
                .iter()
                .filter(|a| a.kind != AppliedKind::Baseline || (forget && version.is_some()))
                .filter(|a| {
                    version.is_none_or(|v| match exact {
                        true => a.version_str() == v.as_str(),
                        false => a.version.as_ref() == Some(v),
                    })
                })
                .collect();
            if rows.is_empty() {
                return Err(nothing(match version {
                    Some(v) => format!("{v} is not in the history"),
                    None => "the history is empty".into(),
                }));
            }
            for a in rows {
                let file = local
                    .iter()
                    .find(|m| m.version.is_some() && m.version_str() == a.version_str())
                    .or_else(|| {
                        local.iter().find(|m| match (&m.version, &a.version) {
                            (Some(x), Some(y)) => x == y,
                            (None, None) => m.name == a.name,
                            _ => false,
                        })
                    });
                let modified =
                    file.is_some_and(|m| a.checksum.as_ref().is_some_and(|c| *c != m.checksum));
                // `--forget` with an explicit version removes any row (a wrong mark-applied or
                // baseline, or an applied migration undone by hand); without one, dirty rows only.
                let action = if forget && (a.is_dirty() || version.is_some()) {
                    RepairAction::Forgotten
                } else if a.is_dirty() {
                    RepairAction::Resolved
                } else if modified && accept_checksum {
                    RepairAction::ChecksumAccepted
                } else {
                    continue;
                };
                let change = if action == RepairAction::Forgotten {
                    HistoryChange::Delete(key_of(a))
                } else {
                    let mut row = this.row(a.version_str(), &a.name, a.kind);
                    // The row still records when and by whom it was applied; the note says
                    // who repaired it.
                    row.applied_at = Some(a.applied_at.clone()).filter(|t| !t.is_empty());
                    row.applied_by = a.applied_by.clone();
                    row.batch = a.batch;
                    row.execution_ms = a.execution_ms;
                    row.checksum = a.checksum.as_ref().map(|c| c.as_str().to_string());
                    row.down_script = a.down_script.clone();
                    if let Some(m) = file {
                        if action == RepairAction::ChecksumAccepted || accept_checksum {
                            row.checksum = Some(m.checksum.as_str().to_string());
                            row.down_script = m.down.as_ref().map(super::stored_down);
                        }
                    }
                    let what = match action {
                        RepairAction::Resolved if a.is_reverting() => {
                            "partly reverted migration marked applied"
                        }
                        RepairAction::Resolved => "dirty migration marked applied",
                        _ => "changed checksum accepted",
                    };
                    row.note = Some(note(what, &this.options.applied_by, reason));
                    HistoryChange::Replace {
                        key: key_of(a),
                        row,
                    }
                };
                this.driver.record(&change).await?;
                done.push(Repair {
                    version: a.version_str().to_string(),
                    name: a.name.clone(),
                    action,
                });
            }
            if done.is_empty() {
                return Err(nothing(match version {
                    Some(v) if !accept_checksum => {
                        format!("{v} is not dirty; to accept a changed file pass --accept-checksum")
                    }
                    Some(v) => format!("{v} is neither dirty nor modified"),
                    None => "no migration is dirty or modified".into(),
                }));
            }
            Ok(done)
        })
        .await
    }
}

fn note(what: &str, who: &str, reason: Option<&str>) -> String {
    match reason {
        Some(r) if !r.trim().is_empty() => format!("{what} by {who}: {}", r.trim()),
        _ => format!("{what} by {who}"),
    }
}
