//! Drift: does the live database still have exactly the schema its applied migrations build?

use super::{introspect, without_history, Change, Filter};
use crate::{AppliedKind, AppliedStatus, ConnectOptions, ExecuteError, Migration};
use serde::Serialize;

/// What [`drift`] found.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct DriftReport {
    /// Each difference, from the schema the migrations build to the live one: a
    /// [`Change::Create`] is in the database only, a [`Change::Drop`] is missing from it.
    pub differences: Vec<Change>,
    /// Migrations recorded as applied that were compared.
    pub compared: usize,
    /// Applied migrations that could not be rebuilt (no local file), so whatever they created
    /// shows up as drift.
    pub missing_files: Vec<String>,
    /// Statements that would bring the database back to what the migrations build.
    pub repair_sql: Vec<String>,
}

impl DriftReport {
    /// True when the database has drifted.
    pub fn drifted(&self) -> bool {
        !self.differences.is_empty()
    }
}

/// Applies to a scratch database (on the server of `scratch_server`) the migrations recorded
/// as applied in the database at `url`, reads both schemas and compares them. Strata's history
/// table is left out of both.
pub async fn drift(
    url: &str,
    scratch_server: &str,
    migrations: &[Migration],
    options: &ConnectOptions,
    filter: &Filter,
) -> Result<DriftReport, ExecuteError> {
    let applied = {
        let mut driver = crate::connect(url, options).await?;
        driver.read_history().await?
    };
    let mut selected = Vec::new();
    let mut missing_files = Vec::new();
    for a in applied
        .iter()
        .filter(|a| matches!(a.status, AppliedStatus::Applied))
    {
        let local = migrations.iter().find(|m| match a.kind {
            AppliedKind::Repeatable => m.version.is_none() && m.name == a.name,
            _ => m.version.is_some() && m.version == a.version,
        });
        match (local, a.kind) {
            (Some(m), _) => selected.push(m.clone()),
            (None, AppliedKind::Baseline) => {}
            (None, _) => missing_files.push(match &a.version {
                Some(v) => format!("{v}_{}", a.name),
                None => format!("R__{}", a.name),
            }),
        }
    }
    let expected = super::build(scratch_server, &selected, options, filter).await?;
    let live = introspect(url, &without_history(filter.clone(), options)).await?;
    let differences = super::diff(&expected, &live)
        .into_iter()
        .filter(Change::is_difference)
        .collect();
    let repair_sql = super::render::changes_sql(&super::diff(&live, &expected));
    Ok(DriftReport {
        differences,
        compared: selected.len(),
        missing_files,
        repair_sql,
    })
}
