//! `strata status`.

use super::{connect, options};
use crate::config::Config;
use crate::{EXIT_FINDINGS, EXIT_OK};
use anyhow::Result;
use strata::{Executor, MigrationState};

pub async fn run(config: &Config, check: bool) -> Result<i32> {
    // A problem with one file leaves that file out, not the whole list: status shows what it
    // can, lists the problems after it, and exits 1.
    let (dir, layout) = (config.dir.clone(), config.layout);
    let loading =
        tokio::task::spawn_blocking(move || strata::source::load_dir_lenient(&dir, layout));
    let (migrations, problems) = match loading.await {
        Ok(loaded) => loaded?,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    };
    let mut driver = connect(config).await?;
    let entries = Executor::new(driver.as_mut(), options(config))
        .status(&migrations)
        .await?;
    crate::report::status(config, &entries, &problems)?;
    let needs_work = entries.iter().any(|e| e.status != MigrationState::Applied);
    Ok(if !problems.is_empty() || (check && needs_work) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
