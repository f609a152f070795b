//! Round trip: for every migration, up, down, and up again, proving that each down restores
//! the schema its up started from, and that applying it again gives the same schema.

use super::{apply, introspect, without_history, Change, Filter, Schema, Scratch};
use crate::{ConnectOptions, ExecuteError, Migration, MigrationFailure, Target, Version};
use serde::Serialize;

/// Which comparison failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RoundtripPhase {
    /// After the down: the schema differs from the one before the up.
    Down,
    /// After the up again: the schema differs from the one after the first up.
    Reapply,
    /// Its up script failed on the scratch database.
    UpFailed,
    /// Its down script failed.
    DownFailed,
    /// Its up script failed when applied again after its down.
    ReapplyFailed,
}

/// One migration's result.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RoundtripStep {
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
    /// `passed`, `no-down` (applied only: nothing to check), `applied` (before `--from`) or
    /// `failed`.
    pub outcome: &'static str,
}

/// The first migration whose round trip failed.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RoundtripFailure {
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
    /// Which comparison failed.
    pub phase: RoundtripPhase,
    /// What differs, from the expected schema to the one found (empty when a script failed).
    pub changes: Vec<Change>,
    /// The script's error, for the `*-failed` phases. Its help speaks of the scratch database.
    #[serde(skip)]
    pub error: Option<ExecuteError>,
}

/// What [`roundtrip`] found.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct RoundtripReport {
    /// Every migration reached, in order.
    pub steps: Vec<RoundtripStep>,
    /// The first failure; the check stops there.
    pub failure: Option<RoundtripFailure>,
}

/// Runs the round trip of every versioned migration (those before `from` are only applied) in
/// a scratch database on the server of `scratch_server`.
pub async fn roundtrip(
    scratch_server: &str,
    migrations: &[Migration],
    options: &ConnectOptions,
    filter: &Filter,
    from: Option<&Version>,
) -> Result<RoundtripReport, ExecuteError> {
    let versioned: Vec<Migration> = migrations
        .iter()
        .filter(|m| m.version.is_some())
        .cloned()
        .collect();
    let filter = without_history(filter.clone(), options);
    Scratch::with(scratch_server, async |scratch: &Scratch| {
        let url = scratch.url();
        let read = async |url: &str| -> Result<Schema, ExecuteError> {
            Ok(introspect(url, &filter).await?)
        };
        let mut report = RoundtripReport::default();
        let mut before = read(url).await?;
        for (i, m) in versioned.iter().enumerate() {
            let version = m.version.clone().expect("versioned");
            // Exactly the migrations up to this one: a target version would also take a
            // migration whose version has the same value (diesel's `0` and `00`).
            let known = &versioned[..=i];
            let up_to = Target::Up { to: None };
            let step = |outcome| RoundtripStep {
                version: version.to_string(),
                name: m.name.clone(),
                outcome,
            };
            let failure = |phase, changes: Vec<Change>, error| RoundtripFailure {
                version: version.to_string(),
                name: m.name.clone(),
                phase,
                changes,
                error,
            };
            // A script of this migration that fails is a finding of the round trip, not an
            // error of the command; anything else (connection, an earlier migration) is.
            let found = |result: Result<(), ExecuteError>, phase| match result {
                Ok(()) => Ok(None),
                Err(ExecuteError::Migration(f)) => {
                    Ok(Some(failure(phase, Vec::new(), Some(in_scratch(*f)))))
                }
                Err(e) => Err(e),
            };
            if let Some(f) = found(
                apply(url, known, &up_to, options).await,
                RoundtripPhase::UpFailed,
            )? {
                report.steps.push(step("failed"));
                report.failure = Some(f);
                return Ok(report);
            }
            let after_up = read(url).await?;
            let checked = from.is_none_or(|f| &version >= f);
            if !checked || m.down.is_none() {
                report
                    .steps
                    .push(step(if checked { "no-down" } else { "applied" }));
                before = after_up;
                continue;
            }
            if let Some(f) = found(
                apply(url, known, &Target::DownCount(1), options).await,
                RoundtripPhase::DownFailed,
            )? {
                report.steps.push(step("failed"));
                report.failure = Some(f);
                return Ok(report);
            }
            let after_down = read(url).await?;
            let changes = real(super::diff(&before, &after_down));
            if !changes.is_empty() {
                report.steps.push(step("failed"));
                report.failure = Some(failure(RoundtripPhase::Down, changes, None));
                return Ok(report);
            }
            if let Some(f) = found(
                apply(url, known, &up_to, options).await,
                RoundtripPhase::ReapplyFailed,
            )? {
                report.steps.push(step("failed"));
                report.failure = Some(f);
                return Ok(report);
            }
            let again = read(url).await?;
            let changes = real(super::diff(&after_up, &again));
            if !changes.is_empty() {
                report.steps.push(step("failed"));
                report.failure = Some(failure(RoundtripPhase::Reapply, changes, None));
                return Ok(report);
            }
            report.steps.push(step("passed"));
            before = again;
        }
        Ok(report)
    })
    .await
}

/// The failure with advice for the round trip: the database it ran in is a scratch one that is
/// dropped, so the fix is in the file.
fn in_scratch(mut f: MigrationFailure) -> ExecuteError {
    f.help = format!(
        "fix the {} script and run `strata check roundtrip` again (this ran in a scratch database, which has been dropped)",
        f.direction
    );
    ExecuteError::Migration(Box::new(f))
}

fn real(changes: Vec<Change>) -> Vec<Change> {
    changes.into_iter().filter(Change::is_difference).collect()
}
