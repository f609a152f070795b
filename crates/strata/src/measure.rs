//! Measuring migrations on a real PostgreSQL server (`strata lint --measure`): in a scratch
//! database holding what the earlier migrations build, each statement of a migration runs in a
//! transaction that is rolled back, and the locks it took and the tables it rewrote are read
//! from the server. How statements are run, and what is and is not measured, is described in
//! [`strata_postgres::measure`].

use crate::schema::{apply, Scratch};
use crate::{
    ConnectOptions, DriverError, DriverErrorKind, ExecuteError, Migration, Script, Target,
};

pub use strata_postgres::measure::{
    mode_strength, NotMeasured, Observed, Outcome, RelationKind, RelationLock, Rewrite,
    ScriptMeasurement, StatementError, StatementMeasurement,
};

/// The measurement of one migration of a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MigrationMeasurement {
    /// Index of the migration in the slice given to [`measure`].
    pub index: usize,
    /// What its up script's statements did, or why it could not be measured: a migration
    /// before it failed to apply in the scratch database (this migration and every measured
    /// one after it carry that error).
    pub outcome: Result<ScriptMeasurement, ExecuteError>,
}

fn require_postgres(server_url: &str) -> Result<(), DriverError> {
    if strata_postgres::is_postgres_url(server_url) {
        return Ok(());
    }
    Err(DriverError::new(
        DriverErrorKind::Connect,
        format!(
            "measuring locks needs a PostgreSQL server, not {}",
            crate::redact_url(server_url)
        ),
    )
    .with_hint(Some(
        "give a postgres:// URL for the server to create the scratch database on (--shadow-url)"
            .into(),
    )))
}

/// Measures the up scripts of `migrations[i]` for each `i` in `measured`, in one scratch
/// database on the server of `server_url`: before each measured migration, every migration
/// before it in `migrations` (the order strata applies them in) is applied for real in the
/// scratch database; the measured one's statements are then run and rolled back, and it is
/// applied afterwards when a later one is measured. Migrations after the last measured one are
/// not applied. The scratch database is dropped on every exit path.
///
/// A migration that fails to apply stops the measuring: the measured migrations from there on
/// get its error as their [`MigrationMeasurement::outcome`].
///
/// # Errors
/// Not a PostgreSQL URL; creating or dropping the scratch database; the measuring connection
/// failing. A statement that the server rejects is reported in its [`StatementMeasurement`],
/// not as an error.
pub async fn measure(
    server_url: &str,
    migrations: &[Migration],
    measured: &[usize],
    options: &ConnectOptions,
) -> Result<Vec<MigrationMeasurement>, ExecuteError> {
    require_postgres(server_url)?;
    let mut order: Vec<usize> = measured.to_vec();
    order.sort_unstable();
    order.dedup();
    if order.is_empty() {
        return Ok(Vec::new());
    }
    Scratch::with(server_url, async |scratch: &Scratch| {
        let mut out = Vec::with_capacity(order.len());
        for (k, &i) in order.iter().enumerate() {
            if i > 0 {
                let applied = apply(
                    scratch.url(),
                    &migrations[..i],
                    &Target::Up { to: None },
                    options,
                )
                .await;
                if let Err(e) = applied {
                    out.extend(order[k..].iter().map(|&index| MigrationMeasurement {
                        index,
                        outcome: Err(e.clone()),
                    }));
                    break;
                }
            }
            let script =
                strata_postgres::measure::measure_script(scratch.url(), &migrations[i].up).await?;
            out.push(MigrationMeasurement {
                index: i,
                outcome: Ok(script),
            });
        }
        Ok::<_, ExecuteError>(out)
    })
    .await
}

/// Measures a script on its own (nothing applied before it), in a scratch database on the
/// server of `server_url` that is dropped afterwards.
///
/// # Errors
/// As [`measure`].
pub async fn measure_script(
    server_url: &str,
    script: &Script,
) -> Result<ScriptMeasurement, DriverError> {
    require_postgres(server_url)?;
    Scratch::with(server_url, async |scratch: &Scratch| {
        strata_postgres::measure::measure_script(scratch.url(), script).await
    })
    .await
}
