//! `strata status`.

use super::{load_and_connect, options};
use crate::config::Config;
use crate::{EXIT_FINDINGS, EXIT_OK};
use anyhow::Result;
use strata::{Executor, MigrationState};

pub async fn run(config: &Config, check: bool) -> Result<i32> {
    let (migrations, mut driver) = load_and_connect(config, false).await?;
    let entries = Executor::new(driver.as_mut(), options(config))
        .status(&migrations)
        .await?;
    crate::report::status(config, &entries)?;
    let needs_work = entries.iter().any(|e| e.status != MigrationState::Applied);
    Ok(if check && needs_work {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
