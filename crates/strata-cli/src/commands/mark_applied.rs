//! `strata mark-applied V`.

use super::{connect, load, options};
use crate::config::Config;
use anyhow::Result;
use strata::{Executor, Version};

pub async fn run(config: &Config, version: &Version, reason: Option<&str>) -> Result<i32> {
    let migrations = load(config)?;
    let mut driver = connect(config).await?;
    Executor::new(driver.as_mut(), options(config))
        .mark_applied(&migrations, version, reason)
        .await?;
    crate::report::done(
        config,
        &format!("{version} recorded as applied (nothing was run)"),
        serde_json::json!({ "marked_applied": version.as_str() }),
    )
}
