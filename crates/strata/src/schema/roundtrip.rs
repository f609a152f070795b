//! Round trip: for every migration, up, down, and up again, proving that each down restores
//! the schema its up started from, and that applying it again gives the same schema.

use super::{apply, introspect, without_history, Change, Filter, Schema, Scratch};
use crate::{ConnectOptions, ExecuteError, Migration, Target, Version};
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
    /// What differs, from the expected schema to the one found.
    pub changes: Vec<Change>,
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
        for m in &versioned {
            let version = m.version.clone().expect("versioned");
            let up_to = Target::Up {
                to: Some(version.clone()),
            };
            let step = |outcome| RoundtripStep {
                version: version.to_string(),
                name: m.name.clone(),
                outcome,
            };
            apply(url, &versioned, &up_to, options).await?;
            let after_up = read(url).await?;
            let checked = from.is_none_or(|f| &version >= f);
            if !checked || m.down.is_none() {
                report
                    .steps
                    .push(step(if checked { "no-down" } else { "applied" }));
                before = after_up;
                continue;
            }
            apply(url, &versioned, &Target::DownCount(1), options).await?;
            let after_down = read(url).await?;
            let failure = |phase, changes: Vec<Change>| RoundtripFailure {
                version: version.to_string(),
                name: m.name.clone(),
                phase,
                changes,
            };
            let changes = real(super::diff(&before, &after_down));
            if !changes.is_empty() {
                report.steps.push(step("failed"));
                report.failure = Some(failure(RoundtripPhase::Down, changes));
                return Ok(report);
            }
            apply(url, &versioned, &up_to, options).await?;
            let again = read(url).await?;
            let changes = real(super::diff(&after_up, &again));
            if !changes.is_empty() {
                report.steps.push(step("failed"));
                report.failure = Some(failure(RoundtripPhase::Reapply, changes));
                return Ok(report);
            }
            report.steps.push(step("passed"));
            before = again;
        }
        Ok(report)
    })
    .await
}

fn real(changes: Vec<Change>) -> Vec<Change> {
    changes.into_iter().filter(Change::is_difference).collect()
}
